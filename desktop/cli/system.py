"""Command line for 系统: the database (`init`, `backup`, `restore`, `check`, `backup-auto`, `backup-inspect`),
users, settings, and the monthly report (the window's 系统 area and 首页)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from desktop.cli.common import CliContext, Commands, day, emit
from desktop.errors import InputRejected
from desktop.services import dashboard, demo
from desktop.services.documents import Printed
from desktop.services.households import households
from desktop.services.system import backup, settings, users

ROLES = ("admin", "clerk", "village_clerk", "store_operator", "auditor")


def cmd_init(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database(create=True)
    # A database nobody uses yet is set up without a log-in; once it has users, adding an administrator or
    # demo households is done by a logged-in user who may (else anyone could make themselves an admin).
    if args.admin and not args.password:  # --admin needs --password: beyond argparse's required=
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
        demo.build_demo(db, actor, args.demo)  # the one list of what a demo holds
    data = {
        "database": db.display_name,
        "revision": db.current_revision(),
        "households": households.count(db),
        "users_created": created + ([demo_user] if demo_user else []),
    }
    note = "（演示账号 admin / admin123）" if demo_user else ""
    emit(args, data, f"数据库已就绪：{db.display_name}，{data['households']} 户{note}")
    return 0


# --- users --------------------------------------------------------------------------------------------


def cmd_users_add(ctx: CliContext) -> int:
    args = ctx.args
    password = args.new_password or os.environ.get("DESKTOP_NEW_PASSWORD")
    if not password:  # or from the environment: beyond argparse's required=
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
    emit(
        args,
        {"username": info.username, "role": info.role, "villages": info.villages, "stores": info.stores},
        f"已创建用户 {info.username}（{users.ROLE_NAMES[info.role]}）",
    )
    return 0


def cmd_users_unlock(ctx: CliContext) -> int:
    users.unlock(ctx.database(), ctx.actor(), ctx.args.username)
    emit(ctx.args, {"username": ctx.args.username}, f"已解锁 {ctx.args.username}")
    return 0


def cmd_users_enable(ctx: CliContext) -> int:
    return _set_active(ctx, True)


def cmd_users_disable(ctx: CliContext) -> int:
    return _set_active(ctx, False)


def _set_active(ctx: CliContext, active: bool) -> int:
    users.set_active(ctx.database(), ctx.actor(), ctx.args.username, active)
    emit(
        ctx.args,
        {"username": ctx.args.username, "active": active},
        f"已{'启用' if active else '停用'} {ctx.args.username}",
    )
    return 0


def cmd_users_list(ctx: CliContext) -> int:
    ctx.actor()
    found = users.list_users(ctx.database())
    lines = [
        f"{u.username}  {users.ROLE_NAMES.get(u.role, u.role)}  {'、'.join(u.villages + u.stores)}  "
        f"{'已锁定' if u.locked else ''}{'' if u.active else '已停用'}"
        for u in found
    ]
    emit(ctx.args, {"users": [asdict(u) for u in found]}, "\n".join(lines))
    return 0


# --- backups and checks -------------------------------------------------------------------------------


def cmd_backup(ctx: CliContext) -> int:
    ctx.actor("backup", "备份数据库（备份里有全部数据）")
    target = backup.backup_database(ctx.database(), ctx.args.file)
    code = backup.anchor_of(target)
    emit(ctx.args, {"file": str(target), "anchor": code}, f"已备份到 {target}（审计校验码 {code}）")
    return 0


def cmd_restore(ctx: CliContext) -> int:
    db = ctx.database()
    safety = backup.restore_database(db, ctx.actor(), ctx.args.file)
    emit(
        ctx.args,
        {"restored_from": str(ctx.args.file), "safety_backup": str(safety)},
        f"已从 {ctx.args.file} 恢复；恢复前的数据已备份到 {safety}",
    )
    return 0


def cmd_check(ctx: CliContext) -> int:
    report = backup.check_database(ctx.database(), anchors=ctx.args.anchor or [])
    text = (
        "检查通过：数据库完好，审计日志完整。" if report.ok else "检查未通过：\n" + "\n".join(report.problems)
    )
    f = report.facts
    text += (
        f"\n当前审计校验码 {f['anchor']}；已与备份文件夹中的{f['backups_compared']}个备份"
        + (f"和{f['anchors_checked']}个打印的校验码" if f["anchors_checked"] else "")
        + "核对。"
    )
    emit(ctx.args, report.as_dict(), text)
    return 0 if report.ok else 4


def cmd_backup_auto(ctx: CliContext) -> int:
    ctx.actor("backup", "备份数据库（备份里有全部数据）")
    result = backup.auto_backup(ctx.database(), ctx.args.reason)
    data = {"file": str(result.path), "removed": [str(p) for p in result.removed], "dump": result.dump}
    text = f"已备份到 {result.path}" + (f"；删除过期备份{len(result.removed)}个" if result.removed else "")
    emit(ctx.args, data, text + (f"\n{result.dump_note}" if result.dump_note else ""))
    return 0


def cmd_backup_inspect(ctx: CliContext) -> int:
    ctx.actor("backup", "查看备份文件")
    info = backup.describe_backup(ctx.args.file, ctx.database())
    data = {
        "file": str(info.path),
        "size": info.size,
        "revision": info.revision,
        "compatible": info.compatible,
        "counts": dict(info.counts),
        "last_change": info.last_change,
        "sound": info.sound,
        "problems": list(info.problems),
        "anchor": info.anchor,
    }
    verdict = (
        f"审计日志和流水校验通过（审计校验码 {info.anchor}）"
        if info.sound
        else "审计日志或流水未通过校验，不能恢复：\n" + "\n".join(info.problems)
    )
    text = (
        f"{info.path.name}：{info.size / 1024 / 1024:.1f} MB，"
        + "，".join(f"{k}{v}" for k, v in info.counts)
        + f"\n最后一次操作：{info.last_change or '无'}"
        + f"\n{verdict}"
        + ("" if info.compatible else f"\n版本（{info.revision}）与本程序不同，不能恢复")
    )
    emit(ctx.args, data, text)
    return 0 if info.sound else 4


# --- settings -----------------------------------------------------------------------------------------


def _value(text: str) -> Any:
    """KEY=VALUE: JSON when it parses (numbers, true/false, [dx, dy]), else the text itself."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def cmd_settings_show(ctx: CliContext) -> int:
    db = ctx.database()
    ctx.actor()  # reading the settings needs a log-in too
    values = settings.get_all(db)
    lines = [f"{key:24s} {settings.SPECS[key].label}：{value}" for key, value in values.items()]
    emit(ctx.args, values, "\n".join(lines))
    return 0


def cmd_settings_set(ctx: CliContext) -> int:
    db = ctx.database()
    actor = ctx.actor()
    changes = {}
    for pair in ctx.args.pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InputRejected(f"“{pair}”应写成 键=值，如 notice.days=10")
        changes[key.strip()] = _value(value.strip())
    changed = settings.set_values(db, actor, changes)
    emit(ctx.args, {"changed": changed}, f"已修改{len(changed)}项设置" if changed else "设置没有变化")
    return 0


# --- prints -------------------------------------------------------------------------------------------


def print_monthly(ctx: CliContext, out: str) -> Printed:
    return dashboard.monthly_report(ctx.database(), ctx.actor(), out, today=day(ctx.args.start))


# --- registration -------------------------------------------------------------------------------------


def register(cli: Commands) -> None:
    p = cli.command("init", cmd_init, "创建或升级数据库")
    p.add_argument("--demo", type=int, default=0, metavar="N", help="添加N户演示数据")
    p.add_argument("--admin", help="创建管理员账号")
    p.add_argument("--password", help="管理员密码（与 --admin 一起）")

    verbs = cli.group("users", "用户管理", dest="users_verb")
    p = cli.command("add", cmd_users_add, "创建用户", under=verbs)
    p.add_argument("username", help="用户名")
    p.add_argument(
        "--role", required=True, choices=ROLES, help="角色：管理员、扶贫办干部、村文书、超市操作员、审计"
    )
    p.add_argument("--new-password", help="新用户的密码（或环境变量 DESKTOP_NEW_PASSWORD）")
    p.add_argument("--village", action="append", help="村文书负责的村（可重复）")
    p.add_argument("--store", action="append", help="超市操作员所在的超市编号（可重复）")
    p = cli.command("unlock", cmd_users_unlock, "解锁输错密码被锁定的用户", under=verbs)
    p.add_argument("username", help="用户名")
    p = cli.command("disable", cmd_users_disable, "停用用户（不能再登录，记录保留）", under=verbs)
    p.add_argument("username", help="用户名")
    p = cli.command("enable", cmd_users_enable, "重新启用用户", under=verbs)
    p.add_argument("username", help="用户名")
    cli.command("list", cmd_users_list, "列出用户", under=verbs)

    p = cli.command("backup", cmd_backup, "备份数据库到一个文件")
    p.add_argument("file", type=Path, help="备份文件")
    p = cli.command("restore", cmd_restore, "从备份文件恢复")
    p.add_argument("file", type=Path, help="备份文件")
    p = cli.command("check", cmd_check, "检查数据库、审计日志和各项余额")
    p.add_argument("--anchor", action="append", metavar="校验码", help="打印件上的审计校验码（可重复）")
    p = cli.command("backup-auto", cmd_backup_auto, "按设置备份到备份文件夹，并删除过期的自动备份")
    p.add_argument(
        "--reason", default="daily", choices=("daily", "exit", "manual"), help="备份原因（默认 daily）"
    )
    p = cli.command("backup-inspect", cmd_backup_inspect, "查看备份文件里有什么（损坏的文件会被拒绝）")
    p.add_argument("file", help="备份文件")

    verbs = cli.group("settings", "查看或修改系统设置（公示天数、电话、备份等）", dest="settings_verb")
    cli.command("show", cmd_settings_show, "列出全部设置", under=verbs)
    p = cli.command("set", cmd_settings_set, "修改设置", under=verbs)
    p.add_argument("pairs", nargs="+", metavar="KEY=VALUE", help="如 notice.days=10 backup.keep_days=60")

    p = cli.print_kind("report", "monthly", print_monthly, "月度工作报告（首页图表）")
    p.add_argument("--start", help="报告日期，如 2026-11-25（默认今天）")
