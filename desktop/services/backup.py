"""Backups (always a SQLite file, whatever the database), restore and the integrity check."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Table, create_engine, delete, func, insert, select, text

from desktop.db import Database
from desktop.models import Base
from desktop.services import audit
from desktop.services.errors import InputRejected, IntegrityFailed
from desktop.services.users import Actor

BATCH = 2000


def _table_order() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def backup_database(db: Database, target: str | Path) -> Path:
    """A consistent copy in a single SQLite file. SQLite uses its online backup API; other databases copy
    table by table inside one read transaction."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    if db.is_sqlite:
        raw = db.engine.raw_connection()
        try:
            dst = sqlite3.connect(part)
            try:
                raw.driver_connection.backup(dst)  # type: ignore[union-attr]
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            raw.close()
    else:
        _copy_all(db.engine, create_engine(f"sqlite:///{part}"), create_schema=True)
    _verify_backup_file(part)
    part.replace(target)
    return target


def _copy_all(source, target, *, create_schema: bool) -> None:  # noqa: ANN001
    revision = None
    with source.connect() as src:
        if create_schema:
            Base.metadata.create_all(target)
        with target.begin() as dst:
            if not create_schema:
                for table in reversed(_table_order()):
                    dst.execute(delete(table))
            for table in _table_order():
                rows = src.execute(select(table)).mappings()
                batch = []
                for row in rows:
                    batch.append(dict(row))
                    if len(batch) >= BATCH:
                        dst.execute(insert(table), batch)
                        batch.clear()
                if batch:
                    dst.execute(insert(table), batch)
            revision = src.execute(text("SELECT version_num FROM alembic_version")).scalar()
            dst.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)"))
            dst.execute(text("DELETE FROM alembic_version"))
            dst.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": revision})
    if target.dialect.name == "postgresql":
        with target.begin() as dst:
            for table in _table_order():
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and pk[0].autoincrement is not False and pk[0].type.python_type is int:
                    dst.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                            f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    target.dispose()


def _verify_backup_file(path: Path) -> str:
    """The revision a backup holds; refuses files that are not sound backups of this app."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise InputRejected(f"“{path.name}”不是本程序的备份文件，或文件已损坏（{exc}）。") from exc
    if ok != "ok":
        raise InputRejected(f"备份文件“{path.name}”已损坏：{ok}")
    return revision


def restore_database(
    db: Database, actor: Actor, source: str | Path, *, backup_dir: Path | None = None
) -> Path:
    """Replace the database's contents with a backup. The current state is backed up first; returns that file."""
    actor.require("restore", "从备份恢复")
    source = Path(source)
    if not source.exists():
        raise InputRejected(f"备份文件不存在：{source}")
    revision = _verify_backup_file(source)
    head = db.head_revision()
    if revision != head:
        raise InputRejected(f"备份的数据库版本（{revision}）与本程序（{head}）不同，无法恢复。")
    from desktop.db import default_backup_dir

    safety = (backup_dir or default_backup_dir(db)) / f"before-restore-{datetime.now():%Y%m%d-%H%M%S}.sqlite3"
    backup_database(db, safety)
    if db.is_sqlite:
        db.engine.dispose()
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        raw = db.engine.raw_connection()
        try:
            src.backup(raw.driver_connection)  # type: ignore[arg-type]
        finally:
            raw.close()
            src.close()
        db.engine.dispose()
    else:
        _copy_all(create_engine(f"sqlite:///{source}"), db.engine, create_schema=False)
    with db.write() as s:
        audit.record(
            s,
            actor.username,
            "database.restore",
            entity="database",
            key=source.name,
            after={"safety_backup": str(safety)},
        )
    return safety


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    facts: dict[str, int | str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"ok": self.ok, "problems": self.problems, **self.facts}


def check_database(db: Database) -> CheckReport:
    """Database integrity, the audit chain, and every balance (points, stock) recomputed from its ledger."""
    report = CheckReport()
    with db.read() as s:
        if db.is_sqlite:
            result = s.execute(text("PRAGMA integrity_check")).scalar()
            if result != "ok":
                report.problems.append(f"数据库文件损坏：{result}")
            fk = s.execute(text("PRAGMA foreign_key_check")).fetchall()
            if fk:
                report.problems.append(f"有{len(fk)}条记录引用了不存在的数据")
        chain = audit.verify(s)
        report.problems.extend(chain.problems)
        from desktop.services.points import ledger_mismatches
        from desktop.services.stores import stock_mismatches

        report.problems.extend(ledger_mismatches(s))
        report.problems.extend(stock_mismatches(s))
        from desktop.services.fund import ledger_mismatches as fund_mismatches

        report.problems.extend(fund_mismatches(s))
        report.facts["audit_entries"] = chain.entries
        from desktop.models import Household, Member

        report.facts["households"] = s.scalar(select(func.count()).select_from(Household)) or 0
        report.facts["members"] = s.scalar(select(func.count()).select_from(Member)) or 0
        report.facts["revision"] = s.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""
    return report


def require_healthy(db: Database) -> CheckReport:
    report = check_database(db)
    if not report.ok:
        raise IntegrityFailed("检查未通过：\n" + "\n".join(report.problems))
    return report
