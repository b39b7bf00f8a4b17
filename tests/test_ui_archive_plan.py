"""The household's 档案 and 帮扶 tabs and the 帮扶计划 overview, driven as a clerk would."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from desktop.services.roster.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle

CODE = "41142510220500008"  # 魏国福, 2 people, 脱贫户, nobody ill


@pytest.fixture
def window(qtbot, db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    from desktop import clock
    from desktop.services.plans import plans

    plans.set_threshold(
        db, admin, clock.today().year, 400000, 400000, 500000
    )  # no year's standard is guessed
    w = MainWindow(UiContext(db, admin))
    qtbot.addWidget(w)
    w.show()
    settle(qtbot, w)
    w.show_area("households")
    w.households.show_household(CODE)
    settle(qtbot, w)
    return w


def states(tab, title: str) -> list[str]:
    for t in range(tab.tree.topLevelItemCount()):
        top = tab.tree.topLevelItem(t)
        for c in range(top.childCount()):
            if top.child(c).text(0) == title:
                return [top.child(c).text(col) for col in range(3, tab.tree.columnCount())]
    raise AssertionError(title)


def error_text(qtbot, window) -> str:
    settle(qtbot, window)
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None
    text = box.text()
    box.close()
    box.setObjectName("seen")
    return text


def drop(tab, paths) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    tab.dropEvent(event)


def test_the_archive_tab_records_scans_refuses_fakes_and_prints_a_copy(qtbot, window, tmp_path):
    hp = window.households
    hp.tabs.setCurrentWidget(hp.archive_tab)
    settle(qtbot, window)
    tab = hp.archive_tab
    assert states(tab, "贫困户申请书") == ["缺失", "缺失", "缺失"]
    assert "乡镇存档 <b>0/18</b>" in tab.summary.text()

    scan = tmp_path / "申请书.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (400, 560), "white").save(buf, "JPEG")
    scan.write_bytes(buf.getvalue())
    tab.select_item("application")
    drop(tab, [scan])  # dropped on the selected item
    settle(qtbot, window)
    assert states(tab, "贫困户申请书") == ["需更新", "需更新", "需更新"]
    assert tab.files.count() == 1 and "申请书.jpg" in tab.files.item(0).text()

    fake = tmp_path / "照片.png"
    fake.write_text("this is not a picture")
    drop(tab, [fake])
    assert "不是PDF、JPG或PNG文件" in error_text(qtbot, window)
    assert tab.files.count() == 1  # nothing added

    tab.copy_box.setCurrentIndex(tab.copy_box.findData("village"))
    qtbot.mouseClick(tab.print_button, Qt.MouseButton.LeftButton)
    printing = window.printing
    qtbot.waitUntil(
        lambda: printing.generated is not None and printing.generate_button.isEnabled(), timeout=30000
    )
    # cover, contents, the list (of the 17 items not recorded), the scanned item's page
    assert window.pages.currentWidget() is printing and printing.generated.pages == 4
    window.show_area("households")  # back from 公示打印: the tab shows the print logged
    qtbot.waitUntil(lambda: states(tab, "贫困户申请书")[1] == "齐全")
    assert states(tab, "贫困户申请书") == ["需更新", "齐全", "需更新"]
    tab.hand_over("村委会", "魏国福")
    settle(qtbot, window)
    assert "交村委会（魏国福签收）" in tab.log.text()


def test_the_plan_tab_suggests_then_needs_a_reason_for_another_colour(qtbot, window):
    hp = window.households
    hp.tabs.setCurrentWidget(hp.plan_tab)
    settle(qtbot, window)
    tab = hp.plan_tab

    def click(button) -> None:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        settle(qtbot, window)

    assert "未确定" in tab.colour_label.text()
    tab.income_edits["wage"].setText("20,000")  # 10,000 元 a head
    click(tab.income_button)
    assert "10,000.00" in tab.net_label.text() and tab.suggestion_label.text().startswith("待核验")
    tab.check_condition.setCurrentIndex(
        tab.check_condition.findData("food_clothing")
    )  # 绿卡 once all are met
    click(tab.check_button)
    assert tab.suggestion_label.text().startswith("建议绿卡")

    tab.colour_box.setCurrentIndex(tab.colour_box.findData("yellow"))
    click(tab.confirm_button)
    assert "请填写调整理由" in error_text(qtbot, window)
    assert "未确定" in tab.colour_label.text()
    tab.reason_edit.setText("家中主要劳力明年外出不确定")  # keyClicks types ASCII only
    click(tab.confirm_button)
    assert (
        "黄卡" in tab.colour_label.text()
        and "调整理由：家中主要劳力明年外出不确定" in tab.history_label.text()
    )

    tab.measure_text.setText("安排公益岗位")
    tab.measure_kind.setCurrentText("就业/公益岗位")
    tab.measure_amount.setText("6000")
    click(tab.measure_button)
    assert tab.measures.rowCount() == 1 and tab.measures.item(0, 2).text() == "6,000.00"
    tab.measures.selectRow(0)
    click(tab.measure_done_button)
    assert tab.measures.item(0, 4).text() == "已完成"
    click(tab.visit_button)  # no visitor typed
    assert "请填写走访人" in error_text(qtbot, window)
    tab.check_condition.setCurrentIndex(tab.check_condition.findData("housing"))
    tab.check_met.setCurrentIndex(1)
    tab.check_evidence.setText("房屋裂缝")
    click(tab.check_button)
    assert "住房安全有保障" in tab.exit_label.text() and tab.suggestion_label.text().startswith("建议红卡")


def test_the_overview_lists_villages_and_opens_a_household_that_disagrees(qtbot, window):
    window.show_area("plans")
    page = window.plans
    qtbot.waitUntil(lambda: page.villages.rowCount() > 0 and "需要核实" in page.status.text(), timeout=30000)
    assert page.villages.horizontalHeaderItem(7).text() == "乡镇存档齐全"
    row = next(r for r in range(page.disagree.rowCount()) if page.disagree.item(r, 0).text() == CODE)
    page.disagree.cellDoubleClicked.emit(row, 0)
    settle(qtbot, window)
    assert window.pages.currentWidget() is window.households
    assert window.households.current_code == CODE
