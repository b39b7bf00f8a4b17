"""First run, settings, automatic backups, the 首页 and the window's comforts, on the real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QWizard

from desktop import clock
from desktop.errors import PermissionDenied
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import settings
from desktop.services.system.backup import auto_backups, backup_folder
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from desktop.ui.setup_wizard import SetupWizard
from tests.pdfcheck import page_text
from tests.test_safety import dump
from tests.uiwait import settle


def _settings(qtbot, window):
    """The settings page shown (pages read what they show when shown) and read."""
    window.show_area("system")
    window.system.tabs.setCurrentWidget(window.system.settings)
    settle(qtbot, window)
    return window.system.settings


def _error(qtbot, page) -> str:
    qtbot.waitUntil(lambda: page.findChild(QMessageBox, "errorBox") is not None, timeout=30000)
    box = page.findChild(QMessageBox, "errorBox")
    text = box.text()
    box.close()
    box.deleteLater()
    qtbot.waitUntil(lambda: page.findChild(QMessageBox, "errorBox") is None)
    return text


def test_the_wizard_takes_an_empty_database_to_a_usable_window(qtbot, empty_db, tmp_path):
    wizard = SetupWizard(empty_db)
    qtbot.addWidget(wizard)
    wizard.show()
    office = wizard.office
    wizard.next()
    assert wizard.currentPage() is office and "乡镇名称" in office.message.text()  # township missing
    office.county_edit.setText("宁陵县")
    office.township_edit.setText("石桥镇")
    office.code_edit.setText("4114")
    wizard.next()
    assert wizard.currentPage() is office and "区划代码" in office.message.text()
    office.code_edit.setText("411423105")
    office.local_phone_edit.setText("0370-7654321")
    office.days_spin.setValue(10)
    wizard.next()

    villages = wizard.villages
    assert wizard.currentPage() is villages
    villages.villages_edit.setPlainText("周堂村\n赵寨村、李庄村，周堂村")  # pasted, with a repeat
    assert villages.preview.text() == "共3个村：周堂村、赵寨村、李庄村"
    wizard.next()

    # a store and a fund offered for each new village: 周堂村 gets both, 赵寨村 a store only
    places = wizard.places
    assert wizard.currentPage() is places
    assert [places.table.item(r, 0).text() for r in range(places.table.rowCount())] == [
        "周堂村",
        "赵寨村",
        "李庄村",
    ]
    places.tick("周堂村", store=True, fund=True)
    places.tick("赵寨村", store=True)
    wizard.next()

    admin = wizard.admin
    admin.user_edit.setText("zhang")
    admin.name_edit.setText("张会计")
    admin.password_edit.setText("secret-1")
    admin.confirm_edit.setText("secret-2")
    wizard.next()
    assert wizard.currentPage() is admin and "不一致" in admin.message.text()
    admin.confirm_edit.setText("secret-1")
    wizard.next()

    check = wizard.check
    assert wizard.currentPage() is check
    qtbot.waitUntil(lambda: check.checked, timeout=30000)
    assert "正文（仿宋）" in check.fonts_label.text() and not check.sample.pixmap().isNull()
    target = tmp_path / "测试页.pdf"
    check.save_test_page(str(target))
    qtbot.waitUntil(lambda: target.exists(), timeout=30000)
    text = page_text(target)[0]
    assert "打印测试页" in text and "宁陵县石桥镇" in text
    wizard.next()

    # the software's defaults no seed sets are shown as defaults, and confirmed once before the first use
    defaults_page = wizard.defaults
    assert wizard.currentPage() is defaults_page and "每颗星10分" in defaults_page.stars_label.text()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() != QWizard.DialogCode.Accepted and "已核对" in defaults_page.message.text()
    defaults_page.percent_spin.setValue(20)
    defaults_page.confirm_check.setChecked(True)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: wizard.result() == QWizard.DialogCode.Accepted, timeout=30000)
    assert wizard.actor.username == "zhang" and wizard.actor.role == "admin"
    assert settings.get(empty_db, "rules.confirmed") == ["fund.match", "stars"]
    assert settings.get(empty_db, "fund.match_percent") == 20
    from desktop.services.fund import fund
    from desktop.services.points import stores

    assert [(st.code, st.name) for st in stores.list_stores(empty_db)] == [
        ("S01", "周堂村扶贫超市"),
        ("S02", "赵寨村扶贫超市"),
    ]
    [only] = fund.all_rules(empty_db, wizard.actor)
    assert only.village.endswith("周堂村") and only.match_percent == 20 and only.match_confirmed

    window = MainWindow(UiContext(empty_db, wizard.actor))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.home.data is not None, timeout=30000)
    assert window.home.title.text() == "宁陵县石桥镇扶贫工作概况"
    assert "张会计" in window.status_user.text()
    window.show_area("print")
    settle(qtbot, window)  # the page is made on this first visit and lists the villages in the background
    villages_offered = [
        window.printing.village_box.itemText(i) for i in range(window.printing.village_box.count())
    ]
    assert sorted(villages_offered) == sorted(
        ["石桥镇 李庄村（0户）", "石桥镇 周堂村（0户）", "石桥镇 赵寨村（0户）"]
    )
    assert window.printing.days_spin.value() == 10


def test_cancelling_the_wizard_writes_nothing(qtbot, empty_db):
    wizard = SetupWizard(empty_db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.office.township_edit.setText("石桥镇")
    wizard.next()
    wizard.reject()
    assert wizard.actor is None
    from desktop.services.system import setup

    assert setup.needs_setup(empty_db)


@pytest.fixture
def window(qtbot, db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    w = MainWindow(UiContext(db, admin))
    qtbot.addWidget(w)
    w.show()
    yield w
    settle(qtbot, w)  # nothing still running when the window is deleted


def test_a_settings_change_takes_effect_in_the_next_printed_notice(qtbot, window, tmp_path):
    page = _settings(qtbot, window)
    page.days_spin.setValue(12)
    page.phone_edit.setText("0370-8123456")
    qtbot.mouseClick(page.office_save, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert page.status.text() == "单位与公示设置已保存。"
    window.system.tabs.setCurrentIndex(2)  # 操作记录: the person's name, not the log-in
    settle(qtbot, window)
    assert window.system.audit_table.item(0, 2).text() == "修改设置"
    assert window.system.audit_table.item(0, 1).text() == "管理员"

    printing = window.printing
    window.show_area("print")
    settle(qtbot, window)
    printing.output_box.setCurrentIndex(printing.output_box.findData("notice"))
    printing.kind_box.setCurrentIndex(
        printing.kind_box.findData("monitoring")
    )  # identification: a round's dates
    assert printing.days_spin.value() == 12
    printing.village_box.setCurrentIndex(printing.village_box.findData("柘城县逻岗镇/孙桥村"))
    qtbot.mouseClick(printing.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: printing.generated is not None, timeout=30000)
    text = "".join(page_text(printing.generated.path)).replace(" ", "").replace("\n", "")
    assert "（共12天）" in text and "0370-8123456" in text


def test_a_bad_setting_is_refused_with_the_field_named(qtbot, window, db):
    page = _settings(qtbot, window)
    page.phone_edit.setText("请打电话")
    qtbot.mouseClick(page.office_save, Qt.MouseButton.LeftButton)
    assert "监督电话" in _error(qtbot, page)
    assert settings.get(db, "notice.phone") == "12317"


def test_the_countys_limits_are_set_on_the_settings_page_within_the_hard_ceiling(qtbot, window, db):
    page = _settings(qtbot, window)
    assert page.limit_spins["limits.points_entry"].value() == 1000  # the default, shown as one
    page.limit_spins["limits.points_entry"].setValue(2000)
    qtbot.mouseClick(page.limits_save, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert settings.get(db, "limits.points_entry") == 2000
    page.limit_spins["limits.fund_yuan"].setValue(1_000_000_000)  # beyond what the database can hold
    qtbot.mouseClick(page.limits_save, Qt.MouseButton.LeftButton)
    assert "一笔缴纳或捐赠的上限" in _error(qtbot, page)
    assert settings.get(db, "limits.fund_yuan") == 100_000


def test_the_areas_numbers_are_set_on_the_settings_page_all_or_nothing(qtbot, window, db):
    """业务参数: 防返贫监测, 问题整改, 项目资金, 公益岗位 — each shown with its default; one bad number and nothing
    of the tab is saved, the message naming the setting."""
    page = _settings(qtbot, window)
    assert page.param_widgets["projects.balance_warn_percent"].value() == 5
    assert page.param_widgets["posts.prorate"].isChecked()
    page.param_widgets["posts.max_count"].setValue(6)
    page.param_widgets["projects.notice_days"].setValue(61)  # over its 5—60
    qtbot.mouseClick(page.params_save, Qt.MouseButton.LeftButton)
    assert "项目公告公示天数" in _error(qtbot, page)
    assert settings.get(db, "posts.max_count") == 5 and settings.get(db, "projects.notice_days") == 10
    page.param_widgets["projects.notice_days"].setValue(15)
    page.param_widgets["posts.prorate"].setChecked(False)
    qtbot.mouseClick(page.params_save, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert settings.get(db, "posts.max_count") == 6 and settings.get(db, "projects.notice_days") == 15
    assert settings.get(db, "posts.prorate") is False


def _threshold_row(page, year: str, figures: tuple[str, str, str]) -> None:
    page._add_threshold_row()
    row = page.thresholds.rowCount() - 1
    for col, text in enumerate((year, *figures)):
        page.thresholds.item(row, col).setText(text)


def test_thresholds_of_several_years_are_saved_all_or_nothing(qtbot, window, db):
    """The reported case: 2024 valid, 2025 not — nothing is saved, and the message names 2025."""
    from desktop.services.plans import plans

    page = _settings(qtbot, window)
    _threshold_row(page, "2024", ("4300", "4800", "5800"))
    _threshold_row(page, "2025", ("4500", "4000", "6000"))  # 贫困线 above 黄卡下限
    qtbot.mouseClick(page.threshold_save, Qt.MouseButton.LeftButton)
    text = _error(qtbot, page)
    assert "2025年" in text and "贫困线 ≤ 黄卡下限" in text
    assert page.status.text().startswith("收入标准未保存")
    assert plans.threshold_status(db, 2024)[0] is None and plans.threshold_status(db, 2025)[0] is None
    row = page.thresholds.rowCount() - 1
    page.thresholds.item(row, 2).setText("5000")
    qtbot.mouseClick(page.threshold_save, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert page.status.text() == "收入标准已保存。"
    assert plans.threshold(db, 2024).figures() == (430000, 480000, 580000)
    assert plans.threshold(db, 2025).figures() == (450000, 500000, 600000)
    assert plans.threshold(db, 2020).default  # the seed's 2020, shown and saved unchanged, stays a default


def test_stars_and_users_are_edited_on_the_settings_page(qtbot, window, db):
    from desktop.services.ratings import ratings
    from desktop.services.system import users

    page = _settings(qtbot, window)
    page.stars.item(0, 1).setText("20")
    qtbot.mouseClick(page.stars_save, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert ratings.stars(db)[0].points == 20

    # a new account starts with the least it may do
    assert page.new_role_box.currentData() == "auditor"
    assert not page.new_villages_list.isEnabled() and not page.new_stores_list.isEnabled()
    page.new_user_edit.setText("li")
    page.new_name_edit.setText("李文书")
    page.new_role_box.setCurrentIndex(page.new_role_box.findData("village_clerk"))
    page.new_password_edit.setText("secret-9")
    offered = [page.new_villages_list.item(i).text() for i in range(page.new_villages_list.count())]
    # a repeated name says its township, and its county where that repeats too
    assert "虞城县石桥镇赵寨村" in offered and "赵寨村" not in offered and "石桥镇赵寨村" not in offered
    page.new_villages_list.item(offered.index("虞城县石桥镇赵寨村")).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(page.add_user_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert {u.username: u.villages for u in users.list_users(db)}["li"] == ["赵寨村"]
    assert page.new_role_box.currentData() == "auditor" and page.new_user_edit.text() == ""

    # 李文书 leaves the office: stopped, she can no longer log in; started again, she can
    row = next(r for r in range(page.user_table.rowCount()) if page.user_table.item(r, 0).text() == "li")
    assert page.user_table.item(row, 1).text() == "李文书"
    page.user_table.selectRow(row)
    assert page.active_button.text() == "停用选中"
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: page.user_table.item(row, 4).text() == "已停用")
    assert page.active_button.text() == "启用选中"
    with pytest.raises(PermissionDenied):
        users.authenticate(db, "li", "secret-9")
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert users.authenticate(db, "li", "secret-9").username == "li"


def test_the_backup_taken_on_exit_restores_identically_and_a_corrupt_one_is_refused(
    qtbot, window, db, admin, sample, tmp_path
):
    saved = dump(db)
    window.start_duties()
    settle(qtbot, window)
    window.close()  # the exit backup runs on the write lane, then the window closes
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)
    settle(qtbot, window)
    taken = [p for _, p in auto_backups(backup_folder(db)) if p.name.startswith("auto-exit-")]
    assert len(taken) == 1

    import_roster(db, admin, sample("roster-messy.xlsx"))
    system = window.system
    system.reload()
    settle(qtbot, window)
    assert system.auto_table.rowCount() >= 1
    system.preview_restore(str(taken[0]))
    qtbot.waitUntil(lambda: system.findChild(QMessageBox, "restorePreview") is not None, timeout=30000)
    preview = system.findChild(QMessageBox, "restorePreview")
    assert "农户40" in preview.text() and "当前数据库有：" in preview.text()
    preview.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: system.status.text().startswith("已恢复"), timeout=30000)
    restored = dump(db)
    assert restored["audit_log"][:-1] == saved["audit_log"]
    assert {k: v for k, v in restored.items() if not k.startswith("audit")} == {
        k: v for k, v in saved.items() if not k.startswith("audit")
    }

    bad = tmp_path / "坏备份.sqlite3"
    bad.write_bytes(taken[0].read_bytes()[:4096])
    system.preview_restore(str(bad))
    qtbot.waitUntil(lambda: system.findChild(QMessageBox, "errorBox") is not None, timeout=30000)
    box = system.findChild(QMessageBox, "errorBox")
    assert "坏备份.sqlite3" in box.text() and ("损坏" in box.text() or "不是本程序的备份" in box.text())
    box.close()
    assert dump(db)["household"] == saved["household"]


def test_the_home_page_counts_charts_exports_and_makes_the_monthly_report(qtbot, window, tmp_path):
    home = window.home
    qtbot.waitUntil(lambda: home.data is not None, timeout=30000)
    assert home.numbers["households"].text().startswith("40 /")
    qtbot.waitUntil(lambda: all(c.png for c in home.charts.values()), timeout=30000)
    saved = []
    home.export_png(tmp_path / "png", saved.extend)
    settle(qtbot, window)
    assert len(saved) == 4 and all(p.read_bytes()[:4] == b"\x89PNG" for p in saved)
    home.print_report()
    printing = window.printing
    qtbot.waitUntil(lambda: printing.generated is not None, timeout=30000)
    assert window.pages.currentWidget() is printing and printing.generated.pages == 1
    text = page_text(printing.generated.path)[0]
    assert f"{clock.today().year}年{clock.today().month}月" in text and "农户40户" in text


def test_the_window_remembers_its_area_and_village(qtbot, db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    first = MainWindow(UiContext(db, admin))
    qtbot.addWidget(first)
    first.show()
    first.show_area("print")
    settle(qtbot, first)  # the villages are listed by a background read
    box = first.printing.village_box
    box.setCurrentIndex(box.findData("虞城县石桥镇/赵寨村"))
    assert box.currentData() == "虞城县石桥镇/赵寨村"
    settle(qtbot, first)
    first.close()
    second = MainWindow(UiContext(db, admin))
    qtbot.addWidget(second)
    second.show()
    settle(qtbot, second)
    assert second.pages.currentWidget() is second.printing
    # chosen just after the page's own listing, on the next turn of the event loop
    qtbot.waitUntil(lambda: second.printing.village_box.currentData() == "虞城县石桥镇/赵寨村")


def test_f1_opens_the_about_box_with_versions_and_licences(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(window, "about", None) is not None and window.about.isVisible())
    text = window.about.text.toPlainText()
    assert "PySide6" in text and "SQLAlchemy" in text and "SIL OFL 1.1" in text
    window.about.close()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.quality


def test_the_app_and_its_windows_carry_the_workbench_icon(qtbot, window):
    from desktop.ui.app import make_app

    app = make_app()
    assert not app.windowIcon().isNull()
    assert app.windowIcon().availableSizes(), "the icon file was not found or not readable"
    assert not window.windowIcon().isNull()


def test_the_home_page_recounts_when_shown_again_after_work_elsewhere(qtbot, window, db, admin):
    from desktop.services.points import points

    home = window.home
    qtbot.waitUntil(lambda: home.data is not None, timeout=30000)
    assert home.numbers["points"].text() == "0 / 0"
    window.show_area("stars")
    points.award(db, admin, "41142410520800001", 30, "星级评定")
    window.show_area("home")
    qtbot.waitUntil(lambda: home.numbers["points"].text() == "30 / 0", timeout=30000)


def test_the_archive_checklist_is_edited_into_a_new_version_on_the_settings_page(qtbot, window, db):
    from desktop.services.archives import archives

    page = _settings(qtbot, window)
    assert page.checklist.rowCount() == 18 and "第1版" in page.checklist_info.text()
    # the clerk reads the materials' names, never the keys that tie records to them
    assert page.checklist.columnCount() == 2
    shown = [page.checklist.item(r, 1).text() for r in range(page.checklist.rowCount())]
    assert not any(t.isascii() for t in shown) and "application" not in shown
    qtbot.mouseClick(page.checklist_add, Qt.MouseButton.LeftButton)
    row = page.checklist.rowCount() - 1
    stage = page.checklist.cellWidget(row, 0)
    stage.setCurrentIndex(stage.findData("exit"))
    page.checklist.item(row, 1).setText("脱贫光荣证复印件")
    qtbot.mouseClick(page.checklist_add, Qt.MouseButton.LeftButton)  # a second row left without a name
    qtbot.mouseClick(page.checklist_save, Qt.MouseButton.LeftButton)
    assert "第20项：材料名称不能为空" in _error(qtbot, page)
    assert archives.checklist(db).version == 1  # nothing saved
    page.checklist.selectRow(page.checklist.rowCount() - 1)
    qtbot.mouseClick(page.checklist_remove, Qt.MouseButton.LeftButton)
    page.checklist_note.setText("县里要求加光荣证")
    qtbot.mouseClick(page.checklist_save, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    current = archives.checklist(db)
    added = [i for i in current.items if i.title == "脱贫光荣证复印件"]
    assert current.version == 2 and len(current.items) == 19 and current.note == "县里要求加光荣证"
    assert added[0].stage == "exit" and added[0].key == "item1"
    assert page.checklist_info.text() == "当前为第2版（县里要求加光荣证）"
    qtbot.mouseClick(page.checklist_save, Qt.MouseButton.LeftButton)  # saved again unchanged: no version 3
    settle(qtbot, window)
    assert archives.checklist(db).version == 2


def test_audit_rules_are_switched_and_tuned_on_the_settings_page(qtbot, window, db):
    from desktop.services.quality import quality

    page = _settings(qtbot, window)
    names = [page.rules.item(r, 1).text() for r in range(page.rules.rowCount())]
    idle = names.index("劳动年龄内健康却无劳动能力")
    young = names.index("户主年龄过小")
    assert page.rules.item(idle, 3).text() == "最低年龄=16，最高年龄=59"
    # a good change above a bad one: neither is saved
    page.rules.item(young, 0).setCheckState(Qt.CheckState.Unchecked)
    page.rules.item(idle, 3).setText("最低年龄=16，最高年龄=六十")
    qtbot.mouseClick(page.rules_save, Qt.MouseButton.LeftButton)
    text = _error(qtbot, page)
    assert "劳动年龄内健康却无劳动能力" in text and "最高年龄=六十" in text
    assert [r.enabled for r in quality.rules(db) if r.name == "户主年龄过小"] == [True]
    page.rules.item(idle, 3).setText("最低年龄=16，最高年龄=60")
    qtbot.mouseClick(page.rules_save, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    by_code = {r.code: r for r in quality.rules(db)}
    assert by_code["labour_idle_working_age"].params == {"min_age": 16, "max_age": 60}
    assert [r.enabled for r in quality.rules(db) if r.name == "户主年龄过小"] == [False]
    assert "已保存" in page.status.text()


def test_a_store_operator_is_added_with_their_store_on_the_settings_page(qtbot, window, db, admin):
    from desktop.services.points import stores
    from desktop.services.system import users

    stores.create_store(db, admin, "S01", "孙桥村爱心超市")
    stores.create_store(db, admin, "S02", "王楼村爱心超市")
    page = _settings(qtbot, window)
    page.reload()  # the stores were made behind the window's back
    settle(qtbot, window)
    page.new_role_box.setCurrentIndex(page.new_role_box.findData("store_operator"))
    assert page.new_stores_list.isEnabled() and not page.new_villages_list.isEnabled()
    offered = [page.new_stores_list.item(i).text() for i in range(page.new_stores_list.count())]
    assert offered == ["孙桥村爱心超市（S01）", "王楼村爱心超市（S02）"]
    page.new_user_edit.setText("op1")
    page.new_password_edit.setText("secret-8")
    qtbot.mouseClick(page.add_user_button, Qt.MouseButton.LeftButton)
    assert "超市" in _error(qtbot, page)  # no store ticked: an operator who could serve nowhere is refused
    page.new_stores_list.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(page.add_user_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert {u.username: u.stores for u in users.list_users(db)}["op1"] == ["S01"]
    row = next(r for r in range(page.user_table.rowCount()) if page.user_table.item(r, 0).text() == "op1")
    assert page.user_table.item(row, 3).text() == "孙桥村爱心超市"
    operator = users.authenticate(db, "op1", "secret-8")
    assert [st.code for st in stores.list_stores(db, operator)] == ["S01"]

    # later she moves to 王楼村: her stores are changed by ticking, not by retyping
    page.user_table.selectRow(row)
    qtbot.mouseClick(page.places_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(QDialog, "placesDialog") is not None, timeout=30000)
    dialog = page.findChild(QDialog, "placesDialog")
    chooser = dialog.chooser
    assert [chooser.item(i).checkState() for i in range(chooser.count())] == [
        Qt.CheckState.Checked,
        Qt.CheckState.Unchecked,
    ]
    chooser.item(0).setCheckState(Qt.CheckState.Unchecked)
    chooser.item(1).setCheckState(Qt.CheckState.Checked)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    settle(qtbot, window)
    assert not dialog.isVisible()
    assert {u.username: u.stores for u in users.list_users(db)}["op1"] == ["S02"]
    qtbot.waitUntil(lambda: page.user_table.item(row, 3).text() == "王楼村爱心超市")
    operator = users.authenticate(db, "op1", "secret-8")
    assert [st.code for st in stores.list_stores(db, operator)] == ["S02"]
    page.new_role_box.setCurrentIndex(page.new_role_box.findData("village_clerk"))
    assert page.new_villages_list.isEnabled() and not page.new_stores_list.isEnabled()


def test_the_wizard_says_how_several_pcs_share_one_database(qtbot, empty_db):
    wizard = SetupWizard(empty_db)
    qtbot.addWidget(wizard)
    note = wizard.office.findChild(QLabel, "databaseNote")
    assert note is not None and str(empty_db.path) in note.text()
    text = note.text()
    assert "PostgreSQL" in text and "postgresql+psycopg://" in text and "共享文件夹" in text
