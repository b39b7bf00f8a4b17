"""登录. (A database with no users yet gets the first-run wizard instead.)

It runs before any window exists, so it has operations of its own (desktop.ui.ops.Ops): the password check (a
write: failures are counted) runs off the GUI thread and the dialog stays responsive."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.db import explain
from desktop.errors import ServiceError
from desktop.services.system import users
from desktop.services.system.actor import SYSTEM, Actor
from desktop.ui.messages import show_error
from desktop.ui.ops import Ops


class LoginDialog(QDialog):
    def __init__(self, source, parent: QWidget | None = None, *, username: str = "") -> None:
        """source: the opened database (app start-up) or an Ops already made for it."""
        super().__init__(parent)
        self.ops = source if isinstance(source, Ops) else Ops(source, SYSTEM)
        self.actor: Actor | None = None
        self.setWindowTitle("登录 — 乡镇扶贫工作台")
        self.user_edit = QLineEdit(username)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("用户名：", self.user_edit)
        form.addRow("密码：", self.password_edit)
        self.buttons = buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        place = QLabel(f"数据库：{self.ops.display_name}")
        place.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(place)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.password_edit if self.user_edit.text() else self.user_edit).setFocus()

    def try_login(self) -> None:
        """Start the check; the dialog closes when it succeeds, or says why not."""
        if not self.ops.idle:  # Enter pressed twice: one check at a time
            return
        name, password = self.user_edit.text().strip(), self.password_edit.text()
        self.message.setText("正在登录……")
        self.ops.write(
            self,
            lambda db, _actor: users.authenticate(db, name, password),
            (),
            self._logged_in,
            on_failure=self._failed,
            busy=self.buttons,
        )

    def _logged_in(self, actor: Actor) -> None:
        self.actor = actor
        self.message.clear()
        self.accept()

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, ServiceError):
            self.message.setText(exc.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        known = explain(exc, self.ops.display_name)  # locked by another PC, read-only, disk full …
        if known is None:
            self.message.clear()
            show_error(self, exc, "无法登录")
            return
        self.message.setText(str(known))
