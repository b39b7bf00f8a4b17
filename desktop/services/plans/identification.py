"""识别 (identification) rounds: a village's households proposed in a year, taken through 初选 → 村公示 → 乡审核 →
县审定, each step dated; the identification notice prints a round's list, never the whole village.

The procedure, from the seeds:
- seed 003 (a county's 建档立卡 report): “完成了规模确定、初选对象和第二次公告公示,报县政府审定后进行公告” —
  初选, a 公示 in the village, the township's review with the second 公示, the county's 审定 and its 公告
  (两公示一公告). So a round belongs to one village (the village proposes and posts the first 公示) and one
  year; the township reviews each village's round, the county decides it.
- seed 000 四(一)1: “对符合条件的贫困户要及时纳入,严格按照程序,逐级报批,并做好资料归档工作。” — a step is
  taken only after the one before it (逐级报批): none skipped, none taken back.
- seed 004: “环节不能少,程序不能缺,举证材料必须齐全” — every step keeps its date and who recorded it.
- seed 000 四(二)3: “重点查标准是否准确和程序是否规范,会议记录、公告公示等是否符合规定” — a 公示 runs its
  full period before the next level acts on it: 乡审核 after the village 公示 has ended, 县审定 after the
  second 公示 has ended.

Households come from the roster (the national system is the authority on who is recorded, BRIEF §1): a
household that is not on the imported roster cannot be proposed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied, Refused
from desktop.models import Household, IdentificationEntry, IdentificationRound, Township, Village
from desktop.models.base import utcnow
from desktop.models.identification import STEPS
from desktop.reports.mask import mask
from desktop.services.documents import NOTICE_KINDS, Printed, township_issuer
from desktop.services.households.households import resolve_village
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor

STEP_HELP = {
    "初选": "农户申请、村民代表大会民主评议、村两委和驻村工作队核实后确定的初选名单",
    "村公示": "在村里第一次公示初选名单",
    "乡审核": "乡（镇）人民政府审核，并在村里第二次公示",
    "县审定": "县人民政府审定，公告识别结果",
}
# The steps at which the list is posted: the two 公示 and the 公告 (两公示一公告, seed 003).
NOTICE_STEPS = ("村公示", "乡审核", "县审定")
# Removing a household is possible until the township has reviewed the list (an objection raised during the
# village 公示 can still take it off); after 乡审核 the list is the township's and goes up as it stands.
REMOVABLE_STEPS = ("初选", "村公示")


@dataclass(frozen=True)
class EntryRow:
    code: str
    head_name: str
    group: str
    size: int
    household_kind: str
    poverty_type: str
    removed: bool
    removed_reason: str
    removed_by: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "head": self.head_name,
            "group": self.group,
            "size": self.size,
            "household_kind": self.household_kind,
            "removed": self.removed,
            "removed_reason": self.removed_reason,
        }


@dataclass(frozen=True)
class StepRow:
    step: str
    on: date | None
    by: str
    days: int | None = None  # a 公示's length

    @property
    def notice_end(self) -> date | None:
        return self.on + timedelta(days=self.days - 1) if self.on and self.days else None


@dataclass(frozen=True)
class RoundInfo:
    id: int
    village: str
    township: str
    county: str
    year: int
    state: str
    steps: list[StepRow]
    entries: list[EntryRow]

    @property
    def active(self) -> list[EntryRow]:
        return [e for e in self.entries if not e.removed]

    @property
    def people(self) -> int:
        return sum(e.size for e in self.active)

    def step(self, name: str) -> StepRow:
        return next(s for s in self.steps if s.step == name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "round": self.id,
            "village": self.village,
            "township": self.township,
            "year": self.year,
            "state": self.state,
            "steps": [
                {
                    "step": s.step,
                    "date": s.on.isoformat() if s.on else None,
                    "by": s.by,
                    "days": s.days,
                    "notice_end": s.notice_end.isoformat() if s.notice_end else None,
                }
                for s in self.steps
            ],
            "households": [e.as_dict() for e in self.active],
            "removed": [e.as_dict() for e in self.entries if e.removed],
            "people": self.people,
        }


@dataclass(frozen=True)
class RoundSummary:
    id: int
    village: str
    year: int
    state: str
    households: int
    last_step_on: date


# --- reading ---------------------------------------------------------------------------------------------


def _round(session, actor: Actor, round_id: int) -> IdentificationRound:
    rnd = session.get(IdentificationRound, round_id)
    if rnd is None:
        raise NotFound(f"识别批次{round_id}不存在（identify list 可查看已有批次）")
    if actor.village_ids is not None and rnd.village_id not in actor.village_ids:
        raise PermissionDenied("无权查看或处理其他村的识别批次")
    return rnd


def _steps(rnd: IdentificationRound) -> list[StepRow]:
    return [
        StepRow("初选", rnd.proposed_on, rnd.proposed_by),
        StepRow("村公示", rnd.village_notice_on, rnd.village_notice_by, rnd.village_notice_days),
        StepRow("乡审核", rnd.township_review_on, rnd.township_review_by, rnd.township_notice_days),
        StepRow("县审定", rnd.county_decision_on, rnd.county_decision_by),
    ]


def _info(session, rnd: IdentificationRound) -> RoundInfo:
    village = session.get(Village, rnd.village_id)
    township = session.get(Township, village.township_id)
    rows = session.execute(
        select(
            Household.code,
            Household.head_name,
            Household.group_name,
            Household.size,
            Household.household_kind,
            Household.poverty_type,
            IdentificationEntry.removed_at,
            IdentificationEntry.removed_reason,
            IdentificationEntry.removed_by,
        )
        .join(IdentificationEntry, IdentificationEntry.household_id == Household.id)
        .where(IdentificationEntry.round_id == rnd.id)
        .order_by(Household.group_name, Household.code)
    )
    entries = [
        EntryRow(code, head, group or "", size or 0, kind or "", ptype or "", removed is not None, why, by)
        for code, head, group, size, kind, ptype, removed, why, by in rows
    ]
    return RoundInfo(
        rnd.id, village.name, township.name, township.county, rnd.year, rnd.state, _steps(rnd), entries
    )


def round_info(db: Database, actor: Actor, round_id: int) -> RoundInfo:
    with db.read() as s:
        return _info(s, _round(s, actor, round_id))


def list_rounds(
    db: Database, actor: Actor, *, village: str | None = None, year: int | None = None
) -> list[RoundSummary]:
    """The rounds the actor may see, newest first, with how many households each holds now."""
    with db.read() as s:
        active = (
            select(IdentificationEntry.round_id, func.count().label("n"))
            .where(IdentificationEntry.removed_at.is_(None))
            .group_by(IdentificationEntry.round_id)
            .subquery()
        )
        q = (
            select(IdentificationRound, Village.name, func.coalesce(active.c.n, 0))
            .join(Village, Village.id == IdentificationRound.village_id)
            .outerjoin(active, active.c.round_id == IdentificationRound.id)
            .order_by(IdentificationRound.id.desc())
        )
        if village:
            q = q.where(IdentificationRound.village_id == resolve_village(s, actor, village).id)
        elif actor.village_ids is not None:
            q = q.where(IdentificationRound.village_id.in_(actor.village_ids))
        if year is not None:
            q = q.where(IdentificationRound.year == year)
        out = []
        for rnd, vname, n in s.execute(q):
            last = [st.on for st in _steps(rnd) if st.on is not None][-1]
            out.append(RoundSummary(rnd.id, vname, rnd.year, rnd.state, int(n), last))
        return out


def posted_round(session, actor: Actor, village: str) -> int:
    """The village's newest round whose list has been posted (村公示 or later): what a notice of “this village”
    prints when no round is named (the print page)."""
    v = resolve_village(session, actor, village)
    rid = session.scalar(
        select(IdentificationRound.id)
        .where(IdentificationRound.village_id == v.id, IdentificationRound.state.in_(NOTICE_STEPS))
        .order_by(IdentificationRound.id.desc())
    )
    if rid is None:
        raise InputRejected(
            f"{v.name}还没有进入村公示的识别批次：识别公示只列出批次里提名的农户，"
            "请先建立识别批次、提名农户并进入村公示（identify new / add / step）"
        )
    return rid


# --- writing ---------------------------------------------------------------------------------------------


def _require_township(actor: Actor, what: str) -> None:
    """乡审核 and 县审定 are recorded by the township office, not by a village's own clerk."""
    if actor.village_ids is not None:
        raise PermissionDenied(f"用户“{actor.username}”只负责本村，不能录入{what}（由乡镇扶贫办干部录入）")


def _check_date(on: date, year: int, what: str) -> None:
    if not date(year - 1, 1, 1) <= on <= date(year + 1, 12, 31):
        raise InputRejected(f"{what}日期{clock.cn_date(on)}与{year}年度的识别不符")


def create_round(db: Database, actor: Actor, village: str, year: int, *, on: date | None = None) -> int:
    """初选: a new round for the village and year, dated `on` (default today). A village has one unfinished
    round at a time: its list goes through the steps before the next one starts."""
    actor.require("household.edit", "建立识别批次")
    on = on or clock.today()
    if not 2000 <= year <= 2100:
        raise InputRejected(f"年度“{year}”不合理")
    _check_date(on, year, "初选")
    with db.write() as s:
        v = resolve_village(s, actor, village)
        open_round = s.scalar(
            select(IdentificationRound.id).where(
                IdentificationRound.village_id == v.id, IdentificationRound.state != "县审定"
            )
        )
        if open_round is not None:
            raise Refused(f"{v.name}的识别批次{open_round}还没有县审定，完成后才能建立新的批次")
        rnd = IdentificationRound(
            village_id=v.id, year=year, state="初选", proposed_on=on, proposed_by=actor.username
        )
        s.add(rnd)
        s.flush()
        audit.record(
            s,
            actor.username,
            "identify.create",
            entity="identification_round",
            key=str(rnd.id),
            after={"village": v.name, "year": year, "初选": on.isoformat()},
        )
        return rnd.id


def add_households(db: Database, actor: Actor, round_id: int, codes: list[str]) -> int:
    """Propose households (by 户编号) in a round still at 初选: all of them or none. Returns how many were added."""
    actor.require("household.edit", "提名识别农户")
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not wanted:
        raise InputRejected("请用 --household 给出要提名的户编号")
    with db.write() as s:
        rnd = _round(s, actor, round_id)
        if rnd.state != "初选":
            raise Refused(
                f"识别批次{rnd.id}已到{rnd.state}，名单已公示，不能再加户；新提名的农户请列入下一批次"
            )
        village = s.get(Village, rnd.village_id)
        found = {h.code: h for h in s.scalars(select(Household).where(Household.code.in_(wanted)))}
        missing = [c for c in wanted if c not in found]
        if missing:
            # The national system is the authority on who is recorded (BRIEF §1): a new applicant is entered
            # there first and arrives here with the next roster import.
            raise NotFound(
                f"户编号{'、'.join(missing)}不在花名册中：本程序的农户都来自全国系统导出的花名册，"
                "新申请的农户须先录入全国系统，导入新的花名册后才能列入识别批次"
            )
        elsewhere = [c for c in wanted if found[c].village_id != rnd.village_id]
        if elsewhere:
            raise Refused(f"户{'、'.join(elsewhere)}不是{village.name}的农户，不能列入本村的识别批次")
        ids = [found[c].id for c in wanted]
        other = s.execute(
            select(Household.code, IdentificationRound.id)
            .join(IdentificationEntry, IdentificationEntry.household_id == Household.id)
            .join(IdentificationRound, IdentificationRound.id == IdentificationEntry.round_id)
            .where(
                Household.id.in_(ids),
                IdentificationEntry.removed_at.is_(None),
                IdentificationRound.year == rnd.year,
                IdentificationRound.id != rnd.id,
            )
        ).first()
        if other is not None:
            raise Refused(f"户{other[0]}已列入{rnd.year}年度的识别批次{other[1]}")
        existing = {
            e.household_id: e
            for e in s.scalars(
                select(IdentificationEntry).where(
                    IdentificationEntry.round_id == rnd.id, IdentificationEntry.household_id.in_(ids)
                )
            )
        }
        added = []
        for code in wanted:
            h = found[code]
            entry = existing.get(h.id)
            if entry is None:
                s.add(IdentificationEntry(round_id=rnd.id, household_id=h.id, proposed_by=actor.username))
            elif entry.removed_at is not None:  # proposed again: the removal is undone (and audited)
                entry.removed_at, entry.removed_by, entry.removed_reason = None, "", ""
                entry.proposed_by, entry.proposed_at = actor.username, utcnow()
            else:
                continue
            added.append(code)
        if added:
            audit.record(
                s,
                actor.username,
                "identify.add",
                entity="identification_round",
                key=str(rnd.id),
                after={"households": added},
            )
        return len(added)


def remove_household(db: Database, actor: Actor, round_id: int, code: str, reason: str) -> None:
    """Take a household off the list before 乡审核 (e.g. after an objection in the village 公示), with the
    reason; the entry stays on record as removed."""
    actor.require("household.edit", "移出识别农户")
    if not reason.strip():
        raise InputRejected("请写明移出的原因（如：公示期间群众反映有财政供养人员，经核实不符合条件）")
    with db.write() as s:
        rnd = _round(s, actor, round_id)
        if rnd.state not in REMOVABLE_STEPS:
            raise Refused(f"识别批次{rnd.id}已到{rnd.state}：乡审核之后名单不能再移出农户")
        entry = s.scalar(
            select(IdentificationEntry)
            .join(Household, Household.id == IdentificationEntry.household_id)
            .where(IdentificationEntry.round_id == rnd.id, Household.code == code.strip())
        )
        if entry is None or entry.removed_at is not None:
            raise NotFound(f"户{code}不在识别批次{rnd.id}的名单中")
        entry.removed_at, entry.removed_by, entry.removed_reason = utcnow(), actor.username, reason.strip()
        audit.record(
            s,
            actor.username,
            "identify.remove",
            entity="identification_round",
            key=str(rnd.id),
            after={"household": code.strip(), "reason": reason.strip(), "step": rnd.state},
        )


def step(
    db: Database,
    actor: Actor,
    round_id: int,
    to: str,
    *,
    on: date | None = None,
    days: int | None = None,
) -> RoundInfo:
    """Take the round to its next step, dated `on` (default today); `days` is the length of the 公示 a 村公示 or
    乡审核 step starts (default: the notice.days setting)."""
    actor.require("household.edit", "推进识别程序")
    to = to.strip()
    if to not in STEPS[1:]:
        raise InputRejected(f"识别步骤“{to}”无效，可选：{'、'.join(STEPS[1:])}")
    if to in ("乡审核", "县审定"):
        _require_township(actor, to)
    on = on or clock.today()
    if to in ("村公示", "乡审核"):
        days = settings.notice_days(days, settings.get(db, "notice.days"))
    elif days is not None:
        raise InputRejected("县审定不是公示，不需要公示天数")
    with db.write() as s:
        rnd = _round(s, actor, round_id)
        have, want = STEPS.index(rnd.state), STEPS.index(to)
        # seed 000 四(一)1: 严格按照程序,逐级报批 — the next step only.
        if want <= have:
            raise Refused(f"识别批次{rnd.id}已到{rnd.state}，不能退回或重复{to}")
        if want > have + 1:
            raise Refused(f"识别批次{rnd.id}现在是{rnd.state}，不能跳过{STEPS[have + 1]}直接{to}")
        _check_date(on, rnd.year, to)
        steps = {st.step: st for st in _steps(rnd)}
        before = steps[rnd.state]
        if on < before.on:
            raise Refused(f"{to}日期{clock.cn_date(on)}早于{rnd.state}日期{clock.cn_date(before.on)}")
        # seed 000 四(二)3: 会议记录、公告公示等是否符合规定 — the level above acts once the 公示 has run its days.
        if before.notice_end is not None and on <= before.notice_end:
            which = "村内公示" if rnd.state == "村公示" else "乡审核后的第二次公示"
            raise Refused(f"{which}到{clock.cn_date(before.notice_end)}才结束，{to}日期应在此之后")
        active = s.scalar(
            select(func.count())
            .select_from(IdentificationEntry)
            .where(IdentificationEntry.round_id == rnd.id, IdentificationEntry.removed_at.is_(None))
        )
        if not active:
            raise Refused(f"识别批次{rnd.id}没有提名的农户，不能{to}")
        if to == "村公示":
            rnd.village_notice_on, rnd.village_notice_days, rnd.village_notice_by = on, days, actor.username
        elif to == "乡审核":
            rnd.township_review_on, rnd.township_notice_days, rnd.township_review_by = (
                on,
                days,
                actor.username,
            )
        else:
            rnd.county_decision_on, rnd.county_decision_by = on, actor.username
        previous, rnd.state = rnd.state, to
        audit.record(
            s,
            actor.username,
            "identify.step",
            entity="identification_round",
            key=str(rnd.id),
            before={"state": previous},
            after={"state": to, "date": on.isoformat(), "days": days, "households": active},
        )
        s.flush()
        return _info(s, rnd)


# --- the notice ------------------------------------------------------------------------------------------


def round_notice(
    db: Database,
    actor: Actor,
    round_id: int,
    out: str | Path,
    *,
    title: str | None = None,
    issuer: str | None = None,
    phone: str | None = None,
):
    """The round's list as posted at its current step, with the round's own dates: the village's 公示 (村公示),
    the second 公示 after the township's review (乡审核), the 公告 of the county's decision (县审定). IDs masked;
    no cause or health is printed. Returns a printing.Printed."""
    from desktop.reports.notice import (  # lazy: reportlab loads only when printing
        Notice,
        NoticeTable,
        cn_date,
        render_notice,
    )

    info = round_info(db, actor, round_id)
    if info.state not in NOTICE_STEPS:
        raise Refused(
            f"识别批次{info.id}还在初选，名单进入村公示后才能打印公示（identify step {info.id} --to 村公示）"
        )
    rows = info.active
    if not rows:
        raise Refused(f"识别批次{info.id}的农户都已移出，名单为空，无法生成公示")
    office = settings.get_all(db)
    phone = phone or str(office["notice.phone"])
    local, address = office["notice.local_phone"], office["notice.address"]
    table = NoticeTable(
        ["序号", "村民小组", "户主姓名", "身份证号码", "家庭人口"],
        [],
        [1, 1.6, 1.8, 3.6, 1.4],
        ["center", "center", "center", "center", "center"],
    )
    with db.read() as s:
        heads = dict(
            s.execute(
                select(Household.code, Household.head_id_number).where(
                    Household.code.in_([r.code for r in rows])
                )
            ).all()
        )
    table.rows = [
        [str(i), r.group, r.head_name, mask("id_number", heads.get(r.code) or ""), str(r.size)]
        for i, r in enumerate(rows, start=1)
    ]
    village, year, town = info.village, info.year, info.township
    count = f"共{len(rows)}户{info.people}人"
    procedure = NOTICE_KINDS["identification"][1]
    first, second = info.step("村公示"), info.step("乡审核")
    phones = f"监督电话：{local + '　' if local else ''}{phone}"
    where = [f"受理地址：{address}"] if address else []
    if info.state == "村公示":
        # seed 003: 初选对象 …公告公示 — the first 公示, posted by the village
        title = title or f"关于{village}{year}年度拟识别贫困户名单的公示"
        paragraph = (
            f"根据扶贫对象动态管理有关规定，经{procedure}，{village}于{cn_date(info.step('初选').on)}"
            f"确定{year}年度拟识别贫困户初选名单（{count}），现予以公示。"
        )
        start, end = first.on, first.notice_end
        signer, issued = f"{town}{village}村民委员会", first.on
        closing = [
            f"公示时间：{cn_date(start)}至{cn_date(end)}（共{first.days}天）。",
            f"公示期间，如有异议，请以书面或电话形式向{village}村民委员会或{town}人民政府反映。",
            phones,
            *where,
        ]
    elif info.state == "乡审核":
        # seed 003: 第二次公告公示 — after the township's review, the second 公示
        title = title or f"关于{village}{year}年度拟识别贫困户名单的第二次公示"
        paragraph = (
            f"{village}{year}年度拟识别贫困户名单经村内公示（{cn_date(first.on)}至{cn_date(first.notice_end)}），"
            f"于{cn_date(second.on)}经{town}人民政府审核，现将审核后的名单（{count}）予以第二次公示。"
        )
        signer, issued = township_issuer(db, town), second.on
        closing = [
            f"公示时间：{cn_date(second.on)}至{cn_date(second.notice_end)}（共{second.days}天）。",
            f"公示期间，如有异议，请以书面或电话形式向{town}人民政府或{village}村民委员会反映。",
            phones,
            *where,
        ]
    else:
        # seed 003: 报县政府审定后进行公告
        decided = info.step("县审定").on
        title = title or f"关于{village}{year}年度贫困户识别结果的公告"
        paragraph = (
            f"{village}{year}年度拟识别贫困户名单经村内公示和{town}人民政府审核公示，"
            f"于{cn_date(decided)}经{info.county or '县'}人民政府审定，现将识别结果（{count}）予以公告。"
        )
        signer, issued = township_issuer(db, town), decided
        closing = ["特此公告。", phones]
    notice = Notice(
        title=title,
        paragraphs=[paragraph],
        table=table,
        closing=closing,
        issuer=issuer or signer,
        issued=issued,
        stamp=audit.stamp(db),
    )
    result = render_notice(notice, out)
    return Printed(str(out), result.pages, result.fonts, len(rows))
