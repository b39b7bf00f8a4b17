"""识别 (identification): a village's round of a year, 初选 → 村公示 → 乡审核 → 县审定, each step dated, and the
households proposed in it (from the roster; a removal before 乡审核 is kept with its reason)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models import geography, households  # noqa: F401  (the tables its foreign keys name)
from desktop.models.base import Base, UTCDateTime, utcnow

# The steps in their only order (desktop.services.plans.identification holds the rules and the seed sentences).
STEPS = ("初选", "村公示", "乡审核", "县审定")


class IdentificationRound(Base):
    """One village's identification of one year. `state` is the last step taken; each step keeps its date, who
    recorded it, and for the two 公示 their length in days (the notice prints these dates)."""

    __tablename__ = "identification_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(8), default="初选")
    proposed_on: Mapped[date] = mapped_column(Date)  # 初选
    proposed_by: Mapped[str] = mapped_column(String(64))
    village_notice_on: Mapped[date | None] = mapped_column(Date)  # 村公示 (first 公示) starts
    village_notice_days: Mapped[int | None] = mapped_column(Integer)
    village_notice_by: Mapped[str] = mapped_column(String(64), default="")
    township_review_on: Mapped[date | None] = mapped_column(Date)  # 乡审核, and the second 公示 starts
    township_notice_days: Mapped[int | None] = mapped_column(Integer)
    township_review_by: Mapped[str] = mapped_column(String(64), default="")
    county_decision_on: Mapped[date | None] = mapped_column(Date)  # 县审定, then the 公告
    county_decision_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdentificationEntry(Base):
    """A household proposed in a round. A removed one keeps its row (who, when, why); proposing it again in the
    same round clears the removal."""

    __tablename__ = "identification_entry"
    __table_args__ = (
        UniqueConstraint("round_id", "household_id", name="uq_identification_entry_round_household"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("identification_round.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    proposed_by: Mapped[str] = mapped_column(String(64))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by: Mapped[str] = mapped_column(String(64), default="")
    removed_reason: Mapped[str] = mapped_column(Text, default="")
