"""The 疑点核查 page on the real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.services.roster.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.households_page import HIGHLIGHT_CELL
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle


@pytest.fixture
def window(qtbot, db, admin, sample):
    from desktop.services.quality import quality

    import_roster(db, admin, sample("roster-audit.xlsx"))
    for code in quality.LOOK_BACK_RULES:  # the roster's planted data problems only (see test_quality)
        quality.configure_rule(db, admin, code, enabled=False)
    w = MainWindow(UiContext(db, admin))
    qtbot.addWidget(w)
    w.show_area("quality")
    settle(qtbot, w)
    page = w.quality
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result is not None and page.run_button.isEnabled(), timeout=30000)
    yield w


def test_findings_are_grouped_by_village_and_rule(window):
    page = window.quality
    assert len(page.findings_shown()) == 12
    assert "共发现 12 条疑点" in page.summary.text()
    village = page.tree.topLevelItem(0)
    assert int(village.text(1)) == sum(int(village.child(i).text(1)) for i in range(village.childCount()))
    page.rule_box.setCurrentIndex(page.rule_box.findData("phone_not_11_digits"))
    assert len(page.findings_shown()) == 2


def test_a_finding_opens_its_household_with_the_field_highlighted(window, qtbot):
    page = window.quality
    finding = next(f for f in page.findings_shown() if f.rule == "labour_idle_working_age")
    page.select(finding)
    assert "为什么要查" in page.detail.text()
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    households = window.households
    assert window.pages.currentWidget() is households
    settle(qtbot, window)
    qtbot.waitUntil(lambda: households.detail.title.text().endswith(f"（{finding.household}）"))
    assert (
        households.detail.banner.isVisibleTo(households)
        and finding.message in households.detail.banner.text()
    )
    row = households.detail.member_codes.index(finding.person)
    assert households.detail.members.item(row, 6).background().color() == HIGHLIGHT_CELL  # 劳动技能
    # The list read again (as the page's first load does after the search): the banner stays.
    households.reload()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: households.detail.title.text().endswith(f"（{finding.household}）"))
    assert households.detail.banner.isVisibleTo(households)
    assert households.detail.members.item(row, 6).background().color() == HIGHLIGHT_CELL


def test_marking_verified_needs_a_reason_then_hides_the_finding(window, qtbot):
    page = window.quality
    finding = next(f for f in page.findings_shown() if f.rule == "phone_not_11_digits")
    page.select(finding)
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and "原因不能为空" in box.text()
    box.close()
    qtbot.keyClicks(page.reason_edit, "zuoji")
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert finding not in page.findings_shown() and len(page.findings_shown()) == 11
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.run_button.isEnabled() and "不再显示" in page.summary.text(), timeout=30000)
    assert len(page.findings_shown()) == 11


def test_export_from_the_page(window, qtbot, tmp_path):
    page = window.quality
    target = tmp_path / "out.xlsx"
    page.save_to(str(target), page.export_to)
    qtbot.waitUntil(lambda: page.summary.text().startswith("已保存到"), timeout=30000)
    assert target.exists()
