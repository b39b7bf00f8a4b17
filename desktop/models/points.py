"""Points (积分) and the poverty-relief supermarket (扶贫超市): append-only ledgers with cached balances.

A balance row is changed only by an atomic conditional UPDATE in the same transaction as its ledger entry, and a
CHECK keeps it from going negative on both SQLite and PostgreSQL; `check` recomputes it from the ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop import limits
from desktop.models import geography, households, users  # noqa: F401  (the tables its foreign keys name)
from desktop.models.base import Base, UTCDateTime, bounded, utcnow

POINT_RATE_FEN = 10_000  # a shop's rate: at most 100 元 for one point
POINT_KINDS = ("award", "bonus", "redeem", "adjust", "reversal")
STOCK_KINDS = ("purchase", "donation", "redeem", "loss", "adjust", "stocktake", "reversal")


class PointsAccount(Base):
    __tablename__ = "points_account"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        bounded("balance", 0, limits.POINTS_BALANCE),
    )

    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), primary_key=True)
    balance: Mapped[int] = mapped_column(BigInteger, default=0)


class PointsEntry(Base):
    """One line of the points ledger. Never edited or deleted: a mistake gets a reversal naming it."""

    __tablename__ = "points_entry"
    __table_args__ = (
        bounded("amount", -limits.POINTS_ENTRY, limits.POINTS_ENTRY),
        Index("ix_points_entry_chain", "household_id", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)  # signed: + award, − redemption
    reason: Mapped[str] = mapped_column(Text, default="")
    operator: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(64), default="")  # e.g. "redemption:12", "round:3"
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("points_entry.id"), unique=True)
    # The household's own chain (desktop.services.ledgers.ledger_chain): its n-th entry, and the hash of the entry
    # before it and this one's content. Set when the entry is written.
    seq: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))


class Store(Base):
    __tablename__ = "store"
    __table_args__ = (bounded("point_rate_fen", 0, POINT_RATE_FEN),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    receipt_width_mm: Mapped[int] = mapped_column(Integer, default=58)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Seed 000 扶志扶智 四(七): a village shop 在面向市场经营的同时,为贫困群众积分兑换物品做好服务 — such a shop is
    # paid for what it hands out: each month the points redeemed × its rate (fen per point), from a named source.
    commercial: Mapped[bool] = mapped_column(Boolean, default=False)
    point_rate_fen: Mapped[int] = mapped_column(Integer, default=0)
    funding_source: Mapped[str] = mapped_column(String(64), default="")
    owner: Mapped[str] = mapped_column(String(64), default="")  # 经营者, who signs the settlement sheet


class Goods(Base):
    __tablename__ = "goods"
    __table_args__ = (
        UniqueConstraint("store_id", "code", name="uq_goods_store_code"),
        CheckConstraint("price_points > 0", name="price_positive"),
        bounded("price_points", 1, limits.PRICE_POINTS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(8), default="个")
    price_points: Mapped[int] = mapped_column(Integer)
    barcode: Mapped[str] = mapped_column(String(32), default="", index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # PNG or JPEG, checked by content


class StockLevel(Base):
    __tablename__ = "stock_level"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        bounded("quantity", 0, limits.STOCK_LEVEL),
    )

    goods_id: Mapped[int] = mapped_column(ForeignKey("goods.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, default=0)


class StockMovement(Base):
    """One line of the stock ledger; like the points ledger, append-only."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        bounded("quantity", -limits.STOCK_QUANTITY, limits.STOCK_QUANTITY),
        bounded("value_fen", -limits.VALUE_FEN, limits.VALUE_FEN),
        Index("ix_stock_movement_chain", "goods_id", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    goods_id: Mapped[int] = mapped_column(ForeignKey("goods.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)  # signed
    value_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # purchase cost or donation value
    donor: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    operator: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("redemption.id"), index=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("stock_movement.id"), unique=True)
    # The goods' own chain, like the points ledger's per household.
    seq: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))


class Redemption(Base):
    """兑换: one basket at a counter. Its receipt number is built from its id, so two counters never clash."""

    __tablename__ = "redemption"
    __table_args__ = (
        bounded("points", 0, limits.POINTS_BALANCE),
        bounded("balance_after", 0, limits.POINTS_BALANCE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    points: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)
    operator: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reversed_by: Mapped[str] = mapped_column(String(64), default="")
    reversal_reason: Mapped[str] = mapped_column(Text, default="")


class RedemptionLine(Base):
    __tablename__ = "redemption_line"
    __table_args__ = (
        bounded("quantity", 1, limits.STOCK_QUANTITY),
        bounded("price_points", 0, limits.PRICE_POINTS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    redemption_id: Mapped[int] = mapped_column(ForeignKey("redemption.id"), index=True)
    goods_id: Mapped[int] = mapped_column(ForeignKey("goods.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    price_points: Mapped[int] = mapped_column(Integer)


class UserStore(Base):
    """The store(s) a store operator works at; an operator with none listed works at none."""

    __tablename__ = "user_store"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), primary_key=True)
