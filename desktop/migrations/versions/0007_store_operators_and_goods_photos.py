"""store operators and goods photos

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 10:24:57.583824
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_store",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_user_store_store_id_store")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_user_store_user_id_app_user")),
        sa.PrimaryKeyConstraint("user_id", "store_id", name=op.f("pk_user_store")),
    )
    with op.batch_alter_table("goods", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("goods", schema=None) as batch_op:
        batch_op.drop_column("photo")

    op.drop_table("user_store")
