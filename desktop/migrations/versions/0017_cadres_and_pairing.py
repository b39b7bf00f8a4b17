"""帮扶干部: the cadre registry, the pairing of cadres with households, and a visit's cadre and post

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 11:00:00

A visit recorded before the registry keeps its free-text visitor: cadre_id stays empty and visitor_post is "".
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cadre",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("unit_kind", sa.String(length=8), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("post", sa.String(length=16), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column("active_from", sa.Date(), nullable=True),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name=op.f("fk_cadre_village_id_village")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cadre")),
    )
    with op.batch_alter_table("cadre", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cadre_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_cadre_village_id"), ["village_id"], unique=False)

    op.create_table(
        "cadre_pairing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("end_reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_by", sa.String(length=64), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["cadre_id"], ["cadre.id"], name=op.f("fk_cadre_pairing_cadre_id_cadre")),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_cadre_pairing_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cadre_pairing")),
    )
    with op.batch_alter_table("cadre_pairing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cadre_pairing_cadre_id"), ["cadre_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cadre_pairing_household_id"), ["household_id"], unique=False)

    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cadre_id", sa.Integer(), nullable=True))
        # the old visits get "" (no post known); the default goes again below, as the model has none
        batch_op.add_column(
            sa.Column("visitor_post", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_visit_cadre_id"), ["cadre_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_visit_cadre_id_cadre"), "cadre", ["cadre_id"], ["id"])
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.alter_column("visitor_post", server_default=None, existing_type=sa.String(length=16))


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_visit_cadre_id_cadre"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_visit_cadre_id"))
        batch_op.drop_column("visitor_post")
        batch_op.drop_column("cadre_id")
    with op.batch_alter_table("cadre_pairing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cadre_pairing_household_id"))
        batch_op.drop_index(batch_op.f("ix_cadre_pairing_cadre_id"))
    op.drop_table("cadre_pairing")
    with op.batch_alter_table("cadre", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cadre_village_id"))
        batch_op.drop_index(batch_op.f("ix_cadre_name"))
    op.drop_table("cadre")
