"""扶贫超市 counter: for operators who are not computer people. Keyboard and scanner only (a scanner types the
code and Enter): find the household (scan the QR on its 明白卡, type its code, or name/pinyin), scan goods,
F12 to confirm — the sale is written and the next customer can be scanned at once while the receipt prints in
the background (F9 reprints it), Esc clears the counter for the next customer.

Every database step goes through ctx.ops: the till never waits on the database on the GUI thread."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
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

from desktop.errors import ServiceError
from desktop.services.households import households
from desktop.services.points import points, redemption, stores
from desktop.services.points.redemption import Receipt
from desktop.services.points.stores import GoodsInfo, StoreInfo
from desktop.services.ratings import ratings
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe
from desktop.ui.pdf_print import default_printer, print_pdf

BIG = 16
FOUND_LIMIT = 20  # households listed for a name search; more means "keep typing"
SALE_CHANGES = ("redemptions", "points", "stock")


def _scan_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setPlaceholderText(placeholder)
    # A Chinese IME would swallow a scanner's keystrokes: the scan fields take raw keys.
    field.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    font = field.font()
    font.setPointSize(BIG)
    field.setFont(font)
    return field


def fill_stores(box: QComboBox, found: list[StoreInfo]) -> None:
    """The stores, labelled 名称（编号）, the code as data; keeps the current store and emits no change signals."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    for st in found:
        box.addItem(f"{st.name}（{st.code}）", st.code)
    box.setCurrentIndex(max(box.findData(current), 0))
    box.blockSignals(False)


def list_stores(db, actor) -> list[StoreInfo]:
    return stores.list_stores(db, actor)  # a store operator sees only their own stores


@dataclass(frozen=True)
class Customer:
    code: str
    who: str
    balance: int
    pending: int
    refusal: str | None  # why this store may not serve the household, or None


def _customer(db, actor, store: str | None, code: str) -> Customer:
    detail = households.detail(db, actor, code)
    try:
        refusal = redemption.may_redeem_here(db, actor, store, code) if store else None
    except ServiceError as exc:
        refusal = exc.message
    return Customer(
        code,
        f"{detail.row.head_name}　{detail.row.village}{detail.row.group}",
        points.balance(db, actor, code),
        ratings.pending_points(db, code),
        refusal,
    )


def print_receipt(receipt: Receipt, path: Path) -> tuple[Path, str]:
    """Draw the slip and send it to the default (roll) printer; returns the PDF and, if it was not printed, why.
    Runs on the read lane: a slow printer never holds up the next customer."""
    pdf = redemption.receipt_pdf(receipt, path)
    printer = default_printer()
    if printer is None:
        return pdf, "未连接小票打印机"
    try:
        sent = print_pdf(pdf, printer)
    except RuntimeError as exc:
        return pdf, str(exc)
    return pdf, "" if sent > 0 else "打印机没有接收小票"


class CounterPage(QWidget):
    redeemed = Signal(object)  # Receipt

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household: str | None = None
        self.balance = 0
        self.goods: dict[str, GoodsInfo] = {}
        self.basket: dict[str, int] = {}  # goods code → quantity, in scan order
        self.last_receipt: Receipt | None = None
        self.last_receipt_pdf: Path | None = None
        self.selling = False  # a confirmed basket is being written: a second F12 must not sell it twice
        self.not_found_hint = ""  # the village counter adds why a household may be missing from its pack
        self._tmp = Path(tempfile.mkdtemp(prefix="workbench-receipts-"))

        self.store_box = QComboBox()
        self.household_edit = _scan_field("扫明白卡二维码，或输入户编号、姓名、拼音首字母，按回车")
        self.choices = QListWidget()
        self.choices.setMaximumHeight(180)
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
        self.slip = QLabel("")  # the last receipt's printing, apart from the sale's message
        self.slip.setWordWrap(True)
        self.slip.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.confirm_button = QPushButton("确认兑换（F12）")
        self.clear_button = QPushButton("下一位（Esc）")
        self.reprint_button = QPushButton("补打小票（F9）")
        for b in (self.confirm_button, self.clear_button, self.reprint_button):
            b.setMinimumHeight(44)
            b.setStyleSheet(f"font-size: {BIG - 2}pt;")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan fields keep the keyboard
        keys = QLabel(
            "回车：查找/加入商品（空行回车即确认）　−/+/Delete：改选中商品的数量　F12：确认　F9：补打　Esc：下一位"
        )
        keys.setWordWrap(True)
        keys.setStyleSheet("color: #555;")

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
        buttons.addWidget(self.reprint_button)
        buttons.addWidget(self.confirm_button, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.slip)
        layout.addWidget(keys)

        self.household_edit.returnPressed.connect(self.find_household)
        self.choices.itemActivated.connect(lambda item: self.choose(item.data(Qt.ItemDataRole.UserRole)))
        self.goods_edit.returnPressed.connect(self.scan_goods)
        self.store_box.currentIndexChanged.connect(lambda _i: self._store_changed())
        self.confirm_button.clicked.connect(self.confirm)
        self.clear_button.clicked.connect(self.next_customer)
        self.reprint_button.clicked.connect(self.reprint)
        # One shortcut per key: a key registered twice is ambiguous to Qt and then does nothing.
        QShortcut(QKeySequence(Qt.Key.Key_F12), self, activated=self.confirm)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.next_customer)
        QShortcut(QKeySequence(Qt.Key.Key_F9), self, activated=self.reprint)
        for key, delta in ((Qt.Key.Key_Plus, 1), (Qt.Key.Key_Minus, -1), (Qt.Key.Key_Delete, -(10**6))):
            shortcut = QShortcut(
                QKeySequence(key), self.basket_table, activated=lambda d=delta: self._bump(d)
            )
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        subscribe(ctx.ops, self, ("stock", "redemptions", "points", "households"), self.refresh)
        self.next_customer()
        self.reload()

    # --- data ------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """The stores and the current store's goods; a basket being scanned is kept."""
        self.ctx.ops.read(self, list_stores, self._stores_loaded, title="无法读取超市")

    def refresh(self) -> None:
        """After a write elsewhere (stock, points, another sale): current goods and the customer's balance."""
        self.reload()
        if self.household and not self.selling:
            self._read_customer(self.household, focus=False)

    def _stores_loaded(self, found: list[StoreInfo]) -> None:
        before = self.store_box.currentData()
        fill_stores(self.store_box, found)
        if not found:
            self.say("还没有超市：请先在“超市设置”中新建超市。", error=True)
        self._load_goods(keep_basket=self.store_box.currentData() == before)

    def _store_changed(self) -> None:
        self._load_goods(keep_basket=False)
        if self.household:  # another store may not serve this household: ask again
            self._read_customer(self.household, focus=True)

    def _load_goods(self, *, keep_basket: bool) -> None:
        code = self.store_box.currentData()
        if not keep_basket:
            self.basket.clear()
        if not code:
            self.goods = {}
            self.basket.clear()
            self._show_basket()
            return
        self.ctx.ops.read(
            self,
            lambda db, actor: stores.list_goods(db, code, actor),
            lambda found: self._goods_loaded(code, found),
            title="无法读取商品",
        )

    def _goods_loaded(self, code: str, found: list[GoodsInfo]) -> None:
        if code != self.store_box.currentData():
            return  # the clerk chose another store meanwhile
        self.goods = {}
        for g in found:
            if g.active:
                self.goods[g.code] = g
                if g.barcode:
                    self.goods[g.barcode] = g
        # goods taken off the shelf meanwhile leave the basket
        self.basket = {c: q for c, q in self.basket.items() if c in self.goods}
        self._show_basket()

    # --- flow ------------------------------------------------------------------------------------------

    def say(self, text: str, *, error: bool = False) -> None:
        color = "#b00020" if error else "#1b5e20"
        self.message.setStyleSheet(f"font-size: {BIG - 2}pt; color: {color};")
        self.message.setText(text)

    def _failed(self, exc: Exception) -> None:
        """A refusal is said on the counter; anything unexpected also gets the error box (never swallowed)."""
        if isinstance(exc, ServiceError):
            self.say(exc.message, error=True)
        else:
            self.say("操作未完成，请重试。", error=True)
            show_error(self.window(), exc)

    def find_household(self) -> None:
        text = self.household_edit.text().strip()
        if not text:
            return

        def search(db, actor):
            ids = households.search_ids(db, actor, text)
            return len(ids), households.rows(db, ids[:FOUND_LIMIT])

        self.say("正在查找……")
        self.ctx.ops.read(self, search, lambda result: self._found(text, *result), on_failure=self._failed)

    def _found(self, text: str, total: int, found: list) -> None:
        if self.household_edit.text().strip() != text:
            return  # the clerk has typed on
        exact = [r for r in found if r.code == text]
        if exact or total == 1:
            self.choose((exact or found)[0].code)
        elif not found:
            self.say(f"找不到“{text}”，请核对户编号或重新扫码。{self.not_found_hint}", error=True)
            self.household_edit.selectAll()
        else:
            self.choices.clear()
            for r in found:
                item = QListWidgetItem(f"{r.head_name}　{r.village}{r.group}　户号{r.code}")
                item.setData(Qt.ItemDataRole.UserRole, r.code)
                self.choices.addItem(item)
            self.choices.show()
            self.choices.setCurrentRow(0)
            if total > FOUND_LIMIT:  # the one wanted may not be listed: narrow the search first
                self.say(
                    f"找到{FOUND_LIMIT}户以上，请继续输入（如加上村名或户号），或用↑↓在前{FOUND_LIMIT}户中选择。"
                )
            else:
                self.choices.setFocus()
                self.say(f"找到{total}户，用↑↓选择后按回车。")

    def choose(self, code: str) -> None:
        self.choices.hide()
        self.basket.clear()
        self._read_customer(code, focus=True)

    def _read_customer(self, code: str, *, focus: bool) -> None:
        store = self.store_box.currentData()
        self.ctx.ops.read(
            self,
            lambda db, actor: _customer(db, actor, store, code),
            lambda c: self._show_customer(c, focus=focus),
            on_failure=self._failed,
        )

    def _show_customer(self, c: Customer, *, focus: bool) -> None:
        self.household_edit.setText(c.code)
        self.who.setText(c.who)
        self.balance = c.balance
        self.balance_label.setText(
            f"可用积分：{c.balance} 分" + (f"　（公示中待确认：{c.pending} 分）" if c.pending else "")
        )
        if c.refusal:  # another village's household: said now, not after the basket is scanned
            self.household = None  # nothing can be confirmed for it here
            self.basket.clear()
            self._show_basket()
            self.goods_edit.setEnabled(False)
            self.household_edit.selectAll()  # the next scan replaces it
            self.household_edit.setFocus()
            self.say(c.refusal, error=True)
            return
        self.household = c.code
        self._show_basket()
        self.goods_edit.setEnabled(True)
        if focus:
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
        self.basket_table.setCurrentCell(list(self.basket).index(g.code), 0)
        self.say(f"{g.name} ×{self.basket[g.code]}")

    def _bump(self, delta: int) -> None:
        row = self.basket_table.currentRow()
        if row < 0 or row >= len(self.basket):
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
        self.confirm_button.setEnabled(bool(self.household and self.basket) and not self.selling)

    def confirm(self) -> None:
        if not (self.household and self.basket) or self.selling:
            return
        store, household, items = self.store_box.currentData(), self.household, dict(self.basket)
        self.selling = True
        self.confirm_button.setEnabled(False)
        self.say("正在兑换……")
        self.ctx.ops.write(
            self,
            lambda db, actor: redemption.redeem(db, actor, store, household, items),
            SALE_CHANGES,
            self._sold,
            on_failure=self._not_sold,
            title="兑换未完成",
        )

    def _not_sold(self, exc: Exception) -> None:
        self.selling = False
        self._show_basket()
        self._failed(exc)

    def _sold(self, receipt: Receipt) -> None:
        self.selling = False
        self.redeemed.emit(receipt)
        self.next_customer()  # the next customer can be scanned at once; the slip prints meanwhile
        self.say(
            f"兑换成功：{receipt.head_name} 单号 {receipt.number}，消耗 {receipt.points} 分，"
            f"剩余 {receipt.balance_after} 分。请扫描下一位农户。"
        )
        self.last_receipt = receipt
        self._print(receipt)

    def _print(self, receipt: Receipt) -> None:
        self.slip.setStyleSheet("color: #555;")
        self.slip.setText(f"小票 {receipt.number} 正在打印……")
        path = self._tmp / f"{receipt.number}.pdf"
        self.ctx.ops.read(
            self,
            lambda _db, _actor: print_receipt(receipt, path),
            lambda result: self._printed(receipt, *result),
            on_failure=lambda exc: self._print_failed(receipt, exc),
            title="小票未打印",
        )

    def _printed(self, receipt: Receipt, pdf: Path, problem: str) -> None:
        self.last_receipt_pdf = pdf
        if problem:
            self.slip.setStyleSheet("color: #b00020;")
            self.slip.setText(
                f"小票 {receipt.number} 未打印（{problem}），已保存在 {pdf}，接好打印机后按 F9 补打。"
            )
        else:
            self.slip.setStyleSheet("color: #1b5e20;")
            self.slip.setText(f"小票 {receipt.number} 已打印。")

    def _print_failed(self, receipt: Receipt, exc: Exception) -> None:
        self.slip.setStyleSheet("color: #b00020;")
        self.slip.setText(f"小票 {receipt.number} 未能生成（兑换已记录），请按 F9 重试。")
        show_error(self.window(), exc, "小票未打印")

    def reprint(self) -> None:
        if self.last_receipt is None:
            self.say("还没有可补打的小票。", error=True)
            return
        self._print(self.last_receipt)

    def next_customer(self) -> None:
        self.household = None
        self.balance = 0
        self.basket.clear()
        self.household_edit.clear()
        self.choices.hide()
        self.who.setText("请先找到农户")
        self.balance_label.setText("")
        self.say("")
        self._show_basket()
        self.goods_edit.setEnabled(False)
        self.household_edit.setFocus()

    def focus_scan(self) -> None:
        """Ready for the scanner: the household field, or the goods field in the middle of a sale."""
        field = self.goods_edit if self.household else self.household_edit
        field.setFocus()
        if field is self.household_edit:
            field.selectAll()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, self.focus_scan)  # once shown: focus cannot land on a hidden field
