"""孝善基金 elders as the seeds set them: registered households' members of 60 and over (a fund may widen it), the
65周岁以上 elder ledger with 经济收入、劳动能力、子女供养 and a recorded 子女赡养能力认定, rules shown without being
changed, and a match that is the software's default until someone confirms it."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from desktop import clock
from desktop.cli import main
from desktop.errors import InputRejected, NotFound, Refused
from desktop.models import AuditEntry, FundEntry, SupportFinding
from desktop.services.fund import fund, fund_reports
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import defaults, settings


def drawn(path) -> str:
    """The characters in the order they were drawn: a wrapped cell's lines follow each other."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "".join(c["text"] for page in pdf.pages for c in page.chars).replace(" ", "")


REGISTERED = "柘城县逻岗镇/孙桥村"  # 董超玉 (born 1966-10-20): 突发严重困难户, 一般贫困户 — registered
EDGE = "夏邑县城关镇/孙桥村"  # 阎伟花 (1959) and 王超花 (1960): 边缘易致贫户 — not registered
OLD = "民权县逻岗镇/孙桥村"  # 徐国 (1955-09-04) and 曾霞燕 (1955-11-12): 脱贫不稳定户, 低保贫困户
ELDER = "4114241052080000101"
XU = "4114211052080002802"
ZENG = "4114211052080002801"
YAN = "4114261012080000401"


@pytest.fixture
def roster(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    return db


def at(day: date):
    return lambda: datetime(day.year, day.month, day.day, 10, 0, tzinfo=clock.OFFICE_TZ)


@pytest.mark.parametrize(
    ("kind", "ptype", "exit_year", "expected"),
    [
        ("脱贫户", "", None, True),  # a 脱贫户 is a registered household that has exited
        ("脱贫不稳定户", "", None, True),  # 脱贫户 under monitoring
        (
            "边缘易致贫户",
            "一般贫困户",
            None,
            False,
        ),  # by definition outside the register, whatever else it says
        ("一般农户", "", 2018, False),
        ("突发严重困难户", "一般贫困户", None, True),  # may be either: the 贫困户属性 decides
        ("突发严重困难户", "低保户", None, False),  # 低保 alone is social assistance, not 建档立卡
        ("监测对象", "特困供养脱贫户", None, True),
        ("", "低保贫困户", None, True),
        ("", "一般农户", None, False),
        ("", "", 2019, True),  # a 脱贫年度: it was registered and has exited
        ("", "", None, False),
    ],
)
def test_registered_households_as_the_roster_says(kind, ptype, exit_year, expected):
    assert fund.registered(kind, ptype, exit_year) is expected


def test_elders_are_of_registered_households_unless_the_fund_widens_it(roster, admin):
    fund.create_fund(roster, admin, EDGE, match_percent=10, match_cap_fen=3000)
    assert fund.elders(roster, admin, EDGE) == []  # both elders live in a 边缘易致贫户
    before = roster_counts(roster)
    with pytest.raises(Refused, match="不是建档立卡贫困户.*边缘易致贫户"):
        fund.add_supporter(roster, admin, EDGE, YAN, "王平", relation="之子")
    assert roster_counts(roster) == before
    assert fund.set_rules(roster, admin, EDGE, all_households=True) == {"all_households": True}
    found = {e.name: e for e in fund.elders(roster, admin, EDGE)}
    assert set(found) == {"阎伟花", "王超花"} and not found["阎伟花"].registered
    assert fund.add_supporter(roster, admin, EDGE, YAN, "王平", relation="之子")
    assert "全村农户" in fund.rules(roster, admin, EDGE).describe()


def test_the_age_counts_from_the_birthday_inclusive(roster, admin):
    fund.create_fund(roster, admin, REGISTERED, match_percent=10, match_cap_fen=3000)
    assert [e.name for e in fund.elders(roster, admin, REGISTERED, on=date(2026, 10, 19))] == []
    [elder] = fund.elders(roster, admin, REGISTERED, on=date(2026, 10, 20))  # 60岁以上(含60岁)
    assert (elder.name, elder.age, elder.registered) == ("董超玉", 60, True)


def roster_counts(db):
    from desktop.models import Supporter

    with db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Supporter)),
            s.scalar(select(func.count()).select_from(FundEntry)),
            s.scalar(select(func.count()).select_from(SupportFinding)),
            s.scalar(select(func.count()).select_from(AuditEntry)),
        )


# --- the match: a default to confirm, not a rule ----------------------------------------------------------------


def test_a_fund_set_up_without_its_match_books_nothing_until_it_is_confirmed(roster, admin):
    fund.create_fund(roster, admin, REGISTERED)  # no figures: the software's default
    rules = fund.rules(roster, admin, REGISTERED)
    assert (rules.match_percent, rules.match_cap_fen, rules.match_confirmed) == (10, 3000, False)
    assert "软件默认值" in rules.describe() and "待确认" in rules.describe()
    assert not fund.status(roster, admin, REGISTERED).match_confirmed
    sid = fund.add_supporter(
        roster, admin, REGISTERED, ELDER, "董平花", relation="之女", on=date(2026, 10, 20)
    )
    fund.pledge(roster, admin, sid, 50000, "2026-10")
    before = roster_counts(roster)
    with pytest.raises(Refused, match="软件默认值.*fund rules --village 村 --confirm"):
        fund.contribute(roster, admin, sid, ["2026-10"], 50000)
    assert roster_counts(roster) == before
    assert fund.confirm_rules(roster, admin, REGISTERED) == {"match_confirmed": True}
    assert fund.confirm_rules(roster, admin, REGISTERED) == {}  # once
    assert fund.contribute(roster, admin, sid, ["2026-10"], 50000).match_fen == 3000  # 10 %, at most 30 元


def test_giving_the_match_confirms_it_and_the_office_may_confirm_its_default_once(roster, admin):
    fund.create_fund(roster, admin, REGISTERED, match_percent=5, match_cap_fen=2000)
    assert fund.rules(roster, admin, REGISTERED).match_confirmed
    fund.create_fund(roster, admin, EDGE)
    assert not fund.rules(roster, admin, EDGE).match_confirmed
    fund.set_rules(roster, admin, EDGE, match_percent=15)  # a village's own figure confirms it
    assert fund.rules(roster, admin, EDGE).match_confirmed
    assert "fund.match" in {d.key for d in defaults.unconfirmed(roster)}
    defaults.confirm(roster, admin, ["fund.match"], match_percent=20, match_cap_yuan=50)
    assert "fund.match" not in {d.key for d in defaults.unconfirmed(roster)}
    fund.create_fund(roster, admin, OLD)  # set up after the office confirmed its default
    rules = fund.rules(roster, admin, OLD)
    assert (rules.match_percent, rules.match_cap_fen, rules.match_confirmed) == (20, 5000, True)


def test_the_star_points_are_a_default_until_confirmed_or_saved_by_a_person(roster, admin):
    from desktop.services.ratings import ratings

    assert "stars" in {d.key for d in defaults.unconfirmed(roster)}
    assert ratings.stars(roster)[0].points == 10  # the software made its default list
    assert "stars" in {d.key for d in defaults.unconfirmed(roster)}
    defaults.confirm(roster, admin, ["stars"])
    assert settings.get(roster, "rules.confirmed") == ["stars"]
    assert "stars" not in {d.key for d in defaults.unconfirmed(roster)}
    with pytest.raises(InputRejected, match="不认识"):
        settings.set_values(roster, admin, {"rules.confirmed": ["everything"]})


def test_a_changed_star_list_is_confirmed_by_being_saved(roster, admin):
    from desktop.services.ratings import ratings

    ratings.set_catalog(roster, admin, [ratings.Star(s.name, 5) for s in ratings.stars(roster)])
    assert "stars" not in {d.key for d in defaults.unconfirmed(roster)}


# --- fund rules on the command line ----------------------------------------------------------------------------


def test_fund_rules_without_a_change_shows_them_and_writes_nothing(roster, db_url, admin, capsys, cli_login):
    fund.create_fund(roster, admin, REGISTERED)
    before = roster_counts(roster)
    assert main(["--db", db_url, "fund", "rules", "--village", REGISTERED]) == 0
    out = capsys.readouterr()
    text = out.out + out.err
    assert "已更新" not in text and "建档立卡贫困户中60岁以上（含60岁）的老人" in text and "待确认" in text
    assert roster_counts(roster) == before
    assert main(["--db", db_url, "fund", "rules", "--village", REGISTERED, "--set-payout-day", "15"]) == 0
    assert "已更新基金规则" in capsys.readouterr().out
    assert main(["--db", db_url, "fund", "rules", "--village", REGISTERED, "--set-payout-day", "15"]) == 0
    assert "基金规则未改动" in capsys.readouterr().out
    assert main(["--db", db_url, "fund", "rules", "--village", REGISTERED, "--confirm", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["changed"] == {"match_confirmed": True} and data["rules"]["match_confirmed"] is True
    assert main(["--db", db_url, "fund", "create", "--village", EDGE, "--scope", "all", "--json"]) == 0
    capsys.readouterr()
    assert (
        fund.rules(roster, admin, EDGE).all_households and not fund.rules(roster, admin, EDGE).match_confirmed
    )


# --- 子女赡养能力认定 and the 65周岁以上 ledger --------------------------------------------------------------------


def test_a_finding_is_recorded_for_an_elder_of_the_ledger_and_refused_otherwise(roster, admin, monkeypatch):
    monkeypatch.setattr(clock, "now", at(date(2026, 11, 20)))
    before = roster_counts(roster)
    with pytest.raises(InputRejected, match="认定结果"):
        fund.record_finding(roster, admin, OLD, XU, "很好")
    with pytest.raises(InputRejected, match="不能晚于今天"):
        fund.record_finding(roster, admin, OLD, XU, "有赡养能力", found_on=date(2026, 11, 21))
    with pytest.raises(NotFound):
        fund.record_finding(roster, admin, OLD, ELDER, "有赡养能力")  # not of this village
    with pytest.raises(Refused, match="不是建档立卡贫困户"):
        fund.record_finding(roster, admin, EDGE, YAN, "有赡养能力")
    with pytest.raises(Refused, match="不到65岁"):
        fund.record_finding(roster, admin, REGISTERED, ELDER, "有赡养能力")  # 60, and the village has no fund
    assert roster_counts(roster) == before
    first = fund.record_finding(roster, admin, OLD, XU, "无赡养能力", found_on=date(2026, 3, 1))
    later = fund.record_finding(
        roster,
        admin,
        OLD,
        XU,
        "部分有赡养能力",
        found_on=date(2026, 11, 2),
        found_by="张组长",
        note="儿子务工",
    )
    assert later > first
    with roster.read() as s:
        assert fund.latest_findings(s, [s.scalar(select(SupportFinding.member_id))])
    [row] = [r for r in fund_reports.elder_rows(roster, admin, OLD).rows if r.name == "徐国"]
    assert row.finding == "部分有赡养能力（2026年11月2日）" and row.finding_note == "张组长；儿子务工"


def test_the_ledger_lists_registered_elders_from_their_65th_birthday(roster, admin, monkeypatch):
    monkeypatch.setattr(clock, "now", at(date(2020, 9, 3)))
    assert fund_reports.elder_rows(roster, admin, OLD).rows == []  # 徐国 is 64 for one more day
    with pytest.raises(InputRejected, match="没有65周岁以上的建档立卡贫困老年人"):
        fund_reports.build_elder_ledger(roster, admin, OLD)
    monkeypatch.setattr(clock, "now", at(date(2020, 9, 4)))  # 徐国 turns 65
    assert [(r.name, r.age) for r in fund_reports.elder_rows(roster, admin, OLD).rows] == [("徐国", 65)]
    monkeypatch.setattr(clock, "now", at(date(2026, 11, 20)))
    assert [r.name for r in fund_reports.elder_rows(roster, admin, OLD).rows] == ["曾霞燕", "徐国"]
    # elders of a 边缘易致贫户 are not on it, whatever their age (seed: 65周岁以上建档立卡贫困老年人)
    with pytest.raises(InputRejected):
        fund_reports.build_elder_ledger(roster, admin, "睢县柳河镇/前营村")
    settings.set_values(roster, admin, {"fund.ledger_age": 70})
    assert fund_reports.elder_rows(roster, admin, OLD).age == 70


def test_the_ledger_shows_income_labour_support_and_the_finding(
    roster, db_url, admin, tmp_path, monkeypatch, cli_login
):
    monkeypatch.setattr(clock, "now", at(date(2026, 11, 20)))
    fund.create_fund(roster, admin, OLD, match_percent=10, match_cap_fen=3000)
    sid = fund.add_supporter(roster, admin, OLD, XU, "曾平", relation="之子")
    fund.pledge(roster, admin, sid, 20000, "2026-10")
    fund.contribute(roster, admin, sid, ["2026-10", "2026-11"], 40000)
    fund.record_finding(roster, admin, OLD, XU, "有赡养能力", found_by="村级责任组")
    rows = {r.name: r for r in fund_reports.elder_rows(roster, admin, OLD).rows}
    xu, zeng = rows["徐国"], rows["曾霞燕"]
    assert xu.income == "3,105.00（2026年）" and xu.labour == "无劳动力"
    assert xu.support == "曾平（子）每月200.00元" and xu.paid_fen == 40000
    assert xu.finding == "有赡养能力（2026年11月20日）"
    assert (zeng.support, zeng.paid_fen, zeng.finding) == ("", None, "未认定")
    out = tmp_path / "elders.pdf"
    assert main(["--db", db_url, "print", "ledger", "elders", "--village", OLD, "--out", str(out)]) == 0
    text = drawn(out)
    for wanted in ("65周岁以上建档立卡贫困老年人台账", "徐国", "曾霞燕", "无劳动力", "曾平（子）每月200.00元",
                   "有赡养能力", "未认定", "村级责任组", "400.00"):  # fmt: skip
        assert wanted in text, wanted
    xlsx = tmp_path / "elders.xlsx"
    assert main(["--db", db_url, "print", "ledger", "elders", "--village", OLD, "--xlsx", str(xlsx)]) == 0
    assert xlsx.stat().st_size > 4000
    assert (
        main(["--db", db_url, "fund", "finding", "--village", OLD, "--elder", ZENG, "--finding", "无子女"])
        == 0
    )
    assert fund_reports.elder_rows(roster, admin, OLD).rows[0].finding.startswith("无子女")


def test_a_fund_whose_match_was_the_old_default_is_unconfirmed_after_the_upgrade(tmp_path):
    from sqlalchemy import text

    from desktop.db import Database

    db = Database(tmp_path / "old.sqlite3")
    try:
        db.upgrade(revision="0012")
        with db.write() as s:
            s.execute(
                text(
                    "INSERT INTO township (id, province, city, county, name) VALUES (1, '', '', '柘城县', '逻岗镇')"
                )
            )
            s.execute(
                text("INSERT INTO village (id, township_id, name) VALUES (1, 1, '孙桥村'), (2, 1, '王楼村')")
            )
            for fid, vid, percent, cap in ((1, 1, 10, 3000), (2, 2, 20, 5000)):
                s.execute(
                    text(
                        "INSERT INTO filial_fund (id, village_id, name, elder_age, match_percent, match_cap_fen,"
                        " payout_day, balance) VALUES (:f, :v, 'x', 60, :p, :c, 10, 0)"
                    ),
                    {"f": fid, "v": vid, "p": percent, "c": cap},
                )
        db.upgrade()
        with db.read() as s:
            rows = s.execute(
                text("SELECT id, match_confirmed, all_households FROM filial_fund ORDER BY id")
            ).all()
        assert [(i, bool(c), bool(a)) for i, c, a in rows] == [(1, False, False), (2, True, False)]
    finally:
        db.dispose()
