"""Certificates on blank paper and on pre-printed stock with a calibrated offset."""

from __future__ import annotations

from datetime import date

import pdfplumber

from desktop.reports.certificate import TEMPLATES, Certificate, cn_numeral_date, quoted, render_certificates
from desktop.services.households import printing
from desktop.services.roster.roster_import import import_roster
from tests.pdfcheck import MM, embedded_fonts, page_text


def _cert(**kw) -> Certificate:
    return Certificate(
        TEMPLATES["star"],
        "张建国家庭",
        "柳河镇人民政府",
        date(2026, 12, 20),
        award=quoted("增收致富之星"),
        **kw,
    )


def test_blank_paper_has_frame_title_wording_and_chinese_date(tmp_path):
    out = tmp_path / "c.pdf"
    assert render_certificates([_cert(number="柳河镇〔2026〕星字第001号")], out) == 1
    text = page_text(out)[0].replace(" ", "").replace("\n", "")
    assert "荣誉证书" in text and "获评“增收致富之星”" in text and "二〇二六年十二月" in text
    assert "特发此证，以资鼓励。" in text and "星字第001号" in text
    assert all(embedded_fonts(out).values())
    with pdfplumber.open(out) as pdf:
        assert (round(pdf.pages[0].width / MM), round(pdf.pages[0].height / MM)) == (297, 210)
        assert pdf.pages[0].rects  # the frame


def test_preprinted_stock_gets_only_the_text_moved_by_the_offset(tmp_path):
    plain, moved = tmp_path / "p.pdf", tmp_path / "m.pdf"
    render_certificates([_cert()], plain, preprinted=True)
    render_certificates([_cert()], moved, preprinted=True, offset_mm=(3.0, -2.0))
    with pdfplumber.open(plain) as a, pdfplumber.open(moved) as b:
        ca, cb = a.pages[0].chars, b.pages[0].chars
        assert not a.pages[0].rects and "荣" not in "".join(c["text"] for c in ca)
        first_a = next(c for c in ca if c["text"] == "张")
        first_b = next(c for c in cb if c["text"] == "张")
    assert abs((first_b["x0"] - first_a["x0"]) / MM - 3.0) < 0.05
    assert abs((first_b["top"] - first_a["top"]) / MM + 2.0) < 0.05


def test_household_certificate_from_the_cli_service(db, admin, sample, tmp_path):
    import_roster(db, admin, sample("roster-small.xlsx"))
    out = tmp_path / "hh.pdf"
    printing.household_certificate(db, admin, "41142410520800001", out, text="在2026年度表现突出。")
    assert "董超玉家庭" in page_text(out)[0]


def test_calibration_page(tmp_path):
    out = tmp_path / "cal.pdf"
    printing.calibration_page(out)
    assert "套打校准页" in page_text(out)[0]


def test_chinese_numeral_dates():
    assert cn_numeral_date(date(2026, 11, 5)) == "二〇二六年十一月"
    assert cn_numeral_date(date(2030, 10, 20), day=True) == "二〇三〇年十月二十日"
