"""Command line for the roster and the households (`import|export|compare roster`, `households …`) and their
prints: the household notice and ledger, certificates and the calibration page."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from desktop.cli.common import CliContext, Commands, day, emit, need
from desktop.errors import InputRejected
from desktop.services.documents import Printed
from desktop.services.households import households
from desktop.services.system import settings


def cmd_import_roster(ctx: CliContext) -> int:
    from desktop.services.roster.roster_import import import_roster  # lazy: a listing needs no roster reader

    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    result = import_roster(db, actor, args.file, dry_run=args.dry_run)
    text = (
        f"{'试导入（未写入）' if result.dry_run else '导入完成'}：{result.households} 户 {result.members} 人；"
        f"新增 {result.added}，更新 {result.updated}，未变 {result.unchanged}，"
        f"文件中没有的已有户 {result.missing}"
    )
    if result.ignored_columns:
        text += f"\n未识别的列（已忽略）：{'、'.join(result.ignored_columns)}"
    emit(args, result.as_dict(), text)
    return 0


def cmd_export_roster(ctx: CliContext) -> int:
    from desktop.services.roster.roster_export import export_roster  # lazy: as in cmd_import_roster

    args = ctx.args
    people = export_roster(ctx.database(), ctx.actor(), args.file, layout=args.layout, village=args.village)
    emit(args, {"file": str(args.file), "members": people}, f"已导出 {people} 人到 {args.file}")
    return 0


def cmd_compare_roster(ctx: CliContext) -> int:
    from desktop.services.roster.roster_compare import compare_roster  # lazy: as in cmd_import_roster

    args = ctx.args
    ctx.every_village("比对全乡镇的花名册")
    result = compare_roster(ctx.database(), args.file)
    lines = [
        f"文件 {result.households_in_file} 户，数据库 {result.households_in_database} 户，一致 {result.same} 户"
    ]
    if result.only_in_file:
        lines.append(f"仅在文件中（{len(result.only_in_file)}）：{'、'.join(result.only_in_file[:50])}")
    if result.only_in_database:
        lines.append(
            f"仅在数据库中（{len(result.only_in_database)}）：{'、'.join(result.only_in_database[:50])}"
        )
    for d in result.differences[:500]:
        who = f"{d.member} {d.name}" if d.member else "户信息"
        lines.append(f"户{d.household} {who} {d.field}：文件“{d.file or ''}” 数据库“{d.database or ''}”")
    emit(args, result.as_dict(), "\n".join(lines))
    return 0


def cmd_households_list(ctx: CliContext) -> int:
    args = ctx.args
    found = households.list_households(
        ctx.database(), ctx.actor(), village=args.village, search=args.search or "", limit=args.limit
    )
    lines = [f"{r.code}  {r.head_name}  {r.village}{r.group}  {r.size}人  {r.household_kind}" for r in found]
    lines.append(f"共 {len(found)} 户")
    emit(args, {"count": len(found), "households": [asdict(r) for r in found]}, "\n".join(lines))
    return 0


def cmd_households_show(ctx: CliContext) -> int:
    args = ctx.args
    d = households.detail(ctx.database(), ctx.actor(), args.code)
    r = d.row
    lines = [
        f"户编号 {r.code}  户主 {r.head_name}  {d.township}{r.village}{r.group}  {r.size}人",
        f"户类型 {r.household_kind}  贫困户属性 {r.poverty_type}  联系电话 {r.phone}",
    ]
    for m in d.members:
        lines.append(
            f"  {m.relation:<4} {m.name:<6} {m.sex} {m.age if m.age is not None else '':>3}岁 "
            f"{m.id_number} {m.health} {m.labour}{'（已不在册）' if m.left else ''}"
        )
    for i in d.incomes:
        if i.net_per_capita is not None:
            lines.append(f"  {i.year}年 人均纯收入 {i.net_per_capita / 100:.2f} 元")
    emit(args, d.as_dict(), "\n".join(lines))
    return 0


# --- prints -------------------------------------------------------------------------------------------


def print_notice(ctx: CliContext, out: str) -> Printed:
    from desktop.services.households import printing  # lazy: plans and archives load only to print

    args = ctx.args
    start = day(args.start)
    db = ctx.database()
    actor = ctx.actor()
    if args.days is not None:  # held to the setting's range before anything else is looked at
        settings.notice_days(args.days, None)
    # which of --village and --round depends on --notice-kind: beyond argparse's required=
    if args.notice_kind == "identification":  # the list of one identification round, not the whole village
        village = args.village
        if args.days is not None:
            raise InputRejected("识别公示的公示天数按识别批次的村公示日期（identify step），不用 --days")
        need(
            args.round, "识别公示需要 --round 识别批次号：公示只列出批次里提名的农户（identify list 可查看）"
        )
    else:
        village = need(args.village, "公示需要指定 --village 村名")
    return printing.household_notice(
        db,
        actor,
        village,
        out,
        title=args.title,
        kind=args.notice_kind,
        days=args.days,
        start=start,
        issuer=args.issuer,
        phone=args.phone,
        round_id=args.round if args.notice_kind == "identification" else None,
    )


def print_ledger(ctx: CliContext, out: str) -> Printed:
    from desktop.services.households import printing  # lazy: plans and archives load only to print

    args = ctx.args
    return printing.household_ledger(
        ctx.database(), ctx.actor(), out, village=args.village, xlsx=bool(args.xlsx)
    )


def print_certificate(ctx: CliContext, out: str) -> Printed:
    from desktop.services.households import printing  # lazy: plans and archives load only to print

    args = ctx.args
    issued = day(args.start)
    offset = None
    if args.offset_x is not None or args.offset_y is not None:
        offset = (args.offset_x or 0.0, args.offset_y or 0.0)
    return printing.household_certificate(
        ctx.database(),
        ctx.actor(),
        args.household,
        out,
        template=args.template,
        text=args.text or "",
        award=args.award or "",
        issuer=args.issuer,
        issued=issued,
        number=args.number or "",
        preprinted=args.preprinted,
        offset_mm=offset,
    )


def print_calibration(ctx: CliContext, out: str) -> Printed:
    from desktop.services.households import printing  # lazy: plans and archives load only to print

    """No database, no log-in: a page to line up pre-printed certificate stock."""
    return printing.calibration_page(out, ctx.args.template)


# --- registration -------------------------------------------------------------------------------------


def register(cli: Commands) -> None:
    for verb, dest, func, helptext in (
        ("import", "imported", cmd_import_roster, "导入花名册（新增或更新农户）"),
        ("export", "exported", cmd_export_roster, "导出花名册"),
        ("compare", "compared", cmd_compare_roster, "比对花名册与数据库（户表机一致）"),
    ):
        what = cli.group(verb, helptext, dest=dest)
        p = cli.command("roster", func, helptext, under=what)
        p.add_argument("file", type=Path, help="花名册Excel文件")
        if verb == "import":
            p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        if verb == "export":
            p.add_argument("--layout", choices=("legacy", "2021"), help="导出格式（默认与上次导入相同）")
            p.add_argument("--village", help="只导出某个村")

    verbs = cli.group("households", "查找农户", dest="households_verb")
    p = cli.command("list", cmd_households_list, "列出农户", under=verbs)
    p.add_argument("--village", help="只列某个村")
    p.add_argument("--search", help="按户编号、姓名、身份证号或拼音首字母查找")
    p.add_argument("--limit", type=int, help="最多列出几户")
    p = cli.command("show", cmd_households_show, "查看一户的成员和收入", under=verbs)
    p.add_argument("code", help="户编号")

    # print …
    p = cli.print_kind("notice", "households", print_notice, "农户公示：识别、退出或监测对象")
    p.add_argument(
        "--notice-kind",
        default="identification",
        choices=("identification", "exit", "monitoring"),
        help="公示类别：identification 识别（默认，需 --round）、exit 退出、monitoring 监测对象（需 --village）",
    )
    p.add_argument("--village", help="村名（退出、监测对象公示）")
    p.add_argument("--round", type=int, help="识别批次号（识别公示）")
    p.add_argument("--title", help="标题（默认按公示类别）")
    p.add_argument("--days", type=int, help="公示天数（默认按设置；识别公示按识别批次）")
    p.add_argument("--start", help="公示开始日期，如 2026-11-25（默认今天）")
    p.add_argument("--issuer", help="落款单位")
    p.add_argument("--phone", help="监督电话（默认12317）")
    p = cli.print_kind("ledger", "households", print_ledger, "农户成员台账", xlsx=True)
    p.add_argument("--village", help="只印某个村")
    p = cli.print_kind("certificate", None, print_certificate, "一户的证书（星级、脱贫、孝善）", single=True)
    p.add_argument("--household", required=True, help="户编号")
    p.add_argument("--template", default="star", help="证书模板：star（默认）、exit、filial")
    p.add_argument("--text", help="证书正文（替换模板文字）")
    p.add_argument("--award", help="奖项名称，如 2026年度孝善之星（星级证书默认写该户当年已确认的星级）")
    p.add_argument("--issuer", help="落款单位")
    p.add_argument("--start", help="证书日期，如 2026-11-25（默认今天）")
    p.add_argument("--number", help="证书编号")
    p.add_argument("--preprinted", action="store_true", help="套打：只印可变文字")
    p.add_argument("--offset-x", type=float, help="套打横向偏移（毫米，向右为正）")
    p.add_argument("--offset-y", type=float, help="套打纵向偏移（毫米，向下为正）")
    p = cli.print_kind("calibration", None, print_calibration, "套打校准页（不需要数据库）", single=True)
    p.add_argument("--template", default="star", help="证书模板：star（默认）、exit、filial")
