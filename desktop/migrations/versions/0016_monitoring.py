"""防返贫监测: risk events, the monthly screening and its proposals, monitoring cases with their dated steps,
the 监测范围 line of each year, income checks; a plan measure may name the risk event it addresses

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 11:00:00

Only new tables and one nullable column: nothing already stored changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# The ceiling as it stood when this revision was written (a migration never reads today's code).
INCOME_FEN = 100_000_000_000


def _stamp(name: str) -> list[sa.Column]:
    return [
        sa.Column(f"{name}_by", sa.String(length=64), nullable=False),
        sa.Column(f"{name}_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "monitoring_line",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("line_fen", sa.BigInteger(), nullable=False),
        *_stamp("set"),
        sa.CheckConstraint(
            f"line_fen BETWEEN 0 AND {INCOME_FEN}", name=op.f("ck_monitoring_line_line_fen_bounded")
        ),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_monitoring_line")),
    )
    op.create_table(
        "risk_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("loss_fen", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_stamp("recorded"),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(length=64), nullable=False),
        sa.Column("void_reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            f"loss_fen BETWEEN 0 AND {INCOME_FEN}", name=op.f("ck_risk_event_loss_fen_bounded")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_risk_event_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_event")),
    )
    op.create_table(
        "screening_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("run_on", sa.Date(), nullable=False),
        sa.Column("run_by", sa.String(length=64), nullable=False),
        sa.Column("proposed", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_run")),
    )
    op.create_table(
        "monitoring_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("case_type", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("included_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closure", sa.String(length=16), nullable=False),
        sa.Column("close_note", sa.Text(), nullable=False),
        *_stamp("created"),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_monitoring_case_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_case")),
    )
    op.create_table(
        "screening_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=8), nullable=False),
        sa.Column("basis_key", sa.String(length=64), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dismiss_reason", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["monitoring_case.id"], name=op.f("fk_screening_proposal_case_id_monitoring_case")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_screening_proposal_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["screening_run.id"], name=op.f("fk_screening_proposal_run_id_screening_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_proposal")),
    )
    op.create_table(
        "case_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=8), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=8), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("notice_days", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_stamp("recorded"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["monitoring_case.id"], name=op.f("fk_case_step_case_id_monitoring_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_step")),
        sa.UniqueConstraint(
            "case_id", "phase", "attempt", "step", name="uq_case_step_case_phase_attempt_step"
        ),
    )
    columns = ("wage_fen", "production_fen", "property_fen", "transfer_fen", "cost_fen", "per_capita_fen")
    op.create_table(
        "income_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        *(sa.Column(c, sa.BigInteger(), nullable=False) for c in columns[:5]),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("per_capita_fen", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_stamp("recorded"),
        *(
            sa.CheckConstraint(
                f"{c} BETWEEN {-INCOME_FEN} AND {INCOME_FEN}", name=op.f(f"ck_income_check_{c}_bounded")
            )
            for c in columns
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_income_check_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_income_check")),
    )
    for table, column in (
        ("risk_event", "household_id"),
        ("screening_run", "month"),
        ("screening_proposal", "run_id"),
        ("screening_proposal", "household_id"),
        ("monitoring_case", "household_id"),
        ("case_step", "case_id"),
        ("income_check", "household_id"),
    ):
        with op.batch_alter_table(table) as batch:
            batch.create_index(batch.f(f"ix_{table}_{column}"), [column], unique=False)
    with op.batch_alter_table("plan_measure") as batch:
        batch.add_column(sa.Column("risk_event_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_plan_measure_risk_event_id_risk_event"), "risk_event", ["risk_event_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("plan_measure") as batch:
        batch.drop_constraint(batch.f("fk_plan_measure_risk_event_id_risk_event"), type_="foreignkey")
        batch.drop_column("risk_event_id")
    for table in (
        "income_check",
        "case_step",
        "screening_proposal",
        "monitoring_case",
        "screening_run",
        "risk_event",
        "monitoring_line",
    ):
        op.drop_table(table)
