"""疑点核查: run the rule registry over the households, remember verified findings, keep a history of runs."""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.db import Database
from desktop.models import QualityRun, QualityVerified, Setting, Township
from desktop.models.base import utcnow
from desktop.services import audit
from desktop.services.errors import InputRejected
from desktop.services.households import resolve_village
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.quality_rules import BY_CODE, RULES, Rule, Scope
from desktop.services.roster_fields import BY_KEY

__all__ = ["BY_CODE", "RULES"]
from desktop import clock
from desktop.services.users import Actor


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


@dataclass
class RunResult:
    findings: list[Finding]
    quiet: list[Finding] = field(default_factory=list)  # verified and unchanged
    by_rule: dict[str, int] = field(default_factory=dict)
    by_village: dict[str, int] = field(default_factory=dict)
    rule_ms: dict[str, float] = field(default_factory=dict)
    milliseconds: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.as_dict() for f in self.findings],
            "counts": self.by_rule,
            "by_village": self.by_village,
            "quiet": len(self.quiet),
            "milliseconds": self.milliseconds,
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


def fingerprint(rule: str, values: tuple) -> str:
    text = json.dumps([rule, [str(v) for v in values]], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    with db.read() as s:
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
        for n, rule in enumerate(enabled):
            progress.step(n, len(enabled), f"正在检查：{rule.name}")
            t0 = time.perf_counter()
            scope = Scope(today, village_ids, infos[rule.code].params, layout)
            rows = list(s.execute(rule.query(scope)))
            for finding in _findings(rule, scope, rows):
                key = (finding.rule, finding.household, finding.person)
                (result.quiet if verified.get(key) == finding.fingerprint else result.findings).append(
                    finding
                )
            result.rule_ms[rule.code] = (time.perf_counter() - t0) * 1000
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

    from desktop.reports.quality_report import findings_workbook, summary_chart

    result = result or run_audit(db, actor, village=village)
    by_rule, by_village = _summaries(result)
    with tempfile.TemporaryDirectory() as tmp:
        chart = summary_chart(by_rule, by_village, Path(tmp) / "chart.png")
        findings_workbook(_grouped(result), by_village, path, chart)
    return result


def findings_chart(result: RunResult, path: str | Path) -> Path:
    from desktop.reports.quality_report import summary_chart

    by_rule, by_village = _summaries(result)
    return summary_chart(by_rule, by_village, path)


def findings_ledger(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    village: str | None = None,
    result: RunResult | None = None,
):  # noqa: ANN201
    """疑点核查台账 on the ledger layout: one row per finding, a count per village and in total."""
    from desktop.reports.ledger import Column, Ledger, render_ledger_pdf

    result = result or run_audit(db, actor, village=village)
    rows = [
        [i, f.village, f.household, f.name, f.rule_name, f.message, "", 1]
        for i, f in enumerate(result.findings, start=1)
    ]
    from desktop.services.printing import township_issuer

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
        stamp=audit.stamp(db),
    )
    return render_ledger_pdf(ledger, path)
