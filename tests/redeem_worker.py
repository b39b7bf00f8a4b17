"""A counter in another process, for the concurrency tests (imported by multiprocessing)."""

from __future__ import annotations


def hammer(url: str, household: str, goods: str, attempts: int) -> tuple[int, int]:
    """Try `attempts` redemptions of one unit; return (done, refused). Any other error propagates."""
    from desktop.db import Database
    from desktop.errors import Refused
    from desktop.services.points.redemption import redeem
    from desktop.services.system.actor import Actor

    db = Database(url)
    actor = Actor("counter", "store_operator")
    done = refused = 0
    try:
        for _ in range(attempts):
            try:
                redeem(db, actor, "S01", household, {goods: 1})
                done += 1
            except Refused:
                refused += 1
    finally:
        db.dispose()
    return done, refused
