"""The office clock: Beijing time (UTC+8), whatever zone the PC is set to.

Times are stored in UTC. Every date the office sees — a notice's date, the month a redemption counts in, the
day of a settlement, the stamp on a backup — is read in Beijing time, so a PC left on UTC (common on fresh
Windows installs) or a server elsewhere still files a half-past-midnight redemption under the right day, and
every part of the program agrees on which month "this month" is. China keeps no daylight saving time.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from desktop.errors import InputRejected

OFFICE_TZ = timezone(timedelta(hours=8), "北京时间")


def now() -> datetime:
    """The current time in Beijing, zone-aware."""
    return datetime.now(OFFICE_TZ)


def offset() -> timedelta:
    """How far now() is set from the PC's own time: zero, except where a test has set the office clock. A child
    process (desktop.services.child) is handed it, so both read the same office time."""
    delta = now() - datetime.now(OFFICE_TZ)
    return delta if abs(delta) >= timedelta(seconds=1) else timedelta(0)


def wall() -> datetime:
    """The current Beijing time without a zone: for file names and the stamps read back from them."""
    return now().replace(tzinfo=None)


def today() -> date:
    return now().date()


def this_month() -> Month:
    """The office's month now (Beijing time)."""
    return Month.of(today())


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


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month: the one type for month arithmetic. Written and stored as "2026-12" (str() gives it back),
    ordered in time, and stepped across year ends: Month(2026, 12).next() is 2027-01."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not (1 <= self.month <= 12 and 1 <= self.year <= 9999):
            raise ValueError(f"no month {self.year}-{self.month}")

    @classmethod
    def of(cls, d: date) -> Month:
        """The month a date (or a datetime, as it reads) falls in."""
        return cls(d.year, d.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """ "2026-12" (or "2026-1") → Month; anything else is refused with a message for the user."""
        try:
            year, month = (int(part) for part in str(text).strip().split("-"))
            return cls(year, month)
        except ValueError:
            raise InputRejected(f"月份“{text}”应写成年-月，如 2026-12") from None

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def shift(self, months: int) -> Month:
        """The month `months` later (earlier when negative)."""
        year, index = divmod(self.year * 12 + self.month - 1 + months, 12)
        return Month(year, index + 1)

    def next(self) -> Month:
        return self.shift(1)

    def previous(self) -> Month:
        return self.shift(-1)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @staticmethod
    def range(first: Month, last: Month) -> list[Month]:
        """Every month from `first` to `last`, both included (empty when `last` is before `first`)."""
        count = (last.year * 12 + last.month) - (first.year * 12 + first.month) + 1
        return [first.shift(k) for k in range(count)]
