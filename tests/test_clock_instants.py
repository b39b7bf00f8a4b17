"""The clock-sensitive parts at fixed instants (issue 18): a month's first and last minute, either side of an
ordinary midnight, all in Beijing time on a PC whose own zone is UTC. The office clock (desktop.clock.now) is
frozen; today(), wall() and the database's stamps (desktop.models.base.utcnow) all read it."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from desktop import clock
from desktop.errors import InputRejected
from desktop.models import FundEntry, Goods, Household, PointsAccount, Redemption, Store, Village
from desktop.models.base import utcnow
from desktop.services import demo
from desktop.services.points import redemption, store_reports
from desktop.services.roster.roster_export import export_roster
from desktop.services.roster.roster_import import import_roster
from tests.pdfcheck import page_text

HOUSEHOLDS = 30


def beijing(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=clock.OFFICE_TZ)


INSTANTS = {
    "month start 00:01": beijing(2026, 12, 1, 0, 1),
    "month end 23:59": beijing(2026, 11, 30, 23, 59),
    "ordinary day 23:59": beijing(2026, 11, 17, 23, 59),
    "ordinary day 00:01": beijing(2026, 11, 18, 0, 1),
}


@pytest.fixture
def pc_on_utc():
    """The process's own zone is UTC (a fresh Windows install, a server): nothing may read it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def frozen(monkeypatch, pc_on_utc, request):
    at = INSTANTS[request.param]
    monkeypatch.setattr(clock, "now", lambda: at)
    return at


def test_the_office_clock_derives_everything_from_now(monkeypatch, pc_on_utc):
    at = beijing(2026, 12, 1, 0, 1)  # 16:01 UTC on 30 November
    monkeypatch.setattr(clock, "now", lambda: at)
    assert clock.today() == date(2026, 12, 1) and clock.this_month() == clock.Month(2026, 12)
    assert clock.wall() == datetime(2026, 12, 1, 0, 1)
    assert utcnow() == datetime(2026, 11, 30, 16, 1, tzinfo=UTC) and utcnow().tzinfo is UTC
    assert clock.local_date(utcnow()) == date(2026, 12, 1)


def test_month_arithmetic():
    m = clock.Month.parse("2026-12")
    assert str(m) == "2026-12" and str(clock.Month.parse(" 2027-1 ")) == "2027-01"
    assert m.next() == clock.Month(2027, 1) and m.previous() == clock.Month(2026, 11)
    assert m.shift(-12) == clock.Month(2025, 12) and m.shift(14) == clock.Month(2028, 2)
    assert (m.first_day(), m.last_day()) == (date(2026, 12, 1), date(2026, 12, 31))
    assert clock.Month(2028, 2).last_day() == date(2028, 2, 29) and clock.Month(2026, 2).last_day().day == 28
    assert clock.Month.of(date(2026, 3, 31)) == clock.Month(2026, 3)
    assert sorted([m, clock.Month(2026, 2), clock.Month(2025, 12)])[0] == clock.Month(2025, 12)
    assert [str(x) for x in clock.Month.range(clock.Month(2025, 11), clock.Month(2026, 2))] == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert clock.Month.range(m, m.previous()) == []
    for bad in ("2026-13", "2026", "十二月", "2026-00", ""):
        with pytest.raises(InputRejected, match="应写成年-月"):
            clock.Month.parse(bad)


@pytest.mark.parametrize("frozen", list(INSTANTS), indirect=True)
def test_the_demo_and_its_dates_at_an_instant(db, admin, frozen, tmp_path):
    today, this_month = frozen.date(), clock.Month.of(frozen)
    assert clock.today() == today
    demo.build_demo(db, admin, HOUSEHOLDS, now=frozen)

    # the baskets: the same at every instant, none after now, each on the day its number says
    with db.read() as s:
        baskets = list(s.execute(select(Redemption.number, Redemption.at, Redemption.reversed_at)))
    assert len(baskets) == 5 and sum(r is not None for _n, _a, r in baskets) == 1
    for number, at, _r in baskets:
        assert at <= frozen and number.split("-")[1] == f"{clock.local_date(at):%Y%m%d}", number
    months = {clock.Month.of(clock.local(at)) for _n, at, _r in baskets}
    assert months <= {this_month, this_month.shift(-1), this_month.shift(-2)} and len(months) >= 2

    # the roster goes out and comes back unchanged
    out = tmp_path / "roster.xlsx"
    export_roster(db, admin, out)
    assert import_roster(db, admin, out).unchanged == HOUSEHOLDS

    # a basket served now counts in this month (Beijing), and its number carries today's date
    with db.read() as s:
        code, village_id, store_name = s.execute(
            select(Store.code, Store.village_id, Store.name).order_by(Store.code)
        ).first()
        household = s.scalar(
            select(Household.code)
            .join(PointsAccount, PointsAccount.household_id == Household.id)
            .where(Household.village_id == village_id, PointsAccount.balance >= 10)
            .order_by(Household.code)
        )
        goods = s.scalar(
            select(Goods.code).join(Store).where(Store.code == code).order_by(Goods.price_points).limit(1)
        )
        village = s.scalar(select(Village.name).where(Village.id == village_id))
    receipt = redemption.redeem(db, admin, code, household, {goods: 1})
    assert receipt.number.split("-")[1] == f"{today:%Y%m%d}"
    start, end, label = store_reports.month_range(str(this_month))
    assert start <= receipt.at < end and label == clock.cn_month(today)

    # the fund's payouts are of the months before this one, booked today
    with db.read() as s:
        payouts = list(s.execute(select(FundEntry.months, FundEntry.at).where(FundEntry.kind == "payout")))
    paid = {m for months_, _at in payouts for m in months_}
    assert paid == {str(m) for m in clock.Month.range(clock.Month(today.year, 1), this_month.previous())}
    assert {clock.local_date(at) for _m, at in payouts} == {today}

    # a notice printed now is dated today
    notice = tmp_path / "notice.pdf"
    store_reports.redemption_notice(db, admin, village, str(this_month), notice)
    text = "".join("".join(page_text(notice)).split())
    assert clock.cn_date(today) in text and store_name in text
