"""Command line for 疑点核查 (`audit …`, the data-quality audit)."""

from __future__ import annotations

from pathlib import Path

from desktop import clock
from desktop.cli.common import CliContext, Commands, emit
from desktop.errors import InputRejected
from desktop.services.quality import quality


def cmd_rules(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    ctx.actor()
    infos = quality.rules(db)
    lines = [
        f"{r.code:28s} {r.severity} {'启用' if r.enabled else '停用'} {r.name} {r.params or ''}"
        for r in infos
    ]
    emit(args, {"rules": [r.__dict__ for r in infos]}, "\n".join(lines))
    return 0


def cmd_history(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    ctx.actor()
    runs = quality.history(db)
    lines = [
        f"{clock.local(r.at):%Y-%m-%d %H:%M} {r.username} {r.scope or '全部'} 疑点{r.findings} 已核实{r.quiet}"
        for r in runs
    ]
    emit(args, {"runs": [r.__dict__ for r in runs]}, "\n".join(lines) or "还没有核查记录")
    return 0


def cmd_targets(ctx: CliContext) -> int:
    """audit targets [--param identification=98 --param data=95]: seed 004's 识别精准率 98 % and 数据信息精准率
    95 % until a county sets its own."""
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    wanted = {}
    for item in args.param or []:
        key, _, value = item.partition("=")
        try:
            wanted[key.strip()] = float(value)
        except ValueError:
            raise InputRejected(f"“{item}”应写成 identification=98 或 data=95") from None
    targets = quality.set_rate_targets(db, actor, **wanted) if wanted else quality.rate_targets(db)
    text = "，".join(f"{quality.RATE_NAMES[k]}不低于{v:g}%" for k, v in targets.items())
    emit(args, {"targets": targets}, f"精准率目标：{text}")
    return 0


def cmd_configure(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    params = {}
    for item in args.param or []:
        key, _, value = item.partition("=")
        params[key] = int(value) if value.lstrip("-").isdigit() else value
    enabled = None if args.enable is None else args.enable == "on"
    quality.configure_rule(db, actor, args.rule, enabled=enabled, params=params)
    emit(args, {"rule": args.rule}, f"已更新规则 {args.rule}")
    return 0


def cmd_verify(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    result = quality.run_audit(db, actor, record=False)
    finding = quality.find(result, args.rule, args.household, args.person or "")
    quality.mark_verified(db, actor, finding, args.reason)
    emit(args, {"verified": finding.as_dict()}, f"已标记为已核实：{finding.message}")
    return 0


def cmd_run(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    result = quality.run_audit(db, ctx.actor(), village=args.village)
    lines = [
        f"[{f.severity}] {f.village} 户{f.household} {f.name}：{f.rule_name}——{f.message}"
        for f in result.findings
    ]
    counts = "；".join(f"{quality.BY_CODE[c].name} {n}" for c, n in result.by_rule.items())
    lines.append(
        f"共 {len(result.findings)} 条疑点（{counts or '无'}），已核实未变的 {len(result.quiet)} 条不再显示"
    )
    # seed 004: 识别精准率 and 数据信息精准率 per village, from this run (desktop.services.quality.quality.Rates)
    lines += [f"{r.village}（{r.people}人）：{r.text()}" for r in result.rates.values()]
    if result.total is not None and len(result.rates) > 1:
        lines.append(f"合计（{result.total.people}人）：{result.total.text()}")
    emit(args, result.as_dict(), "\n".join(lines))
    return 0


def cmd_export(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    reader = ctx.actor()
    result = quality.run_audit(db, reader, village=args.village)
    quality.export_findings(db, reader, args.file, result=result)
    emit(
        args,
        {"file": str(args.file), **result.as_dict()},
        f"已导出 {len(result.findings)} 条疑点到 {args.file}",
    )
    return 0


def cmd_print(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    reader = ctx.actor()
    result = quality.run_audit(db, reader, village=args.village)
    if str(args.file).lower().endswith((".png", ".svg")):
        quality.findings_chart(result, args.file)
    else:
        quality.findings_ledger(db, reader, args.file, result=result)
    emit(args, {"file": str(args.file)}, f"已生成 {args.file}")
    return 0


def register(cli: Commands) -> None:
    verbs = cli.group("audit", "疑点核查：运行、导出、打印、核实、规则、目标", dest="audit_verb")
    p = cli.command("run", cmd_run, "运行核查，列出疑点和各村精准率", under=verbs)
    p.add_argument("--village", help="只查某个村")
    p = cli.command("export", cmd_export, "核查并把疑点导出为Excel", under=verbs)
    p.add_argument("file", type=Path, help="导出的Excel文件")
    p.add_argument("--village", help="只查某个村")
    p = cli.command("print", cmd_print, "核查并打印疑点台账（.pdf）或汇总图（.png/.svg）", under=verbs)
    p.add_argument("file", type=Path, help="输出文件：.pdf 为台账，.png 或 .svg 为汇总图")
    p.add_argument("--village", help="只查某个村")
    p = cli.command("verify", cmd_verify, "把一条疑点标记为已核实", under=verbs)
    p.add_argument("--rule", required=True, help="规则代码（audit rules 可查看）")
    p.add_argument("--household", required=True, help="户编号")
    p.add_argument("--person", help="人编号（疑点针对某个成员时）")
    p.add_argument("--reason", required=True, help="核实情况")
    cli.command("rules", cmd_rules, "列出核查规则", under=verbs)
    p = cli.command("configure", cmd_configure, "启用、停用规则或修改阈值", under=verbs)
    p.add_argument("--rule", required=True, help="规则代码")
    p.add_argument("--enable", choices=("on", "off"), help="启用（on）或停用（off）")
    p.add_argument("--param", action="append", help="阈值，如 min_age=18（可重复）")
    cli.command("history", cmd_history, "历次核查记录", under=verbs)
    p = cli.command("targets", cmd_targets, "查看或设置识别精准率、数据信息精准率目标", under=verbs)
    p.add_argument("--param", action="append", help="目标，如 identification=98、data=95（可重复）")
