"""首页: key figures and four charts (matplotlib in Qt), redrawn after changes; PNG export and the monthly report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.services import dashboard
from desktop.services.dashboard import COLOUR_LABELS, COLOUR_ORDER, Dashboard
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error
from desktop.ui.tasks import run_task


def _figure_card(title: str, value: str) -> tuple[QFrame, QLabel]:
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setStyleSheet("QFrame { background: #ffffff; border-radius: 4px; }")
    box = QVBoxLayout(frame)
    caption = QLabel(title)
    caption.setStyleSheet("color: #666666;")
    number = QLabel(value)
    number.setStyleSheet("font-size: 18pt; font-weight: bold;")
    box.addWidget(caption)
    box.addWidget(number)
    return frame, number


class DashboardPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: Dashboard | None = None
        self.present_print = None  # set by the main window: present_print(filename, make, label)
        self.loading = False
        self._again = False
        self.title = QLabel(f"{dashboard.office_name(ctx.db) or '乡镇'}扶贫工作概况")
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
        # The charts are made when the first figures arrive: matplotlib is imported by the background task,
        # so the window opens without waiting for it.
        self.canvases: dict = {}
        self.grid = grid = QGridLayout()
        self.status = QLabel()
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(cards)
        layout.addLayout(grid, 1)
        layout.addWidget(self.status)
        # Counted once the event loop runs, i.e. after the window is up: a worker started now would share the
        # interpreter with the building of the other pages and slow the window's first appearance.
        QTimer.singleShot(0, self, self.reload)

    def reload(self) -> None:
        """Gather off the GUI thread; a change arriving while one runs asks for one more round after it."""
        if self.loading:
            self._again = True
            return
        self.loading = True
        self.status.setText("正在统计……")
        run_task(
            self._gather,
            on_success=self._show,
            on_failure=self._failed,
        )

    def _gather(self, _progress) -> Dashboard:  # noqa: ANN001
        # matplotlib's imports (about 2 s on an old PC) happen here, off the GUI thread, the first time; _show
        # then finds the module loaded and the window never stalls on them.
        import desktop.reports.dashboard_charts  # noqa: F401

        return dashboard.gather(self.ctx.db, self.ctx.actor)

    def _done(self) -> None:
        self.loading = False
        if self._again:
            self._again = False
            self.reload()

    def _failed(self, exc: Exception) -> None:
        self._done()
        self.status.setText("统计失败")
        show_error(self, exc, "首页统计失败")

    def _show(self, d: Dashboard) -> None:
        self.data = d
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
        from desktop.reports.dashboard_charts import DRAW

        if not self.canvases:
            self._make_canvases()
        for name, canvas in self.canvases.items():
            canvas.figure.clear()
            DRAW[name](canvas.figure, d)
            canvas.draw_idle()
        self.status.setText(f"统计于 {clock.today():%Y-%m-%d}，数据变化后自动更新")
        self._done()

    def _make_canvases(self) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from desktop.reports.dashboard_charts import CHARTS, DRAW, new_figure

        for i, name in enumerate(DRAW):
            canvas = FigureCanvasQTAgg(new_figure())
            canvas.setMinimumSize(320, 220)
            canvas.setToolTip(CHARTS[name])
            self.canvases[name] = canvas
            self.grid.addWidget(canvas, i // 2, i % 2)

    def export_png(self, folder: str | Path) -> list[Path]:
        """The four charts as PNG files in a folder (for slides and reports)."""
        if self.data is None:
            return []
        from desktop.reports.dashboard_charts import CHARTS, DRAW, save_png

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = f"{self.data.today:%Y%m%d}"
        return [save_png(name, self.data, folder / f"{CHARTS[name]}-{stamp}.png") for name in DRAW]

    def ask_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "把图表保存到文件夹")
        if folder:
            saved = self.export_png(folder)
            self.status.setText(f"已保存{len(saved)}张图片到 {folder}")

    def print_report(self) -> None:
        if self.present_print is None:
            return
        today = clock.today()
        self.present_print(
            f"月报-{today:%Y%m}.pdf",
            lambda out: dashboard.monthly_report(self.ctx.db, self.ctx.actor, out, today=today),
            f"{today.year}年{today.month}月扶贫工作月报",
        )
