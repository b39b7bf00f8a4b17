"""Counter redemption: one redemption's latency on SQLite, and 8 counters hammering one household and one item
for 10 s on SQLite and (with DESKTOP_BENCH_PG=postgresql+psycopg://…/postgres) on PostgreSQL.

Run: .venv/bin/python bench/bench_redeem.py [--latency-only]
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.db import Database
from desktop.services.demo import add_demo_households
from desktop.services.households.households import search_ids
from desktop.services.points import points, redemption, stores
from desktop.services.system import settings
from desktop.services.system.actor import SYSTEM
from desktop.services.system.backup import check_database

SECONDS = 10.0


def prepare(db: Database, balance: int, stock: int) -> str:
    db.upgrade()
    add_demo_households(db, SYSTEM, 200)
    stores.create_store(db, SYSTEM, "S01", "测试超市")
    stores.add_goods(db, SYSTEM, "S01", "SALT", "食盐", 3, unit="袋")
    stores.move_stock(db, SYSTEM, "S01", "SALT", "purchase", stock)
    ids = search_ids(db, SYSTEM, "")
    from desktop.services.households.households import rows

    code = rows(db, ids[:1])[0].code
    # a balance far above one award's policy limit (limits.points_entry): raise the limit for the benchmark
    settings.set_values(db, SYSTEM, {"limits.points_entry": balance})
    points.award(db, SYSTEM, code, balance, "基准测试")
    return code


def counter(url: str, household: str, deadline: float) -> tuple[int, int]:
    from desktop.errors import Refused
    from desktop.services.system.actor import Actor

    db = Database(url)
    actor = Actor("counter", "store_operator")
    done = refused = 0
    while time.time() < deadline:
        try:
            redemption.redeem(db, actor, "S01", household, {"SALT": 1})
            done += 1
        except Refused:
            refused += 1
    db.dispose()
    return done, refused


def race(url: str, label: str) -> None:
    db = Database(url)
    balance, stock = 3 * 1500, 1200  # stock runs out first: both limits get tested
    code = prepare(db, balance, stock)
    deadline = time.time() + SECONDS
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        results = pool.starmap(counter, [(url, code, deadline)] * 8)
    done, refused = sum(d for d, _ in results), sum(r for _, r in results)
    left_points = points.balance(db, SYSTEM, code)
    left_stock = {g.code: g.stock for g in stores.list_goods(db, "S01")}["SALT"]
    ok = check_database(db).ok and left_points == balance - 3 * done and left_stock == stock - done >= 0
    print(
        f"{label}: 8 counters × {SECONDS:.0f} s: {done} redeemed ({done / SECONDS:.0f}/s), {refused} refused; "
        f"points left {left_points} (never below 0), stock left {left_stock}; ledgers agree: {ok}"
    )
    db.dispose()


def latency(db: Database, code: str, rounds: int = 3, count: int = 300) -> None:
    """p50 / p99 of one redemption, and of its floor (one conditional UPDATE of the balance, a statement built
    once) measured in the same rounds, alternated; min / median of the rounds."""
    from sqlalchemy import bindparam, update

    from desktop.models import PointsAccount

    account = PointsAccount.__table__.c
    floor_statement = (
        update(PointsAccount.__table__)
        .where(account.household_id == bindparam("hid"), account.balance + bindparam("n") >= 0)
        .values(balance=account.balance + bindparam("n"))
    )
    with db.read() as s:
        hid = points.household_id(s, SYSTEM, code)
    for _ in range(20):
        redemption.redeem(db, SYSTEM, "S01", code, {"SALT": 1})
    p50s, p99s, f50s, f99s = [], [], [], []
    for _ in range(rounds):
        times, floors = [], []
        with db.engine.begin() as conn:
            for _ in range(count):
                t0 = time.perf_counter()
                conn.execute(floor_statement, {"hid": hid, "n": 0})
                floors.append((time.perf_counter() - t0) * 1000)
        for _ in range(count):
            t0 = time.perf_counter()
            redemption.redeem(db, SYSTEM, "S01", code, {"SALT": 1})
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        floors.sort()
        p50s.append(statistics.median(times))
        p99s.append(times[int(len(times) * 0.99)])
        f50s.append(statistics.median(floors))
        f99s.append(floors[int(len(floors) * 0.99)])
    med = statistics.median
    print(
        "one redemption on SQLite (lookup, checks, ledger + stock entries, audit, receipt data): "
        f"p50 {min(p50s):.2f} / {med(p50s):.2f} ms, p99 {min(p99s):.2f} / {med(p99s):.2f} ms; "
        f"floor (one conditional UPDATE) p50 {min(f50s):.3f} / {med(f50s):.3f} ms, "
        f"p99 {min(f99s):.3f} / {med(f99s):.3f} ms; ratio p50 {min(p50s) / min(f50s):.0f}× "
        f"(min / median of {rounds} rounds of {count}); target p50 ≤ 5 ms, p99 ≤ 15 ms"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "one.sqlite3")
        code = prepare(db, 3 * 100_000, 100_000)
        latency(db, code)
        db.dispose()
        if "--latency-only" in sys.argv:
            return
        race(str(Path(tmp) / "race.sqlite3"), "SQLite")
    pg = os.environ.get("DESKTOP_BENCH_PG")
    if pg:
        from sqlalchemy import create_engine, text

        admin = create_engine(pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text("DROP DATABASE IF EXISTS bench_redeem"))
            c.execute(text("CREATE DATABASE bench_redeem"))
        race(pg.rsplit("/", 1)[0] + "/bench_redeem", "PostgreSQL")
        with admin.connect() as c:
            c.execute(text("DROP DATABASE bench_redeem WITH (FORCE)"))
        admin.dispose()
    else:
        print("PostgreSQL: set DESKTOP_BENCH_PG to a server URL to run the race there too")


if __name__ == "__main__":
    main()
