"""Fixtures: a real, migrated database per test (SQLite file or PostgreSQL), copied from a template."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import create_engine, text

from desktop import clock
from desktop.db import Database
from desktop.services.system.actor import SYSTEM, Actor
from desktop.services.system.users import create_user

DATA = Path(__file__).parent / "data"
ADMIN = Actor("admin", "admin", "管理员")
ADMIN_PASSWORD = "admin-pass"
_counter = itertools.count()


def _backend() -> str:
    return os.environ.get("DESKTOP_TEST_DATABASE", "sqlite")


def pytest_report_header(config):
    return f"database: {_backend()}"


# The second run, on PostgreSQL, takes the tests whose outcome can depend on the database: the services and
# their SQL, the commands, migrations, backups, access and the counters racing each other. These files check
# what does not: widgets drawn by Qt (the services under them run on PostgreSQL in their own tests), the layout
# of printed pages drawn by reportlab, the calendar arithmetic of the demo, hostile roster files refused before
# any database is opened, the Windows console, and the source code itself. They run once, on SQLite — which
# keeps ./test within CI's time (the whole suite twice took 30 minutes).
SQLITE_ONLY_PREFIXES = ("test_ui_", "test_print_")
SQLITE_ONLY = {
    "test_wrap.py",  # line breaking of printed text
    "test_clock_instants.py",  # the demo's dates at awkward instants: Python's calendar, not SQL
    "test_roster_hostile.py",  # files refused before a database is touched
    "test_windows.py",  # GBK consoles and Windows file replacement
    "test_architecture.py",
    "test_code_rules.py",
    "test_cli_help.py",
    "test_models_have_no_qt.py",
}


def pytest_collection_modifyitems(config, items):
    if _backend() == "sqlite":
        return
    chosen, dropped = [], []
    for item in items:
        name = item.path.name
        (dropped if name.startswith(SQLITE_ONLY_PREFIXES) or name in SQLITE_ONLY else chosen).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = chosen


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTOP_DATA_DIR", str(tmp_path / "appdata"))
    for name in ("DESKTOP_DB", "DESKTOP_USER", "DESKTOP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _background_work_done(request):
    """Widget tests end only when the background work they started has finished (the 首页 counts in the
    background as soon as a window opens), before their database is dropped."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    for name in ("db_url", "db"):  # set up before this fixture ends, so torn down after it
        if name in request.fixturenames:
            request.getfixturevalue(name)
    qtbot = request.getfixturevalue("qtbot")
    yield
    from desktop.services import child
    from desktop.ui import tasks

    qtbot.waitUntil(lambda: not tasks.busy(), timeout=60000)
    child.stop_readers()  # the pages' reader process, with its connection to this test's database


def _prepare(db: Database) -> None:
    db.upgrade()
    create_user(db, SYSTEM, ADMIN.username, ADMIN_PASSWORD, "admin", display_name="管理员")


@pytest.fixture(scope="session")
def _template(tmp_path_factory):
    backend = _backend()
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        db = Database(path)
        _prepare(db)
        db.dispose()
        yield ("sqlite", path)
        return
    admin = create_engine(backend, isolation_level="AUTOCOMMIT")
    name = f"desktop_template_{os.getpid()}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(_pg_url(backend, name))
    _prepare(db)
    db.dispose()
    yield ("postgresql", (admin, name))
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _pg_url(base: str, name: str) -> str:
    return base.rsplit("/", 1)[0] + "/" + name


@contextlib.contextmanager
def fresh_database(template, folder: Path):
    """URL (or path) of a new database copied from the template: the schema and one admin user."""
    kind, source = template
    if kind == "sqlite":
        path = folder / "workbench.sqlite3"
        shutil.copyfile(source, path)
        yield str(path)
        return
    admin, name_of_template = source
    name = f"desktop_t{os.getpid()}_{next(_counter)}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{name_of_template}"'))
    yield _pg_url(os.environ["DESKTOP_TEST_DATABASE"], name)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def db_url(_template, tmp_path) -> str:
    """URL (or path) of a fresh database holding the schema and one admin user."""
    with fresh_database(_template, tmp_path) as url:
        yield url


@pytest.fixture
def db(db_url) -> Database:
    database = Database(db_url)
    yield database
    database.dispose()


# The demo several modules read (120 households and their plans, as of this instant) is made once per session
# and copied for each test, as the empty database is: making it is most of those tests' time.
PLANS_DEMO_NOW = datetime(2031, 3, 25, 10, 0, tzinfo=clock.OFFICE_TZ)


@pytest.fixture(scope="session")
def _plans_demo_template(_template, tmp_path_factory):
    from desktop.services import demo

    folder = tmp_path_factory.mktemp("plans-demo")
    with fresh_database(_template, folder) as url:
        with pytest.MonkeyPatch.context() as mp:  # the clock is the demo's only while it is made
            mp.setattr(clock, "now", lambda: PLANS_DEMO_NOW)
            database = Database(url)
            demo.add_demo_households(database, ADMIN, 120)
            demo.add_demo_plans(database, ADMIN)
            database.dispose()
        if _template[0] == "sqlite":
            yield ("sqlite", Path(url))
        else:
            yield ("postgresql", (_template[1][0], url.rsplit("/", 1)[1]))


@pytest.fixture
def plans_demo(_plans_demo_template, tmp_path, monkeypatch) -> Database:
    """A copy of the session's plans demo, with the office clock at PLANS_DEMO_NOW for the test."""
    monkeypatch.setattr(clock, "now", lambda: PLANS_DEMO_NOW)
    with fresh_database(_plans_demo_template, tmp_path) as url:
        database = Database(url)
        yield database
        database.dispose()


@pytest.fixture
def empty_db(tmp_path) -> Database:
    """A migrated SQLite database with nobody in it: where the first-run wizard starts."""
    database = Database(tmp_path / "new.sqlite3")
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def admin() -> Actor:
    return ADMIN


@pytest.fixture
def cli_login(monkeypatch):
    """Commands run through desktop.cli.main log in as the template's administrator: reads log in too."""
    monkeypatch.setenv("DESKTOP_USER", ADMIN.username)
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)


@pytest.fixture
def sample(tmp_path):
    """Copy of a sample roster in a writable folder (errors files are written beside it)."""

    def copy(name: str) -> Path:
        target = tmp_path / "in" / name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(DATA / name, target)
        return target

    return copy
