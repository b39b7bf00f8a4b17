"""首页's points and fund per month are summed by the database, per month in Beijing time: they must equal the
entries read one by one and filed by their Beijing month, at the very instants a month turns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from desktop import clock
from desktop.models import FundEntry, PointsEntry
from desktop.services import dashboard

REDEEMING = ("redeem", "reversal")


def _by_hand(db, months: list[str]) -> tuple[dict, dict, int, int]:
    """The figures as 首页 used to count them: every entry in Python, its time turned into its Beijing month."""
    points = {m: [0, 0] for m in months}
    fund = {m: [0, 0] for m in months}
    with db.read() as s:
        entries = s.execute(select(PointsEntry.kind, PointsEntry.amount, PointsEntry.at)).all()
        money = s.execute(select(FundEntry.amount_fen, FundEntry.at)).all()
    for kind, amount, at in entries:
        slot = points.get(str(clock.Month.of(clock.local(at))))
        if slot is not None:
            if kind in REDEEMING:
                slot[1] -= amount
            else:
                slot[0] += amount
    for amount, at in money:
        slot = fund.get(str(clock.Month.of(clock.local(at))))
        if slot is not None:
            slot[0 if amount > 0 else 1] += abs(amount)
    return points, fund, sum(a for _k, a, _t in entries), sum(a for a, _t in money)


def test_the_months_are_summed_as_the_entries_read_one_by_one(plans_demo, admin):
    from desktop.services import demo

    db = plans_demo
    demo.add_demo_stores(db, admin)  # points awarded to many households
    demo.add_demo_redemptions(db, admin)  # and spent, some reversed
    demo.add_demo_fund(db, admin)  # 孝善基金 money in and out
    today = clock.today()
    months = dashboard.last_months(today)
    # Beijing midnight of each month's first day (16:00 UTC the day before), a microsecond either side of it,
    # and the first and last instants the twelve months hold or just miss
    turns = [clock.day_start(clock.Month.parse(m).first_day()).astimezone(UTC) for m in months]
    turns.append(clock.day_start(clock.Month.parse(months[-1]).next().first_day()).astimezone(UTC))
    instants = [t + d for t in turns for d in (timedelta(0), timedelta(microseconds=-1), timedelta(hours=9))]
    instants.append(datetime(2001, 1, 1, tzinfo=UTC))
    with db.write() as s:
        for table in (PointsEntry, FundEntry):
            ids = list(s.scalars(select(table.id).order_by(table.id)))
            assert len(ids) > len(instants)
            for i, entry in enumerate(ids):
                s.execute(update(table).where(table.id == entry).values(at=instants[i % len(instants)]))
    points, fund, outstanding, balance = _by_hand(db, months)
    board = dashboard.gather(db, admin, today=today)
    assert board.points == [(m, *points[m]) for m in months]
    assert board.fund == [(m, *fund[m]) for m in months]
    assert (board.points_outstanding, board.fund_balance) == (outstanding, balance)
    # whole numbers as the app counts them (PostgreSQL sums a bigint as numeric: no Decimal may leak out)
    numbers = [n for _m, *pair in board.points + board.fund for n in pair]
    assert all(type(n) is int for n in [*numbers, board.points_outstanding, board.fund_balance])
    assert any(a or b for _m, a, b in board.points) and any(a or b for _m, a, b in board.fund)
