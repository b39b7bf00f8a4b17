"""Starting the window: open (and if needed upgrade) the database, log in, show the main window."""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import __version__, clock
from desktop.config import RESOURCES, data_dir, default_database
from desktop.db import Database, explain
from desktop.errors import ServiceError
from desktop.services.system import setup
from desktop.ui.context import UiContext
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.messages import show_error
from desktop.ui.tasks import freeze_start_up, wait_all

UI_FONTS = ["Microsoft YaHei UI", "Microsoft YaHei", "WenQuanYi Micro Hei", "LXGW WenKai", "Noto Sans CJK SC"]


log = logging.getLogger("desktop")


def setup_logging() -> None:
    """desktop.log in the data folder, rotated at 2 MB, three old files kept."""
    handler = RotatingFileHandler(
        data_dir() / "desktop.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def install_excepthook() -> None:
    """An error nobody caught becomes the Chinese message box with 复制详细信息 (and a log entry), never a
    raw traceback or a silent crash."""

    def hook(kind, value, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        show_error(QApplication.activeWindow(), value.with_traceback(tb))

    sys.excepthook = hook


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("乡镇扶贫工作台")
    # every window and dialog inherits it
    app.setWindowIcon(QIcon(str(RESOURCES / "icons" / "workbench.png")))
    font = QFont()
    font.setFamilies(UI_FONTS)
    font.setPointSize(11)
    app.setFont(font)
    install_translations(app)
    return app


def install_translations(app: QApplication) -> None:
    """Qt's own words in Chinese: the 确定/取消/是/否 of every message box and button box, the file dialogs, the
    context menus (without it a clerk read OK / Cancel / Yes / No). The .qm ships with PySide6 and the frozen
    build keeps it (installer/workbench.spec KEEP_LOCALES). Installed once per application."""
    if app.property("workbench_translated"):
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        app.installTranslator(translator)
        app.setProperty("workbench_translated", True)


def open_database(target: str | None) -> Database:
    db = Database(target or default_database())
    if db.path is not None:
        db.path.parent.mkdir(parents=True, exist_ok=True)
    if db.needs_upgrade():  # read with plain SQL; a new file gets the schema, an old one is backed up first
        from desktop.services.system import backup  # lazy: it loads every ledger's checks

        backup.upgrade(db)  # a newer one is refused
    return db


def run_app(target: str | None = None, *, smoke: bool = False) -> int:

    if smoke:
        return smoke_test()
    app = make_app()
    setup_logging()
    install_excepthook()
    log.info("start %s", __version__)
    try:
        db = open_database(target)
    except Exception as exc:  # a folder, not a database, read-only, on a network share, too new …
        known = explain(exc, target or default_database())
        if known is None:
            raise
        QMessageBox.critical(None, "无法打开数据库", str(known))
        return known.exit_code
    if setup.needs_setup(db):
        from desktop.ui.setup_wizard import SetupWizard  # lazy: only the first start sets the office up

        wizard = SetupWizard(db)
        if wizard.exec() != SetupWizard.DialogCode.Accepted or wizard.actor is None:
            return 0
        actor = wizard.actor
    else:
        login = LoginDialog(db, username=os.environ.get("DESKTOP_USER", ""))
        if login.exec() != LoginDialog.DialogCode.Accepted or login.actor is None:
            return 0
        actor = login.actor
    window = MainWindow(UiContext(db, actor))
    window.show()
    window.start_duties()
    freeze_start_up()
    window.warm_pages()
    try:
        return app.exec()
    finally:
        from desktop.services import child  # lazy: loaded with the pages

        child.stop_readers()


def run_counter(path: str) -> int:
    """`counter open F`: the village counter on the database made from a pack — log in with one of the store's
    operators the pack carries, then the counter window (desktop.ui.counter_window)."""
    from desktop.services.points import village_counter  # lazy: only the village counter opens a pack
    from desktop.ui.counter_window import CounterWindow  # lazy: as above

    app = make_app()
    setup_logging()
    install_excepthook()
    db = Database(path)
    try:
        info = village_counter.local_info(db)
    except ServiceError as exc:  # not a counter database: say so rather than open the township window
        QMessageBox.critical(None, "无法打开离线兑换台", exc.message)
        return exc.exit_code
    login = LoginDialog(db, username=os.environ.get("DESKTOP_USER", ""))
    if login.exec() != LoginDialog.DialogCode.Accepted or login.actor is None:
        return 0
    window = CounterWindow(UiContext(db, login.actor), info)
    window.resize(1100, 720)
    window.show()
    return app.exec()


def smoke_libraries(folder) -> None:
    """The libraries the frozen build must not have lost (installer/workbench.spec leaves out what the app never
    loads): the preview (pypdfium2, Pillow), an attachment's JPEG and PDF check, a workbook written and read
    back (openpyxl, calamine), the PostgreSQL driver with its libpq and OpenSSL."""
    import io

    import openpyxl
    import psycopg
    from PIL import Image
    from python_calamine import CalamineWorkbook

    from desktop.reports.preview import render_pages  # lazy: pypdfium2 loads only when previewing
    from desktop.services.system.attachments import check_file  # lazy: Pillow and pypdfium2, as above

    page = next(render_pages(folder / "test-page.pdf", 30))
    jpeg = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(jpeg, "JPEG")
    book = openpyxl.Workbook()
    book.active.append(["户主", "人口"])
    book.save(folder / "smoke.xlsx")
    checks = {
        "preview": len(page.rgb) == page.width * page.height * 3 > 0,
        "jpeg": check_file("照片.jpg", jpeg.getvalue()).kind == "jpeg",
        "pdf": check_file("月报.pdf", (folder / "monthly.pdf").read_bytes()).pages >= 1,
        "xlsx": CalamineWorkbook.from_path(str(folder / "smoke.xlsx")).get_sheet_by_index(0).to_python()[0][0]
        == "户主",
        "libpq": psycopg.pq.version() > 0,  # loads libpq (and through it libssl/libcrypto)
    }
    wrong = [name for name, ok in checks.items() if not ok]
    if wrong:
        raise RuntimeError(f"smoke checks failed: {wrong}")


def smoke_test() -> int:
    """`--smoke`: what the frozen build is checked with. A temp database set up as the wizard would, the main
    window, the dashboard's charts, a printed page with the bundled fonts, work in a child process and in the
    reader process (with DESKTOP_SMOKE_LIBRARIES=1 also the libraries the spec trims around, smoke_libraries);
    prints "ready" and exits 0."""
    import tempfile
    from pathlib import Path

    from PySide6.QtCore import QTimer

    app = make_app()
    with tempfile.TemporaryDirectory(prefix="workbench-smoke-") as tmp:
        os.environ["DESKTOP_DATA_DIR"] = tmp
        db = open_database(str(Path(tmp) / "smoke.sqlite3"))
        actor = setup.first_run(
            db, setup.SetupData("自检镇", ["一村", "二村"], "admin", "smoke-test", county="自检县")
        )
        window = MainWindow(UiContext(db, actor))
        window.show()
        failures: list[str] = []

        def check() -> None:
            from desktop.reports.testpage import render_test_page  # lazy: reportlab loads only when printing

            if app.windowIcon().isNull():
                failures.append("icon missing: resources/icons/workbench.png")
            try:
                render_test_page(Path(tmp) / "test-page.pdf", township="自检镇", printed_on=clock.today())
                from desktop.services import dashboard  # lazy: as the page loads it

                dashboard.monthly_report(db, actor, Path(tmp) / "monthly.pdf")
                from desktop.services import child  # lazy: as the import dialog loads it
                from desktop.services.progress import NO_PROGRESS  # lazy: as above

                # the frozen executable started again as a child (freeze_support in installer/launch.py)
                pid, revision = child.call(db, actor, child.identify)
                if pid == os.getpid() or revision != db.current_revision():
                    failures.append(f"child process: pid {pid}, schema {revision}")
                # the pages' reader process, the same way
                pid, revision = child.read(db, actor, child.identify, progress=NO_PROGRESS)
                child.stop_readers()
                if pid == os.getpid() or revision != db.current_revision():
                    failures.append(f"reader process: pid {pid}, schema {revision}")
                if os.environ.get("DESKTOP_SMOKE_LIBRARIES"):  # once per build (frozen_smoke.sh, build.bat)
                    smoke_libraries(Path(tmp))
            except Exception as exc:  # reported, exit code 1
                failures.append(repr(exc))
            wait_all()
            window.close()
            app.quit()

        QTimer.singleShot(0, check)
        app.exec()
        db.dispose()
    if failures:
        if sys.stderr is not None:  # a windowed Windows build has no console
            print("smoke failed:", *failures, file=sys.stderr)
        return 1
    if sys.stdout is not None:
        print("ready", flush=True)
    return 0
