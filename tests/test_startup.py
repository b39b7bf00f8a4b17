"""A command starts without loading what it does not need: the schema check reads the migration files and the
version table directly; Alembic loads only when the schema changes."""

from __future__ import annotations

import json
import subprocess
import sys

from alembic.config import Config
from alembic.script import ScriptDirectory

from desktop import db as dbmod
from desktop.db import MIGRATIONS, Database


def test_the_head_read_from_the_files_is_alembics():
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert dbmod.head_revision() == ScriptDirectory.from_config(cfg).get_current_head()


def test_a_database_without_a_version_has_no_revision(tmp_path):
    empty = Database(tmp_path / "empty.sqlite3")
    try:
        assert empty.current_revision() is None
        assert empty.needs_upgrade()
    finally:
        empty.dispose()


def test_the_revision_is_read_back_after_an_upgrade(db):
    assert db.current_revision() == db.head_revision() == dbmod.head_revision()
    assert not db.needs_upgrade()


def _loaded_after(code: str) -> dict:
    probe = f"import json, sys\n{code}\nprint(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'reportlab', 'matplotlib', 'PySide6', 'openpyxl'))))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return {name.split(".")[0] for name in json.loads(out.stdout.strip().splitlines()[-1])}


def test_help_and_a_listing_load_neither_alembic_nor_the_printing_libraries(db_url, cli_login):
    assert not _loaded_after("from desktop.cli import build_parser\nbuild_parser().format_help()")
    listing = _loaded_after(
        "from desktop.cli import main\n"  # logged in through the environment cli_login set
        f"assert main(['--db', {db_url!r}, '--json', 'households', 'list', '--limit', '1']) == 0"
    )
    assert not listing
