"""档案 tab of a household: the checklist by stage × copy, scans as thumbnails (drop files onto an item),
printing a copy and logging its hand-over."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.services.archives import archives
from desktop.services.system.attachments import read_file
from desktop.ui.context import UiContext
from desktop.ui.dates import qdate, qdate_today
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe

STATE_COLOURS = {"齐全": "#2e7d32", "缺失": "#c62828", "需更新": "#ef6c00", "未到": "#9e9e9e"}


class RecordDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None, *, note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(f"登记：{title}")
        self.date_edit = QDateEdit(qdate_today())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.note_edit = QLineEdit(note)
        form = QFormLayout(self)
        form.addRow("材料日期：", self.date_edit)
        form.addRow("说明：", self.note_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class ArchiveTab(QWidget):
    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, *, present_print: Callable | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.code: str | None = None
        self.current: archives.ArchiveStatus | None = None
        # shows a finished print in 公示打印: present_print(filename, make, label, after=None)
        self.present_print = present_print
        self._generation = 0
        self._tmp: tempfile.TemporaryDirectory | None = None  # the prints this tab made, removed with it
        self._select_after: str | None = None  # the item a write was about, selected once reloaded
        self.setAcceptDrops(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("archiveSummary")
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.files = QListWidget()
        self.files.setViewMode(QListWidget.ViewMode.IconMode)
        self.files.setIconSize(QSize(96, 96))
        self.files.setFixedHeight(140)
        self.files.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.hint = QLabel("选中一项材料，点“登记”或把扫描件（PDF/JPG/PNG）拖到这里。")
        self.hint.setStyleSheet("color: #555;")
        self.record_button = QPushButton("登记/修改…")
        self.attach_button = QPushButton("添加扫描件…")
        self.detach_button = QPushButton("删除扫描件")
        self.copy_box = QComboBox()
        self.print_button = QPushButton("打印本份…")
        self.handover_button = QPushButton("登记交接…")
        self.log = QLabel()
        self.log.setWordWrap(True)
        self.log.setStyleSheet("color: #444;")
        editable = ctx.actor.can("household.edit")
        for b in (
            self.record_button,
            self.attach_button,
            self.detach_button,
            self.print_button,
            self.handover_button,
        ):
            b.setEnabled(editable)

        row = QHBoxLayout()
        for w in (self.record_button, self.attach_button, self.detach_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(QLabel("份别："))
        row.addWidget(self.copy_box)
        row.addWidget(self.print_button)
        row.addWidget(self.handover_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        layout.addWidget(self.files)
        layout.addWidget(self.log)

        self.tree.currentItemChanged.connect(lambda *_: self._show_files())
        self.record_button.clicked.connect(self.ask_record)
        self.attach_button.clicked.connect(self.ask_attach)
        self.detach_button.clicked.connect(self.detach_selected)
        self.print_button.clicked.connect(self.print_copy)
        self.handover_button.clicked.connect(self.ask_handover)
        subscribe(ctx.ops, self, ("archives", "households", "settings"), lambda: self.load(self.code))

    # --- loading -------------------------------------------------------------------------------------------

    def _print_dir(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="archive-print-")
        return Path(self._tmp.name)

    def load(self, code: str | None) -> None:
        self._generation += 1
        generation = self._generation
        if code != self.code or code is None:  # another household: nothing of the last one stays
            self.tree.clear()
            self.files.clear()
            self.summary.setText("")
            self.log.setText("")
            self.current = None
        self.code = code
        if code is None:
            return

        def shown(st: archives.ArchiveStatus) -> None:
            if generation == self._generation:
                self._fill(st)

        self.ctx.ops.read(
            self, lambda db, actor: archives.status(db, actor, code), shown, title="无法显示档案"
        )

    def _fill(self, st: archives.ArchiveStatus) -> None:
        keep = self._select_after or self.selected_key()
        self._select_after = None
        self.tree.clear()
        self.files.clear()
        self.current = st
        if self.copy_box.count() != len(st.copies):
            self.copy_box.clear()
            for key, name in st.copies:
                self.copy_box.addItem(name, key)
        self.tree.setColumnCount(3 + len(st.copies))
        self.tree.setHeaderLabels(["材料", "日期", "扫描件", *[name for _, name in st.copies]])
        parts = []
        for key, name in st.copies:
            c = st.counts(key)
            total = sum(c.values())
            parts.append(
                f"{name} <b>{c['齐全']}/{total}</b>"
                + (f" <span style='color:#ef6c00'>需更新{c['需更新']}</span>" if c["需更新"] else "")
            )
        self.summary.setText(f"档案号 {st.number}（清单第{st.checklist_version}版）　" + "　".join(parts))
        select = None
        for stage, stage_name in archives.STAGES.items():
            mine = [i for i in st.items if i.stage == stage]
            if not mine:
                continue
            due = stage in st.stages_due
            top = QTreeWidgetItem([f"{stage_name}" + ("" if due else "（未到该阶段）")])
            top.setFirstColumnSpanned(False)
            self.tree.addTopLevelItem(top)
            for i in mine:
                item = QTreeWidgetItem(
                    [
                        i.title,
                        i.done_on.isoformat() if i.done_on else "",
                        str(len(i.attachments)) if i.attachments else "",
                        *[i.copies[k] for k, _ in st.copies],
                    ]
                )
                item.setData(0, Qt.ItemDataRole.UserRole, i.key)
                for col, (k, _) in enumerate(st.copies, start=3):
                    item.setForeground(col, QBrush(QColor(STATE_COLOURS[i.copies[k]])))
                top.addChild(item)
                if i.key == keep:
                    select = item
            top.setExpanded(due)
        for col in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(col)
        if select is not None:
            self.tree.setCurrentItem(select)
        self.log.setText(
            "交接记录："
            + (
                "；".join(
                    f"{dict(st.copies).get(e.copy, e.copy)} {clock.local(e.printed_at):%Y-%m-%d}打印{e.pages}页"
                    + (f"，{e.handed_on}交{e.handed_to}（{e.signed_by}签收）" if e.handed_to else "，未交接")
                    for e in st.log[-6:]
                )
                or "无"
            )
        )

    def selected_key(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def select_item(self, key: str) -> None:
        for t in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(t)
            for c in range(top.childCount()):
                if top.child(c).data(0, Qt.ItemDataRole.UserRole) == key:
                    self.tree.setCurrentItem(top.child(c))
                    return

    def _show_files(self) -> None:
        self.files.clear()
        key = self.selected_key()
        if self.current is None or key is None:
            return
        item = next(i for i in self.current.items if i.key == key)
        for a in item.attachments:
            pix = QPixmap()
            pix.loadFromData(a.thumbnail, "PNG")
            w = QListWidgetItem(QIcon(pix), a.filename + (f"（{a.pages}页）" if a.kind == "pdf" else ""))
            w.setData(Qt.ItemDataRole.UserRole, a.id)
            self.files.addItem(w)

    # --- actions -------------------------------------------------------------------------------------------

    def record(self, key: str, *, done_on=None, note: str = "", files: list[Path] = ()) -> None:
        """Record an item (and its scans) in one write; a refusal (a file that is not a scan) says why."""
        code, files = self.code, list(files)

        def write(db, actor):
            data = [read_file(f, "扫描件") for f in files]
            return archives.record_item(db, actor, code, key, done_on=done_on, note=note, files=data)

        self._select_after = key
        self.ctx.ops.write(self, write, ("archives",), title="未能登记")

    def ask_record(self) -> None:
        key = self.selected_key()
        if key is None or self.current is None:
            show_error(self, ValueError("请先选中一项材料"), "未选中材料")
            return
        item = next(i for i in self.current.items if i.key == key)
        dialog = RecordDialog(item.title, self, note=item.note)
        if item.done_on:
            dialog.date_edit.setDate(qdate(item.done_on))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.record(key, done_on=dialog.date_edit.date().toPython(), note=dialog.note_edit.text())

    def ask_attach(self) -> None:
        key = self.selected_key()
        if key is None:
            show_error(self, ValueError("请先选中一项材料"), "未选中材料")
            return
        paths, _ = QFileDialog.getOpenFileNames(self, "选择扫描件", "", "扫描件 (*.pdf *.jpg *.jpeg *.png)")
        if paths:
            self.record(key, files=[Path(p) for p in paths])

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and self.ctx.actor.can("household.edit"):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        target = self.tree.itemAt(self.tree.viewport().mapFrom(self, event.position().toPoint()))
        key = target.data(0, Qt.ItemDataRole.UserRole) if target is not None else None
        key = key or self.selected_key()
        if not key:
            show_error(self, ValueError("请把扫描件拖到某一项材料上（或先选中一项）"), "未选中材料")
            return
        event.acceptProposedAction()
        self.record(key, files=paths)

    def detach_selected(self) -> None:
        item = self.files.currentItem()
        if item is None:
            return
        attachment = item.data(Qt.ItemDataRole.UserRole)
        self._select_after = self.selected_key()
        self.ctx.ops.write(
            self,
            lambda db, actor: archives.remove_attachment(db, actor, attachment),
            ("archives",),
            title="未能删除",
        )

    def print_copy(self) -> None:
        """Draw the copy (and log the print) in the background, then show it in 公示打印."""
        if self.code is None or self.present_print is None:
            return
        code, copy, name = self.code, self.copy_box.currentData(), self.copy_box.currentText()
        filename = f"档案-{code}-{copy}.pdf"
        out = self._print_dir() / filename
        present = self.present_print

        def show(printed) -> None:
            # the PDF is made: the print page only shows it, whatever it hands the maker
            present(filename, lambda *_args: printed, f"正在显示{name}……")

        self.ctx.ops.write(
            self,
            lambda db, actor: archives.print_copy(db, actor, code, copy, out),
            ("archives",),
            show,
            title="未能打印",
            label=f"正在生成{name}……",
            dialog=True,
        )

    def ask_handover(self) -> None:
        if self.code is None:
            return
        who, ok = QInputDialog.getText(self, "登记交接", f"{self.copy_box.currentText()}交给（姓名或单位）：")
        if ok:
            self.hand_over(who)

    def hand_over(self, who: str, signed_by: str = "") -> None:
        code, copy = self.code, self.copy_box.currentData()
        self.ctx.ops.write(
            self,
            lambda db, actor: archives.hand_over(db, actor, code, copy, who, signed_by=signed_by),
            ("archives",),
            title="未能登记交接",
        )
