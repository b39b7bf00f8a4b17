"""The main window's own duties: the status bar, the backup on exit through the ops, pages kept current, each
area's page made on its first visit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from desktop.services.fund import fund
from desktop.services.roster.roster_import import import_roster
from desktop.services.system.backup import auto_backups, backup_folder
from desktop.ui.context import UiContext
from desktop.ui.main_window import AREA_KEYS, AREAS, MainWindow
from tests.uiwait import settle


def test_the_status_bar_names_the_database_and_the_user(qtbot, db, admin):
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    assert db.display_name in window.status_user.text() and admin.label in window.status_user.text()


def test_the_backup_on_exit_runs_on_the_write_lane_then_the_window_closes(qtbot, db, admin):
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.show()
    settle(qtbot, window)
    window.start_duties()
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)
    settle(qtbot, window)
    taken = [p for _, p in auto_backups(backup_folder(db)) if p.name.startswith("auto-exit-")]
    assert len(taken) == 1


def test_a_write_elsewhere_refreshes_the_print_page_without_wiring(qtbot, db, admin):
    from desktop.services.demo import add_demo_households

    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.show()
    window.show_area("print")
    settle(qtbot, window)
    assert window.printing.village_box.count() == 0
    window.ctx.ops.write(window, lambda d, a: add_demo_households(d, a, 20), ("households",))
    settle(qtbot, window)
    assert window.printing.village_box.count() > 0


# --- each area's page is made when it is first shown ---------------------------------------------------------

FUND_VILLAGE = "柘城县逻岗镇/孙桥村"
OTHER_FUND = "民权县逻岗镇/孙桥村"


@pytest.fixture
def office(db, admin, sample):
    """The small roster, with two funds (so a remembered village is a real choice) and a supporter."""
    import_roster(db, admin, sample("roster-small.xlsx"))
    fund.create_fund(db, admin, FUND_VILLAGE, match_percent=10, match_cap_fen=1500)
    fund.create_fund(db, admin, OTHER_FUND, match_percent=10, match_cap_fen=1500)
    fund.add_supporter(db, admin, FUND_VILLAGE, "4114241052080000101", "董平花", relation="之女")
    return db


def open_window(qtbot, db, actor) -> MainWindow:
    window = MainWindow(UiContext(db, actor))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def test_the_window_opens_with_only_the_home_page_counting_in_the_background(qtbot, office, admin):
    window = open_window(qtbot, office, admin)
    # before the event loop has turned: 首页 is up and says it is counting; no other area's page exists yet
    assert [key for key in AREA_KEYS if window.is_built(key)] == ["home"]
    assert window.pages.currentWidget() is window.home and window.home.isVisible()
    assert window.home.status.text() == "正在统计……" and window.home.data is None
    for i, key in enumerate(AREA_KEYS[1:], start=1):
        assert window.pages.widget(i).objectName() == f"unbuilt-{key}"
    settle(qtbot, window)
    assert window.home.data is not None and window.home.numbers["households"].text() == "40 / 163"
    assert [key for key in AREA_KEYS if window.is_built(key)] == ["home"]


def test_the_other_pages_modules_are_imported_in_the_background_once_home_shows_its_figures(
    qtbot, office, admin
):
    """Imported on the GUI thread at a first visit they held the window up to 400 ms (issue 17)."""
    import gc
    import sys

    from desktop.ui.main_window import PAGES

    assert set(PAGES) == set(AREA_KEYS) - {"home"}
    window = open_window(qtbot, office, admin)
    window.warm_pages()
    assert window.warming is None  # 首页 is still counting: its figures come first
    settle(qtbot, window)
    assert window.home.data is not None and window.warming is not None
    window.warming.join(60)
    assert not window.warming.is_alive()
    assert all(name in sys.modules for name, _class in PAGES.values())
    assert gc.isenabled()
    assert [key for key in AREA_KEYS if window.is_built(key)] == ["home"]  # imported, not built


def test_a_page_is_made_on_its_first_visit_and_kept(qtbot, office, admin):
    window = open_window(qtbot, office, admin)
    settle(qtbot, window)
    assert not window.is_built("fund")
    window.show_area("fund")
    assert window.is_built("fund") and window.pages.currentWidget() is window.fund
    assert window.pages.indexOf(window.fund) == AREA_KEYS.index("fund")
    settle(qtbot, window)
    page = window.fund
    window.show_area("households")
    window.show_area("fund")
    assert window.fund is page  # made once
    assert [key for key in AREA_KEYS if window.is_built(key)] == ["home", "households", "fund"]


def test_the_store_area_makes_each_tab_when_first_chosen(qtbot, office, admin):
    """Made all at once, its six tabs held the window 120 ms on the first visit (issue 17)."""
    window = open_window(qtbot, office, admin)
    settle(qtbot, window)
    window.show_area("store")
    area = window.store
    assert list(area._made) == ["counter"] and area.currentWidget() is area.counter
    area.setCurrentIndex(1)
    assert list(area._made) == ["counter", "stock"] and area.currentWidget() is area.stock
    assert area.currentIndex() == 1 and area.stock.isVisible()
    assert [area.tabText(i) for i in range(area.count())] == [title for _key, title, _page in area.TABS]


def test_a_page_asked_for_by_other_code_is_made_without_being_shown(qtbot, office, admin):
    """present_print, Ctrl+F and the like reach a page through the window: it is made for them, in its place."""
    window = open_window(qtbot, office, admin)
    settle(qtbot, window)
    printing = window.printing
    assert (
        window.is_built("print") and window.pages.currentWidget() is window.home and not printing.isVisible()
    )
    assert window.pages.indexOf(printing) == AREA_KEYS.index("print")
    settle(qtbot, window)
    window.show_area("print")
    assert window.pages.currentWidget() is printing and printing.village_box.count() > 0
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.households and window.households.filter_edit.hasFocus()


def test_every_area_opens_and_shows_its_content_at_1366_by_768(qtbot, office, admin):
    window = open_window(qtbot, office, admin)
    settle(qtbot, window)
    for key, title in AREAS:
        window.show_area(key)
        settle(qtbot, window)
        page = window.pages.currentWidget()
        assert window.is_built(key) and not page.objectName().startswith("unbuilt-"), title
        assert page.isVisible() and page.width() > 1000 and page.height() > 500, title
        # the page fits the window: it does not make it grow
        assert (window.width(), window.height()) == (1366, 768), title
        shown = [w for w in page.findChildren(QWidget) if w.isVisible()]
        assert len(shown) > 5, title
    assert window.home.data is not None
    assert window.households.model.rowCount() == 40
    assert "需要核实" in window.plans.status.text()
    assert window.fund.elders_table.rowCount() > 0 and "孝善基金" in window.fund.overview.text()
    assert window.printing.village_box.count() > 0


def test_the_remembered_area_and_villages_come_back_page_by_page(qtbot, office, admin):
    window = open_window(qtbot, office, admin)
    window.show_area("fund")
    settle(qtbot, window)
    page = window.fund
    page.village_box.setCurrentIndex(page.village_box.findData(OTHER_FUND))
    settle(qtbot, window)
    window.show_area("print")
    settle(qtbot, window)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())

    again = open_window(qtbot, office, admin)
    # only the area shown at the last close is made
    assert [key for key in AREA_KEYS if again.is_built(key)] == ["print"]
    assert again.pages.currentWidget() is again.printing
    settle(qtbot, again)
    again.show_area("fund")  # made now, with the village it had
    settle(qtbot, again)
    # chosen just after the page's own listing (on the next turn of the event loop), then read
    qtbot.waitUntil(lambda: again.fund.snapshot is not None and again.fund.snapshot.village == OTHER_FUND)
    assert again.fund.village == OTHER_FUND


def test_qts_own_buttons_speak_chinese(qapp):
    """The app installs Qt's Chinese translation: message boxes and dialogs say 确定/取消/是/否, not OK/Cancel."""
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop.ui.app import install_translations

    install_translations(qapp)
    install_translations(qapp)  # once is enough; a second call adds nothing
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok
        | QDialogButtonBox.StandardButton.Cancel
        | QDialogButtonBox.StandardButton.Yes
        | QDialogButtonBox.StandardButton.No
    )
    texts = [box.button(b).text() for b in (box.StandardButton.Ok, box.StandardButton.Cancel)]
    texts += [
        box.button(b).text().replace("(&Y)", "").replace("(&N)", "")
        for b in (box.StandardButton.Yes, box.StandardButton.No)
    ]
    assert texts == ["确定", "取消", "是", "否"], texts
