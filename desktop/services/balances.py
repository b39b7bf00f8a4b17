"""The one mechanism every cached balance (points, stock, fund) moves by."""

from __future__ import annotations

from sqlalchemy import ColumnElement, update
from sqlalchemy.orm import InstrumentedAttribute, Session


def add_unless_negative(
    session: Session, column: InstrumentedAttribute, where: ColumnElement[bool], amount: int
) -> bool:
    """`column += amount` on the row `where` selects, unless the result would be negative. One conditional
    UPDATE, atomic on SQLite and PostgreSQL (no read-then-write race); False when refused or no such row."""
    table = column.class_
    return bool(
        session.execute(
            update(table).where(where, column + amount >= 0).values({column.key: column + amount})
        ).rowcount
    )
