"""Ledgers: header on every page, 第N页 共M页, page subtotals and the grand total equal to their rows."""

from __future__ import annotations

import re
from datetime import date

import pdfplumber
import pytest
from openpyxl import load_workbook

from desktop.reports.ledger import Column, Ledger, render_ledger_pdf
from desktop.reports.ledger_xlsx import render_ledger_xlsx
from desktop.services.households import printing
from desktop.services.roster.roster_import import import_roster
from tests.pdfcheck import MM, embedded_fonts, rows_of_words


def read_ledger(path, column: str):
    """Per page: the values of `column` in data rows, and what the 本页小计/合计/…小计 lines say."""
    pages = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            head = next(w for w in words if w["text"] == column)
            centre = (head["x0"] + head["x1"]) / 2
            # The column runs between the vertical rules on either side of its header.
            rules = sorted({round(e["x0"], 1) for e in page.edges if e["orientation"] == "v"})
            left = max(x for x in rules if x < centre)
            right = min(x for x in rules if x > centre)
            data, sums = [], {}
            for line in rows_of_words(page):
                label = "".join(w["text"] for w in line)
                numbers = [
                    w
                    for w in line
                    if re.fullmatch(r"[\d,.]+", w["text"]) and left <= w["x0"] and w["x1"] <= right
                ]
                if not numbers:
                    continue
                number = float(numbers[0]["text"].replace(",", ""))
                match = re.match(r"^(本页小计|合计|过次页|承前页|.+小计)", label)
                if match:
                    sums.setdefault(match.group(1), []).append(number)
                elif re.match(r"^\d+", label):
                    data.append(number)
            footer = "".join(w["text"] for w in words if w["top"] / MM > 195)
            pages.append((data, sums, footer, "".join(w["text"] for w in words)))
    return pages


@pytest.fixture
def ledger_pdf(db, admin, sample, tmp_path):
    import_roster(db, admin, sample("roster-messy.xlsx"))
    out = tmp_path / "ledger.pdf"
    return out, printing.household_ledger(db, admin, out)


def test_every_page_has_the_header_and_numbered_footer(ledger_pdf):
    path, result = ledger_pdf
    pages = read_ledger(path, "人数")
    assert len(pages) == result.pages >= 3
    for n, (_data, _sums, footer, text) in enumerate(pages, start=1):
        assert f"第{n}页共{len(pages)}页" in footer
        assert "证件号码" in text and "与户主" in text
    with pdfplumber.open(path) as pdf:
        assert all(round(p.width / MM) == 297 and round(p.height / MM) == 210 for p in pdf.pages)
    assert all(embedded_fonts(path).values())


def test_page_subtotals_and_grand_total_equal_the_rows(ledger_pdf):
    path, result = ledger_pdf
    pages = read_ledger(path, "人数")
    everything = 0.0
    for data, sums, _footer, _text in pages:
        assert sums["本页小计"] == [sum(data)]
        everything += sum(data)
    assert everything == 222 == result.rows
    assert pages[-1][1]["合计"] == [222]
    villages = [v for _d, s, _f, _t in pages for k, vals in s.items() if k.endswith("村小计") for v in vals]
    assert sum(villages) == 222 and len(villages) >= 2


def test_carried_forward_lines_run_the_total_across_pages(tmp_path):
    rows = [[i, f"支出{i}", 1000 + i] for i in range(1, 121)]
    ledger = Ledger(
        "积分台账",
        [Column("序号", "center"), Column("摘要"), Column("金额", "right", total=True, money=True)],
        rows,
        carry=True,
        made=date(2026, 12, 2),
    )
    out = tmp_path / "carry.pdf"
    info = render_ledger_pdf(ledger, out)
    pages = read_ledger(out, "金额")
    assert info.pages == len(pages) >= 3
    running = 0.0
    for n, (data, sums, _f, _t) in enumerate(pages):
        if n:
            assert sums["承前页"] == [pytest.approx(running)]
        running += sum(data)
        if n < len(pages) - 1:
            assert sums["过次页"] == [pytest.approx(running)]
    assert pages[-1][1]["合计"] == [pytest.approx(sum(1000 + i for i in range(1, 121)) / 100)]


def test_long_text_wraps_inside_its_column(tmp_path):
    rows = [[1, "这是一段很长很长的说明文字，需要在单元格内换行而不能超出表格的边框" * 2, 5]]
    ledger = Ledger(
        "测试",
        [Column("序号"), Column("说明"), Column("数量", "right", total=True)],
        rows,
        made=date(2026, 12, 2),
    )
    out = tmp_path / "wrap.pdf"
    render_ledger_pdf(ledger, out)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        right_edge = page.width - 15 * MM
        assert max(c["x1"] for c in page.chars) <= right_edge + 0.5


def test_ledger_xlsx_has_the_print_setup(db, admin, sample, tmp_path):
    import_roster(db, admin, sample("roster-small.xlsx"))
    out = tmp_path / "ledger.xlsx"
    printing.household_ledger(db, admin, out, xlsx=True)
    ws = load_workbook(out).active
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$3"
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    header = [c.value for c in ws[3]]
    assert header[:2] == ["序号", "行政村"] and "人数" in header
    total = next(r for r in ws.iter_rows(values_only=True) if r[1] == "合计")
    # Totals are SUBTOTAL formulas (what they add up to: tests/test_workbooks.py).
    assert all(str(total[header.index(c)]).startswith("=SUBTOTAL(9,") for c in ("人数", "户数"))
    ids = [r[header.index("证件号码")] for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]
    assert all(isinstance(v, str) for v in ids if v)


def test_small_ledger_xlsx_helper_counts_rows(tmp_path):
    ledger = Ledger("t", [Column("序号"), Column("数", total=True)], [[1, 2], [2, 3]], made=date(2026, 12, 2))
    assert render_ledger_xlsx(ledger, tmp_path / "t.xlsx") == 2
