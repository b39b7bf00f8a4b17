"""一户一策: income by component, the income standards per year, card colour (suggested, then confirmed by a
clerk), measures, visits, the 两不愁三保障 checks and the exit check (户脱贫「123」).

Card colours — seed 001 (湘阴) 三(一): “按红卡（未脱贫户）、黄卡（脱贫不稳定户，家庭人均纯收入4000—5000元）、绿卡
（稳定脱贫户）、蓝卡（档外边缘户）四种类型”, the 档外边缘户 being “非贫困户，家庭人均纯收入4000—5000元”. The app
suggests; a clerk confirms, and an override needs a reason. Every decision is kept (append-only), the newest is the
household's colour for that year. Illness, disability and disaster are risk notes beside the suggestion, never a
colour by themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from desktop import clock, limits, money
from desktop.db import Database
from desktop.errors import InputRejected, NotFound
from desktop.models import (
    Attachment,
    Cadre,
    CardColour,
    Household,
    IncomeThreshold,
    IncomeYear,
    Measure,
    Member,
    NeedsCheck,
    Pairing,
    RiskEvent,
    Village,
    Visit,
)
from desktop.services.archives import archives
from desktop.services.archives.archives import add_attachment
from desktop.services.households.households import age_on, has_exited, household_for, village_scope, villages
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor
from desktop.services.system.attachments import check_file
from desktop.vocabulary import COLOUR_NAMES, EXITED_KINDS, MONITORED_KINDS, OUTSIDE_KINDS, REGISTERED_TYPES

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
# What a clerk records on the spot (`plan check`), in the order of seed 000's 户脱贫「123」: “年人均纯收入是否稳定超过
# 国家扶贫标准，收入是否可持续，吃穿是否不愁，义务教育、基本医疗、住房安全是否有保障，户户是否有安全饮水、有生活用电、
# 有广播电视，有产业增收措施等。贫困户家中符合就业条件的是否就业。”
CONDITIONS = {
    "food_clothing": "不愁吃、不愁穿",
    "education": "义务教育有保障",
    "medical": "基本医疗有保障",
    "housing": "住房安全有保障",
    "water": "有安全饮水",
    "electricity": "有生活用电",
    "broadcast_tv": "有广播电视",
    "employment": "符合就业条件的成员已就业",
}
# 两不愁三保障, the conditions a card colour reads. Water belongs to 不愁吃 — seed 000: “农户吃（饮水安全）、穿不愁、
# 教育、医疗、住房“三保障”情况”; seed 001 checks “两不愁三保障”及饮水安全 together.
BASIC_NEEDS = ("food_clothing", "education", "medical", "housing", "water")
# The exit conditions that are read from other records, not checked on the spot.
INCOME_CONDITION = "年人均纯收入稳定超过贫困线"
INDUSTRY_CONDITION = "有产业增收措施"
INDUSTRY_KINDS = ("产业", "就业/公益岗位")  # seed 000: 有产业增收措施 — a measure of kind 产业 or 就业
WORKING_AGE = (16, 59)  # 符合就业条件: of working age, 普通/技能劳动力, not at school
FULL_LABOUR = ("普通劳动力", "技能劳动力")


def is_registered(household_kind: str | None, poverty_type: str | None, exit_year: object = None) -> bool:
    """建档立卡? Read from the roster, most decisive field first:
    1. 户类型 脱贫户/脱贫不稳定户 → yes (only a registered household leaves poverty); 边缘易致贫户/一般农户 → no.
    2. a 脱贫年度 → yes, for the same reason.
    3. 贫困户属性 …贫困户/…脱贫户 → yes; 一般农户/低保户/特困供养户 → no.
    4. nothing said (no 户类型, 贫困户属性 or 脱贫年度 that tells): not registered — a 突发严重困难户 or 监测对象 is
       found among ordinary farmers as well. The same reading as fund.registered (the 孝善基金's elders)."""
    kind = (household_kind or "").strip()
    ptype = (poverty_type or "").strip()
    if kind in EXITED_KINDS:
        return True
    if kind in OUTSIDE_KINDS:
        return False
    if exit_year not in (None, "", 0):
        return True
    return ptype in REGISTERED_TYPES


def is_exited(household_kind: str | None, poverty_type: str | None, exit_year: object = None) -> bool:
    """A registered household that has left poverty: a 脱贫年度, or 户类型 脱贫户/脱贫不稳定户 (households.has_exited)."""
    return is_registered(household_kind, poverty_type, exit_year) and has_exited(household_kind, exit_year)


def registration(h: Household) -> tuple[bool, bool]:
    """(registered, exited) of a household from its roster fields."""
    exit_year = (h.attrs or {}).get("exit_year")
    reg = is_registered(h.household_kind, h.poverty_type, exit_year)
    return reg, reg and has_exited(h.household_kind, exit_year)


def yuan(fen: int | None) -> str:
    return "—" if fen is None else f"{fen / 100:,.2f}"


def parse_colour(text: str) -> str:
    t = text.strip().lower()
    for key, name in COLOUR_NAMES.items():
        if t in (key, name, name[0]):
            return key
    raise InputRejected(f"卡色“{text}”无效，可选：红卡、黄卡、绿卡、蓝卡")


# --- income standards --------------------------------------------------------------------------------------
# Per year; the county sets its own (`plan threshold`, 系统→设置→收入标准). The thresholds belong to the county
# this database serves (income_threshold is keyed by year). A year with no setting is never guessed: the
# suggestion asks for it and offers the latest earlier year's figures for an admin to confirm.


@dataclass(frozen=True)
class Threshold:
    year: int
    poverty_line: int  # L: below it a registered household is 未脱贫, an unregistered one 疑似漏评
    yellow_low: int | None  # B1 (≥ L); None: the source gives no band for the year
    yellow_high: int | None  # B2: the top of the 黄卡/蓝卡 band, inclusive
    source: str = "本县设置"
    default: bool = False  # a seed's figure the county has not set itself

    def figures(self) -> tuple[int, int | None, int | None]:
        return (self.poverty_line, self.yellow_low, self.yellow_high)

    @property
    def carried(self) -> bool:  # nothing is carried from another year any more (the settings page asks)
        return False

    @property
    def has_band(self) -> bool:
        return self.yellow_low is not None and self.yellow_high is not None

    @property
    def text(self) -> str:
        band = (
            f"黄卡/蓝卡区间{yuan(self.yellow_low)}～{yuan(self.yellow_high)}元"
            if self.has_band
            else "黄卡/蓝卡区间未定"
        )
        return f"{self.year}年：贫困线{yuan(self.poverty_line)}元，{band}"


DEFAULT_THRESHOLDS = {
    # Seed 000 (商丘) 回头看 四(一)1: “收入是否达到要求（2018年为3400元）”. The seed gives no 黄卡/蓝卡 band.
    2018: Threshold(
        2018,
        340000,
        None,
        None,
        "默认值：种子000 商丘市“回头看”实施意见“收入是否达到要求（2018年为3400元）”；该文未定黄卡/蓝卡区间",
        True,
    ),
    # Seed 001 (湘阴) 三(一): 黄卡 “脱贫不稳定户，家庭人均纯收入4000—5000元”, 档外边缘户 “非贫困户，家庭人均纯收入
    # 4000—5000元”; below the band is 未脱贫 (红卡), so the line is the band's bottom.
    2020: Threshold(
        2020,
        400000,
        400000,
        500000,
        "默认值：种子001 湘阴县2020年工作方案 黄卡、档外边缘户“家庭人均纯收入4000—5000元”",
        True,
    ),
}


def _table(session: Session) -> dict[int, Threshold]:
    table = dict(DEFAULT_THRESHOLDS)
    for t in session.scalars(select(IncomeThreshold)):
        table[t.year] = Threshold(t.year, t.poverty_line_fen, t.yellow_low_fen, t.yellow_high_fen)
    return table


def _threshold(session: Session, year: int, table: dict[int, Threshold] | None = None) -> Threshold | None:
    """The year's own standard, or None: no year stands in for another."""
    return (table if table is not None else _table(session)).get(year)


def _proposal(session: Session, year: int, table: dict[int, Threshold] | None = None) -> Threshold | None:
    """What an admin is offered for a year with no standard: the latest earlier year's figures."""
    earlier = [t for y, t in (table if table is not None else _table(session)).items() if y < year]
    return max(earlier, key=lambda t: t.year) if earlier else None


def missing_text(year: int, proposal: Threshold | None) -> str:
    offer = (
        f"；可沿用{proposal.text}（须管理员确认：plan threshold --year {year} --adopt，或 系统→设置→收入标准）"
        if proposal is not None
        else "（系统→设置→收入标准，或 plan threshold）"
    )
    return f"请先设置{year}年度标准{offer}"


def threshold(db: Database, year: int) -> Threshold:
    """The year's standard; refused, naming what could be adopted, when the year has none."""
    with db.read() as s:
        t = _threshold(s, year)
        if t is None:
            raise InputRejected(missing_text(year, _proposal(s, year)))
        return t


def threshold_status(db: Database, year: int) -> tuple[Threshold | None, Threshold | None]:
    """(the year's standard or None, the figures an admin may adopt for it)."""
    with db.read() as s:
        return _threshold(s, year), _proposal(s, year)


def standards(db: Database) -> list[Threshold]:
    """Every year with a standard, defaults (saying where they come from) and the county's own."""
    with db.read() as s:
        return [t for _y, t in sorted(_table(s).items())]


def thresholds(db: Database) -> list[Threshold]:
    """The years whose three figures are all set (what the settings table edits)."""
    return [t for t in standards(db) if t.has_band]


def poverty_line_sql(year_column):
    """The poverty line of the row's year in SQL (the county's figure, else a seed default, else NULL)."""
    stored = (
        select(IncomeThreshold.poverty_line_fen).where(IncomeThreshold.year == year_column).scalar_subquery()
    )
    defaults = {y: t.poverty_line for y, t in DEFAULT_THRESHOLDS.items()}
    return func.coalesce(stored, case(defaults, value=year_column, else_=None))


def check_year(year: int) -> int:
    """A plan year the office can mean: from 2000 (before the roster existed nothing was planned) to next year."""
    last = clock.today().year + 1
    if not isinstance(year, int) or not 2000 <= year <= last:
        raise InputRejected(f"年度“{year}”应在2000年至{last}年之间")
    return year


def set_threshold(
    db: Database,
    actor: Actor,
    year: int,
    poverty_line: int,
    yellow_low: int,
    yellow_high: int,
    *,
    note: str = "",
) -> None:
    actor.require("settings", "设置收入标准")
    check_year(year)
    for name, value in (("贫困线", poverty_line), ("黄卡下限", yellow_low), ("黄卡上限", yellow_high)):
        money.check_fen(value, name, max_fen=limits.INCOME_FEN)
    if not 0 < poverty_line <= yellow_low <= yellow_high:
        raise InputRejected("收入标准应满足：0 < 贫困线 ≤ 黄卡下限 ≤ 黄卡上限")
    with db.write() as s:
        _write_threshold(s, actor, year, (poverty_line, yellow_low, yellow_high), note)


def _write_threshold(
    s: Session, actor: Actor, year: int, figures: tuple[int, int, int], note: str = ""
) -> None:
    """One year's checked figures, written and audited in the caller's transaction."""
    row = s.get(IncomeThreshold, year)
    before = None if row is None else [row.poverty_line_fen, row.yellow_low_fen, row.yellow_high_fen]
    if row is None:
        row = IncomeThreshold(year=year)
        s.add(row)
    row.poverty_line_fen, row.yellow_low_fen, row.yellow_high_fen = figures
    audit.record(
        s,
        actor.username,
        "plan.threshold",
        entity="threshold",
        key=str(year),
        before=before,
        after=list(figures) + ([note] if note else []),
    )


def _check_threshold(year: int, figures: tuple[int, int, int]) -> None:
    """One year's figures, refused naming the year (a table of years is saved whole or not at all)."""
    try:
        check_year(year)
        for name, value in zip(("贫困线", "黄卡下限", "黄卡上限"), figures, strict=True):
            money.check_fen(value, name, max_fen=limits.INCOME_FEN)
    except InputRejected as exc:
        raise InputRejected(f"{year}年：{exc.message}") from None
    poverty_line, yellow_low, yellow_high = figures
    if not 0 < poverty_line <= yellow_low <= yellow_high:
        raise InputRejected(f"{year}年：收入标准应满足：0 < 贫困线 ≤ 黄卡下限 ≤ 黄卡上限")


def set_thresholds(db: Database, actor: Actor, rows: list[tuple[int, int, int, int]]) -> list[int]:
    """The settings table of years at once: every row checked first, then the changed years written in one
    transaction (all or nothing). Returns the years written."""
    actor.require("settings", "设置收入标准")
    seen: set[int] = set()
    for year, *figures in rows:
        if year in seen:
            raise InputRejected(f"{year}年填了两行，请删去一行")
        seen.add(year)
        _check_threshold(year, tuple(figures))  # type: ignore[arg-type]
    written = []
    with db.write() as s:
        shown = _table(s)  # a seed's default shown unchanged stays a default, not the county's own
        for year, *figures in rows:
            if year in shown and list(shown[year].figures()) == figures:
                continue
            _write_threshold(s, actor, year, tuple(figures))  # type: ignore[arg-type]
            written.append(year)
    return written


def adopt_threshold(db: Database, actor: Actor, year: int) -> Threshold:
    """An admin confirms the offered figures (the latest earlier year's) as the year's own."""
    actor.require("settings", "设置收入标准")
    with db.read() as s:
        have = _threshold(s, year)
        if have is not None:
            raise InputRejected(f"{year}年度已有标准（{have.text}），如需修改请直接填写三项数值")
        offer = _proposal(s, year)
    if offer is None:
        raise InputRejected(f"{year}年以前没有可沿用的标准，请填写贫困线、黄卡下限和黄卡上限")
    if not offer.has_band:
        raise InputRejected(
            f"{offer.year}年只有贫困线{yuan(offer.poverty_line)}元，没有黄卡/蓝卡区间，"
            f"请为{year}年填写贫困线、黄卡下限和黄卡上限"
        )
    set_threshold(db, actor, year, *offer.figures(), note=f"沿用{offer.year}年标准")  # type: ignore[arg-type]
    return threshold(db, year)


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
            before = {"net_per_capita": row.net_per_capita_fen, "source": row.source}
        row.wage_fen, row.production_fen, row.property_income_fen = wage, production, property_income
        row.transfer_fen, row.production_cost_fen, row.net_per_capita_fen = transfer, production_cost, net
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

MISSED = "疑似漏评，应纳尽纳"  # seed 000 回头看 四(一)1: “对符合贫困标准的农户要做到应纳尽纳、并及时纳入。看是否有漏评”
RELAPSED = "疑似返贫"  # seed 000: “及时发现解决返贫问题，确保做到“返贫即入””

# What a suggestion is: a colour, or why there is none.
CARD, NO_CARD, SUSPECT, NO_STANDARD, NO_INCOME, PENDING = (
    "card",
    "no_card",
    "suspect",
    "no_standard",
    "no_income",
    "pending",
)


@dataclass(frozen=True)
class Suggestion:
    colour: str | None  # None: no colour is suggested (see `kind`)
    basis: list[str]
    income: int | None
    threshold: Threshold | None
    year: int = 0
    kind: str = CARD
    findings: tuple[str, ...] = ()  # 疑似漏评 / 疑似返贫
    risks: tuple[str, ...] = ()  # risk notes: shown beside the suggestion, never a colour, never public
    proposal: Threshold | None = None  # kind NO_STANDARD: the figures an admin may adopt

    @property
    def text(self) -> str:
        why = "；".join(self.basis)
        if self.kind == CARD:
            return f"建议{COLOUR_NAMES[self.colour]}：{why}"
        if self.kind == NO_CARD:
            return f"不发卡（一般农户）：{why}"
        if self.kind == SUSPECT:
            return f"不定卡色：{why}"
        if self.kind == PENDING:
            return f"待核验：{why}"
        if self.kind == NO_STANDARD:
            return why
        return f"无法建议：{why}"

    @property
    def risk_text(self) -> str:
        return "风险提示：" + "；".join(self.risks) if self.risks else ""


def suggest(
    income: int | None,
    t: Threshold | None,
    *,
    year: int | None = None,
    registered: bool = True,
    exited: bool = True,
    unmet: tuple[str, ...] = (),
    unknown: tuple[str, ...] = (),
    risks: tuple[str, ...] = (),
    proposal: Threshold | None = None,
) -> Suggestion:
    """The card-colour rule of seed 001 三(一), on its own so each boundary can be tested. With the year's line L
    and band [B1, B2] (L ≤ B1 ≤ B2):
    - registered, any 两不愁三保障 condition unmet → 红卡 whatever the income, naming the condition;
    - registered, not yet exited → 红卡 (“红卡（未脱贫户）”);
    - registered and exited, income < L → 红卡, and listed as 疑似返贫;
    - registered and exited, L ≤ income ≤ B2 → 黄卡 (“脱贫不稳定户，家庭人均纯收入4000—5000元”; between L and B1
      it is not yet stable either);
    - registered and exited, income > B2, every 两不愁三保障 condition met → 绿卡 (“稳定脱贫户”); a condition not
      yet checked → no colour until it is;
    - not registered, income < L → no colour: 疑似漏评，应纳尽纳 (seed 000 “应纳尽纳、并及时纳入”);
    - not registered, L ≤ income ≤ B2 → 蓝卡 (“档外边缘户（非贫困户，家庭人均纯收入4000—5000元）”);
    - not registered, income > B2 → no card (一般农户).
    Illness, disability and disaster (`risks`) never change the colour."""
    year = year or (t.year if t else 0)

    def out(
        colour: str | None, basis: list[str], kind: str = CARD, found: tuple[str, ...] = ()
    ) -> Suggestion:
        return Suggestion(colour, basis, income, t, year, kind, found, tuple(risks), proposal)

    failed = [f"{CONDITIONS[c]}未达标" for c in unmet]
    below = income is not None and t is not None and income < t.poverty_line
    if registered and (failed or not exited):  # red whatever the income: no standard needed to say so
        basis = failed + ([] if exited else ["建档立卡户，尚未脱贫（花名册无脱贫年度）"])
        if exited and below:
            basis.append(
                f"已脱贫户人均纯收入{yuan(income)}元，低于{year}年贫困线{yuan(t.poverty_line)}元：{RELAPSED}"
            )
            return out("red", basis, found=(RELAPSED,))
        return out("red", basis)
    if t is None:
        return out(None, [missing_text(year, proposal)], NO_STANDARD)
    if income is None:
        return out(None, [f"缺少{year}年人均纯收入，请先登记收入"], NO_INCOME)
    got = f"人均纯收入{yuan(income)}元"
    if below:
        if registered:
            return out(
                "red",
                [f"已脱贫户{got}，低于{year}年贫困线{yuan(t.poverty_line)}元：{RELAPSED}"],
                found=(RELAPSED,),
            )
        extra = [f"另：{x}（请核实）" for x in failed]
        return out(
            None,
            [f"非建档立卡户，{got}，低于{year}年贫困线{yuan(t.poverty_line)}元：{MISSED}", *extra],
            SUSPECT,
            (MISSED,),
        )
    if not t.has_band:
        return out(None, [f"{year}年度黄卡/蓝卡区间未设置，" + missing_text(year, proposal)], NO_STANDARD)
    if registered:
        return _exited_colour(out, got, income, t, unknown)
    L, _B1, B2 = t.figures()
    extra = [f"另：{x}（请核实）" for x in failed]
    if income <= B2:
        return out("blue", [f"非建档立卡户（档外边缘户），{got}，在{yuan(L)}～{yuan(B2)}元之间", *extra])
    return out(None, [f"非建档立卡户，{got}，高于{yuan(B2)}元", *extra], NO_CARD)


def _exited_colour(out, got: str, income: int, t: Threshold, unknown: tuple[str, ...]) -> Suggestion:
    """A registered, exited household at or above the line: 黄卡 up to the top of the band, 绿卡 above it once
    every 两不愁三保障 condition is met (seed 001: 绿卡 “稳定脱贫户”)."""
    L, B1, B2 = t.figures()
    if income <= B2:
        where = (
            f"不低于贫困线{yuan(L)}元、低于黄卡区间下限{yuan(B1)}元"
            if income < B1
            else f"在黄卡区间{yuan(B1)}～{yuan(B2)}元内"
        )
        return out("yellow", [f"已脱贫户{got}，{where}"])
    if unknown:
        names = "、".join(CONDITIONS[c] for c in unknown)
        return out(None, [f"{names}尚未核验（{got}，高于{yuan(B2)}元；全部达标后建议绿卡）"], PENDING)
    return out("green", [f"已脱贫户{got}，高于{yuan(B2)}元，两不愁三保障全部达标"])


@dataclass(frozen=True)
class _Person:
    attrs: dict
    born: date | None


def _people(session: Session, h: Household) -> list[_Person]:
    return [
        _Person(a or {}, born)
        for a, born in session.execute(
            select(Member.attrs, Member.birth_date).where(
                Member.household_id == h.id, Member.left_at.is_(None)
            )
        )
    ]


def member_attrs(session: Session, h: Household) -> list[dict]:
    return [p.attrs for p in _people(session, h)]


def risk_notes(h: Household, members: list[dict]) -> tuple[str, ...]:
    """Illness, disability, disaster: why a household may slide back (seed 000 防返贫 一1: “重点关注大病重病户、
    老人户、破旧房户”; seed 001: “对因重病重灾致贫返贫的，及时安排力量”). Shown beside the suggestion and citable
    as a reason for an override — never a colour by themselves, never on a public list."""
    out = []

    def count(word: str) -> int:
        return sum(1 for a in members if word in str(a.get("health", "")))

    for word, text in (("大病", "患大病"), ("慢性病", "患长期慢性病"), ("残疾", "残疾")):
        n = count(word)
        if n:
            out.append(f"{n}人{text}")
    causes = {h.main_cause or ""} | {
        c.strip() for c in str((h.attrs or {}).get("other_cause") or "").split(",")
    }
    for cause in ("因病", "因残", "因灾"):
        if cause in causes:
            out.append(f"致贫原因{cause}")
    return tuple(out)


def risks(h: Household, members: list[dict]) -> tuple[str, ...]:
    """Kept for callers of the old name: the risk notes."""
    return risk_notes(h, members)


def _income_row(session: Session, h: Household, year: int) -> IncomeYear | None:
    return session.scalar(select(IncomeYear).where(IncomeYear.household_id == h.id, IncomeYear.year == year))


@dataclass(frozen=True)
class _Assessment:
    suggestion: Suggestion
    conditions: list[Condition]
    income: IncomeYear | None


def _assess(
    session: Session, h: Household, year: int, table: dict[int, Threshold] | None = None
) -> _Assessment:
    """Suggestion and exit conditions from one reading of the household's income, checks and members
    (`table`: the standards, read once by callers that assess many households)."""
    table = table if table is not None else _table(session)
    income = _income_row(session, h, year)
    people = _people(session, h)
    conditions = _conditions(session, h, year, table, income, people)
    basic = {c.key: c.met for c in conditions if c.key in BASIC_NEEDS}
    members = [p.attrs for p in people]
    sug = _suggestion(h, year, table, income.net_per_capita_fen if income else None, basic, members)
    return _Assessment(sug, conditions, income)


def _suggestion(
    h: Household,
    year: int,
    table: dict[int, Threshold],
    income: int | None,
    basic: dict[str, bool | None],
    members: list[dict],
) -> Suggestion:
    """The suggestion from what was read of the household: its income of the year, its 两不愁三保障 conditions
    (`basic`, key → met) and its members' roster fields."""
    t = table.get(year)
    registered, exited = registration(h)
    return suggest(
        income,
        t,
        year=year,
        registered=registered,
        exited=exited,
        unmet=tuple(k for k in BASIC_NEEDS if basic.get(k) is False),
        unknown=tuple(k for k in BASIC_NEEDS if basic.get(k) is None),
        risks=risk_notes(h, members),
        proposal=_proposal(None, year, table) if t is None or not t.has_band else None,
    )


def _basic_needs(checks: dict[str, bool | None], attrs: dict, members: list[dict]) -> dict[str, bool | None]:
    """Key → met of the 两不愁三保障 conditions, as _conditions judges them: the on-the-spot check (`checks`,
    condition → met) first, else the roster."""
    return {k: checks[k] if k in checks else _from_roster(k, attrs, members)[0] for k in BASIC_NEEDS}


# The member fields risk_notes and _from_roster read (a test holds the list to what they read).
MEMBER_FIELDS_READ = ("health", "schooling", "dropout_reason", "medical_insurance")


def _suggest_many(session: Session, households: list, year: int, scope) -> list[Suggestion]:
    """_suggest_for of each household, read with a handful of queries for all of them instead of several per
    household (帮扶计划 lists a county's 50,000 households: one by one they took minutes). `households` are
    Household objects or rows with the same fields (id, attrs, household_kind, poverty_type, main_cause);
    `scope` is the condition on Household that chose them."""
    table = _table(session)
    chosen = select(Household.id).where(scope)
    incomes: dict[int, int | None] = dict(
        session.connection()
        .execute(
            select(IncomeYear.household_id, IncomeYear.net_per_capita_fen).where(
                IncomeYear.year == year, IncomeYear.household_id.in_(chosen)
            )
        )
        .all()
    )
    checks: dict[int, dict[str, bool | None]] = {}
    for hid, condition, met in session.connection().execute(
        select(NeedsCheck.household_id, NeedsCheck.condition, NeedsCheck.met).where(
            NeedsCheck.year == year, NeedsCheck.household_id.in_(chosen)
        )
    ):
        checks.setdefault(hid, {})[condition] = met
    # only the member fields the suggestion reads (risk_notes, _from_roster), extracted by the database: decoding
    # every member's whole attrs JSON (171,000 at county scale) was most of 帮扶计划's wait
    keys = MEMBER_FIELDS_READ
    members: dict[int, list[dict]] = {}
    for hid, *values in session.connection().execute(
        select(Member.household_id, *(Member.attrs[k].as_string() for k in keys)).where(
            Member.household_id.in_(chosen), Member.left_at.is_(None)
        )
    ):
        members.setdefault(hid, []).append({k: v for k, v in zip(keys, values, strict=True) if v is not None})
    out = []
    for h in households:
        people = members.get(h.id, [])
        basic = _basic_needs(checks.get(h.id, {}), h.attrs or {}, people)
        out.append(_suggestion(h, year, table, incomes.get(h.id), basic, people))
    return out


def _suggest_for(
    session: Session, h: Household, year: int, table: dict[int, Threshold] | None = None
) -> Suggestion:
    return _assess(session, h, year, table).suggestion


def suggestion(db: Database, actor: Actor, code: str, year: int) -> Suggestion:
    with db.read() as s:
        return _suggest_for(s, household_for(s, actor, code), year)


@dataclass(frozen=True)
class ColourDecision:
    year: int
    colour: str
    suggested: str  # "" when nothing was suggested (the colour was then the clerk's, with a reason)
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
    """Confirm the suggested colour, or set another one with a reason (a risk note may be that reason). Kept in
    the history either way. Without the year's standard nothing is confirmed: it is not guessed."""
    actor.require("household.edit", "确定卡色")
    with db.write() as s:
        h = household_for(s, actor, code)
        sug = _suggest_for(s, h, year)
        if sug.kind == NO_STANDARD:
            raise InputRejected(sug.text)
        chosen = parse_colour(colour) if colour else sug.colour
        if chosen is None:
            raise InputRejected(f"系统不建议卡色（{sug.text}）；如确需定色，请选择卡色并填写理由")
        if chosen != sug.colour and not reason.strip():
            raise InputRejected(
                f"所选{COLOUR_NAMES[chosen]}与系统建议的"
                f"{COLOUR_NAMES[sug.colour] if sug.colour else '不定卡色'}不同，请填写调整理由"
            )
        row = CardColour(
            household_id=h.id,
            year=year,
            colour=chosen,
            suggested=sug.colour or "",
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
            after={"year": year, "colour": chosen, "suggested": sug.colour or "", "reason": row.reason},
        )
        return ColourDecision(
            year, chosen, sug.colour or "", row.basis, row.reason, actor.username, row.decided_at
        )


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


def monitored(year: int):
    """Households on the year's 防返贫监测 lists, as a condition on Household: a CONFIRMED 黄卡 or 蓝卡 of the year
    (seed 001 三(一): “对黄卡户和蓝卡户，全面开展“回头帮”，加强贫困监测”), or a 户类型 that is a monitoring type.
    Nobody is listed for health: illness is a risk note, never a colour."""
    newest = select(func.max(CardColour.id)).where(CardColour.year == year).group_by(CardColour.household_id)
    confirmed = select(CardColour.household_id).where(
        CardColour.id.in_(newest), CardColour.colour.in_(("yellow", "blue"))
    )
    return Household.id.in_(confirmed) | Household.household_kind.in_(MONITORED_KINDS)


def listed_because(kind: str, colour: str | None) -> str:
    """Why a household is on a monitoring list, as the internal ledger says it."""
    parts = []
    if colour in ("yellow", "blue"):
        parts.append(f"确定为{COLOUR_NAMES[colour]}")
    if kind in MONITORED_KINDS:
        parts.append(kind)
    return "、".join(parts)


@dataclass(frozen=True)
class Disagreement:
    code: str
    head: str
    village: str
    colour: str | None  # None: no colour confirmed yet
    suggested: str | None  # None: no colour suggested (no card, 疑似漏评, not yet checked)
    basis: str


def disagreements(db: Database, actor: Actor, year: int, *, village: str | None = None) -> list[Disagreement]:
    """Households whose confirmed colour differs from what their data now suggest (or with no colour yet), and
    registered households that cannot have one until a condition is checked or the income recorded."""
    with db.read() as s:
        scope = village_scope(s, actor, village)
        # plain rows with the fields the rules read, not ORM objects: 50,000 of those (and their state) were
        # most of the time and, held at once, made every full garbage collection of the process long
        q = (
            select(
                Household.id,
                Household.code,
                Household.head_name,
                Household.village_id,
                Household.household_kind,
                Household.poverty_type,
                Household.main_cause,
                Household.attrs,
            )
            .where(scope)
            .order_by(Household.village_id, Household.code)
        )
        current = current_colours(s, year)
        names = {v.id: v.name for v in s.scalars(select(Village))}
        found = s.connection().execute(q).all()  # Core rows: no ORM loading per row
        out = []
        for h, sug in zip(found, _suggest_many(s, found, year, scope), strict=True):
            have = current.get(h.id)
            waiting = have is None and (sug.kind == PENDING or (sug.kind == NO_INCOME and registration(h)[0]))
            if have != sug.colour or waiting:
                out.append(Disagreement(h.code, h.head_name, names[h.village_id], have, sug.colour, sug.text))
        return out


@dataclass(frozen=True)
class Suspect:
    code: str
    head: str
    village: str
    finding: str  # 疑似漏评，应纳尽纳 | 疑似返贫
    income: int
    poverty_line: int
    household_kind: str
    poverty_type: str
    colour: str | None  # the confirmed colour of the year, if any


def suspects(db: Database, actor: Actor, year: int, *, village: str | None = None) -> list[Suspect]:
    """疑似漏评 (not registered, income below the year's line) and 疑似返贫 (exited, income below the line)."""
    with db.read() as s:
        t = _threshold(s, year)
        if t is None:
            raise InputRejected(missing_text(year, _proposal(s, year)))
        current = current_colours(s, year)
        names = {v.id: v.name for v in s.scalars(select(Village))}
        q = (
            select(Household, IncomeYear.net_per_capita_fen)
            .join(IncomeYear, (IncomeYear.household_id == Household.id) & (IncomeYear.year == year))
            .where(IncomeYear.net_per_capita_fen < t.poverty_line, village_scope(s, actor, village))
            .order_by(Household.village_id, Household.code)
        )
        out = []
        for h, income in s.execute(q).all():
            registered, exited = registration(h)
            finding = MISSED if not registered else RELAPSED if exited else None
            if finding:
                out.append(
                    Suspect(
                        h.code,
                        h.head_name,
                        names[h.village_id],
                        finding,
                        income,
                        t.poverty_line,
                        h.household_kind,
                        h.poverty_type,
                        current.get(h.id),
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
    risk_event: int | None = None  # the 防返贫监测 risk event it addresses

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
    risk_event: int | None = None,
) -> int:
    """A measure of the household's plan; `risk_event` names the 防返贫监测 risk event it addresses."""
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
        if risk_event is not None:
            event = s.get(RiskEvent, risk_event)
            if event is None or event.household_id != h.id:
                raise InputRejected(f"风险事件{risk_event}不是户{h.code}的风险事件")
            if event.voided_at is not None:
                raise InputRejected(f"风险事件{risk_event}已作废，措施不能针对它")
        m = Measure(
            household_id=h.id,
            risk_event_id=risk_event,
            year=year,
            kind=kind,
            description=description.strip(),
            amount_fen=amount,
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
            after={
                "id": m.id,
                "year": year,
                "kind": kind,
                "description": m.description,
                "amount": amount,
                "risk_event": risk_event,
            },
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
            m.amount_fen,
            m.cadre,
            m.cadre_phone,
            m.planned_on,
            m.done_on,
            m.status,
            m.risk_event_id,
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
    post: str = ""  # the registry cadre's post that day; "" for a visitor written as text
    cadre_id: int | None = None


def cadre_on(session: Session, cadre_id: int, on: date) -> Cadre:
    """A registry cadre in post on a day, or a refusal naming why not."""
    c = session.get(Cadre, cadre_id)
    if c is None:
        raise NotFound(f"帮扶干部编号{cadre_id}不存在")
    if c.active_from is not None and on < c.active_from:
        raise InputRejected(f"{c.name}自{clock.cn_date(c.active_from)}起任职，{clock.cn_date(on)}尚未在岗")
    if c.active_to is not None and on > c.active_to:
        raise InputRejected(f"{c.name}已于{clock.cn_date(c.active_to)}离任，{clock.cn_date(on)}不在岗")
    return c


def add_visit(
    db: Database,
    actor: Actor,
    code: str,
    visited_on: date,
    visitor: str = "",
    *,
    cadre_id: int | None = None,
    findings: str = "",
    problems: str = "",
    follow_up: str = "",
    photos: list[tuple[str, bytes]] = (),
) -> int:
    """A visit by a registry cadre (cadre_id: their name and post are written on the visit too, so the prints
    read as before) or, for a visitor not in the registry, by a name written as text."""
    actor.require("household.edit", "登记走访")
    if cadre_id is None and not visitor.strip():
        raise InputRejected("请填写走访人（或选择走访干部）")
    if not date(2000, 1, 1) <= visited_on <= clock.today():
        raise InputRejected(f"走访日期{clock.cn_date(visited_on)}不合理：应在2000年至今天之间")
    checked = [check_file(n, d) for n, d in photos]
    with db.write() as s:
        h = household_for(s, actor, code)
        post = ""
        if cadre_id is not None:
            cadre = cadre_on(s, cadre_id, visited_on)
            visitor, post = cadre.name, cadre.post
        v = Visit(
            household_id=h.id,
            visited_on=visited_on,
            visitor=visitor.strip(),
            cadre_id=cadre_id,
            visitor_post=post,
            findings=findings.strip(),
            problems=problems.strip(),
            follow_up=follow_up.strip(),
            recorded_by=actor.username,
        )
        s.add(v)
        s.flush()
        for f in checked:
            add_attachment(s, None, f, actor, visit_id=v.id)
        audit.record(
            s,
            actor.username,
            "plan.visit",
            entity="household",
            key=h.code,
            after={
                "id": v.id,
                "on": visited_on,
                "visitor": v.visitor,
                "cadre": cadre_id,
                "post": post,
                "photos": len(checked),
            },
        )
        return v.id


def _visits(session: Session, h: Household) -> list[VisitInfo]:

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
        VisitInfo(
            v.id,
            v.visited_on,
            v.visitor,
            v.findings,
            v.problems,
            v.follow_up,
            photos.get(v.id, []),
            v.visitor_post,
            v.cadre_id,
        )
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
    """Record one condition of 两不愁三保障 / 户脱贫「123」 as checked on the spot (replaces that year's earlier
    check of it)."""
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
    met: bool | None  # None: unknown — nothing to judge by; unknown is not met
    source: str
    detail: str


def _income_condition(
    session: Session, h: Household, year: int, table: dict[int, Threshold], row: IncomeYear | None
) -> Condition:
    """Seed 000 户脱贫「123」: “年人均纯收入是否稳定超过国家扶贫标准” — strictly above (超过) the year's line, and
    above the previous year's own line too where that year's income is recorded (稳定)."""
    key, name = "income", INCOME_CONDITION
    t = table.get(year)

    def origin(r: IncomeYear) -> str:
        return f"{r.year}年收入（{'花名册' if r.source == 'roster' else '收入核算'}）"

    if row is None or row.net_per_capita_fen is None:
        return Condition(key, name, None, "无", f"缺少{year}年收入")
    income = row.net_per_capita_fen
    if t is None:
        return Condition(key, name, None, origin(row), f"{yuan(income)}元；{year}年度标准未设置")
    if income <= t.poverty_line:
        return Condition(
            key, name, False, origin(row), f"{yuan(income)}元，未超过{year}年贫困线{yuan(t.poverty_line)}元"
        )
    now = f"{year}年{yuan(income)}元超过贫困线{yuan(t.poverty_line)}元"
    before = _income_row(session, h, year - 1)
    if before is None or before.net_per_capita_fen is None:
        return Condition(key, name, True, origin(row), f"{now}（{year - 1}年未登记收入）")
    sources = f"{origin(row)}、{origin(before)}"
    t0 = table.get(year - 1)
    if t0 is None:
        return Condition(
            key,
            name,
            None,
            sources,
            f"{now}；{year - 1}年{yuan(before.net_per_capita_fen)}元，但{year - 1}年度标准未设置，无法判断是否稳定",
        )
    if before.net_per_capita_fen <= t0.poverty_line:
        return Condition(
            key,
            name,
            False,
            sources,
            f"{now}，但{year - 1}年{yuan(before.net_per_capita_fen)}元未超过当年贫困线{yuan(t0.poverty_line)}元，"
            "收入尚不稳定",
        )
    return Condition(
        key, name, True, sources, f"{now}；{year - 1}年{yuan(before.net_per_capita_fen)}元亦超过当年贫困线"
    )


def _industry_condition(session: Session, h: Household, year: int) -> Condition:
    """Seed 000: “有产业增收措施” — a measure of the year of kind 产业 or 就业/公益岗位 that was not cancelled."""
    found = list(
        session.scalars(
            select(Measure).where(
                Measure.household_id == h.id,
                Measure.year == year,
                Measure.kind.in_(INDUSTRY_KINDS),
                Measure.status != "dropped",
            )
        )
    )
    source = f"帮扶措施（{year}年）"
    if not found:
        return Condition("industry", INDUSTRY_CONDITION, False, source, "本年没有产业或就业帮扶措施")
    return Condition(
        "industry",
        INDUSTRY_CONDITION,
        True,
        source,
        "；".join(f"{m.kind}：{m.description}（{MEASURE_STATUS.get(m.status, m.status)}）" for m in found),
    )


def _employment_from_roster(people: list[_Person], on: date) -> tuple[bool | None, str]:
    """Seed 000: “贫困户家中符合就业条件的是否就业” — members of working age with 普通/技能劳动力 who are not at
    school; the roster's 务工状况/务工时间 says whether they work. Not recorded is unknown, never met."""
    low, high = WORKING_AGE
    fit = []
    for p in people:
        age = age_on(p.born, on)
        if age is None or not low <= age <= high:
            continue
        if p.attrs.get("labour") not in FULL_LABOUR or p.attrs.get("schooling"):
            continue
        fit.append(p)
    if not fit:
        return True, "无符合就业条件的成员"
    working = [p for p in fit if p.attrs.get("work_place") or int(p.attrs.get("work_months") or 0) > 0]
    if len(working) == len(fit):
        return True, f"符合就业条件的{len(fit)}人均已务工"
    return None, f"符合就业条件的{len(fit)}人中{len(fit) - len(working)}人花名册未登记务工，需入户核验"


def _conditions(
    session: Session,
    h: Household,
    year: int,
    table: dict[int, Threshold],
    income_row: IncomeYear | None,
    people: list[_Person],
) -> list[Condition]:
    """户脱贫「123」 condition by condition, each from the best source there is: the on-the-spot check first, then
    the roster and the plan's own records. Unknown (None) is not met."""
    checks = {
        c.condition: c
        for c in session.scalars(
            select(NeedsCheck).where(NeedsCheck.household_id == h.id, NeedsCheck.year == year)
        )
    }
    attrs = h.attrs or {}
    members = [p.attrs for p in people]
    out = [_income_condition(session, h, year, table, income_row)]
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
        elif key == "employment":
            met, detail = _employment_from_roster(people, date(year, 12, 31))
            out.append(Condition(key, name, met, "花名册" if met is not None else "未核验", detail))
        else:
            met, detail = _from_roster(key, attrs, members)
            out.append(Condition(key, name, met, "花名册" if met is not None else "未核验", detail))
        if key == "broadcast_tv":
            out.append(_industry_condition(session, h, year))  # seed 000's order: …有广播电视，有产业增收措施
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
        # a JSON null is not filled in (as the bulk list, which reads the field from the database, sees it)
        flags = ["" if (v := (m or {}).get("medical_insurance")) is None else str(v) for m in members]
        if not any(flags):
            return None, "花名册未填医保"
        missing = sum(1 for f in flags if f == "否")
        return (False, f"{missing}人未参加基本医疗保险") if missing else (True, "全员参加基本医疗保险")
    return None, "需入户核验"


def exit_check(db: Database, actor: Actor, code: str, year: int) -> list[Condition]:
    """户脱贫「123」 in full (seed 000 回头看 四(一)2), each condition met / unmet / unknown with its source."""
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
    # the household's risk events (防返贫监测), not voided: (id, "2026年10月1日 因病"), newest first
    risk_events: list[tuple[int, str]] = field(default_factory=list)

    @property
    def exit_ready(self) -> bool:
        return all(c.met is True for c in self.conditions)

    @property
    def findings(self) -> tuple[str, ...]:
        return self.suggestion.findings

    @property
    def risks(self) -> tuple[str, ...]:
        return self.suggestion.risks


def helper_of(session: Session, h: Household, on: date) -> tuple[str, str, str]:
    """(name, phone, where from) of a household's helper on a day: the registry's cadre paired with it then (the
    open one, then the newest, when there are several), else the roster's 帮扶责任人 until the pairing is imported."""
    paired = session.execute(
        select(Cadre.name, Cadre.phone)
        .join(Pairing, Pairing.cadre_id == Cadre.id)
        .where(
            Pairing.household_id == h.id,
            Pairing.started_on <= on,
            (Pairing.ended_on.is_(None)) | (Pairing.ended_on >= on),
        )
        # an open pairing before one that ends that day, then the newest
        .order_by(Pairing.ended_on.is_not(None), Pairing.started_on.desc(), Pairing.id.desc())
        .limit(1)
    ).first()
    if paired is not None:
        return paired[0], paired[1], "结对"
    attrs = h.attrs or {}
    name = str(attrs.get("helper", "")).strip()
    return name, str(attrs.get("helper_phone", "")).strip() if name else "", "花名册" if name else ""


def helpers_on(session: Session, household_ids: list[int], on: date) -> dict[int, tuple[str, str]]:
    """helper_of for many households in one query: household id → (name, phone) of its paired cadre on `on`
    (households with none are left out; the caller falls back to the roster)."""
    out: dict[int, tuple[str, str]] = {}
    for i in range(0, len(household_ids), 500):
        rows = session.execute(
            select(Pairing.household_id, Cadre.name, Cadre.phone)
            .join(Cadre, Cadre.id == Pairing.cadre_id)
            .where(
                Pairing.household_id.in_(household_ids[i : i + 500]),
                Pairing.started_on <= on,
                (Pairing.ended_on.is_(None)) | (Pairing.ended_on >= on),
            )
            # the last row of a household wins: an open pairing over one ending that day, then the newest
            .order_by(Pairing.ended_on.is_(None), Pairing.started_on, Pairing.id)
        )
        for hid, name, phone in rows:
            out[hid] = (name, phone)
    return out


def plan(db: Database, actor: Actor, code: str, year: int) -> PlanView:
    with db.read() as s:
        h = household_for(s, actor, code)
        assessed = _assess(s, h, year)
        if assessed.income is not None:
            s.expunge(assessed.income)
        history = _history(s, h)
        helper, helper_phone, _ = helper_of(s, h, min(clock.today(), date(year, 12, 31)))
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
            helper=helper,
            helper_phone=helper_phone,
            risk_events=[
                (e.id, f"{clock.cn_date(e.occurred_on)} {e.kind}")
                for e in s.scalars(
                    select(RiskEvent)
                    .where(RiskEvent.household_id == h.id, RiskEvent.voided_at.is_(None))
                    .order_by(RiskEvent.occurred_on.desc(), RiskEvent.id.desc())
                )
            ],
        )


@dataclass(frozen=True)
class VillageOverview:
    village: str
    households: int
    colours: dict[str, int]  # colour → households; "" for none yet
    complete: dict[str, int]  # copy key → households whose copy is complete
    visits: int


def overview(db: Database, actor: Actor, year: int) -> list[VillageOverview]:
    """Per village: card colours of the year and how many households' archive copies are complete (from the
    archives' kept counts: no item states are built)."""
    blank = {k: 0 for k in (*COLOUR_NAMES, "")}
    with db.read() as s:
        scope = village_scope(s, actor, None)
        _copies, complete = archives.complete_by_village(s, scope)
        # counted in SQL: households per village, then those with a colour of the year (newest decision) per
        # village and colour — no row per household crosses into Python (issue 21: ≤ 0.2 s at 50,000)
        colours: dict[int, dict[str, int]] = {}
        for vid, n in s.execute(
            select(Household.village_id, func.count()).where(scope).group_by(Household.village_id)
        ):
            colours[vid] = dict(blank, **{"": n})
        newest = (
            select(func.max(CardColour.id))
            .where(CardColour.year == year)
            .group_by(CardColour.household_id)
            .scalar_subquery()
        )
        for vid, colour, n in s.execute(
            select(Household.village_id, CardColour.colour, func.count())
            .join(Household, Household.id == CardColour.household_id)
            .where(CardColour.id.in_(newest), scope)
            .group_by(Household.village_id, CardColour.colour)
        ):
            colours[vid][colour] += n
            colours[vid][""] -= n
        visit_counts = dict(
            s.execute(
                select(Household.village_id, func.count(Visit.id))
                .join(Visit, Visit.household_id == Household.id)
                .where(Visit.visited_on >= date(year, 1, 1), Visit.visited_on <= date(year, 12, 31))
                .group_by(Household.village_id)
            ).all()
        )
    out = []
    for v in villages(db, actor):
        n, done = complete.get(v.id, (0, {}))
        out.append(
            VillageOverview(
                v.name, n, colours.get(v.id, dict(blank)), dict(done) if n else {}, visit_counts.get(v.id, 0)
            )
        )
    return out
