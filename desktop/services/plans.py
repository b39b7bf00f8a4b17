"""一户一策: income by component, thresholds per year, card colour (suggested, then confirmed by a clerk),
measures, visits, the 两不愁三保障 checks and the exit check.

Card colours (seed 001): 红卡 未脱贫户 · 黄卡 脱贫不稳定户 (per-capita net income in the yellow band, e.g.
4000–5000 元) · 绿卡 稳定脱贫户 · 蓝卡 档外边缘户. The app suggests; a clerk confirms, and an override needs a
reason. Every decision is kept (append-only), the newest is the household's colour for that year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop import clock, limits
from desktop.db import Database
from desktop.models import (
    CardColour,
    Household,
    IncomeThreshold,
    IncomeYear,
    Measure,
    Member,
    NeedsCheck,
    Village,
    Visit,
)
from desktop.services import audit, money, settings
from desktop.services.attachments import check_file
from desktop.services.errors import InputRejected, NotFound
from desktop.services.households import exited, household_for, village_scope
from desktop.services.users import Actor

COLOUR_NAMES = {"red": "红卡", "yellow": "黄卡", "green": "绿卡", "blue": "蓝卡"}
COLOUR_MEANING = {"red": "未脱贫户", "yellow": "脱贫不稳定户", "green": "稳定脱贫户", "blue": "档外边缘户"}
COLOUR_HEX = {"red": "#c62828", "yellow": "#f9a825", "green": "#2e7d32", "blue": "#1565c0"}
MEASURE_KINDS = (
    "产业",
    "就业/公益岗位",
    "教育",
    "健康",
    "住房",
    "饮水",
    "兜底/低保",
    "小额信贷",
    "易地搬迁",
    "其他",
)
MEASURE_STATUS = {"planned": "计划", "doing": "实施中", "done": "已完成", "dropped": "已取消"}
CONDITIONS = {
    "food_clothing": "不愁吃、不愁穿",
    "education": "义务教育有保障",
    "medical": "基本医疗有保障",
    "housing": "住房安全有保障",
    "water": "饮水安全",
}
# Seed 000: the 2018 line is 3400 元; seed 001: the yellow band 4000–5000 元. Later years carry the latest
# configured year forward until an admin sets theirs.
DEFAULT_THRESHOLDS = {2018: (340000, 400000, 500000)}
OUTSIDE_KINDS = ("边缘易致贫户", "一般农户", "突发严重困难户")  # 档外: not registered as poor
RISK_KINDS = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户", "监测对象")


def yuan(fen: int | None) -> str:
    return "—" if fen is None else f"{fen / 100:,.2f}"


def parse_colour(text: str) -> str:
    t = text.strip().lower()
    for key, name in COLOUR_NAMES.items():
        if t in (key, name, name[0]):
            return key
    raise InputRejected(f"卡色“{text}”无效，可选：红卡、黄卡、绿卡、蓝卡")


# --- thresholds -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    year: int  # the year asked for
    source_year: int  # the year whose figures apply
    poverty_line: int
    yellow_low: int
    yellow_high: int

    def figures(self) -> tuple[int, int, int]:
        return (self.poverty_line, self.yellow_low, self.yellow_high)

    @property
    def carried(self) -> bool:
        return self.source_year != self.year


def _threshold(session: Session, year: int) -> Threshold:
    rows = {
        t.year: (t.poverty_line, t.yellow_low, t.yellow_high)
        for t in session.scalars(select(IncomeThreshold))
    }
    table = {**DEFAULT_THRESHOLDS, **rows}
    usable = [y for y in table if y <= year]
    if not usable:
        raise InputRejected(f"没有{year}年及以前的收入标准，请先在“系统”中设置")
    src = max(usable)
    return Threshold(year, src, *table[src])


def threshold(db: Database, year: int) -> Threshold:
    with db.read() as s:
        return _threshold(s, year)


def thresholds(db: Database) -> list[Threshold]:
    with db.read() as s:
        rows = {
            t.year: (t.poverty_line, t.yellow_low, t.yellow_high) for t in s.scalars(select(IncomeThreshold))
        }
    table = {**DEFAULT_THRESHOLDS, **rows}
    return [Threshold(y, y, *table[y]) for y in sorted(table)]


def check_year(year: int) -> int:
    """A plan year the office can mean: from 2000 (before the roster existed nothing was planned) to next year."""
    last = clock.today().year + 1
    if not isinstance(year, int) or not 2000 <= year <= last:
        raise InputRejected(f"年度“{year}”应在2000年至{last}年之间")
    return year


def set_threshold(
    db: Database, actor: Actor, year: int, poverty_line: int, yellow_low: int, yellow_high: int
) -> None:
    actor.require("settings", "设置收入标准")
    check_year(year)
    for name, value in (("贫困线", poverty_line), ("黄卡下限", yellow_low), ("黄卡上限", yellow_high)):
        money.check_fen(value, name, max_fen=limits.INCOME_FEN)
    if not 0 < poverty_line <= yellow_low <= yellow_high:
        raise InputRejected("收入标准应满足：0 < 贫困线 ≤ 黄卡下限 ≤ 黄卡上限")
    with db.write() as s:
        row = s.get(IncomeThreshold, year)
        before = None if row is None else [row.poverty_line, row.yellow_low, row.yellow_high]
        if row is None:
            row = IncomeThreshold(year=year)
            s.add(row)
        row.poverty_line, row.yellow_low, row.yellow_high = poverty_line, yellow_low, yellow_high
        audit.record(
            s,
            actor.username,
            "plan.threshold",
            entity="threshold",
            key=str(year),
            before=before,
            after=[poverty_line, yellow_low, yellow_high],
        )


# --- income ---------------------------------------------------------------------------------------------


def set_income(
    db: Database,
    actor: Actor,
    code: str,
    year: int,
    *,
    wage: int = 0,
    production: int = 0,
    property_income: int = 0,
    transfer: int = 0,
    production_cost: int = 0,
    note: str = "",
) -> int:
    """Income by component (fen) → per-capita net income, over the members now on the roster."""
    actor.require("household.edit", "登记收入")
    parts = {
        "工资性收入": wage,
        "生产经营性收入": production,
        "财产性收入": property_income,
        "转移性收入": transfer,
    }
    check_year(year)
    with db.write() as s:
        most = min(int(settings.get_in(s, "limits.income_yuan")) * 100, limits.INCOME_FEN)
        for name, v in {**parts, "生产经营性支出": production_cost}.items():
            money.check_fen(v, name, max_fen=most, min_fen=0)
        h = household_for(s, actor, code)
        people = s.scalar(
            select(func.count())
            .select_from(Member)
            .where(Member.household_id == h.id, Member.left_at.is_(None))
        )
        if not people:
            raise InputRejected(f"{h.head_name}户没有在册成员，无法计算人均收入")
        net = (sum(parts.values()) - production_cost) // people
        row = s.scalar(select(IncomeYear).where(IncomeYear.household_id == h.id, IncomeYear.year == year))
        before = None
        if row is None:
            row = IncomeYear(household_id=h.id, year=year)
            s.add(row)
        else:
            before = {"net_per_capita": row.net_per_capita, "source": row.source}
        row.wage, row.production, row.property_income = wage, production, property_income
        row.transfer, row.production_cost, row.net_per_capita = transfer, production_cost, net
        row.source, row.note = "clerk", note
        audit.record(
            s,
            actor.username,
            "plan.income",
            entity="household",
            key=h.code,
            before=before,
            after={
                "year": year,
                "net_per_capita": net,
                "people": people,
                **parts,
                "生产经营性支出": production_cost,
            },
        )
        return net


# --- card colour ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    colour: str
    basis: list[str]
    income: int | None
    threshold: Threshold

    @property
    def text(self) -> str:
        return f"建议{COLOUR_NAMES[self.colour]}：" + "；".join(self.basis)


def suggest(
    income: int | None,
    t: Threshold,
    *,
    registered: bool = True,
    has_exited: bool = True,
    unmet: tuple[str, ...] = (),
    risks: tuple[str, ...] = (),
) -> Suggestion:
    """The rule, on its own so each boundary can be tested: below the line or a basic need unmet → red;
    up to the top of the yellow band (inclusive) or with a risk → yellow; above it → green; not registered
    as poor → blue. The line itself counts as reached (seed 000: 收入是否达到要求)."""
    basis: list[str] = []
    note = f"（沿用{t.source_year}年标准）" if t.carried else ""
    if not registered:
        basis.append("档外边缘户（未建档立卡）")
        if income is not None:
            basis.append(f"人均纯收入{yuan(income)}元")
        return Suggestion("blue", basis + list(risks), income, t)
    if income is None:
        basis.append(f"缺少{t.year}年收入，按未达标处理")
        return Suggestion("red", basis + [f"{CONDITIONS[c]}未达标" for c in unmet], income, t)
    if income < t.poverty_line:
        basis.append(f"人均纯收入{yuan(income)}元，低于贫困线{yuan(t.poverty_line)}元{note}")
        return Suggestion("red", basis + [f"{CONDITIONS[c]}未达标" for c in unmet], income, t)
    if unmet:
        return Suggestion("red", [f"{CONDITIONS[c]}未达标" for c in unmet], income, t)
    if not has_exited:
        return Suggestion("red", ["尚未脱贫（未标注脱贫年度）"], income, t)
    if income <= t.yellow_high:
        basis.append(f"人均纯收入{yuan(income)}元，不高于黄卡上限{yuan(t.yellow_high)}元{note}")
        return Suggestion("yellow", basis + list(risks), income, t)
    if risks:
        return Suggestion("yellow", list(risks), income, t)
    return Suggestion(
        "green", [f"人均纯收入{yuan(income)}元，高于{yuan(t.yellow_high)}元{note}，无返贫风险"], income, t
    )


def member_attrs(session: Session, h: Household) -> list[dict]:
    return [
        a or {}
        for a in session.scalars(
            select(Member.attrs).where(Member.household_id == h.id, Member.left_at.is_(None))
        )
    ]


def risks(h: Household, members: list[dict]) -> tuple[str, ...]:
    """What makes a household above the band still unstable: its 户类型, members with 大病 or 残疾."""
    out = []
    if h.household_kind in RISK_KINDS:
        out.append(f"户类型为{h.household_kind}")
    ill = sum(1 for a in members if "大病" in str(a.get("health", "")) or "残疾" in str(a.get("health", "")))
    if ill:
        out.append(f"{ill}人患大病或残疾")
    return tuple(out)


def _income_row(session: Session, h: Household, year: int) -> IncomeYear | None:
    return session.scalar(select(IncomeYear).where(IncomeYear.household_id == h.id, IncomeYear.year == year))


@dataclass(frozen=True)
class _Assessment:
    suggestion: Suggestion
    conditions: list[Condition]
    income: IncomeYear | None


def _assess(session: Session, h: Household, year: int, t: Threshold | None = None) -> _Assessment:
    """Suggestion and exit conditions from one reading of the household's income, checks and members."""
    t = t or _threshold(session, year)
    income = _income_row(session, h, year)
    members = member_attrs(session, h)
    conditions = _conditions(session, h, year, t, income, members)
    sug = suggest(
        income.net_per_capita if income else None,
        t,
        registered=h.household_kind not in OUTSIDE_KINDS,
        has_exited=exited(h),
        unmet=tuple(c.key for c in conditions if c.key != "income" and c.met is False),
        risks=risks(h, members),
    )
    return _Assessment(sug, conditions, income)


def _suggest_for(session: Session, h: Household, year: int, t: Threshold | None = None) -> Suggestion:
    return _assess(session, h, year, t).suggestion


def suggestion(db: Database, actor: Actor, code: str, year: int) -> Suggestion:
    with db.read() as s:
        return _suggest_for(s, household_for(s, actor, code), year)


@dataclass(frozen=True)
class ColourDecision:
    year: int
    colour: str
    suggested: str
    basis: str
    reason: str
    decided_by: str
    decided_at: datetime

    @property
    def name(self) -> str:
        return COLOUR_NAMES[self.colour]

    @property
    def overridden(self) -> bool:
        return self.colour != self.suggested


def confirm_colour(
    db: Database, actor: Actor, code: str, year: int, colour: str | None = None, reason: str = ""
) -> ColourDecision:
    """Confirm the suggested colour, or set another one with a reason. Kept in the history either way."""
    actor.require("household.edit", "确定卡色")
    with db.write() as s:
        h = household_for(s, actor, code)
        sug = _suggest_for(s, h, year)
        chosen = parse_colour(colour) if colour else sug.colour
        if chosen != sug.colour and not reason.strip():
            raise InputRejected(
                f"所选{COLOUR_NAMES[chosen]}与系统建议的{COLOUR_NAMES[sug.colour]}不同，请填写调整理由"
            )
        row = CardColour(
            household_id=h.id,
            year=year,
            colour=chosen,
            suggested=sug.colour,
            basis="；".join(sug.basis),
            reason=reason.strip(),
            decided_by=actor.username,
        )
        s.add(row)
        s.flush()
        audit.record(
            s,
            actor.username,
            "plan.colour",
            entity="household",
            key=h.code,
            after={"year": year, "colour": chosen, "suggested": sug.colour, "reason": row.reason},
        )
        return ColourDecision(year, chosen, sug.colour, row.basis, row.reason, actor.username, row.decided_at)


def _history(session: Session, h: Household) -> list[ColourDecision]:
    return [
        ColourDecision(r.year, r.colour, r.suggested, r.basis, r.reason, r.decided_by, r.decided_at)
        for r in session.scalars(
            select(CardColour).where(CardColour.household_id == h.id).order_by(CardColour.id)
        )
    ]


def colour_history(db: Database, actor: Actor, code: str) -> list[ColourDecision]:
    with db.read() as s:
        return _history(s, household_for(s, actor, code))


def current_colours(session: Session, year: int) -> dict[int, str]:
    newest = (
        select(CardColour.household_id, func.max(CardColour.id).label("id"))
        .where(CardColour.year == year)
        .group_by(CardColour.household_id)
        .subquery()
    )
    return dict(
        session.execute(
            select(CardColour.household_id, CardColour.colour).join(newest, newest.c.id == CardColour.id)
        ).all()
    )


@dataclass(frozen=True)
class Disagreement:
    code: str
    head: str
    village: str
    colour: str | None  # None: no colour confirmed yet
    suggested: str
    basis: str


def disagreements(db: Database, actor: Actor, year: int, *, village: str | None = None) -> list[Disagreement]:
    """Households whose confirmed colour differs from what their data now suggest (or with no colour yet)."""
    with db.read() as s:
        q = (
            select(Household)
            .where(village_scope(s, actor, village))
            .order_by(Household.village_id, Household.code)
        )
        current = current_colours(s, year)
        names = {v.id: v.name for v in s.scalars(select(Village))}
        t = _threshold(s, year)
        out = []
        for h in s.scalars(q):
            sug = _suggest_for(s, h, year, t)
            have = current.get(h.id)
            if have != sug.colour:
                out.append(
                    Disagreement(
                        h.code, h.head_name, names[h.village_id], have, sug.colour, "；".join(sug.basis)
                    )
                )
        return out


# --- measures, visits, checks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureInfo:
    id: int
    year: int
    kind: str
    description: str
    amount: int
    cadre: str
    cadre_phone: str
    planned_on: date | None
    done_on: date | None
    status: str

    @property
    def status_name(self) -> str:
        return MEASURE_STATUS.get(self.status, self.status)


def add_measure(
    db: Database,
    actor: Actor,
    code: str,
    year: int,
    kind: str,
    description: str,
    *,
    amount: int = 0,
    cadre: str = "",
    cadre_phone: str = "",
    planned_on: date | None = None,
    done_on: date | None = None,
    status: str = "planned",
) -> int:
    actor.require("household.edit", "登记帮扶措施")
    if kind not in MEASURE_KINDS:
        raise InputRejected(f"措施类别“{kind}”无效，可选：{'、'.join(MEASURE_KINDS)}")
    if not description.strip():
        raise InputRejected("请填写措施内容")
    if status not in MEASURE_STATUS:
        raise InputRejected(f"状态“{status}”无效，可选：{'、'.join(MEASURE_STATUS)}")
    check_year(year)
    if done_on is not None and done_on > clock.today():
        raise InputRejected(f"完成日期{clock.cn_date(done_on)}还没有到")
    if planned_on is not None and not date(2000, 1, 1) <= planned_on <= date(clock.today().year + 5, 12, 31):
        raise InputRejected(f"计划日期{clock.cn_date(planned_on)}不合理")
    with db.write() as s:
        most = min(int(settings.get_in(s, "limits.measure_yuan")) * 100, limits.MEASURE_FEN)
        money.check_fen(amount, "措施金额", max_fen=most, min_fen=0)
        h = household_for(s, actor, code)
        m = Measure(
            household_id=h.id,
            year=year,
            kind=kind,
            description=description.strip(),
            amount=amount,
            cadre=cadre.strip(),
            cadre_phone=cadre_phone.strip(),
            planned_on=planned_on,
            done_on=done_on if status == "done" else None,
            status=status,
            created_by=actor.username,
        )
        if status == "done" and m.done_on is None:
            m.done_on = clock.today()
        s.add(m)
        s.flush()
        audit.record(
            s,
            actor.username,
            "plan.measure",
            entity="household",
            key=h.code,
            after={"id": m.id, "year": year, "kind": kind, "description": m.description, "amount": amount},
        )
        return m.id


def set_measure_status(
    db: Database, actor: Actor, measure_id: int, status: str, *, done_on: date | None = None
) -> None:
    actor.require("household.edit", "更新帮扶措施")
    if status not in MEASURE_STATUS:
        raise InputRejected(f"状态“{status}”无效，可选：{'、'.join(MEASURE_STATUS)}")
    if done_on is not None and done_on > clock.today():
        raise InputRejected(f"完成日期{clock.cn_date(done_on)}还没有到")
    with db.write() as s:
        m = s.get(Measure, measure_id)
        if m is None:
            raise NotFound(f"措施{measure_id}不存在")
        h = household_for(s, actor, s.get(Household, m.household_id).code)
        before = m.status
        m.status = status
        m.done_on = (done_on or clock.today()) if status == "done" else None
        audit.record(
            s,
            actor.username,
            "plan.measure.status",
            entity="household",
            key=h.code,
            before=before,
            after=status,
        )


def _measures(session: Session, h: Household, year: int | None) -> list[MeasureInfo]:
    q = select(Measure).where(Measure.household_id == h.id).order_by(Measure.year, Measure.id)
    if year is not None:
        q = q.where(Measure.year == year)
    return [
        MeasureInfo(
            m.id,
            m.year,
            m.kind,
            m.description,
            m.amount,
            m.cadre,
            m.cadre_phone,
            m.planned_on,
            m.done_on,
            m.status,
        )
        for m in session.scalars(q)
    ]


def measures(db: Database, actor: Actor, code: str, year: int | None = None) -> list[MeasureInfo]:
    with db.read() as s:
        return _measures(s, household_for(s, actor, code), year)


@dataclass(frozen=True)
class VisitInfo:
    id: int
    visited_on: date
    visitor: str
    findings: str
    problems: str
    follow_up: str
    photos: list[tuple[int, str, bytes]]  # attachment id, file name, thumbnail


def add_visit(
    db: Database,
    actor: Actor,
    code: str,
    visited_on: date,
    visitor: str,
    *,
    findings: str = "",
    problems: str = "",
    follow_up: str = "",
    photos: list[tuple[str, bytes]] = (),
) -> int:
    from desktop.services.archives import _add

    actor.require("household.edit", "登记走访")
    if not visitor.strip():
        raise InputRejected("请填写走访人")
    if not date(2000, 1, 1) <= visited_on <= clock.today():
        raise InputRejected(f"走访日期{clock.cn_date(visited_on)}不合理：应在2000年至今天之间")
    checked = [check_file(n, d) for n, d in photos]
    with db.write() as s:
        h = household_for(s, actor, code)
        v = Visit(
            household_id=h.id,
            visited_on=visited_on,
            visitor=visitor.strip(),
            findings=findings.strip(),
            problems=problems.strip(),
            follow_up=follow_up.strip(),
            recorded_by=actor.username,
        )
        s.add(v)
        s.flush()
        for f in checked:
            _add(s, None, f, actor, visit_id=v.id)
        audit.record(
            s,
            actor.username,
            "plan.visit",
            entity="household",
            key=h.code,
            after={"id": v.id, "on": visited_on, "visitor": v.visitor, "photos": len(checked)},
        )
        return v.id


def _visits(session: Session, h: Household) -> list[VisitInfo]:
    from desktop.models import Attachment

    rows = list(
        session.scalars(
            select(Visit).where(Visit.household_id == h.id).order_by(Visit.visited_on.desc(), Visit.id.desc())
        )
    )
    photos: dict[int, list] = {}
    if rows:
        for aid, vid, name, thumb in session.execute(
            select(Attachment.id, Attachment.visit_id, Attachment.filename, Attachment.thumbnail).where(
                Attachment.visit_id.in_([v.id for v in rows])
            )
        ):
            photos.setdefault(vid, []).append((aid, name, thumb))
    return [
        VisitInfo(v.id, v.visited_on, v.visitor, v.findings, v.problems, v.follow_up, photos.get(v.id, []))
        for v in rows
    ]


def visits(db: Database, actor: Actor, code: str) -> list[VisitInfo]:
    with db.read() as s:
        return _visits(s, household_for(s, actor, code))


def set_check(
    db: Database,
    actor: Actor,
    code: str,
    year: int,
    condition: str,
    met: bool,
    *,
    evidence: str = "",
    on: date | None = None,
) -> None:
    """Record one 两不愁三保障 condition as checked on the spot (replaces that year's earlier check)."""
    actor.require("household.edit", "登记两不愁三保障核验")
    if condition not in CONDITIONS:
        raise InputRejected(
            f"核验项“{condition}”无效，可选：{'、'.join(f'{k}（{v}）' for k, v in CONDITIONS.items())}"
        )
    if not met and not evidence.strip():
        raise InputRejected(f"“{CONDITIONS[condition]}”未达标时请写明情况")
    check_year(year)
    if on is not None and not date(2000, 1, 1) <= on <= clock.today():
        raise InputRejected(f"核验日期{clock.cn_date(on)}不合理：应在2000年至今天之间")
    with db.write() as s:
        h = household_for(s, actor, code)
        row = s.scalar(
            select(NeedsCheck).where(
                NeedsCheck.household_id == h.id, NeedsCheck.year == year, NeedsCheck.condition == condition
            )
        )
        before = None if row is None else {"met": row.met, "evidence": row.evidence, "on": row.checked_on}
        if row is None:
            row = NeedsCheck(household_id=h.id, year=year, condition=condition)
            s.add(row)
        row.met, row.evidence = met, evidence.strip()
        row.checked_on, row.checked_by = on or clock.today(), actor.username
        audit.record(
            s,
            actor.username,
            "plan.check",
            entity="household",
            key=h.code,
            before=before,
            after={"year": year, "condition": condition, "met": met, "evidence": row.evidence},
        )


@dataclass(frozen=True)
class Condition:
    key: str
    name: str
    met: bool | None  # None: nothing to judge by
    source: str
    detail: str


def _conditions(
    session: Session,
    h: Household,
    year: int,
    t: Threshold,
    income_row: IncomeYear | None,
    members: list[dict],
) -> list[Condition]:
    """The exit conditions, each from the best source there is: the on-the-spot check first, then the roster."""
    out = []
    income = income_row.net_per_capita if income_row else None
    if income is None:
        out.append(Condition("income", "人均纯收入超过贫困线", None, "无", f"缺少{year}年收入"))
    else:
        out.append(
            Condition(
                "income",
                "人均纯收入超过贫困线",
                income >= t.poverty_line,
                f"{year}年收入（{'花名册' if income_row.source == 'roster' else '收入核算'}）",
                f"{yuan(income)}元 / 贫困线{yuan(t.poverty_line)}元",
            )
        )
    checks = {
        c.condition: c
        for c in session.scalars(
            select(NeedsCheck).where(NeedsCheck.household_id == h.id, NeedsCheck.year == year)
        )
    }
    attrs = h.attrs or {}
    for key, name in CONDITIONS.items():
        c = checks.get(key)
        if c is not None:
            out.append(
                Condition(
                    key,
                    name,
                    c.met,
                    f"入户核验（{c.checked_on}，{c.checked_by}）",
                    c.evidence or ("达标" if c.met else ""),
                )
            )
            continue
        met, detail = _from_roster(key, attrs, members)
        out.append(Condition(key, name, met, "花名册" if met is not None else "未核验", detail))
    return out


def _from_roster(key: str, attrs: dict, members: list[dict]) -> tuple[bool | None, str]:
    def yes(v: object) -> bool | None:
        return None if v in (None, "") else str(v) == "是"

    if key == "housing":
        v = yes(attrs.get("housing_safe"))
        return v, {True: "住房安全：是", False: "住房安全：否", None: "花名册未填"}[v]
    if key == "water":
        v = yes(attrs.get("water_safe"))
        return v, {True: "饮水安全：是", False: "饮水安全：否", None: "花名册未填"}[v]
    if key == "education":
        dropped = [
            m
            for m in members
            if "辍学" in str((m or {}).get("schooling", "")) or (m or {}).get("dropout_reason")
        ]
        return (False, f"{len(dropped)}人失学辍学") if dropped else (True, "无失学辍学")
    if key == "medical":
        flags = [str((m or {}).get("medical_insurance", "")) for m in members]
        if not any(flags):
            return None, "花名册未填医保"
        missing = sum(1 for f in flags if f == "否")
        return (False, f"{missing}人未参加基本医疗保险") if missing else (True, "全员参加基本医疗保险")
    return None, "需入户核验"


def exit_check(db: Database, actor: Actor, code: str, year: int) -> list[Condition]:
    with db.read() as s:
        return _assess(s, household_for(s, actor, code), year).conditions


# --- the whole plan -------------------------------------------------------------------------------------------


@dataclass
class PlanView:
    code: str
    head: str
    village: str
    year: int
    colour: ColourDecision | None
    suggestion: Suggestion
    income: IncomeYear | None
    measures: list[MeasureInfo] = field(default_factory=list)
    visits: list[VisitInfo] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    history: list[ColourDecision] = field(default_factory=list)
    helper: str = ""
    helper_phone: str = ""

    @property
    def exit_ready(self) -> bool:
        return all(c.met for c in self.conditions)


def plan(db: Database, actor: Actor, code: str, year: int) -> PlanView:
    with db.read() as s:
        h = household_for(s, actor, code)
        assessed = _assess(s, h, year)
        if assessed.income is not None:
            s.expunge(assessed.income)
        history = _history(s, h)
        return PlanView(
            h.code,
            h.head_name,
            s.get(Village, h.village_id).name,
            year,
            next((d for d in reversed(history) if d.year == year), None),
            assessed.suggestion,
            assessed.income,
            measures=_measures(s, h, year),
            visits=_visits(s, h),
            conditions=assessed.conditions,
            history=history,
            helper=str((h.attrs or {}).get("helper", "")),
            helper_phone=str((h.attrs or {}).get("helper_phone", "")),
        )


@dataclass(frozen=True)
class VillageOverview:
    village: str
    households: int
    colours: dict[str, int]  # colour → households; "" for none yet
    complete: dict[str, int]  # copy key → households whose copy is complete
    visits: int


def overview(db: Database, actor: Actor, year: int) -> list[VillageOverview]:
    """Per village: card colours of the year and how many households' archive copies are complete."""
    from desktop.services import archives
    from desktop.services.households import villages

    statuses = archives.village_status(db, actor)
    with db.read() as s:
        current = current_colours(s, year)
        ids = {
            code: (hid, vid)
            for code, hid, vid in s.execute(select(Household.code, Household.id, Household.village_id))
        }
        visit_counts = dict(
            s.execute(
                select(Household.village_id, func.count(Visit.id))
                .join(Visit, Visit.household_id == Household.id)
                .where(Visit.visited_on >= date(year, 1, 1), Visit.visited_on <= date(year, 12, 31))
                .group_by(Household.village_id)
            ).all()
        )
    by_village: dict[int, list] = {}
    for st in statuses:
        by_village.setdefault(ids[st.code][1], []).append(st)
    out = []
    for v in villages(db, actor):
        mine = by_village.get(v.id, [])
        colours = {k: 0 for k in (*COLOUR_NAMES, "")}
        for st in mine:
            colours[current.get(ids[st.code][0], "")] += 1
        complete = {key: sum(st.complete(key) for st in mine) for key, _ in (mine[0].copies if mine else [])}
        out.append(VillageOverview(v.name, len(mine), colours, complete, visit_counts.get(v.id, 0)))
    return out
