"""首页 first load on a large database: from the window being shown to the figures on the page, and to the four
charts drawn, each in a fresh process (the first load is what a clerk waits for at start). Floor in the same
process: dashboard.gather alone, the counting the page cannot skip (after the window's load, caches warm).

    QT_QPA_PLATFORM=offscreen python -m bench.bench_home_load --db PATH [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.common import ROOT


def once(path: str) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from bench.ui_stall import run
    from desktop.db import Database
    from desktop.services import dashboard
    from desktop.services.system.actor import SYSTEM
    from desktop.ui.context import UiContext
    from desktop.ui.main_window import MainWindow
    from desktop.ui.tasks import freeze_start_up, wait_all

    app = QApplication.instance() or QApplication([])
    db = Database(Path(path))
    began = time.perf_counter()
    window = MainWindow(UiContext(db, SYSTEM))
    window.resize(1366, 768)
    window.show()
    freeze_start_up()
    shown = time.perf_counter()
    home = window.home
    figures = until(app, lambda: home.data is not None)
    charts = until(app, lambda: home._drawn_at is not None)
    run(app, window.ctx.ops, lambda: None)  # whatever else start-up read
    gather = min(timed_gather(db, dashboard, SYSTEM) for _ in range(3))
    window.backup_on_exit = False
    window.close()
    wait_all()
    db.dispose()
    return {
        "window": shown - began,
        "figures": figures - shown,
        "charts": charts - shown,
        "gather": gather,
    }


def until(app, done, limit: float = 120) -> float:
    """Spin the event loop until `done()`; when that was."""
    deadline = time.perf_counter() + limit
    while not done() and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    return time.perf_counter()


def timed_gather(db, dashboard, actor) -> float:
    t = time.perf_counter()
    dashboard.gather(db, actor)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        print(json.dumps(once(args.db)))
        return
    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_home_load", "--db", args.db, "--once"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    print(f"首页 first load, {args.db}, {args.runs} fresh processes (min / median):")
    for key, name in (
        ("window", "window built and shown"),
        ("figures", "shown → figures on the page"),
        ("charts", "shown → four charts drawn"),
        ("gather", "floor: dashboard.gather alone"),
    ):
        values = [r[key] for r in runs]
        print(f"  {name:32s} {min(values):6.3f} / {statistics.median(values):6.3f} s")
    best = min(r["figures"] for r in runs)
    print(f"  figures / floor: {best / min(r['gather'] for r in runs):.1f}x")


if __name__ == "__main__":
    main()
