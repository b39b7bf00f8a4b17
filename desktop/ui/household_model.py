"""The household table: the model holds only ids; rows are fetched in pages when first shown."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.services import households
from desktop.services.households import HouseholdRow
from desktop.ui.context import UiContext

COLUMNS = (
    ("户编号", "code"),
    ("户主", "head"),
    ("行政村", "village"),
    ("组", "group"),
    ("人数", "size"),
    ("户类型", "kind"),
    ("贫困户属性", None),
    ("联系电话", None),
)
PAGE = 200
Index = QModelIndex | QPersistentModelIndex


class HouseholdTableModel(QAbstractTableModel):
    def __init__(self, ctx: UiContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.ids: list[int] = []
        self.loaded = False  # set by the first refresh
        self._cache: dict[int, HouseholdRow] = {}
        self.sort_key = "code"
        self.descending = False
        self.text = ""
        self.village_id: int | None = None

    # --- queries ---------------------------------------------------------------------------------------

    def refresh(self) -> None:
        ids = households.search_ids(
            self.ctx.db,
            self.ctx.actor,
            self.text,
            village_id=self.village_id,
            sort=self.sort_key,
            descending=self.descending,
        )
        self.beginResetModel()
        self.loaded = True
        self.ids = ids
        self._cache.clear()
        self.endResetModel()

    def set_filter(self, text: str, village_id: int | None) -> None:
        self.text, self.village_id = text, village_id
        self.refresh()

    def household_id(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def _row(self, row: int) -> HouseholdRow | None:
        hid = self.ids[row]
        found = self._cache.get(hid)
        if found is None:
            start = (row // PAGE) * PAGE
            for r in households.rows(self.ctx.db, self.ids[start : start + PAGE]):
                self._cache[r.id] = r
            found = self._cache.get(hid)
        return found

    # --- Qt model --------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.TextAlignmentRole,
        ):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return (
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if index.column() == 4
                else None
            )
        r = self._row(index.row())
        if r is None:
            return None
        return (r.code, r.head_name, r.village, r.group, r.size, r.household_kind, r.poverty_type, r.phone)[
            index.column()
        ]

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
