"""The bank's loan list (放款清单, .xlsx) imported all or nothing, like the roster.

The file is hostile until checked: the same bounds as a roster (roster_read.read_first_sheet); the header is
found by its text within the first 15 rows (any order, extra columns, spaces and full-width brackets
tolerated); every row is checked — its cells, then the borrower (a current member found by ID number), then the
eligibility rules of desktop.services.loans.loans — before anything is written. Any error: nothing is written,
every error is reported as 第N行 列名：原因 (N the Excel row) and listed in FILE.errors.xlsx beside the file, as
the roster import does. A contract already recorded with the same borrower, amount and dates is counted
unchanged, so importing the same list again adds nothing; the same contract with other figures is an error.
An import never overrides a refusal: such a loan is recorded one by one by an administrator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop import clock, money
from desktop.db import Database
from desktop.errors import InputRejected, RowError, RowsRejected, ServiceError
from desktop.models import Household, Loan, Member
from desktop.models.loans import CREDIT_GRADES, LOAN_FEN, USES
from desktop.services.households import idnumber
from desktop.services.loans import loans
from desktop.services.roster.roster_read import read_first_sheet
from desktop.services.system import audit
from desktop.services.system.actor import Actor

HEADERS = {
    "name": ("借款人姓名", "借款人", "姓名", "客户名称"),
    "id_number": ("身份证号码", "证件号码", "借款人身份证号", "借款人身份证号码", "身份证号"),
    "bank": ("贷款银行", "放款银行", "经办银行", "银行", "贷款机构"),
    "contract_no": ("合同编号", "借款合同编号", "合同号", "借据号", "借据编号"),
    "amount": ("贷款金额", "放款金额", "金额", "借款金额"),
    "start_on": ("放款日期", "发放日期", "贷款日期", "借款日期"),
    "due_on": ("到期日期", "到期日", "贷款到期日"),
    "rate": ("年利率", "执行利率", "利率"),
    "subsidy_rate": ("贴息利率", "贴息率", "贴息年利率"),
    "subsidy_payer": ("贴息资金来源", "贴息单位", "贴息主体"),
    "use": ("使用方式", "贷款使用方式", "用款方式"),
    "enterprise": ("企业名称", "带贫企业", "使用企业", "合作社名称"),
    "guarantee": ("担保方式", "风险补偿金", "担保"),
    "credit_grade": ("信用等级", "信用评级"),
}
REQUIRED = ("name", "id_number", "contract_no", "amount", "start_on", "due_on", "rate")
TITLES = {key: names[0] for key, names in HEADERS.items()}


def _clean(cell: Any) -> str:
    return re.sub(r"\s+", "", str(cell)) if cell not in (None, "") else ""


def _header(rows: list[list]) -> tuple[int, dict[str, int]]:
    for r, row in enumerate(rows[:15]):
        found: dict[str, int] = {}
        for c, cell in enumerate(row):
            text = _clean(cell).replace("（", "(").split("(")[0]
            for key, names in HEADERS.items():
                if key not in found and text in names:
                    found[key] = c
        if "id_number" in found and "contract_no" in found:
            missing = [TITLES[k] for k in REQUIRED if k not in found]
            if missing:
                raise InputRejected(f"第{r + 1}行表头缺少列：{'、'.join(missing)}")
            return r, found
    raise InputRejected("找不到表头：前15行中没有“身份证号码”和“合同编号”列，请确认这是银行的放款清单。")


@dataclass
class ImportResult:
    rows: int = 0
    added: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_file: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "added": self.added,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
            "errors_file": self.errors_file,
        }


def _amount(cell: Any, row: int, title: str, errors: list[RowError]) -> int:
    try:
        fen = money.fen_of_yuan(Decimal(str(cell).replace(",", "").replace("，", "").strip()))
    except (InvalidOperation, ValueError):
        errors.append(RowError(row, title, f"“{cell}”不是金额"))
        return 0
    if not 1 <= fen <= LOAN_FEN:
        errors.append(RowError(row, title, f"金额{cell}不合理"))
        return 0
    if fen != Decimal(str(cell).replace(",", "").replace("，", "").strip()) * 100:
        errors.append(RowError(row, title, f"金额{cell}超过两位小数"))
    return fen


def _day(cell: Any, row: int, title: str, errors: list[RowError]) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = str(cell or "").strip().replace("/", "-").replace(".", "-")
    m = re.fullmatch(r"(\d{4})[-年](\d{1,2})[-月](\d{1,2})日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        pass
    errors.append(RowError(row, title, f"“{cell}”不是日期（应写成 2026-11-25）"))
    return None


def _rate(cell: Any, row: int, title: str, errors: list[RowError]) -> int:
    if isinstance(cell, float) and 0 < cell < 1:  # a cell formatted as a percentage holds 0.0435
        cell = Decimal(str(cell)) * 100
    try:
        return loans.parse_rate(cell, title)
    except InputRejected as exc:
        errors.append(RowError(row, title, exc.message.split("：", 1)[-1]))
        return 0


@dataclass(frozen=True)
class BankRow:
    row: int
    id_number: str
    name: str
    app: loans.Application


def _read_row(
    row: list, excel_row: int, cols: dict[str, int], titles: dict[str, str], bank: str, errors: list[RowError]
) -> BankRow | None:
    """One data row checked cell by cell; its errors go to `errors` (None when it has any)."""
    before = len(errors)

    def cell(key: str) -> Any:
        c = cols.get(key)
        return row[c] if c is not None and c < len(row) else None

    def need(key: str) -> str:
        text = str(cell(key) or "").strip()
        if not text:
            errors.append(RowError(excel_row, titles.get(key, TITLES[key]), "不能为空"))
        return text

    raw = cell("id_number")
    number = ""
    if isinstance(raw, float):
        errors.append(RowError(excel_row, titles["id_number"], "证件号码被Excel存成了数字，后几位已丢失"))
    else:
        number = idnumber.normalize(str(raw or ""))
        problem = idnumber.validate(number, today=clock.today())
        if problem is not None:
            errors.append(RowError(excel_row, titles["id_number"], str(problem.message)))
    name = need("name")
    contract = need("contract_no")
    the_bank = str(cell("bank") or "").strip() or bank.strip()
    if not the_bank:
        errors.append(RowError(excel_row, titles.get("bank", "贷款银行"), "不能为空"))
    amount = _amount(cell("amount"), excel_row, titles["amount"], errors) if need("amount") else 0
    start = _day(cell("start_on"), excel_row, titles["start_on"], errors) if need("start_on") else None
    due = _day(cell("due_on"), excel_row, titles["due_on"], errors) if need("due_on") else None
    rate = _rate(cell("rate"), excel_row, titles["rate"], errors) if need("rate") else 0
    sub = cell("subsidy_rate")
    subsidy = _rate(sub, excel_row, titles.get("subsidy_rate", ""), errors) if sub not in (None, "") else 0
    use = str(cell("use") or "").strip() or USES[0]
    if use not in USES:
        errors.append(RowError(excel_row, titles["use"], f"“{use}”应为{'或'.join(USES)}"))
    grade = str(cell("credit_grade") or "").strip() or "良好"
    if grade not in CREDIT_GRADES:
        errors.append(RowError(excel_row, titles["credit_grade"], f"“{grade}”应为{'、'.join(CREDIT_GRADES)}"))
    if len(errors) > before or start is None or due is None:
        return None
    app = loans.Application(
        household="-",  # found from the borrower's ID number when the rows are matched
        borrower=number,
        bank=the_bank,
        contract_no=contract,
        amount_fen=amount,
        start_on=start,
        due_on=due,
        rate_bp=rate,
        subsidy_rate_bp=subsidy,
        subsidy_payer=str(cell("subsidy_payer") or "").strip(),
        use=use,
        enterprise=str(cell("enterprise") or "").strip(),
        guarantee=str(cell("guarantee") or "").strip(),
        credit_grade=grade,
    )
    try:
        loans.check_form(app)
    except InputRejected as exc:
        errors.append(RowError(excel_row, "整行", exc.message))
        return None
    return BankRow(excel_row, number, name, app)


def read_loans(path: str | Path, bank: str = "") -> list[BankRow]:
    """Every row checked cell by cell (RowsRejected with every error, nothing read half)."""
    _sheet, rows = read_first_sheet(path)
    head, cols = _header(rows)
    titles = {key: _clean(rows[head][c]) or TITLES[key] for key, c in cols.items()}
    if "bank" not in cols and not bank.strip():
        raise InputRejected("清单中没有“贷款银行”列：请在导入时指定银行")
    errors: list[RowError] = []
    out: list[BankRow] = []
    for r in range(head + 1, len(rows)):
        row = rows[r]
        if all(v in (None, "") for v in row) or "合计" in "".join(_clean(v) for v in row[:3]):
            continue
        found = _read_row(row, r + 1, cols, titles, bank, errors)
        if found is not None:
            out.append(found)
    if errors:
        raise RowsRejected(errors, summary=f"放款清单有 {len(errors)} 处错误，未导入任何数据。")
    if not out:
        raise InputRejected("放款清单中没有数据行")
    return out


class _Rejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors


def import_loans(
    db: Database, actor: Actor, path: str | Path, *, bank: str = "", write_errors_file: bool = True
) -> ImportResult:
    """导入放款清单: all rows or none (see the module's doc)."""
    loans.township_user(actor, "导入放款清单")
    path = Path(path)
    result = ImportResult()
    try:
        read = read_loans(path, bank)
    except RowsRejected as exc:
        _reject(result, exc.errors, path, write_errors_file)
    result.rows = len(read)
    try:
        with db.write() as s:
            limits = loans.Limits.read(s)
            errors: list[RowError] = []
            seen: dict[tuple[str, str], int] = {}
            for r in read:
                key = (r.app.bank, r.app.contract_no)
                if key in seen:
                    errors.append(RowError(r.row, "合同编号", f"与第{seen[key]}行重复"))
                    continue
                seen[key] = r.row
                m = s.scalar(select(Member).where(Member.id_number == r.id_number, Member.left_at.is_(None)))
                if m is None:
                    errors.append(
                        RowError(r.row, "身份证号码", f"{r.name}不在户籍名单（现有成员）中", person=r.name)
                    )
                    continue
                h = s.get(Household, m.household_id)
                if actor.village_ids is not None and h.village_id not in actor.village_ids:
                    errors.append(RowError(r.row, "身份证号码", "不是本人管辖村的农户", household=h.code))
                    continue
                if m.name != r.name:
                    errors.append(RowError(r.row, "借款人姓名", f"“{r.name}”与户籍名单中的“{m.name}”不一致"))
                    continue
                old = s.scalar(select(Loan).where(Loan.bank == key[0], Loan.contract_no == key[1]))
                if old is not None:
                    same = (old.member_id, old.amount_fen, old.start_on, old.due_on) == (
                        m.id,
                        r.app.amount_fen,
                        r.app.start_on,
                        r.app.due_on,
                    )
                    if same:
                        result.unchanged += 1
                    else:
                        errors.append(RowError(r.row, "合同编号", "该合同已登记，但借款人、金额或日期不同"))
                    continue
                app = replace(r.app, household=h.code)
                refused = loans.refusals(s, h, m, app, limits)
                if refused:
                    errors.append(
                        RowError(r.row, "贷款资格", "；".join(refused), household=h.code, person=m.name)
                    )
                    continue
                loans.store_loan(s, actor, app, h, m, [], "", "导入")
                s.flush()  # the next row of the same household counts this loan in its limit
                result.added += 1
            if errors:
                raise _Rejected(errors)
            audit.record(
                s,
                actor.username,
                "loan.import",
                entity="loan",
                key=path.name,
                after={"rows": result.rows, "added": result.added, "unchanged": result.unchanged},
            )
    except _Rejected as exc:
        _reject(ImportResult(rows=result.rows), exc.errors, path, write_errors_file)
    return result


def _reject(result: ImportResult, errors: list[RowError], path: Path, write_errors_file: bool) -> None:
    errors.sort(key=lambda e: (e.row, e.column))
    result.errors = errors
    errors_file = ""
    if write_errors_file:
        from desktop.reports.roster_xlsx import write_errors_workbook  # lazy: openpyxl loads only on errors

        try:
            errors_file = str(write_errors_workbook(path, errors, None, checked_on=clock.today()))
        except (OSError, ServiceError):
            errors_file = ""
    raise RowsRejected(
        errors, summary=f"放款清单有 {len(errors)} 处错误，未导入任何数据。", errors_file=errors_file
    )
