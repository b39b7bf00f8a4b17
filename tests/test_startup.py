"""A command starts without loading what it does not need: the schema check reads the migration files and the
version table directly; Alembic loads only when the schema changes. A command loads only its own area of the
command line, and none of the heavy libraries (Alembic, pypinyin, ReportLab, Matplotlib, openpyxl, Qt) unless it
upgrades, indexes, prints, charts, reads a workbook or opens the window."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from desktop import cli
from desktop import db as dbmod
from desktop.cli.common import Commands, Parser
from desktop.db import MIGRATIONS, Database
from tests.conftest import ADMIN, ADMIN_PASSWORD

ROOT = Path(__file__).resolve().parent.parent


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


HEAVY = ("alembic", "mako", "pygments", "pypinyin", "reportlab", "matplotlib", "openpyxl", "PySide6")

PROBE = f"""
import json, sys
from desktop.cli import main
code = main(sys.argv[1:])
print(json.dumps({{"code": code, "loaded": sorted(m for m in {HEAVY!r} if m in sys.modules),
                   "areas": sorted(m for m in sys.modules if m.startswith("desktop.cli.") and m != "desktop.cli.common"),
                   "models": sorted(m for m in sys.modules if m.startswith("desktop.models."))}}))
"""


def _run(db_url: str, *args: str) -> dict:
    env = dict(os.environ, DESKTOP_USER=ADMIN.username, DESKTOP_PASSWORD=ADMIN_PASSWORD, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", db_url, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_a_plain_list_loads_no_heavy_library_and_only_its_own_area(db_url):
    found = _run(db_url, "--json", "households", "list")
    assert found["code"] == 0
    assert found["loaded"] == []
    assert found["areas"] == ["desktop.cli.households"]
    # the models of its own tables (and the ledgers' and users' the log-in and audit chain name), not all 17
    assert "desktop.models.households" in found["models"]
    assert not {"desktop.models.projects", "desktop.models.monitoring", "desktop.models.archives"} & set(
        found["models"]
    )


def test_a_line_argparse_refuses_is_refused_by_the_whole_tree(db_url, capsys):
    # `--us` is argparse's abbreviation of --user: the line is not read plainly, the whole tree parses it
    assert cli.command_area(["--us", "fund", "households", "list"]) is None
    code = cli.main(["--db", db_url, "--json", "households", "no-such-verb"])
    assert code == 2
    assert "no-such-verb" in json.loads(capsys.readouterr().out)["error"]


@pytest.mark.parametrize(
    ("argv", "area"),
    [
        (["--db", "x.sqlite3", "households", "list"], "households"),
        (["--json", "--db=x", "--user", "admin", "redeem", "S01"], "stores"),
        (["fund", "--help"], "fund"),
        (["--help", "fund"], None),  # the top-level help lists every area
        (["print", "notice", "households"], None),  # every area adds print kinds
        ([], None),
        (["--smoke"], None),
    ],
)
def test_the_area_a_line_names(argv, area):
    assert cli.command_area(argv) == area


def _tree(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    yield path, parser.format_help()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _tree(child, (*path, name))


def test_each_command_is_registered_by_the_area_the_table_names_and_parses_alike_alone():
    common = argparse.ArgumentParser(add_help=False)
    sub = Parser(prog="python -m desktop").add_subparsers(dest="command")
    commands = Commands(sub, common)
    owner: dict[str, str] = {}
    for area in cli.AREAS:
        before = set(sub.choices)
        cli._area(area).register(commands)
        owner.update(dict.fromkeys(set(sub.choices) - before, area))
    owner.pop("print")
    assert owner == cli.COMMAND_AREAS
    whole = dict(_tree(cli.build_parser()))
    for area in sorted(set(cli.COMMAND_AREAS.values())):
        alone = dict(_tree(cli.build_parser((area,))))
        for path, shown in alone.items():
            if path and path[0] != "print":
                assert shown == whole[path], path
