"""系统: backups (manual and automatic, restore with a preview), the integrity check, the settings and the audit
log. Everything reaches the database through ctx.ops; the audit log names people, not their log-ins."""

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
from desktop.services.system import audit_log, users
from desktop.services.system.backup import (
    AUTO_REASONS,
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
from desktop.ui.ops import AREAS, subscribe
from desktop.ui.settings_page import SettingsPage


def _load(db, _actor) -> dict:
    """The audit log with people's names, and the automatic backups, read on the read lane."""
    folder = backup_folder(db)
    return {
        "entries": audit_log.recent(db, 200),
        "names": users.names(db),
        "folder": folder,
        "auto": auto_backups(folder) if folder.is_dir() else [],
    }


class SystemPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.info = QLabel(f"数据库：{ctx.ops.display_name}　当前用户：{ctx.actor.label}")
        self.info.setWordWrap(True)
        self.folder = None  # the backup folder, known after the first read
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

        self.settings = SettingsPage(ctx)
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
        self.loaded = False
        subscribe(ctx.ops, self, AREAS, self.reload)  # every write adds to the audit log
        self.reload()

    def reload(self) -> None:
        self.ctx.ops.read(self, _load, self._show, title="无法读取操作记录")

    def show_auto_backups(self) -> None:
        self.reload()

    def _show(self, data: dict) -> None:
        names = data["names"]
        entries = data["entries"]
        self.audit_table.setRowCount(len(entries))
        for i, e in enumerate(entries):
            for j, v in enumerate(
                (
                    clock.local(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                    names.get(e.username, e.username),
                    e.action_name,
                    e.entity_key,
                    e.summary,
                )
            ):
                item = QTableWidgetItem(v)
                if j == 1:
                    item.setToolTip(f"登录名：{e.username}")
                elif j == 4:
                    item.setToolTip(v)
                self.audit_table.setItem(i, j, item)
        header = self.audit_table.horizontalHeader()
        for col in range(4):
            self.audit_table.resizeColumnToContents(col)
        # the content fills what is left, elided, in full in its tooltip (no sideways scrolling at 1366)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self._show_auto(data["folder"], data["auto"])
        self.loaded = True

    def _show_auto(self, folder, found) -> None:

        self.folder = folder
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
        # on the write lane: nothing is written while the copy is taken
        self.ctx.ops.write(
            self,
            lambda db, _actor: backup_database(db, path),
            ("backups",),
            lambda target: self.status.setText(f"已备份到 {target}"),
            title="备份失败",
        )

    def ask_restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "选择备份文件", str(self.folder or ""), "备份文件 (*.sqlite3)"
        )
        if path:
            self.preview_restore(path)

    def restore_selected(self) -> None:
        row = self.auto_table.currentRow()
        if row >= 0 and self.ctx.actor.can("restore"):
            self.preview_restore(self.auto_table.item(row, 2).text())

    def preview_restore(self, path: str) -> None:
        """Read what the backup holds (off the GUI thread), show it beside what is here now, then ask."""

        def read(db, _actor):
            info = describe_backup(path, db)
            if not info.compatible:  # refused here as restore_database would, before asking
                raise version_mismatch(info.revision, db.head_revision())
            return info, current_counts(db)

        self.ctx.ops.read(
            self, read, self._confirm_restore, on_failure=lambda e: show_error(self, e, "无法恢复")
        )

    def _confirm_restore(self, result) -> None:
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
        def done(safety) -> None:
            self.status.setText(f"已恢复。恢复前的数据已备份到 {safety}")
            window = self.window()
            if hasattr(window, "reload_all"):  # pages not yet subscribed to the ops
                window.reload_all()

        # every area changed: each page reads again when it is next shown
        self.ctx.ops.write(
            self,
            lambda db, actor: restore_database(db, actor, path),
            AREAS,
            done,
            on_failure=lambda e: show_error(self, e, "恢复失败"),
            busy=self.tabs,
        )

    def run_check(self) -> None:
        def done(report) -> None:
            if report.ok:
                self.status.setText(
                    f"检查通过：数据库完好，审计日志完整（{report.facts['audit_entries']}条）。"
                )
            else:
                self.status.setText("检查未通过：\n" + "\n".join(report.problems))

        self.ctx.ops.read(
            self,
            lambda db, _actor: check_database(db),
            done,
            on_failure=lambda e: show_error(self, e, "无法检查"),
        )
