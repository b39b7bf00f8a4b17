"""Starting the window: open (and if needed upgrade) the database, log in, show the main window."""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.config import data_dir, default_database
from desktop.db import Database, DatabaseError

UI_FONTS = ["Microsoft YaHei UI", "Microsoft YaHei", "WenQuanYi Micro Hei", "LXGW WenKai", "Noto Sans CJK SC"]


def setup_logging() -> None:
    handler = RotatingFileHandler(
        data_dir() / "desktop.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("desktop").addHandler(handler)


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("乡镇扶贫工作台")
    font = QFont()
    font.setFamilies(UI_FONTS)
    font.setPointSize(11)
    app.setFont(font)
    return app


def open_database(target: str | None) -> Database:
    db = Database(target or default_database())
    if db.path is not None:
        db.path.parent.mkdir(parents=True, exist_ok=True)
    db.upgrade()  # a new file gets the schema; an old one is backed up first; a newer one is refused
    return db


def run_app(target: str | None = None) -> int:
    from desktop.ui.context import UiContext
    from desktop.ui.login_dialog import LoginDialog
    from desktop.ui.main_window import MainWindow

    app = make_app()
    setup_logging()
    try:
        db = open_database(target)
    except DatabaseError as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        return 3
    login = LoginDialog(db, username=os.environ.get("DESKTOP_USER", ""))
    if login.exec() != LoginDialog.DialogCode.Accepted or login.actor is None:
        return 0
    window = MainWindow(UiContext(db, login.actor))
    window.show()
    return app.exec()
