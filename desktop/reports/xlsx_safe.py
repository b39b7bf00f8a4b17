"""Writing cells and page setup for every workbook we produce (ledgers, roster export, errors file, audit).

User data is always written as text, never as a live formula. openpyxl turns any string that starts with "="
into a formula (and "#N/A"-like strings into error cells), so a roster name such as =HYPERLINK("http://x","y")
would otherwise be live in the county's spreadsheet. On top of writing the cell as text, a value that a
spreadsheet program (or a script that later saves the data as CSV) could take for a formula — one starting
with = + - @ TAB or CR — is neutralised as OWASP recommends for spreadsheet export: a single quote ' is put
before it.

Why the literal quote rather than Excel's quotePrefix style: the quote travels with the value. Our exports
are read by the county's own scripts and other systems (pandas, WPS, the national system's importer), which
ignore cell styles and may save the data as CSV, where a bare =… or +… is live again; a quotePrefix style
protects only inside a spreadsheet program that honours it. The price is a visible ' before such values (they
are never real names or reasons), and every reader of our files must drop it: `restore` does exactly that,
and the roster importer calls it, so an exported roster imports back unchanged. A value that already starts
with quotes followed by a trigger character gets one more quote, so `restore(neutralise(s)) == s` for every
string.

The app's own totals are written with `formula`, the only way a formula gets into our workbooks.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
TEXT_FORMAT = "@"  # Excel keeps only 15 digits of a number: IDs, codes and accounts are always text.
MONEY_FORMAT = "#,##0.00"
FOOTER = "第 &P 页 共 &N 页"
# Strings openpyxl would store as error cells (openpyxl.cell.cell.ERROR_CODES; not imported: the roster
# importer uses `restore` and should not load openpyxl).
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
A4 = 9  # openpyxl's Worksheet.PAPERSIZE_A4 (write-only sheets do not carry the constant)


def neutralise(text: str) -> str:
    """The text as it goes into a cell: a formula-like value gets one leading quote."""
    return QUOTE + text if text.lstrip(QUOTE).startswith(TRIGGERS) else text


def restore(text: str) -> str:
    """The text as it was before `neutralise`: exactly the one quote that was added is removed."""
    if text.startswith(QUOTE) and text.lstrip(QUOTE).startswith(TRIGGERS):
        return text[1:]
    return text


def put(cell, value: Any, *, text: bool = False, number_format: str | None = None):
    """Write one value from our data into a cell. Strings (and anything when `text`) become text cells, never
    formulas; numbers and dates stay what they are. Returns the cell."""
    if text and value is not None and not isinstance(value, str):
        value = str(value)
    if isinstance(value, str):
        cell.value = neutralise(value)
        cell.data_type = "s"  # overrides openpyxl's guess ("=…" → formula, "#N/A" → error)
        if text and cell.number_format != TEXT_FORMAT:
            cell.number_format = TEXT_FORMAT
    else:
        cell.value = value
    if number_format is not None:
        cell.number_format = number_format
    return cell


# First characters after which a value needs a closer look in `for_append` (a trigger, our quote, "#" of "#N/A").
_CAREFUL = frozenset(TRIGGERS) | {QUOTE, "#"}


def for_append(ws, value: Any, *, text: bool = False):
    """What to hand to a write-only sheet's append() for one value: the plain value where openpyxl's own
    inference is right (numbers, ordinary text, text after `neutralise`), a WriteOnlyCell where it is not (text
    columns that need the "@" format, strings openpyxl would read as an error code). Plain values keep a
    38,000-row roster export fast."""
    if not text:
        if value.__class__ is not str or value[:1] not in _CAREFUL:
            return value
        value = neutralise(value)  # never starts with "=" now, so openpyxl writes it as text …
        if value not in ERROR_CODES:
            return value
    from openpyxl.cell import WriteOnlyCell

    # … except "#N/A" and the like; and text columns carry the "@" format.
    return put(WriteOnlyCell(ws), "" if value is None else value, text=text)


def formula(cell, text: str, *, number_format: str | None = None):
    """One of the app's own formulas (a SUBTOTAL): the only way a formula gets into our workbooks."""
    if not text.startswith("="):
        raise ValueError(f"not a formula: {text!r}")
    cell.value = text
    cell.data_type = "f"
    if number_format is not None:
        cell.number_format = number_format
    return cell


def subtotal(column: str, first: int, last: int) -> str:
    """=SUBTOTAL(9,F5:F40): a sum that leaves out other SUBTOTALs in its range, so a grand total over the
    whole data range does not count the group subtotals twice, and stays right when a clerk corrects a cell."""
    return f"=SUBTOTAL(9,{column}{first}:{column}{last})"


def display_width(text: str) -> float:
    """Width in Excel's column units (≈ one digit of the default font): a CJK character takes two."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.0 for ch in text)


LINE_PT = 15.0  # row height per line of 10.5–11 pt text


def lines_needed(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapping cell `width` units wide (an estimate: spreadsheet programs
    do not all size rows to wrapped text on opening, so we set the heights ourselves)."""
    room = max(1.0, width - 1.5)
    if "\n" not in text and len(text) * 2 <= room:
        return 1
    return sum(max(1, math.ceil(display_width(part) / room)) for part in text.split("\n"))


def row_height(lines: int) -> float:
    return lines * LINE_PT + 3


def fit_rows(ws, first_row: int, columns: list[int]) -> None:
    """Taller rows where the text of a wrapping column needs more than one line (a normal sheet whose column
    widths are set)."""
    from openpyxl.utils import get_column_letter

    widths = {c: ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in columns}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if cell.column in widths and isinstance(cell.value, str) and cell.value:
                lines = max(lines, lines_needed(cell.value, widths[cell.column]))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = row_height(lines)


def is_code(text: str) -> bool:
    """IDs, household/member codes, account numbers: long runs of digits that must show in full."""
    return len(text) >= 11 and text[:-1].isdigit() and (text[-1].isdigit() or text[-1] in "Xx")


def print_setup(ws, title_rows: str, *, landscape: bool = True) -> None:
    """A4, one page wide (as many pages down as needed), the title/header rows on every page, 第N页 共M页 in
    the footer, margins of about 15–20 mm (PRINT-STANDARDS §4)."""
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = FOOTER
    ws.page_margins.left = ws.page_margins.right = 0.6  # inches ≈ 15 mm
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.8  # room for the footer
    ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True


def fit_columns(ws, first_row: int, *, cap: float = 40.0, floor: float = 4.0) -> None:
    """Column widths from what a (normal, not write-only) sheet holds from `first_row` on: codes in full,
    other text up to `cap` (longer text wraps where the cell says so)."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, float] = {}
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            v = cell.value
            if v is None or cell.data_type == "f" or cell.coordinate in ws.merged_cells:
                continue
            s = v if isinstance(v, str) else str(v)
            w = max(display_width(line) for line in s.split("\n"))
            if not is_code(s):
                w = min(w, cap)
            widths[cell.column] = max(widths.get(cell.column, floor), w + 2)
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = w
