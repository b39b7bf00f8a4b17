"""The village counter offline: the same counter screen (扶贫超市's CounterPage — keys, scanner flow, receipts) on
this PC's database made from a pack, a banner saying which pack and until when, and 生成回传文件."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.services.points import counter_files, village_counter
from desktop.ui.context import UiContext
from desktop.ui.counter_page import CounterPage


class CounterWindow(QMainWindow):
    def __init__(self, ctx: UiContext, info: village_counter.LocalInfo) -> None:
        super().__init__()
        self.ctx = ctx
        self.info = info
        self.setWindowTitle(f"离线兑换台 — {info.store_name}（数据包{info.label}）")
        self.banner = QLabel(info.banner())
        self.banner.setWordWrap(True)
        self._paint_banner()
        self.counter = CounterPage(ctx)
        self.counter.not_found_hint = (
            f"这户不在数据包{info.label}里：可能是打包之后新增的户，或属于别的村、别的数据包，请到乡镇办理。"
        )
        self.return_button = QPushButton("生成回传文件…（Ctrl+R）")
        self.return_button.setMinimumHeight(36)
        self.return_button.clicked.connect(self.make_return)
        QShortcut(QKeySequence("Ctrl+R"), self, activated=self.make_return)
        self.last_return = QLabel("")
        self.last_return.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.last_return, 1)
        bottom.addWidget(self.return_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.banner)
        layout.addWidget(self.counter, 1)
        layout.addLayout(bottom)
        self.setCentralWidget(body)
        self.counter.redeemed.connect(lambda _r: self.refresh_banner())
        self.counter.household_edit.setFocus()

    def _paint_banner(self) -> None:
        colour = "#fdd" if self.info.expired else "#ffd"
        self.banner.setStyleSheet(f"background: {colour}; padding: 6px; font-weight: bold;")

    def refresh_banner(self) -> None:
        def shown(info: village_counter.LocalInfo) -> None:
            self.info = info
            self.banner.setText(info.banner())
            self._paint_banner()

        self.ctx.ops.read(self, lambda db, _a: village_counter.local_info(db), shown)

    def suggested_return_name(self) -> str:
        return f"{self.info.store}-{self.info.label}-回传-{clock.today():%Y%m%d}{counter_files.RETURN_SUFFIX}"

    def make_return(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self,
                "生成回传文件",
                self.suggested_return_name(),
                f"回传文件 (*{counter_files.RETURN_SUFFIX})",
            )
            if not path:
                return

        def done(result: village_counter.HandBack) -> None:
            self.last_return.setText(
                f"已生成回传文件：{result.path}（共{result.events}条记录，其中兑换{result.redemptions}单）。"
                "请交回乡镇合并。"
            )
            self.refresh_banner()

        self.ctx.ops.read(
            self, lambda db, _a: village_counter.hand_back(db, Path(path)), done, title="回传文件未生成"
        )
