"""扶贫超市 area: the counter, goods and stock (purchases, donations, losses, stock-takes), settlement (stock at
its recorded value; a commercial shop's payable and its settlement sheet) and the supervisor's reversal of a
redemption."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, limits
from desktop.services import money, redemption, store_reports, stores
from desktop.services.errors import InputRejected, ServiceError
from desktop.ui.choosers import fill_store_box
from desktop.ui.context import UiContext
from desktop.ui.counter_page import CounterPage
from desktop.ui.messages import show_error

KINDS = (
    ("purchase", "采购入库"),
    ("donation", "捐赠入库"),
    ("loss", "损耗"),
    ("stocktake", "盘点（填实点数量）"),
)


class StockPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.store_box = QComboBox()
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["编号", "商品", "积分价", "库存", "条码"])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.goods_box = QComboBox()
        self.kind_box = QComboBox()
        for key, label in KINDS:
            self.kind_box.addItem(label, key)
        self.quantity = QSpinBox()
        self.quantity.setRange(0, 100000)
        self.value_edit = QLineEdit()
        self.value_edit.setPlaceholderText("金额（元），可不填")
        self.donor_edit = QLineEdit()
        self.donor_edit.setPlaceholderText("捐赠人（捐赠时必填）")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("原因（损耗、盘点时必填）")
        self.move_button = QPushButton("登记出入库")
        self.new_code = QLineEdit()
        self.new_name = QLineEdit()
        self.new_price = QSpinBox()
        self.new_price.setRange(1, 100000)
        self.new_unit = QLineEdit("个")
        self.new_barcode = QLineEdit()
        self.add_button = QPushButton("登记新商品")
        # how the store is settled: a village-run 爱心超市, or a shop paid each month for the points it serves
        # (seed 000 扶志扶智 四(七): 在面向市场经营的同时,为贫困群众积分兑换物品做好服务)
        self.commercial_check = QCheckBox("商业超市（每月按兑换积分向超市结算付款）")
        self.rate_edit = QLineEdit()
        self.rate_edit.setPlaceholderText("每分积分折合（元），如 1.00")
        self.source_edit = QLineEdit()
        self.source_edit.setPlaceholderText("如 县财政专项扶贫资金")
        self.owner_edit = QLineEdit()
        self.owner_edit.setPlaceholderText("在结算单上签字的人")
        self.terms_button = QPushButton("保存结算方式")
        self.status = QLabel()
        form = QFormLayout()
        form.addRow("商品：", self.goods_box)
        form.addRow("类型：", self.kind_box)
        form.addRow("数量：", self.quantity)
        form.addRow("金额：", self.value_edit)
        form.addRow("捐赠人：", self.donor_edit)
        form.addRow("原因：", self.reason_edit)
        form.addRow("", self.move_button)
        new = QFormLayout()
        new.addRow("编号：", self.new_code)
        new.addRow("名称：", self.new_name)
        new.addRow("积分价：", self.new_price)
        new.addRow("单位：", self.new_unit)
        new.addRow("条码：", self.new_barcode)
        new.addRow("", self.add_button)
        terms = QFormLayout()
        terms.addRow("", self.commercial_check)
        terms.addRow("每分折合：", self.rate_edit)
        terms.addRow("资金来源：", self.source_edit)
        terms.addRow("经营者：", self.owner_edit)
        terms.addRow("", self.terms_button)
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>出入库</b>"))
        right.addLayout(form)
        right.addWidget(QLabel("<b>新商品</b>"))
        right.addLayout(new)
        right.addWidget(QLabel("<b>结算方式</b>"))
        right.addLayout(terms)
        right.addStretch(1)
        row = QHBoxLayout()
        left = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(QLabel("超市："))
        top.addWidget(self.store_box, 1)
        left.addLayout(top)
        left.addWidget(self.table, 1)
        left.addWidget(self.status)
        row.addLayout(left, 3)
        row.addLayout(right, 2)
        self.setLayout(row)
        self.store_box.currentIndexChanged.connect(lambda _i: self.load())
        self.move_button.clicked.connect(self.move)
        self.add_button.clicked.connect(self.add)
        can_manage = ctx.actor.can("store.manage")
        self.add_button.setEnabled(can_manage)
        self.terms_button.setEnabled(can_manage)
        self.terms_button.clicked.connect(self.save_terms)
        self.move_button.setEnabled(ctx.actor.can("stock.move"))
        self.reload()

    def reload(self) -> None:
        fill_store_box(self.store_box, self.ctx)
        self.load()

    def load(self) -> None:
        code = self.store_box.currentData()
        goods = stores.list_goods(self.ctx.db, code) if code else []
        self.table.setRowCount(len(goods))
        self.goods_box.clear()
        for i, g in enumerate(goods):
            for j, v in enumerate(
                (g.code, f"{g.name}（{g.unit}）", str(g.price_points), str(g.stock), g.barcode)
            ):
                self.table.setItem(i, j, QTableWidgetItem(v))
            self.goods_box.addItem(f"{g.code} {g.name}", g.code)
        if code:
            self.show_terms()

    def show_terms(self) -> None:
        code = self.store_box.currentData()
        if not code:
            return
        info = stores.store_info(self.ctx.db, code)
        self.commercial_check.setChecked(info.commercial)
        self.rate_edit.setText(f"{info.point_rate_fen / 100:.2f}" if info.commercial else "")
        self.source_edit.setText(info.funding_source)
        self.owner_edit.setText(info.owner)

    def save_terms(self) -> None:
        code = self.store_box.currentData()
        if not code:
            return
        commercial = self.commercial_check.isChecked()
        try:
            rate = (
                money.parse_yuan(self.rate_edit.text(), "每分积分折合金额", max_fen=limits.VALUE_FEN)
                if commercial
                else 0
            )
            changed = stores.set_terms(
                self.ctx.db,
                self.ctx.actor,
                code,
                commercial=commercial,
                point_rate_fen=rate,
                funding_source=self.source_edit.text(),
                owner=self.owner_edit.text(),
            )
        except ServiceError as exc:
            show_error(self, exc, "结算方式未保存")
            return
        info = stores.store_info(self.ctx.db, code)
        self.status.setText(("已保存：" if changed else "未改动：") + info.terms())

    def move(self) -> None:
        try:
            text = self.value_edit.text().strip()
            value = money.parse_yuan(text, "金额", max_fen=limits.VALUE_FEN, min_fen=0) if text else 0
        except InputRejected as exc:
            show_error(self, exc)
            return
        try:
            after = stores.move_stock(
                self.ctx.db,
                self.ctx.actor,
                self.store_box.currentData(),
                self.goods_box.currentData(),
                self.kind_box.currentData(),
                self.quantity.value(),
                value_fen=value,
                donor=self.donor_edit.text(),
                reason=self.reason_edit.text(),
            )
        except ServiceError as exc:
            show_error(self, exc)
            return
        self.status.setText(f"已登记：{self.goods_box.currentText()} 现有库存 {after}")
        for field in (self.value_edit, self.donor_edit, self.reason_edit):
            field.clear()
        self.quantity.setValue(0)
        self.load()

    def add(self) -> None:
        try:
            stores.add_goods(
                self.ctx.db,
                self.ctx.actor,
                self.store_box.currentData(),
                self.new_code.text().strip(),
                self.new_name.text().strip(),
                self.new_price.value(),
                unit=self.new_unit.text().strip(),
                barcode=self.new_barcode.text().strip(),
            )
        except ServiceError as exc:
            show_error(self, exc)
            return
        self.status.setText(f"已登记新商品 {self.new_name.text()}")
        for field in (self.new_code, self.new_name, self.new_barcode):
            field.clear()
        self.load()


class SettlementPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._tmp = Path(tempfile.mkdtemp(prefix="workbench-settle-"))
        self.store_box = QComboBox()
        self.month_edit = QLineEdit(f"{clock.today():%Y-%m}")
        self.show_button = QPushButton("月结")
        self.sheet_button = QPushButton("结算单另存为PDF…")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.chart = QLabel()
        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText("兑换单号，如 S01-20261125-000012")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("撤销原因（必填）")
        self.reverse_button = QPushButton("撤销兑换（主管）")
        self.reverse_button.setEnabled(ctx.actor.can("redemption.reverse"))
        top = QHBoxLayout()
        for w in (
            QLabel("超市："),
            self.store_box,
            QLabel("月份："),
            self.month_edit,
            self.show_button,
            self.sheet_button,
        ):
            top.addWidget(w)
        top.addStretch(1)
        undo = QHBoxLayout()
        for w in (self.number_edit, self.reason_edit, self.reverse_button):
            undo.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart, 1)
        layout.addWidget(QLabel("<b>撤销兑换</b>：积分和商品退回，原记录和冲正记录都保留。"))
        layout.addLayout(undo)
        self.show_button.clicked.connect(self.settle)
        self.reverse_button.clicked.connect(self.reverse)
        self.sheet_button.clicked.connect(self.ask_save_sheet)
        self.reload()

    def reload(self) -> None:
        fill_store_box(self.store_box, self.ctx)

    def save_sheet(self, path: str) -> None:
        store_reports.settlement_sheet(
            self.ctx.db,
            self.store_box.currentData(),
            self.month_edit.text().strip(),
            path,
            xlsx=path.lower().endswith(".xlsx"),
        )

    def ask_save_sheet(self) -> None:
        if not self.store_box.currentData():
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "保存结算单", "积分兑换结算单.pdf", "PDF 文件 (*.pdf);;Excel 文件 (*.xlsx)"
        )
        if not path:
            return
        try:
            self.save_sheet(path)
        except ServiceError as exc:
            show_error(self, exc, "无法生成结算单")
            return
        self.summary.setText(f"结算单已保存：{path}")

    def settle(self) -> None:
        code = self.store_box.currentData()
        if not code:
            return
        try:
            st = store_reports.settlement(self.ctx.db, code, self.month_edit.text().strip())
        except ServiceError as exc:
            show_error(self, exc)
            return
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
        chart = store_reports.points_chart(self.ctx.db, self._tmp / "points.png")
        self.chart.setPixmap(QPixmap(str(chart)))

    def reverse(self) -> None:
        number = self.number_edit.text().strip()
        try:
            after = redemption.reverse_redemption(
                self.ctx.db, self.ctx.actor, number, self.reason_edit.text()
            )
        except ServiceError as exc:
            show_error(self, exc, "无法撤销")
            return
        self.summary.setText(f"已撤销兑换单 {number}，该户积分余额 {after} 分。")
        self.number_edit.clear()
        self.reason_edit.clear()


class StoreArea(QTabWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counter = CounterPage(ctx)
        self.stock = StockPage(ctx)
        self.settlement = SettlementPage(ctx)
        self.addTab(self.counter, "柜台兑换")
        self.addTab(self.stock, "商品与库存")
        self.addTab(self.settlement, "结算与撤销")
        self.counter.redeemed.connect(lambda _r: self.stock.load())

    def reload(self) -> None:
        self.counter.reload()
        self.stock.reload()
        self.settlement.reload()
