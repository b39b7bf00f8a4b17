"""扶贫超市 → 离线兑换台 (at the township): pack a store out to its village, merge what comes back, close a pack,
and the supervisor's list of what a merge held back (desktop.services.points.packs)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.services.points import counter_files, packs
from desktop.ui.context import UiContext
from desktop.ui.counter_page import fill_stores, list_stores
from desktop.ui.ops import subscribe
from desktop.ui.tables import fill_table, make_table

CHANGES = ("packs", "points", "stock", "redemptions")


def _read_all(db, actor) -> tuple[list, list, list]:
    return list_stores(db, actor), packs.list_packs(db, actor), packs.conflicts(db, actor)


class PacksPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        manage = ctx.actor.can("store.manage")
        supervise = ctx.actor.can("redemption.reverse")
        self.store_box = QComboBox()
        self.days = QSpinBox()
        self.days.setRange(1, 90)
        self.days.setValue(14)
        self.days.setSuffix(" 天")
        self.pack_button = QPushButton("打包到村…")
        self.merge_button = QPushButton("合并回传…")
        self.close_after = QCheckBox("这是最后一次回传：合并后关闭数据包")
        self.close_button = QPushButton("关闭选中的数据包…")
        for b in (self.pack_button, self.merge_button, self.close_after):
            b.setEnabled(manage)
        self.close_button.setEnabled(supervise)
        self.status = QLabel(
            "村里没有网络时：把超市打包到村，村里用本程序打开数据包兑换；回来后合并村里的回传文件。"
            "数据包打开期间，这家超市和它的农户只能在村里兑换（积分照常发放）。"
        )
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pack_table = make_table(["数据包", "超市", "打包日期", "有效至", "户数", "已合并", "状态"])
        self.conflict_table = make_table(
            [
                "编号",
                "数据包",
                "兑换单",
                "户编号",
                "户主",
                "兑换日期",
                "兑换积分",
                "合并时余额",
                "差额",
                "情况",
            ]
        )
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("处理理由（必填）")
        self.accept_button = QPushButton("补记入账")
        self.reject_button = QPushButton("不入账")
        for b in (self.accept_button, self.reject_button):
            b.setEnabled(supervise)

        top = QHBoxLayout()
        for w in (QLabel("超市："), self.store_box, QLabel("有效"), self.days, self.pack_button):
            top.addWidget(w)
        top.addSpacing(24)
        top.addWidget(self.merge_button)
        top.addWidget(self.close_after)
        top.addStretch(1)
        decide = QHBoxLayout()
        decide.addWidget(self.reason_edit, 1)
        decide.addWidget(self.accept_button)
        decide.addWidget(self.reject_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(QLabel("<b>离线数据包</b>"))
        layout.addWidget(self.pack_table, 1)
        closing = QHBoxLayout()
        closing.addStretch(1)
        closing.addWidget(self.close_button)
        layout.addLayout(closing)
        layout.addWidget(
            QLabel(
                "<b>待复核的冲突</b>：合并时不能直接入账的离线兑换，补记入账时差额记为调整积分，理由入审计日志。"
            )
        )
        layout.addWidget(self.conflict_table, 1)
        layout.addLayout(decide)

        self.pack_button.clicked.connect(lambda: self.make_pack())
        self.merge_button.clicked.connect(lambda: self.merge())
        self.close_button.clicked.connect(lambda: self.close_selected())
        self.accept_button.clicked.connect(lambda: self.decide(True))
        self.reject_button.clicked.connect(lambda: self.decide(False))
        subscribe(ctx.ops, self, CHANGES, self.reload)
        self.reload()

    def reload(self) -> None:
        self.ctx.ops.read(self, _read_all, self._show, title="无法读取离线数据包")

    def _show(self, found: tuple[list, list, list]) -> None:
        stores, pack_list, conflict_list = found
        fill_stores(self.store_box, stores)
        fill_table(
            self.pack_table,
            [
                [
                    p.label,
                    p.store_name,
                    clock.cn_date(clock.local(p.packed_at).date()),
                    clock.cn_date(p.valid_until),
                    str(p.households),
                    f"{p.merged_count}条",
                    p.state_name,
                ]
                for p in pack_list
            ],
            [p.label for p in pack_list],
        )
        fill_table(
            self.conflict_table,
            [
                [
                    str(c.id or ""),
                    c.pack,
                    c.number,
                    c.household,
                    c.head_name,
                    clock.cn_date(clock.local(c.at).date()) if c.at else "",
                    str(c.points) if c.id else "",
                    str(c.balance) if c.id else "",
                    str(c.shortfall) if c.id else "",
                    c.kind_name if c.id else f"{c.store_name}的数据包已于{c.reason}过期，尚未合并关闭",
                ]
                for c in conflict_list
            ],
            [c.id for c in conflict_list],
        )

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def make_pack(self, path: str | None = None) -> None:
        store = self.store_box.currentData()
        if not store:
            self._say("还没有超市：请先在“超市设置”里新建。")
            return
        if not path:
            name = f"{store}-{clock.today():%Y%m%d}{counter_files.PACK_SUFFIX}"
            path, _ = QFileDialog.getSaveFileName(
                self, "保存离线数据包", name, f"离线数据包 (*{counter_files.PACK_SUFFIX})"
            )
            if not path:
                return
        days = self.days.value()

        def done(info: packs.PackInfo) -> None:
            self._say(
                f"已生成{info.describe()}：{info.path}，带走{info.households}户。请把文件拷到村里的电脑上打开；"
                f"第一次打开时核对乡镇钥匙指纹 {info.fingerprint}。"
            )

        self.ctx.ops.write(
            self,
            lambda db, actor: packs.pack(db, actor, store, days, path),
            CHANGES,
            done,
            title="数据包未生成",
        )

    def merge(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self, "合并村里的回传文件", "", f"回传文件 (*{counter_files.RETURN_SUFFIX});;所有文件 (*)"
            )
            if not path:
                return
        close = self.close_after.isChecked()
        self.ctx.ops.write(  # whichever store's pack it is: the file says, its signature proves
            self,
            lambda db, actor: packs.merge(db, actor, path, close=close),
            CHANGES,
            lambda result: self._say(result.message()),
            title="回传未合并",
        )

    def _selected(self, table: QTableWidget) -> object:
        row = table.currentRow()
        item = table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def close_selected(self, reason: str | None = None) -> None:
        label = self._selected(self.pack_table)
        if not label:
            self._say("请先在表中选中要关闭的数据包。")
            return
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, "关闭数据包", f"关闭{label}的原因（关闭后未合并的村里记录不再入账）："
            )
            if not ok:
                return
        self.ctx.ops.write(
            self,
            lambda db, actor: packs.close_pack(db, actor, label, reason),
            CHANGES,
            lambda info: self._say(
                f"已关闭{info.describe()}，超市恢复在乡镇兑换，村里的兑换台应停止使用。"
                + (f"还有{info.pending}单冲突待处理。" if info.pending else "")
            ),
            title="数据包未关闭",
        )

    def decide(self, accept: bool) -> None:
        conflict = self._selected(self.conflict_table)
        if not conflict:
            self._say("请先在冲突表中选中一条兑换单（过期未关闭的数据包请合并回传或关闭它）。")
            return
        reason = self.reason_edit.text()

        def done(c: packs.ConflictInfo) -> None:
            self.reason_edit.clear()
            self._say(f"已处理：{c.describe()}")

        self.ctx.ops.write(
            self,
            lambda db, actor: packs.decide(db, actor, conflict, accept, reason),
            CHANGES,
            done,
            title="冲突未处理",
        )
