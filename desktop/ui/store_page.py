"""扶贫超市 area: the counter, goods and stock (purchases, donations, losses, adjustments, stock-takes), the stores
themselves (new and edit: village, receipt roll, and how a commercial shop is settled), settlement (stock at its
recorded value; a commercial shop's payable and its settlement sheet) and the supervisor's reversal of a
redemption. Every database step goes through ctx.ops."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, limits, money
from desktop.errors import InputRejected
from desktop.models.points import POINT_RATE_FEN
from desktop.services.households import households
from desktop.services.points import points, redemption, store_reports, stores
from desktop.services.points.stores import GoodsInfo, StoreInfo
from desktop.services.system.attachments import read_file
from desktop.ui.context import UiContext
from desktop.ui.counter_page import CounterPage, fill_stores, list_stores
from desktop.ui.ops import subscribe
from desktop.ui.packs_page import PacksPage
from desktop.ui.pdf_print import default_printer, print_pdf

KINDS = (
    ("purchase", "采购入库"),
    ("donation", "捐赠入库"),
    ("loss", "损耗"),
    ("adjust", "调整（可填负数）"),
    ("stocktake", "盘点（填实点数量）"),
)
STOCK_CHANGES = ("stock",)
PHOTO_SIZE = 120  # the goods photo's thumbnail, pixels


def _thumbnail(data: bytes | None) -> QImage | None:
    """The photo scaled to a thumbnail on the worker (a QImage may be made there; a QPixmap may not)."""
    if not data:
        return None
    image = QImage.fromData(data)
    if image.isNull():
        return None
    return image.scaled(
        PHOTO_SIZE, PHOTO_SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


def _table(headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # codes and barcodes never elided
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    return table


def _scrolled(widget: QWidget) -> QScrollArea:
    """A side form that stays usable at 1366×768: it scrolls instead of being clipped."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


def _status(label: QLabel, text: str, *, error: bool = False) -> None:
    label.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
    label.setText(text)


class StockPage(QWidget):
    """Goods (new and edit, 上架/下架) and stock movements of one store."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.found: list[GoodsInfo] = []
        self.store_box = QComboBox()
        self.table = _table(["编号", "商品", "积分价", "库存", "条码", "状态"], 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        # stock movements
        self.goods_box = QComboBox()
        self.kind_box = QComboBox()
        for key, label in KINDS:
            self.kind_box.addItem(label, key)
        self.quantity = QSpinBox()
        self.quantity.setRange(0, limits.STOCK_QUANTITY)
        self.value_edit = QLineEdit()
        self.value_edit.setPlaceholderText("采购成本或捐赠价值（元），可不填")
        self.donor_edit = QLineEdit()
        self.donor_edit.setPlaceholderText("捐赠人（捐赠时必填）")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("原因（损耗、调整、盘点时必填）")
        self.move_button = QPushButton("登记出入库")
        # goods
        self.new_code = QLineEdit()
        self.new_code.setPlaceholderText("如 OIL、001")
        self.new_name = QLineEdit()
        self.new_price = QSpinBox()
        self.new_price.setRange(1, limits.PRICE_POINTS)
        self.new_price.setSuffix(" 分")
        self.new_unit = QLineEdit("个")
        self.new_barcode = QLineEdit()
        self.new_barcode.setPlaceholderText("扫商品条码，可不填")
        self.active_check = QCheckBox("上架（可兑换）")
        self.active_check.setChecked(True)
        self.add_button = QPushButton("登记新商品")
        self.edit_button = QPushButton("保存修改")
        self.edit_button.setToolTip("在左边表格选中商品后修改（编号不能改）")
        # the selected goods' photo, shown at the counter
        self.photo = QLabel("未选商品")
        self.photo.setObjectName("goodsPhoto")
        self.photo.setFixedSize(PHOTO_SIZE + 4, PHOTO_SIZE + 4)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setStyleSheet(
            "QLabel#goodsPhoto { border: 1px solid #bbb; background: #fafafa; color: #777; }"
        )
        self.photo_button = QPushButton("选择照片…")
        self.photo_button.setToolTip("PNG或JPEG图片，小于2 MB；已有照片时替换")
        self.photo_button.setEnabled(False)
        self.photo_clear = QPushButton("移除照片")
        self.photo_clear.setToolTip("删除该商品的照片（收银台只显示商品名）")
        self.photo_clear.setEnabled(False)
        self.photo_goods: tuple[str, str] | None = None  # (store, goods) whose photo is shown

        moves = QFormLayout()
        moves.addRow("商品：", self.goods_box)
        moves.addRow("类型：", self.kind_box)
        moves.addRow("数量：", self.quantity)
        moves.addRow("金额：", self.value_edit)
        moves.addRow("捐赠人：", self.donor_edit)
        moves.addRow("原因：", self.reason_edit)
        moves.addRow("", self.move_button)
        move_group = QGroupBox("出入库")
        move_group.setLayout(moves)
        goods_form = QFormLayout()
        goods_form.addRow("编号：", self.new_code)
        goods_form.addRow("名称：", self.new_name)
        goods_form.addRow("积分价：", self.new_price)
        goods_form.addRow("单位：", self.new_unit)
        goods_form.addRow("条码：", self.new_barcode)
        goods_form.addRow("", self.active_check)
        goods_buttons = QHBoxLayout()
        goods_buttons.addWidget(self.add_button)
        goods_buttons.addWidget(self.edit_button)
        goods_form.addRow("", goods_buttons)
        photo_row = QHBoxLayout()
        photo_row.addWidget(self.photo)
        photo_row.addWidget(self.photo_button, 0, Qt.AlignmentFlag.AlignBottom)
        photo_row.addWidget(self.photo_clear, 0, Qt.AlignmentFlag.AlignBottom)
        photo_row.addStretch(1)
        goods_form.addRow("照片：", photo_row)
        goods_group = QGroupBox("商品（选中左边一行可修改）")
        goods_group.setLayout(goods_form)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(move_group)
        right_layout.addWidget(goods_group)
        right_layout.addStretch(1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        top = QHBoxLayout()
        top.addWidget(QLabel("超市："))
        top.addWidget(self.store_box, 1)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.status)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(_scrolled(right))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(split)

        self.store_box.currentIndexChanged.connect(lambda _i: self.load())
        self.kind_box.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.table.itemSelectionChanged.connect(self._selected)
        self.move_button.clicked.connect(self.move)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.photo_button.clicked.connect(self.ask_photo)
        self.photo_clear.clicked.connect(self.ask_clear_photo)
        can_manage = ctx.actor.can("store.manage")
        self.can_photo = can_manage
        for w in (self.add_button, self.edit_button):
            w.setEnabled(can_manage)
        self.move_button.setEnabled(ctx.actor.can("stock.move"))
        subscribe(ctx.ops, self, ("stock", "redemptions"), self.reload)
        self.reload()

    def reload(self) -> None:
        self.ctx.ops.read(self, list_stores, self._stores_loaded, title="无法读取超市")

    def _stores_loaded(self, found: list[StoreInfo]) -> None:
        fill_stores(self.store_box, found)
        self.load()

    def load(self) -> None:
        code = self.store_box.currentData()
        if not code:
            self._show(None, [])
            return
        self.ctx.ops.read(
            self,
            lambda db, actor: stores.list_goods(db, code, actor),
            lambda found: self._show(code, found),
            title="无法读取商品",
        )

    def _show(self, code: str | None, found: list[GoodsInfo]) -> None:
        if code != self.store_box.currentData():
            return
        self.found = found
        if self.photo_goods is not None and self.photo_goods[0] != code:  # another store
            self.photo_goods = None
            self.photo.setPixmap(QPixmap())
            self.photo.setText("未选商品")
            self.photo_button.setEnabled(False)
            self.photo_clear.setEnabled(False)
        chosen = self.goods_box.currentData()
        self.table.setRowCount(len(found))
        self.goods_box.clear()
        for i, g in enumerate(found):
            values = (g.code, f"{g.name}（{g.unit}）", str(g.price_points), str(g.stock), g.barcode)
            for j, v in enumerate((*values, "上架" if g.active else "已下架")):
                self.table.setItem(i, j, QTableWidgetItem(v))
            self.goods_box.addItem(f"{g.code} {g.name}（库存{g.stock}{g.unit}）", g.code)
        self.goods_box.setCurrentIndex(max(self.goods_box.findData(chosen), 0))

    def _kind_changed(self) -> None:
        # only an adjustment takes a signed quantity; the others count up from 0
        low = -limits.STOCK_QUANTITY if self.kind_box.currentData() == "adjust" else 0
        self.quantity.setMinimum(low)

    def _selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.found):
            return
        g = self.found[row]
        self.new_code.setText(g.code)
        self.new_name.setText(g.name)
        self.new_price.setValue(g.price_points)
        self.new_unit.setText(g.unit)
        self.new_barcode.setText(g.barcode)
        self.active_check.setChecked(g.active)
        self.goods_box.setCurrentIndex(max(self.goods_box.findData(g.code), 0))
        self.load_photo(g.store, g.code)

    # --- the goods photo ---------------------------------------------------------------------------------

    def load_photo(self, store: str, code: str) -> None:
        self.photo_goods = (store, code)
        self.photo_button.setEnabled(self.can_photo)
        self.photo.setPixmap(QPixmap())
        self.photo.setText("读取中……")
        self.ctx.ops.read(
            self,
            lambda db, _actor: _thumbnail(stores.photo_of(db, store, code)),
            lambda image: self._photo_loaded((store, code), image),
            title="无法读取商品照片",
        )

    def _photo_loaded(self, goods: tuple[str, str], image: QImage | None) -> None:
        if goods != self.photo_goods:
            return  # another goods was selected meanwhile
        if image is None:
            self.photo.setPixmap(QPixmap())
            self.photo.setText("暂无照片")
        else:
            self.photo.setPixmap(QPixmap.fromImage(image))
        self.photo_button.setText("更换照片…" if image is not None else "选择照片…")
        self.photo_clear.setEnabled(self.can_photo and image is not None)

    def ask_photo(self) -> None:
        if self.photo_goods is None:
            _status(self.status, "请先在表格中选中商品。", error=True)
            return
        path, _ = QFileDialog.getOpenFileName(self, "选择商品照片", "", "图片 (*.png *.jpg *.jpeg)")
        if path:
            self.set_photo(path)

    def ask_clear_photo(self) -> None:
        if self.photo_goods is None:
            return
        answer = QMessageBox.question(
            self, "移除照片", f"确定删除商品 {self.photo_goods[1]} 的照片吗？（可随时重新选择照片）"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.clear_photo()

    def clear_photo(self) -> None:
        store, code = self.photo_goods

        def done(_removed: bool) -> None:
            _status(self.status, f"已删除商品 {code} 的照片。")
            self._photo_loaded((store, code), None)

        self.ctx.ops.write(
            self,
            lambda db, actor: stores.clear_photo(db, actor, store, code),
            STOCK_CHANGES,
            done,
            title="照片未删除",
            busy=self.photo_clear,
        )

    def set_photo(self, path: str) -> None:
        """The file read and checked (size, PNG/JPEG by content) by the service, on the write lane."""
        store, code = self.photo_goods

        def write(db, actor):
            _name, data = read_file(path, "照片", max_bytes=stores.PHOTO_LIMIT)
            stores.set_photo(db, actor, store, code, data)
            return _thumbnail(data)

        def done(image: QImage | None) -> None:
            _status(self.status, f"已保存商品 {code} 的照片。")
            self._photo_loaded((store, code), image)

        self.ctx.ops.write(self, write, STOCK_CHANGES, done, title="照片未保存", busy=self.photo_button)

    def move(self) -> None:
        store, goods, label = (
            self.store_box.currentData(),
            self.goods_box.currentData(),
            self.goods_box.currentText(),
        )
        if not (store and goods):
            _status(self.status, "请先选择超市和商品。", error=True)
            return
        kind, quantity = self.kind_box.currentData(), self.quantity.value()
        text, donor, reason = self.value_edit.text().strip(), self.donor_edit.text(), self.reason_edit.text()

        def write(db, actor):
            value = money.parse_yuan(text, "金额", max_fen=limits.VALUE_FEN, min_fen=0) if text else 0
            return stores.move_stock(
                db, actor, store, goods, kind, quantity, value_fen=value, donor=donor, reason=reason
            )

        def done(after: int) -> None:
            _status(
                self.status, f"已登记：{label.split('（')[0]} {self.kind_box.currentText()}，现有库存 {after}"
            )
            for field in (self.value_edit, self.donor_edit, self.reason_edit):
                field.clear()
            self.quantity.setValue(0)

        self.ctx.ops.write(self, write, STOCK_CHANGES, done, title="出入库未登记", busy=self.move_button)

    def _goods_fields(self) -> dict:
        return {
            "name": self.new_name.text().strip(),
            "price_points": self.new_price.value(),
            "unit": self.new_unit.text().strip(),
            "barcode": self.new_barcode.text().strip(),
        }

    def add(self) -> None:
        store, code, fields = self.store_box.currentData(), self.new_code.text().strip(), self._goods_fields()
        if not store:
            _status(self.status, "请先新建超市。", error=True)
            return

        def write(db, actor):
            if not (code and fields["name"]):
                raise InputRejected("新商品需要编号和名称")
            return stores.add_goods(db, actor, store, code, **fields)

        def done(g: GoodsInfo) -> None:
            _status(
                self.status, f"已登记新商品 {g.code} {g.name}（{g.price_points}分/{g.unit}），请登记入库。"
            )
            for field in (self.new_code, self.new_name, self.new_barcode):
                field.clear()

        self.ctx.ops.write(self, write, STOCK_CHANGES, done, title="商品未登记", busy=self.add_button)

    def edit(self) -> None:
        store, code, fields = self.store_box.currentData(), self.new_code.text().strip(), self._goods_fields()
        active = self.active_check.isChecked()
        if not (store and code):
            _status(self.status, "请先在表格中选中要修改的商品。", error=True)
            return
        self.ctx.ops.write(
            self,
            lambda db, actor: stores.edit_goods(db, actor, store, code, active=active, **fields),
            STOCK_CHANGES,
            lambda g: _status(self.status, f"已修改商品 {g.code} {g.name}（{g.price_points}分/{g.unit}）"),
            title="商品未修改",
            busy=self.edit_button,
        )


class StoreSetupPage(QWidget):
    """The stores: new ones and their settings (village, receipt roll, how a commercial shop is settled)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.found: list[StoreInfo] = []
        self.editing: str | None = None  # the store in the form; None: a new one
        self.table = _table(["编号", "名称", "所在村", "商品", "小票", "结算方式"], 5)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.new_button = QPushButton("新建超市")
        self.mode = QLabel()
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("如 S01，兑换单号以它开头")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("如 孙桥村爱心超市")
        self.village_box = QComboBox()
        self.width_box = QComboBox()
        self.width_box.addItem("58毫米", 58)
        self.width_box.addItem("80毫米", 80)
        # how the store is settled: a village-run 爱心超市, or a shop paid each month for the points it serves
        # (seed 000 扶志扶智 四(七): 在面向市场经营的同时,为贫困群众积分兑换物品做好服务)
        self.commercial_check = QCheckBox("商业超市（每月按兑换积分向超市结算付款）")
        self.rate_edit = QLineEdit()
        self.rate_edit.setPlaceholderText("每分积分折合（元），如 1.00")
        self.source_edit = QLineEdit()
        self.source_edit.setPlaceholderText("如 县财政专项扶贫资金")
        self.owner_edit = QLineEdit()
        self.owner_edit.setPlaceholderText("在结算单上签字的人")
        self.save_button = QPushButton("保存")
        form = QFormLayout()
        form.addRow("", self.mode)
        form.addRow("编号：", self.code_edit)
        form.addRow("名称：", self.name_edit)
        form.addRow("所在村：", self.village_box)
        form.addRow("小票宽度：", self.width_box)
        form.addRow("", self.commercial_check)
        form.addRow("每分折合：", self.rate_edit)
        form.addRow("资金来源：", self.source_edit)
        form.addRow("经营者：", self.owner_edit)
        form.addRow("", self.save_button)
        group = QGroupBox("超市信息")
        group.setLayout(form)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(group)
        right_layout.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        top = QHBoxLayout()
        top.addWidget(QLabel("选中一行修改，或"))
        top.addWidget(self.new_button)
        top.addStretch(1)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.status)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(_scrolled(right))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(split)

        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.table.itemSelectionChanged.connect(self._selected)
        self.commercial_check.toggled.connect(self._commercial_toggled)
        can_manage = ctx.actor.can("store.manage")
        self.new_button.setEnabled(can_manage)
        self.save_button.setEnabled(can_manage)
        subscribe(ctx.ops, self, ("stock", "households"), self.reload)
        self.start_new()
        self.reload()

    def reload(self) -> None:
        def read(db, actor):
            return stores.list_stores(db, actor), households.villages(db, actor)

        self.ctx.ops.read(self, read, lambda result: self._show(*result), title="无法读取超市")

    def _show(self, found: list[StoreInfo], villages: list) -> None:
        self.found = found
        chosen = self.village_box.currentData()
        self.village_box.clear()
        self.village_box.addItem("全乡镇（各村农户都可兑换）", None)
        for v in villages:
            self.village_box.addItem(f"{v.township}{v.name}", v.id)
        self.village_box.setCurrentIndex(max(self.village_box.findData(chosen), 0))
        self.table.blockSignals(True)
        self.table.setRowCount(len(found))
        for i, st in enumerate(found):
            values = (st.code, st.name, st.village or "全乡镇", str(st.goods), f"{st.receipt_width_mm}毫米")
            for j, v in enumerate((*values, st.terms())):
                item = QTableWidgetItem(v)
                item.setToolTip(v)
                self.table.setItem(i, j, item)
        self.table.blockSignals(False)

    def _commercial_toggled(self, on: bool) -> None:
        for w in (self.rate_edit, self.source_edit):
            w.setEnabled(on)

    def start_new(self) -> None:
        self.editing = None
        self.table.clearSelection()
        self.mode.setText("<b>新建超市</b>")
        self.code_edit.setReadOnly(False)
        for w in (self.code_edit, self.name_edit, self.rate_edit, self.source_edit, self.owner_edit):
            w.clear()
        self.village_box.setCurrentIndex(0)
        self.width_box.setCurrentIndex(0)
        self.commercial_check.setChecked(False)
        self._commercial_toggled(False)
        self.code_edit.setFocus()

    def _selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.found):
            return
        st = self.found[row]
        self.ctx.ops.read(
            self,
            lambda db, actor: stores.store_village_id(db, st.code, actor),
            lambda village_id: self._edit(st, village_id),
        )

    def _edit(self, st: StoreInfo, village_id: int | None) -> None:
        self.editing = st.code
        self.mode.setText(f"<b>修改超市 {st.code}</b>（编号不能改）")
        self.code_edit.setText(st.code)
        self.code_edit.setReadOnly(True)
        self.name_edit.setText(st.name)
        self.village_box.setCurrentIndex(max(self.village_box.findData(village_id), 0))
        self.width_box.setCurrentIndex(max(self.width_box.findData(st.receipt_width_mm), 0))
        self.commercial_check.setChecked(st.commercial)
        self._commercial_toggled(st.commercial)
        self.rate_edit.setText(f"{st.point_rate_fen / 100:.2f}" if st.commercial else "")
        self.source_edit.setText(st.funding_source)
        self.owner_edit.setText(st.owner)

    def save(self) -> None:
        new = self.editing is None
        code, name = self.code_edit.text().strip(), self.name_edit.text().strip()
        commercial, rate_text = self.commercial_check.isChecked(), self.rate_edit.text()
        fields = {
            "village_id": self.village_box.currentData(),
            "receipt_width_mm": self.width_box.currentData(),
            "funding_source": self.source_edit.text(),
            "owner": self.owner_edit.text(),
        }

        def write(db, actor):
            rate = (
                money.parse_yuan(rate_text, "每分积分折合金额", max_fen=POINT_RATE_FEN) if commercial else 0
            )
            return stores.save_store(
                db, actor, code, name, new=new, commercial=commercial, point_rate_fen=rate, **fields
            )

        def done(info: StoreInfo) -> None:
            _status(
                self.status, ("已新建：" if new else "已保存：") + f"{info.name}（{info.code}）{info.terms()}"
            )
            self.editing = info.code
            self.mode.setText(f"<b>修改超市 {info.code}</b>（编号不能改）")
            self.code_edit.setReadOnly(True)

        self.ctx.ops.write(self, write, ("stock",), done, title="超市未保存", busy=self.save_button)


class SettlementPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._tmp = Path(tempfile.mkdtemp(prefix="workbench-settle-"))
        self.shown = False  # a settlement has been asked for: later writes redo it
        self.store_box = QComboBox()
        self.month_edit = QLineEdit(str(clock.this_month()))
        self.month_edit.setPlaceholderText("2026-11 或 2026-11-25")
        self.month_edit.setMaximumWidth(120)
        self.show_button = QPushButton("月结")
        self.print_button = QPushButton("打印结算单")
        self.sheet_button = QPushButton("结算单另存为…")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sheet_status = QLabel()
        self.sheet_status.setWordWrap(True)
        self.sheet_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = QLabel()
        self.chart.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart.setMinimumHeight(120)
        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText("兑换单号，如 S01-20261125-000012")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("撤销原因（必填）")
        self.reverse_button = QPushButton("撤销兑换（主管）")
        self.reverse_button.setEnabled(ctx.actor.can("redemption.reverse"))
        self.reverse_status = QLabel()
        self.reverse_status.setWordWrap(True)
        top = QHBoxLayout()
        for w in (
            QLabel("超市："),
            self.store_box,
            QLabel("期间："),
            self.month_edit,
            self.show_button,
            self.print_button,
            self.sheet_button,
        ):
            top.addWidget(w)
        top.addStretch(1)
        undo = QHBoxLayout()
        undo.addWidget(self.number_edit, 2)
        undo.addWidget(self.reason_edit, 2)
        undo.addWidget(self.reverse_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.sheet_status)
        layout.addWidget(self.chart, 1)
        layout.addWidget(QLabel("<b>撤销兑换</b>：积分和商品退回，原记录和冲正记录都保留。"))
        layout.addLayout(undo)
        layout.addWidget(self.reverse_status)
        self.show_button.clicked.connect(self.settle)
        self.month_edit.returnPressed.connect(self.settle)
        self.print_button.clicked.connect(self.print_sheet)
        self.reverse_button.clicked.connect(self.reverse)
        self.sheet_button.clicked.connect(self.ask_save_sheet)
        subscribe(ctx.ops, self, ("stock", "redemptions", "points"), self.refresh)
        self.reload()

    def reload(self) -> None:
        self.ctx.ops.read(
            self, list_stores, lambda found: fill_stores(self.store_box, found), title="无法读取超市"
        )

    def refresh(self) -> None:
        self.reload()
        if self.shown:
            self.settle()

    def _period(self) -> tuple[str | None, str]:
        return self.store_box.currentData(), self.month_edit.text().strip()

    def save_sheet(self, path: str) -> None:
        """The sheet (PDF, or Excel for a .xlsx name) drawn on the read lane; says where it was saved."""
        store, month = self._period()
        if not store:
            return
        xlsx = path.lower().endswith(".xlsx")
        self.ctx.ops.read(
            self,
            lambda db, _actor: store_reports.settlement_sheet(db, store, month, path, xlsx=xlsx),
            lambda _info: _status(self.sheet_status, f"结算单已保存：{path}"),
            title="无法生成结算单",
        )

    def ask_save_sheet(self) -> None:
        if not self.store_box.currentData():
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "保存结算单", "积分兑换结算单.pdf", "PDF 文件 (*.pdf);;Excel 文件 (*.xlsx)"
        )
        if path:
            self.save_sheet(path)

    def print_sheet(self) -> None:
        """Drawn and sent to the default printer off the GUI thread; with no printer, says where it was saved."""
        store, month = self._period()
        if not store:
            return
        out = self._tmp / f"结算单-{store}-{month}.pdf"

        def job(db, _actor):
            store_reports.settlement_sheet(db, store, month, out)
            printer = default_printer()
            if printer is None:
                return "没有可用的打印机"
            try:
                return "" if print_pdf(out, printer) > 0 else "打印机没有接收结算单"
            except RuntimeError as exc:
                return str(exc)

        def done(problem: str) -> None:
            if problem:
                _status(
                    self.sheet_status, f"结算单未打印（{problem}），已保存在 {out}，可另行打印。", error=True
                )
            else:
                _status(self.sheet_status, f"结算单已送到打印机（另存在 {out}）。")

        _status(self.sheet_status, "正在生成结算单……")
        self.ctx.ops.read(self, job, done, title="结算单未打印")

    def settle(self) -> None:
        store, month = self._period()
        if not store:
            return
        chart_path = self._tmp / "points.png"

        def read(db, _actor):
            st = store_reports.settlement(db, store, month)
            return st, store_reports.points_chart(db, chart_path)

        self.shown = True
        self.ctx.ops.read(self, read, lambda result: self._show(*result), title="无法月结")

    def _show(self, st, chart: Path) -> None:
        goods = "；".join(f"{name}{qty}{unit}（{pts}分）" for name, unit, qty, pts in st.by_goods) or "无"
        unvalued = f"（未登记价值的：{'、'.join(st.unvalued)}）" if st.unvalued else ""
        payable = (
            f"<br><b>应付超市 {st.payable_fen / 100:,.2f} 元</b>（{st.points} 分 × 每分 "
            f"{st.point_rate_fen / 100:.2f} 元），资金来源：{st.funding_source}"
            if st.commercial
            else ""
        )
        self.summary.setText(
            f"<b>{st.store} {st.period}</b>：兑换 {st.redemptions} 单（另有撤销 {st.reversed} 单），"
            f"{st.households} 户，消耗积分 {st.points} 分；期末库存按进货和捐赠价值计 "
            f"{st.stock_value_fen / 100:,.2f} 元{unvalued}。{payable}"
            f"<br>按商品：{goods}"
        )
        pixmap = QPixmap(str(chart))
        self.chart.setPixmap(
            pixmap.scaled(
                max(self.chart.width(), 400),
                max(self.chart.height(), 120),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def reverse(self) -> None:
        number, reason = self.number_edit.text().strip(), self.reason_edit.text()

        def done(after: int) -> None:
            _status(self.reverse_status, f"已撤销兑换单 {number}，该户积分余额 {after} 分。")
            self.number_edit.clear()
            self.reason_edit.clear()

        self.ctx.ops.write(
            self,
            lambda db, actor: redemption.reverse_redemption(db, actor, number, reason),
            ("redemptions", "points", "stock"),
            done,
            title="无法撤销",
            busy=self.reverse_button,
        )


POINT_KINDS = (("award", "评定积分"), ("bonus", "奖励积分"), ("adjust", "调整（可填负数）"))


class PointsPage(QWidget):
    """A household's points ledger by hand: award, bonus, adjust, and 冲正 of an entry (ratings award their own)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household: str | None = None
        self.entries: list = []
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("户编号，回车查询")
        self.look_button = QPushButton("查询")
        self.balance_label = QLabel("")
        self.table = _table(["流水号", "时间", "类型", "积分", "原因", "经办人", "状态"], 4)
        self.kind_box = QComboBox()
        for key, label in POINT_KINDS:
            self.kind_box.addItem(label, key)
        self.amount = QSpinBox()
        self.amount.setRange(-limits.POINTS_ENTRY, limits.POINTS_ENTRY)
        self.amount.setSuffix(" 分")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("原因（如 2026年第四季度星级评定）")
        self.award_button = QPushButton("记入积分")
        self.reverse_reason = QLineEdit()
        self.reverse_reason.setPlaceholderText("冲正原因（必填）")
        self.reverse_button = QPushButton("冲正选中的流水")
        self.status = QLabel()
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("农户："))
        top.addWidget(self.code_edit, 1)
        top.addWidget(self.look_button)
        top.addWidget(self.balance_label, 1)
        award = QHBoxLayout()
        for w in (self.kind_box, self.amount, self.reason_edit, self.award_button):
            award.addWidget(w)
        award.setStretchFactor(self.reason_edit, 1)
        undo = QHBoxLayout()
        undo.addWidget(self.reverse_reason, 1)
        undo.addWidget(self.reverse_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(award)
        layout.addLayout(undo)
        layout.addWidget(self.status)
        self.code_edit.returnPressed.connect(self.look)
        self.look_button.clicked.connect(self.look)
        self.award_button.clicked.connect(self.award)
        self.reverse_button.clicked.connect(self.reverse)
        self.award_button.setEnabled(ctx.actor.can("points.award") or ctx.actor.can("points.adjust"))
        self.reverse_button.setEnabled(ctx.actor.can("points.adjust"))
        subscribe(ctx.ops, self, ("points", "redemptions", "households"), self.refresh)

    def refresh(self) -> None:
        if self.household:
            self._read(self.household)

    def look(self) -> None:
        code = self.code_edit.text().strip()
        if code:
            self._read(code)

    def _read(self, code: str) -> None:
        def read(db, actor):
            return points.history(db, actor, code), points.balance(db, actor, code)

        self.ctx.ops.read(self, read, lambda result: self._show(code, *result), title="无法查询积分")

    def _show(self, code: str, entries: list, balance: int) -> None:
        self.household, self.entries = code, entries
        self.balance_label.setText(f"户{code} 积分余额：<b>{balance} 分</b>")
        self.table.setRowCount(len(entries))
        for i, e in enumerate(reversed(entries)):  # newest first
            values = (str(e.id), f"{clock.local(e.at):%Y-%m-%d %H:%M}", e.kind_name, f"{e.amount:+d}")
            for j, v in enumerate((*values, e.reason, e.operator, "已冲正" if e.reversed else "")):
                item = QTableWidgetItem(v)
                item.setToolTip(v)
                self.table.setItem(i, j, item)

    def award(self) -> None:
        code, kind, amount, reason = (
            self.household,
            self.kind_box.currentData(),
            self.amount.value(),
            self.reason_edit.text(),
        )
        if not code:
            _status(self.status, "请先输入户编号并查询。", error=True)
            return

        def done(balance: int) -> None:
            _status(self.status, f"已记入 {amount:+d} 分，户{code} 余额 {balance} 分。")
            self.amount.setValue(0)
            self.reason_edit.clear()

        self.ctx.ops.write(
            self,
            lambda db, actor: points.award(db, actor, code, amount, reason, kind=kind),
            ("points",),
            done,
            title="积分未记入",
            busy=self.award_button,
        )

    def reverse(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.entries):
            _status(self.status, "请先在表格中选中要冲正的流水。", error=True)
            return
        entry, reason = list(reversed(self.entries))[row], self.reverse_reason.text()
        self.ctx.ops.write(
            self,
            lambda db, actor: points.reverse_entry(db, actor, entry.id, reason),
            ("points",),
            lambda balance: (
                _status(self.status, f"已冲正流水 {entry.id}，余额 {balance} 分。"),
                self.reverse_reason.clear(),
            ),
            title="未冲正",
            busy=self.reverse_button,
        )


class StoreArea(QTabWidget):
    """The store's tabs. Each tab's page is made when first chosen (or asked for, e.g. area.stock): made all at once
    they held the window 120 ms on the first visit to 扶贫超市, five of them never seen then."""

    TABS = (
        ("counter", "柜台兑换", CounterPage),
        ("stock", "商品与库存", StockPage),
        ("setup", "超市设置", StoreSetupPage),
        ("settlement", "结算与撤销", SettlementPage),
        ("points", "积分流水", PointsPage),
        ("packs", "离线兑换台", PacksPage),
    )

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._made: dict[str, QWidget] = {}
        for _key, title, _page in self.TABS:
            self.addTab(QWidget(), title)
        self._tab(0)
        self.currentChanged.connect(self._tab)
        # Ctrl+N (show_counter) is the window's own shortcut: it works before this page is first made, and no
        # Python event handler here is called for every event the page gets (each one waits for the GIL while
        # a worker runs)

    def _tab(self, index: int) -> QWidget:
        key, title, make = self.TABS[index]
        page = self._made.get(key)
        if page is None:
            page = self._made[key] = make(self.ctx)
            current = self.currentIndex()
            self.blockSignals(True)  # the swap is no change of tab
            placeholder = self.widget(index)
            self.removeTab(index)
            self.insertTab(index, page, title)
            self.setCurrentIndex(current)
            self.blockSignals(False)
            placeholder.deleteLater()
        return page

    def _page(self, key: str) -> QWidget:
        return self._tab(next(i for i, (k, _title, _page) in enumerate(self.TABS) if k == key))

    @property
    def counter(self) -> CounterPage:
        return self._page("counter")

    @property
    def stock(self) -> StockPage:
        return self._page("stock")

    @property
    def setup(self) -> StoreSetupPage:
        return self._page("setup")

    @property
    def settlement(self) -> SettlementPage:
        return self._page("settlement")

    @property
    def points(self) -> PointsPage:
        return self._page("points")

    @property
    def packs(self) -> PacksPage:
        return self._page("packs")

    def reload(self) -> None:
        for key in ("counter", "stock", "setup", "settlement"):
            page = self._made.get(key)
            if page is not None:  # a page not made yet reads when it is
                page.reload()

    def show_counter(self) -> None:
        """Ctrl+N from anywhere in the window: the counter, its household field ready for the scanner."""
        window = self.window()
        if window is not self and hasattr(window, "show_area"):
            window.show_area("store")
        self.setCurrentWidget(self.counter)
        self.counter.household_edit.setFocus()
        self.counter.household_edit.selectAll()
