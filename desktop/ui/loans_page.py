"""小额信贷: the loans filtered by village, bank and state (a model over thousands of rows), a loan's repayments,
贴息 and 展期/续贷 with a button each, the 新增贷款 dialog with its eligibility check and the administrator's
override, 到期提醒 (30/60/90 days), the overdue loans with the overdue rate per village and bank, the bank list
import and the prints. Every read and write goes through ctx.ops."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, money
from desktop.errors import InputRejected
from desktop.models.loans import CREDIT_GRADES, EXTENSION_KINDS, LOAN_FEN, USES
from desktop.services.households import households
from desktop.services.loans import loan_import, loan_reports, loans
from desktop.ui.context import UiContext
from desktop.ui.dates import qdate_today
from desktop.ui.ops import subscribe

Index = QModelIndex | QPersistentModelIndex
LATE = QColor("#c62828")
COLUMNS = (
    "编号",
    "行政村",
    "户编号",
    "借款人",
    "贷款银行",
    "合同编号",
    "金额（元）",
    "余额（元）",
    "到期日期",
    "状态",
)
ENTRY_COLUMNS = ("流水", "日期", "类型", "本金", "利息", "贴息", "季度", "说明")


class LoanModel(QAbstractTableModel):
    """The loans as read (LoanInfo), their cells made as they are scrolled to; overdue rows in red."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.loans: list[loans.LoanInfo] = []

    def set_loans(self, found: list[loans.LoanInfo]) -> None:
        self.beginResetModel()
        self.loans = found
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.loans)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    @staticmethod
    def cell(x: loans.LoanInfo, column: int) -> str:
        state = (
            x.state + (f"（{x.overdue_days}天）" if x.overdue else "") + ("·特批" if x.override_by else "")
        )
        values = (str(x.id), x.village, x.household, x.borrower, x.bank, x.contract_no, money.yuan(x.amount_fen),
                  money.yuan(x.outstanding_fen), f"{x.due_on:%Y-%m-%d}", state)  # fmt: skip
        return values[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        x = self.loans[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(x, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (6, 7):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and x.overdue:
            return QBrush(LATE)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3 and x.use == "户贷企用":
            return f"户贷企用：{x.enterprise}"
        return None


def _table(headers) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(list(headers))
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _fill(table: QTableWidget, rows: list[list[str]], late: set[int] = frozenset()) -> None:  # type: ignore[assignment]
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if r in late:
                item.setForeground(LATE)
            table.setItem(r, c, item)


def _date_edit(days: int = 0) -> QDateEdit:
    d = QDateEdit(qdate_today().addDays(days))
    d.setCalendarPopup(True)
    d.setDisplayFormat("yyyy-MM-dd")
    return d


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class AddLoanDialog(QDialog):
    """新增贷款: the contract, the borrower, 贴息, use; 资格审查 shows what the rules refuse; an administrator may
    record a refused loan with a 特批理由."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("新增贷款")
        self.setMinimumWidth(460)
        self.household = QLineEdit()
        self.household.setPlaceholderText("户编号")
        self.borrower = QLineEdit()
        self.borrower.setPlaceholderText("借款人证件号码（或户内唯一的姓名）")
        self.bank = QComboBox()
        self.bank.setEditable(True)
        self.contract = QLineEdit()
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("如 50000.00")
        self.start = _date_edit()
        self.due = _date_edit()
        self.due.setDate(qdate_today().addYears(3))
        self.rate = QLineEdit("4.35")
        self.subsidy_rate = QLineEdit("4.35")
        self.subsidy_payer = QLineEdit("县财政")
        self.use = QComboBox()
        self.use.addItems(USES)
        self.enterprise = QLineEdit()
        self.enterprise.setPlaceholderText("户贷企用时填写企业（合作社）名称")
        self.guarantee = QLineEdit("风险补偿金")
        self.credit = QComboBox()
        self.credit.addItems(CREDIT_GRADES)
        self.credit.setCurrentText("良好")
        self.note = QLineEdit()
        self.note.setPlaceholderText("用途，如 发展养殖")
        self.check_button = QPushButton("资格审查")
        self.verdict = QLabel("登记前先做资格审查。")
        self.verdict.setWordWrap(True)
        self.override = QLineEdit()
        self.override.setPlaceholderText("不符合条件时，管理员填写特批理由后可登记")
        self.override.setEnabled(ctx.actor.role == "admin")
        form = QFormLayout(self)
        for label, w in (("户编号：", self.household), ("借款人：", self.borrower), ("贷款银行：", self.bank),
                         ("合同编号：", self.contract), ("贷款金额（元）：", self.amount), ("放款日期：", self.start),
                         ("到期日期：", self.due), ("年利率（%）：", self.rate), ("贴息利率（%）：", self.subsidy_rate),
                         ("贴息资金来源：", self.subsidy_payer), ("使用方式：", self.use), ("企业名称：", self.enterprise),
                         ("担保方式：", self.guarantee), ("信用等级：", self.credit), ("备注：", self.note)):  # fmt: skip
            form.addRow(label, w)
        form.addRow(self.check_button, self.verdict)
        form.addRow("特批理由：", self.override)
        form.addRow(_buttons(self))
        self.use.currentTextChanged.connect(lambda t: self.enterprise.setEnabled(t == "户贷企用"))
        self.enterprise.setEnabled(False)
        self.check_button.clicked.connect(self.run_check)
        self.refusals: list[str] | None = None
        ctx.ops.read(self, lambda db, actor: loans.banks(db, actor), self._banks)

    def _banks(self, names: list[str]) -> None:
        text = self.bank.currentText()
        self.bank.addItems([n for n in names if self.bank.findText(n) < 0])
        self.bank.setCurrentText(text or (names[0] if names else ""))

    def application(self) -> loans.Application:
        """The form as an Application (InputRejected naming the field for a bad amount or rate)."""
        return loans.Application(
            household=self.household.text().strip(),
            borrower=self.borrower.text().strip(),
            bank=self.bank.currentText().strip(),
            contract_no=self.contract.text().strip(),
            amount_fen=money.parse_yuan(self.amount.text(), "贷款金额", max_fen=LOAN_FEN),
            start_on=self.start.date().toPython(),
            due_on=self.due.date().toPython(),
            rate_bp=loans.parse_rate(self.rate.text(), "年利率"),
            subsidy_rate_bp=loans.parse_rate(self.subsidy_rate.text() or "0", "贴息利率"),
            subsidy_payer=self.subsidy_payer.text().strip(),
            use=self.use.currentText(),
            enterprise=self.enterprise.text().strip() if self.use.currentText() == "户贷企用" else "",
            guarantee=self.guarantee.text().strip(),
            credit_grade=self.credit.currentText(),
            note=self.note.text().strip(),
        )

    def run_check(self) -> None:
        def failed(exc: Exception) -> None:
            self.refusals = None
            self.verdict.setText(
                f"<span style='color:#c62828'>{escape(getattr(exc, 'message', str(exc)))}</span>"
            )

        try:
            app = self.application()
        except InputRejected as exc:  # a typed amount or rate the form says is wrong
            failed(exc)
            return
        self.ctx.ops.read(
            self, lambda db, actor: loans.check(db, actor, app), self._checked, on_failure=failed
        )

    def _checked(self, refused: list[str]) -> None:
        self.refusals = refused
        if refused:
            said = "；".join(escape(r) for r in refused)
            self.verdict.setText(f"<span style='color:#c62828'>不符合贷款条件：{said}</span>")
        else:
            self.verdict.setText("<span style='color:#2e7d32'>符合贷款条件。</span>")


class EntryDialog(QDialog):
    """登记还款 (principal, interest), 贴息 (quarter, amount, payer) or 展期/续贷 (new due date, approval)."""

    def __init__(self, kind: str, parent: QWidget | None = None, *, payer: str = "") -> None:
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle({"repay": "登记还款", "subsidy": "登记贴息", "extend": "展期/续贷"}[kind])
        form = QFormLayout(self)
        self.fields: dict[str, QWidget] = {}
        if kind == "repay":
            self.fields = {"principal": QLineEdit("0"), "interest": QLineEdit("0"), "on": _date_edit()}
            labels = ("还本金额（元）：", "还息金额（元）：", "还款日期：")
        elif kind == "subsidy":
            self.fields = {"quarter": QLineEdit(loans.quarter_of(qdate_today().addMonths(-3).toPython())),
                           "amount": QLineEdit(), "payer": QLineEdit(payer), "on": _date_edit()}  # fmt: skip
            labels = ("季度（如2026Q3）：", "贴息金额（元）：", "资金来源：", "贴息日期：")
        else:
            kinds = QComboBox()
            kinds.addItems(EXTENSION_KINDS)
            self.fields = {"kind": kinds, "new_due_on": _date_edit(365), "approved_by": QLineEdit(),
                           "approved_on": _date_edit(), "document_no": QLineEdit()}  # fmt: skip
            labels = ("类型：", "新的到期日期：", "审批人：", "审批日期：", "审批文号：")
        self.fields["note"] = QLineEdit()
        for label, w in zip((*labels, "备注："), self.fields.values(), strict=True):
            form.addRow(label, w)
        form.addRow(_buttons(self))

    def values(self) -> dict:
        out = {}
        for key, w in self.fields.items():
            if isinstance(w, QDateEdit):
                out[key] = w.date().toPython()
            elif isinstance(w, QComboBox):
                out[key] = w.currentText()
            else:
                out[key] = w.text().strip()
        return out


class LoansPage(QWidget):
    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, *, present_print: Callable | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.present_print = present_print
        self.current_detail: loans.LoanDetail | None = None
        self._wanted: int | None = None
        self.township = ctx.actor.can("household.edit") and ctx.actor.village_ids is None

        self.village_box = QComboBox()
        self.village_box.addItem("全部村", None)
        self.bank_box = QComboBox()
        self.bank_box.addItem("全部银行", None)
        self.state_box = QComboBox()
        self.state_box.addItem("全部状态", None)
        for s in loans.STATES:
            self.state_box.addItem(s, s)
        self.add_button = QPushButton("新增贷款…")
        self.import_button = QPushButton("导入放款清单…")
        self.ledger_button = QPushButton("打印台账")
        self.excel_button = QPushButton("导出Excel…")
        for b in (self.add_button, self.import_button):
            b.setEnabled(self.township)
        self.summary = QLabel("正在读取……")

        self.model = LoanModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        for c, w in enumerate((40, 56, 150, 56, 70, 104, 80, 80, 80)):
            self.table.setColumnWidth(c, w)

        self.detail = QLabel("选择一笔贷款查看还款、贴息和展期。")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.entries = _table(ENTRY_COLUMNS)
        self.repay_button = QPushButton("登记还款…")
        self.subsidy_button = QPushButton("登记贴息…")
        self.extend_button = QPushButton("展期/续贷…")
        self.reverse_button = QPushButton("冲正所选流水")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("冲正理由")

        top = QHBoxLayout()
        for w in (
            QLabel("村："),
            self.village_box,
            QLabel("银行："),
            self.bank_box,
            QLabel("状态："),
            self.state_box,
        ):
            top.addWidget(w)
        top.addStretch(1)
        for w in (self.add_button, self.import_button, self.ledger_button, self.excel_button):
            top.addWidget(w)
        steps = QHBoxLayout()
        for b in (self.repay_button, self.subsidy_button, self.extend_button):
            steps.addWidget(b)
        undo = QHBoxLayout()
        undo.addWidget(self.reason_edit, 1)
        undo.addWidget(self.reverse_button)
        right = QVBoxLayout()
        right.addWidget(self.detail)
        right.addWidget(self.entries, 1)
        right.addLayout(steps)
        right.addLayout(undo)
        right_box = QWidget()
        right_box.setLayout(right)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(right_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([880, 380])  # the list's columns up to 状态 fit at 1366 px
        list_tab = QWidget()
        list_layout = QVBoxLayout(list_tab)
        list_layout.addLayout(top)
        list_layout.addWidget(self.summary)
        list_layout.addWidget(split, 1)

        # 到期提醒
        self.due_days = QComboBox()
        for d in loans.DUE_WINDOWS:
            self.due_days.addItem(f"{d}天内到期", d)
        self.due_print = QPushButton("打印到期提醒")
        self.due_table = _table(
            ("编号", "行政村", "户编号", "借款人", "贷款银行", "到期日期", "剩余天数", "余额（元）")
        )
        self.due_summary = QLabel("")
        due_tab = QWidget()
        due_layout = QVBoxLayout(due_tab)
        row = QHBoxLayout()
        row.addWidget(self.due_days)
        row.addWidget(self.due_summary, 1)
        row.addWidget(self.due_print)
        due_layout.addLayout(row)
        due_layout.addWidget(self.due_table, 1)

        # 逾期
        self.overdue_table = _table(("编号", "行政村", "户编号", "借款人", "贷款银行", "逾期起始", "逾期天数", "本金余额（元）", "欠息（元）"))  # fmt: skip
        self.rates = QLabel("")
        self.rates.setWordWrap(True)
        self.rates.setTextFormat(Qt.TextFormat.RichText)
        self.overdue_print = QPushButton("打印逾期台账")
        self.quarter_edit = QLineEdit(loans.quarter_of(qdate_today().addMonths(-3).toPython()))
        self.quarter_edit.setMaximumWidth(90)
        self.subsidy_print = QPushButton("打印贴息清单")
        overdue_tab = QWidget()
        overdue_layout = QVBoxLayout(overdue_tab)
        row = QHBoxLayout()
        row.addStretch(1)
        for w in (self.overdue_print, QLabel("季度："), self.quarter_edit, self.subsidy_print):
            row.addWidget(w)
        overdue_layout.addLayout(row)
        overdue_layout.addWidget(self.overdue_table, 1)
        overdue_layout.addWidget(self.rates)

        self.tabs = QTabWidget()
        self.tabs.addTab(list_tab, "贷款")
        self.tabs.addTab(due_tab, "到期提醒")
        self.tabs.addTab(overdue_tab, "逾期与贴息")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

        for box in (self.village_box, self.bank_box, self.state_box):
            box.currentIndexChanged.connect(lambda _i: self.reload())
        self.due_days.currentIndexChanged.connect(lambda _i: self.reload_due())
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._selected(cur.row()))
        self.add_button.clicked.connect(self.ask_add)
        self.import_button.clicked.connect(self.ask_import)
        self.ledger_button.clicked.connect(lambda: self.print_kind("loans"))
        self.due_print.clicked.connect(lambda: self.print_kind("due"))
        self.overdue_print.clicked.connect(lambda: self.print_kind("overdue"))
        self.subsidy_print.clicked.connect(lambda: self.print_kind("subsidy"))
        self.excel_button.clicked.connect(self.ask_excel)
        self.repay_button.clicked.connect(lambda: self.ask_entry("repay"))
        self.subsidy_button.clicked.connect(lambda: self.ask_entry("subsidy"))
        self.extend_button.clicked.connect(lambda: self.ask_entry("extend"))
        self.reverse_button.clicked.connect(self.reverse_selected)
        subscribe(ctx.ops, self, ("loans", "households"), self.reload_all)
        self._enable()
        self.ctx.ops.read(self, lambda db, actor: households.villages(db, actor), self._villages_read)
        self.reload_all()

    # --- reading -------------------------------------------------------------------------------------

    def _villages_read(self, villages) -> None:
        self.village_box.blockSignals(True)
        for v in villages:
            self.village_box.addItem(f"{v.township}{v.name}", v.qualified)
        self.village_box.blockSignals(False)

    def _banks_read(self, names: list[str]) -> None:
        current = self.bank_box.currentData()
        self.bank_box.blockSignals(True)
        self.bank_box.clear()
        self.bank_box.addItem("全部银行", None)
        for n in names:
            self.bank_box.addItem(n, n)
        self.bank_box.setCurrentIndex(max(self.bank_box.findData(current), 0))
        self.bank_box.blockSignals(False)

    def filters(self) -> dict:
        return {
            "village": self.village_box.currentData(),
            "bank": self.bank_box.currentData(),
            "state": self.state_box.currentData(),
        }

    def reload_all(self) -> None:
        self.ctx.ops.read(self, lambda db, actor: loans.banks(db, actor), self._banks_read)
        self.reload()
        self.reload_due()
        self.reload_overdue()

    def reload(self) -> None:
        wanted = self.filters()
        self.ctx.ops.read(
            self, lambda db, actor: loans.loans(db, actor, **wanted), lambda r: self._listed(r, wanted)
        )

    def _listed(self, found: list[loans.LoanInfo], wanted: dict) -> None:
        if wanted != self.filters():
            return  # the filters changed while this was read
        keep = self._wanted if self._wanted is not None else self.current_id()
        self._wanted = None
        self.model.set_loans(found)
        total = sum(x.outstanding_fen for x in found)
        late = sum(x.overdue for x in found)
        self.summary.setText(f"共{len(found)}笔贷款，余额{money.yuan(total)}元，其中逾期{late}笔。")
        row = next((i for i, x in enumerate(found) if x.id == keep), -1)
        if row >= 0:
            self.table.selectRow(row)
        self._selected(row)

    def reload_due(self) -> None:
        days = self.due_days.currentData()
        self.ctx.ops.read(self, lambda db, actor: loans.due_soon(db, actor, days), self._due_listed)

    def _due_listed(self, found: list[loans.LoanInfo]) -> None:
        today = clock.today()
        rows = [[str(x.id), x.village, x.household, x.borrower, x.bank, f"{x.due_on:%Y-%m-%d}",
                 str((x.due_on - today).days), money.yuan(x.outstanding_fen)] for x in found]  # fmt: skip
        _fill(self.due_table, rows)
        self.due_summary.setText(f"{len(found)}笔，余额{money.yuan(sum(x.outstanding_fen for x in found))}元")

    def reload_overdue(self) -> None:
        def work(db, actor):
            return (
                loans.overdue_loans(db, actor),
                loans.rates(db, actor, "village"),
                loans.rates(db, actor, "bank"),
            )

        self.ctx.ops.read(self, work, self._overdue_listed)

    def _overdue_listed(self, result) -> None:
        found, (by_village, alert), (by_bank, _a) = result
        rows = [[str(x.id), x.village, x.household, x.borrower, x.bank,
                 f"{x.overdue_since:%Y-%m-%d}" if x.overdue_since else "", str(x.overdue_days),
                 money.yuan(x.outstanding_fen), money.yuan(x.interest_unpaid_fen)] for x in found]  # fmt: skip
        _fill(self.overdue_table, rows, set(range(len(rows))))

        def said(rows_: list[loans.RateRow]) -> str:
            return "；".join(
                f"<span style='color:#c62828'><b>{escape(r.group)} {r.rate_text}</b></span>"
                if r.flagged
                else f"{escape(r.group)} {r.rate_text}"
                for r in rows_
            )

        self.rates.setText(
            f"<b>逾期率（按村）：</b>{said(by_village)}<br><b>逾期率（按银行）：</b>{said(by_bank)}<br>"
            f"<small>{escape(loans.RATE_DEFINITION)}；警戒线{loans.rate_text(alert)}（湘阴办发〔2020〕8号：逾期率严格控制在1%以下）。</small>"
        )

    def current_id(self) -> int | None:
        row = self.table.currentIndex().row()
        return self.model.loans[row].id if 0 <= row < len(self.model.loans) else None

    def select_loan(self, loan_id: int) -> None:
        row = next((i for i, x in enumerate(self.model.loans) if x.id == loan_id), -1)
        if row >= 0:
            self.table.selectRow(row)

    # --- one loan ------------------------------------------------------------------------------------

    def _selected(self, row: int) -> None:
        if not 0 <= row < len(self.model.loans):
            self.current_detail = None
            self.detail.setText("选择一笔贷款查看还款、贴息和展期。")
            self.entries.setRowCount(0)
            self._enable()
            return
        lid = self.model.loans[row].id
        self.ctx.ops.read(self, lambda db, actor: loans.detail(db, actor, lid), self._show)

    def _show(self, d: loans.LoanDetail) -> None:
        if d.info.id != self.current_id():
            return
        self.current_detail = d
        x = d.info
        late = f"<span style='color:#c62828'>（逾期{x.overdue_days}天）</span>" if x.overdue else ""
        special = ""
        if x.override_by:
            special = (f"<p style='color:#c62828'><b>特批登记：</b>{escape(x.override_by)}，理由："
                       f"{escape(x.override_reason)}<br>未通过的条件：{escape(x.override_refusals)}</p>")  # fmt: skip
        ext = "".join(
            f"<li>{t.kind}：{t.old_due_on:%Y-%m-%d} → {t.new_due_on:%Y-%m-%d}，{escape(t.approved_by)}"
            f"于{t.approved_on:%Y-%m-%d}批准（{escape(t.document_no)}）</li>"
            for t in d.extensions
        )
        self.detail.setText(
            f"<h3>第{x.id}号　{escape(x.state)}{late}</h3>"
            f"<p><b>{escape(x.village)}</b> {escape(x.household)} {escape(x.borrower)}　{escape(x.bank)} "
            f"{escape(x.contract_no)}<br>{money.yuan(x.amount_fen)}元，{x.start_on:%Y-%m-%d}至{x.due_on:%Y-%m-%d}，"
            f"年利率{loans.rate_text(x.rate_bp)}，贴息{loans.rate_text(x.subsidy_rate_bp)}"
            f"（{escape(x.subsidy_payer or '无')}）<br>{escape(x.use_text)}；担保：{escape(x.guarantee or '无')}；"
            f"信用等级：{escape(x.credit_grade)}<br>已还本金{money.yuan(x.principal_paid_fen)}元，余额"
            f"{money.yuan(x.outstanding_fen)}元；已付利息{money.yuan(x.interest_paid_fen)}元，欠息"
            f"{money.yuan(x.interest_unpaid_fen)}元</p>{special}" + (f"<ul>{ext}</ul>" if ext else "")
        )
        rows = []
        for e in d.entries:
            said = e.note + (f"（冲正第{e.reverses_id}笔）" if e.reverses_id else "")
            said += f"（已被第{e.reversed_by}笔冲正）" if e.reversed_by else ""
            rows.append([str(e.id), f"{e.paid_on:%Y-%m-%d}", e.kind_name, money.yuan(e.principal_fen),
                         money.yuan(e.interest_fen), money.yuan(e.subsidy_fen), e.quarter, said])  # fmt: skip
        _fill(self.entries, rows)
        self._enable()

    def _enable(self) -> None:
        d = self.current_detail
        open_loan = d is not None and d.info.state != loans.SETTLED
        self.repay_button.setEnabled(self.township and open_loan)
        self.extend_button.setEnabled(self.township and open_loan)
        self.subsidy_button.setEnabled(self.township and d is not None and d.info.subsidy_rate_bp > 0)
        self.reverse_button.setEnabled(self.township and d is not None and bool(d.entries))

    # --- writes, one button one transaction ----------------------------------------------------------

    def _write(self, fn, done_text: str, busy: QWidget, title: str) -> None:
        lid = self.current_id()

        def done(_r) -> None:
            self.reason_edit.clear()
            self._wanted = lid
            self.summary.setText(done_text)

        self.ctx.ops.write(self, fn, ("loans",), done, title=title, busy=busy)

    def record(self, kind: str, values: dict) -> None:
        """还款 / 贴息 / 展期 of the selected loan from a dialog's values."""
        lid = self.current_id()
        if lid is None:
            return
        v = dict(values)
        note = v.pop("note", "")

        def work(db, actor):
            if kind == "repay":
                return loans.repay(db, actor, lid, note=note, on=v["on"],
                                   principal_fen=money.parse_yuan(v["principal"] or "0", "还本金额", max_fen=LOAN_FEN, min_fen=0),
                                   interest_fen=money.parse_yuan(v["interest"] or "0", "还息金额", max_fen=LOAN_FEN, min_fen=0))  # fmt: skip
            if kind == "subsidy":
                return loans.pay_subsidy(db, actor, lid, quarter=v["quarter"], payer=v["payer"], on=v["on"], note=note,
                                         amount_fen=money.parse_yuan(v["amount"], "贴息金额", max_fen=LOAN_FEN))  # fmt: skip
            return loans.extend(db, actor, lid, note=note, **v)

        said = {"repay": ("已登记还款", self.repay_button, "未登记还款"),
                "subsidy": ("已登记贴息", self.subsidy_button, "未登记贴息"),
                "extend": (f"已登记{v.get('kind', '展期')}", self.extend_button, "未登记展期")}[kind]  # fmt: skip
        self._write(work, f"第{lid}号{said[0]}。", said[1], said[2])

    def ask_entry(self, kind: str) -> None:
        payer = self.current_detail.info.subsidy_payer if self.current_detail else ""
        dialog = EntryDialog(kind, self, payer=payer)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.record(kind, dialog.values())

    def reverse_selected(self) -> None:
        row = self.entries.currentRow()
        if self.current_detail is None or not 0 <= row < len(self.current_detail.entries):
            self.summary.setText("请先在右侧流水中选择要冲正的一笔。")
            return
        eid = self.current_detail.entries[row].id
        reason = self.reason_edit.text()
        self._write(lambda db, actor: loans.reverse(db, actor, eid, reason), f"已冲正流水{eid}。",
                    self.reverse_button, "未冲正")  # fmt: skip

    def add_loan(self, app: loans.Application, override_reason: str = "") -> None:
        def done(lid: int) -> None:
            self._wanted = lid
            self.summary.setText(f"已登记贷款第{lid}号。")

        self.ctx.ops.write(self, lambda db, actor: loans.add(db, actor, app, override_reason=override_reason),
                           ("loans",), done, title="未登记", busy=self.add_button)  # fmt: skip

    def ask_add(self) -> None:
        dialog = AddLoanDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                app = dialog.application()
            except InputRejected as exc:  # the form's own complaint
                self.summary.setText(exc.message)
                return
            self.add_loan(app, dialog.override.text())

    def import_file(self, path: str) -> None:
        def done(result: loan_import.ImportResult) -> None:
            self.summary.setText(
                f"放款清单{result.rows}行：新增{result.added}笔，已登记未变{result.unchanged}笔。"
            )

        self.ctx.ops.write(self, lambda db, actor: loan_import.import_loans(db, actor, path), ("loans",), done,
                           title="放款清单未导入", busy=self.import_button)  # fmt: skip

    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "导入银行放款清单", "", "Excel 文件 (*.xlsx)")
        if path:
            self.import_file(path)

    # --- prints --------------------------------------------------------------------------------------

    def _maker(self, kind: str, xlsx: bool = False):
        today = clock.today()
        f = self.filters()
        if kind == "loans":
            return lambda db, actor, out: loan_reports.loan_ledger(
                db, actor, out, xlsx=xlsx, today=today, **f
            )
        if kind == "due":
            days = self.due_days.currentData()
            return lambda db, actor, out: loan_reports.due_ledger(
                db, actor, out, days=days, xlsx=xlsx, today=today
            )
        if kind == "overdue":
            return lambda db, actor, out: loan_reports.overdue_ledger(db, actor, out, xlsx=xlsx, today=today)
        quarter = self.quarter_edit.text().strip()
        return lambda db, actor, out: loan_reports.subsidy_ledger(db, actor, out, quarter=quarter, xlsx=xlsx,
                                                                  today=today)  # fmt: skip

    def print_kind(self, kind: str) -> None:
        if self.present_print is None:
            return
        title = loan_reports.KINDS[kind]
        self.present_print(f"{title}-{clock.today():%Y%m%d}.pdf", self._maker(kind), title)

    def save_excel(self, path: str, kind: str = "loans") -> None:
        make = self._maker(kind, xlsx=True)
        self.ctx.ops.read(self, lambda db, actor: make(db, actor, path),
                          lambda _r: self.summary.setText(f"已保存到 {path}"), title="保存失败")  # fmt: skip

    def ask_excel(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "小额信贷台账", "小额信贷台账.xlsx", "Excel 文件 (*.xlsx)"
        )
        if path:
            self.save_excel(path)
