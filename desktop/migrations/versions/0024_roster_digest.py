"""roster_digest: per household, a digest of its rows in the roster last imported, so a re-import skips the
households whose rows did not change (issue 21)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 17:00:00

Only a new table: nothing already stored changes. An empty table means "compare every household in full",
which is what the first import after this revision does.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roster_digest",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_roster_digest_household_id_household")
        ),
        sa.PrimaryKeyConstraint("household_id", name=op.f("pk_roster_digest")),
    )


def downgrade() -> None:
    op.drop_table("roster_digest")
