"""Per-household digests of a roster's raw rows: a re-import skips, before parsing a field, every household whose
rows are what they were at its last import (and that nothing else has changed since: desktop.models.households
drops a household's digest whenever the household, a member or an income of it is written by anything else)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Household, RosterDigest
from desktop.services.roster.roster_fields import BY_KEY
from desktop.services.roster.roster_parse import CONVERTERS, CellError, convert_column
from desktop.services.roster.roster_read import RawRoster
from desktop.services.roster.roster_store import chunks

# Part of every digest: a change to how rows are read (a converter, a check) makes every household compare in full.
DIGEST_VERSION = "roster-digest-1"


def _converted(raw: RawRoster, key: str) -> list:
    """The column's values as the parser reads them (None for a blank or a bad cell), each distinct cell once."""
    index = raw.columns.get(key)
    if index is None:
        return [None] * len(raw.rows)
    values, _suspect = convert_column(
        [cells[index] for _number, cells in raw.rows], BY_KEY[key], CONVERTERS[BY_KEY[key].kind]
    )
    return [None if v.__class__ is CellError else v for v in values]


def household_rows(raw: RawRoster) -> tuple[dict[str, list[int]], list[int]]:
    """Row positions by household code in order of first appearance, and the positions without a readable code."""
    groups: dict[str, list[int]] = {}
    loose: list[int] = []
    for at, code in enumerate(_converted(raw, "household_code")):
        if code is None:
            loose.append(at)
        else:
            groups.setdefault(code, []).append(at)
    return groups, loose


def file_year(raw: RawRoster, groups: dict[str, list[int]], today: date) -> int:
    """The roster's income year as parse_roster finds it: the first 年度 of the first household that has one,
    else the title's, else this year."""
    years = _converted(raw, "year")
    for positions in groups.values():
        for at in positions:
            if years[at] is not None:
                return int(years[at])
    return raw.year_hint() or today.year


def digests(raw: RawRoster, groups: dict[str, list[int]], year: int) -> dict[str, str]:
    """Household code → digest of its rows (cells in order) and of what decides their reading; a household with a
    flagged cell (a formula without result …) gets none: it is always parsed, to report it."""
    context = repr((DIGEST_VERSION, sorted(raw.columns.items()), year))
    flagged = raw.problems
    out: dict[str, str] = {}
    rows = raw.rows
    for code, positions in groups.items():
        if flagged and any(rows[at][0] in flagged for at in positions):
            continue
        text = repr([rows[at][1] for at in positions])
        out[code] = hashlib.blake2b((context + text).encode(), digest_size=16).hexdigest()
    return out


def stored(session: Session, codes: Iterable[str] | None = None) -> dict[str, str]:
    """Household code → the digest stored at its last import."""
    query = select(Household.code, RosterDigest.digest).join(
        RosterDigest, RosterDigest.household_id == Household.id
    )
    if codes is None:
        return {code: digest for code, digest in session.execute(query)}
    out: dict[str, str] = {}
    for part in chunks(list(codes)):
        out.update((code, digest) for code, digest in session.execute(query.where(Household.code.in_(part))))
    return out


def without(raw: RawRoster, groups: dict[str, list[int]], skipped: set[str]) -> RawRoster:
    """The roster less the rows of the skipped households."""
    if not skipped:
        return raw
    gone = {at for code in skipped for at in groups[code]}
    return replace(raw, rows=[row for at, row in enumerate(raw.rows) if at not in gone])


def save(session: Session, by_code: dict[str, str]) -> None:
    """Store the digests of these households (all in the database by now), replacing what they had."""
    if not by_code:
        return
    ids: dict[str, int] = {}
    for part in chunks(list(by_code)):
        found = session.execute(select(Household.code, Household.id).where(Household.code.in_(part)))
        ids.update((code, hid) for code, hid in found)
    table = RosterDigest.__table__
    conn = session.connection()
    id_list = sorted(ids.values())
    for part in chunks(id_list):
        conn.execute(table.delete().where(table.c.household_id.in_(part)))
    conn.execute(
        table.insert(), [{"household_id": ids[c], "digest": d} for c, d in by_code.items() if c in ids]
    )
