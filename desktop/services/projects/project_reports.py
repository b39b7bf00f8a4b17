"""项目库's papers: the notices posted on the village or township board (项目入库公示, 年度项目计划公告, 项目竣工公告,
资金使用情况公告), the 项目库台账 and 资金拨付台账 (PDF or xlsx), the year's 资金结余 by source, and the 项目档案卡.

Seed 004: “所有扶贫项目资金安排和项目建设等情况，要及时…在项目实施地公告公示，并落实项目监督人员”. Seed 000 回头看
四(三): “是否在政府网站、乡、村公示栏公示公告，是否按照要求的时间、地点、内容等进行公告公示”. Printing a notice is posting
it: the ProjectNotice row (kind, board, day, days) is written in the same transaction as the PDF, so what an
inspector reads is what was printed. The notices name the beneficiary households with their ID numbers masked
(desktop.reports.mask) and never a phone number; the internal ledgers and card name them by 户编号.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected, PermissionDenied
from desktop.models import (
    Disbursement,
    Household,
    Project,
    ProjectBeneficiary,
    ProjectContract,
    ProjectFunding,
    ProjectIndicator,
    ProjectNotice,
    ProjectStep,
    ProjectVillage,
    Township,
    Village,
)
from desktop.models.projects import (
    ACCEPTED,
    BOARDS,
    FUND_SOURCES,
    LISTED,
    NOTICE_KINDS,
    RESERVE,
    SETTLED,
    VOID,
)
from desktop.money import yuan
from desktop.reports.mask import mask
from desktop.services.documents import Printed, render_ledger, township_issuer, township_name
from desktop.services.households.households import resolve_village, village_labels
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.projects.funds import (
    TOTAL,
    balances_in,
    project_scope,
    rate_text,
    warn_line,
    year_balances,
)
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor

# Who may post a notice (printing one records it): the office and the village clerks; read-only users may
# print the ledgers and the card only.
POSTERS = ("admin", "clerk", "village_clerk")
CN_NUMBERS = "一二三四五六七八九十"


# --- reading ---------------------------------------------------------------------------------------------


@dataclass
class Beneficiary:
    village: str
    group: str
    head: str
    code: str
    id_number: str
    mode: str
    note: str


@dataclass
class Payment:
    id: int
    contract: str
    party: str
    paid_on: date
    amount_fen: int
    source: str
    progress: int
    evidence: str
    reverses_id: int | None
    note: str
    username: str


@dataclass
class ProjectView:
    """One project and everything hung on it, as plain data."""

    id: int
    year: int
    rolling_from: int | None
    name: str
    kind: str
    state: str
    township: str
    village: str  # the 建设地点's village label ("" for a township-wide project)
    content: str
    scale: str
    implementer: str
    supervisor: str
    supervisor_phone: str
    benefit_note: str
    funding: list[tuple[str, int]] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)  # 受益村
    beneficiaries: list[Beneficiary] = field(default_factory=list)
    indicators: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, target, unit, actual
    steps: list[tuple[date, str, str, str, str]] = field(default_factory=list)  # on, from, to, record, user
    contracts: list[tuple[int, str, str, int, date, str]] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    notices: list[tuple[str, str, str, date, int]] = field(
        default_factory=list
    )  # kind, board, village, on, days

    @property
    def place(self) -> str:
        return f"{self.township}{self.village}"

    @property
    def allocated_fen(self) -> int:
        return sum(f for _s, f in self.funding)

    @property
    def paid_fen(self) -> int:
        return sum(p.amount_fen for p in self.payments)

    def paid_from(self, source: str) -> int:
        return sum(p.amount_fen for p in self.payments if p.source == source)

    @property
    def contracted_fen(self) -> int:
        return sum(c[3] for c in self.contracts)

    def day_of(self, state: str) -> date | None:
        return next((st[0] for st in reversed(self.steps) if st[2] == state), None)


def _source_order(source: str) -> tuple[int, str]:
    return (FUND_SOURCES.index(source) if source in FUND_SOURCES else len(FUND_SOURCES), source)


def load_projects(session, ids: list[int]) -> list[ProjectView]:
    """The projects with these ids, in the order of their village, then name."""
    if not ids:
        return []
    labels = village_labels(session)
    towns = dict(session.execute(select(Township.id, Township.name)).all())
    views: dict[int, ProjectView] = {}
    for p in session.scalars(select(Project).where(Project.id.in_(ids))):
        views[p.id] = ProjectView(
            p.id, p.year, p.rolling_from, p.name, p.kind, p.state, towns.get(p.township_id, ""),
            labels.get(p.village_id, "") if p.village_id else "", p.content, p.scale, p.implementer,
            p.supervisor, p.supervisor_phone, p.benefit_note,
        )  # fmt: skip
    for pid, src, fen in session.execute(
        select(ProjectFunding.project_id, ProjectFunding.source, ProjectFunding.amount_fen).where(
            ProjectFunding.project_id.in_(ids)
        )
    ):
        views[pid].funding.append((src, fen))
    for v in views.values():
        v.funding.sort(key=lambda f: _source_order(f[0]))
    for pid, vid in session.execute(
        select(ProjectVillage.project_id, ProjectVillage.village_id)
        .where(ProjectVillage.project_id.in_(ids))
        .order_by(ProjectVillage.id)
    ):
        views[pid].villages.append(labels.get(vid, ""))
    for pid, mode, note, h in session.execute(
        select(ProjectBeneficiary.project_id, ProjectBeneficiary.mode, ProjectBeneficiary.note, Household)
        .join(Household, Household.id == ProjectBeneficiary.household_id)
        .where(ProjectBeneficiary.project_id.in_(ids))
        .order_by(Household.village_id, Household.group_name, Household.code)
    ):
        views[pid].beneficiaries.append(
            Beneficiary(
                labels.get(h.village_id, ""), h.group_name, h.head_name, h.code, h.head_id_number, mode, note
            )
        )
    for pid, name, target, unit, actual in session.execute(
        select(
            ProjectIndicator.project_id,
            ProjectIndicator.name,
            ProjectIndicator.target,
            ProjectIndicator.unit,
            ProjectIndicator.actual,
        )
        .where(ProjectIndicator.project_id.in_(ids))
        .order_by(ProjectIndicator.id)
    ):
        views[pid].indicators.append((name, target, unit, actual))
    for st in session.scalars(
        select(ProjectStep)
        .where(ProjectStep.project_id.in_(ids))
        .order_by(ProjectStep.on_date, ProjectStep.id)
    ):
        views[st.project_id].steps.append((st.on_date, st.state_from, st.state_to, st.record, st.username))
    numbers: dict[int, tuple[str, str]] = {}
    for c in session.scalars(
        select(ProjectContract)
        .where(ProjectContract.project_id.in_(ids))
        .order_by(ProjectContract.signed_on, ProjectContract.id)
    ):
        numbers[c.id] = (c.number, c.party)
        views[c.project_id].contracts.append((c.id, c.number, c.party, c.amount_fen, c.signed_on, c.note))
    for d in session.scalars(
        select(Disbursement)
        .where(Disbursement.project_id.in_(ids))
        .order_by(Disbursement.paid_on, Disbursement.id)
    ):
        number, party = numbers.get(d.contract_id, ("", ""))
        views[d.project_id].payments.append(
            Payment(
                d.id,
                number,
                party,
                d.paid_on,
                d.amount_fen,
                d.source,
                d.progress_percent,
                d.evidence,
                d.reverses_id,
                d.note,
                d.username,
            )  # fmt: skip
        )
    _attach_notices(session, views, labels)
    return sorted(views.values(), key=lambda v: (v.village, v.name, v.id))


def _attach_notices(session, views: dict[int, ProjectView], labels: dict[int, str]) -> None:
    """Each project's own notices, and the year's plan and funds notices of a board it stands on (the
    township's, or the board of a village it is built in or benefits)."""
    ids = list(views)
    places: dict[int, set[int]] = {pid: set() for pid in views}
    for pid, vid in session.execute(select(Project.id, Project.village_id).where(Project.id.in_(ids))):
        if vid:
            places[pid].add(vid)
    for pid, vid in session.execute(
        select(ProjectVillage.project_id, ProjectVillage.village_id).where(ProjectVillage.project_id.in_(ids))
    ):
        places[pid].add(vid)
    years = {v.year for v in views.values()}
    for n in session.scalars(
        select(ProjectNotice)
        .where(
            ProjectNotice.project_id.in_(ids)
            | (ProjectNotice.project_id.is_(None) & ProjectNotice.year.in_(years))
        )
        .order_by(ProjectNotice.posted_on, ProjectNotice.id)
    ):
        if n.project_id is not None:
            owners = [n.project_id]
        else:
            owners = [
                pid
                for pid, v in views.items()
                if v.year == n.year and (n.village_id is None or n.village_id in places[pid])
            ]
        for pid in owners:
            views[pid].notices.append(
                (
                    NOTICE_KINDS.get(n.kind, n.kind),
                    BOARDS.get(n.board, n.board),
                    labels.get(n.village_id, "") if n.village_id else "",
                    n.posted_on,
                    n.days,
                )
            )


def _chosen(
    session, actor: Actor, year: int, village: str | None, states: tuple[str, ...] | None
) -> list[int]:
    q = select(Project.id).where(
        Project.year == year, Project.state != VOID, project_scope(session, actor, village)
    )
    if states is not None:
        q = q.where(Project.state.in_(states))
    return list(session.scalars(q))


# --- notices ---------------------------------------------------------------------------------------------


def _notice_days(days: int | None, default: object) -> int:
    """The days asked for on one notice, else the office's setting, held to the setting's range."""
    value = default if days is None else days
    try:
        return settings.SPECS["projects.notice_days"].check(value)
    except ValueError as exc:
        raise InputRejected(f"公示天数“{value}”{exc}") from None


def _funds_text(funding: list[tuple[str, int]]) -> str:
    if not funding:
        return "未安排"
    total = sum(f for _s, f in funding)
    parts = "、".join(f"{s}{yuan(f)}元" for s, f in funding)
    return f"共{yuan(total)}元" + (f"，其中{parts}" if len(funding) > 1 else f"（{funding[0][0]}）")


def _indicators_text(view: ProjectView, *, actual: bool = False) -> str:
    if not view.indicators:
        return "—"
    parts = []
    for name, target, unit, got in view.indicators:
        if actual:
            parts.append(f"{name}：目标{target}{unit}，完成{got + unit if got else '（未填写）'}")
        else:
            parts.append(f"{name}{target}{unit}")
    return "；".join(parts)


def _benefit_text(view: ProjectView) -> str:
    parts = []
    if view.villages:
        parts.append("受益村：" + "、".join(view.villages))
    if view.beneficiaries:
        parts.append(f"受益农户{len(view.beneficiaries)}户（名单附后）")
    if view.benefit_note:
        parts.append(view.benefit_note)
    return "；".join(parts) or "—"


def _blocks(views: list[ProjectView], *, completion: bool = False) -> list[str]:
    """Each project as a heading line and one line per field (项目名称, 地点, 内容, 规模, 资金及来源, 实施单位,
    受益对象, 绩效目标, 监督人)."""
    out = []
    for i, v in enumerate(views):
        number = CN_NUMBERS[i] if i < len(CN_NUMBERS) else str(i + 1)
        out.append(f"{number}、{v.name}" if len(views) > 1 else f"项目名称：{v.name}")
        out.append(f"建设地点：{v.place}")
        out.append(f"建设内容：{v.content or '—'}")
        out.append(f"建设规模：{v.scale or '—'}")
        out.append(f"资金规模及来源：{_funds_text(v.funding)}。")
        if completion:
            out.append(f"已拨付资金：{yuan(v.paid_fen)}元。")
        out.append(f"实施单位：{v.implementer or '—'}")
        out.append(f"受益对象：{_benefit_text(v)}")
        if completion:
            out.append(f"绩效目标完成情况：{_indicators_text(v, actual=True)}")
        else:
            out.append(f"绩效目标：{_indicators_text(v)}")
        out.append(f"项目监督人：{v.supervisor or '—'}")
    return out


def _beneficiary_table(views: list[ProjectView]):
    from desktop.reports.notice import NoticeTable  # lazy: reportlab loads only when printing

    rows = []
    for v in views:
        for b in v.beneficiaries:
            rows.append(
                [
                    str(len(rows) + 1),
                    v.name,
                    f"{b.village}{b.group}",
                    b.head,
                    mask("id_number", b.id_number),
                    b.mode,
                ]
            )
    if not rows:
        return None
    return NoticeTable(
        ["序号", "项目名称", "村民小组", "户主姓名", "身份证号码", "带贫方式"],
        rows,
        [0.8, 2.6, 2.2, 1.5, 3.4, 1.4],
        ["center", "left", "center", "center", "center", "center"],
        [True, False, False, True, True, True],
    )


@dataclass
class _Board:
    key: str
    village: Village | None
    township: Township
    place: str  # what the notice is about: the village's or the township's name
    office: str  # where objections go
    scope: str | None  # the village the projects are chosen by (the village board's), None: all in sight


def _board(session, actor: Actor, board: str, village: str | None) -> _Board:
    if actor.role not in POSTERS:
        raise PermissionDenied(
            f"用户“{actor.username}”不能张贴项目公告（打印公告即登记张贴），请扶贫办干部打印"
        )
    if board not in BOARDS:
        raise InputRejected(f"公示栏“{board}”无效，可选：village（村公示栏）、township（乡镇公示栏）")
    if board == "village":
        if not village:
            raise InputRejected("张贴在村公示栏的公告要写明哪个村")
        v = resolve_village(session, actor, village)
        t = session.get(Township, v.township_id)
        return _Board(board, v, t, v.name, f"{v.name}村民委员会或{t.name}人民政府", village)
    if actor.village_ids is not None:
        raise PermissionDenied("乡镇公示栏的公告由乡镇扶贫办张贴；村文书只能张贴本村公示栏的公告")
    t = session.scalar(select(Township).order_by(Township.id).limit(1))
    if t is None:
        raise InputRejected("还没有乡镇（先导入花名册）")
    return _Board(board, None, t, t.name, f"{t.name}人民政府", None)


def _post(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    kind: str,
    year: int,
    board: str,
    village: str | None,
    start: date | None,
    days: int | None,
    issuer: str | None,
    phone: str | None,
    choose,
    compose,
) -> Printed:
    """One notice, one transaction: choose the projects, lay the notice out, record it (a ProjectNotice row per
    project for a per-project notice, one for a year's notice) and render it; nothing is recorded when the PDF
    cannot be written, and no PDF is left when the record cannot be."""
    from desktop.reports.notice import Notice, notice_period, render_notice  # lazy: reportlab

    start = start or clock.today()
    office = settings.get_all(db)
    chosen_days = _notice_days(days, office["projects.notice_days"])
    phone = phone or str(office["notice.phone"])
    local = office["notice.local_phone"]
    first, last = notice_period(start, chosen_days)
    path = Path(out)
    existed = path.exists()
    try:
        with db.write() as s:
            where = _board(s, actor, board, village)
            views = choose(s, where)
            title, paragraphs, table, caption = compose(s, where, views, start)
            word = "公示" if kind == "listing" else "公告"
            closing = [
                f"{word}时间：{clock.cn_date(first)}至{clock.cn_date(last)}（共{chosen_days}天）。",
                f"{word}期间，如有异议或发现问题，请以书面或电话形式向{where.office}反映。",
                f"监督举报电话：{local + '　' if local else ''}{phone}",
            ]
            if office["notice.address"]:
                closing.append(f"受理地址：{office['notice.address']}")
            per_project = kind in ("listing", "completion")
            for pid in [v.id for v in views] if per_project else [None]:
                s.add(
                    ProjectNotice(
                        kind=kind,
                        year=year,
                        project_id=pid,
                        board=board,
                        village_id=where.village.id if where.village else None,
                        posted_on=start,
                        days=chosen_days,
                        username=actor.username,
                    )
                )
            s.flush()
            audit.record(
                s,
                actor.username,
                "projects.notice",
                entity="project_notice",
                key=f"{kind}:{year}",
                after={
                    "kind": NOTICE_KINDS[kind],
                    "board": BOARDS[board],
                    "village": where.village.name if where.village else "",
                    "projects": [v.name for v in views],
                    "posted_on": start.isoformat(),
                    "days": chosen_days,
                },
            )
            notice = Notice(
                title=title,
                paragraphs=paragraphs,
                table=table,
                table_caption=caption,
                closing=closing,
                # township_issuer's rule, from the settings read before the transaction
                issuer=issuer or str(office["notice.issuer"] or f"{where.township.name}人民政府"),
                issued=start,
                stamp=audit.stamp(s),
            )
            info = render_notice(notice, path)
    except BaseException:
        if not existed:
            path.unlink(missing_ok=True)
        raise
    return Printed(str(out), info.pages, info.fonts, len(views))


def listing_notice(
    db: Database,
    actor: Actor,
    year: int,
    out: str | Path,
    *,
    board: str = "township",
    village: str | None = None,
    projects: list[int] | None = None,
    start: date | None = None,
    days: int | None = None,
    issuer: str | None = None,
    phone: str | None = None,
) -> Printed:
    """项目入库公示: the year's projects proposed for, or just entered into, the 项目库 (储备 and 入库; or the
    `projects` named), for the village board (the projects built in or benefiting `village`) or the township's."""

    def choose(s, where: _Board) -> list[ProjectView]:
        ids = _chosen(s, actor, year, where.scope, (RESERVE, LISTED))
        if projects:
            unknown = set(projects) - set(_chosen(s, actor, year, where.scope, None))
            if unknown:
                raise InputRejected(
                    f"项目{'、'.join(map(str, sorted(unknown)))}不是{where.place}{year}年度的项目"
                )
            ids = list(projects)
        if not ids:
            raise InputRejected(f"{where.place}{year}年度没有储备或入库的项目，无法生成入库公示")
        return load_projects(s, ids)

    def compose(s, where: _Board, views: list[ProjectView], on: date):
        total = sum(v.allocated_fen for v in views)
        return (
            f"关于{where.place}{year}年度扶贫项目入库的公示",
            [
                f"根据项目库管理和扶贫资金项目公告公示有关规定，现将{where.place}拟纳入{year}年度项目库的项目"
                f"（共{len(views)}个，资金规模{yuan(total)}元）予以公示：",
                *_blocks(views),
            ],
            _beneficiary_table(views),
            "附：受益农户名单",
        )

    return _post(
        db, actor, out, kind="listing", year=year, board=board, village=village, start=start, days=days,
        issuer=issuer, phone=phone, choose=choose, compose=compose,
    )  # fmt: skip


def plan_notice(
    db: Database,
    actor: Actor,
    year: int,
    out: str | Path,
    *,
    board: str = "township",
    village: str | None = None,
    start: date | None = None,
    days: int | None = None,
    issuer: str | None = None,
    phone: str | None = None,
) -> Printed:
    """年度项目计划公告: the year's projects in the 项目库 (入库 and after, never 储备 or 已作废) with their funds."""

    def choose(s, where: _Board) -> list[ProjectView]:
        ids = _chosen(s, actor, year, where.scope, None)
        views = [v for v in load_projects(s, ids) if v.state != RESERVE]
        if not views:
            raise InputRejected(f"{where.place}{year}年度没有已入库的项目，无法生成年度项目计划公告")
        return views

    def compose(s, where: _Board, views: list[ProjectView], on: date):
        by_source: dict[str, int] = {}
        for v in views:
            for src, fen in v.funding:
                by_source[src] = by_source.get(src, 0) + fen
        sources = "、".join(f"{k}{yuan(by_source[k])}元" for k in sorted(by_source, key=_source_order))
        total = sum(by_source.values())
        return (
            f"{where.place}{year}年度扶贫项目计划公告",
            [
                f"根据{year}年度项目库和资金安排，{where.place}{year}年度计划实施扶贫项目{len(views)}个，"
                f"计划投入资金{yuan(total)}元"
                + (f"（{sources}）" if sources else "")
                + "。现将项目计划公告如下：",
                *_blocks(views),
            ],
            _beneficiary_table(views),
            "附：受益农户名单",
        )

    return _post(
        db, actor, out, kind="plan", year=year, board=board, village=village, start=start, days=days,
        issuer=issuer, phone=phone, choose=choose, compose=compose,
    )  # fmt: skip


def completion_notice(
    db: Database,
    actor: Actor,
    project: int,
    out: str | Path,
    *,
    board: str = "village",
    village: str | None = None,
    start: date | None = None,
    days: int | None = None,
    issuer: str | None = None,
    phone: str | None = None,
) -> Printed:
    """项目竣工公告 of one project that has passed 竣工验收: what was built, the money given and paid, the 绩效目标
    against what was found. On the village board of its 建设地点 unless another village is named."""
    with db.read() as s:
        p = s.get(Project, project)
        if (
            p is None
            or s.scalar(select(Project.id).where(Project.id == project, project_scope(s, actor))) is None
        ):
            raise InputRejected(f"项目{project}不存在或无权查看")
        year = p.year
        if board == "village" and not village and p.village_id is not None:
            v = s.get(Village, p.village_id)
            t = s.get(Township, v.township_id)
            village = f"{t.county}{t.name}{v.name}"

    def choose(s, where: _Board) -> list[ProjectView]:
        (view,) = load_projects(s, [project])
        if view.state not in (ACCEPTED, SETTLED):
            raise InputRejected(f"项目“{view.name}”现为{view.state}，竣工验收后才能发竣工公告")
        if where.village is not None and where.village.id not in _scope_villages(s, project):
            raise InputRejected(f"项目“{view.name}”不在{where.place}建设，也不惠及{where.place}")
        return [view]

    def compose(s, where: _Board, views: list[ProjectView], on: date):
        v = views[0]
        accepted = v.day_of(ACCEPTED)
        when = f"于{clock.cn_date(accepted)}" if accepted else ""
        return (
            f"关于{v.name}竣工的公告",
            [
                f"{v.name}已{when}通过竣工验收。现将项目建设和资金使用情况公告如下：",
                *_blocks(views, completion=True),
            ],
            _beneficiary_table(views),
            "附：受益农户名单",
        )

    return _post(
        db, actor, out, kind="completion", year=year, board=board, village=village, start=start, days=days,
        issuer=issuer, phone=phone, choose=choose, compose=compose,
    )  # fmt: skip


def _scope_villages(session, project: int) -> set[int]:
    own = session.scalar(select(Project.village_id).where(Project.id == project))
    benefit = set(
        session.scalars(select(ProjectVillage.village_id).where(ProjectVillage.project_id == project))
    )
    return benefit | ({own} if own else set())


def funds_notice(
    db: Database,
    actor: Actor,
    year: int,
    out: str | Path,
    *,
    board: str = "township",
    village: str | None = None,
    start: date | None = None,
    days: int | None = None,
    issuer: str | None = None,
    phone: str | None = None,
) -> Printed:
    """资金使用情况公告 of a year: per fund source what was allocated, paid and is left (paid up to the day it is
    posted), then every project's money by source."""
    from desktop.reports.notice import NoticeTable  # lazy: reportlab loads only when printing

    line = warn_line(db)

    def choose(s, where: _Board) -> list[ProjectView]:
        # the 项目库's projects only: a 储备 project has no money arranged yet (as in the 年度项目计划公告)
        views = [
            v for v in load_projects(s, _chosen(s, actor, year, where.scope, None)) if v.state != RESERVE
        ]
        if not views:
            raise InputRejected(f"{where.place}{year}年度没有已入库的项目，无法生成资金使用情况公告")
        return views

    def compose(s, where: _Board, views: list[ProjectView], on: date):
        balances = balances_in(s, actor, year, line, village=where.scope, on=on)
        total = balances[-1]
        paragraphs = [
            f"根据扶贫资金项目公告公示有关规定，现将{where.place}{year}年度扶贫项目资金使用情况公告如下。"
            f"截至{clock.cn_date(on)}，共安排项目{len(views)}个，安排资金{yuan(total.allocated_fen)}元，"
            f"已拨付{yuan(total.paid_fen)}元，结余{yuan(total.balance_fen)}元，结余率{total.rate_text}。",
            "按资金来源：",
            *(
                f"{i}.{b.source}：安排{yuan(b.allocated_fen)}元，拨付{yuan(b.paid_fen)}元，"
                f"结余{yuan(b.balance_fen)}元。"
                for i, b in enumerate((b for b in balances if b.source != TOTAL), start=1)
            ),
        ]
        rows = []
        for number, v in enumerate(views, start=1):
            sources = [src for src, _f in v.funding]
            sources += sorted({p.source for p in v.payments} - set(sources), key=_source_order)
            given = dict(v.funding)
            for k, src in enumerate(sources or [""]):
                paid = sum(p.amount_fen for p in v.payments if p.source == src and p.paid_on <= on)
                rows.append(
                    [
                        str(number) if k == 0 else "",
                        v.name if k == 0 else "",
                        src or "—",
                        yuan(given.get(src, 0)),
                        yuan(paid),
                        yuan(given.get(src, 0) - paid),
                    ]
                )
        rows.append(["", TOTAL, "", yuan(total.allocated_fen), yuan(total.paid_fen), yuan(total.balance_fen)])
        table = NoticeTable(
            ["序号", "项目名称", "资金来源", "安排资金", "已拨付", "结余"],
            rows,
            [0.8, 3.0, 2.6, 2.0, 2.0, 2.0],
            ["center", "left", "left", "right", "right", "right"],
            [True, False, True, True, True, True],
        )
        return (
            f"{where.place}{year}年度扶贫项目资金使用情况公告",
            paragraphs,
            table,
            "项目资金明细（单位：元）",
        )

    return _post(
        db, actor, out, kind="funds", year=year, board=board, village=village, start=start, days=days,
        issuer=issuer, phone=phone, choose=choose, compose=compose,
    )  # fmt: skip


# --- ledgers ---------------------------------------------------------------------------------------------


def _ledger_views(
    db: Database, actor: Actor, year: int, village: str | None
) -> tuple[list[ProjectView], str]:
    with db.read() as s:
        views = load_projects(s, _chosen(s, actor, year, village, None))
        township = township_name(s)
    if not views:
        raise InputRejected(f"{year}年度没有项目")
    return views, township


def projects_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    year: int | None = None,
    village: str | None = None,
    xlsx: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> Printed:
    """项目库台账: the year's projects (not 已作废), one row each, subtotalled per 建设地点 village: funds by source,
    contracted, paid, balance, beneficiaries, state and the day it reached it."""
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    today = today or clock.today()
    year = year or today.year
    views, township = _ledger_views(db, actor, year, village)
    rows = []
    for i, v in enumerate(views, start=1):
        reached = v.day_of(v.state)
        rows.append(
            [
                i,
                v.village or v.township,  # a township-wide project stands under the township's name
                f"{v.name}（{v.kind}）",
                f"{v.content}（{v.scale}）" if v.scale else v.content,
                v.implementer,
                "\n".join(f"{s}{yuan(f)}" for s, f in v.funding) or "—",
                v.allocated_fen,
                v.contracted_fen,
                v.paid_fen,
                v.allocated_fen - v.paid_fen,
                len(v.beneficiaries),
                v.state + (f"\n{clock.cn_date(reached)}" if reached else ""),
            ]
        )
    ledger = Ledger(
        title=f"{township}{views[0].village if village else ''}{year}年度扶贫项目库台账",
        columns=[
            Column("序号", "center", nowrap=True),
            Column("建设地点", "center", min_chars=3, nowrap=True),
            Column("项目名称\n（类别）", min_chars=8),
            Column("建设内容\n及规模", min_chars=8),
            Column("实施\n单位", min_chars=5),
            Column("资金来源（元）", min_chars=8),
            Column("安排资金", "right", total=True, money=True),
            Column("合同金额", "right", total=True, money=True),
            Column("已拨付", "right", total=True, money=True),
            Column("结余", "right", total=True, money=True),
            Column("受益\n户数", "right", total=True),
            Column("状态", "center", min_chars=6),
        ],
        rows=rows,
        unit=township_issuer(db, township),
        period=f"{year}年度",
        measure="单位：元、户",
        group_col=1,
        made=today,
        stamp=audit.stamp(db),
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)


def disbursements_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    year: int | None = None,
    village: str | None = None,
    project: int | None = None,
    xlsx: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> Printed:
    """资金拨付台账: every 拨付 against the year's projects (or one project), per project and contract in the order
    paid, with the progress and evidence it rests on. A reversal stands as its own negative row naming the row
    it undoes and why; amounts run on with 本页小计, 过次页/承前页 and 合计, and a 小计 per project."""
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    today = today or clock.today()
    views, township = _ledger_views(db, actor, year or today.year, village)
    if project is not None:
        views = [v for v in views if v.id == project]
        if not views:
            raise InputRejected(f"项目{project}不是{year or today.year}年度的项目，或无权查看")
    year = views[0].year
    rows = []
    for v in views:
        order = {c[1]: k for k, c in enumerate(v.contracts)}
        last_contract = None
        for p in sorted(v.payments, key=lambda p: (order.get(p.contract, 0), p.paid_on, p.id)):
            note = p.note
            if p.reverses_id is not None:
                note = f"冲销第{p.reverses_id}号拨付" + (f"：{p.note}" if p.note else "")
            contract = f"{p.contract}\n{p.party}" if p.contract != last_contract else ""
            last_contract = p.contract
            rows.append(
                [
                    len(rows) + 1,
                    v.name,
                    contract,  # on its first row (and again at the top of a page)
                    clock.cn_date(p.paid_on),
                    p.source,
                    p.amount_fen,
                    f"{p.progress}%",
                    p.evidence,
                    f"第{p.id}号" + (f"：{note}" if note else ""),
                    p.username,
                ]
            )
    if not rows:
        raise InputRejected(f"{year}年度还没有拨付记录")
    ledger = Ledger(
        title=f"{township}{views[0].name if project else ''}{year}年度扶贫项目资金拨付台账",
        columns=[
            Column("序号", "center"),
            Column("项目名称", min_chars=10),
            Column("合同编号及收款单位", min_chars=11),
            Column("拨付日期", "center", nowrap=True),
            Column("资金来源", min_chars=8),
            Column("拨付金额", "right", total=True, money=True),
            Column("建设进度", "center"),
            Column("凭证", min_chars=8),
            Column("编号及说明", min_chars=9),
            Column("经办人", "center", min_chars=3),
        ],
        rows=rows,
        unit=township_issuer(db, township),
        period=f"{year}年度",
        measure="单位：元",
        repeat_cols=(2,),
        group_col=1,
        carry=True,
        made=today,
        stamp=audit.stamp(db),
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)


def balances_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    year: int | None = None,
    village: str | None = None,
    xlsx: bool = False,
    today: date | None = None,
) -> Printed:
    """资金结余表: year_balances as a ledger, the rates above the line marked (seed 004: 结余率下降到5%以下)."""
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    today = today or clock.today()
    year = year or today.year
    balances = [b for b in year_balances(db, actor, year, village=village) if b.source != TOTAL]
    if not balances:
        raise InputRejected(f"{year}年度没有安排项目资金")
    line = settings.get(db, "projects.balance_warn_percent")
    with db.read() as s:
        township = township_name(s)
    rows = [
        [
            i,
            b.source,
            b.allocated_fen,
            b.paid_fen,
            b.balance_fen,
            b.rate_text,
            f"超过{line}%" if b.warn else "",
        ]
        for i, b in enumerate(balances, start=1)
    ]
    ledger = Ledger(
        title=f"{township}{year}年度扶贫项目资金结转结余表",
        columns=[
            Column("序号", "center"),
            Column("资金来源", min_chars=8),
            Column("安排资金", "right", total=True, money=True),
            Column("已拨付", "right", total=True, money=True),
            Column("结转结余", "right", total=True, money=True),
            Column("结余率", "right", nowrap=True),
            Column("提示", "center", min_chars=5),
        ],
        rows=rows,
        unit=township_issuer(db, township),
        period=f"{year}年度（截至{clock.cn_date(today)}）",
        measure="单位：元",
        made=today,
        stamp=audit.stamp(db),
    )
    return render_ledger(ledger, out, xlsx=xlsx)


# --- the card --------------------------------------------------------------------------------------------


def _card(v: ProjectView):
    from desktop.reports.project_card import ProjectCard, Section  # lazy: reportlab loads only when printing

    rolling = f"{v.rolling_from}—{v.rolling_from + 2}年" if v.rolling_from else "—"
    paid = {src: v.paid_from(src) for src in {*dict(v.funding), *(p.source for p in v.payments)}}
    funding_rows = [[s, yuan(f), yuan(paid.get(s, 0)), yuan(f - paid.get(s, 0))] for s, f in v.funding]
    funding_rows += [[s, yuan(0), yuan(p), yuan(-p)] for s, p in paid.items() if s not in dict(v.funding)]
    funding_rows.append([TOTAL, yuan(v.allocated_fen), yuan(v.paid_fen), yuan(v.allocated_fen - v.paid_fen)])
    payments = []
    for p in v.payments:
        what = p.note
        if p.reverses_id is not None:
            what = f"冲销第{p.reverses_id}号" + (f"：{p.note}" if p.note else "")
        payments.append(
            [f"第{p.id}号", clock.cn_date(p.paid_on), p.contract, p.source, yuan(p.amount_fen), f"{p.progress}%",
             p.evidence, what]
        )  # fmt: skip
    return ProjectCard(
        title=v.name,
        subtitle=f"{v.year}年度　{v.kind}　现状态：{v.state}　（项目编号{v.id}）",
        fields=[
            ("建设地点", v.place),
            ("三年滚动规划", rolling),
            ("实施单位", v.implementer),
            ("项目监督人", f"{v.supervisor} {v.supervisor_phone}".strip()),
            ("建设内容", v.content),
            ("建设规模", v.scale),
            ("受益村", "、".join(v.villages) or "—"),
            ("受益对象及带贫机制", v.benefit_note),
        ],
        sections=[
            Section(
                "资金来源（元）",
                ["资金来源", "安排资金", "已拨付", "结余"],
                [2.4, 1.4, 1.4, 1.4],
                funding_rows,
                ["left", "right", "right", "right"],
            ),
            Section(
                f"受益农户（{len(v.beneficiaries)}户）",
                ["序号", "村民小组", "户编号", "户主", "带贫方式", "说明"],
                [0.6, 1.8, 1.9, 1.0, 1.0, 2.0],
                [
                    [str(i), f"{b.village}{b.group}", b.code, b.head, b.mode, b.note]
                    for i, b in enumerate(v.beneficiaries, start=1)
                ],
            ),
            Section(
                "绩效目标",
                ["指标", "目标值", "单位", "实际完成"],
                [2.4, 1.4, 0.8, 1.4],
                [[n, t, u, a or "—"] for n, t, u, a in v.indicators],
            ),
            Section(
                "项目进度（入库、实施、验收、决算）",
                ["日期", "环节", "依据（会议记录、文号）", "经办人"],
                [1.3, 1.5, 3.6, 0.9],
                [[clock.cn_date(on), f"{a}→{b}" if a else b, rec, who] for on, a, b, rec, who in v.steps],
                ["center", "center", "left", "center"],
            ),
            Section(
                "合同",
                ["合同编号", "合同方", "金额（元）", "签订日期", "备注"],
                [1.5, 2.0, 1.2, 1.3, 1.6],
                [[c[1], c[2], yuan(c[3]), clock.cn_date(c[4]), c[5]] for c in v.contracts],
                ["center", "left", "right", "center", "left"],
            ),
            Section(
                "资金拨付",
                ["编号", "日期", "合同", "资金来源", "金额（元）", "进度", "凭证", "说明"],
                [0.7, 1.7, 0.95, 1.95, 1.45, 0.65, 1.3, 1.3],
                payments,
                ["center", "center", "center", "left", "right", "center", "left", "left"],
            ),
            Section(
                "公告公示",
                ["类型", "公示栏", "开始日期", "天数"],
                [2.0, 2.0, 1.6, 0.8],
                [
                    [k, b + (f"（{vil}）" if vil else ""), clock.cn_date(on), str(d)]
                    for k, b, vil, on, d in v.notices
                ],
                empty="尚未公告公示",
            ),
        ],
    )


def project_card(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    project: int | None = None,
    year: int | None = None,
    village: str | None = None,
    today: date | None = None,
) -> Printed:
    """项目档案卡: one project (`project`), or every project of a year, each from a new page (internal: the
    households by 户编号, the supervisor's phone in full)."""
    from desktop.reports.project_card import render_project_cards  # lazy: reportlab loads only when printing

    today = today or clock.today()
    with db.read() as s:
        if project is not None:
            ids = list(
                s.scalars(select(Project.id).where(Project.id == project, project_scope(s, actor, village)))
            )
            if not ids:
                raise InputRejected(f"项目{project}不存在或无权查看")
        else:
            ids = _chosen(s, actor, year or today.year, village, None)
            if not ids:
                raise InputRejected(f"{year or today.year}年度没有项目")
        views = load_projects(s, ids)
        stamp = audit.stamp(s)
    pages = render_project_cards([_card(v) for v in views], out, made=today, stamp=stamp)
    return Printed(str(out), pages, [], len(views))


__all__ = [
    "balances_ledger",
    "completion_notice",
    "disbursements_ledger",
    "funds_notice",
    "listing_notice",
    "load_projects",
    "plan_notice",
    "project_card",
    "projects_ledger",
    "rate_text",
]
