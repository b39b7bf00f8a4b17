"""Print engine: the member ledger of roster-10k.xlsx (>1,000 pages) against ReportLab's raw canvas drawing the
same strings, and a one-page notice.

Run: .venv/bin/python bench/bench_print.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SAMPLES, median_ms, timed
from desktop.db import Database
from desktop.reports.fonts import load_fonts
from desktop.reports.ledger import PAGE_H, PAGE_W
from desktop.reports.notice import Notice, render_notice
from desktop.services.households import printing
from desktop.services.roster.roster_import import import_roster
from desktop.services.system.actor import SYSTEM


def raw_canvas(path: Path, rows: list[list[str]], per_page: int) -> int:
    """The floor: the same strings drawn at fixed positions with one font, no measuring, wrapping or totals."""
    from reportlab.pdfgen.canvas import Canvas

    font = load_fonts().roles["song"].name
    c = Canvas(str(path), pagesize=(PAGE_W, PAGE_H), initialFontName=font)
    pages = 0
    for start in range(0, len(rows), per_page):
        c.setFont(font, 10)
        y = PAGE_H - 80
        for row in rows[start : start + per_page]:
            x = 56.0
            for cell in row:
                c.drawString(x, y, cell)
                x += 55
            y -= 17
        c.showPage()
        pages += 1
    c.save()
    return pages


def main() -> None:
    load_fonts()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = Database(folder / "b.sqlite3")
        db.upgrade()
        import_roster(db, SYSTEM, SAMPLES / "roster-10k.xlsx", write_errors_file=False)
        out = folder / "ledger.pdf"
        # The baseline draws the very strings the ledger holds, as many rows a page as ours has.
        from desktop.reports.ledger import fmt

        ledger = printing.build_household_ledger(db, SYSTEM)
        rows = [[fmt(v, col) for v, col in zip(row, ledger.columns, strict=True)] for row in ledger.rows]
        ours, floor = [], []
        for _ in range(3):  # alternating, so both see the same machine
            seconds, result = timed(lambda: printing.household_ledger(db, SYSTEM, out))
            ours.append(seconds)
            per_page = max(1, result.rows // result.pages)
            raw_s, raw_pages = timed(lambda: raw_canvas(folder / "raw.pdf", rows, per_page))  # noqa: B023
            floor.append(raw_s)
        size = out.stat().st_size
        best, mid = min(ours), statistics.median(ours)
        print(
            f"member ledger: {result.rows} rows, {result.pages} pages in min {best:.1f} s / median {mid:.1f} s "
            f"({best / result.pages * 1000:.1f} ms/page), {size / 1e6:.1f} MB ({size / result.pages / 1024:.1f} KB/page)"
        )
        print(
            f"raw canvas, same strings: {raw_pages} pages in min {min(floor):.1f} s / median {statistics.median(floor):.1f} s"
        )
        print(
            f"ratio ours/raw: {best / min(floor):.2f}x / {mid / statistics.median(floor):.2f}x "
            "(min / median; target ≤ 1.5x)"
        )
        xlsx_s, _ = timed(lambda: printing.household_ledger(db, SYSTEM, folder / "ledger.xlsx", xlsx=True))
        print(f"member ledger as xlsx: {xlsx_s:.1f} s")
        notice = Notice(
            "关于孙桥村2026年度星级文明户评定结果的公示",
            [
                "根据《星级文明户评定办法》，经农户申报、村民代表评议、村两委审核，现将评定结果予以公示。"
                "公示期间如有异议，请以书面或电话形式向村民委员会反映。"
            ]
            * 3,
            "孙桥村村民委员会",
            date(2026, 11, 25),
        )
        ms = median_ms(lambda: render_notice(notice, folder / "n.pdf"), repeat=10)
        print(f"one-page notice: {ms:.0f} ms (target < 500 ms; fonts already loaded)")
        cold, _ = timed(
            lambda: __import__("subprocess").run(
                [
                    sys.executable,
                    "-c",
                    "from desktop.reports.notice import *; from datetime import date; "
                    f"render_notice(Notice('公示', ['正文'], '村委会', date(2026, 1, 1)), r'{folder / 'c.pdf'}')",
                ],
                check=True,
            )
        )
        print(f"one-page notice in a fresh process (imports and font loading included): {cold:.2f} s")
        db.dispose()


if __name__ == "__main__":
    main()
