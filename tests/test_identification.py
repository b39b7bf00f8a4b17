"""识别 rounds: 初选 → 村公示 → 乡审核 → 县审定 in order and dated, households from the roster, removal with a reason
before 乡审核, and the identification notice that prints a round's list — never the whole village."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from desktop import clock
from desktop.cli import main
from desktop.errors import InputRejected, NotFound, PermissionDenied, Refused
from desktop.services.households import printing
from desktop.services.plans import identification
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import audit_log, users
from desktop.services.system.actor import Actor
from tests.pdfcheck import page_text

VILLAGE = "民权县石桥镇/赵寨村"
HOUSEHOLDS = ["41142110220500019", "41142110220500026"]  # the two households of 民权县石桥镇/赵寨村
OTHER = "41142110420200002"  # 民权县柳河镇/王楼村
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=clock.OFFICE_TZ)


@pytest.fixture
def roster(db, admin, sample, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    import_roster(db, admin, sample("roster-small.xlsx"))
    return db


@pytest.fixture
def posted(roster, admin):
    """A round of 赵寨村 with both households, in its 村公示 from 2026-11-20 for 7 days."""
    rid = identification.create_round(roster, admin, VILLAGE, 2026, on=date(2026, 11, 18))
    assert identification.add_households(roster, admin, rid, HOUSEHOLDS) == 2
    identification.step(roster, admin, rid, "村公示", on=date(2026, 11, 20), days=7)
    return rid


def _text(path) -> str:
    return "".join(page_text(path)).replace(" ", "").replace("\n", "")


def test_a_round_goes_through_its_steps_in_order_each_dated(roster, admin):
    rid = identification.create_round(roster, admin, VILLAGE, 2026)
    info = identification.round_info(roster, admin, rid)
    assert (info.state, info.step("初选").on, info.step("初选").by) == ("初选", date(2026, 11, 20), "admin")
    identification.add_households(roster, admin, rid, HOUSEHOLDS)
    with pytest.raises(Refused, match="不能跳过村公示直接乡审核"):
        identification.step(roster, admin, rid, "乡审核")
    with pytest.raises(Refused, match="早于初选日期"):
        identification.step(roster, admin, rid, "村公示", on=date(2026, 11, 19))
    info = identification.step(roster, admin, rid, "村公示", on=date(2026, 11, 20), days=7)
    assert info.step("村公示").notice_end == date(2026, 11, 26)
    with pytest.raises(Refused, match="不能退回或重复村公示"):
        identification.step(roster, admin, rid, "村公示")
    # the township reviews once the village 公示 has run its days: its last day is too early, the next is not
    with pytest.raises(Refused, match="村内公示到2026年11月26日才结束"):
        identification.step(roster, admin, rid, "乡审核", on=date(2026, 11, 26))
    identification.step(roster, admin, rid, "乡审核", on=date(2026, 11, 27), days=5)
    with pytest.raises(Refused, match="第二次公示到2026年12月1日才结束"):
        identification.step(roster, admin, rid, "县审定", on=date(2026, 12, 1))
    with pytest.raises(InputRejected, match="不需要公示天数"):
        identification.step(roster, admin, rid, "县审定", on=date(2026, 12, 2), days=5)
    info = identification.step(roster, admin, rid, "县审定", on=date(2026, 12, 2))
    assert info.state == "县审定" and [s.on for s in info.steps] == [
        date(2026, 11, 20),
        date(2026, 11, 20),
        date(2026, 11, 27),
        date(2026, 12, 2),
    ]
    with pytest.raises(Refused, match="不能退回"):
        identification.step(roster, admin, rid, "乡审核")
    with pytest.raises(InputRejected, match="无效"):
        identification.step(roster, admin, rid, "初选")
    actions = [e.action for e in audit_log.recent(roster, 10) if e.entity == "identification_round"]
    assert actions == ["identify.step"] * 3 + ["identify.add", "identify.create"]


def test_only_households_on_the_roster_of_the_village_can_be_proposed(roster, admin):
    rid = identification.create_round(roster, admin, VILLAGE, 2026)
    with pytest.raises(NotFound, match="不在花名册中.*导入新的花名册后") as caught:
        identification.add_households(roster, admin, rid, [HOUSEHOLDS[0], "41142199999999999"])
    assert caught.value.exit_code == 2
    with pytest.raises(Refused, match="不是赵寨村的农户"):
        identification.add_households(roster, admin, rid, [OTHER])
    assert identification.round_info(roster, admin, rid).entries == []  # all or nothing
    assert identification.add_households(roster, admin, rid, HOUSEHOLDS + [HOUSEHOLDS[0]]) == 2
    assert identification.add_households(roster, admin, rid, HOUSEHOLDS) == 0  # already there
    with pytest.raises(Refused, match="没有提名的农户"):
        identification.step(
            roster, admin, identification.create_round(roster, admin, "民权县柳河镇/王楼村", 2026), "村公示"
        )


def test_one_open_round_per_village_and_a_household_in_one_round_a_year(roster, admin, posted):
    with pytest.raises(Refused, match=f"识别批次{posted}还没有县审定"):
        identification.create_round(roster, admin, VILLAGE, 2027)
    _finish(roster, admin, posted)
    again = identification.create_round(roster, admin, VILLAGE, 2026, on=date(2026, 12, 10))
    with pytest.raises(Refused, match=f"已列入2026年度的识别批次{posted}"):
        identification.add_households(roster, admin, again, [HOUSEHOLDS[0]])
    nextyear = identification.create_round(roster, admin, "民权县柳河镇/王楼村", 2027, on=date(2026, 12, 10))
    assert identification.add_households(roster, admin, nextyear, [OTHER]) == 1


def _finish(db, actor, rid: int) -> None:
    """Take a posted round through 乡审核 and 县审定 on the earliest days allowed."""
    identification.step(db, actor, rid, "乡审核", on=date(2026, 11, 27), days=5)
    identification.step(db, actor, rid, "县审定", on=date(2026, 12, 2))


def test_a_household_is_removed_with_a_reason_before_the_township_review(roster, admin, posted):
    with pytest.raises(InputRejected, match="请写明移出的原因"):
        identification.remove_household(roster, admin, posted, HOUSEHOLDS[1], "  ")
    with pytest.raises(Refused, match="不能再加户"):
        identification.add_households(roster, admin, posted, [HOUSEHOLDS[1]])
    identification.remove_household(
        roster, admin, posted, HOUSEHOLDS[1], "公示期间群众反映家有财政供养人员，经核实属实"
    )
    info = identification.round_info(roster, admin, posted)
    assert [e.code for e in info.active] == [HOUSEHOLDS[0]]
    removed = [e for e in info.entries if e.removed]
    assert [(e.code, e.removed_reason, e.removed_by) for e in removed] == [
        (HOUSEHOLDS[1], "公示期间群众反映家有财政供养人员，经核实属实", "admin")
    ]
    with pytest.raises(NotFound):
        identification.remove_household(roster, admin, posted, HOUSEHOLDS[1], "再移一次")
    identification.step(roster, admin, posted, "乡审核", on=date(2026, 11, 27))
    with pytest.raises(Refused, match="乡审核之后名单不能再移出农户"):
        identification.remove_household(roster, admin, posted, HOUSEHOLDS[0], "迟到的异议")


def test_a_village_clerk_proposes_in_their_village_but_the_township_reviews(roster, admin, posted):
    users.create_user(roster, admin, "vc", "village-pw", "village_clerk", villages=[VILLAGE])
    vc = users.authenticate(roster, "vc", "village-pw")
    assert identification.round_info(roster, vc, posted).village == "赵寨村"
    with pytest.raises(PermissionDenied, match="由乡镇扶贫办干部录入"):
        identification.step(roster, vc, posted, "乡审核", on=date(2026, 11, 27))
    with pytest.raises(NotFound):
        identification.create_round(roster, vc, "民权县柳河镇/王楼村", 2026)
    auditor = Actor("au", "auditor")
    with pytest.raises(PermissionDenied):
        identification.create_round(roster, auditor, VILLAGE, 2026)


def test_the_notice_lists_the_rounds_households_only_with_the_rounds_dates(roster, admin, posted, tmp_path):
    identification.remove_household(roster, admin, posted, HOUSEHOLDS[1], "民主评议未通过")
    out = tmp_path / "village.pdf"
    printed = printing.household_notice(roster, admin, None, out, round_id=posted, start=date(2030, 1, 1))
    text = _text(out)
    assert printed.rows == 1 and printed.pages == 1
    assert "关于赵寨村2026年度拟识别贫困户名单的公示" in text
    assert "于2026年11月18日确定2026年度拟识别贫困户初选名单（共1户" in text
    assert "公示时间：2026年11月20日至2026年11月26日（共7天）" in text  # the round's, not `start`
    assert "2030" not in text and "石桥镇赵寨村村民委员会" in text
    heads = dict((e.code, e.head_name) for e in identification.round_info(roster, admin, posted).entries)
    assert heads[HOUSEHOLDS[0]] in text and heads[HOUSEHOLDS[1]] not in text  # removed: not listed
    # The second 公示 after the township's review, then the 公告 of the county's decision.
    identification.step(roster, admin, posted, "乡审核", on=date(2026, 11, 27), days=5)
    printing.household_notice(roster, admin, VILLAGE, tmp_path / "second.pdf")  # the village's newest round
    second = _text(tmp_path / "second.pdf")
    assert "拟识别贫困户名单的第二次公示" in second
    assert "经村内公示（2026年11月20日至2026年11月26日），于2026年11月27日经石桥镇人民政府审核" in second
    assert "公示时间：2026年11月27日至2026年12月1日（共5天）" in second
    identification.step(roster, admin, posted, "县审定", on=date(2026, 12, 2))
    printing.household_notice(roster, admin, None, tmp_path / "final.pdf", round_id=posted)
    final = _text(tmp_path / "final.pdf")
    assert "关于赵寨村2026年度贫困户识别结果的公告" in final and "特此公告" in final
    assert "于2026年12月2日经民权县人民政府审定" in final


def test_no_notice_before_the_village_notice_step(roster, admin, tmp_path):
    rid = identification.create_round(roster, admin, VILLAGE, 2026)
    identification.add_households(roster, admin, rid, HOUSEHOLDS)
    with pytest.raises(Refused, match="还在初选"):
        printing.household_notice(roster, admin, None, tmp_path / "n.pdf", round_id=rid)
    with pytest.raises(InputRejected, match="还没有进入村公示的识别批次"):
        printing.household_notice(roster, admin, VILLAGE, tmp_path / "n.pdf")
    assert not (tmp_path / "n.pdf").exists()


@pytest.fixture
def cli(db_url, roster, capsys, cli_login):
    def run(*args: str) -> tuple[int, dict]:
        code = main(["--db", db_url, *args, "--json"])
        out = capsys.readouterr()
        lines = (out.out or out.err).strip().splitlines()
        return code, json.loads(lines[-1]) if lines else {}

    return run


def test_the_command_line_runs_a_round_and_prints_its_notice(cli, tmp_path):
    code, data = cli("identify", "new", "--village", VILLAGE, "--year", "2026", "--date", "2026-11-18")
    assert code == 0
    rid = str(data["round"])
    code, data = cli("identify", "add", rid, "--household", HOUSEHOLDS[0], "--household", HOUSEHOLDS[1])
    assert (code, data["added"]) == (0, 2)
    code, data = cli("identify", "add", rid, "--household", "41142199999999999")
    assert code == 2 and "不在花名册中" in data["error"]
    code, data = cli("identify", "remove", rid, "--household", HOUSEHOLDS[1])
    assert code == 2 and "原因" in data["error"]
    code, data = cli("identify", "remove", rid, "--household", HOUSEHOLDS[1], "--reason", "民主评议未通过")
    assert code == 0
    code, data = cli("identify", "step", rid, "--to", "县审定")
    assert code == 3 and "不能跳过村公示" in data["error"]
    code, data = cli("identify", "step", rid, "--to", "村公示", "--date", "2026-11-20", "--days", "7")
    assert code == 0 and data["state"] == "村公示" and data["steps"][1]["notice_end"] == "2026-11-26"
    code, data = cli("identify", "show", rid)
    assert [h["code"] for h in data["households"]] == [HOUSEHOLDS[0]]
    assert data["removed"][0]["removed_reason"] == "民主评议未通过"
    code, data = cli("identify", "list")
    assert data["rounds"][0]["round"] == int(rid) and data["rounds"][0]["households"] == 1
    # the identification notice needs its round: refused clearly without one, nothing written
    out = tmp_path / "n.pdf"
    code, data = cli("print", "notice", "households", "--village", VILLAGE, "--out", str(out))
    assert code == 2 and "--round" in data["error"] and not out.exists()
    code, data = cli("print", "notice", "households", "--round", rid, "--out", str(out))
    assert code == 0 and data["rows"] == 1
    assert "拟识别贫困户名单的公示" in _text(out)


def test_the_demo_has_a_round_in_its_village_notice(db, admin, monkeypatch, tmp_path):
    from desktop.services import demo

    monkeypatch.setattr(clock, "now", lambda: NOW)
    demo.add_demo_households(db, admin, 40)
    rid = demo.add_demo_identification(db, admin)
    info = identification.round_info(db, admin, rid)
    assert info.state == "村公示" and info.step("村公示").on == NOW.date()
    assert len(info.active) >= 1 and any(e.removed and e.removed_reason for e in info.entries)
    printed = printing.household_notice(db, admin, None, tmp_path / "demo.pdf", round_id=rid)
    assert printed.rows == len(info.active)
