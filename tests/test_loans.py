"""扶贫小额信贷: the eligibility rules at their boundaries (age 18/65 on the day, 50,000.00 vs 50,000.01 元, 3 years
vs one day more, an unregistered household, the administrator's override), overdue by the office's clock, the
overdue rate's exact arithmetic per village and bank, the bank list import all or nothing, reversals, 展期, the
prints read back and the command line."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from fractions import Fraction

import pdfplumber
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, update

from desktop import clock
from desktop.cli import main
from desktop.errors import InputRejected, PermissionDenied, Refused, RowsRejected
from desktop.models import AuditEntry, Household, Loan, LoanEntry
from desktop.services.households import idnumber
from desktop.services.loans import loan_import, loan_reports, loans
from desktop.services.quality import quality
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import users

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=clock.OFFICE_TZ)
TODAY = NOW.date()
YOUNG = ("41142310320800007", "411423200301188511")  # 孙桥村, 高强梅 born 2003-01-18
OLD = ("41142610120800004", "411426195906102632")  # 孙桥村 (边缘易致贫户: monitored), 阎伟花 born 1959-06-10
ZHOUTANG = ("41142310221200005", "411423197902063242")  # 周堂村 脱贫户, 王丽志
WANGLOU = ("41142110420200002", "411421198307047557")  # 王楼村 脱贫户, 周德顺
ZHAOZHAI = ("41142510220500008", "411425198912050514")  # 赵寨村 脱贫户, 魏国福


@pytest.fixture
def office(db, admin, sample, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    import_roster(db, admin, sample("roster-small.xlsx"))
    return db


def app(who=ZHOUTANG, **kw) -> loans.Application:
    start = kw.pop("start_on", date(2026, 1, 10))
    values = dict(
        household=who[0],
        borrower=who[1],
        bank="农商银行",
        contract_no=f"HT{len(kw)}{start:%Y%m%d}{who[0][-3:]}",
        amount_fen=5_000_000,
        start_on=start,
        due_on=loans.add_years(start, 3),
        rate_bp=435,
        subsidy_rate_bp=435,
        subsidy_payer="县财政",
    )
    values.update(kw)
    return loans.Application(**values)


# --- eligibility at its boundaries --------------------------------------------------------------------


def test_the_borrower_is_18_to_65_on_the_loan_day(office, admin):
    assert loans.check(office, admin, app(YOUNG, start_on=date(2021, 1, 18))) == []  # 18 on the day
    said = loans.check(office, admin, app(YOUNG, start_on=date(2021, 1, 17)))
    assert said == ["借款人高强梅放款日17周岁，不在18～65周岁之间"]
    assert loans.check(office, admin, app(OLD, start_on=date(2025, 6, 9))) == []  # 65 and 364 days
    said = loans.check(office, admin, app(OLD, start_on=date(2025, 6, 10)))  # 66 on the day
    assert said == ["借款人阎伟花放款日66周岁，不在18～65周岁之间"]


def test_amount_and_term_at_their_limits(office, admin):
    assert loans.check(office, admin, app(amount_fen=5_000_000)) == []  # 50,000.00
    assert loans.check(office, admin, app(amount_fen=5_000_001)) == [
        "贷款金额50,000.01元超过50,000.00元",
        "该户未还贷款本金0.00元，加上本笔共50,000.01元，超过每户50,000.00元",
    ]
    start = date(2026, 1, 10)
    assert loans.check(office, admin, app(start_on=start, due_on=date(2029, 1, 10))) == []  # 3 years exactly
    assert loans.check(office, admin, app(start_on=start, due_on=date(2029, 1, 11))) == [
        "贷款期限超过3年（最晚应于2029年1月10日到期）"
    ]
    assert loans.add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert loans.check(office, admin, app(credit_grade="较差")) == ["借款人信用等级为“较差”"]
    with pytest.raises(InputRejected, match="户贷企用要写明"):
        loans.check(office, admin, app(use="户贷企用"))


def test_a_loan_not_yet_lent_or_at_a_mistyped_rate_is_refused_on_the_form_and_in_the_list(
    office, admin, tmp_path
):
    with pytest.raises(InputRejected, match="放款日期2026年11月21日晚于今天（2026年11月20日）"):
        loans.check(office, admin, app(start_on=date(2026, 11, 21)))
    assert loans.check(office, admin, app(start_on=TODAY)) == []
    with pytest.raises(InputRejected, match="年利率99.00%不在0～24.00%之间"):
        loans.check(office, admin, app(rate_bp=9_900))
    rows = [
        [*GOOD[0][:4], "2026-11-21", "2029-11-21", *GOOD[0][6:]],
        [*GOOD[1][:6], "99", *GOOD[1][7:]],
    ]
    with pytest.raises(RowsRejected) as caught:
        loan_import.import_loans(office, admin, _bank_list(tmp_path / "放款清单.xlsx", rows), bank="农商银行")
    said = " ".join(str(e) for e in caught.value.errors)
    assert "第4行" in said and "晚于今天" in said and "第5行" in said and "99.00%" in said
    with office.read() as s:
        assert s.scalar(select(func.count()).select_from(Loan)) == 0


def test_the_household_limit_counts_what_is_outstanding(office, admin):
    first = loans.add(office, admin, app(amount_fen=3_000_000, contract_no="A1"))
    refused = loans.check(office, admin, app(amount_fen=2_000_001, contract_no="A2"))
    assert refused == ["该户未还贷款本金30,000.00元，加上本笔共50,000.01元，超过每户50,000.00元"]
    loans.repay(office, admin, first, principal_fen=1, on=date(2026, 2, 1))
    assert loans.check(office, admin, app(amount_fen=2_000_001, contract_no="A2")) == []


def test_an_unregistered_household_is_refused_and_only_an_admin_overrides_with_a_reason(office, admin):
    with office.write() as s:
        s.execute(
            update(Household)
            .where(Household.code == WANGLOU[0])
            .values(household_kind="一般农户", poverty_type="", attrs={})
        )
    wanted = app(WANGLOU, contract_no="B1")
    refusal = f"户{WANGLOU[0]}既不是建档立卡户，也不是防返贫监测对象"
    assert loans.check(office, admin, wanted) == [refusal]
    with pytest.raises(Refused, match=f"不符合贷款条件：{refusal}"):
        loans.add(office, admin, wanted)
    users.create_user(office, admin, "clerk", "干部密码12345", "clerk")
    clerk = users.authenticate(office, "clerk", "干部密码12345")
    with pytest.raises(PermissionDenied, match="只有管理员可以特批"):
        loans.add(office, clerk, wanted, override_reason="县扶贫办同意")
    lid = loans.add(office, admin, wanted, override_reason="县扶贫办同意（扶办〔2026〕8号）")
    x = loans.detail(office, admin, lid).info
    assert (x.override_by, x.override_reason, x.override_refusals) == (
        admin.username,
        "县扶贫办同意（扶办〔2026〕8号）",
        refusal,
    )
    with office.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "loan.add_override"))
    assert entry.after["refusals"] == [refusal] and entry.after["override_reason"].startswith("县扶贫办同意")
    with pytest.raises(Refused, match="已登记"):
        loans.add(office, admin, wanted, override_reason="再来一次")
    # 疑点核查 lists it (seed 000: 是否为不符合条件贫困户发放), and a 户贷企用 loan as a 提示
    loans.add(office, admin, app(ZHOUTANG, contract_no="B2", use="户贷企用", enterprise="惠民合作社"))
    found = quality.run_audit(office, admin, record=False, today=TODAY).findings
    mine = {f.rule: (f.household, f.message) for f in found if f.rule.startswith("loan_")}
    assert mine == {
        "loan_overridden": (WANGLOU[0], f"农商银行合同B1不符合贷款条件（{refusal}），由admin特批登记"),
        "loan_for_enterprise": (ZHOUTANG[0], "农商银行合同B2为户贷企用（惠民合作社），请核实带贫协议和分红"),
    }


def test_a_village_clerk_sees_only_his_village_and_records_nothing(office, admin):
    loans.add(office, admin, app(ZHOUTANG, contract_no="V1"))
    loans.add(office, admin, app(WANGLOU, contract_no="V2"))
    users.create_user(office, admin, "vc", "村文书密码123", "village_clerk", villages=["石桥镇/周堂村"])
    vc = users.authenticate(office, "vc", "村文书密码123")
    assert [x.contract_no for x in loans.loans(office, vc)] == ["V1"]
    with pytest.raises(PermissionDenied, match="村级用户"):
        loans.add(office, vc, app(ZHOUTANG, contract_no="V3", amount_fen=100))


# --- schedule and overdue -----------------------------------------------------------------------------


def test_overdue_by_the_office_clock_interest_quarterly_principal_at_maturity(office, admin):
    lid = loans.add(office, admin, app(start_on=date(2026, 1, 10), due_on=date(2026, 12, 10)))

    def at(day):
        return loans.detail(office, admin, lid, today=day).info

    assert at(date(2026, 3, 31)).state == loans.NORMAL  # due today, not yet overdue
    late = at(date(2026, 4, 1))
    # 50,000 元 × 80 days (1-10 → 3-31) × 4.35 % ÷ 360 = 483.333… 元 → 483.33
    assert (late.state, late.overdue_since, late.overdue_days, late.interest_unpaid_fen) == (
        loans.OVERDUE,
        date(2026, 3, 31),
        1,
        48_333,
    )
    loans.repay(office, admin, lid, interest_fen=48_333, on=date(2026, 4, 1), today=date(2026, 4, 1))
    assert at(date(2026, 4, 1)).state == loans.NORMAL
    q2 = at(date(2026, 7, 1))
    assert q2.state == loans.OVERDUE and q2.overdue_since == date(2026, 6, 30)
    # to 6-30: 171 days → 1,033.125 元 → 1,033.13 (half up, once, on the exact sum)
    assert q2.interest_due_fen == 103_313 and q2.interest_unpaid_fen == 103_313 - 48_333
    total = loans.round_fen(loans.accrued(5_000_000, [], date(2026, 1, 10), date(2026, 12, 10), 435))
    loans.repay(office, admin, lid, interest_fen=total - 48_333, on=date(2026, 11, 20))
    assert at(date(2026, 12, 10)).state == loans.NORMAL  # the due day itself
    due = at(date(2026, 12, 11))
    assert (due.state, due.overdue_since, due.outstanding_fen) == (
        loans.OVERDUE,
        date(2026, 12, 10),
        5_000_000,
    )
    loans.repay(office, admin, lid, principal_fen=5_000_000, on=date(2026, 12, 11), today=date(2026, 12, 11))
    assert at(date(2026, 12, 11)).state == loans.SETTLED


def test_a_partial_repayment_lowers_the_interest_from_its_day(office, admin):
    lid = loans.add(office, admin, app(start_on=date(2026, 1, 1), due_on=date(2026, 12, 31)))
    loans.repay(office, admin, lid, principal_fen=2_000_000, on=date(2026, 2, 1))
    x = loans.detail(office, admin, lid, today=date(2026, 4, 1)).info
    # 5,000,000 × 31 days + 3,000,000 × 58 days, × 435 ÷ (10000 × 360)
    expected = loans.round_fen(Fraction((5_000_000 * 31 + 3_000_000 * 58) * 435, 10_000 * 360))
    assert x.interest_due_fen == expected and x.outstanding_fen == 3_000_000


def test_an_extension_moves_the_due_date_with_its_approval(office, admin):
    lid = loans.add(office, admin, app(start_on=date(2024, 11, 1), due_on=date(2026, 11, 1)))
    loans.repay(office, admin, lid, interest_fen=1_000_000, on=date(2026, 10, 30))
    assert loans.detail(office, admin, lid).info.state == loans.OVERDUE
    with pytest.raises(InputRejected, match="审批文号不能为空"):
        loans.extend(office, admin, lid, new_due_on=date(2027, 11, 1), approved_by="李主任",
                     approved_on=date(2026, 10, 20), document_no="")  # fmt: skip
    loans.extend(office, admin, lid, new_due_on=date(2027, 11, 1), approved_by="李主任",
                 approved_on=date(2026, 10, 20), document_no="扶贫办〔2026〕展字第3号")  # fmt: skip
    d = loans.detail(office, admin, lid)
    assert d.info.state == loans.EXTENDED and d.info.due_on == date(2027, 11, 1)
    assert d.info.contract_due_on == date(2026, 11, 1)
    assert (d.extensions[0].old_due_on, d.extensions[0].document_no) == (
        date(2026, 11, 1),
        "扶贫办〔2026〕展字第3号",
    )
    with pytest.raises(InputRejected, match="应晚于现在的到期日期"):
        loans.extend(office, admin, lid, new_due_on=date(2027, 10, 1), approved_by="李主任",
                     approved_on=date(2026, 11, 1), document_no="x")  # fmt: skip


def test_due_reminders_look_30_60_90_days_ahead(office, admin):
    loans.add(office, admin, app(ZHOUTANG, contract_no="D1", start_on=date(2024, 6, 1), due_on=TODAY))
    loans.add(office, admin, app(WANGLOU, contract_no="D2", start_on=date(2024, 6, 1),
                                 due_on=TODAY + timedelta(days=31)))  # fmt: skip
    loans.add(office, admin, app(ZHAOZHAI, contract_no="D3", start_on=date(2024, 6, 1),
                                 due_on=TODAY + timedelta(days=90)))  # fmt: skip
    assert [x.contract_no for x in loans.due_soon(office, admin, 30)] == ["D1"]
    assert [x.contract_no for x in loans.due_soon(office, admin, 60)] == ["D1", "D2"]
    assert [x.contract_no for x in loans.due_soon(office, admin, 90)] == ["D1", "D2", "D3"]
    with pytest.raises(InputRejected):
        loans.due_soon(office, admin, 45)
    with office.read() as s:
        assert loans.counts(s, admin, TODAY) == (1, 3)  # D1..D3 have unpaid interest at past quarter ends


# --- the overdue rate ---------------------------------------------------------------------------------


def test_the_overdue_rate_is_exact_per_village_and_bank(office, admin):
    base = loans.detail(office, admin, loans.add(office, admin, app(contract_no="R0"))).info

    def one(village, bank, outstanding, state):
        return replace(base, village=village, bank=bank, outstanding_fen=outstanding, state=state)

    found = [
        one("甲村", "农商银行", 4_950_001, loans.NORMAL),
        one("甲村", "邮储银行", 49_999, loans.OVERDUE),
        one("乙村", "农商银行", 990_000, loans.NORMAL),
        one("乙村", "邮储银行", 10_000, loans.OVERDUE),
        one("乙村", "邮储银行", 0, loans.SETTLED),  # settled: not in the rate
    ]
    by_village = {r.group: r for r in loans.overdue_rates(found, "village", 100)}
    assert by_village["甲村"].rate == Fraction(49_999, 5_000_000) and not by_village["甲村"].flagged
    assert by_village["甲村"].rate_text == "1.00%"  # shown rounded, judged exactly: below 1 %
    assert by_village["乙村"].rate == Fraction(1, 100) and by_village["乙村"].flagged  # 1 % is not below 1 %
    assert (by_village["乙村"].loans, by_village["乙村"].overdue_loans) == (2, 1)
    assert by_village["合计"].rate == Fraction(59_999, 6_000_000) and not by_village["合计"].flagged
    by_bank = {r.group: r for r in loans.overdue_rates(found, "bank", 100)}
    assert by_bank["农商银行"].rate == 0 and not by_bank["农商银行"].flagged
    assert by_bank["邮储银行"].rate == 1 and by_bank["邮储银行"].flagged  # both its loans are overdue
    assert by_bank["邮储银行"].rate_text == "100.00%"
    assert list(by_bank) == ["农商银行", "邮储银行", "合计"]


def test_the_rates_from_the_database(office, admin):
    loans.add(office, admin, app(ZHOUTANG, contract_no="S1", start_on=date(2024, 1, 2), due_on=date(2026, 11, 2),
                                 amount_fen=1_000_000, bank="邮储银行"))  # fmt: skip
    loans.add(office, admin, app(WANGLOU, contract_no="S2", start_on=date(2026, 10, 1), amount_fen=3_000_000))
    rows, alert = loans.rates(office, admin, "village")
    got = {r.group[-3:]: (r.overdue_fen, r.outstanding_fen, r.flagged) for r in rows}  # 石桥镇周堂村 …
    assert alert == 100
    assert got == {"周堂村": (1_000_000, 1_000_000, True), "王楼村": (0, 3_000_000, False),
                   "合计": (1_000_000, 4_000_000, True)}  # fmt: skip


# --- ledger entries -----------------------------------------------------------------------------------


def test_a_repayment_is_reversed_by_a_row_naming_it(office, admin):
    lid = loans.add(office, admin, app())
    eid = loans.repay(office, admin, lid, principal_fen=1_000_000, interest_fen=5_000, on=date(2026, 5, 1))
    assert loans.detail(office, admin, lid).info.outstanding_fen == 4_000_000
    with pytest.raises(Refused, match="超过贷款余额"):
        loans.repay(office, admin, lid, principal_fen=4_000_001)
    with pytest.raises(InputRejected, match="冲正理由不能为空"):
        loans.reverse(office, admin, eid, "")
    rid = loans.reverse(office, admin, eid, "金额录错")
    d = loans.detail(office, admin, lid)
    assert d.info.outstanding_fen == 5_000_000 and d.info.interest_paid_fen == 0
    assert [(e.id, e.kind, e.principal_fen, e.reverses_id, e.reversed_by) for e in d.entries] == [
        (eid, "repay", 1_000_000, None, rid),
        (rid, "reversal", -1_000_000, eid, None),
    ]
    with pytest.raises(Refused, match="已经冲正过"):
        loans.reverse(office, admin, eid, "再冲一次")
    with pytest.raises(Refused, match="本身是冲正"):
        loans.reverse(office, admin, rid, "冲正的冲正")
    with office.read() as s:
        assert s.scalar(select(func.count()).select_from(LoanEntry)) == 2


def test_subsidy_per_quarter_never_more_than_due(office, admin):
    lid = loans.add(office, admin, app(start_on=date(2026, 1, 10)))
    rows = loans.subsidies(office, admin, "2026Q1")
    # 50,000 元 × 81 days (1-10 … 3-31) × 4.35 % ÷ 360
    assert [(r.days, r.due_fen, r.paid_fen) for r in rows] == [(81, 48_938, 0)]
    with pytest.raises(Refused, match="超出"):
        loans.pay_subsidy(office, admin, lid, quarter="2026Q1", amount_fen=48_939)
    eid = loans.pay_subsidy(office, admin, lid, quarter="2026Q1", amount_fen=48_938, on=date(2026, 4, 15))
    assert loans.subsidies(office, admin, "2026q1")[0].paid_fen == 48_938
    with pytest.raises(Refused, match="已贴息489.38元"):
        loans.pay_subsidy(office, admin, lid, quarter="2026Q1", amount_fen=1)
    loans.reverse(office, admin, eid, "重复拨付")
    assert loans.subsidies(office, admin, "2026Q1")[0].paid_fen == 0
    with pytest.raises(InputRejected, match="应写成 2026Q3"):
        loans.subsidies(office, admin, "2026-3")


# --- the bank list import -----------------------------------------------------------------------------


def _bank_list(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["农商银行扶贫小额信贷放款清单"])
    ws.append([])
    ws.append(["序号", "借款人姓名", "身份证号码", "合同 编号", "贷款金额（元）", "放款日期", "到期日期",
               "年利率(%)", "贴息利率（%）", "贴息资金来源", "使用方式", "企业名称", "信用等级"])  # fmt: skip
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    ws.append(["合计", None, None, None, 80000])
    wb.save(path)
    return path


GOOD = [
    ["王丽志", ZHOUTANG[1], "NS-001", "50000", "2026-03-01", "2029-03-01", "4.35", "4.35", "县财政", "户贷户用", "", "良好"],
    ["周德顺", WANGLOU[1], "NS-002", 30000, date(2026, 4, 2), "2028/04/02", 4.35, "", "", "户贷企用", "惠民合作社", ""],
]  # fmt: skip


def test_the_bank_list_imports_once_and_again_adds_nothing(office, admin, tmp_path):
    path = _bank_list(tmp_path / "放款清单.xlsx", GOOD)
    result = loan_import.import_loans(office, admin, path, bank="农商银行")
    assert (result.rows, result.added, result.unchanged) == (2, 2, 0)
    again = loan_import.import_loans(office, admin, path, bank="农商银行")
    assert (again.added, again.unchanged) == (0, 2)
    found = {x.contract_no: x for x in loans.loans(office, admin)}
    assert found["NS-002"].use_text == "户贷企用（惠民合作社）" and found["NS-002"].subsidy_rate_bp == 0
    assert found["NS-001"].amount_fen == 5_000_000 and found["NS-001"].due_on == date(2029, 3, 1)


def test_a_bad_bank_list_writes_nothing_and_names_every_row(office, admin, tmp_path):
    stranger = idnumber.make("411423", date(1980, 5, 5), 11)
    bad = GOOD + [
        ["张三", "41142319800505001", "NS-003", "10000", "2026-03-01", "2027-03-01", "4.35", "", "", "", "", ""],
        ["李四", stranger, "NS-004", "10000", "2026-13-01", "2027-03-01", "4.35", "", "", "", "", ""],
        ["李四", stranger, "NS-005", "10000", "2026-03-01", "2027-03-01", "4.35", "", "", "", "", ""],
        ["魏国福", ZHAOZHAI[1], "NS-006", "50000.01", "2026-03-01", "2027-03-01", "4.35", "", "", "", "", ""],
    ]  # fmt: skip
    path = _bank_list(tmp_path / "放款清单.xlsx", bad)
    with pytest.raises(RowsRejected) as caught:
        loan_import.import_loans(office, admin, path, bank="农商银行")
    said = [str(e) for e in caught.value.errors]
    assert said[0].startswith("第6行 身份证号码：") and said[1].startswith("第7行 放款日期：")
    assert len(said) == 2  # rows are read first: the cells' errors stop the import before any matching
    assert caught.value.errors_file and (tmp_path / "放款清单.errors.xlsx").exists()
    with office.read() as s:
        assert s.scalar(select(func.count()).select_from(Loan)) == 0
    # the cells fixed: now the rows meet the roster and the rules, still nothing written on any error
    bad[2][1], bad[3][4] = ZHAOZHAI[1], "2026-03-01"
    path = _bank_list(tmp_path / "放款清单.xlsx", bad)
    with pytest.raises(RowsRejected) as caught:
        loan_import.import_loans(office, admin, path, bank="农商银行")
    assert [str(e) for e in caught.value.errors] == [
        "第6行 借款人姓名：“张三”与户籍名单中的“魏国福”不一致",
        "第7行 身份证号码：李四不在户籍名单（现有成员）中",
        "第8行 身份证号码：李四不在户籍名单（现有成员）中",
        "第9行 贷款资格：贷款金额50,000.01元超过50,000.00元；"
        "该户未还贷款本金0.00元，加上本笔共50,000.01元，超过每户50,000.00元",
    ]
    with office.read() as s:
        assert s.scalar(select(func.count()).select_from(Loan)) == 0
    cells = [
        c for row in load_workbook(caught.value.errors_file).active.iter_rows(values_only=True) for c in row
    ]
    assert "借款人姓名" in cells and 9 in cells


# --- prints and the command line ----------------------------------------------------------------------


def _drawn(path) -> str:
    with pdfplumber.open(path) as pdf:
        return re.sub(r"\s+", "", "".join(c["text"] for page in pdf.pages for c in page.chars))


def _printable(office, admin):
    late = loans.add(office, admin, app(ZHOUTANG, contract_no="P-LATE", start_on=date(2024, 11, 1),
                                        due_on=date(2026, 11, 1), amount_fen=2_000_000))  # fmt: skip
    ok = loans.add(office, admin, app(WANGLOU, contract_no="P-OK", start_on=date(2026, 10, 1), use="户贷企用",
                                      enterprise="惠民辣椒合作社", due_on=TODAY + timedelta(days=20)))  # fmt: skip
    loans.pay_subsidy(office, admin, ok, quarter="2026Q4", amount_fen=100)
    return late, ok


def test_the_ledgers_print_what_went_in_and_no_id_number(office, admin, tmp_path):
    _printable(office, admin)
    out = tmp_path / "台账.pdf"
    printed = loan_reports.loan_ledger(office, admin, out, today=TODAY)
    text = _drawn(out)
    assert printed.rows == 2
    for word in ("扶贫小额信贷台账", "P-LATE", "P-OK", "王丽志", "周德顺", "20,000.00", "50,000.00", "70,000.00",
                 "逾期689天", "户贷企用：惠民辣椒合作社", "全额贴息", "2026-11-01", ZHOUTANG[0]):  # fmt: skip
        assert word in text, word
    assert ZHOUTANG[1] not in text and WANGLOU[1] not in text
    overdue = tmp_path / "逾期.pdf"
    loan_reports.overdue_ledger(office, admin, overdue, today=TODAY)
    text = _drawn(overdue)
    assert "逾期贷款台账" in text and "P-LATE" in text and "P-OK" not in text
    assert "周堂村100.00%（超警戒线）" in text and "王楼村0.00%" in text
    assert "合计28.57%（超警戒线）（20,000.00/70,000.00）" in text
    assert "逾期率=逾期贷款本金余额÷贷款本金余额" in text and "警戒线1.00%" in text
    due = tmp_path / "到期.pdf"
    loan_reports.due_ledger(office, admin, due, days=30, today=TODAY)
    assert "P-OK" in _drawn(due) and "P-LATE" not in _drawn(due)
    sub = tmp_path / "贴息.pdf"
    loan_reports.subsidy_ledger(office, admin, sub, quarter="2026Q4", today=TODAY)
    text = _drawn(sub)
    assert "2026年第4季度贴息清单" in text and "1.00" in text and "P-OK" in text
    xlsx = tmp_path / "逾期.xlsx"
    loan_reports.overdue_ledger(office, admin, xlsx, xlsx=True, today=TODAY)
    cells = [c for row in load_workbook(xlsx).active.iter_rows(values_only=True) for c in row if c]
    assert "P-LATE" in cells and any(str(c).startswith("说明：逾期率") for c in cells)


def test_the_command_line(office, db_url, cli_login, tmp_path, capsys):
    def run(*words):
        code = main(["--db", db_url, "--json", *words])
        out = capsys.readouterr().out
        return code, json.loads(out) if out.strip() else None

    code, got = run("loans", "add", "--household", ZHOUTANG[0], "--borrower", ZHOUTANG[1], "--bank", "农商银行",
                    "--contract", "C-1", "--amount", "50000.01", "--start", "2026-03-01", "--due", "2029-03-01",
                    "--rate", "4.35")  # fmt: skip
    assert code == 3 and "超过50,000.00元" in got["error"]
    code, got = run("loans", "add", "--household", ZHOUTANG[0], "--borrower", ZHOUTANG[1], "--bank", "农商银行",
                    "--contract", "C-1", "--amount", "50000", "--start", "2026-03-01", "--due", "2029-03-01",
                    "--rate", "4.35", "--subsidy-rate", "4.35", "--subsidy-payer", "县财政")  # fmt: skip
    assert code == 0 and got["state"] == "逾期"  # no interest paid at 3-31, 6-30, 9-30
    lid = got["id"]
    code, got = run("loans", "repay", str(lid), "--principal", "100", "--date", "2026-05-01")
    assert code == 0 and got["outstanding_fen"] == 4_990_000
    code, got = run("loans", "show", str(lid))
    entry = got["entries"][0]["id"]
    assert run("loans", "reverse", str(entry), "--reason", "录错")[0] == 0
    code, got = run("loans", "list", "--state", "逾期")
    assert code == 0 and got["count"] == 1 and got["loans"][0]["outstanding_fen"] == 5_000_000
    code, got = run("loans", "overdue")
    assert code == 0 and got["by_bank"][0]["group"] == "农商银行" and got["by_bank"][0]["rate"] == "100.00%"
    assert got["by_bank"][0]["rate_exact"] == "1/1" and "逾期率" in got["definition"]
    code, got = run("loans", "due", "--days", "90")
    assert code == 0 and got["count"] == 0
    path = _bank_list(tmp_path / "清单.xlsx", GOOD[1:])
    code, got = run("loans", "import", str(path), "--bank", "农商银行")
    assert code == 0 and got["added"] == 1
    code, got = run("print", "ledger", "loans-overdue", "--out", str(tmp_path / "o.pdf"))
    assert code == 0 and (tmp_path / "o.pdf").exists()
