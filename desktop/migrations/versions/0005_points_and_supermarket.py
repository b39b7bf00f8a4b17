"""points and supermarket

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 10:05:49.806581
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column("receipt_width_mm", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], name=op.f("fk_store_village_id_village")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store")),
        sa.UniqueConstraint("code", name=op.f("uq_store_code")),
    )
    op.create_table(
        "goods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("price_points", sa.Integer(), nullable=False),
        sa.Column("barcode", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("price_points > 0", name=op.f("ck_goods_price_positive")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_goods_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goods")),
        sa.UniqueConstraint("store_id", "code", name="uq_goods_store_code"),
    )
    with op.batch_alter_table("goods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goods_barcode"), ["barcode"], unique=False)
        batch_op.create_index(batch_op.f("ix_goods_store_id"), ["store_id"], unique=False)

    op.create_table(
        "points_account",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_points_account_balance_not_negative")),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_points_account_household_id_household")
        ),
        sa.PrimaryKeyConstraint("household_id", name=op.f("pk_points_account")),
    )
    op.create_table(
        "points_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_points_entry_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["points_entry.id"], name=op.f("fk_points_entry_reverses_id_points_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_entry")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_points_entry_reverses_id")),
    )
    with op.batch_alter_table("points_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_points_entry_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_points_entry_household_id"), ["household_id"], unique=False)

    op.create_table(
        "redemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reversed_by", sa.String(length=64), nullable=False),
        sa.Column("reversal_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_redemption_household_id_household")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_redemption_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redemption")),
        sa.UniqueConstraint("number", name=op.f("uq_redemption_number")),
    )
    with op.batch_alter_table("redemption", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_redemption_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_redemption_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_redemption_store_id"), ["store_id"], unique=False)

    op.create_table(
        "redemption_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("redemption_id", sa.Integer(), nullable=False),
        sa.Column("goods_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("price_points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["goods_id"], ["goods.id"], name=op.f("fk_redemption_line_goods_id_goods")),
        sa.ForeignKeyConstraint(
            ["redemption_id"], ["redemption.id"], name=op.f("fk_redemption_line_redemption_id_redemption")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redemption_line")),
    )
    with op.batch_alter_table("redemption_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_redemption_line_redemption_id"), ["redemption_id"], unique=False)

    op.create_table(
        "stock_level",
        sa.Column("goods_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_stock_level_quantity_not_negative")),
        sa.ForeignKeyConstraint(["goods_id"], ["goods.id"], name=op.f("fk_stock_level_goods_id_goods")),
        sa.PrimaryKeyConstraint("goods_id", name=op.f("pk_stock_level")),
    )
    op.create_table(
        "stock_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goods_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("value_fen", sa.BigInteger(), nullable=False),
        sa.Column("donor", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("redemption_id", sa.Integer(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["goods_id"], ["goods.id"], name=op.f("fk_stock_movement_goods_id_goods")),
        sa.ForeignKeyConstraint(
            ["redemption_id"], ["redemption.id"], name=op.f("fk_stock_movement_redemption_id_redemption")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["stock_movement.id"], name=op.f("fk_stock_movement_reverses_id_stock_movement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movement")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_stock_movement_reverses_id")),
    )
    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_movement_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_stock_movement_goods_id"), ["goods_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stock_movement_redemption_id"), ["redemption_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_movement_redemption_id"))
        batch_op.drop_index(batch_op.f("ix_stock_movement_goods_id"))
        batch_op.drop_index(batch_op.f("ix_stock_movement_at"))

    op.drop_table("stock_movement")
    op.drop_table("stock_level")
    with op.batch_alter_table("redemption_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redemption_line_redemption_id"))

    op.drop_table("redemption_line")
    with op.batch_alter_table("redemption", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redemption_store_id"))
        batch_op.drop_index(batch_op.f("ix_redemption_household_id"))
        batch_op.drop_index(batch_op.f("ix_redemption_at"))

    op.drop_table("redemption")
    with op.batch_alter_table("points_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_points_entry_household_id"))
        batch_op.drop_index(batch_op.f("ix_points_entry_at"))

    op.drop_table("points_entry")
    op.drop_table("points_account")
    with op.batch_alter_table("goods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goods_store_id"))
        batch_op.drop_index(batch_op.f("ix_goods_barcode"))

    op.drop_table("goods")
    op.drop_table("store")
