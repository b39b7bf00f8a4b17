"""Progress reports only what the clerk would see change: each report is a slot on the GUI thread."""

from __future__ import annotations

import pytest

from desktop.errors import Cancelled
from desktop.services.progress import Progress


def test_a_long_loop_reports_each_whole_percent_and_each_new_text_once():
    seen = []
    progress = Progress(lambda done, total, text: seen.append((100 * done // total, text)))
    for n in range(40_000):
        progress.step(n, 40_000, "正在检查数据")
    assert len(seen) == 100 and seen[0] == (0, "正在检查数据") and seen[-1] == (99, "正在检查数据")
    progress.step(39_999, 40_000, "正在写入数据库")  # the same percent in new words: said
    assert seen[-1] == (99, "正在写入数据库") and len(seen) == 101


def test_a_cancelled_progress_stops_the_work_at_its_next_step():
    progress = Progress(lambda *_: None)
    progress.cancel()
    with pytest.raises(Cancelled):
        progress.step(1, 2)
