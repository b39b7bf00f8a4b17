"""50,000 households: filter-as-you-type per keystroke, and the window ready time and memory.

Run: .venv/bin/python bench/bench_households.py [N]   (N defaults to 50,000)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median_ms, timed
from desktop.db import Database
from desktop.services.demo import add_demo_households
from desktop.services.households import households
from desktop.services.system.actor import SYSTEM

WINDOW_PROBE = r"""
import json, os, sys, time
t0 = time.perf_counter()
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
t_empty = time.perf_counter(); w0 = QMainWindow(); w0.show(); app.processEvents(); t_empty = time.perf_counter() - t_empty
from desktop.ui.app import open_database
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from desktop.services.system.actor import SYSTEM
t1 = time.perf_counter()
db = open_database(sys.argv[1])
w = MainWindow(UiContext(db, SYSTEM)); w.show(); app.processEvents()
ready = time.perf_counter() - t1
rows = w.households.model.rowCount()
with open("/proc/self/status") as f:
    rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024
print(json.dumps({"since_start_s": time.perf_counter() - t0, "ready_s": ready, "empty_window_s": t_empty,
                  "rows": rows, "rss_mb": rss}))
"""


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "big.sqlite3")
        db.upgrade()
        made, _ = timed(lambda: add_demo_households(db, SYSTEM, n))
        print(f"made {n} demo households in {made:.1f} s")
        baseline = median_ms(lambda: households.search_ids(db, SYSTEM, ""))
        print(f"baseline (all ids, sorted by code): {baseline:6.1f} ms")
        for label, text in (
            ("2-character name fragment 建国", "建国"),
            ("pinyin initials wjg", "wjg"),
            ("ID fragment 19780", "19780"),
            ("household code fragment", "10420300"),
        ):
            ms = median_ms(lambda t=text: households.search_ids(db, SYSTEM, t))
            found = len(households.search_ids(db, SYSTEM, text))
            print(
                f"filter {label:32s}: {ms:6.1f} ms per keystroke ({found} found, {ms / baseline:.2f}x baseline)"
            )
        village = households.villages(db, SYSTEM)[0].id
        ms = median_ms(lambda: households.search_ids(db, SYSTEM, "wjg", village_id=village))
        print(f"filter wjg within one village         : {ms:6.1f} ms")
        db.dispose()
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
        out = subprocess.run(
            [sys.executable, "-c", WINDOW_PROBE, str(Path(tmp) / "big.sqlite3")],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        probe = json.loads(out.strip().splitlines()[-1])
        print(
            f"window ready with {probe['rows']} households: {probe['ready_s']:.2f} s "
            f"(empty QMainWindow {probe['empty_window_s']:.2f} s; {probe['since_start_s']:.2f} s from process start)"
            f", memory {probe['rss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
