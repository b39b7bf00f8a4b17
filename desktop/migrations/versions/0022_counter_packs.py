"""The village counter offline: packs out, their households, merge conflicts, the office key; at the village the
pack's own row and its event chain

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 16:41:28

Only new tables: nothing already stored changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counter_event",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("prev", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_counter_event")),
    )
    op.create_table(
        "counter_local",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_uid", sa.String(length=32), nullable=False),
        sa.Column("pack_id", sa.Integer(), nullable=False),
        sa.Column("store_code", sa.String(length=16), nullable=False),
        sa.Column("township", sa.String(length=64), nullable=False),
        sa.Column("packed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("device", sa.String(length=32), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_local")),
    )
    op.create_table(
        "office_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("private_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_key")),
    )
    op.create_table(
        "counter_pack",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("packed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("packed_by", sa.String(length=64), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("device", sa.String(length=32), nullable=False),
        sa.Column("merged_count", sa.Integer(), nullable=False),
        sa.Column("merged_head", sa.String(length=64), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=False),
        sa.Column("close_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_counter_pack_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_pack")),
        sa.UniqueConstraint("uid", name=op.f("uq_counter_pack_uid")),
    )
    with op.batch_alter_table("counter_pack", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_counter_pack_store_id"), ["store_id"], unique=False)

    op.create_table(
        "counter_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("household_code", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("balance_points", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.JSON(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pack_id"], ["counter_pack.id"], name=op.f("fk_counter_conflict_pack_id_counter_pack")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_conflict")),
    )
    with op.batch_alter_table("counter_conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_counter_conflict_pack_id"), ["pack_id"], unique=False)

    op.create_table(
        "counter_merged",
        sa.Column("pack_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["pack_id"], ["counter_pack.id"], name=op.f("fk_counter_merged_pack_id_counter_pack")
        ),
        sa.PrimaryKeyConstraint("pack_id", "seq", name=op.f("pk_counter_merged")),
    )
    op.create_table(
        "counter_pack_household",
        sa.Column("pack_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("balance_points", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_counter_pack_household_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["pack_id"], ["counter_pack.id"], name=op.f("fk_counter_pack_household_pack_id_counter_pack")
        ),
        sa.PrimaryKeyConstraint("pack_id", "household_id", name=op.f("pk_counter_pack_household")),
    )
    with op.batch_alter_table("counter_pack_household", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_counter_pack_household_household_id"), ["household_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("counter_pack_household", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counter_pack_household_household_id"))

    op.drop_table("counter_pack_household")
    op.drop_table("counter_merged")
    with op.batch_alter_table("counter_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counter_conflict_pack_id"))

    op.drop_table("counter_conflict")
    with op.batch_alter_table("counter_pack", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counter_pack_store_id"))

    op.drop_table("counter_pack")
    op.drop_table("office_key")
    op.drop_table("counter_local")
    op.drop_table("counter_event")
