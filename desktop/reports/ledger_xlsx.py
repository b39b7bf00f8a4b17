"""台账 as a workbook: the same ledger as the PDF, for the county's spreadsheets.

Landscape A4, one page wide, title/unit/header rows repeated on every printed page, 第N页 共M页 in the footer.
Group subtotals and the grand total are SUBTOTAL formulas, so a clerk who corrects a cell gets a right total
(the grand total is a SUBTOTAL over the whole data range, which leaves the group subtotals out). Money is a
number in 元 with two decimals; IDs and codes are text shown in full; every value from our data goes through
xlsx_safe.put, so none of it can become a live formula. Page subtotals and 承前页/过次页 lines belong to the
PDF: where a spreadsheet breaks its pages is up to the program that prints it.
"""

from __future__ import annotations

from copy import copy
from pathlib import Path

from desktop import clock
from desktop.reports import xlsx_safe
from desktop.reports.ledger import Ledger, fmt

TITLE_ROWS = "1:3"
FIRST_DATA_ROW = 4
TEXT_CAP = 36.0  # wider text wraps


def _is_code_column(ledger: Ledger, i: int) -> bool:
    return any(isinstance(r[i], str) and xlsx_safe.is_code(r[i]) for r in ledger.rows)


def _widths(ledger: Ledger, code_cols: set[int]) -> list[float]:
    """Excel widths (≈ characters of the default font): header lines and cells, codes in full, other text up to
    TEXT_CAP; a summed column also holds its grand total."""
    sample = ledger.rows[:3000]
    widths = []
    for i, col in enumerate(ledger.columns):
        head = max(xlsx_safe.display_width(line) for line in col.title.split("\n")) * 1.1  # bold
        cells = [xlsx_safe.display_width(fmt(r[i], col)) for r in (ledger.rows if i in code_cols else sample)]
        widest = max(cells, default=0.0)
        if i not in code_cols:
            widest = min(widest, TEXT_CAP)
        if col.total:
            grand = sum(r[i] or 0 for r in ledger.rows)
            widest = max(widest, len(fmt(grand, col)) if col.money else len(f"{grand:,}"))
        widths.append(max(head, widest, col.min_chars * 2.0, 4.0) + 2)
    return widths


class _Sheet:
    """Writes one ledger onto a worksheet, row by row (openpyxl's max_row scans every cell, so the next row
    is counted here: O(n²) otherwise)."""

    def __init__(self, ws, ledger: Ledger) -> None:
        from openpyxl.styles import Alignment, Border, Font, Side
        from openpyxl.utils import get_column_letter

        self.ws = ws
        self.ledger = ledger
        columns = ledger.columns
        self.ncol = len(columns)
        self.letters = [get_column_letter(j) for j in range(1, self.ncol + 1)]
        thin = Side(style="thin")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.bold = Font(bold=True)
        self.code_cols = {i for i in range(self.ncol) if _is_code_column(ledger, i)}
        self.money_cols = {i for i, c in enumerate(columns) if c.money}
        self.totals_idx = [i for i, c in enumerate(columns) if c.total]
        self.aligns = [
            Alignment(horizontal=c.align, vertical="center", wrap_text=i not in self.code_cols)
            for i, c in enumerate(columns)
        ]
        self.centre = Alignment(horizontal="center", vertical="center")
        self.right = Alignment(horizontal="right", vertical="center")
        self.widths = _widths(ledger, self.code_cols)
        self.wrapping = [i for i in range(self.ncol) if i not in self.code_cols]
        self.label_col = 2 if self.ncol > 1 and columns[0].title == "序号" else 1
        # One style per column (border, alignment, number format), made once and copied onto each cell:
        # setting the three on every cell of a 38,000-row ledger costs more than writing the workbook.
        self.column_styles: dict[int, object] = {}
        self.next_row = FIRST_DATA_ROW

    def heading(self) -> None:
        """Title, 填报单位 / 统计期间 / 单位 line, header: the rows repeated on every page."""
        from openpyxl.styles import Alignment, Font, PatternFill

        ws, ledger, ncol = self.ws, self.ledger, self.ncol
        xlsx_safe.put(ws.cell(row=1, column=1), ledger.title).font = Font(name="黑体", size=16, bold=True)
        ws.cell(row=1, column=1).alignment = self.centre
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
        ws.row_dimensions[1].height = 28
        xlsx_safe.put(ws.cell(row=2, column=1), f"填报单位：{ledger.unit}")
        if ledger.period and ncol >= 3:
            middle = xlsx_safe.put(ws.cell(row=2, column=(ncol + 1) // 2), f"统计期间：{ledger.period}")
            middle.alignment = Alignment(horizontal="center")
        if ncol > 1:
            xlsx_safe.put(ws.cell(row=2, column=ncol), ledger.measure).alignment = Alignment(
                horizontal="right"
            )
        fill = PatternFill("solid", fgColor="E6E6E6")
        header = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for j, col in enumerate(ledger.columns, start=1):
            # The line break of "赡养人\n捐赠人" stays: the cell wraps, the row is tall enough for it.
            cell = xlsx_safe.put(ws.cell(row=3, column=j), col.title)
            cell.font = self.bold
            cell.fill = fill
            cell.alignment = header
            cell.border = self.border
        lines = max(len(c.title.split("\n")) for c in ledger.columns)
        ws.row_dimensions[3].height = xlsx_safe.row_height(lines) + 3

    def data_row(self, values: list) -> None:
        ws, r = self.ws, self.next_row
        for j, (value, col) in enumerate(zip(values, self.ledger.columns, strict=True)):
            cell = ws.cell(row=r, column=j + 1)
            if j in self.column_styles:
                cell._style = copy(self.column_styles[j])
            else:
                cell.border = self.border
                cell.alignment = self.aligns[j]
                if j in self.money_cols:
                    cell.number_format = xlsx_safe.MONEY_FORMAT
                elif j in self.code_cols:
                    cell.number_format = xlsx_safe.TEXT_FORMAT
                self.column_styles[j] = copy(cell._style)
            if col.money and isinstance(value, int):
                value = value / 100  # fen → 元, a number shown with two decimals
            xlsx_safe.put(cell, value, text=j in self.code_cols and value not in (None, ""))
        lines = max(
            (
                xlsx_safe.lines_needed(values[i], self.widths[i])
                for i in self.wrapping
                if isinstance(values[i], str)
            ),
            default=1,
        )
        if lines > 1:  # not every spreadsheet program sizes rows to wrapped text when it opens a file
            ws.row_dimensions[r].height = xlsx_safe.row_height(lines)
        self.next_row += 1

    def sums_row(self, label: str, first: int) -> None:
        """A labelled line of SUBTOTALs over the rows from `first` to the last one written."""
        ws, r, last = self.ws, self.next_row, self.next_row - 1
        for j in range(1, self.ncol + 1):
            cell = ws.cell(row=r, column=j)
            cell.border = self.border
            cell.font = self.bold
        xlsx_safe.put(ws.cell(row=r, column=self.label_col), label).alignment = self.centre
        for i in self.totals_idx:
            cell = ws.cell(row=r, column=i + 1)
            money = xlsx_safe.MONEY_FORMAT if i in self.money_cols else None
            if last >= first:
                xlsx_safe.formula(cell, xlsx_safe.subtotal(self.letters[i], first, last), number_format=money)
            else:
                xlsx_safe.put(cell, 0, number_format=money)
            cell.alignment = self.right
        self.next_row += 1

    def signoff(self) -> None:
        """制表人/审核人/负责人/制表日期 under the table, across its width."""
        r = self.next_row + 1
        text = "　　".join(
            label + (clock.cn_date(self.ledger.made) if "日期" in label else "　　　")
            for label in self.ledger.signoff
        )
        xlsx_safe.put(self.ws.cell(row=r, column=1), text)
        self.ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=self.ncol)
        for k, note in enumerate(self.ledger.notes, start=r + 1):
            xlsx_safe.put(self.ws.cell(row=k, column=1), note)
            self.ws.merge_cells(start_row=k, start_column=1, end_row=k, end_column=self.ncol)

    def finish(self) -> None:
        for letter, width in zip(self.letters, self.widths, strict=True):
            self.ws.column_dimensions[letter].width = width
        xlsx_safe.print_setup(self.ws, TITLE_ROWS, landscape=True)
        self.ws.freeze_panes = f"A{FIRST_DATA_ROW}"


def render_ledger_xlsx(ledger: Ledger, path: str | Path) -> int:
    """The ledger as a workbook (see the module docstring). Returns the number of data rows."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    sheet = _Sheet(ws, ledger)
    sheet.heading()
    group = None
    group_first = FIRST_DATA_ROW
    for n, row in enumerate(ledger.rows):
        if ledger.group_col is not None:
            if n and row[ledger.group_col] != group:
                sheet.sums_row(f"{group}{ledger.group_suffix}", group_first)
                group_first = sheet.next_row
            group = row[ledger.group_col]
        sheet.data_row(list(row))
    if ledger.group_col is not None and ledger.rows:
        sheet.sums_row(f"{group}{ledger.group_suffix}", group_first)
    # The grand total spans data rows and group subtotals alike; SUBTOTAL leaves the subtotals out.
    sheet.sums_row("合计", FIRST_DATA_ROW)
    sheet.signoff()
    sheet.finish()
    wb.save(path)
    return len(ledger.rows)
