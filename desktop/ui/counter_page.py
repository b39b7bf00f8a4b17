"""扶贫超市 counter: for operators who are not computer people. Keyboard and scanner only (a scanner types the
code and Enter): find the household (scan the QR on its 明白卡, type its code, or name/pinyin), scan goods,
F12 to confirm, a receipt comes out, Esc for the next customer."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services import households, points, ratings, redemption, stores
from desktop.services.errors import ServiceError
from desktop.services.stores import GoodsInfo
from desktop.ui.choosers import fill_store_box
from desktop.ui.context import UiContext
from desktop.ui.pdf_print import default_printer, print_pdf

BIG = 16


def _scan_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setPlaceholderText(placeholder)
    # A Chinese IME would swallow a scanner's keystrokes: the scan fields take raw keys.
    field.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    font = field.font()
    font.setPointSize(BIG)
    field.setFont(font)
    return field


class CounterPage(QWidget):
    redeemed = Signal(object)  # Receipt

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household: str | None = None
        self.balance = 0
        self.goods: dict[str, GoodsInfo] = {}
        self.basket: dict[str, int] = {}  # goods code → quantity, in scan order
        self.last_receipt_pdf: Path | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="workbench-receipts-"))

        self.store_box = QComboBox()
        self.household_edit = _scan_field("扫明白卡二维码，或输入户编号、姓名、拼音首字母，按回车")
        self.choices = QListWidget()
        self.choices.hide()
        self.who = QLabel("请先找到农户")
        self.who.setStyleSheet(f"font-size: {BIG + 4}pt; font-weight: bold;")
        self.balance_label = QLabel("")
        self.balance_label.setStyleSheet(f"font-size: {BIG}pt;")
        self.goods_edit = _scan_field("扫商品条码或输入商品编号，按回车（再扫一次数量加1）")
        self.basket_table = QTableWidget(0, 4)
        self.basket_table.setHorizontalHeaderLabels(["商品", "单价（分）", "数量", "小计（分）"])
        self.basket_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.basket_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.basket_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        big_font = QFont(self.basket_table.font())
        big_font.setPointSize(BIG - 2)
        self.basket_table.setFont(big_font)
        self.total_label = QLabel("")
        self.total_label.setStyleSheet(f"font-size: {BIG + 2}pt; font-weight: bold;")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"font-size: {BIG - 2}pt;")
        self.confirm_button = QPushButton("确认兑换（F12）")
        self.clear_button = QPushButton("下一位（Esc）")
        for b in (self.confirm_button, self.clear_button):
            b.setMinimumHeight(44)
            b.setStyleSheet(f"font-size: {BIG - 2}pt;")

        top = QHBoxLayout()
        top.addWidget(QLabel("超市："))
        top.addWidget(self.store_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.household_edit)
        layout.addWidget(self.choices)
        layout.addWidget(self.who)
        layout.addWidget(self.balance_label)
        layout.addWidget(self.goods_edit)
        layout.addWidget(self.basket_table, 1)
        layout.addWidget(self.total_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.confirm_button)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

        self.household_edit.returnPressed.connect(self.find_household)
        self.choices.itemActivated.connect(lambda item: self.choose(item.data(Qt.ItemDataRole.UserRole)))
        self.goods_edit.returnPressed.connect(self.scan_goods)
        self.store_box.currentIndexChanged.connect(lambda _i: self._load_goods())
        self.confirm_button.clicked.connect(self.confirm)
        self.clear_button.clicked.connect(self.next_customer)
        QShortcut(QKeySequence(Qt.Key.Key_F12), self, activated=self.confirm)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.next_customer)
        QShortcut(QKeySequence(Qt.Key.Key_F9), self, activated=self.reprint)
        QShortcut(QKeySequence(Qt.Key.Key_F9), self, activated=self.reprint)
        QShortcut(QKeySequence(Qt.Key.Key_Plus), self.basket_table, activated=lambda: self._bump(1))
        QShortcut(QKeySequence(Qt.Key.Key_Minus), self.basket_table, activated=lambda: self._bump(-1))
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.basket_table, activated=lambda: self._bump(-(10**6)))
        self.reload()
        self.next_customer()

    # --- data ------------------------------------------------------------------------------------------

    def reload(self) -> None:
        fill_store_box(self.store_box, self.ctx)
        self._load_goods()

    def _load_goods(self) -> None:
        code = self.store_box.currentData()
        self.goods = {}
        if code:
            for g in stores.list_goods(self.ctx.db, code):
                if g.active:
                    self.goods[g.code] = g
                    if g.barcode:
                        self.goods[g.barcode] = g
        self.basket.clear()
        self._show_basket()

    # --- flow ------------------------------------------------------------------------------------------

    def say(self, text: str, *, error: bool = False) -> None:
        color = "#b00020" if error else "#1b5e20"
        self.message.setStyleSheet(f"font-size: {BIG - 2}pt; color: {color};")
        self.message.setText(text)

    def find_household(self) -> None:
        text = self.household_edit.text().strip()
        if not text:
            return
        ids = households.search_ids(self.ctx.db, self.ctx.actor, text)
        found = households.rows(self.ctx.db, ids[:20])
        exact = [r for r in found if r.code == text]
        if exact or len(found) == 1:
            self.choose((exact or found)[0].code)
        elif not found:
            self.say(f"找不到“{text}”，请核对户编号或重新扫码。", error=True)
            self.household_edit.selectAll()
        else:
            self.choices.clear()
            for r in found:
                item = QListWidgetItem(f"{r.head_name}　{r.village}{r.group}　户号{r.code}")
                item.setData(Qt.ItemDataRole.UserRole, r.code)
                self.choices.addItem(item)
            self.choices.show()
            self.choices.setCurrentRow(0)
            self.choices.setFocus()
            self.say(f"找到{len(found)}户，用↑↓选择后按回车。")

    def choose(self, code: str) -> None:
        self.choices.hide()
        detail = households.detail(self.ctx.db, self.ctx.actor, code)
        self.household = code
        self.balance = points.balance(self.ctx.db, self.ctx.actor, code)
        pending = ratings.pending_points(self.ctx.db, code)
        self.household_edit.setText(code)
        self.who.setText(f"{detail.row.head_name}　{detail.row.village}{detail.row.group}")
        self.balance_label.setText(
            f"可用积分：{self.balance} 分" + (f"　（公示中待确认：{pending} 分）" if pending else "")
        )
        self.basket.clear()
        self._show_basket()
        # another village's household: said now, not after the basket is scanned (redeem refuses it anyway)
        store = self.store_box.currentData()
        try:
            refusal = redemption.may_redeem_here(self.ctx.db, self.ctx.actor, store, code) if store else None
        except ServiceError as exc:
            refusal = exc.message
        if refusal:
            self.household = None  # nothing can be confirmed for it here
            self._show_basket()
            self.goods_edit.setEnabled(False)
            self.household_edit.selectAll()  # the next scan replaces it
            self.household_edit.setFocus()
            self.say(refusal, error=True)
            return
        self.goods_edit.setEnabled(True)
        self.goods_edit.setFocus()
        self.say("请扫描商品。")

    def scan_goods(self) -> None:
        code = self.goods_edit.text().strip()
        self.goods_edit.clear()
        if not code:
            if self.basket:
                self.confirm()
            return
        g = self.goods.get(code)
        if g is None:
            self.say(f"本超市没有商品“{code}”。", error=True)
            return
        self.basket[g.code] = self.basket.get(g.code, 0) + 1
        self._show_basket()
        self.say(f"{g.name} ×{self.basket[g.code]}")

    def _bump(self, delta: int) -> None:
        row = self.basket_table.currentRow()
        if row < 0:
            return
        code = list(self.basket)[row]
        self.basket[code] = max(0, self.basket[code] + delta)
        if not self.basket[code]:
            del self.basket[code]
        self._show_basket()
        self.basket_table.setCurrentCell(min(row, len(self.basket) - 1), 0)

    def total(self) -> int:
        return sum(self.goods[c].price_points * q for c, q in self.basket.items())

    def _show_basket(self) -> None:
        self.basket_table.setRowCount(len(self.basket))
        for i, (code, qty) in enumerate(self.basket.items()):
            g = self.goods[code]
            for j, v in enumerate(
                (f"{g.name}（{g.unit}）", str(g.price_points), str(qty), str(g.price_points * qty))
            ):
                self.basket_table.setItem(i, j, QTableWidgetItem(v))
        total = self.total()
        after = self.balance - total
        warn = "　积分不够！" if after < 0 and self.household else ""
        self.total_label.setText(f"合计：{total} 分　兑换后剩余：{after} 分{warn}" if self.household else "")
        self.confirm_button.setEnabled(bool(self.household and self.basket))

    def confirm(self) -> None:
        if not (self.household and self.basket):
            return
        try:
            receipt = redemption.redeem(
                self.ctx.db, self.ctx.actor, self.store_box.currentData(), self.household, dict(self.basket)
            )
        except ServiceError as exc:
            self.say(exc.message, error=True)
            return
        self.last_receipt_pdf = redemption.receipt_pdf(receipt, self._tmp / f"{receipt.number}.pdf")
        printed = self.print_receipt()
        self.redeemed.emit(receipt)
        self.balance = receipt.balance_after
        self.basket.clear()
        self._load_goods()
        self.balance_label.setText(f"可用积分：{self.balance} 分")
        slip = "小票已打印。" if printed else "未连接小票打印机，小票已保存，可按 F9 补打。"
        self.say(
            f"兑换成功，单号 {receipt.number}，消耗 {receipt.points} 分，剩余 {receipt.balance_after} 分。"
            f"{slip}按 Esc 接待下一位。"
        )

    def print_receipt(self) -> bool:
        """Send the last receipt to the default (roll) printer; False when there is none."""
        printer = default_printer()
        if printer is None or self.last_receipt_pdf is None:
            return False
        try:
            return print_pdf(self.last_receipt_pdf, printer) > 0
        except RuntimeError:
            return False

    def reprint(self) -> None:
        if self.last_receipt_pdf is None:
            self.say("还没有可补打的小票。", error=True)
        elif not self.print_receipt():
            self.say(f"没有可用的打印机。小票文件：{self.last_receipt_pdf}", error=True)

    def next_customer(self) -> None:
        self.household = None
        self.balance = 0
        self.basket.clear()
        self.household_edit.clear()
        self.choices.hide()
        self.who.setText("请先找到农户")
        self.balance_label.setText("")
        self._show_basket()
        self.goods_edit.setEnabled(False)
        self.household_edit.setFocus()
