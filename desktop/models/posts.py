"""公益岗位 (public-welfare jobs) of a village, who holds them, their monthly 考核 and the 工资发放 runs.

Seed 001 二(二)1: “开发公益岗位安置800人(每个村、社区安排护路、护林、护水、保洁等公益岗位3—5个…)”. Money is
integer fen. desktop.services.posts holds the rules; these rows only keep what was decided:
- a post is never deleted: 撤岗 keeps the day and the reason;
- a holding (post_holder) is one person on one post from one day to another; the history of holders stays. While
  a holding is open, `open_post_id` holds its post's id, so the database itself refuses a second holder of the
  same post at the same time (NULL, never equal, once the holding has ended);
- a wage run (post_wage_run) and its lines are append-only: a mistake is corrected by a reversal run naming the
  run it reverses (`reverses_id`, unique: a run is reversed once). `attempt` counts the pay runs of a village
  and month (1, then 2 after a reversal …): the unique key (village, month, attempt) refuses a second pay run
  for a month that is already paid, even from two PCs at once.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop import limits
from desktop.models import geography, households  # noqa: F401  (the tables its foreign keys name)
from desktop.models.base import Base, UTCDateTime, bounded, utcnow

POST_KINDS = ("护路", "护林", "护水", "保洁", "其他")
RESULTS = ("合格", "不合格")
RUN_KINDS = ("pay", "reversal")


class PublicPost(Base):
    """One 公益岗位 of a village with its monthly pay."""

    __tablename__ = "public_post"
    __table_args__ = (bounded("monthly_pay_fen", 0, limits.MONTHLY_FEN),)

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(40))  # 护路员（一组）
    duty: Mapped[str] = mapped_column(Text, default="")  # 岗位职责
    monthly_pay_fen: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_on: Mapped[date | None] = mapped_column(Date)  # 撤岗
    closed_by: Mapped[str] = mapped_column(String(64), default="")
    close_reason: Mapped[str] = mapped_column(Text, default="")


class PostHolding(Base):
    """A member on a post from `start_on` to `end_on` (inclusive; None while still on it)."""

    __tablename__ = "post_holder"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("public_post.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str] = mapped_column(Text, default="")
    open_post_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_by: Mapped[str] = mapped_column(String(64), default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PostAttendance(Base):
    """The month's 考核 of one holding: days worked, 合格/不合格 and a note. Changed only until the month is paid
    (every change audited with before and after)."""

    __tablename__ = "post_attendance"
    __table_args__ = (UniqueConstraint("holding_id", "month", name="uq_post_attendance_holding_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    holding_id: Mapped[int] = mapped_column(ForeignKey("post_holder.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    days_worked: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(4))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WageRun(Base):
    """One 工资发放 of a village for a month (kind pay), or the reversal of one (kind reversal)."""

    __tablename__ = "post_wage_run"
    __table_args__ = (
        UniqueConstraint("village_id", "month", "attempt", name="uq_post_wage_run_village_month_attempt"),
        bounded("total_fen", -limits.FUND_ENTRY_FEN, limits.FUND_ENTRY_FEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    attempt: Mapped[int | None] = mapped_column(Integer)  # pay runs only; NULL on a reversal
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("post_wage_run.id"), unique=True)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    people: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    made_by: Mapped[str] = mapped_column(String(64))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WageLine(Base):
    """One person's pay in a run, with what it was computed from (a reversal's lines are the negatives)."""

    __tablename__ = "post_wage_line"
    __table_args__ = (
        bounded("pay_fen", -limits.MONTHLY_FEN, limits.MONTHLY_FEN),
        bounded("monthly_pay_fen", 0, limits.MONTHLY_FEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("post_wage_run.id"), index=True)
    holding_id: Mapped[int] = mapped_column(ForeignKey("post_holder.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("public_post.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    monthly_pay_fen: Mapped[int] = mapped_column(BigInteger)
    days_held: Mapped[int] = mapped_column(Integer)
    days_in_month: Mapped[int] = mapped_column(Integer)
    days_worked: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(4))
    pay_fen: Mapped[int] = mapped_column(BigInteger)
    basis: Mapped[str] = mapped_column(Text, default="")  # how the pay was computed, in words
