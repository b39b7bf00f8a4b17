"""帮扶干部: the cadre registry and the pairing (结对) of cadres with households.

A cadre keeps the name, unit and post the office knows them by; leaving the post (active_to) ends their open
pairings too. A pairing is a period: started_on … ended_on, both days included; ending one writes who ended it,
when and why, and the row stays (the history of who helped a household)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models import geography, households  # noqa: F401  (the tables its foreign keys name)
from desktop.models.base import Base, UTCDateTime, utcnow

UNIT_KINDS = ("县直单位", "乡镇", "村", "驻村工作队")


class Cadre(Base):
    __tablename__ = "cadre"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), index=True)
    unit_kind: Mapped[str] = mapped_column(String(8), default="")  # UNIT_KINDS, or "" when not known (import)
    unit: Mapped[str] = mapped_column(
        String(64), default=""
    )  # 县民政局, 城关镇, 赵寨村, 县交通局驻赵寨村工作队
    post: Mapped[str] = mapped_column(String(16))  # 乡镇党委书记, 村党支部书记, 帮扶责任人, …
    phone: Mapped[str] = mapped_column(String(32), default="")
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"), index=True)  # a village's cadre
    active_from: Mapped[date | None] = mapped_column(Date)  # None: since before the registry
    active_to: Mapped[date | None] = mapped_column(Date)  # the last day in post, included; None: in post
    end_reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Pairing(Base):
    """结对: a cadre is a household's helper from started_on to ended_on (both included; None: still paired)."""

    __tablename__ = "cadre_pairing"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    end_reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_by: Mapped[str] = mapped_column(String(64), default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
