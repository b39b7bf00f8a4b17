"""A re-import skips, before parsing a field, the households whose roster rows are as they were at their last import
(issue 21); a household whose rows changed, or that was changed in the app since, is compared in full as before."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop.errors import RowsRejected
from desktop.models import AuditEntry, Household, IncomeYear, Member, RosterDigest
from desktop.services.roster import roster_import
from desktop.services.roster.roster_import import import_roster
from tests.rosters import edited

HOUSEHOLD = "41142410520800001"
MEMBER = "4114241052080000102"
OTHER_MEMBER = "4114211042020000201"  # head of another household


@pytest.fixture
def parsed_rows(monkeypatch):
    """How many rows each import handed to the parser."""
    seen: list[int] = []
    real = roster_import.parse_roster

    def spy(raw, **kwargs):
        seen.append(len(raw.rows))
        return real(raw, **kwargs)

    monkeypatch.setattr(roster_import, "parse_roster", spy)
    return seen


def _state(db):
    with db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Household)),
            s.scalar(select(func.count()).select_from(Member)),
            s.scalar(select(func.count()).select_from(AuditEntry)),
            sorted(s.execute(select(RosterDigest.household_id, RosterDigest.digest)).all()),
            sorted(s.execute(select(Member.code, Member.name, Member.attrs)).all()),
        )


def _set_name(code: str, name: str):
    def edit(header, data):
        out = []
        for row in data:
            row = list(row)
            if str(row[header.index("人编号")]) == code:
                row[header.index("姓名")] = name
            out.append(row)
        return out

    return edit


def test_an_unchanged_reimport_parses_nothing_and_changes_nothing(db, admin, sample, parsed_rows):
    source = sample("roster-small.xlsx")
    first = import_roster(db, admin, source)
    assert parsed_rows == [163]
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(RosterDigest)) == 40
    before = _state(db)
    again = import_roster(db, admin, source)
    assert parsed_rows == [163, 0]  # every household skipped on its digest
    assert (again.households, again.members) == (first.households, first.members) == (40, 163)
    assert (again.added, again.updated, again.unchanged, again.missing) == (0, 0, 40, 0)
    assert again.year == first.year and again.layout == first.layout
    after = _state(db)
    assert after[:2] == before[:2] and after[3:] == before[3:]
    assert after[2] == before[2] + 1  # only the import itself is logged, as before


def test_one_changed_cell_updates_exactly_that_household(db, admin, sample, tmp_path, parsed_rows):
    source = sample("roster-small.xlsx")
    base = edited(source, tmp_path / "base.xlsx", lambda header, data: data)
    import_roster(db, admin, base)
    changed = edited(source, tmp_path / "changed.xlsx", _set_name(MEMBER, "袁玉永"))
    result = import_roster(db, admin, changed)
    members = parsed_rows[-1]
    assert 0 < members < 10  # only the household whose rows differ was parsed
    assert (result.updated, result.unchanged, result.added) == (1, 39, 0)
    assert result.updated_codes == [HOUSEHOLD]
    with db.read() as s:
        assert s.scalar(select(Member.name).where(Member.code == MEMBER)) == "袁玉永"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "household.update")).one()
    assert entry.entity_key == HOUSEHOLD
    assert entry.after[f"{MEMBER}:name"] == "袁玉永"
    # its digest now follows the new rows: importing the same file again skips everything
    again = import_roster(db, admin, changed)
    assert parsed_rows[-1] == 0 and (again.updated, again.unchanged) == (0, 40)


def test_a_household_changed_in_the_app_is_compared_in_full_again(db, admin, sample, parsed_rows):
    source = sample("roster-small.xlsx")
    import_roster(db, admin, source)
    with db.write() as s:  # any write but the import's: a member renamed, an income set by the clerk
        s.scalars(select(Member).where(Member.code == MEMBER)).one().name = "改过的名字"
        other = s.scalars(
            select(Household).where(Household.code != HOUSEHOLD).order_by(Household.code)
        ).first()
        s.add(IncomeYear(household_id=other.id, year=2031, net_per_capita_fen=1, source="clerk", note=""))
        other_code = other.code
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(RosterDigest)) == 38
    result = import_roster(db, admin, source)
    assert 0 < parsed_rows[-1] < 163  # the two households, not the other 38
    assert result.updated_codes == [HOUSEHOLD]  # the roster's name comes back, as before digests
    assert (
        result.unchanged == 39
    )  # the other one's roster fields are unchanged (its 2031 income is not the roster's)
    with db.read() as s:
        assert s.scalar(select(Member.name).where(Member.code == MEMBER)) == "袁玉勇"
        assert s.scalar(select(func.count()).select_from(RosterDigest)) == 40
    assert other_code != HOUSEHOLD


def test_a_bad_cell_in_a_changed_household_rejects_all_and_writes_nothing(db, admin, sample, tmp_path):
    source = sample("roster-small.xlsx")
    base = edited(source, tmp_path / "base.xlsx", lambda header, data: data)
    import_roster(db, admin, base)
    before = _state(db)

    def edit(header, data):
        data = _set_name(MEMBER, "袁玉永")(header, data)
        for row in data:
            if str(row[header.index("人编号")]) == OTHER_MEMBER:
                row[header.index("与户主关系")] = "外星人"
        return data

    with pytest.raises(RowsRejected) as caught:
        import_roster(db, admin, edited(source, tmp_path / "bad.xlsx", edit), write_errors_file=False)
    assert [e.kind for e in caught.value.errors] == ["unknown_value"]
    assert _state(db) == before


def test_a_changed_household_taking_an_id_of_a_skipped_one_is_rejected(db, admin, sample, tmp_path):
    source = sample("roster-small.xlsx")
    base = edited(source, tmp_path / "base.xlsx", lambda header, data: data)
    import_roster(db, admin, base)
    before = _state(db)

    def edit(header, data):
        idn, code = header.index("证件号码"), header.index("人编号")
        taken = next(row[idn] for row in data if str(row[code]) == OTHER_MEMBER)
        for row in data:
            if str(row[code]) == MEMBER:
                row[idn] = taken
        return data

    with pytest.raises(RowsRejected) as caught:
        import_roster(db, admin, edited(source, tmp_path / "dup.xlsx", edit), write_errors_file=False)
    assert [(e.column, e.kind) for e in caught.value.errors] == [("证件号码", "duplicate")]
    assert _state(db) == before


def test_the_same_bytes_again_are_not_scanned_again_but_other_bytes_are(
    db, admin, sample, tmp_path, monkeypatch
):
    from desktop.services.roster import roster_read

    scans: list[str] = []
    real = roster_read.check_workbook

    def spy(f, name, limits):
        scans.append(name)
        return real(f, name, limits)

    monkeypatch.setattr(roster_read, "check_workbook", spy)
    source = sample("roster-small.xlsx")
    import_roster(db, admin, source)
    import_roster(db, admin, source)
    assert scans == ["roster-small.xlsx"]  # the bytes that passed the check last time
    changed = edited(source, tmp_path / "changed.xlsx", _set_name(MEMBER, "袁玉永"))
    import_roster(db, admin, changed)
    assert scans == ["roster-small.xlsx", "changed.xlsx"]
    # tighter limits than those the bytes were checked against: scanned again
    monkeypatch.setattr(roster_read, "MAX_COLUMNS", 100)
    import_roster(db, admin, changed)
    assert scans == ["roster-small.xlsx", "changed.xlsx", "changed.xlsx"]
