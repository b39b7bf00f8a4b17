"""星级评定 rounds: pending until confirmed, objections, caps, the results notice."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.cli import main
from desktop.errors import InputRejected, Refused
from desktop.services.points import points
from desktop.services.ratings import ratings
from desktop.services.roster.roster_import import import_roster
from tests.conftest import ADMIN_PASSWORD
from tests.pdfcheck import page_text

VILLAGE = "柘城县逻岗镇/孙桥村"
HH = "41142410520800001"


@pytest.fixture
def rnd(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    return ratings.create_round(db, admin, VILLAGE, "2026年11月")


def test_points_are_pending_until_the_round_is_confirmed(db, admin, rnd):
    assert ratings.set_stars(db, admin, rnd, HH, ["增收致富", "户容整洁", "诚实守信"]) == 30
    with pytest.raises(InputRejected, match="没有这颗星"):
        ratings.set_stars(db, admin, rnd, HH, ["会飞"])
    end = ratings.publish(db, admin, rnd, start=date(2026, 11, 1), days=7)
    assert end == date(2026, 11, 7)
    assert ratings.pending_points(db, HH) == 30 and points.balance(db, admin, HH) == 0
    with pytest.raises(Refused, match="公示期"):
        ratings.confirm(db, admin, rnd, today=date(2026, 11, 7))
    objection = ratings.object_to(db, admin, rnd, HH, "户容整洁一项不属实", raised_by="村民李某")
    with pytest.raises(Refused, match="异议"):
        ratings.confirm(db, admin, rnd, today=date(2026, 11, 8))
    ratings.set_stars(db, admin, rnd, HH, ["增收致富", "诚实守信"])
    ratings.resolve_objection(db, admin, objection, "经村两委复核，去掉户容整洁一星")
    assert ratings.confirm(db, admin, rnd, today=date(2026, 11, 8)) == 20
    assert points.balance(db, admin, HH) == 20 and ratings.pending_points(db, HH) == 0
    [entry] = points.history(db, admin, HH)
    assert entry.source == f"round:{rnd}" and "增收致富、诚实守信" in entry.reason
    with pytest.raises(Refused):
        ratings.confirm(db, admin, rnd, today=date(2026, 11, 9))
    with pytest.raises(Refused, match="已确认"):
        ratings.set_stars(db, admin, rnd, HH, [])


def test_a_village_cap_stops_publishing(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    rid = ratings.create_round(db, admin, VILLAGE, "2026年12月", cap_points=25)
    ratings.set_stars(db, admin, rid, HH, ["增收致富", "户容整洁", "诚实守信"])
    with pytest.raises(Refused, match="上限25分"):
        ratings.publish(db, admin, rid)


def test_results_notice(db, admin, rnd, tmp_path):
    ratings.set_stars(db, admin, rnd, HH, ratings.DEFAULT_STARS[:10])
    ratings.publish(db, admin, rnd, start=date(2026, 11, 25), days=5)
    out = tmp_path / "stars.pdf"
    ratings.star_notice(db, admin, rnd, out)
    text = "".join(page_text(out)).replace(" ", "").replace("\n", "")
    assert "脱贫星级评定结果的公示" in text and "董超玉" in text and "100" in text
    assert "2026年11月25日至2026年11月29日（共5天）" in text


def test_rating_from_the_command_line(db_url, rnd, capsys, monkeypatch):
    import json

    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    assert (
        main(["--db", db_url, "rating", "stars", str(rnd), "--household", HH, "--stars", "增收致富,热心公益"])
        == 0
    )
    assert main(["--db", db_url, "rating", "publish", str(rnd), "--start", "2026-01-01"]) == 0
    assert main(["--db", db_url, "rating", "confirm", str(rnd), "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["points_credited"] == 20
    assert main(["--db", db_url, "points", "balance", HH, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["balance"] == 20


def test_annual_commendation_ranks_certifies_and_credits_bonus_once(db, admin, tmp_path):
    from desktop.services.demo import add_demo_households

    add_demo_households(db, admin, 30)  # three households in each demo village
    rnd = ratings.create_round(db, admin, "柘城县柳河镇/孙桥村", "2026年第四季度")
    info = ratings.round_info(db, admin, rnd)
    first, second = info.rows[0].code, info.rows[1].code
    ratings.set_stars(db, admin, rnd, first, list(ratings.DEFAULT_STARS))
    ratings.set_stars(db, admin, rnd, second, list(ratings.DEFAULT_STARS[:4]))
    ratings.publish(db, admin, rnd, start=date(2026, 11, 1), days=5)
    ratings.confirm(db, admin, rnd, today=date(2026, 11, 6))
    out = tmp_path / "certs.pdf"
    winners = ratings.commend(db, admin, 2026, out, top=1, bonus=50, issuer="逻岗镇人民政府")
    assert [(w.code, w.stars, w.rank) for w in winners] == [(first, 10, 1)]
    assert points.balance(db, admin, first) == 100 + 50
    ratings.commend(db, admin, 2026, out, top=2, bonus=50)  # run again: no second bonus for the first
    assert points.balance(db, admin, first) == 150 and points.balance(db, admin, second) == 40 + 50
    text = page_text(out)[0].replace(" ", "").replace("\n", "")
    assert "2026年度脱贫星级评定中累计获得10颗星" in text and "星级文明户" not in text
    assert "柳河镇人民政府" in text, "without --issuer the certificate is signed by the winners' township"


def test_the_star_list_is_versioned(db, admin, rnd, db_url, capsys, monkeypatch):
    import json

    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    assert main(["--db", db_url, "rating", "catalog", "--set", "勤劳致富=20,孝老爱亲=15"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "rating", "catalog", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stars"] == [
        {"name": "勤劳致富", "points": 20},
        {"name": "孝老爱亲", "points": 15},
    ]
    # The round made before keeps the ten stars it was rated with.
    assert len(ratings.round_info(db, admin, rnd).stars) == 10
    assert main(["--db", db_url, "rating", "catalog", "--set", "坏=0"]) == 2
