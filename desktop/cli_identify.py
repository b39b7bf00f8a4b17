"""Command line for 识别 (identification rounds): new, add, remove, step, show, list.

The round's list is printed with `print notice households --round N` (notice kind identification)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import clock
from desktop.cli_common import day as _day
from desktop.cli_common import emit as _emit
from desktop.cli_common import need as _need
from desktop.errors import InputRejected

if TYPE_CHECKING:
    from desktop.cli import CliContext


def _target(args) -> int:
    text = _need(args.target, f"identify {args.what} 需要识别批次号（identify list 可查看）")
    if not str(text).isdigit():
        raise InputRejected(f"识别批次号“{text}”应为数字")
    return int(text)


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


def cmd_identify(ctx: CliContext) -> int:
    """identify new|add|remove|step|show|list"""
    from desktop.services.plans import identification

    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    what = args.what
    if what == "list":
        year = int(args.year) if args.year else None
        rows = identification.list_rounds(db, actor, village=args.village, year=year)
        _emit(
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
    if what == "new":
        if not (args.village and args.year):
            raise InputRejected("需要 --village 村 --year 年度（如 2026）")
        if not str(args.year).isdigit():
            raise InputRejected(f"年度“{args.year}”应为数字，如 2026")
        rid = identification.create_round(db, actor, args.village, int(args.year), on=_day(args.date))
        _emit(
            args,
            {"round": rid},
            f"已建立识别批次 #{rid}（初选）；用 identify add {rid} --household 户编号 提名农户",
        )
        return 0
    rid = _target(args)
    if what == "show":
        info = identification.round_info(db, actor, rid)
        _emit(args, info.as_dict(), "\n".join(_show_lines(info)))
    elif what == "add":
        codes = [c for item in args.household or [] for c in item.replace("，", ",").split(",")]
        added = identification.add_households(db, actor, rid, codes)
        _emit(args, {"round": rid, "added": added}, f"识别批次 #{rid} 新提名 {added} 户")
    elif what == "remove":
        code = _need(args.household, "需要 --household 户编号")
        if len(code) > 1:
            raise InputRejected("一次移出一户，并写明原因")
        identification.remove_household(db, actor, rid, code[0], args.reason or "")
        _emit(args, {"round": rid, "removed": code[0]}, f"已从识别批次 #{rid} 移出户{code[0]}")
    else:  # step
        to = _need(args.to, "需要 --to 村公示、乡审核 或 县审定")
        info = identification.step(db, actor, rid, to, on=_day(args.date), days=args.days)
        done = info.step(to)
        period = f"，公示至{clock.cn_date(done.notice_end)}" if done.notice_end else ""
        _emit(args, info.as_dict(), f"识别批次 #{rid} 已{to}（{clock.cn_date(done.on)}{period}）")
    return 0


def register(sub, add, common) -> None:
    p = add("identify", cmd_identify, help="识别批次：初选→村公示→乡审核→县审定")
    p.add_argument("what", choices=("new", "add", "remove", "step", "show", "list"))
    p.add_argument("target", nargs="?", help="识别批次号")
    p.add_argument("--village")
    p.add_argument("--year", help="年度，如 2026")
    p.add_argument("--household", action="append", help="户编号（add 可重复或用逗号分隔）")
    p.add_argument("--reason", help="移出原因")
    p.add_argument("--to", help="下一步：村公示、乡审核、县审定")
    p.add_argument("--date", help="这一步的日期，如 2026-11-25（默认今天）")
    p.add_argument("--days", type=int, help="村公示、乡审核公示的天数（默认按设置）")
