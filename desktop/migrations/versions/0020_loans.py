"""扶贫小额信贷: loans, their append-only ledger (还款, 贴息, 冲正) and their 展期/续贷

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-22 10:00:00

Three new tables; nothing existing changes. The ceilings are written out (not imported from the models) so the
migration keeps saying what it said when it was written.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

LOAN_FEN = 100_000_000
RATE_BP = 10_000


def _bounded(table: str, column: str, low: int, high: int) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} BETWEEN {low} AND {high}", name=op.f(f"ck_{table}_{column}_bounded"))


def upgrade() -> None:
    op.create_table(
        "loan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("bank", sa.String(length=40), nullable=False),
        sa.Column("contract_no", sa.String(length=40), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("rate_bp", sa.Integer(), nullable=False),
        sa.Column("subsidy_rate_bp", sa.Integer(), nullable=False),
        sa.Column("subsidy_payer", sa.String(length=40), nullable=False),
        sa.Column("use", sa.String(length=8), nullable=False),
        sa.Column("enterprise", sa.String(length=64), nullable=False),
        sa.Column("guarantee", sa.String(length=64), nullable=False),
        sa.Column("credit_grade", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("override_by", sa.String(length=64), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("override_refusals", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _bounded("loan", "amount_fen", 1, LOAN_FEN),
        _bounded("loan", "rate_bp", 0, RATE_BP),
        _bounded("loan", "subsidy_rate_bp", 0, RATE_BP),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_loan_household_id_household")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_loan_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan")),
        sa.UniqueConstraint("bank", "contract_no", name="uq_loan_bank_contract_no"),
    )
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loan_bank"), ["bank"], unique=False)
        batch_op.create_index(batch_op.f("ix_loan_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_loan_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_loan_member_id"), ["member_id"], unique=False)

    op.create_table(
        "loan_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("principal_fen", sa.BigInteger(), nullable=False),
        sa.Column("interest_fen", sa.BigInteger(), nullable=False),
        sa.Column("subsidy_fen", sa.BigInteger(), nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("payer", sa.String(length=40), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _bounded("loan_entry", "principal_fen", -LOAN_FEN, LOAN_FEN),
        _bounded("loan_entry", "interest_fen", -LOAN_FEN, LOAN_FEN),
        _bounded("loan_entry", "subsidy_fen", -LOAN_FEN, LOAN_FEN),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_loan_entry_loan_id_loan")),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["loan_entry.id"], name=op.f("fk_loan_entry_reverses_id_loan_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_entry")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_loan_entry_reverses_id")),
    )
    with op.batch_alter_table("loan_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loan_entry_loan_id"), ["loan_id"], unique=False)

    op.create_table(
        "loan_extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("old_due_on", sa.Date(), nullable=False),
        sa.Column("new_due_on", sa.Date(), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("document_no", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_loan_extension_loan_id_loan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_extension")),
    )
    with op.batch_alter_table("loan_extension", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loan_extension_loan_id"), ["loan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("loan_extension", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_extension_loan_id"))
    op.drop_table("loan_extension")
    with op.batch_alter_table("loan_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_entry_loan_id"))
    op.drop_table("loan_entry")
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_member_id"))
        batch_op.drop_index(batch_op.f("ix_loan_household_id"))
        batch_op.drop_index(batch_op.f("ix_loan_due_on"))
        batch_op.drop_index(batch_op.f("ix_loan_bank"))
    op.drop_table("loan")
