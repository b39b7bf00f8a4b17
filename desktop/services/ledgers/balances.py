"""The one mechanism every cached balance (points, stock, fund) moves by."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, bindparam, event, update
from sqlalchemy.orm import InstrumentedAttribute, Session


def add_unless_negative(
    session: Session, column: InstrumentedAttribute, where: ColumnElement[bool], amount: int
) -> bool:
    """`column += amount` on the row `where` selects, unless the result would be negative. One conditional
    UPDATE, atomic on SQLite and PostgreSQL (no read-then-write race); False when refused or no such row.

    The row stays locked until the transaction ends; it is noted as such (`holds_lock`), so the ledger chain
    need not lock it again before reading the account's newest entry."""
    table = column.class_
    key = table.__table__.primary_key.columns  # type: ignore[attr-defined]
    rows = session.execute(
        update(table).where(where, column + amount >= 0).values({column.key: column + amount}).returning(*key)
    ).all()
    held = session.info.setdefault(LOCKED, set())
    held.update((table.__tablename__, row[0]) for row in rows)  # type: ignore[attr-defined]
    return bool(rows)


LOCKED = "balances.locked"  # session.info: the balance rows this transaction has updated, (table, key)


def holds_lock(session: Session, table: str, key: object) -> bool:
    return (table, key) in session.info.get(LOCKED, ())


@event.listens_for(Session, "after_begin")
def _forget_locks(session: Session, _transaction, _connection) -> None:
    session.info.pop(LOCKED, None)


_CHANGES: dict[InstrumentedAttribute, Any] = {}  # column → its conditional UPDATE, built once


def change_unless_negative(
    session: Session, column: InstrumentedAttribute, key: InstrumentedAttribute, value: object, amount: int
) -> int | None:
    """add_unless_negative on the row whose primary key `key` is `value`, by a statement built once per column
    (a counter runs it at every redemption): the new value, or None when refused or no such row."""
    statement = _CHANGES.get(column)
    if statement is None:
        table = column.class_.__table__  # type: ignore[attr-defined]
        target, where = table.c[column.key], table.c[key.key]
        statement = _CHANGES[column] = (
            update(table)
            .where(where == bindparam("key"), target + bindparam("amount") >= 0)
            .values({target: target + bindparam("amount")})
            .returning(target)
        )
    found = session.connection().execute(statement, {"key": value, "amount": amount}).first()
    if found is None:
        return None
    session.info.setdefault(LOCKED, set()).add((column.class_.__tablename__, value))  # type: ignore[attr-defined]
    return found[0]
