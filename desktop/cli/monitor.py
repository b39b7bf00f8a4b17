"""Command line for 防返贫监测 (`monitor …`): risk events, the screening and its proposals, 纳入 and 风险消除 step
by step, income checks, and their prints (`print notice monitor`, `print ledger monitor-cases|monitor-month`)."""

from __future__ import annotations

from desktop import clock
from desktop.cli.common import CliContext, Commands, count, day, emit, fen, fen_or_zero, number
from desktop.errors import InputRejected
from desktop.models.monitoring import CASE_TYPES, RISK_KINDS, RISK_SOURCES, STEPS
from desktop.money import yuan
from desktop.services.documents import Printed
from desktop.services.monitoring import alerts, monitoring, monitoring_reports
from desktop.services.plans import plans
from desktop.services.system.attachments import read_file


def _case_line(c: monitoring.CaseInfo) -> str:
    nxt = c.next_step()
    where = f"，下一步：{monitoring.step_name(c.phase, nxt)}" if nxt else ""
    return f"监测编号{c.id} {c.code} {c.head}（{c.village}）{c.case_type} {c.state_name}{where}"


def cmd_line(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    year = plans.check_year(count(args.year, "年度"))
    if args.amount is not None:
        monitoring.set_line(db, ctx.actor(), year, fen(args.amount, "监测范围"))
    else:
        ctx.actor()
    ln = monitoring.line(db, year)
    text = (
        f"{year}年监测范围：{yuan(ln.fen)}元（{ln.how}）" if ln.fen is not None else f"{year}年未设定监测范围"
    )
    emit(args, {"year": year, "line_fen": ln.fen, "how": ln.how}, text)
    return 0


def cmd_event_add(ctx: CliContext) -> int:
    args = ctx.args
    eid = monitoring.add_event(
        ctx.database(),
        ctx.actor(),
        args.code,
        args.kind,
        day(args.date) or clock.today(),
        loss_fen=fen_or_zero(args.loss, "损失或支出"),
        source=args.source,
        note=args.note or "",
        files=[read_file(p, "材料") for p in args.attach or []],
    )
    emit(args, {"event": eid}, f"已登记风险事件{eid}")
    return 0


def cmd_event_void(ctx: CliContext) -> int:
    args = ctx.args
    eid = number(args.event, "风险事件号")
    monitoring.void_event(ctx.database(), ctx.actor(), eid, args.reason or "")
    emit(args, {"event": eid, "voided": True}, f"风险事件{eid}已作废")
    return 0


def cmd_events(ctx: CliContext) -> int:
    args = ctx.args
    found = monitoring.events(ctx.database(), ctx.actor(), code=args.household, village=args.village)
    lines = [
        f"{e.id} {e.code} {e.head}（{e.village}）{clock.cn_date(e.occurred_on)} {e.kind} "
        f"{yuan(e.loss_fen)}元 {e.source}{'（已作废：' + e.void_reason + '）' if e.voided else ''}"
        for e in found
    ]
    emit(args, {"events": [e.as_dict() for e in found]}, "\n".join(lines) or "没有风险事件")
    return 0


def cmd_alerts(ctx: CliContext) -> int:
    args = ctx.args
    result = alerts.import_alerts(ctx.database(), ctx.actor(), args.file, args.department, on=day(args.date))
    lines = [f"第{m['row']}行 {m['household']} {m['head']}：已登记风险事件" for m in result.matched]
    lines += [f"第{u['row']}行 {u['name']} {u['id_number']}：不在花名册中" for u in result.unmatched]
    lines.append(
        f"{result.department}预警：登记{result.events}条风险事件，{len(result.unmatched)}人不在花名册中"
        + (f"，{result.repeated}条已导入过" if result.repeated else "")
        + "；下次筛查时逐户提出"
    )
    emit(args, result.as_dict(), "\n".join(lines))
    return 0


def cmd_screen(ctx: CliContext) -> int:
    args = ctx.args
    result = monitoring.screen(ctx.database(), ctx.actor(), on=day(args.date))
    lines = [f"{p.id} {p.code} {p.head}（{p.village}）：{p.basis}" for p in result.proposed]
    lines += [f"注意：{n}" for n in result.notes]
    lines.append(
        f"{result.month}筛查：新提出{len(result.proposed)}户，待逐户纳入或排除（monitor accept / dismiss）"
    )
    emit(args, result.as_dict(), "\n".join(lines))
    return 0


def cmd_proposals(ctx: CliContext) -> int:
    args = ctx.args
    state = None if args.state == "all" else args.state
    found = monitoring.proposals(ctx.database(), ctx.actor(), state=state, village=args.village)
    lines = [f"{p.id} [{p.state}] {p.code} {p.head}（{p.village}）：{p.basis}" for p in found]
    emit(args, {"proposals": [p.as_dict() for p in found]}, "\n".join(lines) or "没有筛查建议")
    return 0


def cmd_accept(ctx: CliContext) -> int:
    args = ctx.args
    cid = monitoring.accept(
        ctx.database(), ctx.actor(), number(args.proposal, "筛查建议号"), args.type, on=day(args.date),
        note=args.note or "",
    )  # fmt: skip
    emit(args, {"case": cid}, f"已启动纳入程序，监测编号{cid}（下一步：monitor step {cid} --to 村级评议）")
    return 0


def cmd_dismiss(ctx: CliContext) -> int:
    args = ctx.args
    pid = number(args.proposal, "筛查建议号")
    monitoring.dismiss(ctx.database(), ctx.actor(), pid, args.reason or "")
    emit(args, {"proposal": pid, "state": "dismissed"}, f"筛查建议{pid}已排除")
    return 0


def cmd_include(ctx: CliContext) -> int:
    args = ctx.args
    cid = monitoring.open_case(
        ctx.database(), ctx.actor(), args.code, args.type, on=day(args.date), note=args.note or ""
    )
    emit(args, {"case": cid}, f"已启动纳入程序，监测编号{cid}")
    return 0


def cmd_step(ctx: CliContext) -> int:
    args = ctx.args
    info = monitoring.step(
        ctx.database(), ctx.actor(), number(args.case, "监测编号"), args.to, on=day(args.date),
        days=count(args.days, "公示天数"), note=args.note or "",
    )  # fmt: skip
    emit(args, info.as_dict(), _case_line(info))
    return 0


def cmd_reject(ctx: CliContext) -> int:
    args = ctx.args
    info = monitoring.reject(
        ctx.database(), ctx.actor(), number(args.case, "监测编号"), args.reason or "", on=day(args.date)
    )
    emit(args, info.as_dict(), _case_line(info))
    return 0


def cmd_income(ctx: CliContext) -> int:
    args = ctx.args
    check = monitoring.add_income_check(
        ctx.database(),
        ctx.actor(),
        args.code,
        day(args.date) or clock.today(),
        wage_fen=fen_or_zero(args.wage, "工资性收入"),
        production_fen=fen_or_zero(args.production, "生产经营性收入"),
        property_fen=fen_or_zero(args.property, "财产性收入"),
        transfer_fen=fen_or_zero(args.transfer, "转移性收入"),
        cost_fen=fen_or_zero(args.cost, "生产经营性支出"),
        people=count(args.people, "家庭人口"),
        note=args.note or "",
    )
    emit(args, check.as_dict(), f"人均纯收入{yuan(check.per_capita_fen)}元（{check.people}人）")
    return 0


def cmd_close(ctx: CliContext) -> int:
    args = ctx.args
    info = monitoring.start_close(
        ctx.database(), ctx.actor(), number(args.case, "监测编号"), args.note or "", on=day(args.date)
    )
    emit(args, info.as_dict(), _case_line(info))
    return 0


def cmd_natural(ctx: CliContext) -> int:
    args = ctx.args
    files = [read_file(p, "证明材料") for p in args.attach or []]
    info = monitoring.close_naturally(
        ctx.database(), ctx.actor(), number(args.case, "监测编号"), args.reason, args.note or "", files,
        on=day(args.date),
    )  # fmt: skip
    emit(args, info.as_dict(), _case_line(info))
    return 0


def cmd_list(ctx: CliContext) -> int:
    args = ctx.args
    states = tuple(args.state.split(",")) if args.state else None
    if states and not set(states) <= set(monitoring.STATE_NAMES):
        raise InputRejected(f"状态“{args.state}”无效，可选：{'、'.join(monitoring.STATE_NAMES)}")
    found = monitoring.cases(ctx.database(), ctx.actor(), village=args.village, states=states)
    emit(
        args,
        {"cases": [c.as_dict() for c in found]},
        "\n".join(_case_line(c) for c in found) or "没有监测对象",
    )
    return 0


def cmd_show(ctx: CliContext) -> int:
    args = ctx.args
    h = monitoring.household(ctx.database(), ctx.actor(), args.code)
    lines = [_case_line(c) for c in h.cases] or ["没有纳入过监测"]
    lines += [f"风险事件：{clock.cn_date(e.occurred_on)} {e.kind} {yuan(e.loss_fen)}元" for e in h.events]
    lines += [f"收入核查：{clock.cn_date(c.checked_on)} 人均{yuan(c.per_capita_fen)}元" for c in h.checks]
    emit(args, h.as_dict(), "\n".join(lines))
    return 0


def cmd_report(ctx: CliContext) -> int:
    args = ctx.args
    month = clock.Month.parse(args.month) if args.month else clock.this_month()
    rows = monitoring_reports.month_figures(ctx.database(), ctx.actor(), month, village=args.village)
    lines = [
        f"{r.village}：月初{r.at_start} 纳入{r.included} 消除{r.closed} 月末仍有风险{r.at_end} "
        f"纳入程序中{r.including} 待处理筛查{r.pending}"
        for r in rows
    ]
    emit(args, {"month": str(month), "villages": [r.as_dict() for r in rows]}, "\n".join(lines))
    return 0


# --- prints ---------------------------------------------------------------------------------------------


def print_notice(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    return monitoring_reports.case_notice(
        ctx.database(), ctx.actor(), args.village, out, phase=args.phase, on=day(args.start),
        issuer=args.issuer, phone=args.phone,
    )  # fmt: skip


def print_cases(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    year = plans.check_year(count(args.year, "年度")) if args.year else None
    return monitoring_reports.cases_ledger(
        ctx.database(), ctx.actor(), out, year=year, village=args.village, xlsx=bool(args.xlsx)
    )


def print_month(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    month = clock.Month.parse(args.month) if args.month else None
    return monitoring_reports.monthly_report(
        ctx.database(), ctx.actor(), out, month=month, village=args.village, xlsx=bool(args.xlsx)
    )


# --- registration -------------------------------------------------------------------------------------


def register(cli: Commands) -> None:
    verbs = cli.group("monitor", "防返贫监测：风险事件、筛查、纳入、风险消除", dest="monitor_verb")
    p = cli.command("line", cmd_line, "查看或设定某年的监测范围", under=verbs)
    p.add_argument("year", help="年度，如 2026")
    p.add_argument("amount", nargs="?", help="人均纯收入（元）；不填则查看")
    p = cli.command("event", cmd_event_add, "登记一户的风险事件", under=verbs)
    p.add_argument("code", help="户编号")
    p.add_argument("--kind", required=True, choices=RISK_KINDS, help="风险类别")
    p.add_argument("--date", help="发生日期，如 2026-11-25（默认今天）")
    p.add_argument("--loss", help="损失或新增支出（元）")
    p.add_argument("--source", default="干部排查", choices=RISK_SOURCES, help="信息来源（默认干部排查）")
    p.add_argument("--note", help="情况说明（内部，不上公示）")
    p.add_argument("--attach", action="append", help="材料扫描件（PDF/JPG/PNG，可重复；存入该户档案）")
    p = cli.command("void-event", cmd_event_void, "作废录错的风险事件（留痕）", under=verbs)
    p.add_argument("event", help="风险事件号")
    p.add_argument("--reason", required=True, help="作废原因")
    p = cli.command("events", cmd_events, "列出风险事件", under=verbs)
    p.add_argument("--household", help="只看一户")
    p.add_argument("--village", help="只看某个村")
    p = cli.command("alerts", cmd_alerts, "导入部门预警名单（按身份证号匹配，登记为风险事件）", under=verbs)
    p.add_argument("file", help="预警名单 .xlsx（须有“身份证号码”列）")
    p.add_argument("--department", required=True, help="预警部门，如 县医保局")
    p.add_argument("--date", help="名单没有日期列时记为哪天（默认今天）")
    p = cli.command("screen", cmd_screen, "本月筛查：列出应关注的农户（只提出，不纳入）", under=verbs)
    p.add_argument("--date", help="筛查日期（默认今天）")
    p = cli.command("proposals", cmd_proposals, "列出筛查建议", under=verbs)
    p.add_argument(
        "--state",
        default="pending",
        choices=("pending", "accepted", "dismissed", "all"),
        help="pending 待处理（默认）、accepted 已纳入、dismissed 已排除、all 全部",
    )
    p.add_argument("--village", help="只看某个村")
    p = cli.command("accept", cmd_accept, "采纳筛查建议，启动纳入程序", under=verbs)
    p.add_argument("proposal", help="筛查建议号")
    p.add_argument("--type", required=True, choices=CASE_TYPES, help="监测对象类型")
    p.add_argument("--date", help="提出日期（默认今天）")
    p.add_argument("--note", help="说明")
    p = cli.command("dismiss", cmd_dismiss, "排除筛查建议（须写原因）", under=verbs)
    p.add_argument("proposal", help="筛查建议号")
    p.add_argument("--reason", required=True, help="不纳入的原因")
    p = cli.command("include", cmd_include, "农户申报或干部排查：直接启动纳入程序", under=verbs)
    p.add_argument("code", help="户编号")
    p.add_argument("--type", required=True, choices=CASE_TYPES, help="监测对象类型")
    p.add_argument("--note", required=True, help="纳入依据")
    p.add_argument("--date", help="提出日期（默认今天）")
    p = cli.command("step", cmd_step, "录入纳入或风险消除程序的下一步", under=verbs)
    p.add_argument("case", help="监测编号")
    p.add_argument("--to", required=True, choices=STEPS[1:], help="步骤")
    p.add_argument("--date", help="日期（默认今天）")
    p.add_argument("--days", help="公示天数（村公示；默认按设置）")
    p.add_argument("--note", help="说明（如评议结果）")
    p = cli.command("reject", cmd_reject, "评议或审核未通过", under=verbs)
    p.add_argument("case", help="监测编号")
    p.add_argument("--reason", required=True, help="未通过的原因")
    p.add_argument("--date", help="日期（默认今天）")
    p = cli.command("income", cmd_income, "录入一次收入核查（应算尽算）", under=verbs)
    p.add_argument("code", help="户编号")
    p.add_argument("--date", help="核查日期（默认今天）")
    for name, helptext in (
        ("wage", "工资性收入（元/年）"),
        ("production", "生产经营性收入（元/年）"),
        ("property", "财产性收入（元/年）"),
        ("transfer", "转移性收入（元/年）"),
        ("cost", "生产经营性支出（元/年）"),
    ):
        p.add_argument(f"--{name}", help=helptext)
    p.add_argument("--people", help="家庭人口（默认花名册人数）")
    p.add_argument("--note", help="备注")
    p = cli.command("close", cmd_close, "启动风险消除（入户核实）", under=verbs)
    p.add_argument("case", help="监测编号")
    p.add_argument("--note", required=True, help="风险已消除的依据")
    p.add_argument("--date", help="入户核实日期（默认今天）")
    p = cli.command("natural", cmd_natural, "自然消除（迁出、死亡），须附证明", under=verbs)
    p.add_argument("case", help="监测编号")
    p.add_argument("--reason", required=True, choices=monitoring.NATURAL_REASONS, help="原因")
    p.add_argument("--note", required=True, help="情况说明")
    p.add_argument("--attach", action="append", help="证明材料扫描件（PDF/JPG/PNG，可重复）")
    p.add_argument("--date", help="消除日期（默认今天）")
    p = cli.command("list", cmd_list, "列出监测对象", under=verbs)
    p.add_argument("--village", help="只看某个村")
    p.add_argument("--state", help="状态（逗号分隔）：including、monitored、closing、closed、not_included")
    p = cli.command("show", cmd_show, "一户的监测经历、风险事件和收入核查", under=verbs)
    p.add_argument("code", help="户编号")
    p = cli.command("report", cmd_report, "月度监测情况（各村纳入、消除、仍有风险）", under=verbs)
    p.add_argument("--month", help="月份，如 2026-11（默认本月）")
    p.add_argument("--village", help="只看某个村")

    p = cli.print_kind("notice", "monitor", print_notice, "防返贫监测对象纳入或风险消除公示")
    p.add_argument("--village", required=True, help="村名")
    p.add_argument(
        "--phase", default="include", choices=("include", "close"), help="include 纳入、close 风险消除"
    )
    p.add_argument("--start", help="村公示开始日期（默认该村最近一次）")
    p.add_argument("--issuer", help="落款单位")
    p.add_argument("--phone", help="监督电话")
    p = cli.print_kind("ledger", "monitor-cases", print_cases, "防返贫监测对象台账", xlsx=True)
    p.add_argument("--village", help="只印某个村")
    p.add_argument("--year", help="年度（默认今年）")
    p = cli.print_kind("ledger", "monitor-month", print_month, "防返贫动态监测月报", xlsx=True)
    p.add_argument("--village", help="只印某个村")
    p.add_argument("--month", help="月份，如 2026-11（默认本月）")
