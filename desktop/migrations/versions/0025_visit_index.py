"""visit: an index on (household_id, visited_on), so the year's visits per village are counted from the index
(帮扶计划's overview, 遍访) instead of reading every visit row (issue 21)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 22:30:00

Only an index: nothing stored changes.
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_visit_household_visited", "visit", ["household_id", "visited_on"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_visit_household_visited", table_name="visit")
