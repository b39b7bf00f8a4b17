"""问题整改台账: problems from 巡视, 考核, 审计, 督查, 自查 and 信访, rectified, accepted and closed on evidence.

Seed 000 三.3: “脱贫攻坚各项巡视、监督检查、考核、摘帽退出、审计发现问题整改情况。重点查看是否有方案、问题台账及整改结果。”
Seed 003 (六)问题整改销号行动: “逐级建立整改台账、责任清单，实行销号管理，做到‘一个问题一套方案、一名责任人、一抓到底’”
— so every problem has one responsible person, its measures and a deadline, and is 销号 only on its result.

States, only in this order (each change is one ProblemEvent, never changed or deleted):
    整改中 ──submit (what was done)──▶ 已整改待验收 ──close (≥1 evidence file)──▶ 已销号
    已整改待验收 ──reject (验收未通过, why)──▶ 整改中
    整改中 / 已整改待验收 ──void (entered by mistake, why)──▶ 已作废
Acceptance, 销号 and 作废 are the township's: a village clerk rectifies, the 扶贫办 accepts. Overdue: the deadline
is before the office's today (desktop.clock) and the problem is neither 已销号 nor 已作废.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied, Refused, check_text
from desktop.models import Attachment, Household, Setting, Village
from desktop.models.base import utcnow
from desktop.models.problems import (
    CLOSED,
    LEVELS,
    OPEN,
    SOURCES,
    STATES,
    SUBMITTED,
    VOID,
    Problem,
    ProblemEvent,
    ProblemEvidence,
)
from desktop.services.archives.archives import add_attachment
from desktop.services.households.households import household_for, resolve_village, village_labels
from desktop.services.quality.quality import Finding
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor
from desktop.services.system.attachments import MAX_BYTES, check_file

__all__ = ["SOURCES", "LEVELS", "STATES", "OPEN", "SUBMITTED", "CLOSED", "VOID"]

TEXT_CHARS = 500
MEASURES_CHARS = 1000
NOTE_CHARS = 500
NAME_CHARS = 64
FINDING_SOURCE = "自查"  # a 疑点核查 finding is the office's own check
DONE_STATES = (CLOSED, VOID)
LEVEL_CODES = {name: code for code, name in LEVELS.items()}
AUDIT_ACTIONS = {"提交": "submit", "退回": "reject", "销号": "close", "作废": "void"}


# --- reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemInfo:
    id: int
    source: str
    level: str
    level_name: str
    village: str
    household: str  # 户编号 ("" for a village's or the township's problem)
    head: str  # 户主
    text: str
    responsible: str
    measures: str
    deadline: date
    state: str
    overdue_days: int  # 0 unless overdue
    created_by: str
    created_on: date
    closed_by: str
    closed_on: date | None
    evidence: int  # files
    origin: str  # "rule/household/person" of the 疑点核查 finding it came from, or ""

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0

    @property
    def subject(self) -> str:
        """户/对象 as the ledger prints it."""
        if self.household:
            return f"{self.head}（{self.household}）" if self.head else self.household
        return {"village": "全村", "township": "全乡镇"}.get(self.level, "")

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["overdue"] = self.overdue
        return data


@dataclass(frozen=True)
class EventInfo:
    action: str
    state_from: str
    state_to: str
    note: str
    username: str
    at: str  # Beijing time, 2026-12-02 10:30


@dataclass(frozen=True)
class EvidenceInfo:
    id: int  # the attachment's id
    filename: str
    kind: str
    pages: int
    size: int
    added_by: str


@dataclass(frozen=True)
class ProblemDetail:
    info: ProblemInfo
    events: list[EventInfo] = field(default_factory=list)
    evidence: list[EvidenceInfo] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            **self.info.as_json(),
            "events": [asdict(e) for e in self.events],
            "files": [asdict(e) for e in self.evidence],
        }


def is_overdue(deadline: date, state: str, today: date) -> bool:
    return deadline < today and state not in DONE_STATES


def _visible(actor: Actor):
    """Problems the actor may see: a village clerk those of his villages (no township-level ones)."""
    if actor.village_ids is None:
        return None
    return Problem.village_id.in_(actor.village_ids)


def _infos(session, actor: Actor, where: list, today: date) -> list[ProblemInfo]:
    limit = _visible(actor)
    if limit is not None:
        where = [*where, limit]
    labels = village_labels(session)
    files = dict(
        session.execute(
            select(ProblemEvidence.problem_id, func.count())
            .join(Problem, Problem.id == ProblemEvidence.problem_id)
            .where(*where)
            .group_by(ProblemEvidence.problem_id)
        ).all()
    )
    rows = session.execute(
        select(Problem, Household.code, Household.head_name)
        .outerjoin(Household, Household.id == Problem.household_id)
        .where(*where)
        .order_by(Problem.id)
    ).all()
    out = []
    for p, code, head in rows:
        late = (today - p.deadline).days if is_overdue(p.deadline, p.state, today) else 0
        origin = "/".join((p.origin_rule, p.origin_household, p.origin_person)) if p.origin_rule else ""
        out.append(
            ProblemInfo(
                id=p.id,
                source=p.source,
                level=p.level,
                level_name=LEVELS.get(p.level, p.level),
                village=labels.get(p.village_id, "") if p.village_id else "",
                household=code or "",
                head=head or "",
                text=p.text,
                responsible=p.responsible,
                measures=p.measures,
                deadline=p.deadline,
                state=p.state,
                overdue_days=late,
                created_by=p.created_by,
                created_on=clock.local_date(p.created_at),
                closed_by=p.closed_by,
                closed_on=p.closed_on,
                evidence=files.get(p.id, 0),
                origin=origin,
            )
        )
    return out


def _filters(session, actor: Actor, source, village, state, today: date, overdue_only: bool) -> list:
    where: list = []
    if source:
        where.append(Problem.source == _source(source))
    if village:
        where.append(Problem.village_id == resolve_village(session, actor, village).id)
    if state:
        if state not in STATES:
            raise InputRejected(f"状态“{state}”不对，应为：{'、'.join(STATES)}")
        where.append(Problem.state == state)
    if overdue_only:
        where += [Problem.deadline < today, Problem.state.not_in(DONE_STATES)]
    return where


def problems(
    db: Database,
    actor: Actor,
    *,
    source: str | None = None,
    village: str | None = None,
    state: str | None = None,
    overdue_only: bool = False,
    today: date | None = None,
) -> list[ProblemInfo]:
    """The ledger's problems the actor may see, oldest first, filtered by source, village and state."""
    today = today or clock.today()
    with db.read() as s:
        return _infos(s, actor, _filters(s, actor, source, village, state, today, overdue_only), today)


def overdue(session, actor: Actor, today: date, limit: int = 5) -> tuple[int, list[ProblemInfo]]:
    """How many problems are overdue, and the `limit` most overdue (for 首页), in the caller's read."""
    where = [Problem.deadline < today, Problem.state.not_in(DONE_STATES)]
    found = _infos(session, actor, where, today)
    found.sort(key=lambda p: (p.deadline, p.id))
    return len(found), found[:limit]


def detail(db: Database, actor: Actor, problem_id: int, *, today: date | None = None) -> ProblemDetail:
    today = today or clock.today()
    with db.read() as s:
        found = _infos(s, actor, [Problem.id == problem_id], today)
        if not found:
            raise NotFound(f"问题{problem_id}不存在或无权查看")
        events = [
            EventInfo(
                e.action, e.state_from, e.state_to, e.note, e.username, f"{clock.local(e.at):%Y-%m-%d %H:%M}"
            )
            for e in s.scalars(
                select(ProblemEvent).where(ProblemEvent.problem_id == problem_id).order_by(ProblemEvent.id)
            )
        ]
        files = [
            EvidenceInfo(*row)
            for row in s.execute(
                select(
                    Attachment.id,
                    Attachment.filename,
                    Attachment.kind,
                    Attachment.pages,
                    Attachment.size,
                    Attachment.added_by,
                )
                .join(ProblemEvidence, ProblemEvidence.attachment_id == Attachment.id)
                .where(ProblemEvidence.problem_id == problem_id)
                .order_by(Attachment.id)
            )
        ]
    return ProblemDetail(found[0], events, files)


def evidence_data(db: Database, actor: Actor, attachment_id: int) -> tuple[str, str, bytes]:
    """(filename, kind, bytes) of one evidence file, if the actor may see its problem."""
    with db.read() as s:
        row = s.execute(
            select(Attachment, Problem)
            .join(ProblemEvidence, ProblemEvidence.attachment_id == Attachment.id)
            .join(Problem, Problem.id == ProblemEvidence.problem_id)
            .where(Attachment.id == attachment_id)
        ).first()
        if row is None or (actor.village_ids is not None and row[1].village_id not in actor.village_ids):
            raise NotFound(f"证据文件{attachment_id}不存在或无权查看")
        return row[0].filename, row[0].kind, row[0].data


# --- checks -------------------------------------------------------------------------------------------


def _source(source: str) -> str:
    source = (source or "").strip()
    if source not in SOURCES:
        raise InputRejected(f"问题来源“{source}”不对，应为：{'、'.join(SOURCES)}")
    return source


def _level(level: str) -> str:
    level = (level or "").strip()
    level = LEVEL_CODES.get(level, level)
    if level not in LEVELS:
        choices = "、".join(f"{code}（{name}）" for code, name in LEVELS.items())
        raise InputRejected(f"问题层级“{level}”不对，应为：{choices}")
    return level


_text = check_text


def _deadline(value: date | None, today: date) -> date:
    if value is None:
        raise InputRejected("整改期限不能为空")
    if not (2000 <= value.year <= today.year + 5):
        raise InputRejected(f"整改期限“{value}”不合理（应在2000年至{today.year + 5}年之间）")
    return value


def _township_user(actor: Actor, what: str) -> None:
    """Acceptance, 销号 and 作废 belong to the township office (a village does not accept its own work)."""
    actor.require("household.edit", what)
    if actor.village_ids is not None:
        raise PermissionDenied(f"用户“{actor.username}”是村级用户，不能{what}（由扶贫办干部或管理员验收）")


def _problem(session, actor: Actor, problem_id: int, *, lock: bool = True) -> Problem:
    query = select(Problem).where(Problem.id == problem_id)
    if lock:
        query = query.with_for_update()
    p = session.scalar(query)
    if p is None:
        raise NotFound(f"问题{problem_id}不存在")
    if actor.village_ids is not None and p.village_id not in actor.village_ids:
        raise PermissionDenied(f"无权处理其他村或乡镇层级的问题（{problem_id}）")
    return p


def _event(session, p: Problem, actor: Actor, action: str, note: str = "", to: str = "") -> None:
    session.add(
        ProblemEvent(
            problem_id=p.id,
            action=action,
            state_from=p.state if to else "",
            state_to=to,
            note=note,
            username=actor.username,
        )
    )
    if to:
        p.state = to


def _origin_key(rule: str, household: str, person: str) -> str:
    return f"{rule}|{household}|{person}"


def default_deadline_days(db: Database) -> int:
    return int(settings.get(db, "problems.deadline_days"))


# --- writing ------------------------------------------------------------------------------------------


def add(
    db: Database,
    actor: Actor,
    *,
    source: str,
    level: str,
    text: str,
    responsible: str,
    deadline: date | None,
    measures: str = "",
    household: str | None = None,
    village: str | None = None,
    today: date | None = None,
) -> int:
    """登记 a problem (整改中). A household's problem names the household (its village follows), a village's the
    village; a township's names neither."""
    actor.require("household.edit", "登记整改问题")
    today = today or clock.today()
    source, level = _source(source), _level(level)
    text = _text(text, "问题描述", TEXT_CHARS)
    responsible = _text(responsible, "责任人", NAME_CHARS)
    measures = _text(measures, "整改措施", MEASURES_CHARS, required=False)
    deadline = _deadline(deadline, today)
    household, village = (household or "").strip(), (village or "").strip()
    if level == "household" and not household:
        raise InputRejected("户级问题要写明户编号")
    if level == "village" and (household or not village):
        raise InputRejected("村级问题要写明行政村（不写户编号）")
    if level == "township" and (household or village):
        raise InputRejected("乡镇级问题不写行政村和户编号")
    if level == "township" and actor.village_ids is not None:
        raise PermissionDenied(f"用户“{actor.username}”是村级用户，不能登记乡镇层级的问题")
    with db.write() as s:
        h = household_for(s, actor, household) if household else None
        v = resolve_village(s, actor, village) if village else None
        p = Problem(
            source=source,
            level=level,
            household_id=h.id if h else None,
            village_id=h.village_id if h else (v.id if v else None),
            text=text,
            responsible=responsible,
            measures=measures,
            deadline=deadline,
            state=OPEN,
            created_by=actor.username,
        )
        s.add(p)
        s.flush()
        _event(s, p, actor, "登记", f"来源：{source}；期限：{clock.cn_date(deadline)}")
        audit.record(
            s,
            actor.username,
            "problem.add",
            entity="problem",
            key=str(p.id),
            after={
                "source": source,
                "level": level,
                "household": h.code if h else "",
                "village": v.name if v else "",
                "text": text,
                "responsible": responsible,
                "deadline": deadline,
            },
        )
        return p.id


def from_finding(
    db: Database,
    actor: Actor,
    finding: Finding,
    *,
    responsible: str = "",
    deadline: date | None = None,
    today: date | None = None,
) -> int:
    """转为整改问题 in one click: a household's problem (source 自查) whose text is the finding's message, due in
    the default number of days (setting problems.deadline_days). The same finding (rule, household, person) is
    never two open problems at once: refused while the first is neither 已销号 nor 已作废."""
    actor.require("household.edit", "把疑点转为整改问题")
    today = today or clock.today()
    days = default_deadline_days(db)
    deadline = _deadline(deadline or today + timedelta(days=days), today)
    responsible = _text(responsible or actor.display_name or actor.username, "责任人", NAME_CHARS)
    text = _text(f"{finding.message}（疑点核查：{finding.rule_name}）", "问题描述", TEXT_CHARS * 2)[
        :TEXT_CHARS
    ]
    key = _origin_key(finding.rule, finding.household, finding.person)
    with db.write() as s:
        h = household_for(s, actor, finding.household)
        _refuse_twice(s, key)
        p = Problem(
            source=FINDING_SOURCE,
            level="household",
            household_id=h.id,
            village_id=h.village_id,
            text=text,
            responsible=responsible,
            measures="",
            deadline=deadline,
            state=OPEN,
            created_by=actor.username,
            origin_rule=finding.rule,
            origin_household=finding.household,
            origin_person=finding.person,
            origin_open=key,
        )
        s.add(p)
        try:
            s.flush()
        except IntegrityError:  # another PC turned the same finding into a problem a moment ago
            raise Refused("这条疑点刚刚已被转为整改问题，请刷新后查看") from None
        _event(s, p, actor, "登记", f"由疑点核查转入（{finding.rule_name}）；期限：{clock.cn_date(deadline)}")
        audit.record(
            s,
            actor.username,
            "problem.from_finding",
            entity="problem",
            key=str(p.id),
            after={
                "rule": finding.rule,
                "household": finding.household,
                "person": finding.person,
                "text": text,
                "responsible": responsible,
                "deadline": deadline,
            },
        )
        return p.id


def _refuse_twice(session, key: str) -> None:
    open_one = session.scalar(select(Problem).where(Problem.origin_open == key))
    if open_one is not None:
        raise Refused(f"这条疑点已转为整改问题（第{open_one.id}号，{open_one.state}），不再重复登记")


def update(
    db: Database,
    actor: Actor,
    problem_id: int,
    *,
    text: str | None = None,
    responsible: str | None = None,
    measures: str | None = None,
    deadline: date | None = None,
    reason: str = "",
    today: date | None = None,
) -> None:
    """Change what a problem says while it is 整改中. A new deadline (延期) needs a reason; the history keeps the
    values before and after."""
    actor.require("household.edit", "修改整改问题")
    today = today or clock.today()
    reason = _text(reason, "修改理由", NOTE_CHARS, required=False)
    with db.write() as s:
        p = _problem(s, actor, problem_id)
        if p.state != OPEN:
            raise Refused(f"问题{p.id}现为“{p.state}”，只有整改中的问题可以修改")
        changes: dict[str, tuple[Any, Any]] = {}
        for name, value in (
            ("text", _text(text, "问题描述", TEXT_CHARS) if text is not None else None),
            ("responsible", _text(responsible, "责任人", NAME_CHARS) if responsible is not None else None),
            (
                "measures",
                _text(measures, "整改措施", MEASURES_CHARS, required=False) if measures is not None else None,
            ),
            ("deadline", _deadline(deadline, today) if deadline is not None else None),
        ):
            if value is not None and value != getattr(p, name):
                changes[name] = (getattr(p, name), value)
        if not changes:
            raise InputRejected("没有要修改的内容")
        if "deadline" in changes and not reason:
            raise InputRejected("调整整改期限要写明理由")
        labels = {"text": "问题", "responsible": "责任人", "measures": "整改措施", "deadline": "期限"}
        said = "；".join(
            f"{labels[k]}：{clock.cn_date(b) if k == 'deadline' else b}" for k, (_a, b) in changes.items()
        )
        _event(s, p, actor, "修改", said + (f"（理由：{reason}）" if reason else ""))
        for name, (_before, after) in changes.items():
            setattr(p, name, after)
        audit.record(
            s,
            actor.username,
            "problem.update",
            entity="problem",
            key=str(p.id),
            before={k: a for k, (a, _b) in changes.items()},
            after={**{k: b for k, (_a, b) in changes.items()}, "reason": reason},
        )


def _move(
    db: Database, actor: Actor, problem_id: int, action: str, wanted: tuple[str, ...], to: str, note: str
) -> Problem:
    """One state change in its own transaction, after the state it must come from is checked."""
    with db.write() as s:
        p = _problem(s, actor, problem_id)
        if p.state not in wanted:
            raise Refused(_order_message(p, action))
        return _moved(s, p, actor, action, to, note)


def _order_message(p: Problem, action: str) -> str:
    hints = {
        "提交": "只有整改中的问题可以提交整改结果",
        "退回": "只有已整改待验收的问题可以退回重新整改",
        "销号": "只有已整改待验收的问题可以销号（请先提交整改结果）",
        "作废": "已销号或已作废的问题不能作废",
    }
    return f"问题{p.id}现为“{p.state}”，不能{action}：{hints[action]}"


def _moved(s, p: Problem, actor: Actor, action: str, to: str, note: str) -> Problem:
    before = p.state
    _event(s, p, actor, action, note, to)
    if to in DONE_STATES:
        p.origin_open = None  # the same finding may become a problem again
    audit.record(
        s,
        actor.username,
        f"problem.{AUDIT_ACTIONS[action]}",
        entity="problem",
        key=str(p.id),
        before={"state": before},
        after={"state": to, "note": note},
    )
    return p


def submit(db: Database, actor: Actor, problem_id: int, note: str) -> None:
    """整改中 → 已整改待验收, saying what was done."""
    actor.require("household.edit", "提交整改结果")
    note = _text(note, "整改情况", NOTE_CHARS)
    _move(db, actor, problem_id, "提交", (OPEN,), SUBMITTED, note)


def reject(db: Database, actor: Actor, problem_id: int, reason: str) -> None:
    """验收未通过: 已整改待验收 → 整改中, with the reason."""
    _township_user(actor, "验收整改问题")
    reason = _text(reason, "退回理由", NOTE_CHARS)
    _move(db, actor, problem_id, "退回", (SUBMITTED,), OPEN, reason)


def close(db: Database, actor: Actor, problem_id: int, note: str = "", *, today: date | None = None) -> None:
    """销号: 已整改待验收 → 已销号, only with at least one evidence file; who and when are kept."""
    _township_user(actor, "销号")
    note = _text(note, "验收意见", NOTE_CHARS, required=False)
    today = today or clock.today()
    with db.write() as s:
        p = _problem(s, actor, problem_id)
        if p.state != SUBMITTED:
            raise Refused(_order_message(p, "销号"))
        files = s.scalar(select(func.count()).where(ProblemEvidence.problem_id == p.id)) or 0
        if not files:
            raise Refused(f"问题{p.id}还没有整改佐证材料，不能销号：请先添加证据文件（照片、扫描件）")
        _moved(s, p, actor, "销号", CLOSED, note or "验收合格，予以销号")
        p.closed_by, p.closed_on, p.closed_at = actor.username, today, utcnow()


def void(db: Database, actor: Actor, problem_id: int, reason: str) -> None:
    """作废 a wrongly entered problem: kept, with its reason, and no longer counted."""
    _township_user(actor, "作废整改问题")
    reason = _text(reason, "作废理由", NOTE_CHARS)
    _move(db, actor, problem_id, "作废", (OPEN, SUBMITTED), VOID, reason)


def note(db: Database, actor: Actor, problem_id: int, text: str) -> None:
    """A note in the history (a call made, a visit) without changing the state."""
    actor.require("household.edit", "记录整改进展")
    text = _text(text, "进展情况", NOTE_CHARS)
    with db.write() as s:
        p = _problem(s, actor, problem_id)
        _event(s, p, actor, "备注", text)
        audit.record(s, actor.username, "problem.note", entity="problem", key=str(p.id), after={"note": text})


def _max_bytes(db: Database) -> int:
    with db.read() as s:
        mb = s.scalar(select(Setting.value).where(Setting.key == "archive.max_attachment_mb"))
    return int(mb) * 1024 * 1024 if mb else MAX_BYTES


def add_evidence(db: Database, actor: Actor, problem_id: int, files: list[tuple[str, bytes]]) -> list[int]:
    """整改佐证材料: PDF/JPG/PNG files checked by their content and size (as archive scans are), all or none.
    Refused once the problem is 已销号 or 已作废 (what it was closed on stays what it was)."""
    actor.require("household.edit", "添加整改证据")
    if not files:
        raise InputRejected("没有选择证据文件")
    limit = _max_bytes(db)
    checked = [check_file(name, data, max_bytes=limit) for name, data in files]  # every file before writing
    with db.write() as s:
        p = _problem(s, actor, problem_id)
        if p.state in DONE_STATES:
            raise Refused(f"问题{p.id}已{p.state[1:]}，不能再添加证据")
        ids = []
        for f in checked:
            att = add_attachment(s, None, f, actor)
            s.add(ProblemEvidence(problem_id=p.id, attachment_id=att))
            ids.append(att)
        _event(s, p, actor, "证据", "添加：" + "、".join(f.filename for f in checked))
        audit.record(
            s,
            actor.username,
            "problem.evidence",
            entity="problem",
            key=str(p.id),
            after={"files": [{"name": f.filename, "sha256": f.sha256} for f in checked]},
        )
        return ids


def village_names(db: Database, actor: Actor) -> list[str]:
    """Villages the actor may see, for the filters."""
    with db.read() as s:
        q = select(Village.name).order_by(Village.name)
        if actor.village_ids is not None:
            q = q.where(Village.id.in_(actor.village_ids))
        return list(dict.fromkeys(s.scalars(q)))
