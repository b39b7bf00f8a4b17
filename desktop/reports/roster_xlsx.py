"""Roster workbooks: the export in a national layout, and the error workbook beside a rejected file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from desktop import clock
from desktop.config import data_dir
from desktop.errors import RowError
from desktop.reports import xlsx_safe

# Every cell goes through xlsx_safe: text from the roster is text, never a live formula; IDs, codes and accounts
# are text in the "@" format (Excel keeps only 15 digits of a number).


def _writer():
    from openpyxl import Workbook

    return Workbook(write_only=True)


def write_roster(
    path: Path,
    title: str,
    headers: Sequence[str],
    text_columns: set[int],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[float] | None = None,
) -> int:
    """A one-sheet roster: title row, header row, data rows. Returns the number of data rows. `widths` are
    Excel column widths (≈ characters); the header wraps within them. Landscape A4, one page wide, title and
    header on every page."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = _writer()
    ws = wb.create_sheet("贫困人口明细")
    # A write-only sheet writes its columns, panes and row heights before the first row: set them now.
    ws.freeze_panes = "A3"
    if widths is None:
        widths = [
            22.0 if i in text_columns else max(8.0, xlsx_safe.display_width(h) + 2)
            for i, h in enumerate(headers)
        ]
    lines = 1
    for i, (h, w) in enumerate(zip(headers, widths, strict=True), start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
        lines = max(lines, -(-int(xlsx_safe.display_width(h) * 1.1) // max(1, int(w) - 1)))
    ws.row_dimensions[2].height = xlsx_safe.row_height(lines) + 1
    xlsx_safe.print_setup(ws, "1:2", landscape=True)
    ws.append([xlsx_safe.for_append(ws, title)])
    bold = Font(bold=True)
    wrap = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header_cells = []
    for h in headers:
        c = xlsx_safe.put(WriteOnlyCell(ws), h)
        c.font = bold
        c.alignment = wrap
        header_cells.append(c)
    ws.append(header_cells)
    count = 0
    for row in rows:
        ws.append([xlsx_safe.for_append(ws, value, text=i in text_columns) for i, value in enumerate(row)])
        count += 1
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return count


def errors_path_for(source: Path) -> Path:
    return source.with_name(source.stem + ".errors.xlsx")


def write_errors_workbook(source: Path, errors: list[RowError], raw=None, *, checked_on: date) -> Path:
    """`FILE.errors.xlsx` beside the input (or in the data folder if that is read-only): one line per error
    with its row, column and reason, and the whole offending row copied after it from `raw` (the roster as
    read: headers, columns and rows; None when the header itself could not be read); `checked_on` is the day
    printed in its title."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    if raw is not None:
        header_text = [raw.headers.get(k, "") for k in sorted(raw.columns, key=raw.columns.get)]
        order = sorted(raw.columns.values())
        rows = dict(raw.rows)
    else:
        header_text, order, rows = [], [], {}
    wb = Workbook()
    ws = wb.active
    ws.title = "错误清单"
    xlsx_safe.put(
        ws.cell(row=1, column=1),
        f"{source.name} 导入检查未通过：共{len(errors)}处错误，未导入任何数据（{clock.cn_date(checked_on)}）",
    ).font = Font(size=12, bold=True)
    bold = Font(bold=True)
    for j, h in enumerate(["行号", "列名", "错误说明", "户编号", "人编号", *header_text], start=1):
        cell = xlsx_safe.put(ws.cell(row=2, column=j), h)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    red = PatternFill("solid", fgColor="FFE0E0")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for r, e in enumerate(errors, start=3):
        cells = rows.get(e.row, [])
        original = [("" if cells[i] is None else cells[i]) if i < len(cells) else "" for i in order]
        values = [e.row, e.column, e.message, e.household or "", e.person or ""] + [str(v) for v in original]
        for j, value in enumerate(values, start=1):
            cell = xlsx_safe.put(
                ws.cell(row=r, column=j), value, text=j in (4, 5) or xlsx_safe.is_code(str(value))
            )
            cell.alignment = wrap if j == 3 else top
            if j <= 3:
                cell.fill = red
    xlsx_safe.fit_columns(ws, 2, cap=24)
    for col, width in zip("ABC", (8, 18, 48), strict=True):
        ws.column_dimensions[col].width = width
    xlsx_safe.fit_rows(ws, 3, [3])
    xlsx_safe.print_setup(ws, "1:2", landscape=True)
    # The printout is the error list (row, column, reason, codes); the whole original row, 40-odd columns,
    # is for the screen: fitted to one page wide it would print too small to read.
    ws.print_area = f"A1:E{max(2, len(errors) + 2)}"
    ws.freeze_panes = "A3"
    target = errors_path_for(source)
    try:
        wb.save(target)
    except OSError:
        target = data_dir() / target.name
        wb.save(target)
    return target
