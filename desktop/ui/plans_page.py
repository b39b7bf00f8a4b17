"""帮扶计划 area: per village the card colours of the year and the archive copies that are complete, the
households whose data disagree with their colour, and the 疑似漏评 / 疑似返贫 list (double-click opens the
household). A year without its income standard says so instead of guessing one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.services import child
from desktop.services.archives import archives
from desktop.services.plans import plans
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe
from desktop.ui.tables import RowsTable, fit_to_contents
from desktop.vocabulary import COLOUR_HEX, COLOUR_NAMES

VILLAGE_HEADERS = ["行政村", "户数", "红卡", "黄卡", "绿卡", "蓝卡", "未定"]


SHOWN_ROWS = 500  # rows a table lists; the status line gives the whole count


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().hide()
    fit_to_contents(t.horizontalHeader())
    t.horizontalHeader().setStretchLastSection(True)
    return t


def read_page(db, actor, year: int, shown: int):
    """What the page shows, read in the reader process (desktop.services.child.read). Only what the page shows
    is returned: the first `shown` rows (SHOWN_ROWS, as the window reads it) and the counts."""
    standard, offer = plans.threshold_status(db, year)
    suspects = plans.suspects(db, actor, year) if standard is not None else []
    disagree = plans.disagreements(db, actor, year)
    missed = sum(x.finding == plans.MISSED for x in suspects)
    relapsed = sum(x.finding == plans.RELAPSED for x in suspects)
    return (
        archives.copies(db),
        plans.overview(db, actor, year),
        (len(disagree), disagree[:shown]),
        (len(suspects), missed, relapsed, suspects[:shown]),
        standard,
        offer,
    )


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
        self.copy_names: list[str] = []  # the archive copies, read with the counts
        self.villages = _table([*VILLAGE_HEADERS, "本年走访"])
        self.disagree = RowsTable(["户编号", "户主", "行政村", "现卡色", "建议", "依据"])
        self.suspects = RowsTable(
            ["户编号", "户主", "行政村", "疑点", "人均纯收入（元）", "贫困线（元）", "户类型"]
        )
        self.standard = QLabel()
        self.standard.setWordWrap(True)
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
        layout.addWidget(QLabel("<b>疑似漏评（应纳尽纳）、疑似返贫的农户</b>　双击打开该户"))
        layout.addWidget(self.suspects, 2)
        layout.addWidget(self.standard)
        layout.addWidget(self.status)
        self.refresh_button.clicked.connect(self.reload)
        self.year_spin.valueChanged.connect(lambda _y: self.reload())
        for table in (self.disagree, self.suspects):
            table.cellDoubleClicked.connect(
                lambda r, _c, t=table: self.open_household.emit(t.item(r, 0).text())
            )
        self._generation = 0
        subscribe(ctx.ops, self, ("plans", "archives", "households", "settings"), self.reload)

    def reload(self) -> None:
        year = self.year_spin.value()
        self._generation += 1
        generation = self._generation
        self.status.setText("正在统计……")

        def shown(result) -> None:
            if generation == self._generation:  # a later year or refresh is on its way
                self._show(year, result)

        def failed(exc: Exception) -> None:
            if generation == self._generation:
                self.status.setText("统计失败。")
            show_error(self, exc, "统计失败")  # on_failure replaces the ops' own message

        # in the reader process: 4–6 s of Python at county scale, which here would hold the GIL against every
        # repaint of the window (docs/performance.md)
        self.ctx.ops.read(
            self,
            lambda db, actor: child.read(db, actor, read_page, year, SHOWN_ROWS),
            shown,
            on_failure=failed,
            title="统计失败",
        )

    def _show(self, year: int, result) -> None:
        copies, rows, found, suspects, standard, offer = result
        self.copy_names = [name for _, name in copies]
        headers = [*VILLAGE_HEADERS, *[f"{n}齐全" for n in self.copy_names], "本年走访"]
        self.villages.setColumnCount(len(headers))
        self.villages.setHorizontalHeaderLabels(headers)
        self.standard.setText(
            f"收入标准：{standard.text}（{standard.source}）"
            if standard is not None
            else f"<b style='color:{COLOUR_HEX['red']}'>{plans.missing_text(year, offer)}</b>"
        )
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
                    item.setForeground(QBrush(QColor(COLOUR_HEX[("red", "yellow", "green", "blue")[c - 2]])))
                self.villages.setItem(r, c, item)
        # A county has tens of thousands of households to confirm: a table item per cell for all of them froze the
        # window for seconds (bench/ui_stall.py). The table lists the first SHOWN_ROWS, the status says how many.
        total_found, found = found
        total_suspects, missed, relapsed, suspects = suspects
        self.disagree.fill(
            [
                [
                    d.code,
                    d.head,
                    d.village,
                    COLOUR_NAMES.get(d.colour or "", "未定"),
                    COLOUR_NAMES.get(d.suggested or "", "不定卡色"),
                    d.basis,
                ]
                for d in found
            ]
        )
        self.suspects.fill(
            [
                [
                    x.code,
                    x.head,
                    x.village,
                    x.finding,
                    plans.yuan(x.income),
                    plans.yuan(x.poverty_line),
                    x.household_kind or "—",
                ]
                for x in suspects
            ],
            column_marks={3: QColor(COLOUR_HEX["red"])},
        )
        cut = (
            f"（表中列出前{SHOWN_ROWS}户，可按村在户档案中逐户核实）"
            if max(total_found, total_suspects) > SHOWN_ROWS
            else ""
        )
        self.status.setText(
            f"{year}年：{total_found}户卡色需要核实；疑似漏评{missed}户，疑似返贫{relapsed}户。{cut}"
        )
