"""Command line for 系统: settings, automatic backups and what a backup holds (the window's 系统 area)."""

from __future__ import annotations

import json
from typing import Any

from desktop.cli_common import emit, need
from desktop.errors import InputRejected


def _value(text: str) -> Any:
    """KEY=VALUE: JSON when it parses (numbers, true/false, [dx, dy]), else the text itself."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def cmd_settings(ctx) -> int:
    from desktop.services.system import settings

    db = ctx.database()
    ctx.actor()  # reading the settings needs a log-in too
    if ctx.args.what == "set":
        changes = {}
        for pair in need(ctx.args.pairs, "请写出要修改的设置，如 notice.days=10"):
            key, sep, value = pair.partition("=")
            if not sep:
                raise InputRejected(f"“{pair}”应写成 键=值，如 notice.days=10")
            changes[key.strip()] = _value(value.strip())
        changed = settings.set_values(db, ctx.actor(), changes)
        emit(ctx.args, {"changed": changed}, f"已修改{len(changed)}项设置" if changed else "设置没有变化")
        return 0
    values = settings.get_all(db)
    lines = [f"{key:24s} {settings.SPECS[key].label}：{value}" for key, value in values.items()]
    emit(ctx.args, values, "\n".join(lines))
    return 0


def cmd_backup_auto(ctx) -> int:
    from desktop.services.system.backup import auto_backup

    ctx.actor("backup", "备份数据库（备份里有全部数据）")
    result = auto_backup(ctx.database(), ctx.args.reason)
    data = {"file": str(result.path), "removed": [str(p) for p in result.removed], "dump": result.dump}
    text = f"已备份到 {result.path}" + (f"；删除过期备份{len(result.removed)}个" if result.removed else "")
    emit(ctx.args, data, text + (f"\n{result.dump_note}" if result.dump_note else ""))
    return 0


def cmd_backup_inspect(ctx) -> int:
    from desktop.services.system.backup import describe_backup

    ctx.actor("backup", "查看备份文件")
    info = describe_backup(ctx.args.file, ctx.database())
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


def print_monthly(db, actor, args, out, start):
    from desktop.services import dashboard

    return dashboard.monthly_report(db, actor, out, today=start)


def register(sub, add) -> None:
    p = add("settings", cmd_settings, help="查看或修改系统设置（公示天数、电话、备份等）")
    p.add_argument("what", choices=("show", "set"))
    p.add_argument("pairs", nargs="*", metavar="KEY=VALUE", help="如 notice.days=10 backup.keep_days=60")
    p = add("backup-auto", cmd_backup_auto, help="按设置备份到备份文件夹，并删除过期的自动备份")
    p.add_argument("--reason", default="daily", choices=("daily", "exit", "manual"))
    p = add("backup-inspect", cmd_backup_inspect, help="查看备份文件里有什么（损坏的文件会被拒绝）")
    p.add_argument("file")
