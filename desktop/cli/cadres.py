"""Command line for 帮扶干部 (`cadres …`): the registry, pairing with households, the households without a
helper, visit coverage (遍访) and its rules; `print ledger coverage` prints the 遍访台账."""

from __future__ import annotations

import json
from pathlib import Path

from desktop import clock
from desktop.cli.common import CliContext, Commands, count, day, emit, number
from desktop.errors import InputRejected
from desktop.models.cadres import UNIT_KINDS
from desktop.services.cadres import cadre_reports, cadres
from desktop.services.cadres.coverage_rules import POSTS
from desktop.services.documents import Printed
from desktop.services.plans import plans


def _year(args) -> int:
    if not getattr(args, "year", None):
        return clock.today().year
    return plans.check_year(count(args.year, "年度"))


def cmd_add(ctx: CliContext) -> int:
    args = ctx.args
    cid = cadres.add_cadre(
        ctx.database(),
        ctx.actor(),
        args.name,
        args.post,
        unit_kind=args.unit_kind or "",
        unit=args.unit or "",
        phone=args.phone or "",
        village=args.village,
        active_from=day(args.date),
    )
    emit(args, {"cadre": cid}, f"已登记帮扶干部 {cid}：{args.name}（{args.post}）")
    return 0


def cmd_edit(ctx: CliContext) -> int:
    args = ctx.args
    db, actor = ctx.database(), ctx.actor()
    cid = number(args.cadre, "干部编号")
    now = next((c for c in cadres.cadres(db, actor, include_ended=True) if c.id == cid), None)
    if now is None:
        raise InputRejected(f"帮扶干部编号{cid}不存在")
    cadres.edit_cadre(
        db,
        actor,
        cid,
        name=args.name if args.name is not None else now.name,
        post=args.post if args.post is not None else now.post,
        unit_kind=args.unit_kind if args.unit_kind is not None else now.unit_kind,
        unit=args.unit if args.unit is not None else now.unit,
        phone=args.phone if args.phone is not None else now.phone,
        village=args.village if args.village is not None else now.village or None,
    )
    emit(args, {"cadre": cid}, f"已修改帮扶干部 {cid}")
    return 0


def cmd_list(ctx: CliContext) -> int:
    args = ctx.args
    found = cadres.cadres(ctx.database(), ctx.actor(), include_ended=args.all, post=args.post)
    lines = [
        f"{c.id:>4} {c.name} {c.post} {c.unit_kind}{('·' + c.unit) if c.unit else ''} {c.village} {c.phone}"
        f" 结对{c.paired}户"
        + (f" 已于{clock.cn_date(c.active_to)}离任（{c.end_reason}）" if c.active_to else "")
        for c in found
    ]
    lines.append(f"共{len(found)}人")
    emit(args, {"cadres": [c.as_json() for c in found]}, "\n".join(lines))
    return 0


def cmd_end(ctx: CliContext) -> int:
    args = ctx.args
    cid = number(args.cadre, "干部编号")
    ended = cadres.end_cadre(ctx.database(), ctx.actor(), cid, args.reason, on=day(args.date))
    emit(args, {"cadre": cid, "pairings_ended": ended}, f"干部{cid}已离任，同时解除结对{ended}户")
    return 0


def cmd_pair(ctx: CliContext) -> int:
    args = ctx.args
    cid = number(args.cadre, "干部编号")
    made = cadres.pair(
        ctx.database(), ctx.actor(), cid, args.households, on=day(args.date), reason=args.reason or ""
    )
    emit(args, {"pairings": made}, f"已结对{len(made)}户")
    return 0


def cmd_unpair(ctx: CliContext) -> int:
    args = ctx.args
    pid = number(args.pairing, "结对编号")
    cadres.unpair(ctx.database(), ctx.actor(), pid, args.reason, on=day(args.date))
    emit(args, {"pairing": pid}, f"已解除结对 {pid}")
    return 0


def cmd_pairings(ctx: CliContext) -> int:
    args = ctx.args
    found = cadres.pairings(
        ctx.database(),
        ctx.actor(),
        cadre_id=number(args.cadre, "干部编号") if args.cadre else None,
        code=args.household,
        on=None if args.history else clock.today(),
    )
    lines = [
        f"{p.id:>5} {p.cadre}（{p.post}） ↔ {p.code} {p.head}（{p.village}） {clock.cn_date(p.started_on)}起"
        + (f"，{clock.cn_date(p.ended_on)}解除（{p.end_reason}）" if p.ended_on else "")
        for p in found
    ]
    lines.append(f"共{len(found)}条")
    emit(args, {"pairings": [p.as_json() for p in found]}, "\n".join(lines))
    return 0


def cmd_import(ctx: CliContext) -> int:
    args = ctx.args
    result = cadres.import_pairing(ctx.database(), ctx.actor(), on=day(args.date))
    emit(args, result.as_json(), result.text)
    return 0


def cmd_unpaired(ctx: CliContext) -> int:
    args = ctx.args
    found = cadres.unpaired(ctx.database(), ctx.actor(), village=args.village, on=day(args.date))
    lines = [
        f"{u.code} {u.head}（{u.village}，{u.kind}）"
        + (f" 花名册帮扶责任人：{u.roster_helper}（未导入）" if u.roster_helper else "")
        for u in found
    ]
    lines.append(f"没有结对帮扶干部的建档立卡户、监测户共{len(found)}户")
    emit(
        args,
        {
            "households": [
                {
                    "household": u.code,
                    "head": u.head,
                    "village": u.village,
                    "kind": u.kind,
                    "roster_helper": u.roster_helper,
                }
                for u in found
            ]
        },
        "\n".join(lines),
    )
    return 0


def cmd_coverage(ctx: CliContext) -> int:
    args = ctx.args
    cov = cadres.coverage(ctx.database(), ctx.actor(), _year(args), village=args.village, on=day(args.date))
    lines = [f"{cov.year}年遍访情况（截至{clock.cn_date(cov.on)}）"]
    for r in cov.rows:
        if args.behind and not r.short:
            continue
        lines.append(
            f"{r.cadre}（{r.post}）{r.village or '全乡镇'} {r.rule} {r.period}：应访{r.due}{r.measure}，"
            f"已访{r.done}{r.measure}，{r.state}"
            + (f"；未走访：{cadre_reports.behind_text(r)}" if r.short and r.measure == "户" else "")
        )
    for village, (due, done) in sorted(cov.totals(lambda r: r.village or "全乡镇").items()):
        lines.append(f"{village}：应访{due}户次，已访{done}户次")
    data = cov.as_json()
    if args.behind:
        data["rows"] = [r.as_json() for r in cov.behind_rows]
    emit(args, data, "\n".join(lines))
    return 0


def cmd_rules(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    if args.file:
        try:
            items = json.loads(Path(args.file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputRejected(f"无法读取规则文件：{exc}") from None
        cadres.set_rules(db, ctx.actor(), items)
    else:
        ctx.actor()
    found = cadres.rules(db)
    lines = [
        f"{'启用' if r.enabled else '停用'} {r.name}：{r.text}" + (f"（{r.source}）" if r.source else "")
        for r in found
    ]
    emit(args, {"rules": [r.as_dict() for r in found]}, "\n".join(lines))
    return 0


def print_coverage(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    return cadre_reports.coverage_ledger(
        ctx.database(),
        ctx.actor(),
        out,
        year=_year(args),
        village=args.village,
        xlsx=bool(args.xlsx),
        behind_only=args.behind,
    )


def register(cli: Commands) -> None:
    verbs = cli.group("cadres", "帮扶干部：登记、结对、遍访情况", dest="cadres_verb")
    p = cli.command("add", cmd_add, "登记帮扶干部", under=verbs)
    p.add_argument("--name", required=True, help="姓名")
    p.add_argument("--post", required=True, help=f"职务：{'、'.join(POSTS)}")
    p.add_argument("--unit-kind", help=f"单位类别：{'、'.join(UNIT_KINDS)}")
    p.add_argument("--unit", help="单位名称，如 县民政局、城关镇")
    p.add_argument("--phone", help="联系电话")
    p.add_argument("--village", help="所在村（村干部、驻村工作队）")
    p.add_argument("--date", help="任职日期，如 2026-01-01")
    p = cli.command("edit", cmd_edit, "修改帮扶干部信息（只写要改的项）", under=verbs)
    p.add_argument("cadre", help="干部编号")
    p.add_argument("--name", help="姓名")
    p.add_argument("--post", help="职务")
    p.add_argument("--unit-kind", help="单位类别")
    p.add_argument("--unit", help="单位名称")
    p.add_argument("--phone", help="联系电话")
    p.add_argument("--village", help="所在村（写空字符串表示不属于某村）")
    p = cli.command("list", cmd_list, "在岗帮扶干部名单", under=verbs)
    p.add_argument("--all", action="store_true", help="包括已离任的")
    p.add_argument("--post", help="只看某一职务")
    p = cli.command("end", cmd_end, "干部离任（同时解除其结对）", under=verbs)
    p.add_argument("cadre", help="干部编号")
    p.add_argument("--reason", required=True, help="离任原因，如 调离、退休、轮换")
    p.add_argument("--date", help="最后在岗日期（默认今天）")
    p = cli.command("pair", cmd_pair, "干部与农户结对", under=verbs)
    p.add_argument("cadre", help="干部编号")
    p.add_argument("households", nargs="+", help="户编号（可多个）")
    p.add_argument("--date", help="结对日期（默认今天）")
    p.add_argument("--reason", help="说明")
    p = cli.command("unpair", cmd_unpair, "解除结对", under=verbs)
    p.add_argument("pairing", help="结对编号（cadres pairings 可查）")
    p.add_argument("--reason", required=True, help="解除原因")
    p.add_argument("--date", help="最后结对日期（默认今天）")
    p = cli.command("pairings", cmd_pairings, "查看结对（某干部或某户）", under=verbs)
    p.add_argument("--cadre", help="干部编号")
    p.add_argument("--household", help="户编号")
    p.add_argument("--history", action="store_true", help="包括已解除的结对")
    p = cli.command("import-pairing", cmd_import, "从花名册“帮扶责任人”导入干部和结对", under=verbs)
    p.add_argument("--date", help="结对日期（默认今年1月1日）")
    p = cli.command("unpaired", cmd_unpaired, "没有结对帮扶干部的建档立卡户、监测户", under=verbs)
    p.add_argument("--village", help="只看某个村")
    p.add_argument("--date", help="哪一天（默认今天）")
    p = cli.command("coverage", cmd_coverage, "遍访情况：应访、已访、未走访的农户", under=verbs)
    p.add_argument("--year", help="年度（默认今年）")
    p.add_argument("--village", help="只看某个村")
    p.add_argument("--date", help="截至日期（默认今天）")
    p.add_argument("--behind", action="store_true", help="只列未完成的")
    p = cli.command("rules", cmd_rules, "查看遍访规则；用 --file 保存本县规则", under=verbs)
    p.add_argument(
        "--file", help="规则JSON文件（列表，每条含 name、posts、households、each、visits、period、until）"
    )

    p = cli.print_kind("ledger", "coverage", print_coverage, "干部遍访台账", xlsx=True)
    p.add_argument("--village", help="只印某个村")
    p.add_argument("--behind", action="store_true", help="只印未完成的")
    p.add_argument("--year", help="年度（默认今年）")
