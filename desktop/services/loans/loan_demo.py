"""`init --demo`: 扶贫小额信贷 of eligible households — most current with their quarterly interest paid, one
overdue, one repaid, one 户贷企用, one extended (展期), two falling due within 30 days, and last quarter's 贴息
paid (desktop.services.demo.build_demo calls add_demo_loans)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from desktop import clock
from desktop.db import Database
from desktop.errors import Refused
from desktop.models import Household, Member
from desktop.services.households.households import age_on
from desktop.services.loans import loans
from desktop.services.system.actor import Actor

BANKS = ("农商银行", "邮储银行", "农业银行")
RATE_BP = 435  # 4.35 %: the 1-year benchmark rate most counties lend at
ENTERPRISE = "惠民辣椒种植专业合作社"


def _borrowers(db: Database, limit: int) -> list[tuple[str, str, date]]:
    """(户编号, borrower's ID, birth) of households with a member aged 25–58, one per household."""
    out = []
    with db.read() as s:
        rows = s.execute(
            select(Household.code, Member.id_number, Member.birth_date)
            .join(Member, Member.household_id == Household.id)
            .where(Member.left_at.is_(None), Member.id_number.is_not(None), Member.birth_date.is_not(None))
            .order_by(Household.id, Member.position)
        ).all()
    seen = set()
    for code, idn, born in rows:
        if code in seen:
            continue
        if 25 <= (age_on(born, clock.today()) or 0) <= 58:
            seen.add(code)
            out.append((code, idn, born))
    return out[::3][:limit]


def _pay_interest(db: Database, actor: Actor, loan_id: int, upto: date) -> None:
    """Interest paid at every due date before `upto`, the exact amount owed by then."""
    d = loans.detail(db, actor, loan_id, today=upto)
    info = d.info
    paid = 0
    for point in loans.quarter_ends(info.start_on, info.due_on):
        if point >= upto:
            break
        owed = loans.round_fen(loans.accrued(info.amount_fen, [], info.start_on, point, info.rate_bp))
        if owed > paid:
            loans.repay(db, actor, loan_id, interest_fen=owed - paid, on=point, today=upto)
            paid = owed


def add_demo_loans(db: Database, actor: Actor, *, today: date | None = None) -> int:
    """The demo loans; returns how many were made."""
    today = today or clock.today()
    people = _borrowers(db, 40)
    made: list[int] = []
    last_quarter_end = loans.quarter_bounds(loans.quarter_of(today))[0] - timedelta(days=1)
    for i, (code, idn, _born) in enumerate(people):
        fate = {0: "overdue", 1: "repaid", 2: "enterprise", 3: "extended", 4: "due", 5: "due"}.get(
            i, "current"
        )
        if fate == "overdue":
            due = today - timedelta(days=20)
            start = loans.add_years(due, -2)
        elif fate == "repaid":
            due = today - timedelta(days=40)
            start = loans.add_years(due, -1)
        elif fate == "extended":
            due = today - timedelta(days=10)
            start = loans.add_years(due, -2)
        elif fate == "due":
            due = today + timedelta(days=9 + 7 * (i - 4))
            start = loans.add_years(due, -3)
        else:
            start = today - timedelta(days=30 + (i * 37) % 600)
            due = loans.add_years(start, 3 if i % 2 else 2)
        amount = (3 + i % 3) * 1_000_000  # 3万, 4万 or 5万元
        app = loans.Application(
            household=code,
            borrower=idn,
            bank=BANKS[i % len(BANKS)],
            contract_no=f"XD{start:%Y%m}{i + 1:04d}",
            amount_fen=amount,
            start_on=start,
            due_on=due,
            rate_bp=RATE_BP,
            subsidy_rate_bp=RATE_BP,
            subsidy_payer="县财政",
            use="户贷企用" if fate == "enterprise" else "户贷户用",
            enterprise=ENTERPRISE if fate == "enterprise" else "",
            guarantee="风险补偿金",
            credit_grade=("优秀", "良好", "一般")[i % 3],
            note="发展辣椒种植" if i % 2 else "养殖肉牛",
        )
        try:
            loan_id = loans.add(db, actor, app)
        except Refused:
            continue
        made.append(loan_id)
        if fate == "extended":
            on = due - timedelta(days=15)
            loans.extend(db, actor, loan_id, new_due_on=loans.add_years(due, 1), approved_by="乡扶贫办 李主任",
                         approved_on=on, document_no=f"扶贫办〔{on.year}〕展字第3号",
                         note="因灾减收，经银行同意展期一年", today=today)  # fmt: skip
        upto = min(today, due) if fate != "extended" else today
        _pay_interest(db, actor, loan_id, upto)
        if fate == "repaid":
            owed = loans.round_fen(loans.accrued(amount, [], start, due, RATE_BP))
            paid = loans.detail(db, actor, loan_id, today=today).info.interest_paid_fen
            loans.repay(
                db, actor, loan_id, principal_fen=amount, interest_fen=owed - paid, on=due, today=today
            )
    # last quarter's 贴息, paid by the finance office for every loan that had it
    quarter = loans.quarter_of(last_quarter_end)
    for row in loans.subsidies(db, actor, quarter, today=today):
        if row.unpaid_fen > 0 and row.loan.state != loans.OVERDUE:
            loans.pay_subsidy(db, actor, row.loan.id, quarter=quarter, amount_fen=row.unpaid_fen, payer="县财政",
                              on=last_quarter_end + timedelta(days=15), today=today)  # fmt: skip
    return len(made)
