"""Command line for 孝善基金: the fund, supporters, pledges, contributions, payouts, and its prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import clock
from desktop.cli_common import emit as _emit
from desktop.cli_common import fen as _fen
from desktop.cli_common import need as _need

if TYPE_CHECKING:
    from desktop.cli import CliContext


def cmd_fund(ctx: CliContext) -> int:
    """fund create|status|elders|rules|supporter|pledge|contribute|donate|preview|pay|arrears|reverse|finding"""
    from dataclasses import asdict

    from desktop.services.fund import fund

    args = ctx.args
    db = ctx.database()
    what = args.what
    if what == "rules" and not _rule_changes(args):
        # no change asked for: show the rules, write nothing
        r = fund.rules(db, ctx.actor(), _need(args.village, "需要 --village 村"))
        _emit(args, asdict(r), r.describe())
        return 0
    if what in ("status", "elders", "arrears", "preview"):
        village = _need(args.village, "需要 --village 村")
        actor = ctx.actor()
        if what == "status":
            st = fund.status(db, actor, village)
            text = (
                f"{st.name}：余额{st.balance_fen / 100:.2f}元，老人{st.elders}人，赡养人{st.supporters}人，"
                f"欠缴{st.in_arrears}人；本月收入{st.month_in_fen / 100:.2f}元，支出{st.month_out_fen / 100:.2f}元"
            )
            if not st.match_confirmed:
                text += (
                    "\n补贴规则是软件默认值，待确认（fund rules --village 村 --confirm）；确认前不能登记缴纳"
                )
            _emit(args, asdict(st), text)
        elif what == "elders":
            found = fund.elders(db, actor, village)
            _emit(
                args,
                {"elders": [asdict(e) for e in found]},
                "\n".join(
                    f"{e.name} {e.age}岁 户{e.household} 赡养人{e.supporters}"
                    + ("" if e.registered else "（非建档立卡户，本村放宽纳入）")
                    for e in found
                )
                or "没有符合条件的老人",
            )
        elif what == "arrears":
            found = fund.arrears(db, actor, village, upto=args.month)
            _emit(
                args,
                {"arrears": [asdict(a) for a in found]},
                "\n".join(
                    f"{a.supporter}（赡养{a.elder}）欠{len(a.months)}个月 {a.amount_fen / 100:.2f}元"
                    for a in found
                )
                or "无欠缴",
            )
        else:
            lines, balance = fund.payout_preview(db, actor, village, _need(args.month, "需要 --month 月份"))
            total = sum(x.amount_fen for x in lines)
            _emit(
                args,
                {"lines": [asdict(x) for x in lines], "total_fen": total, "balance_fen": balance},
                "\n".join(f"{x.elder} {x.amount_fen / 100:.2f}元" for x in lines)
                + f"\n合计{total / 100:.2f}元，基金余额{balance / 100:.2f}元",
            )
        return 0
    return _fund_write(ctx, what)


def _rule_changes(args) -> bool:
    return any(
        value is not None
        for value in (
            args.set_elder_age,
            args.set_match_percent,
            args.set_match_cap,
            args.set_payout_day,
            args.set_scope,
        )
    ) or bool(args.confirm)


def _fund_write(ctx: CliContext, what: str) -> int:
    """The fund commands that change something (they act as a user)."""
    from dataclasses import asdict

    from desktop.services.fund import fund

    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    if what == "create":
        village = _need(args.village, "需要 --village 村")
        fid = fund.create_fund(
            db,
            actor,
            village,
            elder_age=args.elder_age,
            match_percent=args.match_percent,
            match_cap_fen=_fen(args.match_cap, "每月补贴上限") if args.match_cap else None,
            all_households=args.scope == "all",
        )
        _emit(args, {"fund": fid}, f"已设立孝善基金 #{fid}\n" + fund.rules(db, actor, village).describe())
    elif what == "supporter":
        sid = fund.add_supporter(
            db,
            actor,
            _need(args.village, "需要 --village 村"),
            _need(args.elder, "需要 --elder 老人的人编号"),
            _need(args.name, "需要 --name 赡养人姓名"),
            id_number=args.id_number or "",
            phone=args.phone or "",
            relation=args.relation,
        )
        _emit(args, {"supporter": sid}, f"已登记赡养人 #{sid}")
    elif what == "pledge":
        pid = fund.pledge(
            db,
            actor,
            _need(args.supporter, "需要 --supporter 赡养人编号"),
            _fen(_need(args.amount, "需要 --amount 每月金额"), "每月赡养金额"),
            _need(args.month, "需要 --month 起始月份"),
        )
        _emit(args, {"pledge": pid}, f"已登记赡养承诺 #{pid}")
    elif what == "contribute":
        months = [m for m in (_need(args.months, "需要 --months 2026-10,2026-11")).split(",") if m.strip()]
        result = fund.contribute(
            db,
            actor,
            _need(args.supporter, "需要 --supporter 赡养人编号"),
            months,
            _fen(_need(args.amount, "需要 --amount 金额"), "缴纳金额"),
            method=args.method,
            receipt_no=args.receipt or "",
        )
        _emit(
            args,
            asdict(result),
            f"已记入：缴纳{result.amount_fen / 100:.2f}元，基金补贴{result.match_fen / 100:.2f}元，"
            f"基金余额{result.balance_fen / 100:.2f}元",
        )
    elif what == "donate":
        balance = fund.donate(
            db,
            actor,
            _need(args.village, "需要 --village 村"),
            _need(args.donor, "需要 --donor 捐赠人"),
            _fen(_need(args.amount, "需要 --amount 金额"), "捐赠金额"),
            reason=args.reason or "",
        )
        _emit(args, {"balance_fen": balance}, f"已记入捐赠，基金余额{balance / 100:.2f}元")
    elif what == "board":
        mid = fund.add_board_member(
            db,
            actor,
            _need(args.village, "需要 --village 村"),
            _need(args.name, "需要 --name 姓名"),
            _need(args.role, "需要 --role 职务"),
            phone=args.phone or "",
        )
        _emit(args, {"board_member": mid}, f"已登记理事会成员 #{mid}")
    elif what == "rules":
        village = _need(args.village, "需要 --village 村")
        changed = fund.set_rules(
            db,
            actor,
            village,
            elder_age=args.set_elder_age,
            match_percent=args.set_match_percent,
            match_cap_fen=_fen(args.set_match_cap, "每月补贴上限") if args.set_match_cap else None,
            payout_day=args.set_payout_day,
            all_households=None if args.set_scope is None else args.set_scope == "all",
            confirm=bool(args.confirm),
        )
        shown = fund.rules(db, actor, village)
        head = "已更新基金规则" if changed else "基金规则未改动"
        _emit(
            args,
            {"village": village, "changed": changed, "rules": asdict(shown)},
            f"{head}\n{shown.describe()}",
        )
    elif what == "finding":
        from datetime import date as _date

        fid = fund.record_finding(
            db,
            actor,
            _need(args.village, "需要 --village 村"),
            _need(args.elder, "需要 --elder 老人的人编号"),
            _need(args.finding, "需要 --finding 认定结果"),
            found_on=_date.fromisoformat(args.date) if args.date else None,
            found_by=args.by or "",
            note=args.reason or "",
        )
        _emit(args, {"finding": fid}, f"已登记子女赡养能力认定 #{fid}")
    elif what == "scan":
        from desktop.services.system.attachments import read_file

        _name, data = read_file(_need(args.file, "需要 --file 扫描件"), "扫描件")
        fund.archive_pledge_scan(db, actor, _need(args.supporter, "需要 --supporter 赡养人编号"), data)
        _emit(args, {"supporter": args.supporter}, "已归档赡养承诺书扫描件")
    elif what == "pay":
        lines = fund.pay(
            db,
            actor,
            _need(args.village, "需要 --village 村"),
            _need(args.month, "需要 --month 月份"),
            method=args.method,
        )
        total = sum(x.amount_fen for x in lines)
        _emit(
            args, {"paid": len(lines), "total_fen": total}, f"已发放{len(lines)}位老人，共{total / 100:.2f}元"
        )
    else:  # reverse
        balance = fund.reverse(db, actor, _need(args.entry, "需要 --entry 流水号"), args.reason or "")
        _emit(args, {"balance_fen": balance}, f"已冲正，基金余额{balance / 100:.2f}元")
    return 0


def print_fund(kind: str):
    def run(db, actor, args, out, start):
        from desktop.services.fund import fund_reports
        from desktop.services.households import printing

        if kind == "pledge":
            info = fund_reports.pledge_document(
                db, actor, _need(args.supporter, "需要 --supporter 赡养人编号"), out
            )
            return printing.Printed(str(out), info.pages, info.fonts)
        village = _need(args.village, "需要 --village 村")
        if kind in ("ledger", "elders"):
            make = fund_reports.elder_ledger if kind == "elders" else fund_reports.fund_ledger
            extra = {} if kind == "elders" else {"month": args.month}
            info = make(db, actor, village, out, xlsx=bool(args.xlsx), **extra)
            return (
                printing.Printed(str(out), 0, [])
                if args.xlsx
                else printing.Printed(str(out), info.pages, info.fonts)
            )
        if kind == "sheet":
            info = fund_reports.payout_sheet(db, actor, village, _need(args.month, "需要 --month 月份"), out)
        elif kind == "notice":
            info = fund_reports.fund_notice(
                db,
                actor,
                village,
                _need(args.month, "需要 --month 月份"),
                out,
                days=args.days,
                phone=args.phone,
            )
        else:
            year = int(args.year or (start.year if start else clock.today().year))
            if kind == "certificates":
                pages = fund_reports.honour_certificates(
                    db, actor, village, year, out, issuer=args.issuer or ""
                )
                return printing.Printed(str(out), pages, [])
            info = fund_reports.honour_roll(db, actor, village, year, out)
        return printing.Printed(str(out), info.pages, info.fonts)

    return run


def register(sub, add, common) -> None:
    p = add("fund", cmd_fund, help="孝善基金")
    p.add_argument(
        "what",
        choices=(
            "create",
            "status",
            "elders",
            "supporter",
            "pledge",
            "contribute",
            "donate",
            "preview",
            "pay",
            "arrears",
            "reverse",
            "board",
            "rules",
            "scan",
            "finding",
        ),
    )
    p.add_argument("--village")
    p.add_argument("--elder", help="老人的人编号")
    p.add_argument("--name")
    p.add_argument("--id-number")
    p.add_argument("--phone")
    p.add_argument("--relation", default="子女")
    p.add_argument("--supporter", type=int)
    p.add_argument("--amount", help="金额（元）")
    p.add_argument("--months", help="缴纳月份，逗号分隔，如 2026-10,2026-11")
    p.add_argument("--month", help="月份，如 2026-11")
    p.add_argument("--method", default="现金")
    p.add_argument("--receipt")
    p.add_argument("--donor")
    p.add_argument("--reason")
    p.add_argument("--entry", type=int)
    p.add_argument("--elder-age", type=int, default=60)
    # no defaults here: a fund set up without them takes the office's default, to be confirmed
    p.add_argument("--match-percent", type=int, help="基金补贴比例（%%）；不填则用默认值，须另行确认")
    p.add_argument("--match-cap", help="每位老人每月补贴上限（元）；不填则用默认值，须另行确认")
    p.add_argument(
        "--scope",
        choices=("registered", "all"),
        default="registered",
        help="老人范围：建档立卡户（默认）或全村",
    )
    p.add_argument("--role", help="理事会职务：会长、副会长、会计、出纳、监督、理事")
    p.add_argument("--file", help="扫描件（PDF/JPG/PNG）")
    p.add_argument("--set-elder-age", type=int)
    p.add_argument("--set-match-percent", type=int)
    p.add_argument("--set-match-cap", help="每位老人每月补贴上限（元）")
    p.add_argument("--set-payout-day", type=int)
    p.add_argument("--set-scope", choices=("registered", "all"), help="老人范围：建档立卡户或全村农户")
    p.add_argument("--confirm", action="store_true", help="确认补贴规则（默认值）")
    p.add_argument("--finding", help="子女赡养能力认定：有赡养能力、部分有赡养能力、无赡养能力、无子女")
    p.add_argument("--date", help="认定日期，如 2026-11-02（默认今天）")
    p.add_argument("--by", help="认定人（村级责任组）")
