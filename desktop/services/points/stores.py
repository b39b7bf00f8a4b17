"""Stores (扶贫超市/爱心超市), goods and the stock ledger: purchases, donations, losses, stock-takes; a commercial
shop's settlement terms; the stock's value at what it was bought or given for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop import limits, money
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied, Refused
from desktop.models import Goods, StockLevel, StockMovement, Store, Village
from desktop.models.base import utcnow
from desktop.models.points import POINT_RATE_FEN
from desktop.services.households.households import resolve_village
from desktop.services.ledgers.balances import add_unless_negative
from desktop.services.points import counter_guard
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor

MOVE_NAMES = {
    "purchase": "采购入库",
    "donation": "捐赠入库",
    "redeem": "兑换出库",
    "loss": "损耗",
    "adjust": "调整",
    "stocktake": "盘点",
    "reversal": "冲正",
}


@dataclass(frozen=True)
class StoreInfo:
    code: str
    name: str
    village: str
    receipt_width_mm: int
    goods: int
    commercial: bool = False
    point_rate_fen: int = 0
    funding_source: str = ""
    owner: str = ""

    def terms(self) -> str:
        """How the store is settled, in a sentence."""
        if not self.commercial:
            return "村级爱心超市：积分兑换不向超市付款"
        return (
            f"商业超市（经营者{self.owner or '未填'}）：每月按兑换积分结算，每分{self.point_rate_fen / 100:.2f}元，"
            f"资金来源：{self.funding_source}"
        )


@dataclass(frozen=True)
class GoodsInfo:
    id: int
    store: str
    code: str
    name: str
    unit: str
    price_points: int
    barcode: str
    stock: int
    active: bool


def store_by_code(session: Session, code: str, actor: Actor | None = None) -> Store:
    store = session.scalar(select(Store).where(Store.code == code))
    if store is None:
        raise NotFound(f"超市“{code}”不存在")
    if actor is not None and actor.store_ids is not None and store.id not in actor.store_ids:
        raise PermissionDenied(f"用户“{actor.username}”不是{store.name}的操作员")
    return store


def goods_by_code(session: Session, store: Store, code: str) -> Goods:
    """By goods code or barcode (a scanner types the barcode)."""
    goods = session.scalar(
        select(Goods).where(Goods.store_id == store.id, Goods.code == code)
    ) or session.scalar(
        select(Goods).where(Goods.store_id == store.id, Goods.barcode == code, Goods.barcode != "")
    )
    if goods is None:
        raise NotFound(f"{store.name}没有商品“{code}”")
    return goods


def create_store(
    db: Database,
    actor: Actor,
    code: str,
    name: str,
    *,
    village_id: int | None = None,
    village: str | None = None,
    receipt_width_mm: int = 58,
) -> StoreInfo:
    """A store, of a village (by id, or by name as resolve_village takes it) or of none (a township store that
    serves every village)."""
    actor.require("store.manage", "设立超市")
    if receipt_width_mm not in (58, 80):
        raise InputRejected("小票宽度只能是58或80毫米")
    with db.write() as s:
        counter_guard.refuse_at_village(s, "新建超市")
        if s.scalar(select(Store).where(Store.code == code)):
            raise Refused(f"超市编号“{code}”已存在")
        vname = ""
        if village:
            v = resolve_village(s, actor, village)
            village_id, vname = v.id, v.name
        s.add(Store(code=code, name=name, village_id=village_id, receipt_width_mm=receipt_width_mm))
        audit.record(
            s,
            actor.username,
            "store.create",
            entity="store",
            key=code,
            after={"name": name, "village": vname},
        )
    return StoreInfo(code, name, vname, receipt_width_mm, 0)


def set_terms(
    db: Database,
    actor: Actor,
    store_code: str,
    *,
    commercial: bool,
    point_rate_fen: int = 0,
    funding_source: str = "",
    owner: str = "",
) -> dict:
    """How a store is settled. Seed 000 扶志扶智 四(七): 对行政村内信誉度较高、基础条件较好的超市……在面向市场经营的
    同时,为贫困群众积分兑换物品做好服务 — a commercial shop hands out goods for points and is paid each month: the
    points redeemed × its rate (fen a point), from a named funding source; its owner signs the settlement sheet.
    A village-run 爱心超市 is not paid. Returns what changed (nothing written when nothing does)."""
    actor.require("store.manage", "设置超市结算方式")
    after = _checked_terms(commercial, point_rate_fen, funding_source, owner)
    with db.write() as s:
        counter_guard.refuse_at_village(s, "改超市的结算方式")
        store = store_by_code(s, store_code)
        before = {key: getattr(store, key) for key in after}
        changed = {k: v for k, v in after.items() if before[k] != v}
        if not changed:
            return {}
        for key, value in changed.items():
            setattr(store, key, value)
        audit.record(
            s, actor.username, "store.terms", entity="store", key=store_code, before=before, after=after
        )
        return changed


def _checked_terms(commercial: bool, point_rate_fen: int, funding_source: str, owner: str) -> dict:
    """A store's settlement terms, checked (see set_terms), as the Store columns they are written to."""
    funding_source, owner = funding_source.strip(), owner.strip()
    if commercial:
        money.check_fen(point_rate_fen, "每分积分折合金额", max_fen=POINT_RATE_FEN)
        if not funding_source:
            raise InputRejected("商业超市需要写明结算资金来源（如“县财政专项扶贫资金”）")
        if not owner:
            raise InputRejected("商业超市需要写明经营者（在结算单上签字的人）")
    else:
        point_rate_fen, funding_source = 0, ""
    if len(funding_source) > 64 or len(owner) > 64:
        raise InputRejected("资金来源和经营者都不能超过64个字")
    return {
        "commercial": commercial,
        "point_rate_fen": point_rate_fen,
        "funding_source": funding_source,
        "owner": owner,
    }


def save_store(
    db: Database,
    actor: Actor,
    code: str,
    name: str,
    *,
    new: bool,
    village_id: int | None = None,
    receipt_width_mm: int = 58,
    commercial: bool = False,
    point_rate_fen: int = 0,
    funding_source: str = "",
    owner: str = "",
) -> StoreInfo:
    """The window's store form in one transaction: a new store (new=True) or an existing one's name, village,
    receipt roll and settlement terms, every field checked before anything is written."""
    actor.require("store.manage", "设立或修改超市")
    code, name = code.strip(), name.strip()
    if not code or len(code) > 16:
        raise InputRejected("超市编号必填，不超过16个字符")
    if not name or len(name) > 64:
        raise InputRejected("超市名称必填，不超过64个字")
    if receipt_width_mm not in (58, 80):
        raise InputRejected("小票宽度只能是58或80毫米")
    terms = _checked_terms(commercial, point_rate_fen, funding_source, owner)
    with db.write() as s:
        counter_guard.refuse_at_village(s, "改超市设置")
        if village_id is not None:
            village = s.get(Village, village_id)
            if village is None or (actor.village_ids is not None and village_id not in actor.village_ids):
                raise NotFound("所选的村不存在或无权查看")
        fields = {"name": name, "village_id": village_id, "receipt_width_mm": receipt_width_mm, **terms}
        if new:
            if s.scalar(select(Store).where(Store.code == code)):
                raise Refused(f"超市编号“{code}”已存在")
            store = Store(code=code, **fields)
            s.add(store)
            audit.record(s, actor.username, "store.create", entity="store", key=code, after=fields)
        else:
            store = store_by_code(s, code)
            before = {key: getattr(store, key) for key in fields}
            if before["receipt_width_mm"] != receipt_width_mm:
                actor.require("settings", "修改小票宽度")
            if before != fields:
                for key, value in fields.items():
                    setattr(store, key, value)
                audit.record(
                    s, actor.username, "store.edit", entity="store", key=code, before=before, after=fields
                )
        s.flush()
        vname = s.scalar(select(Village.name).where(Village.id == village_id)) if village_id else ""
        goods = s.scalar(select(func.count()).select_from(Goods).where(Goods.store_id == store.id)) or 0
        return _info(store, vname, goods)


def store_village_id(db: Database, store_code: str, actor: Actor | None = None) -> int | None:
    """The village a store serves (None: a township store), for the store form."""
    with db.read() as s:
        return store_by_code(s, store_code, actor).village_id


def edit_goods(
    db: Database,
    actor: Actor,
    store_code: str,
    goods_code: str,
    *,
    name: str,
    price_points: int,
    unit: str = "个",
    barcode: str = "",
    active: bool = True,
) -> GoodsInfo:
    """A goods' name, price, unit, barcode and 上架/下架 in one transaction (its code and history stay)."""
    actor.require("store.manage", "修改商品")
    name, unit, barcode = name.strip(), unit.strip() or "个", barcode.strip()
    if not name or len(name) > 64:
        raise InputRejected("商品名称必填，不超过64个字")
    if len(unit) > 8 or len(barcode) > 32:
        raise InputRejected("单位不超过8个字，条码不超过32位")
    with db.write() as s:
        counter_guard.refuse_at_village(s, "改商品")
        most = int(settings.get_in(s, "limits.price_points"))
        money.check_count(price_points, "商品积分价", maximum=min(most, limits.PRICE_POINTS), unit="分")
        store = store_by_code(s, store_code, actor)
        goods = s.scalar(select(Goods).where(Goods.store_id == store.id, Goods.code == goods_code))
        if goods is None:
            raise NotFound(f"{store.name}没有商品“{goods_code}”")
        if barcode and s.scalar(
            select(Goods.id).where(Goods.store_id == store.id, Goods.barcode == barcode, Goods.id != goods.id)
        ):
            raise Refused(f"{store.name}已有商品使用条码“{barcode}”")
        fields = {
            "name": name,
            "unit": unit,
            "price_points": price_points,
            "barcode": barcode,
            "active": active,
        }
        before = {key: getattr(goods, key) for key in fields}
        if before != fields:
            for key, value in fields.items():
                setattr(goods, key, value)
            audit.record(
                s,
                actor.username,
                "goods.edit",
                entity="goods",
                key=f"{store_code}/{goods_code}",
                before=before,
                after=fields,
            )
        return GoodsInfo(
            goods.id, store_code, goods_code, name, unit, price_points, barcode, stock_of(s, goods.id), active
        )


def add_goods(
    db: Database,
    actor: Actor,
    store_code: str,
    code: str,
    name: str,
    price_points: int,
    *,
    unit: str = "个",
    barcode: str = "",
) -> GoodsInfo:
    actor.require("store.manage", "登记商品")
    with db.write() as s:
        counter_guard.refuse_at_village(s, "登记新商品")
        most = int(settings.get_in(s, "limits.price_points"))
        money.check_count(price_points, "商品积分价", maximum=min(most, limits.PRICE_POINTS), unit="分")
        store = store_by_code(s, store_code)
        if s.scalar(select(Goods).where(Goods.store_id == store.id, Goods.code == code)):
            raise Refused(f"{store.name}已有商品编号“{code}”")
        goods = Goods(
            store_id=store.id, code=code, name=name, unit=unit, price_points=price_points, barcode=barcode
        )
        s.add(goods)
        s.flush()
        s.add(StockLevel(goods_id=goods.id, quantity=0))
        audit.record(
            s,
            actor.username,
            "goods.create",
            entity="goods",
            key=f"{store_code}/{code}",
            after={"name": name, "price_points": price_points},
        )
        return GoodsInfo(goods.id, store_code, code, name, unit, price_points, barcode, 0, True)


def change_stock(session: Session, goods_id: int, quantity: int) -> bool:
    """Add `quantity` (may be negative) unless stock would go negative."""
    return add_unless_negative(session, StockLevel.quantity, StockLevel.goods_id == goods_id, quantity)


def stock_of(session: Session, goods_id: int) -> int:
    return session.scalar(select(StockLevel.quantity).where(StockLevel.goods_id == goods_id)) or 0


MOVE_KINDS = ("purchase", "donation", "loss", "adjust", "stocktake")  # what a clerk records by hand


def move_stock(
    db: Database,
    actor: Actor,
    store_code: str,
    goods_code: str,
    kind: str,
    quantity: int,
    *,
    value_fen: int = 0,
    donor: str = "",
    reason: str = "",
) -> int:
    """Purchase or donation in, loss or adjustment out, or a stock-take (quantity = the count found).
    Returns the stock after."""
    actor.require("stock.move", "出入库")
    if kind not in MOVE_KINDS:
        raise InputRejected(f"出入库类型“{kind}”无效")
    if kind in ("purchase", "donation") and quantity <= 0:
        raise InputRejected("入库数量必须大于0")
    if kind == "loss" and quantity <= 0:
        raise InputRejected("损耗数量必须大于0")
    if kind == "donation" and not donor.strip():
        raise InputRejected("捐赠入库需要写明捐赠人")
    if kind in ("loss", "adjust", "stocktake") and not reason.strip():
        raise InputRejected("损耗、调整和盘点需要写明原因")
    money.check_fen(value_fen, "金额", max_fen=limits.VALUE_FEN, min_fen=0)  # a value is never negative
    with db.write() as s:
        most = min(int(settings.get_in(s, "limits.stock_quantity")), limits.STOCK_QUANTITY)
        if kind == "stocktake":
            money.check_count(quantity, "盘点数量", maximum=limits.STOCK_LEVEL, minimum=0)
        else:  # an adjustment may take stock out: bounded either way
            money.check_count(abs(quantity), "数量", maximum=most)
        store = store_by_code(s, store_code, actor)
        goods = goods_by_code(s, store, goods_code)
        delta = -quantity if kind == "loss" else quantity
        if kind == "stocktake":
            delta = quantity - stock_of(s, goods.id)
            money.check_count(abs(delta), "盘点差额", maximum=limits.STOCK_QUANTITY, minimum=0)
        counter_guard.refuse_stock_out_if_reserved(s, store.id, delta)
        if not change_stock(s, goods.id, delta):
            raise Refused(
                f"库存不足：{goods.name}现有{stock_of(s, goods.id)}{goods.unit}，不能减少{-delta}{goods.unit}"
            )
        move = StockMovement(
            goods_id=goods.id,
            kind=kind,
            quantity=delta,
            value_fen=value_fen,
            donor=donor.strip(),
            reason=reason.strip(),
            operator=actor.username,
            at=utcnow(),
        )
        s.add(move)
        counter_guard.append_event(
            s,
            "stock",
            {
                "goods": goods.code,
                "kind": kind,
                "quantity": delta,
                "value_fen": value_fen,
                "donor": move.donor,
                "reason": move.reason,
                "operator": actor.username,
                "at": move.at.isoformat(),
            },
        )
        audit.record(
            s,
            actor.username,
            f"stock.{kind}",
            entity="goods",
            key=f"{store_code}/{goods.code}",
            after={"quantity": delta, "value_fen": value_fen, "donor": donor.strip()},
        )
        return stock_of(s, goods.id)


def list_stores(db: Database, actor: Actor | None = None) -> list[StoreInfo]:
    """The stores in use; with an actor, only those they may work at (a store operator's own)."""
    with db.read() as s:
        counts = dict(s.execute(select(Goods.store_id, func.count()).group_by(Goods.store_id)).all())
        query = (
            select(Store, Village.name)
            .outerjoin(Village, Store.village_id == Village.id)
            .where(Store.active.is_(True))
            .order_by(Store.code)
        )
        if actor is not None and actor.store_ids is not None:
            query = query.where(Store.id.in_(actor.store_ids))
        rows = s.execute(query)
        return [_info(st, vname, counts.get(st.id, 0)) for st, vname in rows]


def _info(st: Store, vname: str | None, goods: int) -> StoreInfo:
    return StoreInfo(
        st.code,
        st.name,
        vname or "",
        st.receipt_width_mm,
        goods,
        st.commercial,
        st.point_rate_fen,
        st.funding_source,
        st.owner,
    )


def store_info(db: Database, store_code: str, actor: Actor | None = None) -> StoreInfo:
    with db.read() as s:
        st = store_by_code(s, store_code, actor)
        vname = s.scalar(select(Village.name).where(Village.id == st.village_id)) if st.village_id else ""
        goods = s.scalar(select(func.count()).select_from(Goods).where(Goods.store_id == st.id)) or 0
        return _info(st, vname, goods)


@dataclass(frozen=True)
class StockValue:
    value_fen: int  # on the shelves at purchase or donation value
    unvalued: list[str]  # goods on the shelves with no recorded value (bought or given without one)


def stock_value(session: Session, store_id: int, until: datetime | None = None) -> StockValue:
    """What is on a store's shelves (before `until`), valued at what it was recorded as bought or given for
    (`value_fen` of purchases and donations, a weighted average per goods), never at its points price: points
    are no money. A goods whose stock came in with no value is listed as unvalued, not guessed."""
    query = (
        select(StockMovement.goods_id, StockMovement.kind, StockMovement.quantity, StockMovement.value_fen)
        .join(Goods, Goods.id == StockMovement.goods_id)
        .where(Goods.store_id == store_id)
    )
    if until is not None:
        query = query.where(StockMovement.at < until)
    held: dict[int, int] = {}
    valued_in: dict[int, list[int]] = {}  # goods → [quantity in with a value, their value]
    for gid, kind, quantity, value in session.execute(query):
        held[gid] = held.get(gid, 0) + quantity
        if kind in ("purchase", "donation") and value > 0 and quantity > 0:
            slot = valued_in.setdefault(gid, [0, 0])
            slot[0] += quantity
            slot[1] += value
    total, unvalued = 0, []
    names = dict(session.execute(select(Goods.id, Goods.name).where(Goods.store_id == store_id)).all())
    for gid, quantity in sorted(held.items()):
        if quantity <= 0:
            continue
        if gid not in valued_in:
            unvalued.append(names[gid])
            continue
        count, value = valued_in[gid]
        total += (2 * quantity * value + count) // (2 * count)  # quantity × unit value, rounded half up
    return StockValue(total, unvalued)


def list_goods(db: Database, store_code: str, actor: Actor | None = None) -> list[GoodsInfo]:
    with db.read() as s:
        store = store_by_code(s, store_code, actor)
        rows = s.execute(
            select(Goods, StockLevel.quantity)
            .join(StockLevel, StockLevel.goods_id == Goods.id)
            .where(Goods.store_id == store.id)
            .order_by(Goods.code)
        )
        return [
            GoodsInfo(g.id, store_code, g.code, g.name, g.unit, g.price_points, g.barcode, q, g.active)
            for g, q in rows
        ]


def stock_mismatches(session: Session) -> list[str]:
    sums = dict(
        session.execute(
            select(StockMovement.goods_id, func.sum(StockMovement.quantity)).group_by(StockMovement.goods_id)
        ).all()
    )
    levels = dict(session.execute(select(StockLevel.goods_id, StockLevel.quantity)).all())
    return [
        f"商品{gid}的库存{levels.get(gid, 0)}与出入库流水合计{sums.get(gid, 0)}不符"
        for gid in set(sums) | set(levels)
        if int(sums.get(gid) or 0) != int(levels.get(gid) or 0)
    ]


PHOTO_LIMIT = 2 * 1024 * 1024


def set_photo(db: Database, actor: Actor, store_code: str, goods_code: str, data: bytes) -> None:
    """A goods photo for the counter, checked by content (PNG or JPEG), at most 2 MB."""
    actor.require("store.manage", "设置商品照片")
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise InputRejected("照片只能是PNG或JPEG图片（文件内容不是图片）")
    if len(data) > PHOTO_LIMIT:
        raise InputRejected(f"照片太大（{len(data) // 1024} KB），请小于2 MB")
    with db.write() as s:
        counter_guard.refuse_at_village(s, "改商品照片")
        goods = goods_by_code(s, store_by_code(s, store_code), goods_code)
        goods.photo = data
        audit.record(
            s,
            actor.username,
            "goods.photo",
            entity="goods",
            key=f"{store_code}/{goods_code}",
            after={"bytes": len(data)},
        )


def clear_photo(db: Database, actor: Actor, store_code: str, goods_code: str) -> bool:
    """The goods photo removed (the counter then shows the name only); False when it had none."""
    actor.require("store.manage", "删除商品照片")
    with db.write() as s:
        counter_guard.refuse_at_village(s, "改商品照片")
        goods = goods_by_code(s, store_by_code(s, store_code), goods_code)
        if goods.photo is None:
            return False
        before = len(goods.photo)
        goods.photo = None
        audit.record(
            s,
            actor.username,
            "goods.photo",
            entity="goods",
            key=f"{store_code}/{goods_code}",
            before={"bytes": before},
            after=None,
        )
    return True


def photo_of(db: Database, store_code: str, goods_code: str) -> bytes | None:
    with db.read() as s:
        return goods_by_code(s, store_by_code(s, store_code), goods_code).photo


def set_active(db: Database, actor: Actor, store_code: str, goods_code: str, active: bool) -> None:
    """上架/下架: inactive goods cannot be redeemed; their history stays."""
    actor.require("store.manage", "上架或下架商品")
    with db.write() as s:
        counter_guard.refuse_at_village(s, "上下架商品")
        goods = goods_by_code(s, store_by_code(s, store_code), goods_code)
        goods.active = active
        audit.record(
            s,
            actor.username,
            "goods.active",
            entity="goods",
            key=f"{store_code}/{goods_code}",
            after={"active": active},
        )


def set_receipt_width(db: Database, actor: Actor, store_code: str, width_mm: int) -> None:
    """The counter's receipt roll: 58 or 80 mm."""
    save_print_settings(db, actor, [(store_code, width_mm)])


def save_print_settings(
    db: Database, actor: Actor, widths: list[tuple[str, int]], office: dict | None = None
) -> None:
    """The settings page's 打印 save: every store's receipt width and the office's print settings, all checked
    first and written in ONE transaction."""
    actor.require("settings", "修改小票宽度")
    for code, width_mm in widths:
        if width_mm not in (58, 80):
            raise InputRejected(f"超市{code}：小票宽度只能是58或80毫米（打印设置都未保存）")
    checked = settings.validate(office) if office else {}
    with db.write() as s:
        for code, width_mm in widths:
            _set_width_in(s, actor, code, width_mm)
        if checked:
            settings.save(s, actor.username, checked)


def _set_width_in(s: Session, actor: Actor, store_code: str, width_mm: int) -> None:
    store = store_by_code(s, store_code)
    if store.receipt_width_mm == width_mm:
        return
    audit.record(
        s,
        actor.username,
        "store.receipt_width",
        entity="store",
        key=store_code,
        before=store.receipt_width_mm,
        after=width_mm,
    )
    store.receipt_width_mm = width_mm
