"""The audit's rule registry: each rule has a stable code, a Chinese name, a severity, the fields it reads, why
it matters and how to fix it, and one query over all households (filtered further by one vectorised pass where
SQL cannot say it portably). A county switches rules off or changes their thresholds in settings."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased

from desktop.models import Household, IncomeYear, Member, Township, Village

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


def attr(key: str):  # noqa: ANN201
    return func.coalesce(Member.attrs[key].as_string(), "")


def _members(scope: Scope, *columns) -> Select:  # noqa: ANN002
    """Active members with their household and village; the first four columns are always the same."""
    query = (
        select(Household.code, Member.code, Member.name, Township.name + Village.name, *columns)
        .join(Household, Member.household_id == Household.id)
        .join(Village, Household.village_id == Village.id)
        .join(Township)
        .where(Member.left_at.is_(None))
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
    return _members(s, Member.birth_date, attr("health"), attr("schooling"), attr("labour")).where(
        Member.birth_date <= s.years_ago(p["min_age"]),
        Member.birth_date > s.years_ago(p["max_age"] + 1),
        attr("health") == "健康",
        attr("schooling") == "",
        attr("labour").in_(NO_LABOUR),
    )


def _idle_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        yield r, f"{age_of(r[4], s.today)}岁、健康、不在校，却登记为“{r[7]}”"


def _elderly_full_time(s: Scope) -> Select:
    p = s.params
    months = func.coalesce(Member.attrs["work_months"].as_integer(), 0)
    return _members(s, Member.birth_date, attr("labour"), months).where(
        Member.birth_date <= s.years_ago(p["min_age"]), attr("labour").in_(FULL_LABOUR), months >= p["months"]
    )


def _elderly_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        yield r, f"{age_of(r[4], s.today)}岁，却登记为“{r[5]}”且务工{r[6]}个月"


def _education_and_schooling(s: Scope) -> Select:
    return _members(s, Member.birth_date, attr("education"), attr("schooling")).where(
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
    months = func.coalesce(Member.attrs["work_months"].as_integer(), 0)
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
    return _members(s, Household.phone, attr("member_phone"), Member.relation).where(
        or_(and_(Member.relation == "户主", Household.phone != ""), attr("member_phone") != "")
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
    spouse = aliased(Member)
    return (
        _members(s, Member.sex, spouse.name, spouse.sex)
        .join(
            spouse,
            and_(
                spouse.household_id == Member.household_id,
                spouse.relation == "配偶",
                spouse.left_at.is_(None),
            ),
        )
        .where(Member.relation == "户主", Member.sex == spouse.sex)
    )


def _spouse_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        yield r, f"户主与配偶（{r[5]}）性别相同（均为{r[4]}）"


def _several_spouses(s: Scope) -> Select:
    counts = (
        select(Member.household_id, func.count().label("n"))
        .where(Member.relation == "配偶", Member.left_at.is_(None))
        .group_by(Member.household_id)
        .having(func.count() > 1)
        .subquery()
    )
    return (
        _members(s, counts.c.n)
        .join(counts, counts.c.household_id == Member.household_id)
        .where(Member.relation == "户主")
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
    return _members(s, Member.birth_date, attr("schooling")).where(
        attr("schooling") != "", Member.birth_date.is_not(None)
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
    return _members(s, Member.birth_date).where(
        Member.relation == "户主", Member.birth_date > s.years_ago(s.params["min_age"])
    )


def _young_message(s: Scope, rows: list) -> Iterable[tuple[Any, str]]:
    for r in rows:
        yield r, f"户主只有{age_of(r[4], s.today)}岁"


def _income_sum(s: Scope) -> Select:
    net = (
        func.coalesce(IncomeYear.wage, 0)
        + func.coalesce(IncomeYear.production, 0)
        + func.coalesce(IncomeYear.property_income, 0)
        + func.coalesce(IncomeYear.transfer, 0)
        - func.coalesce(IncomeYear.production_cost, 0)
    )
    return (
        _members(s, IncomeYear.year, net, Household.size, IncomeYear.net_per_capita)
        .join(IncomeYear, IncomeYear.household_id == Household.id)
        .where(
            Member.relation == "户主",
            IncomeYear.net_per_capita.is_not(None),
            Household.size > 0,
            or_(
                IncomeYear.wage.is_not(None),
                IncomeYear.production.is_not(None),
                IncomeYear.property_income.is_not(None),
                IncomeYear.transfer.is_not(None),
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
)
BY_CODE = {r.code: r for r in RULES}
# What a clerk sees for each rule parameter (系统 → 设置 → 核查规则).
PARAM_NAMES = {"min_age": "最低年龄", "max_age": "最高年龄", "months": "务工月数"}
