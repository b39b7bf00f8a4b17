"""Helpers for tests that need a roster file the samples don't have."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook


def read_rows(path: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)


def write_rows(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    wb.save(path)
    return path


def edited(source: Path, target: Path, edit: Callable[[list[str], list[list]], list[list]]) -> Path:
    """Copy a legacy roster (title row, header row, data) through `edit(header, data) -> data`."""
    rows = read_rows(source)
    header = [str(c) for c in rows[1]]
    return write_rows(target, [rows[0], header, *edit(header, rows[2:])])
