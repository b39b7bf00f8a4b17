"""公益岗位 (public-welfare jobs): posts per village, who holds them, the monthly 考核 and the 工资发放.

Seed 001 二(二)1: “开发公益岗位安置800人(每个村、社区安排护路、护林、护水、保洁等公益岗位3—5个，城管部门协调保洁
公司安排50个左右公益岗位)” — the kinds of post and the 3—5 per village (settings posts.min_count/max_count).
Seed 001 三(一): “对红卡户，重点通过产业就业帮扶…；对黄卡户和蓝卡户，…通过产业发展、扶贫车间、开发公益岗位…等途径，
防止返贫或新致贫” — so a holder comes from a household not yet out of poverty (建档立卡, 未脱贫) or one under
防返贫监测 (plans.monitored: a confirmed 黄卡/蓝卡 or a monitoring 户类型, or an open monitoring case).
Seed 000 (十四): “开发多种公益性岗位…优先安排贫困人员就业，帮助贫困家庭增收”.

Who may hold a post (checked at assignment, and reported as a finding when it stops being true):
- the member is still on the roster (not died or moved out: Member.left_at empty), aged 16 or more;
- 劳动技能 普通劳动力, 技能劳动力 or 弱劳动力或半劳动力 (公益岗位 are the work a half-able person can do);
  丧失劳动力/无劳动力 or nothing recorded is refused;
- the household is registered and not exited, or monitored (above).
One holder per post at a time (the database's unique open_post_id as well as the check); one post per person
unless the setting posts.one_per_person is switched off (then a finding).

Pay (a default, documented as the settings say; the seeds give no rule): the month's pay of a holding is
    monthly pay × days held in the month ÷ days in the month      (setting posts.prorate, default on)
    monthly pay                                                   (posts.prorate off, any day held)
times 100 % when the month's 考核 is 合格, posts.fail_percent % (default 0: nothing) when 不合格, rounded half up
to the fen. Days worked are recorded and printed, not paid by. A month is paid only when every holding of the
month has its 考核. A 工资发放 run is per village and month, append-only; a second pay run for a month already
paid is refused (and the unique key village/month/attempt refuses it in the database); a mistake is reversed by
a reversal run naming the run, after which the month may be paid again. 发放 and 冲正, and every change to posts
and holders, are the township's: a village clerk records the 考核 of his villages.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from desktop import clock, limits
from desktop.clock import Month
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied, Refused, check_text
from desktop.models import Household, Member, MonitoringCase, Township, Village
from desktop.models.base import utcnow
from desktop.models.posts import (
    POST_KINDS,
    RESULTS,
    PostAttendance,
    PostHolding,
    PublicPost,
    WageLine,
    WageRun,
)
from desktop.money import check_count, check_fen, yuan
from desktop.services.households.households import age_on, resolve_village, village_labels
from desktop.services.plans import plans
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor

__all__ = ["POST_KINDS", "RESULTS"]

POST_LABOUR = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力")
MIN_AGE = 16
MONITORED_CASE_STATES = ("monitored", "closing")  # 县审定 纳入 and not yet 风险消除
NAME_CHARS = 40
TEXT_CHARS = 500
FIRST_YEAR = 2014


# --- plain data -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HolderInfo:
    holding_id: int
    member_id: int
    name: str
    member_code: str
    household: str  # 户编号
    head: str
    group: str
    id_number: str
    start_on: date
    end_on: date | None
    end_reason: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PostInfo:
    id: int
    village: str
    kind: str
    name: str
    duty: str
    monthly_pay_fen: int
    closed_on: date | None
    close_reason: str
    holder: HolderInfo | None  # who holds it today

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["holder"] = self.holder.as_json() if self.holder else None
        return data


@dataclass(frozen=True)
class Candidate:
    """A member who may be given a post (or not, and why)."""

    member_id: int
    name: str
    member_code: str
    household: str
    head: str
    relation: str
    age: int | None
    labour: str
    holds: str  # the post he holds now, or ""
    reasons: tuple[str, ...]  # why not eligible; empty when eligible

    @property
    def eligible(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class AttendanceRow:
    """One holding of a month in the 考核 grid."""

    holding_id: int
    post: str
    kind: str
    name: str
    member_code: str
    household: str
    days_held: int
    days_worked: int | None  # None: not yet recorded
    result: str
    note: str
    monthly_pay_fen: int
    pay_fen: int | None  # what the month would pay (None until the 考核 is in)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class WageLineInfo:
    post: str
    kind: str
    name: str
    household: str
    group: str
    id_number: str
    monthly_pay_fen: int
    days_held: int
    days_in_month: int
    days_worked: int
    result: str
    pay_fen: int
    basis: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RunInfo:
    id: int
    village: str
    township: str
    month: str
    kind: str  # pay | reversal
    reverses_id: int | None
    reversed_by: int | None
    total_fen: int
    people: int
    paid_on: date
    reason: str
    made_by: str
    lines: list[WageLineInfo]

    @property
    def live(self) -> bool:
        return self.kind == "pay" and self.reversed_by is None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["live"] = self.live
        data["lines"] = [ln.as_json() for ln in self.lines]
        return data


@dataclass(frozen=True)
class PostFinding:
    """疑点 of the 公益岗位 area."""

    rule: str  # post_count | holder_ineligible | two_posts
    rule_name: str
    village: str
    message: str
    household: str = ""  # 户编号 of a holder's finding
    member: str = ""  # 人编号
    post_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


RULE_NAMES = {
    "post_count": "公益岗位个数不在规定范围",
    "holder_ineligible": "公益岗位在岗人员不再符合条件",
    "two_posts": "一人担任多个公益岗位",
}


# --- small checks -----------------------------------------------------------------------------------------


def parse_month(text: str, today: date | None = None) -> str:
    month = Month.parse(text)
    today = today or clock.today()
    if not FIRST_YEAR <= month.year <= today.year + 1:
        raise InputRejected(f"月份“{text}”不在{FIRST_YEAR}年至{today.year + 1}年之间")
    return str(month)


def cn_month(month: str) -> str:
    m = Month.parse(month)
    return f"{m.year}年{m.month}月"


_text = check_text


def _kind(kind: str) -> str:
    kind = (kind or "").strip()
    if kind not in POST_KINDS:
        raise InputRejected(f"岗位类别“{kind}”不对，应为：{'、'.join(POST_KINDS)}")
    return kind


def _pay(session, fen: int) -> int:
    ceiling = int(settings.get_in(session, "posts.max_pay_yuan")) * 100
    return check_fen(fen, "月工资", max_fen=min(ceiling, limits.MONTHLY_FEN))


def _day(value: date | None, what: str, today: date) -> date:
    if value is None:
        raise InputRejected(f"{what}不能为空")
    if not (FIRST_YEAR <= value.year <= today.year + 1):
        raise InputRejected(f"{what}“{clock.cn_date(value)}”不合理")
    return value


def _township(actor: Actor, what: str) -> None:
    """Posts, holders and 发放 are the township's decisions: a village clerk records the 考核 only."""
    actor.require("household.edit", what)
    if actor.village_ids is not None:
        raise PermissionDenied(f"用户“{actor.username}”是村级用户，不能{what}（由扶贫办干部或管理员办理）")


def _post(session, actor: Actor, post_id: int, *, lock: bool = True) -> PublicPost:
    query = select(PublicPost).where(PublicPost.id == post_id)
    if lock:
        query = query.with_for_update()
    p = session.scalar(query)
    if p is None:
        raise NotFound(f"公益岗位{post_id}不存在")
    if actor.village_ids is not None and p.village_id not in actor.village_ids:
        raise PermissionDenied(f"无权查看其他村的公益岗位（{post_id}）")
    return p


def days_held(start: date, end: date | None, month: str) -> int:
    """Days of the month within [start, end] (end None: still on the post)."""
    m = Month.parse(month)
    first, last = max(start, m.first_day()), min(end or m.last_day(), m.last_day())
    return max(0, (last - first).days + 1)


def month_pay(
    monthly_fen: int, held: int, days_in_month: int, result: str, *, prorate: bool, fail_percent: int
):
    """(pay in fen, basis in words) of one holding for one month, as the module docstring says."""
    percent = 100 if result == "合格" else fail_percent
    if held <= 0:
        return 0, "本月未在岗"
    if prorate:
        num, den = monthly_fen * held * percent, days_in_month * 100
        basis = f"月工资{monthly_fen / 100:.2f}元×在岗{held}/{days_in_month}天"
    else:
        num, den = monthly_fen * percent, 100
        basis = f"月工资{monthly_fen / 100:.2f}元"
    if percent != 100:
        basis += f"×考核{result}{percent}%"
    return (num + den // 2) // den, basis


# --- eligibility ------------------------------------------------------------------------------------------


def _monitored_ids(session, household_ids: list[int], year: int) -> set[int]:
    if not household_ids:
        return set()
    listed = set(
        session.scalars(select(Household.id).where(Household.id.in_(household_ids), plans.monitored(year)))
    )
    cases = set(
        session.scalars(
            select(MonitoringCase.household_id).where(
                MonitoringCase.household_id.in_(household_ids),
                MonitoringCase.state.in_(MONITORED_CASE_STATES),
            )
        )
    )
    return listed | cases


def _household_ok(h: Household, monitored: set[int]) -> bool:
    registered, exited = plans.registration(h)
    return (registered and not exited) or h.id in monitored


def _reasons(m: Member, h: Household, monitored: set[int], on: date) -> tuple[str, ...]:
    labour = (m.attrs or {}).get("labour", "")
    return ineligible(m.left_at is not None, labour, m.birth_date, _household_ok(h, monitored), on)


def ineligible(left: bool, labour: str, born: date | None, household_ok: bool, on: date) -> tuple[str, ...]:
    """Why a member may not hold a post (empty: he may), from the values the rule reads — also the 疑点核查
    rule post_holder's (desktop.services.quality.quality_rules)."""
    out = []
    if left:
        out.append("已不在花名册（死亡或迁出）")
    if labour not in POST_LABOUR:
        out.append(f"劳动技能为“{labour or '未登记'}”")
    age = age_on(born, on)
    if age is not None and age < MIN_AGE:
        out.append(f"未满{MIN_AGE}周岁")
    if not household_ok:
        out.append("所在户不是未脱贫户或防返贫监测对象")
    return tuple(out)


def household_ok_sql(year: int):
    """The household part of the rule as SQL, for queries that select columns: monitored (plans.monitored or an
    open monitoring case) — registered and not exited is read from the roster values in Python (plans)."""
    case = (
        select(MonitoringCase.id)
        .where(MonitoringCase.household_id == Household.id, MonitoringCase.state.in_(MONITORED_CASE_STATES))
        .exists()
    )
    return plans.monitored(year) | case


def candidates(db: Database, actor: Actor, village: str, *, on: date | None = None) -> list[Candidate]:
    """Every member of the village on the roster, with why he may not hold a post (eligible ones first)."""
    on = on or clock.today()
    with db.read() as s:
        v = resolve_village(s, actor, village)
        rows = s.execute(
            select(Member, Household)
            .join(Household, Household.id == Member.household_id)
            .where(Household.village_id == v.id, Member.left_at.is_(None))
            .order_by(Household.code, Member.position)
        ).all()
        monitored = _monitored_ids(s, list({h.id for _m, h in rows}), on.year)
        holds = dict(
            s.execute(
                select(PostHolding.member_id, PublicPost.name)
                .join(PublicPost, PublicPost.id == PostHolding.post_id)
                .where(PostHolding.end_on.is_(None))
            ).all()
        )
        out = [
            Candidate(
                m.id,
                m.name,
                m.code,
                h.code,
                h.head_name,
                m.relation,
                age_on(m.birth_date, on),
                (m.attrs or {}).get("labour", ""),
                holds.get(m.id, ""),
                _reasons(m, h, monitored, on),
            )
            for m, h in rows
        ]
    out.sort(key=lambda c: (bool(c.reasons), c.household, c.member_code))
    return out


# --- reading ----------------------------------------------------------------------------------------------


def _holder(h: PostHolding, m: Member, hh: Household) -> HolderInfo:
    return HolderInfo(
        h.id,
        m.id,
        m.name,
        m.code,
        hh.code,
        hh.head_name,
        hh.group_name,
        m.id_number or "",
        h.start_on,
        h.end_on,
        h.end_reason,
    )


def posts(
    db: Database, actor: Actor, village: str, *, include_closed: bool = False, on: date | None = None
) -> list[PostInfo]:
    """The village's posts with who holds each on `on` (default today)."""
    on = on or clock.today()
    with db.read() as s:
        v = resolve_village(s, actor, village)
        return _posts(s, v, include_closed, on)


def _posts(s, v: Village, include_closed: bool, on: date) -> list[PostInfo]:
    q = select(PublicPost).where(PublicPost.village_id == v.id).order_by(PublicPost.id)
    found = [p for p in s.scalars(q) if include_closed or p.closed_on is None]
    holders: dict[int, HolderInfo] = {}
    for h, m, hh in s.execute(
        select(PostHolding, Member, Household)
        .join(Member, Member.id == PostHolding.member_id)
        .join(Household, Household.id == PostHolding.household_id)
        .where(PostHolding.post_id.in_([p.id for p in found]), PostHolding.start_on <= on)
        .order_by(PostHolding.id)
    ):
        if h.end_on is None or h.end_on >= on:
            holders[h.post_id] = _holder(h, m, hh)
    return [
        PostInfo(
            p.id,
            v.name,
            p.kind,
            p.name,
            p.duty,
            p.monthly_pay_fen,
            p.closed_on,
            p.close_reason,
            holders.get(p.id),
        )
        for p in found
    ]


def history(db: Database, actor: Actor, post_id: int) -> list[HolderInfo]:
    """Every holder the post has had, oldest first."""
    with db.read() as s:
        p = _post(s, actor, post_id, lock=False)
        return [
            _holder(h, m, hh)
            for h, m, hh in s.execute(
                select(PostHolding, Member, Household)
                .join(Member, Member.id == PostHolding.member_id)
                .join(Household, Household.id == PostHolding.household_id)
                .where(PostHolding.post_id == p.id)
                .order_by(PostHolding.start_on, PostHolding.id)
            )
        ]


def _month_holdings(s, village_id: int, month: str):
    m = Month.parse(month)
    return s.execute(
        select(PostHolding, PublicPost, Member, Household)
        .join(PublicPost, PublicPost.id == PostHolding.post_id)
        .join(Member, Member.id == PostHolding.member_id)
        .join(Household, Household.id == PostHolding.household_id)
        .where(
            PublicPost.village_id == village_id,
            PostHolding.start_on <= m.last_day(),
            (PostHolding.end_on.is_(None)) | (PostHolding.end_on >= m.first_day()),
        )
        .order_by(PublicPost.id, PostHolding.start_on, PostHolding.id)
    ).all()


def _rules(s) -> tuple[bool, int]:
    return bool(settings.get_in(s, "posts.prorate")), int(settings.get_in(s, "posts.fail_percent"))


def attendance(db: Database, actor: Actor, village: str, month: str) -> list[AttendanceRow]:
    """The month's 考核 grid: every holding of the month, its record (if any) and what it would pay."""
    month = parse_month(month)
    dim = Month.parse(month).last_day().day
    with db.read() as s:
        v = resolve_village(s, actor, village)
        prorate, fail = _rules(s)
        rows = _month_holdings(s, v.id, month)
        records = {
            a.holding_id: a
            for a in s.scalars(
                select(PostAttendance).where(
                    PostAttendance.month == month, PostAttendance.holding_id.in_([h.id for h, *_ in rows])
                )
            )
        }
    out = []
    for h, p, m, hh in rows:
        held = days_held(h.start_on, h.end_on, month)
        a = records.get(h.id)
        pay = (
            month_pay(p.monthly_pay_fen, held, dim, a.result, prorate=prorate, fail_percent=fail)[0]
            if a
            else None
        )
        out.append(
            AttendanceRow(
                h.id,
                p.name,
                p.kind,
                m.name,
                m.code,
                hh.code,
                held,
                a.days_worked if a else None,
                a.result if a else "",
                a.note if a else "",
                p.monthly_pay_fen,
                pay,
            )
        )
    return out


def _runs(s, where: list) -> list[RunInfo]:
    labels = village_labels(s)
    towns = dict(s.execute(select(Village.id, Township.name).join(Township)).all())
    found = list(s.scalars(select(WageRun).where(*where).order_by(WageRun.id)))
    reversed_by = dict(
        s.execute(
            select(WageRun.reverses_id, WageRun.id).where(WageRun.reverses_id.in_([r.id for r in found]))
        ).all()
    )
    lines: dict[int, list[WageLineInfo]] = {r.id: [] for r in found}
    for ln, p, m, hh in s.execute(
        select(WageLine, PublicPost, Member, Household)
        .join(PublicPost, PublicPost.id == WageLine.post_id)
        .join(Member, Member.id == WageLine.member_id)
        .join(Household, Household.id == Member.household_id)
        .where(WageLine.run_id.in_(list(lines)))
        .order_by(WageLine.id)
    ):
        lines[ln.run_id].append(
            WageLineInfo(
                p.name,
                p.kind,
                m.name,
                hh.code,
                hh.group_name,
                m.id_number or "",
                ln.monthly_pay_fen,
                ln.days_held,
                ln.days_in_month,
                ln.days_worked,
                ln.result,
                ln.pay_fen,
                ln.basis,
            )
        )
    return [
        RunInfo(
            r.id,
            labels.get(r.village_id, ""),
            towns.get(r.village_id, ""),
            r.month,
            r.kind,
            r.reverses_id,
            reversed_by.get(r.id),
            r.total_fen,
            r.people,
            r.paid_on,
            r.reason,
            r.made_by,
            lines[r.id],
        )
        for r in found
    ]


def runs(
    db: Database, actor: Actor, village: str | None = None, *, month: str | None = None
) -> list[RunInfo]:
    """The 工资发放 runs (and reversals) the actor may see, oldest first."""
    with db.read() as s:
        where: list = []
        if village:
            where.append(WageRun.village_id == resolve_village(s, actor, village).id)
        elif actor.village_ids is not None:
            where.append(WageRun.village_id.in_(actor.village_ids))
        if month:
            where.append(WageRun.month == parse_month(month))
        return _runs(s, where)


def paid_run(db: Database, actor: Actor, village: str, month: str) -> RunInfo | None:
    """The month's pay run that stands (not reversed), if any."""
    return next((r for r in runs(db, actor, village, month=month) if r.live), None)


# --- findings ---------------------------------------------------------------------------------------------


def findings(
    db: Database, actor: Actor, village: str | None = None, *, on: date | None = None
) -> list[PostFinding]:
    """疑点: a village with fewer or more posts than the settings allow (seed 001: 3—5), a holder who no longer
    qualifies, one person on two posts at once."""
    on = on or clock.today()
    out: list[PostFinding] = []
    with db.read() as s:
        low, high = int(settings.get_in(s, "posts.min_count")), int(settings.get_in(s, "posts.max_count"))
        q = select(Village).order_by(Village.id)
        if village:
            q = q.where(Village.id == resolve_village(s, actor, village).id)
        elif actor.village_ids is not None:
            q = q.where(Village.id.in_(actor.village_ids))
        chosen = list(s.scalars(q))
        labels = village_labels(s)
        ids = [v.id for v in chosen]
        counts = dict(
            s.execute(
                select(PublicPost.village_id, func.count())
                .where(PublicPost.village_id.in_(ids), PublicPost.closed_on.is_(None))
                .group_by(PublicPost.village_id)
            ).all()
        )
        for v in chosen:
            n = counts.get(v.id, 0)
            if not low <= n <= high:
                out.append(
                    PostFinding(
                        "post_count",
                        RULE_NAMES["post_count"],
                        labels[v.id],
                        f"{labels[v.id]}现有公益岗位{n}个，应为{low}—{high}个（湘阴办发〔2020〕8号：每个村、社区安排公益岗位3—5个）",
                    )
                )
        held = s.execute(
            select(PostHolding, PublicPost, Member, Household)
            .join(PublicPost, PublicPost.id == PostHolding.post_id)
            .join(Member, Member.id == PostHolding.member_id)
            .join(Household, Household.id == PostHolding.household_id)
            .where(PostHolding.end_on.is_(None), PublicPost.village_id.in_(ids))
            .order_by(PostHolding.id)
        ).all()
        monitored = _monitored_ids(s, list({hh.id for *_x, hh in held}), on.year)
        by_member: dict[int, list[tuple[int, str]]] = {}
        for _h, p, m, hh in held:
            by_member.setdefault(m.id, []).append((p.id, p.name))
            why = _reasons(m, hh, monitored, on)
            if why:
                out.append(
                    PostFinding(
                        "holder_ineligible",
                        RULE_NAMES["holder_ineligible"],
                        labels[p.village_id],
                        f"{p.name}在岗人员{m.name}（户主{hh.head_name}）{'；'.join(why)}",
                        hh.code,
                        m.code,
                        p.id,
                    )
                )
        for _h, p, m, hh in held:
            both = by_member.get(m.id, [])
            names = [name for _id, name in both]
            if len(both) > 1 and both[0][0] == p.id:
                out.append(
                    PostFinding(
                        "two_posts",
                        RULE_NAMES["two_posts"],
                        labels[p.village_id],
                        f"{m.name}（户主{hh.head_name}）同时担任{'、'.join(names)}",
                        hh.code,
                        m.code,
                        p.id,
                    )
                )
    return out


# --- writing: posts and holders ---------------------------------------------------------------------------


def add_post(
    db: Database,
    actor: Actor,
    village: str,
    *,
    kind: str,
    name: str,
    monthly_pay_fen: int,
    duty: str = "",
) -> int:
    """设岗: a new post of the village."""
    _township(actor, "设置公益岗位")
    kind = _kind(kind)
    name = _text(name or f"{kind}员", "岗位名称", NAME_CHARS)
    duty = _text(duty, "岗位职责", TEXT_CHARS, required=False)
    with db.write() as s:
        v = resolve_village(s, actor, village)
        pay = _pay(s, monthly_pay_fen)
        p = PublicPost(
            village_id=v.id, kind=kind, name=name, duty=duty, monthly_pay_fen=pay, created_by=actor.username
        )
        s.add(p)
        s.flush()
        audit.record(
            s,
            actor.username,
            "posts.add",
            entity="public_post",
            key=str(p.id),
            after={"village": v.name, "kind": kind, "name": name, "monthly_pay_fen": pay, "duty": duty},
        )
        return p.id


def update_post(
    db: Database,
    actor: Actor,
    post_id: int,
    *,
    kind: str | None = None,
    name: str | None = None,
    monthly_pay_fen: int | None = None,
    duty: str | None = None,
    reason: str = "",
) -> None:
    """Change a post (a new pay needs a reason); months already paid keep what they paid."""
    _township(actor, "修改公益岗位")
    reason = _text(reason, "修改理由", TEXT_CHARS, required=False)
    with db.write() as s:
        p = _post(s, actor, post_id)
        if p.closed_on is not None:
            raise Refused(f"公益岗位“{p.name}”已于{clock.cn_date(p.closed_on)}撤销，不能修改")
        wanted = {
            "kind": _kind(kind) if kind is not None else None,
            "name": _text(name, "岗位名称", NAME_CHARS) if name is not None else None,
            "monthly_pay_fen": _pay(s, monthly_pay_fen) if monthly_pay_fen is not None else None,
            "duty": _text(duty, "岗位职责", TEXT_CHARS, required=False) if duty is not None else None,
        }
        changes = {k: (getattr(p, k), v) for k, v in wanted.items() if v is not None and v != getattr(p, k)}
        if not changes:
            raise InputRejected("没有要修改的内容")
        if "monthly_pay_fen" in changes and not reason:
            raise InputRejected("调整月工资要写明理由")
        for k, (_a, b) in changes.items():
            setattr(p, k, b)
        audit.record(
            s,
            actor.username,
            "posts.update",
            entity="public_post",
            key=str(p.id),
            before={k: a for k, (a, _b) in changes.items()},
            after={**{k: b for k, (_a, b) in changes.items()}, "reason": reason},
        )


def close_post(db: Database, actor: Actor, post_id: int, reason: str, *, on: date | None = None) -> None:
    """撤岗: only once nobody holds it (end the holder first)."""
    _township(actor, "撤销公益岗位")
    reason = _text(reason, "撤岗理由", TEXT_CHARS)
    on = _day(on or clock.today(), "撤岗日期", clock.today())
    with db.write() as s:
        p = _post(s, actor, post_id)
        if p.closed_on is not None:
            raise Refused(f"公益岗位“{p.name}”已撤销")
        if s.scalar(select(PostHolding.id).where(PostHolding.open_post_id == p.id)) is not None:
            raise Refused(f"公益岗位“{p.name}”还有在岗人员，请先办理离岗")
        p.closed_on, p.closed_by, p.close_reason = on, actor.username, reason
        audit.record(
            s,
            actor.username,
            "posts.close",
            entity="public_post",
            key=str(p.id),
            after={"on": on, "reason": reason},
        )


def assign(
    db: Database, actor: Actor, post_id: int, member_code: str, *, start_on: date | None = None
) -> int:
    """上岗: the member holds the post from `start_on` (default today). Refused when the post has a holder, when
    the member does not qualify (the reasons named), or (posts.one_per_person) already holds another post."""
    _township(actor, "安排公益岗位人员")
    today = clock.today()
    start = _day(start_on or today, "上岗日期", today)
    with db.write() as s:
        p = _post(s, actor, post_id)
        if p.closed_on is not None:
            raise Refused(f"公益岗位“{p.name}”已撤销，不能安排人员")
        row = s.execute(
            select(Member, Household)
            .join(Household, Household.id == Member.household_id)
            .where(Member.code == (member_code or "").strip())
        ).first()
        if row is None:
            raise NotFound(f"人编号“{member_code}”不存在")
        m, hh = row
        if hh.village_id != p.village_id:
            raise Refused(f"{m.name}不是本村（岗位所在村）的农户成员，不能担任“{p.name}”")
        current = s.scalar(select(PostHolding).where(PostHolding.open_post_id == p.id))
        if current is not None:
            holder = s.get(Member, current.member_id)
            raise Refused(
                f"公益岗位“{p.name}”现由{holder.name if holder else ''}担任，一岗一人：请先办理离岗"
            )
        last_end = s.scalar(select(func.max(PostHolding.end_on)).where(PostHolding.post_id == p.id))
        if last_end is not None and start <= last_end:
            raise InputRejected(f"上岗日期应在上一任离岗日期（{clock.cn_date(last_end)}）之后")
        why = _reasons(m, hh, _monitored_ids(s, [hh.id], start.year), start)
        if why:
            raise Refused(f"{m.name}不符合公益岗位条件：{'；'.join(why)}")
        if settings.get_in(s, "posts.one_per_person"):
            other = s.execute(
                select(PublicPost.name)
                .join(PostHolding, PostHolding.post_id == PublicPost.id)
                .where(PostHolding.member_id == m.id, PostHolding.end_on.is_(None))
            ).first()
            if other is not None:
                raise Refused(f"{m.name}已担任“{other[0]}”，一人只能担任一个公益岗位")
        h = PostHolding(
            post_id=p.id,
            member_id=m.id,
            household_id=hh.id,
            start_on=start,
            open_post_id=p.id,
            assigned_by=actor.username,
        )
        s.add(h)
        try:
            s.flush()
        except IntegrityError:  # another PC gave the post to someone a moment ago
            raise Refused(f"公益岗位“{p.name}”刚刚已安排了人员，请刷新后查看") from None
        audit.record(
            s,
            actor.username,
            "posts.assign",
            entity="post_holder",
            key=str(h.id),
            after={"post": p.id, "member": m.code, "name": m.name, "start_on": start},
        )
        return h.id


def end_holding(db: Database, actor: Actor, post_id: int, reason: str, *, end_on: date | None = None) -> None:
    """离岗: the post's holder leaves it on `end_on` (default today), with the reason; the holding stays in the
    post's history."""
    _township(actor, "办理公益岗位离岗")
    reason = _text(reason, "离岗原因", TEXT_CHARS)
    today = clock.today()
    end = _day(end_on or today, "离岗日期", today)
    with db.write() as s:
        p = _post(s, actor, post_id)
        h = s.scalar(select(PostHolding).where(PostHolding.open_post_id == p.id).with_for_update())
        if h is None:
            raise Refused(f"公益岗位“{p.name}”现在没有在岗人员")
        if end < h.start_on:
            raise InputRejected(f"离岗日期不能早于上岗日期（{clock.cn_date(h.start_on)}）")
        h.end_on, h.end_reason, h.open_post_id = end, reason, None
        h.ended_by, h.ended_at = actor.username, utcnow()
        audit.record(
            s,
            actor.username,
            "posts.end",
            entity="post_holder",
            key=str(h.id),
            after={"post": p.id, "end_on": end, "reason": reason},
        )


# --- writing: 考核 and 发放 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceEntry:
    holding_id: int
    days_worked: int
    result: str
    note: str = ""


def _live_pay(s, village_id: int, month: str) -> WageRun | None:
    reversed_ids = select(WageRun.reverses_id).where(WageRun.reverses_id.is_not(None))
    return s.scalar(
        select(WageRun).where(
            WageRun.village_id == village_id,
            WageRun.month == month,
            WageRun.kind == "pay",
            WageRun.id.not_in(reversed_ids),
        )
    )


def record_attendance(
    db: Database, actor: Actor, village: str, month: str, entries: list[AttendanceEntry]
) -> int:
    """The month's 考核 of some holdings of the village, all in one transaction (every row checked first). A
    record is changed until the month is paid (the audit keeps before and after); refused once it is."""
    actor.require("household.edit", "录入公益岗位考核")
    month = parse_month(month)
    today = clock.today()
    if Month.parse(month) > Month.of(today):
        raise InputRejected(f"{cn_month(month)}还没有到，不能录入考核")
    if not entries:
        raise InputRejected("没有要录入的考核")
    with db.write() as s:
        v = resolve_village(s, actor, village)
        if _live_pay(s, v.id, month) is not None:
            raise Refused(
                f"{v.name}{cn_month(month)}的公益岗位工资已发放，考核不能再改（如有错误请先冲正发放）"
            )
        holdings = {h.id: (h, p, m) for h, p, m, _hh in _month_holdings(s, v.id, month)}
        checked = []
        for e in entries:
            if e.holding_id not in holdings:
                raise InputRejected(f"在岗记录{e.holding_id}不是{v.name}{cn_month(month)}的在岗人员")
            h, p, m = holdings[e.holding_id]
            # days worked cannot run ahead of the office's date: the days on the post up to today at most
            end = h.end_on if h.end_on is not None and h.end_on <= today else today
            held = days_held(h.start_on, end, month)
            days = check_count(e.days_worked, f"{m.name}的出勤天数", maximum=held, minimum=0, unit="天")
            if e.result not in RESULTS:
                raise InputRejected(f"{m.name}的考核结果“{e.result}”不对，应为：合格、不合格")
            checked.append(
                (h, m, days, e.result, _text(e.note, f"{m.name}的考核备注", TEXT_CHARS, required=False))
            )
        existing = {
            a.holding_id: a
            for a in s.scalars(
                select(PostAttendance).where(
                    PostAttendance.month == month, PostAttendance.holding_id.in_([c[0].id for c in checked])
                )
            )
        }
        for h, m, days, result, note in checked:
            a = existing.get(h.id)
            before = {"days_worked": a.days_worked, "result": a.result, "note": a.note} if a else None
            after = {"days_worked": days, "result": result, "note": note}
            if before == after:
                continue
            if a is None:
                s.add(
                    PostAttendance(
                        holding_id=h.id,
                        month=month,
                        days_worked=days,
                        result=result,
                        note=note,
                        recorded_by=actor.username,
                    )
                )
            else:
                a.days_worked, a.result, a.note = days, result, note
                a.recorded_by, a.recorded_at = actor.username, utcnow()
            audit.record(
                s,
                actor.username,
                "posts.attendance",
                entity="post_holder",
                key=f"{h.id}/{month}",
                before=before,
                after={**after, "member": m.code},
            )
        return len(checked)


def preview_pay(db: Database, actor: Actor, village: str, month: str) -> tuple[int, int, list[str]]:
    """(people, total fen, holders without a 考核) the month would pay: what the confirmation shows."""
    rows = attendance(db, actor, village, month)
    missing = [f"{r.name}（{r.post}）" for r in rows if r.days_worked is None]
    return len(rows), sum(r.pay_fen or 0 for r in rows), missing


def pay_month(db: Database, actor: Actor, village: str, month: str, *, paid_on: date | None = None) -> int:
    """工资发放 of the village for the month: one line per holding of the month, computed as the module says.
    Refused when the month is already paid (and by the database's unique key when two PCs try at once), when a
    holding has no 考核 for the month, or when nobody held a post in it."""
    _township(actor, "发放公益岗位工资")
    today = clock.today()
    month = parse_month(month, today)
    if Month.parse(month) > Month.of(today):
        raise Refused(f"{cn_month(month)}还没有到，不能发放工资")
    paid_on = _day(paid_on or today, "发放日期", today)
    last = Month.parse(month).last_day()
    if paid_on < last:  # wages follow the month's 考核: paid at the month's end at the earliest, never ahead
        raise Refused(
            f"{cn_month(month)}的公益岗位工资最早在{clock.cn_date(last)}发放（按当月出勤和考核发放，"
            f"月份结束前不能发放），发放日期{clock.cn_date(paid_on)}不行"
        )
    dim = last.day
    with db.write() as s:
        v = resolve_village(s, actor, village)
        live = _live_pay(s, v.id, month)
        if live is not None:
            raise Refused(
                f"{v.name}{cn_month(month)}的公益岗位工资已发放（第{live.id}号，{yuan(live.total_fen)}元），"
                "同一月份不能重复发放；如有错误请先冲正"
            )
        holdings = _month_holdings(s, v.id, month)
        if not holdings:
            raise Refused(f"{v.name}{cn_month(month)}没有公益岗位在岗人员，无工资可发")
        records = {
            a.holding_id: a
            for a in s.scalars(
                select(PostAttendance).where(
                    PostAttendance.month == month, PostAttendance.holding_id.in_([h.id for h, *_ in holdings])
                )
            )
        }
        missing = [f"{m.name}（{p.name}）" for h, p, m, _hh in holdings if h.id not in records]
        if missing:
            raise Refused(f"{cn_month(month)}以下人员还没有录入考核，不能发放：{'、'.join(missing)}")
        prorate, fail = _rules(s)
        attempt = 1 + (
            s.scalar(
                select(func.count()).where(
                    WageRun.village_id == v.id, WageRun.month == month, WageRun.kind == "reversal"
                )
            )
            or 0
        )
        lines = []
        for h, p, m, _hh in holdings:
            a = records[h.id]
            held = days_held(h.start_on, h.end_on, month)
            pay, basis = month_pay(p.monthly_pay_fen, held, dim, a.result, prorate=prorate, fail_percent=fail)
            lines.append(
                WageLine(
                    holding_id=h.id,
                    post_id=p.id,
                    member_id=m.id,
                    monthly_pay_fen=p.monthly_pay_fen,
                    days_held=held,
                    days_in_month=dim,
                    days_worked=a.days_worked,
                    result=a.result,
                    pay_fen=pay,
                    basis=basis,
                )
            )
        total = sum(ln.pay_fen for ln in lines)
        run = WageRun(
            village_id=v.id,
            month=month,
            kind="pay",
            attempt=attempt,
            total_fen=total,
            people=len(lines),
            paid_on=paid_on,
            made_by=actor.username,
        )
        s.add(run)
        try:
            s.flush()
        except IntegrityError:  # the same month paid from another PC a moment ago
            raise Refused(f"{v.name}{cn_month(month)}的公益岗位工资刚刚已发放，请刷新后查看") from None
        for ln in lines:
            ln.run_id = run.id
            s.add(ln)
        audit.record(
            s,
            actor.username,
            "posts.pay",
            entity="post_wage_run",
            key=str(run.id),
            after={
                "village": v.name,
                "month": month,
                "people": len(lines),
                "total_fen": total,
                "paid_on": paid_on,
            },
        )
        return run.id


def reverse(db: Database, actor: Actor, run_id: int, reason: str) -> int:
    """冲正 a pay run: a reversal run with every line negated, naming the run; the month may then be paid again."""
    _township(actor, "冲正公益岗位工资发放")
    reason = _text(reason, "冲正理由", TEXT_CHARS)
    with db.write() as s:
        run = s.scalar(select(WageRun).where(WageRun.id == run_id).with_for_update())
        if run is None:
            raise NotFound(f"工资发放第{run_id}号不存在")
        if actor.village_ids is not None and run.village_id not in actor.village_ids:
            raise PermissionDenied(f"无权处理其他村的工资发放（{run_id}）")
        if run.kind != "pay":
            raise Refused(f"第{run.id}号是冲正记录，不能再冲正")
        done = s.scalar(select(WageRun.id).where(WageRun.reverses_id == run.id))
        if done is not None:
            raise Refused(f"工资发放第{run.id}号已被第{done}号冲正")
        back = WageRun(
            village_id=run.village_id,
            month=run.month,
            kind="reversal",
            attempt=None,
            reverses_id=run.id,
            total_fen=-run.total_fen,
            people=run.people,
            paid_on=clock.today(),
            reason=reason,
            made_by=actor.username,
        )
        s.add(back)
        try:
            s.flush()
        except IntegrityError:
            raise Refused(f"工资发放第{run.id}号刚刚已被冲正") from None
        for ln in s.scalars(select(WageLine).where(WageLine.run_id == run.id).order_by(WageLine.id)):
            s.add(
                WageLine(
                    run_id=back.id,
                    holding_id=ln.holding_id,
                    post_id=ln.post_id,
                    member_id=ln.member_id,
                    monthly_pay_fen=ln.monthly_pay_fen,
                    days_held=ln.days_held,
                    days_in_month=ln.days_in_month,
                    days_worked=ln.days_worked,
                    result=ln.result,
                    pay_fen=-ln.pay_fen,
                    basis=f"冲正第{run.id}号",
                )
            )
        audit.record(
            s,
            actor.username,
            "posts.reverse",
            entity="post_wage_run",
            key=str(back.id),
            after={"reverses": run.id, "total_fen": -run.total_fen, "reason": reason},
        )
        return back.id


def village_names(db: Database, actor: Actor) -> list[str]:
    """Villages the actor may see, labelled as the rest of the app labels them."""
    with db.read() as s:
        labels = village_labels(s)
        q = select(Village.id).order_by(Village.id)
        if actor.village_ids is not None:
            q = q.where(Village.id.in_(actor.village_ids))
        return [labels[i] for i in s.scalars(q)]
