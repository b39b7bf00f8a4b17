"""公示打印's 孝善基金 and 扶贫超市 outputs: the choices each needs (fund village, store, month, year, supporter),
picked from lists the user may see, and the service call that makes each (run on the worker)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from desktop import clock
from desktop.errors import InputRejected, PermissionDenied
from desktop.services.fund import fund, fund_reports
from desktop.services.points import store_reports, stores
from desktop.ui.choosers import fill_store_box
from desktop.ui.context import UiContext
from desktop.ui.ops import subscribe

FUND_OUTPUTS = (
    ("fund_ledger", "孝善基金：收支台账"),
    ("fund_ledger_xlsx", "孝善基金：收支台账（导出Excel）"),
    ("fund_notice", "孝善基金：收支公示"),
    ("fund_sheet", "孝善基金：孝善金发放签领表"),
    ("honour_roll", "孝善基金：孝善光荣榜"),
    ("honour_certificates", "孝善基金：孝善之星荣誉证书"),
    ("elder_ledger", "孝善基金：老人台账"),
    ("elder_ledger_xlsx", "孝善基金：老人台账（导出Excel）"),
    ("pledge", "孝善基金：赡养承诺书"),
)
STORE_OUTPUTS = (
    ("points_ledger", "扶贫超市：积分台账"),
    ("points_ledger_xlsx", "扶贫超市：积分台账（导出Excel）"),
    ("stock_ledger", "扶贫超市：库存台账"),
    ("stock_ledger_xlsx", "扶贫超市：库存台账（导出Excel）"),
    ("redemption_notice", "扶贫超市：积分兑换公示"),
    ("donation_notice", "扶贫超市：捐赠鸣谢"),
    ("settlement", "扶贫超市：月结单（积分兑换结算单）"),
    ("settlement_xlsx", "扶贫超市：月结单（导出Excel）"),
)
OUTPUTS = FUND_OUTPUTS + STORE_OUTPUTS

# What each output asks for. "village" and "days" are the print page's own village box and 公示天数.
NEEDS: dict[str, tuple[str, ...]] = {
    "fund_ledger": ("fund", "any_month"),
    "fund_ledger_xlsx": ("fund", "any_month"),
    "fund_notice": ("fund", "month", "days"),
    "fund_sheet": ("fund", "month"),
    "honour_roll": ("fund", "year"),
    "honour_certificates": ("fund", "year", "issuer"),
    "elder_ledger": ("fund",),
    "elder_ledger_xlsx": ("fund",),
    "pledge": ("fund", "supporter"),
    "points_ledger": ("area", "any_month"),
    "points_ledger_xlsx": ("area", "any_month"),
    "stock_ledger": ("store", "any_month"),
    "stock_ledger_xlsx": ("store", "any_month"),
    "redemption_notice": ("village", "month"),
    "donation_notice": ("store", "month"),
    "settlement": ("store", "month"),
    "settlement_xlsx": ("store", "month"),
}
MONTHS_BACK = 36  # the months offered: this one and the three years before it
YEARS_BACK = 5


@dataclass(frozen=True)
class Made:
    """What a maker hands back: pages and fonts of a PDF (a workbook has neither)."""

    pages: int
    fonts: list[str]


class PrintChoices:
    """The option widgets of the fund and store outputs, added as rows to the print page's form."""

    def __init__(self, ctx: UiContext, owner: QWidget, form: QFormLayout) -> None:
        self.ctx = ctx
        self.owner = owner
        self.fund_box = QComboBox()  # the villages that have a 孝善基金
        self.fund_box.setObjectName("fundVillageBox")
        self.area_box = QComboBox()  # every village the user may see, or all of them
        self.area_box.setObjectName("areaBox")
        self.store_box = QComboBox()
        self.store_box.setObjectName("storeBox")
        self.month_box = QComboBox()
        self.month_box.setObjectName("monthBox")
        self.any_month_box = QComboBox()
        self.any_month_box.setObjectName("anyMonthBox")
        self.year_box = QComboBox()
        self.year_box.setObjectName("yearBox")
        self.supporter_box = QComboBox()
        self.supporter_box.setObjectName("supporterBox")
        self.issuer_edit = QLineEdit()
        self.issuer_edit.setPlaceholderText("留空则为本村孝善理事会")
        for box in (self.fund_box, self.area_box, self.store_box, self.supporter_box):
            box.setMinimumContentsLength(12)
        self._shown_month: str | None = None  # the office's month last put in the lists
        self.fill_dates()
        form.addRow("孝善基金：", self.fund_box)
        form.addRow("村（积分）：", self.area_box)
        form.addRow("超市：", self.store_box)
        form.addRow("月份：", self.month_box)
        form.addRow("月份（可选）：", self.any_month_box)
        form.addRow("年度：", self.year_box)
        form.addRow("赡养人：", self.supporter_box)
        form.addRow("落款单位：", self.issuer_edit)
        self.widgets = {
            "fund": self.fund_box,
            "area": self.area_box,
            "store": self.store_box,
            "month": self.month_box,
            "any_month": self.any_month_box,
            "year": self.year_box,
            "supporter": self.supporter_box,
            "issuer": self.issuer_edit,
        }
        self.fund_box.currentIndexChanged.connect(lambda _i: self.load_supporters())
        subscribe(ctx.ops, owner, ("fund", "stock", "households"), self.reload)

    # --- lists ---------------------------------------------------------------------------------------------

    def fill_dates(self) -> None:
        """Months from this one back three years, years from this one back five, from the office clock; a choice
        the clerk made stays, and a window left open into a new month moves on."""
        now = clock.this_month()
        if str(now) == self._shown_month:
            return
        self._shown_month = str(now)
        months = [now.shift(-k) for k in range(MONTHS_BACK + 1)]
        for box, blank in ((self.month_box, None), (self.any_month_box, "全部月份")):
            default = 1 if blank else 0  # this month
            kept = box.currentIndex() not in (-1, default)  # a choice the clerk made: a month, or 全部
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            if blank:
                box.addItem(blank, None)
            for m in months:
                box.addItem(f"{m.year}年{m.month}月", str(m))
            found = box.findData(current) if kept else -1
            box.setCurrentIndex(found if found >= 0 else default)
            box.blockSignals(False)
        year = self.year_box.currentData() if self.year_box.currentIndex() > 0 else None
        self.year_box.clear()
        for y in range(now.year, now.year - YEARS_BACK - 1, -1):
            self.year_box.addItem(f"{y}年", y)
        self.year_box.setCurrentIndex(max(self.year_box.findData(year), 0))

    def reload(self) -> None:
        fill_store_box(self.store_box, self.ctx)
        self.ctx.ops.read(self.owner, fund.fund_villages, self._villages_loaded, title="无法读取村")

    def _villages_loaded(self, found) -> None:
        for box, rows, everyone in (
            (self.fund_box, [v for v in found if v.has_fund], None),
            (self.area_box, found, "全部村（汇总）"),
        ):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            if everyone:
                box.addItem(everyone, None)
            for v in rows:
                box.addItem(v.label, v.village)
            box.setCurrentIndex(max(box.findData(current), 0))
            box.blockSignals(False)
        self.load_supporters()

    def load_supporters(self) -> None:
        village = self.fund_box.currentData()
        if not village:
            self._supporters_loaded(None, [])
            return
        self.ctx.ops.read(
            self.owner,
            lambda db, actor: fund.supporter_rows(db, actor, village),
            lambda rows: self._supporters_loaded(village, rows),
            title="无法读取赡养人",
        )

    def _supporters_loaded(self, village: str | None, rows) -> None:
        if village != self.fund_box.currentData():
            return  # another fund was chosen meanwhile
        current = self.supporter_box.currentData()
        self.supporter_box.clear()
        for r in rows:
            if r.monthly_fen > 0:  # only a pledge in force has a 承诺书 to print
                self.supporter_box.addItem(
                    f"{r.name}（{r.elder}{r.relation}，每月{r.monthly_fen / 100:.2f}元）", r.id
                )
        self.supporter_box.setCurrentIndex(max(self.supporter_box.findData(current), 0))

    # --- what to show, what to make ---------------------------------------------------------------------

    def shown(self, key: str) -> set[QWidget]:
        return {self.widgets[n] for n in NEEDS.get(key, ()) if n in self.widgets}

    def name_of(self, key: str) -> str:
        """A file name that says what was chosen."""
        needs = NEEDS[key]
        parts = [key]
        if "store" in needs:
            parts.append(str(self.store_box.currentData() or ""))
        if "month" in needs:
            parts.append(str(self.month_box.currentData() or ""))
        if "any_month" in needs and self.any_month_box.currentData():
            parts.append(self.any_month_box.currentData())
        if "year" in needs:
            parts.append(str(self.year_box.currentData()))
        return "-".join(p for p in parts if p)

    def maker(self, key: str, out: Path, village: str | None, days: int) -> Callable:
        """make(db, actor) → Made, with every choice captured now on the GUI thread."""
        chosen = Chosen(
            out=out,
            xlsx=key in XLSX_KEYS,
            fund=self.fund_box.currentData(),
            area=self.area_box.currentData(),
            village=village,
            store=self.store_box.currentData(),
            month=self.month_box.currentData(),
            any_month=self.any_month_box.currentData(),
            year=self.year_box.currentData(),
            supporter=self.supporter_box.currentData(),
            issuer=self.issuer_edit.text().strip(),
            days=days,
        )
        needs, draw = NEEDS[key], MAKERS[key.removesuffix("_xlsx")]

        def make(db, actor) -> Made:
            if "fund" in needs and not chosen.fund:
                raise InputRejected("还没有设立孝善基金的村，请先在“孝善基金”里设立")
            if "supporter" in needs and chosen.supporter is None:
                raise InputRejected("这个村还没有登记赡养承诺的赡养人")
            if "store" in needs:
                if not chosen.store:
                    raise InputRejected("还没有超市，请先在“扶贫超市”里新建")
                if chosen.store not in {st.code for st in stores.list_stores(db, actor)}:
                    raise PermissionDenied(f"无权打印超市{chosen.store}的台账和单据")  # operators: own stores
            info = draw(db, actor, chosen)
            if chosen.xlsx:
                return Made(0, [])
            if isinstance(info, int):  # certificates: the count of pages
                return Made(info, [])
            return Made(info.pages, list(info.fonts))

        return make


@dataclass(frozen=True)
class Chosen:
    out: Path
    xlsx: bool
    fund: str | None  # the fund's village, qualified
    area: str | None  # a village, or None: every village the user may see
    village: str | None  # the print page's village
    store: str | None
    month: str | None
    any_month: str | None  # None: every month
    year: int
    supporter: int | None
    issuer: str
    days: int


XLSX_KEYS = {k for k in NEEDS if k.endswith("_xlsx")}
MAKERS: dict[str, Callable] = {
    "fund_ledger": lambda db, a, c: fund_reports.fund_ledger(
        db, a, c.fund, c.out, month=c.any_month, xlsx=c.xlsx
    ),
    "fund_notice": lambda db, a, c: fund_reports.fund_notice(db, a, c.fund, c.month, c.out, days=c.days),
    "fund_sheet": lambda db, a, c: fund_reports.payout_sheet(db, a, c.fund, c.month, c.out),
    "honour_roll": lambda db, a, c: fund_reports.honour_roll(db, a, c.fund, c.year, c.out),
    "honour_certificates": lambda db, a, c: fund_reports.honour_certificates(
        db, a, c.fund, c.year, c.out, issuer=c.issuer
    ),
    "elder_ledger": lambda db, a, c: fund_reports.elder_ledger(db, a, c.fund, c.out, xlsx=c.xlsx),
    "pledge": lambda db, a, c: fund_reports.pledge_document(db, a, c.supporter, c.out),
    "points_ledger": lambda db, a, c: store_reports.points_ledger(
        db, a, c.out, village=c.area, month=c.any_month, xlsx=c.xlsx
    ),
    "stock_ledger": lambda db, _a, c: store_reports.stock_ledger(
        db, c.store, c.out, month=c.any_month, xlsx=c.xlsx
    ),
    "redemption_notice": lambda db, a, c: store_reports.redemption_notice(db, a, c.village, c.month, c.out),
    "donation_notice": lambda db, _a, c: store_reports.donation_notice(db, c.store, c.month, c.out),
    "settlement": lambda db, _a, c: store_reports.settlement_sheet(db, c.store, c.month, c.out, xlsx=c.xlsx),
}
