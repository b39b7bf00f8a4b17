"""The year's 结转结余 and 结余率 of the project funds, per fund source.

Seed 000 回头看 四(一): “查看…扶贫资金投入落实情况，重点查看专项扶贫资金是否还有结转结余情况”. Seed 004: “2015年扶贫资金
结余率下降到5%以下” — the line is the setting `projects.balance_warn_percent` (default 5, the seed's number).

For a year: allocated = what the year's projects in the 项目库 (入库 and after; a 储备 project has no money
arranged yet, and 已作废 none) are given from the source (ProjectFunding), paid = every disbursement against those projects paid from the source (reversals included,
they are negative rows), balance = allocated − paid, rate = balance / allocated as an exact Fraction. “5%以下”
includes the 5 itself (以下 counts the number it names), so a rate of exactly 5 % is not warned; above it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import exists, func, or_, select

from desktop.db import Database
from desktop.errors import InputRejected
from desktop.models import Disbursement, Project, ProjectFunding, ProjectVillage
from desktop.models.projects import FUND_SOURCES, RESERVE, VOID
from desktop.services.households.households import resolve_village
from desktop.services.system import settings
from desktop.services.system.actor import Actor

TOTAL = "合计"


@dataclass(frozen=True)
class SourceBalance:
    """One fund source's money for the year (fen), or the year's total when `source` is 合计."""

    source: str
    allocated_fen: int
    paid_fen: int
    balance_fen: int
    rate: Fraction | None  # balance / allocated; None where nothing was allocated
    warn: bool  # rate above the line (projects.balance_warn_percent)

    @property
    def rate_text(self) -> str:
        return rate_text(self.rate)

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "allocated_fen": self.allocated_fen,
            "paid_fen": self.paid_fen,
            "balance_fen": self.balance_fen,
            "rate": None if self.rate is None else f"{self.rate.numerator}/{self.rate.denominator}",
            "rate_text": self.rate_text,
            "warn": self.warn,
        }


def rate_text(rate: Fraction | None) -> str:
    """A rate as a percentage with two decimals, rounded half up from the exact fraction: 5.00%."""
    if rate is None:
        return "—"
    hundredths = rate * 10000  # in 0.01 %
    sign = "-" if hundredths < 0 else ""
    n = abs(hundredths)
    whole = int(n + Fraction(1, 2))
    return f"{sign}{whole // 100}.{whole % 100:02d}%"


def warn_line(db: Database) -> Fraction:
    """The 结余率 above which a source is warned (seed 004: 5%以下)."""
    return Fraction(int(settings.get(db, "projects.balance_warn_percent")), 100)


def project_scope(session, actor: Actor, village: str | None = None):
    """The projects an actor may see: built in, or benefiting, one of their villages (a village clerk); every
    project for those who see every village. With `village`: the projects built in or benefiting that one."""
    if village:
        ids = {resolve_village(session, actor, village).id}
    elif actor.village_ids is not None:
        ids = set(actor.village_ids)
    else:
        return Project.id.is_not(None)
    benefits = exists().where(ProjectVillage.project_id == Project.id, ProjectVillage.village_id.in_(ids))
    return or_(Project.village_id.in_(ids), benefits)


def year_balances(
    db: Database, actor: Actor, year: int, *, village: str | None = None, on: date | None = None
) -> list[SourceBalance]:
    """Per fund source (in FUND_SOURCES order, then any other source the records name) and a last 合计 row:
    the year's allocation, what was paid against it (up to `on`, default everything recorded) and the balance.
    Sources with neither allocation nor payment are left out."""
    if not 2000 <= year <= 2100:
        raise InputRejected(f"年度“{year}”不合理")
    line = warn_line(db)
    with db.read() as s:
        return balances_in(s, actor, year, line, village=village, on=on)


def balances_in(
    session, actor: Actor, year: int, line: Fraction, *, village: str | None = None, on: date | None = None
) -> list[SourceBalance]:
    """year_balances in the caller's transaction (a notice that records itself while it reads)."""
    chosen = select(Project.id).where(
        Project.year == year, Project.state.not_in((VOID, RESERVE)), project_scope(session, actor, village)
    )
    allocated = dict(
        session.execute(
            select(ProjectFunding.source, func.sum(ProjectFunding.amount_fen))
            .where(ProjectFunding.project_id.in_(chosen))
            .group_by(ProjectFunding.source)
        ).all()
    )
    paid_q = select(Disbursement.source, func.sum(Disbursement.amount_fen)).where(
        Disbursement.project_id.in_(chosen)
    )
    if on is not None:
        paid_q = paid_q.where(Disbursement.paid_on <= on)
    paid = dict(session.execute(paid_q.group_by(Disbursement.source)).all())
    named = [*FUND_SOURCES, *sorted((set(allocated) | set(paid)) - set(FUND_SOURCES))]
    rows = [
        _balance(src, int(allocated.get(src) or 0), int(paid.get(src) or 0), line)
        for src in named
        if allocated.get(src) or paid.get(src)
    ]
    total = _balance(TOTAL, sum(r.allocated_fen for r in rows), sum(r.paid_fen for r in rows), line)
    return [*rows, total]


def _balance(source: str, allocated: int, paid: int, line: Fraction) -> SourceBalance:
    balance = allocated - paid
    rate = Fraction(balance, allocated) if allocated else None
    return SourceBalance(source, allocated, paid, balance, rate, rate is not None and rate > line)
