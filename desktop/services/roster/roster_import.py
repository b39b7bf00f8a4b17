"""Importing the national roster: all or nothing, every bad cell reported as 第N行 列名：原因."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop import clock
from desktop.db import Database
from desktop.errors import RowError, RowsRejected
from desktop.models import Household, HouseholdSearch, IncomeYear, Member, Setting
from desktop.models.base import utcnow
from desktop.services.collector import collector_held
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.roster import roster_digest
from desktop.services.roster.roster_digest import file_year, household_rows
from desktop.services.roster.roster_fields import BY_KEY, LAYOUT_NAMES
from desktop.services.roster.roster_parse import HouseholdRecord, ParsedRoster, parse_roster
from desktop.services.roster.roster_read import default_limits, limits_token, read_roster
from desktop.services.roster.roster_store import (
    HOUSEHOLD_COLUMNS,
    MEMBER_COLUMNS,
    PLACE_KEYS,
    Snapshot,
    chunks,
    diff_household,
    ensure_places,
    household_row,
    insert_households,
    load_snapshots,
    member_row,
    place_of,
)
from desktop.services.system import audit
from desktop.services.system.actor import Actor

# The file (its sha256 and the read limits) imported last, whose check found nothing: the same bytes again are
# not scanned again (roster_read.read_roster).
CHECKED_KEY = "roster.checked"


@dataclass
class ImportResult:
    file: str
    layout: str
    households: int
    members: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0  # in the database, not in the file (kept, only reported)
    dry_run: bool = False
    year: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    updated_codes: list[str] = field(default_factory=list)
    missing_codes: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    errors_file: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "layout": self.layout,
            "households": self.households,
            "members": self.members,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "missing": self.missing,
            "dry_run": self.dry_run,
            "year": self.year,
            "ignored_columns": self.ignored_columns,
            "errors": [e.as_dict() for e in self.errors],
            "errors_file": self.errors_file,
        }


def parse_file(path: str | Path, progress: Progress = NO_PROGRESS, today: date | None = None) -> ParsedRoster:
    progress.step(0, 100, "正在读取文件")
    raw = read_roster(path)
    return parse_roster(raw, today=today, progress=progress)


def _conflicts_with_database(session: Session, parsed: ParsedRoster) -> list[RowError]:
    """ID numbers and member codes already held by households that this file does not contain."""
    file_codes = set(parsed.households)
    errors = []
    checks = (
        ("id_number", Member.id_number, "已登记为户{hcode}的成员（{name}），同一人不能属于两户"),
        ("member_code", Member.code, "人编号已属于户{hcode}的成员（{name}）"),
    )
    for key, column, message in checks:
        in_file = {
            m.values[key]: (m.row, record.code)
            for record in parsed.households.values()
            for m in record.members
            if m.values.get(key)
        }
        query = select(column, Member.name, Household.code).join(Household)
        for part in chunks(list(in_file)):
            for value, name, hcode in session.execute(query.where(column.in_(part))):
                if hcode not in file_codes:
                    row, fcode = in_file[value]
                    errors.append(
                        RowError(
                            row,
                            parsed.header(key),
                            message.format(hcode=hcode, name=name),
                            "duplicate",
                            fcode,
                        )
                    )
    return errors


def import_roster(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
    write_errors_file: bool = True,
) -> ImportResult:
    """Import or update households from a roster export. Raises RowsRejected (nothing written) on any error."""
    actor.require("roster.import", "导入花名册")
    # a county's roster is a few hundred thousand rows, cells and records, none of them cyclic: the collector's
    # full collections walked them all again and again while they were built
    with collector_held():
        return _import(db, actor, Path(path), dry_run, progress, today or clock.today(), write_errors_file)


def _import(
    db: Database,
    actor: Actor,
    path: Path,
    dry_run: bool,
    progress: Progress,
    today: date,
    write_errors_file: bool,
) -> ImportResult:
    progress.step(0, 100, "正在读取文件")
    with db.read() as session:
        passed = session.get(Setting, CHECKED_KEY)
        passed = passed.value if passed is not None else None
    raw = read_roster(path, passed=lambda token: token == passed)
    groups, _loose = household_rows(raw)
    year = file_year(raw, groups, today)
    digests = roster_digest.digests(raw, groups, year)
    # Households whose rows are as they were at their last import are skipped before a field is parsed.
    with db.read() as session:
        skipped = _same(digests, roster_digest.stored(session))
    parsed = parse_roster(
        roster_digest.without(raw, groups, skipped), today=today, progress=progress, year=year
    )
    with db.write() as session:
        session.info["roster_digests"] = True  # this import keeps the digests itself
        still = _same({c: digests[c] for c in skipped}, roster_digest.stored(session, skipped))
        if still != skipped:  # written in between by someone else: those are compared in full
            skipped = still
            parsed = parse_roster(roster_digest.without(raw, groups, skipped), today=today, year=year)
        result = ImportResult(
            str(path),
            LAYOUT_NAMES[parsed.layout],
            len(parsed.households) + len(skipped),
            parsed.people + sum(len(groups[c]) for c in skipped),
            dry_run=dry_run,
            year=parsed.year,
            ignored_columns=list(parsed.ignored),
        )
        errors = list(parsed.errors)
        errors += _conflicts_with_database(session, parsed)
        if errors:
            _reject(result, errors, path, write_errors_file)
        progress.step(0, 100, "正在与数据库比对")
        snaps = load_snapshots(session, list(parsed.households), parsed.year)
        added, changed = [], []
        result.unchanged = len(skipped)
        for code, record in parsed.households.items():
            snap = snaps.get(code)
            if snap is None:
                added.append(record)
            elif diff_household(record, snap, parsed.keys):
                changed.append((record, snap))
            else:
                result.unchanged += 1
        result.added, result.updated = len(added), len(changed)
        result.updated_codes = [r.code for r, _ in changed]
        all_codes = set(session.scalars(select(Household.code)))
        result.missing_codes = sorted(all_codes - set(parsed.households) - skipped)
        result.missing = len(result.missing_codes)
        if dry_run:
            session.rollback()
            return result
        _write(session, actor, parsed, added, changed, progress)
        roster_digest.save(session, {c: digests[c] for c in parsed.households if c in digests})
        audit.record(
            session,
            actor.username,
            "roster.import",
            entity="roster",
            key=path.name,
            after={
                "sha256": raw.sha256,
                "layout": parsed.layout,
                "year": parsed.year,
                "added": [r.code for r in added],
                "updated": result.updated_codes,
                "unchanged": result.unchanged,
                "missing": result.missing,
            },
        )
        if not raw.problems:  # these bytes passed the check with nothing flagged: no need to scan them again
            session.merge(Setting(key=CHECKED_KEY, value=limits_token(raw.sha256, default_limits())))
        session.merge(Setting(key="roster.layout", value=parsed.layout))
        session.merge(Setting(key="roster.year", value=parsed.year))
        progress.step(100, 100, "正在保存")
    return result


def _same(digests: dict[str, str], stored: dict[str, str]) -> set[str]:
    return {code for code, digest in digests.items() if stored.get(code) == digest}


def _reject(result: ImportResult, errors: list[RowError], path: Path, write_errors_file: bool) -> None:
    errors.sort(key=lambda e: (e.row, e.column))
    result.errors = errors
    errors_file = ""
    if write_errors_file:
        from desktop.reports.roster_xlsx import write_errors_workbook  # lazy: openpyxl loads only on errors

        try:
            raw = read_roster(path)
        except Exception:  # the header itself may be what is wrong: the list goes out without the rows
            raw = None
        errors_file = str(write_errors_workbook(path, errors, raw, checked_on=clock.today()))
    raise RowsRejected(errors, errors_file=errors_file)


def _write(
    session: Session,
    actor: Actor,
    parsed: ParsedRoster,
    added: list[HouseholdRecord],
    changed: list[tuple[HouseholdRecord, Snapshot]],
    progress: Progress,
) -> None:
    places = [place_of(r.values) for r in parsed.households.values()]
    village_ids = ensure_places(session, places)
    total = max(1, len(added) + len(changed))
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        progress.step(done, total, "正在写入数据库")

    insert_households(session, added, village_ids, parsed.year, parsed.keys, on_chunk=advance)
    if changed:
        _update(session, actor, parsed, changed, village_ids, advance)


HOUSEHOLD_ATTR_EXCLUDED = set(HOUSEHOLD_COLUMNS) | set(PLACE_KEYS) | {"household_code", "income"}
MEMBER_ATTR_EXCLUDED = set(MEMBER_COLUMNS) | {"birth_date"}


def _merged_attrs(
    old: dict[str, Any] | None, values: dict[str, Any], keys: frozenset[str], level: str, excluded: set[str]
) -> dict[str, Any]:
    """Fields the file has replace (or, when blank, remove) what was stored; the others stay."""
    attrs = dict(old or {})
    for key in keys:
        if BY_KEY[key].level == level and key not in excluded:
            if key in values:
                attrs[key] = values[key]
            else:
                attrs.pop(key, None)
    return attrs


class _MemberIndex:
    """The database members of the changed households, by member code and by ID number."""

    def __init__(self, members: list[Member]) -> None:
        self.by_code = {m.code: m for m in members}
        self.by_id = {m.id_number: m for m in members if m.id_number}

    def find(self, code: str | None, id_number: str | None) -> Member | None:
        return self.by_code.get(code or "") or self.by_id.get(id_number or "")

    def free_moved_ids(self, changed: list[tuple[HouseholdRecord, Snapshot]]) -> None:
        """Clear an ID number held by another member first, so a number moving between two members never
        collides with the unique index mid-flush."""
        for record, _snap in changed:
            for mr in record.members:
                idn = mr.values.get("id_number")
                holder = self.by_id.get(idn or "")
                if holder is not None and holder is not self.find(mr.values.get("member_code"), idn):
                    holder.id_number = None


def _update(
    session: Session,
    actor: Actor,
    parsed: ParsedRoster,
    changed: list[tuple[HouseholdRecord, Snapshot]],
    village_ids: dict[tuple, int],
    advance,
) -> None:
    """Update changed households through the ORM; a member missing from the file is marked as left."""
    ids = [snap.id for _, snap in changed]
    households: dict[int, Household] = {}
    members: list[Member] = []
    for part in chunks(ids):
        households.update((h.id, h) for h in session.scalars(select(Household).where(Household.id.in_(part))))
        members.extend(session.scalars(select(Member).where(Member.household_id.in_(part))))
    index = _MemberIndex(members)
    index.free_moved_ids(changed)
    session.flush()
    now = utcnow()
    for record, snap in changed:
        h = households[snap.id]
        differences = diff_household(record, snap, parsed.keys)
        _apply_household(session, h, record, village_ids, parsed.keys, now)
        _apply_members(session, h, record, index, parsed.keys, now)
        if "income" in parsed.keys:
            _apply_income(session, h, parsed.year, record.values.get("income"))
        audit.record(
            session,
            actor.username,
            "household.update",
            entity="household",
            key=h.code,
            before={f"{m}:{k}" if m else k: old for m, k, _new, old in differences},
            after={f"{m}:{k}" if m else k: new for m, k, new, _old in differences},
        )
        advance(1)


def _apply_household(
    session: Session,
    h: Household,
    record: HouseholdRecord,
    village_ids: dict[tuple, int],
    keys: frozenset[str],
    now,
) -> None:
    row = household_row(record, village_ids[place_of(record.values)])
    h.village_id = row["village_id"]
    for key, column in HOUSEHOLD_COLUMNS.items():
        if key in keys:
            setattr(h, column, row[column])
    h.attrs = _merged_attrs(h.attrs, record.values, keys, "H", HOUSEHOLD_ATTR_EXCLUDED)
    h.head_name, h.head_id_number = row["head_name"], row["head_id_number"]
    h.size, h.updated_at = row["size"], now
    search = session.get(HouseholdSearch, h.id) or HouseholdSearch(household_id=h.id)
    search.text = row["search_text"]
    session.add(search)


def _apply_members(
    session: Session, h: Household, record: HouseholdRecord, index: _MemberIndex, keys: frozenset[str], now
) -> None:
    seen: set[int] = set()
    for pos, mr in enumerate(record.members):
        values = member_row(mr, pos)
        m = index.find(values["code"], values["id_number"])
        if m is None:
            m = Member(household_id=h.id, attrs={})
            session.add(m)
            index.by_code[values["code"]] = m
        m.household_id, m.position, m.left_at = h.id, pos, None
        for key, column in MEMBER_COLUMNS.items():
            if key in keys:
                setattr(m, column, values[column])
        if "birth_date" in keys or "id_number" in keys:
            m.birth_date = values["birth_date"]
        m.attrs = _merged_attrs(m.attrs, mr.values, keys, "M", MEMBER_ATTR_EXCLUDED)
        seen.add(id(m))
    for m in index.by_code.values():
        if m.household_id == h.id and id(m) not in seen and m.left_at is None:
            m.left_at = now


def _apply_income(session: Session, h: Household, year: int, net: int | None) -> None:
    income = session.scalar(
        select(IncomeYear).where(IncomeYear.household_id == h.id, IncomeYear.year == year)
    )
    if income is None:
        income = IncomeYear(household_id=h.id, year=year, source="roster", note="")
        session.add(income)
    income.net_per_capita_fen = net
