"""疑点核查 over 50,000 households (≈ 140,000–190,000 people) with every rule; the slowest rules listed.
Baseline in the same process: one plain scan of every member row.

Run: .venv/bin/python bench/bench_quality.py [N]
"""

from __future__ import annotations

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
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "big.sqlite3")
        db.upgrade()
        add_demo_households(db, SYSTEM, n)
        with db.read() as s:
            people = len(s.execute(select(Member.id)).all())
        baseline, _ = timed(lambda: _scan(db))
        seconds, result = timed(lambda: quality.run_audit(db, SYSTEM))
        print(
            f"{n} households, {people} people: all {len(quality.RULES)} rules in {seconds:.2f} s "
            f"(target < 10 s); {len(result.findings)} findings"
        )
        print(
            f"baseline: one scan of every member row with its attributes: {baseline:.2f} s "
            f"(audit = {seconds / baseline:.1f}x)"
        )
        for code, ms in sorted(result.rule_ms.items(), key=lambda kv: -kv[1])[:5]:
            print(f"  {code:28s} {ms:7.0f} ms")
        db.dispose()


def _scan(db: Database) -> int:
    with db.read() as s:
        return sum(1 for _ in s.execute(select(Member.id, Member.attrs, Member.birth_date)))


if __name__ == "__main__":
    main()
