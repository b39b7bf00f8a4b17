"""One way from a widget to the database (issue 17): no module under desktop/ui touches the Database itself.

Widgets hand operations to ctx.ops (desktop.ui.ops), which run them off the GUI thread with the database. The
check reads every module's syntax tree, function bodies included: an attribute named `db` (ctx.db, self.db) or a
name `Database`/`Session` fails it.
An operation's own parameter `db` is fine: it is handed over on the worker.
"""

from __future__ import annotations

import ast
from pathlib import Path

import desktop.ui

UI = Path(desktop.ui.__file__).parent
# Where the database legitimately appears: the ops layer itself, and the start-up before any window exists.
ALLOWED = {"ops.py", "context.py", "app.py"}


def _touches(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("db", "_db"):
            found.append(f"{path.name}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in ("Database", "Session"):
            found.append(f"{path.name}:{node.lineno} {node.id}")
    return found


def test_no_widget_reaches_the_database_but_through_the_ops():
    offenders = [
        hit for path in sorted(UI.glob("*.py")) if path.name not in ALLOWED for hit in _touches(path)
    ]
    assert not offenders, "desktop/ui must go through ctx.ops:\n" + "\n".join(offenders)
