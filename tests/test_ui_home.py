"""首页 on the real widgets: charts drawn off the GUI thread that fit the window, never widen it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFrame

from desktop.services.demo import add_demo_households
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle


def open_window(qtbot, db, admin):
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.show_area("home")
    qtbot.waitExposed(window)
    return window


def charts_drawn(home) -> bool:
    return all(label.pixmap() is not None and not label.pixmap().isNull() for label in home.charts.values())


@pytest.fixture
def window(qtbot, db, admin):
    add_demo_households(db, admin, 60)
    w = open_window(qtbot, db, admin)
    settle(qtbot, w)
    qtbot.waitUntil(lambda: charts_drawn(w.home), timeout=30000)
    yield w


def test_the_charts_fit_a_1366_window_and_never_widen_it(qtbot, window):
    home = window.home
    assert window.width() == 1366
    assert home.numbers["households"].text().startswith("60 /")
    for label in home.charts.values():
        assert label.pixmap().width() <= label.width() * label.devicePixelRatioF() + 1
    for _ in range(2):  # a refresh (as after 月结) draws again: the window keeps its size
        home.reload()
        settle(qtbot, window)
        assert window.width() == 1366
    home.print_report()  # the monthly report, shown in 公示打印
    settle(qtbot, window)
    assert window.printing.generated is not None and window.printing.generated.pages >= 1
    window.show_area("home")
    settle(qtbot, window)
    assert window.width() == 1366


def test_the_charts_are_drawn_again_at_the_new_size(qtbot, window):
    home = window.home
    before = home.charts["points"].pixmap().width()
    old_size = home._chart_size()[:2]
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: home._chart_size()[:2] != old_size)  # the layout has given the charts less room
    qtbot.waitUntil(  # and they were drawn again at it (after the resize settles: a timer, then a read)
        lambda: home._drawn_at == home._chart_size()[:2] and not home.redraw_timer.isActive(), timeout=30000
    )
    settle(qtbot, window)
    assert home.charts["points"].pixmap().width() < before
    assert window.width() == 1000


def test_a_change_elsewhere_updates_the_figures(qtbot, window):
    home = window.home
    assert home.numbers["households"].text().startswith("60 /")
    # as an import in 户档案 would: a write saying it changed the households
    window.ctx.ops.write(window, lambda d, a: add_demo_households(d, a, 5), ("households",))
    settle(qtbot, window)
    qtbot.waitUntil(lambda: home.numbers["households"].text().startswith("65 /"), timeout=30000)
    assert window.width() == 1366


def test_the_cards_stay_compact_while_the_first_figures_load(qtbot, db, admin):
    window = open_window(qtbot, db, admin)
    cards = [f for f in window.home.findChildren(QFrame) if f.frameShape() == QFrame.Shape.StyledPanel]
    assert len(cards) == 5
    assert all(card.height() <= card.sizeHint().height() + 2 for card in cards)  # before the figures arrive
    settle(qtbot, window)
    assert all(card.height() <= card.sizeHint().height() + 2 for card in cards)
    assert window.home.numbers["households"].text() == "0 / 0"


def test_the_charts_can_be_saved_as_pictures(qtbot, window, tmp_path):
    saved = []
    window.home.export_png(tmp_path / "图表", saved.extend)
    settle(qtbot, window)
    assert len(saved) == 4 and all(p.stat().st_size > 1000 for p in saved)
    assert window.home.status.text().startswith("已保存4张图片")


def test_an_empty_office_says_there_is_nothing_yet_instead_of_empty_axes(db, admin):
    from desktop.reports.dashboard_charts import figure
    from desktop.services import dashboard

    d = dashboard.gather(db, admin)
    for name, words in (
        ("points", "还没有"),
        ("fund", "还没有"),
        ("colours", "还没有"),
        ("archive", "还没有"),
    ):
        fig = figure(name, d)
        texts = [t.get_text() for ax in fig.axes for t in ax.texts]
        assert any(words in t for t in texts), (name, texts)
        assert all(not ax.axison for ax in fig.axes), name  # no −0.04…0.04 axes
