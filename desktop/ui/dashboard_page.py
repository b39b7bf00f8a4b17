"""首页: key figures and four charts, redrawn after changes; PNG export and the monthly report.

The charts are drawn off the GUI thread (matplotlib's Agg on the read lane) to PNG at the size their place has,
and shown as pixmaps that never ask for more room than the window gives them: the window keeps its size."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.reports.dashboard_data import Dashboard
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe
from desktop.vocabulary import COLOUR_LABELS, COLOUR_ORDER

CHART_NAMES = (
    "colours",
    "archive",
    "points",
    "fund",
)  # = dashboard_charts.DRAW, without importing matplotlib
CHART_TITLES = {
    "colours": "各村农户卡色",
    "archive": "档案齐全率（分份）",
    "points": "积分发放与兑换（近12个月）",
    "fund": "孝善基金收支（近12个月，元）",
}
MIN_CHART = (280, 170)  # below this a chart is not readable; the page scrolls no further, the window decides
REDRAW_MS = 250  # after the window stops being resized, the charts are drawn again at the new size


def _figure_card(title: str, value: str) -> tuple[QFrame, QLabel]:
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setStyleSheet("QFrame { background: #ffffff; border-radius: 4px; }")
    # as tall as its two lines, never stretched by the room the charts have not taken yet
    frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    box = QVBoxLayout(frame)
    caption = QLabel(title)
    caption.setStyleSheet("color: #666666;")
    number = QLabel(value)
    number.setStyleSheet("font-size: 18pt; font-weight: bold;")
    box.addWidget(caption)
    box.addWidget(number)
    return frame, number


class ChartLabel(QLabel):
    """A chart as a picture: it takes the room it is given and asks for none (a QLabel with a pixmap would
    otherwise ask for the pixmap's size and push the window wider)."""

    def __init__(self, name: str) -> None:
        super().__init__("正在绘制……")
        self.name = name
        self.png: bytes = b""
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(*MIN_CHART)
        self.setStyleSheet("QLabel { background: #ffffff; color: #777777; }")
        self.setToolTip(CHART_TITLES[name])
        self.setObjectName(f"chart-{name}")

    def show_png(self, png: bytes) -> None:
        self.png = png
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self._pixmap = pixmap
        self._fit()

    def _fit(self) -> None:
        pixmap = getattr(self, "_pixmap", None)
        if pixmap is None or pixmap.isNull():
            return
        ratio = self.devicePixelRatioF()
        if pixmap.width() == round(self.width() * ratio) and pixmap.height() == round(self.height() * ratio):
            self.setPixmap(pixmap)
        else:  # until it is drawn again at the new size
            scaled = pixmap.scaled(
                self.size() * ratio,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            scaled.setDevicePixelRatio(ratio)
            self.setPixmap(scaled)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()


class DashboardPage(QWidget):
    open_overdue = Signal()  # the overdue problems asked for: the window shows them in 问题整改
    open_loans = Signal()  # 小额信贷's due and overdue loans asked for
    figures_shown = Signal()  # the figures are on screen (the window then warms the other pages)

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        *,
        present_print: Callable | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: Dashboard | None = None
        self.present_print = present_print  # present_print(filename, make(db, actor, out), label)
        self.loading = False
        self._again = False
        self._drawn_at: tuple[int, int] | None = None
        self.title = QLabel("扶贫工作概况")
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.refresh_button = QPushButton("刷新")
        self.export_button = QPushButton("导出图片…")
        self.report_button = QPushButton("本月月报（PDF）")
        self.refresh_button.clicked.connect(self.reload)
        self.export_button.clicked.connect(self.ask_export)
        self.report_button.clicked.connect(self.print_report)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        for b in (self.refresh_button, self.export_button, self.report_button):
            head.addWidget(b)
        cards = QHBoxLayout()
        self.numbers: dict[str, QLabel] = {}
        for key, caption in (
            ("households", "农户（户/人）"),
            ("colours", "红/黄/绿/蓝卡"),
            ("archive", "档案齐全率（乡镇存档）"),
            ("points", "本月积分 发放/兑换"),
            ("fund", "基金余额（元）"),
        ):
            frame, number = _figure_card(caption, "…")
            self.numbers[key] = number
            cards.addWidget(frame)
        self.charts: dict[str, ChartLabel] = {}
        self.grid = grid = QGridLayout()
        for i, name in enumerate(CHART_NAMES):
            label = self.charts[name] = ChartLabel(name)
            grid.addWidget(label, i // 2, i % 2)
        # 问题整改: overdue problems (deadline before the office's today, not 销号), a click opens them
        self.overdue_button = QPushButton("逾期整改问题：…")
        self.overdue_button.setObjectName("overdue-problems")
        self.overdue_button.clicked.connect(self.open_overdue.emit)
        self.overdue_list = QLabel("")
        self.overdue_list.setStyleSheet("color: #666666;")
        # a long list is cut at the window's edge (the tooltip has it all), never widening the window
        self.overdue_list.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        overdue = QHBoxLayout()
        overdue.addWidget(self.overdue_button)
        overdue.addWidget(self.overdue_list, 1)
        # 小额信贷: loans due within 30 days and the overdue ones; a click opens them
        self.loans_button = QPushButton("小额信贷：…")
        self.loans_button.clicked.connect(self.open_loans.emit)
        overdue.addWidget(self.loans_button)
        self.status = QLabel("正在统计……")  # shown at once; counted once the event loop runs (below)
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(cards)
        layout.addLayout(overdue)
        layout.addLayout(grid, 1)
        layout.addWidget(self.status)
        self.redraw_timer = QTimer(self)
        self.redraw_timer.setSingleShot(True)
        self.redraw_timer.setInterval(REDRAW_MS)
        self.redraw_timer.timeout.connect(self._redraw)
        subscribe(
            ctx.ops,
            self,
            ("households", "points", "redemptions", "fund", "archives", "plans", "settings", "problems"),
            self.reload,
        )
        # Counted at once, in the background; the charts are drawn once the page is up and they have their size.
        self.reload()

    # --- figures and charts, off the GUI thread ------------------------------------------------------

    def _chart_size(self) -> tuple[int, int, float]:
        label = self.charts["colours"]
        return max(label.width(), MIN_CHART[0]), max(label.height(), MIN_CHART[1]), label.devicePixelRatioF()

    def reload(self) -> None:
        """Gather and draw on the read lane; a change arriving while one runs asks for one more round after it."""
        if self.loading:
            self._again = True
            return
        self.loading = True
        self.status.setText("正在统计……")

        # The figures are shown as soon as they are counted; the charts follow in a read of their own (the
        # first one imports matplotlib: about a second here, which the figures need not wait for).
        def work(db, actor):
            # on the read lane: the services the figures come from load here, not before the window shows
            from desktop.services import dashboard  # lazy: the services behind 首页 load off the GUI thread

            return dashboard.gather(db, actor), dashboard.office_name(db)

        self.ctx.ops.read(self, work, self._show, on_failure=self._failed, title="首页统计失败")

    def _done(self) -> None:
        self.loading = False
        if self._again:
            self._again = False
            self.reload()

    def _failed(self, exc: Exception) -> None:

        self._done()
        self.status.setText("统计失败")
        show_error(self, exc, "首页统计失败")

    def _show(self, result) -> None:
        d, office = result
        self.data = d
        self.title.setText(f"{office or '乡镇'}扶贫工作概况")
        colours = d.colour_totals()
        awarded, redeemed = d.this_month(d.points)
        self.numbers["households"].setText(f"{d.households} / {d.members}")
        self.numbers["colours"].setText("/".join(str(colours[k]) for k in COLOUR_ORDER[:4]))
        self.numbers["colours"].setToolTip(
            "，".join(f"{COLOUR_LABELS[k]}{colours[k]}户" for k in COLOUR_ORDER)
        )
        first_copy = d.copies[0][0] if d.copies else ""
        self.numbers["archive"].setText(f"{100 * d.archive_rate(first_copy):.1f}%")
        self.numbers["points"].setText(f"{awarded} / {redeemed}")
        self.numbers["fund"].setText(f"{d.fund_balance / 100:,.2f}")
        self._show_overdue(d)
        self.status.setText(f"统计于 {clock.today():%Y-%m-%d}，数据变化后自动更新")
        self._done()
        self._redraw()  # at the size the charts have now
        self.figures_shown.emit()

    def _show_overdue(self, d: Dashboard) -> None:
        self.loans_button.setText(f"小额信贷：30天内到期{d.loans_due}笔，逾期{d.loans_overdue}笔 ›")
        self.loans_button.setStyleSheet("color: #c62828; font-weight: bold;" if d.loans_overdue else "")
        n = d.problems_overdue
        self.overdue_button.setText(f"逾期整改问题：{n}个" + (" ›" if n else ""))
        self.overdue_button.setStyleSheet("color: #c62828; font-weight: bold;" if n else "")
        shown = "；".join(
            f"第{pid}号 {village} {text[:16]}{'…' if len(text) > 16 else ''}（逾期{days}天）"
            for pid, village, text, days in d.overdue_problems[:3]
        )
        self.overdue_list.setText(shown + ("；……" if n > 3 else ""))
        self.overdue_list.setToolTip(
            "\n".join(
                f"第{pid}号 {village} {text}（逾期{days}天）"
                for pid, village, text, days in d.overdue_problems
            )
        )

    def _show_charts(self, drawn) -> None:
        size, pngs = drawn
        self._drawn_at = size
        for name, png in pngs.items():
            self.charts[name].show_png(png)
        if self._chart_size()[:2] != size:  # the window changed while they were drawn
            self.redraw_timer.start()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.data is not None and self._chart_size()[:2] != self._drawn_at:
            self.redraw_timer.start()

    def _redraw(self) -> None:
        """The same figures drawn again at the charts' new size (no database read)."""
        if self.data is None or self.loading:
            return
        d = self.data
        width, height, ratio = self._chart_size()
        self.ctx.ops.read(
            self,
            lambda _db, _actor: _draw_all(d, width, height, ratio),
            self._show_charts,
            title="首页图表绘制失败",
        )

    # --- outputs -------------------------------------------------------------------------------------

    def export_png(self, folder: str | Path, on_done: Callable[[list[Path]], None] | None = None) -> None:
        """The four charts as PNG files in a folder (for slides and reports), written on the read lane."""
        if self.data is None:
            return
        d, folder = self.data, Path(folder)

        def work(_db, _actor) -> list[Path]:
            from desktop.reports.dashboard_charts import (  # lazy: matplotlib loads only when drawing charts
                CHARTS,
                DRAW,
                save_png,
            )

            folder.mkdir(parents=True, exist_ok=True)
            stamp = f"{d.today:%Y%m%d}"
            return [save_png(name, d, folder / f"{CHARTS[name]}-{stamp}.png") for name in DRAW]

        def done(saved: list[Path]) -> None:
            self.status.setText(f"已保存{len(saved)}张图片到 {folder}")
            if on_done is not None:
                on_done(saved)

        self.ctx.ops.read(self, work, done, title="无法保存图片")

    def ask_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "把图表保存到文件夹")
        if folder:
            self.export_png(folder)

    def print_report(self) -> None:
        if self.present_print is None:
            return
        from desktop.services import dashboard  # lazy: as in reload

        today = clock.today()
        self.present_print(
            f"月报-{today:%Y%m}.pdf",
            lambda db, actor, out: dashboard.monthly_report(db, actor, out, today=today),
            f"{today.year}年{today.month}月扶贫工作月报",
        )


def _draw_all(
    d: Dashboard, width: int, height: int, ratio: float
) -> tuple[tuple[int, int], dict[str, bytes]]:
    """On the read lane: matplotlib is imported here the first time (about 2 s on an old PC), never on the GUI
    thread."""
    from desktop.reports.dashboard_charts import png_bytes  # lazy: matplotlib loads only when drawing charts

    return (width, height), {name: png_bytes(name, d, width, height, ratio) for name in CHART_NAMES}
