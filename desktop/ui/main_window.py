"""The main window: a sidebar of areas and one page per area, a menu with the shortcuts, the status bar, and
the duties of a running app (daily backup, backup on exit, remembered layout)."""

from __future__ import annotations

import importlib
import inspect
import logging
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from desktop import __version__
from desktop.config import data_dir
from desktop.services.collector import collector_held
from desktop.services.system import settings
from desktop.ui.about_dialog import AboutDialog
from desktop.ui.context import UiContext
from desktop.ui.dashboard_page import DashboardPage
from desktop.ui.messages import show_error

if TYPE_CHECKING:
    from desktop.ui.cadres_page import CadresPage
    from desktop.ui.fund_page import FundPage
    from desktop.ui.households_page import HouseholdsPage
    from desktop.ui.loans_page import LoansPage
    from desktop.ui.monitoring_page import MonitoringPage
    from desktop.ui.plans_page import PlansPage
    from desktop.ui.posts_page import PostsPage
    from desktop.ui.print_page import PrintPage
    from desktop.ui.problems_page import ProblemsPage
    from desktop.ui.projects_page import ProjectsPage
    from desktop.ui.quality_page import QualityPage
    from desktop.ui.rating_page import RatingPage
    from desktop.ui.store_page import StoreArea
    from desktop.ui.system_page import SystemPage

log = logging.getLogger("desktop")
DAILY_CHECK_MS = 30 * 60 * 1000

AREAS = (
    ("home", "首页"),
    ("households", "户档案"),
    ("quality", "疑点核查"),
    ("problems", "问题整改"),
    ("plans", "帮扶计划"),
    ("monitoring", "防返贫监测"),
    ("cadres", "帮扶干部"),
    ("projects", "项目资金"),
    ("loans", "小额信贷"),
    ("posts", "公益岗位"),
    ("stars", "星级积分"),
    ("store", "扶贫超市"),
    ("fund", "孝善基金"),
    ("print", "公示打印"),
    ("system", "系统"),
)
AREA_KEYS = tuple(key for key, _title in AREAS)
# Each area's page: its module and class (首页's is imported with the window). A page's module loads when it is
# first shown, or before, in the background, once 首页 has its figures (warm_pages).
PAGES = {
    "households": ("desktop.ui.households_page", "HouseholdsPage"),
    "quality": ("desktop.ui.quality_page", "QualityPage"),
    "problems": ("desktop.ui.problems_page", "ProblemsPage"),
    "plans": ("desktop.ui.plans_page", "PlansPage"),
    "monitoring": ("desktop.ui.monitoring_page", "MonitoringPage"),
    "cadres": ("desktop.ui.cadres_page", "CadresPage"),
    "projects": ("desktop.ui.projects_page", "ProjectsPage"),
    "loans": ("desktop.ui.loans_page", "LoansPage"),
    "posts": ("desktop.ui.posts_page", "PostsPage"),
    "stars": ("desktop.ui.rating_page", "RatingPage"),
    "store": ("desktop.ui.store_page", "StoreArea"),
    "fund": ("desktop.ui.fund_page", "FundPage"),
    "print": ("desktop.ui.print_page", "PrintPage"),
    "system": ("desktop.ui.system_page", "SystemPage"),
}


# the pages that print through 公示打印: they are handed the window's present_print
PRINTING_PAGES = frozenset({"problems", "households", "monitoring", "projects", "cadres", "posts", "loans"})


def _page_class(key: str):
    module, name = PAGES[key]
    return getattr(importlib.import_module(module), name)


def _start_reader(db) -> None:
    from desktop.services import child  # lazy: on the read lane, as the pages load it

    child.start_reader(db)


def import_pages(names: list[str]) -> None:
    """Import page modules (and the services they import) — on a background thread, see warm_pages."""
    # held: their ~100,000 new objects set off no collection that holds the GIL, and are frozen at the end
    with collector_held():
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:  # the page imports it again when shown and reports it then
                log.exception("background import of %s failed", name)
                return


class MainWindow(QMainWindow):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()

        self.ctx = ctx
        self.setWindowTitle(f"乡镇扶贫工作台 {__version__}")
        self.resize(1280, 800)
        self.sidebar = QListWidget()
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setFixedWidth(130)
        self.sidebar.setStyleSheet("QListWidget { font-size: 13pt; } QListWidget::item { padding: 10px; }")
        self.pages = QStackedWidget()
        # Each area's page is made the first time it is shown (or asked for, e.g. window.printing): until then a
        # bare placeholder holds its place in the stack, so the window opens with only the page it shows.
        # Pages keep themselves current through ctx.ops (each subscribes to the areas it shows); the window
        # only hands them the collaborators they call: 公示打印 for what they print, navigation below.
        self._built: dict[str, QWidget] = {}
        self._wanted_village: dict[str, str] = {}  # the village each page had at the last close
        for key, title in AREAS:
            placeholder = QWidget()
            placeholder.setObjectName(f"unbuilt-{key}")
            self.pages.addWidget(placeholder)
            QListWidgetItem(title, self.sidebar)
        self.sidebar.currentRowChanged.connect(self._area_shown)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.sidebar)
        row.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        actor = ctx.actor
        self.status_user = QLabel(f"数据库：{ctx.ops.display_name}　　用户：{actor.label}")
        self.status_backup = QLabel()
        self.statusBar().addWidget(self.status_user, 1)
        self.statusBar().addPermanentWidget(self.status_backup)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.focus_search)
        QShortcut(QKeySequence("Ctrl+I"), self, activated=lambda: self.households.open_import())
        # Ctrl+N: the next customer at the counter
        QShortcut(QKeySequence("Ctrl+N"), self, activated=lambda: self.store.show_counter())
        self._build_menu()
        self.backup_on_exit = False  # set by start_duties(): a window made by a test does not back up
        self._exit_backup = "none"  # none → running → done: the window closes once the backup has finished
        self.daily_timer = QTimer(self)
        self.daily_timer.setInterval(DAILY_CHECK_MS)
        self.daily_timer.timeout.connect(self.daily_backup)
        self.first_check = QTimer(self)  # the day's backup soon after start, once the window is up
        self.first_check.setSingleShot(True)
        self.first_check.setInterval(2000)
        self.first_check.timeout.connect(self.daily_backup)
        self.warming: threading.Thread | None = None  # see warm_pages()
        self.restore_layout()

    # --- menu and shortcuts ----------------------------------------------------------------------------

    def _action(self, menu, text: str, slot, shortcut: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menu(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        self._action(file_menu, "立即备份…", lambda _c=False: self.system.ask_backup(), "Ctrl+B")
        self._action(file_menu, "从备份恢复…", lambda _c=False: self.system.ask_restore())
        self._action(file_menu, "本月月报（PDF）", lambda _c=False: self.home.print_report())
        file_menu.addSeparator()
        self._action(file_menu, "退出", self.close, "Ctrl+Q")
        view_menu = bar.addMenu("视图(&V)")
        for i, (key, title) in enumerate(AREAS):
            shortcut = f"Ctrl+{i + 1}" if i < 9 else ""  # Ctrl+1 … Ctrl+9: the keyboard has no tenth digit
            self._action(view_menu, title, lambda _c=False, k=key: self.show_area(k), shortcut)
        view_menu.addSeparator()
        self._action(view_menu, "刷新", self.reload_all, "F5")
        self._action(view_menu, "查找农户", self.focus_search)
        help_menu = bar.addMenu("帮助(&H)")
        self._action(help_menu, "打开日志文件夹", self.open_log_folder)
        self._action(help_menu, "关于", self.show_about, "F1")

    def show_about(self) -> None:

        self.about = AboutDialog(self.ctx, self)
        self.about.open()

    def open_log_folder(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(data_dir())))

    # --- remembered layout -----------------------------------------------------------------------------

    @staticmethod
    def prefs() -> QSettings:
        return QSettings(str(data_dir() / "window.ini"), QSettings.Format.IniFormat)

    def _village_boxes(self) -> dict:
        return {key: page.village_box for key, page in self._built.items() if hasattr(page, "village_box")}

    def restore_layout(self) -> None:
        """The size, the area and each page's village of the last close. Only the area shown is built now: a
        page built later chooses its remembered village then."""
        prefs = self.prefs()
        geometry = prefs.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        for key, _title in AREAS:
            wanted = prefs.value(f"village/{key}")
            if wanted is not None:
                self._wanted_village[key] = str(wanted)
        area = prefs.value("window/area")
        self.show_area(area if area in AREA_KEYS else "home")

    def save_layout(self) -> None:
        prefs = self.prefs()
        prefs.setValue("window/geometry", self.saveGeometry())
        prefs.setValue("window/area", AREAS[self.sidebar.currentRow()][0])
        for key, box in self._village_boxes().items():  # a page never built keeps the village it had
            if box.currentIndex() >= 0:
                prefs.setValue(f"village/{key}", str(box.currentData()))
        prefs.sync()

    # --- duties of the running app ---------------------------------------------------------------------

    def start_duties(self) -> None:
        """What the real app does beyond its pages: a daily backup (checked now and every half hour) and a
        backup when the window closes, both as set in 设置 → 自动备份."""
        self.backup_on_exit = True
        self.daily_timer.start()
        self.first_check.start()

    def warm_pages(self) -> None:
        """Once 首页 shows its figures, import the other pages' modules on a background thread. Imported on the
        GUI thread at a page's first visit they held the window 100–400 ms (docs/performance.md); the clerk is
        reading 首页 meanwhile, and the page is then only built when first shown."""
        home = self._built.get("home")
        if home is not None and home.data is None:
            home.figures_shown.connect(self._start_warming, Qt.ConnectionType.SingleShotConnection)
        else:
            self._start_warming()

    def _start_warming(self) -> None:
        if self.warming is None:
            names = [PAGES[key][0] for key in AREA_KEYS if key in PAGES and key not in self._built]
            self.warming = threading.Thread(
                target=import_pages, args=(names,), name="warm-pages", daemon=True
            )
            self.warming.start()

    def daily_backup(self) -> None:
        """On the write lane (nothing is written meanwhile, so the copy is whole); 系统 lists it when done."""

        def work(db, _actor):
            from desktop.services.system import backup  # lazy: it loads every ledger's checks

            return backup.auto_backup(db, "daily") if backup.daily_due(db) else None

        def done(result) -> None:
            if result is not None:
                self.status_backup.setText(f"今日已自动备份（{result.path.name}）")

        # no parent: a busy cursor over the whole window for a background backup would only alarm the clerk
        self.ctx.ops.write(
            None, work, ("backups",), done, on_failure=lambda exc: show_error(self, exc, "自动备份失败")
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.backup_on_exit and self._exit_backup == "none":
            # the backup runs on the write lane after whatever is still being saved; the window closes after it
            self._exit_backup = "running"
            event.ignore()
            self.setEnabled(False)
            self.statusBar().showMessage("正在备份……")
            self._backup_on_exit()
            return
        if self._exit_backup == "running":
            event.ignore()
            return
        self.save_layout()
        self.daily_timer.stop()
        self.first_check.stop()
        super().closeEvent(event)

    def _backup_on_exit(self) -> None:

        def work(db, _actor):
            from desktop.services.system.backup import auto_backup  # lazy: as in daily_backup

            return auto_backup(db, "exit") if settings.get(db, "backup.on_exit") else None

        def finished(_result=None) -> None:
            self._exit_backup = "done"
            self.close()

        def failed(exc: Exception) -> None:
            # the window still closes; the log says why (the next day's first backup is taken at start)
            log.error("backup on exit failed", exc_info=exc)
            finished()

        self.ctx.ops.write(None, work, ("backups",), finished, on_failure=failed)

    def show_area(self, key: str) -> None:
        self.sidebar.setCurrentRow(AREA_KEYS.index(key))

    def _area_shown(self, row: int) -> None:
        key = AREA_KEYS[row]
        made = key not in self._built
        self._page(key)
        self.pages.setCurrentIndex(row)
        # The 首页 and 帮扶计划 counts also change with work this window never saw (another PC on the township
        # network, the command line): recounted, in the background, each time their area is entered. (A 首页
        # just made counts by itself once the window is up.)
        if key in ("plans", "cadres"):
            self._page(key).reload()
        elif key == "home" and not made:
            self.home.reload()

    # --- the pages, each made when first needed ---------------------------------------------------------

    def is_built(self, key: str) -> bool:
        return key in self._built

    def _page(self, key: str):
        page = self._built.get(key)
        if page is None:
            page = self._built[key] = self._make(key)
            index = AREA_KEYS.index(key)
            placeholder = self.pages.widget(index)
            current = self.pages.currentIndex()
            self.pages.insertWidget(index, page)
            self.pages.removeWidget(placeholder)
            placeholder.setParent(None)  # gone with this reference
            self.pages.setCurrentIndex(current)
            box = getattr(page, "village_box", None)
            if box is not None and key in self._wanted_village:
                _choose_when_listed(box, self._wanted_village[key])
        return page

    def _make(self, key: str) -> QWidget:
        """The page of `key`, its module imported now: the window opens with only the page it shows (首页), and
        the other pages' modules and the services behind them load when the clerk first goes there."""
        ctx = self.ctx
        if key == "home":
            page = DashboardPage(ctx, present_print=self.present_print)
            page.open_overdue.connect(self.open_overdue_problems)
            page.open_loans.connect(self.open_due_loans)
            return page
        make = _page_class(key)
        page = make(ctx, present_print=self.present_print) if key in PRINTING_PAGES else make(ctx)
        if key == "quality":
            page.open_household.connect(self.open_finding)
        elif key in ("plans", "monitoring", "cadres"):
            page.open_household.connect(lambda code: self.open_finding(code, "", (), ""))
        return page

    @property
    def home(self) -> DashboardPage:
        return self._page("home")

    @property
    def households(self) -> HouseholdsPage:
        return self._page("households")

    @property
    def quality(self) -> QualityPage:
        return self._page("quality")

    @property
    def problems(self) -> ProblemsPage:
        return self._page("problems")

    def open_overdue_problems(self) -> None:
        """首页's overdue problems: the 问题整改 area showing the overdue ones."""
        self.show_area("problems")
        self.problems.show_overdue()

    @property
    def projects(self) -> ProjectsPage:
        return self._page("projects")

    @property
    def plans(self) -> PlansPage:
        return self._page("plans")

    @property
    def monitoring(self) -> MonitoringPage:
        return self._page("monitoring")

    @property
    def cadres(self) -> CadresPage:
        return self._page("cadres")

    @property
    def posts(self) -> PostsPage:
        return self._page("posts")

    @property
    def loans(self) -> LoansPage:
        return self._page("loans")

    def open_due_loans(self) -> None:
        """首页's 小额信贷 card: the loans falling due (the list of the overdue is one tab on)."""
        self.show_area("loans")
        self.loans.tabs.setCurrentIndex(2 if self.home.data and self.home.data.loans_overdue else 1)

    @property
    def rating(self) -> RatingPage:
        return self._page("stars")

    @property
    def store(self) -> StoreArea:
        return self._page("store")

    @property
    def counter(self):
        return self.store.counter

    @property
    def fund(self) -> FundPage:
        return self._page("fund")

    @property
    def printing(self) -> PrintPage:
        return self._page("print")

    @property
    def system(self) -> SystemPage:
        return self._page("system")

    def present_print(
        self, filename: str, make, label: str, after=None, changes: tuple[str, ...] = ()
    ) -> None:
        """Make a print — make(db, actor, out_path) → Printed — on the read lane (the write lane when it also
        records something: `changes`) and show it in 公示打印 to print or save. (A maker taking only the path,
        make(out_path), is still accepted.)"""
        out = self.printing.temp_path(filename)
        if _takes_db(make):
            self.printing.present(
                lambda db, actor, _p: make(db, actor, out), label, after=after, changes=changes
            )
        else:
            self.printing.present(lambda _db, _actor, _p: make(out), label, after=after)
        self.show_area("print")

    def focus_search(self) -> None:
        self.show_area("households")
        self.households.filter_edit.setFocus()
        self.households.filter_edit.selectAll()

    def open_finding(self, code: str, person: str, fields: tuple, message: str) -> None:
        """From a finding to its household, with the person and the fields it read highlighted."""
        self.show_area("households")
        self.households.show_household(code, person, fields, message)

    def reload_all(self) -> None:
        """F5: every page made so far reads again (one made later reads when it is made)."""
        for key, page in self._built.items():
            if key != "plans":
                page.reload()


def _takes_db(make) -> bool:
    """Whether a print maker is make(db, actor, out) rather than make(out)."""
    try:
        params = inspect.signature(make).parameters.values()
    except (TypeError, ValueError):
        return True
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return True
    return len([p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]) >= 3


def _choose_when_listed(box, wanted: str) -> None:
    """Select the remembered village once the page's background read has listed it (the page fills its box
    and sets its own choice synchronously: ours is applied just after, on the next turn of the event loop)."""
    state = {"done": False}

    def apply() -> None:
        found = [i for i in range(box.count()) if str(box.itemData(i)) == wanted]
        if found and not state["done"]:
            state["done"] = True
            box.setCurrentIndex(found[0])
            box.model().rowsInserted.disconnect(later)

    def later(*_args) -> None:
        if not state["done"]:
            QTimer.singleShot(0, box, apply)

    box.model().rowsInserted.connect(later)
    if box.count():
        apply()
