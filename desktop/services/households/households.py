"""Finding and reading households. Filtering and sorting happen in SQL; the UI keeps only ids."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select, true

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied
from desktop.models import Household, HouseholdSearch, IncomeYear, Member, Township, Village
from desktop.services.roster.roster_fields import BY_KEY
from desktop.services.system.actor import Actor
from desktop.vocabulary import EXITED_KINDS

SORT_KEYS = {
    "code": Household.code,
    "head": Household.head_name,
    "village": Village.name,
    "group": Household.group_name,
    "size": Household.size,
    "kind": Household.household_kind,
}


@dataclass(frozen=True)
class VillageInfo:
    id: int
    name: str
    township: str
    households: int
    county: str = ""

    @property
    def qualified(self) -> str:
        """A name `resolve_village` accepts even where village names repeat."""
        return f"{self.county}{self.township}/{self.name}"


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    code: str
    head_name: str
    village: str
    group: str
    size: int
    household_kind: str
    poverty_type: str
    phone: str


@dataclass(frozen=True)
class MemberInfo:
    code: str
    name: str
    id_number: str
    relation: str
    sex: str
    birth_date: date | None
    age: int | None
    health: str
    labour: str
    education: str
    schooling: str
    left: bool


@dataclass(frozen=True)
class IncomeInfo:
    year: int
    net_per_capita: int | None  # fen
    wage: int | None
    production: int | None
    property_income: int | None
    transfer: int | None
    production_cost: int | None


@dataclass(frozen=True)
class HouseholdDetail:
    row: HouseholdRow
    township: str
    county: str
    main_cause: str
    attrs: dict[str, Any]
    members: list[MemberInfo]
    incomes: list[IncomeInfo]

    def as_dict(self) -> dict[str, Any]:
        r = self.row
        return {
            "code": r.code,
            "head": r.head_name,
            "township": self.township,
            "village": r.village,
            "group": r.group,
            "size": r.size,
            "household_kind": r.household_kind,
            "poverty_type": r.poverty_type,
            "phone": r.phone,
            "main_cause": self.main_cause,
            "fields": {BY_KEY[k].label: v for k, v in self.attrs.items() if k in BY_KEY},
            "members": [
                {
                    "code": m.code,
                    "name": m.name,
                    "id_number": m.id_number,
                    "relation": m.relation,
                    "sex": m.sex,
                    "age": m.age,
                    "health": m.health,
                    "labour": m.labour,
                    "left": m.left,
                }
                for m in self.members
            ],
            "incomes": [
                {
                    "year": i.year,
                    "net_per_capita_yuan": None if i.net_per_capita is None else i.net_per_capita / 100,
                }
                for i in self.incomes
            ],
        }


def age_on(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def resolve_village(session, actor: Actor, name: str) -> Village:
    """A village by name. Names repeat across townships (and township names across counties):
    "柳河镇/孙桥村" or "柘城县柳河镇/孙桥村" picks one; an ambiguous name is refused with the choices."""
    name = name.strip()
    query = select(Village, Township).join(Township)
    candidates = [(v, t) for v, t in session.execute(query.where(Village.name == name))]
    if not candidates:
        wanted = name.replace("/", "").replace(" ", "")
        for v, t in session.execute(query):
            if wanted in (f"{t.name}{v.name}", f"{t.county}{t.name}{v.name}"):
                candidates.append((v, t))
    if actor.village_ids is not None:
        candidates = [(v, t) for v, t in candidates if v.id in actor.village_ids]
    if not candidates:
        raise NotFound(f"村“{name}”不存在或无权查看")
    if len(candidates) > 1:
        choices = "、".join(f"{t.county}{t.name}/{v.name}" for v, t in candidates)
        raise InputRejected(f"村名“{name}”不唯一（{choices}），请写成“乡镇/村”")
    return candidates[0][0]


def village_scope(session, actor: Actor, village: str | None, column=Household.village_id):
    """The filter for "this village" (resolved as resolve_village does) or, with none named, every village the
    actor may see; `column` is the village id column of the query it goes in."""
    if village:
        return column == resolve_village(session, actor, village).id
    if actor.village_ids is not None:
        return column.in_(actor.village_ids)
    return true()


def villages(db: Database, actor: Actor) -> list[VillageInfo]:
    with db.read() as s:
        q = (
            select(Village.id, Village.name, Township.name, func.count(Household.id), Township.county)
            .join(Township)
            .outerjoin(Household, Household.village_id == Village.id)
            .group_by(Village.id, Village.name, Township.name, Township.county)
            .order_by(Township.name, Village.name)
        )
        if actor.village_ids is not None:
            q = q.where(Village.id.in_(actor.village_ids))
        return [VillageInfo(*row) for row in s.execute(q)]


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(query: Select, actor: Actor, text: str, village_id: int | None) -> Select:
    if actor.village_ids is not None:
        query = query.where(Household.village_id.in_(actor.village_ids))
    if village_id is not None:
        query = query.where(Household.village_id == village_id)
    words = text.lower().split()
    if words:
        # The narrow search table is scanned on its own; the few matching ids are then sorted.
        matching = select(HouseholdSearch.household_id).where(
            *[HouseholdSearch.text.like(_like_pattern(w), escape="\\") for w in words]
        )
        query = query.where(Household.id.in_(matching))
    return query


def search_ids(
    db: Database,
    actor: Actor,
    text: str = "",
    *,
    village_id: int | None = None,
    sort: str = "code",
    descending: bool = False,
) -> list[int]:
    """Ids of matching households, in display order. Text matches names, ID fragments, household codes and
    pinyin (full or initials: "zjg" finds 张建国); several words must all match."""
    column = SORT_KEYS.get(sort, Household.code)
    order = [column.desc() if descending else column.asc(), Household.code]
    query = select(Household.id)
    if sort == "village":
        query = query.join(Village)
    query = _filtered(query, actor, text, village_id).order_by(*order)
    with db.read() as s:
        return list(s.scalars(query))


def rows(db: Database, ids: Sequence[int]) -> list[HouseholdRow]:
    """Display rows for the given ids, in the same order."""
    if not ids:
        return []
    with db.read() as s:
        q = (
            select(
                Household.id,
                Household.code,
                Household.head_name,
                Village.name,
                Household.group_name,
                Household.size,
                Household.household_kind,
                Household.poverty_type,
                Household.phone,
            )
            .join(Village)
            .where(Household.id.in_(list(ids)))
        )
        found = {r[0]: HouseholdRow(*r) for r in s.execute(q)}
    return [found[i] for i in ids if i in found]


def list_households(
    db: Database, actor: Actor, *, village: str | None = None, search: str = "", limit: int | None = None
) -> list[HouseholdRow]:
    village_id = None
    if village:
        with db.read() as s:
            village_id = resolve_village(s, actor, village).id
    ids = search_ids(db, actor, search, village_id=village_id)
    if limit is not None:
        ids = ids[:limit]
    out: list[HouseholdRow] = []
    for i in range(0, len(ids), 500):
        out.extend(rows(db, ids[i : i + 500]))
    return out


def detail(
    db: Database, actor: Actor, code_or_id: str | int, *, today: date | None = None
) -> HouseholdDetail:
    today = today or clock.today()
    with db.read() as s:
        cond = Household.id == code_or_id if isinstance(code_or_id, int) else Household.code == code_or_id
        h = s.scalar(select(Household).where(cond))
        if h is None:
            raise NotFound(f"户编号“{code_or_id}”不存在")
        if actor.village_ids is not None and h.village_id not in actor.village_ids:
            raise PermissionDenied("无权查看其他村的农户")
        village = s.get(Village, h.village_id)
        township = s.get(Township, village.township_id)
        members = []
        for m in s.scalars(
            select(Member)
            .where(Member.household_id == h.id)
            .order_by(Member.left_at.is_not(None), Member.position)
        ):
            a = m.attrs or {}
            members.append(
                MemberInfo(
                    m.code,
                    m.name,
                    m.id_number or "",
                    m.relation,
                    m.sex,
                    m.birth_date,
                    age_on(m.birth_date, today),
                    a.get("health", ""),
                    a.get("labour", ""),
                    a.get("education", ""),
                    a.get("schooling", ""),
                    m.left_at is not None,
                )
            )
        incomes = [
            IncomeInfo(
                i.year,
                i.net_per_capita_fen,
                i.wage_fen,
                i.production_fen,
                i.property_income_fen,
                i.transfer_fen,
                i.production_cost_fen,
            )
            for i in s.scalars(
                select(IncomeYear).where(IncomeYear.household_id == h.id).order_by(IncomeYear.year)
            )
        ]
        row = HouseholdRow(
            h.id,
            h.code,
            h.head_name,
            village.name,
            h.group_name,
            h.size,
            h.household_kind,
            h.poverty_type,
            h.phone,
        )
        return HouseholdDetail(
            row, township.name, township.county, h.main_cause, dict(h.attrs or {}), members, incomes
        )


def count(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Household)) or 0


def household_for(session, actor: Actor, code: str) -> Household:
    """The household with this code, if the actor may see it."""
    h = session.scalar(select(Household).where(Household.code == code.strip()))
    if h is None:
        raise NotFound(f"户编号“{code}”不存在")
    if actor.village_ids is not None and h.village_id not in actor.village_ids:
        raise PermissionDenied(f"无权查看其他村的农户（{code}）")
    return h


def village_labels(session) -> dict[int, str]:
    """Village id → its name, made longer (township, then county in front) only where a name repeats."""
    rows = session.execute(
        select(Village.id, Village.name, Township.name, Township.county).join(Township)
    ).all()
    forms = [(vid, (name, f"{town}{name}", f"{county}{town}{name}")) for vid, name, town, county in rows]
    labels = {}
    for vid, choices in forms:
        for level, label in enumerate(choices):
            if level == 2 or sum(c[level] == label for _v, c in forms) == 1:
                labels[vid] = label
                break
    return labels


def exited(h: Household) -> bool:
    """Has the household left poverty (脱贫)? The roster's 脱贫年度 or its 户类型 says so."""
    return has_exited(h.household_kind, (h.attrs or {}).get("exit_year"))


def has_exited(household_kind: str | None, exit_year) -> bool:
    """exited() from the two values it reads, for queries that select columns rather than households."""
    return bool(exit_year) or household_kind in EXITED_KINDS


def matched_members(db: Database, ids: Sequence[int], text: str) -> dict[int, str]:
    """For households found by `text`, the other members whose name, pinyin or ID number matched a word the
    household's code and head do not hold (a list that shows 张三 when "wh" was typed says why: 王华)."""
    words = text.lower().split()
    if not words or not ids:
        return {}
    with db.read() as s:
        found = s.execute(
            select(HouseholdSearch.household_id, HouseholdSearch.text, Household.head_name)
            .join(Household, Household.id == HouseholdSearch.household_id)
            .where(HouseholdSearch.household_id.in_(list(ids)))
        ).all()
    out: dict[int, str] = {}
    for hid, haystack, head in found:
        code, *people = haystack.split("|")
        # each person's part is "name initials full id_number" (the id may be empty)
        named = [(p.rsplit(" ", 3)[0], p) for p in people]
        head_parts = [p for name, p in named if name == (head or "").lower()][:1]
        names: list[str] = []
        for w in words:
            if w in code or any(w in p for p in head_parts):
                continue
            for name, p in named:
                if p not in head_parts and w in p and name not in names:
                    names.append(name)
        if names:
            out[hid] = "、".join(names)
    return out
