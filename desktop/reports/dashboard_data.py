"""The 首页 figures as plain data: what the dashboard service gathers and the charts and monthly report draw."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from desktop.vocabulary import COLOUR_ORDER


@dataclass(frozen=True)
class Dashboard:
    today: date
    year: int
    households: int
    members: int
    colours: list[tuple[str, dict[str, int]]]  # village → colour key → households
    copies: list[tuple[str, str]]  # (key, name) of the archive copies
    archive: list[tuple[str, int, dict[str, int]]]  # village, households, copy key → households complete
    points: list[tuple[str, int, int]]  # month, awarded, redeemed (net of reversals)
    fund: list[tuple[str, int, int]]  # month, money in, money out (fen)
    points_outstanding: int
    fund_balance: int
    # 问题整改: how many problems are past their deadline and not 销号, and the most overdue few
    # (number, village, what, days overdue)
    problems_overdue: int = 0
    overdue_problems: list[tuple[int, str, str, int]] = field(default_factory=list)
    # 小额信贷: loans falling due within 30 days, and overdue loans
    loans_due: int = 0
    loans_overdue: int = 0

    def colour_totals(self) -> dict[str, int]:
        totals = dict.fromkeys(COLOUR_ORDER, 0)
        for _village, counts in self.colours:
            for key, n in counts.items():
                totals[key] += n
        return totals

    def archive_rate(self, copy: str) -> float:
        total = sum(n for _v, n, _c in self.archive)
        return sum(c.get(copy, 0) for _v, _n, c in self.archive) / total if total else 0.0

    def this_month(self, series: list[tuple[str, int, int]]) -> tuple[int, int]:
        """The two figures of `series` (points or fund) for the month of `today`."""
        key = f"{self.today:%Y-%m}"  # the YYYY-MM of the series
        return next(((a, b) for m, a, b in series if m == key), (0, 0))
