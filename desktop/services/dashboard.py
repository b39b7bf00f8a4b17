"""首页 figures: card colours by village, archive completeness per copy, points and fund money per month.

Gathered in one read for the villages the user may see; plain data for the charts and the monthly report."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

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


def _local_month(at) -> str:
    return str(clock.Month.of(clock.local(at)))  # stored in UTC; the office counts months in Beijing time


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
        points: dict[str, list[int]] = {m: [0, 0] for m in months}
        outstanding = 0
        for kind, amount, at in s.execute(
            select(PointsEntry.kind, PointsEntry.amount, PointsEntry.at).where(
                PointsEntry.household_id.in_(ids)
            )
        ):
            outstanding += amount
            slot = points.get(_local_month(at))
            if slot is not None:
                if kind in REDEEMING:
                    slot[1] -= amount
                else:
                    slot[0] += amount
        fund: dict[str, list[int]] = {m: [0, 0] for m in months}
        balance = 0
        funds = select(FilialFund.id).where(village_scope(s, actor, None, FilialFund.village_id))
        for amount, at in s.execute(
            select(FundEntry.amount_fen, FundEntry.at).where(FundEntry.fund_id.in_(funds))
        ):
            balance += amount
            slot = fund.get(_local_month(at))
            if slot is not None:
                slot[0 if amount > 0 else 1] += abs(amount)
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
