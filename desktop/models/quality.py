"""Data-quality audit (疑点核查): runs and the findings a clerk has verified (已核实)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, UTCDateTime, utcnow


class QualityRun(Base):
    """One run of the audit: when, by whom, over what, and how many findings per rule and village."""

    __tablename__ = "quality_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(128), default="")  # village, or "" for all
    findings: Mapped[int] = mapped_column(Integer, default=0)
    quiet: Mapped[int] = mapped_column(Integer, default=0)  # verified findings kept quiet
    by_rule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    by_village: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    milliseconds: Mapped[int] = mapped_column(Integer, default=0)


class QualityVerified(Base):
    """A finding marked 已核实: it stays quiet while the values it read keep the same fingerprint."""

    __tablename__ = "quality_verified"
    __table_args__ = (
        UniqueConstraint("rule", "household_code", "member_code", name="uq_quality_verified_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(64))
    household_code: Mapped[str] = mapped_column(String(32))
    member_code: Mapped[str] = mapped_column(String(40), default="")
    fingerprint: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
