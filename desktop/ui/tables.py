"""Table helpers the pages share."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget, QTableWidgetItem


def fill_table(table: QTableWidget, rows: list[list[str]], keys: list[object] | None = None) -> None:
    """The table's rows, replaced by `rows` (texts, one list per row); each row's key, if given, is the
    UserRole data of its first cell (what a page reads back from the selected row)."""
    table.setUpdatesEnabled(False)  # one repaint at the end, not one per cell
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
        if keys is not None:
            table.item(r, 0).setData(Qt.ItemDataRole.UserRole, keys[r])
    table.setUpdatesEnabled(True)


def make_table(headers: list[str]) -> QTableWidget:
    """A read-only list: whole rows selected one at a time, columns fitted to their texts, the last stretched."""
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    fit_to_contents(t.horizontalHeader())
    t.horizontalHeader().setStretchLastSection(True)
    return t


# Columns sized to their contents measure this many rows, not Qt's default 1,000: a county's table of thousands of
# rows otherwise spends 200 ms of the GUI thread on font metrics at every refresh (docs/performance.md).
MEASURED_ROWS = 100
# A column of long texts (遍访's unvisited households: thirty names) is cut with "…" at this width, its whole text in
# the tooltip: wider, its header was centred off screen at 1366×768 and the columns after it out of reach.
WIDEST_COLUMN_PX = 480


def fit_to_contents(header: QHeaderView) -> None:
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setResizeContentsPrecision(MEASURED_ROWS)


class Cell:
    """What RowsTable.item() gives: a cell's text and colour, read like a QTableWidgetItem's."""

    def __init__(self, text: str, colour: QColor | None) -> None:
        self._text = text
        self._colour = colour

    def text(self) -> str:
        return self._text

    def foreground(self) -> QBrush:
        return QBrush(self._colour) if self._colour is not None else QBrush()


class RowsModel(QAbstractTableModel):
    """Rows of texts for a read-only table; rows in `marked` are drawn in `mark` (e.g. red for 未完成), and a
    column in `column_marks` in its colour (e.g. the 疑点 column in red)."""

    def __init__(self, headers: list[str], parent=None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: list[list[str]] = []
        self.marked: frozenset[int] = frozenset()
        self.mark: QColor | None = None
        self.column_marks: dict[int, QColor] = {}

    def set_rows(
        self,
        rows: list[list[str]],
        marked=frozenset(),
        mark: QColor | None = None,
        column_marks: dict[int, QColor] | None = None,
    ) -> None:
        self.beginResetModel()
        self.rows, self.marked, self.mark = rows, frozenset(marked), mark
        self.column_marks = column_marks or {}
        self.endResetModel()

    def colour(self, row: int, column: int) -> QColor | None:
        if row in self.marked and self.mark is not None:
            return self.mark
        return self.column_marks.get(column)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = self.rows[index.row()]
            return row[index.column()] if index.column() < len(row) else ""
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self.colour(index.row(), index.column())
            return QBrush(colour) if colour is not None else None
        return None


class RowsTable(QTableView):
    """A read-only table of text rows behind a model: filling it costs the GUI thread nothing however many rows
    it holds (a QTableWidget makes an item per cell, 100 ms per 5,000 cells), and only the rows on screen are
    drawn. Reads like a QTableWidget where pages and tests need it (rowCount, item, itemSelectionChanged)."""

    itemSelectionChanged = Signal()
    cellDoubleClicked = Signal(int, int)

    def __init__(self, headers: list[str], parent=None) -> None:
        super().__init__(parent)
        self.rows_model = RowsModel(headers, self)
        self.setModel(self.rows_model)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        # Widths are measured here from the texts (one font-metrics call a cell), not by Qt asking the model:
        # its ResizeToContents asks every measured cell for ten roles through Python, 150 ms of a frozen window
        # after each refresh of a 500-row table.
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self._fit_columns()
        self.selectionModel().selectionChanged.connect(lambda *_: self.itemSelectionChanged.emit())
        self.doubleClicked.connect(lambda index: self.cellDoubleClicked.emit(index.row(), index.column()))

    def fill(
        self,
        rows: list[list[str]],
        *,
        marked=frozenset(),
        mark: QColor | None = None,
        column_marks: dict[int, QColor] | None = None,
    ) -> None:
        self.rows_model.set_rows(rows, marked, mark, column_marks)
        self._fit_columns()

    def _fit_columns(self) -> None:
        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        head_metrics = header.fontMetrics()
        measured = self.rows_model.rows[:MEASURED_ROWS]
        for col, title in enumerate(self.rows_model.headers):
            widest = max(head_metrics.horizontalAdvance(line) for line in title.split("\n"))
            for row in measured:
                if col < len(row):
                    widest = max(widest, metrics.horizontalAdvance(row[col]))
            header.resizeSection(col, min(widest + 20, WIDEST_COLUMN_PX))

    def rowCount(self) -> int:
        return self.rows_model.rowCount()

    def columnCount(self) -> int:
        return self.rows_model.columnCount()

    def currentRow(self) -> int:
        return self.currentIndex().row()

    def item(self, row: int, column: int) -> Cell | None:
        if not (0 <= row < len(self.rows_model.rows)):
            return None
        return Cell(self.rows_model.rows[row][column], self.rows_model.colour(row, column))
