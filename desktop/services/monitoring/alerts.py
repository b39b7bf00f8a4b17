"""部门筛查预警: a department's warning list (医保 large medical bills, 民政 assistance, 残联 …) read from Excel and
matched to households by ID number; each matched person becomes a risk event of source 部门筛查预警, which the
next screening proposes (desktop.services.monitoring.monitoring). Nobody is included by the import itself.

The file is hostile until checked: the same bounds as a roster (desktop.services.roster.roster_read), every row
checked before any is written (a bad ID number or amount is reported as 第N行 列名：原因 and nothing is written),
people not on the roster are listed back, not guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop import clock, limits, money
from desktop.db import Database
from desktop.errors import InputRejected, RowError, RowsRejected
from desktop.models import Household, Member, RiskEvent
from desktop.reports.mask import mask
from desktop.services.households import idnumber
from desktop.services.roster.roster_read import read_first_sheet
from desktop.services.system import audit
from desktop.services.system.actor import Actor

HEADERS = {
    "id_number": ("证件号码", "身份证号码", "身份证号", "公民身份号码"),
    "name": ("姓名", "患者姓名", "救助对象"),
    "kind": ("预警类型", "风险类型", "预警类别", "类别", "救助类别"),
    "amount": ("金额", "自付金额", "自付费用", "医疗费用", "支出金额", "救助金额"),
    "date": ("日期", "预警日期", "发生日期", "就诊日期", "救助日期"),
    "note": ("说明", "备注", "预警原因", "情况说明"),
}
# 类别 text → risk kind; anything else is 其他 (the department's own words stay in the note).
KIND_WORDS = (
    ("因病", ("病", "医", "住院", "医疗")),
    ("因残", ("残",)),
    ("因灾", ("灾", "火", "洪", "旱")),
    ("因意外事故", ("事故", "意外", "伤")),
    ("因学", ("学",)),
    ("就业中断/务工收入骤减", ("失业", "务工", "就业", "停工")),
    ("产业失败", ("产业", "养殖", "种植")),
)


def _kind(text: str) -> str:
    for kind, words in KIND_WORDS:
        if any(w in text for w in words):
            return kind
    return "其他"


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
        if "id_number" in found:
            return r, found
    raise InputRejected("找不到表头：前15行中没有“证件号码”或“身份证号码”列，请确认这是部门预警名单。")


@dataclass(frozen=True)
class AlertRow:
    row: int  # Excel row number
    id_number: str
    name: str
    kind_text: str
    amount_fen: int
    on: date | None
    note: str


@dataclass
class AlertResult:
    department: str
    events: int = 0  # risk events recorded
    matched: list[dict] = field(default_factory=list)  # {"row", "household", "head"}
    unmatched: list[dict] = field(default_factory=list)  # {"row", "name", "id_number" (masked)}
    repeated: int = 0  # rows already imported before (same household, day and words)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _amount(cell: Any, row: int, column: str, errors: list[RowError]) -> int:
    if cell in (None, ""):
        return 0
    try:
        fen = money.fen_of_yuan(Decimal(str(cell).replace(",", "").replace("，", "").strip()))
    except (InvalidOperation, ValueError):
        errors.append(RowError(row, column, f"“{cell}”不是金额"))
        return 0
    if not 0 <= fen <= limits.INCOME_FEN:
        errors.append(RowError(row, column, f"金额{cell}不合理"))
        return 0
    return fen


def _day(cell: Any, row: int, column: str, errors: list[RowError]) -> date | None:
    if cell in (None, ""):
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = str(cell).strip().replace("/", "-").replace(".", "-")
    m = re.fullmatch(r"(\d{4})[-年](\d{1,2})[-月](\d{1,2})日?", text)
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        pass
    errors.append(RowError(row, column, f"“{cell}”不是日期（应写成 2026-11-25）"))
    return None


def read_alerts(path: str | Path) -> list[AlertRow]:
    _sheet, rows = read_first_sheet(path)
    head, cols = _header(rows)
    titles = {key: _clean(rows[head][c]) for key, c in cols.items()}
    today = clock.today()
    errors: list[RowError] = []
    out: list[AlertRow] = []
    for r in range(head + 1, len(rows)):
        row = rows[r]
        excel_row = r + 1

        def cell(key: str, row=row) -> Any:
            c = cols.get(key)
            return row[c] if c is not None and c < len(row) else None

        raw = cell("id_number")
        if all(v in (None, "") for v in row) or "合计" in "".join(_clean(v) for v in row[:3]):
            continue
        if isinstance(raw, float):  # Excel kept it as a number: the last digits are gone
            errors.append(RowError(excel_row, titles["id_number"], "证件号码被Excel存成了数字，后几位已丢失"))
            continue
        number = idnumber.normalize(str(raw or ""))
        problem = idnumber.validate(number, today=today)
        if problem is not None:
            errors.append(RowError(excel_row, titles["id_number"], str(problem.message)))
            continue
        amount = _amount(cell("amount"), excel_row, titles.get("amount", "金额"), errors)
        on = _day(cell("date"), excel_row, titles.get("date", "日期"), errors)
        if on is not None and on > today:
            errors.append(RowError(excel_row, titles["date"], f"{clock.cn_date(on)}还没有到"))
        out.append(
            AlertRow(
                excel_row, number, _clean(cell("name")), _clean(cell("kind")), amount, on,
                str(cell("note") or "").strip()[:200],
            )
        )  # fmt: skip
    if errors:
        raise RowsRejected(errors, summary=f"预警名单有 {len(errors)} 处错误，未导入任何数据。")
    if not out:
        raise InputRejected("预警名单中没有数据行")
    return out


def import_alerts(
    db: Database, actor: Actor, path: str | Path, department: str, *, on: date | None = None
) -> AlertResult:
    """Read, check every row, then record one risk event per matched person in one transaction."""
    actor.require("household.edit", "导入部门预警名单")
    department = department.strip()
    if not department:
        raise InputRejected("请写明预警来自哪个部门（如：县医保局）")
    on = on or clock.today()
    rows = read_alerts(path)
    result = AlertResult(department)
    with db.write() as s:
        numbers = {r.id_number for r in rows}
        people: dict[str, tuple[int, str, str, int | None]] = {}
        found = s.execute(
            select(Member.id_number, Household.id, Household.code, Household.head_name, Household.village_id)
            .join(Household, Household.id == Member.household_id)
            .where(Member.id_number.in_(numbers), Member.left_at.is_(None))
        ).all()
        for idn, hid, code, head, village_id in found:
            people[idn] = (hid, code, head, village_id)
        for r in rows:
            who = people.get(r.id_number)
            if who is None or (actor.village_ids is not None and who[3] not in actor.village_ids):
                result.unmatched.append(
                    {"row": r.row, "name": r.name, "id_number": mask("id_number", r.id_number)}
                )
                continue
            hid, code, head, _v = who
            words = "：".join(p for p in (r.kind_text, r.note) if p)
            note = f"{department}预警（{r.name or '—'}）" + (f"：{words}" if words else "")
            day = r.on or on
            twice = s.scalar(
                select(RiskEvent.id).where(
                    RiskEvent.household_id == hid, RiskEvent.source == "部门筛查预警",
                    RiskEvent.occurred_on == day, RiskEvent.note == note,
                )
            )  # fmt: skip
            if twice is not None:
                result.repeated += 1
                continue
            s.add(
                RiskEvent(
                    household_id=hid, kind=_kind(r.kind_text + r.note), occurred_on=day, loss_fen=r.amount_fen,
                    source="部门筛查预警", note=note, recorded_by=actor.username,
                )
            )  # fmt: skip
            result.events += 1
            result.matched.append({"row": r.row, "household": code, "head": head})
        audit.record(
            s, actor.username, "monitor.alerts", entity="risk_event", key=department,
            after={"file": Path(path).name, "events": result.events, "unmatched": len(result.unmatched),
                   "repeated": result.repeated},
        )  # fmt: skip
    return result
