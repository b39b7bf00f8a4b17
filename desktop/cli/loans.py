"""Command line for 扶贫小额信贷 (`loans …`) and its prints (`print ledger loans|loans-due|loans-overdue|
loans-subsidy`)."""

from __future__ import annotations

from desktop import clock, money
from desktop.cli.common import CliContext, Commands, day, emit, fen, fen_or_zero, need, number
from desktop.models.loans import CREDIT_GRADES, EXTENSION_KINDS, USES
from desktop.services.documents import Printed
from desktop.services.loans import loan_import, loan_reports, loans


def _id(args) -> int:
    return number(args.id, "贷款编号")


def _line(x: loans.LoanInfo) -> str:
    late = f"，逾期{x.overdue_days}天" if x.overdue else ""
    special = "，特批" if x.override_by else ""
    return (
        f"第{x.id}号 {x.village} {x.household} {x.borrower} {x.bank} {x.contract_no} "
        f"{money.yuan(x.amount_fen)}元（余额{money.yuan(x.outstanding_fen)}元，{x.use_text}，"
        f"{clock.cn_date(x.start_on)}至{clock.cn_date(x.due_on)}，{x.state}{late}{special}）"
    )


def cmd_add(ctx: CliContext) -> int:
    args = ctx.args
    app = loans.Application(
        household=args.household,
        borrower=args.borrower,
        bank=args.bank,
        contract_no=args.contract,
        amount_fen=fen(args.amount, "贷款金额"),
        start_on=need(day(args.start), "请给出放款日期 --start"),
        due_on=need(day(args.due), "请给出到期日期 --due"),
        rate_bp=loans.parse_rate(args.rate, "年利率"),
        subsidy_rate_bp=loans.parse_rate(args.subsidy_rate, "贴息利率") if args.subsidy_rate else 0,
        subsidy_payer=args.subsidy_payer or "",
        use=args.use,
        enterprise=args.enterprise or "",
        guarantee=args.guarantee or "",
        credit_grade=args.credit,
        note=args.note or "",
    )
    lid = loans.add(ctx.database(), ctx.actor(), app, override_reason=args.override or "")
    info = loans.detail(ctx.database(), ctx.actor(), lid).info
    said = f"（特批：{info.override_refusals}）" if info.override_by else ""
    emit(args, info.as_json(), f"已登记贷款第{lid}号{said}")
    return 0


def cmd_check(ctx: CliContext) -> int:
    args = ctx.args
    app = loans.Application(
        household=args.household,
        borrower=args.borrower,
        bank="资格审查",
        contract_no="-",
        amount_fen=fen(args.amount, "贷款金额"),
        start_on=need(day(args.start), "请给出放款日期 --start"),
        due_on=need(day(args.due), "请给出到期日期 --due"),
        rate_bp=0,
        credit_grade=args.credit,
    )
    refused = loans.check(ctx.database(), ctx.actor(), app)
    emit(args, {"eligible": not refused, "refusals": refused}, "；".join(refused) or "符合贷款条件")
    return 0


def cmd_repay(ctx: CliContext) -> int:
    args = ctx.args
    lid = _id(args)
    eid = loans.repay(
        ctx.database(),
        ctx.actor(),
        lid,
        principal_fen=fen_or_zero(args.principal, "还本金额"),
        interest_fen=fen_or_zero(args.interest, "还息金额"),
        on=day(args.date),
        note=args.note or "",
    )
    return _after(ctx, lid, eid, "已登记还款")


def cmd_subsidy(ctx: CliContext) -> int:
    args = ctx.args
    lid = _id(args)
    eid = loans.pay_subsidy(
        ctx.database(),
        ctx.actor(),
        lid,
        quarter=args.quarter,
        amount_fen=fen(args.amount, "贴息金额"),
        payer=args.payer or "",
        on=day(args.date),
        note=args.note or "",
    )
    return _after(ctx, lid, eid, f"已登记{args.quarter}贴息")


def cmd_reverse(ctx: CliContext) -> int:
    args = ctx.args
    eid = loans.reverse(ctx.database(), ctx.actor(), number(args.entry, "流水号"), args.reason or "")
    emit(args, {"entry": eid, "reverses": int(args.entry)}, f"已冲正流水{args.entry}（冲正流水{eid}）")
    return 0


def cmd_extend(ctx: CliContext) -> int:
    args = ctx.args
    lid = _id(args)
    xid = loans.extend(
        ctx.database(),
        ctx.actor(),
        lid,
        new_due_on=need(day(args.new_due), "请给出新的到期日期 --new-due"),
        approved_by=args.approved_by,
        approved_on=need(day(args.approved_on), "请给出审批日期 --approved-on"),
        document_no=args.document,
        kind=args.kind,
        note=args.note or "",
    )
    return _after(ctx, lid, xid, f"已登记{args.kind}")


def _after(ctx: CliContext, lid: int, eid: int, said: str) -> int:
    info = loans.detail(ctx.database(), ctx.actor(), lid).info
    emit(ctx.args, {"id": lid, "entry": eid, "state": info.state, "outstanding_fen": info.outstanding_fen},
         f"{said}：贷款第{lid}号，余额{money.yuan(info.outstanding_fen)}元，{info.state}")  # fmt: skip
    return 0


def _listing(ctx: CliContext, found: list[loans.LoanInfo], foot: str) -> int:
    total = sum(x.outstanding_fen for x in found)
    lines = [_line(x) for x in found] + [f"共{len(found)}笔，余额{money.yuan(total)}元{foot}"]
    emit(ctx.args, {"loans": [x.as_json() for x in found], "count": len(found), "outstanding_fen": total},
         "\n".join(lines))  # fmt: skip
    return 0


def cmd_list(ctx: CliContext) -> int:
    args = ctx.args
    found = loans.loans(ctx.database(), ctx.actor(), village=args.village, bank=args.bank, state=args.state)
    return _listing(ctx, found, "")


def cmd_due(ctx: CliContext) -> int:
    args = ctx.args
    found = loans.due_soon(ctx.database(), ctx.actor(), int(args.days), village=args.village)
    return _listing(ctx, found, f"，{args.days}天内到期")


def cmd_overdue(ctx: CliContext) -> int:
    args = ctx.args
    db, actor = ctx.database(), ctx.actor()
    found = loans.overdue_loans(db, actor, village=args.village, bank=args.bank)
    by_village, alert = loans.rates(db, actor, "village")
    by_bank, _alert = loans.rates(db, actor, "bank")
    lines = [_line(x) for x in found]
    for said, rows in (("按村", by_village), ("按银行", by_bank)):
        lines.append(
            f"逾期率{said}："
            + "；".join(f"{r.group} {r.rate_text}{'（超警戒线）' if r.flagged else ''}" for r in rows)
        )
    lines.append(loans.RATE_DEFINITION)
    data = {
        "loans": [x.as_json() for x in found],
        "count": len(found),
        "by_village": [r.as_json() for r in by_village],
        "by_bank": [r.as_json() for r in by_bank],
        "alert_bp": alert,
        "definition": loans.RATE_DEFINITION,
    }
    emit(args, data, "\n".join(lines))
    return 0


def cmd_show(ctx: CliContext) -> int:
    args = ctx.args
    d = loans.detail(ctx.database(), ctx.actor(), _id(args))
    x = d.info
    lines = [_line(x), f"借款人证件：{x.borrower_id}；年利率{loans.rate_text(x.rate_bp)}；贴息"
             f"{loans.rate_text(x.subsidy_rate_bp)}（{x.subsidy_payer or '无'}）；担保：{x.guarantee or '无'}"]  # fmt: skip
    if x.override_by:
        lines.append(
            f"特批登记：{x.override_by}，理由：{x.override_reason}；未通过的条件：{x.override_refusals}"
        )
    for e in d.entries:
        parts = [f"本金{money.yuan(e.principal_fen)}" if e.principal_fen else "",
                 f"利息{money.yuan(e.interest_fen)}" if e.interest_fen else "",
                 f"贴息{money.yuan(e.subsidy_fen)}（{e.quarter}）" if e.subsidy_fen else ""]  # fmt: skip
        extra = (
            f"，冲正第{e.reverses_id}笔"
            if e.reverses_id
            else (f"，已被第{e.reversed_by}笔冲正" if e.reversed_by else "")
        )
        lines.append(
            f"流水{e.id} {e.paid_on} {e.kind_name} {' '.join(p for p in parts if p)}{extra} {e.note}"
        )
    for t in d.extensions:
        lines.append(
            f"{t.kind}：{t.old_due_on}→{t.new_due_on}，{t.approved_by}于{t.approved_on}批准（{t.document_no}）"
        )
    emit(args, d.as_json(), "\n".join(lines))
    return 0


def cmd_subsidies(ctx: CliContext) -> int:
    args = ctx.args
    rows = loans.subsidies(ctx.database(), ctx.actor(), args.quarter, village=args.village, bank=args.bank)
    lines = [f"第{r.loan.id}号 {r.loan.village} {r.loan.borrower} {r.days}天 应贴息{money.yuan(r.due_fen)} "
             f"已贴息{money.yuan(r.paid_fen)}" for r in rows]  # fmt: skip
    due, paid = sum(r.due_fen for r in rows), sum(r.paid_fen for r in rows)
    lines.append(f"{args.quarter}：{len(rows)}笔，应贴息{money.yuan(due)}元，已贴息{money.yuan(paid)}元")
    data = {
        "quarter": args.quarter,
        "rows": [
            {"loan": r.loan.id, "days": r.days, "due_fen": r.due_fen, "paid_fen": r.paid_fen} for r in rows
        ],
        "due_fen": due,
        "paid_fen": paid,
    }
    emit(args, data, "\n".join(lines))
    return 0


def cmd_import(ctx: CliContext) -> int:
    args = ctx.args
    result = loan_import.import_loans(ctx.database(), ctx.actor(), args.file, bank=args.bank or "")
    emit(args, result.as_dict(),
         f"放款清单{result.rows}行：新增{result.added}笔，已登记未变{result.unchanged}笔")  # fmt: skip
    return 0


def print_loans(ctx: CliContext, out: str) -> Printed:
    a = ctx.args
    return loan_reports.loan_ledger(ctx.database(), ctx.actor(), out, village=a.village, bank=a.bank,
                                    state=a.state, xlsx=bool(a.xlsx))  # fmt: skip


def print_due(ctx: CliContext, out: str) -> Printed:
    a = ctx.args
    return loan_reports.due_ledger(ctx.database(), ctx.actor(), out, days=int(a.days), village=a.village,
                                   xlsx=bool(a.xlsx))  # fmt: skip


def print_overdue(ctx: CliContext, out: str) -> Printed:
    a = ctx.args
    return loan_reports.overdue_ledger(ctx.database(), ctx.actor(), out, village=a.village, bank=a.bank,
                                       xlsx=bool(a.xlsx))  # fmt: skip


def print_subsidy(ctx: CliContext, out: str) -> Printed:
    a = ctx.args
    return loan_reports.subsidy_ledger(ctx.database(), ctx.actor(), out, quarter=a.quarter, village=a.village,
                                       bank=a.bank, xlsx=bool(a.xlsx))  # fmt: skip


# --- registration -------------------------------------------------------------------------------------

STATE_HELP = "状态：" + "、".join(loans.STATES)
DAYS = tuple(str(d) for d in loans.DUE_WINDOWS)


def _one(cli: Commands, verbs, name: str, func, help: str):
    p = cli.command(name, func, help, under=verbs)
    p.add_argument("id", help="贷款编号")
    return p


def register(cli: Commands) -> None:
    verbs = cli.group("loans", "扶贫小额信贷：登记、还款、贴息、展期、到期和逾期", dest="loans_verb")
    p = cli.command("add", cmd_add, "登记一笔贷款（先做资格审查）", under=verbs)
    p.add_argument("--household", required=True, help="户编号")
    p.add_argument("--borrower", required=True, help="借款人证件号码（或户内唯一的姓名）")
    p.add_argument("--bank", required=True, help="贷款银行")
    p.add_argument("--contract", required=True, help="合同编号")
    p.add_argument("--amount", required=True, help="贷款金额（元）")
    p.add_argument("--start", required=True, help="放款日期，如 2026-03-01")
    p.add_argument("--due", required=True, help="到期日期，如 2029-03-01")
    p.add_argument("--rate", required=True, help="年利率（%%），如 4.35")
    p.add_argument("--subsidy-rate", help="贴息年利率（%%），如 4.35")
    p.add_argument("--subsidy-payer", help="贴息资金来源，如 县财政")
    p.add_argument("--use", default=USES[0], choices=USES, help="使用方式：户贷户用（默认）或户贷企用")
    p.add_argument("--enterprise", help="户贷企用的企业（合作社）名称")
    p.add_argument("--guarantee", help="担保方式，如 风险补偿金")
    p.add_argument("--credit", default="良好", choices=CREDIT_GRADES, help="信用等级（默认良好）")
    p.add_argument("--note", help="备注（用途等）")
    p.add_argument("--override", help="特批理由：不符合条件时由管理员特批登记")
    p = cli.command("check", cmd_check, "贷款资格审查（不登记）", under=verbs)
    p.add_argument("--household", required=True, help="户编号")
    p.add_argument("--borrower", required=True, help="借款人证件号码（或姓名）")
    p.add_argument("--amount", required=True, help="贷款金额（元）")
    p.add_argument("--start", required=True, help="放款日期")
    p.add_argument("--due", required=True, help="到期日期")
    p.add_argument("--credit", default="良好", choices=CREDIT_GRADES, help="信用等级")
    p = _one(cli, verbs, "repay", cmd_repay, "登记还款（本金、利息）")
    p.add_argument("--principal", help="还本金额（元）")
    p.add_argument("--interest", help="还息金额（元）")
    p.add_argument("--date", help="还款日期（默认今天）")
    p.add_argument("--note", help="备注")
    p = _one(cli, verbs, "subsidy", cmd_subsidy, "登记一个季度的贴息")
    p.add_argument("--quarter", required=True, help="季度，如 2026Q3")
    p.add_argument("--amount", required=True, help="贴息金额（元）")
    p.add_argument("--payer", help="贴息资金来源（默认贷款登记的来源）")
    p.add_argument("--date", help="贴息日期（默认今天）")
    p.add_argument("--note", help="备注")
    p = _one(cli, verbs, "extend", cmd_extend, "登记展期或续贷（须有审批）")
    p.add_argument("--new-due", required=True, help="新的到期日期")
    p.add_argument("--approved-by", required=True, help="审批人")
    p.add_argument("--approved-on", required=True, help="审批日期")
    p.add_argument("--document", required=True, help="审批文号")
    p.add_argument("--kind", default=EXTENSION_KINDS[0], choices=EXTENSION_KINDS, help="展期（默认）或续贷")
    p.add_argument("--note", help="备注")
    p = cli.command("reverse", cmd_reverse, "冲正一笔还款或贴息（原流水保留）", under=verbs)
    p.add_argument("entry", help="流水号")
    p.add_argument("--reason", required=True, help="冲正理由")
    p = cli.command("list", cmd_list, "列出贷款", under=verbs)
    p.add_argument("--village", help="只看某个村")
    p.add_argument("--bank", help="只看某家银行")
    p.add_argument("--state", help=STATE_HELP)
    p = cli.command("due", cmd_due, "到期提醒：未来30/60/90天内到期的贷款", under=verbs)
    p.add_argument("--days", default="30", choices=DAYS, help="天数：30（默认）、60、90")
    p.add_argument("--village", help="只看某个村")
    p = cli.command("overdue", cmd_overdue, "逾期贷款和逾期率（按村、按银行）", under=verbs)
    p.add_argument("--village", help="只看某个村")
    p.add_argument("--bank", help="只看某家银行")
    p = cli.command("subsidies", cmd_subsidies, "一个季度的贴息清单", under=verbs)
    p.add_argument("--quarter", required=True, help="季度，如 2026Q3")
    p.add_argument("--village", help="只看某个村")
    p.add_argument("--bank", help="只看某家银行")
    _one(cli, verbs, "show", cmd_show, "查看一笔贷款及其还款、贴息、展期")
    p = cli.command("import", cmd_import, "导入银行放款清单（全部正确才导入）", under=verbs)
    p.add_argument("file", help="放款清单 .xlsx")
    p.add_argument("--bank", help="清单中没有“贷款银行”列时的银行名称")

    p = cli.print_kind("ledger", "loans", print_loans, "扶贫小额信贷台账", xlsx=True)
    p.add_argument("--village", help="只印某个村")
    p.add_argument("--bank", help="只印某家银行")
    p.add_argument("--state", help=STATE_HELP)
    p = cli.print_kind("ledger", "loans-due", print_due, "小额信贷到期提醒", xlsx=True)
    p.add_argument("--days", default="30", choices=DAYS, help="天数：30（默认）、60、90")
    p.add_argument("--village", help="只印某个村")
    p = cli.print_kind("ledger", "loans-overdue", print_overdue, "小额信贷逾期台账（含逾期率）", xlsx=True)
    p.add_argument("--village", help="只印某个村")
    p.add_argument("--bank", help="只印某家银行")
    p = cli.print_kind("ledger", "loans-subsidy", print_subsidy, "小额信贷季度贴息清单", xlsx=True)
    p.add_argument("--quarter", required=True, help="季度，如 2026Q3")
    p.add_argument("--village", help="只印某个村")
    p.add_argument("--bank", help="只印某家银行")
