"""帮扶 tab of a household: card colour (suggestion with its reasons, the 疑似漏评/疑似返贫 findings and the risk
notes beside it, confirmation or override with a reason, history), income by component, measures, visits, the
户脱贫「123」 checks with the exit check, and the 明白卡/plan-sheet prints. A year without its income standard says so
and, for an admin, offers the latest earlier year's figures to confirm."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
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
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.services import plan_reports, plans
from desktop.services.attachments import read_file
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error

RESULT = {True: "达标", False: "未达标", None: "待核验"}


def _money_spin() -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0, 10_000_000)
    spin.setDecimals(2)
    spin.setSuffix(" 元")
    spin.setGroupSeparatorShown(True)
    return spin


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    t.setMinimumHeight(110)
    return t


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(v))


class PlanTab(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.code: str | None = None
        self.view: plans.PlanView | None = None
        self.present_print: Callable | None = None
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
        self.findings_label.setStyleSheet(f"color: {plans.COLOUR_HEX['red']}; font-weight: bold;")
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
        for key, name in plans.COLOUR_NAMES.items():
            self.colour_box.addItem(f"{name}（{plans.COLOUR_MEANING[key]}）", key)
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

        # income
        self.income_spins = {
            "wage": _money_spin(),
            "production": _money_spin(),
            "property_income": _money_spin(),
            "transfer": _money_spin(),
            "production_cost": _money_spin(),
        }
        self.net_label = QLabel()
        self.income_button = QPushButton("保存收入")
        income_box = QGroupBox("家庭收入（全年合计）")
        f = QGridLayout(income_box)
        for i, (key, label) in enumerate(
            zip(
                self.income_spins, ("工资性", "生产经营性", "财产性", "转移性", "生产经营性支出"), strict=True
            )
        ):
            f.addWidget(QLabel(label + "："), i // 3, (i % 3) * 2)
            f.addWidget(self.income_spins[key], i // 3, (i % 3) * 2 + 1)
        f.addWidget(self.income_button, 1, 4)
        f.addWidget(self.net_label, 1, 5)

        # measures
        self.measures = _table(["类别", "内容", "金额（元）", "责任人", "状态"])
        self.measure_kind = QComboBox()
        self.measure_kind.addItems(plans.MEASURE_KINDS)
        self.measure_text = QLineEdit()
        self.measure_text.setPlaceholderText("措施内容")
        self.measure_amount = _money_spin()
        self.measure_cadre = QLineEdit()
        self.measure_cadre.setPlaceholderText("责任人")
        self.measure_status = QComboBox()
        for key, name in plans.MEASURE_STATUS.items():
            self.measure_status.addItem(name, key)
        self.measure_button = QPushButton("添加措施")
        self.measure_done_button = QPushButton("选中措施标为已完成")
        measure_box = QGroupBox("帮扶措施")
        mv = QVBoxLayout(measure_box)
        mv.addWidget(self.measures)
        mr = QHBoxLayout()
        for w in (self.measure_kind, self.measure_text, self.measure_amount, self.measure_cadre):
            mr.addWidget(w)
        mr.addWidget(self.measure_status)
        mr.addWidget(self.measure_button)
        mr.addWidget(self.measure_done_button)
        mv.addLayout(mr)

        # visits
        self.visits = _table(["日期", "走访人", "了解情况", "存在问题", "后续措施", "照片"])
        self.visit_date = QDateEdit(QDate.currentDate())
        self.visit_date.setCalendarPopup(True)
        self.visit_date.setDisplayFormat("yyyy-MM-dd")
        self.visitor_edit = QLineEdit()
        self.visitor_edit.setPlaceholderText("走访人")
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
        for w in (
            self.visit_date,
            self.visitor_edit,
            self.findings_edit,
            self.problems_edit,
            self.follow_edit,
        ):
            vr.addWidget(w)
        vr.addWidget(self.photo_button)
        vr.addWidget(self.visit_button)
        vv.addLayout(vr)

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
        cr = QHBoxLayout()
        for w in (self.check_condition, self.check_met, self.check_evidence, self.check_button):
            cr.addWidget(w)
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
        self.check_button.clicked.connect(self.add_check)
        self.card_button.clicked.connect(lambda: self._print("card"))
        self.sheet_button.clicked.connect(lambda: self._print("plan"))

    @property
    def year(self) -> int:
        return self.year_spin.value()

    def load(self, code: str | None) -> None:
        self.code = code
        if code is None:
            self.view = None
            return
        v = self.view = plans.plan(self.ctx.db, self.ctx.actor, code, self.year)
        if v.colour:
            c = v.colour.colour
            self.colour_label.setText(f" {v.colour.name} ")
            self.colour_label.setStyleSheet(
                f"background: {plans.COLOUR_HEX[c]}; color: white; font-size: 15pt; font-weight: bold; padding: 4px;"
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
                    f"{h.year}年 {h.name}（{h.decided_by} {clock.local(h.decided_at):%Y-%m-%d}"
                    + (f"，调整理由：{h.reason}" if h.reason else "")
                    + "）"
                    for h in v.history[-5:]
                )
                or "无"
            )
        )
        inc = v.income
        for key, spin in self.income_spins.items():
            value = getattr(inc, key) if inc is not None else None
            spin.setValue((value or 0) / 100)
        self.net_label.setText(
            f"人均纯收入：<b>{plans.yuan(inc.net_per_capita)}</b> 元"
            if inc is not None
            else "人均纯收入：未登记"
        )
        _fill(
            self.measures,
            [
                [m.kind, m.description, plans.yuan(m.amount) if m.amount else "", m.cadre, m.status_name]
                for m in v.measures
            ],
        )
        _fill(
            self.visits,
            [
                [
                    f"{x.visited_on}",
                    x.visitor,
                    x.findings,
                    x.problems,
                    x.follow_up,
                    str(len(x.photos)) if x.photos else "",
                ]
                for x in v.visits
            ],
        )
        _fill(self.conditions, [[c.name, RESULT[c.met], c.source, c.detail] for c in v.conditions])
        for r, c in enumerate(v.conditions):
            if c.met is False:
                self.conditions.item(r, 1).setForeground(QBrush(QColor(plans.COLOUR_HEX["red"])))
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
            lambda: self._run(lambda: plans.adopt_threshold(self.ctx.db, self.ctx.actor, year))
        )
        self.confirm_box.open()

    def _run(self, fn) -> bool:  # noqa: ANN001
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - a clear Chinese message naming the field
            show_error(self, exc, "未能保存")
            return False
        self.load(self.code)
        return True

    def confirm_colour(self) -> bool:
        colour, reason = self.colour_box.currentData(), self.reason_edit.text()
        ok = self._run(
            lambda: plans.confirm_colour(self.ctx.db, self.ctx.actor, self.code, self.year, colour, reason)
        )
        if ok:
            self.reason_edit.clear()
            self.colour_box.setCurrentIndex(0)
        return ok

    def save_income(self) -> bool:
        values = {k: round(s.value() * 100) for k, s in self.income_spins.items()}
        return self._run(
            lambda: plans.set_income(self.ctx.db, self.ctx.actor, self.code, self.year, **values)
        )

    def add_measure(self) -> bool:
        ok = self._run(
            lambda: plans.add_measure(
                self.ctx.db,
                self.ctx.actor,
                self.code,
                self.year,
                self.measure_kind.currentText(),
                self.measure_text.text(),
                amount=round(self.measure_amount.value() * 100),
                cadre=self.measure_cadre.text(),
                status=self.measure_status.currentData(),
            )
        )
        if ok:
            self.measure_text.clear()
            self.measure_amount.setValue(0)
        return ok

    def add_visit(self) -> bool:
        ok = self._run(
            lambda: plans.add_visit(
                self.ctx.db,
                self.ctx.actor,
                self.code,
                self.visit_date.date().toPython(),
                self.visitor_edit.text(),
                findings=self.findings_edit.text(),
                problems=self.problems_edit.text(),
                follow_up=self.follow_edit.text(),
                photos=[read_file(p, "照片") for p in self.pending_photos],
            )
        )
        if ok:
            for w in (self.findings_edit, self.problems_edit, self.follow_edit):
                w.clear()
            self.pending_photos = []
            self.photo_button.setText("附照片…")
        return ok

    def ask_photos(self) -> None:
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        paths, _ = QFileDialog.getOpenFileNames(self, "走访照片", "", "照片 (*.jpg *.jpeg *.png *.pdf)")
        self.pending_photos = [Path(p) for p in paths]
        self.photo_button.setText(f"附照片（{len(paths)}）…" if paths else "附照片…")

    def mark_measure_done(self) -> bool:
        row = self.measures.currentRow()
        if self.view is None or not 0 <= row < len(self.view.measures):
            show_error(self, ValueError("请先在表中选中一项措施"), "未选中措施")
            return False
        mid = self.view.measures[row].id
        return self._run(lambda: plans.set_measure_status(self.ctx.db, self.ctx.actor, mid, "done"))

    def add_check(self) -> bool:
        ok = self._run(
            lambda: plans.set_check(
                self.ctx.db,
                self.ctx.actor,
                self.code,
                self.year,
                self.check_condition.currentData(),
                self.check_met.currentData(),
                evidence=self.check_evidence.text(),
            )
        )
        if ok:
            self.check_evidence.clear()
        return ok

    def _print(self, kind: str) -> None:
        if self.code is None or self.present_print is None:
            return
        db, actor, code, year = self.ctx.db, self.ctx.actor, self.code, self.year
        if kind == "card":
            self.present_print(
                f"明白卡-{code}.pdf",
                lambda out: plan_reports.policy_card(db, actor, code, year, out),
                "正在生成明白卡……",
            )
        else:
            self.present_print(
                f"帮扶计划-{code}-{year}.pdf",
                lambda out: plan_reports.plan_sheet(db, actor, code, year, out),
                "正在生成帮扶计划表……",
            )
