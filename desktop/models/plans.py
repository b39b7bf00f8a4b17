"""一户一策: income thresholds per year, card colours with their history, measures, visits and the
两不愁三保障 checks. Money is integer fen."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop import limits
from desktop.models import cadres, households, monitoring  # noqa: F401  (the tables its foreign keys name)
from desktop.models.base import Base, UTCDateTime, bounded, utcnow

COLOURS = ("red", "yellow", "green", "blue")


class IncomeThreshold(Base):
    """The poverty line and the yellow-card band of a year (per-capita net income, fen)."""

    __tablename__ = "income_threshold"
    __table_args__ = (
        bounded("poverty_line_fen", 0, limits.INCOME_FEN),
        bounded("yellow_low_fen", 0, limits.INCOME_FEN),
        bounded("yellow_high_fen", 0, limits.INCOME_FEN),
    )

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    poverty_line_fen: Mapped[int] = mapped_column(BigInteger)
    yellow_low_fen: Mapped[int] = mapped_column(BigInteger)
    yellow_high_fen: Mapped[int] = mapped_column(BigInteger)


class CardColour(Base):
    """A confirmed card colour. Append-only: the newest row of a household and year is its colour."""

    __tablename__ = "card_colour"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    colour: Mapped[str] = mapped_column(String(8))
    suggested: Mapped[str] = mapped_column(String(8), default="")
    basis: Mapped[str] = mapped_column(Text, default="")  # why the app suggested what it did
    reason: Mapped[str] = mapped_column(Text, default="")  # the clerk's reason, required for an override
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Measure(Base):
    __tablename__ = "plan_measure"
    __table_args__ = (bounded("amount_fen", 0, limits.MEASURE_FEN),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # 产业, 就业/公益岗位, …
    description: Mapped[str] = mapped_column(Text, default="")
    amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    cadre: Mapped[str] = mapped_column(String(64), default="")
    cadre_phone: Mapped[str] = mapped_column(String(32), default="")
    planned_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="planned")  # planned | doing | done | dropped
    # the risk event (防返贫监测) this measure addresses, if any
    risk_event_id: Mapped[int | None] = mapped_column(ForeignKey("risk_event.id"))
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Visit(Base):
    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    visitor: Mapped[str] = mapped_column(String(64))
    # the registry's cadre (帮扶干部) who visited, and their post that day; None for a visitor written as text
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id"), index=True)
    visitor_post: Mapped[str] = mapped_column(String(16), default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # the year's visits per village (帮扶计划, 遍访) read from the index alone, not 227,000 rows (issue 21)
    __table_args__ = (Index("ix_visit_household_visited", "household_id", "visited_on"),)


class NeedsCheck(Base):
    """One condition of 两不愁三保障 for a household and year, as checked on the spot."""

    __tablename__ = "needs_check"
    __table_args__ = (
        UniqueConstraint("household_id", "year", "condition", name="uq_needs_check_household_year_cond"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    condition: Mapped[str] = mapped_column(
        String(16)
    )  # food_clothing | education | medical | housing | water
    met: Mapped[bool] = mapped_column(Boolean)
    evidence: Mapped[str] = mapped_column(Text, default="")
    checked_on: Mapped[date] = mapped_column(Date)
    checked_by: Mapped[str] = mapped_column(String(64), default="")
