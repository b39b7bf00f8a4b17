"""户档案: the household list with filter-as-you-type, village filter, sortable columns and a detail pane."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.services.households import households
from desktop.services.households.households import HouseholdDetail
from desktop.services.points import points
from desktop.services.ratings import ratings
from desktop.services.roster.roster_export import export_roster
from desktop.ui.archive_tab import ArchiveTab
from desktop.ui.context import UiContext
from desktop.ui.household_model import MATCHED_COLUMN, HouseholdTableModel
from desktop.ui.import_dialog import ImportDialog
from desktop.ui.monitoring_tab import MonitoringTab
from desktop.ui.ops import subscribe
from desktop.ui.plan_tab import PlanTab
from desktop.ui.tables import fit_to_contents

MEMBER_COLUMNS = ("与户主关系", "姓名", "性别", "年龄", "证件号码", "健康状况", "劳动技能", "文化程度/在校")
# Roster fields → the member-table column showing them (to highlight what a finding read).
FIELD_COLUMNS = {
    "relation": 0,
    "name": 1,
    "sex": 2,
    "birth_date": 3,
    "id_number": 4,
    "health": 5,
    "labour": 6,
    "education": 7,
    "schooling": 7,
}
HIGHLIGHT_ROW = QColor("#fff3c4")
HIGHLIGHT_CELL = QColor("#ffb74d")


class HouseholdDetailPane(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("请选择一户")
        self.title.setObjectName("detailTitle")
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.title.setWordWrap(True)
        self.facts = QLabel("")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.members = QTableWidget(0, len(MEMBER_COLUMNS))
        self.members.setHorizontalHeaderLabels(MEMBER_COLUMNS)
        self.members.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members.verticalHeader().hide()
        fit_to_contents(self.members.horizontalHeader())
        self.income = QLabel("")
        self.income.setWordWrap(True)
        self.points_label = QLabel("")
        self.points_label.setWordWrap(True)
        self.banner = QLabel("")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff3c4; border: 1px solid #e0a800; padding: 6px;")
        self.banner.hide()
        self.member_codes: list[str] = []
        for w in (
            self.title,
            self.banner,
            self.facts,
            QLabel("家庭成员"),
            self.members,
            QLabel("收入"),
            self.income,
            QLabel("积分"),
            self.points_label,
        ):
            layout.addWidget(w)

    def highlight(self, person: str, fields: tuple, message: str) -> None:
        """Mark the person a finding is about, and the cells of the fields it read."""
        self.banner.setText(f"疑点：{message}")
        self.banner.show()
        if person not in self.member_codes:
            return
        row = self.member_codes.index(person)
        for col in range(self.members.columnCount()):
            item = self.members.item(row, col)
            if item is not None:
                item.setBackground(HIGHLIGHT_ROW)
        for key in fields:
            col = FIELD_COLUMNS.get(key)
            if col is not None and self.members.item(row, col) is not None:
                self.members.item(row, col).setBackground(HIGHLIGHT_CELL)
        self.members.clearSelection()  # a selected row would paint over the highlight
        self.members.scrollToItem(self.members.item(row, 0))

    def show_detail(self, d: HouseholdDetail | None, points: str = "", matched: str = "") -> None:
        """One household, or (None) nothing at all: no line of the last household may stay behind."""
        self.banner.hide()
        self.points_label.setText(points)
        if d is None:
            self.title.setText("请选择一户")
            self.title.setToolTip("")
            self.facts.setText("")
            self.members.setRowCount(0)
            self.member_codes = []
            self.income.setText("")
            return
        r = d.row
        self.title.setText(f"{r.head_name}户（{r.code}）")
        extra = d.attrs
        self.facts.setText(
            f"{d.county} {d.township} {r.village} {r.group}　共{r.size}人\n"
            f"户类型：{r.household_kind or '—'}　贫困户属性：{r.poverty_type or '—'}　"
            f"主要致贫原因：{d.main_cause or '—'}\n"
            f"联系电话：{r.phone or '—'}　帮扶责任人：{extra.get('helper', '—')} {extra.get('helper_phone', '')}"
        )
        active = [m for m in d.members if not m.left]
        left = [m for m in d.members if m.left]
        self.members.setRowCount(len(active) + len(left))
        self.member_codes = [m.code for m in active + left]
        for i, m in enumerate(active + left):
            values = (
                m.relation + ("（已不在册）" if m.left else ""),
                m.name,
                m.sex,
                "" if m.age is None else str(m.age),
                m.id_number,
                m.health,
                m.labour,
                m.education or m.schooling,
            )
            found = m.name in matched.split("、") if matched else False
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                if found:  # the member the search text found, though the head did not match
                    item.setBackground(HIGHLIGHT_ROW)
                    item.setToolTip("查找内容匹配了这位成员")
                self.members.setItem(i, j, item)
        lines = [
            f"{i.year}年 人均纯收入 {i.net_per_capita / 100:,.2f} 元"
            for i in d.incomes
            if i.net_per_capita is not None
        ]
        self.income.setText("\n".join(lines) or "暂无收入记录")


def _points_text(db, actor, code: str) -> str:

    entries = points.history(db, actor, code)
    balance = sum(e.amount for e in entries)
    pending = ratings.pending_points(db, code)
    lines = [f"余额 {balance} 分" + (f"（公示中待确认 {pending} 分）" if pending else "")]
    for e in entries[-6:][::-1]:
        mark = "（已冲正）" if e.reversed else ""
        lines.append(f"{clock.local(e.at):%Y-%m-%d} {e.kind_name} {e.amount:+d} {e.reason}{mark}")
    return "\n".join(lines)


class HouseholdsPage(QWidget):
    data_changed = Signal()  # transitional: the main window still wires this to other pages

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        *,
        present_print: Callable | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("姓名、身份证号片段、户编号或拼音首字母（如 zjg）")
        self.filter_edit.setToolTip(
            "输入姓名、身份证号片段、户编号或拼音首字母（如 zjg）；查到的若是户主以外的成员，列表中显示其姓名"
        )
        self.filter_edit.setClearButtonEnabled(True)
        self.village_box = QComboBox()
        self.village_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.count_label = QLabel()
        self.import_button = QPushButton("导入花名册…")
        self.export_button = QPushButton("导出花名册…")
        if not ctx.actor.can("roster.import"):  # (setVisible(True) would show the lone button as a window)
            self.import_button.hide()

        self.model = HouseholdTableModel(ctx, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setDefaultSectionSize(26)  # fixed height: no per-row size queries
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        # narrow enough that 户类型 shows beside the detail at 1366×768; the rest scrolls
        for col, width in enumerate((150, 62, 90, 72, 44, 44, 76, 84, 100)):
            self.table.setColumnWidth(col, width)
        self.table.setColumnHidden(MATCHED_COLUMN, True)
        self.detail = HouseholdDetailPane()

        self.archive_tab = ArchiveTab(ctx, present_print=present_print)
        self.plan_tab = PlanTab(ctx, present_print=present_print)
        self.monitoring_tab = MonitoringTab(ctx)
        self.tabs = QTabWidget()
        detail_scroll = QScrollArea()  # a large household's facts never push the members off a short screen
        detail_scroll.setWidgetResizable(True)
        detail_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        detail_scroll.setWidget(self.detail)
        self.tabs.addTab(detail_scroll, "概况")
        self.tabs.addTab(self.archive_tab, "档案")
        self.tabs.addTab(self.plan_tab, "帮扶")
        self.tabs.addTab(self.monitoring_tab, "监测")
        self.current_code: str | None = None
        self._wanted: int | None = None  # the household whose detail is being read
        self._focus: tuple | None = None  # show_household's request, until the clerk moves on
        self._focus_shown = False

        top = QHBoxLayout()
        top.addWidget(QLabel("查找："))
        top.addWidget(self.filter_edit, 1)
        top.addWidget(QLabel("村："))
        top.addWidget(self.village_box)
        top.addWidget(self.count_label)
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)
        self.split = QSplitter()
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.table)
        self.split.addWidget(self.tabs)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 1)
        self.table.setMinimumWidth(320)
        self.tabs.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.split, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.village_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.model.refreshed.connect(self._listed)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show(cur.row()))
        self.tabs.currentChanged.connect(lambda _i: self._load_tab())
        self.import_button.clicked.connect(self.open_import)
        self.export_button.clicked.connect(self.export_roster)
        subscribe(ctx.ops, self, ("households", "points", "ratings"), self.reload)
        self.reload()

    @property
    def present_print(self) -> Callable | None:
        return self.archive_tab.present_print

    @present_print.setter
    def present_print(self, value: Callable | None) -> None:
        self.archive_tab.present_print = self.plan_tab.present_print = value

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not getattr(self, "_split_set", False):  # once: half and half of what the window gives
            self._split_set = True
            width = max(self.split.width(), 800)
            self.split.setSizes([width * 9 // 20, width * 11 // 20])

    # --- reading -------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Villages and the list again; the household on screen stays selected if it is still listed."""

        def fill(found) -> None:
            current = self.village_box.currentData()
            self.village_box.blockSignals(True)
            self.village_box.clear()
            self.village_box.addItem("全部", None)
            for v in found:
                self.village_box.addItem(f"{v.name}（{v.households}户）", v.id)
            self.village_box.setCurrentIndex(max(self.village_box.findData(current), 0))
            self.village_box.blockSignals(False)
            self.apply_filter()

        self.ctx.ops.read(self, households.villages, fill, title="无法读取村列表")

    def apply_filter(self) -> None:
        self._debounce.stop()
        self.model.set_filter(self.filter_edit.text(), self.village_box.currentData())

    def _listed(self) -> None:
        """A search's result is in: keep the household on screen if listed, else the first, else nothing."""
        searching = bool(self.model.text.strip())
        self.table.setColumnHidden(MATCHED_COLUMN, not (searching and self.model.matched))
        self.count_label.setText(f"共 {len(self.model.ids)} 户")
        if self._focus is not None:
            code = self._focus[0]
            row = next(
                (r for r in range(min(len(self.model.ids), 200)) if self.model.row_code(r) == code), -1
            )
        else:
            row = self.model.row_of(self._wanted)
        if self.model.ids:
            self.table.selectRow(max(row, 0))
        else:
            self._focus = None
            self._clear()

    def _clear(self) -> None:
        self._wanted = None
        self.current_code = None
        self.detail.show_detail(None)
        self._load_tab()

    def _show(self, row: int) -> None:
        hid = self.model.household_id(row)
        if hid is None:
            self._clear()
            return
        self._wanted = hid
        matched = self.model.matched.get(hid, "")

        def read(db, actor):
            d = households.detail(db, actor, hid)
            return d, _points_text(db, actor, d.row.code)

        def shown(result) -> None:
            if self._wanted != hid:  # the clerk has moved on
                return
            d, points = result
            self.detail.show_detail(d, points, matched)
            self.current_code = d.row.code
            if self._focus is not None and self._focus[0] == d.row.code:
                # Kept while this household stays on screen: a list refreshed twice (the page's first
                # load and the search) shows it twice, and the second showing must not drop the banner.
                _code, person, fields, message = self._focus
                self._focus_shown = True
                if message:
                    self.detail.highlight(person, fields, message)
            elif self._focus is not None and self._focus_shown:
                self._focus = None  # the clerk has moved to another household
            self._load_tab()

        self.ctx.ops.read(self, read, shown, title="无法显示该户")

    def _load_tab(self) -> None:
        """Only the visible tab is loaded: moving through the list stays quick."""
        tab = self.tabs.currentWidget()
        if tab in (self.archive_tab, self.plan_tab, self.monitoring_tab):
            tab.load(self.current_code)
        else:  # the hidden tabs must not keep another household's data
            for other in (self.archive_tab, self.plan_tab, self.monitoring_tab):
                if other.code != self.current_code:
                    other.load(None)

    def show_household(self, code: str, person: str = "", fields: tuple = (), message: str = "") -> None:
        """Show one household (from the audit or 帮扶计划), its person and fields highlighted."""
        self._focus = (code, person, fields, message)
        self._focus_shown = False
        self.village_box.blockSignals(True)
        self.village_box.setCurrentIndex(0)
        self.village_box.blockSignals(False)
        self.filter_edit.setText(code)
        self.apply_filter()

    # --- actions -------------------------------------------------------------------------------------------

    def open_import(self) -> None:

        dialog = ImportDialog(self.ctx, self)
        dialog.imported.connect(self.reload)
        dialog.imported.connect(self.data_changed)
        dialog.open()
        self._import_dialog = dialog

    def export_roster(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "导出花名册", "花名册.xlsx", "Excel 文件 (*.xlsx)")
        if not path:
            return

        def done(people: int) -> None:
            self.window().statusBar().showMessage(f"已导出 {people} 人到 {path}", 10000)

        self.ctx.ops.read(
            self,
            lambda db, actor: export_roster(db, actor, path),
            done,
            title="导出失败",
            label="正在导出花名册…",
            dialog=True,
        )
