"""公益岗位: posts per village, their holders over time, the monthly 考核 and the append-only 工资发放 runs

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 14:00:00

Only new tables: nothing already stored changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# The ceilings as they stood when this revision was written (a migration never reads today's code).
MONTHLY_FEN = 100_000_000
FUND_ENTRY_FEN = 10_000_000_000


def _bounded(table: str, column: str, low: int, high: int) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} BETWEEN {low} AND {high}", name=op.f(f"ck_{table}_{column}_bounded"))


def upgrade() -> None:
    op.create_table(
        "public_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("duty", sa.Text(), nullable=False),
        sa.Column("monthly_pay_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=False),
        sa.Column("close_reason", sa.Text(), nullable=False),
        _bounded("public_post", "monthly_pay_fen", 0, MONTHLY_FEN),
        sa.ForeignKeyConstraint(
            ["village_id"], ["village.id"], name=op.f("fk_public_post_village_id_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_post")),
    )
    with op.batch_alter_table("public_post", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_post_village_id"), ["village_id"], unique=False)

    op.create_table(
        "post_holder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=False),
        sa.Column("open_post_id", sa.Integer(), nullable=True),
        sa.Column("assigned_by", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_by", sa.String(length=64), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_post_holder_household_id_household")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_post_holder_member_id_member")),
        sa.ForeignKeyConstraint(
            ["post_id"], ["public_post.id"], name=op.f("fk_post_holder_post_id_public_post")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_holder")),
        sa.UniqueConstraint("open_post_id", name=op.f("uq_post_holder_open_post_id")),
    )
    with op.batch_alter_table("post_holder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_holder_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_post_holder_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_post_holder_post_id"), ["post_id"], unique=False)

    op.create_table(
        "post_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("holding_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("days_worked", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=4), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["holding_id"], ["post_holder.id"], name=op.f("fk_post_attendance_holding_id_post_holder")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_attendance")),
        sa.UniqueConstraint("holding_id", "month", name="uq_post_attendance_holding_month"),
    )
    with op.batch_alter_table("post_attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_attendance_holding_id"), ["holding_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_post_attendance_month"), ["month"], unique=False)

    op.create_table(
        "post_wage_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("made_by", sa.String(length=64), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        _bounded("post_wage_run", "total_fen", -FUND_ENTRY_FEN, FUND_ENTRY_FEN),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["post_wage_run.id"], name=op.f("fk_post_wage_run_reverses_id_post_wage_run")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["village.id"], name=op.f("fk_post_wage_run_village_id_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_wage_run")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_post_wage_run_reverses_id")),
        sa.UniqueConstraint("village_id", "month", "attempt", name="uq_post_wage_run_village_month_attempt"),
    )
    with op.batch_alter_table("post_wage_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_wage_run_month"), ["month"], unique=False)
        batch_op.create_index(batch_op.f("ix_post_wage_run_village_id"), ["village_id"], unique=False)

    op.create_table(
        "post_wage_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("holding_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("monthly_pay_fen", sa.BigInteger(), nullable=False),
        sa.Column("days_held", sa.Integer(), nullable=False),
        sa.Column("days_in_month", sa.Integer(), nullable=False),
        sa.Column("days_worked", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=4), nullable=False),
        sa.Column("pay_fen", sa.BigInteger(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        _bounded("post_wage_line", "pay_fen", -MONTHLY_FEN, MONTHLY_FEN),
        _bounded("post_wage_line", "monthly_pay_fen", 0, MONTHLY_FEN),
        sa.ForeignKeyConstraint(
            ["holding_id"], ["post_holder.id"], name=op.f("fk_post_wage_line_holding_id_post_holder")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_post_wage_line_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["public_post.id"], name=op.f("fk_post_wage_line_post_id_public_post")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["post_wage_run.id"], name=op.f("fk_post_wage_line_run_id_post_wage_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_wage_line")),
    )
    with op.batch_alter_table("post_wage_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_wage_line_holding_id"), ["holding_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_post_wage_line_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("post_wage_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_wage_line_run_id"))
        batch_op.drop_index(batch_op.f("ix_post_wage_line_holding_id"))
    op.drop_table("post_wage_line")
    with op.batch_alter_table("post_wage_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_wage_run_village_id"))
        batch_op.drop_index(batch_op.f("ix_post_wage_run_month"))
    op.drop_table("post_wage_run")
    with op.batch_alter_table("post_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_attendance_month"))
        batch_op.drop_index(batch_op.f("ix_post_attendance_holding_id"))
    op.drop_table("post_attendance")
    with op.batch_alter_table("post_holder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_holder_post_id"))
        batch_op.drop_index(batch_op.f("ix_post_holder_member_id"))
        batch_op.drop_index(batch_op.f("ix_post_holder_household_id"))
    op.drop_table("post_holder")
    with op.batch_alter_table("public_post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_post_village_id"))
    op.drop_table("public_post")
