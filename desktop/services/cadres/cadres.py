"""帮扶干部: the registry of cadres, their pairing (结对) with households, the households that must have a helper
and have none, and visit coverage (遍访) by the rules in settings (coverage_rules).

Seed 000 (商丘) 五(一): “贫困人口退出后，帮扶责任人不撤离”; 防返贫 二(一)6: “对每户‘边缘户’也要选派帮扶人（联系人）” —
every registered and every monitored household has a paired cadre. Seed 001 (湘阴) 五(二): “实现驻村结对帮扶全覆盖”.

Dates: a cadre is in post from active_from to active_to, a pairing runs from started_on to ended_on, both days
included each time. Leaving the post ends the cadre's open pairings on the same day; a pairing's row stays with
who ended it, when and why (the history of who helped a household)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Row, func, or_, select
from sqlalchemy.orm import Session

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied
from desktop.models import Cadre, Household, MonitoringCase, Pairing, Township, Village, Visit
from desktop.models.base import utcnow
from desktop.models.cadres import UNIT_KINDS
from desktop.models.monitoring import OPEN_STATES
from desktop.services.cadres.coverage_rules import HOUSEHOLD_SETS, POSTS, CoverageRule, parse
from desktop.services.households.households import household_for, resolve_village, village_scope
from desktop.services.plans import plans
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor
from desktop.vocabulary import REGISTERED_KINDS

IMPORTED_POST = "帮扶责任人"
EARLIEST = date(2000, 1, 1)


# --- who must have a helper ---------------------------------------------------------------------------------


def registered_sql():
    """建档立卡 as the roster says it, in SQL (plans.is_registered's reading: 户类型 脱贫户/脱贫不稳定户, or a
    贫困户属性 …贫困户/…脱贫户)."""
    return or_(
        Household.household_kind.in_(REGISTERED_KINDS),
        Household.poverty_type.endswith("贫困户"),
        Household.poverty_type.endswith("脱贫户"),
    )


def must_have_helper(year: int):
    """Households that must have a paired cadre: every registered one and every monitored one — on the year's
    monitoring lists (plans.monitored: a confirmed 黄卡/蓝卡 or a monitoring 户类型) or with a 防返贫监测 case open
    (in its 纳入 procedure, monitored or closing: seed 000 “对每户“边缘户”也要选派帮扶人(联系人)”)."""
    open_cases = select(MonitoringCase.household_id).where(MonitoringCase.state.in_(OPEN_STATES))
    return or_(registered_sql(), plans.monitored(year), Household.id.in_(open_cases))


def paired_on(on: date):
    """A condition on Household: it has a pairing that runs on `on`."""
    return (
        select(Pairing.id)
        .where(
            Pairing.household_id == Household.id,
            Pairing.started_on <= on,
            or_(Pairing.ended_on.is_(None), Pairing.ended_on >= on),
        )
        .correlate(Household)
        .exists()
    )


@dataclass(frozen=True)
class Unpaired:
    code: str
    head: str
    village: str
    kind: str  # 户类型 or 贫困户属性, why a helper is due
    roster_helper: str  # the roster's 帮扶责任人, not yet imported as a pairing


def unpaired(
    db: Database, actor: Actor, *, village: str | None = None, on: date | None = None
) -> list[Unpaired]:
    """Registered and monitored households with no cadre paired on `on` (default today): a 疑点 of the data
    quality audit (no_helper) and this list."""
    on = on or clock.today()
    with db.read() as s:
        q = (
            select(
                Household.code,
                Household.head_name,
                Township.name + Village.name,
                Household.household_kind,
                Household.poverty_type,
                Household.attrs,
            )
            .join(Village, Village.id == Household.village_id)
            .join(Township, Township.id == Village.township_id)
            .where(must_have_helper(on.year), ~paired_on(on), village_scope(s, actor, village))
            .order_by(Township.name, Village.name, Household.code)
        )
        return [
            Unpaired(code, head, vname, kind or ptype or "", str((attrs or {}).get("helper", "")).strip())
            for code, head, vname, kind, ptype, attrs in s.execute(q)
        ]


# --- the registry ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CadreInfo:
    id: int
    name: str
    unit_kind: str
    unit: str
    post: str
    phone: str
    village: str
    active_from: date | None
    active_to: date | None
    end_reason: str
    paired: int  # households paired today

    def active(self, on: date) -> bool:
        return (self.active_from is None or self.active_from <= on) and (
            self.active_to is None or on <= self.active_to
        )

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "unit_kind": self.unit_kind,
            "unit": self.unit,
            "post": self.post,
            "phone": self.phone,
            "village": self.village,
            "active_from": self.active_from.isoformat() if self.active_from else None,
            "active_to": self.active_to.isoformat() if self.active_to else None,
            "end_reason": self.end_reason,
            "paired": self.paired,
        }

    @property
    def label(self) -> str:
        """What a chooser shows: 李明（帮扶责任人，县民政局）."""
        return f"{self.name}（{'，'.join(x for x in (self.post, self.unit) if x)}）"


def _require_registry(actor: Actor, what: str) -> None:
    actor.require("household.edit", what)
    if actor.village_ids is not None:
        raise PermissionDenied(f"用户“{actor.username}”只管理本村农户，{what}请由乡镇扶贫办办理")


def _day(on: date | None, what: str, *, default: date | None = None) -> date | None:
    on = on or default
    if on is not None and not EARLIEST <= on <= clock.today():
        raise InputRejected(f"{what}{clock.cn_date(on)}不合理：应在2000年至今天之间")
    return on


def _phone(text: str) -> str:
    """An 11-digit mobile number, or a fixed line: 0 + area code + number, or a 7–8 digit local number."""
    phone = (text or "").strip()
    digits = re.sub(r"\D", "", phone)
    fine = re.fullmatch(r"[\d\-（）() ]*", phone) and (
        (len(digits) == 11 and digits.startswith("1"))
        or (digits.startswith("0") and 10 <= len(digits) <= 12)
        or (7 <= len(digits) <= 8 and digits[0] not in "01")
    )
    if phone and not fine:
        raise InputRejected(f"联系电话“{phone}”无效：应为11位手机号或带区号的座机号")
    return phone


def _checked(name: str, post: str, unit_kind: str, unit: str) -> tuple[str, str, str, str]:
    name, post, unit_kind, unit = name.strip(), post.strip(), unit_kind.strip(), unit.strip()
    if not name:
        raise InputRejected("请填写干部姓名")
    if len(name) > 32:
        raise InputRejected(f"姓名“{name[:12]}…”过长：不能超过32个字")
    if post not in POSTS:
        raise InputRejected(f"职务“{post}”无效，可选：{'、'.join(POSTS)}")
    if unit_kind and unit_kind not in UNIT_KINDS:
        raise InputRejected(f"单位类别“{unit_kind}”无效，可选：{'、'.join(UNIT_KINDS)}")
    if len(unit) > 64:
        raise InputRejected("单位名称不能超过64个字")
    return name, post, unit_kind, unit


def _village_id(session: Session, actor: Actor, village: str | None) -> int | None:
    return resolve_village(session, actor, village).id if village and village.strip() else None


def add_cadre(
    db: Database,
    actor: Actor,
    name: str,
    post: str,
    *,
    unit_kind: str = "",
    unit: str = "",
    phone: str = "",
    village: str | None = None,
    active_from: date | None = None,
) -> int:
    _require_registry(actor, "登记帮扶干部")
    name, post, unit_kind, unit = _checked(name, post, unit_kind, unit)
    phone = _phone(phone)
    active_from = _day(active_from, "任职日期")
    with db.write() as s:
        c = Cadre(
            name=name,
            post=post,
            unit_kind=unit_kind,
            unit=unit,
            phone=phone,
            village_id=_village_id(s, actor, village),
            active_from=active_from,
            created_by=actor.username,
        )
        s.add(c)
        s.flush()
        audit.record(s, actor.username, "cadre.add", entity="cadre", key=str(c.id), after=_snapshot(c))
        return c.id


def _snapshot(c: Cadre) -> dict:
    return {
        "name": c.name,
        "post": c.post,
        "unit_kind": c.unit_kind,
        "unit": c.unit,
        "phone": c.phone,
        "village_id": c.village_id,
        "active_from": c.active_from,
        "active_to": c.active_to,
    }


def edit_cadre(
    db: Database,
    actor: Actor,
    cadre_id: int,
    *,
    name: str,
    post: str,
    unit_kind: str = "",
    unit: str = "",
    phone: str = "",
    village: str | None = None,
) -> None:
    """Correct a cadre's entry (the audit keeps what it said before). A new post from a new date is better a
    new entry: end this one and add the next, so the visits keep the post they were made in."""
    _require_registry(actor, "修改帮扶干部")
    name, post, unit_kind, unit = _checked(name, post, unit_kind, unit)
    phone = _phone(phone)
    with db.write() as s:
        c = _cadre(s, cadre_id)
        before = _snapshot(c)
        c.name, c.post, c.unit_kind, c.unit, c.phone = name, post, unit_kind, unit, phone
        c.village_id = _village_id(s, actor, village)
        after = _snapshot(c)
        if after != before:
            audit.record(
                s, actor.username, "cadre.edit", entity="cadre", key=str(c.id), before=before, after=after
            )


def _cadre(session: Session, cadre_id: int) -> Cadre:
    c = session.get(Cadre, cadre_id)
    if c is None:
        raise NotFound(f"帮扶干部编号{cadre_id}不存在")
    return c


def end_cadre(db: Database, actor: Actor, cadre_id: int, reason: str, *, on: date | None = None) -> int:
    """A cadre leaves the post (离任/调整) on `on`, the last day in post (default today); their open pairings end
    that day too. Returns how many pairings ended."""
    _require_registry(actor, "办理干部离任")
    on = _day(on, "离任日期", default=clock.today())
    if not reason.strip():
        raise InputRejected("请填写离任原因（如 调离、退休、轮换）")
    with db.write() as s:
        c = _cadre(s, cadre_id)
        if c.active_to is not None:
            raise InputRejected(f"{c.name}已于{clock.cn_date(c.active_to)}离任")
        if c.active_from is not None and on < c.active_from:
            raise InputRejected(f"离任日期{clock.cn_date(on)}早于任职日期{clock.cn_date(c.active_from)}")
        late = s.scalar(
            select(func.max(Pairing.started_on)).where(Pairing.cadre_id == c.id, Pairing.ended_on.is_(None))
        )
        if late is not None and late > on:
            raise InputRejected(f"{c.name}有{clock.cn_date(late)}起的结对，离任日期不能早于它")
        c.active_to, c.end_reason = on, reason.strip()
        ended = 0
        for p in s.scalars(select(Pairing).where(Pairing.cadre_id == c.id, Pairing.ended_on.is_(None))):
            p.ended_on, p.end_reason, p.ended_by, p.ended_at = (
                on,
                f"干部离任：{c.end_reason}",
                actor.username,
                utcnow(),
            )
            ended += 1
        audit.record(
            s,
            actor.username,
            "cadre.end",
            entity="cadre",
            key=str(c.id),
            after={"active_to": on, "reason": c.end_reason, "pairings_ended": ended},
        )
        return ended


def cadres(
    db: Database,
    actor: Actor,
    *,
    on: date | None = None,
    include_ended: bool = False,
    post: str | None = None,
) -> list[CadreInfo]:
    """The registry: the cadres in post on `on`, both ends included; without `on`, those in post today whose
    leaving is not yet entered (one who leaves today is off the list at once); everyone with include_ended."""
    with db.read() as s:
        return _cadre_infos(s, actor, on, include_ended, post)


def _cadre_infos(
    s: Session, actor: Actor, on: date | None, include_ended: bool, post: str | None
) -> list[CadreInfo]:
    current = on is None
    on = on or clock.today()
    names = {vid: name for vid, name in s.execute(select(Village.id, Village.name))}
    # plain rows, not Cadre objects: a county registers tens of thousands of cadres (帮扶责任人 for every household)
    q = select(
        Cadre.id,
        Cadre.name,
        Cadre.unit_kind,
        Cadre.unit,
        Cadre.post,
        Cadre.phone,
        Cadre.village_id,
        Cadre.active_from,
        Cadre.active_to,
        Cadre.end_reason,
    ).order_by(Cadre.unit_kind, Cadre.unit, Cadre.name, Cadre.id)
    if not include_ended:
        q = q.where(
            or_(Cadre.active_from.is_(None), Cadre.active_from <= on),
            Cadre.active_to.is_(None) if current else or_(Cadre.active_to.is_(None), Cadre.active_to >= on),
        )
    if post:
        q = q.where(Cadre.post == post)
    paired = dict(
        s.execute(
            select(Pairing.cadre_id, func.count(Pairing.id))
            .join(Household, Household.id == Pairing.household_id)
            .where(
                Pairing.started_on <= on,
                or_(Pairing.ended_on.is_(None), Pairing.ended_on >= on),
                village_scope(s, actor, None),
            )
            .group_by(Pairing.cadre_id)
        ).all()
    )
    return [
        CadreInfo(
            c.id,
            c.name,
            c.unit_kind,
            c.unit,
            c.post,
            c.phone,
            names.get(c.village_id, "") if c.village_id else "",
            c.active_from,
            c.active_to,
            c.end_reason,
            paired.get(c.id, 0),
        )
        for c in s.connection().execute(q)
    ]


# --- pairing ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairingInfo:
    id: int
    cadre_id: int
    cadre: str
    post: str
    phone: str
    code: str
    head: str
    village: str
    started_on: date
    ended_on: date | None
    reason: str
    end_reason: str

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "cadre_id": self.cadre_id,
            "cadre": self.cadre,
            "post": self.post,
            "household": self.code,
            "head": self.head,
            "village": self.village,
            "started_on": self.started_on.isoformat(),
            "ended_on": self.ended_on.isoformat() if self.ended_on else None,
            "reason": self.reason,
            "end_reason": self.end_reason,
        }


def pair(
    db: Database,
    actor: Actor,
    cadre_id: int,
    codes: list[str],
    *,
    on: date | None = None,
    reason: str = "",
) -> list[int]:
    """Pair a cadre with households from `on` (default today), all or none: every household is checked first
    (it exists, the actor may see it, it is not already paired with this cadre on that day)."""
    actor.require("household.edit", "结对帮扶")
    on = _day(on, "结对日期", default=clock.today())
    wanted = [c.strip() for c in codes if c.strip()]
    if not wanted:
        raise InputRejected("请选择要结对的农户")
    if len(set(wanted)) != len(wanted):
        raise InputRejected("同一户选了两次")
    with db.write() as s:
        c = plans.cadre_on(s, cadre_id, on)
        households = [household_for(s, actor, code) for code in wanted]
        already = {
            hid
            for (hid,) in s.execute(
                select(Pairing.household_id).where(
                    Pairing.cadre_id == c.id,
                    Pairing.household_id.in_([h.id for h in households]),
                    or_(Pairing.ended_on.is_(None), Pairing.ended_on >= on),
                )
            )
        }
        clash = [h.code for h in households if h.id in already]
        if clash:
            raise InputRejected(f"{c.name}已与{'、'.join(clash[:5])}{'等' if len(clash) > 5 else ''}结对")
        made = []
        for h in households:
            p = Pairing(
                cadre_id=c.id,
                household_id=h.id,
                started_on=on,
                reason=reason.strip(),
                created_by=actor.username,
            )
            s.add(p)
            s.flush()
            made.append(p.id)
        audit.record(
            s,
            actor.username,
            "cadre.pair",
            entity="cadre",
            key=str(c.id),
            after={"households": wanted, "on": on, "reason": reason.strip()},
        )
        return made


def unpair(db: Database, actor: Actor, pairing_id: int, reason: str, *, on: date | None = None) -> None:
    """End a pairing on `on`, its last day (default today); the row stays with who ended it and why."""
    actor.require("household.edit", "解除结对")
    on = _day(on, "解除日期", default=clock.today())
    if not reason.strip():
        raise InputRejected("请填写解除结对的原因")
    with db.write() as s:
        p = s.get(Pairing, pairing_id)
        if p is None:
            raise NotFound(f"结对编号{pairing_id}不存在")
        h = s.get(Household, p.household_id)
        household_for(s, actor, h.code)  # the actor may see it
        if p.ended_on is not None:
            raise InputRejected(f"该结对已于{clock.cn_date(p.ended_on)}解除")
        if on < p.started_on:
            raise InputRejected(f"解除日期{clock.cn_date(on)}早于结对日期{clock.cn_date(p.started_on)}")
        p.ended_on, p.end_reason, p.ended_by, p.ended_at = on, reason.strip(), actor.username, utcnow()
        audit.record(
            s,
            actor.username,
            "cadre.unpair",
            entity="household",
            key=h.code,
            after={"pairing": p.id, "cadre": p.cadre_id, "ended_on": on, "reason": p.end_reason},
        )


def pairings(
    db: Database,
    actor: Actor,
    *,
    cadre_id: int | None = None,
    code: str | None = None,
    on: date | None = None,
) -> list[PairingInfo]:
    """Pairings of a cadre or of a household — all of them (history), or only those running on `on`."""
    with db.read() as s:
        q = (
            select(Pairing, Cadre, Household.code, Household.head_name, Village.name)
            .join(Cadre, Cadre.id == Pairing.cadre_id)
            .join(Household, Household.id == Pairing.household_id)
            .join(Village, Village.id == Household.village_id)
            .where(village_scope(s, actor, None))
            .order_by(Village.name, Household.code, Pairing.started_on, Pairing.id)
        )
        if cadre_id is not None:
            q = q.where(Pairing.cadre_id == cadre_id)
        if code is not None:
            q = q.where(Pairing.household_id == household_for(s, actor, code).id)
        if on is not None:
            q = q.where(Pairing.started_on <= on, or_(Pairing.ended_on.is_(None), Pairing.ended_on >= on))
        return [
            PairingInfo(
                p.id,
                c.id,
                c.name,
                c.post,
                c.phone,
                hc,
                head,
                vname,
                p.started_on,
                p.ended_on,
                p.reason,
                p.end_reason,
            )
            for p, c, hc, head, vname in s.execute(q)
        ]


@dataclass
class ImportReport:
    cadres_made: list[str] = field(default_factory=list)  # 姓名 电话
    pairings_made: int = 0
    already_paired: int = 0  # households that have a pairing already (left as they are)
    without_helper: int = 0  # households the roster names no helper for
    started_on: date | None = None

    def as_json(self) -> dict:
        return {
            "cadres_made": self.cadres_made,
            "pairings_made": self.pairings_made,
            "already_paired": self.already_paired,
            "without_helper": self.without_helper,
            "started_on": self.started_on.isoformat() if self.started_on else None,
        }

    @property
    def text(self) -> str:
        return (
            f"新登记帮扶干部{len(self.cadres_made)}人，新建结对{self.pairings_made}户"
            f"（结对日期按{clock.cn_date(self.started_on)}登记）；"
            f"已有结对的{self.already_paired}户未改动；花名册未填帮扶责任人的{self.without_helper}户"
        )


def import_pairing(db: Database, actor: Actor, *, on: date | None = None) -> ImportReport:
    """The roster's 帮扶责任人 (and 帮扶责任人电话) column as the registry: one cadre per name and phone (post
    帮扶责任人, unit unknown until a clerk fills it in), one pairing per household from `on` (default 1 January of
    this year: the roster names the helper of the year). Households with any pairing, past or present, are left
    alone, so running it again makes nothing new. All in one transaction."""
    _require_registry(actor, "从花名册导入结对")
    today = clock.today()
    on = _day(on, "结对日期", default=date(today.year, 1, 1))
    out = ImportReport(started_on=on)
    with db.write() as s:
        has_pairing = set(s.scalars(select(Pairing.household_id).distinct()))
        known: dict[tuple[str, str], Cadre] = {}
        for c in s.scalars(select(Cadre).order_by(Cadre.id)):
            if c.active_to is None or c.active_to >= on:
                known.setdefault((c.name, re.sub(r"\D", "", c.phone)), c)
        rows = s.execute(select(Household.id, Household.attrs).order_by(Household.id)).all()
        for hid, attrs in rows:
            name = str((attrs or {}).get("helper", "") or "").strip()[:32]
            if not name:
                out.without_helper += 1
                continue
            if hid in has_pairing:
                out.already_paired += 1
                continue
            phone = str((attrs or {}).get("helper_phone", "") or "").strip()[:32]
            key = (name, re.sub(r"\D", "", phone))
            c = known.get(key)
            if c is None:
                c = Cadre(name=name, post=IMPORTED_POST, phone=phone, created_by=actor.username)
                s.add(c)
                s.flush()
                known[key] = c
                out.cadres_made.append(f"{name} {phone}".strip())
            s.add(
                Pairing(
                    cadre_id=c.id,
                    household_id=hid,
                    started_on=on,
                    reason="从花名册“帮扶责任人”导入",
                    created_by=actor.username,
                )
            )
            out.pairings_made += 1
        audit.record(s, actor.username, "cadre.import", entity="cadre", after=out.as_json())
    return out


def registry_empty(db: Database) -> bool:
    """Nothing entered yet: the window offers the import from the roster."""
    with db.read() as s:
        return s.scalar(select(func.count(Cadre.id))) == 0


# --- coverage (遍访) --------------------------------------------------------------------------------------------


def rules(db: Database) -> list[CoverageRule]:
    return parse(settings.get(db, "visits.coverage_rules"))


def set_rules(db: Database, actor: Actor, items: list[dict]) -> None:
    settings.set_values(db, actor, {"visits.coverage_rules": items})


@dataclass(frozen=True)
class CoverageRow:
    rule: str
    cadre_id: int
    cadre: str
    post: str
    unit: str
    village: str  # the village of the households counted; "" for a rule counting visits in all
    period: str
    start: date
    end: date
    state: str  # 已完成 | 进行中 | 未完成
    measure: str  # 户: households visited enough of those due; 次: visits made of those required
    due: int
    done: int
    behind: tuple[tuple[str, str], ...]  # (户编号, 户主) not yet visited enough

    @property
    def short(self) -> int:
        return max(self.due - self.done, 0)

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "cadre_id": self.cadre_id,
            "cadre": self.cadre,
            "post": self.post,
            "unit": self.unit,
            "village": self.village,
            "period": self.period,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "state": self.state,
            "measure": self.measure,
            "due": self.due,
            "done": self.done,
            "behind": [{"household": c, "head": h} for c, h in self.behind],
        }


@dataclass
class Coverage:
    year: int
    on: date
    rules: list[CoverageRule]
    rows: list[CoverageRow]

    def totals(self, key) -> dict[str, tuple[int, int]]:
        """(due, done) of the household rows, summed by key(row): per village, post or period."""
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.rows:
            if r.measure == "户":
                out[key(r)][0] += r.due
                out[key(r)][1] += r.done
        return {k: (v[0], v[1]) for k, v in out.items()}

    @property
    def behind_rows(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.short]

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "on": self.on.isoformat(),
            "rules": [r.as_dict() | {"text": r.text} for r in self.rules],
            "rows": [r.as_json() for r in self.rows],
            "by_village": {
                k: {"due": d, "done": n} for k, (d, n) in self.totals(lambda r: r.village).items()
            },
            "by_post": {k: {"due": d, "done": n} for k, (d, n) in self.totals(lambda r: r.post).items()},
            "by_period": {k: {"due": d, "done": n} for k, (d, n) in self.totals(lambda r: r.period).items()},
        }


@dataclass(frozen=True)
class _House:
    id: int
    code: str
    head: str
    village_id: int
    registered: bool
    exited: bool


def coverage(
    db: Database, actor: Actor, year: int, *, village: str | None = None, on: date | None = None
) -> Coverage:
    """遍访 by the enabled rules: for each rule, each cadre of its posts in post during a period of the year that
    has begun by `on` (default today), the households due, those visited enough (by that cadre, in the period)
    and those behind — per village. A rule counting visits in all (each=False) gives one row of visits."""
    plans.check_year(year)
    on = on or clock.today()
    active_rules = [r for r in rules(db) if r.enabled]
    with db.read() as s:
        scope = village_scope(s, actor, village)
        names = dict(s.execute(select(Village.id, Village.name)).all())
        townships = defaultdict(set)
        for vid, tname in s.execute(select(Village.id, Township.name).join(Township)):
            townships[tname].add(vid)
        houses: dict[int, _House] = {}
        for hid, code, head, vid, kind, ptype, attrs in s.execute(
            select(
                Household.id,
                Household.code,
                Household.head_name,
                Household.village_id,
                Household.household_kind,
                Household.poverty_type,
                Household.attrs,
            ).where(scope)
        ):
            exit_year = (attrs or {}).get("exit_year")
            reg = plans.is_registered(kind, ptype, exit_year)
            houses[hid] = _House(hid, code, head, vid, reg, reg and plans.is_exited(kind, ptype, exit_year))
        by_village: dict[int, list[_House]] = defaultdict(list)
        for h in houses.values():
            by_village[h.village_id].append(h)
        visible = set(
            s.scalars(select(Village.id).where(village_scope(s, actor, village, column=Village.id)))
        )
        first, last = date(year, 1, 1), date(year, 12, 31)
        posts = {p for r in active_rules for p in r.posts}
        people = list(  # plain rows with the fields the rules read (see _cadre_infos)
            s.connection().execute(
                select(
                    Cadre.id,
                    Cadre.name,
                    Cadre.unit,
                    Cadre.post,
                    Cadre.village_id,
                    Cadre.active_from,
                    Cadre.active_to,
                )
                .where(
                    Cadre.post.in_(posts),
                    or_(Cadre.active_from.is_(None), Cadre.active_from <= last),
                    or_(Cadre.active_to.is_(None), Cadre.active_to >= first),
                )
                .order_by(Cadre.post, Cadre.name, Cadre.id)
            )
        )
        visits: dict[int, list[tuple[int, date]]] = defaultdict(list)
        for cid, hid, day in s.execute(
            select(Visit.cadre_id, Visit.household_id, Visit.visited_on).where(
                Visit.cadre_id.is_not(None), Visit.visited_on >= first, Visit.visited_on <= last
            )
        ):
            visits[cid].append((hid, day))
        paired: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
        for cid, hid, start, end in s.execute(
            select(Pairing.cadre_id, Pairing.household_id, Pairing.started_on, Pairing.ended_on).where(
                Pairing.started_on <= last, or_(Pairing.ended_on.is_(None), Pairing.ended_on >= first)
            )
        ):
            paired[cid].append((hid, start, end))
        rows = []
        for rule in active_rules:
            periods = [(label, start, end) for label, start, end in rule.window(year) if start <= on]  # begun
            for c in people:
                if c.post not in rule.posts or (c.village_id is not None and c.village_id not in visible):
                    continue
                area = _area(c, townships)
                for label, start, end in periods:
                    if (c.active_from is not None and c.active_from > end) or (
                        c.active_to is not None and c.active_to < start
                    ):
                        continue
                    due = _due(rule, c, area, houses, by_village, paired, start, end)
                    if rule.households == "paired" and not due:
                        continue
                    rows.extend(_rows(rule, c, names, due, visits[c.id], label, start, end, on))
    return Coverage(year, on, active_rules, rows)


def _area(c: Row, townships: dict[str, set[int]]) -> set[int] | None:
    """The villages a cadre answers for: their village; else the township their unit names; else all (None)."""
    if c.village_id is not None:
        return {c.village_id}
    for tname, vids in townships.items():
        if c.unit and (c.unit == tname or c.unit.startswith(tname)):
            return vids
    return None


def _due(
    rule: CoverageRule,
    c: Row,  # a cadre: a row of the columns coverage reads
    area: set[int] | None,
    houses: dict[int, _House],
    by_village: dict[int, list[_House]],
    paired: dict[int, list[tuple[int, date, date | None]]],
    start: date,
    end: date,
) -> list[_House]:
    if rule.households == "paired":
        ids = {hid for hid, s, e in paired[c.id] if s <= end and (e is None or e >= start)}
        return [houses[h] for h in sorted(ids) if h in houses]
    if area is None:
        mine = list(houses.values())
    else:
        mine = [h for vid in sorted(area) for h in by_village.get(vid, ())]
    if rule.households == "unexited":
        return [h for h in mine if h.registered and not h.exited]
    return [h for h in mine if h.registered]


def _rows(
    rule: CoverageRule,
    c: Row,  # a cadre: a row of the columns coverage reads
    names: dict[int, str],
    due: list[_House],
    made: list[tuple[int, date]],
    label: str,
    start: date,
    end: date,
    on: date,
) -> list[CoverageRow]:
    # called once per cadre, rule and period (200,000 times for a county's 50,000 helpers): rows are made with
    # positional fields, the period's visits counted in a plain dict
    counts: dict[int, int] = {}
    for hid, day in made:
        if start <= day <= end:
            counts[hid] = counts.get(hid, 0) + 1
    not_done = "未完成" if end < on else "进行中"
    head = (rule.name, c.id, c.name, c.post, c.unit)
    if not rule.each:
        wanted = {h.id for h in due}
        done = sum(n for hid, n in counts.items() if hid in wanted)
        village = names.get(c.village_id, "") if c.village_id else ""
        state = "已完成" if done >= rule.visits else not_done
        return [CoverageRow(*head, village, label, start, end, state, "次", rule.visits, done, ())]
    if not due:
        village = names.get(c.village_id, "") if c.village_id else ""
        return [CoverageRow(*head, village, label, start, end, "已完成", "户", 0, 0, ())]
    by_village: dict[int, list[_House]] = {}
    for h in due:
        by_village.setdefault(h.village_id, []).append(h)
    out = []
    for vid in sorted(by_village, key=lambda v: names.get(v, "")) if len(by_village) > 1 else by_village:
        hs = by_village[vid]
        if len(hs) > 1:
            hs = sorted(hs, key=lambda h: h.code)
        behind = tuple((h.code, h.head) for h in hs if counts.get(h.id, 0) < rule.visits)
        state = not_done if behind else "已完成"
        out.append(
            CoverageRow(
                *head,
                names.get(vid, ""),
                label,
                start,
                end,
                state,
                "户",
                len(hs),
                len(hs) - len(behind),
                behind,
            )
        )
    return out


def household_set_name(key: str) -> str:
    return HOUSEHOLD_SETS.get(key, key)
