"""Errors shown as a clear Chinese message; unexpected ones get a "copy details" button and go to the log.

Boxes are opened window-modal with open(), not exec(): the event loop keeps running (background work finishes,
tests can read the box)."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.errors import ServiceError

log = logging.getLogger("desktop")


def show_error(parent: QWidget | None, exc: BaseException, title: str = "出错了") -> QMessageBox:
    if isinstance(exc, ServiceError):
        box = QMessageBox(QMessageBox.Icon.Warning, title, exc.message, QMessageBox.StandardButton.Ok, parent)
    else:
        details = "".join(traceback.format_exception(exc))
        log.error("unexpected error: %s", details)
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            title,
            f"发生意外错误，操作未完成，数据未改动。\n\n{exc}",
            QMessageBox.StandardButton.Close,
            parent,
        )
        copy = box.addButton("复制详细信息", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()  # keep the box open after copying
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box
