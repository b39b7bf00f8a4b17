"""首页 figures: card colours by village, archive completeness per copy, points and fund money per month.

Gathered in one read for the villages the user may see; plain data for the charts and the monthly report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from desktop import clock
from desktop.db import Database
from desktop.models import FilialFund, FundEntry, Household, Member, PointsEntry
from desktop.services.fund.fund import month_key, previous_month
from desktop.services.households.households import village_labels, village_scope
from desktop.services.plans.plans import COLOUR_NAMES
from desktop.services.system import audit
from desktop.services.system.users import Actor

COLOUR_ORDER = (*COLOUR_NAMES, "none")
COLOUR_LABELS = {**COLOUR_NAMES, "none": "未定卡"}
REDEEMING = ("redeem", "reversal")  # a reversed redemption gives points back: net redeemed


def last_months(today: date, count: int = 12) -> list[str]:
    """The `count` months up to today's, oldest first, as YYYY-MM."""
    months = [month_key(today)]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return months[::-1]


@dataclass(frozen=True)
class Dashboard:
    today: date
    year: int
    households: int
    members: int
    colours: list[tuple[str, dict[str, int]]]  # village → colour key → households
    copies: list[tuple[str, str]]  # (key, name) of the archive copies
    archive: list[tuple[str, int, dict[str, int]]]  # village, households, copy key → households complete
    points: list[tuple[str, int, int]]  # month, awarded, redeemed (net of reversals)
    fund: list[tuple[str, int, int]]  # month, money in, money out (fen)
    points_outstanding: int
    fund_balance: int

    def colour_totals(self) -> dict[str, int]:
        totals = dict.fromkeys(COLOUR_ORDER, 0)
        for _village, counts in self.colours:
            for key, n in counts.items():
                totals[key] += n
        return totals

    def archive_rate(self, copy: str) -> float:
        total = sum(n for _v, n, _c in self.archive)
        return sum(c.get(copy, 0) for _v, _n, c in self.archive) / total if total else 0.0

    def this_month(self, series: list[tuple[str, int, int]]) -> tuple[int, int]:
        """The two figures of `series` (points or fund) for the month of `today`."""
        key = month_key(self.today)
        return next(((a, b) for m, a, b in series if m == key), (0, 0))


def _local_month(at) -> str:
    return month_key(clock.local(at))  # stored in UTC; the office counts months in Beijing time


def gather(db: Database, actor: Actor, *, today: date | None = None) -> Dashboard:
    from desktop.services.archives import archives
    from desktop.services.plans.plans import current_colours

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
            select(FundEntry.amount, FundEntry.at).where(FundEntry.fund_id.in_(funds))
        ):
            balance += amount
            slot = fund.get(_local_month(at))
            if slot is not None:
                slot[0 if amount > 0 else 1] += abs(amount)
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
    )


def office_name(db: Database) -> str:
    """The township the office runs (the first one set up or imported), with its county."""
    from desktop.models import Township

    with db.read() as s:
        t = s.scalar(select(Township).order_by(Township.id))
    return f"{t.county}{t.name}" if t else ""


def monthly_report(db: Database, actor: Actor, out, *, today: date | None = None):
    """The one-page monthly report (key figures and the four charts) as PDF."""
    from desktop.reports.dashboard_charts import render_monthly_report
    from desktop.services.households.printing import Printed

    d = gather(db, actor, today=today)
    pages = render_monthly_report(d, out, township=office_name(db), made=clock.today(), stamp=audit.stamp(db))
    return Printed(str(out), pages, [])
