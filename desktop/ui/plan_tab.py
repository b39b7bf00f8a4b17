"""帮扶 tab of a household: card colour (suggestion with its reasons, the 疑似漏评/疑似返贫 findings and the risk
notes beside it, confirmation or override with a reason, history), income by component, measures, visits, the
户脱贫「123」 checks with the exit check, and the 明白卡/plan-sheet prints. A year without its income standard says so
and, for an admin, offers the latest earlier year's figures to confirm."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, limits
from desktop.money import parse_yuan
from desktop.services.cadres import cadres
from desktop.services.plans import plan_reports, plans
from desktop.services.system import users
from desktop.services.system.attachments import read_file
from desktop.ui.context import UiContext
from desktop.ui.dates import qdate_today
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe
from desktop.ui.tables import fill_table
from desktop.vocabulary import COLOUR_HEX, COLOUR_MEANING, COLOUR_NAMES

RESULT = {True: "达标", False: "未达标", None: "待核验"}


def _money_edit(placeholder: str = "0.00") -> QLineEdit:
    """Typed in 元 and read by money.parse_yuan when saved: 10.005 is refused, never rounded."""
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    edit.setMinimumWidth(90)
    return edit


def _fen(edit: QLineEdit, field: str, max_fen: int) -> int:
    """A blank amount is 0 (nothing of that kind); anything typed must be a proper amount."""
    text = edit.text().strip()
    return parse_yuan(text, field, max_fen=max_fen, min_fen=0) if text else 0


def _yuan_text(fen: int | None) -> str:
    return f"{fen / 100:,.2f}" if fen else ""  # parse_yuan reads 1,200.00 back


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    t.setMinimumHeight(110)
    return t


class PlanTab(QWidget):
    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, *, present_print: Callable | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.code: str | None = None
        self.view: plans.PlanView | None = None
        self.names: dict[str, str] = {}  # username → display name, for the colour history
        # shows a finished print in 公示打印: present_print(filename, make, label, after=None)
        self.present_print = present_print
        self._generation = 0
        self._tmp: tempfile.TemporaryDirectory | None = None  # the prints this tab made, removed with it
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2014, 2100)
        self.year_spin.setValue(clock.today().year)
        self.year_spin.setSuffix(" 年度")
        self.card_button = QPushButton("打印明白卡…")
        self.sheet_button = QPushButton("打印计划表…")

        # colour
        self.colour_label = QLabel()
        self.colour_label.setObjectName("colourLabel")
        self.suggestion_label = QLabel()
        self.suggestion_label.setWordWrap(True)
        self.findings_label = QLabel()  # 疑似漏评，应纳尽纳 / 疑似返贫
        self.findings_label.setObjectName("findingsLabel")
        self.findings_label.setStyleSheet(f"color: {COLOUR_HEX['red']}; font-weight: bold;")
        self.risk_label = QLabel()  # illness, disability, disaster: beside the suggestion, never a colour
        self.risk_label.setWordWrap(True)
        self.risk_label.setStyleSheet("color: #6d4c41;")
        self.adopt_button = QPushButton("确认沿用标准…")
        self.adopt_button.setToolTip("本年度收入标准未设置：管理员确认沿用此前最近一年的标准")
        self.adopt_button.hide()
        self.confirm_box = None
        self.risk_box = QComboBox()  # a risk note a clerk may cite as the reason for an override
        self.risk_box.setToolTip("引用风险提示作为调整理由")
        self.colour_box = QComboBox()
        self.colour_box.addItem("采用建议", None)
        for key, name in COLOUR_NAMES.items():
            self.colour_box.addItem(f"{name}（{COLOUR_MEANING[key]}）", key)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("与建议不同时必须填写理由")
        self.confirm_button = QPushButton("确定卡色")
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.history_label.setStyleSheet("color: #444;")
        colour_box = QGroupBox("卡色")
        g = QGridLayout(colour_box)
        g.addWidget(self.colour_label, 0, 0)
        g.addWidget(self.suggestion_label, 0, 1, 1, 3)
        g.addWidget(self.findings_label, 1, 1, 1, 2)
        g.addWidget(self.adopt_button, 1, 3)
        g.addWidget(self.risk_label, 2, 1, 1, 3)
        g.addWidget(self.colour_box, 3, 0)
        g.addWidget(self.reason_edit, 3, 1)
        g.addWidget(self.risk_box, 3, 2)
        g.addWidget(self.confirm_button, 3, 3)
        g.addWidget(self.history_label, 4, 0, 1, 4)
        g.setColumnStretch(1, 1)
        self.colour_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.colour_box.setMinimumContentsLength(8)
        self.risk_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.risk_box.setMinimumContentsLength(8)

        # income
        self.income_names = {
            "wage": "工资性收入",
            "production": "生产经营性收入",
            "property_income": "财产性收入",
            "transfer": "转移性收入",
            "production_cost": "生产经营性支出",
        }
        self.income_edits = {key: _money_edit() for key in self.income_names}
        self.net_label = QLabel()
        self.net_label.setWordWrap(True)
        self.income_button = QPushButton("保存收入")
        income_box = QGroupBox("家庭收入（全年合计，元）")
        f = QGridLayout(income_box)
        # two pairs a row: fits the tab beside the list at 1366×768
        for i, key in enumerate(self.income_names):
            f.addWidget(QLabel(self.income_names[key] + "："), i // 2, (i % 2) * 2)
            f.addWidget(self.income_edits[key], i // 2, (i % 2) * 2 + 1)
        f.addWidget(self.income_button, 2, 2)
        f.addWidget(self.net_label, 3, 0, 1, 4)
        f.setColumnStretch(1, 1)
        f.setColumnStretch(3, 1)

        # measures
        self.measures = _table(["类别", "内容", "金额（元）", "责任人", "状态", "针对风险"])
        self.measure_kind = QComboBox()
        self.measure_kind.addItems(plans.MEASURE_KINDS)
        self.measure_text = QLineEdit()
        self.measure_text.setPlaceholderText("措施内容")
        self.measure_amount = _money_edit("金额（元）")
        self.measure_cadre = QLineEdit()
        self.measure_cadre.setPlaceholderText("责任人")
        self.measure_status = QComboBox()
        for key, name in plans.MEASURE_STATUS.items():
            self.measure_status.addItem(name, key)
        self.measure_event = QComboBox()  # the 防返贫监测 risk event the measure addresses, if any
        self.measure_event.setToolTip("措施针对的风险事件（在“监测”页登记）")
        self.measure_event.setMinimumContentsLength(12)  # “针对：2026年10月1日 因病” reads whole
        self.measure_event.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.measure_button = QPushButton("添加措施")
        self.measure_done_button = QPushButton("选中措施标为已完成")
        measure_box = QGroupBox("帮扶措施")
        mv = QVBoxLayout(measure_box)
        mv.addWidget(self.measures)
        mr = QHBoxLayout()
        mr.addWidget(self.measure_kind)
        mr.addWidget(self.measure_text, 2)
        mr.addWidget(self.measure_amount, 1)
        mv.addLayout(mr)
        mr2 = QHBoxLayout()
        mr2.addWidget(self.measure_cadre, 1)
        mr2.addWidget(self.measure_status)
        mr2.addWidget(self.measure_event, 1)
        mr2.addWidget(self.measure_button)
        mr2.addStretch(1)
        mr2.addWidget(self.measure_done_button)
        mv.addLayout(mr2)

        # visits
        self.visits = _table(["日期", "走访人", "了解情况", "存在问题", "后续措施", "照片"])
        self.visit_date = QDateEdit(qdate_today())
        self.visit_date.setCalendarPopup(True)
        self.visit_date.setDisplayFormat("yyyy-MM-dd")
        self.visit_cadre = QComboBox()  # the registry's cadres in post; the first item: a name typed instead
        self.visit_cadre.addItem("走访干部：手填姓名", None)
        self.visit_cadre.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.visit_cadre.setMinimumContentsLength(12)
        self.visitor_edit = QLineEdit()
        self.visitor_edit.setPlaceholderText("走访人（不在干部名单中时）")
        self.findings_edit = QLineEdit()
        self.findings_edit.setPlaceholderText("了解情况")
        self.problems_edit = QLineEdit()
        self.problems_edit.setPlaceholderText("存在问题")
        self.follow_edit = QLineEdit()
        self.follow_edit.setPlaceholderText("后续措施")
        self.visit_button = QPushButton("登记走访")
        self.photo_button = QPushButton("附照片…")
        self.pending_photos: list = []
        visit_box = QGroupBox("走访记录")
        vv = QVBoxLayout(visit_box)
        vv.addWidget(self.visits)
        vr = QHBoxLayout()
        vr.addWidget(self.visit_date)
        vr.addWidget(self.visit_cadre, 1)
        vr.addWidget(self.visitor_edit, 1)
        vr.addWidget(self.findings_edit, 2)
        vv.addLayout(vr)
        vr2 = QHBoxLayout()
        vr2.addWidget(self.problems_edit, 1)
        vr2.addWidget(self.follow_edit, 1)
        vr2.addWidget(self.photo_button)
        vr2.addWidget(self.visit_button)
        vv.addLayout(vr2)

        # checks
        self.conditions = _table(["核验内容", "结果", "依据", "情况说明"])
        self.exit_label = QLabel()
        self.check_condition = QComboBox()
        for key, name in plans.CONDITIONS.items():
            self.check_condition.addItem(name, key)
        self.check_met = QComboBox()
        self.check_met.addItem("达标", True)
        self.check_met.addItem("未达标", False)
        self.check_evidence = QLineEdit()
        self.check_evidence.setPlaceholderText("核验情况（未达标时必填）")
        self.check_button = QPushButton("登记核验")
        check_box = QGroupBox("两不愁三保障与户脱贫「123」退出条件")
        cv = QVBoxLayout(check_box)
        cv.addWidget(self.exit_label)
        cv.addWidget(self.conditions)
        self.check_condition.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.check_condition.setMinimumContentsLength(10)
        cr = QHBoxLayout()
        for w in (self.check_condition, self.check_met, self.check_evidence, self.check_button):
            cr.addWidget(w)
        cr.setStretch(2, 1)
        cv.addLayout(cr)

        top = QHBoxLayout()
        top.addWidget(self.year_spin)
        top.addStretch(1)
        top.addWidget(self.card_button)
        top.addWidget(self.sheet_button)
        inner = QWidget()
        body = QVBoxLayout(inner)
        body.addLayout(top)
        for box in (colour_box, income_box, measure_box, visit_box, check_box):
            body.addWidget(box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        # never wider than the tab: rows wrap instead of running off the right edge
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        editable = ctx.actor.can("household.edit")
        for b in (
            self.confirm_button,
            self.income_button,
            self.measure_button,
            self.visit_button,
            self.check_button,
        ):
            b.setEnabled(editable)
        self.year_spin.valueChanged.connect(lambda _y: self.load(self.code))
        self.adopt_button.clicked.connect(self.adopt_standard)
        self.risk_box.activated.connect(self._cite_risk)
        self.confirm_button.clicked.connect(self.confirm_colour)
        self.income_button.clicked.connect(self.save_income)
        self.measure_button.clicked.connect(self.add_measure)
        self.measure_done_button.clicked.connect(self.mark_measure_done)
        self.photo_button.clicked.connect(self.ask_photos)
        self.visit_button.clicked.connect(self.add_visit)
        self.visit_cadre.currentIndexChanged.connect(
            lambda _i: self.visitor_edit.setEnabled(self.visit_cadre.currentData() is None)
        )
        self.check_button.clicked.connect(self.add_check)
        self.card_button.clicked.connect(lambda: self._print("card"))
        self.sheet_button.clicked.connect(lambda: self._print("plan"))
        subscribe(ctx.ops, self, ("plans", "households", "settings"), lambda: self.load(self.code))

    @property
    def year(self) -> int:
        return self.year_spin.value()

    def _print_dir(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="plan-print-")
        return Path(self._tmp.name)

    def load(self, code: str | None) -> None:
        self._generation += 1
        generation = self._generation
        if code != self.code or code is None:
            self._blank()
        self.code = code
        if code is None:
            return
        year = self.year

        def read(db, actor):
            return plans.plan(db, actor, code, year), users.names(db), cadres.cadres(db, actor)

        def shown(result) -> None:
            if generation == self._generation:
                self.view, self.names, registry = result
                self._fill(self.view)
                self._fill_cadres(registry, self.view.helper)

        self.ctx.ops.read(self, read, shown, title="无法显示帮扶")

    def _blank(self) -> None:
        """No household (or another one coming): nothing of the last household stays on screen."""
        self.view = None
        self.colour_label.setText(" 未选择 ")
        self.colour_label.setStyleSheet("background: #bdbdbd; color: white; font-size: 15pt; padding: 4px;")
        for label in (self.suggestion_label, self.findings_label, self.risk_label, self.net_label):
            label.setText("")
        self.findings_label.hide()
        self.risk_label.hide()
        self.risk_box.hide()
        self.adopt_button.hide()
        self.history_label.setText("")
        self.exit_label.setText("")
        for edit in self.income_edits.values():
            edit.clear()
        for table in (self.measures, self.visits, self.conditions):
            table.setRowCount(0)
        self.measure_event.clear()

    def _fill_cadres(self, registry: list, helper: str) -> None:
        """The visit form's choice of visitor: the household's paired helper first, then everyone in post."""
        chosen = self.visit_cadre.currentData()
        self.visit_cadre.clear()
        self.visit_cadre.addItem("走访干部：手填姓名", None)
        for c in sorted(registry, key=lambda c: c.name != helper):
            self.visit_cadre.addItem(c.label, c.id)
        if chosen is not None:
            self.visit_cadre.setCurrentIndex(max(self.visit_cadre.findData(chosen), 0))

    def _who(self, username: str) -> str:
        return self.names.get(username, username)

    def _fill(self, v: plans.PlanView) -> None:
        if v.colour:
            c = v.colour.colour
            self.colour_label.setText(f" {v.colour.name} ")
            self.colour_label.setStyleSheet(
                f"background: {COLOUR_HEX[c]}; color: white; font-size: 15pt; font-weight: bold; padding: 4px;"
            )
        else:
            self.colour_label.setText(" 未确定 ")
            self.colour_label.setStyleSheet(
                "background: #bdbdbd; color: white; font-size: 15pt; padding: 4px;"
            )
        sug = v.suggestion
        self.suggestion_label.setText(sug.text)
        self.findings_label.setText("！" + "；".join(sug.findings) if sug.findings else "")
        self.findings_label.setVisible(bool(sug.findings))
        self.risk_label.setText(f"{sug.risk_text}（仅供研判，不作为卡色依据，不公示）" if sug.risks else "")
        self.risk_label.setVisible(bool(sug.risks))
        self.risk_box.clear()
        self.risk_box.addItem("引用风险提示…", None)
        for note in sug.risks:
            self.risk_box.addItem(note, note)
        self.risk_box.setVisible(bool(sug.risks))
        self.adopt_button.setVisible(
            sug.kind == plans.NO_STANDARD and sug.proposal is not None and self.ctx.actor.can("settings")
        )
        self.history_label.setText(
            "历史："
            + (
                "；".join(
                    f"{h.year}年 {h.name}（{self._who(h.decided_by)} {clock.local(h.decided_at):%Y-%m-%d}"
                    + (f"，调整理由：{h.reason}" if h.reason else "")
                    + "）"
                    for h in v.history[-5:]
                )
                or "无"
            )
        )
        inc = v.income
        for key, edit in self.income_edits.items():
            edit.setText(_yuan_text(getattr(inc, f"{key}_fen") if inc is not None else None))
        self.net_label.setText(
            f"人均纯收入：<b>{plans.yuan(inc.net_per_capita_fen)}</b> 元"
            if inc is not None
            else "人均纯收入：未登记"
        )
        events = dict(v.risk_events)
        fill_table(
            self.measures,
            [
                [
                    m.kind,
                    m.description,
                    plans.yuan(m.amount) if m.amount else "",
                    m.cadre,
                    m.status_name,
                    events.get(m.risk_event, "") if m.risk_event else "",
                ]
                for m in v.measures
            ],
        )
        self.measure_event.clear()
        self.measure_event.addItem("不针对风险事件", None)
        for event_id, label in v.risk_events:
            self.measure_event.addItem(f"针对：{label}", event_id)
        fill_table(
            self.visits,
            [
                [
                    f"{x.visited_on}",
                    x.visitor + (f"（{x.post}）" if x.post else ""),
                    x.findings,
                    x.problems,
                    x.follow_up,
                    str(len(x.photos)) if x.photos else "",
                ]
                for x in v.visits
            ],
        )
        fill_table(self.conditions, [[c.name, RESULT[c.met], c.source, c.detail] for c in v.conditions])
        for r, c in enumerate(v.conditions):
            if c.met is False:
                self.conditions.item(r, 1).setForeground(QBrush(QColor(COLOUR_HEX["red"])))
        unmet = [c.name for c in v.conditions if c.met is False]
        unknown = [c.name for c in v.conditions if c.met is None]
        self.exit_label.setWordWrap(True)
        self.exit_label.setText(
            "户脱贫「123」：<b style='color:#2e7d32'>全部达标</b>"
            if v.exit_ready
            else "户脱贫「123」："
            + (f"<b style='color:#c62828'>{'、'.join(unmet)}</b> 未达标" if unmet else "")
            + ("；" if unmet and unknown else "")
            + (f"<b>{'、'.join(unknown)}</b> 待核验（待核验不算达标）" if unknown else "")
        )

    def _cite_risk(self, index: int) -> None:
        note = self.risk_box.itemData(index)
        if note:
            text = self.reason_edit.text().strip()
            self.reason_edit.setText(f"{text}；{note}" if text else note)
        self.risk_box.setCurrentIndex(0)

    def adopt_standard(self) -> None:
        """An admin confirms the offered figures as the year's standard: nothing is carried over silently."""
        from PySide6.QtWidgets import QMessageBox

        offer = self.view.suggestion.proposal if self.view else None
        if offer is None:
            return
        year = self.year
        self.confirm_box = QMessageBox(
            QMessageBox.Icon.Question,
            "确认收入标准",
            f"{year}年度收入标准尚未设置。\n\n是否确认{year}年沿用{offer.text}？\n来源：{offer.source}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        self.confirm_box.setObjectName("adoptStandard")
        self.confirm_box.button(QMessageBox.StandardButton.Yes).setText("确认沿用")
        self.confirm_box.button(QMessageBox.StandardButton.No).setText("取消")
        self.confirm_box.accepted.connect(
            lambda: self._write(
                lambda db, actor: plans.adopt_threshold(db, actor, year), changes=("settings", "plans")
            )
        )
        self.confirm_box.open()

    def _write(self, fn, on_done=None, changes=("plans",)) -> None:
        """One write; the tab reloads through its subscription, a refusal names the field."""
        self.ctx.ops.write(self, fn, changes, on_done, title="未能保存")

    def confirm_colour(self) -> None:
        code, year = self.code, self.year
        colour, reason = self.colour_box.currentData(), self.reason_edit.text()

        def done(_result) -> None:
            self.reason_edit.clear()
            self.colour_box.setCurrentIndex(0)

        self._write(lambda db, actor: plans.confirm_colour(db, actor, code, year, colour, reason), done)

    def save_income(self) -> None:
        try:
            values = {
                key: _fen(edit, self.income_names[key], limits.INCOME_FEN)
                for key, edit in self.income_edits.items()
            }
        except Exception as exc:
            show_error(self, exc, "未能保存")
            return
        code, year = self.code, self.year
        self._write(lambda db, actor: plans.set_income(db, actor, code, year, **values))

    def add_measure(self) -> None:
        try:
            amount = _fen(self.measure_amount, "措施金额", limits.MEASURE_FEN)
        except Exception as exc:
            show_error(self, exc, "未能保存")
            return
        code, year = self.code, self.year
        kind, text = self.measure_kind.currentText(), self.measure_text.text()
        cadre, status = self.measure_cadre.text(), self.measure_status.currentData()
        event = self.measure_event.currentData()

        def done(_result) -> None:
            self.measure_text.clear()
            self.measure_amount.clear()

        self._write(
            lambda db, actor: plans.add_measure(
                db, actor, code, year, kind, text, amount=amount, cadre=cadre, status=status, risk_event=event
            ),
            done,
        )

    def add_visit(self) -> None:
        code, on = self.code, self.visit_date.date().toPython()
        visitor, findings = self.visitor_edit.text(), self.findings_edit.text()
        cadre_id = self.visit_cadre.currentData()
        problems, follow_up, photos = (
            self.problems_edit.text(),
            self.follow_edit.text(),
            list(self.pending_photos),
        )

        def write(db, actor):
            return plans.add_visit(
                db,
                actor,
                code,
                on,
                visitor,
                cadre_id=cadre_id,
                findings=findings,
                problems=problems,
                follow_up=follow_up,
                photos=[read_file(p, "照片") for p in photos],
            )

        def done(_result) -> None:
            for w in (self.findings_edit, self.problems_edit, self.follow_edit):
                w.clear()
            self.pending_photos = []
            self.photo_button.setText("附照片…")

        self._write(write, done)

    def ask_photos(self) -> None:
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        paths, _ = QFileDialog.getOpenFileNames(self, "走访照片", "", "照片 (*.jpg *.jpeg *.png *.pdf)")
        self.pending_photos = [Path(p) for p in paths]
        self.photo_button.setText(f"附照片（{len(paths)}）…" if paths else "附照片…")

    def mark_measure_done(self) -> None:
        row = self.measures.currentRow()
        if self.view is None or not 0 <= row < len(self.view.measures):
            show_error(self, ValueError("请先在表中选中一项措施"), "未选中措施")
            return
        mid = self.view.measures[row].id
        self._write(lambda db, actor: plans.set_measure_status(db, actor, mid, "done"))

    def add_check(self) -> None:
        code, year = self.code, self.year
        condition, met, evidence = (
            self.check_condition.currentData(),
            self.check_met.currentData(),
            self.check_evidence.text(),
        )
        self._write(
            lambda db, actor: plans.set_check(db, actor, code, year, condition, met, evidence=evidence),
            lambda _r: self.check_evidence.clear(),
        )

    def _print(self, kind: str) -> None:
        """Draw the 明白卡 or the plan sheet in the background, then show it in 公示打印."""
        if self.code is None or self.present_print is None:
            return
        code, year, present = self.code, self.year, self.present_print
        if kind == "card":
            filename, label = f"明白卡-{code}.pdf", "正在生成明白卡……"
            draw = plan_reports.policy_card
        else:
            filename, label = f"帮扶计划-{code}-{year}.pdf", "正在生成帮扶计划表……"
            draw = plan_reports.plan_sheet
        out = self._print_dir() / filename
        self.ctx.ops.read(
            self,
            lambda db, actor: draw(db, actor, code, year, out),
            lambda printed: present(filename, lambda *_args: printed, label),
            title="未能生成",
            label=label,
            dialog=True,
        )
