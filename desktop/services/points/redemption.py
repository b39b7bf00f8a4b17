"""兑换 at the counter: balance and stock are checked and changed in one transaction, with conditional updates,
so two counters at once can never overspend or oversell (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from desktop import clock, limits, money
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied, Refused
from desktop.models import (
    Goods,
    Household,
    PointsAccount,
    PointsEntry,
    Redemption,
    RedemptionLine,
    StockLevel,
    StockMovement,
    Store,
    Village,
)
from desktop.models.base import utcnow
from desktop.services.ledgers.balances import change_unless_negative
from desktop.services.ledgers.ledger_chain import link_rows
from desktop.services.points import counter_guard, points
from desktop.services.points.stores import change_stock, store_by_code
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


# The counter's statements, built once (each then runs from SQLAlchemy's compiled cache): a redemption is a
# dozen small statements, and building them anew each time was most of its cost.
_STORE = Store.__table__.c
_GOODS = Goods.__table__.c
_HOUSEHOLD = Household.__table__.c
_ACCOUNT = PointsAccount.__table__.c
_STOCK = StockLevel.__table__.c
_FIND_STORE = select(
    _STORE.id, _STORE.code, _STORE.name, _STORE.village_id, _STORE.active, _STORE.receipt_width_mm
).where(_STORE.code == bindparam("code"))
_FIND_HOUSEHOLD = select(_HOUSEHOLD.id, _HOUSEHOLD.village_id, _HOUSEHOLD.head_name).where(
    _HOUSEHOLD.code == bindparam("code")
)
_GOODS_COLUMNS = (_GOODS.id, _GOODS.code, _GOODS.name, _GOODS.unit, _GOODS.price_points, _GOODS.active)
_GOODS_BY_CODE = select(*_GOODS_COLUMNS).where(
    _GOODS.store_id == bindparam("store"), _GOODS.code == bindparam("code")
)
_GOODS_BY_BARCODE = select(*_GOODS_COLUMNS).where(
    _GOODS.store_id == bindparam("store"), _GOODS.barcode == bindparam("code"), _GOODS.barcode != ""
)
_NEW_REDEMPTION = insert(Redemption.__table__).returning(Redemption.__table__.c.id)
_NUMBER_REDEMPTION = (
    update(Redemption.__table__)
    .where(Redemption.__table__.c.id == bindparam("rid"))
    .values(number=bindparam("number"), balance_after=bindparam("balance_after"))
)
_NEW_POINTS_ENTRY = insert(PointsEntry.__table__).returning(PointsEntry.__table__.c.id)
_NEW_LINE = insert(RedemptionLine.__table__)
_NEW_MOVEMENT = insert(StockMovement.__table__)
_BALANCE = select(_ACCOUNT.balance).where(_ACCOUNT.household_id == bindparam("hid"))
_STOCK_OF = select(_STOCK.quantity).where(_STOCK.goods_id == bindparam("gid"))


def _store_for(connection, actor: Actor, code: str):
    """The store row (id, code, name, village_id, active, receipt_width_mm) as store_by_code checks it."""
    store = connection.execute(_FIND_STORE, {"code": code}).first()
    if store is None:
        raise NotFound(f"超市“{code}”不存在")
    if actor.store_ids is not None and store.id not in actor.store_ids:
        raise PermissionDenied(f"用户“{actor.username}”不是{store.name}的操作员")
    return store


def _goods_for(connection, store, code: str):
    """By goods code or barcode (a scanner types the barcode), as goods_by_code finds it."""
    found = connection.execute(_GOODS_BY_CODE, {"store": store.id, "code": code}).first()
    if found is None:
        found = connection.execute(_GOODS_BY_BARCODE, {"store": store.id, "code": code}).first()
    if found is None:
        raise NotFound(f"{store.name}没有商品“{code}”")
    return found


def redeem(
    db: Database, actor: Actor, store_code: str, household_code: str, items: dict[str, int]
) -> Receipt:
    """Redeem goods (code or barcode → quantity). Refused with nothing written if the balance or any stock is
    short, the household or goods unknown, or a quantity not positive.

    Core statements built once (module level), not ORM objects: the points entry and the stock movements are
    linked into their ledgers' chains by ledger_chain.link_rows, as a flush would link them; the audit entry by
    audit.append, the same entry as audit.record writes."""
    actor.require("redeem", "兑换商品")
    if not items:
        raise InputRejected("没有要兑换的商品")
    bad = [code for code, qty in items.items() if qty <= 0]
    if bad:
        raise InputRejected(f"数量必须大于0：{'、'.join(bad)}")
    for code, qty in items.items():
        money.check_count(qty, f"商品{code}的数量", maximum=limits.STOCK_QUANTITY)
    with db.write() as s:
        c = s.connection()
        store = _store_for(c, actor, store_code)
        if not store.active:
            raise Refused(f"{store.name}已停用")
        household = c.execute(_FIND_HOUSEHOLD, {"code": household_code}).first()
        if household is None:
            raise Refused(
                f"户编号“{household_code}”不存在，请核对户编号或扫描明白卡上的二维码。未做任何改动。"
            )
        if actor.village_ids is not None and household.village_id not in actor.village_ids:
            raise PermissionDenied("无权处理其他村农户的积分")
        hid = household.id
        refusal = other_village(s, store, hid)
        if refusal:
            raise Refused(refusal)
        local = counter_guard.guard_redeem(s, store, hid)
        head = household.head_name or ""
        wanted: Counter[int] = Counter()
        goods: dict[int, Any] = {}
        for code, qty in items.items():
            g = _goods_for(c, store, code)
            if not g.active:
                raise Refused(f"商品“{g.name}”已下架")
            goods[g.id] = g
            wanted[g.id] += qty
        total = sum(goods[gid].price_points * qty for gid, qty in wanted.items())
        at = utcnow()
        # A unique placeholder until the id (from the database sequence) gives the real number.
        rid = c.execute(
            _NEW_REDEMPTION,
            {
                "number": f"pending-{uuid.uuid4().hex}",
                "store_id": store.id,
                "household_id": hid,
                "points": total,
                "balance_after": 0,
                "operator": actor.username,
                "at": at,
            },
        ).scalar_one()
        number = counter_guard.receipt_number(store.code, at, rid, local)
        # points.post, in Core: the balance moves by its conditional UPDATE, then the entry is linked and written
        points.ensure_account(s, hid)
        balance = change_unless_negative(s, PointsAccount.balance, PointsAccount.household_id, hid, -total)
        if balance is None:
            have = c.execute(_BALANCE, {"hid": hid}).scalar() or 0
            raise Refused(f"积分不足：当前余额{have}分，需要{total}分，未做任何改动。")
        row = {
            "household_id": hid,
            "kind": "redeem",
            "amount": -total,
            "reason": f"兑换单{number}",
            "operator": actor.username,
            "source": f"redemption:{rid}",
            "reverses_id": None,
        }
        entry_id = c.execute(_NEW_POINTS_ENTRY, link_rows(s, PointsEntry, [row])).scalar_one()
        lines, movements = [], []
        for gid, qty in sorted(wanted.items()):
            g = goods[gid]
            if change_unless_negative(s, StockLevel.quantity, StockLevel.goods_id, gid, -qty) is None:
                left = c.execute(_STOCK_OF, {"gid": gid}).scalar() or 0
                raise Refused(f"库存不足：{g.name}只剩{left}{g.unit}，要兑换{qty}{g.unit}。未做任何改动。")
            lines.append(
                {"redemption_id": rid, "goods_id": gid, "quantity": qty, "price_points": g.price_points}
            )
            movements.append(
                {
                    "goods_id": gid,
                    "kind": "redeem",
                    "quantity": -qty,
                    "operator": actor.username,
                    "redemption_id": rid,
                    "reason": f"兑换单{number}",
                    "value_fen": None,
                    "donor": None,
                    "at": None,
                    "reverses_id": None,
                }
            )
        c.execute(_NEW_LINE, lines)
        c.execute(_NEW_MOVEMENT, link_rows(s, StockMovement, movements))
        c.execute(_NUMBER_REDEMPTION, {"rid": rid, "number": number, "balance_after": balance})
        if local is not None:  # the village chain the hand-back carries
            counter_guard.append_event(
                s,
                "redeem",
                {
                    "number": number,
                    "household": household_code,
                    "points": total,
                    "lines": [
                        {"goods": goods[g].code, "quantity": q, "price_points": goods[g].price_points}
                        for g, q in sorted(wanted.items())
                    ],
                    "operator": actor.username,
                    "at": at.isoformat(),
                },
            )
        audit.append(
            s,
            actor.username,
            "redeem",
            entity="redemption",
            key=number,
            after={
                "household": household_code,
                "points": total,
                "entry": entry_id,
                "items": {goods[g].code: q for g, q in wanted.items()},
            },
        )
        receipt_lines = [
            ReceiptLine(goods[g].name, goods[g].unit, q, goods[g].price_points)
            for g, q in sorted(wanted.items())
        ]
        return Receipt(
            number,
            store.code,
            store.name,
            household_code,
            head,
            receipt_lines,
            total,
            balance,
            actor.username,
            at,
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
        reverse_in(s, actor.username, redemption, reason)
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


def reverse_in(
    s: Session, username: str, redemption: Redemption, reason: str, at: datetime | None = None
) -> None:
    """Undo a booked redemption inside the caller's transaction: points and goods back, entries naming the
    originals (the township's 撤销 and a merged village 撤销 alike)."""
    at = at or utcnow()
    number = redemption.number
    original = s.scalar(
        select(PointsEntry).where(
            PointsEntry.source == f"redemption:{redemption.id}", PointsEntry.kind == "redeem"
        )
    )
    points.change_balance(s, redemption.household_id, redemption.points)
    s.add(
        PointsEntry(
            household_id=redemption.household_id,
            kind="reversal",
            amount=redemption.points,
            reason=f"撤销兑换单{number}：{reason}",
            operator=username,
            at=at,
            source=f"redemption:{redemption.id}",
            reverses_id=original.id if original else None,
        )
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
                operator=username,
                redemption_id=redemption.id,
                reverses_id=move.id,
                reason=f"撤销兑换单{number}：{reason}",
                at=at,
            )
        )
    redemption.reversed_at, redemption.reversed_by, redemption.reversal_reason = at, username, reason
    s.flush()


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
