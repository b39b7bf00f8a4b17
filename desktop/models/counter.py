"""The village counter offline (离线兑换台): a store packed out to a village PC for some days, and what comes back.

At the township: `CounterPack` (the store's points and stock reserved while it is open), the households it
carries, `CounterConflict` (what a merge could not book without a supervisor's decision) and `OfficeKey` (the
township's signing key). At the village, the pack's own database holds one `CounterLocal` row (which pack it
is) and `CounterEvent`, the local chain every redemption, reversal and stock movement is appended to."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models import households, points  # noqa: F401  (the tables its foreign keys name)
from desktop.models.base import Base, UTCDateTime, utcnow

PACK_STATES = ("open", "closed")
CONFLICT_KINDS = ("short", "expired", "missing", "closed")
DECISIONS = ("", "accept", "reject", "reversed")


class OfficeKey(Base):
    """The township's Ed25519 key: packs are signed with it, villages check them against its public half.
    Kept in the office database (which is the office's secret already); made on the first pack."""

    __tablename__ = "office_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))  # hex
    private_key: Mapped[str] = mapped_column(String(64))  # hex, raw 32 bytes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CounterPack(Base):
    __tablename__ = "counter_pack"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    packed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    packed_by: Mapped[str] = mapped_column(String(64))
    valid_until: Mapped[date] = mapped_column(Date)
    # The key hand-backs are signed with (HMAC-SHA256): in the pack, so only a holder of the pack can sign.
    secret: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(8), default="open")
    # The village PC that opened the pack (its counter database's own id), fixed by the first merge: a pack is
    # used on one PC only, and a hand-back from a second PC that opened the same file is refused.
    device: Mapped[str] = mapped_column(String(32), default="")
    merged_count: Mapped[int] = mapped_column(Integer, default=0)  # events booked so far
    merged_head: Mapped[str] = mapped_column(String(64), default="")  # the chain hash of the last one
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str] = mapped_column(String(64), default="")
    close_reason: Mapped[str] = mapped_column(Text, default="")


class CounterMerged(Base):
    """The chain hash of each event a merge booked: an older or repeated hand-back is checked against them (a
    village database put back from an old backup hands back a chain that forks from what was merged)."""

    __tablename__ = "counter_merged"

    pack_id: Mapped[int] = mapped_column(ForeignKey("counter_pack.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    digest: Mapped[str] = mapped_column(String(64))


class CounterPackHousehold(Base):
    """A household the pack carries, with its balance when packed: its points are reserved for the pack."""

    __tablename__ = "counter_pack_household"

    pack_id: Mapped[int] = mapped_column(ForeignKey("counter_pack.id"), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), primary_key=True, index=True)
    balance_points: Mapped[int] = mapped_column(BigInteger)


class CounterConflict(Base):
    """An offline redemption a merge held back: not booked until a supervisor decides (补记 or 不入账)."""

    __tablename__ = "counter_conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("counter_pack.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # the event's place in the village chain
    kind: Mapped[str] = mapped_column(String(8))
    household_code: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(40))  # the village's receipt number
    points: Mapped[int] = mapped_column(BigInteger)
    balance_points: Mapped[int] = mapped_column(BigInteger)  # the township balance when merged
    event: Mapped[dict] = mapped_column(JSON)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[str] = mapped_column(String(8), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decision_reason: Mapped[str] = mapped_column(Text, default="")


class CounterLocal(Base):
    """At the village: the one pack this database was made from."""

    __tablename__ = "counter_local"

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_uid: Mapped[str] = mapped_column(String(32))
    pack_id: Mapped[int] = mapped_column(Integer)  # the township's number, in receipt numbers
    store_code: Mapped[str] = mapped_column(String(16))
    township: Mapped[str] = mapped_column(String(64))
    packed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[date] = mapped_column(Date)
    secret: Mapped[str] = mapped_column(String(64))
    public_key: Mapped[str] = mapped_column(String(64))
    device: Mapped[str] = mapped_column(String(32))  # made when this database was made from the pack
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CounterEvent(Base):
    """At the village: one redemption, reversal or stock movement, chained to the one before by its hash."""

    __tablename__ = "counter_event"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(8))
    body: Mapped[dict] = mapped_column(JSON)
    prev: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))
