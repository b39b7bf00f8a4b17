"""导入花名册: choose a file, check it (off the GUI thread, with progress and cancel), confirm, import.

Pages: choose → working → (errors | preview → working → done).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Cancelled, RowsRejected
from desktop.services import child
from desktop.services.roster.roster_import import ImportResult, import_roster
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error
from desktop.ui.tasks import Task

ERROR_COLUMNS = ("行号", "列名", "错误说明", "户编号", "人编号")


class ImportDialog(QDialog):
    imported = Signal(object)  # ImportResult
    CHOOSE, WORKING, ERRORS, PREVIEW, DONE = range(5)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("导入花名册")
        self.resize(1100, 560)
        self.task: Task | None = None
        self.errors_file = ""
        self.pages = QStackedWidget()
        self.pages.addWidget(self._choose_page())
        self.pages.addWidget(self._working_page())
        self.pages.addWidget(self._errors_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._done_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    # --- pages -----------------------------------------------------------------------------------------

    def _choose_page(self) -> QWidget:
        page = QWidget()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("选择从全国系统导出的花名册（.xlsx）")
        browse = QPushButton("浏览…")
        self.check_button = QPushButton("检查文件")
        self.check_button.setDefault(True)
        browse.clicked.connect(self._browse)
        self.check_button.clicked.connect(lambda: self.start_check(self.path_edit.text()))
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        v = QVBoxLayout(page)
        v.addWidget(
            QLabel(
                "支持建档立卡旧版和防返贫监测系统（2021版）两种导出格式。导入前会先检查全部数据，"
                "有任何错误都不会写入。"
            )
        )
        v.addLayout(row)
        v.addStretch(1)
        v.addWidget(self.check_button)
        return page

    def _working_page(self) -> QWidget:
        page = QWidget()
        self.work_label = QLabel("正在读取……")
        self.bar = QProgressBar()
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.cancel)
        v = QVBoxLayout(page)
        v.addStretch(1)
        v.addWidget(self.work_label)
        v.addWidget(self.bar)
        v.addWidget(self.cancel_button)
        v.addStretch(1)
        return page

    def _errors_page(self) -> QWidget:
        page = QWidget()
        self.errors_label = QLabel()
        self.errors_label.setWordWrap(True)
        self.errors_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error_table = QTableWidget(0, len(ERROR_COLUMNS))
        self.error_table.setHorizontalHeaderLabels(ERROR_COLUMNS)
        self.error_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.error_table.verticalHeader().hide()
        self.error_table.setWordWrap(True)
        header = self.error_table.horizontalHeader()
        for column in (0, 1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.open_errors_button = QPushButton("打开错误清单（Excel）")
        self.open_errors_button.clicked.connect(self.open_errors_file)
        again = QPushButton("重新选择文件")
        again.clicked.connect(lambda: self.pages.setCurrentIndex(self.CHOOSE))
        row = QHBoxLayout()
        row.addWidget(self.open_errors_button)
        row.addStretch(1)
        row.addWidget(again)
        v = QVBoxLayout(page)
        v.addWidget(self.errors_label)
        v.addWidget(self.error_table, 1)
        v.addLayout(row)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        self.preview_label.setStyleSheet("font-size: 13pt;")
        self.confirm_button = QPushButton("确认导入")
        self.confirm_button.clicked.connect(self.start_import)
        back = QPushButton("返回")
        back.clicked.connect(lambda: self.pages.setCurrentIndex(self.CHOOSE))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(back)
        row.addWidget(self.confirm_button)
        v = QVBoxLayout(page)
        v.addWidget(self.preview_label)
        v.addStretch(1)
        v.addLayout(row)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setStyleSheet("font-size: 13pt;")
        close = QPushButton("完成")
        close.clicked.connect(self.accept)
        v = QVBoxLayout(page)
        v.addWidget(self.done_label)
        v.addStretch(1)
        v.addWidget(close)
        return page

    # --- flow ------------------------------------------------------------------------------------------

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择花名册", "", "Excel 文件 (*.xlsx *.xlsm)")
        if path:
            self.path_edit.setText(path)

    def _run(self, label: str, fn, on_success, changes: tuple[str, ...] = ()) -> None:
        """fn(db, actor, progress): a check on the read lane, the import (with `changes`) on the write lane."""
        self.work_label.setText(label)
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.pages.setCurrentIndex(self.WORKING)
        ops = self.ctx.ops
        if changes:
            self.task = ops.write(self, fn, changes, on_success, on_failure=self._failed, progress=True)
        else:
            self.task = ops.read(self, fn, on_success, on_failure=self._failed, progress=True)
        self.task.progressed.connect(self._progress)

    def _progress(self, done: int, total: int, text: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        if text:
            self.work_label.setText(text + "……")

    def start_check(self, path: str) -> None:
        path = path.strip()
        if not path:
            self.path_edit.setFocus()
            return
        self.path_edit.setText(path)
        self.path = chosen = Path(path)
        self._run(
            "正在检查文件……",
            # in a child process: the check's Python would hold the GIL against every repaint here
            lambda db, actor, p: child.call(db, actor, import_roster, chosen, dry_run=True, progress=p),
            self._checked,
        )

    def _checked(self, result: ImportResult) -> None:
        extra = (
            f"<br>未识别的列（将忽略）：{'、'.join(result.ignored_columns)}" if result.ignored_columns else ""
        )
        self.preview_label.setText(
            f"<b>{self.path.name}</b> 检查通过（{result.layout}）。<br><br>"
            f"共 {result.households} 户 {result.members} 人：新增 <b>{result.added}</b> 户，"
            f"更新 <b>{result.updated}</b> 户，无变化 {result.unchanged} 户。<br>"
            f"数据库中有 {result.missing} 户不在此文件中（保留不动）。{extra}"
        )
        self.pages.setCurrentIndex(self.PREVIEW)
        self.confirm_button.setFocus()

    def start_import(self) -> None:
        chosen = self.path
        self._run(
            "正在导入……",
            lambda db, actor, p: child.call(db, actor, import_roster, chosen, progress=p),  # as the check
            self._imported,
            # the roster, and what hangs on it: villages everywhere, colours and findings to look at again
            ("households", "plans", "quality"),
        )

    def _imported(self, result: ImportResult) -> None:
        self.done_label.setText(
            f"导入完成：{result.households} 户 {result.members} 人。<br>"
            f"新增 {result.added} 户，更新 {result.updated} 户，无变化 {result.unchanged} 户。"
        )
        self.pages.setCurrentIndex(self.DONE)
        self.imported.emit(result)

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, RowsRejected):
            self.show_errors(exc)
        elif isinstance(exc, Cancelled):
            self.pages.setCurrentIndex(self.CHOOSE)
        else:
            self.pages.setCurrentIndex(self.CHOOSE)
            show_error(self, exc, "导入失败")

    def show_errors(self, exc: RowsRejected) -> None:
        self.errors_file = exc.errors_file
        self.errors_label.setText(
            f"文件有 {len(exc.errors)} 处错误，未导入任何数据。请按下表修改后重新导入。"
        )
        self.error_table.setRowCount(len(exc.errors))
        for i, e in enumerate(exc.errors):
            for j, v in enumerate((str(e.row), e.column, e.message, e.household, e.person)):
                self.error_table.setItem(i, j, QTableWidgetItem(v))
        self.error_table.resizeRowsToContents()
        self.open_errors_button.setEnabled(bool(self.errors_file))
        self.pages.setCurrentIndex(self.ERRORS)

    def open_errors_file(self) -> None:
        if self.errors_file:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.errors_file))

    def cancel(self) -> None:
        if self.task is not None:
            self.cancel_button.setEnabled(False)
            self.work_label.setText("正在取消……")
            self.task.cancel()
