"""Hostile roster files: refused with a Chinese message and exit 2 before the reader can be made to allocate,
wait or inflate without bound; nothing written. Files a normal writer makes in another form still import."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from desktop.cli import main
from desktop.errors import InputRejected
from desktop.models import AuditEntry, Household
from desktop.services.roster import roster_read
from desktop.services.roster.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.import_dialog import ImportDialog
from desktop.ui.main_window import MainWindow
from tests.conftest import ADMIN_PASSWORD

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def cli(db_url, capsys, monkeypatch):
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)

    def run(*args: str):
        code = main(["--db", db_url, *args, "--json"])
        out = capsys.readouterr().out.strip().splitlines()
        return code, json.loads(out[-1]) if out else None

    return run


def written(db) -> tuple[int, int]:
    with db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Household)),
            s.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "roster.import")
            ),
        )


def rewrite(source: Path, target: Path, edit: Callable[[bytes], bytes], part: str = SHEET) -> Path:
    """A copy of an .xlsx with one part's XML edited (the way a hand-forged file is made)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, edit(data) if info.filename == part else data)
    return target


def tiny(path: Path) -> Path:
    wb = Workbook()
    wb.active.append(["户编号", "姓名"])
    wb.save(path)
    return path


def with_rows(rows: str) -> Callable[[bytes], bytes]:
    """Replace the sheet's data with `rows` (XML) and declare a harmless dimension."""

    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', xml)
        return re.sub(
            rb"<sheetData>.*</sheetData>", b"<sheetData>" + rows.encode() + b"</sheetData>", xml, flags=re.S
        )

    return edit


def refused(cli, db, path: Path, *words: str) -> str:
    code, data = cli("import", "roster", str(path))
    assert code == 2, data
    for word in words:
        assert word in data["error"], data["error"]
    assert written(db) == (0, 0)
    return data["error"]


# --- Dimensions ----------------------------------------------------------------------------------------------


def test_a_forged_dimension_is_refused_before_reading(cli, db, sample, tmp_path):
    forged = rewrite(
        sample("roster-small.xlsx"),
        tmp_path / "forged.xlsx",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )
    message = refused(cli, db, forged, "XFD1048576", "声明的数据区域", "200000 行、200 列", "未导入任何数据")
    assert "贫困人口明细" in message  # the sheet is named as the clerk sees it


def test_a_cell_at_xfd1048576_exits_2_not_134(db_url, db, sample, tmp_path):
    """The issue's file: one real cell at the last row and column. Run as the clerk would (a crash here
    would abort a test process), with the true dimension left in place."""
    far = rewrite(
        sample("roster-small.xlsx"),
        tmp_path / "far.xlsx",
        lambda xml: xml.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
        ),
    )
    env = dict(os.environ, DESKTOP_USER="admin", DESKTOP_PASSWORD=ADMIN_PASSWORD, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", db_url, "import", "roster", str(far), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "XFD1048576" in json.loads(done.stdout.strip().splitlines()[-1])["error"]
    assert written(db) == (0, 0)


def test_too_many_real_rows_are_refused(cli, db, tmp_path):
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(1, 200_002))
    path = rewrite(tiny(tmp_path / "base.xlsx"), tmp_path / "rows.xlsx", with_rows(rows))
    refused(cli, db, path, "A200001", "200000 行")


def test_rows_without_references_count_as_calamine_counts_them(cli, db, tmp_path, monkeypatch):
    """Cells and rows without r="…" take the next position: the exact (expat) scan follows them."""
    monkeypatch.setattr(roster_read, "MAX_ROWS", 50)
    rows = "".join("<row><c><v>1</v></c><c><v>2</v></c></row>" for _ in range(60))
    path = rewrite(tiny(tmp_path / "base.xlsx"), tmp_path / "rows.xlsx", with_rows(rows))
    refused(cli, db, path, "A51", "50 行")
    monkeypatch.setattr(roster_read, "MAX_ROWS", 200_000)
    monkeypatch.setattr(roster_read, "MAX_COLUMNS", 3)
    wide = "<row>" + "<c><v>1</v></c>" * 4 + "</row>"
    path = rewrite(tiny(tmp_path / "base.xlsx"), tmp_path / "wide.xlsx", with_rows(wide))
    refused(cli, db, path, "D1", "3 列")


@pytest.mark.parametrize(
    ("cell", "ok"),
    [("GR7", True), ("GS7", False), ("gs7", False), ("AAA1", False), ("A200000", True), ("A200001", False)],
)
def test_the_last_column_and_row_allowed(tmp_path, cell, ok):
    path = rewrite(
        tiny(tmp_path / "base.xlsx"),
        tmp_path / "edge.xlsx",
        with_rows(f'<row r="7"><c r="{cell}"><v>1</v></c></row>'),
    )
    with pytest.raises(InputRejected) as caught:
        roster_read.read_roster(path)
    assert ("超过了花名册允许的" not in caught.value.message) == ok, caught.value.message


def test_a_second_r_attribute_cannot_move_a_cell(cli, db, sample, tmp_path):
    """calamine takes the last r="…" of a cell; expat refuses the duplicate as malformed XML."""
    path = rewrite(
        sample("roster-small.xlsx"),
        tmp_path / "dup.xlsx",
        lambda xml: xml.replace(b'<c r="AH3" t="n">', b'<c r="AH3" r="XFD1048576" t="n">'),
    )
    refused(cli, db, path, "已损坏或结构异常")


@pytest.mark.parametrize(
    ("rows", "cols"), [(200_000, 200), (50, 28), (9, 26), (1000, 702), (100, 703), (1, 1), (10, 27)]
)
def test_the_quick_scan_agrees_with_arithmetic_at_every_edge(rows, cols):
    unsafe = roster_read._unsafe_cell(rows, cols)
    for row in {1, 9, 10, 11, rows - 1, rows, rows + 1, rows * 10}:
        for col in {1, 26, 27, 52, 53, cols - 1, cols, cols + 1, 702, 703, 16384}:
            if row < 1 or col < 1:
                continue
            for letters in (roster_read.column_letters(col), roster_read.column_letters(col).lower()):
                tag = f'<c r="{letters}{row}" s="1" t="n"><v>1</v></c>'.encode()
                assert (unsafe.search(tag) is None) == (row <= rows and col <= cols), tag


# --- Zip bombs, sizes, formats -------------------------------------------------------------------------------


def test_a_sheet_inflating_beyond_the_limit_is_refused(cli, db, sample, tmp_path, monkeypatch):
    monkeypatch.setattr(roster_read, "MAX_XML_BYTES", 1024 * 1024)
    bomb = rewrite(
        sample("roster-small.xlsx"), tmp_path / "bomb.xlsx", lambda xml: xml + b" " * (3 * 1024 * 1024)
    )
    assert bomb.stat().st_size < 100_000
    refused(cli, db, bomb, "解压后", "超过了上限")


def _lie_about_size(path: Path, part: str, size: int) -> None:
    """Write a smaller uncompressed size for `part` into its local header and its central directory entry."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    for signature, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[start + at : start + at + 4] = struct.pack("<I", size)
            start += 4
    path.write_bytes(bytes(data))


def test_a_part_inflating_beyond_its_declared_size_is_refused(cli, db, sample, tmp_path):
    path = rewrite(sample("roster-small.xlsx"), tmp_path / "liar.xlsx", lambda xml: xml + b" " * 2_000_000)
    _lie_about_size(path, SHEET, 1000)
    refused(cli, db, path, "已损坏或结构异常", "更大")


def test_a_file_over_the_size_limit_is_refused(cli, db, sample, monkeypatch):
    monkeypatch.setattr(roster_read, "MAX_FILE_BYTES", 10_000)
    refused(cli, db, sample("roster-small.xlsx"), "超过了花名册文件的上限")


def test_a_zip_of_too_many_parts_is_refused(cli, db, sample, monkeypatch):
    monkeypatch.setattr(roster_read, "MAX_PARTS", 5)
    refused(cli, db, sample("roster-small.xlsx"), "压缩包里有 9 个文件")


def test_old_xls_and_other_files_are_refused_clearly(cli, db, tmp_path):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    refused(cli, db, xls, "旧版Excel（.xls）", "另存为")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    refused(cli, db, empty, "是空的")
    odd = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(odd, "w") as z:
        z.writestr("content.xml", "<x/>")
    refused(cli, db, odd, "不是有效的Excel文件")


# --- Paths that are not regular files -------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_a_fifo_is_refused_without_being_opened(cli, db, tmp_path):
    """Opening a FIFO for reading blocks until a writer comes: it must be refused by its type, never opened.
    (A regression hangs here; the faulthandler_timeout of pyproject.toml reports where.)"""
    fifo = tmp_path / "roster.xlsx"
    os.mkfifo(fifo)
    refused(cli, db, fifo, "不是普通文件")


def test_a_directory_and_a_device_are_refused(cli, db, tmp_path):
    folder = tmp_path / "roster.xlsx"
    folder.mkdir()
    refused(cli, db, folder, "是一个文件夹")
    if os.path.exists(os.devnull) and os.name == "posix":
        refused(cli, db, Path(os.devnull), "不是普通文件")


# --- Other writers' forms still import -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda xml: re.sub(rb'<c r="[A-Z]+[0-9]+"', b"<c", xml), id="cells-without-r"),
        pytest.param(lambda xml: re.sub(rb'<c (r="[^"]*") (t="[^"]*")', rb"<c \2 \1", xml), id="r-not-first"),
        pytest.param(
            lambda xml: (
                xml.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=")
                .replace(b"</worksheet>", b"</x:worksheet>")
                .replace(b"<sheetData>", b"<x:sheetData>")
                .replace(b"</sheetData>", b"</x:sheetData>")
                .replace(b"<row ", b"<x:row ")
                .replace(b"</row>", b"</x:row>")
                .replace(b"<c ", b"<x:c ")
                .replace(b"</c>", b"</x:c>")
                .replace(b"<is>", b"<x:is>")
                .replace(b"</is>", b"</x:is>")
                .replace(b"<t>", b"<x:t>")
                .replace(b"</t>", b"</x:t>")
                .replace(b"<v>", b"<x:v>")
                .replace(b"</v>", b"</x:v>")
            ),
            id="prefixed",
        ),
        pytest.param(
            lambda xml: xml.replace(
                b"</worksheet>",
                b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="x14"><x14:dataValidations'
                b' count="1" xmlns:xm="xm"><x14:dataValidation type="list"><x14:formula1><xm:f>Sheet2!$A$1:$A$3'
                b"</xm:f></x14:formula1><xm:sqref>K3:K165</xm:sqref></x14:dataValidation></x14:dataValidations>"
                b"</ext></extLst></worksheet>",
            ),
            id="list-validation",
        ),
    ],
)
def test_sheets_written_in_other_forms_still_import(db, admin, sample, tmp_path, edit):
    path = rewrite(sample("roster-small.xlsx"), tmp_path / "other.xlsx", edit)
    result = import_roster(db, admin, path)
    assert (result.households, result.members, result.errors) == (40, 163, [])


def test_custom_limits_can_be_passed_to_the_reader(sample):
    raw = roster_read.read_roster(
        sample("roster-small.xlsx"), roster_read.ReadLimits(165, 39, 1_000_000, 10_000_000)
    )
    assert len(raw.rows) == 163
    with pytest.raises(InputRejected, match="164 行"):
        roster_read.read_roster(
            sample("roster-small.xlsx"), roster_read.ReadLimits(164, 39, 1_000_000, 10_000_000)
        )


# --- The window goes through the same reader ------------------------------------------------------------------


def test_the_import_window_shows_the_refusal(qtbot, db, admin, sample, tmp_path):
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.households.open_import()
    dialog = window.households._import_dialog
    forged = rewrite(
        sample("roster-small.xlsx"),
        tmp_path / "forged.xlsx",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )
    for path, words in ((forged, "XFD1048576"), (tmp_path, "文件夹")):
        dialog.start_check(str(path))
        qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "errorBox") is not None, timeout=20000)
        box = dialog.findChild(QMessageBox, "errorBox")
        assert words in box.text() and box.icon() == QMessageBox.Icon.Warning  # a message, not a crash
        assert dialog.pages.currentIndex() == ImportDialog.CHOOSE
        box.close()
        qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "errorBox") is None, timeout=20000)
    assert written(db) == (0, 0)


@pytest.mark.parametrize("cells", [["C4", "D5"], ["A1"], [], ["B1", "A3"], ["E2"]])
def test_rows_taken_a_row_at_a_time_are_the_whole_sheet_from_a1(tmp_path, cells):
    """The reader lets go of the GIL between rows (the window kept still for a whole roster otherwise); what it
    gets is exactly calamine's whole-sheet reading from A1, wherever the sheet's cells start."""
    from python_calamine import CalamineWorkbook

    from desktop.services.roster.roster_read import sheet_rows

    wb = Workbook()
    for ref in cells:
        wb.active[ref] = "户编号"
    wb.save(tmp_path / "offset.xlsx")
    with CalamineWorkbook.from_path(str(tmp_path / "offset.xlsx")) as book:
        sheet = book.get_sheet_by_name(book.sheet_names[0])
        assert sheet_rows(sheet) == sheet.to_python(skip_empty_area=False)
