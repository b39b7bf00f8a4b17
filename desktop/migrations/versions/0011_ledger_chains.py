"""ledger chains: points, stock and fund entries hash-chained per account (seq, digest)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00

The entries already booked are linked in the order they were booked (by id), per household, goods and fund,
with the same hash desktop.services.ledgers.ledger_chain computes for new entries (frozen here: a migration never
reads today's code).
"""

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

START = "0" * 64
TIME = {"at"}
JSON = {"months", "extra"}
TEXT = {"kind", "reason", "operator", "source", "donor", "method", "receipt_no", "batch"}
# table → (account column, hashed fields in order)
CHAINS = {
    "points_entry": (
        "household_id",
        ("household_id", "kind", "amount", "reason", "operator", "at", "source", "reverses_id"),
    ),
    "stock_movement": (
        "goods_id",
        (
            "goods_id",
            "kind",
            "quantity",
            "value_fen",
            "donor",
            "reason",
            "operator",
            "at",
            "redemption_id",
            "reverses_id",
        ),
    ),
    "fund_entry": (
        "fund_id",
        (
            "fund_id",
            "kind",
            "amount",
            "supporter_id",
            "elder_member_id",
            "months",
            "method",
            "receipt_no",
            "donor",
            "reason",
            "batch",
            "operator",
            "at",
            "reverses_id",
            "extra",
        ),
    ),
}


def _column(name: str) -> sa.Column:
    if name in TIME:
        return sa.column(name, sa.DateTime(timezone=True))
    if name in JSON:
        return sa.column(name, sa.JSON())
    return sa.column(name, sa.Text() if name in TEXT else sa.BigInteger())


def _plain(value):
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return value


def _digest(table: str, prev: str, seq: int, values: list) -> str:
    payload = json.dumps(
        [table, prev, seq, [_plain(v) for v in values]],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _link(bind: sa.Connection, name: str, account: str, fields: tuple[str, ...]) -> None:
    table = sa.table(name, sa.column("id", sa.BigInteger()), *[_column(f) for f in fields])
    rows = bind.execute(
        sa.select(table.c.id, *[table.c[f] for f in fields]).order_by(table.c[account], table.c.id)
    )
    at = 1 + fields.index(account)
    changes, current, seq, prev = [], None, 0, START
    for row in rows.all():
        if row[at] != current:
            current, seq, prev = row[at], 0, START
        seq += 1
        prev = _digest(name, prev, seq, list(row[1:]))
        changes.append({"entry": row[0], "seq": seq, "digest": prev})
    if changes:
        bind.execute(
            sa.text(f"UPDATE {name} SET seq = :seq, digest = :digest WHERE id = :entry"),
            changes,
        )


def upgrade() -> None:
    for name in CHAINS:
        op.add_column(name, sa.Column("seq", sa.Integer(), nullable=True))
        op.add_column(name, sa.Column("digest", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    for name, (account, fields) in CHAINS.items():
        _link(bind, name, account, fields)
    for name, (account, _fields) in CHAINS.items():
        with op.batch_alter_table(name) as batch:
            batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
            batch.alter_column("digest", existing_type=sa.String(length=64), nullable=False)
            batch.create_index(f"ix_{name}_chain", [account, "seq"], unique=True)


def downgrade() -> None:
    for name in CHAINS:
        with op.batch_alter_table(name) as batch:
            batch.drop_index(f"ix_{name}_chain")
            batch.drop_column("digest")
            batch.drop_column("seq")
