"""首页 figures: card colours by village, archive completeness per copy, points and fund money per month.

Gathered in one read for the villages the user may see; plain data for the charts and the monthly report."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import case, func, select

from desktop import clock
from desktop.db import Database
from desktop.models import FilialFund, FundEntry, Household, Member, PointsEntry, Township
from desktop.reports.dashboard_data import Dashboard
from desktop.services.archives import archives
from desktop.services.documents import Printed
from desktop.services.households.households import village_labels, village_scope
from desktop.services.loans import loans
from desktop.services.plans.plans import current_colours
from desktop.services.problems import problems
from desktop.services.system import audit
from desktop.services.system.actor import Actor
from desktop.vocabulary import COLOUR_ORDER

REDEEMING = ("redeem", "reversal")  # a reversed redemption gives points back: net redeemed


def last_months(today: date, count: int = 12) -> list[str]:
    """The `count` months up to today's, oldest first, as YYYY-MM."""
    this = clock.Month.of(today)
    return [str(m) for m in clock.Month.range(this.shift(1 - count), this)]


def _month_index(months: list[str], column):
    """(index into `months` of the month a stored time falls in, first instant, end instant): the office counts
    months in Beijing time, the times are stored in UTC, so the bounds are each month's Beijing midnight."""
    starts = [clock.day_start(clock.Month.parse(m).first_day()) for m in months]
    end = clock.day_start(clock.Month.parse(months[-1]).next().first_day())
    bounds = [*starts[1:], end]
    return case(*[(column < bound, i) for i, bound in enumerate(bounds)]), starts[0], end


def gather(db: Database, actor: Actor, *, today: date | None = None) -> Dashboard:

    today = today or clock.today()
    months = last_months(today)
    with db.read() as s:
        scope = village_scope(s, actor, None)
        labels = village_labels(s)
        rows = [
            (hid, labels[vid])
            for hid, vid in s.execute(select(Household.id, Household.village_id).where(scope))
        ]
        members = s.scalar(select(func.count()).select_from(Member).join(Household).where(scope)) or 0
        colour_of = current_colours(s, today.year)
        by_village: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLOUR_ORDER, 0))
        for hid, village in rows:
            by_village[village][colour_of.get(hid, "none")] += 1
        ids = select(Household.id).where(scope)
        # summed by the database per month (Beijing time) and kind: a county's 125,000 entries, each turned into
        # its local month in Python, were half of 首页's wait
        points: dict[str, list[int]] = {m: [0, 0] for m in months}
        # int(): PostgreSQL sums a bigint column as numeric (a Decimal in Python)
        outstanding = int(
            s.scalar(select(func.sum(PointsEntry.amount)).where(PointsEntry.household_id.in_(ids))) or 0
        )
        month, first, end = _month_index(months, PointsEntry.at)
        for index, kind, total in s.execute(
            select(month, PointsEntry.kind, func.sum(PointsEntry.amount))
            .where(PointsEntry.household_id.in_(ids), PointsEntry.at >= first, PointsEntry.at < end)
            .group_by(month, PointsEntry.kind)
        ):
            slot = points[months[index]]
            if kind in REDEEMING:
                slot[1] -= int(total)
            else:
                slot[0] += int(total)
        fund: dict[str, list[int]] = {m: [0, 0] for m in months}
        funds = select(FilialFund.id).where(village_scope(s, actor, None, FilialFund.village_id))
        balance = int(
            s.scalar(select(func.sum(FundEntry.amount_fen)).where(FundEntry.fund_id.in_(funds))) or 0
        )
        month, first, end = _month_index(months, FundEntry.at)
        amount = FundEntry.amount_fen
        for index, came_in, went_out in s.execute(
            select(
                month,
                func.sum(case((amount > 0, amount), else_=0)),
                func.sum(case((amount < 0, -amount), else_=0)),
            )
            .where(FundEntry.fund_id.in_(funds), FundEntry.at >= first, FundEntry.at < end)
            .group_by(month)
        ):
            fund[months[index]] = [int(came_in), int(went_out)]
        late, most = problems.overdue(s, actor, today)
        loans_due, loans_late = loans.counts(s, actor, today)
    copies, archive = archives.complete_counts(db, actor)
    return Dashboard(
        today=today,
        year=today.year,
        households=len(rows),
        members=members,
        colours=sorted(by_village.items()),
        copies=list(copies),
        archive=[(v, n, c) for v, (n, c) in archive.items()],
        points=[(m, *points[m]) for m in months],
        fund=[(m, *fund[m]) for m in months],
        points_outstanding=outstanding,
        fund_balance=balance,
        problems_overdue=late,
        overdue_problems=[(p.id, p.village or "乡镇", p.text, p.overdue_days) for p in most],
        loans_due=loans_due,
        loans_overdue=loans_late,
    )


def office_name(db: Database) -> str:
    """The township the office runs (the first one set up or imported), with its county."""

    with db.read() as s:
        t = s.scalar(select(Township).order_by(Township.id))
    return f"{t.county}{t.name}" if t else ""


def monthly_report(db: Database, actor: Actor, out, *, today: date | None = None):
    """The one-page monthly report (key figures and the four charts) as PDF."""
    from desktop.reports.dashboard_charts import (  # lazy: matplotlib loads only when drawing charts
        render_monthly_report,  # lazy: matplotlib loads only when drawing charts
    )

    d = gather(db, actor, today=today)
    pages = render_monthly_report(d, out, township=office_name(db), made=clock.today(), stamp=audit.stamp(db))
    return Printed(str(out), pages, [])
