"""fund elders and store settlement: a fund's confirmed match and elder scope, 子女赡养能力认定 per elder, and a
commercial shop's rate, funding source and owner

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-10 12:00:00

A fund whose match is still the software's old default (10 %, 30 元 a month) is marked unconfirmed: it books no
match until someone confirms or changes it. Every other fund's figures were set on purpose and stand.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

POINT_RATE_FEN = 10_000  # as desktop.models.points stood when this revision was written


def upgrade() -> None:
    with op.batch_alter_table("filial_fund") as batch:
        batch.add_column(
            sa.Column("match_confirmed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("all_households", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        sa.text(
            "UPDATE filial_fund SET match_confirmed = :yes WHERE NOT (match_percent = 10 AND match_cap_fen = 3000)"
        ).bindparams(yes=True)
    )
    with op.batch_alter_table("store") as batch:
        batch.add_column(sa.Column("commercial", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("point_rate_fen", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("funding_source", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("owner", sa.String(length=64), nullable=False, server_default=""))
        batch.create_check_constraint(
            op.f("ck_store_point_rate_fen_bounded"), f"point_rate_fen BETWEEN 0 AND {POINT_RATE_FEN}"
        )
    op.create_table(
        "support_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("finding", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("found_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_support_finding_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_finding")),
    )
    with op.batch_alter_table("support_finding") as batch:
        batch.create_index(batch.f("ix_support_finding_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("support_finding") as batch:
        batch.drop_index(batch.f("ix_support_finding_member_id"))
    op.drop_table("support_finding")
    with op.batch_alter_table("store") as batch:
        batch.drop_constraint(op.f("ck_store_point_rate_fen_bounded"), type_="check")
        for column in ("owner", "funding_source", "point_rate_fen", "commercial"):
            batch.drop_column(column)
    with op.batch_alter_table("filial_fund") as batch:
        batch.drop_column("all_households")
        batch.drop_column("match_confirmed")
