"""`python -m desktop [--db PATH_OR_URL] [COMMAND …]`: the command line over the same services as the window.

Exit codes: 0 done; 1 unexpected error; 2 input rejected; 3 refused by a rule or permission; 4 check failed.
No command opens the window.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from desktop import cli_fund, cli_identify, cli_plans, cli_quality, cli_rating, cli_store, cli_system
from desktop.cli_common import emit as _emit
from desktop.cli_common import need as _need
from desktop.errors import InputRejected, PermissionDenied, RowsRejected, ServiceError


class CliContext:
    def __init__(self, args: argparse.Namespace) -> None:
        from desktop.config import default_database

        self.args = args
        self.target = args.db or default_database()
        self._db = None
        self._actor = None

    def database(self, *, create: bool = False, upgrade: bool = False):
        from desktop.db import Database

        if self._db is None:
            db = self._db = Database(self.target)  # registered first, so close() disposes it on errors too
            if not create and not db.exists():
                raise InputRejected(f"数据库不存在：{db.display_name}（请先运行 init）")
            if not create and (db.is_empty() or db.current_revision() is None):
                raise InputRejected(f"“{db.display_name}”还不是本程序的数据库（请先运行 init）")
            if upgrade or create:
                db.upgrade()
            elif db.needs_upgrade():
                db.upgrade()  # backs the database up first; refuses a newer one
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None

    def actor(self, permission: str | None = None, what: str = ""):
        """The user a command acts as, writing or reading: --user/DESKTOP_USER, password from DESKTOP_PASSWORD
        or a prompt. Reads obey the role and the villages (and a store operator's stores) as writes do; with
        `permission` the role must also have it (e.g. "backup"). Logged in once per command."""
        from desktop.services.system import users

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


# --- commands ---------------------------------------------------------------------------------------


def cmd_init(ctx: CliContext) -> int:
    from desktop.services import demo
    from desktop.services.system import users

    args = ctx.args
    db = ctx.database(create=True)
    # A database nobody uses yet is set up without a log-in; once it has users, adding an administrator or
    # demo households is done by a logged-in user who may (else anyone could make themselves an admin).
    if args.admin and not args.password:
        raise InputRejected("--admin 需要同时给出 --password")
    new_admin = bool(args.admin) and args.admin not in [u.username for u in users.list_users(db)]
    actor = ctx.actor() if (new_admin or args.demo) and users.count_users(db) else users.SYSTEM
    created = []
    if new_admin:
        users.create_user(db, actor, args.admin, args.password, "admin", display_name="管理员")
        created.append(args.admin)
    demo_user = None
    if args.demo:
        actor.require("roster.import", "添加演示数据")
        if users.count_users(db) == 0:
            users.create_user(db, users.SYSTEM, "admin", "admin123", "admin", display_name="管理员")
            demo_user = "admin"
        fresh = not demo.has_stores(db)
        demo.add_demo_households(db, actor, args.demo)
        if fresh:
            demo.add_demo_stores(db, actor)
            demo.add_demo_redemptions(db, actor)
            demo.add_demo_fund(db, actor)
            demo.add_demo_plans(db, actor)
            demo.add_demo_identification(db, actor)
    from desktop.services.households import households

    data = {
        "database": db.display_name,
        "revision": db.current_revision(),
        "households": households.count(db),
        "users_created": created + ([demo_user] if demo_user else []),
    }
    note = "（演示账号 admin / admin123）" if demo_user else ""
    _emit(args, data, f"数据库已就绪：{db.display_name}，{data['households']} 户{note}")
    return 0


def _print_rows(errors: list) -> str:
    return "\n".join(str(e) for e in errors)


def cmd_import_roster(ctx: CliContext) -> int:
    from desktop.services.roster.roster_import import import_roster

    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    result = import_roster(db, actor, args.file, dry_run=args.dry_run)
    text = (
        f"{'试导入（未写入）' if result.dry_run else '导入完成'}：{result.households} 户 {result.members} 人；"
        f"新增 {result.added}，更新 {result.updated}，未变 {result.unchanged}，"
        f"文件中没有的已有户 {result.missing}"
    )
    if result.ignored_columns:
        text += f"\n未识别的列（已忽略）：{'、'.join(result.ignored_columns)}"
    _emit(args, result.as_dict(), text)
    return 0


def cmd_export_roster(ctx: CliContext) -> int:
    from desktop.services.roster.roster_export import export_roster

    args = ctx.args
    people = export_roster(ctx.database(), ctx.actor(), args.file, layout=args.layout, village=args.village)
    _emit(args, {"file": str(args.file), "members": people}, f"已导出 {people} 人到 {args.file}")
    return 0


def cmd_compare_roster(ctx: CliContext) -> int:
    from desktop.services.roster.roster_compare import compare_roster

    args = ctx.args
    ctx.every_village("比对全乡镇的花名册")
    result = compare_roster(ctx.database(), args.file)
    lines = [
        f"文件 {result.households_in_file} 户，数据库 {result.households_in_database} 户，一致 {result.same} 户"
    ]
    if result.only_in_file:
        lines.append(f"仅在文件中（{len(result.only_in_file)}）：{'、'.join(result.only_in_file[:50])}")
    if result.only_in_database:
        lines.append(
            f"仅在数据库中（{len(result.only_in_database)}）：{'、'.join(result.only_in_database[:50])}"
        )
    for d in result.differences[:500]:
        who = f"{d.member} {d.name}" if d.member else "户信息"
        lines.append(f"户{d.household} {who} {d.field}：文件“{d.file or ''}” 数据库“{d.database or ''}”")
    _emit(args, result.as_dict(), "\n".join(lines))
    return 0


def cmd_households_list(ctx: CliContext) -> int:
    from dataclasses import asdict

    from desktop.services.households import households

    args = ctx.args
    found = households.list_households(
        ctx.database(), ctx.actor(), village=args.village, search=args.search or "", limit=args.limit
    )
    lines = [f"{r.code}  {r.head_name}  {r.village}{r.group}  {r.size}人  {r.household_kind}" for r in found]
    lines.append(f"共 {len(found)} 户")
    _emit(args, {"count": len(found), "households": [asdict(r) for r in found]}, "\n".join(lines))
    return 0


def cmd_households_show(ctx: CliContext) -> int:
    from desktop.services.households import households

    args = ctx.args
    d = households.detail(ctx.database(), ctx.actor(), args.code)
    r = d.row
    lines = [
        f"户编号 {r.code}  户主 {r.head_name}  {d.township}{r.village}{r.group}  {r.size}人",
        f"户类型 {r.household_kind}  贫困户属性 {r.poverty_type}  联系电话 {r.phone}",
    ]
    for m in d.members:
        lines.append(
            f"  {m.relation:<4} {m.name:<6} {m.sex} {m.age if m.age is not None else '':>3}岁 "
            f"{m.id_number} {m.health} {m.labour}{'（已不在册）' if m.left else ''}"
        )
    for i in d.incomes:
        if i.net_per_capita is not None:
            lines.append(f"  {i.year}年 人均纯收入 {i.net_per_capita / 100:.2f} 元")
    _emit(args, d.as_dict(), "\n".join(lines))
    return 0


def cmd_backup(ctx: CliContext) -> int:
    from desktop.services.system.backup import anchor_of, backup_database

    ctx.actor("backup", "备份数据库（备份里有全部数据）")
    target = backup_database(ctx.database(), ctx.args.file)
    code = anchor_of(target)
    _emit(ctx.args, {"file": str(target), "anchor": code}, f"已备份到 {target}（审计校验码 {code}）")
    return 0


def cmd_restore(ctx: CliContext) -> int:
    from desktop.services.system.backup import restore_database

    db = ctx.database()
    safety = restore_database(db, ctx.actor(), ctx.args.file)
    _emit(
        ctx.args,
        {"restored_from": str(ctx.args.file), "safety_backup": str(safety)},
        f"已从 {ctx.args.file} 恢复；恢复前的数据已备份到 {safety}",
    )
    return 0


def cmd_check(ctx: CliContext) -> int:
    from desktop.services.system.backup import check_database

    report = check_database(ctx.database(), anchors=ctx.args.anchor or [])
    text = (
        "检查通过：数据库完好，审计日志完整。" if report.ok else "检查未通过：\n" + "\n".join(report.problems)
    )
    f = report.facts
    text += (
        f"\n当前审计校验码 {f['anchor']}；已与备份文件夹中的{f['backups_compared']}个备份"
        + (f"和{f['anchors_checked']}个打印的校验码" if f["anchors_checked"] else "")
        + "核对。"
    )
    _emit(ctx.args, report.as_dict(), text)
    return 0 if report.ok else 4


def cmd_users_add(ctx: CliContext) -> int:
    from desktop.services.system import users

    args = ctx.args
    password = args.new_password or os.environ.get("DESKTOP_NEW_PASSWORD")
    if not password:
        raise InputRejected("请用 --new-password 给出新用户的密码")
    info = users.create_user(
        ctx.database(),
        ctx.actor(),
        args.username,
        password,
        args.role,
        villages=args.village or [],
        stores=args.store or [],
    )
    _emit(
        args,
        {"username": info.username, "role": info.role, "villages": info.villages, "stores": info.stores},
        f"已创建用户 {info.username}（{users.ROLE_NAMES[info.role]}）",
    )
    return 0


def cmd_users_unlock(ctx: CliContext) -> int:
    from desktop.services.system import users

    users.unlock(ctx.database(), ctx.actor(), ctx.args.username)
    _emit(ctx.args, {"username": ctx.args.username}, f"已解锁 {ctx.args.username}")
    return 0


def cmd_users_active(active: bool):
    def run(ctx: CliContext) -> int:
        from desktop.services.system import users

        users.set_active(ctx.database(), ctx.actor(), ctx.args.username, active)
        _emit(
            ctx.args,
            {"username": ctx.args.username, "active": active},
            f"已{'启用' if active else '停用'} {ctx.args.username}",
        )
        return 0

    return run


def cmd_users_list(ctx: CliContext) -> int:
    from dataclasses import asdict

    from desktop.services.system import users

    ctx.actor()
    found = users.list_users(ctx.database())
    lines = [
        f"{u.username}  {users.ROLE_NAMES.get(u.role, u.role)}  {'、'.join(u.villages + u.stores)}  "
        f"{'已锁定' if u.locked else ''}{'' if u.active else '已停用'}"
        for u in found
    ]
    _emit(ctx.args, {"users": [asdict(u) for u in found]}, "\n".join(lines))
    return 0


def _print_notice_households(db, actor, args, out, start):
    from desktop.services.households import printing
    from desktop.services.system import settings

    if args.days is not None:  # held to the setting's range before anything else is looked at
        settings.notice_days(args.days, None)
    if args.notice_kind == "identification":  # the list of one identification round, not the whole village
        village = args.village
        if args.days is not None:
            raise InputRejected("识别公示的公示天数按识别批次的村公示日期（identify step），不用 --days")
        _need(
            args.round, "识别公示需要 --round 识别批次号：公示只列出批次里提名的农户（identify list 可查看）"
        )
    else:
        village = _need(args.village, "公示需要指定 --village 村名")
    return printing.household_notice(
        db,
        actor,
        village,
        out,
        title=args.title,
        kind=args.notice_kind,
        days=args.days,
        start=start,
        issuer=args.issuer,
        phone=args.phone,
        round_id=args.round if args.notice_kind == "identification" else None,
    )


def _print_ledger_households(db, actor, args, out, start):
    from desktop.services.households import printing

    return printing.household_ledger(db, actor, out, village=args.village, xlsx=bool(args.xlsx))


def _print_certificate(db, actor, args, out, start):
    from desktop.services.households import printing

    offset = None
    if args.offset_x is not None or args.offset_y is not None:
        offset = (args.offset_x or 0.0, args.offset_y or 0.0)
    return printing.household_certificate(
        db,
        actor,
        _need(args.household, "证书需要指定 --household 户编号"),
        out,
        template=args.template or "star",
        text=args.text or "",
        award=args.award or "",
        issuer=args.issuer,
        issued=start,
        number=args.number or "",
        preprinted=args.preprinted,
        offset_mm=offset,
    )


PRINTERS = {
    ("notice", "households"): _print_notice_households,
    ("notice", "stars"): cli_rating.print_notice_stars,
    ("notice", "redemptions"): cli_store.print_notice_redemptions,
    ("notice", "donations"): cli_store.print_notice_donations,
    ("ledger", "households"): _print_ledger_households,
    ("ledger", "points"): cli_store.print_ledger_points,
    ("ledger", "stock"): cli_store.print_ledger_stock,
    ("chart", "points"): cli_store.print_chart_points,
    ("ledger", "fund"): cli_fund.print_fund("ledger"),
    ("ledger", "elders"): cli_fund.print_fund("elders"),
    ("sheet", "settlement"): cli_store.print_settlement_sheet,
    ("sheet", "fund"): cli_fund.print_fund("sheet"),
    ("notice", "fund"): cli_fund.print_fund("notice"),
    ("notice", "honour-roll"): cli_fund.print_fund("honour"),
    ("pledge", None): cli_fund.print_fund("pledge"),
    ("honour", "fund"): cli_fund.print_fund("certificates"),
    ("ledger", "archive"): cli_plans.ledger_printer("archive"),
    ("ledger", "visits"): cli_plans.ledger_printer("visits"),
    ("ledger", "monitoring"): cli_plans.ledger_printer("monitoring"),
    ("report", "monthly"): cli_system.print_monthly,
}


def cmd_print(ctx: CliContext) -> int:
    """print notice|ledger|certificate|calibration|receipt|chart …"""
    from datetime import date as _date

    from desktop.services.households import printing

    args = ctx.args
    out = _need(args.xlsx or args.out, "请用 --out 文件.pdf（台账也可用 --xlsx 文件.xlsx）指定输出文件")
    start = _date.fromisoformat(args.start) if args.start else None
    if args.what == "calibration":
        result = printing.calibration_page(out, args.template or "star")
    elif args.what in ("archive", "card", "plan"):
        printer = {
            "archive": cli_plans.print_archive,
            "card": cli_plans.print_card,
            "plan": cli_plans.print_plan,
        }
        result = printer[args.what](ctx, out)
    else:
        handler = {"certificate": _print_certificate, "receipt": cli_store.print_receipt}.get(
            args.what
        ) or PRINTERS.get((args.what, args.kind))
        if handler is None:
            choices = "、".join(f"{w} {k or ''}".strip() for w, k in PRINTERS)
            raise InputRejected(f"不支持的打印内容：{args.what} {args.kind or ''}（可选：{choices}）")
        result = handler(ctx.database(), ctx.actor(), args, out, start)
    text = f"已生成 {result.path}" + (f"（{result.pages}页）" if result.pages else "")
    if result.fonts:
        text += "\n字体：" + "；".join(result.fonts)
    _emit(
        args, {"file": result.path, "pages": result.pages, "rows": result.rows, "fonts": result.fonts}, text
    )
    return 0


# --- parser -----------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help="数据库文件路径或 postgresql+psycopg:// URL")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="输出一个JSON对象")
    common.add_argument("--user", default=argparse.SUPPRESS, help="以该用户身份执行命令（读写都要登录）")

    parser = argparse.ArgumentParser(prog="python -m desktop", description="乡镇扶贫工作台", parents=[common])
    parser.add_argument(
        "--smoke", action="store_true", help="自检：在临时数据库上打开主窗口，输出 ready 后退出"
    )
    sub = parser.add_subparsers(dest="command")

    def add(name: str, func: Callable[[CliContext], int], parent=sub, **kw) -> argparse.ArgumentParser:
        p = parent.add_parser(name, parents=[common], **kw)
        p.set_defaults(func=func)
        return p

    p = add("init", cmd_init, help="创建或升级数据库")
    p.add_argument("--demo", type=int, default=0, metavar="N", help="添加N户演示数据")
    p.add_argument("--admin", help="创建管理员账号")
    p.add_argument("--password", help="管理员密码")

    for verb, func, helptext in (
        ("import", cmd_import_roster, "导入花名册"),
        ("export", cmd_export_roster, "导出花名册"),
        ("compare", cmd_compare_roster, "比对花名册与数据库（户表机一致）"),
    ):
        group = sub.add_parser(verb, help=helptext, parents=[common]).add_subparsers(
            dest="what", required=True
        )
        p = add("roster", func, parent=group, help=helptext)
        p.add_argument("file", type=Path)
        if verb == "import":
            p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        if verb == "export":
            p.add_argument("--layout", choices=("legacy", "2021"), help="导出格式（默认与上次导入相同）")
            p.add_argument("--village", help="只导出某个村")

    group = sub.add_parser("households", help="查找农户", parents=[common]).add_subparsers(
        dest="what", required=True
    )
    p = add("list", cmd_households_list, parent=group)
    p.add_argument("--village")
    p.add_argument("--search")
    p.add_argument("--limit", type=int)
    p = add("show", cmd_households_show, parent=group)
    p.add_argument("code")

    group = sub.add_parser("users", help="用户管理", parents=[common]).add_subparsers(
        dest="what", required=True
    )
    p = add("add", cmd_users_add, parent=group)
    p.add_argument("username")
    p.add_argument(
        "--role", required=True, choices=("admin", "clerk", "village_clerk", "store_operator", "auditor")
    )
    p.add_argument("--new-password")
    p.add_argument("--village", action="append", help="村文书负责的村（可重复）")
    p.add_argument("--store", action="append", help="超市操作员所在的超市编号（可重复）")
    p = add("unlock", cmd_users_unlock, parent=group)
    p.add_argument("username")
    for name, active, text in (
        ("disable", False, "停用用户（不能再登录，记录保留）"),
        ("enable", True, "重新启用用户"),
    ):
        p = add(name, cmd_users_active(active), help=text, parent=group)
        p.add_argument("username")
    add("list", cmd_users_list, parent=group)

    p = add("print", cmd_print, help="打印公示、台账、证书（生成PDF或Excel）")
    p.add_argument(
        "what",
        choices=(
            "notice",
            "ledger",
            "certificate",
            "calibration",
            "receipt",
            "chart",
            "sheet",
            "pledge",
            "honour",
            "archive",
            "card",
            "plan",
            "report",
        ),
    )
    p.add_argument("kind", nargs="?", help="notice/ledger 的内容，如 households；archive/card/plan 的户编号")
    p.add_argument("--out", help="输出的PDF文件")
    p.add_argument("--xlsx", help="台账输出为Excel文件")
    p.add_argument("--village")
    p.add_argument("--title")
    p.add_argument(
        "--notice-kind", default="identification", choices=("identification", "exit", "monitoring")
    )
    p.add_argument("--days", type=int, help="公示天数（默认7天）")
    p.add_argument("--start", help="公示开始日期/证书日期，如 2026-11-25（默认今天）")
    p.add_argument("--issuer", help="落款单位")
    p.add_argument("--phone", help="监督电话（默认12317）")
    p.add_argument("--template", help="证书模板：star、exit、filial")
    p.add_argument("--household", help="户编号")
    p.add_argument("--round", type=int, help="批次号：星级评定批次，或识别公示的识别批次")
    p.add_argument("--store", help="超市编号")
    p.add_argument("--month", help="月份，如 2026-11")
    p.add_argument("--year", help="年份（光荣榜）")
    p.add_argument("--supporter", type=int, help="赡养人编号（承诺书）")
    p.add_argument("--text", help="证书正文（替换模板文字）")
    p.add_argument("--award", help="奖项名称，如 2026年度孝善之星（星级证书默认写该户当年已确认的星级）")
    p.add_argument("--number", help="证书编号")
    p.add_argument("--preprinted", action="store_true", help="套打：只印可变文字")
    p.add_argument("--offset-x", type=float, help="套打横向偏移（毫米，向右为正）")
    p.add_argument("--offset-y", type=float, help="套打纵向偏移（毫米，向下为正）")
    p.add_argument("--copy", help="档案份别：township、village、household")
    p.add_argument("--paper", help="明白卡纸张：A4 或 A5")
    p.add_argument("--borderless", action="store_true", help="明白卡无边距打印（打印机支持时，色带印到纸边）")

    cli_quality.register(sub, add, common)
    cli_store.register(sub, add, common)
    cli_rating.register(sub, add, common)
    cli_fund.register(sub, add, common)
    cli_plans.register(sub, add, common)
    cli_identify.register(sub, add, common)
    cli_system.register(sub, add)

    p = add("backup", cmd_backup, help="备份数据库到一个文件")
    p.add_argument("file", type=Path)
    p = add("restore", cmd_restore, help="从备份文件恢复")
    p.add_argument("file", type=Path)
    p = add("check", cmd_check, help="检查数据库、审计日志和各项余额")
    p.add_argument("--anchor", action="append", metavar="校验码", help="打印件上的审计校验码（可重复）")
    return parser


def main(argv: list[str] | None = None) -> int:
    from desktop.console import tolerate_unencodable

    tolerate_unencodable()  # a GBK console prints ✓ or 𠮷 as "?" rather than failing the command
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, default in (("db", None), ("json", False), ("user", None)):
        if not hasattr(args, name):
            setattr(args, name, default)
    if args.command is None:
        from desktop.ui.app import run_app

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
        text = exc.message + "\n" + _print_rows(exc.errors)
        if exc.errors_file:
            text += f"\n错误清单已保存到：{exc.errors_file}"
        _report(args, data, text)
        return exc.exit_code
    except ServiceError as exc:
        _report(args, {"error": exc.message}, exc.message)
        return exc.exit_code
    except Exception as exc:  # an unexpected bug: exit 1 with a message, never a half-written database
        from desktop.db import explain

        known = explain(exc, ctx.target)
        if known is not None:  # a folder, a full disk, a read-only place, a lock held too long …
            _report(args, {"error": str(known)}, str(known))
            return known.exit_code
        _report(args, {"error": f"意外错误：{exc!r}"}, f"意外错误：{exc!r}")
        if os.environ.get("DESKTOP_DEBUG"):
            raise
        return 1
    finally:
        ctx.close()


def _report(args: argparse.Namespace, data: dict, text: str) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, default=str))
    else:
        print(text, file=sys.stderr)
