"""遍访 rules: who must visit which households how often. A setting (visits.coverage_rules) holds the county's
list; the defaults below cite their seed sentence, and a number no seed gives says it is a default.

A rule: posts (the cadres it binds, by post); households — "unexited" 未脱贫户 (registered, not exited) of the
cadre's area, "registered" every registered household of the area, "paired" the cadre's own paired households;
each — True: every one of those households must get `visits` visits in the period; False: the cadre makes
`visits` visits in all to those households in the period; period — "year" (up to `until`, MM-DD, when given)
or "quarter". A cadre's area is their village when they have one, else the township named by their unit, else
every village. Imports nothing of ours but the bottom (the settings module checks values with it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

POSTS = (
    "乡镇党委书记",
    "乡镇长",
    "乡镇领导班子成员",
    "村党支部书记",
    "村委会主任",
    "驻村第一书记",
    "驻村工作队员",
    "帮扶责任人",
)
HOUSEHOLD_SETS = {"unexited": "未脱贫户", "registered": "建档立卡户", "paired": "结对户"}
PERIODS = {"year": "每年", "quarter": "每季度"}


@dataclass(frozen=True)
class CoverageRule:
    name: str
    posts: tuple[str, ...]
    households: str  # HOUSEHOLD_SETS
    each: bool
    visits: int
    period: str  # PERIODS
    until: str = ""  # MM-DD: a year's rule that ends before 31 December
    enabled: bool = True
    source: str = ""

    def window(self, year: int) -> list[tuple[str, date, date]]:
        """(label, first day, last day) of each period of the year."""
        if self.period == "quarter":
            ends = (date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31))
            return [(f"{year}年第{q + 1}季度", date(year, 3 * q + 1, 1), ends[q]) for q in range(4)]
        end = date(year, 12, 31)
        if self.until:
            month, day = (int(x) for x in self.until.split("-"))
            end = (
                date(year, month, min(day, 28))
                if (month, day) == (2, 29) and year % 4
                else date(year, month, day)
            )
        label = f"{year}年" if not self.until else f"{year}年{end.month}月{end.day}日前"
        return [(label, date(year, 1, 1), end)]

    @property
    def text(self) -> str:
        whom = HOUSEHOLD_SETS[self.households]
        when = (
            f"{int(self.until[:2])}月{int(self.until[3:])}日前" if self.until else PERIODS[self.period]
        ).replace("每年", "年内")
        what = (
            f"{when}走访每户{whom}至少{self.visits}次"
            if self.each
            else f"{when}走访{whom}至少{self.visits}次"
        )
        return f"{'、'.join(self.posts)}：{what}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "posts": list(self.posts),
            "households": self.households,
            "each": self.each,
            "visits": self.visits,
            "period": self.period,
            "until": self.until,
            "enabled": self.enabled,
            "source": self.source,
        }


DEFAULT_RULES = (
    # Seed 001 (湘阴) 五(一): “乡镇（街道）党（工）委书记和乡镇长（街道办主任）……对辖区内未脱贫户，今年6月底前遍访一次。”
    CoverageRule(
        "乡镇党政主要领导遍访未脱贫户",
        ("乡镇党委书记", "乡镇长"),
        "unexited",
        True,
        1,
        "year",
        "06-30",
        True,
        "默认值：种子001 湘阴县2020年工作方案五(一)“对辖区内未脱贫户，今年6月底前遍访一次”",
    ),
    # Seed 001 五(一): “村（社区）党组织书记、村（居）委会主任年内必须遍访辖区内所有贫困户”
    CoverageRule(
        "村党组织书记、村委会主任遍访贫困户",
        ("村党支部书记", "村委会主任"),
        "registered",
        True,
        1,
        "year",
        "",
        True,
        "默认值：种子001 湘阴县2020年工作方案五(一)“村（社区）党组织书记、村（居）委会主任年内必须遍访辖区内所有贫困户”",
    ),
    # Seed 002: “建立党政领导班子成员定点联系帮扶制度，每季度不少于两次带队走访相对贫困村、贫困户。” Another county's
    # rule: off until a county that follows it switches it on.
    CoverageRule(
        "党政领导班子成员每季度带队走访",
        ("乡镇党委书记", "乡镇长", "乡镇领导班子成员"),
        "registered",
        False,
        2,
        "quarter",
        "",
        False,
        "默认值（默认不启用）：种子002“党政领导班子成员定点联系帮扶制度，每季度不少于两次带队走访相对贫困村、贫困户”",
    ),
    # No seed gives how often a paired helper visits; seed 001 五(二) asks only “实现驻村结对帮扶全覆盖”.
    CoverageRule(
        "结对帮扶干部走访结对户",
        ("帮扶责任人", "驻村第一书记", "驻村工作队员"),
        "paired",
        True,
        1,
        "quarter",
        "",
        True,
        "默认值：文件未规定结对帮扶干部的走访次数（每季度每户1次为软件默认，请按本县要求修改）",
    ),
)


def parse(value: Any) -> list[CoverageRule]:
    """A setting's value (a list, or its JSON text) → rules; ValueError saying which rule and what is wrong."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError("应为JSON格式的规则列表") from None
    if not isinstance(value, list | tuple):
        raise ValueError("应为规则列表")
    return [
        item if isinstance(item, CoverageRule) else _rule(i, item) for i, item in enumerate(value, start=1)
    ]


def _until(where: str, period: str, text: str) -> str:
    if not text:
        return ""
    if period != "year":
        raise ValueError(f"{where}：截止日期只用于每年的规则")
    try:
        month, day = (int(x) for x in text.split("-"))
        date(2024, month, day)  # a leap year: 02-29 is a date some years
    except ValueError:
        raise ValueError(f"{where}：截止日期应写成“月-日”，如 06-30") from None
    return f"{month:02d}-{day:02d}"


def _rule(i: int, item: Any) -> CoverageRule:
    if not isinstance(item, dict):
        raise ValueError(f"第{i}条规则格式不对")
    name = str(item.get("name") or "").strip()
    where = f"第{i}条规则“{name}”" if name else f"第{i}条规则"
    if not name or len(name) > 40:
        raise ValueError(f"{where}：名称应为1～40个字")
    posts = tuple(str(p).strip() for p in item.get("posts") or [])
    if not posts or any(p not in POSTS for p in posts):
        raise ValueError(f"{where}：职务应从{'、'.join(POSTS)}中选")
    households = str(item.get("households") or "")
    if households not in HOUSEHOLD_SETS:
        raise ValueError(
            f"{where}：走访对象应为{'、'.join(f'{k}（{v}）' for k, v in HOUSEHOLD_SETS.items())}"
        )
    period = str(item.get("period") or "")
    if period not in PERIODS:
        raise ValueError(f"{where}：周期应为 year（每年）或 quarter（每季度）")
    try:
        visits = int(item.get("visits", 1))
    except (TypeError, ValueError):
        raise ValueError(f"{where}：走访次数应为整数") from None
    if not 1 <= visits <= 50:
        raise ValueError(f"{where}：走访次数应在1～50之间")
    return CoverageRule(
        name,
        posts,
        households,
        bool(item.get("each", True)),
        visits,
        period,
        _until(where, period, str(item.get("until") or "").strip()),
        bool(item.get("enabled", True)),
        str(item.get("source") or "").strip()[:200],
    )


def check(value: Any) -> list[dict[str, Any]]:
    """settings.Spec's check: the value to store."""
    return [r.as_dict() for r in parse(value)]
