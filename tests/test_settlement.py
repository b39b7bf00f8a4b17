"""Store settlement as the seeds and the books need it: stock at what it was bought or given for (never points ×
1 元), a commercial shop's payable (points redeemed × its rate, from a named source) on a sheet its owner signs,
redemption at one's own village's store unless the office allows more, and the notice period from the setting."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from desktop import clock
from desktop.cli import main
from desktop.errors import InputRejected, Refused
from desktop.models import Household, PointsEntry, Redemption, StockMovement
from desktop.services.points import points, redemption, store_reports, stores
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import settings

HH = "41142410520800001"  # 柘城县逻岗镇/孙桥村
OTHER = "41142110420200002"  # 王楼村 of another township
VILLAGE = "柘城县逻岗镇/孙桥村"


def drawn(path) -> str:
    """The characters in the order they were drawn: a wrapped cell's lines follow each other."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "".join(c["text"] for page in pdf.pages for c in page.chars).replace(" ", "")


def at(day: date, hour: int = 10):
    return lambda: datetime(day.year, day.month, day.day, hour, 0, tzinfo=clock.OFFICE_TZ)


@pytest.fixture
def shop(db, admin, sample, monkeypatch):
    """A village shop with oil bought twice at two prices, salt given, soap bought with no value recorded."""
    import_roster(db, admin, sample("roster-small.xlsx"))
    monkeypatch.setattr(clock, "now", at(date(2026, 10, 20)))
    stores.create_store(db, admin, "S01", "孙桥村便民超市", village=VILLAGE)
    stores.add_goods(db, admin, "S01", "OIL", "食用油", 50, unit="桶")
    stores.add_goods(db, admin, "S01", "SALT", "食盐", 3, unit="袋")
    stores.add_goods(db, admin, "S01", "SOAP", "香皂", 5, unit="块")
    stores.move_stock(db, admin, "S01", "OIL", "purchase", 4, value_fen=4 * 5500)  # 55 元 a bottle
    stores.move_stock(db, admin, "S01", "OIL", "purchase", 6, value_fen=6 * 6000)  # then 60 元
    stores.move_stock(
        db, admin, "S01", "SALT", "donation", 30, donor="县供销社", value_fen=9000
    )  # 3 元 a bag
    stores.move_stock(db, admin, "S01", "SOAP", "purchase", 10)  # value not recorded
    points.award(db, admin, HH, 500, "星级评定")
    monkeypatch.setattr(clock, "now", at(date(2026, 11, 5)))
    redemption.redeem(db, admin, "S01", HH, {"OIL": 2, "SALT": 5})  # 100 + 15 = 115 points
    undone = redemption.redeem(db, admin, "S01", HH, {"OIL": 1})
    redemption.reverse_redemption(db, admin, undone.number, "扫错")
    monkeypatch.setattr(clock, "now", at(date(2026, 12, 3)))
    stores.move_stock(db, admin, "S01", "OIL", "purchase", 10, value_fen=10 * 7000)  # December, at 70 元
    return db


def test_stock_is_valued_at_what_it_was_bought_or_given_for(shop):
    november = store_reports.settlement(shop, "S01", "2026-11")
    # oil: 10 bought for 580 元 (58 元 each on average), 8 left; salt: 25 left at 3 元; soap: no value recorded
    assert november.stock_value_fen == 8 * 5800 + 25 * 300
    assert november.unvalued == ["香皂"]
    # December's purchase counts from December: 18 bottles for 1,280 元 bought in all
    december = store_reports.settlement(shop, "S01", "2026-12")
    assert december.stock_value_fen == (18 * 128000 * 2 + 20) // 40 + 25 * 300
    with shop.read() as s:
        assert stores.stock_value(s, stores.store_by_code(s, "S01").id).value_fen == december.stock_value_fen


def test_a_village_store_owes_nothing_and_a_commercial_shop_is_owed_its_points_at_its_rate(shop, admin):
    november = store_reports.settlement(shop, "S01", "2026-11")
    assert (november.points, november.commercial, november.payable_fen) == (115, False, 0)
    with pytest.raises(InputRejected, match="资金来源"):
        stores.set_terms(shop, admin, "S01", commercial=True, point_rate_fen=100, owner="王福")
    with pytest.raises(InputRejected, match="经营者"):
        stores.set_terms(shop, admin, "S01", commercial=True, point_rate_fen=100, funding_source="县财政")
    with pytest.raises(InputRejected, match="每分积分折合金额"):
        stores.set_terms(
            shop, admin, "S01", commercial=True, point_rate_fen=0, funding_source="县财政", owner="王福"
        )
    with pytest.raises(InputRejected, match="超过上限"):
        stores.set_terms(
            shop, admin, "S01", commercial=True, point_rate_fen=10_001, funding_source="县财政", owner="王福"
        )
    changed = stores.set_terms(
        shop,
        admin,
        "S01",
        commercial=True,
        point_rate_fen=80,
        funding_source="县财政专项扶贫资金",
        owner="王福",
    )
    assert changed["commercial"] is True
    assert (
        stores.set_terms(
            shop,
            admin,
            "S01",
            commercial=True,
            point_rate_fen=80,
            funding_source="县财政专项扶贫资金",
            owner="王福",
        )
        == {}
    )
    november = store_reports.settlement(shop, "S01", "2026-11")
    assert november.payable_fen == 115 * 80  # the reversed basket is not paid for
    assert store_reports.settlement(shop, "S01", "2026-11-06").payable_fen == 0  # nothing that day
    assert "每分0.80元" in stores.store_info(shop, "S01").terms()


def test_the_settlement_sheet_is_signed_by_the_shop_owner(shop, admin, db_url, tmp_path, capsys, cli_login):
    assert (
        main(
            [
                "--db",
                db_url,
                "stores",
                "terms",
                "S01",
                "--commercial",
                "yes",
                "--rate",
                "0.80",
                "--source",
                "县财政专项扶贫资金",
                "--owner",
                "王福",
            ]
        )  # fmt: skip
        == 0
    )
    capsys.readouterr()
    assert main(["--db", db_url, "stores", "settlement", "S01", "--month", "2026-11", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["payable_fen"], data["funding_source"], data["unvalued"]) == (
        9200,
        "县财政专项扶贫资金",
        ["香皂"],
    )
    out = tmp_path / "sheet.pdf"
    argv = ["--db", db_url, "print", "sheet", "settlement", "--store", "S01", "--month", "2026-11"]
    assert main([*argv, "--out", str(out)]) == 0
    text = drawn(out)
    for wanted in ("孙桥村便民超市2026年11月积分兑换结算单", "资金来源：县财政专项扶贫资金", "每分0.80元",
                   "超市经营者（签字）：王福", "村委会（盖章）", "食用油", "80.00", "食盐", "12.00", "合计", "92.00"):  # fmt: skip
        assert wanted in text, wanted
    assert main([*argv, "--xlsx", str(tmp_path / "sheet.xlsx")]) == 0
    assert main(["--db", db_url, "stores", "terms", "S01", "--commercial", "no"]) == 0
    plain = tmp_path / "plain.pdf"
    assert main([*argv, "--out", str(plain)]) == 0
    text = drawn(plain)
    assert "积分兑换汇总单" in text and "结算金额" not in text and "监督员" in text
    assert main([*argv[:-1], "2026-10", "--out", str(tmp_path / "none.pdf")]) == 2  # nothing redeemed


# --- where a household may redeem -------------------------------------------------------------------------------


def _counts(db):
    with db.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(t)) for t in (PointsEntry, StockMovement, Redemption)
        )


@pytest.fixture
def two_villages(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    with db.read() as s:
        other_village = s.scalar(select(Household.village_id).where(Household.code == OTHER))
    stores.create_store(db, admin, "S01", "孙桥村爱心超市", village=VILLAGE)
    stores.create_store(db, admin, "S02", "王楼村爱心超市", village_id=other_village)
    stores.create_store(db, admin, "S09", "镇爱心超市")  # of no village: the township's, for everyone
    for code in ("S01", "S02", "S09"):
        stores.add_goods(db, admin, code, "SALT", "食盐", 3, unit="袋")
        stores.move_stock(db, admin, code, "SALT", "purchase", 50, value_fen=15000)
    points.award(db, admin, HH, 100, "星级评定")
    return db


def test_a_household_redeems_at_its_own_villages_store_unless_the_office_allows_more(two_villages, admin):
    db = two_villages
    assert redemption.redeem(db, admin, "S01", HH, {"SALT": 1}).points == 3
    assert redemption.redeem(db, admin, "S09", HH, {"SALT": 1}).points == 3
    assert redemption.may_redeem_here(db, admin, "S01", HH) is None
    before = (_counts(db), points.balance(db, admin, HH))
    message = redemption.may_redeem_here(db, admin, "S02", HH)
    assert message and "孙桥村" in message and "王楼村" in message
    with pytest.raises(Refused, match="只为王楼村的农户兑换积分.*未做任何改动"):
        redemption.redeem(db, admin, "S02", HH, {"SALT": 1})
    assert (_counts(db), points.balance(db, admin, HH)) == before
    settings.set_values(db, admin, {"store.other_village": True})
    assert redemption.may_redeem_here(db, admin, "S02", HH) is None
    assert redemption.redeem(db, admin, "S02", HH, {"SALT": 1}).balance_after == 91


def test_the_refusal_from_the_command_line(two_villages, db_url, capsys, cli_login):
    code = main(["--db", db_url, "redeem", "--store", "S02", "--household", HH, "--item", "SALT=1", "--json"])
    assert code == 3 and "请到本村的超市兑换" in json.loads(capsys.readouterr().out.splitlines()[-1])["error"]


def test_the_redemption_notice_runs_for_the_settings_number_of_days(
    two_villages, admin, tmp_path, monkeypatch
):
    monkeypatch.setattr(clock, "now", at(date(2026, 11, 20)))
    redemption.redeem(two_villages, admin, "S01", HH, {"SALT": 2})
    settings.set_values(two_villages, admin, {"notice.days": 10})
    out = tmp_path / "notice.pdf"
    store_reports.redemption_notice(two_villages, admin, VILLAGE, "2026-11", out)
    text = drawn(out)
    found = re.search(r"公示时间：(\d+年\d+月\d+日)至(\d+年\d+月\d+日)（共(\d+)天）", text)
    assert found and found.group(3) == "10", text
    assert found.group(1) == "2026年11月20日" and found.group(2) == "2026年11月29日"
