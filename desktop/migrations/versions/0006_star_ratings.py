"""star ratings

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 10:11:46.715108
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "star_catalog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("stars", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_star_catalog")),
    )
    op.create_table(
        "rating_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("catalog_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("cap_points", sa.Integer(), nullable=True),
        sa.Column("notice_start", sa.Date(), nullable=True),
        sa.Column("notice_end", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["catalog_id"], ["star_catalog.id"], name=op.f("fk_rating_round_catalog_id_star_catalog")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["village.id"], name=op.f("fk_rating_round_village_id_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_round")),
        sa.UniqueConstraint("village_id", "period", name="uq_rating_round_village_period"),
    )
    with op.batch_alter_table("rating_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rating_round_village_id"), ["village_id"], unique=False)

    op.create_table(
        "rating_objection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("raised_by", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.String(length=64), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_rating_objection_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rating_round.id"], name=op.f("fk_rating_objection_round_id_rating_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_objection")),
    )
    with op.batch_alter_table("rating_objection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rating_objection_round_id"), ["round_id"], unique=False)

    op.create_table(
        "rating_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("stars", sa.JSON(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_rating_result_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rating_round.id"], name=op.f("fk_rating_result_round_id_rating_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_result")),
        sa.UniqueConstraint("round_id", "household_id", name="uq_rating_result_round_household"),
    )
    with op.batch_alter_table("rating_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rating_result_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rating_result_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rating_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rating_result_round_id"))
        batch_op.drop_index(batch_op.f("ix_rating_result_household_id"))

    op.drop_table("rating_result")
    with op.batch_alter_table("rating_objection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rating_objection_round_id"))

    op.drop_table("rating_objection")
    with op.batch_alter_table("rating_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rating_round_village_id"))

    op.drop_table("rating_round")
    op.drop_table("star_catalog")
