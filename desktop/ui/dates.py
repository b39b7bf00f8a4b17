"""Dates for widgets: the office's today (Beijing time, desktop.clock) as a QDate, never the PC's own date."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate

from desktop import clock


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def qdate_today() -> QDate:
    """Today in Beijing, whatever zone the PC is set to (QDate.currentDate() would read the PC's zone)."""
    return qdate(clock.today())
