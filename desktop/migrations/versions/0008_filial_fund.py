"""filial fund

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 10:35:34.349327
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "filial_fund",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("elder_age", sa.Integer(), nullable=False),
        sa.Column("match_percent", sa.Integer(), nullable=False),
        sa.Column("match_cap_fen", sa.BigInteger(), nullable=False),
        sa.Column("payout_day", sa.Integer(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_filial_fund_balance_not_negative")),
        sa.ForeignKeyConstraint(
            ["village_id"], ["village.id"], name=op.f("fk_filial_fund_village_id_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filial_fund")),
        sa.UniqueConstraint("village_id", name=op.f("uq_filial_fund_village_id")),
    )
    op.create_table(
        "fund_board_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["filial_fund.id"], name=op.f("fk_fund_board_member_fund_id_filial_fund")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_board_member")),
    )
    with op.batch_alter_table("fund_board_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_board_member_fund_id"), ["fund_id"], unique=False)

    op.create_table(
        "supporter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("elder_member_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=32), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("workplace", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["elder_member_id"], ["member.id"], name=op.f("fk_supporter_elder_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["filial_fund.id"], name=op.f("fk_supporter_fund_id_filial_fund")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supporter")),
    )
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supporter_elder_member_id"), ["elder_member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supporter_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supporter_id_number"), ["id_number"], unique=False)

    op.create_table(
        "fund_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("supporter_id", sa.Integer(), nullable=True),
        sa.Column("elder_member_id", sa.Integer(), nullable=True),
        sa.Column("months", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("receipt_no", sa.String(length=32), nullable=False),
        sa.Column("donor", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("batch", sa.String(length=40), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["elder_member_id"], ["member.id"], name=op.f("fk_fund_entry_elder_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["filial_fund.id"], name=op.f("fk_fund_entry_fund_id_filial_fund")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["fund_entry.id"], name=op.f("fk_fund_entry_reverses_id_fund_entry")
        ),
        sa.ForeignKeyConstraint(
            ["supporter_id"], ["supporter.id"], name=op.f("fk_fund_entry_supporter_id_supporter")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_entry")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_fund_entry_reverses_id")),
    )
    with op.batch_alter_table("fund_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_entry_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_entry_batch"), ["batch"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_entry_elder_member_id"), ["elder_member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_entry_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_entry_supporter_id"), ["supporter_id"], unique=False)

    op.create_table(
        "pledge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supporter_id", sa.Integer(), nullable=False),
        sa.Column("monthly_fen", sa.BigInteger(), nullable=False),
        sa.Column("start_month", sa.String(length=7), nullable=False),
        sa.Column("end_month", sa.String(length=7), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("witness", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("scan", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["supporter_id"], ["supporter.id"], name=op.f("fk_pledge_supporter_id_supporter")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge")),
    )
    with op.batch_alter_table("pledge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pledge_supporter_id"), ["supporter_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pledge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_supporter_id"))

    op.drop_table("pledge")
    with op.batch_alter_table("fund_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_entry_supporter_id"))
        batch_op.drop_index(batch_op.f("ix_fund_entry_fund_id"))
        batch_op.drop_index(batch_op.f("ix_fund_entry_elder_member_id"))
        batch_op.drop_index(batch_op.f("ix_fund_entry_batch"))
        batch_op.drop_index(batch_op.f("ix_fund_entry_at"))

    op.drop_table("fund_entry")
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supporter_id_number"))
        batch_op.drop_index(batch_op.f("ix_supporter_fund_id"))
        batch_op.drop_index(batch_op.f("ix_supporter_elder_member_id"))

    op.drop_table("supporter")
    with op.batch_alter_table("fund_board_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_board_member_fund_id"))

    op.drop_table("fund_board_member")
    op.drop_table("filial_fund")
