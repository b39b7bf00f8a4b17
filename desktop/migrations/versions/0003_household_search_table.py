"""Move the filter haystack out of the wide household rows into its own narrow table.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "household_search",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_household_search_household_id_household")
        ),
        sa.PrimaryKeyConstraint("household_id", name=op.f("pk_household_search")),
    )
    op.execute("INSERT INTO household_search (household_id, text) SELECT id, search_text FROM household")
    with op.batch_alter_table("household") as batch:
        batch.drop_column("search_text")


def downgrade() -> None:
    with op.batch_alter_table("household") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    op.execute(
        "UPDATE household SET search_text = (SELECT text FROM household_search "
        "WHERE household_search.household_id = household.id)"
    )
    with op.batch_alter_table("household") as batch:  # the default only filled the rows; 0002 had none
        batch.alter_column(
            "search_text", existing_type=sa.Text(), existing_nullable=False, server_default=None
        )
    op.drop_table("household_search")
