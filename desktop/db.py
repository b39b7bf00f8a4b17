"""Engine, sessions and schema upgrades. No Qt here.

Services own their Session: `with db.write() as s:` for a change (on SQLite it takes the write lock at
BEGIN, so read-then-write cannot race), `with db.read() as s:` for a look.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30000  # how long a write waits for another program's write to finish before giving up
SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseError(Exception):
    """A database the app cannot use as it is; the message is for the user. The CLI exits with `exit_code`:
    3 when the place or the moment refuses (read-only, disk full, locked, too new), 2 when --db names
    something that is not a database at all."""

    exit_code = 3


class DatabaseTooNew(DatabaseError):
    pass


class NotADatabase(DatabaseError):
    exit_code = 2


class OnNetworkShare(DatabaseError):
    pass


class FileInUse(DatabaseError):
    """Windows would not replace or delete a file another program holds open."""


# --- where the file is: SQLite's WAL mode needs shared memory that network file systems do not give ---------

NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "fuse.smbnetfs", "ncpfs", "afs", "davfs"}
)
DRIVE_REMOTE = 4  # GetDriveTypeW


def _unescape_mount(field: str) -> str:
    """/proc/mounts writes a space in a mount point as \\040 (tab, newline and backslash likewise)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def mount_type(path: PurePath | str, mounts: str) -> str | None:
    """The file-system type of the mount holding `path` (an absolute path), from /proc/mounts text: the
    longest mount point above it, the last one mounted there when several were."""
    parts = PurePosixPath(path).parts
    best: tuple[str, ...] | None = None
    found = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = PurePosixPath(_unescape_mount(fields[1])).parts
        if parts[: len(point)] == point and (best is None or len(point) >= len(best)):
            best, found = point, fields[2]
    return found


def _windows_drive_type(root: str) -> int:
    if sys.platform != "win32":
        return 0
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))


def network_location(
    path: PurePath | str,
    *,
    platform: str | None = None,
    mounts: str | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> str | None:
    """Where `path` lies on a network share, a few words saying so (for the message); None on a local disk.

    Windows: a UNC path (\\\\server\\share\\…, also \\\\?\\UNC\\…) or a drive letter mapped to a share
    (GetDriveTypeW says DRIVE_REMOTE). Linux: the mount holding the path is NFS, SMB/CIFS, sshfs …"""
    platform = platform or sys.platform
    if platform == "win32":
        text = str(path).replace("/", "\\")
        if text.startswith(("\\\\?\\", "\\\\.\\")):
            text = text[4:]
            if text.upper().startswith("UNC\\"):
                return "网络共享路径"
        elif text.startswith("\\\\"):
            return "网络共享路径"
        drive = PureWindowsPath(text).drive
        if len(drive) == 2 and drive[1] == ":":
            if (drive_type or _windows_drive_type)(drive.upper() + "\\") == DRIVE_REMOTE:
                return f"网络驱动器 {drive.upper()}"
        return None
    if platform.startswith("linux"):
        if not PurePosixPath(path).is_absolute():
            path = Path(path).absolute()
        if mounts is None:
            try:
                mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
        kind = mount_type(path, mounts)
        if kind in NETWORK_FILESYSTEMS:
            return f"网络文件系统（{kind}）"
    return None


NETWORK_ADVICE = (
    "一台电脑用：把数据库放在本机硬盘上（不写 --db 就在本机的数据文件夹里）。"
    "几台电脑共用：在乡镇的一台电脑或服务器上装 PostgreSQL，每台电脑用 "
    "--db postgresql+psycopg://用户:密码@服务器/数据库 连接（见 README“几台电脑共用一个数据库”）。"
)


# --- what SQLite and the system say, in words a clerk can act on ---------------------------------------------


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [exc]
    while todo:
        err = todo.pop(0)
        if err is None or id(err) in seen:
            continue
        seen.add(id(err))
        yield err
        todo += [getattr(err, "orig", None), err.__cause__, err.__context__]


def explain(exc: BaseException, target: str | Path | None = None) -> DatabaseError | None:
    """A database error (SQLite's or the system's, however wrapped) as a DatabaseError whose message says what
    happened and what to do; None when `exc` is not about the database file or server."""
    name = "" if target is None else _shown(str(target))
    where = f"（{name}）" if name else ""
    for err in _causes(exc):
        if isinstance(err, DatabaseError):
            return err
        if isinstance(err, OSError):
            found = _explain_os_error(err, name)
            if found is not None:
                return found
            continue
        if not isinstance(err, sqlite3.Error) and type(err).__module__.split(".")[0] != "psycopg":
            continue
        text = str(err).lower()
        if "disk is full" in text:
            return DatabaseError(
                f"磁盘已满，这次的数据没有写入{where}。请清理磁盘空间（或把数据库移到空间充足的磁盘，"
                "用 --db 指向它）后再做一次。"
            )
        if "readonly" in text or "read-only" in text:
            return DatabaseError(
                f"数据库所在的位置只读，不能写入{where}。请检查这个文件和它所在的文件夹是否允许写入（不要放在光盘、"
                "写保护的U盘或只读的共享文件夹里），或把数据库复制到可写的文件夹，用 --db 指向它。"
            )
        if "database is locked" in text or "database table is locked" in text:
            seconds = max(1, round(BUSY_TIMEOUT_MS / 1000))
            return DatabaseError(
                f"数据库正被另一个窗口或程序占用，等了{seconds}秒仍未释放{where}。请关闭其他正在使用这个数据库的"
                "工作台窗口或命令（或等它们做完）后再试。几台电脑要同时使用，请改用 PostgreSQL。"
            )
        if "not a database" in text:
            return NotADatabase(
                f"“{name or '该文件'}”不是本程序的数据库文件（是别的文件，或已经损坏）。请检查 --db 指向的文件"
                "（数据库文件通常叫 workbench.sqlite3）；损坏的数据库请从备份恢复。"
            )
        if "unable to open database file" in text:
            return _cannot_open(name)
        if "disk i/o error" in text:
            return DatabaseError(
                f"读写磁盘出错{where}：磁盘、U盘或网络连接可能有问题。请检查后再试，并用 check 检查数据库。"
            )
        if "could not connect" in text or "connection refused" in text or "could not translate host" in text:
            return DatabaseError(
                f"连不上数据库服务器{where}。请检查服务器是否开着、网络是否通、--db 里的地址和端口是否正确。"
            )
    return None


def _shown(target: str) -> str:
    """A path as it is; a server URL without its password."""
    if "://" not in target:
        return target
    try:
        return make_url(target).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can read: show no more than the host part
        return target.rsplit("@", 1)[-1]


def _explain_os_error(err: OSError, name: str) -> DatabaseError | None:
    """A full disk or a place that may not be written, naming the file the system names (it may be a backup
    or an export rather than the database)."""
    place = f"“{err.filename}”" if err.filename else (f"“{name}”" if name else "")
    if err.errno == errno.ENOSPC:
        return DatabaseError(f"磁盘已满，没有写入{place}。请清理磁盘空间，或换一个空间充足的磁盘后再做一次。")
    if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return DatabaseError(
            f"不能读写{place}：那里只读或没有权限。请换一个可写的文件夹，或检查文件和文件夹的权限后再试。"
        )
    return None


def _cannot_open(name: str) -> DatabaseError:
    path = Path(name) if name and "://" not in name else None
    if path is not None and path.is_dir():
        return NotADatabase(_folder_message(path))
    if path is not None and not path.parent.is_dir():
        return NotADatabase(
            f"数据库所在的文件夹不存在：{path.parent}。请先建好这个文件夹，或检查 --db 的路径。"
        )
    return DatabaseError(
        f"无法打开数据库{f'（{name}）' if name else ''}：没有权限，或位置只读。请检查这个文件和它所在文件夹的"
        "写入权限，或把数据库复制到可写的文件夹，用 --db 指向它。"
    )


def _folder_message(path: Path) -> str:
    return (
        f"“{path}”是一个文件夹，不是数据库文件。--db 要写到文件，如 {path / 'workbench.sqlite3'}"
        "（没有这个文件时 init 会建好它）。"
    )


def check_location(path: Path) -> None:
    """Refuse, before SQLite says it in English, a path that is a folder, a file that is not SQLite, or a
    place on a network share (where SQLite's WAL mode is unsafe)."""
    if path.is_dir():
        raise NotADatabase(_folder_message(path))
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        head = b""
    except OSError as exc:
        raise explain(exc, path) or DatabaseError(f"无法读取数据库文件“{path}”：{exc.strerror}") from exc
    if head and head != SQLITE_HEADER:  # an empty file is fine: SQLite makes it a new database
        raise NotADatabase(
            f"“{path}”不是本程序的数据库文件（是别的文件，或已经损坏）。请检查 --db 指向的文件"
            "（数据库文件通常叫 workbench.sqlite3）；损坏的数据库请从备份恢复。"
        )
    where = network_location(path)
    if where:
        raise OnNetworkShare(
            f"数据库文件“{path}”在{where}上。SQLite 数据库不能放在网络共享上使用：它的 WAL 日志方式在网络文件系统上"
            f"不可靠，几台电脑同时写会损坏数据。{NETWORK_ADVICE}"
        )


def normalize_url(target: str | Path) -> str:
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy's `begin` event issue BEGIN itself (pysqlite's own handling defers it).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """One database, SQLite file or PostgreSQL URL."""

    def __init__(self, target: str | Path, *, echo: bool = False) -> None:
        self.url = normalize_url(target)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.path: Path | None = Path(parsed.database) if self.is_sqlite and parsed.database else None
        if self.path is not None and parsed.database != ":memory:":
            check_location(self.path)
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

    def _alembic_config(self, connection):  # -> alembic.config.Config
        from alembic.config import Config  # lazy: alembic (~0.5 s) loads only when the schema changes

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = connection
        return cfg

    def current_revision(self) -> str | None:
        """The schema's revision as Alembic records it; None for a database without one."""
        with self.engine.connect() as conn:
            try:
                rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            except (OperationalError, ProgrammingError):  # no such table: not set up yet
                return None
        if len(rows) > 1:
            raise DatabaseError(f"数据库记录了多个结构版本（{'、'.join(rows)}），无法判断，请联系技术支持。")
        return rows[0] if rows else None

    def head_revision(self) -> str:
        return head_revision()

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return not inspect(conn).get_table_names()

    def needs_upgrade(self) -> bool:
        return self.current_revision() != self.head_revision()

    def upgrade(
        self, *, revision: str = "head", backup: Callable[[str | None], Path] | None = None
    ) -> Path | None:
        """Bring the schema to `revision`. A database that holds anything is first given to `backup` (with its
        current revision; the system area's `backup.upgrade` passes a copy to the backup folder); returns what
        `backup` returned.

        A database written by a newer version of the app is refused, never touched."""
        if revision == "head" and self.current_revision() == head_revision():
            return None  # up to date, read with plain SQL: Alembic is not loaded at all
        from alembic import command  # lazy: alembic (~0.5 s) loads only when the schema changes
        from alembic.script import ScriptDirectory  # lazy: as above

        script = ScriptDirectory.from_config(self._alembic_config(None))
        current = self.current_revision()
        if current is not None and not _known(script, current):
            raise DatabaseTooNew(
                f"数据库版本 {current} 比本程序新，请升级本程序后再打开（数据库未作任何改动）。"
            )
        target = script.get_current_head() if revision == "head" else revision
        if current == target:
            return None
        taken = None
        if backup is not None and (current is not None or not self.is_empty()):
            taken = backup(current)
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
        return taken


def head_revision() -> str:
    """The newest migration's id, read from the migration files without loading Alembic: every command checks
    it before it starts (tests/test_migrations.py holds it equal to Alembic's own answer)."""
    named: dict[str, str | None] = {}
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = re.search(r'^revision = "([^"]+)"', source, re.M)
        down = re.search(r'^down_revision = (?:"([^"]+)"|None)', source, re.M)
        if revision and down:
            named[revision.group(1)] = down.group(1)
    heads = set(named) - set(named.values())
    if len(heads) != 1:
        raise DatabaseError(f"程序的数据库迁移文件不完整（{len(heads)}个最新版本），请重新安装本程序。")
    return heads.pop()


def _known(script, rev: str) -> bool:  # script: alembic.script.ScriptDirectory
    try:
        return script.get_revision(rev) is not None
    except Exception:  # alembic raises for unknown ids
        return False


def file_in_use_message(path: Path | str, action: str = "替换") -> str:
    return (
        f"无法{action}文件“{path}”：它正被另一个程序打开（Windows 不允许{action}正在使用的文件），或者没有写入权限。"
        "请关闭打开它的程序（另一个工作台窗口、WPS/Excel、看图或PDF软件；杀毒软件扫描时请稍等）后再试；"
        "若没有程序打开它，请检查这个文件夹是否允许写入。"
    )


# Windows refuses to replace a file that is open (an antivirus or the search indexer may hold a new file for a
# moment): a few short retries, then a message naming the file.
REPLACE_ATTEMPTS = 5
REPLACE_WAIT_SECONDS = 0.2


def replace_file(src: Path, dst: Path) -> None:
    """os.replace(src, dst) for a finished temporary file. Close every handle on both before calling: Windows
    refuses to replace (or delete) an open file. When it still refuses, src is removed and FileInUse says which
    file and what to do; dst is left as it was."""
    for attempt in range(REPLACE_ATTEMPTS):
        try:
            os.replace(src, dst)
            return
        except PermissionError as exc:
            if attempt + 1 < REPLACE_ATTEMPTS:
                time.sleep(REPLACE_WAIT_SECONDS)
                continue
            try:
                Path(src).unlink(missing_ok=True)
            except OSError:
                pass
            raise FileInUse(file_in_use_message(dst)) from exc


def copy_file_atomically(src: Path, dst: Path) -> None:
    tmp = dst.with_name(dst.name + ".part")
    shutil.copyfile(src, tmp)
    replace_file(tmp, dst)
