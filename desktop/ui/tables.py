"""Table helpers the pages share."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    """The table's rows, replaced by `rows` (texts, one list per row)."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
