"""防返贫监测 (monitoring): risk events, the monthly screening and its proposals, monitoring cases taken through
纳入 and 风险消除 step by step, the 监测范围 line of each year and the income checks of monitored households.
Money is integer fen. desktop.services.monitoring holds the rules and the seed sentences."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop import limits
from desktop.models import households  # noqa: F401  (the tables its foreign keys name)
from desktop.models.base import Base, UTCDateTime, bounded, utcnow

RISK_KINDS = ("因病", "因残", "因灾", "因意外事故", "因学", "就业中断/务工收入骤减", "产业失败", "其他")
RISK_SOURCES = ("农户自主申报", "干部排查", "部门筛查预警")
CASE_TYPES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
# The steps of 纳入 and of 风险消除, in their only order; the first is named per phase (农户申报/干部排查 to come
# in, 入户核实 to go out).
STEPS = ("提出", "村级评议", "村公示", "乡镇审核", "县审定")
PHASES = ("include", "close")
# including → monitored (县审定 of 纳入) → closing → closed; not_included when 评议 or 审核 says no.
CASE_STATES = ("including", "monitored", "closing", "closed", "not_included")
OPEN_STATES = CASE_STATES[:3]  # a case still running: the household has a helper and is not monitored twice


class MonitoringLine(Base):
    """The year's 监测范围: per-capita net income below it puts a household on the screening list (fen)."""

    __tablename__ = "monitoring_line"
    __table_args__ = (bounded("line_fen", 0, limits.INCOME_FEN),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_fen: Mapped[int] = mapped_column(BigInteger)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RiskEvent(Base):
    """Something that may push a household (back) into poverty. Never deleted: a wrong entry is voided with a
    reason and stays on record."""

    __tablename__ = "risk_event"
    __table_args__ = (bounded("loss_fen", 0, limits.INCOME_FEN),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    occurred_on: Mapped[date] = mapped_column(Date)
    loss_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # estimated loss or extra expense
    source: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by: Mapped[str] = mapped_column(String(64), default="")
    void_reason: Mapped[str] = mapped_column(Text, default="")


class ScreeningRun(Base):
    """One screening of a month: what it proposed is in screening_proposal."""

    __tablename__ = "screening_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    run_on: Mapped[date] = mapped_column(Date)
    run_by: Mapped[str] = mapped_column(String(64))
    proposed: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")  # what could not be screened (e.g. no 监测范围)


class ScreeningProposal(Base):
    """A household the screening asks a clerk to look at, for one reason. `basis_key` names the fact behind it
    (an income figure of a year, an event) so a dismissed fact is not proposed again."""

    __tablename__ = "screening_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("screening_run.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    reason: Mapped[str] = mapped_column(String(8))  # income | event | alert
    basis_key: Mapped[str] = mapped_column(String(64))
    basis: Mapped[str] = mapped_column(Text)  # why, in words, for the clerk (internal: may name the event)
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending | accepted | dismissed
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismiss_reason: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_case.id"))


class MonitoringCase(Base):
    """One spell of monitoring of a household, from 纳入 to 风险消除 (or 自然消除). A household may be monitored
    again later: each spell is a case of its own and the old ones stay."""

    __tablename__ = "monitoring_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    case_type: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="including")
    opened_on: Mapped[date] = mapped_column(Date)  # 提出 of 纳入
    included_on: Mapped[date | None] = mapped_column(Date)  # 县审定 of 纳入
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure: Mapped[str] = mapped_column(String(16), default="")  # risk_eliminated | natural | not_included
    close_note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseStep(Base):
    """A dated step of a case's 纳入 or 风险消除. Append-only: a step is never changed or taken back."""

    __tablename__ = "case_step"
    __table_args__ = (
        UniqueConstraint("case_id", "phase", "attempt", "step", name="uq_case_step_case_phase_attempt_step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("monitoring_case.id"), index=True)
    phase: Mapped[str] = mapped_column(String(8))
    # 风险消除 may be tried again after 评议 or 审核 said no: each try is an attempt of its own (纳入 has one)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    step: Mapped[str] = mapped_column(String(8))
    done_on: Mapped[date] = mapped_column(Date)
    notice_days: Mapped[int | None] = mapped_column(Integer)  # a 村公示's length
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IncomeCheck(Base):
    """A check of a household's income, every source counted (seed 003: 监测户收入明细核查、应算尽算), as a year's
    figures (fen); per_capita_fen = (wage + production + property + transfer − cost) ÷ people."""

    __tablename__ = "income_check"
    __table_args__ = tuple(
        bounded(column, -limits.INCOME_FEN, limits.INCOME_FEN)
        for column in (
            "wage_fen",
            "production_fen",
            "property_fen",
            "transfer_fen",
            "cost_fen",
            "per_capita_fen",
        )
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    checked_on: Mapped[date] = mapped_column(Date)
    wage_fen: Mapped[int] = mapped_column(BigInteger)
    production_fen: Mapped[int] = mapped_column(BigInteger)
    property_fen: Mapped[int] = mapped_column(BigInteger)
    transfer_fen: Mapped[int] = mapped_column(BigInteger)
    cost_fen: Mapped[int] = mapped_column(BigInteger)
    people: Mapped[int] = mapped_column(Integer)
    per_capita_fen: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
