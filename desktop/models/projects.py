"""项目库 and its money: projects through 储备 → 入库 → 实施 → 竣工验收 → 决算, their funds by source, the villages
and households they benefit, their 绩效目标, contracts and the disbursements (拨付) paid against them, and the
notices (公示/公告) posted for them.

Seed 000 回头看 四(三): “项目库的入库程序、项目库数量、项目实施计划…资金与项目相吻合…按照合同根据建设进度进行拨付…在政府
网站、乡、村公示栏公示公告”. Seed 004: “所有扶贫项目资金安排和项目建设等情况…在项目实施地公告公示，并落实项目监督人员”.

A project's state changes only forward through desktop.services.projects; every change is a ProjectStep row that
is never changed or deleted. Disbursements are append-only: a mistaken one is undone by a reversal row (negative
amount, `reverses_id` naming the row it undoes; the database refuses a second reversal of the same row)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models import archives, geography, households  # noqa: F401  (the tables its foreign keys name)
from desktop.models.base import Base, UTCDateTime, utcnow

KINDS = ("产业", "基础设施", "就业", "教育", "健康", "住房", "饮水", "其他")
# 资金来源: the four levels of 财政衔接资金, then the other sources the issue names.
FUND_SOURCES = (
    "中央财政衔接资金",
    "省级财政衔接资金",
    "市级财政衔接资金",
    "县级财政衔接资金",
    "行业部门资金",
    "社会帮扶资金",
    "自筹资金",
)
RESERVE, LISTED, UNDERWAY, ACCEPTED, SETTLED, VOID = "储备", "入库", "实施", "竣工验收", "决算", "已作废"
STATES = (RESERVE, LISTED, UNDERWAY, ACCEPTED, SETTLED)
BENEFIT_MODES = ("务工", "入股分红", "产业奖补", "资产收益", "技能培训", "其他")
NOTICE_KINDS = {
    "listing": "项目入库公示",
    "plan": "年度项目计划公告",
    "completion": "项目竣工公告",
    "funds": "资金使用情况公告",
}
BOARDS = {"village": "村公示栏", "township": "乡镇公示栏"}


class Project(Base):
    """One project of the 项目库. `village_id` is the 建设地点's village (empty for a township-wide project);
    `rolling_from` names the 三年滚动 plan it belongs to by its first year (2024 → 2024—2026年)."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)  # 实施年度
    rolling_from: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(8))
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"), index=True)
    content: Mapped[str] = mapped_column(Text, default="")  # 建设内容
    scale: Mapped[str] = mapped_column(String(200), default="")  # 建设规模, as the approval words it
    implementer: Mapped[str] = mapped_column(String(120), default="")  # 实施单位
    supervisor: Mapped[str] = mapped_column(String(64), default="")  # 项目监督人
    supervisor_phone: Mapped[str] = mapped_column(String(32), default="")
    benefit_note: Mapped[str] = mapped_column(Text, default="")  # 受益对象 and 带贫机制, in words
    state: Mapped[str] = mapped_column(String(8), default=RESERVE, index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProjectFunding(Base):
    """The money a project is given from one source (资金规模 by source), in fen."""

    __tablename__ = "project_funding"
    __table_args__ = (UniqueConstraint("project_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(Integer)


class ProjectVillage(Base):
    """A village the project benefits (受益村)."""

    __tablename__ = "project_village"
    __table_args__ = (UniqueConstraint("project_id", "village_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)


class ProjectBeneficiary(Base):
    """A household the project benefits, chosen from the registry, and how (带贫方式)."""

    __tablename__ = "project_beneficiary"
    __table_args__ = (UniqueConstraint("project_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    mode: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(200), default="")


class ProjectIndicator(Base):
    """A 绩效目标 indicator: its name, target value and unit as the approval states them, and the value found at
    验收 (empty until then)."""

    __tablename__ = "project_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(16), default="")
    actual: Mapped[str] = mapped_column(String(64), default="")


class ProjectStep(Base):
    """The history of a project, append-only: each state change with its day, the meeting record or approval it
    rests on (文号 or 会议记录) and, optionally, the scanned paper (an attachment row of its own)."""

    __tablename__ = "project_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    state_from: Mapped[str] = mapped_column(String(8), default="")
    state_to: Mapped[str] = mapped_column(String(8))
    on_date: Mapped[date] = mapped_column(Date)
    record: Mapped[str] = mapped_column(Text, default="")
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"), unique=True)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProjectContract(Base):
    """A contract signed for a project: the party, the amount in fen and the day signed."""

    __tablename__ = "project_contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    number: Mapped[str] = mapped_column(String(64))
    party: Mapped[str] = mapped_column(String(120))
    amount_fen: Mapped[int] = mapped_column(Integer)
    signed_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Disbursement(Base):
    """One 拨付 against a contract, append-only: the day, the amount in fen, the fund source it is paid from, the
    verified progress (%) it rests on and its evidence (an attachment, or the voucher's words). A reversal is a row
    of the negative amount whose `reverses_id` names the row it undoes."""

    __tablename__ = "disbursement"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("project_contract.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date, index=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    progress_percent: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(String(200), default="")  # 凭证号 or what the voucher says
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"), unique=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("disbursement.id"), unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProjectNotice(Base):
    """A notice as posted: which (NOTICE_KINDS), for which project (empty for a year's plan or funds notice),
    on which board, from which day for how many days."""

    __tablename__ = "project_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer, index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    board: Mapped[str] = mapped_column(String(12))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    posted_on: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
