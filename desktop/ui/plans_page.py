"""帮扶计划 area: per village the card colours of the year and the archive copies that are complete, and the
households whose data disagree with their colour (double-click opens the household)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.services import archives, plans
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error
from desktop.ui.tasks import run_task


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


class PlansPage(QWidget):
    open_household = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2014, 2100)
        self.year_spin.setValue(clock.today().year)
        self.year_spin.setSuffix(" 年度")
        self.refresh_button = QPushButton("刷新")
        self.status = QLabel()
        copies = archives.copies(ctx.db)
        self.copy_names = [name for _, name in copies]
        self.villages = _table(
            [
                "行政村",
                "户数",
                "红卡",
                "黄卡",
                "绿卡",
                "蓝卡",
                "未定",
                *[f"{n}齐全" for n in self.copy_names],
                "本年走访",
            ]
        )
        self.disagree = _table(["户编号", "户主", "行政村", "现卡色", "建议", "依据"])
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>各村卡色与档案</b>"))
        top.addStretch(1)
        top.addWidget(self.year_spin)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.villages, 2)
        layout.addWidget(QLabel("<b>卡色与数据不一致（或尚未确定卡色）的农户</b>　双击打开该户"))
        layout.addWidget(self.disagree, 3)
        layout.addWidget(self.status)
        self.refresh_button.clicked.connect(self.reload)
        self.year_spin.valueChanged.connect(lambda _y: self.reload())
        self.disagree.cellDoubleClicked.connect(
            lambda r, _c: self.open_household.emit(self.disagree.item(r, 0).text())
        )
        self._task = None

    def reload(self) -> None:
        db, actor, year = self.ctx.db, self.ctx.actor, self.year_spin.value()
        self.status.setText("正在统计……")

        def work(_progress):  # noqa: ANN001, ANN202
            return plans.overview(db, actor, year), plans.disagreements(db, actor, year)

        self._task = run_task(work, on_success=self._show, on_failure=self._failed, parent=self)

    def _failed(self, exc: Exception) -> None:
        self.status.setText("统计失败。")
        show_error(self, exc, "统计失败")

    def _show(self, result) -> None:  # noqa: ANN001
        rows, found = result
        self.villages.setRowCount(len(rows))
        for r, v in enumerate(rows):
            values = [
                v.village,
                str(v.households),
                *[str(v.colours[k]) for k in ("red", "yellow", "green", "blue", "")],
                *[f"{n}/{v.households}" for n in v.complete.values()],
                str(v.visits),
            ]
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if 2 <= c <= 5 and text != "0":
                    item.setForeground(
                        QBrush(QColor(plans.COLOUR_HEX[("red", "yellow", "green", "blue")[c - 2]]))
                    )
                self.villages.setItem(r, c, item)
        self.disagree.setRowCount(len(found))
        for r, d in enumerate(found):
            values = [
                d.code,
                d.head,
                d.village,
                plans.COLOUR_NAMES.get(d.colour or "", "未定"),
                plans.COLOUR_NAMES[d.suggested],
                d.basis,
            ]
            for c, text in enumerate(values):
                self.disagree.setItem(r, c, QTableWidgetItem(text))
        self.status.setText(f"{self.year_spin.value()}年：{len(found)}户卡色需要核实。")
