"""Charts that go to paper: on an A4 page, text no smaller than 8 pt at print size and readable back from the
PDF (TrueType embedded), a title and the 制表日期 on a standalone page; PNG for the screen keeps its size."""

from __future__ import annotations

from datetime import date

import pdfplumber
import pytest
from PIL import Image

from desktop import clock
from desktop.cli import main
from desktop.services.points import points, redemption, stores
from desktop.services.roster.roster_import import import_roster
from tests.pdfcheck import MM

HH = "41142410520800001"
A4 = {(595, 842), (842, 595)}
MADE = date(2027, 3, 5)  # the office clock, not the wall clock


@pytest.fixture
def shop(db, admin, sample, db_url, monkeypatch):
    import_roster(db, admin, sample("roster-small.xlsx"))
    stores.create_store(db, admin, "S01", "孙桥村爱心超市")
    stores.add_goods(db, admin, "S01", "OIL", "食用油", 50, unit="桶")
    stores.move_stock(db, admin, "S01", "OIL", "purchase", 4, value_fen=24000)
    points.award(db, admin, HH, 200, "星级评定")
    redemption.redeem(db, admin, "S01", HH, {"OIL": 1})
    monkeypatch.setattr(clock, "today", lambda: MADE)
    return db_url


def _print(db_url: str, *args: str) -> int:
    return main(["--db", db_url, "print", *args])


def _check_page(path) -> str:
    """The page is A4, every character is 8 pt or more and inside the printable area; the text back."""
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) >= 1
        text = ""
        for page in pdf.pages:
            assert (round(page.width), round(page.height)) in A4
            chars = page.chars
            assert chars, "no text could be read back: fonts must be embedded as TrueType"
            small = sorted({(round(c["size"], 1), c["text"]) for c in chars if c["size"] < 8 - 0.01})
            assert small == [], small[:10]
            for c in chars:
                assert min(c["x0"], c["top"], page.width - c["x1"], page.height - c["bottom"]) >= 10 * MM, c
            text += "".join((page.extract_text() or "").split())
    return text


def test_the_points_chart_prints_on_a4_with_a_title_and_date(shop, tmp_path, cli_login):
    out = tmp_path / "chart.pdf"
    assert _print(shop, "chart", "points", "--out", str(out)) == 0
    text = _check_page(out)
    assert "积分发放与兑换" in text and "制表日期：2027年3月5日" in text
    assert "孙桥村" in text and "发放积分" in text  # tick labels and legend read back too


def test_the_points_chart_for_the_screen_keeps_its_size(shop, tmp_path, cli_login):
    out = tmp_path / "chart.png"
    assert _print(shop, "chart", "points", "--out", str(out)) == 0
    with Image.open(out) as image:
        assert image.size == (1320, 495)  # 12 × 4.5 inches at 110 dpi


def test_the_monthly_report_has_print_size_text(shop, tmp_path, cli_login):
    out = tmp_path / "m.pdf"
    assert _print(shop, "report", "monthly", "--out", str(out)) == 0
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 1  # 37 villages in the sample: the village charts grow, the page holds them
    text = _check_page(out)
    assert "扶贫工作月报" in text and "制表日期：2027年3月5日" in text
    for title in ("各村农户卡色", "档案齐全率", "积分发放与兑换", "孝善基金收支"):
        assert title in text, title  # the charts are text, not pictures of text
    assert "未定卡" in text  # a legend
