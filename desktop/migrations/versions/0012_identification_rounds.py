"""identification rounds: 初选 → 村公示 → 乡审核 → 县审定, and the households proposed in each

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identification_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("village_notice_on", sa.Date(), nullable=True),
        sa.Column("village_notice_days", sa.Integer(), nullable=True),
        sa.Column("village_notice_by", sa.String(length=64), nullable=False),
        sa.Column("township_review_on", sa.Date(), nullable=True),
        sa.Column("township_notice_days", sa.Integer(), nullable=True),
        sa.Column("township_review_by", sa.String(length=64), nullable=False),
        sa.Column("county_decision_on", sa.Date(), nullable=True),
        sa.Column("county_decision_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_id"], ["village.id"], name=op.f("fk_identification_round_village_id_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identification_round")),
    )
    with op.batch_alter_table("identification_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identification_round_village_id"), ["village_id"], unique=False)

    op.create_table(
        "identification_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.String(length=64), nullable=False),
        sa.Column("removed_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_identification_entry_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["identification_round.id"],
            name=op.f("fk_identification_entry_round_id_identification_round"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identification_entry")),
        sa.UniqueConstraint("round_id", "household_id", name="uq_identification_entry_round_household"),
    )
    with op.batch_alter_table("identification_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identification_entry_round_id"), ["round_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_identification_entry_household_id"), ["household_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("identification_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identification_entry_household_id"))
        batch_op.drop_index(batch_op.f("ix_identification_entry_round_id"))
    op.drop_table("identification_entry")
    with op.batch_alter_table("identification_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identification_round_village_id"))
    op.drop_table("identification_round")
