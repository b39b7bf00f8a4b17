"""项目库: projects, their funds by source, beneficiary villages and households, 绩效目标, the append-only step
history, contracts, disbursements (append-only, reversed by a row of their own) and the notices posted

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 13:34:20

Nine new tables; nothing existing changes. Scanned papers are rows of `attachment` (item_id and visit_id both
empty) linked from project_step and disbursement.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("rolling_from", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("township_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("scale", sa.String(length=200), nullable=False),
        sa.Column("implementer", sa.String(length=120), nullable=False),
        sa.Column("supervisor", sa.String(length=64), nullable=False),
        sa.Column("supervisor_phone", sa.String(length=32), nullable=False),
        sa.Column("benefit_note", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["township_id"], ["township.id"], name=op.f("fk_project_township_id_township")
        ),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name=op.f("fk_project_village_id_village")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
    )
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_township_id"), ["township_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_village_id"), ["village_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_year"), ["year"], unique=False)

    op.create_table(
        "project_beneficiary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_project_beneficiary_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_beneficiary_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_beneficiary")),
        sa.UniqueConstraint("project_id", "household_id", name=op.f("uq_project_beneficiary_project_id")),
    )
    with op.batch_alter_table("project_beneficiary", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_beneficiary_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_project_beneficiary_project_id"), ["project_id"], unique=False)

    op.create_table(
        "project_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("party", sa.String(length=120), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_contract_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_contract")),
    )
    with op.batch_alter_table("project_contract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_contract_project_id"), ["project_id"], unique=False)

    op.create_table(
        "project_funding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_funding_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_funding")),
        sa.UniqueConstraint("project_id", "source", name=op.f("uq_project_funding_project_id")),
    )
    with op.batch_alter_table("project_funding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_funding_project_id"), ["project_id"], unique=False)

    op.create_table(
        "project_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("actual", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_indicator_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_indicator")),
    )
    with op.batch_alter_table("project_indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_indicator_project_id"), ["project_id"], unique=False)

    op.create_table(
        "project_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("board", sa.String(length=12), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_notice_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["village.id"], name=op.f("fk_project_notice_village_id_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_notice")),
    )
    with op.batch_alter_table("project_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_notice_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_notice_year"), ["year"], unique=False)

    op.create_table(
        "project_village",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_village_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["village.id"], name=op.f("fk_project_village_village_id_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_village")),
        sa.UniqueConstraint("project_id", "village_id", name=op.f("uq_project_village_project_id")),
    )
    with op.batch_alter_table("project_village", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_village_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_village_village_id"), ["village_id"], unique=False)

    op.create_table(
        "disbursement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("progress_percent", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.String(length=200), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"], ["attachment.id"], name=op.f("fk_disbursement_attachment_id_attachment")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["project_contract.id"],
            name=op.f("fk_disbursement_contract_id_project_contract"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_disbursement_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["disbursement.id"], name=op.f("fk_disbursement_reverses_id_disbursement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disbursement")),
        sa.UniqueConstraint("attachment_id", name=op.f("uq_disbursement_attachment_id")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_disbursement_reverses_id")),
    )
    with op.batch_alter_table("disbursement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disbursement_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disbursement_paid_on"), ["paid_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_disbursement_project_id"), ["project_id"], unique=False)

    op.create_table(
        "project_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("state_from", sa.String(length=8), nullable=False),
        sa.Column("state_to", sa.String(length=8), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"], ["attachment.id"], name=op.f("fk_project_step_attachment_id_attachment")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_step_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_step")),
        sa.UniqueConstraint("attachment_id", name=op.f("uq_project_step_attachment_id")),
    )
    with op.batch_alter_table("project_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_step_project_id"), ["project_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("project_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_step_project_id"))

    op.drop_table("project_step")
    with op.batch_alter_table("disbursement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disbursement_project_id"))
        batch_op.drop_index(batch_op.f("ix_disbursement_paid_on"))
        batch_op.drop_index(batch_op.f("ix_disbursement_contract_id"))

    op.drop_table("disbursement")
    with op.batch_alter_table("project_village", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_village_village_id"))
        batch_op.drop_index(batch_op.f("ix_project_village_project_id"))

    op.drop_table("project_village")
    with op.batch_alter_table("project_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_notice_year"))
        batch_op.drop_index(batch_op.f("ix_project_notice_project_id"))

    op.drop_table("project_notice")
    with op.batch_alter_table("project_indicator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_indicator_project_id"))

    op.drop_table("project_indicator")
    with op.batch_alter_table("project_funding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_funding_project_id"))

    op.drop_table("project_funding")
    with op.batch_alter_table("project_contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_contract_project_id"))

    op.drop_table("project_contract")
    with op.batch_alter_table("project_beneficiary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_beneficiary_project_id"))
        batch_op.drop_index(batch_op.f("ix_project_beneficiary_household_id"))

    op.drop_table("project_beneficiary")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_year"))
        batch_op.drop_index(batch_op.f("ix_project_village_id"))
        batch_op.drop_index(batch_op.f("ix_project_township_id"))
        batch_op.drop_index(batch_op.f("ix_project_state"))

    op.drop_table("project")
