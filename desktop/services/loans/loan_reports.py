"""小额信贷 prints (PDF and .xlsx through desktop.reports.ledger): the loan ledger, 到期提醒, the overdue ledger with
the overdue rate per village and per bank (seed 001 “將逾期率嚴格控制在1%以下”), and the quarter's 贴息 list for
the finance office. Internal ledgers name the borrower and the 户编号 and print no ID number, as the
monitoring-households ledger (desktop.services.plans.plan_reports) does."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop import clock, money
from desktop.db import Database
from desktop.errors import InputRejected
from desktop.services.documents import Printed, render_ledger, township_issuer, township_name
from desktop.services.loans import loans
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.system import audit
from desktop.services.system.actor import Actor

KINDS = {"loans": "小额信贷台账", "due": "到期提醒", "overdue": "逾期贷款台账", "subsidy": "贴息清单"}


def _township(db: Database) -> str:
    with db.read() as s:
        return township_name(s)


def _ledger(db: Database, title: str, columns, rows, period: str, today: date, **kw):
    from desktop.reports.ledger import Ledger  # lazy: reportlab loads only when printing

    township = _township(db)
    return Ledger(
        title=f"{township}{title}",
        columns=columns,
        rows=rows,
        unit=township_issuer(db, township),
        period=period,
        measure="单位：元",
        made=today,
        stamp=audit.stamp(db),
        **kw,
    )


def _borrower(x: loans.LoanInfo) -> str:
    """The borrower by name: with 户编号 beside it the ledger needs no ID number (none is printed)."""
    return x.borrower


def loan_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    village: str | None = None,
    bank: str | None = None,
    state: str | None = None,
    xlsx: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> Printed:
    """小额信贷台账: every loan with its terms, what was repaid and what is outstanding, per village."""
    from desktop.reports.ledger import Column  # lazy: reportlab loads only when printing

    today = today or clock.today()
    found = loans.loans(db, actor, village=village, bank=bank, state=state, today=today)
    if not found:
        raise InputRejected("没有符合条件的贷款")
    found.sort(key=lambda x: (x.village, x.household, x.id))
    rows = []
    for i, x in enumerate(found, start=1):
        if not x.subsidy_rate_bp:
            subsidy = "无贴息"
        elif x.subsidy_rate_bp == x.rate_bp:
            subsidy = f"全额贴息（{x.subsidy_payer}）"
        else:
            subsidy = f"贴息{loans.rate_text(x.subsidy_rate_bp)}（{x.subsidy_payer}）"
        notes = [subsidy, f"户贷企用：{x.enterprise}" if x.use == "户贷企用" else ""]
        notes.append(f"特批：{x.override_reason}（{x.override_by}）" if x.override_by else "")
        notes.append(f"{x.extensions}次展期/续贷，原到期{x.contract_due_on:%Y-%m-%d}" if x.extensions else "")
        rows.append(
            [
                i,
                x.village,
                x.household,
                _borrower(x),
                x.bank,
                x.contract_no,
                x.amount_fen,
                f"{x.start_on:%Y-%m-%d}",
                f"{x.due_on:%Y-%m-%d}",
                loans.rate_text(x.rate_bp),
                x.outstanding_fen,
                x.state + (f"{x.overdue_days}天" if x.overdue else ""),
                "；".join(n for n in notes if n),
            ]
        )
    filters = "；".join(f"{k}：{v}" for k, v in (("银行", bank), ("状态", state)) if v)
    ledger = _ledger(
        db,
        f"{village or ''}扶贫小额信贷台账",
        [
            Column("序号", "center"),
            Column("行政村", "center", min_chars=3, nowrap=True),
            Column("户编号", "center", nowrap=True),
            Column("借款人", "center", min_chars=3, nowrap=True),
            Column("贷款银行", "center", min_chars=4, nowrap=True),
            Column("合同编号", "center", nowrap=True),
            Column("贷款金额", "right", total=True, money=True),
            Column("放款日期", "center", nowrap=True),
            Column("到期日期", "center", nowrap=True),
            Column("年利率", "center", nowrap=True),
            Column("贷款余额", "right", total=True, money=True),
            Column("状态", "center", nowrap=True),
            Column("贴息及备注", min_chars=6),
        ],
        rows,
        f"截至{clock.cn_date(today)}{'（' + filters + '）' if filters else ''}",
        today,
        group_col=1,
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)


def due_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    days: int = 30,
    village: str | None = None,
    xlsx: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> Printed:
    """到期提醒: loans falling due in the next `days` days, soonest first."""
    from desktop.reports.ledger import Column  # lazy: reportlab loads only when printing

    today = today or clock.today()
    found = loans.due_soon(db, actor, days, village=village, today=today)
    if not found:
        raise InputRejected(f"未来{days}天内没有到期的贷款")
    rows = [
        [i, x.village, x.household, _borrower(x), x.bank, x.contract_no, clock.cn_date(x.due_on),
         (x.due_on - today).days, x.outstanding_fen, ""]
        for i, x in enumerate(found, start=1)
    ]  # fmt: skip
    ledger = _ledger(
        db,
        f"扶贫小额信贷到期提醒（{days}天内）",
        [
            Column("序号", "center"),
            Column("行政村", "center", min_chars=3, nowrap=True),
            Column("户编号", "center", nowrap=True),
            Column("借款人", "center", min_chars=3, nowrap=True),
            Column("贷款银行", "center", min_chars=4, nowrap=True),
            Column("合同编号", "center", nowrap=True),
            Column("到期日期", "center", nowrap=True),
            Column("剩余天数", "right"),
            Column("贷款余额", "right", total=True, money=True),
            Column("提醒情况", min_chars=8, min_mm=40),
        ],
        rows,
        f"{clock.cn_date(today)}起{days}天内到期",
        today,
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)


def rate_notes(db: Database, actor: Actor, today: date) -> tuple[str, ...]:
    """The foot of the overdue ledger: the overdue rate per village and per bank, flagged at the alert line, and
    the definition they rest on."""
    lines = []
    for by, said in (("village", "按村"), ("bank", "按银行")):
        rows, alert = loans.rates(db, actor, by, today=today)
        parts = [
            f"{r.group}{r.rate_text}{'（超警戒线）' if r.flagged else ''}"
            f"（{money.yuan(r.overdue_fen)}/{money.yuan(r.outstanding_fen)}）"
            for r in rows
        ]
        lines.append(f"逾期率{said}：" + "；".join(parts))
    lines.append(
        f"说明：{loans.RATE_DEFINITION}；警戒线{loans.rate_text(alert)}（湘阴办发〔2020〕8号：逾期率严格控制在1%以下）。"
    )
    return tuple(lines)


def overdue_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    village: str | None = None,
    bank: str | None = None,
    xlsx: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> Printed:
    """逾期贷款台账: every overdue loan (since when, how many days, interest unpaid), per village, and at its foot
    the overdue rates per village and per bank with their definition."""
    from desktop.reports.ledger import Column  # lazy: reportlab loads only when printing

    today = today or clock.today()
    found = loans.overdue_loans(db, actor, village=village, bank=bank, today=today)
    rows = [
        [i, x.village, x.household, _borrower(x), x.bank, x.contract_no, clock.cn_date(x.due_on),
         clock.cn_date(x.overdue_since) if x.overdue_since else "", x.overdue_days, x.outstanding_fen,
         x.interest_unpaid_fen, ""]
        for i, x in enumerate(found, start=1)
    ]  # fmt: skip
    ledger = _ledger(
        db,
        "扶贫小额信贷逾期贷款台账",
        [
            Column("序号", "center"),
            Column("行政村", "center", min_chars=3, nowrap=True),
            Column("户编号", "center", nowrap=True),
            Column("借款人", "center", min_chars=3, nowrap=True),
            Column("贷款银行", "center", min_chars=4, nowrap=True),
            Column("合同编号", "center", nowrap=True),
            Column("到期日期", "center", nowrap=True),
            Column("逾期起始", "center", nowrap=True),
            Column("逾期天数", "right"),
            Column("逾期本金余额", "right", total=True, money=True),
            Column("欠息", "right", total=True, money=True),
            Column("催收情况", min_chars=6, min_mm=35),
        ],
        rows,
        f"截至{clock.cn_date(today)}",
        today,
        group_col=1,
        notes=rate_notes(db, actor, today),
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)


def subsidy_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    quarter: str,
    village: str | None = None,
    bank: str | None = None,
    xlsx: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> Printed:
    """贴息清单 of a quarter for the finance office: each loan's 贴息 due (subsidy rate × outstanding principal ×
    days ÷ 360), what was paid and what is left."""
    from desktop.reports.ledger import Column  # lazy: reportlab loads only when printing

    today = today or clock.today()
    found = loans.subsidies(db, actor, quarter, village=village, bank=bank, today=today)
    if not found:
        raise InputRejected(f"{quarter}没有应贴息的贷款")
    rows = [
        [i, r.loan.village, r.loan.household, _borrower(r.loan), r.loan.bank, r.loan.contract_no,
         r.loan.outstanding_fen, loans.rate_text(r.loan.subsidy_rate_bp), r.days, r.due_fen, r.paid_fen,
         r.unpaid_fen, r.loan.subsidy_payer, r.loan.state]
        for i, r in enumerate(found, start=1)
    ]  # fmt: skip
    first, last = loans.quarter_bounds(quarter)
    ledger = _ledger(
        db,
        f"扶贫小额信贷{quarter[:4]}年第{quarter[-1]}季度贴息清单",
        [
            Column("序号", "center"),
            Column("行政村", "center", min_chars=3, nowrap=True),
            Column("户编号", "center", nowrap=True),
            Column("借款人", "center", min_chars=3, nowrap=True),
            Column("贷款银行", "center", min_chars=4, nowrap=True),
            Column("合同编号", "center", nowrap=True),
            Column("贷款余额", "right", total=True, money=True),
            Column("贴息利率", "center", nowrap=True),
            Column("计息天数", "right"),
            Column("应贴息", "right", total=True, money=True),
            Column("已贴息", "right", total=True, money=True),
            Column("未贴息", "right", total=True, money=True),
            Column("资金来源", "center", min_chars=4),
            Column("状态", "center", min_chars=3),
        ],
        rows,
        f"{clock.cn_date(first)}至{clock.cn_date(last)}",
        today,
        group_col=1,
        notes=(
            "说明：应贴息 = 贴息年利率 × 每日贷款本金余额 ÷ 360，按本季度内放款日至到期日之间的天数累计，四舍五入到分。",
        ),
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)
