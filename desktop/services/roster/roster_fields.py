"""The national roster's fields: header names (and synonyms), level, kind and allowed values (BRIEF §5).

Columns are found by header text. A header is compared after removing all white space and turning
full-width brackets into half-width ones, so `证件\\n号码` and `务工时间（月）` match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop.vocabulary import HOUSEHOLD_KINDS, POVERTY_TYPES

RELATIONS = (
    "户主",
    "配偶",
    "之子",
    "之女",
    "之儿媳",
    "之女婿",
    "之孙子",
    "之孙女",
    "之外孙子",
    "之外孙女",
    "之父",
    "之母",
    "之岳父",
    "之岳母",
    "之公公",
    "之婆婆",
    "之祖父",
    "之祖母",
    "之外祖父",
    "之外祖母",
    "之兄弟姐妹",
    "之曾孙子",
    "之曾孙女",
    "之侄儿",
    "之侄女",
    "之兄弟媳妇",
    "之叔伯",
    "其他",
)
EDUCATION = ("文盲或半文盲", "小学", "初中", "高中", "大专", "本科及以上", "大专及以上")
SCHOOLING = (
    "学龄前儿童",
    "学前教育",
    "小学",
    "七年级",
    "八年级",
    "九年级",
    "普通高中一年级",
    "普通高中二年级",
    "普通高中三年级",
    "中职一年级",
    "中职二年级",
    "中职三年级",
    "高职高专一年级",
    "高职高专二年级",
    "高职高专三年级",
    "技师学院一年级",
    "技师学院二年级",
    "技师学院三年级",
    "技师学院四年级",
    "本科一年级",
    "本科二年级",
    "本科三年级",
    "本科四年级",
    "本科五年级",
    "硕士研究生及以上",
)
HEALTH = ("健康", "长期慢性病", "患有大病", "残疾")
LABOUR = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
STANDARDS = ("国家标准", "省定标准", "市定标准")
CAUSES = (
    "因病",
    "因残",
    "因学",
    "因灾",
    "缺土地",
    "缺水",
    "缺技术",
    "缺劳力",
    "缺资金",
    "交通条件落后",
    "自身发展动力不足",
    "其他",
    "因婚",
    "因丧",
    "缺电",
)
SEXES = ("男", "女")
YES_NO = ("是", "否")

# Kinds: text, code (digits kept as text), id, enum, multi (comma-separated enum), yesno, int, money
# (元 → fen), decimal, phone, date, sex.


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # header written in the legacy (建档立卡) layout
    level: str  # "H" household (taken from the head's row) or "M" member
    kind: str = "text"
    synonyms: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    required: bool = False
    label_2021: str = ""  # header in the 2021 monitoring-system layout, if it differs
    max_int: int | None = None
    headers: tuple[str, ...] = field(default=(), compare=False)


FIELDS: tuple[Field, ...] = (
    Field("province", "省", "H"),
    Field("city", "市", "H"),
    Field("county", "县(市、区)", "H", synonyms=("县", "县(市区)", "县区")),
    Field("township", "乡(镇)", "H", synonyms=("乡", "乡镇", "乡(镇、街道)"), required=True),
    Field("village", "行政村", "H", synonyms=("村",), required=True, label_2021="村"),
    Field("group", "自然村(组)", "H", synonyms=("自然村", "村民小组", "组")),
    Field("household_code", "户编号", "H", "code", required=True),
    Field(
        "member_code",
        "人编号",
        "M",
        "code",
        synonyms=("人口编号", "成员编号"),
        required=True,
        label_2021="人口编号",
    ),
    Field("name", "姓名", "M", required=True),
    Field("sex", "性别", "M", "sex", values=SEXES, required=True),
    Field("birth_date", "出生日期", "M", "date"),
    Field("id_type", "证件类型", "M"),
    Field(
        "id_number", "证件号码", "M", "id", synonyms=("身份证号码", "身份证号", "公民身份号码"), required=True
    ),
    Field("ethnicity", "民族", "M"),
    Field("relation", "与户主关系", "M", "enum", values=RELATIONS, required=True),
    Field("declared_size", "人数", "H", "int", synonyms=("家庭人口数", "家庭人数"), max_int=99),
    Field("education", "文化程度", "M", "enum", values=EDUCATION),
    Field("schooling", "在校生状况", "M", "enum", values=SCHOOLING, synonyms=("在校生情况",)),
    Field("health", "健康状况", "M", "multi", values=HEALTH),
    Field("labour", "劳动技能", "M", "enum", values=LABOUR),
    Field("work_place", "务工状况", "M", synonyms=("务工所在地", "务工地点"), label_2021="务工所在地"),
    Field("work_months", "务工时间(月)", "M", "int", max_int=12, label_2021="务工时间（月）"),
    Field("political", "政治面貌", "M"),
    Field("employer", "务工企业名称", "M"),
    Field(
        "medical_insurance",
        "是否参加城乡居民基本医疗保险",
        "M",
        "yesno",
        values=YES_NO,
        synonyms=("是否参加新型农村合作医疗(城乡居民基本医疗保险)", "是否参加新型农村合作医疗"),
        label_2021="是否参加新型农村合作医疗（城乡居民基本医疗保险）",
    ),
    Field("serious_illness_insurance", "是否参加大病保险", "M", "yesno", values=YES_NO),
    Field("pension_insurance", "是否参加城乡居民基本养老保险", "M", "yesno", values=YES_NO),
    Field("employee_pension", "是否参加城镇职工基本养老保险", "M", "yesno", values=YES_NO),
    Field("employee_medical", "是否参加城镇职工基本医疗保险", "M", "yesno", values=YES_NO),
    Field("commercial_medical", "是否参加商业补充医疗保险", "M", "yesno", values=YES_NO),
    Field("dibao", "是否享受低保", "M", "yesno", values=YES_NO, synonyms=("是否享受农村低保",)),
    Field("tekun", "是否特困供养人员", "M", "yesno", values=YES_NO),
    Field("dropout_reason", "失学或辍学原因", "M"),
    Field("mandarin", "是否会讲普通话", "M", "yesno", values=YES_NO),
    Field("abroad", "是否国外务工", "M", "yesno", values=YES_NO),
    Field("industry", "产业分类", "M"),
    Field("illness_aid", "是否接受大病医疗救助", "M", "yesno", values=YES_NO),
    Field("other_health_aid", "是否接受其他健康扶贫", "M", "yesno", values=YES_NO),
    Field("public_job", "公益性岗位类型", "M"),
    Field("public_job_months", "公益性岗位(月数)", "M", "int", max_int=12),
    Field("employment_channel", "就业渠道", "M"),
    Field("disability_kind", "残疾类别", "M"),
    Field("disability_year", "残疾证办证年度", "M", "int", max_int=2100),
    Field("member_phone", "成员联系电话", "M", "phone"),
    Field("poverty_type", "贫困户属性", "H", "enum", values=POVERTY_TYPES, synonyms=("脱贫户属性", "户属性")),
    Field("standard", "识别标准", "H", "enum", values=STANDARDS),
    Field("main_cause", "主要致贫原因", "H", "enum", values=CAUSES, synonyms=("主要返贫致贫风险",)),
    Field("other_cause", "其他致贫原因", "H", "multi", values=CAUSES),
    Field("exit_year", "脱贫年度", "H", "int", max_int=2100, synonyms=("脱贫年份",)),
    Field("household_kind", "户类型", "H", "enum", values=HOUSEHOLD_KINDS),
    Field("phone", "联系电话", "H", "phone", synonyms=("户联系电话",), label_2021="户联系电话"),
    Field("bank_name", "开户银行", "H"),
    Field("bank_account", "银行账号", "H", "code", synonyms=("银行卡号", "银行帐号")),
    Field("income", "年人均纯收入(元)", "H", "money", synonyms=("人均纯收入(元)", "年人均纯收入")),
    Field("land_area", "耕地面积(亩)", "H", "decimal", synonyms=("耕地面积",)),
    Field("housing_safe", "住房是否安全", "H", "yesno", values=YES_NO),
    Field("water_safe", "饮水是否安全", "H", "yesno", values=YES_NO),
    Field("helper", "帮扶责任人", "H"),
    Field("helper_phone", "帮扶责任人电话", "H", "phone"),
    Field("year", "年度", "H", "int", max_int=2100),
    Field("head_name", "户主姓名", "H"),
    Field("head_id_number", "户主证件号码", "H", "id", synonyms=("户主身份证号码",)),
)

BY_KEY = {f.key: f for f in FIELDS}

# Columns an import cannot do without: who each person is (household, person, name, ID number, relation) and
# where the household lives. A file missing any of them is refused as a whole, naming what is missing.
REQUIRED_COLUMNS = ("household_code", "member_code", "name", "id_number", "relation", "township", "village")

LEGACY_LAYOUT = (
    "city",
    "county",
    "township",
    "village",
    "group",
    "household_code",
    "member_code",
    "name",
    "id_number",
    "relation",
    "declared_size",
    "sex",
    "ethnicity",
    "education",
    "schooling",
    "health",
    "labour",
    "work_place",
    "work_months",
    "medical_insurance",
    "serious_illness_insurance",
    "pension_insurance",
    "dibao",
    "poverty_type",
    "standard",
    "main_cause",
    "other_cause",
    "exit_year",
    "household_kind",
    "phone",
    "bank_name",
    "bank_account",
    "income",
    "land_area",
    "housing_safe",
    "water_safe",
    "helper",
    "helper_phone",
)
LAYOUT_2021 = (
    "province",
    "city",
    "county",
    "township",
    "village",
    "household_code",
    "member_code",
    "name",
    "sex",
    "birth_date",
    "id_type",
    "id_number",
    "ethnicity",
    "phone",
    "member_phone",
    "year",
    "relation",
    "education",
    "schooling",
    "labour",
    "work_months",
    "health",
    "political",
    "employer",
    "dibao",
    "employee_pension",
    "serious_illness_insurance",
    "medical_insurance",
    "pension_insurance",
    "dropout_reason",
    "mandarin",
    "commercial_medical",
    "abroad",
    "industry",
    "illness_aid",
    "other_health_aid",
    "public_job",
    "public_job_months",
    "employment_channel",
    "disability_kind",
    "work_place",
    "head_name",
    "head_id_number",
    "employee_medical",
    "tekun",
    "disability_year",
    "standard",
)
LAYOUTS = {"legacy": LEGACY_LAYOUT, "2021": LAYOUT_2021}
LAYOUT_NAMES = {"legacy": "建档立卡贫困人口明细（旧版）", "2021": "防返贫监测信息系统（2021版）"}

_BRACKETS = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "、": "、"})


def norm_header(text: object) -> str:
    return re.sub(r"\s+", "", str(text)).translate(_BRACKETS)


HEADER_INDEX: dict[str, str] = {}
for _f in FIELDS:
    for _name in (_f.label, _f.label_2021, *_f.synonyms):
        if _name:
            HEADER_INDEX[norm_header(_name)] = _f.key


def label_for(key: str, layout: str) -> str:
    f = BY_KEY[key]
    return (f.label_2021 or f.label) if layout == "2021" else f.label


def header_names(key: str) -> tuple[str, ...]:
    """Every header text that is read as this field, the legacy label first."""
    f = BY_KEY[key]
    names = [f.label, f.label_2021, *f.synonyms]
    return tuple(dict.fromkeys(n for n in names if n))


def guess_layout(keys: set[str]) -> str:
    """2021 exports carry 人口编号-era columns such as 户主证件号码 and 出生日期, and no 人数."""
    markers = {"head_id_number", "birth_date", "id_type", "member_phone", "year"}
    return "2021" if len(keys & markers) >= 2 and "declared_size" not in keys else "legacy"
