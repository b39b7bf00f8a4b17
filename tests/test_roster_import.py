"""Importing, exporting and comparing the national roster, end to end on a real database."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from desktop.cli import main
from desktop.errors import InputRejected, PermissionDenied, RowsRejected
from desktop.models import AuditEntry, Household, IncomeYear, Member
from desktop.services.households import households
from desktop.services.roster.roster_compare import compare_roster
from desktop.services.roster.roster_export import export_roster
from desktop.services.roster.roster_import import import_roster
from desktop.services.system.actor import Actor
from tests.conftest import ADMIN_PASSWORD, DATA
from tests.rosters import edited, read_rows, write_rows


def counts(db):
    with db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Household)),
            s.scalar(select(func.count()).select_from(Member)),
            s.scalar(select(func.count()).select_from(AuditEntry)),
        )


@pytest.mark.parametrize(
    ("name", "hh", "people"),
    [("roster-small.xlsx", 40, 163), ("roster-messy.xlsx", 60, 222), ("roster-2021-small.xlsx", 40, 169)],
)
def test_sample_rosters_import_completely(db, admin, sample, name, hh, people):
    result = import_roster(db, admin, sample(name))
    assert (result.households, result.members, result.added, result.errors) == (hh, people, hh, [])
    assert counts(db)[:2] == (hh, people)


def test_messy_roster_reports_columns_it_did_not_know(db, admin, sample):
    result = import_roster(db, admin, sample("roster-messy.xlsx"))
    assert result.ignored_columns == ["备注", "数据来源"]


def test_errors_roster_is_rejected_with_every_expected_error_and_nothing_written(db, admin, sample):
    before = counts(db)
    path = sample("roster-errors.xlsx")
    with pytest.raises(RowsRejected) as caught:
        import_roster(db, admin, path)
    expected = json.loads((DATA / "roster-errors.expected.json").read_text("utf-8"))["errors"]
    got = {(e.household, e.person, e.column, e.kind) for e in caught.value.errors}
    assert got == {(e["household"], e["person"], e["column"], e["kind"]) for e in expected}
    # Each error names its Excel row: the row where that person stands in the file.
    rows = read_rows(path)
    for e in caught.value.errors:
        assert str(rows[e.row - 1][7]) == e.person
        assert str(e).startswith(f"第{e.row}行 {e.column}：")
    assert counts(db) == before
    # The errors workbook sits beside the input, one line per error.
    errors_file = path.with_name("roster-errors.errors.xlsx")
    assert caught.value.errors_file == str(errors_file)
    ws = load_workbook(errors_file).active
    assert ws.max_row == 2 + len(expected)
    assert [c.value for c in ws[2]][:3] == ["行号", "列名", "错误说明"]


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("roster-small.xlsx", "legacy"),
        ("roster-2021-small.xlsx", "2021"),
        ("roster-2021-small.xlsx", "legacy"),
        ("roster-messy.xlsx", "2021"),
    ],
)
def test_export_then_reimport_changes_nothing(db, admin, sample, tmp_path, name, layout):
    import_roster(db, admin, sample(name))
    audit_before = counts(db)[2]
    out = tmp_path / f"export-{layout}.xlsx"
    export_roster(db, admin, out, layout=layout)
    result = import_roster(db, admin, out)
    assert (result.added, result.updated, result.missing) == (0, 0, 0)
    assert result.unchanged == result.households
    assert compare_roster(db, out).consistent
    assert counts(db)[2] == audit_before + 1  # only the import itself is logged


def test_export_keeps_id_numbers_as_text(db, admin, sample, tmp_path):
    import_roster(db, admin, sample("roster-small.xlsx"))
    out = tmp_path / "out.xlsx"
    export_roster(db, admin, out, layout="legacy")
    ws = load_workbook(out).active
    header = [c.value for c in ws[2]]
    cell = ws.cell(row=3, column=header.index("证件号码") + 1)
    assert isinstance(cell.value, str) and len(cell.value) == 18 and cell.number_format == "@"


def test_reimport_updates_changed_households_marks_departed_members_and_audits(db, admin, sample, tmp_path):
    source = sample("roster-small.xlsx")
    import_roster(db, admin, source)

    def edit(header, data):
        name, code = header.index("姓名"), header.index("人编号")
        out = []
        for row in data:
            row = list(row)
            if str(row[code]) == "4114241052080000102":
                row[name] = "袁玉永"
            if str(row[code]) == "4114241052080000103":
                continue  # left the household
            if str(row[code]).startswith("41142410520800001"):
                row[header.index("人数")] = 2
            out.append(row)
        return out

    result = import_roster(db, admin, edited(source, tmp_path / "changed.xlsx", edit))
    assert (result.updated, result.unchanged, result.added) == (1, 39, 0)
    detail = households.detail(db, admin, "41142410520800001")
    assert detail.row.size == 2
    assert [(m.name, m.left) for m in detail.members] == [
        ("董超玉", False),
        ("袁玉永", False),
        ("董平花", True),
    ]
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "household.update")).one()
    assert entry.entity_key == "41142410520800001"
    assert entry.before["4114241052080000102:name"] == "袁玉勇"
    assert entry.after["4114241052080000102:name"] == "袁玉永"


def test_dry_run_reports_and_writes_nothing(db, admin, sample):
    before = counts(db)
    result = import_roster(db, admin, sample("roster-small.xlsx"), dry_run=True)
    assert (result.added, result.dry_run) == (40, True)
    assert counts(db) == before


def test_a_person_already_in_another_household_is_rejected(db, admin, sample, tmp_path):
    import_roster(db, admin, sample("roster-small.xlsx"))
    rows = read_rows(DATA / "roster-small.xlsx")
    header = [str(c) for c in rows[1]]
    moved = list(rows[2])  # 董超玉, head of 41142410520800001, now also head of a new household
    moved[header.index("户编号")] = "41142410520899999"
    moved[header.index("人编号")] = "4114241052089999901"
    moved[header.index("人数")] = 1
    path = write_rows(tmp_path / "dup.xlsx", [rows[0], header, moved])
    with pytest.raises(RowsRejected) as caught:
        import_roster(db, admin, path)
    (error,) = caught.value.errors
    assert (error.row, error.column, error.kind) == (3, "证件号码", "duplicate")
    assert "41142410520800001" in error.message


def test_header_found_by_text_in_any_order_below_title_rows(db, admin, tmp_path):
    rows = read_rows(DATA / "roster-small.xlsx")
    header = [str(c) for c in rows[1]]
    order = list(reversed(range(len(header))))
    shuffled = [[r[i] for i in order] for r in rows[2:]]
    fancy = [h.replace("(", "（").replace(")", "）") for h in (header[i] for i in order)]
    fancy[fancy.index("证件号码")] = " 证件\n号码 "
    body = []
    for i, row in enumerate(shuffled):
        body.append(row)
        if i % 10 == 0:
            body.append([""] * len(row))
    path = write_rows(
        tmp_path / "fancy.xlsx",
        [["某县2026年花名册"], ["单位：户、人"], [], fancy, *body, ["合计"] + [""] * (len(header) - 1)],
    )
    result = import_roster(db, admin, path)
    assert (result.households, result.members) == (40, 163)


def test_ids_with_lowercase_x_and_full_width_digits_are_normalized(db, admin, tmp_path):
    def edit(header, data):
        col = header.index("证件号码")
        data = [list(r) for r in data]
        data[0][col] = data[0][col].lower().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return data

    path = edited(DATA / "roster-small.xlsx", tmp_path / "x.xlsx", edit)
    import_roster(db, admin, path)
    assert households.detail(db, admin, "41142410520800001").members[0].id_number == "41142419661020042X"


def test_compare_lists_differences_per_household_and_field(db, admin, sample, tmp_path):
    source = sample("roster-small.xlsx")
    import_roster(db, admin, source)

    def edit(header, data):
        data = [list(r) for r in data]
        data[0][header.index("联系电话")] = "13900000000"
        return data[:-3]  # the last household dropped

    result = compare_roster(db, edited(source, tmp_path / "fresh.xlsx", edit))
    assert result.only_in_database == ["41142510520500040"]
    assert [(d.household, d.field, d.file, d.database) for d in result.differences] == [
        ("41142410520800001", "联系电话", "13900000000", "18486399530")
    ]


def test_an_auditor_cannot_import(db, sample):
    with pytest.raises(PermissionDenied):
        import_roster(db, Actor("reader", "auditor"), sample("roster-small.xlsx"))


# --- Required columns and cells read as blank --------------------------------------------------------------


def _without_member_code(how: str):
    def edit(header, data):
        col = header.index("人编号")
        if how == "renamed":
            header[col] = "个人编码"
        elif how == "deleted":
            del header[col]
            return [r[:col] + r[col + 1 :] for r in data]
        return data

    return edit


@pytest.mark.parametrize("how", ["renamed", "deleted"])
def test_a_roster_without_its_member_code_column_is_rejected_naming_it(db, admin, tmp_path, how):
    before = counts(db)
    path = edited(DATA / "roster-small.xlsx", tmp_path / f"{how}.xlsx", _without_member_code(how))
    with pytest.raises(InputRejected) as caught:
        import_roster(db, admin, path)
    message = caught.value.message
    assert "缺少必需的列：“人编号”（也可写作“人口编号”“成员编号”）" in message
    assert "第2行的表头是：序号、市、县(市、区)、乡(镇)" in message and "户编号" in message
    assert counts(db) == before


def test_a_merged_header_cell_is_named_in_the_rejection(db, admin, tmp_path):
    wb = load_workbook(DATA / "roster-small.xlsx")
    ws = wb.active
    header = [c.value for c in ws[2]]
    col = header.index("人编号") + 1  # 户编号 is the column before it
    ws.cell(row=2, column=col).value = None
    ws.merge_cells(start_row=2, start_column=col - 1, end_row=2, end_column=col)
    wb.save(tmp_path / "merged.xlsx")
    with pytest.raises(InputRejected) as caught:
        import_roster(db, admin, tmp_path / "merged.xlsx")
    assert "“人编号”" in caught.value.message
    assert "G2:H2 是合并单元格" in caught.value.message


def test_the_2021_layout_names_its_own_header(db, admin, tmp_path):
    rows = read_rows(DATA / "roster-2021-small.xlsx")
    header = [str(c) for c in rows[1]]
    col = header.index("人口编号")
    cut = [[*r[:col], *r[col + 1 :]] for r in rows[1:]]
    path = write_rows(tmp_path / "no-code.xlsx", [rows[0], *cut])
    with pytest.raises(InputRejected, match="缺少必需的列：“人口编号”（也可写作“人编号”“成员编号”）"):
        import_roster(db, admin, path)


def test_missing_member_code_exits_2_from_the_command_line(db_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    path = edited(DATA / "roster-small.xlsx", tmp_path / "renamed.xlsx", _without_member_code("renamed"))
    assert main(["--db", db_url, "import", "roster", str(path), "--json"]) == 2
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert "人编号" in data["error"] and "意外错误" not in data["error"]


def _sheet_edited(target: Path, edit: Callable[[bytes], bytes]) -> Path:
    """roster-small.xlsx with its sheet XML edited, the way a program (or a forger) writes it."""
    with (
        zipfile.ZipFile(DATA / "roster-small.xlsx") as zin,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, edit(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return target


INCOME_3 = b'<c r="AH3" t="n"><v>2992</v></c>'  # row 3's 年人均纯收入(元)


def _income_cell(cell: bytes) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        assert xml.count(INCOME_3) == 1
        return xml.replace(INCOME_3, cell)

    return edit


@pytest.mark.parametrize(
    "cell",
    [
        b'<c r="AH3"><f>2000+992</f><v /></c>',
        b'<c r="AH3"><f>2000+992</f></c>',
        b'<c r="AH3"><x:f>2000+992</x:f></c>',
    ],
)
def test_a_formula_without_its_result_is_a_row_error(db, admin, tmp_path, cell):
    before = counts(db)
    path = _sheet_edited(tmp_path / "formula.xlsx", _income_cell(cell))
    with pytest.raises(RowsRejected) as caught:
        import_roster(db, admin, path)
    (error,) = caught.value.errors
    assert (error.row, error.column, error.kind, error.household) == (
        3,
        "年人均纯收入(元)",
        "formula_without_value",
        "41142410520800001",
    )
    assert "是公式（=2000+992），文件里没有保存它的计算结果" in str(error)
    assert counts(db) == before


def test_a_formula_saved_by_openpyxl_is_caught_too(db, admin, tmp_path):
    wb = load_workbook(DATA / "roster-small.xlsx")
    ws = wb.active
    header = [c.value for c in ws[2]]
    ws.cell(row=5, column=header.index("年人均纯收入(元)") + 1).value = "=2000+992"
    wb.save(tmp_path / "openpyxl.xlsx")
    with pytest.raises(RowsRejected) as caught:
        import_roster(db, admin, tmp_path / "openpyxl.xlsx")
    assert [(e.row, e.column, e.kind) for e in caught.value.errors] == [
        (5, "年人均纯收入(元)", "formula_without_value")
    ]


def test_a_formula_with_its_result_imports_the_result(db, admin, tmp_path):
    path = _sheet_edited(tmp_path / "cached.xlsx", _income_cell(b'<c r="AH3"><f>2000+992</f><v>2992</v></c>'))
    import_roster(db, admin, path)
    with db.read() as s:
        income = s.scalar(
            select(IncomeYear.net_per_capita_fen).join(Household).where(Household.code == "41142410520800001")
        )
    assert income == 299200


def test_an_error_value_is_a_row_error(db, admin, tmp_path):
    cell = b'<c r="AH3" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    with pytest.raises(RowsRejected) as caught:
        import_roster(db, admin, _sheet_edited(tmp_path / "error.xlsx", _income_cell(cell)))
    (error,) = caught.value.errors
    assert (error.row, error.column, error.kind) == (3, "年人均纯收入(元)", "error_value")
    assert "#DIV/0!" in error.message


def test_a_formula_in_a_sheet_read_by_the_exact_scan_is_caught_too(db, admin, tmp_path):
    """Cells without r="…" send the sheet to the exact (expat) scan: formulas are found there as well."""

    def edit(xml: bytes) -> bytes:
        xml = _income_cell(b'<c r="AH3"><f>2000+992</f></c>')(xml)
        return re.sub(rb'<c r="[A-Z]+[0-9]+"', b"<c", xml)

    with pytest.raises(RowsRejected) as caught:
        import_roster(db, admin, _sheet_edited(tmp_path / "no-refs.xlsx", edit))
    assert [(e.row, e.column, e.kind) for e in caught.value.errors] == [
        (3, "年人均纯收入(元)", "formula_without_value")
    ]
