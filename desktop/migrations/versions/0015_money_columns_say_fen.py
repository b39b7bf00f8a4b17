"""money columns say their unit: the fund's, the income standard's, the measures' and the income years' amounts
are renamed …_fen (they always held integer fen)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-12 09:00:00

Only names change: every value stays where it was. The CHECK constraints that name a renamed column (the
bounds of 0010, a fund balance's floor of 0008) are dropped and made again naming the new column. A hashed
ledger column keeps its digests: a digest covers the values in order, never the columns' names
(desktop.services.ledgers.ledger_chain.FORMER_NAMES).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# The ceilings as they stood when this revision was written (a migration never reads today's code).
FUND_ENTRY_FEN = 10_000_000_000
FUND_BALANCE_FEN = 100_000_000_000
MEASURE_FEN = 100_000_000_000
INCOME_FEN = 100_000_000_000
INCOME_COLUMNS = ("wage", "production", "property_income", "transfer", "production_cost", "net_per_capita")

# table → (old name, nullable, low, high): each becomes old_fen, bounded low…high
RENAMED: dict[str, list[tuple[str, bool, int, int]]] = {
    "filial_fund": [("balance", False, 0, FUND_BALANCE_FEN)],
    "fund_entry": [("amount", False, -FUND_ENTRY_FEN, FUND_ENTRY_FEN)],
    "income_threshold": [(c, False, 0, INCOME_FEN) for c in ("poverty_line", "yellow_low", "yellow_high")],
    "plan_measure": [("amount", False, 0, MEASURE_FEN)],
    "income_year": [(c, True, -INCOME_FEN, INCOME_FEN) for c in INCOME_COLUMNS],
}
NOT_NEGATIVE = {"filial_fund": "balance"}  # ck_<table>_<column>_not_negative: <column> >= 0


def _rename(forward: bool) -> None:
    for table, columns in RENAMED.items():
        with op.batch_alter_table(table) as batch:
            # the constraints naming a column go first (SQLite rebuilds the table: a CHECK naming a column that
            # is no longer there would be refused), and come back naming the column by its new name
            for old, _nullable, _low, _high in columns:
                was = old if forward else f"{old}_fen"
                batch.drop_constraint(op.f(f"ck_{table}_{was}_bounded"), type_="check")
            if table in NOT_NEGATIVE:
                was = NOT_NEGATIVE[table] if forward else f"{NOT_NEGATIVE[table]}_fen"
                batch.drop_constraint(op.f(f"ck_{table}_{was}_not_negative"), type_="check")
            for old, nullable, _low, _high in columns:
                was, now = (old, f"{old}_fen") if forward else (f"{old}_fen", old)
                batch.alter_column(
                    was, new_column_name=now, existing_type=sa.BigInteger(), existing_nullable=nullable
                )
            for old, _nullable, low, high in columns:
                now = f"{old}_fen" if forward else old
                batch.create_check_constraint(
                    op.f(f"ck_{table}_{now}_bounded"), f"{now} BETWEEN {low} AND {high}"
                )
            if table in NOT_NEGATIVE:
                now = f"{NOT_NEGATIVE[table]}_fen" if forward else NOT_NEGATIVE[table]
                batch.create_check_constraint(op.f(f"ck_{table}_{now}_not_negative"), f"{now} >= 0")


def upgrade() -> None:
    _rename(forward=True)


def downgrade() -> None:
    _rename(forward=False)
