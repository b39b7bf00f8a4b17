"""The bottom of the command line, shared by every area's module and imported by none of them in turn: the
command's context (database, log-in), printing the result (text or --json), reading values typed on the line,
and `Commands`, through which each area adds its commands and its `print` kinds to the one parser."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from desktop import limits, money
from desktop.config import default_database
from desktop.db import Database
from desktop.errors import InputRejected, PermissionDenied
from desktop.services.documents import Printed
from desktop.services.system import users


class CliContext:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.target = args.db or default_database()
        self._db: Database | None = None
        self._actor = None

    def database(self, *, create: bool = False, upgrade: bool = False) -> Database:
        if self._db is None:
            db = self._db = Database(self.target)  # registered first, so close() disposes it on errors too
            if not create and not db.exists():
                raise InputRejected(f"数据库不存在：{db.display_name}（请先运行 init）")
            if not create and (db.is_empty() or db.current_revision() is None):
                raise InputRejected(f"“{db.display_name}”还不是本程序的数据库（请先运行 init）")
            if upgrade or create or db.needs_upgrade():
                # backs the database up first; refuses a newer one
                from desktop.services.system import backup  # lazy: it loads every ledger's checks

                backup.upgrade(db)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None

    def actor(self, permission: str | None = None, what: str = ""):
        """The user a command acts as, writing or reading: --user/DESKTOP_USER, password from DESKTOP_PASSWORD
        or a prompt. Reads obey the role and the villages (and a store operator's stores) as writes do; with
        `permission` the role must also have it (e.g. "backup"). Logged in once per command."""
        if self._actor is None:
            db = self.database()
            username = self.args.user or os.environ.get("DESKTOP_USER")
            if not username:
                raise PermissionDenied(
                    "这个命令要先登录：--user 用户名（或环境变量 DESKTOP_USER），"
                    "密码用环境变量 DESKTOP_PASSWORD 或在提示时输入"
                )
            password = os.environ.get("DESKTOP_PASSWORD")
            if password is None:
                if not sys.stdin.isatty():
                    raise PermissionDenied("没有终端可输入密码：请设置环境变量 DESKTOP_PASSWORD")
                password = getpass.getpass(f"用户 {username} 的密码：")
            self._actor = users.authenticate(db, username, password)
        if permission:
            self._actor.require(permission, what)
        return self._actor

    def every_village(self, what: str):
        """The user, who must see every village: for what reads the whole township at once."""
        actor = self.actor()
        if actor.village_ids is not None:
            raise PermissionDenied(
                f"用户“{actor.username}”只能查看自己负责的村，不能{what}（请扶贫办干部或管理员做）"
            )
        return actor


Handler = Callable[[CliContext], int]
PrintHandler = Callable[[CliContext, str], Printed]


# --- output -----------------------------------------------------------------------------------------


def emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, default=str))
    else:
        print(text)


def report(args: argparse.Namespace, data: dict, text: str) -> None:
    """An error: the JSON object on stdout with --json, else the text on stderr."""
    if args.json:
        print(json.dumps(data, ensure_ascii=False, default=str))
    else:
        print(text, file=sys.stderr)


def emit_printed(args: argparse.Namespace, result: Printed) -> None:
    text = f"已生成 {result.path}" + (f"（{result.pages}页）" if result.pages else "")
    if result.fonts:
        text += "\n字体：" + "；".join(result.fonts)
    emit(args, {"file": result.path, "pages": result.pages, "rows": result.rows, "fonts": result.fonts}, text)


# --- values typed on the command line ----------------------------------------------------------------


def need(value, message: str):
    """For what argparse cannot say: one of two options, or an option only some choices of another need."""
    if not value:
        raise InputRejected(message)
    return value


def fen(text: str, field: str = "金额") -> int:
    """An amount typed in 元 ("200.00") as integer fen: no nan, no third decimal, not negative (the service
    then holds it to its own limit)."""
    return money.parse_yuan(text, field, max_fen=limits.VALUE_FEN, min_fen=0)


def fen_or_zero(text: str | None, field: str = "金额") -> int:
    """An optional amount: not given is zero."""
    return fen(text, field) if text not in (None, "") else 0


def count(text: str | None, field: str, *, minimum: int = 0) -> int | None:
    """A whole number typed on the command line (points, quantities): argparse's own int() would take
    9223372036854775807 and answer "nan" in English; this names the field in Chinese."""
    if text is None:
        return None
    # only the shape here: the service holds the number to its own limit and says which
    return money.parse_count(text, field, maximum=10**18, minimum=minimum)


def day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputRejected(f"日期“{text}”应写成 2026-11-25") from None


def number(text: str | None, field: str) -> int:
    """A record's number typed as a positional (批次号, 异议号, 流水号)."""
    if text is None or not str(text).strip().isdigit():
        raise InputRejected(f"{field}“{text}”应为数字")
    return int(text)


# --- the parser ---------------------------------------------------------------------------------------


class UsageError(Exception):
    """What argparse rejects; desktop.cli.main answers it with exit 2 like any other input rejected."""

    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


_ARGPARSE_WORDS = (
    ("the following arguments are required: ", "缺少必填参数："),
    ("unrecognized arguments: ", "无法识别的参数："),
    ("invalid choice: ", "无效的选择："),
    ("expected one argument", "需要一个值"),
    ("invalid int value: ", "应为整数："),
    ("invalid float value: ", "应为数字："),
    ("(choose from ", "(可选 "),
    ("argument ", "参数 "),
)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are raised (main turns them into exit 2 and, with --json, a JSON
    object), in Chinese where argparse's English is the usual one."""

    def error(self, message: str):
        for english, chinese in _ARGPARSE_WORDS:
            message = message.replace(english, chinese)
        raise UsageError(f"{self.prog}：{message}", self.format_usage().rstrip())


PRINT_HELP = "打印公示、台账、证书（生成PDF或Excel）"
# the words of `print WORD SUBJECT …`; a word whose print stands alone (`print certificate …`) is not here
PRINT_WORDS = {
    "notice": "公示",
    "ledger": "台账（PDF，或用 --xlsx 输出Excel）",
    "sheet": "发放表、月结单",
    "chart": "统计图",
    "honour": "成批的荣誉证书",
    "report": "工作报告",
}


class Commands:
    """What an area's CLI module registers into: `command()` adds a command (or a verb under a group made by
    `group()`), `print_kind()` adds `print WHAT [SUBJECT] …`. Every parser takes the global options
    (--db, --json, --user), so they may stand anywhere on the line."""

    def __init__(self, sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
        self.sub = sub
        self.common = common
        self.printers: dict[tuple[str, str | None], PrintHandler] = {}
        self.single_prints: dict[tuple[str, str | None], PrintHandler] = {}
        self._print_words: argparse._SubParsersAction | None = None
        self._print_subjects: dict[str, argparse._SubParsersAction] = {}

    def group(self, name: str, help: str, dest: str, under=None) -> argparse._SubParsersAction:
        """A command whose next word is a verb, e.g. `fund pay`: its sub-parsers, the verb stored in `dest`."""
        parser = (under or self.sub).add_parser(name, help=help, description=help, parents=[self.common])
        return parser.add_subparsers(dest=dest, metavar="操作", required=True, parser_class=Parser)

    def command(self, name: str, func: Handler, help: str, under=None) -> argparse.ArgumentParser:
        parser = (under or self.sub).add_parser(name, help=help, description=help, parents=[self.common])
        parser.set_defaults(func=func)
        return parser

    # --- print ---

    def _print_under(self, what: str, subject: str | None) -> argparse._SubParsersAction:
        """Where `print WHAT` (subject None) or `print WHAT SUBJECT` goes; `print` and its words are made on
        first use, so the area that registers the first kind of a word needs no other to have run."""
        if self._print_words is None:
            parser = self.sub.add_parser(
                "print", help=PRINT_HELP, description=PRINT_HELP, parents=[self.common]
            )
            self._print_words = parser.add_subparsers(
                dest="print_what", metavar="内容", required=True, parser_class=Parser
            )
        if subject is None:
            return self._print_words
        if what not in self._print_subjects:
            helptext = PRINT_WORDS[what]
            parser = self._print_words.add_parser(
                what, help=helptext, description=helptext, parents=[self.common]
            )
            self._print_subjects[what] = parser.add_subparsers(
                dest=f"{what}_subject", metavar="对象", required=True, parser_class=Parser
            )
        return self._print_subjects[what]

    def print_kind(
        self,
        what: str,
        subject: str | None,
        func: PrintHandler,
        help: str,
        *,
        xlsx: bool = False,
        single: bool = False,
    ) -> argparse.ArgumentParser:
        """`print WHAT SUBJECT` (or `print WHAT` when subject is None), writing to --out (or, with xlsx, to
        --xlsx instead). `single`: one household's or receipt's paper, or the calibration page, not one of the
        office's lists (PRINTERS lists those)."""
        parser = self._print_under(what, subject).add_parser(
            subject or what, help=help, description=help, parents=[self.common]
        )
        if xlsx:
            parser.add_argument("--out", help="输出的PDF文件（或用 --xlsx）")
            parser.add_argument("--xlsx", help="输出为Excel文件")
        else:
            parser.add_argument("--out", required=True, help="输出的PDF文件")
        parser.set_defaults(func=_printing(func))
        (self.single_prints if single else self.printers)[(what, subject)] = func
        return parser


def _printing(func: PrintHandler) -> Handler:
    def run(ctx: CliContext) -> int:
        args = ctx.args
        out = need(
            getattr(args, "xlsx", None) or args.out, "请用 --out 文件.pdf 或 --xlsx 文件.xlsx 指定输出文件"
        )
        emit_printed(args, func(ctx, out))
        return 0

    return run
