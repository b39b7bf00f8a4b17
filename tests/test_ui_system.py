"""系统 on the ops (issue 17): the log-in runs off the GUI thread, and each multi-row save is all or nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.errors import InputRejected
from desktop.services.plans import plans
from desktop.services.quality import quality
from desktop.ui.login_dialog import LoginDialog
from tests.conftest import ADMIN_PASSWORD


def test_the_log_in_checks_the_password_off_the_gui_thread(qtbot, db):
    dialog = LoginDialog(db, username="admin")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password_edit, "wrong")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "密码错误" in dialog.message.text(), timeout=30000)
    assert dialog.actor is None and dialog.password_edit.text() == ""
    qtbot.keyClicks(dialog.password_edit, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.actor is not None, timeout=30000)
    assert dialog.actor.role == "admin" and dialog.result() == LoginDialog.DialogCode.Accepted


def test_thresholds_are_checked_row_by_row_before_any_is_written(db, admin):
    with pytest.raises(InputRejected, match="2025年"):
        plans.set_thresholds(db, admin, [(2024, 430000, 480000, 580000), (2025, 450000, 400000, 600000)])
    assert plans.threshold_status(db, 2024)[0] is None
    assert plans.set_thresholds(db, admin, [(2024, 430000, 480000, 580000)]) == [2024]
    assert plans.set_thresholds(db, admin, [(2024, 430000, 480000, 580000)]) == []  # unchanged: not rewritten


def test_audit_rules_are_saved_together_or_not_at_all(db, admin):
    young = next(r for r in quality.rules(db) if r.name == "户主年龄过小")
    with pytest.raises(InputRejected):
        quality.configure_rules(db, admin, [(young.code, False, None), ("no_such_rule", True, None)])
    assert next(r for r in quality.rules(db) if r.code == young.code).enabled
    quality.configure_rules(db, admin, [(young.code, False, None)])
    assert not next(r for r in quality.rules(db) if r.code == young.code).enabled
