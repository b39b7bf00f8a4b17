"""The household page's 监测 tab: the household's risk events (recorded here, voided with a reason), its monitoring
history case by case with every step, its income checks, and its helper."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, limits, money
from desktop.models.monitoring import RISK_KINDS, RISK_SOURCES
from desktop.services.monitoring import monitoring
from desktop.services.monitoring.monitoring import HouseholdMonitoring
from desktop.ui.context import UiContext
from desktop.ui.dates import qdate_today
from desktop.ui.ops import subscribe
from desktop.ui.tables import fill_table, make_table


class MonitoringTab(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.code: str | None = None
        self.view: HouseholdMonitoring | None = None
        self._generation = 0
        self.state_label = QLabel("")
        self.state_label.setWordWrap(True)
        self.state_label.setTextFormat(Qt.TextFormat.RichText)
        self.events = make_table(["日期", "类别", "损失或支出（元）", "来源", "说明"])
        self.history = QLabel("")
        self.history.setWordWrap(True)
        self.history.setTextFormat(Qt.TextFormat.RichText)
        self.history.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.kind_box = QComboBox()
        self.kind_box.addItems(RISK_KINDS)
        self.source_box = QComboBox()
        self.source_box.addItems(RISK_SOURCES)
        self.source_box.setCurrentText("干部排查")
        self.date_edit = QDateEdit(qdate_today())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy年M月d日")
        self.loss_edit = QLineEdit()
        self.loss_edit.setPlaceholderText("损失或支出（元）")
        self.loss_edit.setMaximumWidth(140)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("情况说明（内部记录，不上公示）")
        self.add_button = QPushButton("登记风险事件")
        self.void_reason = QLineEdit()
        self.void_reason.setPlaceholderText("作废原因（选中一条录错的事件）")
        self.void_button = QPushButton("作废")
        can_edit = ctx.actor.can("household.edit")
        self.add_button.setEnabled(can_edit)
        self.void_button.setEnabled(can_edit)

        layout = QVBoxLayout(self)
        layout.addWidget(self.state_label)
        layout.addWidget(QLabel("风险事件"))
        layout.addWidget(self.events, 1)
        form = QHBoxLayout()
        for w in (self.kind_box, self.date_edit, self.loss_edit, self.source_box):
            form.addWidget(w)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.note_edit, 1)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.void_reason, 1)
        row.addWidget(self.void_button)
        layout.addLayout(row)
        layout.addWidget(QLabel("监测经历与收入核查"))
        scroll = QScrollArea()  # a household monitored more than once has a long history
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.history)
        layout.addWidget(scroll, 1)
        self.add_button.clicked.connect(self.add_event)
        self.void_button.clicked.connect(self.void_event)
        subscribe(ctx.ops, self, ("monitoring", "households", "plans"), lambda: self.load(self.code))

    def load(self, code: str | None) -> None:
        self._generation += 1
        generation = self._generation
        if code != self.code or code is None:
            self._blank()
        self.code = code
        if code is None:
            return

        def shown(view: HouseholdMonitoring) -> None:
            if generation == self._generation:
                self.view = view
                self._fill(view)

        self.ctx.ops.read(
            self, lambda db, actor: monitoring.household(db, actor, code), shown, title="无法显示监测情况"
        )

    def _blank(self) -> None:
        self.view = None
        self.state_label.setText("")
        self.history.setText("")
        self.events.setRowCount(0)

    def _fill(self, view: HouseholdMonitoring) -> None:
        current = view.current
        helper = view.helper or "未填"
        if current is None:
            state = "未在监测中"
        else:
            nxt = current.next_step()
            state = f"{current.case_type}，{current.state_name}" + (
                f"（下一步：{monitoring.step_name(current.phase, nxt)}）" if nxt else ""
            )
        pending = (
            f"　<span style='color:#b26a00'>筛查建议待处理：{view.pending[0].basis}</span>"
            if view.pending
            else ""
        )
        self.state_label.setText(f"<b>防返贫监测：</b>{state}　<b>帮扶责任人：</b>{helper}{pending}")
        fill_table(
            self.events,
            [
                [
                    clock.cn_date(e.occurred_on),
                    e.kind + ("（已作废）" if e.voided else ""),
                    money.yuan(e.loss_fen),
                    e.source,
                    e.void_reason if e.voided else e.note,
                ]
                for e in view.events
            ],
        )
        lines = []
        for c in view.cases:
            lines.append(f"<b>监测编号{c.id}</b>　{c.case_type}　{c.state_name}")
            for st in c.steps:
                lines.append(f"　{monitoring.PHASE_NAMES[st.phase]}·{st.name}　{clock.cn_date(st.on)}")
            if c.close_note:
                lines.append(f"　<i>{c.close_note}</i>")
        for chk in view.checks:
            lines.append(
                f"收入核查　{clock.cn_date(chk.checked_on)}　人均{money.yuan(chk.per_capita_fen)}元（{chk.people}人）"
            )
        self.history.setText("<br>".join(lines) or "没有纳入过监测，也没有收入核查记录。")

    def add_event(self) -> None:
        code = self.code
        if code is None:
            return
        kind, source = self.kind_box.currentText(), self.source_box.currentText()
        on, note, loss = self.date_edit.date().toPython(), self.note_edit.text(), self.loss_edit.text()

        def write(db, actor):
            fen = (
                money.parse_yuan(loss, "损失或支出", max_fen=limits.INCOME_FEN, min_fen=0)
                if loss.strip()
                else 0
            )
            return monitoring.add_event(db, actor, code, kind, on, loss_fen=fen, source=source, note=note)

        def done(_eid) -> None:
            self.note_edit.clear()
            self.loss_edit.clear()

        self.ctx.ops.write(self, write, ("monitoring",), done, title="风险事件未登记")

    def void_event(self) -> None:
        row = self.events.currentRow()
        if self.view is None or not 0 <= row < len(self.view.events):
            return
        event_id, reason = self.view.events[row].id, self.void_reason.text()
        self.ctx.ops.write(
            self,
            lambda db, actor: monitoring.void_event(db, actor, event_id, reason),
            ("monitoring",),
            lambda _r: self.void_reason.clear(),
            title="未作废",
        )
