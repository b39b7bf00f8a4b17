"""The office clock: Beijing time (UTC+8), whatever zone the PC is set to.

Times are stored in UTC. Every date the office sees — a notice's date, the month a redemption counts in, the
day of a settlement, the stamp on a backup — is read in Beijing time, so a PC left on UTC (common on fresh
Windows installs) or a server elsewhere still files a half-past-midnight redemption under the right day, and
every part of the program agrees on which month "this month" is. China keeps no daylight saving time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

OFFICE_TZ = timezone(timedelta(hours=8), "北京时间")


def now() -> datetime:
    """The current time in Beijing, zone-aware."""
    return datetime.now(OFFICE_TZ)


def wall() -> datetime:
    """The current Beijing time without a zone: for file names and the stamps read back from them."""
    return now().replace(tzinfo=None)


def today() -> date:
    return now().date()


def local(at: datetime) -> datetime:
    """A stored (UTC) time in Beijing time; a naive time is taken to be UTC, as the database keeps it."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(OFFICE_TZ)


def local_date(at: datetime) -> date:
    return local(at).date()


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in Beijing, as an aware time (compare it with stored UTC times)."""
    return datetime(day.year, day.month, day.day, tzinfo=OFFICE_TZ)


def cn_date(d: date) -> str:
    """The one way a date is printed: 2026年12月2日 (Arabic numerals, no leading zeros, GB/T 9704 §7.3.5)."""
    return f"{d.year}年{d.month}月{d.day}日"


def cn_month(d: date) -> str:
    """2026年12月."""
    return f"{d.year}年{d.month}月"
