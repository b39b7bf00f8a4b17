"""Roster workbooks: the export in a national layout, and the error workbook beside a rejected file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from desktop import clock
from desktop.services.errors import RowError

TEXT = "@"  # Excel keeps only 15 digits of a number: IDs, codes and accounts are always text.


def _writer():  # noqa: ANN202
    from openpyxl import Workbook

    return Workbook(write_only=True)


def write_roster(
    path: Path, title: str, headers: Sequence[str], text_columns: set[int], rows: Iterable[Sequence[Any]]
) -> int:
    """A one-sheet roster: title row, header row, data rows. Returns the number of data rows."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = _writer()
    ws = wb.create_sheet("贫困人口明细")
    ws.freeze_panes = "A3"
    ws.append([title])
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font = bold
        header_cells.append(c)
    ws.append(header_cells)
    count = 0
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            if i in text_columns:
                c = WriteOnlyCell(ws, value="" if value is None else str(value))
                c.number_format = TEXT
                cells.append(c)
            else:
                cells.append(value)
        ws.append(cells)
        count += 1
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return count


def errors_path_for(source: Path) -> Path:
    return source.with_name(source.stem + ".errors.xlsx")


def write_errors_workbook(source: Path, errors: list[RowError]) -> Path:
    """`FILE.errors.xlsx` beside the input (or in the data folder if that is read-only): one line per error
    with its row, column and reason, and the whole offending row copied after it."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from desktop.services.roster_read import read_roster

    try:
        raw = read_roster(source)
        header_text = [raw.headers.get(k, "") for k in sorted(raw.columns, key=raw.columns.get)]
        order = sorted(raw.columns.values())
        rows = dict(raw.rows)
    except Exception:  # the header itself may be what is wrong
        header_text, order, rows = [], [], {}
    wb = Workbook()
    ws = wb.active
    ws.title = "错误清单"
    ws.append(
        [
            f"{source.name} 导入检查未通过：共{len(errors)}处错误，未导入任何数据（{clock.today().isoformat()}）"
        ]
    )
    ws.append(["行号", "列名", "错误说明", "户编号", "人编号", *header_text])
    red = PatternFill("solid", fgColor="FFE0E0")
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for e in errors:
        cells = rows.get(e.row, [])
        original = [("" if cells[i] is None else cells[i]) if i < len(cells) else "" for i in order]
        ws.append([e.row, e.column, e.message, e.household, e.person, *[str(v) for v in original]])
        for cell in ws[ws.max_row][:3]:
            cell.fill = red
    for col, width in zip("ABCDE", (8, 18, 48, 20, 22), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=3, max_col=3):
        row[2].alignment = Alignment(wrap_text=True)
    target = errors_path_for(source)
    try:
        wb.save(target)
    except OSError:
        from desktop.config import data_dir

        target = data_dir() / target.name
        wb.save(target)
    return target
