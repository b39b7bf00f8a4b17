"""项目资金: the 项目库 filtered by year, village, state, kind and words (a QAbstractTableModel), the 疑点 under it,
and one project beside it — its steps with the button for the next one, funding, beneficiaries, 绩效目标,
contracts and disbursements (add, reverse). Every read and write goes through ctx.ops."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
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
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, money
from desktop.errors import InputRejected
from desktop.models.projects import BENEFIT_MODES, FUND_SOURCES, KINDS, STATES, VOID
from desktop.money import yuan
from desktop.services.households import households
from desktop.services.projects import contracts, funds, library, project_findings, project_reports, projects
from desktop.services.system.attachments import read_file
from desktop.ui.context import UiContext
from desktop.ui.dates import qdate_today
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe
from desktop.ui.tables import fill_table

COLUMNS = ("编号", "年度", "项目名称", "类型", "建设地点", "状态", "资金规模(元)", "已拨付(元)", "监督人")
RED = QColor("#c62828")
Index = QModelIndex | QPersistentModelIndex


def _date_edit(value=None) -> QDateEdit:
    edit = QDateEdit(value or qdate_today())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _table(headers: tuple[str, ...] | list[str], height: int | None = None) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    if height:
        table.setMaximumHeight(height)
    return table


class ProjectsModel(QAbstractTableModel):
    """The 项目库 rows as the read lane made them."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[library.ProjectInfo] = []
        self.flagged: frozenset[int] = frozenset()

    def set_rows(self, rows: list[library.ProjectInfo], flagged=()) -> None:
        self.beginResetModel()
        self.rows = rows
        self.flagged = frozenset(flagged)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def text(self, p: library.ProjectInfo, column: int) -> str:
        return (
            str(p.id),
            str(p.year),
            p.name,
            p.kind,
            p.place,
            p.state,
            yuan(p.funding_fen),
            yuan(p.paid_fen),
            p.supervisor or "（未落实）",
        )[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(p, index.column())
        if role == Qt.ItemDataRole.ForegroundRole:
            if p.state == VOID:
                return QColor("#888888")
            if p.id in self.flagged and index.column() in (0, 2):
                return RED
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (6, 7):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return p.name + (f"（{p.rolling}三年滚动规划）" if p.rolling else "")
        return None


# --- dialogs ------------------------------------------------------------------------------------------------


class ProjectDialog(QDialog):
    """申报 or 修改 a project: every field and its funding by source (元)."""

    def __init__(self, villages: list, parent: QWidget | None = None, detail=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("修改项目" if detail else "申报项目")
        self.detail = detail
        self.year = QSpinBox()
        self.year.setRange(2000, qdate_today().year() + 5)
        self.year.setValue(qdate_today().year())
        self.rolling = QSpinBox()
        self.rolling.setRange(0, qdate_today().year() + 5)
        self.rolling.setSpecialValueText("不属于")
        self.name = QLineEdit()
        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        self.place = QComboBox()
        towns = {}
        for v in villages:
            self.place.addItem(f"{v.township}{v.name}", ("village", v.qualified))
            towns.setdefault(f"{v.county}{v.township}", v.township)
        for key, town in towns.items():
            self.place.addItem(f"{town}（全乡镇）", ("township", key))
        self.content = QPlainTextEdit()
        self.content.setFixedHeight(56)
        self.scale = QLineEdit()
        self.implementer = QLineEdit()
        self.supervisor = QLineEdit()
        self.phone = QLineEdit()
        self.benefit = QPlainTextEdit()
        self.benefit.setFixedHeight(44)
        self.funds = {source: QLineEdit() for source in FUND_SOURCES}
        self.on = _date_edit()
        self.record = QLineEdit()
        self.record.setPlaceholderText("如：村民代表大会决议")
        form = QFormLayout(self)
        form.addRow("实施年度：", self.year)
        form.addRow("三年滚动规划起始年：", self.rolling)
        form.addRow("项目名称：", self.name)
        form.addRow("项目类型：", self.kind)
        form.addRow("建设地点：", self.place)
        form.addRow("建设内容：", self.content)
        form.addRow("建设规模：", self.scale)
        form.addRow("实施单位：", self.implementer)
        form.addRow("项目监督人：", self.supervisor)
        form.addRow("监督人电话：", self.phone)
        form.addRow("受益对象及带贫机制：", self.benefit)
        funds = QFormLayout()
        for source, edit in self.funds.items():
            edit.setPlaceholderText("元")
            funds.addRow(source + "：", edit)
        box = QWidget()
        box.setLayout(funds)
        form.addRow("资金规模：", box)
        if detail is None:
            form.addRow("申报日期：", self.on)
            form.addRow("申报依据：", self.record)
        else:
            self._fill(detail)
            self.place.setEnabled(False)
        form.addRow(_buttons(self))

    def _fill(self, d: library.ProjectDetail) -> None:
        p = d.info
        self.year.setValue(p.year)
        self.rolling.setValue(p.rolling_from or 0)
        self.name.setText(p.name)
        self.kind.setCurrentText(p.kind)
        self.content.setPlainText(d.content)
        self.scale.setText(d.scale)
        self.implementer.setText(p.implementer)
        self.supervisor.setText(p.supervisor)
        self.phone.setText(d.supervisor_phone)
        self.benefit.setPlainText(d.benefit_note)
        self.place.clear()  # the 建设地点 stays what it was
        self.place.addItem(p.place)
        for f in d.funding:
            if f.source in self.funds:
                self.funds[f.source].setText(yuan(f.amount_fen).replace(",", ""))

    def funding(self) -> dict[str, int]:
        return {
            source: money.parse_yuan(edit.text(), f"{source}金额", max_fen=projects.MAX_FEN)
            for source, edit in self.funds.items()
            if edit.text().strip()
        }

    def values(self) -> dict:
        """The service's keyword arguments; an amount typed wrong is refused here, naming its source."""
        out = {
            "year": self.year.value(),
            "rolling_from": self.rolling.value() or None,
            "name": self.name.text(),
            "kind": self.kind.currentText(),
            "content": self.content.toPlainText(),
            "scale": self.scale.text(),
            "implementer": self.implementer.text(),
            "supervisor": self.supervisor.text(),
            "supervisor_phone": self.phone.text(),
            "benefit_note": self.benefit.toPlainText(),
            "funding": self.funding(),
        }
        if self.detail is None:
            level, key = self.place.currentData() or ("village", None)
            out["village" if level == "village" else "township"] = key
            out["on"] = self.on.date().toPython()
            out["record"] = self.record.text()
        return out


class StepDialog(QDialog):
    """The next step: its day, the meeting record or approval, and optionally the scanned paper."""

    def __init__(self, project_id: int, to: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"项目第{project_id}号：{to}")
        self.to = to
        self.on = _date_edit()
        self.record = QPlainTextEdit()
        self.record.setFixedHeight(70)
        self.record.setPlaceholderText("会议记录或批复文号，如：镇党委会议纪要〔2026〕8号")
        self.file = QLineEdit()
        self.file.setPlaceholderText("可不选")
        browse = QPushButton("选择扫描件…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("下一步：", QLabel(f"<b>{to}</b>"))
        form.addRow("日期：", self.on)
        form.addRow("会议记录/批复：", self.record)
        form.addRow("扫描件：", row)
        form.addRow(_buttons(self))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "会议记录或批复扫描件", "", "扫描件 (*.pdf *.jpg *.jpeg *.png)"
        )
        if path:
            self.file.setText(path)

    def values(self) -> dict:
        return {
            "to": self.to,
            "on": self.on.date().toPython(),
            "record": self.record.toPlainText(),
            "path": self.file.text(),
        }


class ContractDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("登记合同")
        self.number = QLineEdit()
        self.party = QLineEdit()
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("元")
        self.on = _date_edit()
        self.note = QLineEdit()
        form = QFormLayout(self)
        form.addRow("合同编号：", self.number)
        form.addRow("合同乙方：", self.party)
        form.addRow("合同金额：", self.amount)
        form.addRow("签订日期：", self.on)
        form.addRow("备注：", self.note)
        form.addRow(_buttons(self))

    def values(self) -> dict:
        return {
            "number": self.number.text(),
            "party": self.party.text(),
            "amount_fen": money.parse_yuan(self.amount.text(), "合同金额", max_fen=projects.MAX_FEN),
            "signed_on": self.on.date().toPython(),
            "note": self.note.text(),
        }


class DisburseDialog(QDialog):
    """拨付 against one of the project's contracts, from one of its fund sources, on the verified progress."""

    def __init__(self, detail: library.ProjectDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("登记拨付")
        self.contract = QComboBox()
        for c in detail.contracts:
            self.contract.addItem(f"{c.number} {c.party}（{yuan(c.amount_fen)}元，进度{c.progress}%）", c.id)
        self.source = QComboBox()
        for f in detail.funding:
            self.source.addItem(f.source)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("元")
        self.progress = QSpinBox()
        self.progress.setRange(0, 100)
        self.progress.setSuffix(" %")
        if detail.contracts:
            self.progress.setValue(detail.contracts[0].progress)
        self.on = _date_edit()
        self.evidence = QLineEdit()
        self.evidence.setPlaceholderText("凭证号或凭证内容")
        self.file = QLineEdit()
        self.file.setPlaceholderText("可不选")
        browse = QPushButton("选择凭证扫描件…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        self.note = QLineEdit()
        form = QFormLayout(self)
        form.addRow("合同：", self.contract)
        form.addRow("资金来源：", self.source)
        form.addRow("拨付金额：", self.amount)
        form.addRow("核实进度：", self.progress)
        form.addRow("拨付日期：", self.on)
        form.addRow("凭证：", self.evidence)
        form.addRow("凭证扫描件：", row)
        form.addRow("备注：", self.note)
        form.addRow(_buttons(self))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "拨付凭证", "", "扫描件 (*.pdf *.jpg *.jpeg *.png)")
        if path:
            self.file.setText(path)

    def values(self) -> dict:
        return {
            "contract_id": self.contract.currentData(),
            "source": self.source.currentText(),
            "amount_fen": money.parse_yuan(self.amount.text(), "拨付金额", max_fen=projects.MAX_FEN),
            "progress": self.progress.value(),
            "paid_on": self.on.date().toPython(),
            "evidence": self.evidence.text(),
            "path": self.file.text(),
            "note": self.note.text(),
        }


class BeneficiaryDialog(QDialog):
    """受益对象: the villages (ticked) and households picked from the registry (search, then 添加) with 带贫方式."""

    def __init__(self, ctx: UiContext, villages: list, detail: library.ProjectDetail, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(f"项目第{detail.info.id}号：受益对象")
        self.resize(760, 520)
        self.villages = QListWidget()
        chosen = set(detail.villages)
        for v in villages:
            item = QListWidgetItem(f"{v.township}{v.name}")
            item.setData(Qt.ItemDataRole.UserRole, v.qualified)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            labels = {
                v.name,
                f"{v.township}{v.name}",
                f"{v.county}{v.township}{v.name}",
            }  # village_labels' forms
            item.setCheckState(Qt.CheckState.Checked if labels & chosen else Qt.CheckState.Unchecked)
            self.villages.addItem(item)
        self.search = QLineEdit()
        self.search.setPlaceholderText("姓名、户编号、身份证号或拼音首字母")
        self.found = QListWidget()
        self.mode = QComboBox()
        self.mode.addItems(BENEFIT_MODES)
        add = QPushButton("添加 →")
        remove = QPushButton("移除")
        self.chosen = _table(("户编号", "户主", "村", "带贫方式"))
        for b in detail.beneficiaries:
            self._put(b.household, b.head, b.village, b.mode)
        left = QVBoxLayout()
        left.addWidget(QLabel("受益村："))
        left.addWidget(self.villages, 1)
        middle = QVBoxLayout()
        middle.addWidget(QLabel("从户档案选择受益户："))
        middle.addWidget(self.search)
        middle.addWidget(self.found, 1)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("带贫方式："))
        pick.addWidget(self.mode)
        pick.addWidget(add)
        middle.addLayout(pick)
        right = QVBoxLayout()
        right.addWidget(QLabel("受益户："))
        right.addWidget(self.chosen, 1)
        right.addWidget(remove)
        row = QHBoxLayout()
        row.addLayout(left, 2)
        row.addLayout(middle, 3)
        row.addLayout(right, 4)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(_buttons(self))
        self.search.returnPressed.connect(self.find)
        self.search.textChanged.connect(lambda _t: self.find())
        add.clicked.connect(self.add_current)
        remove.clicked.connect(lambda: self.chosen.removeRow(self.chosen.currentRow()))

    def find(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.found.clear()
            return
        self.ctx.ops.read(
            self, lambda db, actor: households.list_households(db, actor, search=text, limit=50), self._found
        )

    def _found(self, rows) -> None:
        self.found.clear()
        for r in rows:
            item = QListWidgetItem(f"{r.head_name}　{r.code}　{r.village}　{r.household_kind}")
            item.setData(Qt.ItemDataRole.UserRole, (r.code, r.head_name, r.village))
            self.found.addItem(item)
        if rows:
            self.found.setCurrentRow(0)

    def _put(self, code: str, head: str, village: str, mode: str) -> None:
        for r in range(self.chosen.rowCount()):
            if self.chosen.item(r, 0).text() == code:
                self.chosen.item(r, 3).setText(mode)
                return
        r = self.chosen.rowCount()
        self.chosen.setRowCount(r + 1)
        for c, text in enumerate((code, head, village, mode)):
            self.chosen.setItem(r, c, QTableWidgetItem(text))

    def add_current(self) -> None:
        item = self.found.currentItem()
        if item is not None:
            code, head, village = item.data(Qt.ItemDataRole.UserRole)
            self._put(code, head, village, self.mode.currentText())

    def values(self) -> dict:
        villages = [
            self.villages.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.villages.count())
            if self.villages.item(i).checkState() == Qt.CheckState.Checked
        ]
        chosen = [
            (self.chosen.item(r, 0).text(), self.chosen.item(r, 3).text())
            for r in range(self.chosen.rowCount())
        ]
        return {"villages": villages, "households": chosen}


class IndicatorDialog(QDialog):
    """绩效目标: before 实施 the targets (name, target, unit; a row per line), after it the actual values."""

    def __init__(self, detail: library.ProjectDetail, parent=None) -> None:
        super().__init__(parent)
        self.actuals = detail.info.state not in ("储备", "入库")
        self.setWindowTitle("填写绩效目标实际值" if self.actuals else "设置绩效目标")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["指标", "目标值", "单位", "实际值"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.ids = [i.id for i in detail.indicators]
        rows = [(i.name, i.target, i.unit, i.actual) for i in detail.indicators]
        if not self.actuals:
            rows += [("", "", "", "")] * 3
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if (c == 3) != self.actuals:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, c, item)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(_buttons(self))
        self.resize(560, 300)

    def cell(self, r: int, c: int) -> str:
        item = self.table.item(r, c)
        return item.text().strip() if item else ""

    def values(self):
        if self.actuals:
            return {iid: self.cell(r, 3) for r, iid in enumerate(self.ids)}
        return [
            (self.cell(r, 0), self.cell(r, 1), self.cell(r, 2))
            for r in range(self.table.rowCount())
            if self.cell(r, 0) or self.cell(r, 1)
        ]


# --- the page -----------------------------------------------------------------------------------------------

NOTICE_MENU = (
    ("listing", "项目入库公示"),
    ("plan", "年度项目计划公告"),
    ("completion", "项目竣工公告（选中的项目）"),
    ("funds", "资金使用情况公告"),
)
LEDGER_MENU = (
    ("card", "项目卡（选中的项目）"),
    ("projects", "项目库台账"),
    ("disbursements", "资金拨付台账"),
    ("balances", "结转结余表"),
)


class ProjectsPage(QWidget):
    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, *, present_print: Callable | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.present_print = present_print  # present_print(filename, make(db, actor, out), label, changes=…)
        self.current_detail: library.ProjectDetail | None = None
        self.findings: list[project_findings.ProjectFinding] = []
        self._villages: list = []
        self._wanted: int | None = None
        can_edit = ctx.actor.can("household.edit")
        township = can_edit and ctx.actor.village_ids is None
        self.can_edit, self.township = can_edit, township

        self.year_box = QComboBox()
        self.year_box.addItem("全部年度", None)
        self.village_box = QComboBox()
        self.village_box.addItem("全部村", None)
        self.state_box = QComboBox()
        self.state_box.addItem("全部状态", None)
        for s in (*STATES, VOID):
            self.state_box.addItem(s, s)
        self.kind_box = QComboBox()
        self.kind_box.addItem("全部类型", None)
        for k in KINDS:
            self.kind_box.addItem(k, k)
        self.search = QLineEdit()
        self.search.setPlaceholderText("项目名称、内容、实施单位、监督人")
        self.search.setClearButtonEnabled(True)
        self.add_button = QPushButton("申报项目…")
        self.add_button.setEnabled(can_edit)
        self.summary = QLabel("正在读取……")

        self.model = ProjectsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((36, 44, 170, 62, 96, 62, 96, 96, 60)):
            self.table.setColumnWidth(column, width)
        self.findings_label = QLabel("疑点：")
        self.findings_list = QListWidget()
        self.findings_list.setWordWrap(True)
        self.findings_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        # one project
        self.detail = QLabel("选择一个项目查看详情。")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.steps = _table(("日期", "程序", "会议记录/批复", "扫描件", "经办"))
        self.next_button = QPushButton("下一步")
        self.edit_button = QPushButton("修改项目…")
        self.void_button = QPushButton("作废…")
        self.void_reason = QLineEdit()
        self.void_reason.setPlaceholderText("作废理由")
        self.funding = _table(("资金来源", "资金规模(元)", "已拨付(元)"), 150)
        self.contracts = _table(("合同编号", "乙方", "合同金额(元)", "签订日期", "已拨付(元)", "进度"), 130)
        self.disbursements = _table(("流水号", "日期", "合同", "金额(元)", "来源", "进度", "凭证", "说明"))
        self.contract_button = QPushButton("登记合同…")
        self.disburse_button = QPushButton("登记拨付…")
        self.reverse_reason = QLineEdit()
        self.reverse_reason.setPlaceholderText("冲销理由")
        self.reverse_button = QPushButton("冲销选中拨付")
        self.villages_label = QLabel()
        self.villages_label.setWordWrap(True)
        self.beneficiaries = _table(("户编号", "户主", "村", "带贫方式", "备注", "身份"))
        self.beneficiary_button = QPushButton("设置受益对象…")
        self.indicators = _table(("绩效指标", "目标值", "单位", "实际值"))
        self.indicator_button = QPushButton("绩效目标…")
        self.print_row = QHBoxLayout()
        self.print_row.setObjectName("printRow")
        self.notice_button = QToolButton()
        self.notice_button.setText("打印公示公告")
        self.notice_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.notice_button)
        for key, title in NOTICE_MENU:
            menu.addAction(title, lambda k=key: self.print_notice(k))
        self.notice_button.setMenu(menu)
        self.ledger_button = QToolButton()
        self.ledger_button.setText("打印台账")
        self.ledger_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.ledger_button)
        for key, title in LEDGER_MENU:
            menu.addAction(title, lambda k=key: self.print_ledger(k))
        self.ledger_button.setMenu(menu)
        self.print_row.addWidget(self.notice_button)
        self.print_row.addWidget(self.ledger_button)
        self.print_row.addStretch(1)
        self.balances_label = QLabel()
        self.balances_label.setWordWrap(True)

        self._can = {
            self.next_button: township,
            self.edit_button: can_edit,
            self.void_button: can_edit,
            self.contract_button: township,
            self.disburse_button: township,
            self.reverse_button: township,
            self.beneficiary_button: can_edit,
            self.indicator_button: can_edit,
        }

        top = QHBoxLayout()
        for label, w in (
            ("年度：", self.year_box),
            ("村：", self.village_box),
            ("状态：", self.state_box),
            ("类型：", self.kind_box),
        ):
            top.addWidget(QLabel(label))
            top.addWidget(w)
        top.addWidget(self.search, 1)
        top.addWidget(self.add_button)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.table)
        findings_box = QWidget()
        fl = QVBoxLayout(findings_box)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addWidget(self.findings_label)
        fl.addWidget(self.findings_list)
        left.addWidget(findings_box)
        left.setSizes([430, 170])

        self.tabs = QTabWidget()
        overview = QWidget()
        ov = QVBoxLayout(overview)
        ov.addWidget(self.detail)
        ov.addWidget(QLabel("项目程序："))
        ov.addWidget(self.steps, 1)
        row = QHBoxLayout()
        for w in (self.next_button, self.edit_button, self.void_reason, self.void_button):
            row.addWidget(w)
        ov.addLayout(row)
        self.tabs.addTab(overview, "概况与程序")
        money_tab = QWidget()
        mt = QVBoxLayout(money_tab)
        mt.addWidget(QLabel("资金规模（按来源）："))
        mt.addWidget(self.funding)
        head = QHBoxLayout()
        head.addWidget(QLabel("合同："))
        head.addStretch(1)
        head.addWidget(self.contract_button)
        mt.addLayout(head)
        mt.addWidget(self.contracts)
        head = QHBoxLayout()
        head.addWidget(QLabel("拨付："))
        head.addStretch(1)
        head.addWidget(self.disburse_button)
        mt.addLayout(head)
        mt.addWidget(self.disbursements, 1)
        row = QHBoxLayout()
        row.addWidget(self.reverse_reason, 1)
        row.addWidget(self.reverse_button)
        mt.addLayout(row)
        self.tabs.addTab(money_tab, "资金、合同与拨付")
        benefit_tab = QWidget()
        bt = QVBoxLayout(benefit_tab)
        bt.addWidget(self.villages_label)
        bt.addWidget(self.beneficiaries, 1)
        bt.addWidget(self.beneficiary_button)
        self.tabs.addTab(benefit_tab, "受益对象")
        goal_tab = QWidget()
        gt = QVBoxLayout(goal_tab)
        gt.addWidget(self.indicators, 1)
        gt.addWidget(self.indicator_button)
        self.tabs.addTab(goal_tab, "绩效目标")
        right_box = QWidget()
        right = QVBoxLayout(right_box)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.tabs, 1)
        right.addLayout(self.print_row)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right_box)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([740, 470])  # the list's columns up to 监督人 fit at 1366 px
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.balances_label)
        layout.addWidget(split, 1)

        for box in (self.year_box, self.village_box, self.state_box, self.kind_box):
            box.currentIndexChanged.connect(lambda _i: self.reload())
        self.search.textChanged.connect(lambda _t: self.reload())
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._selected(cur.row()))
        self.findings_list.itemDoubleClicked.connect(self._finding_clicked)
        self.add_button.clicked.connect(self.ask_add)
        self.edit_button.clicked.connect(self.ask_edit)
        self.next_button.clicked.connect(self.ask_step)
        self.void_button.clicked.connect(self.void)
        self.contract_button.clicked.connect(self.ask_contract)
        self.disburse_button.clicked.connect(self.ask_disburse)
        self.reverse_button.clicked.connect(self.reverse)
        self.beneficiary_button.clicked.connect(self.ask_beneficiaries)
        self.indicator_button.clicked.connect(self.ask_indicators)
        subscribe(ctx.ops, self, ("projects", "households", "monitoring"), self.reload)
        self._enable(None)
        self.ctx.ops.read(self, lambda db, actor: households.villages(db, actor), self._villages_read)
        self.reload()

    # --- the library -------------------------------------------------------------------------------------

    def _villages_read(self, villages) -> None:
        self._villages = villages
        current = self.village_box.currentData()
        self.village_box.blockSignals(True)
        self.village_box.clear()
        self.village_box.addItem("全部村", None)
        for v in villages:
            self.village_box.addItem(f"{v.township}{v.name}", v.qualified)
        self.village_box.setCurrentIndex(max(self.village_box.findData(current), 0))
        self.village_box.blockSignals(False)

    def filters(self) -> dict:
        return {
            "year": self.year_box.currentData(),
            "village": self.village_box.currentData(),
            "state": self.state_box.currentData(),
            "kind": self.kind_box.currentData(),
            "text": self.search.text().strip(),
        }

    def reload(self) -> None:
        wanted = self.filters()

        def read(db, actor):
            found = library.projects(db, actor, **wanted)
            year = wanted.get("year")
            balances = funds.year_balances(db, actor, year, village=wanted.get("village")) if year else []
            return found, library.years(db, actor), project_findings.findings(db, actor), balances

        self.ctx.ops.read(self, read, lambda result: self._listed(*result, wanted))

    def _listed(self, rows, years, findings, balances, wanted: dict) -> None:
        if wanted != self.filters():
            return  # the filters changed while this was read: the newer read shows the list
        current = self.year_box.currentData()
        self.year_box.blockSignals(True)
        self.year_box.clear()
        self.year_box.addItem("全部年度", None)
        for y in years:
            self.year_box.addItem(f"{y}年", y)
        self.year_box.setCurrentIndex(max(self.year_box.findData(current), 0))
        self.year_box.blockSignals(False)
        keep = self._wanted if self._wanted is not None else self.current_id()
        self._wanted = None
        self.findings = findings
        self.model.set_rows(rows, {f.project_id for f in findings})
        self.findings_label.setText(f"疑点：{len(findings)}条（双击查看项目）")
        self.findings_list.clear()
        for f in findings:
            item = QListWidgetItem(f"[{f.rule_name}] 第{f.project_id}号 {f.project}：{f.message}")
            item.setData(Qt.ItemDataRole.UserRole, f.project_id)
            item.setForeground(RED)
            self.findings_list.addItem(item)
        total = sum(p.funding_fen for p in rows if p.state != VOID)
        paid = sum(p.paid_fen for p in rows)
        self.summary.setText(f"共{len(rows)}个项目，资金规模{yuan(total)}元，已拨付{yuan(paid)}元。")
        self._show_balances(wanted.get("year"), balances)
        self.select_project(keep)

    def _show_balances(self, year: int | None, balances: list) -> None:
        """The year's 结转结余 by fund source; a rate above the line (seed 004: 结余率下降到5%以下) in red."""
        if not year or not balances:
            self.balances_label.setText(
                "选择年度可查看该年度各资金来源的结转结余和结余率。" if not year else ""
            )
            return
        parts = []
        for b in balances:
            if not b.allocated_fen and b.source != balances[-1].source:
                continue
            text = f"{escape(b.source)}：结余{yuan(b.balance_fen)}元，结余率{escape(b.rate_text)}"
            parts.append(f"<span style='color:{RED.name()}'>{text}（偏高）</span>" if b.warn else text)
        self.balances_label.setText(f"<b>{year}年度结转结余</b>　" + "；".join(parts))

    # --- printing --------------------------------------------------------------------------------------

    def _print_year(self) -> int:
        year = self.year_box.currentData()
        if year:
            return year
        detail = self.current_detail
        return detail.year if detail is not None else clock.today().year

    def _board(self) -> tuple[str, str | None]:
        village = self.village_box.currentData()
        return ("village", village) if village else ("township", None)

    def _present(self, filename: str, make, label: str, changes: tuple[str, ...] = ()) -> None:
        if self.present_print is None:
            show_error(self.window(), RuntimeError("打印不可用"), "无法打印")
            return
        self.present_print(filename, make, label, changes=changes)

    def print_notice(self, key: str) -> None:
        """A notice for the village board (a village chosen above) or the township's; printing it records its
        posting, so it runs as a write."""
        year, (board, village) = self._print_year(), self._board()
        if key == "completion":
            pid = self.current_id()
            if pid is None:
                show_error(self.window(), InputRejected("请先在列表中选中一个已竣工验收的项目"), "无法打印")
                return

            def make(db, actor, out):
                return project_reports.completion_notice(db, actor, pid, out, board=board, village=village)

        else:
            maker = {
                "listing": project_reports.listing_notice,
                "plan": project_reports.plan_notice,
                "funds": project_reports.funds_notice,
            }[key]

            def make(db, actor, out):
                return maker(db, actor, year, out, board=board, village=village)

        title = dict(NOTICE_MENU)[key]
        self._present(f"{title}-{year}.pdf", make, f"正在生成{title}……", changes=("projects",))

    def print_ledger(self, key: str) -> None:
        year, village = self.year_box.currentData(), self.village_box.currentData()
        if key == "card":
            pid = self.current_id()
            if pid is None:
                show_error(self.window(), InputRejected("请先在列表中选中一个项目"), "无法打印")
                return

            def make(db, actor, out):
                return project_reports.project_card(db, actor, out, project=pid)

        elif key == "balances":

            def make(db, actor, out):
                return project_reports.balances_ledger(db, actor, out, year=year or clock.today().year)

        else:
            maker = {
                "projects": project_reports.projects_ledger,
                "disbursements": project_reports.disbursements_ledger,
            }[key]

            def make(db, actor, out):
                return maker(db, actor, out, year=year, village=village)

        title = dict(LEDGER_MENU)[key]
        self._present(f"{title}.pdf", make, f"正在生成{title}……")

    def current_id(self) -> int | None:
        row = self.table.currentIndex().row()
        return self.model.rows[row].id if 0 <= row < len(self.model.rows) else None

    def select_project(self, project_id: int | None) -> None:
        row = next((i for i, p in enumerate(self.model.rows) if p.id == project_id), -1)
        if row >= 0:
            self.table.selectRow(row)
            self._selected(row)
        else:
            self.table.clearSelection()
            self._selected(-1)

    def _finding_clicked(self, item: QListWidgetItem) -> None:
        pid = item.data(Qt.ItemDataRole.UserRole)
        if all(p.id != pid for p in self.model.rows):
            self._wanted = pid
            for box in (self.year_box, self.village_box, self.state_box, self.kind_box):
                box.blockSignals(True)
                box.setCurrentIndex(0)
                box.blockSignals(False)
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.reload()
        else:
            self.select_project(pid)

    # --- one project -------------------------------------------------------------------------------------

    def _selected(self, row: int) -> None:
        if not 0 <= row < len(self.model.rows):
            self.current_detail = None
            self.detail.setText("选择一个项目查看详情。")
            for t in (
                self.steps,
                self.funding,
                self.contracts,
                self.disbursements,
                self.beneficiaries,
                self.indicators,
            ):
                t.setRowCount(0)
            self.villages_label.clear()
            self._enable(None)
            return
        pid = self.model.rows[row].id
        self.ctx.ops.read(self, lambda db, actor: library.detail(db, actor, pid), self._show)

    def _show(self, d: library.ProjectDetail) -> None:
        if d.info.id != self.current_id():
            return  # another row was chosen meanwhile
        self.current_detail = d
        p = d.info
        flagged = [f for f in self.findings if f.project_id == p.id]
        warn = "".join(f"<br><span style='color:#c62828'>疑点：{escape(f.message)}</span>" for f in flagged)
        rolling = f"　三年滚动：{p.rolling}" if p.rolling else ""
        phone = f"（{escape(d.supervisor_phone)}）" if d.supervisor_phone else ""
        self.detail.setText(
            f"<h3>第{p.id}号　{escape(p.name)}　<span style='color:#1565c0'>{escape(p.state)}</span></h3>"
            f"<p>{p.year}年　{escape(p.kind)}　建设地点：{escape(p.place)}{rolling}<br>"
            f"<b>建设内容：</b>{escape(d.content or '（未填）')}　<b>规模：</b>{escape(d.scale or '（未填）')}<br>"
            f"<b>实施单位：</b>{escape(p.implementer or '（未填）')}　"
            f"<b>监督人：</b>{escape(p.supervisor or '（未落实）')}{phone}<br>"
            f"<b>资金规模：</b>{yuan(p.funding_fen)}元　<b>合同：</b>{yuan(p.contract_fen)}元　"
            f"<b>已拨付：</b>{yuan(p.paid_fen)}元{warn}</p>"
        )
        fill_table(
            self.steps,
            [[clock.cn_date(s.on), s.state_to, s.record, s.file, s.username] for s in d.steps],
        )
        fill_table(self.funding, [[f.source, yuan(f.amount_fen), yuan(f.paid_fen)] for f in d.funding])
        fill_table(
            self.contracts,
            [
                [
                    c.number,
                    c.party,
                    yuan(c.amount_fen),
                    f"{c.signed_on:%Y-%m-%d}",
                    yuan(c.paid_fen),
                    f"{c.progress}%",
                ]
                for c in d.contracts
            ],
        )
        rows = []
        for x in d.disbursements:
            said = (
                f"冲销第{x.reverses_id}笔：{x.note}"
                if x.reverses_id
                else (f"已被第{x.reversed_by}笔冲销" if x.reversed_by else x.note)
            )
            rows.append(
                [
                    str(x.id),
                    f"{x.paid_on:%Y-%m-%d}",
                    x.contract,
                    yuan(x.amount_fen),
                    x.source,
                    f"{x.progress}%",
                    "、".join(v for v in (x.evidence, x.file) if v) or "无凭证",
                    said,
                ]
            )
        fill_table(self.disbursements, rows)
        for r, x in enumerate(d.disbursements):
            if not x.live:
                for c in range(self.disbursements.columnCount()):
                    self.disbursements.item(r, c).setForeground(QColor("#888888"))
            elif not (x.evidence or x.file):
                self.disbursements.item(r, 6).setForeground(RED)
        self.villages_label.setText("受益村：" + ("、".join(d.villages) or "（未设置）"))
        fill_table(
            self.beneficiaries,
            [
                [
                    b.household,
                    b.head,
                    b.village,
                    b.mode,
                    b.note,
                    "建档立卡/监测" if b.counted else "非帮扶对象",
                ]
                for b in d.beneficiaries
            ],
        )
        for r, b in enumerate(d.beneficiaries):
            if not b.counted:
                self.beneficiaries.item(r, 5).setForeground(RED)
        fill_table(self.indicators, [[i.name, i.target, i.unit, i.actual] for i in d.indicators])
        self.next_button.setText(f"下一步：{d.next_state}…" if d.next_state else "程序已完成")
        self._enable(d)

    def _enable(self, d: library.ProjectDetail | None) -> None:
        state = d.info.state if d else None
        mine = d is not None and (self.ctx.actor.village_ids is None or bool(d.info.village))
        village_ok = self.ctx.actor.village_ids is None or state == "储备"
        allowed = {
            self.next_button: d is not None and d.next_state is not None,
            self.edit_button: mine and state in projects.EDITABLE and village_ok,
            self.void_button: mine and state in projects.VOIDABLE and village_ok,
            self.contract_button: state in contracts.CONTRACT_STATES,
            self.disburse_button: state in projects.PAYING_STATES and bool(d and d.contracts),
            self.reverse_button: state in projects.PAYING_STATES,
            self.beneficiary_button: mine and state in projects.EDITABLE and village_ok,
            self.indicator_button: mine and state in (*projects.EDITABLE,) and village_ok,
        }
        for button, ok in allowed.items():
            button.setEnabled(bool(ok) and self._can[button])

    # --- writes, one button one transaction ----------------------------------------------------------------

    def _write(self, fn, done_text: str, busy: QWidget, title: str, *, new: bool = False, after=None) -> None:
        """One write; then the list is read again with the project (or, `new`, the one made) selected."""
        pid = self.current_id()

        def done(result) -> None:
            self._wanted = result if new else pid
            self.summary.setText(done_text.format(result=result))
            if after is not None:
                after()

        self.ctx.ops.write(self, fn, ("projects",), done, title=title, busy=busy)

    def add_project(self, values: dict) -> None:
        self._write(
            lambda db, actor: projects.add(db, actor, **values),
            "已申报项目第{result}号（储备）。",
            self.add_button,
            "未申报",
            new=True,
        )

    def ask_add(self) -> None:
        dialog = ProjectDialog(self._villages, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._from_dialog(dialog, self.add_project)

    def _from_dialog(self, dialog, then) -> None:
        """The dialog's values (an amount typed wrong is refused by name before anything is written)."""
        try:
            values = dialog.values()
        except InputRejected as exc:  # an amount typed wrong (money.parse_yuan)
            show_error(self, exc, "未保存")
            return
        then(values)

    def edit_project(self, values: dict) -> None:
        pid = self.current_id()
        if pid is None:
            return
        self._write(
            lambda db, actor: projects.edit(db, actor, pid, **values),
            "已修改项目。",
            self.edit_button,
            "未修改",
        )

    def ask_edit(self) -> None:
        if self.current_detail is None:
            return
        dialog = ProjectDialog(self._villages, self, self.current_detail)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._from_dialog(dialog, self.edit_project)

    def advance(self, values: dict) -> None:
        pid = self.current_id()
        if pid is None:
            return
        path = values.get("path") or ""

        def work(db, actor):
            file = read_file(path, "扫描件") if path else None
            return projects.advance(
                db, actor, pid, values["to"], on=values["on"], record=values["record"], file=file
            )

        self._write(work, f"项目第{pid}号现为“{{result}}”。", self.next_button, "未能推进")

    def ask_step(self) -> None:
        d = self.current_detail
        if d is None or d.next_state is None:
            return
        dialog = StepDialog(d.info.id, d.next_state, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.advance(dialog.values())

    def void(self) -> None:
        pid = self.current_id()
        if pid is None:
            return
        reason = self.void_reason.text()
        self._write(
            lambda db, actor: projects.void(db, actor, pid, reason),
            "项目已作废。",
            self.void_button,
            "未作废",
            after=self.void_reason.clear,
        )

    def add_contract(self, values: dict) -> None:
        pid = self.current_id()
        if pid is None:
            return
        self._write(
            lambda db, actor: contracts.add_contract(db, actor, pid, **values),
            "已登记合同。",
            self.contract_button,
            "未登记合同",
        )

    def ask_contract(self) -> None:
        dialog = ContractDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._from_dialog(dialog, self.add_contract)

    def disburse(self, values: dict) -> None:
        values = dict(values)
        path = values.pop("path", "") or ""
        cid = values.pop("contract_id")

        def work(db, actor):
            file = read_file(path, "拨付凭证") if path else None
            return contracts.disburse(db, actor, cid, file=file, **values)

        self._write(work, "已登记拨付第{result}笔。", self.disburse_button, "未拨付")

    def ask_disburse(self) -> None:
        if self.current_detail is None:
            return
        dialog = DisburseDialog(self.current_detail, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._from_dialog(dialog, self.disburse)

    def reverse(self) -> None:
        d = self.current_detail
        row = self.disbursements.currentRow()
        if d is None or not 0 <= row < len(d.disbursements):
            self.summary.setText("请先在拨付表中选中要冲销的一笔。")
            return
        did = d.disbursements[row].id
        reason = self.reverse_reason.text()
        self._write(
            lambda db, actor: contracts.reverse(db, actor, did, reason),
            f"已冲销第{did}笔拨付（冲销记录第{{result}}笔）。",
            self.reverse_button,
            "未冲销",
            after=self.reverse_reason.clear,
        )

    def set_beneficiaries(self, values: dict) -> None:
        pid = self.current_id()
        if pid is None:
            return
        self._write(
            lambda db, actor: projects.set_beneficiaries(db, actor, pid, **values),
            "已保存受益对象。",
            self.beneficiary_button,
            "未保存受益对象",
        )

    def ask_beneficiaries(self) -> None:
        if self.current_detail is None:
            return
        dialog = BeneficiaryDialog(self.ctx, self._villages, self.current_detail, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_beneficiaries(dialog.values())

    def set_indicators(self, values) -> None:
        pid = self.current_id()
        if pid is None:
            return
        if isinstance(values, dict):
            fn = lambda db, actor: projects.record_actuals(db, actor, pid, values)  # noqa: E731
        else:
            fn = lambda db, actor: projects.set_indicators(db, actor, pid, values)  # noqa: E731
        self._write(fn, "已保存绩效目标。", self.indicator_button, "未保存绩效目标")

    def ask_indicators(self) -> None:
        if self.current_detail is None:
            return
        dialog = IndicatorDialog(self.current_detail, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_indicators(dialog.values())
