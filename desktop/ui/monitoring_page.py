"""防返贫监测: the month's screening and its queue of proposals (纳入 with a type, or 不纳入 with a reason), the
monitored households with their 纳入 / 风险消除 steps, and the monitoring papers (公示, 台账, 月报)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.models.monitoring import CASE_TYPES
from desktop.services.households import households
from desktop.services.monitoring import alerts, monitoring, monitoring_reports
from desktop.services.monitoring.monitoring import CaseInfo, ProposalInfo
from desktop.services.system.attachments import read_file
from desktop.ui.context import UiContext
from desktop.ui.dates import qdate_today
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe
from desktop.ui.tables import RowsTable

CHANGES = ("monitoring", "archives")
STATE_FILTERS = (
    ("进行中（程序中、监测中）", ("including", "monitored", "closing")),
    ("纳入程序中", ("including",)),
    ("监测中", ("monitored",)),
    ("风险消除程序中", ("closing",)),
    ("已消除", ("closed",)),
    ("全部", None),
)


class MonitoringPage(QWidget):
    open_household = Signal(str)

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, *, present_print: Callable | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.present_print = present_print  # present_print(filename, make(db, actor, out), label)
        self.proposals: list[ProposalInfo] = []
        self.cases: list[CaseInfo] = []
        can_edit = ctx.actor.can("household.edit")
        township = can_edit and ctx.actor.village_ids is None

        self.village_box = QComboBox()
        self.screen_button = QPushButton("本月筛查")
        self.screen_button.setToolTip("按收入、风险事件和部门预警列出应关注的农户；只提出建议，不会自动纳入")
        self.screen_button.setEnabled(township)
        self.alerts_button = QPushButton("导入部门预警…")
        self.alerts_button.setToolTip(
            "医保、民政等部门的预警名单（Excel，须有身份证号码列），按身份证号登记为风险事件"
        )
        self.alerts_button.setEnabled(can_edit)
        self.notice_button = QPushButton("打印公示…")
        self.ledger_button = QPushButton("监测对象台账…")
        self.month_button = QPushButton("本月月报…")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)

        # --- the queue of proposals
        # thousands of proposals at county scale: a model-backed table, filled without an item per cell
        self.proposal_table = RowsTable(["村", "户编号", "户主", "原因", "筛查月份", "依据"])
        self.type_box = QComboBox()
        self.type_box.addItems(CASE_TYPES)
        self.accept_button = QPushButton("纳入（启动纳入程序）")
        self.dismiss_reason = QLineEdit()
        self.dismiss_reason.setPlaceholderText("不纳入的原因，如：经入户核实，家中有稳定务工收入")
        self.dismiss_button = QPushButton("不纳入")
        for w in (self.accept_button, self.dismiss_button):
            w.setEnabled(can_edit)
        queue = QWidget()
        q = QVBoxLayout(queue)
        q.addWidget(self.proposal_table, 1)
        row = QHBoxLayout()
        for w in (QLabel("监测类型："), self.type_box, self.accept_button):
            row.addWidget(w)
        row.addSpacing(24)
        row.addWidget(self.dismiss_reason, 1)
        row.addWidget(self.dismiss_button)
        q.addLayout(row)

        # --- the monitored households and their steps
        self.state_box = QComboBox()
        for label, states in STATE_FILTERS:
            self.state_box.addItem(label, states)
        self.case_table = RowsTable(
            ["编号", "村", "户编号", "户主", "监测类型", "状态", "下一步", "纳入日期"]
        )
        self.steps_label = QLabel("选择一户查看程序。")
        self.steps_label.setWordWrap(True)
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        self.steps_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.date_edit = QDateEdit(qdate_today())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy年M月d日")
        self.days_spin = QSpinBox()
        self.days_spin.setRange(5, 30)
        self.days_spin.setValue(7)
        self.days_spin.setSuffix(" 天")
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("说明：评议结果、风险消除依据、未通过的原因…")
        self.step_button = QPushButton("录入下一步")
        self.reject_button = QPushButton("未通过")
        self.close_button = QPushButton("启动风险消除")
        self.natural_reason = QComboBox()
        self.natural_reason.addItems(monitoring.NATURAL_REASONS)
        self.natural_button = QPushButton("自然消除（附证明）…")
        self.open_button = QPushButton("打开该户")
        for w in (self.step_button, self.reject_button, self.close_button, self.natural_button):
            w.setEnabled(False)
        cases_box = QWidget()
        c = QVBoxLayout(cases_box)
        top = QHBoxLayout()
        top.addWidget(QLabel("状态："))
        top.addWidget(self.state_box)
        top.addStretch(1)
        c.addLayout(top)
        split = QSplitter()
        split.addWidget(self.case_table)
        detail = QWidget()
        d = QVBoxLayout(detail)
        d.addWidget(self.steps_label, 1)
        form = QHBoxLayout()
        for w in (QLabel("日期："), self.date_edit, QLabel("公示："), self.days_spin):
            form.addWidget(w)
        form.addStretch(1)
        d.addLayout(form)
        d.addWidget(self.note_edit)
        buttons = QHBoxLayout()
        for w in (self.step_button, self.reject_button, self.close_button):
            buttons.addWidget(w)
        d.addLayout(buttons)
        natural = QHBoxLayout()
        natural.addWidget(self.natural_reason)
        natural.addWidget(self.natural_button, 1)
        natural.addWidget(self.open_button)
        d.addLayout(natural)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        c.addWidget(split, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(queue, "筛查建议")
        self.tabs.addTab(cases_box, "监测对象")
        head = QHBoxLayout()
        for w in (QLabel("村："), self.village_box, self.screen_button, self.alerts_button):
            head.addWidget(w)
        head.addStretch(1)
        for w in (self.notice_button, self.ledger_button, self.month_button):
            head.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(head)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)

        self.village_box.currentIndexChanged.connect(lambda _i: self.load())
        self.state_box.currentIndexChanged.connect(lambda _i: self.load_cases())
        self.screen_button.clicked.connect(self.run_screening)
        self.alerts_button.clicked.connect(self.ask_alerts)
        self.accept_button.clicked.connect(self.accept)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.case_table.itemSelectionChanged.connect(self._case_chosen)
        self.step_button.clicked.connect(self.record_step)
        self.reject_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self.start_close)
        self.natural_button.clicked.connect(self.close_naturally)
        self.open_button.clicked.connect(self._open)
        self.notice_button.clicked.connect(self.print_notice)
        self.ledger_button.clicked.connect(self.print_ledger)
        self.month_button.clicked.connect(self.print_month)
        subscribe(ctx.ops, self, ("households", "monitoring", "plans"), self.load)
        self.reload()

    # --- reading ---------------------------------------------------------------------------------------

    def reload(self) -> None:
        def fill(found) -> None:
            current = self.village_box.currentData()
            self.village_box.blockSignals(True)
            self.village_box.clear()
            if self.ctx.actor.village_ids is None:
                self.village_box.addItem("全部", None)
            repeated = {v.name for v in found if sum(o.name == v.name for o in found) > 1}
            for v in found:
                self.village_box.addItem(
                    f"{v.township}{v.name}" if v.name in repeated else v.name, v.qualified
                )
            self.village_box.setCurrentIndex(max(self.village_box.findData(current), 0))
            self.village_box.blockSignals(False)
            self.load()

        self.ctx.ops.read(self, households.villages, fill, title="无法读取村列表")

    @property
    def village(self) -> str | None:
        return self.village_box.currentData()

    def load(self) -> None:
        village = self.village
        self.ctx.ops.read(
            self,
            lambda db, actor: monitoring.proposals(db, actor, village=village),
            self._show_proposals,
            title="无法读取筛查建议",
        )
        self.load_cases()

    def load_cases(self) -> None:
        village, states = self.village, self.state_box.currentData()
        self.ctx.ops.read(
            self,
            lambda db, actor: monitoring.cases(db, actor, village=village, states=states),
            self._show_cases,
            title="无法读取监测对象",
        )

    def _show_proposals(self, found: list[ProposalInfo]) -> None:
        self.proposals = found
        self.proposal_table.fill(
            [[p.village, p.code, p.head, monitoring.REASON_NAMES[p.reason], p.month, p.basis] for p in found]
        )
        self.tabs.setTabText(0, f"筛查建议（{len(found)}）")
        if found:
            self.proposal_table.selectRow(0)

    def _show_cases(self, found: list[CaseInfo]) -> None:
        chosen = self.chosen_case()
        self.cases = found
        rows = []
        for ci in found:
            nxt = ci.next_step()
            rows.append(
                [
                    str(ci.id),
                    ci.village,
                    ci.code,
                    ci.head,
                    ci.case_type,
                    ci.state_name,
                    monitoring.step_name(ci.phase, nxt) if nxt else "—",
                    clock.cn_date(ci.included_on) if ci.included_on else "",
                ]
            )
        self.case_table.fill(rows)
        self.tabs.setTabText(1, f"监测对象（{len(found)}）")
        keep = next((i for i, ci in enumerate(found) if chosen and ci.id == chosen.id), None)
        if keep is not None:
            self.case_table.selectRow(keep)
        self._case_chosen()

    def chosen_proposal(self) -> ProposalInfo | None:
        row = self.proposal_table.currentRow()
        return self.proposals[row] if 0 <= row < len(self.proposals) else None

    def chosen_case(self) -> CaseInfo | None:
        rows = self.case_table.selectionModel().selectedRows() if self.case_table.selectionModel() else []
        row = rows[0].row() if rows else -1
        return self.cases[row] if 0 <= row < len(self.cases) else None

    def select_case(self, case_id: int) -> None:
        for i, ci in enumerate(self.cases):
            if ci.id == case_id:
                self.case_table.selectRow(i)

    def _case_chosen(self) -> None:
        ci = self.chosen_case()
        can_edit = self.ctx.actor.can("household.edit")
        nxt = ci.next_step() if ci else None
        self.step_button.setText(
            f"录入：{monitoring.step_name(ci.phase, nxt)}" if ci and nxt else "录入下一步"
        )
        self.step_button.setEnabled(bool(can_edit and nxt))
        self.reject_button.setEnabled(bool(can_edit and ci and ci.state in ("including", "closing")))
        self.close_button.setEnabled(bool(can_edit and ci and ci.state == "monitored"))
        self.natural_button.setEnabled(bool(can_edit and ci and ci.state in monitoring.OPEN_STATES))
        self.days_spin.setEnabled(nxt == "村公示")
        self.open_button.setEnabled(ci is not None)
        if ci is None:
            self.steps_label.setText("选择一户查看程序。")
            return
        lines = [f"<b>{ci.head}户（{ci.code}）</b>　{ci.case_type}　{ci.state_name}"]
        for st in ci.steps:
            phase = monitoring.PHASE_NAMES[st.phase]
            days = f"（公示{st.days}天，至{clock.cn_date(st.notice_end)}）" if st.days else ""
            note = f"：{st.note}" if st.note else ""
            lines.append(f"{phase}·{st.name}　{clock.cn_date(st.on)}{days}　{st.by}{note}")
        if ci.close_note:
            lines.append(f"<i>{ci.close_note}</i>")
        self.steps_label.setText("<br>".join(lines))

    # --- writing ---------------------------------------------------------------------------------------

    def _day(self):
        return self.date_edit.date().toPython()

    def run_screening(self) -> None:
        def done(result: monitoring.ScreenResult) -> None:
            notes = "；".join(result.notes)
            self.summary.setText(
                f"{result.month}筛查：新提出{len(result.proposed)}户，请逐户纳入或写明原因不纳入。"
                + (f"　注意：{notes}" if notes else "")
            )
            self.tabs.setCurrentIndex(0)

        self.ctx.ops.write(
            self,
            monitoring.screen,
            CHANGES,
            done,
            title="筛查未完成",
            label="正在筛查…",
            busy=self.screen_button,
        )

    def ask_alerts(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择部门预警名单", "", "Excel 文件 (*.xlsx)")
        if not path:
            return
        department, ok = QInputDialog.getText(self, "预警部门", "这份名单来自哪个部门（如：县医保局）：")
        if ok:
            self.import_alerts(path, department)

    def import_alerts(self, path: str, department: str) -> None:
        def done(result: alerts.AlertResult) -> None:
            self.summary.setText(
                f"{result.department}预警：登记{result.events}条风险事件，{len(result.unmatched)}人不在花名册中"
                + (f"，{result.repeated}条已导入过" if result.repeated else "")
                + "。点“本月筛查”逐户提出。"
            )

        self.ctx.ops.write(
            self,
            lambda db, actor: alerts.import_alerts(db, actor, path, department),
            CHANGES,
            done,
            title="预警名单未导入",
            label="正在导入预警名单…",
        )

    def accept(self) -> None:
        p = self.chosen_proposal()
        if p is None:
            return
        kind = self.type_box.currentText()

        def done(case_id: int) -> None:
            self.summary.setText(
                f"{p.head}户（{p.code}）已启动纳入程序（监测编号{case_id}），下一步：村级评议"
            )

        self.ctx.ops.write(
            self, lambda db, actor: monitoring.accept(db, actor, p.id, kind), CHANGES, done, title="未纳入"
        )

    def dismiss(self) -> None:
        p = self.chosen_proposal()
        if p is None:
            return
        reason = self.dismiss_reason.text()

        def done(_r) -> None:
            self.dismiss_reason.clear()
            self.summary.setText(f"{p.head}户（{p.code}）不纳入：{reason.strip()}")

        self.ctx.ops.write(
            self, lambda db, actor: monitoring.dismiss(db, actor, p.id, reason), CHANGES, done, title="未保存"
        )

    def _case_write(self, fn, title: str) -> None:
        ci = self.chosen_case()
        if ci is None:
            return

        def done(info: CaseInfo) -> None:
            self.note_edit.clear()
            self.summary.setText(f"{info.head}户（{info.code}）：{info.state_name}")

        self.ctx.ops.write(self, lambda db, actor: fn(db, actor, ci), CHANGES, done, title=title)

    def record_step(self) -> None:
        ci = self.chosen_case()
        nxt = ci.next_step() if ci else None
        if nxt is None:
            return
        on, note = self._day(), self.note_edit.text()
        days = self.days_spin.value() if nxt == "村公示" else None
        self._case_write(
            lambda db, actor, c: monitoring.step(db, actor, c.id, nxt, on=on, days=days, note=note), "未录入"
        )

    def reject(self) -> None:
        on, reason = self._day(), self.note_edit.text()
        self._case_write(lambda db, actor, c: monitoring.reject(db, actor, c.id, reason, on=on), "未保存")

    def start_close(self) -> None:
        on, note = self._day(), self.note_edit.text()
        self._case_write(
            lambda db, actor, c: monitoring.start_close(db, actor, c.id, note, on=on), "不能启动风险消除"
        )

    def close_naturally(self) -> None:
        ci = self.chosen_case()
        if ci is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(
            self, "选择证明材料（户籍迁出证明、死亡证明等）", "", "扫描件 (*.pdf *.jpg *.jpeg *.png)"
        )
        if not paths:
            return
        self.close_naturally_with(paths)

    def close_naturally_with(self, paths: list[str]) -> None:
        on, note, reason = self._day(), self.note_edit.text(), self.natural_reason.currentText()

        def run(db, actor, c):
            files = [read_file(p, "证明材料") for p in paths]  # read off the GUI thread
            return monitoring.close_naturally(db, actor, c.id, reason, note, files, on=on)

        self._case_write(run, "未能自然消除")

    def _open(self) -> None:
        ci = self.chosen_case()
        if ci is not None:
            self.open_household.emit(ci.code)

    # --- printing --------------------------------------------------------------------------------------

    def _present(self, filename: str, make, label: str) -> None:
        if self.present_print is None:
            show_error(self.window(), RuntimeError("打印不可用"), "无法打印")
            return
        self.present_print(filename, make, label)

    def print_notice(self) -> None:
        ci = self.chosen_case()
        village = self.village
        phase = "close" if ci is not None and ci.state == "closing" else "include"
        if village is None and ci is None:
            show_error(self.window(), ValueError("请先选择村（或选择一户监测对象）再打印公示"), "无法打印")
            return
        if village is None:
            village = ci.village  # a label resolve_village reads (the county and township where names repeat)
        what = monitoring_reports.NOTICE_WHAT[phase]
        self._present(
            f"{what}公示.pdf",
            lambda db, actor, out: monitoring_reports.case_notice(db, actor, village, out, phase=phase),
            f"{what}公示",
        )

    def print_ledger(self) -> None:
        village = self.village
        self._present(
            "防返贫监测对象台账.pdf",
            lambda db, actor, out: monitoring_reports.cases_ledger(db, actor, out, village=village),
            "防返贫监测对象台账",
        )

    def print_month(self) -> None:
        village = self.village
        self._present(
            "防返贫动态监测月报.pdf",
            lambda db, actor, out: monitoring_reports.monthly_report(db, actor, out, village=village),
            "防返贫动态监测月报",
        )
