"""档案 overviews on 50,000 households: archives.village_status, the 帮扶计划 overview (plans.overview) and the
首页's completeness counts (archives.complete_counts), with no archives and with every household fully archived
(every item recorded, three printed copies: bench_dashboard.fill_archives), against a raw scan in the same run.

The floor is what the figures must read at least, through the DB-API cursor with no SQLAlchemy and no Python
objects: every household's code, head, village, kind and exit year, every archive's row and its kept tally.
Each figure is min / median of 3 runs.

    python -m bench.bench_archives [N] [--db PATH] [--full PATH]
    (--db: a demo database of N households to start from; --full: the same already fully archived by
    bench_dashboard.fill_archives; both are copied, never changed)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_dashboard import fill_archives
from bench.common import timed
from desktop import clock
from desktop.db import Database
from desktop.services.archives import archives
from desktop.services.demo import add_demo_households
from desktop.services.plans import plans
from desktop.services.system.actor import SYSTEM

FLOOR = (
    "SELECT id, code, head_name, village_id, household_kind, json_extract(attrs, '$.exit_year') FROM household",
    "SELECT household_id, id, checklist_id, number FROM archive",
    "SELECT archive_id, copy, identify, assist, exit, consolidate FROM archive_tally",
)


def floor(db: Database) -> int:
    with db.engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        return sum(len(cursor.execute(q).fetchall()) for q in FLOOR)


def report(db: Database, label: str) -> None:
    """Three rounds, each the floor then every figure (interleaved: the machine is shared, so each figure is
    compared with a floor taken minutes, not seconds, apart); min / median of the three."""
    year = clock.today().year
    figures = {
        "archives.village_status": lambda: archives.village_status(db, SYSTEM),
        "plans.overview (帮扶计划)": lambda: plans.overview(db, SYSTEM, year),
        "archives.complete_counts (首页)": lambda: archives.complete_counts(db, SYSTEM),
    }
    floor(db)  # the page cache warm
    for fn in figures.values():
        fn()
    times: dict[str, list[float]] = {"floor": [], **{name: [] for name in figures}}
    for _ in range(3):
        times["floor"].append(timed(lambda: floor(db))[0])
        for name, fn in figures.items():
            times[name].append(timed(fn)[0])
    base = min(times["floor"])
    print(
        f"{label}: floor (raw scan of households, archives, tallies) {base:.3f} / {statistics.median(times['floor']):.3f} s"
    )
    for name in figures:
        best, median = min(times[name]), statistics.median(times[name])
        print(f"  {name:38s} {best:6.3f} / {median:6.3f} s  ({best / base:.1f}x floor)")
    seconds, _ = timed(lambda: archives.village_status(db, SYSTEM, items=True))
    print(f"  {'village_status, items=True (ledger)':38s} {seconds:6.3f} s (one run)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("households", type=int, nargs="?", default=50_000)
    parser.add_argument(
        "--db", type=Path, help="a demo database of that many households to start from (copied)"
    )
    parser.add_argument("--full", type=Path, help="the same, every household fully archived (copied)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.sqlite3"
        if args.db:
            shutil.copyfile(args.db, path)
        db = Database(path)
        db.upgrade()
        if not args.db:
            made, _ = timed(lambda: add_demo_households(db, SYSTEM, args.households))
            print(f"made {args.households} demo households in {made:.1f} s")
        report(db, "demo office (few archives)")
        if args.full:
            db.dispose()
            shutil.copyfile(args.full, path)
            db = Database(path)
            db.upgrade()
        else:
            made, count = timed(lambda: fill_archives(db))
            print(f"gave all {count} households a full archive in {made:.1f} s")
        report(db, "every household fully archived")
        db.dispose()


if __name__ == "__main__":
    main()
