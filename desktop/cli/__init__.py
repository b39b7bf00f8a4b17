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

from desktop.cli import (
    cadres,
    counter,
    fund,
    households,
    identify,
    loans,
    monitor,
    plans,
    posts,
    problems,
    project_prints,
    projects,
    quality,
    rating,
    stores,
    system,
)
from desktop.cli.common import CliContext, Commands, Parser, PrintHandler, UsageError, report
from desktop.console import tolerate_unencodable
from desktop.db import explain
from desktop.errors import RowsRejected, ServiceError

__all__ = ["build_parser", "main"]

# in the order `python -m desktop --help` lists them
AREAS = (
    system,
    households,
    identify,
    plans,
    monitor,
    cadres,
    loans,
    posts,
    quality,
    problems,
    projects,
    project_prints,
    rating,
    stores,
    counter,
    fund,
)


def _build() -> tuple[argparse.ArgumentParser, Commands]:
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
    for area in AREAS:
        area.register(cli)
    return parser, cli


def build_parser() -> argparse.ArgumentParser:
    return _build()[0]


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
        args = build_parser().parse_args(argv)
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
