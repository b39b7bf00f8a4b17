"""Command line for 孝善基金 (`fund …`): the fund, supporters, pledges, contributions, payouts, and its prints."""

from __future__ import annotations

from dataclasses import asdict

from desktop import clock
from desktop.cli.common import CliContext, Commands, day, emit, fen
from desktop.services.documents import Printed
from desktop.services.fund import fund, fund_reports
from desktop.services.system.attachments import read_file

# --- reads --------------------------------------------------------------------------------------------


def cmd_status(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    st = fund.status(db, ctx.actor(), args.village)
    text = (
        f"{st.name}：余额{st.balance_fen / 100:.2f}元，老人{st.elders}人，赡养人{st.supporters}人，"
        f"欠缴{st.in_arrears}人；本月收入{st.month_in_fen / 100:.2f}元，支出{st.month_out_fen / 100:.2f}元"
    )
    if not st.match_confirmed:
        text += "\n补贴规则是软件默认值，待确认（fund rules --village 村 --confirm）；确认前不能登记缴纳"
    emit(args, asdict(st), text)
    return 0


def cmd_elders(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    found = fund.elders(db, ctx.actor(), args.village)
    emit(
        args,
        {"elders": [asdict(e) for e in found]},
        "\n".join(
            f"{e.name} {e.age}岁 户{e.household} 赡养人{e.supporters}"
            + ("" if e.registered else "（非建档立卡户，本村放宽纳入）")
            for e in found
        )
        or "没有符合条件的老人",
    )
    return 0


def cmd_arrears(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    found = fund.arrears(db, ctx.actor(), args.village, upto=args.month)
    emit(
        args,
        {"arrears": [asdict(a) for a in found]},
        "\n".join(
            f"{a.supporter}（赡养{a.elder}）欠{len(a.months)}个月 {a.amount_fen / 100:.2f}元" for a in found
        )
        or "无欠缴",
    )
    return 0


def cmd_preview(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    lines, balance = fund.payout_preview(db, ctx.actor(), args.village, args.month)
    total = sum(x.amount_fen for x in lines)
    emit(
        args,
        {"lines": [asdict(x) for x in lines], "total_fen": total, "balance_fen": balance},
        "\n".join(f"{x.elder} {x.amount_fen / 100:.2f}元" for x in lines)
        + f"\n合计{total / 100:.2f}元，基金余额{balance / 100:.2f}元",
    )
    return 0


def cmd_rules(ctx: CliContext) -> int:
    """Without a --set-… or --confirm: shows the rules and writes nothing."""
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    wanted = (
        args.set_elder_age,
        args.set_match_percent,
        args.set_match_cap,
        args.set_payout_day,
        args.set_scope,
    )
    if all(value is None for value in wanted) and not args.confirm:
        r = fund.rules(db, actor, args.village)
        emit(args, asdict(r), r.describe())
        return 0
    changed = fund.set_rules(
        db,
        actor,
        args.village,
        elder_age=args.set_elder_age,
        match_percent=args.set_match_percent,
        match_cap_fen=fen(args.set_match_cap, "每月补贴上限") if args.set_match_cap else None,
        payout_day=args.set_payout_day,
        all_households=None if args.set_scope is None else args.set_scope == "all",
        confirm=bool(args.confirm),
    )
    shown = fund.rules(db, actor, args.village)
    head = "已更新基金规则" if changed else "基金规则未改动"
    emit(
        args,
        {"village": args.village, "changed": changed, "rules": asdict(shown)},
        f"{head}\n{shown.describe()}",
    )
    return 0


# --- writes -------------------------------------------------------------------------------------------


def cmd_create(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    fid = fund.create_fund(
        db,
        actor,
        args.village,
        elder_age=args.elder_age,
        match_percent=args.match_percent,
        match_cap_fen=fen(args.match_cap, "每月补贴上限") if args.match_cap else None,
        all_households=args.scope == "all",
    )
    emit(args, {"fund": fid}, f"已设立孝善基金 #{fid}\n" + fund.rules(db, actor, args.village).describe())
    return 0


def cmd_supporter(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    sid = fund.add_supporter(
        db,
        ctx.actor(),
        args.village,
        args.elder,
        args.name,
        id_number=args.id_number or "",
        phone=args.phone or "",
        relation=args.relation,
    )
    emit(args, {"supporter": sid}, f"已登记赡养人 #{sid}")
    return 0


def cmd_pledge(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    pid = fund.pledge(db, ctx.actor(), args.supporter, fen(args.amount, "每月赡养金额"), args.month)
    emit(args, {"pledge": pid}, f"已登记赡养承诺 #{pid}")
    return 0


def cmd_contribute(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    months = [m for m in args.months.split(",") if m.strip()]
    result = fund.contribute(
        db,
        ctx.actor(),
        args.supporter,
        months,
        fen(args.amount, "缴纳金额"),
        method=args.method,
        receipt_no=args.receipt or "",
    )
    emit(
        args,
        asdict(result),
        f"已记入：缴纳{result.amount_fen / 100:.2f}元，基金补贴{result.match_fen / 100:.2f}元，"
        f"基金余额{result.balance_fen / 100:.2f}元",
    )
    return 0


def cmd_donate(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    balance = fund.donate(
        db, ctx.actor(), args.village, args.donor, fen(args.amount, "捐赠金额"), reason=args.reason or ""
    )
    emit(args, {"balance_fen": balance}, f"已记入捐赠，基金余额{balance / 100:.2f}元")
    return 0


def cmd_board(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    mid = fund.add_board_member(db, ctx.actor(), args.village, args.name, args.role, phone=args.phone or "")
    emit(args, {"board_member": mid}, f"已登记理事会成员 #{mid}")
    return 0


def cmd_finding(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    fid = fund.record_finding(
        db,
        ctx.actor(),
        args.village,
        args.elder,
        args.finding,
        found_on=day(args.date),
        found_by=args.by or "",
        note=args.reason or "",
    )
    emit(args, {"finding": fid}, f"已登记子女赡养能力认定 #{fid}")
    return 0


def cmd_scan(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    _name, data = read_file(args.file, "扫描件")
    fund.archive_pledge_scan(db, actor, args.supporter, data)
    emit(args, {"supporter": args.supporter}, "已归档赡养承诺书扫描件")
    return 0


def cmd_pay(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    lines = fund.pay(db, ctx.actor(), args.village, args.month, method=args.method)
    total = sum(x.amount_fen for x in lines)
    emit(args, {"paid": len(lines), "total_fen": total}, f"已发放{len(lines)}位老人，共{total / 100:.2f}元")
    return 0


def cmd_reverse(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    balance = fund.reverse(db, ctx.actor(), args.entry, args.reason or "")
    emit(args, {"balance_fen": balance}, f"已冲正，基金余额{balance / 100:.2f}元")
    return 0


# --- prints -------------------------------------------------------------------------------------------


def _printed(out: str, info, *, xlsx: bool = False) -> Printed:
    return Printed(str(out), 0, []) if xlsx else Printed(str(out), info.pages, info.fonts)


def print_ledger(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    xlsx = bool(args.xlsx)
    info = fund_reports.fund_ledger(
        ctx.database(), ctx.actor(), args.village, out, xlsx=xlsx, month=args.month
    )
    return _printed(out, info, xlsx=xlsx)


def print_elders(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    xlsx = bool(args.xlsx)
    info = fund_reports.elder_ledger(ctx.database(), ctx.actor(), args.village, out, xlsx=xlsx)
    return _printed(out, info, xlsx=xlsx)


def print_sheet(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    return _printed(
        out, fund_reports.payout_sheet(ctx.database(), ctx.actor(), args.village, args.month, out)
    )


def print_notice(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    info = fund_reports.fund_notice(
        ctx.database(), ctx.actor(), args.village, args.month, out, days=args.days, phone=args.phone
    )
    return _printed(out, info)


def print_pledge(ctx: CliContext, out: str) -> Printed:
    return _printed(out, fund_reports.pledge_document(ctx.database(), ctx.actor(), ctx.args.supporter, out))


def _year(args) -> int:
    start = day(args.start)
    return int(args.year or (start.year if start else clock.today().year))


def print_honour_roll(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    return _printed(
        out, fund_reports.honour_roll(ctx.database(), ctx.actor(), args.village, _year(args), out)
    )


def print_certificates(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    pages = fund_reports.honour_certificates(
        ctx.database(), ctx.actor(), args.village, _year(args), out, issuer=args.issuer or ""
    )
    return Printed(str(out), pages, [])


# --- registration -------------------------------------------------------------------------------------


def _village(p) -> None:
    p.add_argument("--village", required=True, help="村名（重名的村写 乡镇/村）")


def _month(p, help: str = "月份，如 2026-11", *, required: bool = True) -> None:
    p.add_argument("--month", required=required, help=help)


def register(cli: Commands) -> None:
    verbs = cli.group("fund", "孝善基金：设立、赡养人、承诺、缴纳、捐赠、发放、冲正", dest="fund_verb")

    p = cli.command("create", cmd_create, "设立本村孝善基金", under=verbs)
    _village(p)
    p.add_argument("--elder-age", type=int, default=60, help="老人年龄下限（默认60岁）")
    # no defaults here: a fund set up without them takes the office's default, to be confirmed
    p.add_argument("--match-percent", type=int, help="基金补贴比例（%%）；不填则用默认值，须另行确认")
    p.add_argument("--match-cap", help="每位老人每月补贴上限（元）；不填则用默认值，须另行确认")
    p.add_argument(
        "--scope",
        choices=("registered", "all"),
        default="registered",
        help="老人范围：建档立卡户（默认）或全村",
    )

    p = cli.command("status", cmd_status, "基金余额、老人和赡养人人数、欠缴、本月收支", under=verbs)
    _village(p)
    p = cli.command("elders", cmd_elders, "符合条件的老人及其赡养人", under=verbs)
    _village(p)

    p = cli.command("supporter", cmd_supporter, "登记赡养人", under=verbs)
    _village(p)
    p.add_argument("--elder", required=True, help="老人的人编号")
    p.add_argument("--name", required=True, help="赡养人姓名")
    p.add_argument("--id-number", help="赡养人身份证号")
    p.add_argument("--phone", help="赡养人电话")
    p.add_argument("--relation", default="子女", help="与老人的关系（默认子女）")

    p = cli.command("pledge", cmd_pledge, "登记赡养承诺（每月金额）", under=verbs)
    p.add_argument("--supporter", type=int, required=True, help="赡养人编号")
    p.add_argument("--amount", required=True, help="每月赡养金额（元）")
    _month(p, "起始月份，如 2026-11")

    p = cli.command("contribute", cmd_contribute, "登记赡养人缴纳（基金按规则补贴）", under=verbs)
    p.add_argument("--supporter", type=int, required=True, help="赡养人编号")
    p.add_argument("--months", required=True, help="缴纳月份，逗号分隔，如 2026-10,2026-11")
    p.add_argument("--amount", required=True, help="缴纳金额（元）")
    p.add_argument("--method", default="现金", help="缴纳方式（默认现金）")
    p.add_argument("--receipt", help="收据号")

    p = cli.command("donate", cmd_donate, "登记社会捐赠", under=verbs)
    _village(p)
    p.add_argument("--donor", required=True, help="捐赠人")
    p.add_argument("--amount", required=True, help="捐赠金额（元）")
    p.add_argument("--reason", help="备注")

    p = cli.command("preview", cmd_preview, "预览某月发放名单和金额（不写入）", under=verbs)
    _village(p)
    _month(p)

    p = cli.command("pay", cmd_pay, "发放某月孝善金", under=verbs)
    _village(p)
    _month(p, "发放月份，如 2026-11")
    p.add_argument("--method", default="现金", help="发放方式（默认现金）")

    p = cli.command("arrears", cmd_arrears, "欠缴名单", under=verbs)
    _village(p)
    _month(p, "截至月份，如 2026-11（默认本月）", required=False)

    p = cli.command("reverse", cmd_reverse, "冲正一笔基金流水", under=verbs)
    p.add_argument("--entry", type=int, required=True, help="流水号")
    p.add_argument("--reason", help="冲正原因")

    p = cli.command("board", cmd_board, "登记理事会成员", under=verbs)
    _village(p)
    p.add_argument("--name", required=True, help="姓名")
    p.add_argument("--role", required=True, help="理事会职务：会长、副会长、会计、出纳、监督、理事")
    p.add_argument("--phone", help="电话")

    p = cli.command("rules", cmd_rules, "查看基金规则；用 --set-… 修改、--confirm 确认", under=verbs)
    _village(p)
    p.add_argument("--set-elder-age", type=int, help="新的老人年龄下限")
    p.add_argument("--set-match-percent", type=int, help="新的基金补贴比例（%%）")
    p.add_argument("--set-match-cap", help="新的每位老人每月补贴上限（元）")
    p.add_argument("--set-payout-day", type=int, help="每月发放日（几号）")
    p.add_argument("--set-scope", choices=("registered", "all"), help="老人范围：建档立卡户或全村农户")
    p.add_argument("--confirm", action="store_true", help="确认补贴规则（默认值）")

    p = cli.command("scan", cmd_scan, "归档赡养承诺书扫描件", under=verbs)
    p.add_argument("--supporter", type=int, required=True, help="赡养人编号")
    p.add_argument("--file", required=True, help="扫描件（PDF/JPG/PNG）")

    p = cli.command("finding", cmd_finding, "登记子女赡养能力认定", under=verbs)
    _village(p)
    p.add_argument("--elder", required=True, help="老人的人编号")
    p.add_argument(
        "--finding", required=True, help="子女赡养能力认定：有赡养能力、部分有赡养能力、无赡养能力、无子女"
    )
    p.add_argument("--date", help="认定日期，如 2026-11-02（默认今天）")
    p.add_argument("--by", help="认定人（村级责任组）")
    p.add_argument("--reason", help="备注")

    # print …
    p = cli.print_kind("ledger", "fund", print_ledger, "孝善基金台账（收支流水）", xlsx=True)
    _village(p)
    _month(p, "只印某月，如 2026-11", required=False)
    p = cli.print_kind("ledger", "elders", print_elders, "孝善基金老人台账", xlsx=True)
    _village(p)
    p = cli.print_kind("sheet", "fund", print_sheet, "孝善金发放表（签领）")
    _village(p)
    _month(p, "发放月份，如 2026-11")
    p = cli.print_kind("notice", "fund", print_notice, "孝善基金收支公示")
    _village(p)
    _month(p)
    p.add_argument("--days", type=int, help="公示天数（默认按设置）")
    p.add_argument("--phone", help="监督电话（默认按设置）")
    p = cli.print_kind("notice", "honour-roll", print_honour_roll, "孝善光荣榜")
    _village(p)
    p.add_argument("--year", help="年份（默认 --start 的年份或今年）")
    p.add_argument("--start", help="日期，如 2026-11-25（默认今天；不给 --year 时取其年份）")
    p = cli.print_kind("pledge", None, print_pledge, "赡养承诺书")
    p.add_argument("--supporter", type=int, required=True, help="赡养人编号")
    p = cli.print_kind("honour", "fund", print_certificates, "孝善之星荣誉证书（按年度）")
    _village(p)
    p.add_argument("--year", help="年份（默认 --start 的年份或今年）")
    p.add_argument("--start", help="日期，如 2026-11-25（默认今天；不给 --year 时取其年份）")
    p.add_argument("--issuer", help="落款单位")
