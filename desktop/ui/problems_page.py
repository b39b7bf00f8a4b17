"""问题整改: the ledger of problems (巡视, 考核, 审计, 督查, 自查, 信访) filtered by source, village and state, overdue
ones marked; a problem's history and evidence, and the steps 提交 → 销号 (or 退回, 作废) one button each; the
台账 as PDF or Excel. Every read and write goes through ctx.ops."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt
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
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.models.problems import CLOSED, LEVELS, OPEN, SOURCES, STATES, SUBMITTED
from desktop.services.households import households
from desktop.services.problems import problem_reports, problems
from desktop.services.system.attachments import read_file
from desktop.ui.context import UiContext
from desktop.ui.dates import qdate_today
from desktop.ui.ops import subscribe

OVERDUE = "逾期未销号"  # the state filter's extra choice
COLUMNS = ("编号", "来源", "层级", "行政村", "户/对象", "问题", "责任人", "整改期限", "状态")
LATE = QColor("#c62828")


class AddProblemDialog(QDialog):
    """登记问题: source, level, the household or village, the text, who is responsible, measures, deadline."""

    def __init__(self, villages: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("登记整改问题")
        self.source = QComboBox()
        self.source.addItems(SOURCES)
        self.level = QComboBox()
        for code, name in LEVELS.items():
            self.level.addItem(name, code)
        self.household = QLineEdit()
        self.household.setPlaceholderText("户级问题填户编号")
        self.village = QComboBox()
        for v in villages:
            self.village.addItem(f"{v.township}{v.name}", v.qualified)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("问题描述，如：危房改造后门窗未安装到位")
        self.text.setFixedHeight(70)
        self.responsible = QLineEdit()
        self.measures = QPlainTextEdit()
        self.measures.setFixedHeight(60)
        self.deadline = QDateEdit(qdate_today().addDays(30))
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        form = QFormLayout(self)
        form.addRow("来源：", self.source)
        form.addRow("层级：", self.level)
        form.addRow("户编号：", self.household)
        form.addRow("行政村：", self.village)
        form.addRow("问题：", self.text)
        form.addRow("责任人：", self.responsible)
        form.addRow("整改措施：", self.measures)
        form.addRow("整改期限：", self.deadline)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.level.currentIndexChanged.connect(self._level_changed)
        self._level_changed()

    def _level_changed(self) -> None:
        level = self.level.currentData()
        self.household.setEnabled(level == "household")
        self.village.setEnabled(level == "village")

    def values(self) -> dict:
        level = self.level.currentData()
        return {
            "source": self.source.currentText(),
            "level": level,
            "household": self.household.text().strip() if level == "household" else None,
            "village": self.village.currentData() if level == "village" else None,
            "text": self.text.toPlainText(),
            "responsible": self.responsible.text(),
            "measures": self.measures.toPlainText(),
            "deadline": self.deadline.date().toPython(),
        }


class ProblemsPage(QWidget):
    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, *, present_print: Callable | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.present_print = present_print
        self.rows: list[problems.ProblemInfo] = []
        self.current_detail: problems.ProblemDetail | None = None
        self._villages: list = []
        self._wanted: int | None = None  # the problem to select once the list is read again
        can_edit = ctx.actor.can("household.edit")
        township = can_edit and ctx.actor.village_ids is None

        self.source_box = QComboBox()
        self.source_box.addItem("全部来源", None)
        for s in SOURCES:
            self.source_box.addItem(s, s)
        self.village_box = QComboBox()
        self.village_box.addItem("全部村", None)
        self.state_box = QComboBox()
        self.state_box.addItem("全部状态", None)
        for s in (*STATES, OVERDUE):
            self.state_box.addItem(s, s)
        self.add_button = QPushButton("登记问题…")
        self.add_button.setEnabled(can_edit)
        self.ledger_button = QPushButton("打印台账")
        self.excel_button = QPushButton("导出Excel…")
        self.summary = QLabel("正在读取……")

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)  # the text wraps in the tooltip
        header.setStretchLastSection(True)
        self.table.setColumnWidth(5, 220)
        self.table.setWordWrap(False)

        self.detail = QLabel("选择一个问题查看整改情况。")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.evidence = QListWidget()
        self.evidence.setMaximumHeight(90)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("整改情况 / 验收意见 / 退回或作废理由")
        self.evidence_button = QPushButton("添加证据…")
        self.submit_button = QPushButton("提交整改结果")
        self.close_button = QPushButton("验收销号")
        self.reject_button = QPushButton("退回整改")
        self.void_button = QPushButton("作废")
        self._can = {
            self.evidence_button: can_edit,
            self.submit_button: can_edit,
            self.close_button: township,
            self.reject_button: township,
            self.void_button: township,
        }

        top = QHBoxLayout()
        for w in (
            QLabel("来源："),
            self.source_box,
            QLabel("村："),
            self.village_box,
            QLabel("状态："),
            self.state_box,
        ):
            top.addWidget(w)
        top.addStretch(1)
        for w in (self.add_button, self.ledger_button, self.excel_button):
            top.addWidget(w)
        steps = QHBoxLayout()
        for b in (self.submit_button, self.close_button, self.reject_button, self.void_button):
            steps.addWidget(b)
        right = QVBoxLayout()
        right.addWidget(self.detail, 1)
        right.addWidget(QLabel("整改佐证材料："))
        right.addWidget(self.evidence)
        right.addWidget(self.evidence_button)
        right.addWidget(self.note_edit)
        right.addLayout(steps)
        right_box = QWidget()
        right_box.setLayout(right)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(right_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([820, 420])  # the list's columns up to 状态 fit at 1366 px
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

        for box in (self.source_box, self.village_box, self.state_box):
            box.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.currentCellChanged.connect(lambda row, _c, _pr, _pc: self._selected(row))
        self.add_button.clicked.connect(self.ask_add)
        self.ledger_button.clicked.connect(self.print_ledger)
        self.excel_button.clicked.connect(self.ask_excel)
        self.evidence_button.clicked.connect(self.ask_evidence)
        self.submit_button.clicked.connect(lambda: self.step("submit"))
        self.close_button.clicked.connect(lambda: self.step("close"))
        self.reject_button.clicked.connect(lambda: self.step("reject"))
        self.void_button.clicked.connect(lambda: self.step("void"))
        subscribe(ctx.ops, self, ("problems", "households"), self.reload)
        self._enable(None)
        self.ctx.ops.read(self, lambda db, actor: households.villages(db, actor), self._villages_read)
        self.reload()

    # --- the list ------------------------------------------------------------------------------------

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
        state = self.state_box.currentData()
        return {
            "source": self.source_box.currentData(),
            "village": self.village_box.currentData(),
            "state": state if state != OVERDUE else None,
            "overdue_only": state == OVERDUE,
        }

    def reload(self) -> None:
        wanted = self.filters()
        self.ctx.ops.read(
            self,
            lambda db, actor: problems.problems(db, actor, **wanted),
            lambda rows: self._listed(rows, wanted),
        )

    def show_overdue(self) -> None:
        """From 首页: the overdue problems of every source and village."""
        for box in (self.source_box, self.village_box):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        if self.state_box.currentData() == OVERDUE:
            self.reload()
        else:
            self.state_box.setCurrentIndex(self.state_box.findData(OVERDUE))

    def _listed(self, rows: list[problems.ProblemInfo], wanted: dict | None = None) -> None:
        if wanted is not None and wanted != self.filters():
            return  # the filters changed while this was read: the newer read shows the list
        keep = self._wanted if self._wanted is not None else self.current_id()
        self._wanted = None
        self.rows = rows
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, p in enumerate(rows):
            state = p.state + (f"（逾期{p.overdue_days}天）" if p.overdue else "")
            cells = (
                str(p.id),
                p.source,
                p.level_name,
                p.village or "乡镇",
                p.head or p.subject,
                p.text,
                p.responsible,
                f"{p.deadline:%Y-%m-%d}",
                state,
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 4 and p.household:
                    item.setToolTip(f"户编号 {p.household}")
                if c == 5:
                    item.setToolTip(p.text)
                if p.overdue and c in (7, 8):
                    item.setForeground(LATE)
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        late = sum(p.overdue for p in rows)
        done = sum(p.state == CLOSED for p in rows)
        self.summary.setText(f"共{len(rows)}个问题：已销号{done}个，逾期未销号{late}个。")
        row = next((i for i, p in enumerate(rows) if p.id == keep), -1)
        if row >= 0:
            self.table.selectRow(row)
            self._selected(row)
        else:
            self.table.clearSelection()
            self._selected(-1)

    def current_id(self) -> int | None:
        row = self.table.currentRow()
        return self.rows[row].id if 0 <= row < len(self.rows) else None

    def select_problem(self, problem_id: int) -> None:
        row = next((i for i, p in enumerate(self.rows) if p.id == problem_id), -1)
        if row >= 0:
            self.table.selectRow(row)

    # --- one problem ---------------------------------------------------------------------------------

    def _selected(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            self.current_detail = None
            self.detail.setText("选择一个问题查看整改情况。")
            self.evidence.clear()
            self._enable(None)
            return
        pid = self.rows[row].id
        self.ctx.ops.read(self, lambda db, actor: problems.detail(db, actor, pid), self._show)

    def _show(self, d: problems.ProblemDetail) -> None:
        if d.info.id != self.current_id():
            return  # another row was chosen meanwhile
        self.current_detail = d
        p = d.info
        late = f"<span style='color:#c62828'>（逾期{p.overdue_days}天）</span>" if p.overdue else ""
        closed = f"<br><b>销号：</b>{escape(p.closed_by)} {clock.cn_date(p.closed_on)}" if p.closed_on else ""
        history = "".join(
            f"<li>{e.at} {escape(e.username)} <b>{e.action}</b>"
            + (f" → {e.state_to}" if e.state_to else "")
            + (f"：{escape(e.note)}" if e.note else "")
            + "</li>"
            for e in d.events
        )
        self.detail.setText(
            f"<h3>第{p.id}号　{escape(p.source)}　{escape(p.state)}{late}</h3>"
            f"<p><b>{escape(p.village or '乡镇')}</b> {escape(p.subject)}</p>"
            f"<p><b>问题：</b>{escape(p.text)}<br><b>整改措施：</b>{escape(p.measures or '（未填）')}<br>"
            f"<b>责任人：</b>{escape(p.responsible)}　<b>整改期限：</b>{clock.cn_date(p.deadline)}{closed}</p>"
            f"<p><b>整改记录：</b></p><ul>{history}</ul>"
        )
        self.evidence.clear()
        for f in d.evidence:
            self.evidence.addItem(f"{f.filename}（{f.kind.upper()}，{f.pages}页，{f.added_by}）")
        self._enable(p.state)

    def _enable(self, state: str | None) -> None:
        allowed = {
            self.evidence_button: state in (OPEN, SUBMITTED),
            self.submit_button: state == OPEN,
            self.close_button: state == SUBMITTED,
            self.reject_button: state == SUBMITTED,
            self.void_button: state in (OPEN, SUBMITTED),
        }
        for button, ok in allowed.items():
            button.setEnabled(ok and self._can[button])

    # --- writes, one button one transaction ----------------------------------------------------------

    def _write(self, fn, done_text: str, busy: QWidget, title: str) -> None:
        pid = self.current_id()

        def done(_r) -> None:
            self.note_edit.clear()
            self._wanted = pid
            self.summary.setText(done_text)

        self.ctx.ops.write(self, fn, ("problems",), done, title=title, busy=busy)

    def step(self, action: str) -> None:
        pid = self.current_id()
        if pid is None:
            return
        note = self.note_edit.text()
        calls = {
            "submit": (problems.submit, "已提交整改结果", self.submit_button, "无法提交"),
            "close": (problems.close, "已销号", self.close_button, "无法销号"),
            "reject": (problems.reject, "已退回重新整改", self.reject_button, "无法退回"),
            "void": (problems.void, "已作废", self.void_button, "无法作废"),
        }
        fn, said, button, title = calls[action]
        self._write(lambda db, actor: fn(db, actor, pid, note), f"第{pid}号{said}。", button, title)

    def add_evidence(self, paths: list[str]) -> None:
        pid = self.current_id()
        if pid is None or not paths:
            return

        def work(db, actor):
            return problems.add_evidence(db, actor, pid, [read_file(p, "证据文件") for p in paths])

        self._write(work, f"第{pid}号已添加{len(paths)}个证据文件。", self.evidence_button, "未添加证据")

    def ask_evidence(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "选择整改证据", "", "照片或扫描件 (*.pdf *.jpg *.jpeg *.png)"
        )
        self.add_evidence(paths)

    def add_problem(self, values: dict) -> None:
        def done(pid: int) -> None:
            self._wanted = pid
            self.summary.setText(f"已登记整改问题第{pid}号。")

        self.ctx.ops.write(
            self,
            lambda db, actor: problems.add(db, actor, **values),
            ("problems",),
            done,
            title="未登记",
            busy=self.add_button,
        )

    def ask_add(self) -> None:
        dialog = AddProblemDialog(self._villages, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.add_problem(dialog.values())

    # --- the ledger ----------------------------------------------------------------------------------

    def _ledger_args(self) -> dict:
        f = self.filters()
        return {"source": f["source"], "village": f["village"], "state": f["state"]}

    def print_ledger(self) -> None:
        if self.present_print is None:
            return
        wanted = self._ledger_args()
        today = clock.today()
        self.present_print(
            f"问题整改台账-{today:%Y%m%d}.pdf",
            lambda db, actor, out: problem_reports.problem_ledger(db, actor, out, **wanted, today=today),
            "问题整改台账",
        )

    def save_excel(self, path: str) -> None:
        wanted = self._ledger_args()
        self.ctx.ops.read(
            self,
            lambda db, actor: problem_reports.problem_ledger(db, actor, path, xlsx=True, **wanted),
            lambda _r: self.summary.setText(f"已保存到 {path}"),
            title="保存失败",
        )

    def ask_excel(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "问题整改台账", "问题整改台账.xlsx", "Excel 文件 (*.xlsx)"
        )
        if path:
            self.save_excel(path)
