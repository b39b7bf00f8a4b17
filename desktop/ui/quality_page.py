"""疑点核查: run the audit off the GUI thread, browse findings by village and rule, open the household with
the field highlighted, mark a finding 已核实 with a reason, export the county's workbook."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.households import households
from desktop.services.problems import problems
from desktop.services.quality import quality
from desktop.services.quality.quality import Finding, RunResult
from desktop.services.roster.roster_fields import BY_KEY
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe

FINDING_ROLE = Qt.ItemDataRole.UserRole + 1


class QualityPage(QWidget):
    open_household = Signal(str, str, tuple, str)  # household code, member code, fields, message

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result: RunResult | None = None
        self.village_box = QComboBox()
        self.rule_box = QComboBox()
        self.rule_box.addItem("全部规则", None)
        self.run_button = QPushButton("开始核查")
        self.run_button.setDefault(True)
        self.export_button = QPushButton("导出Excel…")
        self.ledger_button = QPushButton("打印台账…")
        self.chart_button = QPushButton("汇总图…")
        self.summary = QLabel("点“开始核查”检查全部农户的疑点数据。")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["村 / 规则 / 疑点", "数量"])
        self.tree.setColumnWidth(0, 520)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.open_button = QPushButton("打开该户")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("核实情况，如：本人长期照料重病家属，确无法外出务工")
        self.verify_button = QPushButton("标记已核实")
        self.verify_button.setEnabled(ctx.actor.can("household.edit"))
        # one click: the finding becomes a household's problem (source 自查) in 问题整改
        self.problem_button = QPushButton("转为整改问题")
        self.problem_button.setEnabled(False)

        top = QHBoxLayout()
        for w in (QLabel("村："), self.village_box, QLabel("规则："), self.rule_box, self.run_button):
            top.addWidget(w)
        top.addStretch(1)
        for w in (self.export_button, self.ledger_button, self.chart_button):
            top.addWidget(w)
        right = QVBoxLayout()
        right.addWidget(self.detail, 1)
        right.addWidget(self.open_button)
        right.addWidget(self.reason_edit)
        right.addWidget(self.verify_button)
        right.addWidget(self.problem_button)
        right_box = QWidget()
        right_box.setLayout(right)
        split = QSplitter()
        split.addWidget(self.tree)
        split.addWidget(right_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

        self.run_button.clicked.connect(self.run)
        self.rule_box.currentIndexChanged.connect(lambda _i: self._fill())
        self.tree.currentItemChanged.connect(lambda cur, _prev: self._show(cur))
        self.tree.itemDoubleClicked.connect(lambda _item, _col: self._open())
        self.open_button.clicked.connect(self._open)
        self.verify_button.clicked.connect(self.verify)
        self.problem_button.clicked.connect(self.to_problem)
        self.export_button.clicked.connect(self.ask_export)
        self.ledger_button.clicked.connect(self.ask_ledger)
        self.chart_button.clicked.connect(self.ask_chart)
        # villages come and go with imports; rules are switched on and off in 设置
        subscribe(ctx.ops, self, ("households", "settings"), self.reload)
        self.reload()
        self._show(None)

    def reload(self) -> None:
        def read(db, actor):
            return households.villages(db, actor), quality.rules(db)

        self.ctx.ops.read(self, read, self._reloaded, title="无法读取核查规则")

    def _reloaded(self, result) -> None:
        villages, rules = result
        current = self.village_box.currentData()
        self.village_box.clear()
        self.village_box.addItem("全部", None)
        for v in villages:
            self.village_box.addItem(f"{v.township}{v.name}", v.qualified)
        self.village_box.setCurrentIndex(max(self.village_box.findData(current), 0))
        rule = self.rule_box.currentData()
        self.rule_box.blockSignals(True)
        self.rule_box.clear()
        self.rule_box.addItem("全部规则", None)
        for info in rules:
            self.rule_box.addItem(info.name, info.code)
        self.rule_box.setCurrentIndex(max(self.rule_box.findData(rule), 0))
        self.rule_box.blockSignals(False)

    # --- running ---------------------------------------------------------------------------------------

    def run(self) -> None:
        village = self.village_box.currentData()
        self.run_button.setEnabled(False)
        self.summary.setText("正在核查……")
        # a write: the run is recorded (核查记录)
        self.ctx.ops.write(
            self,
            lambda db, actor, p: quality.run_audit(db, actor, village=village, progress=p),
            ("quality",),
            self._done,
            on_failure=self._failed,
            label="正在核查……",
            progress=True,
            dialog=True,
        )

    def _failed(self, exc: Exception) -> None:
        self.run_button.setEnabled(True)
        show_error(self, exc, "核查失败")

    def _done(self, result: RunResult) -> None:
        self.result = result
        self.run_button.setEnabled(True)
        quiet = f"，已核实且数据未变的 {len(result.quiet)} 条不再显示" if result.quiet else ""
        self.summary.setText(
            f"共发现 {len(result.findings)} 条疑点，涉及 {len(result.by_village)} 个村"
            f"{quiet}（用时 {result.milliseconds / 1000:.1f} 秒）。"
        )
        self._fill()

    def _fill(self) -> None:
        self.tree.clear()
        if self.result is None:
            return
        rule = self.rule_box.currentData()
        findings = [f for f in self.result.findings if rule is None or f.rule == rule]
        villages: dict[str, dict[str, list[Finding]]] = {}
        for f in findings:
            villages.setdefault(f.village, {}).setdefault(f.rule_name, []).append(f)
        for village, by_rule in villages.items():
            v_item = QTreeWidgetItem([village, str(sum(len(x) for x in by_rule.values()))])
            self.tree.addTopLevelItem(v_item)
            for name, items in by_rule.items():
                r_item = QTreeWidgetItem([name, str(len(items))])
                v_item.addChild(r_item)
                for f in items:
                    f_item = QTreeWidgetItem([f"{f.name}（户{f.household}）：{f.message}", ""])
                    f_item.setData(0, FINDING_ROLE, f)
                    r_item.addChild(f_item)
            v_item.setExpanded(True)
        self.tree.expandAll()
        self._show(None)

    def findings_shown(self) -> list[Finding]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            v = self.tree.topLevelItem(i)
            for j in range(v.childCount()):
                r = v.child(j)
                out.extend(r.child(k).data(0, FINDING_ROLE) for k in range(r.childCount()))
        return out

    def select(self, finding: Finding) -> None:
        for i in range(self.tree.topLevelItemCount()):
            v = self.tree.topLevelItem(i)
            for j in range(v.childCount()):
                r = v.child(j)
                for k in range(r.childCount()):
                    if r.child(k).data(0, FINDING_ROLE) == finding:
                        self.tree.setCurrentItem(r.child(k))
                        return

    def current(self) -> Finding | None:
        item = self.tree.currentItem()
        return item.data(0, FINDING_ROLE) if item is not None else None

    def _show(self, item: QTreeWidgetItem | None) -> None:
        finding = item.data(0, FINDING_ROLE) if item is not None else None
        self.open_button.setEnabled(finding is not None)
        self.verify_button.setEnabled(finding is not None and self.ctx.actor.can("household.edit"))
        self.problem_button.setEnabled(finding is not None and self.ctx.actor.can("household.edit"))
        if finding is None:
            self.detail.setText("选择一条疑点查看详情。")
            return
        info = quality.BY_CODE[finding.rule]
        labels = [BY_KEY[k].label if k in BY_KEY else k for k in finding.fields]
        fields = "、".join(labels)
        shown = [v or "（空）" for v in finding.values]
        if len(labels) == len(shown):
            values = "；".join(f"{label}：{value}" for label, value in zip(labels, shown, strict=True))
        else:
            values = "；".join(shown)
        self.detail.setText(
            f"<h3>{finding.name}（户{finding.household}）</h3>"
            f"<p><b>[{finding.severity}] {info.name}</b><br>{finding.message}</p>"
            f"<p><b>涉及字段：</b>{fields}<br><b>当前值：</b>{values}</p>"
            f"<p><b>为什么要查：</b>{info.why}</p><p><b>怎么改：</b>{info.fix}</p>"
            f"<p style='color:#666'>改正数据后重新导入花名册，下次核查时此疑点自动消失；确属实情的，"
            f"写明核实情况后标记已核实，数据不变就不再提示。</p>"
        )

    def _open(self) -> None:
        finding = self.current()
        if finding is not None:
            self.open_household.emit(finding.household, finding.person, finding.fields, finding.message)

    def verify(self) -> None:
        finding = self.current()
        if finding is None or self.result is None:
            return
        result, reason = self.result, self.reason_edit.text()

        def done(_r) -> None:
            self.reason_edit.clear()
            if finding in result.findings:
                result.findings.remove(finding)
                result.quiet.append(finding)
            if result is self.result:
                self._fill()
                self.summary.setText(self.summary.text() + f" 已核实：{finding.name} {finding.rule_name}。")

        # a missing reason or permission comes back as a clear message
        self.ctx.ops.write(
            self,
            lambda db, actor: quality.mark_verified(db, actor, finding, reason),
            ("quality",),
            done,
            title="无法标记",
            busy=self.verify_button,
        )

    def to_problem(self) -> None:
        """转为整改问题: one write; a finding already an open problem comes back as a clear message."""
        finding = self.current()
        if finding is None:
            return

        def done(pid: int) -> None:
            self.summary.setText(
                self.summary.text() + f" 已转为整改问题第{pid}号：{finding.name} {finding.rule_name}。"
            )

        self.ctx.ops.write(
            self,
            lambda db, actor: problems.from_finding(db, actor, finding),
            ("problems",),
            done,
            title="未转为整改问题",
            busy=self.problem_button,
        )

    # --- outputs ---------------------------------------------------------------------------------------

    def _save(self, title: str, default: str, pattern: str, fn) -> None:
        path, _ = QFileDialog.getSaveFileName(self, title, default, pattern)
        if path:
            self.save_to(path, fn)

    def save_to(self, path: str, fn) -> None:
        """fn(db, actor, path, result) on the read lane (with no run yet, the outputs audit afresh)."""
        result = self.result
        self.ctx.ops.read(
            self,
            lambda db, actor: fn(db, actor, path, result),
            lambda _r: self.summary.setText(f"已保存到 {path}"),
            title="保存失败",
            dialog=True,
            label="正在生成……",
        )

    @staticmethod
    def export_to(db, actor, path: str, result: RunResult | None) -> None:
        quality.export_findings(db, actor, path, result=result)

    @staticmethod
    def ledger_to(db, actor, path: str, result: RunResult | None) -> None:
        quality.findings_ledger(db, actor, path, result=result)

    @staticmethod
    def chart_to(db, actor, path: str, result: RunResult | None) -> None:
        quality.findings_chart(result or quality.run_audit(db, actor, record=False), path)

    def ask_export(self) -> None:
        self._save("导出疑点清单", "疑点核查.xlsx", "Excel 文件 (*.xlsx)", self.export_to)

    def ask_ledger(self) -> None:
        self._save("疑点核查台账", "疑点核查台账.pdf", "PDF 文件 (*.pdf)", self.ledger_to)

    def ask_chart(self) -> None:
        self._save("汇总图", "疑点核查汇总.png", "图片 (*.png)", self.chart_to)
