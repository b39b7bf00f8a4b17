"""Command line for 一户一档 (`archive …`) and 一户一策 (`plan …`), and their prints."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from desktop import clock
from desktop.cli.common import CliContext, Commands, count, day, emit, fen, fen_or_zero, need, number
from desktop.errors import InputRejected
from desktop.services.archives import archive_reports, archives
from desktop.services.documents import Printed
from desktop.services.plans import plan_reports, plans
from desktop.services.system.attachments import read_file


def _year(args) -> int:
    if not getattr(args, "year", None):
        return clock.today().year
    return plans.check_year(count(args.year, "年度"))


def _files(paths: list[str] | None) -> list[tuple[str, bytes]]:
    return [read_file(p, "扫描件") for p in paths or []]


# --- archive ------------------------------------------------------------------------------------------


def cmd_archive_status(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    reader = ctx.actor()
    if args.household:
        found = [archives.status(db, reader, args.household, with_files=False)]
    else:
        found = archives.village_status(db, reader, args.village, items=True)
    copies = found[0].copies if found else archives.copies(db)
    totals = {
        key: {"name": name, "complete_households": sum(st.complete(key) for st in found)}
        for key, name in copies
    }
    lines = []
    for st in found:
        parts = []
        for key, name in st.copies:
            c = st.counts(key)
            parts.append(f"{name} 齐全{c['齐全']} 缺失{c['缺失']} 需更新{c['需更新']}")
        lines.append(f"{st.code} {st.head}（{st.village}）：" + "；".join(parts))
    lines.append(
        f"共{len(found)}户；"
        + "，".join(f"{t['name']}齐全{t['complete_households']}户" for t in totals.values())
    )
    emit(args, {"households": [st.as_json() for st in found], "totals": totals}, "\n".join(lines))
    return 0


def cmd_archive_checklist(ctx: CliContext) -> int:
    """Without --file: shows the checklist in use."""
    args = ctx.args
    db = ctx.database()
    ctx.actor()
    if args.file:
        try:
            items = json.loads(Path(args.file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputRejected(f"无法读取清单文件：{exc}") from None
        version = archives.set_checklist(db, ctx.actor(), items, note=args.note or "")
        emit(args, {"version": version}, f"已保存档案清单第{version}版")
        return 0
    cl = archives.checklist(db)
    emit(
        args,
        {"version": cl.version, "items": [asdict(i) for i in cl.items]},
        f"档案清单第{cl.version}版\n" + "\n".join(f"[{i.stage_name}] {i.key} {i.title}" for i in cl.items),
    )
    return 0


def cmd_archive_record(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    rev = archives.record_item(
        db,
        actor,
        args.code,
        args.item,
        done_on=day(args.date),
        note=args.note or "",
        files=_files(args.attach),
    )
    emit(
        args,
        {"household": args.code, "item": args.item, "revision": rev},
        f"已登记“{args.item}”（第{rev}次修改）",
    )
    return 0


def cmd_archive_handover(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    log_id = archives.hand_over(
        db, actor, args.code, args.copy, args.to, signed_by=args.signed or "", on=day(args.date)
    )
    emit(args, {"log": log_id}, "已登记交接")
    return 0


# --- plan ---------------------------------------------------------------------------------------------


def cmd_plan_disagree(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    reader = ctx.actor()
    year = _year(args)
    found = plans.disagreements(db, reader, year, village=args.village)
    emit(
        args,
        {"year": year, "households": [asdict(d) for d in found]},
        "\n".join(
            f"{d.code} {d.head}（{d.village}）：现为{plans.COLOUR_NAMES.get(d.colour or '', '未定')}；{d.basis}"
            for d in found
        )
        or "卡色与数据一致",
    )
    return 0


def cmd_plan_overview(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    reader = ctx.actor()
    year = _year(args)
    rows = plans.overview(db, reader, year)
    emit(
        args,
        {"year": year, "villages": [asdict(r) for r in rows]},
        "\n".join(
            f"{r.village}：{r.households}户 "
            + " ".join(f"{plans.COLOUR_NAMES.get(k, '未定')}{n}" for k, n in r.colours.items())
            for r in rows
        ),
    )
    return 0


def cmd_plan_suspects(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    reader = ctx.actor()
    year = _year(args)
    found = plans.suspects(db, reader, year, village=args.village)
    emit(
        args,
        {"year": year, "households": [asdict(x) for x in found]},
        "\n".join(
            f"{x.code} {x.head}（{x.village}）：{x.finding}——{year}年人均纯收入{plans.yuan(x.income)}元，"
            f"低于贫困线{plans.yuan(x.poverty_line)}元（户类型：{x.household_kind or '未填'}，"
            f"贫困户属性：{x.poverty_type or '未填'}）"
            for x in found
        )
        or f"{year}年没有疑似漏评、疑似返贫的农户",
    )
    return 0


def cmd_plan_threshold(ctx: CliContext) -> int:
    """plan threshold [--year Y] [--line L --low B1 --high B2 | --adopt | --list]: a year's standard is set by an
    admin, or the offered (latest earlier) one adopted; a year without one is reported, never filled in."""
    args = ctx.args
    db = ctx.database()
    ctx.actor()
    year = _year(args)
    if args.list:
        rows = plans.standards(db)
        emit(
            args,
            {"standards": [asdict(t) for t in rows]},
            "\n".join(f"{t.text}（{t.source}）" for t in rows),
        )
        return 0
    if args.line or args.low or args.high:  # all three together: beyond argparse's required=
        plans.set_threshold(
            db,
            ctx.actor(),
            year,
            fen(need(args.line, "需要 --line 贫困线（元）"), "贫困线"),
            fen(need(args.low, "需要 --low 黄卡下限（元）"), "黄卡下限"),
            fen(need(args.high, "需要 --high 黄卡上限（元）"), "黄卡上限"),
        )
    elif args.adopt:
        plans.adopt_threshold(db, ctx.actor(), year)
    t, offer = plans.threshold_status(db, year)
    if t is None:
        emit(
            args,
            {"year": year, "set": False, "offer": asdict(offer) if offer else None},
            plans.missing_text(year, offer),
        )
        return 0
    emit(args, {"year": year, "set": True, **asdict(t)}, f"{t.text}（{t.source}）")
    return 0


def cmd_plan_show(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    reader = ctx.actor()
    year = _year(args)
    v = plans.plan(db, reader, args.code, year)
    data = {
        "code": v.code,
        "year": year,
        "colour": v.colour.colour if v.colour else None,
        "suggested": v.suggestion.colour,
        "suggestion": v.suggestion.kind,
        "basis": v.suggestion.basis,
        "findings": list(v.findings),
        "risks": list(v.risks),
        "net_per_capita_fen": v.income.net_per_capita_fen if v.income else None,
        "measures": [asdict(m) for m in v.measures],
        "visits": [
            {k: val for k, val in asdict(x).items() if k != "photos"} | {"photos": len(x.photos)}
            for x in v.visits
        ],
        "conditions": [asdict(c) for c in v.conditions],
        "exit_ready": v.exit_ready,
        "history": [asdict(h) for h in v.history],
    }
    text = [
        f"{v.head}户（{v.code}）{year}年：卡色 {v.colour.name if v.colour else '未定'}；{v.suggestion.text}",
        *([f"  ！{'、'.join(v.findings)}"] if v.findings else []),
        *([f"  {v.suggestion.risk_text}（不作为卡色依据，不公示）"] if v.risks else []),
        *[f"  措施 {m.kind} {m.description} {plans.yuan(m.amount)}元 {m.status_name}" for m in v.measures],
        *[
            f"  {c.name}：{ {True: '达标', False: '未达标', None: '待核验'}[c.met] }（{c.source}）{c.detail}"
            for c in v.conditions
        ],
    ]
    emit(args, data, "\n".join(text))
    return 0


def cmd_plan_income(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    year = _year(args)
    net = plans.set_income(
        db,
        actor,
        args.code,
        year,
        wage=fen_or_zero(args.wage, "工资性收入"),
        production=fen_or_zero(args.production, "生产经营性收入"),
        property_income=fen_or_zero(args.property, "财产性收入"),
        transfer=fen_or_zero(args.transfer, "转移性收入"),
        production_cost=fen_or_zero(args.cost, "生产经营性支出"),
        note=args.note or "",
    )
    sug = plans.suggestion(db, actor, args.code, year)
    emit(
        args,
        {"net_per_capita_fen": net, "suggested": sug.colour, "findings": list(sug.findings)},
        f"人均纯收入{plans.yuan(net)}元；{sug.text}",
    )
    return 0


def cmd_plan_colour(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    d = plans.confirm_colour(db, actor, args.code, _year(args), args.set, args.reason or "")
    emit(args, asdict(d), f"已确定为{d.name}" + ("（调整：" + d.reason + "）" if d.overridden else ""))
    return 0


def cmd_plan_measure(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    mid = plans.add_measure(
        db,
        actor,
        args.code,
        _year(args),
        args.measure_kind,
        args.text or "",
        amount=fen_or_zero(args.amount, "措施金额"),
        cadre=args.cadre or "",
        cadre_phone=args.phone or "",
        planned_on=day(args.date),
        status=args.status or "planned",
        risk_event=number(args.risk_event, "风险事件号") if args.risk_event else None,
    )
    emit(args, {"measure": mid}, f"已登记措施 {mid}")
    return 0


def cmd_plan_measure_status(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    measure = number(args.measure, "措施编号")
    plans.set_measure_status(db, actor, measure, args.status, done_on=day(args.date))
    emit(
        args,
        {"measure": measure, "status": args.status},
        f"措施{measure}已改为{plans.MEASURE_STATUS[args.status]}",
    )
    return 0


def cmd_plan_visit(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    vid = plans.add_visit(
        db,
        actor,
        args.code,
        day(args.date) or clock.today(),
        args.visitor or "",
        cadre_id=number(args.cadre, "干部编号") if args.cadre else None,
        findings=args.findings or "",
        problems=args.problems or "",
        follow_up=args.follow_up or "",
        photos=_files(args.photo),
    )
    emit(args, {"visit": vid}, f"已登记走访 {vid}")
    return 0


def cmd_plan_check(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    plans.set_check(
        db,
        actor,
        args.code,
        _year(args),
        args.condition,
        args.met == "yes",
        evidence=args.evidence or "",
        on=day(args.date),
    )
    emit(args, {"ok": True}, "已登记核验")
    return 0


# --- prints -------------------------------------------------------------------------------------------


def print_archive(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    r = archives.print_copy(ctx.database(), ctx.actor(), args.code, args.copy, out)
    return Printed(r.path, r.pages, r.fonts, r.items)


def _household(args, usage: str) -> str:
    return need(
        args.code or args.household, usage
    )  # the code as a word or as --household: argparse says neither


def print_card(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    code = _household(args, "用法：print card 户编号 --out 文件.pdf [--paper A5] [--borderless]")
    return plan_reports.policy_card(
        ctx.database(), ctx.actor(), code, _year(args), out, paper=args.paper, borderless=args.borderless
    )


def print_plan(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    code = _household(args, "用法：print plan 户编号 --year 2026 --out 文件.pdf")
    return plan_reports.plan_sheet(ctx.database(), ctx.actor(), code, _year(args), out)


def print_archive_ledger(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    return archive_reports.completeness_ledger(
        ctx.database(), ctx.actor(), out, village=args.village, xlsx=bool(args.xlsx)
    )


def print_visit_ledger(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    return plan_reports.visit_ledger(
        ctx.database(), ctx.actor(), out, village=args.village, year=_year(args), xlsx=bool(args.xlsx)
    )


def print_monitoring_ledger(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    return plan_reports.monitoring_ledger(
        ctx.database(), ctx.actor(), out, village=args.village, year=_year(args), xlsx=bool(args.xlsx)
    )


# --- registration -------------------------------------------------------------------------------------

CONDITIONS = (
    "核验项：food_clothing 不愁吃穿、education 义务教育、medical 基本医疗、housing 住房安全、water 安全饮水、"
    "electricity 生活用电、broadcast_tv 广播电视、employment 符合就业条件的成员已就业"
)


def _code(p) -> None:
    p.add_argument("code", help="户编号")


def _year_option(p) -> None:
    p.add_argument("--year", help="年度，如 2026（默认今年）")


def register(cli: Commands) -> None:
    verbs = cli.group("archive", "一户一档：档案状态、登记材料、交接、清单", dest="archive_verb")
    p = cli.command("status", cmd_archive_status, "各户档案齐全情况", under=verbs)
    p.add_argument("--village", help="只看某个村")
    p.add_argument("--household", help="只看一户")
    p = cli.command("record", cmd_archive_record, "登记一户的一份材料", under=verbs)
    _code(p)
    p.add_argument("--item", required=True, help="材料编号或名称，如 application 或 贫困户申请书")
    p.add_argument("--date", help="材料日期，如 2026-11-25")
    p.add_argument("--note", help="备注")
    p.add_argument("--attach", action="append", help="扫描件（PDF/JPG/PNG，可重复）")
    p = cli.command("handover", cmd_archive_handover, "登记档案交接", under=verbs)
    _code(p)
    p.add_argument("--copy", required=True, help="份别：township、village、household")
    p.add_argument("--to", required=True, help="接收人")
    p.add_argument("--signed", help="签收人")
    p.add_argument("--date", help="交接日期，如 2026-11-25（默认今天）")
    p = cli.command("checklist", cmd_archive_checklist, "查看档案清单；用 --file 保存新版本", under=verbs)
    p.add_argument("--file", help="清单JSON文件（保存为新版本）")
    p.add_argument("--note", help="新版本的说明")

    verbs = cli.group("plan", "一户一策：收入、卡色、措施、走访、核验、标准", dest="plan_verb")
    p = cli.command("show", cmd_plan_show, "查看一户的帮扶计划", under=verbs)
    _code(p)
    _year_option(p)
    p = cli.command("income", cmd_plan_income, "登记一户的年收入", under=verbs)
    _code(p)
    _year_option(p)
    for name, helptext in (
        ("wage", "工资性收入（元）"),
        ("production", "生产经营性收入（元）"),
        ("property", "财产性收入（元）"),
        ("transfer", "转移性收入（元）"),
        ("cost", "生产经营性支出（元）"),
    ):
        p.add_argument(f"--{name}", help=helptext)
    p.add_argument("--note", help="备注")
    p = cli.command("colour", cmd_plan_colour, "确定一户的卡色", under=verbs)
    _code(p)
    _year_option(p)
    p.add_argument("--set", help="卡色：红卡、黄卡、绿卡、蓝卡（不填则采用建议）")
    p.add_argument("--reason", help="与建议不同时的理由")
    p = cli.command("measure", cmd_plan_measure, "登记帮扶措施", under=verbs)
    _code(p)
    _year_option(p)
    p.add_argument("--kind", dest="measure_kind", required=True, help="措施类别，如 产业")
    p.add_argument("--text", help="措施内容")
    p.add_argument("--amount", help="金额（元）")
    p.add_argument("--cadre", help="责任人")
    p.add_argument("--phone", help="责任人电话")
    p.add_argument("--status", choices=tuple(plans.MEASURE_STATUS), help="状态（默认 planned）")
    p.add_argument("--date", help="计划日期，如 2026-11-25")
    p.add_argument("--risk-event", help="针对的风险事件号（防返贫监测，monitor events 可查看）")
    p = cli.command("measure-status", cmd_plan_measure_status, "修改措施的状态", under=verbs)
    p.add_argument("measure", help="措施编号")
    p.add_argument("--status", required=True, choices=tuple(plans.MEASURE_STATUS), help="新的状态")
    p.add_argument("--date", help="完成日期，如 2026-11-25")
    p = cli.command("visit", cmd_plan_visit, "登记走访", under=verbs)
    _code(p)
    p.add_argument("--cadre", help="走访干部编号（cadres list 可查；记入其姓名和职务）")
    p.add_argument("--visitor", help="走访人（不在帮扶干部名单中时填写姓名）")
    p.add_argument("--date", help="走访日期，如 2026-11-25（默认今天）")
    p.add_argument("--findings", help="走访发现")
    p.add_argument("--problems", help="存在问题")
    p.add_argument("--follow-up", help="后续措施")
    p.add_argument("--photo", action="append", help="走访照片（可重复）")
    p = cli.command("check", cmd_plan_check, "登记“两不愁三保障”等核验结果", under=verbs)
    _code(p)
    _year_option(p)
    p.add_argument("--condition", required=True, help=CONDITIONS)
    p.add_argument("--met", required=True, choices=("yes", "no"), help="是否达标")
    p.add_argument("--evidence", help="核验依据")
    p.add_argument("--date", help="核验日期，如 2026-11-25（默认今天）")
    p = cli.command("disagree", cmd_plan_disagree, "卡色与数据不一致的农户", under=verbs)
    _year_option(p)
    p.add_argument("--village", help="只看某个村")
    p = cli.command("suspects", cmd_plan_suspects, "疑似漏评、疑似返贫的农户", under=verbs)
    _year_option(p)
    p.add_argument("--village", help="只看某个村")
    p = cli.command("threshold", cmd_plan_threshold, "查看、设定或沿用某年度的贫困线和黄卡标准", under=verbs)
    _year_option(p)
    p.add_argument("--line", help="贫困线（元）")
    p.add_argument("--low", help="黄卡下限（元）")
    p.add_argument("--high", help="黄卡上限（元）")
    p.add_argument("--adopt", action="store_true", help="确认沿用此前最近一年的标准（管理员）")
    p.add_argument("--list", action="store_true", help="列出各年度标准及来源")
    p = cli.command("overview", cmd_plan_overview, "各村卡色统计", under=verbs)
    _year_option(p)

    # print …
    p = cli.print_kind("archive", None, print_archive, "打印一户的档案（按份别）", single=True)
    _code(p)
    p.add_argument("--copy", default="township", help="份别：township（默认）、village、household")
    p = cli.print_kind("card", None, print_card, "明白卡", single=True)
    p.add_argument("code", nargs="?", help="户编号")
    p.add_argument("--household", help="户编号（也可直接写在 card 后）")
    _year_option(p)
    p.add_argument("--paper", default="A4", help="纸张：A4（默认）或 A5")
    p.add_argument("--borderless", action="store_true", help="无边距打印（打印机支持时，色带印到纸边）")
    p = cli.print_kind("plan", None, print_plan, "一户一策计划表", single=True)
    p.add_argument("code", nargs="?", help="户编号")
    p.add_argument("--household", help="户编号（也可直接写在 plan 后）")
    _year_option(p)
    p = cli.print_kind("ledger", "archive", print_archive_ledger, "档案齐全情况台账", xlsx=True)
    p.add_argument("--village", help="只印某个村")
    p = cli.print_kind("ledger", "visits", print_visit_ledger, "走访台账", xlsx=True)
    p.add_argument("--village", help="只印某个村")
    _year_option(p)
    p = cli.print_kind("ledger", "monitoring", print_monitoring_ledger, "防返贫监测台账", xlsx=True)
    p.add_argument("--village", help="只印某个村")
    _year_option(p)
