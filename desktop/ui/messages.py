"""Errors shown as a clear Chinese message; unexpected ones get a "copy details" button and go to the log."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.services.errors import ServiceError

log = logging.getLogger("desktop")


def show_error(parent: QWidget | None, exc: BaseException, title: str = "出错了") -> None:
    if isinstance(exc, ServiceError):
        QMessageBox.warning(parent, title, exc.message)
        return
    details = "".join(traceback.format_exception(exc))
    log.error("unexpected error: %s", details)
    box = QMessageBox(QMessageBox.Icon.Critical, title, f"发生意外错误，操作未完成，数据未改动。\n\n{exc}", parent=parent)
    copy = box.addButton("复制详细信息", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is copy:
        QApplication.clipboard().setText(details)
