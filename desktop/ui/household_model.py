"""The household table: the model holds only ids; rows are read in pages, in the background, when first shown.

A search returns the ids and the first page together, so the list appears in one step; later pages arrive
as the clerk scrolls to them (a row not yet read shows empty for a moment)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QWidget

from desktop.services.households import households
from desktop.services.households.households import HouseholdRow
from desktop.ui.context import UiContext

COLUMNS = (
    ("户编号", "code"),
    ("户主", "head"),
    ("查到的成员", None),  # shown only while searching: why a household whose head does not match is listed
    ("行政村", "village"),
    ("组", "group"),
    ("人数", "size"),
    ("户类型", "kind"),
    ("贫困户属性", None),
    ("联系电话", None),
)
MATCHED_COLUMN = 2
SIZE_COLUMN = 5
PAGE = 200
Index = QModelIndex | QPersistentModelIndex


def _read_page(db, ids: list[int], text: str) -> tuple[list[HouseholdRow], dict[int, str]]:
    return households.rows(db, ids), households.matched_members(db, ids, text)


class HouseholdTableModel(QAbstractTableModel):
    refreshed = Signal()  # a search's result is in (after the reset)

    def __init__(self, ctx: UiContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ids: list[int] = []
        self.loaded = False  # set by the first refresh
        self._cache: dict[int, HouseholdRow] = {}
        self.matched: dict[int, str] = {}  # household id → the members the search text found
        self._pending: set[int] = set()  # pages being read
        self._generation = 0  # a newer search makes older answers stale
        self.sort_key = "code"
        self.descending = False
        self.text = ""
        self.village_id: int | None = None

    # --- queries ---------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        text, village_id, sort, descending = self.text, self.village_id, self.sort_key, self.descending

        def search(db, actor):
            ids = households.search_ids(
                db, actor, text, village_id=village_id, sort=sort, descending=descending
            )
            return ids, *_read_page(db, ids[:PAGE], text)

        def done(result) -> None:
            if generation != self._generation:
                return
            ids, first, matched = result
            self.beginResetModel()
            self.loaded = True
            self.ids = ids
            self._cache = {r.id: r for r in first}
            self.matched = matched
            self._pending.clear()
            self.endResetModel()
            self.refreshed.emit()

        self.ctx.ops.read(self._view(), search, done, title="无法查找农户")

    def set_filter(self, text: str, village_id: int | None) -> None:
        self.text, self.village_id = text, village_id
        self.refresh()

    def household_id(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_of(self, household_id: int | None) -> int:
        try:
            return self.ids.index(household_id)
        except ValueError:
            return -1

    def row_code(self, row: int) -> str | None:
        found = self._cache.get(self.household_id(row))
        return found.code if found is not None else None

    def _view(self) -> QWidget | None:
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else None

    def _row(self, row: int) -> HouseholdRow | None:
        hid = self.ids[row]
        found = self._cache.get(hid)
        if found is None:
            self._request(row // PAGE)
        return found

    def _request(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        generation, text = self._generation, self.text
        ids = self.ids[page * PAGE : (page + 1) * PAGE]

        def done(result) -> None:
            if generation != self._generation:
                return
            rows, matched = result
            self._cache.update((r.id, r) for r in rows)
            self.matched.update(matched)
            first = page * PAGE
            self.dataChanged.emit(self.index(first, 0), self.index(first + len(ids) - 1, len(COLUMNS) - 1))

        self.ctx.ops.read(
            self._view(), lambda db, _actor: _read_page(db, ids, text), done, title="无法读取农户"
        )

    # --- Qt model --------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.TextAlignmentRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return (
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if index.column() == SIZE_COLUMN
                else None
            )
        r = self._row(index.row())
        if r is None:
            return None
        matched = self.matched.get(r.id, "")
        value = (
            r.code,
            r.head_name,
            matched,
            r.village,
            r.group,
            r.size,
            r.household_kind,
            r.poverty_type,
            r.phone,
        )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            # narrow columns elide (突发严重…): the whole text on hover
            if index.column() == MATCHED_COLUMN:
                return f"查找内容匹配了成员：{matched}" if matched else None
            return str(value) if value else None
        return value

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1]
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending) and self.loaded:
            return
        self.sort_key, self.descending = key, descending
        # before the page's first filter the order is only noted: one query at start, not three
        if self.loaded:
            self.refresh()
