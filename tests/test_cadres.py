"""帮扶干部: the registry, pairing (结对) with its boundaries, households without a helper (a 疑点 and a list), the
import from the roster's 帮扶责任人 column, visits by a registry cadre, and 遍访 coverage figures for a known set
of visits under the seed 001/002 rules."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from desktop import clock
from desktop.cli import main
from desktop.errors import InputRejected, PermissionDenied
from desktop.models import Household, Member, Township, Village, Visit
from desktop.services.cadres import cadre_reports, cadres
from desktop.services.cadres.coverage_rules import DEFAULT_RULES
from desktop.services.plans import plan_reports, plans
from desktop.services.quality import quality
from desktop.services.system.actor import Actor
from tests.pdfcheck import page_text

NOW = datetime(
    2026, 7, 15, 9, 0, tzinfo=clock.OFFICE_TZ
)  # after 30 June and the second quarter, in the third
# 甲村: A, B 未脱贫 (建档立卡, not exited); C 脱贫户; D 边缘易致贫户 (monitored); G 一般农户. 乙村: E 未脱贫; F 脱贫户.
HOUSES = {
    "A": ("甲村", "", "一般贫困户", None, "张甲", "李帮", "13800000001"),
    "B": ("甲村", "", "低保贫困户", None, "王乙", "李帮", "13800000001"),
    "C": ("甲村", "脱贫户", "一般贫困户", 2019, "赵丙", "", ""),
    "D": ("甲村", "边缘易致贫户", "一般农户", None, "钱丁", "孙援", "13900000002"),
    "G": ("甲村", "一般农户", "一般农户", None, "周戊", "", ""),
    "E": ("乙村", "", "一般贫困户", None, "吴己", "孙援", "139-0000-0002"),
    "F": ("乙村", "脱贫户", "一般贫困户", 2020, "郑庚", "李帮", "13800000001"),
}


def code(key: str) -> str:
    return f"4114231010010000{ord(key) - 60:02d}"


@pytest.fixture
def town(db, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    with db.write() as s:
        t = Township(county="民权县", name="城关镇")
        s.add(t)
        s.flush()
        ids = {}
        for name in ("甲村", "乙村"):
            v = Village(township_id=t.id, name=name)
            s.add(v)
            s.flush()
            ids[name] = v.id
        for key, (village, kind, ptype, exit_year, head, helper, phone) in HOUSES.items():
            attrs = {"helper": helper, "helper_phone": phone}
            if exit_year:
                attrs["exit_year"] = exit_year
            h = Household(
                code=code(key),
                village_id=ids[village],
                head_name=head,
                size=1,
                household_kind=kind,
                poverty_type=ptype,
                attrs=attrs,
            )
            h.members.append(Member(code=f"{code(key)}01", name=head, relation="户主", sex="男"))
            s.add(h)
    return db


def _visit(db, admin, cadre_id: int, key: str, on: date) -> None:
    plans.add_visit(db, admin, code(key), on, cadre_id=cadre_id, findings="了解生产生活情况")


# --- the registry ---------------------------------------------------------------------------------------------


def test_a_cadre_is_checked_entered_and_listed(town, admin):
    with pytest.raises(InputRejected, match="职务“组长”无效"):
        cadres.add_cadre(town, admin, "李明", "组长")
    with pytest.raises(InputRejected, match="请填写干部姓名"):
        cadres.add_cadre(town, admin, " ", "帮扶责任人")
    with pytest.raises(InputRejected, match="联系电话“1380000”无效"):
        cadres.add_cadre(town, admin, "李明", "帮扶责任人", phone="1380000")
    with pytest.raises(InputRejected, match="单位类别“县委”无效"):
        cadres.add_cadre(town, admin, "李明", "帮扶责任人", unit_kind="县委")
    with pytest.raises(InputRejected, match="不合理"):
        cadres.add_cadre(town, admin, "李明", "帮扶责任人", active_from=date(2026, 7, 16))  # tomorrow
    cid = cadres.add_cadre(
        town, admin, "李明", "村党支部书记", unit_kind="村", unit="甲村", village="甲村", phone="13812345678"
    )
    village_clerk = Actor("wenshu", "village_clerk", village_ids=frozenset({1}))
    with pytest.raises(PermissionDenied, match="乡镇扶贫办"):
        cadres.add_cadre(town, village_clerk, "王五", "帮扶责任人")
    [c] = cadres.cadres(town, admin)
    assert (c.id, c.name, c.post, c.village, c.phone, c.paired) == (
        cid,
        "李明",
        "村党支部书记",
        "甲村",
        "13812345678",
        0,
    )
    cadres.edit_cadre(
        town, admin, cid, name="李明", post="村委会主任", unit_kind="村", unit="甲村", village="甲村"
    )
    assert cadres.cadres(town, admin)[0].post == "村委会主任"


def test_leaving_the_post_ends_the_pairings_and_the_last_day_still_counts(town, admin):
    cid = cadres.add_cadre(town, admin, "李帮", "帮扶责任人", active_from=date(2026, 1, 1))
    cadres.pair(town, admin, cid, [code("A"), code("B")], on=date(2026, 1, 1))
    with pytest.raises(InputRejected, match="离任原因"):
        cadres.end_cadre(town, admin, cid, "", on=date(2026, 6, 30))
    with pytest.raises(InputRejected, match="早于任职日期"):
        cadres.end_cadre(town, admin, cid, "调离", on=date(2025, 12, 31))
    assert cadres.end_cadre(town, admin, cid, "调离", on=date(2026, 6, 30)) == 2
    # in post on the last day (included), not the day after
    _visit(town, admin, cid, "A", date(2026, 6, 30))
    with pytest.raises(InputRejected, match="已于2026年6月30日离任"):
        _visit(town, admin, cid, "A", date(2026, 7, 1))
    assert cadres.cadres(town, admin) == []
    assert [c.name for c in cadres.cadres(town, admin, on=date(2026, 6, 30))] == ["李帮"]
    ended = cadres.pairings(town, admin, cadre_id=cid)
    assert {(p.ended_on, p.end_reason) for p in ended} == {(date(2026, 6, 30), "干部离任：调离")}
    with pytest.raises(InputRejected, match="已于2026年6月30日离任"):
        cadres.end_cadre(town, admin, cid, "再次")


# --- pairing and the households without a helper ----------------------------------------------------------------


def _unpaired(db, admin, on=None) -> list[str]:
    return [u.code for u in cadres.unpaired(db, admin, on=on)]


def test_every_registered_and_monitored_household_needs_a_pairing(town, admin):
    # A, B, E 未脱贫, C, F 脱贫户 (registered), D 边缘易致贫户 (monitored); G 一般农户 needs none
    assert sorted(_unpaired(town, admin)) == [code(k) for k in "ABCDEF"]
    found = [f for f in quality.run_audit(town, admin, record=False).findings if f.rule == "no_helper"]
    assert sorted(f.household for f in found) == [code(k) for k in "ABCDEF"]
    message = next(f.message for f in found if f.household == code("A"))
    assert "没有结对帮扶干部（花名册填写的帮扶责任人“李帮”" in message  # the roster's name, not yet imported
    assert "花名册也未填写" in next(f.message for f in found if f.household == code("C"))

    cid = cadres.add_cadre(town, admin, "赵帮", "帮扶责任人")
    [pid] = cadres.pair(town, admin, cid, [code("C")], on=date(2026, 7, 1))
    assert code("C") not in _unpaired(town, admin)
    assert code("C") in _unpaired(town, admin, on=date(2026, 6, 30))  # the day before the pairing began
    with pytest.raises(InputRejected, match="已与"):
        cadres.pair(town, admin, cid, [code("D"), code("C")])  # all or nothing: D is not paired either
    assert code("D") in _unpaired(town, admin)
    with pytest.raises(InputRejected, match="同一户选了两次"):
        cadres.pair(town, admin, cid, [code("D"), code("D")])
    # a monitored household by its confirmed card colour (plans.monitored): G with a 蓝卡 needs a helper too
    plans.set_threshold(town, admin, 2026, 400000, 400000, 500000)
    plans.set_income(town, admin, code("G"), 2026, wage=450000)
    plans.confirm_colour(town, admin, code("G"), 2026)
    assert code("G") in _unpaired(town, admin)

    with pytest.raises(InputRejected, match="原因"):
        cadres.unpair(town, admin, pid, " ")
    with pytest.raises(InputRejected, match="早于结对日期"):
        cadres.unpair(town, admin, pid, "调整", on=date(2026, 6, 30))
    cadres.unpair(town, admin, pid, "调整帮扶人", on=date(2026, 7, 14))
    assert code("C") in _unpaired(town, admin)  # ended yesterday
    assert code("C") not in _unpaired(town, admin, on=date(2026, 7, 14))  # its last day still counts
    [history] = cadres.pairings(town, admin, code=code("C"))
    assert (history.end_reason, history.ended_on) == ("调整帮扶人", date(2026, 7, 14))


def test_the_roster_helper_column_becomes_the_registry_once(town, admin):
    assert cadres.registry_empty(town)
    report = cadres.import_pairing(town, admin)
    # 李帮 (A, B, F) and 孙援 (D, E: the same number written with dashes) — one cadre each
    assert sorted(report.cadres_made) == ["孙援 13900000002", "李帮 13800000001"]
    assert (report.pairings_made, report.already_paired, report.without_helper) == (5, 0, 2)
    assert report.started_on == date(2026, 1, 1)
    assert _unpaired(town, admin) == [code("C")]
    found = {c.name: c for c in cadres.cadres(town, admin)}
    assert (found["李帮"].post, found["李帮"].paired, found["孙援"].paired) == ("帮扶责任人", 3, 2)
    again = cadres.import_pairing(town, admin)
    assert (again.cadres_made, again.pairings_made, again.already_paired) == ([], 0, 5)
    assert len(cadres.cadres(town, admin)) == 2
    # the plan, the 明白卡 and the plan sheet read the paired helper from the registry
    assert plans.plan(town, admin, code("A"), 2026).helper == "李帮"
    cid = found["李帮"].id
    cadres.edit_cadre(town, admin, cid, name="李帮", post="帮扶责任人", phone="13811112222")
    view = plans.plan(town, admin, code("A"), 2026)
    assert (view.helper, view.helper_phone) == ("李帮", "13811112222")


def test_the_plan_sheet_prints_the_paired_helper(town, admin, tmp_path):
    assert plans.plan(town, admin, code("A"), 2026).helper == "李帮"  # the roster's, until a pairing
    cid = cadres.add_cadre(town, admin, "周书记", "驻村第一书记", unit_kind="驻村工作队", phone="13700000003")
    cadres.pair(town, admin, cid, [code("A")], on=date(2026, 3, 1))
    out = tmp_path / "plan.pdf"
    plan_reports.plan_sheet(town, admin, code("A"), 2026, out)
    text = "".join(page_text(out))
    assert "周书记" in text and "13700000003" in text and "李帮" not in text
    # the monitoring ledger too: D (边缘易致贫户) has the roster's 孙援 until a pairing, then the newest pairing
    ledger = tmp_path / "monitoring.pdf"
    plan_reports.monitoring_ledger(town, admin, ledger, year=2026)
    assert "孙援" in "".join(page_text(ledger))
    cadres.import_pairing(town, admin)
    cadres.pair(town, admin, cid, [code("D")], on=date(2026, 3, 1))
    plan_reports.monitoring_ledger(town, admin, ledger, year=2026)
    text = "".join(page_text(ledger))
    assert "周书记" in text and "孙援" not in text


# --- visits by a registry cadre -------------------------------------------------------------------------------


def test_a_visit_by_a_cadre_keeps_their_name_and_post(town, admin):
    cid = cadres.add_cadre(town, admin, "王书记", "乡镇党委书记", unit_kind="乡镇", unit="城关镇")
    _visit(town, admin, cid, "A", date(2026, 7, 1))
    plans.add_visit(town, admin, code("A"), date(2026, 7, 2), "老李")  # text as before
    with pytest.raises(InputRejected, match="请填写走访人"):
        plans.add_visit(town, admin, code("A"), date(2026, 7, 2))
    with pytest.raises(InputRejected, match="帮扶干部编号999不存在"):
        plans.add_visit(town, admin, code("A"), date(2026, 7, 2), cadre_id=999)
    got = [(v.visitor, v.post, v.cadre_id) for v in plans.visits(town, admin, code("A"))]
    assert got == [("老李", "", None), ("王书记", "乡镇党委书记", cid)]
    with town.read() as s:
        assert s.scalar(select(Visit.visitor_post).where(Visit.cadre_id == cid)) == "乡镇党委书记"


# --- coverage --------------------------------------------------------------------------------------------------


@pytest.fixture
def visited(town, admin):
    """A known set of visits up to 15 July 2026."""
    ids = {
        "shuji": cadres.add_cadre(town, admin, "王书记", "乡镇党委书记", unit_kind="乡镇", unit="城关镇"),
        "cun": cadres.add_cadre(
            town, admin, "刘支书", "村党支部书记", unit_kind="村", unit="甲村", village="甲村"
        ),
        "bang": cadres.add_cadre(town, admin, "李帮", "帮扶责任人", unit_kind="县直单位", unit="县民政局"),
    }
    cadres.pair(town, admin, ids["bang"], [code("A")], on=date(2026, 1, 1))
    cadres.pair(town, admin, ids["bang"], [code("F")], on=date(2026, 4, 1))
    _visit(town, admin, ids["shuji"], "E", date(2026, 3, 1))
    _visit(town, admin, ids["shuji"], "A", date(2026, 6, 30))  # the last day of “6月底前” counts
    _visit(town, admin, ids["shuji"], "B", date(2026, 7, 1))  # a day late for that rule
    _visit(town, admin, ids["cun"], "C", date(2026, 2, 1))
    _visit(town, admin, ids["cun"], "E", date(2026, 2, 2))  # another village: not 刘支书's to visit
    _visit(town, admin, ids["bang"], "A", date(2026, 3, 31))
    _visit(town, admin, ids["bang"], "F", date(2026, 4, 1))
    plans.add_visit(
        town, admin, code("B"), date(2026, 5, 1), "王书记"
    )  # typed, not the registry's: not counted
    return ids


def _rows(cov, rule: str) -> list[tuple]:
    return [
        (r.cadre, r.village, r.period, r.due, r.done, r.state, [c for c, _ in r.behind])
        for r in cov.rows
        if r.rule == rule
    ]


def test_coverage_figures_for_a_known_set_of_visits(visited, admin, town):
    cov = cadres.coverage(town, admin, 2026)
    assert cov.on == date(2026, 7, 15)
    # seed 001: 乡镇书记/乡镇长 visit every 未脱贫户 by 30 June
    assert _rows(cov, "乡镇党政主要领导遍访未脱贫户") == [
        ("王书记", "乙村", "2026年6月30日前", 1, 1, "已完成", []),
        ("王书记", "甲村", "2026年6月30日前", 2, 1, "未完成", [code("B")]),
    ]
    # seed 001: 村书记/主任 visit every registered household of their village within the year (A, B, C)
    assert _rows(cov, "村党组织书记、村委会主任遍访贫困户") == [
        ("刘支书", "甲村", "2026年", 3, 1, "进行中", [code("A"), code("B")])
    ]
    # the paired helper, every quarter begun: Q1 only A (F paired from April), Q2 A and F, Q3 running
    assert _rows(cov, "结对帮扶干部走访结对户") == [
        ("李帮", "甲村", "2026年第1季度", 1, 1, "已完成", []),
        ("李帮", "乙村", "2026年第2季度", 1, 1, "已完成", []),
        ("李帮", "甲村", "2026年第2季度", 1, 0, "未完成", [code("A")]),
        ("李帮", "乙村", "2026年第3季度", 1, 0, "进行中", [code("F")]),
        ("李帮", "甲村", "2026年第3季度", 1, 0, "进行中", [code("A")]),
    ]
    assert not _rows(cov, "党政领导班子成员每季度带队走访")  # seed 002's rule is off by default
    by_village = cov.totals(lambda r: r.village)
    assert by_village == {"甲村": (2 + 3 + 1 + 1 + 1, 1 + 1 + 1 + 0 + 0), "乙村": (1 + 1 + 1, 1 + 1 + 0)}
    assert cov.totals(lambda r: r.post)["村党支部书记"] == (3, 1)
    assert {r.cadre for r in cov.behind_rows} == {"王书记", "刘支书", "李帮"}
    # a day earlier the first rule's window has not closed: 进行中, not 未完成
    early = cadres.coverage(town, admin, 2026, on=date(2026, 6, 30))
    assert _rows(early, "乡镇党政主要领导遍访未脱贫户")[1][5] == "进行中"
    assert [r[2] for r in _rows(early, "结对帮扶干部走访结对户")] == [
        "2026年第1季度",
        "2026年第2季度",
        "2026年第2季度",
    ]
    # a village clerk's view: their village only
    clerk = Actor("wenshu", "village_clerk", village_ids=frozenset({_village_id(town, "乙村")}))
    assert {r.village for r in cadres.coverage(town, clerk, 2026).rows} == {"乙村"}


def _village_id(db, name: str) -> int:
    with db.read() as s:
        return s.scalar(select(Village.id).where(Village.name == name))


def test_seed_002_leaders_twice_a_quarter_when_switched_on(visited, admin, town):
    rules = [r.as_dict() for r in DEFAULT_RULES]
    rules[2]["enabled"] = True
    cadres.set_rules(town, admin, rules)
    rows = _rows(cadres.coverage(town, admin, 2026), "党政领导班子成员每季度带队走访")
    # visits of registered households by 王书记: Q1 E (3-01); Q2 A (6-30); Q3 B (7-01) — twice needed each
    assert rows == [
        ("王书记", "", "2026年第1季度", 2, 1, "未完成", []),
        ("王书记", "", "2026年第2季度", 2, 1, "未完成", []),
        ("王书记", "", "2026年第3季度", 2, 1, "进行中", []),
    ]
    _visit(town, admin, visited["shuji"], "C", date(2026, 7, 15))
    assert _rows(cadres.coverage(town, admin, 2026), "党政领导班子成员每季度带队走访")[2][4:6] == (
        2,
        "已完成",
    )


def test_the_rules_setting_is_checked_rule_by_rule(town, admin):
    bad = [r.as_dict() for r in DEFAULT_RULES]
    bad[1]["posts"] = ["组长"]
    with pytest.raises(InputRejected, match="第2条规则“村党组织书记、村委会主任遍访贫困户”：职务应从"):
        cadres.set_rules(town, admin, bad)
    bad = [DEFAULT_RULES[0].as_dict() | {"until": "06-31"}]
    with pytest.raises(InputRejected, match="截止日期应写成"):
        cadres.set_rules(town, admin, bad)
    bad = [DEFAULT_RULES[3].as_dict() | {"until": "06-30"}]  # a quarterly rule has no deadline
    with pytest.raises(InputRejected, match="截止日期只用于每年的规则"):
        cadres.set_rules(town, admin, bad)
    assert all("默认值" in r.source for r in cadres.rules(town))


def test_the_coverage_ledger_prints_who_is_behind(visited, admin, town, tmp_path):
    out = tmp_path / "coverage.pdf"
    printed = cadre_reports.coverage_ledger(town, admin, out, year=2026)
    text = "".join(page_text(out))
    for word in (
        "2026年度干部遍访台账",
        "王书记",
        "刘支书",
        "李帮",
        "乡镇党委书记",
        "王乙",
        "未完成",
        "进行中",
        "甲村",
    ):
        assert word in text, word
    assert "13800000001" not in text
    assert printed.rows == 8
    book = tmp_path / "coverage.xlsx"
    cadre_reports.coverage_ledger(town, admin, book, year=2026, xlsx=True)
    cells = [
        str(c.value) for row in load_workbook(book).active.iter_rows() for c in row if c.value is not None
    ]
    assert "张甲、王乙" in cells and "2026年第2季度" in cells
    rules = [r.as_dict() for r in DEFAULT_RULES]
    rules[2]["enabled"] = True  # seed 002's count of visits: said in 完成情况, not added to the households
    cadres.set_rules(town, admin, rules)
    cadre_reports.coverage_ledger(town, admin, out, year=2026)
    text = "".join(page_text(out))
    assert text.count("已访1/2次") == 3 and "全乡镇小计" in text
    printed = cadre_reports.coverage_ledger(town, admin, out, year=2026, behind_only=True)
    text = "".join(page_text(out))
    assert "（未完成部分）" in text and "已完成" not in text and printed.rows == 8  # 3 + 5 of 11 rows


# --- command line ----------------------------------------------------------------------------------------------


def test_cadre_commands(town, cli_login, db_url, capsys, tmp_path):
    def run(*a):
        capsys.readouterr()
        rc = main(["--db", db_url, "--json", *a])
        out = capsys.readouterr().out
        return rc, json.loads(out) if out.strip() else None

    rc, data = run("cadres", "import-pairing")
    assert rc == 0 and data["pairings_made"] == 5
    rc, data = run(
        "cadres",
        "add",
        "--name",
        "王书记",
        "--post",
        "乡镇党委书记",
        "--unit-kind",
        "乡镇",
        "--unit",
        "城关镇",
    )
    assert rc == 0
    shuji = data["cadre"]
    assert run("cadres", "add", "--name", "王五", "--post", "组长")[0] == 2
    rc, data = run("cadres", "list")
    assert rc == 0 and {c["name"] for c in data["cadres"]} == {"李帮", "孙援", "王书记"}
    rc, data = run("cadres", "unpaired")
    assert [h["household"] for h in data["households"]] == [code("C")]
    assert run("cadres", "pair", str(shuji), code("C"), "--date", "2026-07-01")[0] == 0
    rc, data = run("cadres", "pairings", "--household", code("C"))
    [pairing] = data["pairings"]
    assert pairing["cadre"] == "王书记"
    assert run("plan", "visit", code("A"), "--cadre", str(shuji), "--date", "2026-06-01")[0] == 0
    rc, data = run("cadres", "coverage", "--year", "2026", "--behind")
    rows = [r for r in data["rows"] if r["rule"] == "乡镇党政主要领导遍访未脱贫户"]
    assert [(r["village"], r["due"], r["done"]) for r in rows] == [("乙村", 1, 0), ("甲村", 2, 1)]
    assert [b["household"] for b in rows[1]["behind"]] == [code("B")]
    assert run("cadres", "unpair", str(pairing["id"]), "--reason", "调整")[0] == 0
    assert run("cadres", "end", str(shuji), "--reason", "调离")[0] == 0
    rc, data = run("cadres", "rules")
    assert rc == 0 and len(data["rules"]) == 4
    rc, data = run("print", "ledger", "coverage", "--year", "2026", "--out", str(tmp_path / "c.pdf"))
    assert rc == 0 and data["pages"] >= 1
