"""登录. On a database with no users yet, the same dialog creates the first administrator."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.db import Database
from desktop.services import users
from desktop.services.errors import ServiceError
from desktop.services.users import Actor


class LoginDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None, *, username: str = "") -> None:
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.first_run = users.count_users(db) == 0
        self.setWindowTitle("创建管理员" if self.first_run else "登录 — 乡镇扶贫工作台")
        self.user_edit = QLineEdit(username or ("admin" if self.first_run else ""))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("用户名：", self.user_edit)
        form.addRow("密码：", self.password_edit)
        if self.first_run:
            form.addRow("再次输入：", self.confirm_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("创建并登录" if self.first_run else "登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = "这是一个新数据库，请先创建管理员账号。" if self.first_run else f"数据库：{db.display_name}"
        layout.addWidget(QLabel(intro))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.password_edit if self.user_edit.text() else self.user_edit).setFocus()

    def try_login(self) -> None:
        name, password = self.user_edit.text().strip(), self.password_edit.text()
        try:
            if self.first_run:
                if password != self.confirm_edit.text():
                    self.message.setText("两次输入的密码不一致。")
                    return
                users.create_user(self.db, users.SYSTEM, name, password, "admin", display_name="管理员")
            self.actor = users.authenticate(self.db, name, password)
        except ServiceError as exc:
            self.message.setText(exc.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        self.accept()
