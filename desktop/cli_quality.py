"""Command line for 疑点核查 (the data-quality audit)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop import clock
from desktop.cli_common import emit as _emit
from desktop.errors import InputRejected

if TYPE_CHECKING:
    from desktop.cli import CliContext


def cmd_audit(ctx: CliContext) -> int:
    """audit run|export|verify|rules|history|print"""
    from desktop.services.quality import quality

    args = ctx.args
    db = ctx.database()
    reader = ctx.actor()
    what = args.what
    if what == "rules":
        infos = quality.rules(db)
        lines = [
            f"{r.code:28s} {r.severity} {'启用' if r.enabled else '停用'} {r.name} {r.params or ''}"
            for r in infos
        ]
        _emit(args, {"rules": [r.__dict__ for r in infos]}, "\n".join(lines))
        return 0
    if what == "history":
        runs = quality.history(db)
        lines = [
            f"{clock.local(r.at):%Y-%m-%d %H:%M} {r.username} {r.scope or '全部'} 疑点{r.findings} 已核实{r.quiet}"
            for r in runs
        ]
        _emit(args, {"runs": [r.__dict__ for r in runs]}, "\n".join(lines) or "还没有核查记录")
        return 0
    if what == "targets":
        return _targets(ctx)
    if what == "configure":
        params = {}
        for item in args.param or []:
            key, _, value = item.partition("=")
            params[key] = int(value) if value.lstrip("-").isdigit() else value
        enabled = None if args.enable is None else args.enable == "on"
        quality.configure_rule(db, ctx.actor(), args.rule, enabled=enabled, params=params)
        _emit(args, {"rule": args.rule}, f"已更新规则 {args.rule}")
        return 0
    if what == "verify":
        actor = ctx.actor()
        if not (args.rule and args.household and args.reason):
            raise InputRejected(
                "需要 --rule 规则代码 --household 户编号 --reason 核实情况（可加 --person 人编号）"
            )
        result = quality.run_audit(db, actor, record=False)
        finding = quality.find(result, args.rule, args.household, args.person or "")
        quality.mark_verified(db, actor, finding, args.reason)
        _emit(args, {"verified": finding.as_dict()}, f"已标记为已核实：{finding.message}")
        return 0
    result = quality.run_audit(db, reader, village=args.village)
    if what == "export":
        if not args.file:
            raise InputRejected("请给出导出文件：audit export 文件.xlsx")
        quality.export_findings(db, reader, args.file, result=result)
        _emit(
            args,
            {"file": str(args.file), **result.as_dict()},
            f"已导出 {len(result.findings)} 条疑点到 {args.file}",
        )
        return 0
    if what == "print":
        if not args.file:
            raise InputRejected("请给出输出文件：audit print 文件.pdf（或 文件.png 为汇总图）")
        if str(args.file).lower().endswith((".png", ".svg")):
            quality.findings_chart(result, args.file)
        else:
            quality.findings_ledger(db, reader, args.file, result=result)
        _emit(args, {"file": str(args.file)}, f"已生成 {args.file}")
        return 0
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
    _emit(args, result.as_dict(), "\n".join(lines))
    return 0


def _targets(ctx: CliContext) -> int:
    """audit targets [--param identification=98 --param data=95]: seed 004's 识别精准率 98 % and 数据信息精准率
    95 % until a county sets its own."""
    from desktop.services.quality import quality

    args, db = ctx.args, ctx.database()
    wanted = {}
    for item in args.param or []:
        key, _, value = item.partition("=")
        try:
            wanted[key.strip()] = float(value)
        except ValueError:
            raise InputRejected(f"“{item}”应写成 identification=98 或 data=95") from None
    targets = quality.set_rate_targets(db, ctx.actor(), **wanted) if wanted else quality.rate_targets(db)
    text = "，".join(f"{quality.RATE_NAMES[k]}不低于{v:g}%" for k, v in targets.items())
    _emit(args, {"targets": targets}, f"精准率目标：{text}")
    return 0


def register(sub, add, common) -> None:
    p = add("audit", cmd_audit, help="疑点核查")
    p.add_argument(
        "what", choices=("run", "export", "print", "verify", "rules", "configure", "history", "targets")
    )
    p.add_argument("file", nargs="?", type=Path)
    p.add_argument("--village")
    p.add_argument("--rule")
    p.add_argument("--household")
    p.add_argument("--person")
    p.add_argument("--reason")
    p.add_argument("--enable", choices=("on", "off"))
    p.add_argument(
        "--param", action="append", help="阈值，如 min_age=18；targets：identification=98、data=95（可重复）"
    )
