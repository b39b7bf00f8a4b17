"""Ledgers, settlement, notices and charts of the points and the supermarkets (no Qt)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected
from desktop.models import (
    Goods,
    Household,
    PointsEntry,
    Redemption,
    RedemptionLine,
    StockMovement,
    Store,
    Township,
    Village,
)
from desktop.services.documents import township_issuer
from desktop.services.households.households import resolve_village, village_scope
from desktop.services.points.points import KIND_NAMES
from desktop.services.points.stores import MOVE_NAMES, stock_value, store_by_code
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor
from desktop.services.system.users import display_names


def month_range(period: str) -> tuple[datetime, datetime, str]:
    """ "2026-11" (a month) or "2026-11-25" (a day) → [start, end) as aware times in Beijing, and its label."""
    try:
        parts = [int(x) for x in period.split("-")]
        if len(parts) == 3:
            day = date(*parts)
            start = clock.day_start(day)
            return start, start + timedelta(days=1), f"{day.year}年{day.month}月{day.day}日"
        month = clock.Month(*parts)
    except (ValueError, TypeError):
        raise InputRejected(f"期间“{period}”应写成 2026-11（月）或 2026-11-25（日）") from None
    return (
        clock.day_start(month.first_day()),
        clock.day_start(month.next().first_day()),
        clock.cn_month(month.first_day()),
    )


def points_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    village: str | None = None,
    month: str | None = None,
    xlsx: bool = False,
):
    """积分台账 as PDF or workbook."""
    from desktop.reports.ledger import render_ledger_pdf  # lazy: reportlab loads only when printing
    from desktop.reports.ledger_xlsx import (  # lazy: openpyxl loads only when writing a workbook
        render_ledger_xlsx,  # lazy: openpyxl loads only when writing a workbook
    )

    ledger = build_points_ledger(db, actor, village=village, month=month)
    return render_ledger_xlsx(ledger, out) if xlsx else render_ledger_pdf(ledger, out)


def build_points_ledger(db: Database, actor: Actor, *, village: str | None = None, month: str | None = None):
    """积分台账: every entry by village and date, 增加/减少 and the household's 结余 after it, summed per village
    with carried-forward lines."""
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    with db.read() as s:
        scope = village_scope(s, actor, village, Village.id)
        q = (
            select(PointsEntry, Household.code, Household.head_name, Village.name, Township.name)
            .join(Household, Household.id == PointsEntry.household_id)
            .join(Village)
            .join(Township)
            .where(scope)
            .order_by(Village.name, PointsEntry.at, PointsEntry.id)
        )
        label = "全部"
        held: dict[int, int] = defaultdict(int)  # each household's balance before the period
        if month:
            start, end, label = month_range(month)
            q = q.where(PointsEntry.at >= start, PointsEntry.at < end)
            held.update(
                s.execute(
                    select(PointsEntry.household_id, func.sum(PointsEntry.amount))
                    .join(Household, Household.id == PointsEntry.household_id)
                    .join(Village)
                    .where(scope, PointsEntry.at < start)
                    .group_by(PointsEntry.household_id)
                ).all()
            )
        people = display_names(s)
        rows, towns = [], set()
        for i, (e, code, head, vname, town) in enumerate(s.execute(q), start=1):
            towns.add(town)
            held[e.household_id] += e.amount
            rows.append(
                [
                    i,
                    vname,
                    clock.cn_date(clock.local_date(e.at)),
                    code,
                    head,
                    KIND_NAMES.get(e.kind, e.kind),
                    e.reason,
                    max(e.amount, 0),
                    max(-e.amount, 0),
                    held[e.household_id],
                    people.get(e.operator, e.operator),
                ]
            )
        place = resolve_village(s, actor, village).name if village else ""
    if not rows:
        raise InputRejected("没有积分流水")
    township = towns.pop() if len(towns) == 1 else ""
    unit = f"{township}{place}村民委员会" if village else township_issuer(db, township)
    return Ledger(
        f"{township}{place}{label if month else ''}积分台账",
        [
            Column("序号", "center"),
            Column("村", "center", min_chars=3),
            Column("日期", "center", nowrap=True),
            Column("户编号", "center"),
            Column("户主", "center", min_chars=3),
            Column("类型", "center", min_chars=4),
            Column("摘要", min_chars=10),
            Column("增加", "right", total=True),
            Column("减少", "right", total=True),
            Column("结余", "right"),
            Column("经办人", "center", min_chars=3),
        ],
        rows,
        unit=unit,
        period=label,
        measure="单位：分",
        group_col=1,
        carry=True,
        made=clock.today(),
        stamp=audit.stamp(db),
    )


def stock_ledger(
    db: Database, store_code: str, out: str | Path, *, month: str | None = None, xlsx: bool = False
):
    """库存台账 of one store: every movement in date order with 入库/出库, the goods' 结存 after it, and value,
    carried forward."""
    from desktop.reports.ledger import (  # lazy: reportlab loads only when printing
        Column,
        Ledger,
        render_ledger_pdf,
    )
    from desktop.reports.ledger_xlsx import (  # lazy: openpyxl loads only when writing a workbook
        render_ledger_xlsx,  # lazy: openpyxl loads only when writing a workbook
    )

    with db.read() as s:
        store = store_by_code(s, store_code)
        q = (
            select(StockMovement, Goods.name, Goods.unit)
            .join(Goods, Goods.id == StockMovement.goods_id)
            .where(Goods.store_id == store.id)
            .order_by(StockMovement.at, StockMovement.id)
        )
        label = "全部"
        held: dict[int, int] = defaultdict(int)  # each goods' stock before the period
        if month:
            start, end, label = month_range(month)
            q = q.where(StockMovement.at >= start, StockMovement.at < end)
            held.update(
                s.execute(
                    select(StockMovement.goods_id, func.sum(StockMovement.quantity))
                    .join(Goods, Goods.id == StockMovement.goods_id)
                    .where(Goods.store_id == store.id, StockMovement.at < start)
                    .group_by(StockMovement.goods_id)
                ).all()
            )
        people = display_names(s)
        rows = []
        for i, (m, name, unit) in enumerate(s.execute(q), start=1):
            held[m.goods_id] += m.quantity
            rows.append(
                [
                    i,
                    clock.cn_date(clock.local_date(m.at)),
                    name,
                    MOVE_NAMES.get(m.kind, m.kind),
                    max(m.quantity, 0),
                    max(-m.quantity, 0),
                    held[m.goods_id],
                    unit,
                    m.value_fen,
                    m.donor or m.reason,
                    people.get(m.operator, m.operator),
                ]
            )
        name = store.name
    if not rows:
        raise InputRejected(f"{name}{label if month else ''}没有出入库记录")
    ledger = Ledger(
        f"{name}{label if month else ''}库存台账",
        [
            Column("序号", "center"),
            Column("日期", "center", nowrap=True),
            Column("商品", min_chars=4),
            Column("类型", "center", min_chars=4),
            Column("入库", "right", total=True),
            Column("出库", "right", total=True),
            Column("结存", "right"),
            Column("单位", "center"),
            Column("金额（元）", "right", total=True, money=True),
            Column("捐赠人/原因", min_chars=8),
            Column("经办人", "center", min_chars=3),
        ],
        rows,
        unit=name,
        period=label,
        measure="单位：件、元",
        carry=True,
        made=clock.today(),
        stamp=audit.stamp(db),
    )
    return render_ledger_xlsx(ledger, out) if xlsx else render_ledger_pdf(ledger, out)


@dataclass(frozen=True)
class Settlement:
    store: str
    period: str
    redemptions: int
    reversed: int
    households: int
    points: int
    by_goods: list[tuple[str, str, int, int]]  # name, unit, quantity, points
    stock_value_fen: int  # what is on the shelves at the period's end, at purchase/donation value
    unvalued: list[str]  # goods on the shelves whose value was never recorded (not in stock_value_fen)
    commercial: bool = False
    point_rate_fen: int = 0  # a commercial shop's rate: fen paid for one point redeemed
    funding_source: str = ""
    owner: str = ""
    code: str = ""

    @property
    def payable_fen(self) -> int:
        """What the shop is owed for the period (a commercial shop only): points redeemed × its rate."""
        return self.points * self.point_rate_fen if self.commercial else 0


def settlement(db: Database, store_code: str, month: str) -> Settlement:
    """日结/月结 (period "2026-11-25" or "2026-11"): redemptions that stand (reversed ones excluded), by goods;
    the stock left at the period's end at the value recorded when it was bought or given (stores.stock_value),
    never points × 1 元; and, for a commercial shop (seed 000 扶志扶智 四(七): 在面向市场经营的同时,为贫困群众积分
    兑换物品做好服务), the payable: points redeemed × the shop's rate, from its named funding source."""
    start, end, label = month_range(month)
    with db.read() as s:
        store = store_by_code(s, store_code)
        base = select(Redemption).where(
            Redemption.store_id == store.id, Redemption.at >= start, Redemption.at < end
        )
        all_r = list(s.scalars(base))
        standing = [r for r in all_r if r.reversed_at is None]
        ids = [r.id for r in standing]
        by_goods: dict[int, list] = defaultdict(lambda: ["", "", 0, 0])
        if ids:
            for line, g in s.execute(
                select(RedemptionLine, Goods)
                .join(Goods, Goods.id == RedemptionLine.goods_id)
                .where(RedemptionLine.redemption_id.in_(ids))
            ):
                entry = by_goods[g.id]
                entry[0], entry[1] = g.name, g.unit
                entry[2] += line.quantity
                entry[3] += line.quantity * line.price_points
        value = stock_value(s, store.id, end)
        return Settlement(
            store.name,
            label,
            len(standing),
            len(all_r) - len(standing),
            len({r.household_id for r in standing}),
            sum(r.points for r in standing),
            sorted((tuple(v) for v in by_goods.values()), key=lambda x: -x[3]),
            value.value_fen,
            value.unvalued,
            store.commercial,
            store.point_rate_fen,
            store.funding_source,
            store.owner,
            store.code,
        )


def settlement_sheet(db: Database, store_code: str, month: str, out: str | Path, *, xlsx: bool = False):
    """积分兑换结算单 of a store for a period, on the ledger layout: what was handed out for points, by goods. For a
    commercial shop each line also carries its amount (points × the shop's rate) and the total is the payable
    from the named funding source, signed by the shop's owner and the village and township; a village-run store's
    sheet is signed by its keeper and the 监督员."""
    from desktop.reports.ledger import (  # lazy: reportlab loads only when printing
        Column,
        Ledger,
        render_ledger_pdf,
    )
    from desktop.reports.ledger_xlsx import (  # lazy: openpyxl loads only when writing a workbook
        render_ledger_xlsx,  # lazy: openpyxl loads only when writing a workbook
    )

    st = settlement(db, store_code, month)
    if not st.by_goods:
        raise InputRejected(f"{st.store}{st.period}没有兑换，无需结算")
    with db.read() as s:
        store = store_by_code(s, store_code)
        village = s.get(Village, store.village_id) if store.village_id else None
        township = s.get(Township, village.township_id).name if village else ""
    rows = []
    for i, (name, unit, quantity, points) in enumerate(st.by_goods, start=1):
        row = [i, name, unit, quantity, points]
        if st.commercial:
            row.append(points * st.point_rate_fen)
        rows.append(row)
    columns = [
        Column("序号", "center"),
        Column("商品", min_chars=6),
        Column("单位", "center"),
        Column("兑换数量", "right", total=True),
        Column("消耗积分（分）", "right", total=True),
    ]
    if st.commercial:
        columns.append(
            Column(f"结算金额（元）\n每分{st.point_rate_fen / 100:.2f}元", "right", total=True, money=True)
        )
        signoff = (f"超市经营者（签字）：{st.owner}", "村委会（盖章）：", "乡镇审核：", "结算日期：")
        measure = f"资金来源：{st.funding_source}"
        title = f"{st.store}{st.period}积分兑换结算单"
    else:
        signoff = ("超市管理员：", "监督员：", "村委会（盖章）：", "结算日期：")
        measure = "单位：件、分"
        title = f"{st.store}{st.period}积分兑换汇总单"
    ledger = Ledger(
        title,
        columns,
        rows,
        unit=f"{township}{village.name}村民委员会" if village else st.store,
        period=st.period,
        measure=measure,
        signoff=signoff,
        made=clock.today(),
        stamp=audit.stamp(db),
    )
    return render_ledger_xlsx(ledger, out) if xlsx else render_ledger_pdf(ledger, out)


def redemption_notice(db: Database, actor: Actor, village: str, month: str, out: str | Path):
    """兑换公示 of a village for a month: who redeemed how many points (names as on the roster, nothing else)."""
    from desktop.reports.notice import (  # lazy: reportlab loads only when printing
        Notice,
        NoticeTable,
        cn_date,
        notice_period,
        render_notice,
    )

    start, end, label = month_range(month)
    with db.read() as s:
        v = resolve_village(s, actor, village)
        township = s.get(Township, v.township_id)
        rows = s.execute(
            select(
                Household.group_name,
                Household.head_name,
                func.count(Redemption.id),
                func.sum(Redemption.points),
            )
            .join(Redemption, Redemption.household_id == Household.id)
            .where(
                Household.village_id == v.id,
                Redemption.at >= start,
                Redemption.at < end,
                Redemption.reversed_at.is_(None),
            )
            .group_by(Household.id, Household.group_name, Household.head_name)
            .order_by(Household.group_name, Household.head_name)
        ).all()
    if not rows:
        raise InputRejected(f"{v.name}{label}没有兑换记录")
    table = NoticeTable(
        ["序号", "村民小组", "户主姓名", "兑换次数", "消耗积分"],
        [[str(i), g, name, str(n), str(p)] for i, (g, name, n, p) in enumerate(rows, start=1)],
        [1, 1.5, 2, 1.5, 1.5],
    )
    today = clock.today()
    office = settings.get_all(db)
    first, last = notice_period(today, int(office["notice.days"]))
    notice = Notice(
        f"{v.name}爱心超市{label}积分兑换情况公示",
        [
            f"为接受群众监督，现将{v.name}{label}积分兑换情况公示如下：共{len(rows)}户兑换，"
            f"消耗积分{sum(r[3] for r in rows)}分。"
        ],
        issuer=f"{township.name}{v.name}村民委员会",
        issued=today,
        table=table,
        closing=[
            f"公示时间：{cn_date(first)}至{cn_date(last)}（共{office['notice.days']}天）。"
            f"如有异议，请在公示期内向{v.name}村民委员会反映。",
            f"监督电话：{office['notice.phone']}",
        ],
        stamp=audit.stamp(db),
    )
    return render_notice(notice, out)


def donation_notice(db: Database, store_code: str, month: str, out: str | Path):
    """捐赠鸣谢: donors to a store in a month, with what they gave."""
    from desktop.reports.notice import (  # lazy: reportlab loads only when printing
        Notice,
        NoticeTable,
        render_notice,
    )

    start, end, label = month_range(month)
    with db.read() as s:
        store = store_by_code(s, store_code)
        rows = s.execute(
            select(
                StockMovement.donor, Goods.name, Goods.unit, StockMovement.quantity, StockMovement.value_fen
            )
            .join(Goods, Goods.id == StockMovement.goods_id)
            .where(
                Goods.store_id == store.id,
                StockMovement.kind == "donation",
                StockMovement.at >= start,
                StockMovement.at < end,
            )
            .order_by(StockMovement.id)
        ).all()
        village = s.get(Village, store.village_id) if store.village_id else None
        township = s.get(Township, village.township_id).name if village else ""
    if not rows:
        raise InputRejected(f"{store.name}{label}没有捐赠")
    table = NoticeTable(
        ["序号", "捐赠人", "物品", "数量", "价值（元）"],
        [[str(i), d, n, f"{q}{u}", f"{v / 100:.2f}"] for i, (d, n, u, q, v) in enumerate(rows, 1)],
        [1, 2.5, 2, 1.5, 1.8],
    )
    notice = Notice(
        f"{store.name}{label}爱心捐赠鸣谢",
        [
            f"{label}，以下单位和个人向{store.name}捐赠物资，价值合计{sum(r[4] for r in rows) / 100:.2f}元。"
            "所捐物资全部用于贫困户积分兑换，特此公示并致以诚挚谢意！"
        ],
        # the village committee that runs the store, named as every other notice names it
        issuer=f"{township}{village.name}村民委员会" if village else store.name,
        issued=clock.today(),
        table=table,
        stamp=audit.stamp(db),
    )
    return render_notice(notice, out)


def points_chart(db: Database, out: str | Path, *, months: int = 12) -> Path:
    """Points awarded and redeemed per month (bars), per village (the top villages stacked).

    A .pdf is a printed page: A4 landscape with a title, the period and the 制表日期, text at print size.
    Any other name (.png) is a picture for the screen."""
    from desktop.reports.charts import (  # lazy: matplotlib loads only when drawing charts
        a4_page,
        month_labels,
        pyplot,
    )

    with db.read() as s:
        rows = s.execute(
            select(PointsEntry.at, PointsEntry.amount, PointsEntry.kind, Village.name)
            .join(Household, Household.id == PointsEntry.household_id)
            .join(Village)
        ).all()
        township = s.scalar(select(Township).order_by(Township.id))
    awarded: dict[str, int] = defaultdict(int)
    redeemed: dict[str, int] = defaultdict(int)
    for at, amount, kind, _vname in rows:
        key = str(clock.Month.of(clock.local(at)))
        if kind in ("award", "bonus"):
            awarded[key] += amount
        elif kind == "redeem":
            redeemed[key] -= amount
        elif kind == "reversal" and amount > 0:
            redeemed[key] -= amount
    today = clock.today()
    keys = sorted(set(awarded) | set(redeemed))[-months:] or [str(clock.Month.of(today))]
    by_village: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _at, amount, kind, vname in rows:
        if kind in ("award", "bonus"):
            by_village[vname][0] += amount
        elif kind == "redeem" or (kind == "reversal" and amount > 0):
            by_village[vname][1] += -amount
    printed = Path(out).suffix.lower() == ".pdf"
    if printed:
        first, last = (month_labels([k])[0] for k in (keys[0], keys[-1]))
        fig = a4_page(
            f"{township.name if township else ''}扶贫超市积分发放与兑换情况",
            today,
            subtitle=f"统计期间：{first}" + (f"至{last}" if last != first else "") + "　　单位：分",
        )
        ax, bx = fig.subplots(1, 2, width_ratios=[3, 2])
        sizes = {"title": 12, "tick": 9, "label": 10}
        labels = month_labels(keys)
    else:
        plt = pyplot()
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [3, 2]})
        sizes = {"title": 12, "tick": 10, "label": 10}
        labels = keys
    xs = range(len(keys))
    ax.bar([x - 0.2 for x in xs], [awarded[k] for k in keys], width=0.4, label="发放积分", color="#2e86c1")
    ax.bar([x + 0.2 for x in xs], [redeemed[k] for k in keys], width=0.4, label="兑换积分", color="#c0392b")
    ax.set_xticks(list(xs), labels)
    ax.set_ylabel("积分", fontsize=sizes["label"])
    ax.set_title("每月积分发放与兑换", fontsize=sizes["title"])
    ax.legend(fontsize=sizes["tick"])
    villages = sorted(by_village, key=lambda v: -by_village[v][0])[:10][::-1]
    ys = range(len(villages))
    bx.barh([y + 0.2 for y in ys], [by_village[v][0] for v in villages], height=0.4, color="#2e86c1")
    bx.barh([y - 0.2 for y in ys], [by_village[v][1] for v in villages], height=0.4, color="#c0392b")
    bx.set_yticks(list(ys), villages)
    bx.set_title(
        "各村积分发放与兑换" + ("（前10个村）" if len(by_village) > 10 else ""), fontsize=sizes["title"]
    )
    for axis in (ax, bx):
        axis.spines[["top", "right"]].set_visible(False)
        axis.tick_params(labelsize=sizes["tick"])
    if printed:
        fig.savefig(out)
    else:
        fig.tight_layout()
        fig.savefig(out, dpi=110)
        plt.close(fig)
    return Path(out)


__all__ = [
    "Store",
    "month_range",
    "points_ledger",
    "stock_ledger",
    "settlement",
    "settlement_sheet",
    "redemption_notice",
    "donation_notice",
    "points_chart",
]
