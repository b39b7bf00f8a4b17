"""Store and points reports: ledgers that add up, settlement without reversed baskets, public notices."""

from __future__ import annotations

import pytest

from desktop import clock
from desktop.cli import main
from desktop.reports.mask import leaks
from desktop.services.points import points, redemption, store_reports, stores
from desktop.services.roster.roster_import import import_roster
from tests.pdfcheck import page_text

HH = "41142410520800001"
MONTH = f"{clock.today():%Y-%m}"


@pytest.fixture
def shop(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    stores.create_store(db, admin, "S01", "孙桥村爱心超市")
    stores.add_goods(db, admin, "S01", "OIL", "食用油", 50, unit="桶")
    stores.add_goods(db, admin, "S01", "SALT", "食盐", 3, unit="袋")
    stores.move_stock(db, admin, "S01", "OIL", "purchase", 4, value_fen=24000)
    stores.move_stock(db, admin, "S01", "SALT", "donation", 30, donor="县供销社", value_fen=9000)
    points.award(db, admin, HH, 200, "星级评定")
    kept = redemption.redeem(db, admin, "S01", HH, {"OIL": 1, "SALT": 2})
    undone = redemption.redeem(db, admin, "S01", HH, {"OIL": 1})
    redemption.reverse_redemption(db, admin, undone.number, "扫错")
    return db, kept


def test_settlement_counts_what_stands(shop):
    db, kept = shop
    st = store_reports.settlement(db, "S01", MONTH)
    assert (st.redemptions, st.reversed, st.households, st.points) == (1, 1, 1, kept.points)
    assert [(name, qty, pts) for name, _unit, qty, pts in st.by_goods] == [("食用油", 1, 50), ("食盐", 2, 6)]
    # at what the shelves were bought and given for (4 bottles of oil for 240 元, 30 bags of salt worth 90 元),
    # not points × 1 元: 3 × 60 元 + 28 × 3 元
    assert st.stock_value_fen == 3 * 6000 + 28 * 300 and st.unvalued == []


def test_points_and_stock_ledgers_add_up(shop, admin, tmp_path):
    db, _ = shop
    info = store_reports.points_ledger(db, admin, tmp_path / "p.pdf")
    text = "".join(page_text(tmp_path / "p.pdf")).replace(" ", "").replace(",", "")
    assert info.rows == 4 and "积分台账" in text and "冲正" in text
    assert "合计250106" in text  # 增加 200 + 50 (reversal), 减少 56 + 50
    info = store_reports.stock_ledger(db, "S01", tmp_path / "s.pdf")
    assert info.rows == 6  # purchase, donation, 2 redeem lines, 1 redeem + its reversal


def test_public_notices_show_no_personal_numbers(shop, admin, tmp_path):
    db, _ = shop
    store_reports.redemption_notice(db, admin, "柘城县逻岗镇/孙桥村", MONTH, tmp_path / "r.pdf")
    text = "".join(page_text(tmp_path / "r.pdf"))
    assert "董超玉" in text and leaks(text) == []
    store_reports.donation_notice(db, "S01", MONTH, tmp_path / "d.pdf")
    assert "县供销社" in "".join(page_text(tmp_path / "d.pdf"))


def test_reports_from_the_command_line(shop, db_url, tmp_path, capsys, cli_login):
    import json

    assert main(["--db", db_url, "stores", "settlement", "S01", "--month", MONTH, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["redemptions"] == 1
    assert main(["--db", db_url, "print", "chart", "points", "--out", str(tmp_path / "c.png")]) == 0
    assert (tmp_path / "c.png").stat().st_size > 5000
    assert (
        main(
            ["--db", db_url, "print", "ledger", "stock", "--store", "S01", "--xlsx", str(tmp_path / "s.xlsx")]
        )
        == 0
    )
    assert main(["--db", db_url, "print", "notice", "nonsense", "--out", str(tmp_path / "x.pdf")]) == 2


def test_daily_settlement(shop):
    db, kept = shop
    day = store_reports.settlement(db, "S01", f"{clock.today():%Y-%m-%d}")
    assert day.period.endswith("日") and day.redemptions == 1 and day.points == kept.points
    from desktop.errors import InputRejected

    with pytest.raises(InputRejected):
        store_reports.settlement(db, "S01", "十一月")


def test_half_past_midnight_in_beijing_counts_in_the_new_day_and_month(shop):
    """The office keeps Beijing time whatever zone the PC is set to: 16:30 UTC on 30 November is 00:30 on
    1 December, so that basket belongs to December's settlement and the dashboard's December."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from desktop.models import PointsEntry, Redemption
    from desktop.services import dashboard

    db, kept = shop
    late = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    with db.write() as s:
        s.execute(update(Redemption).values(at=late))
        s.execute(update(PointsEntry).where(PointsEntry.kind != "award").values(at=late))
    assert clock.local_date(late).isoformat() == "2026-12-01"
    assert store_reports.settlement(db, "S01", "2026-12-01").redemptions == 1
    assert store_reports.settlement(db, "S01", "2026-11-30").redemptions == 0
    assert store_reports.settlement(db, "S01", "2026-12").redemptions == 1
    assert store_reports.settlement(db, "S01", "2026-11").redemptions == 0
    from desktop.services.system.actor import SYSTEM

    board = dashboard.gather(db, SYSTEM, today=clock.local_date(late))
    assert board.this_month(board.points)[1] == kept.points
