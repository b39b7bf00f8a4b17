"""防返贫监测 (monitoring): risk events, the monthly screening, 纳入 and 风险消除.

From the seeds:
- seed 000 回头看 四(一)1: “对符合贫困标准的农户要做到应纳尽纳、并及时纳入” and “对未纳入建档立卡的边缘户和其他低收入
  农户进行排查” — the screening looks at every household, registered or not.
- seed 000: “建立健全稳定脱贫长效机制,及时发现解决返贫问题,确保做到“返贫即入”” — a recent risk event whose loss is
  large against the household's income is proposed at once, whatever the card colour.
- seed 001 三(一): “对因重病重灾致贫返贫的,及时安排力量,做到精准帮扶” — events are recorded with their kind and loss,
  and measures can name the event they address.
- seed 000: “做到“应进则进、应退慎退”” — nothing comes in without a clerk's decision (a proposal is accepted or
  dismissed with a reason), and nothing goes out before the income has stayed above the line for a set time
  (monitoring.close_months) and the risk is gone.
- seed 000 四(一)1: “严格按照程序,逐级报批,并做好资料归档工作” — 纳入 and 风险消除 go through 提出 → 村级评议 →
  村公示 → 乡镇审核 → 县审定, one step after the other, each dated; 自然消除 (moved away, died) keeps its evidence in
  the household's archive.
- seed 003: “监测户收入明细核查、应算尽算” — an income check counts every source and divides by the people.

The 监测范围 is a line per year (the county's, set by the office); where a year has none, the poverty line of
the year times monitoring.line_percent (a default, not from the seeds) stands in, and the screening says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from desktop import clock, limits, money
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied, Refused
from desktop.models import Household, IncomeYear, Village
from desktop.models.base import utcnow
from desktop.models.monitoring import (
    CASE_TYPES,
    OPEN_STATES,
    RISK_KINDS,
    RISK_SOURCES,
    STEPS,
    CaseStep,
    IncomeCheck,
    MonitoringCase,
    MonitoringLine,
    RiskEvent,
    ScreeningProposal,
    ScreeningRun,
)
from desktop.services.archives import archives
from desktop.services.households.households import household_for, village_labels, village_scope
from desktop.services.plans import plans
from desktop.services.system import attachments, audit, settings
from desktop.services.system.actor import Actor

STATE_NAMES = {
    "including": "纳入程序中",
    "monitored": "监测中",
    "closing": "风险消除程序中",
    "closed": "已消除",
    "not_included": "未纳入",
}
CLOSURE_NAMES = {"risk_eliminated": "风险消除", "natural": "自然消除", "not_included": "未通过"}
PHASE_NAMES = {"include": "纳入", "close": "风险消除"}
FIRST_STEP = {"include": "农户申报/干部排查", "close": "入户核实"}
REASON_NAMES = {"income": "收入低于监测范围", "event": "风险事件", "alert": "部门预警"}
NATURAL_REASONS = ("户籍迁出", "死亡", "其他")
# 乡镇审核 and 县审定 are recorded by the township office, not by a village's own clerk.
TOWNSHIP_STEPS = ("乡镇审核", "县审定")


def step_name(phase: str, step: str) -> str:
    return FIRST_STEP[phase] if step == "提出" else step


# --- the line --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    year: int
    fen: int | None
    how: str  # 设定 | 按贫困线的N%（默认） | "" (none)


def line_in(session: Session, year: int) -> Line:
    row = session.get(MonitoringLine, year)
    if row is not None:
        return Line(year, row.line_fen, "设定")
    poverty = plans._threshold(session, year)
    if poverty is None:
        return Line(year, None, "")
    percent = int(settings.get_in(session, "monitoring.line_percent"))
    return Line(year, poverty.poverty_line * percent // 100, f"按贫困线的{percent}%（默认值）")


def line(db: Database, year: int) -> Line:
    with db.read() as s:
        return line_in(s, year)


def set_line(db: Database, actor: Actor, year: int, line_fen: int) -> None:
    """The county's 监测范围 for a year (per-capita net income, fen)."""
    actor.require("settings", "设定监测范围")
    plans.check_year(year)
    money.check_fen(line_fen, "监测范围", max_fen=limits.INCOME_FEN)
    with db.write() as s:
        row = s.get(MonitoringLine, year)
        before = row.line_fen if row else None
        if row is None:
            s.add(MonitoringLine(year=year, line_fen=line_fen, set_by=actor.username))
        else:
            row.line_fen, row.set_by, row.set_at = line_fen, actor.username, utcnow()
        audit.record(
            s, actor.username, "monitor.line", entity="monitoring_line", key=str(year),
            before={"line_fen": before}, after={"line_fen": line_fen},
        )  # fmt: skip


# --- risk events -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventInfo:
    id: int
    code: str
    head: str
    village: str
    kind: str
    occurred_on: date
    loss_fen: int
    source: str
    note: str
    recorded_by: str
    voided: bool
    void_reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "household": self.code,
            "head": self.head,
            "village": self.village,
            "kind": self.kind,
            "date": self.occurred_on.isoformat(),
            "loss_fen": self.loss_fen,
            "source": self.source,
            "note": self.note,
            "voided": self.voided,
            "void_reason": self.void_reason,
        }


def _check_past(on: date, what: str) -> date:
    today = clock.today()
    if on > today:
        raise InputRejected(f"{what}{clock.cn_date(on)}还没有到")
    if on < date(2000, 1, 1):
        raise InputRejected(f"{what}{clock.cn_date(on)}不合理")
    return on


def add_event(
    db: Database,
    actor: Actor,
    code: str,
    kind: str,
    occurred_on: date,
    *,
    loss_fen: int = 0,
    source: str = "干部排查",
    note: str = "",
    files: list[tuple[str, bytes]] = (),
) -> int:
    """A risk event; `files` (a hospital bill, a disaster assessment) go into the household's archive under
    防返贫监测记录, named for the event."""
    actor.require("household.edit", "登记风险事件")
    if kind not in RISK_KINDS:
        raise InputRejected(f"风险类别“{kind}”无效，可选：{'、'.join(RISK_KINDS)}")
    if source not in RISK_SOURCES:
        raise InputRejected(f"信息来源“{source}”无效，可选：{'、'.join(RISK_SOURCES)}")
    _check_past(occurred_on, "发生日期")
    money.check_fen(loss_fen, "损失或支出", max_fen=limits.INCOME_FEN, min_fen=0)
    checked = [
        attachments.check_file(name, data) for name, data in files
    ]  # refused before anything is written
    with db.write() as s:
        h = household_for(s, actor, code)
        e = RiskEvent(
            household_id=h.id,
            kind=kind,
            occurred_on=occurred_on,
            loss_fen=loss_fen,
            source=source,
            note=note.strip(),
            recorded_by=actor.username,
        )
        s.add(e)
        s.flush()
        if checked:
            words = f"风险事件{e.id}（{clock.cn_date(occurred_on)}{kind}）的材料"
            archives.record_in(s, actor, h, "monitoring", done_on=occurred_on, note=words, files=checked)
        audit.record(
            s, actor.username, "monitor.event", entity="household", key=h.code,
            after={"id": e.id, "kind": kind, "date": occurred_on.isoformat(), "loss_fen": loss_fen, "source": source},
        )  # fmt: skip
        return e.id


def void_event(db: Database, actor: Actor, event_id: int, reason: str) -> None:
    """A wrongly entered event is voided with the reason; it stays on record (and off the screening)."""
    actor.require("household.edit", "作废风险事件")
    if not reason.strip():
        raise InputRejected("请写明作废的原因")
    with db.write() as s:
        e = s.get(RiskEvent, event_id)
        if e is None:
            raise NotFound(f"风险事件{event_id}不存在")
        h = s.get(Household, e.household_id)
        household_for(s, actor, h.code)  # the village clerk's own villages only
        if e.voided_at is not None:
            raise Refused(f"风险事件{event_id}已作废")
        e.voided_at, e.voided_by, e.void_reason = utcnow(), actor.username, reason.strip()
        audit.record(
            s, actor.username, "monitor.event_void", entity="household", key=h.code,
            after={"id": e.id, "reason": reason.strip()},
        )  # fmt: skip


def _event_rows(session: Session, condition) -> list[EventInfo]:
    q = (
        select(RiskEvent, Household.code, Household.head_name, Household.village_id)
        .join(Household, Household.id == RiskEvent.household_id)
        .where(condition)
        .order_by(RiskEvent.occurred_on.desc(), RiskEvent.id.desc())
    )
    labels = village_labels(session)
    return [
        EventInfo(
            e.id, code, head, labels[vid], e.kind, e.occurred_on, e.loss_fen, e.source, e.note, e.recorded_by,
            e.voided_at is not None, e.void_reason,
        )
        for e, code, head, vid in session.execute(q)
    ]  # fmt: skip


def events(
    db: Database, actor: Actor, *, code: str | None = None, village: str | None = None
) -> list[EventInfo]:
    with db.read() as s:
        if code:
            return _event_rows(s, RiskEvent.household_id == household_for(s, actor, code).id)
        return _event_rows(s, village_scope(s, actor, village))


# --- screening -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalInfo:
    id: int
    run_id: int
    month: str
    code: str
    head: str
    village: str
    reason: str
    basis: str
    state: str
    decided_by: str
    dismiss_reason: str
    case_id: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "month": self.month,
            "household": self.code,
            "head": self.head,
            "village": self.village,
            "reason": self.reason,
            "reason_name": REASON_NAMES[self.reason],
            "basis": self.basis,
            "state": self.state,
            "decided_by": self.decided_by,
            "dismiss_reason": self.dismiss_reason,
            "case": self.case_id,
        }


@dataclass(frozen=True)
class ScreenResult:
    run_id: int
    month: str
    proposed: list[ProposalInfo]
    notes: list[str] = field(default_factory=list)  # what could not be screened, and why

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "month": self.month,
            "proposed": [p.as_dict() for p in self.proposed],
            "notes": self.notes,
        }


def _open_households(session: Session):
    return select(MonitoringCase.household_id).where(MonitoringCase.state.in_(OPEN_STATES))


def _candidates(session: Session, on: date, notes: list[str]) -> list[tuple[int, str, str, str]]:
    """(household id, reason, basis key, basis) of every fact that asks for a look today, before the
    households already monitored or already asked about are taken out. What could not be screened is added
    to `notes`."""
    out: list[tuple[int, str, str, str]] = []
    # The newest recorded income of each household among this year and last (both rules read it).
    years = (on.year - 1, on.year)
    newest = (
        select(IncomeYear.household_id, func.max(IncomeYear.year).label("year"))
        .where(IncomeYear.year.in_(years), IncomeYear.net_per_capita_fen.is_not(None))
        .group_by(IncomeYear.household_id)
        .subquery()
    )
    income_rows = session.execute(
        select(IncomeYear.household_id, IncomeYear.year, IncomeYear.net_per_capita_fen).join(
            newest, and_(newest.c.household_id == IncomeYear.household_id, newest.c.year == IncomeYear.year)
        )
    ).all()
    # Events first (返贫即入: a sudden loss names the proposal): recent, not voided; a 部门预警 always, any other
    # when the loss is large against the income.
    days = int(settings.get_in(session, "monitoring.event_days"))
    share = int(settings.get_in(session, "monitoring.loss_percent"))
    recent = session.execute(
        select(RiskEvent, Household.size).join(Household, Household.id == RiskEvent.household_id).where(
            RiskEvent.voided_at.is_(None), RiskEvent.occurred_on > on - timedelta(days=days),
            RiskEvent.occurred_on <= on,
        )
    ).all()  # fmt: skip
    incomes = {hid: (year, income) for hid, year, income in income_rows}
    for e, size in recent:
        when = clock.cn_date(e.occurred_on)
        if e.source == "部门筛查预警":
            out.append((e.household_id, "alert", f"event:{e.id}", f"{when}部门筛查预警：{e.kind}"))
            continue
        known = incomes.get(e.household_id)
        yearly = known[1] * max(size or 0, 1) if known else None
        if yearly is None or yearly <= 0:
            basis = f"{when}{e.kind}，损失或支出{money.yuan(e.loss_fen)}元，家庭收入不详"
        elif e.loss_fen * 100 > yearly * share:
            basis = (
                f"{when}{e.kind}，损失或支出{money.yuan(e.loss_fen)}元，"
                f"超过家庭年纯收入{money.yuan(yearly)}元的{share}%"
            )
        else:
            continue
        out.append((e.household_id, "event", f"event:{e.id}", basis))
    # Income: below the 监测范围 of its year. A household with an event too is proposed for the event now and,
    # once that is decided, for its income at the next screening (a different fact).
    lines = {y: line_in(session, y) for y in years}
    for year in sorted({year for _hid, year, _income in income_rows if lines[year].fen is None}):
        notes.append(f"未设定{year}年监测范围，也没有{year}年贫困线：{year}年的收入未筛查")
    for hid, year, income in income_rows:
        ln = lines[year]
        if ln.fen is not None and income < ln.fen:
            out.append(
                (
                    hid,
                    "income",
                    f"income:{year}:{income}",
                    f"{year}年人均纯收入{money.yuan(income)}元，低于监测范围{money.yuan(ln.fen)}元",
                )
            )
    return out


def screen(db: Database, actor: Actor, *, on: date | None = None) -> ScreenResult:
    """The month's screening: every household whose income of the year is below the 监测范围, or who had a
    recent large loss or a department's warning, and is neither monitored nor already asked about for the same
    fact (pending, or dismissed with a reason). Proposes only: nobody is included without a decision."""
    actor.require("household.edit", "开展监测筛查")
    if actor.village_ids is not None:
        raise PermissionDenied("监测筛查由乡镇扶贫办开展，村级用户不能运行")
    on = _check_past(on or clock.today(), "筛查日期")
    month = str(clock.Month.of(on))
    with db.write() as s:
        notes: list[str] = []
        monitored = set(s.scalars(_open_households(s)))
        open_proposals = s.execute(
            select(
                ScreeningProposal.household_id, ScreeningProposal.basis_key, ScreeningProposal.state
            ).where(ScreeningProposal.state.in_(("pending", "dismissed")))
        ).all()
        asked = {(hid, key) for hid, key, _state in open_proposals}
        pending = {hid for hid, _key, state in open_proposals if state == "pending"}
        run = ScreeningRun(month=month, run_on=on, run_by=actor.username)
        s.add(run)
        s.flush()
        chosen: dict[int, ScreeningProposal] = {}
        for hid, reason, key, basis in _candidates(s, on, notes):
            if hid in monitored or hid in pending or (hid, key) in asked or hid in chosen:
                continue  # one proposal per household at a time: the first fact found names it
            chosen[hid] = ScreeningProposal(
                run_id=run.id, household_id=hid, reason=reason, basis_key=key, basis=basis
            )
        s.add_all(chosen.values())
        run.proposed, run.note = len(chosen), "；".join(notes)
        s.flush()
        audit.record(
            s, actor.username, "monitor.screen", entity="screening_run", key=str(run.id),
            after={"month": month, "proposed": len(chosen), "notes": notes},
        )  # fmt: skip
        found = _proposal_rows(s, ScreeningProposal.run_id == run.id)
        return ScreenResult(run.id, month, found, notes)


def _proposal_rows(session: Session, condition) -> list[ProposalInfo]:
    q = (
        select(
            ScreeningProposal, ScreeningRun.month, Household.code, Household.head_name, Household.village_id
        )
        .join(ScreeningRun, ScreeningRun.id == ScreeningProposal.run_id)
        .join(Household, Household.id == ScreeningProposal.household_id)
        .join(Village, Village.id == Household.village_id)
        .where(condition)
        .order_by(Village.name, Household.code, ScreeningProposal.id)
    )
    labels = village_labels(session)
    return [
        ProposalInfo(
            p.id, p.run_id, month, code, head, labels[vid], p.reason, p.basis, p.state, p.decided_by,
            p.dismiss_reason, p.case_id,
        )
        for p, month, code, head, vid in session.execute(q)
    ]  # fmt: skip


def proposals(
    db: Database, actor: Actor, *, state: str | None = "pending", village: str | None = None
) -> list[ProposalInfo]:
    with db.read() as s:
        condition = village_scope(s, actor, village)
        if state:
            condition = condition & (ScreeningProposal.state == state)
        return _proposal_rows(s, condition)


def _proposal(session: Session, actor: Actor, proposal_id: int) -> ScreeningProposal:
    p = session.get(ScreeningProposal, proposal_id)
    if p is None:
        raise NotFound(f"筛查建议{proposal_id}不存在")
    h = session.get(Household, p.household_id)
    household_for(session, actor, h.code)
    if p.state != "pending":
        what = "已纳入" if p.state == "accepted" else "已排除"
        raise Refused(f"筛查建议{proposal_id}（户{h.code}）{what}，不能再处理")
    return p


def _check_type(case_type: str) -> str:
    if case_type not in CASE_TYPES:
        raise InputRejected(f"监测对象类型“{case_type}”无效，可选：{'、'.join(CASE_TYPES)}")
    return case_type


def _new_case(
    session: Session, actor: Actor, h: Household, case_type: str, on: date, note: str
) -> MonitoringCase:
    open_case = session.scalar(
        select(MonitoringCase.id).where(
            MonitoringCase.household_id == h.id, MonitoringCase.state.in_(OPEN_STATES)
        )
    )
    if open_case is not None:
        raise Refused(f"户{h.code}正在监测或纳入程序中（监测编号{open_case}），不能重复纳入")
    case = MonitoringCase(household_id=h.id, case_type=case_type, opened_on=on, created_by=actor.username)
    session.add(case)
    session.flush()
    session.add(
        CaseStep(
            case_id=case.id, phase="include", step="提出", done_on=on, note=note, recorded_by=actor.username
        )
    )
    return case


def accept(
    db: Database, actor: Actor, proposal_id: int, case_type: str, *, on: date | None = None, note: str = ""
) -> int:
    """纳入 starts: the proposal becomes a case at its first step (农户申报/干部排查), dated `on`."""
    actor.require("household.edit", "纳入监测")
    _check_type(case_type)
    on = _check_past(on or clock.today(), "提出日期")
    with db.write() as s:
        p = _proposal(s, actor, proposal_id)
        h = s.get(Household, p.household_id)
        case = _new_case(s, actor, h, case_type, on, note.strip() or p.basis)
        p.state, p.decided_by, p.decided_at, p.case_id = "accepted", actor.username, utcnow(), case.id
        audit.record(
            s, actor.username, "monitor.accept", entity="household", key=h.code,
            after={"proposal": p.id, "case": case.id, "type": case_type, "date": on.isoformat()},
        )  # fmt: skip
        return case.id


def dismiss(db: Database, actor: Actor, proposal_id: int, reason: str) -> None:
    """Not taken in, with the reason; the same fact is not proposed again (a new fact will be)."""
    actor.require("household.edit", "排除筛查建议")
    if not reason.strip():
        raise InputRejected("请写明不纳入的原因（如：经入户核实，家中有稳定务工收入，不属于监测对象）")
    with db.write() as s:
        p = _proposal(s, actor, proposal_id)
        h = s.get(Household, p.household_id)
        p.state, p.decided_by, p.decided_at = "dismissed", actor.username, utcnow()
        p.dismiss_reason = reason.strip()
        audit.record(
            s, actor.username, "monitor.dismiss", entity="household", key=h.code,
            after={"proposal": p.id, "reason": p.dismiss_reason},
        )  # fmt: skip


def open_case(
    db: Database, actor: Actor, code: str, case_type: str, *, on: date | None = None, note: str = ""
) -> int:
    """纳入 starts without a screening: the household applied itself or a cadre found it (农户申报/干部排查)."""
    actor.require("household.edit", "纳入监测")
    _check_type(case_type)
    if not note.strip():
        raise InputRejected("请写明纳入的依据（如：农户申报，因病住院自付医疗费用较高）")
    on = _check_past(on or clock.today(), "提出日期")
    with db.write() as s:
        h = household_for(s, actor, code)
        case = _new_case(s, actor, h, case_type, on, note.strip())
        audit.record(
            s, actor.username, "monitor.open", entity="household", key=h.code,
            after={"case": case.id, "type": case_type, "date": on.isoformat()},
        )  # fmt: skip
        return case.id


# --- cases and their steps -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepInfo:
    phase: str
    attempt: int
    step: str
    on: date
    days: int | None
    note: str
    by: str

    @property
    def name(self) -> str:
        return step_name(self.phase, self.step)

    @property
    def notice_end(self) -> date | None:
        return self.on + timedelta(days=self.days - 1) if self.days else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "attempt": self.attempt,
            "step": self.name,
            "date": self.on.isoformat(),
            "days": self.days,
            "note": self.note,
            "by": self.by,
        }


@dataclass(frozen=True)
class CaseInfo:
    id: int
    code: str
    head: str
    village: str
    group: str
    size: int
    case_type: str
    state: str
    opened_on: date
    included_on: date | None
    closed_on: date | None
    closure: str
    close_note: str
    steps: list[StepInfo]

    @property
    def state_name(self) -> str:
        return STATE_NAMES[self.state]

    @property
    def phase(self) -> str:
        return "close" if self.state == "closing" else "include"

    def last_step(self, phase: str | None = None) -> StepInfo | None:
        mine = [st for st in self.steps if st.phase == (phase or self.phase)]
        if not mine:
            return None
        return [st for st in mine if st.attempt == max(m.attempt for m in mine)][-1]

    def next_step(self) -> str | None:
        """The step to record next, or None when no step can be taken (monitored, closed)."""
        if self.state not in ("including", "closing"):
            return None
        last = self.last_step()
        return STEPS[STEPS.index(last.step) + 1] if last else STEPS[0]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "household": self.code,
            "head": self.head,
            "village": self.village,
            "type": self.case_type,
            "state": self.state,
            "state_name": self.state_name,
            "opened_on": self.opened_on.isoformat(),
            "included_on": self.included_on.isoformat() if self.included_on else None,
            "closed_on": self.closed_on.isoformat() if self.closed_on else None,
            "closure": self.closure,
            "close_note": self.close_note,
            "next_step": step_name(self.phase, n) if (n := self.next_step()) else None,
            "steps": [st.as_dict() for st in self.steps],
        }


def case_rows(session: Session, condition) -> list[CaseInfo]:
    q = (
        select(
            MonitoringCase,
            Household.code,
            Household.head_name,
            Household.village_id,
            Household.group_name,
            Household.size,
        )
        .join(Household, Household.id == MonitoringCase.household_id)
        .join(Village, Village.id == Household.village_id)
        .where(condition)
        .order_by(Village.name, Household.code, MonitoringCase.id)
    )
    found = session.execute(q).all()
    labels = village_labels(session)
    steps: dict[int, list[StepInfo]] = {}
    ids = [c.id for c, *_ in found]
    for chunk in range(0, len(ids), 500):
        for st in session.scalars(
            select(CaseStep).where(CaseStep.case_id.in_(ids[chunk : chunk + 500])).order_by(CaseStep.id)
        ):
            steps.setdefault(st.case_id, []).append(
                StepInfo(st.phase, st.attempt, st.step, st.done_on, st.notice_days, st.note, st.recorded_by)
            )
    return [
        CaseInfo(
            c.id, code, head, labels[vid], group or "", size or 0, c.case_type, c.state, c.opened_on, c.included_on,
            c.closed_on, c.closure, c.close_note, steps.get(c.id, []),
        )
        for c, code, head, vid, group, size in found
    ]  # fmt: skip


def cases(
    db: Database,
    actor: Actor,
    *,
    village: str | None = None,
    states: tuple[str, ...] | None = None,
    code: str | None = None,
) -> list[CaseInfo]:
    with db.read() as s:
        condition = village_scope(s, actor, village)
        if code:
            condition = MonitoringCase.household_id == household_for(s, actor, code).id
        if states:
            condition = condition & MonitoringCase.state.in_(states)
        return case_rows(s, condition)


def _case(session: Session, actor: Actor, case_id: int) -> tuple[MonitoringCase, Household]:
    case = session.get(MonitoringCase, case_id)
    if case is None:
        raise NotFound(f"监测编号{case_id}不存在（monitor list 可查看）")
    h = session.get(Household, case.household_id)
    if actor.village_ids is not None and h.village_id not in actor.village_ids:
        raise PermissionDenied("无权处理其他村的监测对象")
    return case, h


def case_info(db: Database, actor: Actor, case_id: int) -> CaseInfo:
    with db.read() as s:
        case, _h = _case(s, actor, case_id)
        return case_rows(s, MonitoringCase.id == case.id)[0]


def step(
    db: Database,
    actor: Actor,
    case_id: int,
    to: str,
    *,
    on: date | None = None,
    days: int | None = None,
    note: str = "",
) -> CaseInfo:
    """The next step of the case's 纳入 or 风险消除, dated `on` (default today). 村公示 runs `days` (default the
    notice.days setting) and the step after it comes once it has ended. 县审定 of 纳入 makes the household
    monitored; 县审定 of 风险消除 closes the case."""
    actor.require("household.edit", "推进监测程序")
    to = to.strip()
    if to not in STEPS[1:]:
        raise InputRejected(f"监测程序步骤“{to}”无效，可选：{'、'.join(STEPS[1:])}")
    if to in TOWNSHIP_STEPS and actor.village_ids is not None:
        raise PermissionDenied(f"用户“{actor.username}”只负责本村，不能录入{to}（由乡镇扶贫办干部录入）")
    on = _check_past(on or clock.today(), f"{to}日期")
    if to == "村公示":
        days = settings.notice_days(days, settings.get(db, "notice.days"))
    elif days is not None:
        raise InputRejected(f"{to}不是公示，不需要公示天数")
    with db.write() as s:
        case, h = _case(s, actor, case_id)
        if case.state not in ("including", "closing"):
            raise Refused(f"监测编号{case.id}（户{h.code}）{STATE_NAMES[case.state]}，没有进行中的程序")
        phase = "close" if case.state == "closing" else "include"
        info = case_rows(s, MonitoringCase.id == case.id)[0]
        last = info.last_step(phase)
        want, have = STEPS.index(to), STEPS.index(last.step)
        # seed 000 四(一)1: 严格按照程序,逐级报批 — the next step only, none skipped or repeated.
        if want <= have:
            raise Refused(f"监测编号{case.id}的{PHASE_NAMES[phase]}已到{last.name}，不能退回或重复{to}")
        if want > have + 1:
            raise Refused(
                f"监测编号{case.id}的{PHASE_NAMES[phase]}现在是{last.name}，不能跳过{STEPS[have + 1]}直接{to}"
            )
        if on < last.on:
            raise Refused(f"{to}日期{clock.cn_date(on)}早于{last.name}日期{clock.cn_date(last.on)}")
        if last.notice_end is not None and on <= last.notice_end:
            raise Refused(f"村公示到{clock.cn_date(last.notice_end)}才结束，{to}日期应在此之后")
        s.add(
            CaseStep(
                case_id=case.id, phase=phase, attempt=last.attempt, step=to, done_on=on, notice_days=days, note=note.strip(),
                recorded_by=actor.username,
            )
        )  # fmt: skip
        before = case.state
        if to == "县审定":
            if phase == "include":
                case.state, case.included_on = "monitored", on
            else:
                case.state, case.closed_on, case.closure = "closed", on, "risk_eliminated"
        audit.record(
            s, actor.username, "monitor.step", entity="monitoring_case", key=str(case.id),
            before={"state": before}, after={"phase": phase, "step": to, "date": on.isoformat(), "state": case.state},
        )  # fmt: skip
        s.flush()
        return case_rows(s, MonitoringCase.id == case.id)[0]


def reject(db: Database, actor: Actor, case_id: int, reason: str, *, on: date | None = None) -> CaseInfo:
    """评议 or 审核 said no: a 纳入 ends as 未纳入; a 风险消除 ends and the household stays monitored. The steps taken
    stay on record with the reason."""
    actor.require("household.edit", "记录程序未通过")
    if not reason.strip():
        raise InputRejected("请写明未通过的原因（如：村级评议未通过）")
    on = _check_past(on or clock.today(), "日期")
    with db.write() as s:
        case, h = _case(s, actor, case_id)
        if case.state not in ("including", "closing"):
            raise Refused(f"监测编号{case.id}（户{h.code}）{STATE_NAMES[case.state]}，没有进行中的程序")
        before = case.state
        if case.state == "including":
            case.state, case.closed_on, case.closure = "not_included", on, "not_included"
            case.close_note = reason.strip()
        else:  # its steps stay as they are; a later 风险消除 starts again at 入户核实 as a new attempt
            case.state = "monitored"
            case.close_note = f"{clock.cn_date(on)}风险消除未通过：{reason.strip()}"
        audit.record(
            s, actor.username, "monitor.reject", entity="monitoring_case", key=str(case.id),
            before={"state": before}, after={"state": case.state, "reason": reason.strip(), "date": on.isoformat()},
        )  # fmt: skip
        s.flush()
        return case_rows(s, MonitoringCase.id == case.id)[0]


# --- income checks and 风险消除 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInfo:
    id: int
    checked_on: date
    wage_fen: int
    production_fen: int
    property_fen: int
    transfer_fen: int
    cost_fen: int
    people: int
    per_capita_fen: int
    note: str
    by: str

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items()}


def add_income_check(
    db: Database,
    actor: Actor,
    code: str,
    checked_on: date,
    *,
    wage_fen: int,
    production_fen: int,
    property_fen: int,
    transfer_fen: int,
    cost_fen: int,
    people: int | None = None,
    note: str = "",
) -> CheckInfo:
    """A check of the household's income over a year, every source counted (seed 003: 应算尽算)."""
    actor.require("household.edit", "录入收入核查")
    _check_past(checked_on, "核查日期")
    for fen, what in (
        (wage_fen, "工资性收入"),
        (production_fen, "生产经营性收入"),
        (property_fen, "财产性收入"),
        (transfer_fen, "转移性收入"),
        (cost_fen, "生产经营性支出"),
    ):
        money.check_fen(fen, what, max_fen=limits.INCOME_FEN, min_fen=0)
    with db.write() as s:
        h = household_for(s, actor, code)
        people = people if people is not None else (h.size or 0)
        money.check_count(people, "家庭人口", maximum=100, unit="人")
        per_capita = (wage_fen + production_fen + property_fen + transfer_fen - cost_fen) // people
        c = IncomeCheck(
            household_id=h.id, checked_on=checked_on, wage_fen=wage_fen, production_fen=production_fen,
            property_fen=property_fen, transfer_fen=transfer_fen, cost_fen=cost_fen, people=people,
            per_capita_fen=per_capita, note=note.strip(), recorded_by=actor.username,
        )  # fmt: skip
        s.add(c)
        s.flush()
        audit.record(
            s, actor.username, "monitor.income", entity="household", key=h.code,
            after={"id": c.id, "date": checked_on.isoformat(), "per_capita_fen": per_capita, "people": people},
        )  # fmt: skip
        return _check_info(c)


def _check_info(c: IncomeCheck) -> CheckInfo:
    return CheckInfo(
        c.id, c.checked_on, c.wage_fen, c.production_fen, c.property_fen, c.transfer_fen, c.cost_fen, c.people,
        c.per_capita_fen, c.note, c.recorded_by,
    )  # fmt: skip


def _checks(session: Session, household_id: int) -> list[CheckInfo]:
    q = select(IncomeCheck).where(IncomeCheck.household_id == household_id)
    return [_check_info(c) for c in session.scalars(q.order_by(IncomeCheck.checked_on, IncomeCheck.id))]


def months_later(on: date, months: int) -> date:
    """The same day `months` later (earlier when negative); the month's last day when it has no such day."""
    m = clock.Month.of(on).shift(months)
    return min(date(m.year, m.month, 1) + timedelta(days=on.day - 1), m.last_day())


@dataclass(frozen=True)
class CloseCheck:
    ok: bool
    why: str  # the reason it may not start yet, or what it rests on


def close_check_in(session: Session, case: MonitoringCase, on: date) -> CloseCheck:
    """May the case's 风险消除 start on `on`? Its income checks since it was monitored must all be at or above the
    year's 监测范围, the earliest of that unbroken run at least monitoring.close_months before `on`."""
    months = int(settings.get_in(session, "monitoring.close_months"))
    if case.state != "monitored":
        return CloseCheck(False, f"{STATE_NAMES[case.state]}，只有监测中的农户才能启动风险消除")
    checks = [
        c
        for c in _checks(session, case.household_id)
        if c.checked_on >= case.included_on and c.checked_on <= on
    ]
    if not checks:
        return CloseCheck(False, f"纳入监测（{clock.cn_date(case.included_on)}）以来还没有收入核查记录")
    run_start: CheckInfo | None = None
    for c in checks:
        ln = line_in(session, c.checked_on.year)
        if ln.fen is None:
            return CloseCheck(False, f"{c.checked_on.year}年没有监测范围，无法判断收入是否稳定")
        if c.per_capita_fen < ln.fen:
            run_start = None  # an income below the line breaks the run
        elif run_start is None:
            run_start = c
    if run_start is None:
        last = checks[-1]
        return CloseCheck(
            False,
            f"最近一次收入核查（{clock.cn_date(last.checked_on)}）人均{money.yuan(last.per_capita_fen)}元，"
            "仍低于监测范围",
        )
    since = months_later(on, -months)
    if run_start.checked_on > since:
        return CloseCheck(
            False,
            f"收入自{clock.cn_date(run_start.checked_on)}起高于监测范围，须稳定{months}个月"
            f"（到{clock.cn_date(months_later(run_start.checked_on, months))}）后才能启动风险消除",
        )
    return CloseCheck(
        True, f"收入自{clock.cn_date(run_start.checked_on)}起稳定高于监测范围，已满{months}个月"
    )


def close_check(db: Database, actor: Actor, case_id: int, on: date | None = None) -> CloseCheck:
    with db.read() as s:
        case, _h = _case(s, actor, case_id)
        return close_check_in(s, case, on or clock.today())


def start_close(db: Database, actor: Actor, case_id: int, note: str, *, on: date | None = None) -> CaseInfo:
    """风险消除 starts (入户核实) once the income has stayed above the line long enough; `note` says why the risk
    is gone (seed 000: 应退慎退)."""
    actor.require("household.edit", "启动风险消除")
    if not note.strip():
        raise InputRejected("请写明风险已消除的依据（如：医疗费用已报销，家庭成员已稳定务工）")
    on = _check_past(on or clock.today(), "入户核实日期")
    with db.write() as s:
        case, h = _case(s, actor, case_id)
        verdict = close_check_in(s, case, on)
        if not verdict.ok:
            raise Refused(f"户{h.code}不能启动风险消除：{verdict.why}")
        attempt = (
            s.scalar(
                select(func.max(CaseStep.attempt)).where(
                    CaseStep.case_id == case.id, CaseStep.phase == "close"
                )
            )
            or 0
        ) + 1
        s.add(
            CaseStep(
                case_id=case.id, phase="close", attempt=attempt, step="提出", done_on=on,
                note=f"{note.strip()}（{verdict.why}）", recorded_by=actor.username,
            )
        )  # fmt: skip
        case.state = "closing"
        audit.record(
            s, actor.username, "monitor.close_start", entity="monitoring_case", key=str(case.id),
            after={"date": on.isoformat(), "note": note.strip(), "attempt": attempt},
        )  # fmt: skip
        s.flush()
        return case_rows(s, MonitoringCase.id == case.id)[0]


def close_naturally(
    db: Database,
    actor: Actor,
    case_id: int,
    reason: str,
    note: str,
    evidence: list[tuple[str, bytes]],
    *,
    on: date | None = None,
) -> CaseInfo:
    """自然消除: the household moved away or the person died. The evidence (a certificate, a 户籍 record) is kept
    in the household's archive under 防返贫监测记录; without it nothing is closed."""
    actor.require("household.edit", "自然消除")
    if reason not in NATURAL_REASONS:
        raise InputRejected(f"自然消除原因“{reason}”无效，可选：{'、'.join(NATURAL_REASONS)}")
    if not note.strip():
        raise InputRejected("请写明情况（如：2026年10月全家户籍迁往外省）")
    if not evidence:
        raise InputRejected("自然消除须附证明材料（户籍迁出证明、死亡证明等的扫描件）")
    checked = [attachments.check_file(name, data) for name, data in evidence]
    on = _check_past(on or clock.today(), "消除日期")
    with db.write() as s:
        case, h = _case(s, actor, case_id)
        if case.state not in OPEN_STATES:
            raise Refused(f"监测编号{case.id}（户{h.code}）{STATE_NAMES[case.state]}，不能再消除")
        archives.record_in(
            s, actor, h, "monitoring", done_on=on, note=f"自然消除（{reason}）：{note.strip()}", files=checked
        )
        before = case.state
        case.state, case.closed_on, case.closure = "closed", on, "natural"
        case.close_note = f"{reason}：{note.strip()}"
        audit.record(
            s, actor.username, "monitor.natural", entity="monitoring_case", key=str(case.id),
            before={"state": before},
            after={"reason": reason, "note": note.strip(), "date": on.isoformat(), "files": len(checked)},
        )  # fmt: skip
        s.flush()
        return case_rows(s, MonitoringCase.id == case.id)[0]


# --- a household's monitoring, and who is monitored --------------------------------------------------------


@dataclass(frozen=True)
class HouseholdMonitoring:
    code: str
    helper: str  # 帮扶责任人 and phone: the paired cadre, else the roster's
    events: list[EventInfo]
    cases: list[CaseInfo]
    checks: list[CheckInfo]
    pending: list[ProposalInfo]

    @property
    def current(self) -> CaseInfo | None:
        return next((c for c in reversed(self.cases) if c.state in OPEN_STATES), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "household": self.code,
            "helper": self.helper,
            "events": [e.as_dict() for e in self.events],
            "cases": [c.as_dict() for c in self.cases],
            "income_checks": [c.as_dict() for c in self.checks],
            "pending": [p.as_dict() for p in self.pending],
        }


def household(db: Database, actor: Actor, code: str) -> HouseholdMonitoring:
    with db.read() as s:
        h = household_for(s, actor, code)
        name, phone, _where = plans.helper_of(s, h, clock.today())
        return HouseholdMonitoring(
            h.code,
            f"{name} {phone}".strip(),
            _event_rows(s, RiskEvent.household_id == h.id),
            case_rows(s, MonitoringCase.household_id == h.id),
            _checks(s, h.id),
            _proposal_rows(
                s, (ScreeningProposal.household_id == h.id) & (ScreeningProposal.state == "pending")
            ),
        )
