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
from desktop.services import households, ratings
from desktop.services.errors import ServiceError
from desktop.services.ratings import RoundInfo
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error

STAR = "★"
EARNED = QColor("#fde8a6")


class StarGrid(QTableWidget):
    """Space toggles the star under the cursor; the page saves it."""

    def __init__(self, page: RatingPage) -> None:
        super().__init__()
        self.page = page
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
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
        self.reload()

    def reload(self) -> None:
        self.village_box.clear()
        for v in households.villages(self.ctx.db, self.ctx.actor):
            self.village_box.addItem(f"{v.township}{v.name}", v.qualified)
        self._rounds()

    def _rounds(self, select: int | None = None) -> None:
        self.round_box.blockSignals(True)
        self.round_box.clear()
        for rid, village, period, state in ratings.list_rounds(self.ctx.db, self.ctx.actor):
            self.round_box.addItem(f"#{rid} {village} {period}（{state}）", rid)
        if select is not None:
            self.round_box.setCurrentIndex(self.round_box.findData(select))
        self.round_box.blockSignals(False)
        self.load()

    def _try(self, fn) -> bool:  # noqa: ANN001
        try:
            fn()
        except ServiceError as exc:
            show_error(self, exc)
            return False
        return True

    def new_round(self) -> None:
        created: list[int] = []
        if self._try(
            lambda: created.append(
                ratings.create_round(
                    self.ctx.db, self.ctx.actor, self.village_box.currentData(), self.period_edit.text()
                )
            )
        ):
            self._rounds(select=created[0])
            self.grid.setFocus()
            self.grid.setCurrentCell(0, self.FIRST_STAR_COLUMN)

    def load(self) -> None:
        rid = self.round_box.currentData()
        self.info = ratings.round_info(self.ctx.db, self.ctx.actor, rid) if rid else None
        info = self.info
        self.grid.clear()
        if info is None:
            self.grid.setRowCount(0)
            self.status.setText("请新建一次评定。")
            return
        headers = ["户主", "组"] + [f"{s.name}\n{s.points}分" for s in info.stars] + ["星数", "积分"]
        self.grid.setColumnCount(len(headers))
        self.grid.setHorizontalHeaderLabels(headers)
        self.grid.setRowCount(len(info.rows))
        for i, row in enumerate(info.rows):
            self._fill_row(i, row.stars, row.points, row.head_name, row.group)
        self.grid.resizeColumnsToContents()
        self._status()
        self.publish_button.setEnabled(info.state == "draft")
        self.confirm_button.setEnabled(info.state == "published")
        self.notice_button.setEnabled(info.state != "draft")
        self._objections()

    def _fill_row(
        self, i: int, earned: list[str], pts: int, head: str | None = None, group: str | None = None
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
        self.grid.setItem(i, self.FIRST_STAR_COLUMN + n + 1, QTableWidgetItem(str(pts)))

    def _status(self) -> None:
        info = self.info
        rated = sum(1 for r in info.rows if r.stars)
        period = (
            f"，公示期 {info.notice_start:%Y-%m-%d} 至 {info.notice_end:%Y-%m-%d}"
            if info.notice_start
            else ""
        )
        objections = f"，未处理异议 {info.open_objections} 条" if info.open_objections else ""
        self.status.setText(
            f"{info.village} {info.period}：{info.state_name}{period}；已评 {rated}/{len(info.rows)} 户，"
            f"合计 {info.total_points} 分{objections}。"
            + ("积分在确认后才记入农户账户。" if info.state != "confirmed" else "积分已记入农户账户。")
        )

    def toggle(self, row: int, column: int) -> None:
        info = self.info
        star_index = column - self.FIRST_STAR_COLUMN
        if info is None or not 0 <= star_index < len(info.stars) or not 0 <= row < len(info.rows):
            return
        current = info.rows[row]
        name = info.stars[star_index].name
        earned = [s for s in current.stars if s != name] if name in current.stars else current.stars + [name]
        result: list[int] = []
        if not self._try(
            lambda: result.append(
                ratings.set_stars(self.ctx.db, self.ctx.actor, info.id, current.code, earned)
            )
        ):
            return
        ordered = [s.name for s in info.stars if s.name in earned]
        info.rows[row] = type(current)(
            current.household_id, current.code, current.head_name, current.group, ordered, result[0]
        )
        self._fill_row(row, ordered, result[0])
        self.info = RoundInfo(
            info.id,
            info.village,
            info.township,
            info.period,
            info.state,
            info.stars,
            info.rows,
            info.notice_start,
            info.notice_end,
            info.open_objections,
            info.cap_points,
        )
        self._status()

    def publish(self) -> None:
        if self.info and self._try(
            lambda: ratings.publish(self.ctx.db, self.ctx.actor, self.info.id, days=self.days_spin.value())
        ):
            self._rounds(select=self.info.id)

    def confirm(self) -> None:
        if self.info and self._try(lambda: ratings.confirm(self.ctx.db, self.ctx.actor, self.info.id)):
            self._rounds(select=self.info.id)

    def _objections(self) -> None:
        info = self.info
        self.objection_box.clear()
        published = info is not None and info.state == "published"
        for w in (self.objection_text, self.objection_by, self.object_button):
            w.setEnabled(published)
        if info is None:
            return
        for o in ratings.objections(self.ctx.db, self.ctx.actor, info.id):
            if o.open:
                self.objection_box.addItem(f"#{o.id} {o.head_name}：{o.text}", o.id)
        self.resolve_button.setEnabled(self.objection_box.count() > 0)

    def raise_objection(self) -> None:
        info, row = self.info, self.grid.currentRow()
        if info is None or row < 0:
            return
        household = info.rows[row].code
        if self._try(
            lambda: ratings.object_to(
                self.ctx.db,
                self.ctx.actor,
                info.id,
                household,
                self.objection_text.text(),
                raised_by=self.objection_by.text(),
            )
        ):
            self.objection_text.clear()
            self.objection_by.clear()
            self.load()

    def resolve_objection(self) -> None:
        objection = self.objection_box.currentData()
        if objection is not None and self._try(
            lambda: ratings.resolve_objection(
                self.ctx.db, self.ctx.actor, objection, self.outcome_edit.text()
            )
        ):
            self.outcome_edit.clear()
            self.load()

    def ask_notice(self) -> None:
        if self.info is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "星级评定公示", f"{self.info.village}{self.info.period}星级评定公示.pdf", "PDF 文件 (*.pdf)"
        )
        if path:
            self._try(lambda: ratings.star_notice(self.ctx.db, self.ctx.actor, self.info.id, path))
