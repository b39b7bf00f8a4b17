"""孝善基金's page reads (status, arrears, supporter_rows, elders, elder_codes, next_dues, the 65周岁以上 ledger)
give exactly what the plain row-by-row reading gives: the references below are that reading (one query per
supporter, every entry's month told in Python), kept here so that a faster service cannot drift from it.

The village is a demo one with its fund, then made awkward: a replaced pledge, a reversed contribution, a
payment across the year's end, a supporter without a pledge, an archived 承诺书 scan, a second village's fund, and
entries booked on the first and last instants of a month (Beijing time) while the PC's clock says otherwise."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from desktop import clock
from desktop.models import FilialFund, FundEntry, Household, Member, Pledge, Supporter, Township, Village
from desktop.services.demo import add_demo_fund, add_demo_households
from desktop.services.fund import fund, fund_reports
from desktop.services.households.households import age_on

DAY = date(2026, 12, 15)  # the office's today for the whole test


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=clock.OFFICE_TZ)


@pytest.fixture
def village(db, admin, monkeypatch):
    now = [_at(2026, 12, 15, 10, 0)]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    add_demo_households(db, admin, 400)
    add_demo_fund(db, admin, villages=2, today=DAY)
    with db.read() as s:
        v, t = s.execute(
            select(Village, Township)
            .join(Township)
            .join(FilialFund, FilialFund.village_id == Village.id)
            .order_by(Village.id)
        ).first()
        name = f"{t.county}{t.name}/{v.name}"
    sups = fund.supporter_rows(db, admin, name)
    assert len(sups) >= 6, "the demo village should have a few supporters"
    a, b, c, d = (r.id for r in sups[:4])
    fund.pledge(
        db, admin, a, 25000, "2026-09"
    )  # replaces the demo pledge from January: the old one ends in August
    fund.pledge(db, admin, b, 12000, "2025-11")  # starts before the old one: they overlap
    fund.archive_pledge_scan(db, admin, c, b"%PDF-1.4 scan")
    last = fund.contribute(db, admin, d, ["2025-12", "2027-01"], 30001)  # across the year's end, odd fen
    fund.reverse(db, admin, last.entry_id, "收据填错")
    fund.contribute(db, admin, d, ["2025-12", "2027-01"], 30001)
    fund.donate(db, admin, name, "乡贤", 5000)
    for at in (
        _at(2026, 11, 30, 23, 59, 59),  # November in Beijing, December 1st nowhere
        _at(2026, 12, 1, 0, 0, 0),  # December in Beijing, still November in UTC
        _at(2026, 12, 31, 23, 59, 59),
        _at(2027, 1, 1, 0, 0, 1),
    ):
        now[0] = at
        fund.donate(db, admin, name, f"边界{at:%m%d%H}", 700)
    now[0] = _at(2026, 12, 1, 0, 0, 0) + timedelta(microseconds=1)
    fund.reverse(db, admin, _donation(db, "边界120100"), "重复登记")  # money out at a month's first instant
    # a supporter registered with no pledge at all
    elder = next(e for e in fund.elders(db, admin, name, on=DAY) if e.age >= 65)
    fund.add_supporter(db, admin, name, fund.elder_codes(db, admin, name)[elder.member_id], "未签承诺人")
    now[0] = _at(2026, 12, 15, 10, 0)
    return name


def _donation(db, donor: str) -> int:
    with db.read() as s:
        return s.scalar(select(FundEntry.id).where(FundEntry.donor == donor))


# --- the references: the plain reading, row by row ----------------------------------------------------------


def _paid_months(s, supporter_id: int) -> set[str]:
    undone = set(s.scalars(select(FundEntry.reverses_id).where(FundEntry.reverses_id.is_not(None))))
    months: set[str] = set()
    for e in s.scalars(
        select(FundEntry).where(FundEntry.supporter_id == supporter_id, FundEntry.kind == "contribution")
    ):
        if e.id not in undone:
            months.update(e.months)
    return months


def _fund(s, name: str) -> FilialFund:
    village = name.split("/")[1]
    return s.scalar(
        select(FilialFund).join(Village, Village.id == FilialFund.village_id).where(Village.name == village)
    )


def ref_arrears(db, name: str, last: str) -> list[fund.Arrear]:
    with db.read() as s:
        f = _fund(s, name)
        out = []
        for sup, elder in s.execute(
            select(Supporter, Member.name)
            .join(Member, Member.id == Supporter.elder_member_id)
            .where(Supporter.fund_id == f.id)
            .order_by(Supporter.id)
        ):
            paid = _paid_months(s, sup.id)
            months, owed = [], 0
            for p in s.scalars(select(Pledge).where(Pledge.supporter_id == sup.id)):
                for m in fund.months_between(p.start_month, min(p.end_month or last, last)):
                    if m not in paid:
                        months.append(m)
                        owed += p.monthly_fen
            if months:
                out.append(fund.Arrear(sup.id, sup.name, elder, sorted(months), owed, sup.elder_member_id))
        return out


def ref_elders(db, name: str, on: date) -> list[fund.Elder]:
    with db.read() as s:
        f = _fund(s, name)
        out = []
        for mid, mname, h, born in s.execute(
            select(Member.id, Member.name, Household, Member.birth_date)
            .join(Household, Household.id == Member.household_id)
            .where(Household.village_id == f.village_id, Member.left_at.is_(None))
            .order_by(Household.code, Member.position)
        ):
            age = age_on(born, on)
            if age is None or age < f.elder_age or not (fund.is_registered(h) or f.all_households):
                continue
            n = s.scalar(
                select(func.count())
                .select_from(Supporter)
                .where(Supporter.elder_member_id == mid, Supporter.fund_id == f.id)
            )
            out.append(fund.Elder(mid, mname, h.code, age, n, fund.is_registered(h)))
        return out


def ref_status(db, name: str, on: date) -> fund.FundStatus:
    month = fund.month_key(on)
    with db.read() as s:
        f = _fund(s, name)
        entries = list(s.scalars(select(FundEntry).where(FundEntry.fund_id == f.id)))
        vname = s.get(Village, f.village_id).name
        count = s.scalar(select(func.count()).select_from(Supporter).where(Supporter.fund_id == f.id))
    this = [e.amount_fen for e in entries if fund.month_key(clock.local(e.at)) == month]
    return fund.FundStatus(
        f.name,
        vname,
        f.balance_fen,
        len(ref_elders(db, name, on)),
        count,
        len(ref_arrears(db, name, fund.due_month(f, on))),
        sum(a for a in this if a > 0),
        -sum(a for a in this if a < 0),
        f.match_confirmed,
    )


def ref_supporter_rows(db, name: str) -> list[fund.SupporterRow]:
    with db.read() as s:
        f = _fund(s, name)
        out = []
        for sup, elder, code in s.execute(
            select(Supporter, Member.name, Member.code)
            .join(Member, Member.id == Supporter.elder_member_id)
            .where(Supporter.fund_id == f.id)
            .order_by(Member.name, Supporter.id)
        ):
            p = s.scalar(select(Pledge).where(Pledge.supporter_id == sup.id, Pledge.active.is_(True)))
            out.append(
                fund.SupporterRow(
                    sup.id,
                    sup.name,
                    sup.relation,
                    sup.phone,
                    elder,
                    code,
                    p.monthly_fen if p else 0,
                    p.start_month if p else "",
                    bool(p is not None and p.scan),
                )
            )
        return out


def ref_next_due(db, supporter_id: int, on: date) -> tuple[list[str], int]:
    this = fund.month_key(on)
    with db.read() as s:
        p = s.scalar(select(Pledge).where(Pledge.supporter_id == supporter_id, Pledge.active.is_(True)))
        if p is None:
            return [this], 0
        paid = _paid_months(s, supporter_id)
        for m in fund.months_between(p.start_month, max(this, p.start_month)):
            if m not in paid:
                return [m], p.monthly_fen
        return [fund.next_month(this) if this in paid else this], p.monthly_fen


def ref_ledger_support(db, name: str, year: int) -> dict[str, tuple[str, int | None]]:
    """人编号 → (子女供养, what was paid for `year`'s months) of each elder of the ledger."""
    with db.read() as s:
        f = _fund(s, name)
        undone = set(s.scalars(select(FundEntry.reverses_id).where(FundEntry.reverses_id.is_not(None))))
        out = {}
        for m in s.scalars(select(Member).where(Member.id.in_(select(Supporter.elder_member_id)))):
            texts, paid = [], 0
            for sup in s.scalars(
                select(Supporter).where(Supporter.elder_member_id == m.id, Supporter.fund_id == f.id)
            ):
                p = s.scalar(select(Pledge).where(Pledge.supporter_id == sup.id, Pledge.active.is_(True)))
                texts.append(
                    f"{sup.name}（{sup.relation.removeprefix('之')}）"
                    + (f"每月{p.monthly_fen / 100:.2f}元" if p and p.monthly_fen else "未签承诺")
                )
                for e in s.scalars(
                    select(FundEntry).where(
                        FundEntry.supporter_id == sup.id, FundEntry.kind == "contribution"
                    )
                ):
                    if e.id not in undone:
                        parts = fund.split(e.amount_fen, len(e.months))
                        paid += sum(
                            x for x, mo in zip(parts, e.months, strict=True) if mo.startswith(f"{year}-")
                        )
            if texts:
                out[m.code] = ("；".join(texts), paid)
        return out


# --- the checks ------------------------------------------------------------------------------------------


def test_the_page_reads_agree_with_the_row_by_row_reading(db, admin, village):
    for upto in ("2026-12", "2026-08", "2027-01", "2025-12"):
        assert fund.arrears(db, admin, village, upto=upto) == ref_arrears(db, village, upto), upto
    assert fund.arrears(db, admin, village) == ref_arrears(db, village, "2026-12")
    for on in (DAY, date(2026, 12, 1), date(2026, 12, 9), date(2027, 1, 1), date(2026, 11, 30)):
        assert fund.status(db, admin, village, on=on) == ref_status(db, village, on), on
        assert fund.elders(db, admin, village, on=on) == ref_elders(db, village, on), on
    got = fund.status(db, admin, village)
    assert got.month_in_fen > 0 and got.month_out_fen > 0 and got.in_arrears > 0
    rows = fund.supporter_rows(db, admin, village)
    assert rows == ref_supporter_rows(db, village)
    assert sum(r.scanned for r in rows) == 1 and any(r.monthly_fen == 0 for r in rows)
    dues = fund.next_dues(db, admin, village, on=DAY)
    assert set(dues) == {r.id for r in rows}
    for r in rows:
        assert dues[r.id] == fund.next_due(db, r.id, on=DAY) == ref_next_due(db, r.id, DAY), r.name
    codes = fund.elder_codes(db, admin, village)
    with db.read() as s:
        assert codes == {
            e.member_id: s.scalar(select(Member.code).where(Member.id == e.member_id))
            for e in ref_elders(db, village, DAY)
        }
    assert {sid: monthly for sid, _n, _e, monthly in fund.supporters(db, admin, village)} == {
        r.id: r.monthly_fen for r in rows
    }


def test_the_elder_ledger_agrees_with_the_row_by_row_reading(db, admin, village):
    ledger = fund_reports.elder_rows(db, admin, village)
    support = ref_ledger_support(db, village, DAY.year)
    assert ledger.rows and ledger.day == DAY
    with db.read() as s:
        f = _fund(s, village)
        expected = []
        for m, h in s.execute(
            select(Member, Household)
            .join(Household)
            .where(Household.village_id == f.village_id, Member.left_at.is_(None))
            .order_by(Household.code, Member.position)
        ):
            age = age_on(m.birth_date, DAY)
            if age is not None and age >= ledger.age and fund.is_registered(h):
                expected.append((m.code, h.code, m.name, m.sex, age, h.household_kind or h.poverty_type))
    assert [(r.member_code, r.household, r.name, r.sex, r.age, r.kind) for r in ledger.rows] == expected
    for r in ledger.rows:
        text, paid = support.get(r.member_code, ("", None))
        assert (r.support, r.paid_fen) == (text, paid), r.name
    assert any(r.paid_fen for r in ledger.rows) and any(
        r.support and "未签承诺" in r.support for r in ledger.rows
    )


def test_month_flows_tell_the_month_in_office_time(db, admin, village):
    """The donations on a month's edge count in the month Beijing time says, whatever UTC says."""
    november = fund.status(db, admin, village, on=date(2026, 11, 30))
    january = fund.status(db, admin, village, on=date(2027, 1, 1))
    assert (november.month_in_fen, november.month_out_fen) == (700, 0)  # 23:59:59 on 30 November only
    assert (january.month_in_fen, january.month_out_fen) == (700, 0)  # 00:00:01 on 1 January only
    stamp = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 1 December 00:00 in Beijing
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(FundEntry).where(FundEntry.at == stamp)) == 1
