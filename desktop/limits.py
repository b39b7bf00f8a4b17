"""Hard ceilings on every stored amount and quantity: what no township's ledger can hold.

The database refuses a row beyond them (CHECK constraints, migration 0010), so an absurd number can never
reach a balance, however it was written; a value typed beyond them is refused with the field named before
anything is written. They sit far above any real figure and far below where integers overflow (SQLite turns a
sum past 2⁶³ into a float). The limits a county may tighten as policy — one award, one contribution, one stock
movement — are settings (`limits.*` in desktop.services.system.settings) checked against these.
"""

from __future__ import annotations

POINTS_ENTRY = 1_000_000  # one points entry, either way
POINTS_BALANCE = 100_000_000  # a household's points
PRICE_POINTS = 1_000_000  # a goods' price
FUND_ENTRY_FEN = 10_000_000_000  # one fund entry, either way: 1亿元
FUND_BALANCE_FEN = 100_000_000_000  # a fund's balance: 10亿元
MONTHLY_FEN = 100_000_000  # a pledged monthly amount: 100万元
STOCK_QUANTITY = 1_000_000  # one stock movement, either way
STOCK_LEVEL = 10_000_000  # units of one goods on the shelf
VALUE_FEN = 100_000_000_000  # the value of one stock movement: 10亿元
MEASURE_FEN = 100_000_000_000  # one assistance measure: 10亿元
INCOME_FEN = 100_000_000_000  # one household's income component in a year: 10亿元
