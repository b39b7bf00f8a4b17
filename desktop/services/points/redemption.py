"""兑换 at the counter: balance and stock are checked and changed in one transaction, with conditional updates,
so two counters at once can never overspend or oversell (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from desktop import clock, limits, money
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied, Refused
from desktop.models import (
    Goods,
    Household,
    PointsEntry,
    Redemption,
    RedemptionLine,
    StockMovement,
    Store,
    Village,
)
from desktop.models.base import utcnow
from desktop.services.points import counter_guard, points
from desktop.services.points.stores import change_stock, goods_by_code, stock_of, store_by_code
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor
from desktop.services.system.users import display_names


@dataclass(frozen=True)
class ReceiptLine:
    goods: str
    unit: str
    quantity: int
    price_points: int

    @property
    def points(self) -> int:
        return self.quantity * self.price_points


@dataclass(frozen=True)
class Receipt:
    """What a receipt prints (the household's name is masked on the slip itself)."""

    number: str
    store: str
    store_name: str
    household: str
    head_name: str
    lines: list[ReceiptLine]
    points: int
    balance_after: int
    operator: str
    at: datetime
    receipt_width_mm: int
    operator_name: str = ""  # the person, as the slip names them (李会计, not the log-in)
    reversed_at: datetime | None = None  # a reprint of a reversed basket says so

    def as_dict(self) -> dict:
        return {
            "receipt": self.number,
            "store": self.store,
            "household": self.household,
            "points_spent": self.points,
            "balance_after": self.balance_after,
            "lines": [
                {
                    "goods": ln.goods,
                    "quantity": ln.quantity,
                    "price_points": ln.price_points,
                    "points": ln.points,
                }
                for ln in self.lines
            ],
            "operator": self.operator,
            "at": self.at.isoformat(),
        }


def other_village(session, store: Store, household_id: int) -> str | None:
    """Why this household may not redeem at this store, or None. A store of a village serves that village's
    households; whether they may also redeem at another village's store is the office's setting
    (store.other_village, default no — no seed says either way). A store of no village serves every village."""
    if store.village_id is None or settings.get_in(session, "store.other_village"):
        return None
    home = session.scalar(select(Household.village_id).where(Household.id == household_id))
    if home == store.village_id:
        return None
    names = dict(
        session.execute(
            select(Village.id, Village.name).where(Village.id.in_([home, store.village_id]))
        ).all()
    )
    return (
        f"这户是{names.get(home, '外村')}的，{store.name}只为{names[store.village_id]}的农户兑换积分，"
        f"请到本村的超市兑换（是否允许到外村超市兑换，由管理员在“系统 → 设置”中决定）。未做任何改动。"
    )


def may_redeem_here(db: Database, actor: Actor, store_code: str, household_code: str) -> str | None:
    """The counter asks as soon as a household is found: None, or why it cannot redeem here."""
    with db.read() as s:
        store = store_by_code(s, store_code, actor)
        hid = points.household_id(s, actor, household_code)
        try:  # a store or household an open pack reserves, or a village pack past its date: said at once
            counter_guard.guard_redeem(s, store, hid)
        except Refused as exc:
            return exc.message
        return other_village(s, store, hid)


def redeem(
    db: Database, actor: Actor, store_code: str, household_code: str, items: dict[str, int]
) -> Receipt:
    """Redeem goods (code or barcode → quantity). Refused with nothing written if the balance or any stock is
    short, the household or goods unknown, or a quantity not positive."""
    actor.require("redeem", "兑换商品")
    if not items:
        raise InputRejected("没有要兑换的商品")
    bad = [code for code, qty in items.items() if qty <= 0]
    if bad:
        raise InputRejected(f"数量必须大于0：{'、'.join(bad)}")
    for code, qty in items.items():
        money.check_count(qty, f"商品{code}的数量", maximum=limits.STOCK_QUANTITY)
    with db.write() as s:
        store = store_by_code(s, store_code, actor)
        if not store.active:
            raise Refused(f"{store.name}已停用")
        try:
            hid = points.household_id(s, actor, household_code)
        except NotFound as exc:
            raise Refused(f"{exc.message}，请核对户编号或扫描明白卡上的二维码。未做任何改动。") from exc
        refusal = other_village(s, store, hid)
        if refusal:
            raise Refused(refusal)
        local = counter_guard.guard_redeem(s, store, hid)
        head = s.scalar(select(Household.head_name).where(Household.id == hid)) or ""
        wanted: Counter[int] = Counter()
        goods: dict[int, Goods] = {}
        for code, qty in items.items():
            g = goods_by_code(s, store, code)
            if not g.active:
                raise Refused(f"商品“{g.name}”已下架")
            goods[g.id] = g
            wanted[g.id] += qty
        total = sum(goods[gid].price_points * qty for gid, qty in wanted.items())
        # A unique placeholder until the id (from the database sequence) gives the real number.
        redemption = Redemption(
            number=f"pending-{uuid.uuid4().hex}",
            store_id=store.id,
            household_id=hid,
            points=total,
            balance_after=0,
            operator=actor.username,
        )
        s.add(redemption)
        s.flush()
        redemption.number = counter_guard.receipt_number(store.code, redemption.at, redemption.id, local)
        entry = points.post(
            s,
            actor,
            hid,
            "redeem",
            -total,
            f"兑换单{redemption.number}",
            source=f"redemption:{redemption.id}",
        )
        for gid, qty in sorted(wanted.items()):
            g = goods[gid]
            if not change_stock(s, gid, -qty):
                raise Refused(
                    f"库存不足：{g.name}只剩{stock_of(s, gid)}{g.unit}，要兑换{qty}{g.unit}。未做任何改动。"
                )
            s.add(
                RedemptionLine(
                    redemption_id=redemption.id, goods_id=gid, quantity=qty, price_points=g.price_points
                )
            )
            s.add(
                StockMovement(
                    goods_id=gid,
                    kind="redeem",
                    quantity=-qty,
                    operator=actor.username,
                    redemption_id=redemption.id,
                    reason=f"兑换单{redemption.number}",
                )
            )
        redemption.balance_after = points.balance_of(s, hid)
        counter_guard.append_event(
            s,
            "redeem",
            {
                "number": redemption.number,
                "household": household_code,
                "points": total,
                "lines": [
                    {"goods": goods[g].code, "quantity": q, "price_points": goods[g].price_points}
                    for g, q in sorted(wanted.items())
                ],
                "operator": actor.username,
                "at": redemption.at.isoformat(),
            },
        )
        audit.record(
            s,
            actor.username,
            "redeem",
            entity="redemption",
            key=redemption.number,
            after={
                "household": household_code,
                "points": total,
                "entry": entry.id,
                "items": {goods[g].code: q for g, q in wanted.items()},
            },
        )
        lines = [
            ReceiptLine(goods[g].name, goods[g].unit, q, goods[g].price_points)
            for g, q in sorted(wanted.items())
        ]
        return Receipt(
            redemption.number,
            store.code,
            store.name,
            household_code,
            head,
            lines,
            total,
            redemption.balance_after,
            actor.username,
            redemption.at,
            store.receipt_width_mm,
            actor.display_name or actor.username,
        )


def reverse_redemption(db: Database, actor: Actor, number: str, reason: str) -> int:
    """撤销兑换 by a supervisor: points and goods go back, both original and reversal entries stay.
    Returns the household's balance after."""
    actor.require("redemption.reverse", "撤销兑换")
    if not reason.strip():
        raise InputRejected("撤销兑换需要写明原因")
    with db.write() as s:
        redemption = s.scalar(select(Redemption).where(Redemption.number == number))
        if redemption is None:
            raise NotFound(f"兑换单“{number}”不存在")
        if actor.store_ids is not None and redemption.store_id not in actor.store_ids:
            raise PermissionDenied(
                f"用户“{actor.username}”不是{s.get(Store, redemption.store_id).name}的操作员"
            )
        if redemption.reversed_at is not None:
            when = clock.local(redemption.reversed_at)
            raise Refused(f"兑换单{number}已于{clock.cn_date(when.date())} {when:%H:%M}撤销过")
        original = s.scalar(
            select(PointsEntry).where(
                PointsEntry.source == f"redemption:{redemption.id}", PointsEntry.kind == "redeem"
            )
        )
        points.post(
            s,
            actor,
            redemption.household_id,
            "reversal",
            redemption.points,
            f"撤销兑换单{number}：{reason}",
            source=f"redemption:{redemption.id}",
            reverses_id=original.id if original else None,
        )
        for move in s.scalars(
            select(StockMovement).where(
                StockMovement.redemption_id == redemption.id, StockMovement.kind == "redeem"
            )
        ):
            change_stock(s, move.goods_id, -move.quantity)
            s.add(
                StockMovement(
                    goods_id=move.goods_id,
                    kind="reversal",
                    quantity=-move.quantity,
                    operator=actor.username,
                    redemption_id=redemption.id,
                    reverses_id=move.id,
                    reason=f"撤销兑换单{number}：{reason}",
                )
            )
        redemption.reversed_at, redemption.reversed_by, redemption.reversal_reason = (
            utcnow(),
            actor.username,
            reason,
        )
        counter_guard.append_event(
            s,
            "reverse",
            {
                "number": number,
                "reason": reason,
                "operator": actor.username,
                "at": redemption.reversed_at.isoformat(),
            },
        )
        audit.record(
            s,
            actor.username,
            "redeem.reverse",
            entity="redemption",
            key=number,
            after={"reason": reason, "points": redemption.points},
        )
        return points.balance_of(s, redemption.household_id)


def store_of(db: Database, number: str) -> str:
    with db.read() as s:
        row = s.execute(
            select(Store.code)
            .join(Redemption, Redemption.store_id == Store.id)
            .where(Redemption.number == number)
        ).first()
        if row is None:
            raise NotFound(f"兑换单“{number}”不存在")
        return row[0]


def receipt_pdf(receipt: Receipt, path: str | Path) -> Path:
    """The slip for the store's roll printer (58 or 80 mm)."""
    from desktop.reports.receipt import (  # lazy: reportlab loads only when printing
        ReceiptData,
        render_receipt,
    )

    data = ReceiptData(
        receipt.store_name,
        receipt.number,
        receipt.at,
        receipt.household,
        receipt.head_name,
        [(ln.goods, ln.quantity, ln.unit, ln.points) for ln in receipt.lines],
        receipt.points,
        receipt.balance_after,
        receipt.operator_name or receipt.operator,
        receipt.receipt_width_mm,
        receipt.reversed_at,
    )
    return render_receipt(data, path)


def find_receipt(db: Database, number: str) -> Receipt:
    """A past redemption as a receipt again (reprints)."""
    with db.read() as s:
        r = s.scalar(select(Redemption).where(Redemption.number == number))
        if r is None:
            raise NotFound(f"兑换单“{number}”不存在")
        store = s.get(Store, r.store_id)
        household = s.get(Household, r.household_id)
        lines = [
            ReceiptLine(g.name, g.unit, ln.quantity, ln.price_points)
            for ln, g in s.execute(
                select(RedemptionLine, Goods)
                .join(Goods, Goods.id == RedemptionLine.goods_id)
                .where(RedemptionLine.redemption_id == r.id)
                .order_by(RedemptionLine.id)
            )
        ]
        return Receipt(
            r.number,
            store.code,
            store.name,
            household.code,
            household.head_name,
            lines,
            r.points,
            r.balance_after,
            r.operator,
            r.at,
            store.receipt_width_mm,
            display_names(s).get(r.operator, r.operator),
            r.reversed_at,
        )
