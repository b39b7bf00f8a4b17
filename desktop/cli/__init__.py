"""`python -m desktop [--db PATH_OR_URL] [--json] [--user NAME] [COMMAND …]`: the command line over the same
services as the window.

Exit codes: 0 done; 1 unexpected error; 2 input rejected (a command line argparse refuses, too); 3 refused by a
rule or permission; 4 check failed. No command opens the window.

Each area's module (desktop.cli.fund, .stores, …) registers its commands, one sub-parser per verb with its own
arguments and handler, and the `print` kinds it owns; desktop.cli.common is the bottom they all share.
"""

from __future__ import annotations

import argparse
import os
import sys
from types import ModuleType

from desktop.cli.common import CliContext, Commands, Parser, PrintHandler, UsageError, report
from desktop.console import tolerate_unencodable
from desktop.db import explain
from desktop.errors import RowsRejected, ServiceError
from desktop.services.collector import start_up_done

__all__ = ["build_parser", "main"]

# in the order `python -m desktop --help` lists them
AREAS = (
    "system",
    "households",
    "identify",
    "plans",
    "monitor",
    "cadres",
    "loans",
    "posts",
    "quality",
    "problems",
    "projects",
    "project_prints",
    "rating",
    "stores",
    "counter",
    "fund",
)

# Which area registers each command (tests/test_cli_help.py holds this equal to what the areas register). A
# command runs with only its area loaded: each area's module imports its services, and loading all fifteen
# for one command doubled the start-up. `print` gathers kinds from every area, so it loads them all.
COMMAND_AREAS = {
    **dict.fromkeys(
        ("backup", "backup-auto", "backup-inspect", "check", "init", "restore", "settings"), "system"
    ),
    "users": "system",
    **dict.fromkeys(("compare", "export", "households", "import"), "households"),
    "identify": "identify",
    "archive": "plans",
    "plan": "plans",
    "monitor": "monitor",
    "cadres": "cadres",
    "loans": "loans",
    "posts": "posts",
    "audit": "quality",
    "problems": "problems",
    "projects": "projects",
    "rating": "rating",
    **dict.fromkeys(("goods", "points", "redeem", "stock", "stores"), "stores"),
    "counter": "counter",
    "fund": "fund",
}
GLOBAL_VALUES = ("--db", "--user")  # global options followed by a value
GLOBAL_FLAGS = ("--json", "--smoke")


def _area(name: str) -> ModuleType:  # noqa: C901  (one flat branch per area)
    """One area's command-line module (it registers its commands with `register(cli)`)."""
    if name == "system":
        from desktop.cli import system as area  # lazy: an area's services load only for its own commands
    elif name == "households":
        from desktop.cli import households as area  # lazy: as above
    elif name == "identify":
        from desktop.cli import identify as area  # lazy: as above
    elif name == "plans":
        from desktop.cli import plans as area  # lazy: as above
    elif name == "monitor":
        from desktop.cli import monitor as area  # lazy: as above
    elif name == "cadres":
        from desktop.cli import cadres as area  # lazy: as above
    elif name == "loans":
        from desktop.cli import loans as area  # lazy: as above
    elif name == "posts":
        from desktop.cli import posts as area  # lazy: as above
    elif name == "quality":
        from desktop.cli import quality as area  # lazy: as above
    elif name == "problems":
        from desktop.cli import problems as area  # lazy: as above
    elif name == "projects":
        from desktop.cli import projects as area  # lazy: as above
    elif name == "project_prints":
        from desktop.cli import project_prints as area  # lazy: as above
    elif name == "rating":
        from desktop.cli import rating as area  # lazy: as above
    elif name == "stores":
        from desktop.cli import stores as area  # lazy: as above
    elif name == "counter":
        from desktop.cli import counter as area  # lazy: as above
    elif name == "fund":
        from desktop.cli import fund as area  # lazy: as above
    else:
        raise KeyError(name)
    return area


def command_area(argv: list[str]) -> str | None:
    """The area owning the command `argv` names, when the line shows it plainly; None (every area) for `print`,
    a top-level --help, an abbreviated option or anything else this does not read the way argparse would."""
    words = iter(argv)
    for word in words:
        if word in GLOBAL_VALUES:
            next(words, None)
        elif word in GLOBAL_FLAGS or word.startswith(tuple(f"{o}=" for o in GLOBAL_VALUES)):
            continue
        elif word.startswith("-"):
            return None
        else:
            return COMMAND_AREAS.get(word)
    return None


def _build(areas: tuple[str, ...] = AREAS) -> tuple[argparse.ArgumentParser, Commands]:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help="数据库文件路径或 postgresql+psycopg:// URL")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="输出一个JSON对象")
    common.add_argument("--user", default=argparse.SUPPRESS, help="以该用户身份执行命令（读写都要登录）")

    parser = Parser(prog="python -m desktop", description="乡镇扶贫工作台", parents=[common])
    parser.add_argument(
        "--smoke", action="store_true", help="自检：在临时数据库上打开主窗口，输出 ready 后退出"
    )
    sub = parser.add_subparsers(dest="command", metavar="命令", title="命令（不给命令则打开窗口）")
    cli = Commands(sub, common)
    for name in areas:
        _area(name).register(cli)
    return parser, cli


def build_parser(areas: tuple[str, ...] = AREAS) -> argparse.ArgumentParser:
    return _build(areas)[0]


def _parse(argv: list[str] | None) -> argparse.Namespace:
    """The line parsed by the parser of its command's area alone when that is plain (a refusal there is
    parsed again by the whole tree, whose message is the one to show), else by the whole tree."""
    words = sys.argv[1:] if argv is None else argv
    area = command_area(words)
    if area is not None:
        try:
            return build_parser((area,)).parse_args(words)
        except UsageError:
            pass
    return build_parser().parse_args(words)


def __getattr__(name: str) -> dict[tuple[str, str | None], PrintHandler]:
    if name == "PRINTERS":  # (what, subject) of every print of the office's lists; made when asked for
        return _build()[1].printers
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> int:
    tolerate_unencodable()  # a GBK console prints ✓ or 𠮷 as "?" rather than failing the command
    words = sys.argv[1:] if argv is None else argv
    if len(words) == 1 and words[0].lower().endswith(".wbpack"):
        argv = ["counter", "open", words[0]]  # a pack double-clicked on Windows (the installer's association)
    try:
        args = _parse(argv)
    except UsageError as exc:
        words = sys.argv[1:] if argv is None else argv
        wants_json = argparse.Namespace(json="--json" in words)
        report(wants_json, {"error": exc.message}, f"{exc.usage}\n{exc.message}")
        return 2
    for name, default in (("db", None), ("json", False), ("user", None)):
        if not hasattr(args, name):
            setattr(args, name, default)
    if args.command is None:
        from desktop.ui.app import run_app  # lazy: Qt loads only when the window opens

        return run_app(args.db, smoke=args.smoke)
    ctx = CliContext(args)
    start_up_done()  # the entry point held the collector off while the command's modules loaded
    try:
        return args.func(ctx)
    except RowsRejected as exc:
        data = {
            "error": exc.message,
            "errors": [e.as_dict() for e in exc.errors],
            "errors_file": exc.errors_file,
        }
        text = exc.message + "\n" + "\n".join(str(e) for e in exc.errors)
        if exc.errors_file:
            text += f"\n错误清单已保存到：{exc.errors_file}"
        report(args, data, text)
        return exc.exit_code
    except ServiceError as exc:
        report(args, {"error": exc.message}, exc.message)
        return exc.exit_code
    except Exception as exc:  # an unexpected bug: exit 1 with a message, never a half-written database
        known = explain(exc, ctx.target)
        if known is not None:  # a folder, a full disk, a read-only place, a lock held too long …
            report(args, {"error": str(known)}, str(known))
            return known.exit_code
        report(args, {"error": f"意外错误：{exc!r}"}, f"意外错误：{exc!r}")
        if os.environ.get("DESKTOP_DEBUG"):
            raise
        return 1
    finally:
        ctx.close()
