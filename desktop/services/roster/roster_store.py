"""Between roster records and database rows: places, snapshots for comparison, bulk writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Household, HouseholdSearch, IncomeYear, Member, Township, Village
from desktop.models.base import utcnow
from desktop.services.households import idnumber
from desktop.services.households.search_keys import household_search_text
from desktop.services.roster.roster_fields import BY_KEY
from desktop.services.roster.roster_parse import HouseholdRecord, MemberRecord

PLACE_KEYS = ("province", "city", "county", "township", "village")
# Household fields kept in their own columns; every other household field goes to `attrs`.
HOUSEHOLD_COLUMNS = {
    "group": "group_name",
    "phone": "phone",
    "poverty_type": "poverty_type",
    "household_kind": "household_kind",
    "main_cause": "main_cause",
}
MEMBER_COLUMNS = {
    "member_code": "code",
    "name": "name",
    "id_number": "id_number",
    "relation": "relation",
    "sex": "sex",
}
CHUNK = 500
_HOUSEHOLD_NOT_ATTRS = frozenset([*HOUSEHOLD_COLUMNS, *PLACE_KEYS, "household_code", "income"])
_MEMBER_NOT_ATTRS = frozenset([*MEMBER_COLUMNS, "birth_date"])


def chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def place_of(values: dict[str, Any]) -> tuple[str, str, str, str, str]:
    return tuple(values.get(k) or "" for k in PLACE_KEYS)  # type: ignore[return-value]


def _known_township(townships: dict[tuple, Township], key: tuple) -> Township | None:
    """A roster without 省 (or 市, 县) columns — the older layout has no 省 — names a township already known
    by the parts it does give: the one township that agrees on every part given, else none."""
    if all(key):
        return None
    found = [t for known, t in townships.items() if all(a == b for a, b in zip(key, known, strict=True) if a)]
    return found[0] if len(found) == 1 else None


def ensure_places(session: Session, places: Iterable[tuple[str, str, str, str, str]]) -> dict[tuple, int]:
    """Village ids for (province, city, county, township, village), creating what is new."""
    townships = {(t.province, t.city, t.county, t.name): t for t in session.scalars(select(Township))}
    villages = {(v.township_id, v.name): v.id for v in session.scalars(select(Village))}
    result: dict[tuple, int] = {}
    for place in dict.fromkeys(places):  # in roster order: the same ids whatever the hash seed
        tkey = place[:4]
        township = townships.get(tkey) or _known_township(townships, tkey)
        if township is None:
            township = townships[tkey] = Township(
                province=tkey[0], city=tkey[1], county=tkey[2], name=tkey[3]
            )
            session.add(township)
            session.flush()
        vid = villages.get((township.id, place[4]))
        if vid is None:
            village = Village(township_id=township.id, name=place[4])
            session.add(village)
            session.flush()
            vid = villages[(township.id, place[4])] = village.id
        result[place] = vid
    return result


def _member_birth(values: dict[str, Any]) -> date | None:
    number = values.get("id_number")
    if number and len(number) == 18:
        born = idnumber.birth_date_of(number)
        if born:
            return born
    iso = values.get("birth_date")
    return date.fromisoformat(iso) if iso else None


def household_row(record: HouseholdRecord, village_id: int) -> dict[str, Any]:
    values = record.values
    head = record.head() or record.members[0]
    row: dict[str, Any] = {
        "code": record.code,
        "village_id": village_id,
        "head_name": head.values.get("name", ""),
        "head_id_number": head.values.get("id_number") or "",
        "size": len(record.members),
        "attrs": {k: v for k, v in values.items() if k not in _HOUSEHOLD_NOT_ATTRS},
        "search_text": household_search_text(
            record.code, [(m.values.get("name", ""), m.values.get("id_number")) for m in record.members]
        ),
        "updated_at": utcnow(),
    }
    for key, column in HOUSEHOLD_COLUMNS.items():
        row[column] = values.get(key) or ""
    return row


def member_row(m: MemberRecord, position: int) -> dict[str, Any]:
    v = m.values
    return {
        "code": v.get("member_code") or "",
        "name": v.get("name", ""),
        "id_number": v.get("id_number"),
        "relation": v.get("relation", ""),
        "sex": v.get("sex", ""),
        "birth_date": _member_birth(v),
        "position": position,
        "left_at": None,
        "attrs": {k: val for k, val in v.items() if k not in _MEMBER_NOT_ATTRS},
    }


def insert_households(
    session: Session,
    records: list[HouseholdRecord],
    village_ids: dict[tuple, int],
    year: int,
    keys: frozenset[str],
    on_chunk=None,
) -> None:
    """Bulk insert new households with their members and income (one Core executemany per table and chunk: the
    ORM's bulk path spent five times SQLite's own time building and sorting its parameters)."""
    now = utcnow()
    conn = session.connection()
    households = Household.__table__
    add_household = households.insert()  # no RETURNING: SQLite then inserts row by row; ids by code after
    ids_of = select(households.c.code, households.c.id)
    add_search = HouseholdSearch.__table__.insert()
    add_member = Member.__table__.insert()
    add_income = IncomeYear.__table__.insert()
    for part in chunks(records, 2000):
        rows = []
        for r in part:
            row = household_row(r, village_ids[place_of(r.values)])
            row["created_at"] = now
            rows.append(row)
        texts = [row.pop("search_text") for row in rows]
        conn.execute(add_household, rows)
        found = {
            code: hid
            for code, hid in conn.execute(ids_of.where(households.c.code.in_([r.code for r in part])))
        }
        id_list = [found[r.code] for r in part]
        conn.execute(
            add_search,
            [{"household_id": hid, "text": text} for hid, text in zip(id_list, texts, strict=True)],
        )
        member_rows, income_rows = [], []
        for hid, r in zip(id_list, part, strict=True):
            for pos, m in enumerate(r.members):
                mr = member_row(m, pos)
                mr["household_id"] = hid
                member_rows.append(mr)
            if "income" in keys:
                income_rows.append(
                    {
                        "household_id": hid,
                        "year": year,
                        "net_per_capita_fen": r.values.get("income"),
                        "source": "roster",
                        "note": "",
                    }
                )
        conn.execute(add_member, member_rows)
        if income_rows:
            conn.execute(add_income, income_rows)
        if on_chunk:
            on_chunk(len(part))


@dataclass
class Snapshot:
    """A database household in the same shape as a parsed record (for diffs and exports)."""

    id: int
    code: str
    values: dict[str, Any]
    members: dict[str, dict[str, Any]]  # member code → values (active members only)
    member_order: list[str]


def load_snapshots(session: Session, codes: Sequence[str] | None, year: int | None) -> dict[str, Snapshot]:
    """Snapshots of the given households (all households when codes is None)."""
    places = {
        v.id: (t.province, t.city, t.county, t.name, v.name)
        for v, t in session.execute(select(Village, Township).join(Township))
    }
    query = select(
        Household.id,
        Household.code,
        Household.village_id,
        Household.group_name,
        Household.phone,
        Household.poverty_type,
        Household.household_kind,
        Household.main_cause,
        Household.attrs,
    )
    rows = []
    if codes is None:
        rows = list(session.execute(query.order_by(Household.code)))
    else:
        for part in chunks(list(codes)):
            rows.extend(session.execute(query.where(Household.code.in_(part))))
    snaps: dict[int, Snapshot] = {}
    for hid, code, vid, group, phone, ptype, kind, cause, attrs in rows:
        values = dict(zip(PLACE_KEYS, places[vid], strict=True))
        values.update(attrs or {})
        values.update(
            {
                "household_code": code,
                "group": group,
                "phone": phone,
                "poverty_type": ptype,
                "household_kind": kind,
                "main_cause": cause,
            }
        )
        snaps[hid] = Snapshot(hid, code, {k: v for k, v in values.items() if v not in ("", None)}, {}, [])
    ids = list(snaps)
    mq = (
        select(
            Member.household_id,
            Member.code,
            Member.name,
            Member.id_number,
            Member.relation,
            Member.sex,
            Member.birth_date,
            Member.attrs,
        )
        .where(Member.left_at.is_(None))
        .order_by(Member.household_id, Member.position)
    )
    iq = select(IncomeYear.household_id, IncomeYear.year, IncomeYear.net_per_capita_fen)
    for part in chunks(ids) if codes is not None else [None]:
        members = session.execute(mq if part is None else mq.where(Member.household_id.in_(part)))
        for hid, mcode, name, idn, rel, sex, born, attrs in members:
            values = dict(attrs or {})
            values.update(
                {
                    "member_code": mcode,
                    "name": name,
                    "id_number": idn,
                    "relation": rel,
                    "sex": sex,
                    "birth_date": born.isoformat() if born else None,
                }
            )
            snap = snaps[hid]
            snap.members[mcode] = {k: v for k, v in values.items() if v not in ("", None)}
            snap.member_order.append(mcode)
        incomes = session.execute(iq if part is None else iq.where(IncomeYear.household_id.in_(part)))
        for hid, y, net in incomes:
            if (year is None or y == year) and net is not None:
                snaps[hid].values["income"] = net
    for snap in snaps.values():
        # 人数 is the member count; a household imported from a layout without it still has one.
        snap.values.setdefault("declared_size", len(snap.member_order))
    return {s.code: s for s in snaps.values()}


def diff_household(
    record: HouseholdRecord, snap: Snapshot, keys: frozenset[str]
) -> list[tuple[str, str, Any, Any]]:
    """(member code or "", field key, file value, database value) for each difference in the fields the file has."""
    out: list[tuple[str, str, Any, Any]] = []
    for key in keys:
        if BY_KEY[key].level != "H":
            continue
        new, old = record.values.get(key), snap.values.get(key)
        if new != old:
            out.append(("", key, new, old))
    seen = set()
    for m in record.members:
        code = m.values.get("member_code", "")
        seen.add(code)
        old_values = snap.members.get(code)
        if old_values is None:
            out.append((code, "member", m.values.get("name"), None))
            continue
        for key in keys:
            if BY_KEY[key].level != "M":
                continue
            new, old = m.values.get(key), old_values.get(key)
            if key == "birth_date" and new is None:
                continue
            if new != old:
                out.append((code, key, new, old))
    for code in snap.member_order:
        if code not in seen:
            out.append((code, "member", None, snap.members[code].get("name")))
    if [m.values.get("member_code") for m in record.members] != snap.member_order and not any(
        f == "member" for _, f, _, _ in out
    ):
        out.append(("", "member_order", None, None))
    return out
