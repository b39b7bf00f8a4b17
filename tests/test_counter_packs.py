"""The village counter offline (issue 23): pack → redemptions at the village → hand back → merge books exactly
what the township would have, once; an edited hand-back is refused; the pack reserves the store at the township;
expiry and conflicts wait for a supervisor."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from desktop import clock
from desktop.cli import main
from desktop.db import Database
from desktop.errors import InputRejected, Refused
from desktop.models import (
    CounterLocal,
    Goods,
    Household,
    PointsAccount,
    PointsEntry,
    StockLevel,
    StockMovement,
    Store,
)
from desktop.services.points import counter_guard, packs, points, redemption, stores, village_counter
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import users
from desktop.services.system.actor import Actor
from desktop.services.system.backup import check_database
from tests.conftest import fresh_database

OPERATOR, OPERATOR_PASSWORD = "op1", "counter-pass-1"
GOODS = {"OIL": 50, "SALT": 3, "SOAP": 7}


def _set_up(db, admin, sample) -> list[str]:
    import_roster(db, admin, sample("roster-small.xlsx"))
    stores.create_store(db, admin, "S01", "孙桥村爱心超市")
    stores.create_store(db, admin, "S02", "乡镇爱心超市")
    for code, price in GOODS.items():
        stores.add_goods(db, admin, "S01", code, code.lower(), price, unit="个")
        stores.move_stock(db, admin, "S01", code, "purchase", 400, value_fen=100)
    stores.add_goods(db, admin, "S02", "OIL", "食用油", 50)
    stores.move_stock(db, admin, "S02", "OIL", "purchase", 10)
    users.create_user(db, admin, OPERATOR, OPERATOR_PASSWORD, "store_operator", stores=["S01"])
    with db.read() as s:
        codes = list(s.scalars(select(Household.code).order_by(Household.code)))
    for code in codes:
        points.award(db, admin, code, 400, "2026年第三季度星级评定")
    return codes


@pytest.fixture
def township(db, admin, sample):
    _set_up(db, admin, sample)
    return db


@pytest.fixture
def codes(township):
    with township.read() as s:
        return list(s.scalars(select(Household.code).order_by(Household.code)))


def _open(tmp_path, pack_file, name="village.sqlite3"):
    info = village_counter.open_pack(pack_file, target=tmp_path / name, trust_file=tmp_path / "trusted.json")
    vdb = Database(info.path)
    return vdb, users.authenticate(vdb, OPERATOR, OPERATOR_PASSWORD)


@pytest.fixture
def village(township, admin, tmp_path):
    info = packs.pack(township, admin, "S01", 14, tmp_path / "S01.wbpack")
    vdb, operator = _open(tmp_path, tmp_path / "S01.wbpack")
    yield info, vdb, operator
    vdb.dispose()


def _baskets(codes: list[str], n: int = 50) -> list[tuple[str, dict[str, int]]]:
    rng = random.Random(23)
    return [
        (rng.choice(codes), {g: rng.randint(1, 3) for g in rng.sample(sorted(GOODS), rng.randint(1, 3))})
        for _ in range(n)
    ]


def _state(db) -> dict:
    """What a clerk or inspector compares: balances, stock, and each ledger's lines per account in order."""
    with db.read() as s:
        hh = dict(s.execute(select(Household.id, Household.code)).all())
        gd = {
            g: f"{store}/{code}"
            for g, store, code in s.execute(select(Goods.id, Store.code, Goods.code).join(Store))
        }
        return {
            "balances": {
                hh[h]: b for h, b in s.execute(select(PointsAccount.household_id, PointsAccount.balance))
            },
            "stock": {gd[g]: q for g, q in s.execute(select(StockLevel.goods_id, StockLevel.quantity))},
            "points": sorted(
                (hh[e.household_id], e.seq, e.kind, e.amount) for e in s.scalars(select(PointsEntry))
            ),
            "moves": sorted(
                (gd[m.goods_id], m.seq, m.kind, m.quantity) for m in s.scalars(select(StockMovement))
            ),
        }


def test_fifty_redemptions_offline_merge_to_what_the_township_would_have_booked(
    township, codes, admin, tmp_path, _template, sample
):
    baskets = _baskets(codes)
    for code in codes:  # the same in both: enough for fifty baskets
        for _ in range(5):
            points.award(township, admin, code, 920, "2026年第三季度星级评定")
    (tmp_path / "direct").mkdir()
    with fresh_database(_template, tmp_path / "direct") as url:
        direct = Database(url)
        try:
            _set_up(direct, admin, sample)
            for code in codes:
                for _ in range(5):
                    points.award(direct, admin, code, 920, "2026年第三季度星级评定")
            for household, items in baskets:
                redemption.redeem(direct, admin, "S01", household, items)
            expected = _state(direct)
        finally:
            direct.dispose()

    packs.pack(township, admin, "S01", 14, tmp_path / "S01.wbpack")
    vdb, operator = _open(tmp_path, tmp_path / "S01.wbpack")
    numbers = [redemption.redeem(vdb, operator, "S01", h, items).number for h, items in baskets]
    assert all("-C1-" in n for n in numbers)  # the village's receipt numbers carry the pack
    assert check_database(vdb).ok
    done = village_counter.hand_back(vdb, tmp_path / "r.wbreturn")
    vdb.dispose()
    assert (done.events, done.redemptions) == (50, 50)

    result = packs.merge(township, admin, tmp_path / "r.wbreturn", close=True)
    assert (result.new_events, result.redemptions, result.conflicts, result.closed) == (50, 50, 0, True)
    assert _state(township) == expected
    assert check_database(township).ok


def test_merging_the_same_or_an_older_hand_back_again_changes_nothing_and_says_so(
    village, township, admin, codes
):
    _info, vdb, operator = village
    folder = vdb.path.parent
    redemption.redeem(vdb, operator, "S01", codes[0], {"OIL": 1})
    village_counter.hand_back(vdb, folder / "first.wbreturn")
    redemption.redeem(vdb, operator, "S01", codes[1], {"SALT": 2})
    stores.move_stock(vdb, operator, "S01", "SOAP", "loss", 1, reason="受潮")
    village_counter.hand_back(vdb, folder / "second.wbreturn")

    first = packs.merge(township, admin, folder / "first.wbreturn")
    assert (first.new_events, first.redemptions) == (1, 1)
    second = packs.merge(township, admin, folder / "second.wbreturn")
    assert (second.new_events, second.redemptions, second.stock_moves) == (2, 1, 1)
    before = _state(township)
    for again in ("second.wbreturn", "first.wbreturn"):
        result = packs.merge(township, admin, folder / again)
        assert result.new_events == 0 and "没有新的记录" in result.message()
    assert _state(township) == before
    assert points.balance(township, admin, codes[0]) == 350


def _edited(path, change) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _drop_second(doc):
    del doc["events"][1]


def _change_points(doc):
    doc["events"][0]["body"]["lines"][0]["quantity"] = 1
    doc["events"][0]["body"]["points"] = 3


def _add_one(doc):
    extra = json.loads(json.dumps(doc["events"][-1]))
    extra["seq"] += 1
    doc["events"].append(extra)
    doc["count"] += 1


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (_drop_second, "签名不符"),
        (_change_points, "签名不符"),
        (_add_one, "签名不符"),
        (lambda doc: doc.update(mac="0" * 64), "签名不符"),
        (lambda doc: doc.update(pack="f" * 32), "不属于本乡镇"),
    ],
)
def test_a_hand_back_edited_by_hand_is_refused_and_nothing_is_booked(
    village, township, admin, codes, change, why
):
    _info, vdb, operator = village
    folder = vdb.path.parent
    for code in codes[:3]:
        redemption.redeem(vdb, operator, "S01", code, {"SALT": 5, "OIL": 1})
    village_counter.hand_back(vdb, folder / "r.wbreturn")
    before = _state(township)
    _edited(folder / "r.wbreturn", change)
    with pytest.raises(Refused, match=why):
        packs.merge(township, admin, folder / "r.wbreturn")
    assert _state(township) == before


def test_files_that_are_not_a_hand_back_or_belong_elsewhere_are_refused(
    village, township, admin, codes, tmp_path
):
    _info, vdb, operator = village
    junk = tmp_path / "junk.wbreturn"
    junk.write_bytes(b"PK\x03\x04 not json")
    with pytest.raises(InputRejected, match="不是回传文件"):
        packs.merge(township, admin, junk)
    redemption.redeem(vdb, operator, "S01", codes[0], {"OIL": 1})
    village_counter.hand_back(vdb, tmp_path / "r.wbreturn")
    with pytest.raises(Refused, match="不是所选超市"):
        packs.merge(township, admin, tmp_path / "r.wbreturn", store_code="S02")
    cut = tmp_path / "cut.wbreturn"
    cut.write_bytes((tmp_path / "r.wbreturn").read_bytes()[:-40])
    with pytest.raises(InputRejected, match="被截断"):
        packs.merge(township, admin, cut)
    deep = tmp_path / "deep.wbreturn"
    deep.write_text("[" * 200_000, encoding="utf-8")
    with pytest.raises(InputRejected, match="无法识别"):
        packs.merge(township, admin, deep)
    with pytest.raises(InputRejected, match="是文件夹"):
        packs.merge(township, admin, tmp_path)
    with pytest.raises(InputRejected, match="文件夹不存在"):
        village_counter.hand_back(vdb, tmp_path / "nowhere" / "r.wbreturn")


def test_the_open_pack_reserves_the_store_at_the_township(village, township, admin, codes, tmp_path):
    info, vdb, operator = village
    with pytest.raises(Refused, match="数据包C1.*在村里离线使用"):
        redemption.redeem(township, admin, "S01", codes[0], {"OIL": 1})
    # a household the pack carries cannot spend the same points at another store either
    with pytest.raises(Refused, match="这户的积分已随数据包C1"):
        redemption.redeem(township, admin, "S02", codes[0], {"OIL": 1})
    with pytest.raises(Refused, match="出库、损耗"):
        stores.move_stock(township, admin, "S01", "OIL", "loss", 1, reason="破损")
    assert (
        stores.move_stock(township, admin, "S01", "OIL", "purchase", 10, value_fen=100) == 410
    )  # stock in: fine
    assert points.award(township, admin, codes[0], 5, "奖励") == 405  # awards still add
    with pytest.raises(Refused, match="未关闭的数据包C1"):
        packs.pack(township, admin, "S01", 7, tmp_path / "again.wbpack")

    redemption.redeem(vdb, operator, "S01", codes[0], {"OIL": 2})
    village_counter.hand_back(vdb, tmp_path / "r.wbreturn")
    result = packs.merge(township, admin, tmp_path / "r.wbreturn", close=True)
    assert result.closed and "恢复在乡镇兑换" in result.message()
    assert points.balance(township, admin, codes[0]) == 305
    assert {g.code: g.stock for g in stores.list_goods(township, "S01")}["OIL"] == 408
    redemption.redeem(township, admin, "S01", codes[0], {"OIL": 1})  # released


def test_an_expired_pack_stops_the_village_and_waits_in_the_list(
    village, township, admin, codes, monkeypatch
):
    info, vdb, operator = village
    redemption.redeem(vdb, operator, "S01", codes[0], {"OIL": 1})
    later = clock.now() + timedelta(days=15)
    monkeypatch.setattr(clock, "now", lambda: later)
    with pytest.raises(Refused, match="到期，不能再兑换"):
        redemption.redeem(vdb, operator, "S01", codes[1], {"OIL": 1})
    assert village_counter.local_info(vdb).expired
    waiting = packs.conflicts(township, admin)
    assert [(c.id, c.pack, c.kind_name) for c in waiting] == [(None, "C1", "数据包已过期")]
    with pytest.raises(Refused, match="在村里离线使用"):  # still reserved until merged and closed
        redemption.redeem(township, admin, "S01", codes[0], {"OIL": 1})
    village_counter.hand_back(vdb, vdb.path.parent / "late.wbreturn")
    result = packs.merge(township, admin, vdb.path.parent / "late.wbreturn", close=True)
    assert (result.redemptions, result.conflicts) == (1, 0)  # redeemed in time: booked
    assert packs.conflicts(township, admin) == []


def test_a_redemption_dated_after_the_pack_expired_is_held_for_a_supervisor(village, township, admin, codes):
    info, vdb, operator = village
    with vdb.write() as s:  # the village PC's copy says it runs longer than the township packed it for
        s.execute(update(CounterLocal).values(valid_until=info.valid_until + timedelta(days=30)))
    later = clock.now() + timedelta(days=20)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(clock, "now", lambda: later)
        redemption.redeem(vdb, operator, "S01", codes[0], {"OIL": 1})
    village_counter.hand_back(vdb, vdb.path.parent / "r.wbreturn")
    result = packs.merge(township, admin, vdb.path.parent / "r.wbreturn")
    assert (result.redemptions, result.conflicts) == (0, 1)
    [held] = packs.conflicts(township, admin)
    assert (held.kind_name, held.points, held.household) == ("不在数据包有效期内兑换", 50, codes[0])
    assert points.balance(township, admin, codes[0]) == 400  # not booked without a decision


def test_a_reversed_award_already_spent_offline_is_a_conflict_never_a_negative_balance(
    village, township, admin, codes
):
    _info, vdb, operator = village
    hh = codes[0]
    with township.read() as s:
        award_id = s.scalar(
            select(PointsEntry.id)
            .join(Household, Household.id == PointsEntry.household_id)
            .where(Household.code == hh, PointsEntry.kind == "award")
        )
    assert points.reverse_entry(township, admin, award_id, "评定有误，收回") == 0
    redemption.redeem(vdb, operator, "S01", hh, {"OIL": 3, "SALT": 10})  # 180 of the 400 the pack carried
    redemption.redeem(vdb, operator, "S01", codes[1], {"OIL": 1})
    village_counter.hand_back(vdb, vdb.path.parent / "r.wbreturn")
    result = packs.merge(township, admin, vdb.path.parent / "r.wbreturn")
    assert (result.redemptions, result.conflicts) == (1, 1)
    [held] = packs.conflicts(township, admin)
    assert (held.kind_name, held.points, held.balance, held.shortfall) == ("积分不足", 180, 0, 180)
    assert "差180分" in held.describe()
    assert points.balance(township, admin, hh) == 0
    oil_before = {g.code: g.stock for g in stores.list_goods(township, "S01")}["OIL"]

    with pytest.raises(InputRejected, match="理由"):
        packs.decide(township, admin, held.id, True, " ")
    decided = packs.decide(township, admin, held.id, True, "经乡镇研究，差额由村集体承担")
    assert decided.decision == "accept"
    assert points.balance(township, admin, hh) == 0  # +180 recorded adjustment, −180 the redemption
    history = [(e.kind, e.amount) for e in points.history(township, admin, hh)]
    assert ("adjust", 180) in history and ("redeem", -180) in history
    assert {g.code: g.stock for g in stores.list_goods(township, "S01")}["OIL"] == oil_before - 3
    with pytest.raises(Refused, match="已处理"):
        packs.decide(township, admin, held.id, False, "再来一次")
    assert packs.conflicts(township, admin) == []
    assert check_database(township).ok


def test_a_held_redemption_reversed_at_the_village_settles_its_conflict(village, township, admin, codes):
    _info, vdb, operator = village
    hh = codes[0]
    points.award(township, admin, hh, 1, "x")
    with township.read() as s:
        award_id = s.scalar(
            select(PointsEntry.id)
            .join(Household, Household.id == PointsEntry.household_id)
            .where(Household.code == hh, PointsEntry.kind == "award", PointsEntry.amount == 400)
        )
    points.reverse_entry(township, admin, award_id, "收回")
    receipt = redemption.redeem(vdb, operator, "S01", hh, {"OIL": 2})
    village_counter.hand_back(vdb, vdb.path.parent / "a.wbreturn")
    assert packs.merge(township, admin, vdb.path.parent / "a.wbreturn").conflicts == 1
    redemption.reverse_redemption(vdb, Actor("sup", "clerk"), receipt.number, "积分不够，退回商品")
    village_counter.hand_back(vdb, vdb.path.parent / "b.wbreturn")
    assert packs.merge(township, admin, vdb.path.parent / "b.wbreturn").reversals == 1
    assert packs.conflicts(township, admin) == []
    [settled] = packs.conflicts(township, admin, pending_only=False)
    assert settled.decision == "reversed"
    assert points.balance(township, admin, hh) == 1


def test_a_pack_edited_on_its_way_or_from_another_key_is_refused_at_the_village(township, admin, tmp_path):
    packs.pack(township, admin, "S01", 14, tmp_path / "S01.wbpack")
    doc = json.loads((tmp_path / "S01.wbpack").read_text(encoding="utf-8"))
    doc["payload"]["households"][0]["balance"] += 1000
    (tmp_path / "edited.wbpack").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(Refused, match="签名不符"):
        village_counter.open_pack(
            tmp_path / "edited.wbpack", target=tmp_path / "v.sqlite3", trust_file=tmp_path / "t.json"
        )
    assert not (tmp_path / "v.sqlite3").exists()

    trust = tmp_path / "t.json"
    trust.write_text(json.dumps({doc["payload"]["township"]["name"]: "ab" * 32}), encoding="utf-8")
    with pytest.raises(Refused, match="指纹"):
        village_counter.open_pack(tmp_path / "S01.wbpack", target=tmp_path / "v.sqlite3", trust_file=trust)
    info = village_counter.open_pack(
        tmp_path / "S01.wbpack", target=tmp_path / "v.sqlite3", trust_file=trust, trust=True
    )
    assert info.label == "C1" and info.redemptions == 0
    # opened again (the PC restarted): the same database, nothing duplicated
    again = village_counter.open_pack(
        tmp_path / "S01.wbpack", target=tmp_path / "v.sqlite3", trust_file=trust
    )
    assert again.path == info.path


def test_the_village_holds_only_the_pack_and_its_balances(village, township, admin, codes):
    info, vdb, operator = village
    assert info.households == len(codes)
    assert points.balance(vdb, operator, codes[0]) == 400
    with vdb.read() as s:
        assert {g.code: g.stock for g in stores.list_goods(vdb, "S01")} == dict.fromkeys(GOODS, 400)
        assert s.scalar(select(CounterLocal.store_code)) == "S01"
    with pytest.raises(Refused, match="积分不足"):
        redemption.redeem(vdb, operator, "S01", codes[0], {"OIL": 9})
    for code in codes[1:4]:
        redemption.redeem(vdb, operator, "S01", code, {"SALT": 130})
    with pytest.raises(Refused, match="库存不足"):
        redemption.redeem(vdb, operator, "S01", codes[4], {"SALT": 11})
    assert check_database(vdb).ok


def test_the_command_line_packs_opens_hands_back_and_merges(
    township, db_url, codes, tmp_path, capsys, cli_login, monkeypatch
):
    target = db_url
    pack_file, back = tmp_path / "S01.wbpack", tmp_path / "S01.wbreturn"
    assert (
        main(["--db", target, "counter", "pack", "--store", "S01", "--days", "14", "--out", str(pack_file)])
        == 0
    )
    assert "数据包C1" in capsys.readouterr().out
    assert main(["counter", "open", str(pack_file), "--no-window"]) == 0
    local = capsys.readouterr().out.split("本机数据库：")[1].strip()
    with monkeypatch.context() as m:
        m.setenv("DESKTOP_PASSWORD", OPERATOR_PASSWORD)
        redeem = ["--db", local, "--user", OPERATOR, "redeem", "--store", "S01", "--household", codes[0]]
        assert main([*redeem, "--item", "OIL=2"]) == 0
    capsys.readouterr()
    assert main(["counter", "return", "--out", str(back)]) == 0
    assert "共1条记录" in capsys.readouterr().out
    assert main(["--db", target, "counter", "merge", str(back), "--close"]) == 0
    assert "兑换1单" in capsys.readouterr().out
    assert main(["--db", target, "counter", "merge", str(back)]) == 0
    assert "没有新的记录" in capsys.readouterr().out
    assert main(["--db", target, "--json", "counter", "list"]) == 0
    listed = json.loads(capsys.readouterr().out)["packs"]
    assert [(p["label"], p["state"], p["merged_count"]) for p in listed] == [("C1", "closed", 1)]


def test_when_a_pack_is_made_is_beijing_time(township, admin, tmp_path, monkeypatch):
    at = datetime(2026, 12, 31, 23, 30, tzinfo=clock.OFFICE_TZ)  # 15:30 UTC: still the 31st in London
    monkeypatch.setattr(clock, "now", lambda: at)
    info = packs.pack(township, admin, "S01", 1, tmp_path / "p.wbpack")
    assert str(info.valid_until) == "2027-01-01"


def test_the_counter_says_so_as_soon_as_a_reserved_household_is_found(village, township, admin, codes):
    why = redemption.may_redeem_here(township, admin, "S01", codes[0])
    assert why and "数据包C1" in why
    _info, vdb, operator = village
    assert redemption.may_redeem_here(vdb, operator, "S01", codes[0]) is None


def test_a_pack_given_alone_opens_the_village_counter(township, admin, tmp_path, capsys, monkeypatch):
    """What a double-click on Windows runs: `workbench.exe S01.wbpack`."""
    from desktop.ui import app

    opened = []
    monkeypatch.setattr(app, "run_counter", lambda path: opened.append(path) or 0)
    packs.pack(township, admin, "S01", 14, tmp_path / "S01.wbpack")
    assert main([str(tmp_path / "S01.wbpack")]) == 0
    assert "离线兑换台" in capsys.readouterr().out and opened and opened[0].endswith(".sqlite3")


def _resigned(path, change) -> None:
    """An edit made by someone who holds the pack's key: signed again, so only the field checks can catch it."""
    import hashlib
    import hmac

    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    doc.pop("mac")
    prev = ""
    for e in doc["events"]:
        e["prev"], e["digest"] = prev, counter_guard.event_digest(prev, e["seq"], e["kind"], e["body"])
        prev = e["digest"]
    doc["head"] = prev
    secret = json.loads((path.parent / "S01.wbpack").read_text(encoding="utf-8"))["payload"]["secret"]
    doc["mac"] = hmac.new(bytes.fromhex(secret), counter_guard.canonical(doc), hashlib.sha256).hexdigest()
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda doc: doc["events"][0]["body"].update(points=1), "兑换积分与商品合计不符"),
        (lambda doc: doc["events"][0]["body"]["lines"][0].update(quantity=-5), "商品行不合规"),
        (lambda doc: doc["events"][0]["body"].update(at="昨天"), "时间无法识别"),
        (
            lambda doc: doc["events"].append({**doc["events"][0], "seq": 2}) or doc.update(count=2),
            "已经入账过",
        ),
    ],
)
def test_even_a_re_signed_hand_back_is_checked_field_by_field(township, admin, codes, tmp_path, change, why):
    packs.pack(township, admin, "S01", 14, tmp_path / "S01.wbpack")
    vdb, operator = _open(tmp_path, tmp_path / "S01.wbpack")
    redemption.redeem(vdb, operator, "S01", codes[0], {"OIL": 1})
    village_counter.hand_back(vdb, tmp_path / "r.wbreturn")
    vdb.dispose()
    before = _state(township)
    _resigned(tmp_path / "r.wbreturn", change)
    with pytest.raises(Refused, match=why):
        packs.merge(township, admin, tmp_path / "r.wbreturn")
    assert _state(township) == before


def test_a_pack_opened_on_a_second_pc_cannot_merge_over_the_first(village, township, admin, codes, tmp_path):
    _info, vdb, operator = village
    other, other_operator = _open(tmp_path, tmp_path / "S01.wbpack", "second-pc.sqlite3")
    try:
        redemption.redeem(vdb, operator, "S01", codes[0], {"OIL": 1})
        village_counter.hand_back(vdb, tmp_path / "first.wbreturn")
        redemption.redeem(other, other_operator, "S01", codes[1], {"SALT": 1})
        village_counter.hand_back(other, tmp_path / "second.wbreturn")
    finally:
        other.dispose()
    packs.merge(township, admin, tmp_path / "first.wbreturn")
    before = _state(township)
    with pytest.raises(Refused, match="来自另一台电脑"):  # same count as merged: not "nothing new"
        packs.merge(township, admin, tmp_path / "second.wbreturn")
    assert _state(township) == before


def test_what_the_village_did_after_the_pack_was_closed_waits_for_a_supervisor(
    village, township, admin, codes
):
    _info, vdb, operator = village
    folder = vdb.path.parent
    redemption.redeem(vdb, operator, "S01", codes[0], {"OIL": 1})
    village_counter.hand_back(vdb, folder / "a.wbreturn")
    assert packs.merge(township, admin, folder / "a.wbreturn", close=True).closed
    redemption.redeem(vdb, operator, "S01", codes[1], {"OIL": 1})  # the village did not hear of it
    stores.move_stock(vdb, operator, "S01", "SALT", "loss", 1, reason="破损")
    village_counter.hand_back(vdb, folder / "b.wbreturn")
    result = packs.merge(township, admin, folder / "b.wbreturn")
    assert (result.redemptions, result.conflicts, result.skipped) == (0, 1, 1)
    [held] = packs.conflicts(township, admin)
    assert held.kind_name == "数据包关闭后兑换" and held.household == codes[1]
    assert points.balance(township, admin, codes[1]) == 400  # not booked, not lost
    packs.decide(township, admin, held.id, True, "核实属实，补记")
    assert points.balance(township, admin, codes[1]) == 350
    assert packs.merge(township, admin, folder / "b.wbreturn").new_events == 0


def test_a_village_database_put_back_from_an_old_backup_is_refused_not_taken_for_nothing_new(
    village, township, admin, codes, tmp_path
):
    import shutil

    _info, vdb, operator = village
    folder = vdb.path.parent
    for code in codes[:3]:
        redemption.redeem(vdb, operator, "S01", code, {"SALT": 1})
    village_counter.hand_back(vdb, folder / "three.wbreturn")
    packs.merge(township, admin, folder / "three.wbreturn")
    vdb.dispose()
    shutil.copyfile(vdb.path, tmp_path / "backup.sqlite3")
    for code in codes[3:5]:
        redemption.redeem(vdb, operator, "S01", code, {"SALT": 1})
    village_counter.hand_back(vdb, folder / "five.wbreturn")
    packs.merge(township, admin, folder / "five.wbreturn")
    vdb.dispose()
    shutil.copyfile(tmp_path / "backup.sqlite3", vdb.path)  # the PC put back as it was after three
    redemption.redeem(vdb, operator, "S01", codes[5], {"OIL": 1})
    village_counter.hand_back(vdb, folder / "forked.wbreturn")
    before = _state(township)
    with pytest.raises(Refused, match="恢复成了旧的备份"):
        packs.merge(township, admin, folder / "forked.wbreturn")
    assert _state(township) == before
    assert packs.merge(township, admin, folder / "three.wbreturn").new_events == 0  # a true older one is fine


def test_the_village_refuses_a_clock_set_back_and_writes_it_would_not_hand_back(
    village, township, admin, codes, monkeypatch
):
    info, vdb, operator = village
    redemption.redeem(vdb, operator, "S01", codes[0], {"OIL": 1})
    earlier = clock.now() - timedelta(days=40)
    with monkeypatch.context() as m:
        m.setattr(clock, "now", lambda: earlier)
        with pytest.raises(Refused, match="电脑的日期和时间调准"):
            redemption.redeem(vdb, operator, "S01", codes[1], {"OIL": 1})
    supervisor = Actor("sup", "clerk")
    with pytest.raises(Refused, match="只办理兑换"):
        points.award(vdb, supervisor, codes[0], 100, "村里发的")
    with pytest.raises(Refused, match="只办理兑换"):
        stores.add_goods(vdb, supervisor, "S01", "NEW", "新商品", 5)


def test_an_empty_trial_hand_back_does_not_bind_the_pack_to_that_pc(township, admin, codes, tmp_path):
    packs.pack(township, admin, "S01", 14, tmp_path / "S01.wbpack")
    trial, _ = _open(tmp_path, tmp_path / "S01.wbpack", "office-trial.sqlite3")
    village_counter.hand_back(trial, tmp_path / "trial.wbreturn")
    trial.dispose()
    assert packs.merge(township, admin, tmp_path / "trial.wbreturn").new_events == 0
    real, operator = _open(tmp_path, tmp_path / "S01.wbpack", "village.sqlite3")
    redemption.redeem(real, operator, "S01", codes[0], {"OIL": 1})
    village_counter.hand_back(real, tmp_path / "real.wbreturn")
    real.dispose()
    assert packs.merge(township, admin, tmp_path / "real.wbreturn").redemptions == 1


def test_a_decision_waits_while_a_newer_pack_holds_the_store(village, township, admin, codes, tmp_path):
    _info, vdb, operator = village
    [award] = [e for e in points.history(township, admin, codes[0]) if e.kind == "award"]
    points.reverse_entry(township, admin, award.id, "收回")
    redemption.redeem(vdb, operator, "S01", codes[0], {"OIL": 1})
    village_counter.hand_back(vdb, tmp_path / "r.wbreturn")
    packs.merge(township, admin, tmp_path / "r.wbreturn", close=True)
    packs.pack(township, admin, "S01", 7, tmp_path / "second.wbpack")
    [held] = packs.conflicts(township, admin)
    with pytest.raises(Refused, match="数据包C2"):
        packs.decide(township, admin, held.id, True, "补记")
    packs.decide(township, admin, held.id, False, "商品已退回")  # not booking takes nothing from C2
