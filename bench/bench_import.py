"""Import roster-10k.xlsx into an empty SQLite file; compare with the naive way (openpyxl + one ORM add per row).

Run: .venv/bin/python bench/bench_import.py [--skip-naive]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SAMPLES, timed
from desktop.db import Database
from desktop.models import Household, Member, Township, Village
from desktop.services.roster.roster_import import import_roster
from desktop.services.system.actor import SYSTEM

ROSTER = SAMPLES / "roster-10k.xlsx"


def fresh(folder: Path, name: str) -> Database:
    db = Database(folder / name)
    db.upgrade()
    return db


def naive(db: Database) -> int:
    """What a first attempt looks like: openpyxl cell by cell, an ORM object per row, one commit."""
    from openpyxl import load_workbook

    ws = load_workbook(ROSTER, read_only=True).active
    rows = ws.iter_rows(values_only=True)
    next(rows)
    header = [str(h) for h in next(rows)]
    col = {h: i for i, h in enumerate(header)}
    people = 0
    with db.write() as s:
        township = Township(name="逻岗镇")
        s.add(township)
        villages: dict[str, Village] = {}
        households: dict[str, Household] = {}
        for row in rows:
            if row[col["户编号"]] is None:
                continue
            vname = row[col["行政村"]]
            village = villages.get(vname)
            if village is None:
                village = villages[vname] = Village(township=township, name=vname)
                s.add(village)
            code = row[col["户编号"]]
            h = households.get(code)
            if h is None:
                h = households[code] = Household(code=code, village=village, head_name="", attrs={})
                s.add(h)
            s.add(
                Member(
                    household=h,
                    code=row[col["人编号"]],
                    name=row[col["姓名"]],
                    id_number=row[col["证件号码"]],
                    relation=row[col["与户主关系"]],
                    sex=row[col["性别"]],
                    attrs={h_: row[i] for h_, i in col.items()},
                )
            )
            people += 1
            s.flush() if people % 1000 == 0 else None
    return people


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = fresh(folder, "ours.sqlite3")
        ours, result = timed(lambda: import_roster(db, SYSTEM, ROSTER, write_errors_file=False))
        print(f"ours : {ours:6.2f} s  ({result.households} households, {result.members} people)")
        again, result2 = timed(lambda: import_roster(db, SYSTEM, ROSTER, write_errors_file=False))
        print(f"re-import (all unchanged): {again:6.2f} s  (unchanged {result2.unchanged})")
        if "--skip-naive" in sys.argv:
            return
        slow_db = fresh(folder, "naive.sqlite3")
        slow, people = timed(lambda: naive(slow_db))
        print(f"naive: {slow:6.2f} s  ({people} people, no validation at all)")
        print(f"ratio naive/ours: {slow / ours:.1f}x")


if __name__ == "__main__":
    main()
