"""帮扶干部 area, driven as a clerk would: the empty registry offers the roster import, a cadre is added and
paired with a household from the 未结对 list, the coverage tab says who is behind, a cadre leaves the post; the
household's visit form chooses its visitor from the registry."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop import clock
from desktop.services.cadres import cadres
from desktop.services.roster.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=clock.OFFICE_TZ)
CODE = "41142510220500008"  # 魏国福, 赵寨村, 脱贫户; the roster's helper 林顺军 13943578976


@pytest.fixture
def window(qtbot, db, admin, sample, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    import_roster(db, admin, sample("roster-small.xlsx"))
    w = MainWindow(UiContext(db, admin))
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    settle(qtbot, w)
    w.show_area("cadres")
    settle(qtbot, w)
    return w


def click(qtbot, window, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)


def error_text(qtbot, window) -> str:
    settle(qtbot, window)
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None
    text = box.text()
    box.close()
    box.setObjectName("seen")
    return text


def cells(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_registry_pairing_and_coverage(qtbot, window, db, admin, tmp_path):
    page = window.cadres
    assert page.empty_label.isVisible() and page.registry.rowCount() == 0
    assert page.unpaired.rowCount() == 40  # roster-small: every household is registered or monitored
    page.grab().save(str(tmp_path / "cadres-empty.png"))

    click(qtbot, window, page.import_button)
    assert not page.empty_label.isVisible()
    assert page.registry.rowCount() == 40 and "新建结对40户" in page.status.text()
    assert page.unpaired.rowCount() == 0

    # a new cadre, entered through the form
    page.name_edit.setText("王书记")
    page.post_box.setCurrentText("乡镇党委书记")
    page.unit_kind_box.setCurrentIndex(page.unit_kind_box.findData("乡镇"))
    page.unit_edit.setText("石桥镇")
    page.phone_edit.setText("12345")
    click(qtbot, window, page.add_button)
    assert "联系电话“12345”无效" in error_text(qtbot, window)
    page.phone_edit.setText("13912345678")
    click(qtbot, window, page.add_button)
    row = cells(page.registry, 1).index("王书记")
    assert page.registry.item(row, 2).text() == "乡镇党委书记"

    page.grab().save(str(tmp_path / "cadres-registry.png"))

    # pairing: the selected cadre with a household typed in
    page.registry.selectRow(cells(page.registry, 1).index("王书记"))
    settle(qtbot, window)
    page.tabs.setCurrentIndex(1)
    assert "王书记" in page.pair_label.text() and page.pairs.rowCount() == 0
    page.pair_codes.setText(f"{CODE}, 41142110220500019")
    click(qtbot, window, page.pair_button)
    assert sorted(cells(page.pairs, 1)) == ["41142110220500019", CODE]
    page.pairs.selectRow(0)
    click(qtbot, window, page.unpair_button)
    assert "请填写解除结对的原因" in error_text(qtbot, window)
    page.unpair_reason.setText("调整")
    page.pairs.selectRow(cells(page.pairs, 1).index(CODE))
    click(qtbot, window, page.unpair_button)
    assert page.pairs.item(cells(page.pairs, 1).index(CODE), 6).text() == "调整"

    # the household's visit form: the paired helper is offered first; the visit keeps the cadre's post
    window.show_area("households")
    window.households.show_household(CODE)
    settle(qtbot, window)
    hp = window.households
    hp.tabs.setCurrentWidget(hp.plan_tab)
    settle(qtbot, window)
    tab = hp.plan_tab
    assert tab.visit_cadre.itemText(1).startswith("林顺军（帮扶责任人")
    tab.visit_cadre.setCurrentIndex(1)
    tab.findings_edit.setText("了解生产情况")
    click(qtbot, window, tab.visit_button)
    assert tab.visits.item(0, 1).text() == "林顺军（帮扶责任人）"
    hp.grab().save(str(tmp_path / "plan-tab-visit.png"))

    # coverage: 王书记 has visited no 未脱贫户 (the rule's 30 June has passed): 未完成, listed with the names
    window.show_area("cadres")
    settle(qtbot, window)
    page.tabs.setCurrentIndex(3)
    page.behind_only.setChecked(True)
    rows = [
        [page.covered.item(r, c).text() for c in range(page.covered.columnCount())]
        for r in range(page.covered.rowCount())
    ]
    mine = [r for r in rows if r[0] == "王书记"]
    assert mine and all(r[7] == "未完成" for r in mine) and mine[0][8]
    assert "林顺军" not in [r[0] for r in rows if r[4] == "2026年第4季度" and r[2] == "赵寨村"]
    page.grab().save(str(tmp_path / "cadres-coverage.png"))

    # the rules: seed 002's count of visits switched on, a wrong post refused naming the rule
    page.tabs.setCurrentIndex(4)
    rules = page.rules_table
    assert rules.rowCount() == 4 and rules.item(2, 0).text() == "否" and "种子002" in rules.item(2, 8).text()
    rules.item(2, 2).setText("乡镇党委书记、组长")
    click(qtbot, window, page.rules_save)
    assert "第3条规则“党政领导班子成员每季度带队走访”：职务应从" in error_text(qtbot, window)
    rules.item(2, 2).setText("乡镇党委书记、乡镇长")
    rules.item(2, 0).setText("是")
    click(qtbot, window, page.rules_save)
    assert [r.enabled for r in cadres.rules(db)] == [True, True, True, True]
    page.grab().save(str(tmp_path / "cadres-rules.png"))
    page.tabs.setCurrentIndex(3)
    assert "党政领导班子成员每季度带队走访" in cells(page.covered, 3)

    # leaving the post ends the pairings
    page.tabs.setCurrentIndex(0)
    page.registry.selectRow(cells(page.registry, 1).index("王书记"))
    page.end_reason.setText("调离")
    click(qtbot, window, page.end_button)
    assert "王书记" not in cells(page.registry, 1)
    assert [c.name for c in cadres.cadres(db, admin, include_ended=True) if c.active_to] == ["王书记"]
