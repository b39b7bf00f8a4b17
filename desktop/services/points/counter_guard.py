"""The village counter's guard rails, called from the counter's own code (redemption, stock movements): what an
open pack reserves at the township, the expiry and the local hash chain at the village, and the receipt
numbers a village counter gives. Apart from desktop.services.points.packs so that the store and redemption
services can call it without importing the pack machinery (which imports them)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop import clock
from desktop.errors import Refused
from desktop.models import CounterEvent, CounterLocal, CounterPack, CounterPackHousehold, Redemption, Store


def canonical(value: Any) -> bytes:
    """The bytes a signature covers: sorted keys, no spaces, UTF-8 — the same on every PC."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def event_digest(prev: str, seq: int, kind: str, body: dict) -> str:
    return hashlib.sha256(
        prev.encode("ascii") + canonical({"seq": seq, "kind": kind, "body": body})
    ).hexdigest()


def pack_label(pack_id: int) -> str:
    return f"C{pack_id}"


def open_pack_touching(
    s: Session, store_id: int | None, household_id: int | None, *, besides: int | None = None
) -> CounterPack | None:
    q = select(CounterPack).where(CounterPack.state == "open", CounterPack.id != (besides or 0))
    conditions = []
    if store_id is not None:
        conditions.append(CounterPack.store_id == store_id)
    if household_id is not None:
        conditions.append(
            CounterPack.id.in_(
                select(CounterPackHousehold.pack_id).where(CounterPackHousehold.household_id == household_id)
            )
        )
    if not conditions:
        return None
    return s.scalar(q.where(or_(*conditions)).order_by(CounterPack.id).limit(1))


def describe_pack(s: Session, pack: CounterPack) -> str:
    store = s.get(Store, pack.store_id)
    packed = clock.local(pack.packed_at).date()
    return (
        f"数据包{pack_label(pack.id)}（{store.name}，{clock.cn_date(packed)}打包，"
        f"有效至{clock.cn_date(pack.valid_until)}）"
    )


def refuse_if_reserved(s: Session, store_id: int | None, household_id: int | None) -> None:
    """At the township: a store packed out to its village, or a household one carries, redeems only there."""
    pack = open_pack_touching(s, store_id, household_id)
    if pack is None:
        return
    whose = "这家超市" if pack.store_id == store_id else "这户的积分"
    raise Refused(
        f"{whose}已随{describe_pack(s, pack)}在村里离线使用：兑换请在村里的兑换台办理，"
        f"把村里的回传文件合并并关闭数据包后才能在这里兑换。未做任何改动。"
    )


def refuse_stock_out_if_reserved(s: Session, store_id: int, delta: int) -> None:
    """Stock going out of a packed store's goods waits for the pack (stock coming in is fine: the merge adds
    the village's movements to whatever the township has)."""
    if delta >= 0 or local_pack(s) is not None:
        return
    pack = open_pack_touching(s, store_id, None)
    if pack is not None:
        raise Refused(
            f"这家超市的库存已随{describe_pack(s, pack)}在村里使用：出库、损耗和盘点减少请在村里办理，"
            f"或合并回传并关闭数据包后再做。未做任何改动。"
        )


def local_pack(s: Session) -> CounterLocal | None:
    """The pack this database was made from, at a village; None at the township."""
    return s.scalar(select(CounterLocal).limit(1))


def guard_redeem(s: Session, store: Store, household_id: int) -> CounterLocal | None:
    """Called first in every redemption: at the village, refuse once the pack has expired; at the township,
    refuse what an open pack reserves."""
    local = local_pack(s)
    if local is None:
        refuse_if_reserved(s, store.id, household_id)
        return None
    if clock.today() > local.valid_until:
        raise Refused(
            f"离线数据包已于{clock.cn_date(local.valid_until)}到期，不能再兑换：请生成回传文件交回乡镇，并领取新的数据包。"
            "未做任何改动。"
        )
    latest = s.scalar(select(func.max(Redemption.at)))
    now = clock.now()
    if now < local.packed_at or (latest is not None and now < latest):
        seen = clock.local(max(local.packed_at, latest or local.packed_at))
        raise Refused(
            f"这台电脑的时间（{clock.cn_date(now.date())} {now:%H:%M}）早于数据包里已有的时间"
            f"（{clock.cn_date(seen.date())} {seen:%H:%M}）：请先把电脑的日期和时间调准，再兑换。未做任何改动。"
        )
    return local


def refuse_at_village(s: Session, what: str) -> None:
    """At the village only redemptions, their reversals and stock movements go back to the township: anything
    else written there would be lost at the merge (an award, a new goods, a price), so it is refused."""
    local = local_pack(s)
    if local is not None:
        raise Refused(
            f"离线兑换台只办理兑换、撤销兑换和出入库，不能{what}：请在乡镇办理（数据包{pack_label(local.pack_id)}"
            "合并时只带回这三样）。未做任何改动。"
        )


def receipt_number(store_code: str, at: datetime, redemption_id: int, local: CounterLocal | None) -> str:
    """A village's receipt numbers carry the pack (S01-20261202-C3-0001), so they never meet the township's."""
    day = f"{clock.local(at):%Y%m%d}"
    if local is None:
        return f"{store_code}-{day}-{redemption_id:06d}"
    return f"{store_code}-{day}-{pack_label(local.pack_id)}-{redemption_id:04d}"


def append_event(s: Session, kind: str, body: dict) -> None:
    """At the village, chain one redemption, reversal or stock movement (no-op at the township)."""
    if local_pack(s) is None:
        return
    last = s.execute(
        select(CounterEvent.seq, CounterEvent.digest).order_by(CounterEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, "")
    s.add(CounterEvent(seq=seq, kind=kind, body=body, prev=prev, digest=event_digest(prev, seq, kind, body)))
