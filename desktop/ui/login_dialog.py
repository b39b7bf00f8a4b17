"""登录. (A database with no users yet gets the first-run wizard instead.)"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.db import Database, explain
from desktop.services import users
from desktop.services.errors import ServiceError
from desktop.services.users import Actor


class LoginDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None, *, username: str = "") -> None:
        super().__init__(parent)
        self.db = db
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
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"数据库：{db.display_name}"))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.password_edit if self.user_edit.text() else self.user_edit).setFocus()

    def try_login(self) -> None:
        name, password = self.user_edit.text().strip(), self.password_edit.text()
        try:
            self.actor = users.authenticate(self.db, name, password)
        except ServiceError as exc:
            self.message.setText(exc.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        except Exception as exc:
            known = explain(exc, self.db.display_name)  # locked by another PC, read-only, disk full …
            if known is None:
                raise
            self.message.setText(str(known))
            return
        self.accept()
