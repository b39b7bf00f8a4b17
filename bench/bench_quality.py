"""疑点核查 over 50,000 households (≈ 140,000–190,000 people) with every rule; the slowest rules listed.
Floor in the same process: one plain scan of every member row with its attributes. Min / median of 3 runs.

Run: .venv/bin/python bench/bench_quality.py [N] [--db PATH]   (PATH: a demo database of N households, copied)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from bench.common import timed
from desktop.db import Database
from desktop.models import Member
from desktop.services.demo import add_demo_households
from desktop.services.quality import quality
from desktop.services.system.actor import SYSTEM


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("households", type=int, nargs="?", default=50_000)
    parser.add_argument(
        "--db", type=Path, help="a demo database of that many households (copied, not changed)"
    )
    args = parser.parse_args()
    n = args.households
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.sqlite3"
        if args.db:
            shutil.copyfile(args.db, path)
        db = Database(path)
        db.upgrade()
        if not args.db:
            add_demo_households(db, SYSTEM, n)
        with db.read() as s:
            people = len(s.execute(select(Member.id)).all())
        _scan(db)  # the page cache warm for both
        floors, audits = [], []
        for _ in range(3):
            floors.append(timed(lambda: _scan(db))[0])
            seconds, result = timed(lambda: quality.run_audit(db, SYSTEM, record=False))
            audits.append(seconds)
        print(
            f"{n} households, {people} people: all {len(quality.RULES)} rules in "
            f"{min(audits):.2f} / {statistics.median(audits):.2f} s; {len(result.findings)} findings"
        )
        print(
            f"floor: one scan of every member row with its attributes: {min(floors):.2f} / "
            f"{statistics.median(floors):.2f} s (audit = {min(audits) / min(floors):.1f}x)"
        )
        for code, ms in sorted(result.rule_ms.items(), key=lambda kv: -kv[1])[:5]:
            print(f"  {code:28s} {ms:7.0f} ms")
        db.dispose()


def _scan(db: Database) -> int:
    with db.read() as s:
        return sum(1 for _ in s.execute(select(Member.id, Member.attrs, Member.birth_date)))


if __name__ == "__main__":
    main()
