"""First run, settings, automatic backups, the 首页 and the window's comforts, on the real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWizard

from desktop import clock
from desktop.services import settings
from desktop.services.backup import auto_backups, backup_folder
from desktop.services.errors import PermissionDenied
from desktop.services.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from desktop.ui.setup_wizard import SetupWizard
from tests.pdfcheck import page_text
from tests.test_safety import dump


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
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.actor.username == "zhang" and wizard.actor.role == "admin"
    assert settings.get(empty_db, "rules.confirmed") == ["fund.match", "stars"]
    assert settings.get(empty_db, "fund.match_percent") == 20

    window = MainWindow(UiContext(empty_db, wizard.actor))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.home.data is not None, timeout=30000)
    assert window.home.title.text() == "宁陵县石桥镇扶贫工作概况"
    assert "张会计" in window.status_user.text()
    window.show_area("print")
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
    from desktop.services import setup

    assert setup.needs_setup(empty_db)


@pytest.fixture
def window(qtbot, db, admin, sample):  # noqa: ANN001, ANN201
    import_roster(db, admin, sample("roster-small.xlsx"))
    w = MainWindow(UiContext(db, admin))
    qtbot.addWidget(w)
    w.show()
    return w


def test_a_settings_change_takes_effect_in_the_next_printed_notice(qtbot, window, tmp_path):
    page = window.system.settings
    window.show_area("system")
    window.system.tabs.setCurrentWidget(page)
    page.days_spin.setValue(12)
    page.phone_edit.setText("0370-8123456")
    qtbot.mouseClick(page.office_save, Qt.MouseButton.LeftButton)
    assert page.status.text() == "单位与公示设置已保存。"
    assert window.system.audit_table.item(0, 2).text() == "修改设置"

    printing = window.printing
    window.show_area("print")
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


def test_a_bad_setting_is_refused_with_the_field_named(qtbot, window):
    page = window.system.settings
    page.phone_edit.setText("请打电话")
    qtbot.mouseClick(page.office_save, Qt.MouseButton.LeftButton)
    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None and "监督电话" in box.text()
    box.close()
    assert settings.get(window.ctx.db, "notice.phone") == "12317"


def test_the_countys_limits_are_set_on_the_settings_page_within_the_hard_ceiling(qtbot, window):
    page = window.system.settings
    assert page.limit_spins["limits.points_entry"].value() == 1000  # the default, shown as one
    page.limit_spins["limits.points_entry"].setValue(2000)
    qtbot.mouseClick(page.limits_save, Qt.MouseButton.LeftButton)
    assert settings.get(window.ctx.db, "limits.points_entry") == 2000
    page.limit_spins["limits.fund_yuan"].setValue(1_000_000_000)  # beyond what the database can hold
    qtbot.mouseClick(page.limits_save, Qt.MouseButton.LeftButton)
    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None and "一笔缴纳或捐赠的上限" in box.text()
    box.close()
    assert settings.get(window.ctx.db, "limits.fund_yuan") == 100_000


def test_thresholds_stars_and_users_are_edited_on_the_settings_page(qtbot, window, db):
    from desktop.services import plans, ratings, users

    page = window.system.settings
    page._add_threshold_row()
    row = page.thresholds.rowCount() - 1
    page.thresholds.item(row, 0).setText("2026")
    page.thresholds.item(row, 1).setText("4500")
    page.thresholds.item(row, 2).setText("5000")
    page.thresholds.item(row, 3).setText("6000")
    assert page.save_thresholds()
    assert plans.threshold(db, 2026).figures() == (450000, 500000, 600000)

    page.stars.item(0, 1).setText("20")
    assert page.save_stars()
    assert ratings.stars(db)[0].points == 20

    page.new_user_edit.setText("li")
    page.new_name_edit.setText("李文书")
    page.new_role_box.setCurrentIndex(page.new_role_box.findData("village_clerk"))
    page.new_password_edit.setText("secret-9")
    page.new_villages_edit.setText("赵寨村")
    assert not page.add_user()  # 赵寨村 is in two townships: refused, naming them
    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None and "不唯一" in box.text() and "石桥镇/赵寨村" in box.text()
    box.close()
    page.new_villages_edit.setText("虞城县石桥镇/赵寨村")
    assert page.add_user()
    assert {u.username: u.villages for u in users.list_users(db)}["li"] == ["赵寨村"]

    # 李文书 leaves the office: stopped, she can no longer log in; started again, she can
    row = next(r for r in range(page.user_table.rowCount()) if page.user_table.item(r, 0).text() == "li")
    page.user_table.selectRow(row)
    assert page.active_button.text() == "停用选中"
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert page.user_table.item(row, 4).text() == "已停用" and page.active_button.text() == "启用选中"
    with pytest.raises(PermissionDenied):
        users.authenticate(db, "li", "secret-9")
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert users.authenticate(db, "li", "secret-9").username == "li"


def test_the_backup_taken_on_exit_restores_identically_and_a_corrupt_one_is_refused(
    qtbot, window, db, admin, sample, tmp_path
):
    saved = dump(db)
    window.start_duties()
    window.close()
    taken = [p for _, p in auto_backups(backup_folder(db)) if p.name.startswith("auto-exit-")]
    assert len(taken) == 1

    import_roster(db, admin, sample("roster-messy.xlsx"))
    system = window.system
    system.reload()
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
    assert all(c.figure.axes for c in home.canvases.values())
    saved = home.export_png(tmp_path / "png")
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
    box = first.printing.village_box
    box.setCurrentIndex(box.findData("虞城县石桥镇/赵寨村"))
    first.close()
    second = MainWindow(UiContext(db, admin))
    qtbot.addWidget(second)
    second.show()
    assert second.pages.currentWidget() is second.printing
    assert second.printing.village_box.currentData() == "虞城县石桥镇/赵寨村"


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
    from desktop.services import points

    home = window.home
    qtbot.waitUntil(lambda: home.data is not None, timeout=30000)
    assert home.numbers["points"].text() == "0 / 0"
    window.show_area("stars")
    points.award(db, admin, "41142410520800001", 30, "星级评定")
    window.show_area("home")
    qtbot.waitUntil(lambda: home.numbers["points"].text() == "30 / 0", timeout=30000)


def test_the_archive_checklist_is_edited_into_a_new_version_on_the_settings_page(qtbot, window, db):
    from desktop.services import archives

    page = window.system.settings
    assert page.checklist.rowCount() == 18 and "第1版" in page.checklist_info.text()
    qtbot.mouseClick(page.checklist_add, Qt.MouseButton.LeftButton)
    row = page.checklist.rowCount() - 1
    stage = page.checklist.cellWidget(row, 0)
    stage.setCurrentIndex(stage.findData("exit"))
    page.checklist.item(row, 1).setText("脱贫光荣证复印件")
    qtbot.mouseClick(page.checklist_add, Qt.MouseButton.LeftButton)  # a second row left without a name
    qtbot.mouseClick(page.checklist_save, Qt.MouseButton.LeftButton)
    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None and "第20项：材料名称不能为空" in box.text()
    box.close()
    assert archives.checklist(db).version == 1  # nothing saved
    page.checklist.selectRow(page.checklist.rowCount() - 1)
    qtbot.mouseClick(page.checklist_remove, Qt.MouseButton.LeftButton)
    page.checklist_note.setText("县里要求加光荣证")
    qtbot.mouseClick(page.checklist_save, Qt.MouseButton.LeftButton)
    current = archives.checklist(db)
    added = [i for i in current.items if i.title == "脱贫光荣证复印件"]
    assert current.version == 2 and len(current.items) == 19 and current.note == "县里要求加光荣证"
    assert added[0].stage == "exit" and added[0].key == "item1"
    assert page.checklist_info.text() == "当前为第2版（县里要求加光荣证）"
    qtbot.mouseClick(page.checklist_save, Qt.MouseButton.LeftButton)  # saved again unchanged: no version 3
    assert archives.checklist(db).version == 2


def test_audit_rules_are_switched_and_tuned_on_the_settings_page(qtbot, window, db):
    from desktop.services import quality

    page = window.system.settings
    names = [page.rules.item(r, 1).text() for r in range(page.rules.rowCount())]
    idle = names.index("劳动年龄内健康却无劳动能力")
    young = names.index("户主年龄过小")
    assert page.rules.item(idle, 3).text() == "最低年龄=16，最高年龄=59"
    page.rules.item(idle, 3).setText("最低年龄=16，最高年龄=六十")
    qtbot.mouseClick(page.rules_save, Qt.MouseButton.LeftButton)
    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None and "劳动年龄内健康却无劳动能力" in box.text() and "最高年龄=六十" in box.text()
    box.close()
    page.rules.item(idle, 3).setText("最低年龄=16，最高年龄=60")
    page.rules.item(young, 0).setCheckState(Qt.CheckState.Unchecked)
    qtbot.mouseClick(page.rules_save, Qt.MouseButton.LeftButton)
    by_code = {r.code: r for r in quality.rules(db)}
    assert by_code["labour_idle_working_age"].params == {"min_age": 16, "max_age": 60}
    assert [r.enabled for r in quality.rules(db) if r.name == "户主年龄过小"] == [False]
    assert "已保存" in page.status.text()


def test_a_store_operator_is_added_with_their_store_on_the_settings_page(qtbot, window, db, admin):
    from desktop.services import stores, users

    stores.create_store(db, admin, "S01", "孙桥村爱心超市")
    stores.create_store(db, admin, "S02", "王楼村爱心超市")
    page = window.system.settings
    page.reload()
    page.new_role_box.setCurrentIndex(page.new_role_box.findData("store_operator"))
    assert page.new_stores_list.isEnabled() and not page.new_villages_edit.isEnabled()
    offered = [page.new_stores_list.item(i).text() for i in range(page.new_stores_list.count())]
    assert offered == ["孙桥村爱心超市（S01）", "王楼村爱心超市（S02）"]
    page.new_user_edit.setText("op1")
    page.new_password_edit.setText("secret-8")
    assert not page.add_user()  # no store ticked: an operator who could serve nowhere is refused
    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None and "超市" in box.text()
    box.close()
    page.new_stores_list.item(0).setCheckState(Qt.CheckState.Checked)
    assert page.add_user()
    assert {u.username: u.stores for u in users.list_users(db)}["op1"] == ["S01"]
    row = next(r for r in range(page.user_table.rowCount()) if page.user_table.item(r, 0).text() == "op1")
    assert page.user_table.item(row, 3).text() == "S01"
    operator = users.authenticate(db, "op1", "secret-8")
    assert [st.code for st in stores.list_stores(db, operator)] == ["S01"]
    page.new_role_box.setCurrentIndex(page.new_role_box.findData("village_clerk"))
    assert page.new_villages_edit.isEnabled() and not page.new_stores_list.isEnabled()


def test_the_wizard_says_how_several_pcs_share_one_database(qtbot, empty_db):
    wizard = SetupWizard(empty_db)
    qtbot.addWidget(wizard)
    note = wizard.office.findChild(QLabel, "databaseNote")
    assert note is not None and str(empty_db.path) in note.text()
    text = note.text()
    assert "PostgreSQL" in text and "postgresql+psycopg://" in text and "共享文件夹" in text
