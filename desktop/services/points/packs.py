"""The village counter offline (离线兑换台): pack a store out, redeem at the village, hand back, merge.

Seed 000 扶志扶智 四(七) asks that points be redeemed at a village's own shop, 本着节约、就近、便民、高效的原则 — and many
village shops have no reliable link to the township's database. So the township packs a store out:

- **Pack** (township): one file with the store, its goods and stock, the households it serves with their balances,
  its operators, valid until a date, signed with the township's Ed25519 key. While the pack is open, the store's
  points and stock are reserved at the township: redemptions there (at that store, or by one of its households
  anywhere) and stock taken out of its goods are refused, naming the pack; awards still add.
- **Open** (village): the same app on a SQLite of its own made from the pack (the normal schema, so the counter
  screen, its checks and receipts are the ones the township uses). Each redemption, reversal and stock movement
  there is appended to a local hash chain (`CounterEvent`) in the same transaction.
- **Hand back** (village): the chain so far, signed with the pack's own key (HMAC-SHA256 over the whole file), so
  the township can tell it comes from that pack and was not edited, cut or added to. Each hand-back holds
  everything since packing; it can be made many times.
- **Merge** (township): books what is new, exactly once (the pack remembers how many events it has booked and the
  hash of the last; an older or the same hand-back changes nothing and says so), through the normal ledgers and
  the audit log. A redemption the township cannot book as it stands — the household's points went down at the
  township meanwhile (an award reversed), the pack had expired, the household is gone — is held in a list
  (`CounterConflict`) for a supervisor, never booked below zero without a recorded decision.

What the signatures protect against: a pack edited on its way to the village (the village checks the township's
signature and remembers the township's key the first time — trust on first use, the fingerprint printed on
screen to compare by phone); a hand-back edited, cut short or added to on its way back (the township checks the
pack's key and the chain). Whoever holds the pack holds its key: a village PC whose database is edited with other
tools before the hand-back is made is outside what a signature can tell (the local chain is checked when the
hand-back is made, which catches an edit of the chain itself).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop import clock, ed25519, limits, money
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, Refused
from desktop.models import (
    CounterConflict,
    CounterMerged,
    CounterPack,
    CounterPackHousehold,
    Goods,
    Household,
    HouseholdSearch,
    OfficeKey,
    PointsAccount,
    PointsEntry,
    Redemption,
    RedemptionLine,
    StockLevel,
    StockMovement,
    Store,
    Township,
    User,
    UserStore,
    Village,
)
from desktop.models.base import utcnow
from desktop.services.points import counter_guard, points, redemption
from desktop.services.points.counter_files import (
    EVENT_KINDS,
    FORMAT_VERSION,
    PACK_FORMAT,
    RETURN_FORMAT,
    fingerprint,
    read_document,
    write_atomically,
)
from desktop.services.points.counter_guard import (
    canonical,
    event_digest,
    pack_label,
)
from desktop.services.points.stores import MOVE_KINDS, change_stock, stock_of, store_by_code
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor

CONFLICT_NAMES = {
    "short": "积分不足",
    "expired": "不在数据包有效期内兑换",
    "missing": "农户已不在库中",
    "closed": "数据包关闭后兑换",
}
DECISION_NAMES = {"": "待处理", "accept": "补记入账", "reject": "不入账", "reversed": "村里已撤销"}


# --- plain helpers -------------------------------------------------------------------------------------


def _cn_day(d: date) -> str:
    return clock.cn_date(d)


def _office_key(s: Session) -> OfficeKey:
    key = s.scalar(select(OfficeKey).order_by(OfficeKey.id).limit(1))
    if key is None:
        private = ed25519.new_private_key()
        key = OfficeKey(public_key=ed25519.public_key(private).hex(), private_key=private.hex())
        s.add(key)
        s.flush()
    return key


# --- the township: packs and reservations -----------------------------------------------------------------


@dataclass(frozen=True)
class PackInfo:
    id: int
    label: str
    uid: str
    store: str
    store_name: str
    packed_at: datetime
    packed_by: str
    valid_until: date
    state: str
    households: int
    merged_count: int
    merged_at: datetime | None
    closed_at: datetime | None
    fingerprint: str
    path: str = ""
    pending: int = 0  # held redemptions waiting for a supervisor

    @property
    def expired(self) -> bool:
        return self.state == "open" and clock.today() > self.valid_until

    @property
    def state_name(self) -> str:
        if self.state == "closed":
            name = "已关闭"
        else:
            name = "已过期，待合并关闭" if self.expired else "在村使用中"
        return name + (f"，{self.pending}单冲突待处理" if self.pending else "")

    def describe(self) -> str:
        packed = clock.local(self.packed_at).date()
        return f"数据包{self.label}（{self.store_name}，{_cn_day(packed)}打包，有效至{_cn_day(self.valid_until)}）"


def _pack_info(s: Session, pack: CounterPack, path: str = "") -> PackInfo:
    store = s.get(Store, pack.store_id)
    households = s.scalar(
        select(func.count()).select_from(CounterPackHousehold).where(CounterPackHousehold.pack_id == pack.id)
    )
    key = s.scalar(select(OfficeKey.public_key).order_by(OfficeKey.id).limit(1)) or ""
    return PackInfo(
        pack.id,
        pack_label(pack.id),
        pack.uid,
        store.code,
        store.name,
        pack.packed_at,
        pack.packed_by,
        pack.valid_until,
        pack.state,
        households or 0,
        pack.merged_count,
        pack.merged_at,
        pack.closed_at,
        fingerprint(key) if key else "",
        path,
        s.scalar(
            select(func.count())
            .select_from(CounterConflict)
            .where(CounterConflict.pack_id == pack.id, CounterConflict.decision == "")
        )
        or 0,
    )


def _served_households(s: Session, store: Store) -> list[int]:
    q = select(Household.id).order_by(Household.code)
    if store.village_id is not None and not settings.get_in(s, "store.other_village"):
        q = q.where(Household.village_id == store.village_id)
    return list(s.scalars(q))


def pack(
    db: Database,
    actor: Actor,
    store_code: str,
    days: int,
    out: str | Path,
    *,
    supervisors: tuple[str, ...] = (),
) -> PackInfo:
    """打包到村: write the pack file and reserve the store's points and stock until it is merged and closed.
    `supervisors`: township users (扶贫办干部/管理员) who go with the pack to reverse a redemption at the village."""
    actor.require("store.manage", "把超市打包到村离线使用")
    out = Path(out)
    if not out.parent.is_dir():
        raise InputRejected(f"保存数据包的文件夹不存在：{out.parent}")
    with db.write() as s:
        most = int(settings.get_in(s, "counter.max_days"))
        money.check_count(days, "有效天数", maximum=most, minimum=1, unit="天")
        store = store_by_code(s, store_code, actor)
        if not store.active:
            raise Refused(f"{store.name}已停用")
        already = counter_guard.open_pack_touching(s, store.id, None)
        if already is not None:
            raise Refused(
                f"{store.name}已有未关闭的{counter_guard.describe_pack(s, already)}：请先合并村里的回传并关闭它。"
            )
        hids = _served_households(s, store)
        taken = set(
            s.scalars(
                select(CounterPackHousehold.household_id)
                .join(CounterPack, CounterPack.id == CounterPackHousehold.pack_id)
                .where(CounterPack.state == "open")
            )
        )
        hids = [h for h in hids if h not in taken]  # a household's points go out in one pack at a time
        operators = list(
            s.scalars(
                select(User)
                .join(UserStore, UserStore.user_id == User.id)
                .where(UserStore.store_id == store.id, User.active.is_(True))
                .order_by(User.username)
            )
        )
        for name in supervisors:
            user = s.scalar(select(User).where(User.username == name))
            if user is None:
                raise NotFound(f"用户“{name}”不存在")
            if user.role not in ("admin", "clerk") or not user.active:
                raise InputRejected(f"随包的复核人须是在用的扶贫办干部或管理员：“{name}”不是")
            operators.append(user)
        if not operators:
            raise Refused(
                f"{store.name}还没有超市操作员，村里无法登录兑换台：请先在“系统 → 用户”里给它指定操作员。"
            )
        key = _office_key(s)
        today = clock.today()
        valid_until = today + timedelta(days=days)
        row = CounterPack(
            uid=uuid.uuid4().hex,
            store_id=store.id,
            packed_by=actor.username,
            valid_until=valid_until,
            secret=secrets.token_hex(32),
        )
        s.add(row)
        s.flush()
        payload = _payload(s, row, store, hids, operators)
        balances = {h["id"]: h["balance"] for h in payload["households"]}
        s.add_all(
            CounterPackHousehold(pack_id=row.id, household_id=hid, balance_points=balances[hid])
            for hid in hids
        )
        for h in payload["households"]:
            del h["id"]
        doc = {
            "format": PACK_FORMAT,
            "version": FORMAT_VERSION,
            "payload": payload,
            "public_key": key.public_key,
            "signature": ed25519.sign(bytes.fromhex(key.private_key), canonical(payload)).hex(),
        }
        audit.record(
            s,
            actor.username,
            "counter.pack",
            entity="store",
            key=store.code,
            after={
                "pack": pack_label(row.id),
                "uid": row.uid,
                "valid_until": valid_until.isoformat(),
                "households": len(hids),
                "goods": len(payload["goods"]),
                "users": [u.username for u in operators],
            },
        )
        info = _pack_info(s, row, str(out))
        try:
            write_atomically(out, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))
        except OSError as exc:
            raise Refused(f"数据包文件写不进去：{out}（{exc.strerror or exc}）。数据包未建立。") from exc
        return info


def _payload(s: Session, row: CounterPack, store: Store, hids: list[int], operators: list[User]) -> dict:
    township = s.scalar(select(Township).order_by(Township.id).limit(1))
    villages = dict(s.execute(select(Village.id, Village.name)).all())
    search = dict(s.execute(select(HouseholdSearch.household_id, HouseholdSearch.text)).all())
    balances = dict(s.execute(select(PointsAccount.household_id, PointsAccount.balance)).all())
    wanted = set(hids)
    households = [
        {
            "id": h.id,
            "code": h.code,
            "village": villages[h.village_id],
            "group": h.group_name,
            "head_name": h.head_name,
            "size": h.size,
            "search": search.get(h.id, ""),
            "balance": balances.get(h.id, 0),
        }
        for h in s.scalars(select(Household).order_by(Household.code))
        if h.id in wanted
    ]
    stock = dict(s.execute(select(StockLevel.goods_id, StockLevel.quantity)).all())
    goods = [
        {
            "code": g.code,
            "name": g.name,
            "unit": g.unit,
            "price_points": g.price_points,
            "barcode": g.barcode,
            "stock": stock.get(g.id, 0),
        }
        for g in s.scalars(
            select(Goods).where(Goods.store_id == store.id, Goods.active.is_(True)).order_by(Goods.code)
        )
    ]
    return {
        "uid": row.uid,
        "pack_id": row.id,
        "packed_at": row.packed_at.isoformat(),
        "valid_until": row.valid_until.isoformat(),
        "secret": row.secret,
        "township": {
            "name": township.name if township else "",
            "county": township.county if township else "",
            "city": township.city if township else "",
            "province": township.province if township else "",
        },
        "store": {
            "code": store.code,
            "name": store.name,
            "village": villages.get(store.village_id) if store.village_id else None,
            "receipt_width_mm": store.receipt_width_mm,
        },
        "other_village": bool(settings.get_in(s, "store.other_village")),
        "goods": goods,
        "households": households,
        "users": [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role,
                "password_hash": u.password_hash,
            }
            for u in operators
        ],
    }


def list_packs(db: Database, actor: Actor, *, store_code: str | None = None) -> list[PackInfo]:
    with db.read() as s:
        q = select(CounterPack).order_by(CounterPack.id.desc())
        if store_code:
            q = q.where(CounterPack.store_id == store_by_code(s, store_code, actor).id)
        elif actor.store_ids is not None:
            q = q.where(CounterPack.store_id.in_(actor.store_ids))
        return [_pack_info(s, p) for p in s.scalars(q)]


def _pack_by_label(s: Session, ref: str) -> CounterPack:
    text = ref.strip().upper().removeprefix("C")
    pack = s.get(CounterPack, int(text)) if text.isdigit() else None
    if pack is None:
        pack = s.scalar(select(CounterPack).where(CounterPack.uid == ref.strip().lower()))
    if pack is None:
        raise NotFound(f"数据包“{ref}”不存在")
    return pack


def close_pack(db: Database, actor: Actor, ref: str, reason: str) -> PackInfo:
    """关闭 without a final hand-back (the pack was lost, or its PC broke): the reservation is released.
    Whatever the village did after its last merged hand-back is then not booked: the reason says why."""
    actor.require("redemption.reverse", "关闭离线数据包")
    reason = reason.strip()
    if not reason:
        raise InputRejected("关闭数据包需要写明原因（例如：回传已全部合并、电脑损坏）")
    with db.write() as s:
        pack = _pack_by_label(s, ref)
        if pack.state == "closed":
            raise Refused(f"数据包{pack_label(pack.id)}已关闭")
        _close(s, actor, pack, reason)
        return _pack_info(s, pack)


def _close(s: Session, actor: Actor, pack: CounterPack, reason: str) -> None:
    pack.state, pack.closed_at, pack.closed_by, pack.close_reason = "closed", utcnow(), actor.username, reason
    audit.record(
        s,
        actor.username,
        "counter.close",
        entity="counter_pack",
        key=pack_label(pack.id),
        after={"reason": reason, "merged": pack.merged_count},
    )


# --- the township: merging a hand-back ---------------------------------------------------------------------


@dataclass(frozen=True)
class MergeResult:
    pack: PackInfo
    new_events: int
    redemptions: int
    reversals: int
    stock_moves: int
    conflicts: int
    closed: bool
    skipped: int = 0  # a closed pack's reversals and stock movements: listed, not booked

    def message(self) -> str:
        if self.new_events == 0:
            text = (
                f"{self.pack.describe()}：这个回传文件没有新的记录（已合并到第{self.pack.merged_count}条），"
                "未做任何改动。"
            )
        else:
            text = (
                f"{self.pack.describe()}：合并了{self.new_events}条新记录——兑换{self.redemptions}单、"
                f"撤销{self.reversals}单、出入库{self.stock_moves}笔"
            )
            text += f"；{self.conflicts}单有冲突，待复核处理" if self.conflicts else ""
            text += f"；另有{self.skipped}条撤销或出入库在数据包关闭之后，未入账" if self.skipped else ""
            text += "。"
        if self.closed:
            text += "数据包已关闭，超市恢复在乡镇兑换，村里的兑换台应停止使用。"
        return text


def _checked_return(
    s: Session, path: str | Path, store_code: str | None
) -> tuple[CounterPack, list[dict], str]:
    doc = read_document(path, "回传文件", RETURN_FORMAT)
    name = Path(path).name
    mac = doc.pop("mac", None)
    # Locked (PostgreSQL) so two clerks merging the same file at once book it once: the second waits, then
    # finds it merged.
    pack = s.scalar(select(CounterPack).where(CounterPack.uid == str(doc.get("pack"))).with_for_update())
    if pack is None:
        raise Refused(f"{name}不属于本乡镇打出的任何离线数据包，拒绝合并。")
    store = s.get(Store, pack.store_id)
    if store_code and store.code != store_code:
        raise Refused(
            f"{name}是{store.name}（{store.code}）的回传，不是所选超市（{store_code}）的，拒绝合并。"
        )
    expected = hmac.new(bytes.fromhex(pack.secret), canonical(doc), hashlib.sha256).hexdigest()
    if not isinstance(mac, str) or not hmac.compare_digest(mac, expected):
        raise Refused(
            f"{name}的签名不符：回传文件在村里生成后被改动、删减或添加过，拒绝合并。请到村里的兑换台重新生成回传文件。"
        )
    if doc.get("store") != store.code:
        raise Refused(f"{name}属于另一个超市（{doc.get('store')}），拒绝合并。")
    events = doc.get("events")
    if not isinstance(events, list) or doc.get("count") != len(events):
        raise Refused(f"{name}的记录条数对不上，拒绝合并。")
    prev = ""
    for i, e in enumerate(events, 1):
        if (
            not isinstance(e, dict)
            or e.get("seq") != i
            or e.get("prev") != prev
            or e.get("kind") not in EVENT_KINDS
            or not isinstance(e.get("body"), dict)
            or e.get("digest") != event_digest(prev, i, e["kind"], e["body"])
        ):
            raise Refused(f"{name}的记录链在第{i}条断了，拒绝合并。")
        prev = e["digest"]
    if doc.get("head") != prev:
        raise Refused(f"{name}的最后一条记录对不上，拒绝合并。")
    receipt = re.compile(rf"{re.escape(store.code)}-\d{{8}}-{pack_label(pack.id)}-\d{{4,}}")
    for e in events:
        problem = _event_problem(e["kind"], e["body"], receipt)
        if problem:
            raise Refused(f"{name}第{e['seq']}条：{problem}，拒绝合并。")
    device = doc.get("device")
    if not isinstance(device, str) or not 1 <= len(device) <= 32:
        raise Refused(f"{name}没有兑换台电脑的标识，拒绝合并。")
    return pack, events, device


def _int_in(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _text_ok(value: Any, most: int, *, required: bool = True) -> bool:
    return isinstance(value, str) and len(value) <= most and (bool(value.strip()) or not required)


def _event_problem(kind: str, body: dict, receipt: re.Pattern) -> str | None:
    """A signed hand-back is still checked field by field: whoever holds a pack holds its key."""
    try:
        at = datetime.fromisoformat(body.get("at", ""))
    except (TypeError, ValueError):
        return "时间无法识别"
    if at.tzinfo is None:
        return "时间没有时区"
    if not _text_ok(body.get("operator"), 64):
        return "操作员不合规"
    if kind == "stock":
        if body.get("kind") not in MOVE_KINDS:
            return "出入库类型不合规"
        ok = (
            _text_ok(body.get("goods"), 32)
            and _int_in(body.get("quantity"), -limits.STOCK_QUANTITY, limits.STOCK_QUANTITY)
            and _int_in(body.get("value_fen", 0), 0, limits.VALUE_FEN)
            and _text_ok(body.get("donor", ""), 64, required=False)
            and _text_ok(body.get("reason", ""), 2000, required=False)
        )
        return None if ok else "出入库记录的商品、数量或金额不合规"
    if not _text_ok(body.get("number"), 40) or not receipt.fullmatch(body["number"]):
        return "兑换单号不是这个数据包的"
    if kind == "reverse":
        return None if _text_ok(body.get("reason"), 2000) else "撤销原因不合规"
    lines = body.get("lines")
    if not _text_ok(body.get("household"), 32) or not isinstance(lines, list) or not lines:
        return "兑换记录的农户或商品不合规"
    for line in lines:
        if not (
            isinstance(line, dict)
            and _text_ok(line.get("goods"), 32)
            and _int_in(line.get("quantity"), 1, limits.STOCK_QUANTITY)
            and _int_in(line.get("price_points"), 1, limits.PRICE_POINTS)
        ):
            return "兑换记录的商品行不合规"
    total = sum(line["quantity"] * line["price_points"] for line in lines)
    if not _int_in(body.get("points"), 0, limits.POINTS_BALANCE) or body["points"] != total:
        return "兑换积分与商品合计不符"
    return None


def merge(
    db: Database, actor: Actor, path: str | Path, *, store_code: str | None = None, close: bool = False
) -> MergeResult:
    """合并回传: book what is new, exactly once; with `close`, release the pack's reservation afterwards."""
    actor.require("store.manage", "合并离线兑换台的回传")
    with db.write() as s:
        pack, events, device = _checked_return(s, path, store_code)
        label, name = pack_label(pack.id), Path(path).name
        if pack.device and pack.device != device:
            raise Refused(
                f"{name}来自另一台电脑：数据包{label}已在别的电脑上打开使用并合并过回传，一个数据包只能在一台电脑上"
                "使用。这份回传没有合并；请核实两台电脑上的兑换，由主管处理。"
            )
        done, n = pack.merged_count, len(events)
        if n:
            booked = s.scalar(
                select(CounterMerged.digest).where(
                    CounterMerged.pack_id == pack.id, CounterMerged.seq == min(n, done)
                )
            )
            if min(n, done) and booked != events[min(n, done) - 1]["digest"]:
                raise Refused(
                    f"{name}与已合并的第{min(n, done)}条记录对不上：村里电脑的数据库可能被恢复成了旧的备份，"
                    "或换过电脑。这份回传没有合并；请主管核实村里的兑换。"
                )
        if n <= done:  # the same hand-back again, or an older one: nothing new
            if close and n == done and pack.state == "open":
                _close(s, actor, pack, "回传已全部合并")
            return MergeResult(_pack_info(s, pack), 0, 0, 0, 0, 0, pack.state == "closed")
        pack.device = device
        store = s.get(Store, pack.store_id)
        counts: Counter[str] = Counter()
        after_close = pack.state == "closed"
        for e in events[done:]:
            counts[_hold(s, pack, e, "closed") if after_close else _apply(s, actor, pack, store, e)] += 1
            s.add(CounterMerged(pack_id=pack.id, seq=e["seq"], digest=e["digest"]))
        pack.merged_count, pack.merged_head, pack.merged_at = n, events[-1]["digest"], utcnow()
        audit.record(
            s,
            actor.username,
            "counter.merge",
            entity="counter_pack",
            key=label,
            after={"from": done + 1, "to": n, "after_close": after_close, **dict(counts)},
        )
        if close and not after_close:
            _close(s, actor, pack, "回传已全部合并")
        return MergeResult(
            _pack_info(s, pack),
            n - done,
            counts["redeem"],
            counts["reverse"],
            counts["stock"],
            counts["conflict"],
            pack.state == "closed",
            counts["skipped"],
        )


def _goods(s: Session, store: Store, code: str) -> Goods:
    g = s.scalar(select(Goods).where(Goods.store_id == store.id, Goods.code == code))
    if g is None:
        raise Refused(
            f"回传里的商品“{code}”在乡镇{store.name}的商品库里没有，拒绝合并（请先在乡镇登记这个商品）。"
        )
    return g


def _hold(s: Session, pack: CounterPack, e: dict, why: str) -> str:
    """A redemption kept for a supervisor instead of booked; anything else from a closed pack is counted."""
    if e["kind"] != "redeem":
        return "skipped"
    body = e["body"]
    hid = s.scalar(select(Household.id).where(Household.code == body["household"]))
    s.add(
        CounterConflict(
            pack_id=pack.id,
            seq=e["seq"],
            kind=why,
            household_code=body["household"],
            number=body["number"],
            points=body["points"],
            balance_points=points.balance_of(s, hid) if hid else 0,
            event=body,
        )
    )
    return "conflict"


def _at(body: dict) -> datetime:
    return datetime.fromisoformat(body["at"])


def _apply(s: Session, actor: Actor, pack: CounterPack, store: Store, e: dict) -> str:
    kind, body = e["kind"], e["body"]
    if kind == "stock":
        g = _goods(s, store, body["goods"])
        if not change_stock(s, g.id, body["quantity"]):
            raise Refused(
                f"回传第{e['seq']}条：{g.name}库存不足以减少{-body['quantity']}{g.unit}，拒绝合并。"
            )
        s.add(
            StockMovement(
                goods_id=g.id,
                kind=body["kind"],
                quantity=body["quantity"],
                value_fen=body.get("value_fen", 0),
                donor=body.get("donor", ""),
                reason=body.get("reason", ""),
                operator=body["operator"],
                at=_at(body),
            )
        )
        return "stock"
    if kind == "reverse":
        held = s.scalar(
            select(CounterConflict).where(
                CounterConflict.pack_id == pack.id, CounterConflict.number == body["number"]
            )
        )
        if held is not None and held.decision == "":
            held.decision, held.decided_at, held.decided_by = "reversed", utcnow(), body["operator"]
            held.decision_reason = f"村里已撤销（回传第{e['seq']}条）：{body['reason']}"
            return "reverse"
        booked = s.scalar(select(Redemption).where(Redemption.number == body["number"]))
        if booked is None or booked.reversed_at is not None:
            return "reverse"  # rejected by a supervisor before, or reversed already: nothing left to undo
        redemption.reverse_in(s, body["operator"], booked, body["reason"], _at(body))
        return "reverse"
    hid = s.scalar(select(Household.id).where(Household.code == body["household"]))
    balance = points.balance_of(s, hid) if hid else 0
    why = None
    if hid is None:
        why = "missing"
    elif _at(body) < pack.packed_at or clock.local(_at(body)).date() > pack.valid_until:
        why = "expired"  # after its date, or before it was packed (a village PC's clock set back)
    elif balance < body["points"]:
        why = "short"
    if why is None:
        _book(s, store, hid, body)
        return "redeem"
    return _hold(s, pack, e, why)


def _book(s: Session, store: Store, hid: int, body: dict) -> None:
    """Book a village redemption as the counter would have at the township, at its own time and number."""
    at = _at(body)
    if s.scalar(select(Redemption.id).where(Redemption.number == body["number"])) is not None:
        raise Refused(f"兑换单{body['number']}已经入账过，拒绝重复合并。")
    if points.change_balance(s, hid, -body["points"]) is None:
        raise Refused(f"兑换单{body['number']}：积分不足，拒绝合并。")
    redemption = Redemption(
        number=body["number"],
        store_id=store.id,
        household_id=hid,
        points=body["points"],
        balance_after=points.balance_of(s, hid),
        operator=body["operator"],
        at=at,
    )
    s.add(redemption)
    s.flush()
    s.add(
        PointsEntry(
            household_id=hid,
            kind="redeem",
            amount=-body["points"],
            reason=f"兑换单{body['number']}",
            operator=body["operator"],
            at=at,
            source=f"redemption:{redemption.id}",
        )
    )
    for line in body["lines"]:
        g = _goods(s, store, line["goods"])
        if not change_stock(s, g.id, -line["quantity"]):
            raise Refused(
                f"兑换单{body['number']}：{g.name}库存不足（乡镇现有{stock_of(s, g.id)}{g.unit}），拒绝合并。"
            )
        s.add(
            RedemptionLine(
                redemption_id=redemption.id,
                goods_id=g.id,
                quantity=line["quantity"],
                price_points=line["price_points"],
            )
        )
        s.add(
            StockMovement(
                goods_id=g.id,
                kind="redeem",
                quantity=-line["quantity"],
                operator=body["operator"],
                redemption_id=redemption.id,
                reason=f"兑换单{body['number']}",
                at=at,
            )
        )
    s.flush()


# --- the supervisor's list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictInfo:
    id: int | None  # None: an expired pack, not a held redemption
    pack: str
    store_name: str
    kind: str
    household: str
    number: str
    points: int
    balance: int
    at: datetime | None
    decision: str
    decided_by: str
    reason: str
    head_name: str = ""

    @property
    def kind_name(self) -> str:
        return CONFLICT_NAMES.get(self.kind, "数据包已过期")

    @property
    def shortfall(self) -> int:
        return max(0, self.points - self.balance)

    def describe(self) -> str:
        if self.id is None:
            return f"{self.pack}（{self.store_name}）已于{self.reason}过期，村里的回传还没有合并关闭"
        text = (
            f"{self.pack} 兑换单{self.number}：{self.household}（{self.head_name or '户主不详'}）"
            f"{clock.cn_date(clock.local(self.at).date()) if self.at else ''}兑换{self.points}分，"
            f"合并时乡镇余额{self.balance}分（{self.kind_name}"
        )
        text += f"，差{self.shortfall}分）" if self.shortfall else "）"
        return text + f" · {DECISION_NAMES.get(self.decision, self.decision)}"


def _conflict_info(s: Session, c: CounterConflict) -> ConflictInfo:
    store = s.get(Store, s.get(CounterPack, c.pack_id).store_id)
    return ConflictInfo(
        c.id,
        pack_label(c.pack_id),
        store.name,
        c.kind,
        c.household_code,
        c.number,
        c.points,
        c.balance_points,
        datetime.fromisoformat(c.event["at"]),
        c.decision,
        c.decided_by,
        c.decision_reason,
        s.scalar(select(Household.head_name).where(Household.code == c.household_code)) or "",
    )


def conflicts(db: Database, actor: Actor, *, pending_only: bool = True) -> list[ConflictInfo]:
    """What waits for a supervisor: held redemptions, and packs past their date still open."""
    with db.read() as s:
        stores = dict(s.execute(select(Store.id, Store.name)).all())
        packs = {p.id: p for p in s.scalars(select(CounterPack))}
        q = select(CounterConflict).order_by(CounterConflict.id)
        if pending_only:
            q = q.where(CounterConflict.decision == "")
        found = [
            _conflict_info(s, c)
            for c in s.scalars(q)
            if actor.store_ids is None or packs[c.pack_id].store_id in actor.store_ids
        ]
        today = clock.today()
        for p in packs.values():
            if p.state == "open" and today > p.valid_until:
                if actor.store_ids is None or p.store_id in actor.store_ids:
                    found.append(
                        ConflictInfo(
                            None,
                            pack_label(p.id),
                            stores[p.store_id],
                            "expired_pack",
                            "",
                            "",
                            0,
                            0,
                            None,
                            "",
                            "",
                            _cn_day(p.valid_until),
                        )
                    )
        return found


def decide(db: Database, actor: Actor, conflict_id: int, accept: bool, reason: str) -> ConflictInfo:
    """A supervisor's decision on a held redemption: 补记入账 (the shortfall, if any, booked as a recorded
    调整 first, so the balance never goes below zero) or 不入账 (nothing booked; the goods are sorted out by a
    stock-take at the village)."""
    actor.require("redemption.reverse", "处理离线兑换冲突")
    reason = reason.strip()
    if not reason:
        raise InputRejected("处理冲突需要写明理由")
    with db.write() as s:
        c = s.get(CounterConflict, conflict_id)
        if c is None:
            raise NotFound(f"冲突第{conflict_id}条不存在")
        if c.decision:
            raise Refused(f"冲突第{conflict_id}条已处理（{DECISION_NAMES.get(c.decision, c.decision)}）")
        pack = s.get(CounterPack, c.pack_id)
        store = s.get(Store, pack.store_id)
        if accept:
            hid = s.scalar(select(Household.id).where(Household.code == c.household_code))
            if hid is None:
                raise Refused(f"农户{c.household_code}已不在库中，只能选择不入账")
            newer = counter_guard.open_pack_touching(s, store.id, hid, besides=pack.id)
            if newer is not None:  # its points and stock are out in that pack now
                raise Refused(
                    f"这家超市或这户现在随{counter_guard.describe_pack(s, newer)}在村里使用："
                    "请在它合并关闭后再补记这条冲突。"
                )
            short = c.points - points.balance_of(s, hid)
            if short > 0:
                money.check_count(short, "补记差额", maximum=limits.POINTS_ENTRY, unit="分")
                points.post(
                    s,
                    actor,
                    hid,
                    "adjust",
                    short,
                    f"离线兑换单{c.number}冲突补记差额：{reason}",
                    source=f"counter_conflict:{c.id}",
                )
            _book(s, store, hid, c.event)
        c.decision, c.decided_at, c.decided_by, c.decision_reason = (
            "accept" if accept else "reject",
            utcnow(),
            actor.username,
            reason,
        )
        audit.record(
            s,
            actor.username,
            "counter.decide",
            entity="counter_conflict",
            key=str(c.id),
            after={"number": c.number, "decision": c.decision, "reason": reason, "points": c.points},
        )
        return _conflict_info(s, c)
