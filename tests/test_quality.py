"""疑点核查: the checks the county will run, found first; verified findings that remember."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.cli import main
from desktop.errors import InputRejected, PermissionDenied
from desktop.services.quality import quality
from desktop.services.roster.roster_import import import_roster
from desktop.services.system.actor import Actor
from tests.conftest import ADMIN_PASSWORD, DATA
from tests.rosters import edited

ROSTER_10K = Path(__file__).resolve().parent / "data" / "roster-10k.xlsx"  # the tests' own copy


@pytest.fixture
def audited(db, admin, sample):
    import_roster(db, admin, sample("roster-audit.xlsx"))
    # the roster's planted data problems only: the 回头看 checks have their own tests (test_quality_rules_more)
    for code in quality.LOOK_BACK_RULES:
        quality.configure_rule(db, admin, code, enabled=False)
    return db


def test_every_expected_finding_is_reported_and_nothing_on_anyone_else(audited, admin):
    expected = json.loads((DATA / "roster-audit.expected.json").read_text("utf-8"))["findings"]
    result = quality.run_audit(audited, admin)
    got = {(f.kind, f.household, f.person) for f in result.findings}
    want = {(e["kind"], e["household"], e["person"]) for e in expected}
    assert want <= got
    flagged = {e["person"] for e in expected}
    # Anything beyond the list is a further true problem of the same people (e.g. 30 years old in 九年级).
    assert {f.person for f in result.findings} == flagged
    assert all(f.message for f in result.findings)


@pytest.mark.parametrize("name", ["roster-small.xlsx", "roster-messy.xlsx", "roster-2021-small.xlsx"])
def test_clean_rosters_have_no_findings(db, admin, sample, name):
    import_roster(db, admin, sample(name))
    # clean of data problems; the 回头看 checks (低保一低了之, 特困 with labour …) may still ask about a household
    assert [f for f in quality.run_audit(db, admin).findings if f.rule not in quality.LOOK_BACK_RULES] == []


def test_the_10k_roster_is_clean(db, admin):
    import_roster(db, admin, ROSTER_10K, write_errors_file=False)
    result = quality.run_audit(db, admin)
    data = [f for f in result.findings if f.rule not in quality.LOOK_BACK_RULES]
    assert data == [], data[:3]


def test_verified_finding_stays_quiet_until_its_data_changes(audited, admin, sample, tmp_path):
    result = quality.run_audit(audited, admin)
    phone = quality.find(result, "phone_not_11_digits", "41142410320300005")
    with pytest.raises(InputRejected):
        quality.mark_verified(audited, admin, phone, "  ")
    quality.mark_verified(audited, admin, phone, "座机号码，已电话核实")
    again = quality.run_audit(audited, admin)
    assert phone not in again.findings and phone in again.quiet
    # The phone changes (still not 11 digits): the finding comes back.
    source = sample("roster-audit.xlsx")

    def edit(header, data):
        data = [list(r) for r in data]
        for row in data:
            if str(row[header.index("户编号")]) == "41142410320300005":
                row[header.index("联系电话")] = "037088887"
        return data

    import_roster(audited, admin, edited(source, tmp_path / "changed.xlsx", edit))
    back = quality.run_audit(audited, admin)
    assert [f.message for f in back.findings if f.household == "41142410320300005"] == [
        "联系电话“037088887”不是11位手机号（9位）"
    ]


def test_fixing_the_data_removes_the_finding(audited, admin, sample, tmp_path):
    def edit(header, data):
        data = [list(r) for r in data]
        for row in data:
            if str(row[header.index("人编号")]) == "4114241022050004201":  # 初中 + 九年级
                row[header.index("在校生状况")] = ""
        return data

    before = quality.run_audit(audited, admin)
    import_roster(audited, admin, edited(sample("roster-audit.xlsx"), tmp_path / "fixed.xlsx", edit))
    after = quality.run_audit(audited, admin)
    assert [f for f in after.findings if f.person == "4114241022050004201"] == []
    assert len(after.findings) == len(before.findings) - 2  # both findings of that person are gone


def test_a_county_switches_rules_off_and_changes_thresholds(audited, admin):
    quality.configure_rule(audited, admin, "phone_not_11_digits", enabled=False)
    assert not [f for f in quality.run_audit(audited, admin).findings if f.rule == "phone_not_11_digits"]
    quality.configure_rule(audited, admin, "labour_elderly_full_time", params={"min_age": 80})
    assert not [f for f in quality.run_audit(audited, admin).findings if f.rule == "labour_elderly_full_time"]
    with pytest.raises(InputRejected):
        quality.configure_rule(audited, admin, "labour_elderly_full_time", params={"nonsense": 1})
    with pytest.raises(PermissionDenied):
        quality.configure_rule(audited, Actor("c", "clerk"), "young_head", enabled=False)


def test_runs_are_remembered_with_counts_per_rule_and_village(audited, admin):
    quality.run_audit(audited, admin)
    quality.run_audit(audited, admin, village="柘城县黄岗镇/张集村")
    latest, first = quality.history(audited)[:2]
    assert first.findings == 12 and first.by_rule["phone_not_11_digits"] == 2
    assert latest.scope == "柘城县黄岗镇/张集村" and latest.findings == 1


def test_export_has_a_summary_and_one_sheet_per_rule(audited, admin, tmp_path):
    out = tmp_path / "audit.xlsx"
    result = quality.export_findings(audited, admin, out)
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) == 1 + len(result.by_rule)
    phones = wb["联系电话不是11位手机号"]
    rows = [r for r in phones.iter_rows(min_row=3, values_only=True)]
    assert {r[2] for r in rows} == {"41142410320300005", "41142110221200025"}
    assert phones.cell(row=3, column=3).number_format == "@"
    assert rows[0][6] == "联系电话、成员联系电话"  # field names in Chinese for the county
    summary = {
        r[0]: r[3] for r in wb["汇总"].iter_rows(min_row=3, values_only=True) if r[0] in quality.BY_CODE
    }
    assert summary == result.by_rule


def test_findings_ledger_and_chart(audited, admin, tmp_path):
    import pdfplumber

    result = quality.run_audit(audited, admin)
    info = quality.findings_ledger(audited, admin, tmp_path / "ledger.pdf", result=result)
    with pdfplumber.open(tmp_path / "ledger.pdf") as pdf:
        text = "".join(p.extract_text() for p in pdf.pages)
    # the 12 findings, and each village's 精准率 row closing its group (seed 004)
    assert info.rows == 12 + len(result.rates) and "合计" in text and "疑点核查台账" in text
    chart = quality.findings_chart(quality.run_audit(audited, admin), tmp_path / "chart.png")
    assert chart.stat().st_size > 10_000


def test_cli_audit_run_json_exits_0_with_findings(db_url, audited, capsys, monkeypatch, cli_login):
    assert main(["--db", db_url, "audit", "run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["labour_idle_working_age"] == 2
    assert {"rule", "household", "person", "fields", "message"} <= set(data["findings"][0])
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    assert (
        main(
            [
                "--db",
                db_url,
                "audit",
                "verify",
                "--rule",
                "phone_not_11_digits",
                "--household",
                "41142410320300005",
                "--reason",
                "座机",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["--db", db_url, "audit", "run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["quiet"] == 1


def test_a_findings_fingerprint_is_the_sha256_of_its_json_as_stored_by_earlier_versions():
    # verified findings keep the fingerprint they were stored with: it must not change with how it is computed
    import hashlib

    for values in [
        (),
        ("",),
        ("王花国", "1.5", "0"),
        ('引号"与\\反斜杠', "换\n行", "\x01\u2028", "é🙂"),
        (12, None),
    ]:
        text = json.dumps(["phone_not_11_digits", [str(v) for v in values]], ensure_ascii=False)
        assert quality.fingerprint("phone_not_11_digits", values) == hashlib.sha256(text.encode()).hexdigest()
