"""`print notice project-listing|project-plan|project-completion|project-funds`, `print ledger
projects|disbursements|project-balances` and `print project-card`: the 项目库's papers
(desktop.services.projects.project_reports). Printing a notice records it as posted."""

from __future__ import annotations

from desktop import clock
from desktop.cli.common import CliContext, Commands, count, day, need
from desktop.models.projects import BOARDS
from desktop.services.documents import Printed
from desktop.services.projects import project_reports


def _year(ctx: CliContext) -> int:
    return count(ctx.args.year, "年度", minimum=2000) if ctx.args.year else clock.today().year


def _notice_args(ctx: CliContext) -> dict:
    args = ctx.args
    return {
        "board": args.board,
        "village": args.village,
        "start": day(args.start),
        "days": count(args.days, "公示天数") if args.days else None,
        "issuer": args.issuer,
        "phone": args.phone,
    }


def print_listing(ctx: CliContext, out: str) -> Printed:
    ids = [count(p, "项目编号", minimum=1) for p in ctx.args.project or []]
    return project_reports.listing_notice(
        ctx.database(), ctx.actor(), _year(ctx), out, projects=ids or None, **_notice_args(ctx)
    )


def print_plan(ctx: CliContext, out: str) -> Printed:
    return project_reports.plan_notice(ctx.database(), ctx.actor(), _year(ctx), out, **_notice_args(ctx))


def print_completion(ctx: CliContext, out: str) -> Printed:
    project = count(need(ctx.args.project, "请用 --project 项目编号 指定项目"), "项目编号", minimum=1)
    return project_reports.completion_notice(ctx.database(), ctx.actor(), project, out, **_notice_args(ctx))


def print_funds(ctx: CliContext, out: str) -> Printed:
    return project_reports.funds_notice(ctx.database(), ctx.actor(), _year(ctx), out, **_notice_args(ctx))


def print_projects(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    return project_reports.projects_ledger(
        ctx.database(), ctx.actor(), out, year=_year(ctx), village=args.village, xlsx=bool(args.xlsx)
    )


def print_disbursements(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    project = count(args.project, "项目编号", minimum=1) if args.project else None
    return project_reports.disbursements_ledger(
        ctx.database(), ctx.actor(), out, year=_year(ctx), village=args.village, project=project,
        xlsx=bool(args.xlsx),
    )  # fmt: skip


def print_balances(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    return project_reports.balances_ledger(
        ctx.database(), ctx.actor(), out, year=_year(ctx), village=args.village, xlsx=bool(args.xlsx)
    )


def print_card(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    project = count(args.project, "项目编号", minimum=1) if args.project else None
    return project_reports.project_card(
        ctx.database(), ctx.actor(), out, project=project, year=_year(ctx), village=args.village
    )


def _notice(cli: Commands, subject: str, func, helptext: str):
    p = cli.print_kind("notice", subject, func, helptext)
    p.add_argument(
        "--board",
        default="township" if subject != "project-completion" else "village",
        choices=tuple(BOARDS),
        help="张贴在哪里：village 村公示栏（须写 --village）、township 乡镇公示栏",
    )
    p.add_argument("--village", help="村名（村公示栏；竣工公告默认项目所在村）")
    p.add_argument("--start", help="公示开始日期，如 2026-03-02（默认今天）")
    p.add_argument("--days", help="公示天数（默认按设置，10天）")
    p.add_argument("--issuer", help="落款单位（默认乡镇人民政府）")
    p.add_argument("--phone", help="监督举报电话（默认按设置，12317）")
    return p


def register(cli: Commands) -> None:
    p = _notice(cli, "project-listing", print_listing, "项目入库公示（打印即登记张贴）")
    p.add_argument("--year", help="年度（默认今年）")
    p.add_argument(
        "--project", action="append", help="只公示这些项目（项目编号，可重复；默认储备和入库的项目）"
    )
    p = _notice(cli, "project-plan", print_plan, "年度项目计划公告（打印即登记张贴）")
    p.add_argument("--year", help="年度（默认今年）")
    p = _notice(cli, "project-completion", print_completion, "项目竣工公告（打印即登记张贴）")
    p.add_argument("--project", required=True, help="项目编号")
    p = _notice(cli, "project-funds", print_funds, "项目资金使用情况公告（打印即登记张贴）")
    p.add_argument("--year", help="年度（默认今年）")
    p = cli.print_kind("ledger", "projects", print_projects, "项目库台账", xlsx=True)
    p.add_argument("--year", help="年度（默认今年）")
    p.add_argument("--village", help="只印在某村建设或惠及某村的项目")
    p = cli.print_kind("ledger", "disbursements", print_disbursements, "项目资金拨付台账", xlsx=True)
    p.add_argument("--year", help="年度（默认今年）")
    p.add_argument("--village", help="只印在某村建设或惠及某村的项目")
    p.add_argument("--project", help="只印一个项目（项目编号）")
    p = cli.print_kind(
        "ledger", "project-balances", print_balances, "项目资金结转结余表（按资金来源）", xlsx=True
    )
    p.add_argument("--year", help="年度（默认今年）")
    p.add_argument("--village", help="只算在某村建设或惠及某村的项目")
    p = cli.print_kind(
        "project-card", None, print_card, "项目档案卡（一个项目，或一年的全部项目）", single=True
    )
    p.add_argument("--project", help="项目编号（不写则印该年度全部项目，每个项目另起一页）")
    p.add_argument("--year", help="年度（默认今年）")
    p.add_argument("--village", help="只印在某村建设或惠及某村的项目")
