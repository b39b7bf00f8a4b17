"""The models load per area (desktop.models imports a module when one of its names is first asked for), so every
model module must itself import the modules whose tables its foreign keys name — else a command that loaded only
that module would meet an unknown table when SQLAlchemy resolves the key. And start-up holds the collector off
until the command runs or the window is shown, then gives it back."""

from __future__ import annotations

import ast
import gc
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import desktop.models as models
from desktop.db import Database
from desktop.models import Base, load_all
from desktop.services import collector

MODELS = Path(models.__file__).parent


def _modules() -> list[str]:
    return [m.name for m in pkgutil.iter_modules([str(MODELS)]) if m.name != "base"]


def _imports(module: str) -> set[str]:
    """The model modules `module` imports itself (from desktop.models import x / from desktop.models.x import …)."""
    tree = ast.parse((MODELS / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "desktop.models":
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("desktop.models."):
            found.add(node.module.split(".")[2])
    return found & set(_modules())


def test_each_model_module_loads_the_tables_its_keys_name():
    load_all()
    module_of = {m.local_table.name: m.class_.__module__.split(".")[-1] for m in Base.registry.mappers}
    assert set(module_of) == set(Base.metadata.tables)
    for module in _modules():
        reach, todo = set(), [module]
        while todo:  # what importing the module loads, transitively
            for dep in _imports(todo.pop()) - reach:
                reach.add(dep)
                todo.append(dep)
        named = {
            module_of[fk.column.table.name]
            for table in Base.metadata.tables.values()
            if module_of[table.name] == module
            for fk in table.foreign_keys
        } - {module}
        assert named <= reach, f"desktop.models.{module} must import {sorted(named - reach)}"


def test_the_name_table_is_the_modules_contents():
    load_all()
    declared = {m.class_.__name__: m.class_.__module__.split(".")[-1] for m in Base.registry.mappers}
    assert {k: v for k, v in models.WHERE.items() if k != "ROLES"} == declared
    for name, module in models.WHERE.items():
        assert getattr(models, name) is getattr(importlib.import_module(f"desktop.models.{module}"), name)


def test_a_fresh_process_loads_only_what_it_asks_for_and_flushes_with_it(tmp_path):
    made = Database(tmp_path / "fresh.sqlite3")
    made.upgrade()  # (Alembic loads the whole schema: done here, not in the probe)
    made.dispose()
    probe = (
        "import sys\n"
        "from desktop.db import Database\n"
        "from desktop.models import Household, Township, Village\n"
        "from sqlalchemy import select\n"
        "from sqlalchemy.orm import configure_mappers\n"
        "configure_mappers()\n"
        f"db = Database({str(tmp_path / 'fresh.sqlite3')!r})\n"
        "with db.write() as s:\n"
        "    t = Township(name='逻岗镇'); v = Village(township=t, name='孙桥村')\n"
        "    s.add(Household(code='1', village=v, head_name='王华', attrs={}))\n"
        "with db.read() as s:\n"
        "    assert s.scalars(select(Household.head_name)).all() == ['王华']\n"
        "print(sorted(m for m in sys.modules if m.startswith('desktop.models.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    loaded = out.strip().splitlines()[-1]
    assert "desktop.models.households" in loaded and "desktop.models.geography" in loaded
    assert "desktop.models.projects" not in loaded and "desktop.models.points" not in loaded


def test_start_up_holds_the_collector_until_it_is_done():
    assert gc.isenabled()
    try:
        collector.hold_start_up()
        assert not gc.isenabled()
        with collector.collector_held():  # a background read begun during start-up
            collector.start_up_done()
            assert not gc.isenabled()  # the read still holds it …
        assert gc.isenabled()  # … and gives it back when it ends
        collector.start_up_done()  # a second call (or one without a hold) changes nothing
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()  # start_up_done froze this test process's objects
