"""公益岗位 under the village: the village's posts with holder and pay, 设岗/修改, 上岗/离岗 (the holder picked from
the village's eligible members), the month's 考核 grid, 发放 of the month after a confirmation showing the total,
冲正, the papers (签领表, 公示, 工资台账) and the area's 疑点. Every read and write goes through ctx.ops."""

from __future__ import annotations

from collections.abc import Callable

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
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, limits
from desktop.clock import Month
from desktop.errors import InputRejected
from desktop.models.posts import POST_KINDS, RESULTS
from desktop.money import parse_yuan, yuan
from desktop.services.posts import post_reports, posts
from desktop.services.posts.posts import AttendanceEntry
from desktop.ui.context import UiContext
from desktop.ui.dates import qdate_today
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe

POST_COLUMNS = ("编号", "岗位", "类别", "月工资（元）", "在岗人员", "户编号", "上岗日期")
GRID_COLUMNS = ("岗位", "姓名", "在岗天数", "出勤天数", "考核", "备注", "应发（元）")


class PostDialog(QDialog):
    """设岗 / 修改岗位: kind, name, monthly pay in 元, duty (and, when changing the pay, why)."""

    def __init__(self, parent: QWidget | None = None, post: posts.PostInfo | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("修改公益岗位" if post else "设置公益岗位")
        self.kind = QComboBox()
        self.kind.addItems(POST_KINDS)
        self.name = QLineEdit()
        self.name.setPlaceholderText("如：护路员（一组）")
        self.pay = QLineEdit()
        self.pay.setPlaceholderText("每月工资，元，如 600")
        self.duty = QLineEdit()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("调整月工资时必填")
        if post is not None:
            self.kind.setCurrentText(post.kind)
            self.name.setText(post.name)
            self.pay.setText(f"{post.monthly_pay_fen / 100:.2f}")
            self.duty.setText(post.duty)
        form = QFormLayout(self)
        form.addRow("类别：", self.kind)
        form.addRow("岗位名称：", self.name)
        form.addRow("月工资（元）：", self.pay)
        form.addRow("岗位职责：", self.duty)
        if post is not None:
            form.addRow("修改理由：", self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict:
        return {
            "kind": self.kind.currentText(),
            "name": self.name.text(),
            "monthly_pay_fen": parse_yuan(self.pay.text(), "月工资", max_fen=limits.MONTHLY_FEN),
            "duty": self.duty.text(),
        }


class AssignDialog(QDialog):
    """上岗: one of the village's eligible members (those not eligible are listed with why, and cannot be chosen)."""

    def __init__(self, post: posts.PostInfo, people: list[posts.Candidate], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"安排“{post.name}”上岗人员")
        self.member = QComboBox()
        for c in people:
            if c.eligible and not c.holds:
                self.member.addItem(
                    f"{c.name}（{c.household}，{c.relation}，{c.age if c.age is not None else '?'}岁，{c.labour}）",
                    c.member_code,
                )
        not_ok = [c for c in people if not c.eligible][:8]
        note = QLabel(
            "不符合条件的人员（部分）：\n" + "\n".join(f"{c.name}：{'；'.join(c.reasons)}" for c in not_ok)
            if not_ok
            else ""
        )
        note.setWordWrap(True)
        self.start = QDateEdit(qdate_today())
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd")
        form = QFormLayout(self)
        form.addRow("人员：", self.member)
        form.addRow("上岗日期：", self.start)
        form.addRow(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class PostsPage(QWidget):
    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, *, present_print: Callable | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.present_print = present_print
        self.rows: list[posts.PostInfo] = []
        self.grid_rows: list[posts.AttendanceRow] = []
        self.paid: posts.RunInfo | None = None
        township = ctx.actor.can("household.edit") and ctx.actor.village_ids is None
        can_edit = ctx.actor.can("household.edit")

        self.village_box = QComboBox()
        self.village_box.setMinimumWidth(140)
        self.month_edit = QLineEdit(str(Month.of(clock.today()).previous()))
        self.month_edit.setMaximumWidth(90)
        self.month_edit.setToolTip("考核和发放的月份，如 2026-11")
        self.add_button = QPushButton("设岗…")
        self.edit_button = QPushButton("修改岗位…")
        self.assign_button = QPushButton("安排上岗…")
        self.end_button = QPushButton("离岗…")
        self.notice_button = QPushButton("打印公示")
        self.sheet_button = QPushButton("打印签领表")
        self.ledger_button = QPushButton("工资台账")
        self.excel_button = QPushButton("台账Excel…")
        self.summary = QLabel("正在读取……")

        self.table = QTableWidget(0, len(POST_COLUMNS))
        self.table.setHorizontalHeaderLabels(POST_COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.grid = QTableWidget(0, len(GRID_COLUMNS))
        self.grid.setHorizontalHeaderLabels(GRID_COLUMNS)
        self.grid.verticalHeader().setVisible(False)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.grid.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.grid_label = QLabel("")
        self.save_button = QPushButton("保存考核")
        self.pay_button = QPushButton("发放本月工资…")
        self.reverse_button = QPushButton("冲正发放…")
        self.findings = QListWidget()
        self.findings.setMaximumHeight(110)

        self._can = {
            self.add_button: township,
            self.edit_button: township,
            self.assign_button: township,
            self.end_button: township,
            self.save_button: can_edit,
            self.pay_button: township,
            self.reverse_button: township,
        }

        top = QHBoxLayout()
        for w in (QLabel("村："), self.village_box, QLabel("月份："), self.month_edit):
            top.addWidget(w)
        top.addStretch(1)
        for w in (
            self.add_button,
            self.edit_button,
            self.assign_button,
            self.end_button,
            self.notice_button,
            self.sheet_button,
            self.ledger_button,
            self.excel_button,
        ):
            top.addWidget(w)
        left = QVBoxLayout()
        left.addWidget(QLabel("本村公益岗位（湘阴办发〔2020〕8号：每村3—5个）："))
        left.addWidget(self.table, 1)
        right = QVBoxLayout()
        right.addWidget(self.grid_label)
        right.addWidget(self.grid, 1)
        steps = QHBoxLayout()
        for b in (self.save_button, self.pay_button, self.reverse_button):
            steps.addWidget(b)
        right.addLayout(steps)
        split = QSplitter()
        for part in (left, right):
            box = QWidget()
            box.setLayout(part)
            split.addWidget(box)
        split.setSizes([600, 700])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addWidget(QLabel("疑点："))
        layout.addWidget(self.findings)

        self.village_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.month_edit.editingFinished.connect(self.reload)
        self.table.currentCellChanged.connect(lambda *_a: self._enable())
        self.add_button.clicked.connect(self.ask_add)
        self.edit_button.clicked.connect(self.ask_edit)
        self.assign_button.clicked.connect(self.ask_assign)
        self.end_button.clicked.connect(self.ask_end)
        self.save_button.clicked.connect(self.save_attendance)
        self.pay_button.clicked.connect(self.ask_pay)
        self.reverse_button.clicked.connect(self.ask_reverse)
        self.notice_button.clicked.connect(self.print_notice)
        self.sheet_button.clicked.connect(self.print_sheet)
        self.ledger_button.clicked.connect(self.print_ledger)
        self.excel_button.clicked.connect(self.ask_excel)
        subscribe(ctx.ops, self, ("posts", "households", "monitoring", "plans", "settings"), self.reload)
        self._enable()
        self.ctx.ops.read(self, lambda db, actor: posts.village_names(db, actor), self._villages_read)

    # --- reading -------------------------------------------------------------------------------------

    @property
    def village(self) -> str | None:
        return self.village_box.currentData()

    @property
    def month(self) -> str:
        return self.month_edit.text().strip()

    def _villages_read(self, names: list[str]) -> None:
        current = self.village
        self.village_box.blockSignals(True)
        self.village_box.clear()
        for name in names:
            self.village_box.addItem(name, name)
        self.village_box.setCurrentIndex(max(self.village_box.findData(current), 0))
        self.village_box.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        village, month = self.village, self.month
        if not village:
            self.summary.setText("没有可查看的村。")
            return

        def read(db, actor):
            try:
                month_ok = posts.parse_month(month)
            except InputRejected:
                month_ok = None
            return (
                posts.posts(db, actor, village),
                posts.attendance(db, actor, village, month_ok) if month_ok else [],
                posts.paid_run(db, actor, village, month_ok) if month_ok else None,
                posts.findings(db, actor, village),
                month_ok,
            )

        self.ctx.ops.read(self, read, lambda got: self._shown(village, month, got))

    def _shown(self, village: str, month: str, got) -> None:
        if (village, month) != (self.village, self.month):
            return  # the choice changed while this was read
        found, grid, paid, said, month_ok = got
        keep = self.current_post_id()
        self.rows, self.grid_rows, self.paid = found, grid, paid
        self.table.setRowCount(len(found))
        for r, p in enumerate(found):
            h = p.holder
            cells = (
                str(p.id),
                p.name,
                p.kind,
                yuan(p.monthly_pay_fen),
                h.name if h else "（空缺）",
                h.household if h else "",
                f"{h.start_on:%Y-%m-%d}" if h else "",
            )
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        row = next((i for i, p in enumerate(found) if p.id == keep), -1)
        if row >= 0:
            self.table.selectRow(row)
        held = sum(1 for p in found if p.holder)
        self.summary.setText(f"{village}：公益岗位{len(found)}个，在岗{held}人。")
        self._fill_grid(grid)
        if month_ok is None:
            self.grid_label.setText(f"月份“{month}”应写成年-月，如 2026-11")
        elif paid is not None:
            self.grid_label.setText(
                f"{posts.cn_month(month_ok)}考核：已发放（第{paid.id}号，{paid.people}人，"
                f"合计{yuan(paid.total_fen)}元，{clock.cn_date(paid.paid_on)}）"
            )
        else:
            total = sum(r.pay_fen or 0 for r in grid)
            self.grid_label.setText(f"{posts.cn_month(month_ok)}考核：未发放，按已录考核应发{yuan(total)}元")
        self.findings.clear()
        for f in said:
            self.findings.addItem(f"[{f.rule_name}] {f.message}")
        if not said:
            self.findings.addItem("没有疑点。")
        self._enable()

    def _fill_grid(self, grid: list[posts.AttendanceRow]) -> None:
        self.grid.setRowCount(len(grid))
        for r, a in enumerate(grid):
            for c, text in ((0, a.post), (1, a.name), (2, str(a.days_held))):
                self.grid.setItem(r, c, QTableWidgetItem(text))
            days = QSpinBox()
            days.setRange(0, a.days_held)
            days.setValue(a.days_worked if a.days_worked is not None else a.days_held)
            result = QComboBox()
            result.addItems(RESULTS)
            if a.result:
                result.setCurrentText(a.result)
            note = QLineEdit(a.note)
            for w in (days, result, note):
                w.setEnabled(self.paid is None)  # a paid month's 考核 stays as paid (冲正 first)
            self.grid.setCellWidget(r, 3, days)
            self.grid.setCellWidget(r, 4, result)
            self.grid.setCellWidget(r, 5, note)
            pay = yuan(a.pay_fen) if a.pay_fen is not None else "未录考核"
            self.grid.setItem(r, 6, QTableWidgetItem(pay))

    def current_post_id(self) -> int | None:
        post = self.current_post()
        return post.id if post else None

    def current_post(self) -> posts.PostInfo | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _enable(self) -> None:
        post = self.current_post()
        paid = self.paid is not None
        allowed = {
            self.add_button: bool(self.village),
            self.edit_button: post is not None,
            self.assign_button: post is not None and post.holder is None,
            self.end_button: post is not None and post.holder is not None,
            self.save_button: bool(self.grid_rows) and not paid,
            self.pay_button: bool(self.grid_rows) and not paid,
            self.reverse_button: paid,
        }
        for button, ok in allowed.items():
            button.setEnabled(ok and self._can[button])

    # --- writes, one button one transaction ----------------------------------------------------------

    def _write(self, fn, done_text: str, busy: QWidget, title: str) -> None:
        self.ctx.ops.write(
            self, fn, ("posts",), lambda _r: self.summary.setText(done_text), title=title, busy=busy
        )

    def add_post(self, values: dict) -> None:
        village = self.village
        self._write(
            lambda db, actor: posts.add_post(db, actor, village, **values),
            f"已设置公益岗位“{values.get('name') or values['kind']}”。",
            self.add_button,
            "未设岗",
        )

    def ask_add(self) -> None:
        dialog = PostDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                values = dialog.values()
            except InputRejected as exc:
                show_error(self, exc, "未设岗")
                return
            self.add_post(values)

    def update_post(self, post_id: int, values: dict, reason: str) -> None:
        self._write(
            lambda db, actor: posts.update_post(db, actor, post_id, **values, reason=reason),
            "已修改公益岗位。",
            self.edit_button,
            "未修改",
        )

    def ask_edit(self) -> None:
        post = self.current_post()
        if post is None:
            return
        dialog = PostDialog(self, post)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                values = dialog.values()
            except InputRejected as exc:
                show_error(self, exc, "未修改")
                return
            changed = {
                k: v
                for k, v in values.items()
                if v != {"kind": post.kind, "name": post.name, "monthly_pay_fen": post.monthly_pay_fen,
                         "duty": post.duty}[k]
            }  # fmt: skip
            self.update_post(post.id, changed, dialog.reason.text())

    def assign(self, post_id: int, member_code: str, start) -> None:
        self._write(
            lambda db, actor: posts.assign(db, actor, post_id, member_code, start_on=start),
            "已安排上岗。",
            self.assign_button,
            "未能上岗",
        )

    def ask_assign(self) -> None:
        post, village = self.current_post(), self.village
        if post is None or not village:
            return

        def chosen(people: list[posts.Candidate]) -> None:
            dialog = AssignDialog(post, people, self)
            if dialog.exec() == QDialog.DialogCode.Accepted and dialog.member.currentData():
                self.assign(post.id, dialog.member.currentData(), dialog.start.date().toPython())

        self.ctx.ops.read(self, lambda db, actor: posts.candidates(db, actor, village), chosen)

    def end(self, post_id: int, reason: str, end_on=None) -> None:
        self._write(
            lambda db, actor: posts.end_holding(db, actor, post_id, reason, end_on=end_on),
            "已办理离岗。",
            self.end_button,
            "未能离岗",
        )

    def ask_end(self) -> None:
        post = self.current_post()
        if post is None or post.holder is None:
            return
        reason, ok = QInputDialog.getText(
            self, "离岗", f"{post.holder.name}离开“{post.name}”的原因（离岗日期为今天）："
        )
        if ok:
            self.end(post.id, reason)

    def entries(self) -> list[AttendanceEntry]:
        out = []
        for r, a in enumerate(self.grid_rows):
            days = self.grid.cellWidget(r, 3)
            result = self.grid.cellWidget(r, 4)
            note = self.grid.cellWidget(r, 5)
            out.append(AttendanceEntry(a.holding_id, days.value(), result.currentText(), note.text()))
        return out

    def save_attendance(self) -> None:
        village, month, entries = self.village, self.month, self.entries()
        if not village or not entries:
            return
        self._write(
            lambda db, actor: posts.record_attendance(db, actor, village, month, entries),
            f"已保存{len(entries)}人的考核。",
            self.save_button,
            "考核未保存",
        )

    def pay(self) -> None:
        village, month = self.village, self.month
        self._write(
            lambda db, actor: posts.pay_month(db, actor, village, month),
            f"已发放{posts.cn_month(month)}公益岗位工资，请打印签领表请在岗人员签字。",
            self.pay_button,
            "发放失败",
        )

    def ask_pay(self) -> None:
        """The confirmation shows who and how much before anything is written."""
        village, month = self.village, self.month
        if not village:
            return

        def confirm(got) -> None:
            people, total, missing = got
            if missing:
                show_error(self, InputRejected(f"以下人员还没有保存考核：{'、'.join(missing)}"), "不能发放")
                return
            answer = QMessageBox.question(
                self,
                "确认发放",
                f"发放{village}{posts.cn_month(month)}公益岗位工资：{people}人，合计{yuan(total)}元。\n"
                "同一月份只能发放一次，确认发放吗？",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.pay()

        self.ctx.ops.read(self, lambda db, actor: posts.preview_pay(db, actor, village, month), confirm)

    def reverse(self, reason: str) -> None:
        if self.paid is None:
            return
        rid = self.paid.id
        self._write(
            lambda db, actor: posts.reverse(db, actor, rid, reason),
            f"已冲正第{rid}号发放，可修改考核后重新发放。",
            self.reverse_button,
            "未能冲正",
        )

    def ask_reverse(self) -> None:
        if self.paid is None:
            return
        reason, ok = QInputDialog.getText(self, "冲正发放", f"冲正第{self.paid.id}号发放的理由：")
        if ok:
            self.reverse(reason)

    # --- papers --------------------------------------------------------------------------------------

    def print_notice(self) -> None:
        village = self.village
        if self.present_print is None or not village:
            return
        self.present_print(
            f"公益岗位公示-{village}.pdf",
            lambda db, actor, out: post_reports.posts_notice(db, actor, village, out),
            "公益岗位公示",
        )

    def print_sheet(self) -> None:
        village, month = self.village, self.month
        if self.present_print is None or not village:
            return
        self.present_print(
            f"公益岗位签领表-{village}-{month}.pdf",
            lambda db, actor, out: post_reports.sign_sheet(db, actor, village, month, out),
            "公益岗位工资签领表",
        )

    def _year(self) -> int:
        try:
            return Month.parse(self.month).year
        except InputRejected:
            return clock.today().year

    def print_ledger(self) -> None:
        village, year = self.village, self._year()
        if self.present_print is None or not village:
            return
        self.present_print(
            f"公益岗位工资台账-{village}-{year}.pdf",
            lambda db, actor, out: post_reports.wage_ledger(db, actor, out, village=village, year=year),
            "公益岗位工资台账",
        )

    def save_excel(self, path: str) -> None:
        village, year = self.village, self._year()
        self.ctx.ops.read(
            self,
            lambda db, actor: post_reports.wage_ledger(
                db, actor, path, village=village, year=year, xlsx=True
            ),
            lambda _r: self.summary.setText(f"已保存到 {path}"),
            title="保存失败",
        )

    def ask_excel(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "公益岗位工资台账", "公益岗位工资台账.xlsx", "Excel 文件 (*.xlsx)"
        )
        if path:
            self.save_excel(path)
