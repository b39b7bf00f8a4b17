"""Rules the code keeps, read from its source (issue 18).

Dates: one clock. Every "today" and "now" comes from desktop.clock (Beijing time, and one place a test can
freeze), so nothing else in desktop/ may ask the PC: date.today(), datetime.now(), datetime.today(),
datetime.utcnow(), time.time() (a date in seconds; durations use time.perf_counter or time.monotonic) and
QDate.currentDate() (desktop.ui.dates.qdate_today gives the office's today as a QDate).

Money: integer fen (desktop.money). A float( of anything named like money (fen, yuan, amount, price, balance,
money, income) or a round(float( loses fen; format with desktop.money or integer arithmetic instead."""

from __future__ import annotations

import ast
import re
from pathlib import Path

DESKTOP = Path(__file__).resolve().parent.parent / "desktop"

PC_CLOCK = (
    "date.today",
    "datetime.now",
    "datetime.today",
    "datetime.utcnow",
    "time.time",
    "QDate.currentDate",
)
MONEY_WORDS = re.compile(r"fen|yuan|amount|price|balance|money|income", re.IGNORECASE)
# Floats that are not money, by file and the call's text (a line number would move with every edit).
NOT_MONEY = {
    ("desktop/services/system/settings.py", "round(float(v), 1)"),  # a print offset in millimetres
}


def _sources(root: Path):
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        yield path, text, ast.parse(text, filename=str(path))


def _where(root: Path, path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(root.parent).as_posix()}:{node.lineno}"


def _dotted(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every expression the parser gives
        return ""


def _is_call_to(call: ast.Call, name: str) -> bool:
    dotted = _dotted(call.func)
    return dotted == name or dotted.endswith("." + name)


def _order(offence: str) -> tuple[str, int]:
    path, line = offence.split(":")[:2]
    return path, int(line)


def pc_clock_calls(root: Path = DESKTOP) -> list[str]:
    found = []
    for path, _text, tree in _sources(root):
        if path == root / "clock.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for name in PC_CLOCK:
                    if _is_call_to(node, name):
                        found.append(f"{_where(root, path, node)}: {name}() — use desktop.clock")
    return sorted(found, key=_order)


def money_floats(root: Path = DESKTOP) -> list[str]:
    found = []
    for path, text, tree in _sources(root):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _dotted(node.func) not in ("round", "float"):
                continue
            here = path.relative_to(root.parent).as_posix()
            if (here, ast.get_source_segment(text, node)) in NOT_MONEY:
                continue
            if _dotted(node.func) == "round" and node.args:
                inner = node.args[0]
                if isinstance(inner, ast.Call) and _dotted(inner.func) == "float":
                    found.append(f"{_where(root, path, node)}: round(float(…)) — money stays integer fen")
                    continue
            if _dotted(node.func) == "float" and node.args:
                argument = " ".join(ast.get_source_segment(text, a) or "" for a in node.args)
                if MONEY_WORDS.search(argument):
                    found.append(f"{_where(root, path, node)}: float({argument}) — money stays integer fen")
    return sorted(found, key=_order)


def test_nothing_in_desktop_reads_the_pc_clock_but_desktop_clock():
    offences = pc_clock_calls()
    print("\n".join(offences))
    assert not offences, "\n" + "\n".join(offences)


def test_money_is_never_made_a_float():
    offences = money_floats()
    print("\n".join(offences))
    assert not offences, "\n" + "\n".join(offences)


def test_the_rules_see_what_they_are_meant_to(tmp_path):
    """The checks themselves: each kind of offence is found, with its file and line; the clock may ask the PC."""
    fake = tmp_path / "desktop"
    fake.mkdir()
    (fake / "clock.py").write_text("from datetime import datetime\nNOW = datetime.now()\n", encoding="utf-8")
    (fake / "bad.py").write_text(
        "import datetime, time\n"
        "from datetime import date\n"
        "from PySide6.QtCore import QDate\n"
        "a = date.today()\n"
        "b = datetime.datetime.now()\n"
        "c = time.time()\n"
        "d = QDate.currentDate()\n"
        "e = float(amount_fen) / 100\n"
        "f = round(float(x), 2)\n"
        "g = float(ratio)\n"
        "h = update.today()\n",
        encoding="utf-8",
    )
    clocks, floats = pc_clock_calls(fake), money_floats(fake)
    assert [c.split(":")[:2] for c in clocks] == [["desktop/bad.py", str(n)] for n in (4, 5, 6, 7)]
    assert [f.split(":")[:2] for f in floats] == [["desktop/bad.py", "8"], ["desktop/bad.py", "9"]]
