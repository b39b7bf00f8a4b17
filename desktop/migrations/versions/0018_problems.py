"""问题整改台账: problems, their append-only history and their evidence files

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-20 10:00:00

Three new tables; nothing existing changes. Evidence files are rows of `attachment` (item_id and visit_id both
empty) linked by problem_evidence.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(length=64), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=64), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("origin_rule", sa.String(length=64), nullable=False),
        sa.Column("origin_household", sa.String(length=32), nullable=False),
        sa.Column("origin_person", sa.String(length=40), nullable=False),
        sa.Column("origin_open", sa.String(length=140), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_problem_household_id_household")
        ),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name=op.f("fk_problem_village_id_village")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem")),
        sa.UniqueConstraint("origin_open", name=op.f("uq_problem_origin_open")),
    )
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_problem_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_problem_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_problem_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_problem_village_id"), ["village_id"], unique=False)

    op.create_table(
        "problem_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("state_from", sa.String(length=12), nullable=False),
        sa.Column("state_to", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["problem_id"], ["problem.id"], name=op.f("fk_problem_event_problem_id_problem")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_event")),
    )
    with op.batch_alter_table("problem_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_problem_event_problem_id"), ["problem_id"], unique=False)

    op.create_table(
        "problem_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"], ["attachment.id"], name=op.f("fk_problem_evidence_attachment_id_attachment")
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"], ["problem.id"], name=op.f("fk_problem_evidence_problem_id_problem")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_evidence")),
        sa.UniqueConstraint("attachment_id", name=op.f("uq_problem_evidence_attachment_id")),
    )
    with op.batch_alter_table("problem_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_problem_evidence_problem_id"), ["problem_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("problem_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problem_evidence_problem_id"))
    op.drop_table("problem_evidence")
    with op.batch_alter_table("problem_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problem_event_problem_id"))
    op.drop_table("problem_event")
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problem_village_id"))
        batch_op.drop_index(batch_op.f("ix_problem_state"))
        batch_op.drop_index(batch_op.f("ix_problem_household_id"))
        batch_op.drop_index(batch_op.f("ix_problem_deadline"))
    op.drop_table("problem")
