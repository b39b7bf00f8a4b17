"""The import contract: the tree reads as the architecture, and nothing hides a cycle in a function.

Layers, bottom up: the shared vocabulary (clock, money, errors, limits, config, vocabulary, ed25519) → models → db →
services → (reports, ui, cli). Reports draw from plain data: they import the bottom and each other only. An
import inside a function counts like any other; it is allowed only where it buys start-up time, and says so
with a `# lazy:` comment on its first line."""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "desktop"
BOTTOM = {
    "desktop",
    "desktop.clock",
    "desktop.config",
    "desktop.console",
    "desktop.ed25519",
    "desktop.errors",
    "desktop.limits",
    "desktop.money",
    "desktop.vocabulary",
}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    lazy: bool  # inside a function
    commented: bool  # carries `# lazy:` on its first line


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue  # Alembic loads these by file; they import only alembic and sqlalchemy
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _edges() -> list[Edge]:
    edges = []
    for name, path in MODULES.items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        top: set[int] = set()
        skipped: set[int] = set()
        for node in tree.body:
            inner = {id(n) for n in ast.walk(node)}
            if _type_checking_only(node):
                skipped |= inner  # annotations only, never run
            elif isinstance(node, ast.If | ast.Try | ast.Import | ast.ImportFrom):
                top |= inner
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or id(node) in skipped:
                continue
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    stem = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*stem, base] if base else stem)
                wanted = [f"{base}.{alias.name}" for alias in node.names]
                # `from desktop.services.fund import fund` names a module; `from desktop.x import y` a name
                targets = {_resolve(w) for w in wanted}
            else:
                targets = {_resolve(alias.name) for alias in node.names}
            for target in targets:
                if target and target != name and target.startswith("desktop"):
                    edges.append(
                        Edge(
                            name, target, node.lineno, id(node) not in top, "lazy:" in lines[node.lineno - 1]
                        )
                    )
    return edges


EDGES = _edges()


def _layer(module: str) -> str:
    if module in BOTTOM:
        return "bottom"
    if module == "desktop.db":
        return "db"
    if module == "desktop.__main__":
        return "cli"
    return module.split(".")[1]


ALLOWED = {
    "bottom": {"bottom"},
    "models": {"bottom", "models"},
    "db": {"bottom", "models", "db"},
    "services": {"bottom", "models", "db", "services", "reports"},
    "reports": {"bottom", "reports"},
    "ui": {"bottom", "models", "db", "services", "reports", "ui"},
    "cli": {"bottom", "models", "db", "services", "reports", "cli", "ui"},
}


def test_every_module_sits_in_a_layer():
    assert {_layer(m) for m in MODULES} <= set(ALLOWED)


def test_each_layer_imports_only_the_layers_below_it():
    wrong = [
        f"{e.source}:{e.line} → {e.target}"
        for e in EDGES
        if _layer(e.target) not in ALLOWED[_layer(e.source)]
    ]
    assert not wrong, "imports across the layers:\n" + "\n".join(wrong)


def test_the_command_line_opens_the_window_only_lazily():
    wrong = [f"{e.source}:{e.line}" for e in EDGES if _layer(e.source) == "cli" and _layer(e.target) == "ui"]
    assert all(e.lazy for e in EDGES if _layer(e.source) == "cli" and _layer(e.target) == "ui"), wrong


def _cycles() -> list[list[str]]:
    graph = defaultdict(set)
    for e in EDGES:
        graph[e.source].add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(MODULES):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_round_a_cycle():
    cycles = _cycles()
    assert not cycles, "import cycles (imports inside functions count):\n" + "\n".join(map(str, cycles))


def test_an_import_inside_a_function_says_why():
    unexplained = [f"{e.source}:{e.line} → {e.target}" for e in EDGES if e.lazy and not e.commented]
    assert not unexplained, (
        "imports inside functions without a `# lazy: reason` comment (hoist them to the top):\n"
        + "\n".join(unexplained)
    )


def test_the_contract_sees_the_tree():
    # the walk found the areas and their function-level imports; a parser change would not pass silently
    assert {"desktop.services.fund.fund", "desktop.reports.notice", "desktop.ui.main_window"} <= set(MODULES)
    assert any(e.lazy and e.commented for e in EDGES)
    assert len(EDGES) > 300
