"""Households (户), members (家庭成员) and income by year, as the national roster describes them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from desktop import limits
from desktop.models.base import Base, UTCDateTime, bounded, utcnow
from desktop.models.geography import Village


class Household(Base):
    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # 户编号
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    group_name: Mapped[str] = mapped_column(String(64), default="")  # 自然村(组)
    head_name: Mapped[str] = mapped_column(String(64), default="", index=True)
    head_id_number: Mapped[str] = mapped_column(String(18), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)  # members on the roster
    phone: Mapped[str] = mapped_column(String(32), default="")
    poverty_type: Mapped[str] = mapped_column(String(32), default="")
    household_kind: Mapped[str] = mapped_column(String(32), default="")
    main_cause: Mapped[str] = mapped_column(String(32), default="")
    # Every other roster value, keyed by roster field key, so an export gives back what came in.
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    village: Mapped[Village] = relationship()
    members: Mapped[list[Member]] = relationship(
        back_populates="household", order_by="Member.position", cascade="all, delete-orphan"
    )
    incomes: Mapped[list[IncomeYear]] = relationship(
        back_populates="household", order_by="IncomeYear.year", cascade="all, delete-orphan"
    )


class HouseholdSearch(Base):
    """Lower-case haystack of code, names, pinyin and ID numbers for filter-as-you-type.

    A narrow table of its own: scanning it is several times quicker than scanning the wide household rows."""

    __tablename__ = "household_search"

    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")


class RosterDigest(Base):
    """What the roster said of a household when it was last imported: a digest of its raw rows (and of what
    decides their reading: the columns, the year). A re-import skips a household whose rows give the same
    digest, before parsing a field. Any other change to the household, its members or its income removes the
    digest (see _forget_digests), so the next import compares that household in full."""

    __tablename__ = "roster_digest"

    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), primary_key=True)
    digest: Mapped[str] = mapped_column(String(32))


class Member(Base):
    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order on the roster
    code: Mapped[str] = mapped_column(String(40), unique=True)  # 人编号
    name: Mapped[str] = mapped_column(String(64), index=True)
    id_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    relation: Mapped[str] = mapped_column(String(16), default="")
    sex: Mapped[str] = mapped_column(String(4), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    # Set when a member no longer appears on the roster; kept for the archive and the ledgers.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    household: Mapped[Household] = relationship(back_populates="members")


class IncomeYear(Base):
    """Household income of one year, in fen. Components may be unknown (the roster gives only the total)."""

    __tablename__ = "income_year"
    __table_args__ = (
        UniqueConstraint("household_id", "year", name="uq_income_year_household_year"),
        *(
            bounded(column, -limits.INCOME_FEN, limits.INCOME_FEN)
            for column in (
                "wage_fen",
                "production_fen",
                "property_income_fen",
                "transfer_fen",
                "production_cost_fen",
                "net_per_capita_fen",
            )
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    wage_fen: Mapped[int | None] = mapped_column(BigInteger)  # 工资性收入
    production_fen: Mapped[int | None] = mapped_column(BigInteger)  # 生产经营性收入
    property_income_fen: Mapped[int | None] = mapped_column(BigInteger)  # 财产性收入
    transfer_fen: Mapped[int | None] = mapped_column(BigInteger)  # 转移性收入
    production_cost_fen: Mapped[int | None] = mapped_column(BigInteger)  # 生产经营性支出
    net_per_capita_fen: Mapped[int | None] = mapped_column(BigInteger)  # 年人均纯收入
    source: Mapped[str] = mapped_column(String(32), default="roster")
    note: Mapped[str] = mapped_column(Text, default="")

    household: Mapped[Household] = relationship(back_populates="incomes")


# Objects whose change makes a household differ from what its roster rows said.
_DIGESTED = (Household, Member, IncomeYear, HouseholdSearch)


@event.listens_for(Session, "before_flush")
def _forget_digests(session: Session, _context, _instances) -> None:
    """A household, member or income written by anything but the roster import (which keeps its own digests,
    session.info["roster_digests"]) loses its roster digest."""
    if session.info.get("roster_digests"):
        return
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Household):
            hid = obj.id
        elif isinstance(obj, _DIGESTED):
            hid = obj.household_id
            owner = getattr(obj, "household", None) if hid is None else None
            hid = owner.id if owner is not None else hid
        else:
            continue
        if hid is not None:
            ids.add(hid)
    if ids:
        table = RosterDigest.__table__
        session.connection().execute(table.delete().where(table.c.household_id.in_(sorted(ids))))
