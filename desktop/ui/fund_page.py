"""孝善基金: overview (balance, this month, arrears, the rules and whether the match is still the software's
default to confirm, chart), elders and their supporters, fast contribution entry for a clerk with a pile of
receipts, the monthly payout run previewed before it is booked, and the 65周岁以上 elder ledger with each elder's
子女赡养能力认定."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, limits
from desktop.models.fund import SUPPORT_FINDINGS
from desktop.services import fund, fund_reports, households, money
from desktop.services.errors import InputRejected, ServiceError
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.setItem(i, j, QTableWidgetItem(value))


class FundPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_box = QComboBox()
        self.overview = QLabel()
        self.overview.setWordWrap(True)
        self.overview.setStyleSheet("font-size: 13pt;")
        self.rules_label = QLabel()
        self.rules_label.setWordWrap(True)
        self.confirm_button = QPushButton("确认补贴规则")
        self.confirm_button.setToolTip(
            "补贴比例和上限是软件默认值，不是文件规定：核对后确认，或在“系统 → 设置”中修改"
        )
        self.elders_table = _table(["老人", "年龄", "户编号", "赡养人", "欠缴", "建档立卡"])
        # contribution entry
        self.supporter_box = QComboBox()
        self.supporter_box.setEditable(True)  # type a name to jump to it
        self.months_edit = QLineEdit()
        self.months_edit.setPlaceholderText("如 2026-11 或 2026-10,2026-11")
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText("金额（元）")
        self.receipt_edit = QLineEdit()
        self.receipt_edit.setPlaceholderText("收据号，回车登记")
        self.record_button = QPushButton("登记缴纳")
        self.recorded = _table(["赡养人", "月份", "缴纳（元）", "基金补贴（元）", "收据号"])
        # payout run
        self.month_edit = QLineEdit(f"{clock.today():%Y-%m}")
        self.preview_button = QPushButton("预览")
        self.pay_button = QPushButton("确认发放")
        self.pay_button.setEnabled(False)
        self.payout_table = _table(["老人", "户编号", "子女缴纳（元）", "基金补贴（元）", "合计发放（元）"])
        self.payout_label = QLabel()
        self.payout_label.setWordWrap(True)

        tabs = QTabWidget()
        tabs.addTab(self.elders_table, "老人与赡养人")
        entry = QWidget()
        form = QFormLayout()
        form.addRow("赡养人：", self.supporter_box)
        form.addRow("月份：", self.months_edit)
        form.addRow("金额：", self.amount_edit)
        form.addRow("收据号：", self.receipt_edit)
        form.addRow("", self.record_button)
        entry_layout = QVBoxLayout(entry)
        entry_layout.addLayout(form)
        entry_layout.addWidget(QLabel("本次登记："))
        entry_layout.addWidget(self.recorded, 1)
        tabs.addTab(entry, "缴费登记")
        payout = QWidget()
        row = QHBoxLayout()
        for w in (QLabel("发放月份："), self.month_edit, self.preview_button, self.pay_button):
            row.addWidget(w)
        row.addStretch(1)
        payout_layout = QVBoxLayout(payout)
        payout_layout.addLayout(row)
        payout_layout.addWidget(self.payout_table, 1)
        payout_layout.addWidget(self.payout_label)
        tabs.addTab(payout, "月度发放")
        self.chart = QLabel("切换到此页时生成收支图。")
        tabs.addTab(self.chart, "收支图")
        tabs.addTab(self._ledger_tab(), "老人台账与赡养能力认定")
        tabs.currentChanged.connect(
            lambda index: self.draw_chart() if tabs.widget(index) is self.chart else None
        )
        self.tabs = tabs

        top = QHBoxLayout()
        top.addWidget(QLabel("村："))
        top.addWidget(self.village_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.overview)
        rules_row = QHBoxLayout()
        rules_row.addWidget(self.rules_label, 1)
        rules_row.addWidget(self.confirm_button)
        layout.addLayout(rules_row)
        layout.addWidget(tabs, 1)

        self.village_box.currentIndexChanged.connect(lambda _i: self.load())
        self.supporter_box.currentIndexChanged.connect(lambda _i: self._suggest())
        self.receipt_edit.returnPressed.connect(self.record)
        self.record_button.clicked.connect(self.record)
        self.preview_button.clicked.connect(self.preview)
        self.pay_button.clicked.connect(self.pay)
        self.confirm_button.clicked.connect(self.confirm_rules)
        self.reload()

    def _ledger_tab(self) -> QWidget:
        """Seed 000 扶志扶智 四(九): 65周岁以上建档立卡贫困老年人 ledger, and the 村级责任组's finding per elder."""
        self.ledger_table = _table(
            ["老人", "年龄", "户编号", "经济收入", "劳动能力", "子女供养", "子女赡养能力认定", "认定人、说明"]
        )
        self.finding_elder = QComboBox()
        self.finding_box = QComboBox()
        self.finding_box.addItems(list(SUPPORT_FINDINGS))
        today = clock.today()
        self.finding_date = QDateEdit(QDate(today.year, today.month, today.day))
        self.finding_date.setCalendarPopup(True)
        self.finding_date.setDisplayFormat("yyyy年M月d日")
        self.finding_by = QLineEdit()
        self.finding_by.setPlaceholderText("村级责任组成员")
        self.finding_note = QLineEdit()
        self.finding_note.setPlaceholderText("说明，如：儿子在外务工，收入稳定")
        self.finding_button = QPushButton("登记认定")
        self.finding_button.setEnabled(self.ctx.actor.can("fund.record"))
        self.ledger_save = QPushButton("台账另存为PDF…")
        self.ledger_label = QLabel()
        self.ledger_label.setWordWrap(True)
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

    def reload(self) -> None:
        self.village_box.blockSignals(True)
        self.village_box.clear()
        for v in households.villages(self.ctx.db, self.ctx.actor):
            try:
                fund.status(self.ctx.db, self.ctx.actor, v.qualified)
            except ServiceError:
                continue  # no fund in this village
            self.village_box.addItem(f"{v.township}{v.name}", v.qualified)
        self.village_box.blockSignals(False)
        self.load()

    @property
    def village(self) -> str | None:
        return self.village_box.currentData()

    def load(self) -> None:
        if not self.village:
            self.overview.setText("还没有设立孝善基金的村（可用命令 fund create --village 村 设立）。")
            return
        st = fund.status(self.ctx.db, self.ctx.actor, self.village)
        rules = fund.rules(self.ctx.db, self.ctx.actor, self.village)
        self.rules_label.setText(rules.describe())
        self.rules_label.setStyleSheet("" if rules.match_confirmed else "color: #b00020;")
        self.confirm_button.setVisible(not rules.match_confirmed)
        self.confirm_button.setEnabled(self.ctx.actor.can("fund.manage"))
        self.overview.setText(
            f"<b>{st.name}</b>　余额 <b>{st.balance_fen / 100:,.2f}</b> 元　老人 {st.elders} 人　赡养人 {st.supporters} 人"
            f"　欠缴 <span style='color:#b00020'>{st.in_arrears}</span> 人　本月收入 {st.month_in_fen / 100:,.2f} 元"
            f"　本月支出 {st.month_out_fen / 100:,.2f} 元"
        )
        owed: dict[int, list[int]] = {}  # elder → [months owed, fen owed], over all their supporters
        for a in fund.arrears(self.ctx.db, self.ctx.actor, self.village):
            entry = owed.setdefault(a.elder_member_id, [0, 0])
            entry[0] += len(a.months)
            entry[1] += a.amount_fen
        rows = []
        for e in fund.elders(self.ctx.db, self.ctx.actor, self.village):
            late = owed.get(e.member_id)
            rows.append(
                [
                    e.name,
                    str(e.age),
                    e.household,
                    str(e.supporters),
                    f"{late[0]}个月 {late[1] / 100:.2f}元" if late else "",
                    "是" if e.registered else "否（本村放宽纳入）",
                ]
            )
        _fill(self.elders_table, rows)
        self.load_ledger()
        self.supporter_box.blockSignals(True)
        self.supporter_box.clear()
        for sid, name, elder, monthly in fund.supporters(self.ctx.db, self.ctx.actor, self.village):
            self.supporter_box.addItem(f"{name}（赡养{elder}，每月{monthly / 100:.0f}元）", sid)
        self.supporter_box.blockSignals(False)
        self._suggest()

    def load_ledger(self) -> None:
        data = fund_reports.elder_rows(self.ctx.db, self.ctx.actor, self.village)
        _fill(
            self.ledger_table,
            [
                [
                    r.name,
                    str(r.age),
                    r.household,
                    r.income,
                    r.labour,
                    r.support,
                    r.finding,
                    r.finding_note,
                ]
                for r in data.rows
            ],
        )
        self.ledger_label.setText(
            f"{data.village}{data.age}周岁以上建档立卡贫困老年人{len(data.rows)}人，"
            f"其中{sum(r.finding == '未认定' for r in data.rows)}人的子女赡养能力还未认定。"
        )
        current = self.finding_elder.currentData()
        self.finding_elder.clear()
        for r in data.rows:
            self.finding_elder.addItem(f"{r.name}（{r.age}岁，户{r.household}）", r.member_code)
        self.finding_elder.setCurrentIndex(max(self.finding_elder.findData(current), 0))

    def confirm_rules(self) -> None:
        """The clerk read the rules beside the button: the default match becomes the village's."""
        try:
            fund.confirm_rules(self.ctx.db, self.ctx.actor, self.village)
        except ServiceError as exc:
            show_error(self, exc, "无法确认")
            return
        self.load()

    def record_finding(self) -> None:
        code = self.finding_elder.currentData()
        if not code:
            return
        day = self.finding_date.date()
        try:
            fund.record_finding(
                self.ctx.db,
                self.ctx.actor,
                self.village,
                code,
                self.finding_box.currentText(),
                found_on=date(day.year(), day.month(), day.day()),
                found_by=self.finding_by.text().strip(),
                note=self.finding_note.text().strip(),
            )
        except ServiceError as exc:
            show_error(self, exc, "无法登记")
            return
        self.finding_note.clear()
        self.load_ledger()

    def save_ledger(self, path: str) -> None:
        fund_reports.elder_ledger(
            self.ctx.db, self.ctx.actor, self.village, path, xlsx=path.lower().endswith(".xlsx")
        )

    def ask_save_ledger(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "保存老人台账", "老人台账.pdf", "PDF 文件 (*.pdf);;Excel 文件 (*.xlsx)"
        )
        if not path:
            return
        try:
            self.save_ledger(path)
        except ServiceError as exc:
            show_error(self, exc, "无法生成台账")
            return
        self.ledger_label.setText(f"台账已保存：{path}")

    def draw_chart(self) -> None:
        """Drawn on demand: matplotlib stays out of the window's start-up."""
        import tempfile
        from pathlib import Path

        from PySide6.QtGui import QPixmap

        from desktop.services.fund_reports import fund_chart

        if not self.village:
            return
        path = fund_chart(self.ctx.db, self.ctx.actor, self.village, Path(tempfile.mkdtemp()) / "fund.png")
        self.chart.setPixmap(QPixmap(str(path)))

    def _suggest(self) -> None:
        """The next unpaid month and the pledged amount, so most receipts need only their number."""
        sid = self.supporter_box.currentData()
        if sid is None:
            return
        months, monthly = fund.next_due(self.ctx.db, sid)
        self.months_edit.setText(",".join(months))
        self.amount_edit.setText(f"{monthly * len(months) / 100:.2f}" if monthly else "")

    def record(self) -> None:
        sid = self.supporter_box.currentData()
        if sid is None:
            return
        try:
            amount = money.parse_yuan(self.amount_edit.text(), "缴纳金额", max_fen=limits.FUND_ENTRY_FEN)
        except InputRejected as exc:
            show_error(self, exc)
            return
        months = [m.strip() for m in self.months_edit.text().replace("，", ",").split(",") if m.strip()]
        try:
            result = fund.contribute(
                self.ctx.db, self.ctx.actor, sid, months, amount, receipt_no=self.receipt_edit.text().strip()
            )
        except ServiceError as exc:
            show_error(self, exc, "无法登记")
            return
        row = self.recorded.rowCount()
        self.recorded.insertRow(row)
        for j, v in enumerate(
            (
                self.supporter_box.currentText().split("（")[0],
                ",".join(result.months),
                f"{result.amount_fen / 100:.2f}",
                f"{result.match_fen / 100:.2f}",
                self.receipt_edit.text().strip(),
            )
        ):
            self.recorded.setItem(row, j, QTableWidgetItem(v))
        self.receipt_edit.clear()
        self.load()
        self.supporter_box.setFocus()

    def preview(self) -> None:
        try:
            lines, balance = fund.payout_preview(
                self.ctx.db, self.ctx.actor, self.village, self.month_edit.text()
            )
        except ServiceError as exc:
            show_error(self, exc)
            return
        _fill(
            self.payout_table,
            [
                [
                    x.elder,
                    x.household,
                    f"{x.contribution_fen / 100:.2f}",
                    f"{x.match_fen / 100:.2f}",
                    f"{x.amount_fen / 100:.2f}",
                ]
                for x in lines
            ],
        )
        total = sum(x.amount_fen for x in lines)
        short = total > balance
        self.payout_label.setText(
            f"共 {len(lines)} 位老人，合计 {total / 100:,.2f} 元；基金余额 {balance / 100:,.2f} 元。"
            + ("<span style='color:#b00020'>余额不足，不能发放，请先筹集资金。</span>" if short else "")
        )
        self.pay_button.setEnabled(bool(lines) and not short)

    def pay(self) -> None:
        try:
            lines = fund.pay(self.ctx.db, self.ctx.actor, self.village, self.month_edit.text())
        except ServiceError as exc:
            show_error(self, exc, "发放失败")
            return
        self.pay_button.setEnabled(False)
        self.payout_label.setText(
            f"已发放 {len(lines)} 位老人，合计 {sum(x.amount_fen for x in lines) / 100:,.2f} 元。"
            "请打印签领表请老人签字。"
        )
        self.load()
