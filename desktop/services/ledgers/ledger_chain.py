"""The points, stock and fund ledgers, hash-chained per account like the audit log.

Each entry carries `seq` (its number in its account's ledger: a household's points, one goods' stock, one
fund) and `digest`, the SHA-256 of the previous entry's digest and this entry's content. An edited entry, or a
deleted or inserted one, breaks its account's chain, so `check` finds an entry changed together with its
balance. The chains are per account, not one for the whole table: an entry links to the previous entry of the
same account, whose balance row the writer has already locked (the conditional UPDATE of
desktop.services.ledgers.balances), so counters serving different households never wait on each other for the chain.

Entries get their link when the session flushes them (a before_flush hook, registered on import: every
service that writes a ledger also writes the audit log, which imports this module), so no writer can forget
it. Bulk inserts that bypass the ORM use `link_rows`; a rewrite of old rows (the demo dates its baskets back)
re-links them with `relink`. `check` compares each account's newest entry in every backup with the live one
(desktop.services.system.backup), which anchors the chains outside the database.

The hashed content of each table is frozen here and in migration 0011, which linked the rows that existed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, bindparam, event, inspect, literal_column, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from desktop.models import (
    FilialFund,
    FundEntry,
    Goods,
    Household,
    PointsAccount,
    PointsEntry,
    StockLevel,
    StockMovement,
    Store,
)
from desktop.services.ledgers.balances import holds_lock

START = "0" * 64


@dataclass(frozen=True)
class Chain:
    model: type
    account: str  # the column naming the account an entry belongs to
    fields: tuple[str, ...]  # the hashed content, in this order
    lock: Table  # the account's balance row, locked before the chain is read (PostgreSQL)
    lock_key: str
    label: str  # 积分流水 …, for messages

    @property
    def table(self) -> str:
        return self.model.__tablename__

    def column(self, name: str) -> InstrumentedAttribute:
        return getattr(self.model, name)


CHAINS: tuple[Chain, ...] = (
    Chain(
        PointsEntry,
        "household_id",
        ("household_id", "kind", "amount", "reason", "operator", "at", "source", "reverses_id"),
        PointsAccount.__table__,
        "household_id",
        "积分流水",
    ),
    Chain(
        StockMovement,
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
        StockLevel.__table__,
        "goods_id",
        "库存流水",
    ),
    Chain(
        FundEntry,
        "fund_id",
        (
            "fund_id",
            "kind",
            "amount_fen",  # `amount` until migration 0015: same place, same value, same digest (FORMER_NAMES)
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
        FilialFund.__table__,
        "id",
        "基金流水",
    ),
)
BY_MODEL = {c.model: c for c in CHAINS}
BY_TABLE = {c.table: c for c in CHAINS}

# A digest hashes the values of a chain's `fields` in their order, never the columns' names (entry_digest), so
# renaming a hashed column leaves every digest already written as it was, provided the field keeps its place
# in `fields` (and migration 0011's frozen copy keeps the names of its own revision). The one place that knows
# the names a hashed column had before: a backup taken at an older revision is read by them (verify).
FORMER_NAMES: dict[str, dict[str, str]] = {
    "fund_entry": {"amount_fen": "amount"},  # migration 0015: money columns say their unit
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return value


def entry_digest(table: str, prev: str, seq: int, values: Iterable[Any]) -> str:
    payload = json.dumps(
        [table, prev, seq, [_plain(v) for v in values]],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# --- writing -----------------------------------------------------------------------------------------


def _head(session: Session, chain: Chain, account: int) -> tuple[int, str]:
    """The account's newest (seq, digest), read while this transaction holds the account's balance row, so
    two writers never link to the same entry. The writers have locked it already (the conditional UPDATE of
    desktop.services.ledgers.balances) except a fund entry flushed before its balance moves: that row is locked here
    first, in a statement of its own (a later statement sees what the lock's previous holder committed)."""
    connection = session.connection()  # Core, not ORM: this runs for every entry written
    if connection.dialect.name == "postgresql" and not holds_lock(session, chain.lock.name, account):
        key = chain.lock.c[chain.lock_key]
        connection.execute(select(key).where(key == account).with_for_update())
    row = connection.execute(_newest(chain), {"account": account}).first()
    return (row[0], row[1]) if row else (0, START)


_NEWEST: dict[
    str, Any
] = {}  # chain's table → its "newest entry" SELECT, built once (it runs for every entry)


def _newest(chain: Chain):
    statement = _NEWEST.get(chain.table)
    if statement is None:
        entries = chain.model.__table__.c  # type: ignore[attr-defined]
        statement = _NEWEST[chain.table] = (
            select(entries.seq, entries.digest)
            .where(entries[chain.account] == bindparam("account"))
            .order_by(entries.seq.desc())
            .limit(1)
        )
    return statement


def _fill_defaults(obj: object) -> None:
    """The column defaults an INSERT would apply, applied now, so what is hashed is what is stored."""
    columns = inspect(type(obj)).columns
    for name in BY_MODEL[type(obj)].fields:
        if getattr(obj, name) is None and columns[name].default is not None:
            default = columns[name].default
            setattr(obj, name, default.arg(None) if default.is_callable else default.arg)  # type: ignore[attr-defined]


def _values(obj: object, chain: Chain) -> list[Any]:
    values = [getattr(obj, name) for name in chain.fields]
    # What the database gives back: JSON round-tripped, as the audit log does.
    return [
        json.loads(json.dumps(v, ensure_ascii=False)) if isinstance(v, list | dict) else v for v in values
    ]


@event.listens_for(Session, "before_flush")
def _link_new_entries(session: Session, _context, _instances) -> None:
    new = [obj for obj in session.new if type(obj) in BY_MODEL]
    if not new:
        return
    new.sort(key=lambda obj: inspect(obj).insert_order)
    heads: dict[tuple[str, int], tuple[int, str]] = {}
    for obj in new:
        chain = BY_MODEL[type(obj)]
        _fill_defaults(obj)
        key = (chain.table, getattr(obj, chain.account))
        if key not in heads:
            heads[key] = _head(session, chain, key[1])
        seq, prev = heads[key]
        obj.seq = seq + 1  # type: ignore[attr-defined]
        obj.digest = entry_digest(chain.table, prev, seq + 1, _values(obj, chain))  # type: ignore[attr-defined]
        heads[key] = (seq + 1, obj.digest)  # type: ignore[attr-defined]


def link_rows(session: Session, model: type, rows: list[dict]) -> list[dict]:
    """Give rows for a bulk `insert(model)` their seq and digest (in list order per account); returns them."""
    chain = BY_MODEL[model]
    table = model.__table__  # type: ignore[attr-defined]
    heads: dict[int, tuple[int, str]] = {}
    for row in rows:
        for name in chain.fields:
            default = table.c[name].default
            if row.get(name) is None:
                row[name] = (
                    None if default is None else default.arg(None) if default.is_callable else default.arg
                )
        account = row[chain.account]
        if account not in heads:
            heads[account] = _head(session, chain, account)
        seq, prev = heads[account]
        row["seq"] = seq + 1
        row["digest"] = entry_digest(chain.table, prev, seq + 1, [row[name] for name in chain.fields])
        heads[account] = (seq + 1, row["digest"])
    return rows


def relink(session: Session, model: type, accounts: Iterable[int]) -> int:
    """Recompute the chains of `accounts` from their first entry, after rows were rewritten on purpose (the
    demo dates its records back). Never for real records: it would launder an edit. Returns rows relinked."""
    chain = BY_MODEL[model]
    accounts = sorted(set(accounts))
    session.flush()
    done = 0
    for account in accounts:
        prev = START
        rows = session.execute(
            select(chain.column("id"), *[chain.column(n) for n in chain.fields])
            .where(chain.column(chain.account) == account)
            .order_by(chain.column("seq"))
        ).all()
        changes = []
        for seq, row in enumerate(rows, start=1):
            digest = entry_digest(chain.table, prev, seq, row[1:])
            changes.append({"id": row[0], "seq": seq, "digest": digest})
            prev = digest
        if changes:
            # seq may move: clear the way first so the unique (account, seq) index never sees a clash
            session.execute(
                update(model).where(chain.column(chain.account) == account).values(seq=-chain.column("id"))
            )
            session.execute(update(model), changes)
        done += len(changes)
    return done


# --- verifying ---------------------------------------------------------------------------------------


@dataclass
class LedgerReport:
    entries: int = 0
    problems: list[str] = field(default_factory=list)
    # digests found at the (table, account, seq) positions asked for (a backup's newest entries)
    found: dict[tuple[str, int, int], str] = field(default_factory=dict)


def account_name(session: Session, chain: Chain, account: int) -> str:
    """户4114…, 爱心超市 食盐, 孙桥村孝善基金: whose ledger, for messages."""
    if chain.model is PointsEntry:
        code = session.scalar(select(Household.code).where(Household.id == account))
        return f"户{code or account}"
    if chain.model is StockMovement:
        row = session.execute(
            select(Store.name, Goods.name).join(Goods, Goods.store_id == Store.id).where(Goods.id == account)
        ).first()
        return f"{row[0]}“{row[1]}”" if row else f"商品{account}"
    name = session.scalar(select(FilialFund.name).where(FilialFund.id == account))
    return name or f"基金{account}"


def _field(chain: Chain, name: str, present: set[str] | None) -> Any:
    """A hashed column as the database at hand names it: its former name in a backup taken before a rename."""
    column = chain.model.__table__.c[name]  # type: ignore[attr-defined]
    former = FORMER_NAMES.get(chain.table, {}).get(name)
    if present is not None and name not in present and former in present:
        return literal_column(f"{chain.table}.{former}", column.type).label(name)
    return chain.column(name)


def _rows(session: Session, chain: Chain, present: set[str] | None = None) -> Iterator[Any]:
    cols = [chain.column("id"), chain.column("seq"), chain.column("digest")]
    query = select(*cols, *[_field(chain, n, present) for n in chain.fields]).order_by(
        chain.column(chain.account), chain.column("seq")
    )
    return session.execute(query.execution_options(yield_per=2000))


def verify(
    session: Session,
    *,
    want: set[tuple[str, int, int]] | None = None,
    columns: dict[str, set[str]] | None = None,
) -> LedgerReport:
    """Every entry of every ledger against its account's chain; records the digests at the `want`
    positions (table, account, seq). `columns`: each ledger table's columns, for a backup at an older revision
    (a hashed column is read by its former name where it has not been renamed yet)."""
    report = LedgerReport()
    want = want or set()
    for chain in CHAINS:
        account_at = 3 + chain.fields.index(chain.account)
        broken: list[tuple[int, int, str]] = []  # (entry, account, what) — named after the rows are read
        account, expected, prev = None, 1, START
        for row in _rows(session, chain, None if columns is None else columns.get(chain.table)):
            report.entries += 1
            entry_id, seq, digest = row[0], row[1], row[2]
            if row[account_at] != account:
                account, expected, prev = row[account_at], 1, START
            if (chain.table, account, seq) in want:
                report.found[(chain.table, account, seq)] = digest
            if len(broken) <= 20:
                if seq != expected:
                    what = "有流水被删除" if seq is not None and seq > expected else "有流水被插入或重排"
                    broken.append((entry_id, account, f"与上一条不衔接，{what}"))
                elif digest != entry_digest(chain.table, prev, seq, row[3:]):
                    broken.append((entry_id, account, "内容与校验值不符，本条或{who}此前的流水被改动过"))
            expected, prev = (seq if seq is not None else expected) + 1, digest or START
        for entry_id, acc, what in broken:
            who = account_name(session, chain, acc)
            report.problems.append(f"{chain.label}第{entry_id}条（{who}）：{what.format(who=who)}")
    return report
