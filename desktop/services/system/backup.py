"""Backups (always a SQLite file, whatever the database), restore and the integrity check."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Column, MetaData, Table, create_engine, delete, func, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from desktop import clock
from desktop.config import data_dir
from desktop.db import Database, replace_file
from desktop.errors import InputRejected, IntegrityFailed
from desktop.models import Base, Household, Member, load_all
from desktop.services.fund.fund import ledger_mismatches as fund_mismatches
from desktop.services.ledgers import ledger_chain
from desktop.services.points.points import ledger_mismatches
from desktop.services.points.stores import stock_mismatches
from desktop.services.system import audit, audit_log, settings
from desktop.services.system.actor import Actor
from desktop.services.system.attachments import regular_file

BATCH = 2000


def _schema() -> MetaData:
    """Every table: a backup copies, checks and restores them all (the models load per area otherwise)."""
    load_all()
    return Base.metadata


def _table_order() -> list[Table]:
    return list(_schema().sorted_tables)


def default_backup_dir(db: Database) -> Path:
    """Backups sit beside a database file; a server database's go to this PC's data folder."""
    if db.path is not None:
        return db.path.parent / "backups"
    return data_dir() / "backups"


def upgrade(db: Database, *, backup_dir: Path | None = None, revision: str = "head") -> Path | None:
    """Bring the schema to `revision`; a database that holds anything is backed up first (the file is
    returned). A database written by a newer version of the app is refused, never touched."""

    def before(current: str | None) -> Path:
        stamp = clock.wall().strftime("%Y%m%d-%H%M%S")
        folder = backup_dir or default_backup_dir(db)
        return backup_database(db, folder / f"before-upgrade-{current or 'none'}-{stamp}.sqlite3")

    return db.upgrade(revision=revision, backup=before)


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
        revision = db.current_revision()
        if revision != db.head_revision():
            # an older schema (the backup before an upgrade): the copy gets that revision's own tables
            copy = Database(part)
            try:
                copy.upgrade(revision=revision or "base")
            finally:
                copy.dispose()
        target_engine = create_engine(f"sqlite:///{part}")
        _copy_all(db.engine, target_engine, create_schema=revision == db.head_revision())
        with sqlite3.connect(part) as con:
            con.execute("PRAGMA journal_mode=DELETE")
        con.close()
    _label(part, db)
    _verify_backup_file(part)
    # every connection to `part` is closed by now (Windows would refuse to replace an open file)
    replace_file(part, target)
    return target


# What database a backup was taken of, kept in the copy itself (not in the models: a restore drops it).
INFO_TABLE = "backup_info"


def _label(path: Path, db: Database) -> None:
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {INFO_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            con.execute(f"DELETE FROM {INFO_TABLE}")
            con.executemany(
                f"INSERT INTO {INFO_TABLE} (key, value) VALUES (?, ?)",
                [("source", db.display_name), ("taken", f"{clock.wall():%Y-%m-%d %H:%M:%S}")],
            )
    finally:
        con.close()


def _columns(engine) -> dict[str, dict[str, Any]]:
    """Each table's columns by name, with the types the database gives."""
    inspector = inspect(engine)
    return {
        name: {c["name"]: c["type"] for c in inspector.get_columns(name)}
        for name in inspector.get_table_names()
    }


def _as_found(table: Table, present: dict[str, Any]) -> Table:
    """The model's table with the columns both databases have, by the names they have them (a copy at an older
    revision lacks newer columns and still has columns a later migration renamed, such as fund_entry.amount
    before amount_fen: those are copied by their own name, never dropped), with no Python-side defaults. A
    column the models know keeps their type (UTC times stay UTC); one they no longer know keeps the database's."""
    model = table.c
    keys = {c.name for c in table.primary_key.columns}
    return Table(
        table.name,
        MetaData(),
        *[
            Column(
                name,
                model[name].type if name in model else type_,
                primary_key=name in keys,
                autoincrement=False,
            )
            for name, type_ in present.items()
        ],
    )


def _copy_all(source, target, *, create_schema: bool) -> None:
    """Every table from `source` to `target` (which has the same schema revision, or gets the models' schema),
    read in one snapshot on PostgreSQL so the copy's ledgers, balances and audit log agree."""
    if create_schema:
        _schema().create_all(target)
    present = _columns(source)
    found = _columns(target)
    tables = [
        _as_found(t, {name: type_ for name, type_ in present[t.name].items() if name in found[t.name]})
        for t in _table_order()
        if t.name in present and t.name in found
    ]
    revision = None
    options = {"isolation_level": "REPEATABLE READ"} if source.dialect.name == "postgresql" else {}
    with source.connect().execution_options(**options) as src:
        with target.begin() as dst:
            if not create_schema:
                for table in reversed(tables):
                    dst.execute(delete(table))
            for table in tables:
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
    source = regular_file(source, "备份文件")
    revision = _verify_backup_file(source)
    head = db.head_revision()
    if revision != head:
        raise version_mismatch(revision, head)
    problems = verify_backup(source, balances=True)
    if problems:
        raise IntegrityFailed(
            f"备份“{source.name}”未通过校验，没有恢复（数据库未改动）：\n" + "\n".join(problems[:20])
        )

    safety = (backup_dir or default_backup_dir(db)) / f"before-restore-{clock.wall():%Y%m%d-%H%M%S}.sqlite3"
    backup_database(db, safety)
    # the state this restore abandons: `check` no longer asks the chain to extend it (nor the backups before)
    replaced = _read_head(safety)
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
        # closed afterwards: Windows would keep the backup file locked (not movable, not deletable) otherwise
        source_engine = create_engine(f"sqlite:///{source}", poolclass=NullPool)
        try:
            _copy_all(source_engine, db.engine, create_schema=False)
        finally:
            source_engine.dispose()
    with db.write() as s:
        if db.is_sqlite:
            s.execute(text(f"DROP TABLE IF EXISTS {INFO_TABLE}"))
        audit.record(
            s,
            actor.username,
            "database.restore",
            entity="database",
            key=source.name,
            after={"safety_backup": str(safety), "replaced": list(replaced) if replaced else None},
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


def check_database(db: Database, *, anchors: Iterable[str] = ()) -> CheckReport:
    """Database integrity, the audit chain, the ledgers' chains and every balance (points, stock, fund)
    recomputed from its ledger; then the anchors outside the database: the chain must still extend the state
    held by every backup of this database in the backup folder, and each printed 审计校验码 in `anchors`."""
    report = CheckReport()
    anchors = list(anchors)
    wanted_counts = {audit.parse_anchor(code)[0] for code in anchors}  # a mistyped code: refused first
    backups = backup_heads(db)
    wanted_counts |= {b.count for b in backups}
    wanted_entries = {key for b in backups for key in b.ledgers}
    with db.read() as s:
        if db.is_sqlite:
            result = s.execute(text("PRAGMA integrity_check")).scalar()
            if result != "ok":
                report.problems.append(f"数据库文件损坏：{result}")
            fk = s.execute(text("PRAGMA foreign_key_check")).fetchall()
            if fk:
                report.problems.append(f"有{len(fk)}条记录引用了不存在的数据")
        chain = audit.verify(s, at_counts=wanted_counts)
        report.problems.extend(chain.problems)
        ledgers = ledger_chain.verify(s, want=wanted_entries)
        report.problems.extend(ledgers.problems)

        report.problems.extend(ledger_mismatches(s))
        report.problems.extend(stock_mismatches(s))

        report.problems.extend(fund_mismatches(s))
        report.problems.extend(_against_backups(s, chain, ledgers, backups))
        report.problems.extend(p for code in anchors if (p := audit.anchor_problem(chain, code)))
        report.facts["audit_entries"] = chain.entries
        report.facts["ledger_entries"] = ledgers.entries
        report.facts["backups_compared"] = len(backups)
        report.facts["anchors_checked"] = len(anchors)
        report.facts["anchor"] = audit.stamp(s).removeprefix(audit.CODE_LABEL).strip()

        report.facts["households"] = s.scalar(select(func.count()).select_from(Household)) or 0
        report.facts["members"] = s.scalar(select(func.count()).select_from(Member)) or 0
        report.facts["revision"] = s.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""
    return report


# --- the backups as anchors ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupHead:
    """What a backup of this database held: its audit chain's head and each ledger account's newest entry."""

    path: Path
    taken: str
    count: int
    digest: str
    ledgers: dict[tuple[str, int, int], str]  # (table, account, seq) → digest

    @property
    def name(self) -> str:
        return f"{self.path.name}（{self.taken}）" if self.taken else self.path.name


def _read_head(path: Path) -> tuple[int, str] | None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT count, digest FROM audit_head WHERE id = 1").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return None
    return (int(row[0]), str(row[1])) if row else (0, audit.GENESIS)


def anchor_of(path: str | Path) -> str:
    """The 审计校验码 of the state a backup holds."""
    count, digest = _read_head(Path(path)) or (0, audit.GENESIS)
    return audit.anchor_code(count, digest)


def _backup_head(path: Path, source: str) -> BackupHead | None:
    """The head a backup file holds, or None when it is not a backup of `source` (another database's, one
    taken before backups were labelled, or not a backup at all)."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.DatabaseError:
        return None
    try:
        info = dict(con.execute(f"SELECT key, value FROM {INFO_TABLE}").fetchall())
        if info.get("source") != source:
            return None
        row = con.execute("SELECT count, digest FROM audit_head WHERE id = 1").fetchone()
        count, digest = (int(row[0]), str(row[1])) if row else (0, audit.GENESIS)
        ledgers: dict[tuple[str, int, int], str] = {}
        for chain in ledger_chain.CHAINS:
            columns = {r[1] for r in con.execute(f"PRAGMA table_info({chain.table})")}
            if not {"seq", "digest"} <= columns:
                continue  # taken before the ledgers were chained
            for account, seq, entry_digest in con.execute(
                f"SELECT {chain.account}, MAX(seq), digest FROM {chain.table} GROUP BY {chain.account}"
            ):
                ledgers[(chain.table, account, seq)] = entry_digest
        return BackupHead(path, info.get("taken", ""), count, digest, ledgers)
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()


def backup_heads(db: Database) -> list[BackupHead]:
    """Every backup of this database in its backup folder (and the default folder, where upgrades and
    restores put theirs), oldest state first."""

    folders = []
    for folder in (backup_folder(db), default_backup_dir(db)):
        with suppress(OSError):
            if folder.is_dir() and folder.resolve() not in folders:
                folders.append(folder.resolve())
    heads = []
    for folder in folders:
        for path in sorted(folder.glob("*.sqlite3")):
            head = _backup_head(path, db.display_name)
            if head is not None:
                heads.append(head)
    return sorted(heads, key=lambda h: (h.count, str(h.path)))


def _digest_at(path: Path, count: int) -> str | None:
    """The digest after the first `count` entries of a backup's audit log."""
    if count == 0:
        return audit.GENESIS
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute(
                "SELECT digest FROM audit_log ORDER BY id LIMIT 1 OFFSET ?", (count - 1,)
            ).fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def _abandoned(backup: BackupHead, chain: audit.ChainReport, backups: list[BackupHead]) -> bool:
    """True when the live chain left this backup's state by a restore (recorded in the chain): the backup
    went on past the point a restore went back to, or it holds the state a restore replaced, or an earlier
    part of that state."""
    for point in chain.restores:
        if backup.count >= point.position and _digest_at(backup.path, point.position - 1) == point.before:
            return True
    replaced = {point.replaced for point in chain.restores if point.replaced}
    if (backup.count, backup.digest) in replaced:
        return True
    return any(
        (other.count, other.digest) in replaced
        and backup.count <= other.count
        and _digest_at(other.path, backup.count) == backup.digest
        for other in backups
    )


def _against_backups(
    session: Session,
    chain: audit.ChainReport,
    ledgers: ledger_chain.LedgerReport,
    backups: list[BackupHead],
) -> list[str]:
    """The live chains must extend what each backup held: a cut-back tail with a "fixed" head, a log
    deleted and started again, or an entry edited and every digest after it recomputed all show here."""
    problems = []
    for backup in backups:
        if chain.prefix(backup.count) != backup.digest:
            if _abandoned(backup, chain, backups):
                continue
            if chain.entries < backup.count:
                problems.append(
                    f"审计日志现只有{chain.entries}条，而备份“{backup.name}”中已有{backup.count}条："
                    "备份之后有记录被删除，或日志被整个重写"
                )
            else:
                problems.append(
                    f"审计日志前{backup.count}条与备份“{backup.name}”中的不符：这些记录在备份之后被改动过"
                )
            continue
        seen = 0
        for (table, account, seq), digest in sorted(backup.ledgers.items()):
            if ledgers.found.get((table, account, seq)) != digest and seen < 20:
                seen += 1
                c = ledger_chain.BY_TABLE[table]
                who = ledger_chain.account_name(session, c, account)
                problems.append(
                    f"{c.label}（{who}）与备份“{backup.name}”不符：备份时的第{seq}笔已被删除或改动"
                )
    return problems


@contextmanager
def _backup_session(path: Path) -> Iterator[Session]:
    """A read-only session on a backup file (never changes it: no WAL switch, no journal)."""
    engine = create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(f"file:{path}?mode=ro", uri=True), poolclass=NullPool
    )
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def verify_backup(path: str | Path, *, balances: bool = False) -> list[str]:
    """A backup's own audit chain and ledger chains (and, for one of this program's version, its balances
    against its ledgers): what `check` would say after restoring it. Empty when sound."""
    path = Path(path)
    problems: list[str] = []
    try:
        with _backup_session(path) as s:
            problems.extend(audit.verify(s).problems)
            columns = {
                table: {r[1] for r in s.execute(text(f"PRAGMA table_info({table})"))}
                for table in ledger_chain.BY_TABLE
            }
            if all({"seq", "digest"} <= found for found in columns.values()):
                problems.extend(ledger_chain.verify(s, columns=columns).problems)
            if balances:
                for mismatches in (ledger_mismatches, stock_mismatches, fund_mismatches):
                    problems.extend(mismatches(s))
    except Exception as exc:
        problems.append(f"无法读取备份中的审计日志或流水：{exc}")
    return problems


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

    folder = settings.get(db, "backup.folder")
    return Path(folder).expanduser() if folder else default_backup_dir(db)


@dataclass(frozen=True)
class AutoBackup:
    path: Path
    removed: list[Path]
    dump: Path | None  # pg_dump's own file, for PostgreSQL when pg_dump is present
    dump_note: str = ""
    kept_in_use: tuple[
        Path, ...
    ] = ()  # expired, but Windows would not delete them (open elsewhere): next time


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

    now = now or clock.wall()
    folder = backup_folder(db)
    target = folder / f"{AUTO_PREFIX}{reason}-{now.strftime(STAMP)}.sqlite3"
    backup_database(db, target)
    keep = timedelta(days=int(settings.get(db, "backup.keep_days")))
    removed = []
    in_use = []
    for stamp, path in auto_backups(folder):
        if now - stamp > keep and path != target:
            try:
                path.unlink(missing_ok=True)
            except PermissionError:  # open in another program (Windows): the new backup is there all the same
                in_use.append(path)
                continue
            removed.append(path)
    dump, note = (None, "")
    if not db.is_sqlite:
        dump, note = pg_dump(db, target.with_suffix(".dump"))
    return AutoBackup(target, removed, dump, note, tuple(in_use))


def daily_due(db: Database, *, now: datetime | None = None) -> bool:
    """True when daily backups are on and none has been taken today."""

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
    # its audit log's and ledgers' chains (and balances) checked, as before a restore: empty when sound
    problems: tuple[str, ...] = ()
    anchor: str = ""  # the 审计校验码 of the state it holds

    @property
    def sound(self) -> bool:
        return not self.problems


def describe_backup(path: str | Path, db: Database | None = None) -> BackupInfo:
    """What a backup file holds, read without changing it; refuses a file that is not a sound backup."""
    path = regular_file(path, "备份文件")
    revision = _verify_backup_file(path)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts = [
            (label, con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
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
        last_change = f"{clock.local(at):%Y-%m-%d %H:%M}　{last[1]}　{audit_log.action_name(last[2])}"
    head = db.head_revision() if db is not None else revision
    compatible = revision == head
    problems = tuple(verify_backup(path, balances=compatible))
    return BackupInfo(
        path, path.stat().st_size, revision, counts, last_change, compatible, problems, anchor_of(path)
    )


def current_counts(db: Database) -> list[tuple[str, int]]:
    """The same figures describe_backup gives, for the database in use (shown side by side before a restore)."""
    tables = _schema().tables
    with db.read() as s:
        return [
            (label, s.scalar(select(func.count()).select_from(tables[name])) or 0)
            for name, label in PREVIEW_COUNTS
            if name in tables
        ]
