"""疑点核查: run the rule registry over the households, remember verified findings, keep a history of runs."""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select

from desktop.db import Database
from desktop.errors import InputRejected
from desktop.models import Household, Member, QualityRun, QualityVerified, Setting, Township, Village
from desktop.models.base import utcnow
from desktop.services.collector import collector_held
from desktop.services.households.households import resolve_village
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.quality import quality_rules
from desktop.services.quality.quality_rules import BY_CODE, RULES, Rule, Scope
from desktop.services.roster.roster_fields import BY_KEY
from desktop.services.roster.roster_store import chunks
from desktop.services.system import audit

__all__ = ["BY_CODE", "RULES"]
from desktop import clock
from desktop.services.documents import township_issuer
from desktop.services.system.actor import Actor


@dataclass(frozen=True)
class Finding:
    rule: str
    kind: str
    rule_name: str
    severity: str
    household: str
    person: str
    name: str
    village: str
    fields: tuple[str, ...]
    values: tuple[str, ...]
    message: str
    fingerprint: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "rule_name": self.rule_name,
            "severity": self.severity,
            "household": self.household,
            "person": self.person,
            "name": self.name,
            "village": self.village,
            "fields": list(self.fields),
            "message": self.message,
        }


# --- 识别精准率 and 数据信息精准率 (seed 004) ---------------------------------------------------------------
# seed 004: “对贫困人口识别精准率低于98%的,约谈包抓乡镇的区级领导和乡镇、街道主要领导、分管领导;数据信息精准率
# 低于95%的,约谈区扶贫局主要领导” — the targets, a county's setting (audit targets) with these as defaults.
RATE_TARGETS = {"identification": 98.0, "data": 95.0}
RATE_NAMES = {"identification": "识别精准率", "data": "数据信息精准率"}
# Which findings lower which rate. Both rates are over people (seed 004 counts 贫困人口), every current member of
# the households in scope (the roster holds the registered and monitored households).
# - 识别精准率: a finding that questions whether the household is rightly identified — who is in it, its 属性,
#   a 漏评 — (seed 000 四(一)1 核查精准识别工作: 应纳尽纳…漏评、漏登; 两个以上上大学的学生; 没有登记户口的人员;
#   五保供养). A household is identified as a whole (以户为单位), so all its members count as not accurately
#   identified. 识别精准率 = 1 − members of households with such a finding / members.
# - 数据信息精准率: every other finding of the roster's own data (seed 000 四(一)3: 基础信息不精准、逻辑关系相互
#   矛盾…确保户、表、机保持一致). The roster is one row per person and a household's fields are read from its
#   head's row, so a finding marks its person's row, a household-level one its head's row.
#   数据信息精准率 = 1 − members with such a finding / members.
# - Neither: findings about the help given, not about who is identified or what is recorded (低保一低了之 is a
#   rightly identified household wrongly helped; a missing 帮扶责任人 is seed 000 四(二)1 核查责任落实情况).
# A finding marked 已核实 is checked and right, so it lowers neither rate; a rule switched off is not counted.
IDENTIFICATION_RULES = frozenset({"tekun_with_labour", "member_without_hukou", "two_university_students"})
SUPPORT_RULES = frozenset({"dibao_only", "no_helper", "post_holder"})
# The 回头看 checks (seed 000, quality_rules): policy questions about a household, not typing errors, so a roster
# clean of the data checks may still have findings here.
LOOK_BACK_RULES = frozenset(
    {
        "dibao_only",
        "two_university_students",
        "tekun_with_labour",
        "member_without_hukou",
        "no_helper",
        "post_holder",
    }
)


def rate_of(rule: str) -> str | None:
    """The rate a rule's findings lower: "identification", "data" or None."""
    if rule in IDENTIFICATION_RULES:
        return "identification"
    return None if rule in SUPPORT_RULES else "data"


@dataclass(frozen=True)
class Rates:
    """One village's (or the whole run's) 识别精准率 and 数据信息精准率, from the run's findings."""

    village: str
    households: int
    people: int
    misidentified: int  # people in households with an identification finding
    inaccurate: int  # people whose row carries a data finding
    targets: dict[str, float]

    def fraction(self, which: str) -> Fraction | None:
        """The exact rate (None for a village without people)."""
        wrong = self.misidentified if which == "identification" else self.inaccurate
        return None if not self.people else Fraction(self.people - wrong, self.people)

    def percent(self, which: str) -> float | None:
        """To one decimal, cut (not rounded) so that a rate short of its target never shows as reaching it."""
        exact = self.fraction(which)
        return None if exact is None else math.floor(exact * 1000) / 10

    def below(self, which: str) -> bool:
        exact = self.fraction(which)
        return exact is not None and exact * 100 < Fraction(str(self.targets[which]))

    def text(self) -> str:
        parts = []
        for which, name in RATE_NAMES.items():
            value = self.percent(which)
            target = f"{self.targets[which]:g}%"
            if value is None:
                parts.append(f"{name} —")
            else:
                parts.append(f"{name} {value:.1f}%（{'低于' if self.below(which) else '达到'}{target}）")
        return "，".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "households": self.households,
            "people": self.people,
            "identification": self.percent("identification"),
            "data": self.percent("data"),
            "misidentified_people": self.misidentified,
            "inaccurate_people": self.inaccurate,
            "identification_below_target": self.below("identification"),
            "data_below_target": self.below("data"),
        }


@dataclass
class RunResult:
    findings: list[Finding]
    quiet: list[Finding] = field(default_factory=list)  # verified and unchanged
    by_rule: dict[str, int] = field(default_factory=dict)
    by_village: dict[str, int] = field(default_factory=dict)
    rule_ms: dict[str, float] = field(default_factory=dict)
    milliseconds: int = 0
    rates: dict[str, Rates] = field(default_factory=dict)  # per village (the findings' village names)
    total: Rates | None = None  # the whole run

    def as_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.as_dict() for f in self.findings],
            "counts": self.by_rule,
            "by_village": self.by_village,
            "quiet": len(self.quiet),
            "milliseconds": self.milliseconds,
            "rates": {v: r.as_dict() for v, r in self.rates.items()},
            "rates_total": self.total.as_dict() if self.total else None,
            "rate_targets": dict(self.total.targets) if self.total else dict(RATE_TARGETS),
        }


@dataclass(frozen=True)
class RuleInfo:
    code: str
    kind: str
    name: str
    severity: str
    fields: tuple[str, ...]
    why: str
    fix: str
    enabled: bool
    params: dict[str, Any]


def _config(db: Database) -> dict[str, Any]:
    with db.read() as s:
        return s.scalar(select(Setting.value).where(Setting.key == "audit.rules")) or {}


def rate_targets(db: Database) -> dict[str, float]:
    """The county's targets for the two rates (seed 004's 98 % and 95 % until changed)."""
    with db.read() as s:
        stored = s.scalar(select(Setting.value).where(Setting.key == "audit.rate_targets")) or {}
    return {k: float(stored.get(k, v)) for k, v in RATE_TARGETS.items()}


def set_rate_targets(db: Database, actor: Actor, **targets: float) -> dict[str, float]:
    """Change the targets (percent, 50–100), audited; returns them all."""
    actor.require("settings", "修改精准率目标")
    unknown = set(targets) - set(RATE_TARGETS)
    if unknown:
        raise InputRejected(f"没有这个精准率：{'、'.join(sorted(unknown))}（可选：identification、data）")
    for key, value in targets.items():
        if not isinstance(value, int | float) or not 50 <= value <= 100:
            raise InputRejected(f"{RATE_NAMES[key]}目标“{value}”应在50～100（%）之间")
    before = rate_targets(db)
    after = {**before, **{k: float(v) for k, v in targets.items()}}
    if after != before:
        with db.write() as s:
            s.merge(Setting(key="audit.rate_targets", value=after))
            audit.record(
                s,
                actor.username,
                "audit.rate_targets",
                entity="setting",
                key="audit.rate_targets",
                before=before,
                after=after,
            )
    return after


def _rates(session, village_ids: frozenset[int] | None, result: RunResult, targets: dict[str, float]) -> None:
    """result.rates per village and result.total, from the findings kept (verified ones lower no rate)."""
    # one row per household (its current members counted, its head's code), not one per member
    per_household = (  # grouped on the member table's household index: no sort of every member
        select(
            Member.household_id,
            func.count(Member.id).label("people"),
            func.max(case((Member.relation == "户主", Member.code))).label("head"),
        )
        .where(Member.left_at.is_(None))
        .group_by(Member.household_id)
        .subquery()
    )
    query = (
        select(Township.name + Village.name, Household.code, per_household.c.people, per_household.c.head)
        .join(Household, per_household.c.household_id == Household.id)
        .join(Village, Household.village_id == Village.id)
        .join(Township)
    )
    if village_ids is not None:
        query = query.where(Household.village_id.in_(village_ids))
    people_in: dict[str, dict[str, int]] = {}  # village → household → current members
    village_of: dict[str, str] = {}
    heads: dict[str, str] = {}
    for village, household, people, head in session.connection().execute(query).all():
        people_in.setdefault(village, {})[household] = people
        village_of[household] = village
        if head:
            heads[household] = head
    misidentified: set[str] = set()  # households
    inaccurate: set[tuple[str, str]] = set()  # (household, member)
    for f in result.findings:
        which = rate_of(f.rule)
        if which == "identification":
            misidentified.add(f.household)
        elif which == "data":
            inaccurate.add((f.household, f.person or heads.get(f.household, "")))
    # a person counts once, and only as a current member of that household
    current: set[tuple[str, str]] = set()
    codes = sorted({code for _household, code in inaccurate if code})
    for part in chunks(codes, 900):  # IN lists kept to a size every database takes
        current.update(
            session.connection()
            .execute(
                select(Household.code, Member.code)
                .join(Household, Member.household_id == Household.id)
                .where(Member.code.in_(part), Member.left_at.is_(None))
            )
            .all()
        )
    wrong_data_in: Counter[str] = Counter(
        village_of[h] for h, code in inaccurate if (h, code) in current and h in village_of
    )
    totals = [0, 0, 0, 0]
    for village in sorted(people_in):
        households = people_in[village]
        people = sum(households.values())
        wrong_id = sum(n for h, n in households.items() if h in misidentified)
        wrong_data = wrong_data_in[village]
        result.rates[village] = Rates(village, len(households), people, wrong_id, wrong_data, targets)
        for i, n in enumerate((len(households), people, wrong_id, wrong_data)):
            totals[i] += n
    result.total = Rates("合计", *totals, targets)


def rules(db: Database) -> list[RuleInfo]:
    config = _config(db)
    out = []
    for r in RULES:
        c = config.get(r.code, {})
        out.append(
            RuleInfo(
                r.code,
                r.kind,
                r.name,
                r.severity,
                r.fields,
                r.why,
                r.fix,
                c.get("enabled", True),
                {**r.params, **c.get("params", {})},
            )
        )
    return out


def configure_rule(
    db: Database,
    actor: Actor,
    code: str,
    *,
    enabled: bool | None = None,
    params: dict[str, Any] | None = None,
) -> None:
    """Switch a rule on or off, or change its thresholds (a county's own settings)."""
    actor.require("settings", "修改核查规则")
    rule = BY_CODE.get(code)
    if rule is None:
        raise InputRejected(f"核查规则“{code}”不存在")
    unknown = set(params or {}) - set(rule.params)
    if unknown:
        raise InputRejected(f"规则“{rule.name}”没有参数：{'、'.join(sorted(unknown))}")
    with db.write() as s:
        row = s.get(Setting, "audit.rules")
        config = dict(row.value) if row else {}
        before = dict(config.get(code, {}))
        entry = dict(before)
        if enabled is not None:
            entry["enabled"] = enabled
        if params:
            entry["params"] = {**entry.get("params", {}), **params}
        config[code] = entry
        s.merge(Setting(key="audit.rules", value=config))
        audit.record(
            s, actor.username, "audit.configure", entity="audit_rule", key=code, before=before, after=entry
        )


def configure_rules(
    db: Database, actor: Actor, changes: list[tuple[str, bool | None, dict[str, Any] | None]]
) -> list[str]:
    """The settings table of rules at once: (code, enabled or None, params or None) for each changed rule, all
    checked first and written in one transaction (all or nothing). Returns the codes written."""
    actor.require("settings", "修改核查规则")
    for code, _enabled, params in changes:
        rule = BY_CODE.get(code)
        if rule is None:
            raise InputRejected(f"核查规则“{code}”不存在")
        unknown = set(params or {}) - set(rule.params)
        if unknown:
            raise InputRejected(f"规则“{rule.name}”没有参数：{'、'.join(sorted(unknown))}")
    if not changes:
        return []
    with db.write() as s:
        row = s.get(Setting, "audit.rules")
        config = dict(row.value) if row else {}
        for code, enabled, params in changes:
            before = dict(config.get(code, {}))
            entry = dict(before)
            if enabled is not None:
                entry["enabled"] = enabled
            if params:
                entry["params"] = {**entry.get("params", {}), **params}
            config[code] = entry
            audit.record(
                s,
                actor.username,
                "audit.configure",
                entity="audit_rule",
                key=code,
                before=before,
                after=entry,
            )
        s.merge(Setting(key="audit.rules", value=config))
    return [code for code, _e, _p in changes]


def fingerprint(rule: str, values: tuple) -> str:
    """sha256 of json.dumps([rule, [str(v), …]], ensure_ascii=False) — the text spelled out with json's own C
    string encoder (the same characters; a test holds it to json.dumps): 100,000 findings a county run."""
    text = f"[{_json_string(rule)}, [{', '.join([_json_string(str(v)) for v in values])}]]"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_json_string = json.encoder.encode_basestring  # what json.dumps(…, ensure_ascii=False) writes for a str


def run_audit(
    db: Database,
    actor: Actor,
    *,
    village: str | None = None,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
    record: bool = True,
) -> RunResult:
    """Every enabled rule over the households the actor may see (or one village)."""
    started = time.perf_counter()
    today = today or clock.today()
    infos = {r.code: r for r in rules(db)}
    targets = rate_targets(db)
    with db.read() as s, collector_held():  # a county's run: 100,000 findings and their rows, none cyclic
        village_ids = actor.village_ids
        if village:
            village_ids = frozenset({resolve_village(s, actor, village).id})
        layout = s.scalar(select(Setting.value).where(Setting.key == "roster.layout")) or "legacy"
        verified = {
            (v.rule, v.household_code, v.member_code): v.fingerprint
            for v in s.scalars(select(QualityVerified))
        }
        result = RunResult([])
        enabled = [r for r in RULES if infos[r.code].enabled]
        progress.step(0, len(enabled) + 1, "正在读取成员信息")
        quality_rules.copy_members(s.connection(), village_ids)
        for n, rule in enumerate(enabled, start=1):
            progress.step(n, len(enabled) + 1, f"正在检查：{rule.name}")
            t0 = time.perf_counter()
            scope = Scope(today, village_ids, infos[rule.code].params, layout)
            rows = s.connection().execute(rule.query(scope)).all()  # plain rows: no ORM per-row work
            for finding in _findings(rule, scope, rows):
                key = (finding.rule, finding.household, finding.person)
                (result.quiet if verified.get(key) == finding.fingerprint else result.findings).append(
                    finding
                )
            result.rule_ms[rule.code] = (time.perf_counter() - t0) * 1000
        quality_rules.drop_members(s.connection())
        _rates(s, village_ids, result, targets)
    result.findings.sort(key=lambda f: (f.village, f.rule, f.household, f.person))
    result.by_rule = dict(Counter(f.rule for f in result.findings))
    result.by_village = dict(Counter(f.village for f in result.findings))
    result.milliseconds = int((time.perf_counter() - started) * 1000)
    if record:
        with db.write() as s:
            s.add(
                QualityRun(
                    username=actor.username,
                    scope=village or "",
                    findings=len(result.findings),
                    quiet=len(result.quiet),
                    by_rule=result.by_rule,
                    by_village=result.by_village,
                    milliseconds=result.milliseconds,
                )
            )
    progress.step(len(RULES), len(RULES), "完成")
    return result


def _findings(rule: Rule, scope: Scope, rows: list) -> list[Finding]:
    checked = rule.check(scope, rows) if rule.check else ((r, rule.name) for r in rows)
    out = []
    for row, message in checked:
        household, person, name, village, *values = row
        values_t = tuple("" if v is None else v for v in values)
        out.append(
            Finding(
                rule.code,
                rule.kind,
                rule.name,
                rule.severity,
                household,
                person or "",
                name,
                village,
                rule.fields,
                tuple(str(v) for v in values_t),
                message,
                fingerprint(rule.code, values_t),
            )
        )
    return out


def mark_verified(db: Database, actor: Actor, finding: Finding, reason: str) -> None:
    """已核实: the finding stays quiet until the values it read change."""
    actor.require("household.edit", "标记已核实")
    if not reason.strip():
        raise InputRejected("请写明核实情况（原因不能为空）")
    with db.write() as s:
        row = s.scalar(
            select(QualityVerified).where(
                QualityVerified.rule == finding.rule,
                QualityVerified.household_code == finding.household,
                QualityVerified.member_code == finding.person,
            )
        )
        if row is None:
            row = QualityVerified(
                rule=finding.rule, household_code=finding.household, member_code=finding.person
            )
            s.add(row)
        row.fingerprint, row.reason, row.username, row.at = (
            finding.fingerprint,
            reason.strip(),
            actor.username,
            utcnow(),
        )
        audit.record(
            s,
            actor.username,
            "audit.verify",
            entity="finding",
            key=f"{finding.household}:{finding.rule}",
            after={"person": finding.person, "reason": reason.strip(), "message": finding.message},
        )


def find(result: RunResult, rule: str, household: str, person: str = "") -> Finding:
    for f in result.findings + result.quiet:
        if f.rule == rule and f.household == household and (not person or f.person == person):
            return f
    raise InputRejected(f"本次核查没有该疑点：规则{rule} 户{household} {person}".strip())


@dataclass(frozen=True)
class RunSummary:
    at: datetime
    username: str
    scope: str
    findings: int
    quiet: int
    by_rule: dict[str, int]
    by_village: dict[str, int]


def history(db: Database, limit: int = 50) -> list[RunSummary]:
    with db.read() as s:
        runs = s.scalars(select(QualityRun).order_by(QualityRun.id.desc()).limit(limit))
        return [
            RunSummary(r.at, r.username, r.scope, r.findings, r.quiet, dict(r.by_rule), dict(r.by_village))
            for r in runs
        ]


def _grouped(result: RunResult) -> dict[str, dict[str, Any]]:
    grouped: dict[str, dict[str, Any]] = {}
    for rule in RULES:
        findings = [
            {**f.as_dict(), "field_labels": [BY_KEY[k].label if k in BY_KEY else k for k in f.fields]}
            for f in result.findings
            if f.rule == rule.code
        ]
        if findings:
            grouped[rule.code] = {
                "name": rule.name,
                "severity": rule.severity,
                "why": rule.why,
                "fix": rule.fix,
                "findings": findings,
            }
    return grouped


def _summaries(result: RunResult) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    by_rule = sorted(((BY_CODE[c].name, n) for c, n in result.by_rule.items()), key=lambda x: -x[1])
    by_village = sorted(result.by_village.items(), key=lambda x: -x[1])
    return by_rule, by_village


def export_findings(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    village: str | None = None,
    result: RunResult | None = None,
) -> RunResult:
    """The county's workbook: 汇总 (with the chart) and one sheet per rule."""
    import tempfile

    from desktop.reports.quality_report import (  # lazy: openpyxl loads only when writing a workbook
        findings_workbook,
        summary_chart,
    )

    result = result or run_audit(db, actor, village=village)
    by_rule, by_village = _summaries(result)
    made = clock.today()
    with tempfile.TemporaryDirectory() as tmp:
        chart = summary_chart(by_rule, by_village, Path(tmp) / "chart.png", made=made)
        findings_workbook(
            _grouped(result),
            by_village,
            path,
            chart,
            rates=rate_rows(result),
            rates_title=_rates_title(result),
            made=made,
        )
    return result


def _rates_title(result: RunResult) -> str:
    t = result.total.targets if result.total else RATE_TARGETS
    return f"精准率（目标：识别精准率不低于{t['identification']:g}%，数据信息精准率不低于{t['data']:g}%）"


def rate_rows(result: RunResult) -> list[tuple[str, int, float | None, float | None, str]]:
    """Per village, then 合计: (村, 人数, 识别精准率, 数据信息精准率 as fractions, what falls short)."""
    out = []
    for r in [*result.rates.values(), *([result.total] if result.total else [])]:
        short = "；".join(f"{name}低于{r.targets[w]:g}%" for w, name in RATE_NAMES.items() if r.below(w))
        ident, data = r.percent("identification"), r.percent("data")  # as printed: cut to 0.1 %
        out.append(
            (
                r.village,
                r.people,
                None if ident is None else round(ident / 100, 6),
                None if data is None else round(data / 100, 6),
                short or "达到目标",
            )
        )
    return out


def findings_chart(result: RunResult, path: str | Path) -> Path:
    from desktop.reports.quality_report import (  # lazy: openpyxl loads only when writing a workbook
        summary_chart,  # lazy: openpyxl loads only when writing a workbook
    )

    by_rule, by_village = _summaries(result)
    return summary_chart(by_rule, by_village, path, made=clock.today())


def findings_ledger(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    village: str | None = None,
    result: RunResult | None = None,
):
    """疑点核查台账 on the ledger layout: one row per finding, a count per village and in total; each village's
    识别精准率 and 数据信息精准率 (seed 004) on a row closing its group."""
    from desktop.reports.ledger import (  # lazy: reportlab loads only when printing
        Column,
        Ledger,
        render_ledger_pdf,
    )

    result = result or run_audit(db, actor, village=village)
    grouped: dict[str, list[list]] = {}
    for i, f in enumerate(result.findings, start=1):
        grouped.setdefault(f.village, []).append(
            [i, f.village, f.household, f.name, f.rule_name, f.message, "", 1]
        )
    rows: list[list] = []
    for name in sorted(set(grouped) | set(result.rates)):
        rows += grouped.get(name, [])
        if name in result.rates:  # the village's 识别精准率 and 数据信息精准率 (seed 004) close its group
            rows.append(["", name, "", "", "精准率", result.rates[name].text(), "", 0])

    with db.read() as s:
        towns = list(s.scalars(select(Township.name).distinct()))
    township = towns[0] if len(towns) == 1 else ""
    ledger = Ledger(
        f"{township}疑点核查台账{('（' + village + '）') if village else ''}",
        [
            Column("序号", "center"),
            Column("村", "center", min_chars=6),
            Column("户编号", "center"),
            Column("姓名", "center", min_chars=3),
            Column("规则", min_chars=8),
            Column("疑点说明"),
            Column("核实情况", min_chars=8),
            Column("疑点数", "right", total=True),
        ],
        rows,
        unit=township_issuer(db, township) if township else "",
        period=f"截至{clock.cn_date(clock.today())}",
        measure="单位：条",
        group_col=1,
        made=clock.today(),
        stamp=audit.stamp(db),
    )
    return render_ledger_pdf(ledger, path)
