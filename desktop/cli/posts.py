"""Command line for 公益岗位 (`posts …`) and its papers (`print sheet posts`, `print notice posts`,
`print ledger posts`)."""

from __future__ import annotations

from desktop import clock
from desktop.cli.common import CliContext, Commands, day, emit, fen, number
from desktop.errors import InputRejected
from desktop.models.posts import POST_KINDS, RESULTS
from desktop.money import yuan
from desktop.services.documents import Printed
from desktop.services.posts import post_reports, posts
from desktop.services.posts.posts import AttendanceEntry


def _post_line(p: posts.PostInfo) -> str:
    holder = (
        f"{p.holder.name}（{p.holder.household}，{clock.cn_date(p.holder.start_on)}上岗）"
        if p.holder
        else "空缺"
    )
    closed = f"，已于{clock.cn_date(p.closed_on)}撤岗" if p.closed_on else ""
    return f"第{p.id}号 {p.name}［{p.kind}］月工资{yuan(p.monthly_pay_fen)}元：{holder}{closed}"


def cmd_add(ctx: CliContext) -> int:
    args = ctx.args
    pid = posts.add_post(
        ctx.database(),
        ctx.actor(),
        args.village,
        kind=args.kind,
        name=args.name or "",
        monthly_pay_fen=fen(args.pay, "月工资"),
        duty=args.duty or "",
    )
    emit(args, {"id": pid}, f"已设置公益岗位第{pid}号")
    return 0


def cmd_update(ctx: CliContext) -> int:
    args = ctx.args
    pid = number(args.id, "岗位编号")
    posts.update_post(
        ctx.database(),
        ctx.actor(),
        pid,
        kind=args.kind,
        name=args.name,
        monthly_pay_fen=fen(args.pay, "月工资") if args.pay else None,
        duty=args.duty,
        reason=args.reason or "",
    )
    emit(args, {"id": pid}, f"已修改公益岗位第{pid}号")
    return 0


def cmd_close(ctx: CliContext) -> int:
    args = ctx.args
    pid = number(args.id, "岗位编号")
    posts.close_post(ctx.database(), ctx.actor(), pid, args.reason or "", on=day(args.date))
    emit(args, {"id": pid}, f"已撤销公益岗位第{pid}号")
    return 0


def cmd_assign(ctx: CliContext) -> int:
    args = ctx.args
    pid = number(args.id, "岗位编号")
    hid = posts.assign(ctx.database(), ctx.actor(), pid, args.member, start_on=day(args.start))
    emit(args, {"id": pid, "holding": hid}, f"已安排{args.member}担任公益岗位第{pid}号")
    return 0


def cmd_end(ctx: CliContext) -> int:
    args = ctx.args
    pid = number(args.id, "岗位编号")
    posts.end_holding(ctx.database(), ctx.actor(), pid, args.reason or "", end_on=day(args.date))
    emit(args, {"id": pid}, f"公益岗位第{pid}号的在岗人员已离岗")
    return 0


def _entry(text: str, holdings: dict[str, int]) -> AttendanceEntry:
    """人编号=天数:合格[:备注]"""
    code, sep, rest = text.partition("=")
    parts = rest.split(":", 2) if sep else []
    if len(parts) < 2:
        raise InputRejected(f"考核“{text}”应写成 人编号=出勤天数:合格（或不合格）[:备注]")
    code = code.strip()
    if code not in holdings:
        raise InputRejected(f"人编号“{code}”不是本村该月的公益岗位在岗人员")
    days = parts[0].strip()
    if not days.isdigit():
        raise InputRejected(f"{code}的出勤天数“{days}”应为整数")
    return AttendanceEntry(holdings[code], int(days), parts[1].strip(), parts[2] if len(parts) > 2 else "")


def cmd_attendance(ctx: CliContext) -> int:
    args = ctx.args
    db, actor = ctx.database(), ctx.actor()
    rows = posts.attendance(db, actor, args.village, args.month)
    if not args.entries:
        lines = [
            f"{r.post} {r.name}（{r.member_code}）在岗{r.days_held}天："
            + (f"出勤{r.days_worked}天，{r.result}" if r.days_worked is not None else "未录入考核")
            for r in rows
        ]
        emit(args, {"rows": [r.as_json() for r in rows]}, "\n".join(lines) or "该月没有在岗人员")
        return 0
    holdings = {r.member_code: r.holding_id for r in rows}
    entries = [_entry(e, holdings) for e in args.entries]
    n = posts.record_attendance(db, actor, args.village, args.month, entries)
    emit(args, {"recorded": n}, f"已录入{n}人的考核")
    return 0


def cmd_pay(ctx: CliContext) -> int:
    args = ctx.args
    db, actor = ctx.database(), ctx.actor()
    rid = posts.pay_month(db, actor, args.village, args.month, paid_on=day(args.date))
    run = next(r for r in posts.runs(db, actor, args.village, month=args.month) if r.id == rid)
    emit(
        args,
        run.as_json(),
        f"已发放{run.village}{posts.cn_month(run.month)}公益岗位工资（第{rid}号）：{run.people}人，"
        f"合计{yuan(run.total_fen)}元",
    )
    return 0


def cmd_reverse(ctx: CliContext) -> int:
    args = ctx.args
    rid = number(args.id, "发放编号")
    back = posts.reverse(ctx.database(), ctx.actor(), rid, args.reason or "")
    emit(args, {"id": back, "reverses": rid}, f"已冲正工资发放第{rid}号（冲正记录第{back}号）")
    return 0


def cmd_list(ctx: CliContext) -> int:
    args = ctx.args
    db, actor = ctx.database(), ctx.actor()
    found = posts.posts(db, actor, args.village, include_closed=args.closed)
    said = posts.findings(db, actor, args.village)
    lines = [_post_line(p) for p in found] + [f"疑点：{f.message}" for f in said]
    emit(
        args,
        {"posts": [p.as_json() for p in found], "count": len(found), "findings": [f.as_json() for f in said]},
        "\n".join(lines) or "没有公益岗位",
    )
    return 0


def cmd_runs(ctx: CliContext) -> int:
    args = ctx.args
    found = posts.runs(ctx.database(), ctx.actor(), args.village, month=args.month)
    lines = [
        f"第{r.id}号 {r.village} {posts.cn_month(r.month)} "
        + ("发放" if r.kind == "pay" else f"冲正第{r.reverses_id}号")
        + f" {r.people}人 {yuan(r.total_fen)}元"
        + (f"（已被第{r.reversed_by}号冲正）" if r.reversed_by else "")
        for r in found
    ]
    emit(
        args, {"runs": [r.as_json() for r in found], "count": len(found)}, "\n".join(lines) or "没有发放记录"
    )
    return 0


def cmd_findings(ctx: CliContext) -> int:
    args = ctx.args
    said = posts.findings(ctx.database(), ctx.actor(), args.village)
    emit(
        args,
        {"findings": [f.as_json() for f in said], "count": len(said)},
        "\n".join(f"[{f.rule_name}] {f.message}" for f in said) or "没有疑点",
    )
    return 0


def cmd_candidates(ctx: CliContext) -> int:
    args = ctx.args
    found = posts.candidates(ctx.database(), ctx.actor(), args.village)
    if not args.all:
        found = [c for c in found if c.eligible]
    lines = [
        f"{c.member_code} {c.name}（{c.household}，{c.relation}，{c.labour or '劳动技能未登记'}）"
        + (f"：不符合——{'；'.join(c.reasons)}" if c.reasons else "")
        + (f"，现任{c.holds}" if c.holds else "")
        for c in found
    ]
    emit(
        args,
        {"candidates": [{**c.__dict__, "eligible": c.eligible} for c in found]},
        "\n".join(lines) or "没有符合条件的人员",
    )
    return 0


def print_sheet(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    return post_reports.sign_sheet(ctx.database(), ctx.actor(), args.village, args.month, out)


def print_notice(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    days = number(args.days, "公示天数") if args.days else None
    return post_reports.posts_notice(
        ctx.database(), ctx.actor(), args.village, out, days=days, phone=args.phone
    )


def print_ledger(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    year = number(args.year, "年度") if args.year else None
    return post_reports.wage_ledger(
        ctx.database(), ctx.actor(), out, village=args.village, year=year, xlsx=bool(args.xlsx)
    )


# --- registration -------------------------------------------------------------------------------------

KIND_HELP = "岗位类别：" + "、".join(POST_KINDS)


def register(cli: Commands) -> None:
    verbs = cli.group("posts", "公益岗位：设岗、上岗离岗、考核、工资发放", dest="posts_verb")
    p = cli.command("add", cmd_add, "设置一个公益岗位", under=verbs)
    p.add_argument("--village", required=True, help="行政村")
    p.add_argument("--kind", required=True, help=KIND_HELP)
    p.add_argument("--name", help="岗位名称（默认“类别+员”，如护路员）")
    p.add_argument("--pay", required=True, help="月工资（元）")
    p.add_argument("--duty", help="岗位职责")
    p = cli.command("update", cmd_update, "修改公益岗位（调整月工资要写理由）", under=verbs)
    p.add_argument("id", help="岗位编号")
    p.add_argument("--kind", help=KIND_HELP)
    p.add_argument("--name", help="岗位名称")
    p.add_argument("--pay", help="月工资（元）")
    p.add_argument("--duty", help="岗位职责")
    p.add_argument("--reason", help="修改理由")
    p = cli.command("close", cmd_close, "撤销公益岗位（须先离岗）", under=verbs)
    p.add_argument("id", help="岗位编号")
    p.add_argument("--reason", required=True, help="撤岗理由")
    p.add_argument("--date", help="撤岗日期（默认今天）")
    p = cli.command("assign", cmd_assign, "安排人员上岗", under=verbs)
    p.add_argument("id", help="岗位编号")
    p.add_argument("--member", required=True, help="人编号")
    p.add_argument("--start", help="上岗日期（默认今天）")
    p = cli.command("end", cmd_end, "在岗人员离岗", under=verbs)
    p.add_argument("id", help="岗位编号")
    p.add_argument("--reason", required=True, help="离岗原因")
    p.add_argument("--date", help="离岗日期（默认今天）")
    p = cli.command("attendance", cmd_attendance, "查看或录入某月考核", under=verbs)
    p.add_argument("--village", required=True, help="行政村")
    p.add_argument("--month", required=True, help="月份，如 2026-11")
    p.add_argument(
        "entries",
        nargs="*",
        help="考核：人编号=出勤天数:" + "/".join(RESULTS) + "[:备注]；不给则列出该月考核",
    )
    p = cli.command("pay", cmd_pay, "发放某村某月的公益岗位工资（同月不能重复）", under=verbs)
    p.add_argument("--village", required=True, help="行政村")
    p.add_argument("--month", required=True, help="月份，如 2026-11")
    p.add_argument("--date", help="发放日期（默认今天）")
    p = cli.command("reverse", cmd_reverse, "冲正一次工资发放", under=verbs)
    p.add_argument("id", help="发放编号")
    p.add_argument("--reason", required=True, help="冲正理由")
    p = cli.command("list", cmd_list, "列出某村的公益岗位和在岗人员", under=verbs)
    p.add_argument("--village", required=True, help="行政村")
    p.add_argument("--closed", action="store_true", help="包括已撤销的岗位")
    p = cli.command("runs", cmd_runs, "列出工资发放记录", under=verbs)
    p.add_argument("--village", help="只看某个村")
    p.add_argument("--month", help="只看某个月")
    p = cli.command("findings", cmd_findings, "公益岗位疑点（岗位个数、在岗人员条件、一人多岗）", under=verbs)
    p.add_argument("--village", help="只看某个村")
    p = cli.command("candidates", cmd_candidates, "列出某村可以安排上岗的人员", under=verbs)
    p.add_argument("--village", required=True, help="行政村")
    p.add_argument("--all", action="store_true", help="也列出不符合条件的人员及原因")

    p = cli.print_kind("sheet", "posts", print_sheet, "公益岗位工资发放签领表")
    p.add_argument("--village", required=True, help="行政村")
    p.add_argument("--month", required=True, help="月份，如 2026-11")
    p = cli.print_kind("notice", "posts", print_notice, "公益岗位及在岗人员公示")
    p.add_argument("--village", required=True, help="行政村")
    p.add_argument("--days", help="公示天数（默认按设置）")
    p.add_argument("--phone", help="监督电话（默认按设置）")
    p = cli.print_kind("ledger", "posts", print_ledger, "公益岗位工资台账", xlsx=True)
    p.add_argument("--village", help="只印某个村")
    p.add_argument("--year", help="年度（默认今年）")
