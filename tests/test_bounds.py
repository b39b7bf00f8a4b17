"""Every amount and quantity has a bound: absurd numbers, nan, inf, a third decimal, negatives and dates out of
range are refused with the field named (exit 2) and nothing is written; the database refuses them too."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from desktop import money
from desktop.cli import main
from desktop.db import Database
from desktop.errors import InputRejected
from desktop.models import FundEntry, PointsAccount, PointsEntry, StockMovement
from desktop.services.fund import fund
from desktop.services.points import points
from desktop.services.roster.roster_import import import_roster
from tests.conftest import ADMIN_PASSWORD

VILLAGE = "柘城县逻岗镇/孙桥村"
HH = "41142410520800001"
ELDER = "4114241052080000101"


@pytest.fixture
def world(db, admin, sample):
    """A village with a fund, a pledging supporter, a store with goods, and a household with points."""
    from desktop.services.points import stores

    import_roster(db, admin, sample("roster-small.xlsx"))
    fund.create_fund(db, admin, VILLAGE)
    sid = fund.add_supporter(db, admin, VILLAGE, ELDER, "董平花", relation="之女")
    fund.pledge(db, admin, sid, 20000, "2026-10", signed_on=date(2026, 9, 30))
    with db.read() as s:
        from desktop.services.households.households import resolve_village

        village_id = resolve_village(s, admin, VILLAGE).id
    stores.create_store(db, admin, "S01", "孙桥村爱心超市", village_id=village_id)
    stores.add_goods(db, admin, "S01", "6901", "洗衣粉", 20, unit="袋")
    points.award(db, admin, HH, 100, "测试")
    return sid


@pytest.fixture
def cli(db_url, capsys, monkeypatch):
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)

    def run(*args: str):
        code = main(["--db", db_url, *args, "--json"])
        out = capsys.readouterr().out.strip().splitlines()
        return code, json.loads(out[-1]) if out else {}

    return run


def _ledgers(db: Database) -> tuple:
    with db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(PointsEntry)),
            s.scalar(select(func.sum(PointsAccount.balance))),
            s.scalar(select(func.count()).select_from(FundEntry)),
            s.scalar(select(func.count()).select_from(StockMovement)),
        )


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["points", "award", HH, "--amount", "9223372036854775807", "--reason", "x"], "积分数"),
        (["points", "award", HH, "--amount", "99999999999999999999", "--reason", "x"], "积分数"),
        (["points", "award", HH, "--amount", "2000000000", "--reason", "x"], "积分数"),
        (["points", "award", HH, "--amount", "1001", "--reason", "x"], "积分数"),  # the default limit is 1000
        (["points", "award", HH, "--amount", "nan", "--reason", "x"], "积分数"),
        (["points", "award", HH, "--amount", "1.5", "--reason", "x"], "积分数"),
        (
            [
                "fund",
                "contribute",
                "--supporter",
                "1",
                "--months",
                "2026-11",
                "--amount",
                "92233720368547758.07",
            ],
            "缴纳金额",
        ),
        (["fund", "contribute", "--supporter", "1", "--months", "2026-11", "--amount", "10.005"], "缴纳金额"),
        (["fund", "contribute", "--supporter", "1", "--months", "2026-11", "--amount", "nan"], "缴纳金额"),
        (["fund", "contribute", "--supporter", "1", "--months", "2026-11", "--amount", "inf"], "缴纳金额"),
        (["fund", "contribute", "--supporter", "1", "--months", "2026-11", "--amount", "-200"], "缴纳金额"),
        (["fund", "contribute", "--supporter", "1", "--months", "1900-01", "--amount", "200"], "1900-01"),
        (["fund", "contribute", "--supporter", "1", "--months", "2999-01", "--amount", "200"], "2999-01"),
        (["fund", "donate", "--village", VILLAGE, "--donor", "某", "--amount", "100000000000"], "捐赠金额"),
        (["fund", "donate", "--village", VILLAGE, "--donor", "某", "--amount", "100000.01"], "捐赠金额"),
        (
            ["stock", "purchase", "--store", "S01", "--goods", "6901", "--quantity", "99999999999999999999"],
            "数量",
        ),
        (["stock", "purchase", "--store", "S01", "--goods", "6901", "--quantity", "100001"], "数量"),
        (
            ["stock", "purchase", "--store", "S01", "--goods", "6901", "--quantity", "5", "--value", "-3"],
            "金额",
        ),
        (["redeem", "--store", "S01", "--household", HH, "--item", "6901=100000000000000000000"], "数量"),
        (["plan", "income", HH, "--year", "99999", "--wage", "1000"], "年度"),
        (["plan", "income", HH, "--year", "2026", "--wage", "100000000000"], "工资性收入"),
        (["archive", "record", HH, "--item", "application", "--date", "2099-01-01"], "材料日期"),
        (
            ["print", "notice", "households", "--village", VILLAGE, "--days", "-1", "--out", "x.pdf"],
            "公示天数",
        ),
        (
            ["print", "notice", "households", "--village", VILLAGE, "--days", "0", "--out", "x.pdf"],
            "公示天数",
        ),
        (
            ["print", "notice", "households", "--village", VILLAGE, "--days", "100000", "--out", "x.pdf"],
            "公示天数",
        ),
    ],
)
def test_absurd_numbers_are_refused_naming_the_field_and_nothing_changes(
    db, world, cli, tmp_path, args, field
):
    args = [str(tmp_path / a) if a == "x.pdf" else a for a in args]
    before = _ledgers(db)
    code, data = cli(*args)
    assert code == 2, data
    assert field in data["error"], data
    assert _ledgers(db) == before
    assert cli("check")[0] == 0


def test_a_county_may_raise_its_own_limit(db, admin, world, cli):
    assert cli("points", "award", HH, "--amount", "1500", "--reason", "x")[0] == 2
    assert cli("settings", "set", "limits.points_entry=2000")[0] == 0
    assert cli("points", "award", HH, "--amount", "1500", "--reason", "年度表彰")[0] == 0
    assert points.balance(db, admin, HH) == 100 + 1500


def test_the_one_parser_reads_what_clerks_type():
    assert money.parse_yuan("200", "金额", max_fen=10**9) == 20000
    assert money.parse_yuan("１，２００.５元", "金额", max_fen=10**9) == 120050  # full-width, grouped, 元
    assert money.parse_yuan("10.000", "金额", max_fen=10**9) == 1000  # trailing zeros are not a third decimal
    for bad in ("", "abc", "nan", "inf", "-1", "10.005", "1e3x"):
        with pytest.raises(InputRejected, match="金额"):
            money.parse_yuan(bad, "金额", max_fen=10**9)
    with pytest.raises(InputRejected, match="超过上限"):
        money.parse_yuan("100.01", "金额", max_fen=10000)
    assert money.parse_count(" 12 ", "数量", maximum=100) == 12
    for bad in ("1.5", "x", "99999999999999999999"):
        with pytest.raises(InputRejected, match="数量"):
            money.parse_count(bad, "数量", maximum=100)


def test_a_spreadsheet_amount_rounds_half_up_where_a_typed_one_is_refused():
    # the roster's cell holds what the national system computed; a clerk's typing never has a third decimal
    assert money.fen_of_yuan(Decimal("0.125")) == 13
    assert money.fen_of_yuan(Decimal("1.005")) == 101
    assert money.fen_of_yuan(Decimal(repr(3400.0000000001))) == 340000
    for typed in ("0.125", "1.005"):
        with pytest.raises(InputRejected, match="超过两位小数"):
            money.parse_yuan(typed, "金额", max_fen=10**9)


def test_the_database_refuses_an_absurd_balance_however_it_is_written(db, admin, world):
    from desktop.services.points import stores

    fund.donate(db, admin, VILLAGE, "县慈善总会", 100000)
    stores.move_stock(db, admin, "S01", "6901", "purchase", 10, value_fen=20000)
    for statement in (
        update(PointsAccount).values(balance=9223372036854775807),
        update(PointsEntry).values(amount=2_000_000_000),
        update(FundEntry).values(amount_fen=10**12),
        update(StockMovement).values(quantity=10**9),
    ):
        with pytest.raises(IntegrityError), db.write() as s:
            s.execute(statement)
    with db.write() as s:
        assert s.execute(text("SELECT MAX(balance) FROM points_account")).scalar() == 100


def test_an_upgrade_stops_before_it_changes_a_database_that_already_holds_absurd_amounts(tmp_path):
    old = Database(tmp_path / "old.sqlite3")
    old.upgrade(revision="0009")
    with old.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO township (province, city, county, name) VALUES ('河南省','商丘市','柘城县','柳河镇')"
        )
        conn.exec_driver_sql("INSERT INTO village (township_id, name) VALUES (1, '孙桥村')")
        conn.exec_driver_sql(
            "INSERT INTO store (code, name, village_id, receipt_width_mm, active) VALUES ('S01','店',1,58,1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO goods (store_id, code, name, unit, price_points, barcode, active) "
            "VALUES (1,'1','x','个',9000000,'',1)"
        )
    with pytest.raises(Exception, match="超出合理范围.*goods.price_points"):
        old.upgrade()
    assert old.current_revision() == "0009"
    old.dispose()


@pytest.mark.parametrize(
    "args",
    [
        ["restore", "{fifo}"],
        ["backup-inspect", "{fifo}"],
        ["fund", "scan", "--supporter", "1", "--file", "{fifo}"],
        ["archive", "record", HH, "--item", "application", "--attach", "{fifo}"],
        ["restore", "/dev/zero"],
        ["archive", "record", HH, "--item", "application", "--attach", "/dev/zero"],
        ["archive", "record", HH, "--item", "application", "--attach", "{dir}"],
    ],
)
def test_a_pipe_device_or_folder_given_as_a_file_is_refused_not_waited_on(db, world, cli, tmp_path, args):
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    args = [a.format(fifo=fifo, dir=tmp_path) for a in args]
    before = _ledgers(db)
    code, data = cli(*args)
    assert code == 2 and ("不是普通文件" in data["error"] or "文件夹" in data["error"]), data
    assert _ledgers(db) == before
