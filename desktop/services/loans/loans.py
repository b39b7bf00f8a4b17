"""扶贫小额信贷: loans to registered or monitored households' members, their repayments, 贴息 and 展期/续贷.

Seed 002 (连星府〔2016〕114号): “為符合貸款條件的貧困戶提供5萬元以下、期限3年以內的信用貸款” and “對貧困戶小額貸款給予
貼息和擔保” — so a loan is at most loans.max_yuan (default 50,000 元, inclusive) for at most loans.max_years (default
3 years, the same calendar day three years on), and carries a 贴息 rate and who pays it.
Seed 001 三.8: “加強扶貧小額信貸風險防控,保證扶貧小額信貸合理需求,確保能貸盡貸,應收盡收,將逾期率嚴格控制在1%以下” —
so the overdue ledger shows the overdue rate per village and per bank and flags it at loans.overdue_alert_bp
(default 100 bp = 1 %).
Seed 000 三.(7): “是否為不符合條件貧困戶發放 … 糾正戶貸企用” — so a loan records its use (户贷户用 / 户贷企用 with
the enterprise) and is checked for eligibility when recorded.

Eligibility (checked when a loan is recorded or imported; every failing check is named):
  - the household is registered (建档立卡, plans.is_registered) or monitored (防返贫监测: plans.monitored of the
    loan's year, or a monitoring case 监测中/风险消除中);
  - the borrower is a current member of the household, aged loans.min_age–loans.max_age (default 18–65, not
    in the seeds) on the loan date, from the birth date in the ID number (both ends included: 65 on the day
    is allowed, 66 on the day is not);
  - the credit grade on the application is not 较差;
  - amount ≤ loans.max_yuan; term ≤ loans.max_years; the household's outstanding principal with this loan ≤
    loans.household_yuan (default 50,000 元, not in the seeds).
A refused loan is recorded only by an administrator giving a reason (override): who, why and the refusals are
kept on the loan, shown on it and audited.

Schedule (what is due when; the contract's own instalments are not modelled):
  - interest is due at every quarter end (3/31, 6/30, 9/30, 12/31) after the start and before the due date, and
    on the due date: the interest accrued until then, day by day on the outstanding principal at the annual
    rate ÷ 360 (人民银行 日利率 = 年利率/360), summed exactly (Fraction) and rounded half-up to the fen once;
  - the principal is due on the due date (the contract's, or the newest 展期/续贷's new due date).
Interest stops accruing on the due date (penalty interest is the bank's and is not modelled).
Overdue: a due amount unpaid after its date by the office clock — on a day after a due date, the principal
repaid or the interest paid (net of reversals) is less than what was due by then. 还款 interest is what the
borrower paid the bank; 贴息 is the subsidy paid to the household per quarter (at the 贴息 rate on the same
days) and does not pay the bank's interest.
State: 已结清 (no principal left, all interest paid) · 逾期 · 展期 (extended, not overdue) · 正常.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desktop import clock, money
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied, Refused, check_text
from desktop.models import Household, Member, MonitoringCase, Village
from desktop.models.loans import (
    CREDIT_GRADES,
    ENTRY_KINDS,
    EXTENSION_KINDS,
    LOAN_FEN,
    RATE_BP,
    USES,
    Loan,
    LoanEntry,
    LoanExtension,
)
from desktop.services.households import idnumber
from desktop.services.households.households import age_on, household_for, resolve_village, village_labels
from desktop.services.plans.plans import is_registered, monitored
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor

__all__ = ["USES", "CREDIT_GRADES", "EXTENSION_KINDS", "ENTRY_KINDS"]

NORMAL, OVERDUE, EXTENDED, SETTLED = "正常", "逾期", "展期", "已结清"
STATES = (NORMAL, OVERDUE, EXTENDED, SETTLED)
BAD_CREDIT = "较差"
MONITORED_CASE_STATES = ("monitored", "closing")  # 监测中, 风险消除中
DAY_BASIS = 360
TEXT_CHARS = 64
NOTE_CHARS = 500
DUE_WINDOWS = (30, 60, 90)


# --- arithmetic ---------------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 Feb → 28 Feb)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def parse_rate(text: object, what: str) -> int:
    """A rate typed in percent ("4.35", "4.35%") as basis points (435); more than two decimals is refused."""
    raw = str(text if text is not None else "").strip().replace("％", "%").removesuffix("%").strip()
    if not raw:
        raise InputRejected(f"{what}：请填写年利率（%），如 4.35")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InputRejected(f"{what}：“{text}”不是利率，应写成 4.35") from None
    bp = value * 100
    if not value.is_finite() or bp != bp.to_integral_value():
        raise InputRejected(f"{what}：“{text}”最多两位小数")
    if not 0 <= bp <= RATE_BP:
        raise InputRejected(f"{what}：{text}%不在0～100%之间")
    return int(bp)


def rate_text(bp: int) -> str:
    return f"{bp / 100:.2f}%"


def round_fen(amount: Fraction) -> int:
    """Half-up to the fen (amounts here are never negative)."""
    return int(amount + Fraction(1, 2)) if amount >= 0 else -int(-amount + Fraction(1, 2))


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """ "2026Q3" → (2026-07-01, 2026-09-30)."""
    text = (quarter or "").strip().upper()
    try:
        year, q = int(text[:4]), int(text[5:])
        if len(text) != 6 or text[4] != "Q" or not 1 <= q <= 4 or not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        raise InputRejected(f"季度“{quarter}”应写成 2026Q3") from None
    first = date(year, 3 * q - 2, 1)
    return first, date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])


def quarter_ends(start: date, due: date) -> list[date]:
    """The interest due dates: quarter ends after `start` and before `due`, then `due` itself."""
    out = []
    year, q = start.year, (start.month - 1) // 3 + 1
    while True:
        end = date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
        if end >= due:
            break
        if end > start:
            out.append(end)
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return [*out, due]


@dataclass(frozen=True)
class Ledger:
    """What one loan's entries add up to."""

    principal_paid: int
    interest_paid: int
    subsidy_paid: dict[str, int]  # quarter → fen
    principal_moves: list[tuple[date, int]]  # (day, principal repaid that day, net)


def _sum_entries(entries: list[LoanEntry]) -> Ledger:
    moves: dict[date, int] = defaultdict(int)
    sub: dict[str, int] = defaultdict(int)
    principal = interest = 0
    by_id = {e.id: e for e in entries}
    for e in entries:
        principal += e.principal_fen
        interest += e.interest_fen
        if e.subsidy_fen:
            quarter = e.quarter or (by_id[e.reverses_id].quarter if e.reverses_id in by_id else "")
            sub[quarter] += e.subsidy_fen
        if e.principal_fen:
            # a reversal takes the repayment back from the day it was (wrongly) booked
            day = by_id[e.reverses_id].paid_on if e.reverses_id in by_id else e.paid_on
            moves[day] += e.principal_fen
    return Ledger(principal, interest, dict(sub), sorted(moves.items()))


def accrued(amount: int, moves: list[tuple[date, int]], start: date, upto: date, rate_bp: int) -> Fraction:
    """Interest (fen, exact) on the days [start, upto): outstanding principal × rate_bp/10000/360 per day; a
    repayment on day d lowers the principal from day d on."""
    if upto <= start or rate_bp == 0:
        return Fraction(0)
    total = 0  # principal-days
    principal, day = amount, start
    for on, paid in moves:
        if on >= upto:
            break
        if on > day:
            total += principal * (on - day).days
            day = on
        principal -= paid
    total += principal * (upto - day).days
    return Fraction(total * rate_bp, 10_000 * DAY_BASIS)


def overdue_since(
    amount: int, led: Ledger, start: date, due: date, rate_bp: int, today: date
) -> tuple[date | None, int]:
    """The first due date (before today) whose amount is still unpaid, and the interest unpaid at today's last
    passed due date (fen). (None, 0) when nothing is overdue."""
    first: date | None = None
    if today > due and led.principal_paid < amount:
        first = due
    unpaid = 0
    for point in quarter_ends(start, due):
        if point >= today:
            break
        owed = round_fen(accrued(amount, led.principal_moves, start, point, rate_bp))
        if led.interest_paid < owed:
            first = point if first is None else min(first, point)
            unpaid = owed - led.interest_paid
    return first, unpaid


# --- reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoanInfo:
    id: int
    village: str
    household: str  # 户编号
    head: str
    borrower: str
    borrower_id: str  # full ID (internal lists); prints follow plan_reports' rule
    bank: str
    contract_no: str
    amount_fen: int
    start_on: date
    due_on: date  # effective: the newest 展期/续贷's, else the contract's
    contract_due_on: date
    rate_bp: int
    subsidy_rate_bp: int
    subsidy_payer: str
    use: str
    enterprise: str
    guarantee: str
    credit_grade: str
    principal_paid_fen: int
    interest_paid_fen: int
    outstanding_fen: int
    interest_due_fen: int  # accrued to the last passed due date
    interest_unpaid_fen: int  # of it, unpaid
    state: str
    overdue_since: date | None
    overdue_days: int
    extensions: int
    override_by: str
    override_reason: str
    override_refusals: str
    source: str
    created_by: str
    note: str

    @property
    def overdue(self) -> bool:
        return self.state == OVERDUE

    @property
    def use_text(self) -> str:
        return f"{self.use}（{self.enterprise}）" if self.enterprise else self.use

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["amount"] = money.yuan(self.amount_fen)
        data["outstanding"] = money.yuan(self.outstanding_fen)
        return data


@dataclass(frozen=True)
class EntryInfo:
    id: int
    kind: str
    kind_name: str
    paid_on: date
    principal_fen: int
    interest_fen: int
    subsidy_fen: int
    quarter: str
    payer: str
    reverses_id: int | None
    reversed_by: int | None
    note: str
    username: str


@dataclass(frozen=True)
class ExtensionInfo:
    id: int
    kind: str
    old_due_on: date
    new_due_on: date
    approved_by: str
    approved_on: date
    document_no: str
    note: str
    username: str


@dataclass(frozen=True)
class LoanDetail:
    info: LoanInfo
    entries: list[EntryInfo] = field(default_factory=list)
    extensions: list[ExtensionInfo] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            **self.info.as_json(),
            "entries": [asdict(e) for e in self.entries],
            "extension_list": [asdict(e) for e in self.extensions],
        }


def _scope(actor: Actor) -> list:
    return [] if actor.village_ids is None else [Household.village_id.in_(actor.village_ids)]


def _rows(session, actor: Actor, where: list) -> list[tuple]:
    """(loan, 户编号, 户主, village id, borrower, borrower's ID, entries, extensions) per loan, in a few queries."""
    where = [*where, *_scope(actor)]
    rows = session.execute(
        select(Loan, Household.code, Household.head_name, Household.village_id, Member.name, Member.id_number)
        .join(Household, Household.id == Loan.household_id)
        .join(Member, Member.id == Loan.member_id)
        .where(*where)
        .order_by(Loan.id)
    ).all()
    ids = [r[0].id for r in rows]
    entries: dict[int, list[LoanEntry]] = defaultdict(list)
    extensions: dict[int, list[LoanExtension]] = defaultdict(list)
    for chunk in range(0, len(ids), 900):
        part = ids[chunk : chunk + 900]
        for e in session.scalars(select(LoanEntry).where(LoanEntry.loan_id.in_(part)).order_by(LoanEntry.id)):
            entries[e.loan_id].append(e)
        for x in session.scalars(
            select(LoanExtension).where(LoanExtension.loan_id.in_(part)).order_by(LoanExtension.id)
        ):
            extensions[x.loan_id].append(x)
    return [(*r, entries[r[0].id], extensions[r[0].id]) for r in rows]


def _infos(session, actor: Actor, where: list, today: date) -> list[LoanInfo]:
    labels = village_labels(session)
    return [
        _info(loan, code, head, labels.get(vid, ""), name, idn or "", entries, exts, today)
        for loan, code, head, vid, name, idn, entries, exts in _rows(session, actor, where)
    ]


def _info(loan, code, head, village, name, id_number, entries, extensions, today) -> LoanInfo:
    led = _sum_entries(entries)
    due = extensions[-1].new_due_on if extensions else loan.due_on
    outstanding = loan.amount_fen - led.principal_paid
    since, _unpaid = overdue_since(loan.amount_fen, led, loan.start_on, due, loan.rate_bp, today)
    passed = [p for p in quarter_ends(loan.start_on, due) if p < today]
    owed = (
        round_fen(accrued(loan.amount_fen, led.principal_moves, loan.start_on, passed[-1], loan.rate_bp))
        if passed
        else 0
    )
    total = round_fen(accrued(loan.amount_fen, led.principal_moves, loan.start_on, due, loan.rate_bp))
    if since is not None:
        state = OVERDUE
    elif outstanding <= 0 and led.interest_paid >= total:
        state = SETTLED
    elif extensions:
        state = EXTENDED
    else:
        state = NORMAL
    return LoanInfo(
        id=loan.id,
        village=village,
        household=code,
        head=head,
        borrower=name,
        borrower_id=id_number,
        bank=loan.bank,
        contract_no=loan.contract_no,
        amount_fen=loan.amount_fen,
        start_on=loan.start_on,
        due_on=due,
        contract_due_on=loan.due_on,
        rate_bp=loan.rate_bp,
        subsidy_rate_bp=loan.subsidy_rate_bp,
        subsidy_payer=loan.subsidy_payer,
        use=loan.use,
        enterprise=loan.enterprise,
        guarantee=loan.guarantee,
        credit_grade=loan.credit_grade,
        principal_paid_fen=led.principal_paid,
        interest_paid_fen=led.interest_paid,
        outstanding_fen=outstanding,
        interest_due_fen=owed,
        interest_unpaid_fen=max(0, owed - led.interest_paid),
        state=state,
        overdue_since=since,
        overdue_days=(today - since).days if since else 0,
        extensions=len(extensions),
        override_by=loan.override_by,
        override_reason=loan.override_reason,
        override_refusals=loan.override_refusals,
        source=loan.source,
        created_by=loan.created_by,
        note=loan.note,
    )


def _filters(session, actor: Actor, village: str | None, bank: str | None) -> list:
    where: list = []
    if village:
        where.append(Household.village_id == resolve_village(session, actor, village).id)
    if bank:
        where.append(Loan.bank == bank.strip())
    return where


def _state(state: str | None) -> str | None:
    if state and state not in STATES:
        raise InputRejected(f"状态“{state}”不对，应为：{'、'.join(STATES)}")
    return state or None


def loans(
    db: Database,
    actor: Actor,
    *,
    village: str | None = None,
    bank: str | None = None,
    state: str | None = None,
    today: date | None = None,
) -> list[LoanInfo]:
    """The loans the actor may see, oldest first, filtered by village, bank and state (as of the office's today)."""
    today = today or clock.today()
    state = _state(state)
    with db.read() as s:
        found = _infos(s, actor, _filters(s, actor, village, bank), today)
    return [x for x in found if state is None or x.state == state]


def due_soon(
    db: Database, actor: Actor, days: int = 30, *, village: str | None = None, today: date | None = None
) -> list[LoanInfo]:
    """到期提醒: loans not settled whose due date falls in the next `days` days (today included), soonest first."""
    today = today or clock.today()
    if days not in DUE_WINDOWS:
        raise InputRejected(f"到期提醒天数应为{'、'.join(map(str, DUE_WINDOWS))}之一")
    found = loans(db, actor, village=village, today=today)
    out = [x for x in found if x.state != SETTLED and today <= x.due_on <= today + timedelta(days=days)]
    return sorted(out, key=lambda x: (x.due_on, x.id))


def overdue_loans(
    db: Database,
    actor: Actor,
    *,
    village: str | None = None,
    bank: str | None = None,
    today: date | None = None,
) -> list[LoanInfo]:
    found = loans(db, actor, village=village, bank=bank, state=OVERDUE, today=today)
    return sorted(found, key=lambda x: (x.village, x.overdue_since or x.due_on, x.id))


def counts(session, actor: Actor, today: date, days: int = 30) -> tuple[int, int]:
    """(due in `days` days, overdue) for 首页, in the caller's read."""
    found = _infos(session, actor, [], today)
    due = sum(x.state != SETTLED and today <= x.due_on <= today + timedelta(days=days) for x in found)
    return due, sum(x.state == OVERDUE for x in found)


# Overdue rate (逾期率), seed 001 “将逾期率严格控制在1%以下”: overdue outstanding principal ÷ outstanding principal,
# over the loans not settled. A loan is overdue as a whole (逾期贷款余额): all its outstanding principal counts as
# overdue once any amount of it is overdue. Exact (Fraction); shown to 0.01 % rounded half-up; flagged when ≥ the
# setting loans.overdue_alert_bp (default 100 bp = 1 %).
RATE_DEFINITION = (
    "逾期率 = 逾期贷款本金余额 ÷ 贷款本金余额（未结清贷款；一笔贷款有任何一期本息逾期未还，其全部本金余额计为逾期）；"
    "按村、按银行分别计算，精确到0.01%"
)


@dataclass(frozen=True)
class RateRow:
    group: str  # village or bank ("合计" for all)
    loans: int
    overdue_loans: int
    outstanding_fen: int
    overdue_fen: int
    rate: Fraction
    flagged: bool

    @property
    def rate_text(self) -> str:
        if not self.outstanding_fen:
            return "—"
        hundredths = round_fen(self.rate * 10_000)  # 0.01 %
        return f"{hundredths // 100}.{hundredths % 100:02d}%"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["rate"] = self.rate_text
        data["rate_exact"] = f"{self.rate.numerator}/{self.rate.denominator}"
        return data


def overdue_rates(found: list[LoanInfo], by: str, alert_bp: int) -> list[RateRow]:
    """Overdue rate per village (by="village") or per bank (by="bank"), then the whole (合计)."""
    alert = Fraction(alert_bp, 10_000)
    groups: dict[str, list[LoanInfo]] = defaultdict(list)
    for x in found:
        if x.state != SETTLED and x.outstanding_fen > 0:
            groups[x.village if by == "village" else x.bank].append(x)
    everyone = [x for xs in groups.values() for x in xs]

    def row(name: str, xs: list[LoanInfo]) -> RateRow:
        out = sum(x.outstanding_fen for x in xs)
        late = sum(x.outstanding_fen for x in xs if x.state == OVERDUE)
        rate = Fraction(late, out) if out else Fraction(0)
        return RateRow(
            name, len(xs), sum(x.state == OVERDUE for x in xs), out, late, rate, out > 0 and rate >= alert
        )

    return [row(k, groups[k]) for k in sorted(groups)] + [row("合计", everyone)]


def rates(
    db: Database, actor: Actor, by: str = "village", *, today: date | None = None
) -> tuple[list[RateRow], int]:
    if by not in ("village", "bank"):
        raise InputRejected("分组应为 village（按村）或 bank（按银行）")
    alert = int(settings.get(db, "loans.overdue_alert_bp"))
    return overdue_rates(loans(db, actor, today=today), by, alert), alert


@dataclass(frozen=True)
class SubsidyRow:
    loan: LoanInfo
    quarter: str
    days: int
    due_fen: int
    paid_fen: int

    @property
    def unpaid_fen(self) -> int:
        return self.due_fen - self.paid_fen


def _subsidy_due(loan: Loan, led: Ledger, due: date, quarter: str) -> tuple[int, int]:
    """(days, fen) of the quarter's 贴息: the subsidy rate on the outstanding principal of each day of the quarter
    between the start and the due date, ÷360, rounded half-up once."""
    first, last = quarter_bounds(quarter)
    a, b = max(first, loan.start_on), min(last + timedelta(days=1), due)
    if b <= a or not loan.subsidy_rate_bp:
        return 0, 0
    whole = accrued(loan.amount_fen, led.principal_moves, loan.start_on, b, loan.subsidy_rate_bp)
    before = accrued(loan.amount_fen, led.principal_moves, loan.start_on, a, loan.subsidy_rate_bp)
    return (b - a).days, round_fen(whole - before)


def subsidies(
    db: Database,
    actor: Actor,
    quarter: str,
    *,
    village: str | None = None,
    bank: str | None = None,
    today: date | None = None,
) -> list[SubsidyRow]:
    """贴息 list of a quarter for the finance office: each loan with a 贴息 rate that ran in the quarter."""
    today = today or clock.today()
    quarter_bounds(quarter)
    quarter = quarter.strip().upper()
    with db.read() as s:
        labels = village_labels(s)
        out = []
        for loan, code, head, vid, name, idn, entries, exts in _rows(
            s, actor, _filters(s, actor, village, bank)
        ):
            info = _info(loan, code, head, labels.get(vid, ""), name, idn or "", entries, exts, today)
            led = _sum_entries(entries)
            days, fen = _subsidy_due(loan, led, info.due_on, quarter)
            if days:
                out.append(SubsidyRow(info, quarter, days, fen, led.subsidy_paid.get(quarter, 0)))
    return sorted(out, key=lambda r: (r.loan.village, r.loan.household, r.loan.id))


def detail(db: Database, actor: Actor, loan_id: int, *, today: date | None = None) -> LoanDetail:
    today = today or clock.today()
    with db.read() as s:
        found = _infos(s, actor, [Loan.id == loan_id], today)
        if not found:
            raise NotFound(f"贷款{loan_id}不存在或无权查看")
        rows = list(s.scalars(select(LoanEntry).where(LoanEntry.loan_id == loan_id).order_by(LoanEntry.id)))
        reversed_by = {e.reverses_id: e.id for e in rows if e.reverses_id}
        entries = [
            EntryInfo(
                e.id,
                e.kind,
                ENTRY_KINDS.get(e.kind, e.kind),
                e.paid_on,
                e.principal_fen,
                e.interest_fen,
                e.subsidy_fen,
                e.quarter,
                e.payer,
                e.reverses_id,
                reversed_by.get(e.id),
                e.note,
                e.username,
            )
            for e in rows
        ]
        extensions = [
            ExtensionInfo(
                x.id,
                x.kind,
                x.old_due_on,
                x.new_due_on,
                x.approved_by,
                x.approved_on,
                x.document_no,
                x.note,
                x.username,
            )
            for x in s.scalars(
                select(LoanExtension).where(LoanExtension.loan_id == loan_id).order_by(LoanExtension.id)
            )
        ]
    return LoanDetail(found[0], entries, extensions)


def banks(db: Database, actor: Actor) -> list[str]:
    with db.read() as s:
        q = select(Loan.bank).join(Household, Household.id == Loan.household_id).where(*_scope(actor))
        return sorted(set(s.scalars(q)))


def village_names(db: Database, actor: Actor) -> list[str]:
    with db.read() as s:
        q = select(Village.name).order_by(Village.name)
        if actor.village_ids is not None:
            q = q.where(Village.id.in_(actor.village_ids))
        return list(dict.fromkeys(s.scalars(q)))


# --- eligibility --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Application:
    """A loan as typed or imported, before it is checked."""

    household: str  # 户编号
    borrower: str  # the member's ID number (or name, when unique in the household)
    bank: str
    contract_no: str
    amount_fen: int
    start_on: date
    due_on: date
    rate_bp: int
    subsidy_rate_bp: int = 0
    subsidy_payer: str = ""
    use: str = USES[0]
    enterprise: str = ""
    guarantee: str = ""
    credit_grade: str = "良好"
    note: str = ""


@dataclass(frozen=True)
class Limits:
    max_fen: int
    max_years: int
    household_fen: int
    min_age: int
    max_age: int

    @classmethod
    def read(cls, session) -> Limits:
        return cls(
            int(settings.get_in(session, "loans.max_yuan")) * 100,
            int(settings.get_in(session, "loans.max_years")),
            int(settings.get_in(session, "loans.household_yuan")) * 100,
            int(settings.get_in(session, "loans.min_age")),
            int(settings.get_in(session, "loans.max_age")),
        )


def _text(value: str | None, what: str, limit: int = TEXT_CHARS, *, required: bool = True) -> str:
    return check_text(value, what, limit, required=required)


# A typing guard, not a policy: 扶贫小额信贷 lends at about the benchmark rate (4.35 %); a rate above this is a
# slip of the keyboard (99 for 0.99), not a loan.
TYPED_RATE_BP = 2_400


def check_form(app: Application) -> Application:
    """The form itself (InputRejected naming the field): required fields, choices, amounts and dates."""
    _text(app.household, "户编号", 32)
    _text(app.borrower, "借款人", 32)
    _text(app.bank, "贷款银行", 40)
    _text(app.contract_no, "合同编号", 40)
    money.check_fen(app.amount_fen, "贷款金额", max_fen=LOAN_FEN)
    if app.due_on <= app.start_on:
        raise InputRejected("到期日期应晚于放款日期")
    if not 2000 <= app.start_on.year <= 2100:
        raise InputRejected(f"放款日期“{app.start_on}”不合理")
    today = clock.today()
    if app.start_on > today:  # a loan is recorded once the bank has lent, never ahead (as repayments are)
        raise InputRejected(
            f"放款日期{clock.cn_date(app.start_on)}晚于今天（{clock.cn_date(today)}），银行放款后才能登记"
        )
    for bp, what in ((app.rate_bp, "年利率"), (app.subsidy_rate_bp, "贴息利率")):
        if not 0 <= bp <= TYPED_RATE_BP:
            raise InputRejected(
                f"{what}{rate_text(bp)}不在0～{rate_text(TYPED_RATE_BP)}之间（扶贫小额信贷按基准利率放款，请核对）"
            )
    if app.subsidy_rate_bp > app.rate_bp:
        raise InputRejected(f"贴息利率{rate_text(app.subsidy_rate_bp)}高于年利率{rate_text(app.rate_bp)}")
    if app.subsidy_rate_bp and not app.subsidy_payer.strip():
        raise InputRejected("有贴息的贷款要写明贴息资金来源（如 县财政）")
    if app.use not in USES:
        raise InputRejected(f"贷款使用方式“{app.use}”不对，应为：{'、'.join(USES)}")
    if app.use == "户贷企用" and not app.enterprise.strip():
        raise InputRejected("户贷企用要写明使用贷款的企业（合作社）名称")
    if app.use == "户贷户用" and app.enterprise.strip():
        raise InputRejected("户贷户用不填企业名称")
    if app.credit_grade not in CREDIT_GRADES:
        raise InputRejected(f"信用等级“{app.credit_grade}”不对，应为：{'、'.join(CREDIT_GRADES)}")
    _text(app.enterprise, "企业名称", required=False)
    _text(app.guarantee, "担保方式", required=False)
    _text(app.subsidy_payer, "贴息资金来源", 40, required=False)
    _text(app.note, "备注", NOTE_CHARS, required=False)
    return app


def _borrower(session, h: Household, who: str) -> Member:
    who = who.strip()
    normal = idnumber.normalize(who)
    members = list(
        session.scalars(select(Member).where(Member.household_id == h.id, Member.left_at.is_(None)))
    )
    found = [m for m in members if m.id_number and m.id_number == normal] or [
        m for m in members if m.name == who
    ]
    if len(found) != 1:
        said = "有同名成员，请填写证件号码" if found else "不是该户现有成员"
        raise NotFound(f"借款人“{who}”{said}（户编号{h.code}）")
    return found[0]


def _outstanding(session, household_id: int, excluding: int | None = None) -> int:
    total = 0
    for loan in session.scalars(select(Loan).where(Loan.household_id == household_id)):
        if loan.id == excluding:
            continue
        paid = sum(session.scalars(select(LoanEntry.principal_fen).where(LoanEntry.loan_id == loan.id)))
        total += loan.amount_fen - paid
    return total


def refusals(session, h: Household, m: Member, app: Application, limits: Limits) -> list[str]:
    """Every eligibility rule the loan fails, in Chinese (empty: eligible)."""
    out = []
    year = app.start_on.year
    reg = is_registered(h.household_kind, h.poverty_type, (h.attrs or {}).get("exit_year"))
    watched = session.scalar(select(Household.id).where(Household.id == h.id, monitored(year))) is not None
    case = session.scalar(
        select(MonitoringCase.id).where(
            MonitoringCase.household_id == h.id, MonitoringCase.state.in_(MONITORED_CASE_STATES)
        )
    )
    if not (reg or watched or case is not None):
        out.append(f"户{h.code}既不是建档立卡户，也不是防返贫监测对象")
    born = idnumber.birth_date_of(m.id_number or "") if m.id_number else m.birth_date
    age = age_on(born, app.start_on)
    if age is None:
        out.append(f"借款人{m.name}没有可用的证件号码，无法核对年龄")
    elif not limits.min_age <= age <= limits.max_age:
        out.append(f"借款人{m.name}放款日{age}周岁，不在{limits.min_age}～{limits.max_age}周岁之间")
    if app.credit_grade == BAD_CREDIT:
        out.append(f"借款人信用等级为“{BAD_CREDIT}”")
    if app.amount_fen > limits.max_fen:
        out.append(f"贷款金额{money.yuan(app.amount_fen)}元超过{money.yuan(limits.max_fen)}元")
    latest = add_years(app.start_on, limits.max_years)
    if app.due_on > latest:
        out.append(f"贷款期限超过{limits.max_years}年（最晚应于{clock.cn_date(latest)}到期）")
    held = _outstanding(session, h.id)
    if held + app.amount_fen > limits.household_fen:
        out.append(
            f"该户未还贷款本金{money.yuan(held)}元，加上本笔共{money.yuan(held + app.amount_fen)}元，"
            f"超过每户{money.yuan(limits.household_fen)}元"
        )
    return out


def township_user(actor: Actor, what: str) -> None:
    """Loans are recorded by the township office (with the bank's documents), not by a village."""
    actor.require("household.edit", what)
    if actor.village_ids is not None:
        raise PermissionDenied(f"用户“{actor.username}”是村级用户，不能{what}（由扶贫办干部或管理员办理）")


def check(db: Database, actor: Actor, app: Application) -> list[str]:
    """The eligibility refusals of an application without writing (the dialog's 资格审查 button)."""
    check_form(app)
    with db.read() as s:
        h = household_for(s, actor, app.household)
        return refusals(s, h, _borrower(s, h, app.borrower), app, Limits.read(s))


# --- writing ------------------------------------------------------------------------------------------


def store_loan(
    s, actor: Actor, app: Application, h: Household, m: Member, refused: list[str], reason: str, source: str
) -> Loan:
    loan = Loan(
        household_id=h.id,
        member_id=m.id,
        bank=app.bank.strip(),
        contract_no=app.contract_no.strip(),
        amount_fen=app.amount_fen,
        start_on=app.start_on,
        due_on=app.due_on,
        rate_bp=app.rate_bp,
        subsidy_rate_bp=app.subsidy_rate_bp,
        subsidy_payer=app.subsidy_payer.strip(),
        use=app.use,
        enterprise=app.enterprise.strip(),
        guarantee=app.guarantee.strip(),
        credit_grade=app.credit_grade,
        note=app.note.strip(),
        override_by=actor.username if refused else "",
        override_reason=reason if refused else "",
        override_refusals="；".join(refused),
        source=source,
        created_by=actor.username,
    )
    s.add(loan)
    return loan


def add(db: Database, actor: Actor, app: Application, *, override_reason: str = "") -> int:
    """登记 a loan after the eligibility check. A refused one is recorded only by an administrator with a reason
    (the refusals and the reason stay on the loan and in the audit log)."""
    township_user(actor, "登记小额信贷")
    check_form(app)
    reason = _text(override_reason, "特批理由", NOTE_CHARS, required=False)
    with db.write() as s:
        h = household_for(s, actor, app.household)
        m = _borrower(s, h, app.borrower)
        refused = refusals(s, h, m, app, Limits.read(s))
        if refused and not reason:
            raise Refused("不符合贷款条件：" + "；".join(refused))
        if refused and actor.role != "admin":
            raise PermissionDenied("不符合贷款条件，只有管理员可以特批登记：" + "；".join(refused))
        if s.scalar(
            select(Loan.id).where(Loan.bank == app.bank.strip(), Loan.contract_no == app.contract_no.strip())
        ):
            raise Refused(f"{app.bank}合同编号“{app.contract_no}”已登记")
        loan = store_loan(s, actor, app, h, m, refused, reason, "登记")
        try:
            s.flush()
        except IntegrityError:
            raise Refused(f"{app.bank}合同编号“{app.contract_no}”刚刚已被登记") from None
        audit.record(
            s,
            actor.username,
            "loan.add" if not refused else "loan.add_override",
            entity="loan",
            key=str(loan.id),
            after={
                "household": h.code,
                "borrower": m.code,
                "bank": loan.bank,
                "contract_no": loan.contract_no,
                "amount_fen": loan.amount_fen,
                "start_on": loan.start_on,
                "due_on": loan.due_on,
                "rate_bp": loan.rate_bp,
                "subsidy_rate_bp": loan.subsidy_rate_bp,
                "use": loan.use,
                "enterprise": loan.enterprise,
                "refusals": refused,
                "override_reason": reason if refused else "",
            },
        )
        return loan.id


def _loan(s, actor: Actor, loan_id: int) -> Loan:
    loan = s.scalar(select(Loan).where(Loan.id == loan_id).with_for_update())
    if loan is None:
        raise NotFound(f"贷款{loan_id}不存在")
    if actor.village_ids is not None:
        vid = s.scalar(select(Household.village_id).where(Household.id == loan.household_id))
        if vid not in actor.village_ids:
            raise PermissionDenied(f"无权处理其他村的贷款（{loan_id}）")
    return loan


def _day(on: date | None, loan: Loan, today: date, what: str) -> date:
    on = on or today
    if on < loan.start_on:
        raise InputRejected(f"{what}日期{clock.cn_date(on)}早于放款日期{clock.cn_date(loan.start_on)}")
    if on > today:
        raise InputRejected(f"{what}日期{clock.cn_date(on)}晚于今天")
    return on


def repay(
    db: Database,
    actor: Actor,
    loan_id: int,
    *,
    principal_fen: int = 0,
    interest_fen: int = 0,
    on: date | None = None,
    note: str = "",
    today: date | None = None,
) -> int:
    """还款: principal and/or interest paid on a day; the principal can't exceed what is outstanding."""
    township_user(actor, "登记还款")
    today = today or clock.today()
    money.check_fen(principal_fen, "还本金额", max_fen=LOAN_FEN, min_fen=0)
    money.check_fen(interest_fen, "还息金额", max_fen=LOAN_FEN, min_fen=0)
    if not principal_fen and not interest_fen:
        raise InputRejected("还本金额和还息金额不能都为0")
    note = _text(note, "备注", NOTE_CHARS, required=False)
    with db.write() as s:
        loan = _loan(s, actor, loan_id)
        on = _day(on, loan, today, "还款")
        left = loan.amount_fen - sum(
            s.scalars(select(LoanEntry.principal_fen).where(LoanEntry.loan_id == loan.id))
        )
        if principal_fen > left:
            raise Refused(f"还本金额{money.yuan(principal_fen)}元超过贷款余额{money.yuan(left)}元")
        e = LoanEntry(
            loan_id=loan.id,
            kind="repay",
            paid_on=on,
            principal_fen=principal_fen,
            interest_fen=interest_fen,
            note=note,
            username=actor.username,
        )
        s.add(e)
        s.flush()
        audit.record(
            s,
            actor.username,
            "loan.repay",
            entity="loan",
            key=str(loan.id),
            after={
                "entry": e.id,
                "paid_on": on,
                "principal_fen": principal_fen,
                "interest_fen": interest_fen,
                "note": note,
            },
        )
        return e.id


def pay_subsidy(
    db: Database,
    actor: Actor,
    loan_id: int,
    *,
    quarter: str,
    amount_fen: int,
    payer: str = "",
    on: date | None = None,
    note: str = "",
    today: date | None = None,
) -> int:
    """贴息 paid for a quarter; never more than the quarter's 贴息 (net of what was paid for it already)."""
    township_user(actor, "登记贴息")
    today = today or clock.today()
    first, _last = quarter_bounds(quarter)
    quarter = quarter.strip().upper()
    money.check_fen(amount_fen, "贴息金额", max_fen=LOAN_FEN)
    note = _text(note, "备注", NOTE_CHARS, required=False)
    with db.write() as s:
        loan = _loan(s, actor, loan_id)
        if not loan.subsidy_rate_bp:
            raise Refused(f"贷款{loan.id}没有贴息利率，不能登记贴息")
        on = _day(on, loan, today, "贴息")
        if first > today:
            raise InputRejected(f"{quarter}还没有开始，不能登记贴息")
        entries = list(
            s.scalars(select(LoanEntry).where(LoanEntry.loan_id == loan.id).order_by(LoanEntry.id))
        )
        led = _sum_entries(entries)
        ext = s.scalar(
            select(LoanExtension.new_due_on)
            .where(LoanExtension.loan_id == loan.id)
            .order_by(LoanExtension.id.desc())
        )
        _days, due = _subsidy_due(loan, led, ext or loan.due_on, quarter)
        paid = led.subsidy_paid.get(quarter, 0)
        if paid + amount_fen > due:
            raise Refused(
                f"{quarter}应贴息{money.yuan(due)}元，已贴息{money.yuan(paid)}元，本次{money.yuan(amount_fen)}元超出"
            )
        payer = _text(payer or loan.subsidy_payer, "贴息资金来源", 40)
        e = LoanEntry(
            loan_id=loan.id,
            kind="subsidy",
            paid_on=on,
            subsidy_fen=amount_fen,
            quarter=quarter,
            payer=payer,
            note=note,
            username=actor.username,
        )
        s.add(e)
        s.flush()
        audit.record(
            s,
            actor.username,
            "loan.subsidy",
            entity="loan",
            key=str(loan.id),
            after={
                "entry": e.id,
                "quarter": quarter,
                "subsidy_fen": amount_fen,
                "payer": payer,
                "paid_on": on,
            },
        )
        return e.id


def reverse(db: Database, actor: Actor, entry_id: int, reason: str, *, today: date | None = None) -> int:
    """冲正 a wrong 还款 or 贴息: a new row with the negated amounts naming the original; the original stays."""
    township_user(actor, "冲正还款或贴息")
    today = today or clock.today()
    reason = _text(reason, "冲正理由", NOTE_CHARS)
    with db.write() as s:
        e = s.get(LoanEntry, entry_id)
        if e is None:
            raise NotFound(f"流水{entry_id}不存在")
        _loan(s, actor, e.loan_id)
        if e.kind == "reversal":
            raise Refused(f"流水{entry_id}本身是冲正，不能再冲正（如需要请重新登记）")
        if s.scalar(select(LoanEntry.id).where(LoanEntry.reverses_id == e.id)):
            raise Refused(f"流水{entry_id}已经冲正过")
        r = LoanEntry(
            loan_id=e.loan_id,
            kind="reversal",
            paid_on=today,
            principal_fen=-e.principal_fen,
            interest_fen=-e.interest_fen,
            subsidy_fen=-e.subsidy_fen,
            quarter=e.quarter,
            payer=e.payer,
            reverses_id=e.id,
            note=reason,
            username=actor.username,
        )
        s.add(r)
        try:
            s.flush()
        except IntegrityError:
            raise Refused(f"流水{entry_id}刚刚已被冲正") from None
        audit.record(
            s,
            actor.username,
            "loan.reverse",
            entity="loan",
            key=str(e.loan_id),
            after={"entry": r.id, "reverses": e.id, "reason": reason},
        )
        return r.id


def extend(
    db: Database,
    actor: Actor,
    loan_id: int,
    *,
    new_due_on: date,
    approved_by: str,
    approved_on: date,
    document_no: str,
    kind: str = "展期",
    note: str = "",
    today: date | None = None,
) -> int:
    """展期/续贷 with its approval (who, on which day, document number): the loan's due date moves; the history
    keeps the old one."""
    township_user(actor, f"登记{kind}")
    today = today or clock.today()
    if kind not in EXTENSION_KINDS:
        raise InputRejected(f"类型“{kind}”不对，应为：{'、'.join(EXTENSION_KINDS)}")
    approved_by = _text(approved_by, "审批人")
    document_no = _text(document_no, "审批文号")
    note = _text(note, "备注", NOTE_CHARS, required=False)
    if approved_on > today:
        raise InputRejected("审批日期晚于今天")
    with db.write() as s:
        loan = _loan(s, actor, loan_id)
        last = s.scalar(
            select(LoanExtension.new_due_on)
            .where(LoanExtension.loan_id == loan.id)
            .order_by(LoanExtension.id.desc())
        )
        old = last or loan.due_on
        if new_due_on <= old:
            raise InputRejected(f"新的到期日期应晚于现在的到期日期{clock.cn_date(old)}")
        if approved_on < loan.start_on:
            raise InputRejected("审批日期早于放款日期")
        x = LoanExtension(
            loan_id=loan.id,
            kind=kind,
            old_due_on=old,
            new_due_on=new_due_on,
            approved_by=approved_by,
            approved_on=approved_on,
            document_no=document_no,
            note=note,
            username=actor.username,
        )
        s.add(x)
        s.flush()
        audit.record(
            s,
            actor.username,
            "loan.extend",
            entity="loan",
            key=str(loan.id),
            before={"due_on": old},
            after={
                "due_on": new_due_on,
                "kind": kind,
                "approved_by": approved_by,
                "approved_on": approved_on,
                "document_no": document_no,
            },
        )
        return x.id
