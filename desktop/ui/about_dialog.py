"""关于: versions of the program and its parts, where the data and the log are, and the licences we ship."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from desktop import __version__
from desktop.config import RESOURCES, data_dir
from desktop.ui.context import UiContext

PARTS = (
    "SQLAlchemy",
    "alembic",
    "reportlab",
    "matplotlib",
    "openpyxl",
    "python-calamine",
    "pypdfium2",
    "psycopg",
)
LICENCES = (
    ("Qt / PySide6", "LGPL v3（动态链接，未修改）"),
    ("SQLAlchemy、Alembic", "MIT"),
    ("ReportLab", "BSD"),
    ("matplotlib", "PSF 兼容许可"),
    ("openpyxl", "MIT"),
    ("pypdfium2 / PDFium", "Apache 2.0 / BSD"),
    ("霞鹜文楷（LXGW WenKai）", "SIL OFL 1.1"),
    ("思源宋体（Noto Serif CJK，内置为 Workbench Serif）", "SIL OFL 1.1"),
    ("文泉驿微米黑（内置为 Workbench Sans）", "Apache 2.0 / GPL v3（含字体例外）"),
)


def versions() -> list[tuple[str, str]]:
    found = [("乡镇扶贫工作台", __version__), ("Python", platform.python_version()), ("Qt", qVersion())]
    found.append(("PySide6", pyside_version))
    for name in PARTS:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:  # a frozen build may not carry the metadata
            continue
    return found


class AboutDialog(QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("关于 乡镇扶贫工作台")
        head = QLabel(
            f"<h2>乡镇扶贫工作台 {__version__}</h2>"
            "<p>一户一档、一户一策、星级积分、扶贫超市、孝善基金和公示打印。</p>"
            f"<p>数据库：{ctx.ops.display_name}<br>数据和日志文件夹：{data_dir()}</p>"
        )
        head.setWordWrap(True)
        self.text = QTextBrowser()
        rows = "".join(f"<tr><td>{n}</td><td>{v}</td></tr>" for n, v in versions())
        licences = "".join(f"<tr><td>{n}</td><td>{v}</td></tr>" for n, v in LICENCES)
        files = "、".join(sorted(p.name for p in (RESOURCES / "fonts").glob("*.txt")))
        self.text.setHtml(
            f"<h3>版本</h3><table>{rows}</table><p>系统：{platform.platform()}（{sys.platform}）</p>"
            f"<h3>许可证</h3><table>{licences}</table>"
            f"<p>字体许可证全文随程序安装在 resources/fonts 文件夹（{files}）。</p>"
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(560, 520)
