"""帮扶计划's list of households to confirm is read in bulk (a handful of queries for a county, not several per
household): it must say exactly what the household-by-household suggestion says."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from desktop import clock
from desktop.models import Household, Village
from desktop.services.plans import plans

FROZEN = datetime(2031, 3, 25, 10, 0, tzinfo=clock.OFFICE_TZ)


@pytest.fixture
def demo(plans_demo):
    """120 demo households with their plans, the clock at FROZEN (made once per session: tests/conftest.py)."""
    return plans_demo


def _one_by_one(db, admin, year: int, village_id: int | None = None) -> list[plans.Disagreement]:
    """disagreements() as it was: each household's own suggestion."""
    with db.read() as s:
        q = select(Household.code, Household.head_name, Household.village_id, Household.id)
        if village_id is not None:
            q = q.where(Household.village_id == village_id)
        rows = s.execute(q.order_by(Household.village_id, Household.code)).all()
        names = {v.id: v.name for v in s.scalars(select(Village))}
        current = plans.current_colours(s, year)
    out = []
    for code, head, vid, hid in rows:
        sug = plans.suggestion(db, admin, code, year)
        have = current.get(hid)
        registered = sug.kind == plans.NO_INCOME and plans.registration(_household(db, hid))[0]
        waiting = have is None and (sug.kind == plans.PENDING or registered)
        if have != sug.colour or waiting:
            out.append(plans.Disagreement(code, head, names[vid], have, sug.colour, sug.text))
    return out


def _household(db, hid: int) -> Household:
    with db.read() as s:
        h = s.get(Household, hid)
        s.expunge(h)
        return h


def test_the_bulk_list_says_what_each_household_says(demo, admin):
    # every year on one demo (the demo takes longer to make than the five comparisons)
    for year in (2031, 2030, 2020, 2018, 2035):
        found = plans.disagreements(demo, admin, year)
        assert found == _one_by_one(demo, admin, year), year
        if year == 2031:
            assert found  # the demo has households to confirm in its own year
    # and one village's list is that village's part of it
    village = plans.villages(demo, admin)[0]
    found = plans.disagreements(demo, admin, 2031, village=village.name)
    assert found == _one_by_one(demo, admin, 2031, village.id)
    assert {d.village for d in found} <= {village.name}


def test_checks_on_the_spot_count_in_the_bulk_list_too(demo, admin):
    with demo.read() as s:
        codes = list(s.scalars(select(Household.code).order_by(Household.id).limit(8)))
    for i, code in enumerate(codes):  # unmet needs (red whatever the income) and met ones (no longer pending)
        for condition in plans.BASIC_NEEDS:
            plans.set_check(demo, admin, code, 2031, condition, i % 3 != 0, evidence="入户核实")
    assert plans.disagreements(demo, admin, 2031) == _one_by_one(demo, admin, 2031)


def test_members_illness_schooling_and_insurance_count_in_the_bulk_list_too(demo, admin):
    """The bulk list reads only some member fields (MEMBER_FIELDS_READ), extracted by the database: a member with
    a serious illness, a dropout or no medical insurance changes the suggestion the same way in both."""
    from desktop.models import Member

    with demo.write() as s:
        people = list(s.scalars(select(Member).where(Member.left_at.is_(None)).order_by(Member.id).limit(40)))
        fields = [
            {"health": "患有大病"},
            {"health": "长期慢性病,残疾"},
            {"schooling": "辍学"},
            {"dropout_reason": "家庭困难"},
            {"medical_insurance": "否"},
            {"medical_insurance": "是"},
            {"medical_insurance": ""},
            {"health": None, "schooling": 3},
            {"medical_insurance": None},
        ]
        for i, p in enumerate(people):
            p.attrs = {**(p.attrs or {}), **fields[i % len(fields)]}
    found = plans.disagreements(demo, admin, 2031)
    assert found == _one_by_one(demo, admin, 2031)
    assert any("基本医疗有保障未达标" in d.basis or "义务教育有保障未达标" in d.basis for d in found)


def test_the_fields_the_bulk_list_extracts_are_all_the_suggestion_reads():
    """Whatever risk_notes and _from_roster look up on a member is in MEMBER_FIELDS_READ (else the bulk list
    would silently judge without it)."""

    class Seen(dict):
        looked: set[str] = set()

        def get(self, key, default=None):
            Seen.looked.add(key)
            return super().get(key, default)

        def __getitem__(self, key):
            Seen.looked.add(key)
            return super().__getitem__(key)

    household = Household(code="x", head_name="x", attrs={}, main_cause="")
    members = [Seen(health="大病", medical_insurance="否", schooling="辍学")]
    plans.risk_notes(household, members)
    for key in plans.BASIC_NEEDS:
        plans._from_roster(key, {}, members)
    assert Seen.looked and Seen.looked <= set(plans.MEMBER_FIELDS_READ)
