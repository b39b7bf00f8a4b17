"""星级积分: rating rounds per village, entered on a keyboard-driven grid (households × stars): arrows move,
Space toggles a star (saved at once), then publish, settle objections, confirm."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.errors import Refused
from desktop.services.households import households
from desktop.services.ratings import ratings
from desktop.services.ratings.ratings import RoundInfo
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe

STAR = "★"
EARNED = QColor("#fde8a6")


class StarGrid(QTableWidget):
    """Space toggles the star under the cursor; the page saves it."""

    def __init__(self, page: RatingPage) -> None:
        super().__init__()
        self.page = page
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Asterisk):
            self.page.toggle(self.currentRow(), self.currentColumn())
            return
        super().keyPressEvent(event)


class RatingPage(QWidget):
    FIRST_STAR_COLUMN = 2

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.info: RoundInfo | None = None
        self.round_box = QComboBox()
        self.round_box.setMinimumContentsLength(22)
        self.round_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.village_box = QComboBox()
        self.period_edit = QLineEdit(f"{clock.today().year}年{clock.today().month}月")
        self.new_button = QPushButton("新建评定")
        self.days_spin = QSpinBox()
        self.days_spin.setRange(5, 30)  # the range the notice.days setting allows
        self.days_spin.setValue(7)
        self.days_spin.setSuffix(" 天")
        self.publish_button = QPushButton("公示")
        self.notice_button = QPushButton("打印公示…")
        self.confirm_button = QPushButton("确认并记入积分")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.grid = StarGrid(self)
        self.objection_text = QLineEdit()
        self.objection_text.setPlaceholderText("异议内容（针对表格中选中的那一户），如：户容整洁一项不属实")
        self.objection_by = QLineEdit()
        self.objection_by.setPlaceholderText("提出人（可不填）")
        self.object_button = QPushButton("登记异议")
        self.objection_box = QComboBox()
        self.outcome_edit = QLineEdit()
        self.outcome_edit.setPlaceholderText("处理结果，如：经复核属实，已去掉该星")
        self.resolve_button = QPushButton("记录处理结果")
        new_row = QHBoxLayout()
        for w in (QLabel("村："), self.village_box, QLabel("期间："), self.period_edit, self.new_button):
            new_row.addWidget(w)
        new_row.addStretch(1)
        round_row = QHBoxLayout()
        for w in (
            QLabel("评定批次："),
            self.round_box,
            QLabel("公示天数："),
            self.days_spin,
            self.publish_button,
            self.notice_button,
            self.confirm_button,
        ):
            round_row.addWidget(w)
        round_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(new_row)
        layout.addLayout(round_row)
        layout.addWidget(QLabel("方向键移动，空格键点亮/取消一颗星（随即保存）。"))
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.status)
        raise_row = QHBoxLayout()
        for w in (QLabel("异议："), self.objection_text, self.objection_by, self.object_button):
            raise_row.addWidget(w)
        settle_row = QHBoxLayout()
        for w in (QLabel("未处理："), self.objection_box, self.outcome_edit, self.resolve_button):
            settle_row.addWidget(w)
        layout.addLayout(raise_row)
        layout.addLayout(settle_row)
        self.new_button.clicked.connect(self.new_round)
        self.round_box.currentIndexChanged.connect(lambda _i: self.load())
        self.publish_button.clicked.connect(self.publish)
        self.confirm_button.clicked.connect(self.confirm)
        self.notice_button.clicked.connect(self.ask_notice)
        self.object_button.clicked.connect(self.raise_objection)
        self.resolve_button.clicked.connect(self.resolve_objection)
        self._villages: dict[str, tuple[str, str]] = {}  # qualified name → (township, village)
        self._own_toggle = False  # a star saved here needs no reload of the whole grid
        self._note: tuple[int, str] | None = None  # (round, a word about it shown before its status)
        subscribe(ctx.ops, self, ("households", "ratings", "settings"), self._changed)
        self.reload()

    def _changed(self) -> None:
        if self._own_toggle:
            self._own_toggle = False
            return
        self.reload()

    def reload(self) -> None:
        """Villages and rounds in one read; the round shown stays shown."""

        def read(db, actor):
            return households.villages(db, actor), ratings.list_rounds(db, actor)

        self.ctx.ops.read(self, read, self._reloaded, title="无法读取评定")

    def _reloaded(self, result) -> None:
        villages, rounds = result
        current = self.village_box.currentData()
        self.village_box.blockSignals(True)
        self.village_box.clear()
        self._villages = {}
        for v in villages:
            self.village_box.addItem(f"{v.township}{v.name}", v.qualified)
            self._villages[v.qualified] = (v.township, v.name)
        self.village_box.setCurrentIndex(max(self.village_box.findData(current), 0))
        self.village_box.blockSignals(False)
        self._fill_rounds(rounds, self.round_box.currentData())

    def _fill_rounds(self, rounds, select: int | None, then=None) -> None:
        self.round_box.blockSignals(True)
        self.round_box.clear()
        for rid, village, period, state in rounds:
            self.round_box.addItem(f"#{rid} {village} {period}（{state}）", rid)
        if select is not None and self.round_box.findData(select) >= 0:
            self.round_box.setCurrentIndex(self.round_box.findData(select))
        self.round_box.blockSignals(False)
        self.load(then)

    def _rounds(self, select: int | None = None, then=None) -> None:
        def shown(rounds) -> None:
            self._fill_rounds(rounds, select, then)

        self.ctx.ops.read(self, ratings.list_rounds, shown, title="无法读取评定")

    def new_round(self) -> None:
        """A new round — or, when the village already has one for that period, that round opened."""
        village, period = self.village_box.currentData(), self.period_edit.text().strip()
        if village is None:
            return
        where = self._villages.get(village)

        def work(db, actor):
            try:
                return ratings.create_round(db, actor, village, period), False
            except Refused:
                for rid, name, p, _state in ratings.list_rounds(db, actor):
                    if p == period and where is not None and name == where[1]:
                        info = ratings.round_info(db, actor, rid)
                        if info.township == where[0]:
                            return rid, True
                raise

        def done(result) -> None:
            rid, existed = result

            if existed:  # said until another round is shown: reloads after the write must not wipe it
                self._note = (rid, "这个村这一期的评定已经建立，已为您打开。")

            def focus() -> None:
                self.grid.setFocus()
                self.grid.setCurrentCell(0, self.FIRST_STAR_COLUMN)

            self._rounds(select=rid, then=focus)

        self.ctx.ops.write(self, work, ("ratings",), done, title="无法新建评定", busy=self.new_button)

    def load(self, then=None) -> None:
        """The chosen round and its open objections, read together."""
        rid = self.round_box.currentData()

        def read(db, actor):
            if not rid:
                return None, []
            return ratings.round_info(db, actor, rid), ratings.objections(db, actor, rid)

        def shown(result) -> None:
            if rid != self.round_box.currentData():
                return  # another round was chosen meanwhile; its own read fills the grid
            self._show_round(*result)
            if then is not None:
                then()

        self.ctx.ops.read(self, read, shown, title="无法读取评定")

    def _show_round(self, info: RoundInfo | None, objections) -> None:
        self.info = info
        row, column = self.grid.currentRow(), self.grid.currentColumn()
        self.grid.clear()
        if info is None:
            self.grid.setRowCount(0)
            self.status.setText("请新建一次评定。")
            for w in (self.publish_button, self.confirm_button, self.notice_button):
                w.setEnabled(False)
            self._objections(None, [])
            return
        headers = ["户主", "组"] + [f"{s.name}\n{s.points}分" for s in info.stars] + ["星数", "积分"]
        self.grid.setColumnCount(len(headers))
        self.grid.setHorizontalHeaderLabels(headers)
        self.grid.setRowCount(len(info.rows))
        for i, r in enumerate(info.rows):
            self._fill_row(i, r.stars, r.points, r.head_name, r.group)
        self.grid.resizeColumnsToContents()
        if 0 <= row < len(info.rows) and column >= 0:
            self.grid.setCurrentCell(row, column)
        self._status()
        self.publish_button.setEnabled(info.state == "draft")
        self.confirm_button.setEnabled(info.state == "published")
        self.notice_button.setEnabled(info.state != "draft")
        self._objections(info, objections)

    def _fill_row(
        self, i: int, earned: list[str], pts: int | None, head: str | None = None, group: str | None = None
    ) -> None:
        info = self.info
        if head is not None:
            self.grid.setItem(i, 0, QTableWidgetItem(head))
            self.grid.setItem(i, 1, QTableWidgetItem(group))
        for j, star in enumerate(info.stars):
            item = QTableWidgetItem(STAR if star.name in earned else "")
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if star.name in earned:
                item.setBackground(QBrush(EARNED))
            self.grid.setItem(i, self.FIRST_STAR_COLUMN + j, item)
        n = len(info.stars)
        self.grid.setItem(i, self.FIRST_STAR_COLUMN + n, QTableWidgetItem(str(len(earned))))
        self.grid.setItem(
            i, self.FIRST_STAR_COLUMN + n + 1, QTableWidgetItem("…" if pts is None else str(pts))
        )

    def _status(self) -> None:
        info = self.info
        rated = sum(1 for r in info.rows if r.stars)
        period = (
            f"，公示期 {info.notice_start:%Y-%m-%d} 至 {info.notice_end:%Y-%m-%d}"
            if info.notice_start
            else ""
        )
        objections = f"，未处理异议 {info.open_objections} 条" if info.open_objections else ""
        total = sum(r.points for r in info.rows)
        note = self._note[1] if self._note and self._note[0] == info.id else ""
        self.status.setText(
            note
            + f"{info.village} {info.period}：{info.state_name}{period}；已评 {rated}/{len(info.rows)} 户，"
            f"合计 {total} 分{objections}。"
            + ("积分在确认后才记入农户账户。" if info.state != "confirmed" else "积分已记入农户账户。")
        )

    def _replace_row(self, row: int, stars: list[str], pts: int) -> None:
        current = self.info.rows[row]
        self.info.rows[row] = type(current)(
            current.household_id, current.code, current.head_name, current.group, stars, pts
        )

    def toggle(self, row: int, column: int) -> None:
        """Shown at once, saved in order on the write lane: fast typing never reads a stale row."""
        info = self.info
        star_index = column - self.FIRST_STAR_COLUMN
        if info is None or not 0 <= star_index < len(info.stars) or not 0 <= row < len(info.rows):
            return
        current = info.rows[row]
        name = info.stars[star_index].name
        wanted = [s for s in current.stars if s != name] if name in current.stars else current.stars + [name]
        ordered = [s.name for s in info.stars if s.name in wanted]
        self._replace_row(row, ordered, current.points)
        self._fill_row(row, ordered, None)
        round_id, code = info.id, current.code

        def saved(points: int) -> None:
            if self.info is info and info.rows[row].stars == ordered:
                self._replace_row(row, ordered, points)
                self._fill_row(row, ordered, points)
                self._status()
            self._own_toggle = True  # the change signal follows at once

        def refused(exc: Exception) -> None:
            show_error(self, exc, "未保存")
            self.load()  # back to what is stored

        self.ctx.ops.write(
            self,
            lambda db, actor: ratings.set_stars(db, actor, round_id, code, ordered),
            ("ratings",),
            saved,
            on_failure=refused,
        )

    def publish(self) -> None:
        if self.info is None:
            return
        rid, days = self.info.id, self.days_spin.value()
        self.ctx.ops.write(
            self,
            lambda db, actor: ratings.publish(db, actor, rid, days=days),
            ("ratings", "points"),
            title="无法公示",
            busy=self.publish_button,
        )

    def confirm(self) -> None:
        if self.info is None:
            return
        rid = self.info.id
        self.ctx.ops.write(
            self,
            lambda db, actor: ratings.confirm(db, actor, rid),
            ("ratings", "points"),
            title="无法确认",
        )

    def _objections(self, info: RoundInfo | None, objections) -> None:
        self.objection_box.clear()
        published = info is not None and info.state == "published"
        for w in (self.objection_text, self.objection_by, self.object_button):
            w.setEnabled(published)
        for o in objections:
            if o.open:
                self.objection_box.addItem(f"#{o.id} {o.head_name}：{o.text}", o.id)
        self.resolve_button.setEnabled(self.objection_box.count() > 0)

    def raise_objection(self) -> None:
        info, row = self.info, self.grid.currentRow()
        if info is None or row < 0:
            return
        rid, household = info.id, info.rows[row].code
        text, by = self.objection_text.text(), self.objection_by.text()

        def done(_r) -> None:
            self.objection_text.clear()
            self.objection_by.clear()

        self.ctx.ops.write(
            self,
            lambda db, actor: ratings.object_to(db, actor, rid, household, text, raised_by=by),
            ("ratings",),
            done,
            title="无法登记异议",
            busy=self.object_button,
        )

    def resolve_objection(self) -> None:
        objection = self.objection_box.currentData()
        if objection is None:
            return
        outcome = self.outcome_edit.text()
        self.ctx.ops.write(
            self,
            lambda db, actor: ratings.resolve_objection(db, actor, objection, outcome),
            ("ratings",),
            lambda _r: self.outcome_edit.clear(),
            title="无法记录处理结果",
            busy=self.resolve_button,
        )

    def ask_notice(self) -> None:
        if self.info is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "星级评定公示", f"{self.info.village}{self.info.period}星级评定公示.pdf", "PDF 文件 (*.pdf)"
        )
        if path:
            self.save_notice(path)

    def save_notice(self, path: str) -> None:
        rid = self.info.id
        self.ctx.ops.read(
            self,
            lambda db, actor: ratings.star_notice(db, actor, rid, path),
            lambda _r: self.status.setText(f"公示已保存到 {path}"),
            title="无法生成公示",
        )
