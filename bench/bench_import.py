"""Import roster-10k.xlsx into an empty SQLite file, and re-import it unchanged; each against the floor measured
in the same run: python-calamine reading the same sheet (every cell, as Python values). Min / median of 3.

Run: .venv/bin/python bench/bench_import.py [--repeat N] [--naive]
"""

from __future__ import annotations

import statistics
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
TARGET_IMPORT = 2.0  # × the calamine read
TARGET_REIMPORT = 1.3


def fresh(folder: Path, name: str) -> Database:
    db = Database(folder / name)
    db.upgrade()
    return db


def calamine_read(path: Path = ROSTER) -> int:
    """The floor: python-calamine opens the workbook and hands every cell of the first sheet to Python."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_name(workbook.sheet_names[0]).to_python(skip_empty_area=False)
    return len(rows)


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


def _line(
    name: str, times: list[float], floor: list[float] | None = None, target: float | None = None
) -> str:
    text = f"{name:28s} min {min(times):6.2f} s / median {statistics.median(times):6.2f} s"
    if floor:
        text += f"   ratio {min(times) / min(floor):4.2f}x / {statistics.median(times) / statistics.median(floor):4.2f}x"
    if target:
        text += f"  (target ≤ {target}x)"
    return text


def main() -> None:
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    floor, first, again = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # The new-process costs (pypinyin, python_calamine, SQLAlchemy's statement caches) belong to the first
        # import, as in `desktop import roster`: the first round is timed cold like every other.
        for n in range(repeat):
            t, _ = timed(calamine_read)
            floor.append(t)
            db = fresh(folder, f"ours{n}.sqlite3")
            t, result = timed(lambda db=db: import_roster(db, SYSTEM, ROSTER, write_errors_file=False))
            first.append(t)
            t, result2 = timed(lambda db=db: import_roster(db, SYSTEM, ROSTER, write_errors_file=False))
            again.append(t)
            assert result2.unchanged == result.households and not result2.updated and not result2.added
            db.dispose()
        print(f"roster-10k: {result.households} households, {result.members} people; {repeat} rounds")
        print(_line("floor: calamine read", floor))
        print(_line("import (empty database)", first, floor, TARGET_IMPORT))
        print(_line("re-import (all unchanged)", again, floor, TARGET_REIMPORT))
        if "--naive" in sys.argv:
            slow_db = fresh(folder, "naive.sqlite3")
            slow, people = timed(lambda: naive(slow_db))
            print(f"naive: {slow:6.2f} s  ({people} people, no validation at all)")


if __name__ == "__main__":
    main()
