"""Engine, sessions and schema upgrades. No Qt here.

Services own their Session: `with db.write() as s:` for a change (on SQLite it takes the write lock at
BEGIN, so read-then-write cannot race), `with db.read() as s:` for a look.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from desktop import clock

MIGRATIONS = Path(__file__).with_name("migrations")


class DatabaseError(Exception):
    """A database the app cannot use as it is; the message is for the user."""


class DatabaseTooNew(DatabaseError):
    pass


def normalize_url(target: str | Path) -> str:
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        # Let SQLAlchemy's `begin` event issue BEGIN itself (pysqlite's own handling defers it).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """One database, SQLite file or PostgreSQL URL."""

    def __init__(self, target: str | Path, *, echo: bool = False) -> None:
        self.url = normalize_url(target)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.path: Path | None = Path(parsed.database) if self.is_sqlite and parsed.database else None
        kwargs: dict = {"echo": echo}
        if self.is_sqlite:
            # Background tasks use the pool from a worker thread; a connection is only ever held by one.
            kwargs["connect_args"] = {"check_same_thread": False}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
        self.engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _setup_sqlite(self.engine)
            writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        else:
            writer = self.engine
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)

    def __repr__(self) -> str:
        return f"Database({self.display_name!r})"

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return str(self.path)
        return make_url(self.url).render_as_string(hide_password=True)

    def exists(self) -> bool:
        if self.path is not None:
            return self.path.exists()
        return True

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits when the block ends and rolls back if it raises."""
        with self._write() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    # --- schema -----------------------------------------------------------------------------------

    def _alembic_config(self, connection) -> Config:  # noqa: ANN001
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = connection
        return cfg

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str:
        script = ScriptDirectory.from_config(self._alembic_config(None))
        return script.get_current_head() or ""

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return not inspect(conn).get_table_names()

    def needs_upgrade(self) -> bool:
        return self.current_revision() != self.head_revision()

    def upgrade(self, *, backup_dir: Path | None = None, revision: str = "head") -> Path | None:
        """Bring the schema to `revision`. An existing database is backed up first; returns that file.

        A database written by a newer version of the app is refused, never touched."""
        script = ScriptDirectory.from_config(self._alembic_config(None))
        current = self.current_revision()
        if current is not None and not _known(script, current):
            raise DatabaseTooNew(
                f"数据库版本 {current} 比本程序新，请升级本程序后再打开（数据库未作任何改动）。"
            )
        target = script.get_current_head() if revision == "head" else revision
        if current == target:
            return None
        backup = None
        if current is not None or not self.is_empty():
            from desktop.services.backup import backup_database

            backup_dir = backup_dir or default_backup_dir(self)
            stamp = clock.wall().strftime("%Y%m%d-%H%M%S")
            backup = backup_dir / f"before-upgrade-{current or 'none'}-{stamp}.sqlite3"
            backup_database(self, backup)
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection if self.is_sqlite else None
            if raw is not None:
                # SQLite rebuilds tables to alter them; foreign keys must be off for that (outside the
                # transaction), and are checked as a whole before the upgrade commits.
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with conn.begin():
                    command.upgrade(self._alembic_config(conn), target)
                    if raw is not None and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                        raise DatabaseError("升级后数据引用检查未通过，已撤销升级（数据库未改动）。")
            finally:
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys=ON")
        return backup


def _known(script: ScriptDirectory, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:  # alembic raises for unknown ids
        return False


def default_backup_dir(db: Database) -> Path:
    if db.path is not None:
        return db.path.parent / "backups"
    from desktop.config import data_dir

    return data_dir() / "backups"


def copy_file_atomically(src: Path, dst: Path) -> None:
    tmp = dst.with_name(dst.name + ".part")
    shutil.copyfile(src, tmp)
    tmp.replace(dst)
