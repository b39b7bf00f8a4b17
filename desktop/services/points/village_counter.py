"""The village side of the counter offline (desktop.services.points.packs is the township's): open a pack —
check the township's signature and key, make this PC's counter database from it (the normal schema, so the
counter screen, its checks and receipts are the township's own) — and hand back what was done since, signed
with the pack's key."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select

from desktop import clock, ed25519
from desktop.config import data_dir
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, Refused
from desktop.models import (
    CounterEvent,
    CounterLocal,
    Goods,
    Household,
    HouseholdSearch,
    StockLevel,
    StockMovement,
    Store,
    Township,
    User,
    UserStore,
    Village,
)
from desktop.models.base import utcnow
from desktop.services.points import points
from desktop.services.points.counter_files import (
    FORMAT_VERSION,
    PACK_FORMAT,
    RETURN_FORMAT,
    fingerprint,
    read_document,
    write_atomically,
)
from desktop.services.points.counter_guard import canonical, event_digest, local_pack, pack_label
from desktop.services.system import audit, settings
from desktop.services.system.actor import SYSTEM


def _folder() -> Path:
    """This PC's counter folder in the data folder: the pack databases, the trusted keys, the last pack opened."""
    folder = data_dir() / "counter"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _trust_file() -> Path:
    return _folder() / "trusted.json"


def _check_trust(township: str, public_key: str, trust: bool, trust_file: Path) -> None:
    """Trust on first use: the first pack from a township names its key; a later one with another key is
    refused until someone who compared the fingerprint says --trust."""
    known: dict[str, str] = {}
    if trust_file.exists():
        try:
            known = json.loads(trust_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            known = {}
    if known.get(township) not in (None, public_key) and not trust:
        raise Refused(
            f"这个数据包的签名钥匙（指纹{fingerprint(public_key)}）与本机以前收到的{township}数据包不同"
            f"（指纹{fingerprint(known[township])}）：可能不是乡镇打出的。请打电话与乡镇核对指纹，"
            "核对无误后再选择“信任并打开”。"
        )
    known[township] = public_key
    write_atomically(trust_file, json.dumps(known, ensure_ascii=False, indent=1).encode("utf-8"))


@dataclass(frozen=True)
class LocalInfo:
    """What the village counter shows about its pack."""

    path: str  # the local database
    uid: str
    label: str
    store: str
    store_name: str
    township: str
    packed_at: datetime
    valid_until: date
    fingerprint: str
    events: int
    redemptions: int

    @property
    def expired(self) -> bool:
        return clock.today() > self.valid_until

    def banner(self) -> str:
        state = (
            "已过期，不能再兑换，请交回乡镇" if self.expired else f"有效至{clock.cn_date(self.valid_until)}"
        )
        return (
            f"离线兑换台 · {self.store_name} · 数据包{self.label}（{self.township}，"
            f"{clock.cn_date(clock.local(self.packed_at).date())}打包）· {state} · 已记录{self.events}笔，"
            f"其中兑换{self.redemptions}单 · 乡镇钥匙指纹 {self.fingerprint} · 一个数据包只在这一台电脑上使用"
        )


def verify_pack_file(path: str | Path) -> dict:
    """The pack's payload, once its signature checks out against the key it names."""
    doc = read_document(path, "离线数据包", PACK_FORMAT)
    payload, public_key, signature = doc.get("payload"), doc.get("public_key"), doc.get("signature")
    if not isinstance(payload, dict) or not isinstance(public_key, str) or not isinstance(signature, str):
        raise InputRejected(f"{Path(path).name}不是完整的离线数据包。")
    try:
        genuine = ed25519.verify(bytes.fromhex(public_key), canonical(payload), bytes.fromhex(signature))
    except ValueError:  # not hex
        genuine = False
    if not genuine:
        raise Refused(
            f"{Path(path).name}的签名不符：数据包在乡镇打出后被改动过，或已损坏。请向乡镇重新领取数据包。"
        )
    return {**payload, "public_key": public_key}


def local_database_path(uid: str) -> Path:
    return _folder() / f"{uid}.sqlite3"


def _current_file() -> Path:
    return _folder() / "current.json"


def current_database() -> Path:
    """The pack this PC opened last: `counter return` without --pack hands that one back."""
    try:
        path = Path(json.loads(_current_file().read_text(encoding="utf-8"))["db"])
    except (OSError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise NotFound("这台电脑还没有打开过离线数据包（请先用“counter open 数据包文件”打开）") from exc
    if not path.exists():
        raise NotFound(f"离线兑换台的数据库不见了：{path}")
    return path


def open_pack(
    path: str | Path, *, trust: bool = False, target: str | Path | None = None, trust_file: Path | None = None
) -> LocalInfo:
    """Check a pack and make (or reopen) this PC's counter database from it."""
    payload = verify_pack_file(path)
    uid = str(payload["uid"])
    _check_trust(payload["township"]["name"], payload["public_key"], trust, trust_file or _trust_file())
    dest = Path(target) if target else local_database_path(uid)
    db = Database(dest)
    try:
        if dest.exists() and not db.is_empty():
            db.upgrade()
            with db.read() as s:
                local = local_pack(s)
                if local is None or local.pack_uid != uid:
                    raise Refused(f"{dest}是另一个数据包或乡镇的数据库，不能用它打开这个数据包")
        else:
            part = dest.with_name(dest.name + ".part")
            part.unlink(missing_ok=True)
            db.dispose()
            fresh = Database(part)
            try:
                fresh.upgrade()
                _fill_local(fresh, payload)
            finally:
                fresh.dispose()
            os.replace(part, dest)
            db = Database(dest)
        info = local_info(db)
    finally:
        db.dispose()
    if target is None:
        write_atomically(_current_file(), json.dumps({"db": str(dest), "pack": str(path)}).encode("utf-8"))
    return info


def _fill_local(db: Database, payload: dict) -> None:
    """The village database: only what the pack carries, and opening entries so its ledgers add up."""
    with db.write() as s:
        t = payload["township"]
        township = Township(name=t["name"], county=t["county"], city=t["city"], province=t["province"])
        s.add(township)
        s.flush()
        names = sorted({h["village"] for h in payload["households"]} | {payload["store"]["village"]} - {None})
        villages = {}
        for name in names:
            villages[name] = Village(township_id=township.id, name=name)
            s.add(villages[name])
        s.flush()
        st = payload["store"]
        store = Store(
            code=st["code"],
            name=st["name"],
            village_id=villages[st["village"]].id if st["village"] else None,
            receipt_width_mm=st["receipt_width_mm"],
        )
        s.add(store)
        s.flush()
        settings.save(s, SYSTEM.username, {"store.other_village": bool(payload["other_village"])})
        opening = f"离线数据包{pack_label(payload['pack_id'])}期初"
        for g in payload["goods"]:
            goods = Goods(
                store_id=store.id,
                code=g["code"],
                name=g["name"],
                unit=g["unit"],
                price_points=g["price_points"],
                barcode=g["barcode"],
            )
            s.add(goods)
            s.flush()
            s.add(StockLevel(goods_id=goods.id, quantity=g["stock"]))
            s.add(
                StockMovement(
                    goods_id=goods.id,
                    kind="adjust",
                    quantity=g["stock"],
                    reason=opening,
                    operator=SYSTEM.username,
                )
            )
        for h in payload["households"]:
            row = Household(
                code=h["code"],
                village_id=villages[h["village"]].id,
                group_name=h["group"],
                head_name=h["head_name"],
                size=h["size"],
            )
            s.add(row)
            s.flush()
            s.add(HouseholdSearch(household_id=row.id, text=h["search"]))
            if h["balance"]:
                points.post(s, SYSTEM, row.id, "adjust", h["balance"], opening)
        for u in payload["users"]:
            user = User(
                username=u["username"],
                display_name=u["display_name"],
                role=u["role"],
                password_hash=u["password_hash"],
            )
            s.add(user)
            s.flush()
            if u["role"] == "store_operator":
                s.add(UserStore(user_id=user.id, store_id=store.id))
        s.add(
            CounterLocal(
                pack_uid=payload["uid"],
                pack_id=payload["pack_id"],
                store_code=st["code"],
                township=t["name"],
                packed_at=datetime.fromisoformat(payload["packed_at"]),
                valid_until=date.fromisoformat(payload["valid_until"]),
                secret=payload["secret"],
                public_key=payload["public_key"],
                device=uuid.uuid4().hex,
            )
        )
        audit.record(
            s,
            SYSTEM.username,
            "counter.open",
            entity="counter_pack",
            key=pack_label(payload["pack_id"]),
            after={"uid": payload["uid"], "households": len(payload["households"])},
        )


def local_info(db: Database) -> LocalInfo:
    with db.read() as s:
        local = local_pack(s)
        if local is None:
            raise Refused(f"{db.display_name}不是离线兑换台的数据库")
        store = s.scalar(select(Store).where(Store.code == local.store_code))
        kinds = Counter(
            dict(s.execute(select(CounterEvent.kind, func.count()).group_by(CounterEvent.kind)).all())
        )
        return LocalInfo(
            str(db.path) if db.path else db.display_name,
            local.pack_uid,
            pack_label(local.pack_id),
            local.store_code,
            store.name if store else local.store_code,
            local.township,
            local.packed_at,
            local.valid_until,
            fingerprint(local.public_key),
            sum(kinds.values()),
            kinds.get("redeem", 0),
        )


@dataclass(frozen=True)
class HandBack:
    path: str
    label: str
    events: int
    redemptions: int
    head: str


def hand_back(db: Database, out: str | Path) -> HandBack:
    """回传: everything since packing, chained and signed with the pack's key."""
    out = Path(out)
    with db.read() as s:
        local = local_pack(s)
        if local is None:
            raise Refused(f"{db.display_name}不是离线兑换台的数据库，没有可回传的记录")
        events = []
        prev = ""
        for e in s.scalars(select(CounterEvent).order_by(CounterEvent.seq)):
            if (
                e.seq != len(events) + 1
                or e.prev != prev
                or e.digest != event_digest(prev, e.seq, e.kind, e.body)
            ):
                raise Refused(
                    f"本机兑换记录链在第{e.seq}条对不上：数据库被程序以外的工具改动过。请联系乡镇，不要再兑换。"
                )
            events.append({"seq": e.seq, "kind": e.kind, "body": e.body, "prev": e.prev, "digest": e.digest})
            prev = e.digest
        body = {
            "format": RETURN_FORMAT,
            "version": FORMAT_VERSION,
            "pack": local.pack_uid,
            "pack_label": pack_label(local.pack_id),
            "store": local.store_code,
            "device": local.device,
            "made_at": utcnow().isoformat(),
            "count": len(events),
            "head": prev,
            "events": events,
        }
        mac = hmac.new(bytes.fromhex(local.secret), canonical(body), hashlib.sha256).hexdigest()
        try:
            write_atomically(
                out, json.dumps({**body, "mac": mac}, ensure_ascii=False, indent=1).encode("utf-8")
            )
        except OSError as exc:
            raise Refused(f"回传文件写不进去：{out}（{exc.strerror or exc}）") from exc
        return HandBack(
            str(out),
            pack_label(local.pack_id),
            len(events),
            sum(1 for e in events if e["kind"] == "redeem"),
            prev,
        )
