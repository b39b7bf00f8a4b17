"""The audit's rule registry: each rule has a stable code, a Chinese name, a severity, the fields it reads, why
it matters and how to fix it, and one query over all households (filtered further by one vectorised pass where
SQL cannot say it portably). A county switches rules off or changes their thresholds in settings."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    Select,
    Table,
    Text,
    and_,
    func,
    inspect,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from desktop.models import (
    Household,
    IncomeYear,
    Loan,
    Measure,
    Member,
    PostHolding,
    PublicPost,
    Township,
    Village,
)
from desktop.services.cadres import cadres
from desktop.services.plans import plans
from desktop.services.posts import posts

NO_LABOUR = ("无劳动力", "弱劳动力或半劳动力", "丧失劳动力")
FULL_LABOUR = ("普通劳动力", "技能劳动力")


@dataclass(frozen=True)
class Scope:
    today: date
    village_ids: frozenset[int] | None  # None: every village
    params: dict[str, Any]
    layout: str

    def years_ago(self, years: int) -> date:
        try:
            return self.today.replace(year=self.today.year - years)
        except ValueError:  # 29 February
            return self.today.replace(year=self.today.year - years, day=28)


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str  # the category a county's checklist uses
    name: str
    severity: str  # 疑点 (probably wrong) | 提示 (worth a look)
    fields: tuple[str, ...]  # roster field keys it reads
    why: str
    fix: str
    query: Callable[[Scope], Select]
    # rows → (row, message) for the rows that really are findings; None means every row is one.
    check: Callable[[Scope, list], Iterable[tuple[Any, str]]] | None = None
    params: dict[str, Any] = field(default_factory=dict)


# --- the members as the rules read them --------------------------------------------------------------------
# A run copies the members it looks at into a temporary table once, with the roster attributes the rules read
# taken out of the attrs JSON there (coalesced to "" — work_months to 0 — as the rules always read them). The
# rules then read plain columns: extracting JSON per rule per member was four fifths of a county run (22 rules ×
# 171,000 members; SQLite before 3.45 parses the JSON again for every extraction).
TEXT_ATTRS = (
    "health",
    "schooling",
    "labour",
    "education",
    "work_place",
    "member_phone",
    "medical_insurance",
    "serious_illness_insurance",
    "employee_medical",
    "pension_insurance",
    "dibao",
    "employee_pension",
    "tekun",
    "id_type",
)
MEMBER_COLUMNS = (
    "id",
    "household_id",
    "code",
    "name",
    "relation",
    "sex",
    "birth_date",
    "left_at",
    "id_number",
)
AUDIT_MEMBERS = Table(
    "audit_member",
    MetaData(),
    *[
        Column(c, Member.__table__.c[c].type, primary_key=c == "id", index=c == "household_id")
        for c in MEMBER_COLUMNS
    ],
    *[Column(k, Text) for k in TEXT_ATTRS],
    Column("work_months", Integer),
    prefixes=["TEMPORARY"],
)
# What the rules call a member: the run's table, mapped as Member (aliased(M) for a second member in a query).
M = aliased(Member, AUDIT_MEMBERS, adapt_on_names=True)


def copy_members(connection: Connection, village_ids: frozenset[int] | None) -> None:
    """Fill the run's table (in the run's transaction; drop_members at its end)."""
    AUDIT_MEMBERS.drop(connection, checkfirst=True)
    AUDIT_MEMBERS.create(connection)
    query = select(
        *[Member.__table__.c[c] for c in MEMBER_COLUMNS],
        *[func.coalesce(Member.attrs[k].as_string(), "") for k in TEXT_ATTRS],
        func.coalesce(Member.attrs["work_months"].as_integer(), 0),
    )
    if village_ids is not None:  # the villages' members, and their post holders wherever they live now
        chosen = select(Household.id).where(Household.village_id.in_(village_ids))
        holders = select(PostHolding.member_id).where(PostHolding.household_id.in_(chosen))
        query = query.where(or_(Member.household_id.in_(chosen), Member.id.in_(holders)))
    connection.execute(AUDIT_MEMBERS.insert().from_select([c.name for c in AUDIT_MEMBERS.c], query))


def drop_members(connection: Connection) -> None:
    AUDIT_MEMBERS.drop(connection)


def attr_of(member, key: str):
    """A roster attribute of a member in a rule's query (M or an aliased(M))."""
    return inspect(member).selectable.c[key]


def attr(key: str):
    return attr_of(M, key)


def _members(scope: Scope, *columns) -> Select:
    """Active members with their household and village; the first four columns are always the same."""
    query = (
        select(Household.code, M.code, M.name, Township.name + Village.name, *columns)
        .join(Household, M.household_id == Household.id)
        .join(Village, Household.village_id == Village.id)
        .join(Township)
        .where(M.left_at.is_(None))
    )
    if scope.village_ids is not None:
        query = query.where(Household.village_id.in_(scope.village_ids))
    return query


def age_of(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# --- the rules -----------------------------------------------------------------------------------------


def _idle_working_age(s: Scope) -> Select:
    p = s.params
    return _members(s, M.birth_date, attr("health"), attr("schooling"), attr("labour")).where(
        M.birth_date <= s.years_ago(p["min_age"]),
        M.birth_date > s.years_ago(p["max_age"] + 1),
        attr("health") == "健康",
        attr("schooling") == "",
        attr("labour").in_(NO_LABOUR),
    )


def _idle_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        yield r, f"{age_of(r[4], s.today)}岁、健康、不在校，却登记为“{r[7]}”"


def _elderly_full_time(s: Scope) -> Select:
    p = s.params
    months = attr("work_months")
    return _members(s, M.birth_date, attr("labour"), months).where(
        M.birth_date <= s.years_ago(p["min_age"]), attr("labour").in_(FULL_LABOUR), months >= p["months"]
    )


def _elderly_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        yield r, f"{age_of(r[4], s.today)}岁，却登记为“{r[5]}”且务工{r[6]}个月"


def _education_and_schooling(s: Scope) -> Select:
    return _members(s, M.birth_date, attr("education"), attr("schooling")).where(
        or_(
            and_(attr("education") != "", attr("schooling") != ""),
            and_(attr("education") == "", attr("schooling") == ""),
        )
    )


def _education_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        if r[5] and r[6]:
            yield r, f"文化程度“{r[5]}”与在校生状况“{r[6]}”同时填写（在校生只填在校生状况）"
        else:
            yield r, "文化程度和在校生状况都没有填写（二者必填其一）"


def _work_place_months(s: Scope) -> Select:
    months = attr("work_months")
    return _members(s, attr("work_place"), months).where(
        or_(and_(attr("work_place") != "", months == 0), and_(attr("work_place") == "", months > 0))
    )


def _work_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        if r[4]:
            yield r, f"务工地点为“{r[4]}”，务工时间却为0个月"
        else:
            yield r, f"务工时间{r[5]}个月，却没有填写务工地点"


def _phones(s: Scope) -> Select:
    """Household phones (reported on the head) and, in the 2021 layout, each member's own phone."""
    return _members(s, Household.phone, attr("member_phone"), M.relation).where(
        or_(and_(M.relation == "户主", Household.phone != ""), attr("member_phone") != "")
    )


PHONE = re.compile(r"1\d{10}")


def _phone_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        for label, value in (("联系电话", r[4] if r[6] == "户主" else ""), ("成员联系电话", r[5])):
            if value and not PHONE.fullmatch(value):
                digits = len(re.sub(r"\D", "", value))
                yield r, f"{label}“{value}”不是11位手机号（{digits}位）"
                break


def _spouse_same_sex(s: Scope) -> Select:
    spouse = aliased(M)
    return (
        _members(s, M.sex, spouse.name, spouse.sex)
        .join(
            spouse,
            and_(
                spouse.household_id == M.household_id,
                spouse.relation == "配偶",
                spouse.left_at.is_(None),
            ),
        )
        .where(M.relation == "户主", M.sex == spouse.sex)
    )


def _spouse_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        yield r, f"户主与配偶（{r[5]}）性别相同（均为{r[4]}）"


def _several_spouses(s: Scope) -> Select:
    counts = (
        select(M.household_id, func.count().label("n"))
        .where(M.relation == "配偶", M.left_at.is_(None))
        .group_by(M.household_id)
        .having(func.count() > 1)
        .subquery()
    )
    return (
        _members(s, counts.c.n)
        .join(counts, counts.c.household_id == M.household_id)
        .where(M.relation == "户主")
    )


def _several_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        yield r, f"本户登记了{r[4]}个配偶"


SCHOOL_AGES = (
    ("学龄前儿童", 0, 7),
    ("学前教育", 2, 7),
    ("小学", 5, 15),
    ("七年级", 10, 17),
    ("八年级", 11, 18),
    ("九年级", 12, 19),
    ("普通高中", 14, 21),
    ("中职", 14, 22),
    ("高职高专", 16, 25),
    ("技师学院", 15, 25),
    ("本科", 16, 30),
    ("硕士研究生", 20, 45),
)


def _schooling_age(s: Scope) -> Select:
    return _members(s, M.birth_date, attr("schooling")).where(
        attr("schooling") != "", M.birth_date.is_not(None)
    )


def _schooling_check(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        age = age_of(r[4], s.today)
        for prefix, low, high in SCHOOL_AGES:
            if r[5].startswith(prefix):
                if age is not None and not low <= age <= high:
                    yield r, f"{age}岁，在校生状况却为“{r[5]}”（通常{low}～{high}岁）"
                break


def _insurance(s: Scope) -> Select:
    return _members(
        s, attr("medical_insurance"), attr("serious_illness_insurance"), attr("employee_medical")
    ).where(
        or_(
            and_(attr("serious_illness_insurance") == "是", attr("medical_insurance") == "否"),
            and_(attr("employee_medical") == "是", attr("medical_insurance") == "是"),
        )
    )


def _insurance_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        if r[5] == "是" and r[4] == "否":
            yield r, "参加了大病保险，却登记为未参加城乡居民基本医疗保险（大病保险随基本医保参加）"
        else:
            yield r, "同时登记参加城镇职工基本医疗保险和城乡居民基本医疗保险（重复参保）"


YES_NO_FIELDS = {
    "legacy": ("medical_insurance", "serious_illness_insurance", "pension_insurance", "dibao"),
    "2021": (
        "medical_insurance",
        "serious_illness_insurance",
        "pension_insurance",
        "dibao",
        "employee_pension",
        "employee_medical",
        "tekun",
    ),
}
FIELD_LABELS = {
    "medical_insurance": "是否参加城乡居民基本医疗保险",
    "serious_illness_insurance": "是否参加大病保险",
    "pension_insurance": "是否参加城乡居民基本养老保险",
    "dibao": "是否享受低保",
    "employee_pension": "是否参加城镇职工基本养老保险",
    "employee_medical": "是否参加城镇职工基本医疗保险",
    "tekun": "是否特困供养人员",
}


def _yes_no(s: Scope) -> Select:
    keys = YES_NO_FIELDS.get(s.layout, YES_NO_FIELDS["legacy"])
    return _members(s, *[attr(k) for k in keys]).where(or_(*[attr(k) == "" for k in keys]))


def _yes_no_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    keys = YES_NO_FIELDS.get(s.layout, YES_NO_FIELDS["legacy"])
    for r in rows:
        empty = [FIELD_LABELS[k] for k, v in zip(keys, r[4:], strict=True) if not v]
        yield r, f"必填的是否项为空：{'、'.join(empty)}"


def _young_head(s: Scope) -> Select:
    return _members(s, M.birth_date).where(
        M.relation == "户主", M.birth_date > s.years_ago(s.params["min_age"])
    )


def _young_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        yield r, f"户主只有{age_of(r[4], s.today)}岁"


def _income_sum(s: Scope) -> Select:
    net = (
        func.coalesce(IncomeYear.wage_fen, 0)
        + func.coalesce(IncomeYear.production_fen, 0)
        + func.coalesce(IncomeYear.property_income_fen, 0)
        + func.coalesce(IncomeYear.transfer_fen, 0)
        - func.coalesce(IncomeYear.production_cost_fen, 0)
    )
    return (
        _members(s, IncomeYear.year, net, Household.size, IncomeYear.net_per_capita_fen)
        .join(IncomeYear, IncomeYear.household_id == Household.id)
        .where(
            M.relation == "户主",
            IncomeYear.net_per_capita_fen.is_not(None),
            Household.size > 0,
            or_(
                IncomeYear.wage_fen.is_not(None),
                IncomeYear.production_fen.is_not(None),
                IncomeYear.property_income_fen.is_not(None),
                IncomeYear.transfer_fen.is_not(None),
            ),
        )
    )


def _income_check(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        per_capita = r[5] / r[6]
        if abs(per_capita - r[7]) > 100:  # more than 1 元 apart
            yield (
                r,
                (
                    f"{r[4]}年各项收入合计折人均{per_capita / 100:.2f}元，"
                    f"与登记的人均纯收入{r[7] / 100:.2f}元不符"
                ),
            )


# --- 回头看 checks (seed 000 商丘“回头看”实施意见, seed 004 宝塔区) ------------------------------------------
# Policy checks over the roster and the year's plan: they find households to look at again, not typing errors,
# so a roster that is clean of the checks above may still have findings here.

UNIVERSITY = ("高职高专", "本科", "硕士研究生")  # 在校生状况 values of students in higher education
# 开发式 measures (plan_measure.kind): seed 000 防返贫(三)2 “要坚持开发式扶贫的方针”; the kinds that build income
DEVELOPMENT_KINDS = ("产业", "就业/公益岗位", "小额信贷")


def _labour_of_working_age(s: Scope, member) -> Any:
    """A current member of working age (min_age–max_age) recorded as 普通劳动力 or 技能劳动力."""
    p = s.params
    return and_(
        member.left_at.is_(None),
        member.birth_date <= s.years_ago(p["min_age"]),
        member.birth_date > s.years_ago(p["max_age"] + 1),
        attr_of(member, "labour").in_(FULL_LABOUR),
    )


def _dibao_only(s: Scope) -> Select:
    """Heads of 低保 households with working-age labour and no 开发式 measure this year."""
    labour, on_dibao = aliased(M), aliased(M)
    workers = (
        select(func.count())
        .where(labour.household_id == Household.id, _labour_of_working_age(s, labour))
        .scalar_subquery()
    )
    year = s.today.year
    live = and_(Measure.household_id == Household.id, Measure.year == year, Measure.status != "dropped")
    measures = select(func.count()).where(live).scalar_subquery()
    dibao = or_(
        Household.poverty_type.contains("低保"),
        select(on_dibao.id)
        .where(
            on_dibao.household_id == Household.id,
            on_dibao.left_at.is_(None),
            attr_of(on_dibao, "dibao") == "是",
        )
        .exists(),
    )
    developing = select(Measure.id).where(live, Measure.kind.in_(DEVELOPMENT_KINDS)).exists()
    return _members(s, Household.poverty_type, workers, measures).where(
        M.relation == "户主", dibao, workers > 0, ~developing
    )


def _dibao_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        plan = f"登记的{r[6]}项措施都不是" if r[6] else "还没有登记"
        yield (
            r,
            f"享受低保，有{r[5]}名劳动年龄内的劳动力，{s.today.year}年{plan}产业、就业/公益岗位、小额信贷等"
            "开发式帮扶措施（低保一低了之）",
        )


def _university_students(s: Scope) -> Select:
    """Students in higher education, in households with at least `min_students` of them."""
    other = aliased(M)

    def studying(m):
        return or_(*[attr_of(m, "schooling").startswith(prefix) for prefix in UNIVERSITY])

    count = (
        select(func.count())
        .where(other.household_id == Household.id, other.left_at.is_(None), studying(other))
        .scalar_subquery()
    )
    return _members(s, attr("schooling"), count).where(studying(M), count >= s.params["min_students"])


def _university_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    by_household: dict[str, list] = {}
    for r in rows:
        by_household.setdefault(r[0], []).append(r)
    for students in by_household.values():
        students.sort(key=lambda r: r[1])
        names = "、".join(f"{r[2]}（{r[4]}）" for r in students)
        yield (
            students[0],
            f"本户有{len(students)}名在读大学生：{names}；核查是否因学致贫，符合条件的应纳尽纳、落实教育帮扶",
        )


def _tekun_with_labour(s: Scope) -> Select:
    """Working-age members with labour in 特困供养 (五保) households."""
    tekun = aliased(M)
    supported = or_(
        Household.poverty_type.contains("特困"),
        Household.id.in_(  # one list of households, not a subquery asked again for each member
            select(tekun.household_id).where(tekun.left_at.is_(None), attr_of(tekun, "tekun") == "是")
        ),
    )
    return _members(s, M.birth_date, attr("labour"), Household.poverty_type, attr("tekun")).where(
        _labour_of_working_age(s, M), supported
    )


def _tekun_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        what = "本人登记为特困供养人员" if r[7] == "是" else f"所在户为“{r[6]}”"
        yield r, f"{age_of(r[4], s.today)}岁、{r[5]}，{what}（特困供养的对象应无劳动能力）"


# 证件类型 a person with 户口 carries: the 公民身份号码 is given at 户口 registration (居民身份证, 户口簿).
HUKOU_PAPERS = ("身份证", "户口")


def _without_hukou(s: Scope) -> Select:
    number = func.coalesce(M.id_number, "")
    return _members(s, number, attr("id_type")).where(
        or_(
            number == "",
            and_(attr("id_type") != "", *[~attr("id_type").contains(k) for k in HUKOU_PAPERS]),
        )
    )


def _hukou_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        if not r[4]:
            yield r, "没有证件号码（公民身份号码），可能没有登记户口"
        else:
            yield r, f"证件类型为“{r[5]}”，不是居民身份证或户口簿，可能没有登记户口"


def _without_helper(s: Scope) -> Select:
    """Heads of registered or monitored households with no cadre paired today (cadres.must_have_helper: the
    one place that says which households need a helper). The roster's 帮扶责任人 is read for the message only:
    a name there that is not yet a pairing is imported by 帮扶干部 → 从花名册导入结对."""
    helper = func.trim(func.coalesce(Household.attrs["helper"].as_string(), ""))
    return _members(s, Household.household_kind, Household.poverty_type, helper).where(
        M.relation == "户主", cadres.must_have_helper(s.today.year), ~cadres.paired_on(s.today)
    )


def _helper_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        what = r[4] or r[5] or "监测对象"
        if r[6]:
            yield r, f"{what}没有结对帮扶干部（花名册填写的帮扶责任人“{r[6]}”，请结对或从花名册导入结对）"
        else:
            yield r, f"{what}没有结对帮扶干部（花名册也未填写帮扶责任人）"


# --- 公益岗位 holders who no longer qualify (desktop.services.posts) -------------------------------------------


def _post_holders(s: Scope) -> Select:
    """Members holding a 公益岗位 today (died or moved out included: that is one of the reasons), with what the
    rule reads: 劳动技能, birth date, left, the household's roster values and whether it is monitored."""
    query = (
        select(
            Household.code,
            M.code,
            M.name,
            Township.name + Village.name,
            PublicPost.name,
            attr("labour"),
            M.birth_date,
            M.left_at,
            Household.household_kind,
            Household.poverty_type,
            Household.attrs["exit_year"].as_string(),
            posts.household_ok_sql(s.today.year),
        )
        .select_from(PostHolding)
        .join(PublicPost, PublicPost.id == PostHolding.post_id)
        .join(M, M.id == PostHolding.member_id)
        .join(Household, Household.id == PostHolding.household_id)
        .join(Village, Household.village_id == Village.id)
        .join(Township)
        .where(PostHolding.end_on.is_(None))
    )
    if s.village_ids is not None:
        query = query.where(Household.village_id.in_(s.village_ids))
    return query


def _post_holder_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        poor = plans.is_registered(r[8], r[9], r[10]) and not plans.is_exited(r[8], r[9], r[10])
        ok = bool(r[11]) or poor
        why = posts.ineligible(r[7] is not None, r[5], r[6], ok, s.today)
        if why:
            yield r, f"担任公益岗位“{r[4]}”，但{'；'.join(why)}"


# --- 扶贫小额信贷 (desktop.services.loans) ---------------------------------------------------------------------


def _loans_overridden(s: Scope) -> Select:
    """Borrowers of loans recorded against the eligibility rules (an administrator's 特批)."""
    return (
        _members(s, Loan.bank, Loan.contract_no, Loan.override_refusals, Loan.override_by)
        .join(Loan, Loan.member_id == M.id)
        .where(Loan.override_by != "")
    )


def _overridden_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        yield r, f"{r[4]}合同{r[5]}不符合贷款条件（{r[6]}），由{r[7]}特批登记"


def _loans_for_enterprise(s: Scope) -> Select:
    """Borrowers whose loan is used by an enterprise (户贷企用)."""
    return (
        _members(s, Loan.bank, Loan.contract_no, Loan.enterprise)
        .join(Loan, Loan.member_id == M.id)
        .where(Loan.use == "户贷企用")
    )


def _enterprise_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        yield r, f"{r[4]}合同{r[5]}为户贷企用（{r[6] or '未写企业'}），请核实带贫协议和分红"


# --- income below the year's line (plans.suggest: 疑似漏评 / 疑似返贫) ----------------------------------------


def _below_line(s: Scope) -> Select:
    """Heads of households whose newest income (up to this year) is below that year's poverty line — the county's
    figure or a seed default; a year with no standard is not judged (nothing is guessed)."""

    newest = (
        select(func.max(IncomeYear.year))
        .where(IncomeYear.household_id == Household.id, IncomeYear.year <= s.today.year)
        .correlate(Household)
        .scalar_subquery()
    )
    line = plans.poverty_line_sql(IncomeYear.year)
    return (
        _members(
            s,
            IncomeYear.year,
            IncomeYear.net_per_capita_fen,
            line,
            Household.household_kind,
            Household.poverty_type,
            Household.attrs["exit_year"].as_string(),
        )
        .join(IncomeYear, IncomeYear.household_id == Household.id)
        .where(
            M.relation == "户主",
            IncomeYear.year == newest,
            IncomeYear.net_per_capita_fen.is_not(None),
            IncomeYear.net_per_capita_fen < line,
        )
    )


def _missed_check(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    """Seed 000 回头看 四(一)1: “对符合贫困标准的农户要做到应纳尽纳、并及时纳入。看是否有漏评、漏登现象。”"""

    for r in rows:
        year, income, line, kind, ptype, exit_year = r[4:10]
        if not plans.is_registered(kind, ptype, exit_year):
            yield (
                r,
                f"非建档立卡户{year}年人均纯收入{income / 100:,.2f}元，低于当年贫困线{line / 100:,.2f}元，"
                "应纳尽纳、及时纳入",
            )


def _relapse_check(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    """Seed 000 回头看 四(一)2: “要认真排查已脱贫户……及时发现解决返贫问题，确保做到“返贫即入”。”"""

    for r in rows:
        year, income, line, kind, ptype, exit_year = r[4:10]
        if plans.is_exited(kind, ptype, exit_year):
            yield (
                r,
                f"已脱贫户{year}年人均纯收入{income / 100:,.2f}元，低于当年贫困线{line / 100:,.2f}元",
            )


RULES: tuple[Rule, ...] = (
    Rule(
        "labour_idle_working_age",
        "labour_vs_age_health",
        "劳动年龄内健康却无劳动能力",
        "疑点",
        ("birth_date", "health", "schooling", "labour"),
        "国家核查规则：16～59岁、身体健康、不在校的人一般有劳动能力，登记为无劳动力或弱劳动力会被列为疑点。",
        "核实本人情况：确无劳动能力的补充原因（如照料病人）并标记已核实；否则改正劳动技能。",
        _idle_working_age,
        _idle_message,
        {"min_age": 16, "max_age": 59},
    ),
    Rule(
        "labour_elderly_full_time",
        "labour_vs_age_health",
        "高龄却全年务工",
        "疑点",
        ("birth_date", "labour", "work_months"),
        "70岁以上老人登记为普通或技能劳动力且全年务工，通常是录入错误。",
        "核实年龄、劳动技能和务工时间，改正后重新导出。",
        _elderly_full_time,
        _elderly_message,
        {"min_age": 70, "months": 12},
    ),
    Rule(
        "education_and_school_both",
        "education_and_school_both",
        "文化程度与在校生状况矛盾",
        "疑点",
        ("education", "schooling"),
        "在校生只填在校生状况，不在校的人只填文化程度；两项都填或都空，系统校验会报错。",
        "在校的清空文化程度，不在校的清空在校生状况并补填文化程度。",
        _education_and_schooling,
        _education_message,
    ),
    Rule(
        "work_place_without_months",
        "work_place_without_months",
        "务工地点与务工时间不一致",
        "疑点",
        ("work_place", "work_months"),
        "有务工地点就应有务工时间，反之亦然，否则务工收入无法核算。",
        "补填务工时间或务工地点；没有务工的两项都清空。",
        _work_place_months,
        _work_message,
    ),
    Rule(
        "phone_not_11_digits",
        "phone_not_11_digits",
        "联系电话不是11位手机号",
        "提示",
        ("phone", "member_phone"),
        "电话不对，回访和帮扶责任人联系不到本户。",
        "核实并改正电话号码；确为座机的标记已核实。",
        _phones,
        _phone_message,
    ),
    Rule(
        "spouse_same_sex",
        "head_spouse_sex",
        "户主与配偶性别相同",
        "疑点",
        ("relation", "sex", "id_number"),
        "户主与配偶性别相同多为与户主关系或证件号码录错。",
        "核实与户主关系和证件号码。",
        _spouse_same_sex,
        _spouse_message,
    ),
    Rule(
        "several_spouses",
        "head_spouse_count",
        "一户有多个配偶",
        "疑点",
        ("relation",),
        "一户只能有一个配偶，多出的通常是与户主关系选错（如儿媳选成配偶）。",
        "改正与户主关系。",
        _several_spouses,
        _several_message,
    ),
    Rule(
        "schooling_vs_age",
        "schooling_vs_age",
        "在校生状况与年龄不符",
        "提示",
        ("birth_date", "schooling"),
        "在校年级与年龄相差太大，多为年级未随学年更新。",
        "按当前学年更新在校生状况。",
        _schooling_age,
        _schooling_check,
    ),
    Rule(
        "insurance_contradiction",
        "insurance_contradiction",
        "医保参保情况矛盾",
        "疑点",
        ("medical_insurance", "serious_illness_insurance", "employee_medical"),
        "大病保险随城乡居民基本医保参加；职工医保和居民医保不能重复参加。",
        "核实参保情况并改正。",
        _insurance,
        _insurance_message,
    ),
    Rule(
        "yes_no_missing",
        "mandatory_yes_no_empty",
        "必填的是否项为空",
        "疑点",
        ("medical_insurance", "serious_illness_insurance", "pension_insurance", "dibao"),
        "是否参保、是否享受低保等为必填项，空着会被系统退回。",
        "逐项补填“是”或“否”。",
        _yes_no,
        _yes_no_message,
    ),
    Rule(
        "young_head",
        "young_head",
        "户主年龄过小",
        "提示",
        ("relation", "birth_date"),
        "户主未满16岁极少见，多为与户主关系录错。",
        "核实户主；确为孤儿户的标记已核实。",
        _young_head,
        _young_message,
        {"min_age": 16},
    ),
    Rule(
        "income_components_mismatch",
        "income_components",
        "收入构成与人均纯收入不符",
        "疑点",
        ("income",),
        "工资性、生产经营性、财产性、转移性收入减去生产经营性支出，除以人数应等于人均纯收入。",
        "核对各项收入和支出，改正后重新计算人均纯收入。",
        _income_sum,
        _income_check,
    ),
    Rule(
        "suspected_missed",
        "suspected_missed",
        "疑似漏评",
        "疑点",
        ("income", "household_kind", "poverty_type", "exit_year"),
        "种子000“回头看”：对符合贫困标准的农户要做到应纳尽纳、并及时纳入，看是否有漏评、漏登现象。"
        "未建档立卡的农户人均纯收入低于当年贫困线，应入户核实。",
        "入户核实收入和两不愁三保障；符合条件的按程序纳入（识别），收入登记有误的改正；核实不属实的标记已核实。",
        _below_line,
        _missed_check,
    ),
    Rule(
        "suspected_relapse",
        "suspected_relapse",
        "疑似返贫",
        "疑点",
        ("income", "household_kind", "poverty_type", "exit_year"),
        "种子000“回头看”：要认真排查已脱贫户，及时发现解决返贫问题，确保做到“返贫即入”。"
        "已脱贫户人均纯收入低于当年贫困线。",
        "入户核实收入；属实的纳入监测、落实帮扶措施并确定卡色（红卡）；收入登记有误的改正。",
        _below_line,
        _relapse_check,
    ),
    # --- 回头看 (seed 000 四、核查精准识别/精准帮扶; seed 004) ---
    Rule(
        "dibao_only",
        "review_dibao_only",
        "低保户有劳动力却无开发式帮扶",
        "疑点",
        ("dibao", "poverty_type", "birth_date", "labour"),
        # seed 000 四(一)1: 查看符合条件的贫困户是否仅仅给予低保一低了之
        "商丘市“回头看”实施意见：“查看符合条件的贫困户是否仅仅给予低保一低了之”；有劳动能力的应“坚持开发式扶贫"
        "的方针”。享受低保、家中有劳动年龄内的普通或技能劳动力，本年度却没有产业、就业/公益岗位、小额信贷措施。",
        "为有劳动力的成员落实产业、就业或公益岗位、小额信贷等措施并登记到帮扶计划；确无条件的写明原因后标记已核实。",
        _dibao_only,
        _dibao_message,
        {"min_age": 16, "max_age": 59},
    ),
    Rule(
        "two_university_students",
        "review_university_students",
        "一户有两名以上在读大学生",
        "提示",
        ("schooling",),
        # seed 000 四(一)1: 家中是否有因贫辍学学生、或有两个以上上大学的学生
        "商丘市“回头看”实施意见核查精准识别：“家中是否有因贫辍学学生、或有两个以上上大学的学生”。"
        "两名以上在读大学生（高职高专、本科、研究生）的家庭负担重，易因学致贫返贫。",
        "入户核实收支：符合条件的及时纳入（应纳尽纳），已纳入的落实教育资助；核实无困难的标记已核实。",
        _university_students,
        _university_message,
        {"min_students": 2},
    ),
    Rule(
        "tekun_with_labour",
        "review_tekun_with_labour",
        "特困供养户有劳动年龄内的劳动力",
        "疑点",
        ("poverty_type", "tekun", "birth_date", "labour"),
        # seed 000 四(二)2(8): 四是查符合条件贫困家庭及五保供养落实情况; 防返贫 二(一)1: 重点关注…低保户和五保户
        "商丘市“回头看”实施意见：“查符合条件贫困家庭及五保供养落实情况”，“重点关注……低保户和五保户等特殊群体，"
        "提高贫困人口识别、退出精准度”。特困供养（五保）的对象应无劳动能力（社会救助暂行办法，非种子文件），"
        "户内有16～59岁的普通或技能劳动力，属性或劳动技能可能登记有误。",
        "核实贫困户属性、是否特困供养人员和该成员的劳动技能，改正后重新导出；确属实情的写明原因后标记已核实。",
        _tekun_with_labour,
        _tekun_message,
        {"min_age": 16, "max_age": 59},
    ),
    Rule(
        "member_without_hukou",
        "review_without_hukou",
        "成员可能未登记户口",
        "疑点",
        ("id_number", "id_type"),
        # seed 000 四(一)1: 查贫困户中是否存在因各种原因没有登记户口的人员
        "商丘市“回头看”实施意见：“查贫困户中是否存在因各种原因没有登记户口的人员”。花名册没有户口一栏，"
        "以证件判断：没有证件号码，或证件类型不是居民身份证、户口簿的成员，可能没有登记户口。",
        "协助办理户口登记，登记后补录公民身份号码；已有户口的补正证件类型和号码。",
        _without_hukou,
        _hukou_message,
    ),
    Rule(
        "no_helper",
        "review_no_helper",
        "建档立卡户或监测对象没有帮扶责任人",
        "疑点",
        ("helper", "household_kind", "poverty_type"),
        # seed 000 五(一): 贫困人口退出后,帮扶责任人不撤离; 防返贫 二(一)6: 对每户“边缘户”也要选派帮扶人(联系人)
        "商丘市“回头看”实施意见：“贫困人口退出后，帮扶责任人不撤离”；防返贫实施意见：“对每户‘边缘户’也要选派"
        "帮扶人（联系人）”。建档立卡户和监测对象都应有具名的帮扶责任人。",
        "在“帮扶干部”中为该户结对帮扶干部；花名册已填写帮扶责任人的，用“从花名册导入结对”一次导入。",
        _without_helper,
        _helper_message,
    ),
    Rule(
        "post_holder",
        "review_post_holder",
        "公益岗位在岗人员不再符合条件",
        "疑点",
        ("labour", "birth_date", "household_kind", "poverty_type"),
        # seed 001 二(二)1: 开发公益岗位安置…每个村、社区安排护路、护林、护水、保洁等公益岗位3—5个;
        # 三(一): 对黄卡户和蓝卡户…通过…开发公益岗位…等途径，防止返贫或新致贫
        "湘阴县全面决战决胜脱贫攻坚工作方案：“每个村、社区安排护路、护林、护水、保洁等公益岗位3—5个”，公益岗位用于安置未脱贫户和"
        "防返贫监测对象中有劳动能力的人员。在岗人员已死亡或迁出、没有劳动能力，或所在户已稳定脱贫、不再是监测对象。",
        "在“公益岗位”中为该岗位办理离岗并另行安排符合条件的人员；情况属实仍需在岗的写明原因后标记已核实。",
        _post_holders,
        _post_holder_message,
    ),
    Rule(
        "loan_overridden",
        "review_loan_overridden",
        "小额信贷发放给不符合条件的借款人（特批）",
        "疑点",
        (),
        # seed 000 三.(7): 是否为不符合条件贫困户发放
        "商丘市“回头看”实施意见：查看“扶贫小额信贷情况,是否为不符合条件贫困户发放”。特批登记的贷款未通过资格审查。",
        "在“小额信贷”中查看该贷款的特批理由和未通过的条件，核实审批依据。",
        _loans_overridden,
        _overridden_message,
    ),
    Rule(
        "loan_for_enterprise",
        "review_loan_for_enterprise",
        "小额信贷户贷企用",
        "提示",
        (),
        # seed 000 三.(7): 纠正户贷企用和以脱贫攻坚名义违规违纪融资等问题情况
        "商丘市“回头看”实施意见：“纠正户贷企用和以脱贫攻坚名义违规违纪融资等问题情况”。",
        "核实贷款实际使用情况；户贷企用的，查看企业带贫协议和分红是否到户。",
        _loans_for_enterprise,
        _enterprise_message,
    ),
)
BY_CODE = {r.code: r for r in RULES}
# What a clerk sees for each rule parameter (系统 → 设置 → 核查规则).
PARAM_NAMES = {"min_age": "最低年龄", "max_age": "最高年龄", "months": "务工月数", "min_students": "最少人数"}
