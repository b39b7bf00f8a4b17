"""系统: backup, restore, integrity check, the audit log and the users."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services import audit, users
from desktop.services.backup import backup_database, check_database, restore_database
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error
from desktop.ui.tasks import run_task


class SystemPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.info = QLabel(
            f"数据库：{ctx.db.display_name}　当前用户：{ctx.actor.display_name or ctx.actor.username}"
            f"（{users.ROLE_NAMES.get(ctx.actor.role, ctx.actor.role)}）"
        )
        self.backup_button = QPushButton("立即备份…")
        self.restore_button = QPushButton("从备份恢复…")
        self.check_button = QPushButton("检查数据库")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.backup_button.setEnabled(ctx.actor.can("backup"))
        self.restore_button.setEnabled(ctx.actor.can("restore"))
        self.backup_button.clicked.connect(self.ask_backup)
        self.restore_button.clicked.connect(self.ask_restore)
        self.check_button.clicked.connect(self.run_check)
        safety = QGroupBox("数据安全")
        row = QHBoxLayout(safety)
        for b in (self.backup_button, self.restore_button, self.check_button):
            row.addWidget(b)
        row.addStretch(1)

        self.audit_table = QTableWidget(0, 5)
        self.audit_table.setHorizontalHeaderLabels(("时间", "用户", "操作", "对象", "内容"))
        self.audit_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.audit_table.verticalHeader().hide()
        self.audit_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.users_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(safety)
        layout.addWidget(self.status)
        layout.addWidget(QLabel("用户："))
        layout.addWidget(self.users_label)
        layout.addWidget(QLabel("最近的操作记录（审计日志）："))
        layout.addWidget(self.audit_table, 1)
        self.reload()

    def reload(self) -> None:
        entries = audit.recent(self.ctx.db, 200)
        self.audit_table.setRowCount(len(entries))
        for i, e in enumerate(entries):
            for j, v in enumerate(
                (
                    e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                    e.username,
                    e.action_name,
                    e.entity_key,
                    e.summary,
                )
            ):
                self.audit_table.setItem(i, j, QTableWidgetItem(v))
        self.audit_table.resizeColumnsToContents()
        self.audit_table.horizontalHeader().setStretchLastSection(True)
        self.users_label.setText(
            "　".join(
                f"{u.username}（{users.ROLE_NAMES.get(u.role, u.role)}{'，已锁定' if u.locked else ''}）"
                for u in users.list_users(self.ctx.db)
            )
        )

    def ask_backup(self) -> None:
        default = f"扶贫工作台备份-{datetime.now():%Y%m%d-%H%M}.sqlite3"
        path, _ = QFileDialog.getSaveFileName(self, "备份到", default, "备份文件 (*.sqlite3)")
        if path:
            self.backup_to(path)

    def backup_to(self, path: str) -> None:
        run_task(
            lambda _p: backup_database(self.ctx.db, path),
            on_success=lambda target: self.status.setText(f"已备份到 {target}"),
            on_failure=lambda e: show_error(self, e, "备份失败"),
            parent=self,
        )

    def ask_restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择备份文件", "", "备份文件 (*.sqlite3)")
        if not path:
            return
        answer = QMessageBox.question(
            self, "从备份恢复", f"用“{path}”替换当前全部数据？\n恢复前会自动备份当前数据。"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_from(path)

    def restore_from(self, path: str) -> None:
        def done(safety) -> None:  # noqa: ANN001
            self.status.setText(f"已恢复。恢复前的数据已备份到 {safety}")
            self.reload()
            self.window().reload_all()

        run_task(
            lambda _p: restore_database(self.ctx.db, self.ctx.actor, path),
            on_success=done,
            on_failure=lambda e: show_error(self, e, "恢复失败"),
            parent=self,
        )

    def run_check(self) -> None:
        def done(report) -> None:  # noqa: ANN001
            if report.ok:
                self.status.setText(
                    f"检查通过：数据库完好，审计日志完整（{report.facts['audit_entries']}条）。"
                )
            else:
                self.status.setText("检查未通过：\n" + "\n".join(report.problems))

        run_task(
            lambda _p: check_database(self.ctx.db),
            on_success=done,
            on_failure=lambda e: show_error(self, e),
            parent=self,
        )
