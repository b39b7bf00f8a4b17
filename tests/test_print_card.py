"""明白卡 and plan sheet as printed: A5 laid out for A5 (readable sizes, nothing lost), everything inside the
printable area of an office printer unless borderless printing was chosen, the QR readable on both papers,
and the date from the office clock."""

from __future__ import annotations

from datetime import date

import pdfplumber
import pytest

from desktop import clock
from desktop.cli import main
from desktop.services.plans import plan_reports, plans
from desktop.services.roster.roster_import import import_roster
from tests.conftest import ADMIN_PASSWORD
from tests.pdfcheck import MM

CODE = "41142310420200003"  # 陈燕磊, 6 people, 特困供养贫困户
HEAD = "陈燕磊"
MEMBERS = ["陈燕磊", "王艳芳", "陈伟国", "陈娜", "陈宝平", "陈兰志"]
MEASURES = [
    ("产业", "发展肉牛养殖2头", 600000, "done"),
    ("就业/公益岗位", "安排村保洁公益岗位", 360000, "doing"),
    ("教育", "雨露计划职业教育补助", 300000, "planned"),
    ("健康", "家庭医生签约服务", 0, "doing"),
    ("小额信贷", "扶贫小额信贷5万元", 0, "planned"),
]
EDGE = 10 * MM  # the unprintable border of most office printers, with room to spare
A4 = (595, 842)
A5 = (420, 595)
FIXED_DAY = date(2027, 3, 5)  # not today: the card must take its date from the office clock


@pytest.fixture
def household(db, admin, sample, monkeypatch):
    import_roster(db, admin, sample("roster-small.xlsx"))
    plans.set_threshold(db, admin, 2026, 400000, 400000, 500000)  # no year's standard is guessed
    plans.set_income(db, admin, CODE, 2026, wage=6 * 450000, transfer=120000, production_cost=30000)
    plans.confirm_colour(db, admin, CODE, 2026)
    for kind, text, amount, status in MEASURES:
        done = date(2026, 5, 20) if status == "done" else None
        plans.add_measure(
            db, admin, CODE, 2026, kind, text, amount=amount, cadre="李明", status=status, done_on=done
        )
    monkeypatch.setattr(clock, "today", lambda: FIXED_DAY)
    return db


def _objects(page) -> list[tuple[str, dict]]:
    kinds = ("chars", "rects", "lines", "curves", "images")
    return [(kind, obj) for kind in kinds for obj in getattr(page, kind)]


def _nearest_edge(page, obj: dict) -> float:
    return min(obj["x0"], obj["top"], page.width - obj["x1"], page.height - obj["bottom"])


def _too_near(path) -> list[str]:
    """Everything drawn nearer than 10 mm to a paper edge, described for the failure message."""
    found = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for kind, obj in _objects(page):
                d = _nearest_edge(page, obj)
                if d < EDGE - 0.01:
                    what = obj.get("text", "")
                    found.append(f"p{number} {kind} {what!r} {d / MM:.1f} mm")
    return found


def _pages(path) -> list[tuple[int, int]]:
    with pdfplumber.open(path) as pdf:
        return [(round(p.width), round(p.height)) for p in pdf.pages]


def _text(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join("".join((p.extract_text() or "").split()) for p in pdf.pages)


def _qr_codes(path, page: int = 0) -> list[str]:
    import pypdfium2
    import zxingcpp

    image = pypdfium2.PdfDocument(str(path))[page].render(scale=150 / 72).to_pil()
    return [b.text for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]


def _card(db, admin, tmp_path, paper: str, **kw) -> object:
    out = tmp_path / f"card-{paper}-{len(kw)}.pdf"
    plan_reports.policy_card(db, admin, CODE, 2026, out, paper=paper, **kw)
    return out


def test_the_a5_card_is_laid_out_for_a5_on_one_page(household, admin, tmp_path):
    out = _card(household, admin, tmp_path, "A5")
    assert _pages(out) == [A5]  # a household of six with five measures fits one A5 page
    with pdfplumber.open(out) as pdf:
        chars = pdf.pages[0].chars
    assert min(c["size"] for c in chars) >= 9 - 0.01
    small = "".join(c["text"] for c in chars if c["size"] < 10.5 - 0.01).replace(" ", "")
    assert small in ("", f"户编号{CODE}")  # only the caption under the QR is smaller than body text
    # the body texts themselves: names, the income line, measures, policies, the helper
    for c in chars:
        if c["text"] in "陈燕磊王艳芳伟国娜宝平兰志肉牛养殖雨露计划享受政策帮扶责任人收入":
            assert c["size"] >= 10.5 - 0.01, c


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_the_card_keeps_every_field(household, admin, tmp_path, paper):
    out = _card(household, admin, tmp_path, paper)
    text = _text(out)
    for expected in [HEAD, CODE, *MEMBERS, *(m[1] for m in MEASURES), "特困供养贫困户", "缺资金"]:
        assert expected in text, expected
    assert "********" in text and "12317" in text and "人均纯收入" in text
    assert "2027年3月5日" in text  # clock.today(), printed the one way dates are printed
    assert _qr_codes(out) == [CODE]


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_the_card_stays_inside_the_printable_area(household, admin, tmp_path, paper):
    out = _card(household, admin, tmp_path, paper)
    assert _pages(out)[0] == (A4 if paper == "A4" else A5)
    assert _too_near(out) == []


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_only_borderless_printing_goes_to_the_edge(household, admin, tmp_path, paper):
    out = _card(household, admin, tmp_path, paper, borderless=True)
    near = _too_near(out)
    assert near and all(" rects " in n for n in near), near  # the coloured band bleeds; text stays inside
    assert _qr_codes(out) == [CODE]
    text = _text(out)
    assert HEAD in text and "发展肉牛养殖2头" in text


def test_the_plan_sheet_stays_inside_the_printable_area(household, admin, tmp_path):
    plans.add_visit(household, admin, CODE, date(2026, 11, 3), "李明", findings="在家", follow_up="回访")
    out = tmp_path / "plan.pdf"
    plan_reports.plan_sheet(household, admin, CODE, 2026, out)
    assert _pages(out)[0] == A4
    assert _too_near(out) == []
    text = _text(out)
    assert HEAD in text and "2027年3月5日" in text and all(m[1] in text for m in MEASURES)


def test_the_plan_sheet_has_no_date_of_its_own():
    """The report never reads the clock: the service that prints the sheet gives its date (issue 18)."""
    from desktop.reports.policy_card import PlanSheet

    with pytest.raises(TypeError, match="issued"):
        PlanSheet(2026, "", "", "", 1, "", "", "", "", "", [], [], [])
    sheet = PlanSheet(2026, "", "", "", 1, "", "", "", "", "", [], [], [], issued=FIXED_DAY)
    assert sheet.issued == FIXED_DAY


def test_borderless_from_the_command_line(household, db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    framed, bled = tmp_path / "framed.pdf", tmp_path / "bled.pdf"
    base = ["--db", db_url, "print", "card", CODE, "--year", "2026", "--paper", "A5"]
    assert main([*base, "--out", str(framed)]) == 0
    assert main([*base, "--borderless", "--out", str(bled)]) == 0
    assert _too_near(framed) == [] and _too_near(bled) != []
