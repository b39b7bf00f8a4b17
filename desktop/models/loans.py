"""扶贫小额信贷 (poverty-relief micro-credit): one Loan per borrower's contract, its append-only ledger of repayments
and 贴息 payments (LoanEntry: a mistake gets a reversal row naming the original, nothing is changed or deleted)
and its 展期/续贷 with their approval (LoanExtension). Money is integer fen, rates are basis points (1 bp =
0.01 %). desktop.services.loans holds the rules and the seed sentences.

A loan's state (正常/逾期/展期/已结清) is not stored: it is read from the ledger and the schedule by the office's
clock (desktop.services.loans.loans.state_of), so it never goes stale."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models import households  # noqa: F401  (the tables its foreign keys name)
from desktop.models.base import Base, UTCDateTime, bounded, utcnow

LOAN_FEN = 100_000_000  # hard ceiling of one loan or one entry: 100万元 (far above the 5万元 policy limit)
RATE_BP = 10_000  # 100 %
USES = ("户贷户用", "户贷企用")
CREDIT_GRADES = ("优秀", "良好", "一般", "较差")  # 信用评定 (seed 000 三.3 “信用评定”) on the application
ENTRY_KINDS = {"repay": "还款", "subsidy": "贴息", "reversal": "冲正"}
EXTENSION_KINDS = ("展期", "续贷")


class Loan(Base):
    """One loan contract of a household member. `override_*` are set when an administrator recorded a loan the
    eligibility check refused: who, why, and the refusals overridden (shown on the loan and in the ledger)."""

    __tablename__ = "loan"
    __table_args__ = (
        UniqueConstraint("bank", "contract_no", name="uq_loan_bank_contract_no"),
        bounded("amount_fen", 1, LOAN_FEN),
        bounded("rate_bp", 0, RATE_BP),
        bounded("subsidy_rate_bp", 0, RATE_BP),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)  # the borrower
    bank: Mapped[str] = mapped_column(String(40), index=True)  # 贷款银行
    contract_no: Mapped[str] = mapped_column(String(40))  # 合同编号
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    start_on: Mapped[date] = mapped_column(Date)  # 放款日期
    due_on: Mapped[date] = mapped_column(Date, index=True)  # 到期日期 (the contract's; 展期 in LoanExtension)
    rate_bp: Mapped[int] = mapped_column(Integer)  # 年利率
    subsidy_rate_bp: Mapped[int] = mapped_column(Integer, default=0)  # 贴息年利率 (≤ 年利率)
    subsidy_payer: Mapped[str] = mapped_column(String(40), default="")  # 贴息资金来源，如 县财政
    use: Mapped[str] = mapped_column(String(8))  # 户贷户用 | 户贷企用
    enterprise: Mapped[str] = mapped_column(String(64), default="")  # 户贷企用: the enterprise
    guarantee: Mapped[str] = mapped_column(String(64), default="")  # 担保方式/风险补偿金
    credit_grade: Mapped[str] = mapped_column(String(8))  # 信用等级 on the application
    note: Mapped[str] = mapped_column(Text, default="")
    override_by: Mapped[str] = mapped_column(String(64), default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    override_refusals: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="登记")  # 登记 | 导入
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoanEntry(Base):
    """The loan's ledger, append-only: 还款 (principal and interest the borrower paid), 贴息 (the quarter's
    interest subsidy paid by `payer`), 冲正 (a reversal: the negated amounts of the entry it names)."""

    __tablename__ = "loan_entry"
    __table_args__ = (
        bounded("principal_fen", -LOAN_FEN, LOAN_FEN),
        bounded("interest_fen", -LOAN_FEN, LOAN_FEN),
        bounded("subsidy_fen", -LOAN_FEN, LOAN_FEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # repay | subsidy | reversal
    paid_on: Mapped[date] = mapped_column(Date)
    principal_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    subsidy_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    quarter: Mapped[str] = mapped_column(String(7), default="")  # 贴息: "2026Q3"
    payer: Mapped[str] = mapped_column(String(40), default="")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("loan_entry.id"), unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoanExtension(Base):
    """展期 or 续贷: the due date moved from `old_due_on` to `new_due_on`, approved by `approved_by` on
    `approved_on` under document `document_no`. Never changed; the newest one gives the loan's due date."""

    __tablename__ = "loan_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(4))
    old_due_on: Mapped[date] = mapped_column(Date)
    new_due_on: Mapped[date] = mapped_column(Date)
    approved_by: Mapped[str] = mapped_column(String(64))
    approved_on: Mapped[date] = mapped_column(Date)
    document_no: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
