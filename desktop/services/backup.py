"""Backups (always a SQLite file, whatever the database), restore and the integrity check."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Table, create_engine, delete, func, insert, select, text
from sqlalchemy.engine import make_url

from desktop import clock
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


def version_mismatch(revision: str, head: str) -> InputRejected:
    return InputRejected(f"备份的数据库版本（{revision}）与本程序（{head}）不同，无法恢复。")


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
        raise version_mismatch(revision, head)
    from desktop.db import default_backup_dir

    safety = (backup_dir or default_backup_dir(db)) / f"before-restore-{clock.wall():%Y%m%d-%H%M%S}.sqlite3"
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


# --- automatic backups ------------------------------------------------------------------------------

AUTO_PREFIX = "auto-"
STAMP = "%Y%m%d-%H%M%S"
AUTO_REASONS = {"exit": "退出时", "daily": "每日", "manual": "手动"}


def backup_folder(db: Database) -> Path:
    from desktop.db import default_backup_dir
    from desktop.services import settings

    folder = settings.get(db, "backup.folder")
    return Path(folder).expanduser() if folder else default_backup_dir(db)


@dataclass(frozen=True)
class AutoBackup:
    path: Path
    removed: list[Path]
    dump: Path | None  # pg_dump's own file, for PostgreSQL when pg_dump is present
    dump_note: str = ""


def _stamp_of(path: Path) -> datetime | None:
    try:
        return datetime.strptime("-".join(path.stem.rsplit("-", 2)[-2:]), STAMP)
    except (ValueError, IndexError):
        return None


def auto_backups(folder: Path) -> list[tuple[datetime, Path]]:
    """The automatic backups in a folder, newest first (the time is the one in the file name)."""
    found = []
    for path in folder.glob(f"{AUTO_PREFIX}*.sqlite3"):
        stamp = _stamp_of(path)
        if stamp is not None:
            found.append((stamp, path))
    return sorted(found, reverse=True)


def auto_backup(db: Database, reason: str, *, now: datetime | None = None) -> AutoBackup:
    """Back up into the backup folder, verified, then delete automatic backups older than the kept days.

    Manual backups and the ones taken before upgrades and restores are never deleted here."""
    from desktop.services import settings

    now = now or clock.wall()
    folder = backup_folder(db)
    target = folder / f"{AUTO_PREFIX}{reason}-{now.strftime(STAMP)}.sqlite3"
    backup_database(db, target)
    keep = timedelta(days=int(settings.get(db, "backup.keep_days")))
    removed = []
    for stamp, path in auto_backups(folder):
        if now - stamp > keep and path != target:
            path.unlink(missing_ok=True)
            removed.append(path)
    dump, note = (None, "")
    if not db.is_sqlite:
        dump, note = pg_dump(db, target.with_suffix(".dump"))
    return AutoBackup(target, removed, dump, note)


def daily_due(db: Database, *, now: datetime | None = None) -> bool:
    """True when daily backups are on and none has been taken today."""
    from desktop.services import settings

    if not settings.get(db, "backup.daily"):
        return False
    now = now or clock.wall()
    newest = auto_backups(backup_folder(db))
    return not newest or newest[0][0].date() < now.date()


def _pg_dump_binary() -> str | None:
    found = shutil.which("pg_dump")
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"), key=lambda p: int(p.parts[-3]))
    return str(candidates[-1]) if candidates else None


def pg_dump(db: Database, target: Path) -> tuple[Path | None, str]:
    """PostgreSQL's own dump (custom format, for pg_restore) beside our SQLite copy, when pg_dump is installed.

    Our SQLite copy is what 从备份恢复 uses; the dump is for a database administrator's tools."""
    binary = _pg_dump_binary()
    if binary is None:
        return (
            None,
            "未找到 pg_dump：只生成了本程序可恢复的备份文件。安装 PostgreSQL 客户端后会同时生成 .dump 文件。",
        )
    url = make_url(db.url).set(drivername="postgresql")
    result = subprocess.run(
        [
            binary,
            "--format=custom",
            "--no-owner",
            f"--file={target}",
            url.render_as_string(hide_password=False),
        ],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        return None, f"pg_dump 未成功（{result.stderr.strip()[:200]}）；本程序可恢复的备份文件已生成。"
    return target, ""


# --- what a backup holds -------------------------------------------------------------------------------

PREVIEW_COUNTS = (
    ("village", "村"),
    ("household", "农户"),
    ("member", "人口"),
    ("app_user", "用户"),
    ("archive_item", "档案材料"),
    ("points_entry", "积分流水"),
    ("redemption", "兑换单"),
    ("fund_entry", "基金流水"),
    ("audit_log", "操作记录"),
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    revision: str
    counts: list[tuple[str, int]]
    last_change: str  # when and who made the last change it holds
    compatible: bool  # same schema version as this program


def describe_backup(path: str | Path, db: Database | None = None) -> BackupInfo:
    """What a backup file holds, read without changing it; refuses a file that is not a sound backup."""
    path = Path(path)
    if not path.is_file():
        raise InputRejected(f"备份文件不存在：{path}")
    revision = _verify_backup_file(path)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts = [
            (label, con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # noqa: S608 (fixed names)
            for table, label in PREVIEW_COUNTS
            if table in tables
        ]
        last = con.execute("SELECT at, username, action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.DatabaseError as exc:
        raise InputRejected(f"“{path.name}”不是本程序的备份文件，或文件已损坏（{exc}）。") from exc
    finally:
        con.close()
    last_change = ""
    if last:
        at = datetime.fromisoformat(str(last[0]).replace(" ", "T"))
        last_change = f"{clock.local(at):%Y-%m-%d %H:%M}　{last[1]}　{audit.action_name(last[2])}"
    head = db.head_revision() if db is not None else revision
    return BackupInfo(path, path.stat().st_size, revision, counts, last_change, revision == head)


def current_counts(db: Database) -> list[tuple[str, int]]:
    """The same figures describe_backup gives, for the database in use (shown side by side before a restore)."""
    tables = Base.metadata.tables
    with db.read() as s:
        return [
            (label, s.scalar(select(func.count()).select_from(tables[name])) or 0)
            for name, label in PREVIEW_COUNTS
            if name in tables
        ]
