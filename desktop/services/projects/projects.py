"""项目库: projects from 储备 to 决算 with their funds by source, beneficiaries, 绩效目标 and the step history; the
contracts and the disbursements (拨付) paid against them.

Seed 000 回头看 四(三): “对照县级项目库管理制度查看项目库入库程序、项目库数量、项目实施计划编制质量”; “是否做到扶贫资金与
扶贫项目安排相吻合”; “查看扶贫资金是否按照合同,根据建设进度进行拨付资金”. Seed 003: “结合实际认真篩查上报了2018-2020年
三年滚动项目” (a project names the 三年滚动 plan it belongs to). Seed 004: “所有扶贫项目资金安排和项目建设等情况,要及时
在区政府门户网站或主要媒体上以及项目实施地公告公示,并落实项目监督人员”.

States, only forward, each change one ProjectStep row (never changed or deleted) with its day and the meeting
record or approval it rests on (and optionally the scanned paper):
    储备 → 入库 → 实施 → 竣工验收 → 决算;   储备 / 入库 ──作废 (why)──▶ 已作废
A village clerk enters and edits his villages' 储备 projects; 入库 and every later step, contracts and
disbursements are the township's decisions (refused to a village clerk, as 乡镇审核 is in 防返贫监测).

Disbursements: cumulative paid on a contract ≤ contract × verified progress while the project is 实施, ≤ the
contract once it is 竣工验收 (exact integers: paid × 100 ≤ contract × progress); cumulative paid from a fund
source ≤ the project's funding from that source; progress never goes down; none before 实施 or after 决算.
A mistaken one is undone by a reversal row (冲销) naming it, with the reason; nothing is deleted.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied, Refused, check_text
from desktop.models import Household, Setting, Township, Village
from desktop.models.projects import (
    ACCEPTED,
    BENEFIT_MODES,
    FUND_SOURCES,
    KINDS,
    LISTED,
    RESERVE,
    STATES,
    UNDERWAY,
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
from desktop.money import check_fen, yuan
from desktop.services.archives.archives import add_attachment
from desktop.services.cadres.cadres import must_have_helper
from desktop.services.households.households import household_for, resolve_village
from desktop.services.system import audit
from desktop.services.system.actor import Actor
from desktop.services.system.attachments import MAX_BYTES, check_file

__all__ = ["KINDS", "FUND_SOURCES", "STATES", "BENEFIT_MODES", "VOID"]

MAX_FEN = 100_000_000_000  # one project's funding, contract or disbursement: 10亿元, far above any township's
NAME_CHARS, TEXT_CHARS, SHORT_CHARS, PERSON_CHARS = 120, 2000, 200, 64
OPEN_STATES = (RESERVE, LISTED, UNDERWAY, ACCEPTED)  # not yet 决算 (nor 作废)
PAYING_STATES = (UNDERWAY, ACCEPTED)  # a disbursement only while 实施 or 竣工验收
EDITABLE = OPEN_STATES
VOIDABLE = (RESERVE, LISTED)
PHONE = re.compile(r"^[0-9][0-9-]{5,18}[0-9]$")
WHOLE_TOWNSHIP = "全乡镇"


# --- who sees what --------------------------------------------------------------------------------------


def _townships_of(session, actor: Actor) -> list[int]:
    return list(
        session.scalars(select(Village.township_id).where(Village.id.in_(actor.village_ids)).distinct())
    )


def visible(session, actor: Actor):
    """Projects the actor may see, as a condition (None: all): a village clerk those built in his villages, and
    the township-wide ones of his townships (read-only)."""
    if actor.village_ids is None:
        return None
    return or_(
        Project.village_id.in_(actor.village_ids),
        Project.village_id.is_(None) & Project.township_id.in_(_townships_of(session, actor)),
    )


def _project(session, actor: Actor, project_id: int, *, lock: bool = True, write: bool = True) -> Project:
    q = select(Project).where(Project.id == project_id)
    p = session.scalar(q.with_for_update() if lock else q)
    if p is None:
        raise NotFound(f"项目{project_id}不存在")
    if actor.village_ids is not None:
        if p.village_id is None and write:
            raise PermissionDenied(f"项目{project_id}是全乡镇项目，村级用户只能查看")
        if p.village_id is not None and p.village_id not in actor.village_ids:
            raise PermissionDenied(f"无权查看或处理其他村的项目（{project_id}）")
        if p.village_id is None and p.township_id not in _townships_of(session, actor):
            raise PermissionDenied(f"无权查看其他乡镇的项目（{project_id}）")
    return p


def _township_user(actor: Actor, what: str) -> None:
    """入库 and later steps, contracts and disbursements are the township office's decisions."""
    actor.require("household.edit", what)
    if actor.village_ids is not None:
        raise PermissionDenied(
            f"用户“{actor.username}”是村级用户，不能{what}（由乡镇扶贫办干部或管理员办理）"
        )


# --- checks ---------------------------------------------------------------------------------------------


def _text(value: str | None, what: str, limit: int, *, required: bool = False) -> str:
    return check_text(value, what, limit, required=required)  # a project's texts are optional unless said


def _choice(value: str | None, what: str, choices: tuple[str, ...]) -> str:
    value = (value or "").strip()
    if value not in choices:
        raise InputRejected(f"{what}“{value}”不对，应为：{'、'.join(choices)}")
    return value


def _year(year: int, today: date) -> int:
    if not isinstance(year, int) or not 2000 <= year <= today.year + 5:
        raise InputRejected(f"实施年度“{year}”不合理（应在2000年至{today.year + 5}年之间）")
    return year


def _rolling(rolling_from: int | None, year: int) -> int | None:
    """The 三年滚动 plan (first year) the project belongs to: one that covers its year."""
    if rolling_from is None:
        return None
    if not isinstance(rolling_from, int) or not rolling_from <= year <= rolling_from + 2:
        raise InputRejected(
            f"三年滚动规划“{rolling_from}—{rolling_from + 2 if isinstance(rolling_from, int) else ''}年”"
            f"不包含实施年度{year}年"
        )
    return rolling_from


def _phone(value: str | None) -> str:
    phone = (value or "").strip()
    if phone and not PHONE.match(phone):
        raise InputRejected(f"监督人电话“{phone}”不是电话号码（7—20位数字，可带“-”）")
    return phone


def _funding(funding: dict[str, int] | None) -> dict[str, int]:
    out = {}
    for source, fen in (funding or {}).items():
        source = _choice(source, "资金来源", FUND_SOURCES)
        out[source] = check_fen(fen, f"{source}金额", max_fen=MAX_FEN)
    check_fen(sum(out.values()), "资金规模合计", max_fen=MAX_FEN, min_fen=0)
    return out


def _past(on: date | None, what: str, today: date) -> date:
    """A step's or payment's day: given, and never after the office's today (desktop.clock)."""
    if on is None:
        raise InputRejected(f"{what}不能为空")
    if on > today:
        raise Refused(f"{what}{clock.cn_date(on)}晚于今天（{clock.cn_date(today)}），不能预先登记")
    if on.year < 2000:
        raise InputRejected(f"{what}{clock.cn_date(on)}不合理")
    return on


def _max_bytes(session) -> int:
    mb = session.scalar(select(Setting.value).where(Setting.key == "archive.max_attachment_mb"))
    return int(mb) * 1024 * 1024 if mb else MAX_BYTES


def _file(session, actor: Actor, file: tuple[str, bytes] | None) -> int | None:
    """A scanned paper (approval, meeting record, voucher), checked by its content and size like every attachment."""
    if file is None:
        return None
    checked = check_file(file[0], file[1], max_bytes=_max_bytes(session))
    return add_attachment(session, None, checked, actor)


def _township(session, actor: Actor, name: str | None) -> Township:
    """A township by name; a name that repeats across counties is written with its county (民权县石桥镇)."""
    name = (name or "").strip().replace("/", "").replace(" ", "")
    if not name:
        found = list(session.scalars(select(Township).limit(2)))
        if len(found) != 1:
            raise InputRejected("全乡镇项目要写明乡镇（或写明建设地点所在的行政村）")
        return found[0]
    found = [t for t in session.scalars(select(Township)) if name in (t.name, f"{t.county}{t.name}")]
    if not found:
        raise NotFound(f"乡镇“{name}”不存在")
    if len(found) > 1:
        raise InputRejected(
            f"乡镇名“{name}”不唯一（{'、'.join(t.county + t.name for t in found)}），请写成“县乡镇”"
        )
    return found[0]


def counted_households(year: int):
    """Households a project may count as beneficiaries: 建档立卡, on the year's monitoring lists
    (plans.monitored) or with a 防返贫监测 case open (the households cadres.must_have_helper names)."""
    return must_have_helper(year)


# --- the project itself ---------------------------------------------------------------------------------


def _last_step(session, project_id: int) -> ProjectStep:
    return session.scalar(
        select(ProjectStep)
        .where(ProjectStep.project_id == project_id)
        .order_by(ProjectStep.id.desc())
        .limit(1)
    )


def _step(session, p: Project, actor: Actor, to: str, on: date, record: str, attachment: int | None) -> None:
    session.add(
        ProjectStep(
            project_id=p.id,
            state_from=p.state if p.id and to != RESERVE else "",
            state_to=to,
            on_date=on,
            record=record,
            attachment_id=attachment,
            username=actor.username,
        )
    )
    p.state = to


FIELDS = ("year", "rolling_from", "name", "kind", "content", "scale", "implementer", "supervisor")
FIELDS += ("supervisor_phone", "benefit_note")


def _fields(values: dict[str, Any], today: date) -> dict[str, Any]:
    """Every field of a project checked, naming the field that is wrong."""
    out = dict(values)
    if "year" in out:
        out["year"] = _year(out["year"], today)
    if "name" in out:
        out["name"] = _text(out["name"], "项目名称", NAME_CHARS, required=True)
    if "kind" in out:
        out["kind"] = _choice(out["kind"], "项目类型", KINDS)
    for key, what, limit in (
        ("content", "建设内容", TEXT_CHARS),
        ("scale", "建设规模", SHORT_CHARS),
        ("implementer", "实施单位", NAME_CHARS),
        ("supervisor", "项目监督人", PERSON_CHARS),
        ("benefit_note", "受益对象及带贫机制", TEXT_CHARS),
    ):
        if key in out:
            out[key] = _text(out[key], what, limit)
    if "supervisor_phone" in out:
        out["supervisor_phone"] = _phone(out["supervisor_phone"])
    return out


def add(
    db: Database,
    actor: Actor,
    *,
    year: int,
    name: str,
    kind: str,
    village: str | None = None,
    township: str | None = None,
    content: str = "",
    scale: str = "",
    implementer: str = "",
    supervisor: str = "",
    supervisor_phone: str = "",
    benefit_note: str = "",
    funding: dict[str, int] | None = None,
    rolling_from: int | None = None,
    on: date | None = None,
    record: str = "",
    today: date | None = None,
) -> int:
    """申报 a project into the 储备 pool (建设地点: a village, or the township for a township-wide project), with
    its funding by source. Returns its id."""
    actor.require("household.edit", "申报项目")
    today = today or clock.today()
    values = _fields(
        dict(
            year=year,
            name=name,
            kind=kind,
            content=content,
            scale=scale,
            implementer=implementer,
            supervisor=supervisor,
            supervisor_phone=supervisor_phone,
            benefit_note=benefit_note,
        ),
        today,
    )
    values["rolling_from"] = _rolling(rolling_from, values["year"])
    money = _funding(funding)
    on = _past(on or today, "申报日期", today)
    record = _text(record, "申报依据", TEXT_CHARS) or "申报纳入项目储备库"
    with db.write() as s:
        if village and village.strip():
            v = resolve_village(s, actor, village)
            village_id, township_id = v.id, v.township_id
        else:
            if actor.village_ids is not None:
                raise PermissionDenied(f"用户“{actor.username}”是村级用户，不能申报全乡镇项目（请写明本村）")
            village_id, township_id = None, _township(s, actor, township).id
        twin = s.scalar(
            select(Project.id).where(
                Project.year == values["year"],
                Project.name == values["name"],
                Project.township_id == township_id,
                Project.village_id.is_(None) if village_id is None else Project.village_id == village_id,
                Project.state != VOID,
            )
        )
        if twin is not None:  # the same project entered twice would be funded twice on every list
            raise Refused(f"{values['year']}年已有同名项目“{values['name']}”（第{twin}号），不能重复申报")
        p = Project(
            **values, village_id=village_id, township_id=township_id, state=RESERVE, created_by=actor.username
        )
        s.add(p)
        s.flush()
        for source, fen in money.items():
            s.add(ProjectFunding(project_id=p.id, source=source, amount_fen=fen))
        _step(s, p, actor, RESERVE, on, record, None)
        audit.record(
            s,
            actor.username,
            "project.add",
            entity="project",
            key=str(p.id),
            after={**values, "village_id": village_id, "township_id": township_id, "funding": money},
        )
        return p.id


def _paid_by_source(session, project_id: int) -> dict[str, int]:
    return dict(
        session.execute(
            select(Disbursement.source, func.sum(Disbursement.amount_fen))
            .where(Disbursement.project_id == project_id)
            .group_by(Disbursement.source)
        ).all()
    )


def _contracted(session, project_id: int) -> int:
    return (
        session.scalar(
            select(func.sum(ProjectContract.amount_fen)).where(ProjectContract.project_id == project_id)
        )
        or 0
    )


def _editable(p: Project, actor: Actor, what: str) -> None:
    if p.state not in EDITABLE:
        raise Refused(f"项目{p.id}已{p.state if p.state == VOID else p.state + '完成'}，不能{what}")
    if actor.village_ids is not None and p.state != RESERVE:
        raise PermissionDenied(
            f"项目{p.id}已{p.state}，村级用户不能{what}（入库后由乡镇扶贫办干部或管理员修改）"
        )


def _change_funding(session, p: Project, money: dict[str, int], before: dict, after: dict) -> None:
    """The whole funding by source replaced — never below what is paid from a source, nor below the contracts."""
    s = session
    old = {f.source: f for f in s.scalars(select(ProjectFunding).where(ProjectFunding.project_id == p.id))}
    paid = _paid_by_source(s, p.id)
    for source, fen in paid.items():
        if fen > money.get(source, 0):
            raise Refused(
                f"“{source}”已累计拨付{yuan(fen)}元，该来源资金不能少于此数"
                f"（改为{yuan(money.get(source, 0))}元）"
            )
    signed = _contracted(s, p.id)
    if signed > sum(money.values()):
        raise Refused(
            f"项目已签合同合计{yuan(signed)}元，资金规模不能少于此数（改为{yuan(sum(money.values()))}元）"
        )
    if {k: f.amount_fen for k, f in old.items()} != money:
        before["funding"] = {k: f.amount_fen for k, f in old.items()}
        after["funding"] = money
        for source, f in old.items():
            if source not in money:
                s.delete(f)
            else:
                f.amount_fen = money[source]
        for source, fen in money.items():
            if source not in old:
                s.add(ProjectFunding(project_id=p.id, source=source, amount_fen=fen))


def edit(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    funding: dict[str, int] | None = None,
    today: date | None = None,
    **changes: Any,
) -> None:
    """Change what a project says (any of FIELDS) and, given `funding`, its whole funding by source — never below
    what is already paid from a source, nor below the contracts signed. The history keeps before and after."""
    actor.require("household.edit", "修改项目")
    today = today or clock.today()
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise InputRejected(f"不能修改：{'、'.join(sorted(unknown))}")
    values = _fields({k: v for k, v in changes.items() if v is not None or k == "rolling_from"}, today)
    money = _funding(funding) if funding is not None else None
    with db.write() as s:
        p = _project(s, actor, project_id)
        _editable(p, actor, "修改")
        year = values.get("year", p.year)
        if "rolling_from" in values or "year" in values:
            values["rolling_from"] = _rolling(values.get("rolling_from", p.rolling_from), year)
        before = {k: getattr(p, k) for k in values if getattr(p, k) != values[k]}
        after = {k: values[k] for k in before}
        if money is not None:
            _change_funding(s, p, money, before, after)
        if not after:
            raise InputRejected("没有要修改的内容")
        for k, v in after.items():
            if k != "funding":
                setattr(p, k, v)
        audit.record(
            s, actor.username, "project.edit", entity="project", key=str(p.id), before=before, after=after
        )


def set_beneficiaries(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    villages: list[str],
    households: list[tuple[str, str] | tuple[str, str, str]],
) -> None:
    """受益对象 in one call: the villages that benefit and the households chosen from the registry, each with its
    带贫方式 (and a note); the lists replace the ones before."""
    actor.require("household.edit", "设置受益对象")
    rows = []
    for entry in households:
        code, mode, note = (*entry, "")[:3]
        rows.append(
            (
                code.strip(),
                _choice(mode, f"户{code}的带贫方式", BENEFIT_MODES),
                _text(note, "备注", SHORT_CHARS),
            )
        )
    codes = [r[0] for r in rows]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise InputRejected(f"受益户重复：{'、'.join(twice)}")
    with db.write() as s:
        p = _project(s, actor, project_id)
        _editable(p, actor, "修改受益对象")
        vids = list(dict.fromkeys(resolve_village(s, actor, v).id for v in villages if v.strip()))
        found = [(household_for(s, actor, code), mode, note) for code, mode, note in rows]
        old_v = list(s.scalars(select(ProjectVillage).where(ProjectVillage.project_id == p.id)))
        old_h = list(s.scalars(select(ProjectBeneficiary).where(ProjectBeneficiary.project_id == p.id)))
        codes_of = dict(
            s.execute(
                select(Household.id, Household.code).where(Household.id.in_([b.household_id for b in old_h]))
            ).all()
        )
        before = {
            "villages": sorted(v.village_id for v in old_v),
            "households": sorted((codes_of.get(b.household_id, ""), b.mode, b.note) for b in old_h),
        }
        for row in (*old_v, *old_h):
            s.delete(row)
        s.flush()
        for vid in vids:
            s.add(ProjectVillage(project_id=p.id, village_id=vid))
        for h, mode, note in found:
            s.add(ProjectBeneficiary(project_id=p.id, household_id=h.id, mode=mode, note=note))
        audit.record(
            s,
            actor.username,
            "project.beneficiaries",
            entity="project",
            key=str(p.id),
            before=before,
            after={"villages": sorted(vids), "households": sorted((h.code, m, n) for h, m, n in found)},
        )


def set_indicators(db: Database, actor: Actor, project_id: int, rows: list[tuple[str, str, str]]) -> None:
    """绩效目标 as approved: (name, target value, unit) rows replacing the ones before, while the project is 储备 or
    入库 (once 实施 starts the targets are what it is measured against)."""
    actor.require("household.edit", "设置绩效目标")
    checked = []
    for name, target, unit in rows:
        name = _text(name, "绩效指标名称", 64, required=True)
        checked.append((name, _text(target, f"“{name}”的目标值", 64, required=True), _text(unit, "单位", 16)))
    names = [c[0] for c in checked]
    if len(set(names)) < len(names):
        raise InputRejected("绩效指标名称重复")
    with db.write() as s:
        p = _project(s, actor, project_id)
        _editable(p, actor, "修改绩效目标")
        if p.state not in (RESERVE, LISTED):
            raise Refused(f"项目{p.id}已{p.state}，绩效目标值不能再改（验收时填写实际值）")
        old = list(s.scalars(select(ProjectIndicator).where(ProjectIndicator.project_id == p.id)))
        before = [(i.name, i.target, i.unit) for i in old]
        for i in old:
            s.delete(i)
        s.flush()
        for name, target, unit in checked:
            s.add(ProjectIndicator(project_id=p.id, name=name, target=target, unit=unit))
        audit.record(
            s,
            actor.username,
            "project.indicators",
            entity="project",
            key=str(p.id),
            before=before,
            after=checked,
        )


def record_actuals(db: Database, actor: Actor, project_id: int, actuals: dict[int, str]) -> None:
    """The values found at 验收, per indicator id, while the project is 实施 or 竣工验收."""
    _township_user(actor, "填写绩效目标实际值")
    with db.write() as s:
        p = _project(s, actor, project_id)
        if p.state not in PAYING_STATES:
            raise Refused(f"项目{p.id}现为“{p.state}”，实施或竣工验收时才填写绩效目标实际值")
        found = {
            i.id: i for i in s.scalars(select(ProjectIndicator).where(ProjectIndicator.project_id == p.id))
        }
        before, after = {}, {}
        for iid, value in actuals.items():
            i = found.get(iid)
            if i is None:
                raise NotFound(f"项目{p.id}没有编号为{iid}的绩效指标")
            value = _text(value, f"“{i.name}”的实际值", 64)
            if value != i.actual:
                before[i.name], after[i.name] = i.actual, value
                i.actual = value
        if not after:
            raise InputRejected("没有要填写的实际值")
        audit.record(
            s, actor.username, "project.actuals", entity="project", key=str(p.id), before=before, after=after
        )


def advance(
    db: Database,
    actor: Actor,
    project_id: int,
    to: str | None = None,
    *,
    on: date | None = None,
    record: str,
    file: tuple[str, bytes] | None = None,
    today: date | None = None,
) -> str:
    """The next step only (储备 → 入库 → 实施 → 竣工验收 → 决算), dated on or after the step before and never after
    today, resting on a meeting record or approval (文号) and optionally its scan. Returns the new state."""
    _township_user(actor, "推进项目程序（入库、实施、竣工验收、决算）")
    today = today or clock.today()
    on = _past(on or today, "日期", today)
    record = _text(record, "会议记录或批复文号", TEXT_CHARS, required=True)
    with db.write() as s:
        p = _project(s, actor, project_id)
        if p.state not in STATES[:-1]:
            raise Refused(f"项目{p.id}现为“{p.state}”，没有下一步")
        nxt = STATES[STATES.index(p.state) + 1]
        if to is not None and to.strip() != nxt:
            to = _choice(to, "项目程序步骤", STATES[1:])
            raise Refused(
                f"项目{p.id}现为“{p.state}”，下一步只能是“{nxt}”，不能{'退回或重复' if STATES.index(to) <= STATES.index(p.state) else '跳过' + nxt + '直接'}“{to}”"
            )
        last = _last_step(s, p.id)
        if on < last.on_date:
            raise Refused(f"{nxt}日期{clock.cn_date(on)}早于{last.state_to}日期{clock.cn_date(last.on_date)}")
        # seed 000: 资金与项目相吻合 — a project enters the library with its money named
        if nxt == LISTED and not s.scalar(select(func.count()).where(ProjectFunding.project_id == p.id)):
            raise Refused(f"项目{p.id}还没有资金规模（按来源填写），不能入库")
        if nxt == ACCEPTED:
            missing = list(
                s.scalars(
                    select(ProjectIndicator.name).where(
                        ProjectIndicator.project_id == p.id, ProjectIndicator.actual == ""
                    )
                )
            )
            if missing:
                raise Refused(f"绩效目标“{'、'.join(missing)}”还没有填写实际值，不能竣工验收")
        before = p.state
        attachment = _file(s, actor, file)
        _step(s, p, actor, nxt, on, record, attachment)
        audit.record(
            s,
            actor.username,
            "project.step",
            entity="project",
            key=str(p.id),
            before={"state": before},
            after={"state": nxt, "date": on, "record": record, "file": file[0] if file else ""},
        )
        return nxt


def void(
    db: Database,
    actor: Actor,
    project_id: int,
    reason: str,
    *,
    on: date | None = None,
    today: date | None = None,
) -> None:
    """作废 a project from 储备 or 入库 with the reason; it stays in the library, marked. A village clerk voids only
    his 储备 projects (入库 was the township's decision)."""
    actor.require("household.edit", "作废项目")
    today = today or clock.today()
    reason = _text(reason, "作废理由", TEXT_CHARS, required=True)
    on = _past(on or today, "作废日期", today)
    with db.write() as s:
        p = _project(s, actor, project_id)
        if p.state not in VOIDABLE:
            raise Refused(f"项目{p.id}现为“{p.state}”，只有储备或入库的项目可以作废")
        if p.state != RESERVE and actor.village_ids is not None:
            raise PermissionDenied(f"项目{p.id}已入库，村级用户不能作废（由乡镇扶贫办干部或管理员办理）")
        last = _last_step(s, p.id)
        if on < last.on_date:
            raise Refused(f"作废日期{clock.cn_date(on)}早于{last.state_to}日期{clock.cn_date(last.on_date)}")
        before = p.state
        _step(s, p, actor, VOID, on, reason, None)
        audit.record(
            s,
            actor.username,
            "project.void",
            entity="project",
            key=str(p.id),
            before={"state": before},
            after={"state": VOID, "reason": reason, "date": on},
        )
