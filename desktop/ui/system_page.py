"""系统: backups (manual and automatic, restore with a preview), the integrity check, the settings and the audit
log."""

from __future__ import annotations

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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.services import audit
from desktop.services.backup import (
    auto_backups,
    backup_database,
    backup_folder,
    check_database,
    current_counts,
    describe_backup,
    restore_database,
    version_mismatch,
)
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error
from desktop.ui.tasks import run_task


class SystemPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.info = QLabel(f"数据库：{ctx.db.display_name}　当前用户：{ctx.actor.label}")
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

        self.auto_label = QLabel()
        self.auto_label.setWordWrap(True)
        self.auto_table = QTableWidget(0, 3)
        self.auto_table.setHorizontalHeaderLabels(("时间", "类型", "文件"))
        self.auto_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.auto_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.auto_table.verticalHeader().hide()
        self.auto_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.auto_table.doubleClicked.connect(self.restore_selected)
        self.restore_selected_button = QPushButton("从选中的自动备份恢复…")
        self.restore_selected_button.setEnabled(ctx.actor.can("restore"))
        self.restore_selected_button.clicked.connect(self.restore_selected)

        self.audit_table = QTableWidget(0, 5)
        self.audit_table.setHorizontalHeaderLabels(("时间", "用户", "操作", "对象", "内容"))
        self.audit_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.audit_table.verticalHeader().hide()
        self.audit_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)

        from desktop.ui.settings_page import SettingsPage

        self.settings = SettingsPage(ctx)
        self.settings.saved.connect(lambda _what: self.reload())
        safety_tab = QWidget()
        column = QVBoxLayout(safety_tab)
        column.addWidget(self.info)
        column.addWidget(safety)
        column.addWidget(self.status)
        column.addWidget(self.auto_label)
        column.addWidget(self.auto_table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.restore_selected_button)
        column.addLayout(row)
        audit_tab = QWidget()
        column = QVBoxLayout(audit_tab)
        column.addWidget(QLabel("最近的操作记录（审计日志，最新的在上面）："))
        column.addWidget(self.audit_table, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(safety_tab, "数据安全")
        self.tabs.addTab(self.settings, "设置")
        self.tabs.addTab(audit_tab, "操作记录")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.reload()

    def reload(self) -> None:
        entries = audit.recent(self.ctx.db, 200)
        self.audit_table.setRowCount(len(entries))
        for i, e in enumerate(entries):
            for j, v in enumerate(
                (
                    clock.local(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.username,
                    e.action_name,
                    e.entity_key,
                    e.summary,
                )
            ):
                self.audit_table.setItem(i, j, QTableWidgetItem(v))
        self.audit_table.resizeColumnsToContents()
        self.audit_table.horizontalHeader().setStretchLastSection(True)
        self.show_auto_backups()

    def show_auto_backups(self) -> None:
        from desktop.services.backup import AUTO_REASONS

        folder = backup_folder(self.ctx.db)
        found = auto_backups(folder) if folder.is_dir() else []
        newest = f"最近一次：{found[0][0]:%Y-%m-%d %H:%M}" if found else "还没有自动备份"
        self.auto_label.setText(f"自动备份文件夹：{folder}（{newest}）。可在“设置 → 自动备份”中修改。")
        self.auto_table.setRowCount(len(found))
        for i, (stamp, path) in enumerate(found):
            reason = path.stem.split("-")[1] if path.stem.count("-") >= 3 else ""
            for j, value in enumerate(
                (f"{stamp:%Y-%m-%d %H:%M:%S}", AUTO_REASONS.get(reason, reason), str(path))
            ):
                self.auto_table.setItem(i, j, QTableWidgetItem(value))
        self.auto_table.resizeColumnsToContents()
        self.auto_table.horizontalHeader().setStretchLastSection(True)

    def ask_backup(self) -> None:
        default = f"扶贫工作台备份-{clock.wall():%Y%m%d-%H%M}.sqlite3"
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
        path, _ = QFileDialog.getOpenFileName(
            self, "选择备份文件", str(backup_folder(self.ctx.db)), "备份文件 (*.sqlite3)"
        )
        if path:
            self.preview_restore(path)

    def restore_selected(self) -> None:
        row = self.auto_table.currentRow()
        if row >= 0 and self.ctx.actor.can("restore"):
            self.preview_restore(self.auto_table.item(row, 2).text())

    def preview_restore(self, path: str) -> None:
        """Read what the backup holds (off the GUI thread), show it beside what is here now, then ask."""

        def read(_p):  # noqa: ANN001, ANN202
            info = describe_backup(path, self.ctx.db)
            if not info.compatible:  # refused here as restore_database would, before asking
                raise version_mismatch(info.revision, self.ctx.db.head_revision())
            return info, current_counts(self.ctx.db)

        run_task(read, on_success=self._confirm_restore, on_failure=lambda e: show_error(self, e, "无法恢复"))

    def _confirm_restore(self, result) -> None:  # noqa: ANN001
        info, now = result
        held = "，".join(f"{label}{n}" for label, n in info.counts)
        self.confirm_box = QMessageBox(
            QMessageBox.Icon.Question,
            "从备份恢复",
            f"备份文件：{info.path.name}（{info.size / 1024 / 1024:.1f} MB）\n"
            f"备份中有：{held}\n"
            f"备份前的最后一次操作：{info.last_change or '无'}\n\n"
            f"当前数据库有：{'，'.join(f'{label}{n}' for label, n in now)}\n\n"
            "用这个备份替换当前全部数据吗？恢复前会自动备份当前数据。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        self.confirm_box.setObjectName("restorePreview")
        self.confirm_box.button(QMessageBox.StandardButton.Yes).setText("恢复")
        self.confirm_box.button(QMessageBox.StandardButton.No).setText("取消")
        self.confirm_box.accepted.connect(lambda: self.restore_from(str(info.path)))
        self.confirm_box.open()

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
