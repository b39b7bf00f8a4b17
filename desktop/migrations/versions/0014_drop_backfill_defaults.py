"""drop backfill defaults: the server defaults 0013 gave its new columns only to fill the rows already there

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 08:30:00

The models declare no server default on these columns (the application sets every value), so a database built by
the migrations now has exactly the models' schema (tests/test_migrations.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# table → (column, type, the default 0013 gave it)
BACKFILLED = {
    "filial_fund": (
        ("match_confirmed", sa.Boolean(), sa.false()),
        ("all_households", sa.Boolean(), sa.false()),
    ),
    "store": (
        ("commercial", sa.Boolean(), sa.false()),
        ("point_rate_fen", sa.Integer(), "0"),
        ("funding_source", sa.String(length=64), ""),
        ("owner", sa.String(length=64), ""),
    ),
}


def upgrade() -> None:
    for table, columns in BACKFILLED.items():
        with op.batch_alter_table(table) as batch:
            for column, type_, _default in columns:
                batch.alter_column(column, existing_type=type_, existing_nullable=False, server_default=None)


def downgrade() -> None:
    for table, columns in BACKFILLED.items():
        with op.batch_alter_table(table) as batch:
            for column, type_, default in columns:
                batch.alter_column(
                    column, existing_type=type_, existing_nullable=False, server_default=default
                )
