"""户表机一致: what differs between a fresh national export and the database, per household and field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.db import Database
from desktop.errors import RowsRejected
from desktop.models import Household
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.roster.roster_fields import BY_KEY
from desktop.services.roster.roster_import import parse_file
from desktop.services.roster.roster_store import diff_household, load_snapshots

SPECIAL = {"member": "家庭成员", "member_order": "成员顺序"}


@dataclass
class Difference:
    household: str
    member: str
    name: str
    field: str
    file: Any
    database: Any

    def as_dict(self) -> dict[str, Any]:
        return {
            "household": self.household,
            "member": self.member,
            "name": self.name,
            "field": self.field,
            "file": self.file,
            "database": self.database,
        }


@dataclass
class Comparison:
    households_in_file: int
    households_in_database: int
    same: int = 0
    only_in_file: list[str] = field(default_factory=list)
    only_in_database: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not (self.only_in_file or self.only_in_database or self.differences)

    def as_dict(self) -> dict[str, Any]:
        return {
            "households_in_file": self.households_in_file,
            "households_in_database": self.households_in_database,
            "same": self.same,
            "consistent": self.consistent,
            "only_in_file": self.only_in_file,
            "only_in_database": self.only_in_database,
            "differences": [d.as_dict() for d in self.differences],
        }


def _shown(key: str, value: Any) -> Any:
    if value is not None and BY_KEY.get(key) is not None and BY_KEY[key].kind == "money":
        return f"{value / 100:.2f}"
    return value


def compare_roster(db: Database, path: str | Path, *, progress: Progress = NO_PROGRESS) -> Comparison:
    parsed = parse_file(path, progress)
    if parsed.errors:
        raise RowsRejected(parsed.errors, summary=f"文件有 {len(parsed.errors)} 处错误，无法比对。")
    with db.read() as s:
        all_codes = set(s.scalars(select(Household.code)))
        snaps = load_snapshots(s, list(parsed.households), parsed.year)
    result = Comparison(len(parsed.households), len(all_codes))
    result.only_in_database = sorted(all_codes - set(parsed.households))
    for code, record in parsed.households.items():
        snap = snaps.get(code)
        if snap is None:
            result.only_in_file.append(code)
            continue
        diffs = diff_household(record, snap, parsed.keys)
        if not diffs:
            result.same += 1
        names = {m.values.get("member_code"): m.values.get("name", "") for m in record.members}
        for member, key, new, old in diffs:
            name = names.get(member) or (snap.members.get(member, {}).get("name", "") if member else "")
            label = SPECIAL.get(key) or BY_KEY[key].label
            result.differences.append(
                Difference(code, member, name, label, _shown(key, new), _shown(key, old))
            )
    return result
