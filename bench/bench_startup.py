"""Start-up, each against its floor measured in the same run (min / median of 3, processes alternated):

- a CLI command (`households list --json` on a 20-household database, logged in) against
  `python -c "import sqlalchemy.orm"`; target ≤ 1.5×;
- the main window shown and its events handled at N households, from process start, and its memory, against a
  bare QMainWindow; targets ≤ 1.0 s and ≤ 150 MB.

Our modules run from compiled bytecode, as the floor's libraries do (PYCACHE below).

Run: .venv/bin/python bench/bench_startup.py [--households 50000] [--repeat 3]
     (the large demo database is kept in /tmp/workbench-startup-<N>.sqlite3 and reused; --fresh makes it again)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT
from bench.ui_stall import make_database

BARE_WINDOW = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1280, 800); w.show(); app.processEvents()
with open("/proc/self/status") as f:
    rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024
print("READY", rss, flush=True)
"""

MAIN_WINDOW = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from desktop.services.collector import hold_start_up
hold_start_up()  # as desktop/__main__.py does; run_app's freeze_start_up ends it once the window is shown
from desktop.services.system.actor import SYSTEM
from desktop.ui.app import make_app, open_database
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
app = make_app()
db = open_database(sys.argv[1])
w = MainWindow(UiContext(db, SYSTEM)); w.show()
from desktop.ui.tasks import freeze_start_up
freeze_start_up(); app.processEvents()
with open("/proc/self/status") as f:
    rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024
print("READY", rss, flush=True)
"""


DATA_DIR = tempfile.mkdtemp(prefix="bench-startup-")  # no remembered window.ini: the window opens on 首页
# Our modules' bytecode, kept apart from the tree: a clerk's copy runs from compiled bytecode (the frozen app ships
# it; a source checkout writes __pycache__ on its first start), as the floor's libraries do from site-packages.
# Without it (PYTHONDONTWRITEBYTECODE=1, as ./test and this machine set) every start compiled all of desktop/ —
# 0.3–0.4 s that no clerk pays.
PYCACHE = tempfile.mkdtemp(prefix="bench-startup-pyc-")


def _env() -> dict[str, str]:
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        DESKTOP_USER="admin",
        DESKTOP_PASSWORD="admin123",
        QT_QPA_PLATFORM="offscreen",
        DESKTOP_DATA_DIR=DATA_DIR,
        PYTHONPYCACHEPREFIX=PYCACHE,
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_ours() -> None:
    """Our modules compiled once into PYCACHE before anything is timed."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "desktop")], env=_env(), check=True)


def wall(args: list[str]) -> tuple[float, float]:
    """Seconds from starting the process to its READY line (or its end), and the MB it reported (0 if none)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    rss, took = 0.0, None
    for line in proc.stdout:
        if line.startswith("READY"):
            took = time.perf_counter() - start
            rss = float(line.split()[1])
    if proc.wait() != 0:
        raise SystemExit(f"{args} failed")
    return (took if took is not None else time.perf_counter() - start), rss


def compare(label: str, floor: list[str], work: list[str], repeat: int, target: str) -> None:
    floors, works, floor_mb, work_mb = [], [], [], []
    for _ in range(repeat):  # alternated, so a busy moment of the machine hits both
        t, mb = wall(floor)
        floors.append(t)
        floor_mb.append(mb)
        t, mb = wall(work)
        works.append(t)
        work_mb.append(mb)
    f_min, f_med = min(floors), statistics.median(floors)
    w_min, w_med = min(works), statistics.median(works)
    memory = f"; memory {min(work_mb):.0f} MB (floor {min(floor_mb):.0f} MB)" if max(work_mb) else ""
    print(
        f"{label}: {w_min:.2f} / {w_med:.2f} s, floor {f_min:.2f} / {f_med:.2f} s, "
        f"ratio {w_min / f_min:.2f}× / {w_med / f_med:.2f}× (min / median of {repeat}){memory}; target {target}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--cli-only", action="store_true")
    args = parser.parse_args()
    compile_ours()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        tiny = Path(tmp) / "tiny.sqlite3"
        make_database(tiny, 20)
        compare(
            "CLI `households list --json`, 20 households",
            [py, "-c", "import sqlalchemy.orm"],
            [py, "-m", "desktop", "--db", str(tiny), "--json", "households", "list"],
            args.repeat,
            "≤ 1.5×",
        )
    if args.cli_only:
        return
    big = Path(f"/tmp/workbench-startup-{args.households}.sqlite3")
    if args.fresh or not big.exists():
        print(f"making a {args.households}-household demo database in {big} …", flush=True)
        make_database(big, args.households)
    compare(
        f"main window ready at {args.households} households, from process start",
        [py, "-c", BARE_WINDOW],
        [py, "-c", MAIN_WINDOW, str(big)],
        args.repeat,
        "≤ 1.0 s, ≤ 150 MB",
    )


if __name__ == "__main__":
    main()
