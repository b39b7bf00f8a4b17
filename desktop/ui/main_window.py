"""The main window: a sidebar of areas and one page per area."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from desktop import __version__
from desktop.services import users
from desktop.ui.context import UiContext

AREAS = (
    ("households", "户档案"),
    ("quality", "疑点核查"),
    ("plans", "帮扶计划"),
    ("stars", "星级积分"),
    ("store", "扶贫超市"),
    ("fund", "孝善基金"),
    ("print", "公示打印"),
    ("system", "系统"),
)


class MainWindow(QMainWindow):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        from desktop.ui.fund_page import FundPage
        from desktop.ui.households_page import HouseholdsPage
        from desktop.ui.plans_page import PlansPage
        from desktop.ui.print_page import PrintPage
        from desktop.ui.quality_page import QualityPage
        from desktop.ui.rating_page import RatingPage
        from desktop.ui.store_page import StoreArea
        from desktop.ui.system_page import SystemPage

        self.ctx = ctx
        self.setWindowTitle(f"乡镇扶贫工作台 {__version__}")
        self.resize(1280, 800)
        self.sidebar = QListWidget()
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setFixedWidth(130)
        self.sidebar.setStyleSheet("QListWidget { font-size: 13pt; } QListWidget::item { padding: 10px; }")
        self.pages = QStackedWidget()
        self.households = HouseholdsPage(ctx)
        self.system = SystemPage(ctx)
        self.printing = PrintPage(ctx)
        self.quality = QualityPage(ctx)
        self.store = StoreArea(ctx)
        self.counter = self.store.counter
        self.rating = RatingPage(ctx)
        self.fund = FundPage(ctx)
        self.plans = PlansPage(ctx)
        self.page_by_key: dict[str, QWidget] = {}
        built = {
            "households": self.households,
            "quality": self.quality,
            "plans": self.plans,
            "store": self.store,
            "stars": self.rating,
            "fund": self.fund,
            "print": self.printing,
            "system": self.system,
        }
        for key, title in AREAS:
            page = built[key]
            self.page_by_key[key] = page
            self.pages.addWidget(page)
            QListWidgetItem(title, self.sidebar)
        self.sidebar.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.sidebar.setCurrentRow(0)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.sidebar)
        row.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.households.data_changed.connect(self.system.reload)
        self.households.data_changed.connect(self.printing.reload)
        self.households.data_changed.connect(self.quality.reload)
        self.quality.open_household.connect(self.open_finding)
        self.plans.open_household.connect(lambda code: self.open_finding(code, "", (), ""))
        self.households.archive_tab.present_print = self.present_print
        self.households.plan_tab.present_print = self.present_print
        self.sidebar.currentRowChanged.connect(self._area_shown)
        actor = ctx.actor
        self.statusBar().showMessage(
            f"数据库：{ctx.db.display_name}　　用户：{actor.display_name or actor.username}"
            f"（{users.ROLE_NAMES.get(actor.role, actor.role)}）"
        )
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.focus_search)
        QShortcut(QKeySequence("Ctrl+I"), self, activated=self.households.open_import)

    def show_area(self, key: str) -> None:
        self.sidebar.setCurrentRow([k for k, _ in AREAS].index(key))

    def _area_shown(self, row: int) -> None:
        if AREAS[row][0] == "plans":
            self.plans.reload()  # counts change with every household edit; cheap enough to redo on entry

    def present_print(self, filename: str, make, label: str, after=None) -> None:  # noqa: ANN001
        """Make a print (make(out_path) → Printed) off the GUI thread and show it in 公示打印 to print or save."""
        out = self.printing.temp_path(filename)
        self.printing.present(lambda _p: make(out), label, after=after)
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
        self.households.reload()
        self.printing.reload()
        self.quality.reload()
        self.store.reload()
        self.rating.reload()
        self.fund.reload()
        self.system.reload()
