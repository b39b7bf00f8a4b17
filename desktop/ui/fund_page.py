"""孝善基金: overview (balance, this month, arrears, the rules and whether the match is still the software's
default to confirm), elders and their supporters with their pledges, fast contribution entry for a clerk with a
pile of receipts, donations, the monthly payout run previewed before it is booked, the chart, the 65周岁以上 elder
ledger with each elder's 子女赡养能力认定, the fund's ledger with its reversals, and setting up a fund, its rules and
its 理事会 — everything the command line offers a clerk.

Every query and drawing runs on the ops' read lane, every save is one service call on the write lane; the page
refreshes itself after any write touching the fund or the roster (desktop.ui.ops.subscribe)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, limits, money
from desktop.errors import InputRejected
from desktop.models.fund import SUPPORT_FINDINGS
from desktop.services.fund import fund, fund_reports
from desktop.services.system import defaults, settings
from desktop.services.system.attachments import read_file
from desktop.ui.context import UiContext
from desktop.ui.dates import qdate_today
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe

RED = "color: #b00020;"
KIND_NAMES = fund_reports.KIND_NAMES
RELATIONS = ("之子", "之女", "儿媳", "女婿", "之孙", "孙女", "子女", "其他亲属")
TAB_ELDERS, TAB_ENTRY, TAB_PAYOUT, TAB_CHART, TAB_LEDGER, TAB_ENTRIES, TAB_SETUP = range(7)
SIZED_ROWS = 0  # rows measured for a column's width beyond those on screen
Index = QModelIndex | QPersistentModelIndex


def _table(headers: list[str]) -> QTableWidget:
    """A small table filled item by item (the contributions of this sitting, the 理事会)."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    _look(table)
    return table


def _look(table: QTableView) -> None:
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # a column is as wide as the rows on screen and a few hundred more need, not all 5,000 of a large village
    header.setResizeContentsPrecision(SIZED_ROWS)
    header.setStretchLastSection(True)


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            text = "" if value is None else str(value)  # never hand None to Qt (PySide: none_dealloc)
            item = QTableWidgetItem(text)
            item.setToolTip(text)  # long cells are cut off at 1366 wide: the whole text on hover
            table.setItem(i, j, item)


class RowsModel(QAbstractTableModel):
    """Rows of text as the read lane made them, shown as they are scrolled to: filling one is a single reset,
    however many thousand elders a village has (a QTableWidget item per cell stalled the window for seconds).
    With one column it also serves a combo box: the text, and the row's key as its data."""

    def __init__(self, headers: list[str], parent=None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: list[list[str]] = []
        self.keys: list = []
        self.greyed: frozenset[int] = frozenset()

    def set_rows(self, rows: list[list[str]], keys: list | None = None, greyed=()) -> None:
        """rows: lists of str, never None."""
        self.beginResetModel()
        self.rows = rows  # text already (made on the read lane)
        self.keys = list(keys) if keys is not None else [None] * len(rows)
        self.greyed = frozenset(greyed)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.rows[index.row()][index.column()]
        if (
            role == Qt.ItemDataRole.ToolTipRole
        ):  # long cells are cut off at 1366 wide: the whole text on hover
            return self.rows[index.row()][index.column()] or None
        if role == Qt.ItemDataRole.UserRole:
            return self.keys[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and index.row() in self.greyed:
            return QBrush(Qt.GlobalColor.darkGray)
        return None


class RowsTable(QTableView):
    """A read-only table over a RowsModel, one row chosen at a time."""

    def __init__(self, headers: list[str]) -> None:
        super().__init__()
        self.rows_model = RowsModel(headers, self)
        self.setModel(self.rows_model)
        _look(self)

    def fill(self, rows: list[list[str]], keys: list | None = None, greyed=()) -> None:
        self.rows_model.set_rows(rows, keys, greyed)

    def rowCount(self) -> int:
        return self.rows_model.rowCount()

    def text(self, row: int, column: int) -> str:
        return self.rows_model.rows[row][column]

    def chosen_key(self):
        """The key of the selected row, or None."""
        rows = self.selectionModel().selectedRows()
        return self.rows_model.keys[rows[0].row()] if rows else None


def _fill_combo(box: QComboBox, items: list[tuple[str, object]]) -> None:
    """A long list (every elder of a village) into a combo box in one step, keeping the choice if still listed."""
    model = box.model()
    if not isinstance(model, RowsModel):
        model = RowsModel([""], box)
        box.setModel(model)
    chosen = box.currentData()
    keys = [key for _text, key in items]
    model.set_rows([[text] for text, _key in items], keys)
    box.setCurrentIndex(keys.index(chosen) if chosen in keys else (0 if keys else -1))


def _long_combo() -> QComboBox:
    """A combo box for a list of thousands: sized by a typical entry, not by measuring every one."""
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(24)
    box.setModel(RowsModel([""], box))
    return box


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def _wrap(label: QLabel) -> QLabel:
    label.setWordWrap(True)
    return label


def _scroll(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(inner)
    return area


def _months(text: str) -> list[str]:
    return [m.strip() for m in text.replace("，", ",").replace("、", ",").split(",") if m.strip()]


class ChartLabel(QLabel):
    """Shows a chart scaled to whatever room it has: it never asks the window for the chart's own size."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(200, 120)
        self.source = QPixmap()

    def set_chart(self, png: bytes) -> None:
        self.source.loadFromData(png, "PNG")
        self._rescale()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if not self.source.isNull():
            self.setPixmap(
                self.source.scaled(
                    self.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )


@dataclass(frozen=True)
class Tables:
    """The long tables and lists of one fund as text, made on the read lane: a village of 5,000 households has
    thousands of elders and supporters, and the GUI thread only hands these to their models."""

    elders: list[list[str]]
    elder_choices: list[tuple[str, str | None]]  # (text, member code) for 登记赡养人
    supporters: list[list[str]]
    supporter_choices: list[tuple[str, int]]  # (text, supporter id) for 缴费
    ledger: list[list[str]]
    ledger_choices: list[tuple[str, str]]  # (text, member code) for 赡养能力认定
    unfound: int  # elders of the ledger without a finding
    entries: list[list[str]]
    entries_greyed: list[int]  # rows reversed or reversing


@dataclass(frozen=True)
class Snapshot:
    """Everything the page shows of one fund, read in one operation."""

    village: str
    status: fund.FundStatus
    rules: fund.FundRules
    arrears: list[fund.Arrear]
    elders: list[fund.Elder]
    codes: dict[int, str]
    supporters: list[fund.SupporterRow]
    due: dict[int, tuple[list[str], int]]
    ledger: fund_reports.ElderLedger
    board: list[tuple[str, str, str]]
    entries: list[fund.EntryRow]
    tables: Tables


def _read_snapshot(village: str):
    def read(db, actor) -> Snapshot:
        sups = fund.supporter_rows(db, actor, village)
        arrears = fund.arrears(db, actor, village)
        elders = fund.elders(db, actor, village)
        codes = fund.elder_codes(db, actor, village)
        ledger = fund_reports.elder_rows(db, actor, village)
        entries = fund.entries(db, actor, village)
        return Snapshot(
            village,
            fund.status(db, actor, village),
            fund.rules(db, actor, village),
            arrears,
            elders,
            codes,
            sups,
            fund.next_dues(db, actor, village),
            ledger,
            fund.board(db, actor, village),
            entries,
            _tables(arrears, elders, codes, sups, ledger, entries),
        )

    return read


def _texts(row: list) -> list[str]:
    return ["" if v is None else str(v) for v in row]  # never hand None to Qt (PySide: none_dealloc)


def _tables(
    arrears: list[fund.Arrear],
    elders: list[fund.Elder],
    codes: dict[int, str],
    supporters: list[fund.SupporterRow],
    ledger: fund_reports.ElderLedger,
    entries: list[fund.EntryRow],
) -> Tables:
    """On the read lane: every row of the page's long tables and lists, as the clerk reads them."""
    owed: dict[int, list[int]] = {}  # elder → [months owed, fen owed], over all their supporters
    for a in arrears:
        entry = owed.setdefault(a.elder_member_id, [0, 0])
        entry[0] += len(a.months)
        entry[1] += a.amount_fen
    elder_rows = []
    for e in elders:
        late = owed.get(e.member_id)
        elder_rows.append(
            _texts(
                [
                    e.name,
                    e.age,
                    e.household,
                    e.supporters,
                    f"{late[0]}个月 {late[1] / 100:.2f}元" if late else "",
                    "是" if e.registered else "否（本村放宽纳入）",
                ]
            )
        )
    supporter_rows = [
        _texts(
            [
                r.name,
                r.relation.removeprefix("之"),
                r.elder,
                _yuan(r.monthly_fen) if r.monthly_fen else "未签承诺",
                r.start_month,
                "已归档" if r.scanned else ("未归档" if r.monthly_fen else ""),
                r.phone,
            ]
        )
        for r in supporters
    ]
    ledger_rows = [
        _texts([r.name, r.age, r.household, r.income, r.labour, r.support, r.finding, r.finding_note])
        for r in ledger.rows
    ]
    entry_rows = []
    for e in entries:
        if e.kind == "match":
            amount = f"（补贴 {_yuan(e.earmarked_fen)}）"
        else:
            amount = _yuan(e.amount_fen)
        kind = KIND_NAMES.get(e.kind, e.kind) + ("（已冲正）" if e.reversed else "")
        months = fund_reports.month_span(e.months, count=False) if e.months else ""  # not a year of months
        entry_rows.append(
            _texts([e.id, e.at, kind, amount, e.who, months, e.receipt_no, e.operator, e.reason])
        )
    return Tables(
        elder_rows,
        [(f"{e.name}（{e.age}岁，户{e.household}）", codes.get(e.member_id)) for e in elders],
        supporter_rows,
        [(f"{r.name}（赡养{r.elder}，每月{r.monthly_fen / 100:.0f}元）", r.id) for r in supporters],
        ledger_rows,
        [(f"{r.name}（{r.age}岁，户{r.household}）", r.member_code) for r in ledger.rows],
        sum(r.finding == "未认定" for r in ledger.rows),
        entry_rows,
        [i for i, e in enumerate(entries) if e.reversed or e.kind == "reversal"],
    )


def _read_villages(db, actor) -> tuple[list[fund.FundVillage], int, int, bool]:
    return (
        fund.fund_villages(db, actor),
        int(settings.get(db, "fund.match_percent")),
        int(settings.get(db, "fund.match_cap_yuan")),
        "fund.match" in defaults.confirmed(db),
    )


class FundPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.snapshot: Snapshot | None = None
        self.office_match = (10, 30, False)  # percent, cap in yuan, confirmed by the office
        self._office_shown: tuple[int, int] | None = None  # the defaults last put into the 设立 form
        self._want_village: str | None = None  # chosen once the villages are read again (a fund just set up)
        record = ctx.actor.can("fund.record")
        manage = ctx.actor.can("fund.manage")

        self.village_box = QComboBox()
        self.village_box.setMinimumContentsLength(12)
        self.overview = _wrap(QLabel("正在读取……"))
        self.overview.setStyleSheet("font-size: 13pt;")
        self.rules_label = _wrap(QLabel())
        self.confirm_button = QPushButton("确认补贴规则")
        self.confirm_button.setToolTip(
            "补贴比例和上限是软件默认值，不是文件规定：核对后确认，或在“设立与规则”页修改"
        )
        self.confirm_button.setEnabled(manage)
        self.confirm_button.hide()

        tabs = QTabWidget()
        tabs.addTab(self._elders_tab(record), "老人与赡养人")
        tabs.addTab(self._entry_tab(record), "缴费与捐赠")
        tabs.addTab(self._payout_tab(manage), "月度发放")
        self.chart = ChartLabel("切换到此页时生成收支图。")
        tabs.addTab(self.chart, "收支图")
        tabs.addTab(self._ledger_tab(record), "老人台账与赡养能力认定")
        tabs.addTab(self._entries_tab(manage), "基金流水与冲正")
        tabs.addTab(self._setup_tab(manage), "设立与规则")
        tabs.currentChanged.connect(lambda index: self.draw_chart() if index == TAB_CHART else None)
        self.tabs = tabs

        top = QHBoxLayout()
        top.addWidget(QLabel("村："))
        top.addWidget(self.village_box)
        top.addWidget(self.overview, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        rules_row = QHBoxLayout()
        rules_row.addWidget(self.rules_label, 1)
        rules_row.addWidget(self.confirm_button)
        layout.addLayout(rules_row)
        layout.addWidget(tabs, 1)

        self.village_box.currentIndexChanged.connect(lambda _i: self.load())
        self.confirm_button.clicked.connect(self.confirm_rules)
        subscribe(ctx.ops, self, ("fund", "households", "settings"), self.reload)
        self.reload()

    # --- building the tabs ------------------------------------------------------------------------------

    def _elders_tab(self, record: bool) -> QWidget:
        self.elders_table = RowsTable(["老人", "年龄", "户编号", "赡养人", "欠缴", "建档立卡"])
        self.supporters_table = RowsTable(
            ["赡养人", "关系", "老人", "每月承诺（元）", "起始月", "承诺书", "电话"]
        )
        self.supporters_table.selectionModel().selectionChanged.connect(lambda *_a: self._supporter_chosen())
        split = QSplitter(Qt.Orientation.Horizontal)
        for title, table in (("基金老人", self.elders_table), ("赡养人及赡养承诺", self.supporters_table)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(table)
            split.addWidget(box)
        split.setChildrenCollapsible(False)

        # a supporter and their pledge: one save, both or neither
        self.enrol_elder = _long_combo()
        self.enrol_name = QLineEdit()
        self.enrol_relation = QComboBox()
        self.enrol_relation.setEditable(True)
        self.enrol_relation.addItems(list(RELATIONS))
        self.enrol_id = QLineEdit()
        self.enrol_id.setPlaceholderText("选填")
        self.enrol_phone = QLineEdit()
        self.enrol_phone.setPlaceholderText("选填")
        self.enrol_amount = QLineEdit()
        self.enrol_amount.setPlaceholderText("每月金额（元），未签承诺可不填")
        self.enrol_start = QLineEdit(str(clock.this_month()))
        self.enrol_button = QPushButton("登记赡养人")
        self.enrol_button.setEnabled(record)
        enrol = QGroupBox("登记赡养人（可同时登记赡养承诺）")
        form = QFormLayout(enrol)
        form.addRow("老人：", self.enrol_elder)
        form.addRow("赡养人姓名：", self.enrol_name)
        form.addRow("与老人关系：", self.enrol_relation)
        form.addRow("身份证号：", self.enrol_id)
        form.addRow("电话：", self.enrol_phone)
        form.addRow("每月承诺：", self.enrol_amount)
        form.addRow("承诺起始月：", self.enrol_start)
        form.addRow("", self.enrol_button)

        # the chosen supporter: a new pledge, the signed paper archived, the paper printed
        self.pledge_for = _wrap(QLabel("先在上方表中选择赡养人。"))
        self.pledge_amount = QLineEdit()
        self.pledge_amount.setPlaceholderText("每月金额（元）")
        self.pledge_start = QLineEdit(str(clock.this_month()))
        self.pledge_button = QPushButton("登记新的赡养承诺")
        self.scan_button = QPushButton("归档签字承诺书扫描件…")
        self.pledge_pdf_button = QPushButton("承诺书另存为PDF…")
        for b in (self.pledge_button, self.scan_button):
            b.setEnabled(False)
        self.pledge_pdf_button.setEnabled(False)
        pledge_box = QGroupBox("所选赡养人的赡养承诺")
        pform = QFormLayout(pledge_box)
        pform.addRow(self.pledge_for)
        pform.addRow("每月承诺：", self.pledge_amount)
        pform.addRow("起始月：", self.pledge_start)
        pform.addRow("", self.pledge_button)
        pform.addRow("", self.scan_button)
        pform.addRow("", self.pledge_pdf_button)
        self.supporter_label = _wrap(QLabel())

        forms = QWidget()
        row = QHBoxLayout(forms)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(enrol, 1)
        row.addWidget(pledge_box, 1)
        outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(split)
        outer.addWidget(_scroll(forms))
        outer.setStretchFactor(0, 3)
        outer.setStretchFactor(1, 2)
        outer.setChildrenCollapsible(False)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(outer, 1)
        layout.addWidget(self.supporter_label)
        self.enrol_button.clicked.connect(self.enrol)
        self.pledge_button.clicked.connect(self.new_pledge)
        self.scan_button.clicked.connect(self.ask_scan)
        self.pledge_pdf_button.clicked.connect(self.ask_save_pledge)
        self._can_record = record
        return tab

    def _entry_tab(self, record: bool) -> QWidget:
        self.supporter_box = _long_combo()
        self.supporter_box.setEditable(True)  # type a name to jump to it
        self.supporter_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.months_edit = QLineEdit()
        self.months_edit.setPlaceholderText("如 2026-11 或 2026-10,2026-11")
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText("金额（元）")
        self.method_box = QComboBox()
        self.method_box.addItems(["现金", "转账"])
        self.receipt_edit = QLineEdit()
        self.receipt_edit.setPlaceholderText("收据号，回车登记")
        self.record_button = QPushButton("登记缴纳")
        self.record_button.setEnabled(record)
        self.recorded = _table(["赡养人", "月份", "缴纳（元）", "基金补贴（元）", "收据号"])
        pay_box = QGroupBox("赡养人缴纳")
        form = QFormLayout(pay_box)
        form.addRow("赡养人：", self.supporter_box)
        form.addRow("月份：", self.months_edit)
        form.addRow("金额：", self.amount_edit)
        form.addRow("方式：", self.method_box)
        form.addRow("收据号：", self.receipt_edit)
        form.addRow("", self.record_button)

        self.donor_edit = QLineEdit()
        self.donor_edit.setPlaceholderText("如 县慈善会、张三")
        self.donation_amount = QLineEdit()
        self.donation_amount.setPlaceholderText("金额（元）")
        self.donation_reason = QLineEdit()
        self.donation_reason.setPlaceholderText("选填，如 春节捐赠")
        self.donate_button = QPushButton("登记捐赠")
        self.donate_button.setEnabled(record)
        self.donation_label = _wrap(QLabel())
        donate_box = QGroupBox("社会捐赠")
        dform = QFormLayout(donate_box)
        dform.addRow("捐赠人：", self.donor_edit)
        dform.addRow("金额：", self.donation_amount)
        dform.addRow("说明：", self.donation_reason)
        dform.addRow("", self.donate_button)
        dform.addRow(self.donation_label)

        forms = QHBoxLayout()
        forms.addWidget(pay_box, 3)
        forms.addWidget(donate_box, 2)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(forms)
        layout.addWidget(QLabel("本次登记："))
        layout.addWidget(self.recorded, 1)
        self.supporter_box.currentIndexChanged.connect(lambda _i: self._suggest())
        self.receipt_edit.returnPressed.connect(self.record)
        self.record_button.clicked.connect(self.record)
        self.donate_button.clicked.connect(self.donate)
        return tab

    def _payout_tab(self, manage: bool) -> QWidget:
        self.month_edit = QLineEdit(str(clock.this_month()))
        self.month_edit.setMaximumWidth(120)
        self.preview_button = QPushButton("预览")
        self.pay_button = QPushButton("确认发放")
        self.pay_button.setEnabled(False)
        self._can_pay = manage
        self.sheet_button = QPushButton("签领表另存为PDF…")
        self.payout_table = RowsTable(
            ["老人", "户编号", "子女缴纳（元）", "基金补贴（元）", "合计发放（元）"]
        )
        self.payout_label = _wrap(QLabel())
        row = QHBoxLayout()
        for w in (
            QLabel("发放月份："),
            self.month_edit,
            self.preview_button,
            self.pay_button,
            self.sheet_button,
        ):
            row.addWidget(w)
        row.addStretch(1)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.payout_table, 1)
        layout.addWidget(self.payout_label)
        self.month_edit.textChanged.connect(lambda _t: self.pay_button.setEnabled(False))
        self.preview_button.clicked.connect(self.preview)
        self.pay_button.clicked.connect(self.pay)
        self.sheet_button.clicked.connect(self.ask_save_sheet)
        return tab

    def _ledger_tab(self, record: bool) -> QWidget:
        """Seed 000 扶志扶智 四(九): 65周岁以上建档立卡贫困老年人 ledger, and the 村级责任组's finding per elder."""
        self.ledger_table = RowsTable(
            ["老人", "年龄", "户编号", "经济收入", "劳动能力", "子女供养", "子女赡养能力认定", "认定人、说明"]
        )
        self.finding_elder = _long_combo()
        self.finding_box = QComboBox()
        self.finding_box.addItems(list(SUPPORT_FINDINGS))
        self.finding_date = QDateEdit(qdate_today())
        self.finding_date.setCalendarPopup(True)
        self.finding_date.setDisplayFormat("yyyy年M月d日")
        self.finding_date.setMaximumDate(qdate_today())
        self.finding_by = QLineEdit()
        self.finding_by.setPlaceholderText("村级责任组成员")
        self.finding_note = QLineEdit()
        self.finding_note.setPlaceholderText("说明，如：儿子在外务工，收入稳定")
        self.finding_button = QPushButton("登记认定")
        self.finding_button.setEnabled(record)
        self.ledger_save = QPushButton("台账另存为PDF…")
        self.ledger_label = _wrap(QLabel())
        form = QFormLayout()
        form.addRow("老人：", self.finding_elder)
        form.addRow("认定结果：", self.finding_box)
        form.addRow("认定日期：", self.finding_date)
        form.addRow("认定人：", self.finding_by)
        form.addRow("说明：", self.finding_note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.finding_button)
        buttons.addStretch(1)
        buttons.addWidget(self.ledger_save)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.ledger_label)
        layout.addWidget(self.ledger_table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.finding_button.clicked.connect(self.record_finding)
        self.ledger_save.clicked.connect(self.ask_save_ledger)
        return tab

    def _entries_tab(self, manage: bool) -> QWidget:
        self.entries_table = RowsTable(
            ["流水号", "时间", "类型", "金额（元）", "赡养人/捐赠人/老人", "月份", "收据号", "经办人", "说明"]
        )
        self.entries_table.selectionModel().selectionChanged.connect(lambda *_a: self._entry_chosen())
        self.reverse_reason = QLineEdit()
        self.reverse_reason.setPlaceholderText("冲正原因，如：收据号录错，重新登记")
        self.reverse_button = QPushButton("冲正所选流水")
        self.reverse_button.setEnabled(False)
        self._can_reverse = manage
        self.reverse_label = _wrap(
            QLabel("基金流水只增不改：登记错了，选中那笔缴纳或捐赠，写明原因后冲正，再重新登记。")
        )
        row = QHBoxLayout()
        row.addWidget(QLabel("原因："))
        row.addWidget(self.reverse_reason, 1)
        row.addWidget(self.reverse_button)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.entries_table, 1)
        layout.addWidget(self.reverse_label)
        layout.addLayout(row)
        self.reverse_button.clicked.connect(self.reverse)
        return tab

    def _rule_fields(self) -> tuple[QSpinBox, QSpinBox, QLineEdit, QSpinBox, QComboBox]:
        age = QSpinBox()
        age.setRange(50, 90)
        age.setValue(60)
        age.setSuffix(" 岁")
        percent = QSpinBox()
        percent.setRange(0, 100)
        percent.setSuffix(" %")
        cap = QLineEdit()
        cap.setPlaceholderText("元")
        day = QSpinBox()
        day.setRange(1, 28)
        day.setValue(10)
        day.setSuffix(" 日")
        scope = QComboBox()
        scope.addItem("建档立卡贫困户的老人", False)
        scope.addItem("全村农户的老人（本村放宽）", True)
        return age, percent, cap, day, scope

    def _setup_tab(self, manage: bool) -> QWidget:
        # a new fund
        self.new_village = QComboBox()
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("不填则为“某某村孝善基金”")
        self.new_age, self.new_percent, self.new_cap, self.new_day, self.new_scope = self._rule_fields()
        self.new_confirm = QCheckBox("补贴比例和上限已核对，作为本村规则")
        self.new_note = _wrap(QLabel())
        self.create_button = QPushButton("设立孝善基金")
        self.create_button.setEnabled(False)
        self._can_manage = manage
        create = QGroupBox("设立孝善基金")
        form = QFormLayout(create)
        form.addRow("村：", self.new_village)
        form.addRow("基金名称：", self.new_name)
        form.addRow("老人年龄：", self.new_age)
        form.addRow("老人范围：", self.new_scope)
        form.addRow("基金补贴比例：", self.new_percent)
        form.addRow("每位老人每月补贴上限：", self.new_cap)
        form.addRow("每月发放日：", self.new_day)
        form.addRow(self.new_confirm)
        form.addRow(self.new_note)
        form.addRow("", self.create_button)
        self.new_percent.valueChanged.connect(lambda _v: self._describe_new())
        self.new_cap.textChanged.connect(lambda _t: self._describe_new())
        self.new_confirm.toggled.connect(lambda _on: self._describe_new())

        # the chosen fund's rules
        self.rules_now = _wrap(QLabel())
        self.rule_age, self.rule_percent, self.rule_cap, self.rule_day, self.rule_scope = self._rule_fields()
        self.rules_button = QPushButton("保存规则")
        self.rules_button.setEnabled(manage)
        rules = QGroupBox("本村基金规则")
        rform = QFormLayout(rules)
        rform.addRow(self.rules_now)
        rform.addRow("老人年龄：", self.rule_age)
        rform.addRow("老人范围：", self.rule_scope)
        rform.addRow("基金补贴比例：", self.rule_percent)
        rform.addRow("每位老人每月补贴上限：", self.rule_cap)
        rform.addRow("每月发放日：", self.rule_day)
        rform.addRow(_wrap(QLabel("改动只对以后的缴纳生效；改补贴比例或上限即确认为本村规则。")))
        rform.addRow("", self.rules_button)
        for w in (self.rule_age, self.rule_percent, self.rule_cap, self.rule_day, self.rule_scope):
            w.setEnabled(manage)

        # 孝善理事会
        self.board_table = _table(["职务", "姓名", "电话"])
        self.board_name = QLineEdit()
        self.board_role = QComboBox()
        self.board_role.addItems(list(fund.BOARD_ROLES))
        self.board_phone = QLineEdit()
        self.board_phone.setPlaceholderText("选填")
        self.board_button = QPushButton("添加理事会成员")
        self.board_button.setEnabled(manage)
        board = QGroupBox("孝善理事会")
        bl = QVBoxLayout(board)
        bl.addWidget(self.board_table, 1)
        bform = QFormLayout()
        bform.addRow("姓名：", self.board_name)
        bform.addRow("职务：", self.board_role)
        bform.addRow("电话：", self.board_phone)
        bform.addRow("", self.board_button)
        bl.addLayout(bform)

        inner = QWidget()
        row = QHBoxLayout(inner)
        row.addWidget(create, 1)
        row.addWidget(rules, 1)
        row.addWidget(board, 1)
        self.create_button.clicked.connect(self.create_fund)
        self.rules_button.clicked.connect(self.save_rules)
        self.board_button.clicked.connect(self.add_board_member)
        return _scroll(inner)

    # --- reading ----------------------------------------------------------------------------------------

    @property
    def village(self) -> str | None:
        return self.village_box.currentData()

    def reload(self) -> None:
        """The villages (with and without a fund) and the office defaults, then the chosen fund."""
        self.ctx.ops.read(self, _read_villages, self._show_villages, title="无法读取孝善基金")

    def _show_villages(self, result: tuple[list[fund.FundVillage], int, int, bool]) -> None:
        found, percent, cap, confirmed = result
        office_changed = (percent, cap) != self._office_shown
        self._office_shown = (percent, cap)
        self.office_match = (percent, cap, confirmed)
        current = self._want_village or self.village
        self._want_village = None
        self.village_box.blockSignals(True)
        self.village_box.clear()
        for v in found:
            if v.has_fund:
                self.village_box.addItem(v.label, v.village)
                self.village_box.setItemData(
                    self.village_box.count() - 1, v.village, Qt.ItemDataRole.ToolTipRole
                )
        self.village_box.setCurrentIndex(max(self.village_box.findData(current), 0))
        self.village_box.blockSignals(False)
        chosen_new = self.new_village.currentData()
        self.new_village.clear()
        for v in found:
            if not v.has_fund:
                self.new_village.addItem(v.label, v.village)
        self.new_village.setCurrentIndex(max(self.new_village.findData(chosen_new), 0))
        self.create_button.setEnabled(self._can_manage and self.new_village.count() > 0)
        if self.new_village.count() == 0:
            self.new_note.setText("每个村都已设立孝善基金。")
        else:
            if office_changed:  # what the clerk typed stays through other refreshes
                self.new_percent.setValue(percent)
                self.new_cap.setText(f"{cap:.2f}")
            self._describe_new()
        self.load()

    def _describe_new(self) -> None:
        if self.new_village.count() == 0:
            return
        percent, cap, confirmed = self.office_match
        if self._new_is_default() and not self.new_confirm.isChecked():
            if confirmed:
                text, style = "补贴规则：本乡镇已确认的默认值，设立后即可登记缴纳。", ""
            else:
                text, style = (
                    f"补贴{percent}%、每月最多{cap}元是软件默认值，非文件规定，待确认：确认前不能登记缴纳。"
                    "核对后请勾选上面的方框，或改成本村的比例和上限。",
                    RED,
                )
        else:
            text, style = "补贴规则将作为本村规则（已确认）。", ""
        self.new_note.setText(text)
        self.new_note.setStyleSheet(style)

    def _new_is_default(self) -> bool:
        percent, cap, _confirmed = self.office_match
        try:
            typed = money.parse_yuan(self.new_cap.text(), "每月补贴上限", max_fen=limits.MONTHLY_FEN)
        except InputRejected:
            return False
        return self.new_percent.value() == percent and typed == cap * 100

    def load(self) -> None:
        village = self.village
        if not village:
            self.snapshot = None
            self.overview.setText("还没有设立孝善基金的村：请在“设立与规则”页设立。")
            self.rules_label.clear()
            self.confirm_button.hide()
            for t in (self.elders_table, self.supporters_table, self.ledger_table, self.entries_table):
                t.fill([])
            self.tabs.setCurrentIndex(TAB_SETUP)
            return
        self.ctx.ops.read(self, _read_snapshot(village), self._show, title="无法读取孝善基金")

    def _show(self, snap: Snapshot) -> None:
        if snap.village != self.village:
            return  # another village was chosen while this one was read
        self.snapshot = snap
        st, rules = snap.status, snap.rules
        self.rules_label.setText(rules.describe())
        self.rules_label.setStyleSheet("" if rules.match_confirmed else RED)
        self.confirm_button.setVisible(not rules.match_confirmed)
        self.overview.setText(
            f"<b>{st.name}</b>　余额 <b>{_yuan(st.balance_fen)}</b> 元　老人 {st.elders} 人　赡养人 {st.supporters} 人"
            f"　欠缴 <span style='color:#b00020'>{st.in_arrears}</span> 人　本月收入 {_yuan(st.month_in_fen)} 元"
            f"　本月支出 {_yuan(st.month_out_fen)} 元"
        )
        self._show_elders(snap)
        self._show_supporters(snap)
        self._show_ledger(snap)
        self._show_entries(snap)
        self._show_rules(rules)
        _fill(self.board_table, [list(m) for m in snap.board])
        if self.tabs.currentIndex() == TAB_CHART:
            self.draw_chart()

    def _show_elders(self, snap: Snapshot) -> None:
        self.elders_table.fill(snap.tables.elders)
        _fill_combo(self.enrol_elder, snap.tables.elder_choices)
        self.enrol_button.setEnabled(self._can_record and bool(snap.elders))
        if not snap.elders:
            self.supporter_label.setText("本村还没有符合条件的老人（看“设立与规则”中的老人年龄和范围）。")

    def _show_supporters(self, snap: Snapshot) -> None:
        chosen = self._chosen_supporter()
        ids = [r.id for r in snap.supporters]
        self.supporters_table.fill(snap.tables.supporters, ids)
        if chosen in ids:
            self.supporters_table.selectRow(ids.index(chosen))
        self._supporter_chosen()
        self.supporter_box.blockSignals(True)
        _fill_combo(self.supporter_box, snap.tables.supporter_choices)
        self.supporter_box.blockSignals(False)
        self._suggest()

    def _show_ledger(self, snap: Snapshot) -> None:
        data = snap.ledger
        self.ledger_table.fill(snap.tables.ledger)
        self.ledger_label.setText(
            f"{data.village}{data.age}周岁以上建档立卡贫困老年人{len(data.rows)}人，"
            f"其中{snap.tables.unfound}人的子女赡养能力还未认定。"
        )
        _fill_combo(self.finding_elder, snap.tables.ledger_choices)

    def _show_entries(self, snap: Snapshot) -> None:
        self.entries_table.fill(snap.tables.entries, [e.id for e in snap.entries], snap.tables.entries_greyed)
        self._entry_chosen()

    def _show_rules(self, rules: fund.FundRules) -> None:
        self.rules_now.setText(rules.describe())
        self.rules_now.setStyleSheet("" if rules.match_confirmed else RED)
        self.rule_age.setValue(rules.elder_age)
        self.rule_percent.setValue(rules.match_percent)
        self.rule_cap.setText(f"{rules.match_cap_fen / 100:.2f}")
        self.rule_day.setValue(rules.payout_day)
        self.rule_scope.setCurrentIndex(self.rule_scope.findData(rules.all_households))

    # --- choosing rows ----------------------------------------------------------------------------------

    def _chosen_supporter(self) -> int | None:
        return self.supporters_table.chosen_key()

    def _supporter_row(self) -> fund.SupporterRow | None:
        sid = self._chosen_supporter()
        if sid is None or self.snapshot is None:
            return None
        return next((r for r in self.snapshot.supporters if r.id == sid), None)

    def _supporter_chosen(self) -> None:
        r = self._supporter_row()
        self.pledge_button.setEnabled(self._can_record and r is not None)
        self.scan_button.setEnabled(self._can_record and r is not None and r.monthly_fen > 0)
        self.pledge_pdf_button.setEnabled(r is not None and r.monthly_fen > 0)
        if r is None:
            self.pledge_for.setText("先在上方表中选择赡养人。")
            return
        pledged = (
            f"现承诺每月{_yuan(r.monthly_fen)}元（自{r.start_month}起）"
            if r.monthly_fen
            else "还没有签赡养承诺"
        )
        self.pledge_for.setText(f"{r.name}（赡养{r.elder}）：{pledged}。新的承诺自起始月起替代原承诺。")

    def _chosen_entry(self) -> fund.EntryRow | None:
        eid = self.entries_table.chosen_key()
        if eid is None or self.snapshot is None:
            return None
        return next((e for e in self.snapshot.entries if e.id == eid), None)

    def _entry_chosen(self) -> None:
        e = self._chosen_entry()
        self.reverse_button.setEnabled(self._can_reverse and e is not None and e.reversible)
        if e is not None and not e.reversible:
            self.reverse_label.setText(
                f"流水{e.id}已经冲正过。"
                if e.reversed
                else "只能冲正缴纳或捐赠（补贴随缴纳一起冲正；发放不能冲正）。"
            )
        elif e is not None:
            self.reverse_label.setText(
                f"将冲正流水{e.id}：{e.who} {KIND_NAMES[e.kind]} {_yuan(e.amount_fen)}元"
                + ("（连同其基金补贴）" if e.kind == "contribution" else "")
                + "。冲正后余额相应减少，原流水保留。"
            )

    # --- the fund and its rules -------------------------------------------------------------------------

    def create_fund(self) -> None:
        village = self.new_village.currentData()
        if not village:
            return
        try:
            cap = money.parse_yuan(self.new_cap.text(), "每月补贴上限", max_fen=limits.MONTHLY_FEN)
        except InputRejected as exc:
            show_error(self, exc, "未设立")
            return
        own = self.new_confirm.isChecked() or not self._new_is_default()
        # figures given are the village's own (confirmed); none given take the default, still to confirm
        percent = self.new_percent.value() if own else None
        cap_fen = cap if own else None
        age, day, widened = self.new_age.value(), self.new_day.value(), bool(self.new_scope.currentData())
        name = self.new_name.text().strip()

        def write(db, actor) -> int:
            return fund.create_fund(
                db,
                actor,
                village,
                name=name,
                elder_age=age,
                match_percent=percent,
                match_cap_fen=cap_fen,
                payout_day=day,
                all_households=widened,
            )

        def done(_fid: int) -> None:
            self._want_village = village
            self.new_name.clear()
            self.new_confirm.setChecked(False)
            self.tabs.setCurrentIndex(TAB_ELDERS)

        self.ctx.ops.write(self, write, ("fund",), done, title="未设立孝善基金", busy=self.create_button)

    def confirm_rules(self) -> None:
        """The clerk read the rules beside the button: the default match becomes the village's."""
        village = self.village
        if village:
            self.ctx.ops.write(
                self,
                lambda db, actor: fund.confirm_rules(db, actor, village),
                ("fund",),
                title="无法确认",
                busy=self.confirm_button,
            )

    def save_rules(self) -> None:
        village, rules = self.village, self.snapshot.rules if self.snapshot else None
        if not village or rules is None:
            return
        try:
            cap = money.parse_yuan(self.rule_cap.text(), "每月补贴上限", max_fen=limits.MONTHLY_FEN)
        except InputRejected as exc:
            show_error(self, exc, "规则未保存")
            return
        # only what changed: giving the match figures confirms them, so unchanged ones stay as they are
        percent = self.rule_percent.value()
        changes = {
            "elder_age": self.rule_age.value(),
            "payout_day": self.rule_day.value(),
            "all_households": bool(self.rule_scope.currentData()),
            "match_percent": percent if percent != rules.match_percent else None,
            "match_cap_fen": cap if cap != rules.match_cap_fen else None,
        }

        def done(changed: dict) -> None:
            self.rules_now.setText(("已保存。" if changed else "规则没有改动。") + self.rules_now.text())

        self.ctx.ops.write(
            self,
            lambda db, actor: fund.set_rules(db, actor, village, **changes),
            ("fund",),
            done,
            title="规则未保存",
            busy=self.rules_button,
        )

    def add_board_member(self) -> None:
        village = self.village
        if not village:
            return
        name, role, phone = (
            self.board_name.text().strip(),
            self.board_role.currentText(),
            self.board_phone.text(),
        )

        def done(_mid: int) -> None:
            self.board_name.clear()
            self.board_phone.clear()

        self.ctx.ops.write(
            self,
            lambda db, actor: fund.add_board_member(db, actor, village, name, role, phone=phone.strip()),
            ("fund",),
            done,
            title="未登记理事会成员",
            busy=self.board_button,
        )

    # --- supporters and pledges -------------------------------------------------------------------------

    def enrol(self) -> None:
        village, code = self.village, self.enrol_elder.currentData()
        if not village or not code:
            return
        monthly = None
        if self.enrol_amount.text().strip():
            try:
                monthly = money.parse_yuan(
                    self.enrol_amount.text(), "每月赡养金额", max_fen=limits.MONTHLY_FEN
                )
            except InputRejected as exc:
                show_error(self, exc, "未登记")
                return
        name, relation = self.enrol_name.text(), self.enrol_relation.currentText()
        id_number, phone, start = self.enrol_id.text(), self.enrol_phone.text(), self.enrol_start.text()

        def write(db, actor) -> int:
            return fund.enrol_supporter(
                db,
                actor,
                village,
                code,
                name,
                relation=relation,
                id_number=id_number,
                phone=phone,
                monthly_fen=monthly,
                start_month=start,
            )

        def done(_sid: int) -> None:
            who = name.strip()
            for w in (self.enrol_name, self.enrol_id, self.enrol_phone, self.enrol_amount):
                w.clear()
            self.supporter_label.setText(
                f"已登记赡养人{who}"
                + (f"，每月承诺{_yuan(monthly)}元。" if monthly else "（还没有签赡养承诺）。")
            )

        self.ctx.ops.write(self, write, ("fund",), done, title="未登记赡养人", busy=self.enrol_button)

    def new_pledge(self) -> None:
        r = self._supporter_row()
        if r is None:
            return
        try:
            monthly = money.parse_yuan(self.pledge_amount.text(), "每月赡养金额", max_fen=limits.MONTHLY_FEN)
        except InputRejected as exc:
            show_error(self, exc, "未登记")
            return
        start = self.pledge_start.text()

        def done(_pid: int) -> None:
            self.pledge_amount.clear()
            self.supporter_label.setText(
                f"已登记{r.name}的赡养承诺：自{start.strip()}起每月{_yuan(monthly)}元。"
            )

        self.ctx.ops.write(
            self,
            lambda db, actor: fund.pledge(db, actor, r.id, monthly, start),
            ("fund",),
            done,
            title="未登记赡养承诺",
            busy=self.pledge_button,
        )

    def ask_scan(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "选择签字承诺书扫描件", "", "扫描件 (*.pdf *.jpg *.jpeg *.png)"
        )
        if path:
            self.archive_scan(path)

    def archive_scan(self, path: str) -> None:
        r = self._supporter_row()
        if r is None:
            return

        def write(db, actor) -> None:

            _name, data = read_file(path, "扫描件")
            fund.archive_pledge_scan(db, actor, r.id, data)

        self.ctx.ops.write(
            self,
            write,
            ("fund",),
            lambda _r: self.supporter_label.setText(f"已归档{r.name}的签字承诺书扫描件。"),
            title="未归档",
            busy=self.scan_button,
        )

    def ask_save_pledge(self) -> None:
        r = self._supporter_row()
        if r is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "保存赡养承诺书", f"赡养承诺书-{r.name}.pdf", "PDF 文件 (*.pdf)"
        )
        if path:
            self.save_pledge(path)

    def save_pledge(self, path: str) -> None:
        r = self._supporter_row()
        if r is None:
            return
        self.ctx.ops.read(
            self,
            lambda db, actor: fund_reports.pledge_document(db, actor, r.id, path),
            lambda _info: self.supporter_label.setText(f"赡养承诺书已保存：{path}"),
            title="无法生成承诺书",
        )

    # --- money in ---------------------------------------------------------------------------------------

    def _suggest(self) -> None:
        """The next unpaid month and the pledged amount, so most receipts need only their number."""
        sid = self.supporter_box.currentData()
        if sid is None or self.snapshot is None or sid not in self.snapshot.due:
            return
        months, monthly = self.snapshot.due[sid]
        self.months_edit.setText(",".join(months))
        self.amount_edit.setText(f"{monthly * len(months) / 100:.2f}" if monthly else "")

    def record(self) -> None:
        sid = self.supporter_box.currentData()
        if sid is None:
            return
        try:
            amount = money.parse_yuan(self.amount_edit.text(), "缴纳金额", max_fen=limits.FUND_ENTRY_FEN)
        except InputRejected as exc:
            show_error(self, exc, "未登记")
            return
        months = _months(self.months_edit.text())
        receipt = self.receipt_edit.text().strip()
        method = self.method_box.currentText()
        who = self.supporter_box.currentText().split("（")[0]

        def write(db, actor) -> fund.Contribution:
            return fund.contribute(db, actor, sid, months, amount, method=method, receipt_no=receipt)

        def done(result: fund.Contribution) -> None:
            row = self.recorded.rowCount()
            self.recorded.insertRow(row)
            for j, v in enumerate(
                (who, ",".join(result.months), _yuan(result.amount_fen), _yuan(result.match_fen), receipt)
            ):
                self.recorded.setItem(row, j, QTableWidgetItem(v))
            self.receipt_edit.clear()
            self.supporter_box.setFocus()

        self.ctx.ops.write(self, write, ("fund",), done, title="未登记缴纳", busy=self.record_button)

    def donate(self) -> None:
        village = self.village
        if not village:
            return
        try:
            amount = money.parse_yuan(self.donation_amount.text(), "捐赠金额", max_fen=limits.FUND_ENTRY_FEN)
        except InputRejected as exc:
            show_error(self, exc, "未登记")
            return
        donor, reason = self.donor_edit.text(), self.donation_reason.text().strip()

        def done(balance: int) -> None:
            self.donation_label.setText(
                f"已记入{donor.strip()}捐赠{_yuan(amount)}元，基金余额{_yuan(balance)}元。"
            )
            for w in (self.donor_edit, self.donation_amount, self.donation_reason):
                w.clear()

        self.ctx.ops.write(
            self,
            lambda db, actor: fund.donate(db, actor, village, donor, amount, reason=reason),
            ("fund",),
            done,
            title="未登记捐赠",
            busy=self.donate_button,
        )

    def reverse(self) -> None:
        e = self._chosen_entry()
        if e is None or not e.reversible:
            return
        reason = self.reverse_reason.text()

        def done(balance: int) -> None:
            self.reverse_reason.clear()
            self.reverse_label.setText(f"已冲正流水{e.id}，基金余额{_yuan(balance)}元。")

        self.ctx.ops.write(
            self,
            lambda db, actor: fund.reverse(db, actor, e.id, reason),
            ("fund",),
            done,
            title="未冲正",
            busy=self.reverse_button,
        )

    # --- payouts ----------------------------------------------------------------------------------------

    def preview(self) -> None:
        village, month = self.village, self.month_edit.text()
        if not village:
            return
        self.pay_button.setEnabled(False)
        self.ctx.ops.read(
            self,
            lambda db, actor: fund.payout_preview(db, actor, village, month),
            self._show_preview,
            title="无法预览",
        )

    def _show_preview(self, result: tuple[list[fund.PayoutLine], int]) -> None:
        lines, balance = result
        self.payout_table.fill(
            [
                _texts(
                    [x.elder, x.household, _yuan(x.contribution_fen), _yuan(x.match_fen), _yuan(x.amount_fen)]
                )
                for x in lines
            ],
        )
        total = sum(x.amount_fen for x in lines)
        short = total > balance
        self.payout_label.setText(
            f"共 {len(lines)} 位老人，合计 {_yuan(total)} 元；基金余额 {_yuan(balance)} 元。"
            + ("<span style='color:#b00020'>余额不足，不能发放，请先筹集资金。</span>" if short else "")
        )
        self.pay_button.setEnabled(self._can_pay and bool(lines) and not short)

    def pay(self) -> None:
        village, month = self.village, self.month_edit.text()
        if not village:
            return
        self.pay_button.setEnabled(False)

        def done(lines: list[fund.PayoutLine]) -> None:
            self.payout_label.setText(
                f"已发放 {len(lines)} 位老人，合计 {_yuan(sum(x.amount_fen for x in lines))} 元。"
                "请打印签领表请老人签字。"
            )

        self.ctx.ops.write(
            self,
            lambda db, actor: fund.pay(db, actor, village, month),
            ("fund",),
            done,
            title="发放失败",
        )

    def ask_save_sheet(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "保存签领表", f"孝善金签领表-{self.month_edit.text().strip()}.pdf", "PDF 文件 (*.pdf)"
        )
        if path:
            self.save_sheet(path)

    def save_sheet(self, path: str) -> None:
        village, month = self.village, self.month_edit.text().strip()
        if not village:
            return
        self.ctx.ops.read(
            self,
            lambda db, actor: fund_reports.payout_sheet(db, actor, village, month, path),
            lambda _info: self.payout_label.setText(f"签领表已保存：{path}"),
            title="无法生成签领表",
        )

    # --- the elder ledger -------------------------------------------------------------------------------

    def record_finding(self) -> None:
        village, code = self.village, self.finding_elder.currentData()
        if not village or not code:
            return
        day = self.finding_date.date()
        found_on = date(day.year(), day.month(), day.day())
        finding, by, note = (
            self.finding_box.currentText(),
            self.finding_by.text().strip(),
            self.finding_note.text(),
        )

        def write(db, actor) -> int:
            return fund.record_finding(
                db, actor, village, code, finding, found_on=found_on, found_by=by, note=note.strip()
            )

        self.ctx.ops.write(
            self,
            write,
            ("fund",),
            lambda _id: self.finding_note.clear(),
            title="无法登记",
            busy=self.finding_button,
        )

    def ask_save_ledger(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "保存老人台账", "老人台账.pdf", "PDF 文件 (*.pdf);;Excel 文件 (*.xlsx)"
        )
        if path:
            self.save_ledger(path)

    def save_ledger(self, path: str) -> None:
        village = self.village
        if not village:
            return
        xlsx = path.lower().endswith(".xlsx")
        self.ctx.ops.read(
            self,
            lambda db, actor: fund_reports.elder_ledger(db, actor, village, path, xlsx=xlsx),
            lambda _info: self.ledger_label.setText(f"台账已保存：{path}"),
            title="无法生成台账",
        )

    # --- the chart --------------------------------------------------------------------------------------

    def draw_chart(self) -> None:
        """Drawn on the read lane at about the label's size: matplotlib stays out of the GUI thread."""
        village = self.village
        if not village:
            return
        width, height = max(self.chart.width(), 600), max(self.chart.height(), 240)

        def draw(db, actor) -> bytes:
            return fund_reports.fund_chart_png(db, actor, village, width_px=width, height_px=height)

        def done(png: bytes) -> None:
            if village == self.village:
                self.chart.set_chart(png)

        self.ctx.ops.read(self, draw, done, title="无法生成收支图")
