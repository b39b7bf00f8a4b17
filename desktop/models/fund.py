"""孝善基金: one fund per village with its rules, board, supporters' pledges, and an append-only fund ledger in
fen whose cached balance never goes negative (conditional updates, a CHECK, recomputed by `check`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop import limits
from desktop.models import geography, households  # noqa: F401  (the tables its foreign keys name)
from desktop.models.base import Base, UTCDateTime, bounded, utcnow

FUND_KINDS = ("contribution", "match", "donation", "payout", "reversal")


class FilialFund(Base):
    __tablename__ = "filial_fund"
    __table_args__ = (
        CheckConstraint("balance_fen >= 0", name="balance_fen_not_negative"),
        bounded("balance_fen", 0, limits.FUND_BALANCE_FEN),
        bounded("match_percent", 0, 100),
        bounded("match_cap_fen", 0, limits.MONTHLY_FEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    elder_age: Mapped[int] = mapped_column(Integer, default=60)
    match_percent: Mapped[int] = mapped_column(
        Integer, default=10
    )  # the fund adds this share of a contribution
    match_cap_fen: Mapped[int] = mapped_column(
        BigInteger, default=3000
    )  # … at most this much per elder-month
    payout_day: Mapped[int] = mapped_column(Integer, default=10)
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # equals the sum of the ledger
    # The match above is no rule of the seeds: a fund set up without its own figures takes the office's
    # default (10 %, 30 元) and books no match until someone confirms or changes it (fund.confirm_rules).
    match_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Seed 000 产业(十三): 对于建档立卡贫困户中60岁以上(含60岁)老人 — a fund's elders come from registered
    # households; the village may decide to take in elders of every household (fund.set_rules).
    all_households: Mapped[bool] = mapped_column(Boolean, default=False)


class FundBoardMember(Base):
    """孝善理事会: 会长, 会计, 出纳, 监督 …"""

    __tablename__ = "fund_board_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("filial_fund.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str] = mapped_column(String(32), default="")


class Supporter(Base):
    """赡养人: a child (possibly outside the household) who supports an elder."""

    __tablename__ = "supporter"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("filial_fund.id"), index=True)
    elder_member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    relation: Mapped[str] = mapped_column(String(16), default="子女")
    workplace: Mapped[str] = mapped_column(String(64), default="")


class Pledge(Base):
    """赡养承诺书: the monthly amount a supporter promised, from a month on."""

    __tablename__ = "pledge"
    __table_args__ = (bounded("monthly_fen", 1, limits.MONTHLY_FEN),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supporter_id: Mapped[int] = mapped_column(ForeignKey("supporter.id"), index=True)
    monthly_fen: Mapped[int] = mapped_column(BigInteger)
    start_month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    end_month: Mapped[str | None] = mapped_column(String(7))
    signed_on: Mapped[date] = mapped_column(Date)
    witness: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    scan: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


class FundEntry(Base):
    """One line of the fund ledger, in fen (signed). A contribution and its match share a `batch`."""

    __tablename__ = "fund_entry"
    __table_args__ = (
        bounded("amount_fen", -limits.FUND_ENTRY_FEN, limits.FUND_ENTRY_FEN),
        Index("ix_fund_entry_chain", "fund_id", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("filial_fund.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # signed
    supporter_id: Mapped[int | None] = mapped_column(ForeignKey("supporter.id"), index=True)
    elder_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    months: Mapped[list[str]] = mapped_column(JSON, default=list)  # YYYY-MM covered
    method: Mapped[str] = mapped_column(String(16), default="")  # 现金 / 转账
    receipt_no: Mapped[str] = mapped_column(String(32), default="")
    donor: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    batch: Mapped[str] = mapped_column(String(40), default="", index=True)
    operator: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("fund_entry.id"), unique=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The fund's own chain (desktop.services.ledgers.ledger_chain), like the points ledger's per household.
    seq: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))


SUPPORT_FINDINGS = ("有赡养能力", "部分有赡养能力", "无赡养能力", "无子女")


class SupportFinding(Base):
    """子女赡养能力认定 for one elder, as the 村级责任组 found it on a day. Seed 000 扶志扶智 四(九): 由村级责任组
    牵头组织,对贫困老年人子女是否有赡养能力进行认定. Kept as a history: the latest finding is the one that stands."""

    __tablename__ = "support_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    finding: Mapped[str] = mapped_column(String(16))  # one of SUPPORT_FINDINGS
    note: Mapped[str] = mapped_column(Text, default="")
    found_on: Mapped[date] = mapped_column(Date)
    found_by: Mapped[str] = mapped_column(String(64), default="")  # who in the 村级责任组 made it
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
