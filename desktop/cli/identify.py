"""Command line for 识别 (`identify …`, identification rounds): new, add, remove, step, show, list.

The round's list is printed with `print notice households --round N` (notice kind identification), which the
households module registers."""

from __future__ import annotations

from desktop import clock
from desktop.cli.common import CliContext, Commands, day, emit, number
from desktop.errors import InputRejected
from desktop.services.plans import identification


def _show_lines(info) -> list[str]:
    lines = [f"识别批次 #{info.id} {info.village} {info.year}年度 现在：{info.state}"]
    for st in info.steps:
        if st.on is None:
            lines.append(f"  {st.step}：—")
            continue
        period = f"，公示至{clock.cn_date(st.notice_end)}（{st.days}天）" if st.notice_end else ""
        lines.append(f"  {st.step}：{clock.cn_date(st.on)}（{st.by}）{period}")
    lines.append(f"提名农户 {len(info.active)} 户 {info.people} 人：")
    lines += [f"  {e.code} {e.head_name} {e.group} {e.size}人 {e.household_kind}" for e in info.active]
    removed = [e for e in info.entries if e.removed]
    if removed:
        lines.append("已移出：")
        lines += [f"  {e.code} {e.head_name}：{e.removed_reason}（{e.removed_by}）" for e in removed]
    return lines


def _round(args) -> int:
    return number(args.round, "识别批次号")


def cmd_list(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    rows = identification.list_rounds(db, ctx.actor(), village=args.village, year=args.year)
    emit(
        args,
        {
            "rounds": [
                {
                    "round": r.id,
                    "village": r.village,
                    "year": r.year,
                    "state": r.state,
                    "households": r.households,
                    "since": r.last_step_on.isoformat(),
                }
                for r in rows
            ]
        },
        "\n".join(
            f"#{r.id} {r.village} {r.year}年度 {r.state}（{clock.cn_date(r.last_step_on)}） {r.households}户"
            for r in rows
        )
        or "还没有识别批次",
    )
    return 0


def cmd_new(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    if not str(args.year).isdigit():
        raise InputRejected(f"年度“{args.year}”应为数字，如 2026")
    rid = identification.create_round(db, actor, args.village, int(args.year), on=day(args.date))
    emit(
        args,
        {"round": rid},
        f"已建立识别批次 #{rid}（初选）；用 identify add {rid} --household 户编号 提名农户",
    )
    return 0


def cmd_show(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    info = identification.round_info(db, actor, _round(args))
    emit(args, info.as_dict(), "\n".join(_show_lines(info)))
    return 0


def cmd_add(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    rid = _round(args)
    codes = [c for item in args.household for c in item.replace("，", ",").split(",")]
    added = identification.add_households(db, actor, rid, codes)
    emit(args, {"round": rid, "added": added}, f"识别批次 #{rid} 新提名 {added} 户")
    return 0


def cmd_remove(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    rid = _round(args)
    if len(args.household) > 1:
        raise InputRejected("一次移出一户，并写明原因")
    code = args.household[0]
    identification.remove_household(db, actor, rid, code, args.reason or "")
    emit(args, {"round": rid, "removed": code}, f"已从识别批次 #{rid} 移出户{code}")
    return 0


def cmd_step(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    rid = _round(args)
    info = identification.step(db, actor, rid, args.to, on=day(args.date), days=args.days)
    done = info.step(args.to)
    period = f"，公示至{clock.cn_date(done.notice_end)}" if done.notice_end else ""
    emit(args, info.as_dict(), f"识别批次 #{rid} 已{args.to}（{clock.cn_date(done.on)}{period}）")
    return 0


def register(cli: Commands) -> None:
    verbs = cli.group("identify", "识别批次：初选→村公示→乡审核→县审定", dest="identify_verb")

    def round_(p) -> None:
        p.add_argument("round", help="识别批次号（identify list 可查看）")

    p = cli.command("new", cmd_new, "建立识别批次（初选）", under=verbs)
    p.add_argument("--village", required=True, help="村名")
    p.add_argument("--year", required=True, help="年度，如 2026")
    p.add_argument("--date", help="初选日期，如 2026-11-25（默认今天）")
    p = cli.command("add", cmd_add, "提名农户", under=verbs)
    round_(p)
    p.add_argument("--household", action="append", required=True, help="户编号（可重复或用逗号分隔）")
    p = cli.command("remove", cmd_remove, "移出一户（写明原因）", under=verbs)
    round_(p)
    p.add_argument("--household", action="append", required=True, help="户编号（一次一户）")
    p.add_argument("--reason", help="移出原因")
    p = cli.command("step", cmd_step, "进入下一步", under=verbs)
    round_(p)
    p.add_argument("--to", required=True, help="下一步：村公示、乡审核、县审定")
    p.add_argument("--date", help="这一步的日期，如 2026-11-25（默认今天）")
    p.add_argument("--days", type=int, help="村公示、乡审核公示的天数（默认按设置）")
    p = cli.command("show", cmd_show, "查看识别批次及提名农户", under=verbs)
    round_(p)
    p = cli.command("list", cmd_list, "列出识别批次", under=verbs)
    p.add_argument("--village", help="只看某个村")
    p.add_argument("--year", type=int, help="只看某年度，如 2026")
