"""quality audit

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 09:54:43.580566
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quality_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=128), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("quiet", sa.Integer(), nullable=False),
        sa.Column("by_rule", sa.JSON(), nullable=False),
        sa.Column("by_village", sa.JSON(), nullable=False),
        sa.Column("milliseconds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_run")),
    )
    op.create_table(
        "quality_verified",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("household_code", sa.String(length=32), nullable=False),
        sa.Column("member_code", sa.String(length=40), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_verified")),
        sa.UniqueConstraint("rule", "household_code", "member_code", name="uq_quality_verified_key"),
    )


def downgrade() -> None:
    op.drop_table("quality_verified")
    op.drop_table("quality_run")
