"""星级评定: a versioned star catalogue, rating rounds per village, results per household, objections."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop import limits
from desktop.models import geography, households  # noqa: F401  (the tables its foreign keys name)
from desktop.models.base import Base, UTCDateTime, bounded, utcnow

ROUND_STATES = ("draft", "published", "confirmed")


class StarCatalog(Base):
    """One version of the star list; a round keeps the version it was rated with."""

    __tablename__ = "star_catalog"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), default="星级评定标准")
    stars: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{"name": "增收致富", "points": 10}, …]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class RatingRound(Base):
    __tablename__ = "rating_round"
    __table_args__ = (UniqueConstraint("village_id", "period", name="uq_rating_round_village_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    period: Mapped[str] = mapped_column(String(32))  # e.g. 2026年11月, 2026年第四季度
    catalog_id: Mapped[int] = mapped_column(ForeignKey("star_catalog.id"))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    cap_points: Mapped[int | None] = mapped_column(
        Integer
    )  # the most points the village may award this round
    notice_start: Mapped[date | None] = mapped_column(Date)
    notice_end: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by: Mapped[str] = mapped_column(String(64), default="")


class RatingResult(Base):
    __tablename__ = "rating_result"
    __table_args__ = (
        UniqueConstraint("round_id", "household_id", name="uq_rating_result_round_household"),
        bounded("points", 0, limits.POINTS_ENTRY),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rating_round.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    stars: Mapped[list[str]] = mapped_column(JSON, default=list)  # star names earned
    points: Mapped[int] = mapped_column(Integer, default=0)


class Objection(Base):
    """异议 raised during the notice period, and how it was settled."""

    __tablename__ = "rating_objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rating_round.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    raised_by: Mapped[str] = mapped_column(String(64), default="")  # who objected (may be a villager)
    text: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[str] = mapped_column(String(64), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
