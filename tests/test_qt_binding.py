"""The Qt binding itself: a release that mishandles None's reference count kills the window on Python 3.11.

PySide6 6.12.0 released a reference to None on every call returning nothing; Python 3.11 (our floor) counts
None's references, and after a few thousand such calls — a morning at the counter — aborts with "Fatal Python
error: none_dealloc". pyproject.toml keeps that release out; this test keeps any other out.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QLabel


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12: nothing to count")
def test_calls_returning_nothing_leave_none_s_count_alone(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    thing = QObject()
    app = QApplication.instance()
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setText("兑换成功")
        thing.setObjectName("counter")
        app.processEvents()
    assert abs(sys.getrefcount(None) - before) < 100
