"""bounded amounts: the database refuses an absurd amount or quantity (desktop.limits, as of this revision)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The ceilings as they stood when this revision was written (a migration never reads today's code).
POINTS_ENTRY = 1_000_000
POINTS_BALANCE = 100_000_000
PRICE_POINTS = 1_000_000
FUND_ENTRY_FEN = 10_000_000_000
FUND_BALANCE_FEN = 100_000_000_000
MONTHLY_FEN = 100_000_000
STOCK_QUANTITY = 1_000_000
STOCK_LEVEL = 10_000_000
VALUE_FEN = 100_000_000_000
MEASURE_FEN = 100_000_000_000
INCOME_FEN = 100_000_000_000
INCOME_COLUMNS = ("wage", "production", "property_income", "transfer", "production_cost", "net_per_capita")

BOUNDS: dict[str, list[tuple[str, int, int]]] = {
    "points_account": [("balance", 0, POINTS_BALANCE)],
    "points_entry": [("amount", -POINTS_ENTRY, POINTS_ENTRY)],
    "goods": [("price_points", 1, PRICE_POINTS)],
    "stock_level": [("quantity", 0, STOCK_LEVEL)],
    "stock_movement": [("quantity", -STOCK_QUANTITY, STOCK_QUANTITY), ("value_fen", -VALUE_FEN, VALUE_FEN)],
    "redemption": [("points", 0, POINTS_BALANCE), ("balance_after", 0, POINTS_BALANCE)],
    "redemption_line": [("quantity", 1, STOCK_QUANTITY), ("price_points", 0, PRICE_POINTS)],
    "filial_fund": [
        ("balance", 0, FUND_BALANCE_FEN),
        ("match_percent", 0, 100),
        ("match_cap_fen", 0, MONTHLY_FEN),
    ],
    "pledge": [("monthly_fen", 1, MONTHLY_FEN)],
    "fund_entry": [("amount", -FUND_ENTRY_FEN, FUND_ENTRY_FEN)],
    "income_threshold": [(c, 0, INCOME_FEN) for c in ("poverty_line", "yellow_low", "yellow_high")],
    "plan_measure": [("amount", 0, MEASURE_FEN)],
    "income_year": [(c, -INCOME_FEN, INCOME_FEN) for c in INCOME_COLUMNS],
    "rating_result": [("points", 0, POINTS_ENTRY)],
}


def upgrade() -> None:
    bind = op.get_bind()
    wrong = []
    for table, columns in BOUNDS.items():
        for column, low, high in columns:
            count = bind.execute(
                sa.text(f"SELECT COUNT(*) FROM {table} WHERE {column} < :low OR {column} > :high"),
                {"low": low, "high": high},
            ).scalar()
            if count:
                wrong.append(f"{table}.{column}：{count}行超出{low}～{high}")
    if wrong:
        # The upgrade stops here, before any change (the database was backed up before it started).
        raise RuntimeError("数据库中有超出合理范围的金额或数量，请先冲正这些记录再升级：" + "；".join(wrong))
    for table, columns in BOUNDS.items():
        with op.batch_alter_table(table) as batch:
            for column, low, high in columns:
                batch.create_check_constraint(
                    op.f(f"ck_{table}_{column}_bounded"), f"{column} BETWEEN {low} AND {high}"
                )


def downgrade() -> None:
    for table, columns in BOUNDS.items():
        with op.batch_alter_table(table) as batch:
            for column, _low, _high in columns:
                batch.drop_constraint(op.f(f"ck_{table}_{column}_bounded"), type_="check")
