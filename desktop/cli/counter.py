"""Command line for the village counter offline (`counter pack|open|return|merge|list|conflicts|decide|close`).

At the township: `counter pack --store S --days 14 --out F`, later `counter merge R [--close]`. At the village:
`counter open F` (checks the pack, makes this PC's counter database, opens the counter window) and
`counter return --out R` (the hand-back, as often as wanted: each holds everything so far)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from desktop import clock
from desktop.cli.common import CliContext, Commands, count, emit, need
from desktop.db import Database
from desktop.errors import InputRejected
from desktop.services.points import packs, village_counter


def _pack_dict(p: packs.PackInfo) -> dict:
    return {**asdict(p), "state_name": p.state_name, "expired": p.expired}


def cmd_pack(ctx: CliContext) -> int:
    args = ctx.args
    days = count(args.days, "有效天数", minimum=1)
    info = packs.pack(
        ctx.database(), ctx.actor(), args.store, days, args.out, supervisors=tuple(args.supervisor or ())
    )
    emit(
        args,
        _pack_dict(info),
        f"已生成{info.describe()}：{info.path}\n带走{info.households}户；在它合并关闭之前，这家超市和这些农户的积分"
        f"只能在村里兑换。\n乡镇钥匙指纹：{info.fingerprint}（村里第一次打开时请核对）",
    )
    return 0


def cmd_open(ctx: CliContext) -> int:
    args = ctx.args
    info = village_counter.open_pack(args.file, trust=args.trust)
    emit(args, {**asdict(info), "expired": info.expired}, info.banner() + f"\n本机数据库：{info.path}")
    if args.no_window or args.json:
        return 0
    from desktop.ui.app import run_counter  # lazy: Qt loads only when the window opens

    return run_counter(info.path)


def _local_database(ctx: CliContext) -> Database:
    args = ctx.args
    if args.pack:
        payload = village_counter.verify_pack_file(args.pack)
        path = village_counter.local_database_path(str(payload["uid"]))
        if not path.exists():
            raise InputRejected(f"这台电脑还没有打开过这个数据包：请先用“counter open {args.pack}”打开")
    elif args.db:
        path = Path(args.db)
    else:
        path = village_counter.current_database()
    ctx.target = str(path)
    return ctx.database()


def cmd_return(ctx: CliContext) -> int:
    args = ctx.args
    done = village_counter.hand_back(_local_database(ctx), args.out)
    emit(
        args,
        asdict(done),
        f"已生成回传文件：{done.path}（数据包{done.label}，共{done.events}条记录，其中兑换{done.redemptions}单）。"
        "请交回乡镇合并；以后再生成的回传文件包含全部记录。",
    )
    return 0


def cmd_merge(ctx: CliContext) -> int:
    args = ctx.args
    result = packs.merge(ctx.database(), ctx.actor(), args.file, store_code=args.store, close=args.close)
    emit(
        args,
        {
            "pack": _pack_dict(result.pack),
            "new_events": result.new_events,
            "redemptions": result.redemptions,
            "reversals": result.reversals,
            "stock_moves": result.stock_moves,
            "conflicts": result.conflicts,
            "closed": result.closed,
        },
        result.message(),
    )
    return 0


def cmd_list(ctx: CliContext) -> int:
    args = ctx.args
    found = packs.list_packs(ctx.database(), ctx.actor(), store_code=args.store)
    lines = [
        f"{p.label}  {p.store_name}  {clock.cn_date(clock.local(p.packed_at).date())}打包  "
        f"有效至{clock.cn_date(p.valid_until)}  {p.households}户  已合并{p.merged_count}条  {p.state_name}"
        for p in found
    ]
    emit(args, {"packs": [_pack_dict(p) for p in found]}, "\n".join(lines) or "还没有离线数据包")
    return 0


def cmd_conflicts(ctx: CliContext) -> int:
    args = ctx.args
    found = packs.conflicts(ctx.database(), ctx.actor(), pending_only=not args.all)
    lines = [(f"[{c.id}] " if c.id else "") + c.describe() for c in found]
    emit(
        args,
        {"conflicts": [{**asdict(c), "kind_name": c.kind_name, "shortfall": c.shortfall} for c in found]},
        "\n".join(lines) or "没有待处理的冲突",
    )
    return 0


def cmd_decide(ctx: CliContext) -> int:
    args = ctx.args
    need(args.accept or args.reject, "请选择 --accept（补记入账）或 --reject（不入账）")
    c = packs.decide(
        ctx.database(), ctx.actor(), count(args.conflict, "冲突编号"), bool(args.accept), args.reason or ""
    )
    emit(args, asdict(c), f"已处理：{c.describe()}")
    return 0


def closed_message(info: packs.PackInfo) -> str:
    text = f"已关闭{info.describe()}，超市恢复在乡镇兑换。村里这台兑换台应停止使用：关闭后村里再兑换的单子只会列入冲突。"
    if info.pending:
        text += f"注意：还有{info.pending}单冲突待处理（counter conflicts）。"
    return text


def cmd_close(ctx: CliContext) -> int:
    args = ctx.args
    info = packs.close_pack(ctx.database(), ctx.actor(), args.pack, args.reason or "")
    emit(args, _pack_dict(info), closed_message(info))
    return 0


def register(cli: Commands) -> None:
    verbs = cli.group("counter", "离线兑换台：打包到村、在村打开、回传、合并、冲突处理", dest="counter_verb")
    p = cli.command(
        "pack", cmd_pack, "打包到村：生成离线数据包，并在有效期内保留这家超市的积分和库存", under=verbs
    )
    p.add_argument("--store", required=True, help="超市编号")
    p.add_argument("--days", required=True, help="有效天数（默认最长30天，见系统设置）")
    p.add_argument("--out", required=True, help="数据包文件（.wbpack）")
    p.add_argument(
        "--supervisor",
        action="append",
        help="随包带去的复核人（扶贫办干部或管理员的用户名，可在村里撤销兑换）",
    )
    p = cli.command(
        "open", cmd_open, "在村里打开离线数据包（核对签名，建立本机兑换台，打开兑换窗口）", under=verbs
    )
    p.add_argument("file", help="数据包文件")
    p.add_argument("--trust", action="store_true", help="已电话核对指纹：信任与以前不同的乡镇钥匙")
    p.add_argument("--no-window", action="store_true", help="只建立本机兑换台，不打开窗口")
    p = cli.command("return", cmd_return, "生成回传文件（包含打包以来的全部兑换、撤销和出入库）", under=verbs)
    p.add_argument("--out", required=True, help="回传文件（.wbreturn）")
    p.add_argument("--pack", help="数据包文件（不填则为本机最近打开的数据包）")
    p = cli.command("merge", cmd_merge, "合并村里的回传文件（只合并新的记录，重复合并不会改动）", under=verbs)
    p.add_argument("file", help="回传文件")
    p.add_argument("--store", help="超市编号（核对回传是这家超市的）")
    p.add_argument("--close", action="store_true", help="合并后关闭数据包，超市恢复在乡镇兑换")
    p = cli.command("list", cmd_list, "列出离线数据包", under=verbs)
    p.add_argument("--store", help="超市编号")
    p = cli.command(
        "conflicts", cmd_conflicts, "待复核的冲突：积分不足、过期后兑换、过期未关闭的数据包", under=verbs
    )
    p.add_argument("--all", action="store_true", help="连同已处理的")
    p = cli.command("decide", cmd_decide, "处理一条冲突：补记入账或不入账", under=verbs)
    p.add_argument("conflict", help="冲突编号")
    p.add_argument("--accept", action="store_true", help="补记入账（差额记为调整积分）")
    p.add_argument("--reject", action="store_true", help="不入账")
    p.add_argument("--reason", help="理由")
    p = cli.command("close", cmd_close, "不等回传关闭数据包（如电脑损坏、数据包丢失）", under=verbs)
    p.add_argument("pack", help="数据包编号，如 C3")
    p.add_argument("--reason", help="原因")
