"""The points ledger (积分流水): append-only entries, a balance that never goes negative, reversals that name
their original. Every change is one conditional UPDATE of the balance plus its ledger line, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from desktop import money
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied, Refused
from desktop.models import Household, PointsAccount, PointsEntry
from desktop.services.ledgers.balances import add_unless_negative
from desktop.services.points import counter_guard
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor

__all__ = ["PointsEntry", "KIND_NAMES"]

KIND_NAMES = {
    "award": "评定积分",
    "bonus": "奖励积分",
    "redeem": "兑换",
    "adjust": "调整",
    "reversal": "冲正",
}


@dataclass(frozen=True)
class EntryInfo:
    id: int
    kind: str
    amount: int
    reason: str
    operator: str
    at: datetime
    source: str
    reverses_id: int | None
    reversed: bool

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)


def household_id(session: Session, actor: Actor, code: str) -> int:
    row = session.execute(select(Household.id, Household.village_id).where(Household.code == code)).first()
    if row is None:
        raise NotFound(f"户编号“{code}”不存在")
    if actor.village_ids is not None and row[1] not in actor.village_ids:
        raise PermissionDenied("无权处理其他村农户的积分")
    return row[0]


def ensure_account(session: Session, hid: int) -> None:
    """Create the balance row if missing, race-free (two counters may meet a new household at once)."""
    dialect = session.get_bind().dialect.name
    statement = _ENSURE_ACCOUNT.get(dialect)
    if statement is None:  # built once per dialect: the counter runs it at every redemption
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        statement = _ENSURE_ACCOUNT[dialect] = (
            dialect_insert(PointsAccount.__table__)
            .values(household_id=bindparam("hid"), balance=0)
            .on_conflict_do_nothing()
        )
    session.execute(statement, {"hid": hid})


_ENSURE_ACCOUNT: dict[str, Any] = {}


def change_balance(session: Session, hid: int, amount: int) -> int | None:
    """Add `amount` (may be negative) to the balance unless that would make it negative. Returns the new
    balance, or None when refused. One conditional UPDATE: atomic on SQLite and PostgreSQL, no read-then-write."""
    ensure_account(session, hid)
    if not add_unless_negative(session, PointsAccount.balance, PointsAccount.household_id == hid, amount):
        return None
    return session.scalar(select(PointsAccount.balance).where(PointsAccount.household_id == hid))


def balance_of(session: Session, hid: int) -> int:
    return session.scalar(select(PointsAccount.balance).where(PointsAccount.household_id == hid)) or 0


def post(
    session: Session,
    actor: Actor,
    hid: int,
    kind: str,
    amount: int,
    reason: str,
    *,
    source: str = "",
    reverses_id: int | None = None,
) -> PointsEntry:
    """Book one entry and move the balance; raises Refused (rolling the caller back) if it would go negative."""
    new_balance = change_balance(session, hid, amount)
    if new_balance is None:
        have = balance_of(session, hid)
        raise Refused(f"积分不足：当前余额{have}分，需要{-amount}分，未做任何改动。")
    entry = PointsEntry(
        household_id=hid,
        kind=kind,
        amount=amount,
        reason=reason,
        operator=actor.username,
        source=source,
        reverses_id=reverses_id,
    )
    session.add(entry)
    session.flush()
    return entry


def award(
    db: Database, actor: Actor, code: str, amount: int, reason: str, *, kind: str = "award", source: str = ""
) -> int:
    """Credit (award/bonus) or correct (adjust, may be negative) a household's points. Returns the balance."""
    if kind not in ("award", "bonus", "adjust"):
        raise InputRejected(f"积分类型“{kind}”无效")
    if not reason.strip():
        raise InputRejected("请写明积分的原因")
    if amount == 0 or (kind != "adjust" and amount < 0):
        raise InputRejected("积分数必须为正数（扣减请用“调整”）" if amount < 0 else "积分数不能为0")
    actor.require("points.adjust" if kind == "adjust" else "points.award", "发放或调整积分")
    with db.write() as s:
        counter_guard.refuse_at_village(s, "发放或调整积分")
        most = int(settings.get_in(s, "limits.points_entry"))
        money.check_count(abs(amount), "积分数", maximum=most, unit="分")
        hid = household_id(s, actor, code)
        entry = post(s, actor, hid, kind, amount, reason.strip(), source=source)
        audit.record(
            s,
            actor.username,
            f"points.{kind}",
            entity="household",
            key=code,
            after={"entry": entry.id, "amount": amount, "reason": reason.strip()},
        )
        return balance_of(s, hid)


def reverse_entry(db: Database, actor: Actor, entry_id: int, reason: str) -> int:
    """冲正: book the opposite of an entry, naming it. Redemptions are reversed with their goods instead."""
    actor.require("points.adjust", "冲正积分")
    if not reason.strip():
        raise InputRejected("请写明冲正原因")
    with db.write() as s:
        counter_guard.refuse_at_village(s, "冲正积分")
        original = s.get(PointsEntry, entry_id)
        if original is None:
            raise NotFound(f"积分流水第{entry_id}条不存在")
        if original.kind == "reversal":
            raise Refused("冲正记录不能再冲正")
        if original.kind == "redeem":
            raise Refused("兑换记录请在兑换单上撤销（同时退回商品库存）")
        if s.scalar(select(PointsEntry.id).where(PointsEntry.reverses_id == entry_id)):
            raise Refused(f"积分流水第{entry_id}条已经冲正过")
        entry = post(
            s,
            actor,
            original.household_id,
            "reversal",
            -original.amount,
            reason.strip(),
            source=original.source,
            reverses_id=original.id,
        )
        code = s.scalar(select(Household.code).where(Household.id == original.household_id))
        audit.record(
            s,
            actor.username,
            "points.reversal",
            entity="household",
            key=code,
            after={"entry": entry.id, "reverses": entry_id, "amount": -original.amount},
        )
        return balance_of(s, original.household_id)


def balance(db: Database, actor: Actor, code: str) -> int:
    with db.read() as s:
        return balance_of(s, household_id(s, actor, code))


def history(db: Database, actor: Actor, code: str) -> list[EntryInfo]:
    with db.read() as s:
        hid = household_id(s, actor, code)
        reversed_ids = set(
            s.scalars(
                select(PointsEntry.reverses_id).where(
                    PointsEntry.household_id == hid, PointsEntry.reverses_id.is_not(None)
                )
            )
        )
        rows = s.scalars(select(PointsEntry).where(PointsEntry.household_id == hid).order_by(PointsEntry.id))
        return [
            EntryInfo(
                e.id,
                e.kind,
                e.amount,
                e.reason,
                e.operator,
                e.at,
                e.source,
                e.reverses_id,
                e.id in reversed_ids,
            )
            for e in rows
        ]


def ledger_mismatches(session: Session) -> list[str]:
    """Households whose balance differs from the sum of their ledger (for `check`)."""
    sums = dict(
        session.execute(
            select(PointsEntry.household_id, func.sum(PointsEntry.amount)).group_by(PointsEntry.household_id)
        ).all()
    )
    balances = dict(session.execute(select(PointsAccount.household_id, PointsAccount.balance)).all())
    problems = []
    for hid in set(sums) | set(balances):
        if int(sums.get(hid) or 0) != int(balances.get(hid) or 0):
            code = session.scalar(select(Household.code).where(Household.id == hid))
            problems.append(f"户{code}的积分余额{balances.get(hid, 0)}与流水合计{sums.get(hid, 0)}不符")
    return problems
