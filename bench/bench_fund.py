"""孝善基金's page reads on one village of 5,000 households (≈ 3,300 elders, 4,300 supporters with a year of
pledges and contributions): fund.status, fund.arrears, fund.supporter_rows, fund.next_dues and the 65周岁以上
ledger's fund_reports.elder_rows. Baseline in the same process: one plain read of the rows they stand on (the
village's members with their households' columns, and the fund's entries with their months).

Run: .venv/bin/python bench/bench_fund.py [households]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from bench.common import median_ms, timed
from desktop import clock
from desktop.db import Database
from desktop.models import FundEntry, Household, Member
from desktop.services.demo import add_demo_fund, make_households
from desktop.services.fund import fund, fund_reports
from desktop.services.roster.roster_fields import LEGACY_LAYOUT
from desktop.services.roster.roster_store import ensure_places, insert_households, place_of
from desktop.services.system.actor import SYSTEM

VILLAGE = "孙桥村"


def build(db: Database, n: int) -> str:
    """`n` demo households, all in one village, and that village's demo fund; the village's qualified name."""
    today = clock.today()
    records = make_households(n, today=today, villages=(VILLAGE,))
    with db.write() as s:
        village_ids = ensure_places(s, [place_of(r.values) for r in records])
        insert_households(s, records, village_ids, today.year, frozenset(LEGACY_LAYOUT))
    add_demo_fund(db, SYSTEM, villages=1, today=today)
    return f"柘城县柳河镇/{VILLAGE}"


def floor(db: Database) -> int:
    """The rows the reads stand on, read once without any rule: the baseline."""
    with db.read() as s:
        people = s.execute(
            select(Member.id, Member.birth_date, Member.attrs, Household.code, Household.attrs).join(
                Household, Household.id == Member.household_id
            )
        ).all()
        entries = s.execute(select(FundEntry.id, FundEntry.months)).all()
    return len(people) + len(entries)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "fund.sqlite3")
        db.upgrade()
        seconds, village = timed(lambda: build(db, n))
        status = fund.status(db, SYSTEM, village)
        print(
            f"{n} households in one village, {status.elders} elders, {status.supporters} supporters, "
            f"{status.in_arrears} in arrears (made in {seconds:.0f} s)"
        )
        base = median_ms(lambda: floor(db), repeat=5)
        print(f"baseline: one read of the village's members and the fund's entries: {base:.0f} ms")
        reads = {
            "fund.status": lambda: fund.status(db, SYSTEM, village),
            "fund.arrears": lambda: fund.arrears(db, SYSTEM, village),
            "fund.supporter_rows": lambda: fund.supporter_rows(db, SYSTEM, village),
            "fund.next_dues": lambda: fund.next_dues(db, SYSTEM, village),
            "fund.elders": lambda: fund.elders(db, SYSTEM, village),
            "fund_reports.elder_rows": lambda: fund_reports.elder_rows(db, SYSTEM, village),
        }
        for name, read in reads.items():
            ms = median_ms(read, repeat=5)
            print(f"  {name:26s} {ms:7.0f} ms ({ms / base:.1f}x baseline)")
        db.dispose()


if __name__ == "__main__":
    main()
