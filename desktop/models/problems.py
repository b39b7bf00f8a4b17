"""问题整改台账: problems found by 巡视, 考核, 审计, 督查, 自查 or 信访, each with its responsible person, measures
and deadline, rectified, accepted and closed (销号) on evidence. Seed 000 三.3: “脱贫攻坚各项巡视、监督检查、考核、
摘帽退出、审计发现问题整改情况。重点查看是否有方案、问题台账及整改结果。”

A problem's state changes only forward through desktop.services.problems.problems; every change (and every note)
is a ProblemEvent row that is never changed or deleted. A problem is never deleted: a wrongly entered one is
作废 with its reason kept. Evidence files are ordinary attachments (table `attachment`, checked and stored as the
archives' scans are) linked to the problem by ProblemEvidence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models import archives, geography, households  # noqa: F401  (the tables its foreign keys name)
from desktop.models.base import Base, UTCDateTime, utcnow

SOURCES = ("巡视", "考核", "审计", "督查", "自查", "信访")
LEVELS = {"household": "户", "village": "村", "township": "乡镇"}
OPEN, SUBMITTED, CLOSED, VOID = "整改中", "已整改待验收", "已销号", "已作废"
STATES = (OPEN, SUBMITTED, CLOSED, VOID)


class Problem(Base):
    """One problem of the ledger. `household_id` is set for a household's problem, `village_id` for a household's
    or a village's (a township's problem has neither). `origin_*` name the 疑点核查 finding it was made from;
    `origin_open` holds that finding's key while the problem is still open, so the database itself refuses a
    second open problem for the same finding (NULL, never equal, once closed or void)."""

    __tablename__ = "problem"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(8))
    level: Mapped[str] = mapped_column(String(12))  # household | village | township
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(64))
    measures: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date] = mapped_column(Date, index=True)
    state: Mapped[str] = mapped_column(String(12), default=OPEN, index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by: Mapped[str] = mapped_column(String(64), default="")
    closed_on: Mapped[date | None] = mapped_column(Date)  # 销号日期 (the office's day)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    origin_rule: Mapped[str] = mapped_column(String(64), default="")
    origin_household: Mapped[str] = mapped_column(String(32), default="")
    origin_person: Mapped[str] = mapped_column(String(40), default="")
    origin_open: Mapped[str | None] = mapped_column(String(140), unique=True)


class ProblemEvent(Base):
    """The history of a problem, append-only: 登记, 修改, 提交, 退回, 销号, 作废, 证据, 备注."""

    __tablename__ = "problem_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id"), index=True)
    action: Mapped[str] = mapped_column(String(8))
    state_from: Mapped[str] = mapped_column(String(12), default="")
    state_to: Mapped[str] = mapped_column(String(12), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProblemEvidence(Base):
    """An evidence file (整改佐证材料) of a problem: an attachment row of its own, never shared."""

    __tablename__ = "problem_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id"), index=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"), unique=True)
