"""The 项目库 as read: the list with its filters (year, village, state, kind, words), one project with everything
its page shows, as plain data, and its scanned papers. Rules and writes: desktop.services.projects.projects."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from desktop.db import Database
from desktop.errors import NotFound
from desktop.models import Attachment, Household, Township
from desktop.models.projects import (
    FUND_SOURCES,
    KINDS,
    STATES,
    VOID,
    Disbursement,
    Project,
    ProjectBeneficiary,
    ProjectContract,
    ProjectFunding,
    ProjectIndicator,
    ProjectStep,
    ProjectVillage,
)
from desktop.services.households.households import resolve_village, village_labels
from desktop.services.projects.projects import WHOLE_TOWNSHIP, _choice, _project, counted_households, visible
from desktop.services.system.actor import Actor

# --- plain data the page, the CLI and the prints read -------------------------------------------------------


@dataclass(frozen=True)
class ProjectInfo:
    id: int
    year: int
    rolling_from: int | None
    name: str
    kind: str
    township: str
    village: str  # the 建设地点's village, "" for a township-wide project
    state: str
    funding_fen: int
    contract_fen: int
    paid_fen: int
    supervisor: str
    implementer: str

    @property
    def place(self) -> str:
        return self.village or f"{self.township}（{WHOLE_TOWNSHIP}）"

    @property
    def rolling(self) -> str:
        return f"{self.rolling_from}—{self.rolling_from + 2}年" if self.rolling_from else ""

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "place": self.place, "rolling": self.rolling}


@dataclass(frozen=True)
class FundingInfo:
    source: str
    amount_fen: int
    paid_fen: int


@dataclass(frozen=True)
class BeneficiaryInfo:
    household: str
    head: str
    village: str
    mode: str
    note: str
    counted: bool  # 建档立卡 or monitored


@dataclass(frozen=True)
class IndicatorInfo:
    id: int
    name: str
    target: str
    unit: str
    actual: str


@dataclass(frozen=True)
class StepInfo:
    state_from: str
    state_to: str
    on: date
    record: str
    file: str  # the scanned paper's name, or ""
    attachment_id: int | None
    username: str


@dataclass(frozen=True)
class ContractInfo:
    id: int
    number: str
    party: str
    amount_fen: int
    signed_on: date
    note: str
    paid_fen: int
    progress: int  # the newest verified progress (%), 0 before the first disbursement


@dataclass(frozen=True)
class DisbursementInfo:
    id: int
    contract_id: int
    contract: str  # its number
    paid_on: date
    amount_fen: int
    source: str
    progress: int
    evidence: str
    file: str
    attachment_id: int | None
    reverses_id: int | None
    reversed_by: int | None
    note: str
    username: str

    @property
    def live(self) -> bool:
        """A payment that stands: neither a reversal nor reversed."""
        return self.reverses_id is None and self.reversed_by is None


@dataclass(frozen=True)
class ProjectDetail:
    info: ProjectInfo
    content: str
    scale: str
    supervisor_phone: str
    benefit_note: str
    funding: list[FundingInfo] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)
    beneficiaries: list[BeneficiaryInfo] = field(default_factory=list)
    indicators: list[IndicatorInfo] = field(default_factory=list)
    steps: list[StepInfo] = field(default_factory=list)
    contracts: list[ContractInfo] = field(default_factory=list)
    disbursements: list[DisbursementInfo] = field(default_factory=list)

    @property
    def next_state(self) -> str | None:
        s = self.info.state
        return STATES[STATES.index(s) + 1] if s in STATES[:-1] else None

    def as_json(self) -> dict[str, Any]:
        return {
            **self.info.as_json(),
            "content": self.content,
            "scale": self.scale,
            "supervisor_phone": self.supervisor_phone,
            "benefit_note": self.benefit_note,
            "next_state": self.next_state,
            "funding": [asdict(f) for f in self.funding],
            "villages": self.villages,
            "beneficiaries": [asdict(b) for b in self.beneficiaries],
            "indicators": [asdict(i) for i in self.indicators],
            "steps": [asdict(s) for s in self.steps],
            "contracts": [asdict(c) for c in self.contracts],
            "disbursements": [asdict(d) for d in self.disbursements],
        }


# --- reading --------------------------------------------------------------------------------------------


def _sums(session, column, group, where) -> dict[int, int]:
    return {
        k: v or 0 for k, v in session.execute(select(group, func.sum(column)).where(*where).group_by(group))
    }


def _infos(session, actor: Actor, where: list) -> list[ProjectInfo]:
    limit = visible(session, actor)
    if limit is not None:
        where = [*where, limit]
    ids = select(Project.id).where(*where)
    funded = _sums(
        session, ProjectFunding.amount_fen, ProjectFunding.project_id, [ProjectFunding.project_id.in_(ids)]
    )
    signed = _sums(
        session, ProjectContract.amount_fen, ProjectContract.project_id, [ProjectContract.project_id.in_(ids)]
    )
    paid = _sums(
        session, Disbursement.amount_fen, Disbursement.project_id, [Disbursement.project_id.in_(ids)]
    )
    labels = village_labels(session)
    towns = dict(session.execute(select(Township.id, Township.name)).all())
    rows = session.scalars(select(Project).where(*where).order_by(Project.year.desc(), Project.id))
    return [
        ProjectInfo(
            id=p.id,
            year=p.year,
            rolling_from=p.rolling_from,
            name=p.name,
            kind=p.kind,
            township=towns.get(p.township_id, ""),
            village=labels.get(p.village_id, "") if p.village_id else "",
            state=p.state,
            funding_fen=funded.get(p.id, 0),
            contract_fen=signed.get(p.id, 0),
            paid_fen=paid.get(p.id, 0),
            supervisor=p.supervisor,
            implementer=p.implementer,
        )
        for p in rows
    ]


def projects(
    db: Database,
    actor: Actor,
    *,
    year: int | None = None,
    village: str | None = None,
    state: str | None = None,
    kind: str | None = None,
    text: str = "",
) -> list[ProjectInfo]:
    """The 项目库 the actor may see, newest year first: filtered by year, village (建设地点 or 受益村), state, kind
    and words of the name, content, 实施单位 or 监督人."""
    with db.read() as s:
        where: list = []
        if year:
            where.append(Project.year == year)
        if village:
            vid = resolve_village(s, actor, village).id
            benefits = select(ProjectVillage.project_id).where(ProjectVillage.village_id == vid)
            where.append(or_(Project.village_id == vid, Project.id.in_(benefits)))
        if state:
            where.append(Project.state == _choice(state, "状态", (*STATES, VOID)))
        if kind:
            where.append(Project.kind == _choice(kind, "项目类型", KINDS))
        for word in (text or "").split():
            like = f"%{word.replace('%', '').replace('_', '')}%"
            where.append(
                or_(
                    Project.name.like(like),
                    Project.content.like(like),
                    Project.implementer.like(like),
                    Project.supervisor.like(like),
                )
            )
        return _infos(s, actor, where)


def years(db: Database, actor: Actor) -> list[int]:
    """The years the actor's 项目库 holds, newest first (for the filter)."""
    with db.read() as s:
        q = select(Project.year).distinct().order_by(Project.year.desc())
        limit = visible(s, actor)
        return list(s.scalars(q.where(limit) if limit is not None else q))


def _live_rows(rows: list[Disbursement]) -> list[Disbursement]:
    reversed_ids = {d.reverses_id for d in rows if d.reverses_id is not None}
    return [d for d in rows if d.reverses_id is None and d.id not in reversed_ids]


def detail(db: Database, actor: Actor, project_id: int) -> ProjectDetail:
    """Everything the project page shows, as plain data."""
    with db.read() as s:
        p = _project(s, actor, project_id, lock=False, write=False)
        info = _infos(s, actor, [Project.id == p.id])[0]
        labels = village_labels(s)
        rows = list(
            s.scalars(select(Disbursement).where(Disbursement.project_id == p.id).order_by(Disbursement.id))
        )
        files = dict(
            s.execute(
                select(Attachment.id, Attachment.filename).where(
                    Attachment.id.in_(
                        [d.attachment_id for d in rows if d.attachment_id]
                        + list(
                            s.scalars(select(ProjectStep.attachment_id).where(ProjectStep.project_id == p.id))
                        )
                    )
                )
            ).all()
        )
        by_source: dict[str, int] = {}
        for d in rows:
            by_source[d.source] = by_source.get(d.source, 0) + d.amount_fen
        funding = [
            FundingInfo(f.source, f.amount_fen, by_source.get(f.source, 0))
            for f in sorted(
                s.scalars(select(ProjectFunding).where(ProjectFunding.project_id == p.id)),
                key=lambda f: FUND_SOURCES.index(f.source) if f.source in FUND_SOURCES else 99,
            )
        ]
        counted = set(
            s.scalars(
                select(Household.id)
                .join(ProjectBeneficiary, ProjectBeneficiary.household_id == Household.id)
                .where(ProjectBeneficiary.project_id == p.id, counted_households(p.year))
            )
        )
        beneficiaries = [
            BeneficiaryInfo(
                h.code, h.head_name, labels.get(h.village_id, ""), b.mode, b.note, h.id in counted
            )
            for b, h in s.execute(
                select(ProjectBeneficiary, Household)
                .join(Household, Household.id == ProjectBeneficiary.household_id)
                .where(ProjectBeneficiary.project_id == p.id)
                .order_by(Household.code)
            )
        ]
        contracts = list(
            s.scalars(
                select(ProjectContract).where(ProjectContract.project_id == p.id).order_by(ProjectContract.id)
            )
        )
        numbers = {c.id: c.number for c in contracts}
        live = _live_rows(rows)
        reversed_by = {d.reverses_id: d.id for d in rows if d.reverses_id is not None}
        return ProjectDetail(
            info=info,
            content=p.content,
            scale=p.scale,
            supervisor_phone=p.supervisor_phone,
            benefit_note=p.benefit_note,
            funding=funding,
            villages=[
                labels.get(v, "")
                for v in s.scalars(
                    select(ProjectVillage.village_id)
                    .where(ProjectVillage.project_id == p.id)
                    .order_by(ProjectVillage.id)
                )
            ],
            beneficiaries=beneficiaries,
            indicators=[
                IndicatorInfo(i.id, i.name, i.target, i.unit, i.actual)
                for i in s.scalars(
                    select(ProjectIndicator)
                    .where(ProjectIndicator.project_id == p.id)
                    .order_by(ProjectIndicator.id)
                )
            ],
            steps=[
                StepInfo(
                    st.state_from,
                    st.state_to,
                    st.on_date,
                    st.record,
                    files.get(st.attachment_id, ""),
                    st.attachment_id,
                    st.username,
                )
                for st in s.scalars(
                    select(ProjectStep).where(ProjectStep.project_id == p.id).order_by(ProjectStep.id)
                )
            ],
            contracts=[
                ContractInfo(
                    c.id,
                    c.number,
                    c.party,
                    c.amount_fen,
                    c.signed_on,
                    c.note,
                    sum(d.amount_fen for d in rows if d.contract_id == c.id),
                    max((d.progress_percent for d in live if d.contract_id == c.id), default=0),
                )
                for c in contracts
            ],
            disbursements=[
                DisbursementInfo(
                    d.id,
                    d.contract_id,
                    numbers.get(d.contract_id, ""),
                    d.paid_on,
                    d.amount_fen,
                    d.source,
                    d.progress_percent,
                    d.evidence,
                    files.get(d.attachment_id, ""),
                    d.attachment_id,
                    d.reverses_id,
                    reversed_by.get(d.id),
                    d.note,
                    d.username,
                )
                for d in rows
            ],
        )


def attachment_data(db: Database, actor: Actor, attachment_id: int) -> tuple[str, str, bytes]:
    """(filename, kind, bytes) of a step's or a disbursement's scanned paper, if the actor may see its project."""
    with db.read() as s:
        pid = s.scalar(select(ProjectStep.project_id).where(ProjectStep.attachment_id == attachment_id))
        if pid is None:
            pid = s.scalar(select(Disbursement.project_id).where(Disbursement.attachment_id == attachment_id))
        if pid is None:
            raise NotFound(f"附件{attachment_id}不是项目的附件")
        _project(s, actor, pid, lock=False, write=False)
        a = s.get(Attachment, attachment_id)
        return a.filename, a.kind, a.data
