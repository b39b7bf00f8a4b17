"""Command line for 一户一档 (`archive …`) and 一户一策 (`plan …`), and their prints; registered by desktop.cli."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from desktop import clock
from desktop.cli_common import count, fen
from desktop.cli_common import day as _date
from desktop.cli_common import emit as _emit
from desktop.cli_common import need as _need
from desktop.errors import InputRejected


def _year(args) -> int:
    from desktop.services.plans.plans import check_year

    if not getattr(args, "year", None):
        return clock.today().year
    return check_year(count(args.year, "年度"))


def _fen(text: str | None, field: str = "金额") -> int:
    """An optional amount: not given is zero."""
    return fen(text, field) if text not in (None, "") else 0


def _files(paths: list[str] | None) -> list[tuple[str, bytes]]:
    from desktop.services.system.attachments import read_file

    return [read_file(p, "扫描件") for p in paths or []]


# --- archive ------------------------------------------------------------------------------------------


def cmd_archive(ctx) -> int:
    """archive status|record|handover|checklist"""
    from desktop.services.archives import archives

    args = ctx.args
    db = ctx.database()
    reader = ctx.actor()
    if args.what == "status":
        if args.household:
            found = [archives.status(db, reader, args.household, with_files=False)]
        else:
            found = archives.village_status(db, reader, args.village)
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
        _emit(args, {"households": [st.as_json() for st in found], "totals": totals}, "\n".join(lines))
        return 0
    if args.what == "checklist":
        if args.file:
            try:
                items = json.loads(Path(args.file).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise InputRejected(f"无法读取清单文件：{exc}") from None
            version = archives.set_checklist(db, ctx.actor(), items, note=args.note or "")
            _emit(args, {"version": version}, f"已保存档案清单第{version}版")
            return 0
        cl = archives.checklist(db)
        _emit(
            args,
            {"version": cl.version, "items": [asdict(i) for i in cl.items]},
            f"档案清单第{cl.version}版\n"
            + "\n".join(f"[{i.stage_name}] {i.key} {i.title}" for i in cl.items),
        )
        return 0
    code = _need(args.code, "需要户编号")
    actor = ctx.actor()
    if args.what == "record":
        item = _need(args.item, "需要 --item 材料编号或名称")
        rev = archives.record_item(
            db, actor, code, item, done_on=_date(args.date), note=args.note or "", files=_files(args.attach)
        )
        _emit(args, {"household": code, "item": item, "revision": rev}, f"已登记“{item}”（第{rev}次修改）")
    else:  # handover
        log_id = archives.hand_over(
            db,
            actor,
            code,
            _need(args.copy, "需要 --copy 份别"),
            _need(args.to, "需要 --to 接收人"),
            signed_by=args.signed or "",
            on=_date(args.date),
        )
        _emit(args, {"log": log_id}, "已登记交接")
    return 0


# --- plan ---------------------------------------------------------------------------------------------


def cmd_plan(ctx) -> int:
    """plan show|income|colour|measure|visit|check|disagree|suspects|threshold|overview"""
    from desktop.services.plans import plans

    args = ctx.args
    db = ctx.database()
    reader = ctx.actor()
    year = _year(args)
    what = args.what
    if what == "disagree":
        found = plans.disagreements(db, reader, year, village=args.village)
        _emit(
            args,
            {"year": year, "households": [asdict(d) for d in found]},
            "\n".join(
                f"{d.code} {d.head}（{d.village}）：现为{plans.COLOUR_NAMES.get(d.colour or '', '未定')}；{d.basis}"
                for d in found
            )
            or "卡色与数据一致",
        )
        return 0
    if what == "overview":
        rows = plans.overview(db, reader, year)
        _emit(
            args,
            {"year": year, "villages": [asdict(r) for r in rows]},
            "\n".join(
                f"{r.village}：{r.households}户 "
                + " ".join(f"{plans.COLOUR_NAMES.get(k, '未定')}{n}" for k, n in r.colours.items())
                for r in rows
            ),
        )
        return 0
    if what == "suspects":
        found = plans.suspects(db, reader, year, village=args.village)
        _emit(
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
    if what == "threshold":
        return _threshold(ctx, year)
    code = _need(args.code, "需要户编号")
    if what == "show":
        v = plans.plan(db, reader, code, year)
        data = {
            "code": v.code,
            "year": year,
            "colour": v.colour.colour if v.colour else None,
            "suggested": v.suggestion.colour,
            "suggestion": v.suggestion.kind,
            "basis": v.suggestion.basis,
            "findings": list(v.findings),
            "risks": list(v.risks),
            "net_per_capita_fen": v.income.net_per_capita if v.income else None,
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
            *[
                f"  措施 {m.kind} {m.description} {plans.yuan(m.amount)}元 {m.status_name}"
                for m in v.measures
            ],
            *[
                f"  {c.name}：{ {True: '达标', False: '未达标', None: '待核验'}[c.met] }（{c.source}）{c.detail}"
                for c in v.conditions
            ],
        ]
        _emit(args, data, "\n".join(text))
        return 0
    actor = ctx.actor()
    if what == "income":
        net = plans.set_income(
            db,
            actor,
            code,
            year,
            wage=_fen(args.wage, "工资性收入"),
            production=_fen(args.production, "生产经营性收入"),
            property_income=_fen(args.property, "财产性收入"),
            transfer=_fen(args.transfer, "转移性收入"),
            production_cost=_fen(args.cost, "生产经营性支出"),
            note=args.note or "",
        )
        sug = plans.suggestion(db, actor, code, year)
        _emit(
            args,
            {"net_per_capita_fen": net, "suggested": sug.colour, "findings": list(sug.findings)},
            f"人均纯收入{plans.yuan(net)}元；{sug.text}",
        )
    elif what == "colour":
        d = plans.confirm_colour(db, actor, code, year, args.set, args.reason or "")
        _emit(args, asdict(d), f"已确定为{d.name}" + ("（调整：" + d.reason + "）" if d.overridden else ""))
    elif what == "measure":
        mid = plans.add_measure(
            db,
            actor,
            code,
            year,
            _need(args.kind, "需要 --kind 措施类别"),
            args.text or "",
            amount=_fen(args.amount, "措施金额"),
            cadre=args.cadre or "",
            cadre_phone=args.phone or "",
            planned_on=_date(args.date),
            status=args.status or "planned",
        )
        _emit(args, {"measure": mid}, f"已登记措施 {mid}")
    elif what == "measure-status":
        plans.set_measure_status(
            db, actor, int(code), _need(args.status, "需要 --status"), done_on=_date(args.date)
        )
        _emit(
            args,
            {"measure": int(code), "status": args.status},
            f"措施{code}已改为{plans.MEASURE_STATUS[args.status]}",
        )
    elif what == "visit":
        vid = plans.add_visit(
            db,
            actor,
            code,
            _date(args.date) or clock.today(),
            _need(args.visitor, "需要 --visitor 走访人"),
            findings=args.findings or "",
            problems=args.problems or "",
            follow_up=args.follow_up or "",
            photos=_files(args.photo),
        )
        _emit(args, {"visit": vid}, f"已登记走访 {vid}")
    else:  # check
        met = _need(args.met, "需要 --met yes|no")
        plans.set_check(
            db,
            actor,
            code,
            year,
            _need(args.condition, "需要 --condition"),
            met in ("yes", "是", "1", "true"),
            evidence=args.evidence or "",
            on=_date(args.date),
        )
        _emit(args, {"ok": True}, "已登记核验")
    return 0


def _threshold(ctx, year: int) -> int:
    """plan threshold [--year Y] [--line L --low B1 --high B2 | --adopt | --list]: a year's standard is set by an
    admin, or the offered (latest earlier) one adopted; a year without one is reported, never filled in."""
    from desktop.services.plans import plans

    args = ctx.args
    db = ctx.database()
    if args.list:
        rows = plans.standards(db)
        _emit(
            args,
            {"standards": [asdict(t) for t in rows]},
            "\n".join(f"{t.text}（{t.source}）" for t in rows),
        )
        return 0
    if args.line or args.low or args.high:
        plans.set_threshold(
            db,
            ctx.actor(),
            year,
            fen(_need(args.line, "需要 --line 贫困线（元）"), "贫困线"),
            fen(_need(args.low, "需要 --low 黄卡下限（元）"), "黄卡下限"),
            fen(_need(args.high, "需要 --high 黄卡上限（元）"), "黄卡上限"),
        )
    elif args.adopt:
        plans.adopt_threshold(db, ctx.actor(), year)
    t, offer = plans.threshold_status(db, year)
    if t is None:
        _emit(
            args,
            {"year": year, "set": False, "offer": asdict(offer) if offer else None},
            plans.missing_text(year, offer),
        )
        return 0
    _emit(args, {"year": year, "set": True, **asdict(t)}, f"{t.text}（{t.source}）")
    return 0


# --- prints -------------------------------------------------------------------------------------------


def print_archive(ctx, out: str):
    from desktop.services.archives import archives
    from desktop.services.households import printing

    args = ctx.args
    code = _need(args.kind, "用法：print archive 户编号 --copy township|village|household --out 文件.pdf")
    r = archives.print_copy(ctx.database(), ctx.actor(), code, args.copy or "township", out)
    return printing.Printed(r.path, r.pages, r.fonts, r.items)


def print_card(ctx, out: str):
    from desktop.services.plans import plan_reports

    args = ctx.args
    code = _need(
        args.kind or args.household, "用法：print card 户编号 --out 文件.pdf [--paper A5] [--borderless]"
    )
    return plan_reports.policy_card(
        ctx.database(),
        ctx.actor(),
        code,
        _year(args),
        out,
        paper=args.paper or "A4",
        borderless=bool(getattr(args, "borderless", False)),
    )


def print_plan(ctx, out: str):
    from desktop.services.plans import plan_reports

    args = ctx.args
    code = _need(args.kind or args.household, "用法：print plan 户编号 --year 2026 --out 文件.pdf")
    return plan_reports.plan_sheet(ctx.database(), ctx.actor(), code, _year(args), out)


def ledger_printer(kind: str):
    def run(db, actor, args, out, start):
        from desktop.services.archives import archive_reports
        from desktop.services.plans import plan_reports

        xlsx = bool(args.xlsx)
        if kind == "archive":
            return archive_reports.completeness_ledger(db, actor, out, village=args.village, xlsx=xlsx)
        if kind == "visits":
            return plan_reports.visit_ledger(
                db, actor, out, village=args.village, year=_year(args), xlsx=xlsx
            )
        return plan_reports.monitoring_ledger(
            db, actor, out, village=args.village, year=_year(args), xlsx=xlsx
        )

    return run


def register(sub, add, common) -> None:
    p = add("archive", cmd_archive, help="一户一档：档案状态、登记材料、交接、清单")
    p.add_argument("what", choices=("status", "record", "handover", "checklist"))
    p.add_argument("code", nargs="?", help="户编号")
    p.add_argument("--village")
    p.add_argument("--household", help="只看一户")
    p.add_argument("--item", help="材料编号或名称，如 application 或 贫困户申请书")
    p.add_argument("--date", help="材料日期/交接日期，如 2026-11-25")
    p.add_argument("--note")
    p.add_argument("--attach", action="append", help="扫描件（PDF/JPG/PNG，可重复）")
    p.add_argument("--copy", help="份别：township、village、household")
    p.add_argument("--to", help="接收人")
    p.add_argument("--signed", help="签收人")
    p.add_argument("--file", help="清单JSON文件（保存为新版本）")

    p = add("plan", cmd_plan, help="一户一策：收入、卡色、措施、走访、核验")
    p.add_argument(
        "what",
        choices=(
            "show",
            "income",
            "colour",
            "measure",
            "measure-status",
            "visit",
            "check",
            "disagree",
            "suspects",
            "threshold",
            "overview",
        ),
    )
    p.add_argument("code", nargs="?", help="户编号（measure-status 时为措施编号）")
    p.add_argument("--year")
    p.add_argument("--village")
    for name in ("wage", "production", "property", "transfer", "cost"):
        p.add_argument(f"--{name}", help="金额（元）")
    p.add_argument("--note")
    p.add_argument("--set", help="卡色：红卡、黄卡、绿卡、蓝卡（不填则采用建议）")
    p.add_argument("--reason", help="与建议不同时的理由")
    p.add_argument("--kind", help="措施类别，如 产业")
    p.add_argument("--text", help="措施内容")
    p.add_argument("--amount", help="金额（元）")
    p.add_argument("--cadre", help="责任人")
    p.add_argument("--phone", help="责任人电话")
    p.add_argument("--status", choices=("planned", "doing", "done", "dropped"))
    p.add_argument("--date", help="日期，如 2026-11-25")
    p.add_argument("--visitor")
    p.add_argument("--findings")
    p.add_argument("--problems")
    p.add_argument("--follow-up")
    p.add_argument("--photo", action="append", help="走访照片（可重复）")
    p.add_argument(
        "--condition",
        help="核验项：food_clothing 不愁吃穿、education 义务教育、medical 基本医疗、housing 住房安全、water 安全饮水、"
        "electricity 生活用电、broadcast_tv 广播电视、employment 符合就业条件的成员已就业",
    )
    p.add_argument("--met", choices=("yes", "no"))
    p.add_argument("--evidence")
    p.add_argument("--line", help="贫困线（元）")
    p.add_argument("--low", help="黄卡下限（元）")
    p.add_argument("--high", help="黄卡上限（元）")
    p.add_argument("--adopt", action="store_true", help="threshold：确认沿用此前最近一年的标准（管理员）")
    p.add_argument("--list", action="store_true", help="threshold：列出各年度标准及来源")
