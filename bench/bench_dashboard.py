"""首页 on 50,000 households: gathering the figures (off the GUI thread) and drawing the four charts, against a
baseline of one plain count per table the page reads, in the same process. Also the monthly report PDF.

    python -m bench.bench_dashboard [N]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from bench.common import median_ms, timed
from desktop.db import Database
from desktop.models import ArchiveItem, FundEntry, Household, Member, PointsEntry
from desktop.services import dashboard
from desktop.services.demo import add_demo_households
from desktop.services.system.actor import SYSTEM


def counts(db: Database) -> list[int]:
    with db.read() as s:
        return [
            s.scalar(select(func.count()).select_from(t)) or 0
            for t in (Household, Member, PointsEntry, FundEntry, ArchiveItem)
        ]


def fill_archives(db: Database) -> int:
    """Every household an archive with every item recorded and three printed copies (the worst case)."""
    from sqlalchemy import insert

    from desktop.models import Archive, ArchiveCopyLog
    from desktop.models.base import utcnow
    from desktop.services.archives import archives

    items = archives.checklist(db).items
    now = utcnow()
    with db.write() as s:
        from desktop.models import ArchiveChecklist

        checklist_id = s.scalar(select(ArchiveChecklist.id))
        if checklist_id is None:
            row = ArchiveChecklist(
                version=1, items=[{"key": i.key, "stage": i.stage, "title": i.title} for i in items]
            )
            s.add(row)
            s.flush()
            checklist_id = row.id
        # households with no archive yet (a demo office used by other benches has a few): their archive ids
        # follow the largest there is, so the archive id is not the household id
        have = set(s.scalars(select(Archive.household_id)))
        first = (s.scalar(select(func.max(Archive.id))) or 0) + 1
        households = [h for h in s.scalars(select(Household.id).order_by(Household.id)) if h not in have]
        ids = list(range(first, first + len(households)))
        s.execute(
            insert(Archive),
            [
                {
                    "id": a,
                    "household_id": h,
                    "checklist_id": checklist_id,
                    "number": f"DA-{h}",
                    "created_at": now,
                }
                for a, h in zip(ids, households, strict=True)
            ],
        )
        s.execute(
            insert(ArchiveItem),
            [
                {"archive_id": h, "item_key": i.key, "revision": 1, "changed_at": now}
                for h in ids
                for i in items
            ],
        )
        contents = {i.key: 1 for i in items}
        s.execute(
            insert(ArchiveCopyLog),
            [
                {"archive_id": h, "copy": c, "contents": contents, "printed_at": now}
                for h in ids
                for c in ("township", "village", "household")
                if c != "household" or h % 3
            ],
        )
        # the kept counts, as archives.record_item / print_copy leave them
        from desktop.models import ArchiveTally

        stage_of = {i.key: i.stage for i in items}
        tally = archives.tally_of(stage_of, contents, {"township": contents, "village": contents})
        partial = archives.tally_of(
            stage_of, contents, {c: contents for c in ("township", "village", "household")}
        )
        s.execute(
            insert(ArchiveTally),
            [
                {"archive_id": h, "copy": c, **n}
                for h in ids
                for c, n in (partial if h % 3 else tally).items()
            ],
        )
    return len(ids)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from desktop.reports.dashboard_charts import DRAW, figure, render_monthly_report

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "big.sqlite3")
        db.upgrade()
        made, _ = timed(lambda: add_demo_households(db, SYSTEM, n))
        print(f"made {n} demo households in {made:.1f} s")
        baseline = median_ms(lambda: counts(db), repeat=5)
        print(f"baseline (a count of each table read): {baseline:7.1f} ms")
        ms = median_ms(lambda: dashboard.gather(db, SYSTEM), repeat=5)
        print(f"gather the dashboard figures          : {ms:7.1f} ms ({ms / baseline:.1f}x baseline)")
        d = dashboard.gather(db, SYSTEM)
        draw = median_ms(lambda: [FigureCanvasAgg(figure(name, d)).draw() for name in DRAW], repeat=5)
        print(f"draw the four charts (Agg)            : {draw:7.1f} ms")
        pdf, _ = timed(lambda: render_monthly_report(d, Path(tmp) / "m.pdf", township="石桥镇"))
        print(f"monthly report PDF                    : {pdf * 1000:7.1f} ms")
        made, count = timed(lambda: fill_archives(db))
        print(f"gave all {count} households a full archive in {made:.1f} s")
        baseline = median_ms(lambda: counts(db), repeat=5)
        print(f"baseline (a count of each table read): {baseline:7.1f} ms")
        ms = median_ms(lambda: dashboard.gather(db, SYSTEM), repeat=3)
        print(f"gather, every household archived      : {ms:7.1f} ms ({ms / baseline:.1f}x baseline)")
        from desktop.services.archives import archives

        full, _ = timed(lambda: archives.village_status(db, SYSTEM))
        print(f"for comparison, the full per-item status (village_status): {full * 1000:7.1f} ms")
        db.dispose()


if __name__ == "__main__":
    main()
