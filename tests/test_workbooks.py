"""Every workbook we write: user data never becomes a live formula, our own totals do (and add up), and every
sheet prints on A4, one page wide, with its header rows repeated, 第N页 共M页 and codes shown in full."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from sqlalchemy import select

from desktop import clock
from desktop.errors import RowsRejected
from desktop.models import Member
from desktop.reports import xlsx_safe
from desktop.reports.ledger import Column, Ledger
from desktop.reports.ledger_xlsx import render_ledger_xlsx
from desktop.services.archives import archive_reports
from desktop.services.fund import fund, fund_reports
from desktop.services.households import printing
from desktop.services.plans import plan_reports
from desktop.services.points import points, store_reports, stores
from desktop.services.quality import quality
from desktop.services.roster.roster_export import export_roster
from desktop.services.roster.roster_import import import_roster
from tests.conftest import DATA

# Names a hostile (or careless) roster may carry: each is a live formula if written as typed.
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
TOTAL = re.compile(r"^=SUBTOTAL\(9,([A-Z]+)(\d+):([A-Z]+)(\d+)\)$")
VILLAGE = "柘城县逻岗镇/孙桥村"
HH = "41142410520800001"
ELDER = "4114241052080000101"


def hostile_copy(source: Path, target: Path, column: str = "姓名") -> Path:
    """The roster with every name replaced by one of HOSTILE, stored as text cells as the national system
    writes them."""
    wb = load_workbook(source)
    ws = wb.active
    header = [c.value for c in ws[2]]
    col = header.index(column) + 1
    n = 0
    for row in range(3, ws.max_row + 1):
        cell = ws.cell(row=row, column=col)
        if cell.value in (None, ""):
            continue
        cell.value = HOSTILE[n % len(HOSTILE)]
        cell.data_type = "s"
        n += 1
    wb.save(target)
    return target


@pytest.fixture
def hostile(db, admin, tmp_path):
    path = hostile_copy(DATA / "roster-small.xlsx", tmp_path / "hostile.xlsx")
    result = import_roster(db, admin, path)
    assert result.errors == [] and result.members == 163
    return db


# --- checks ------------------------------------------------------------------------------------------------


def width_of(ws, index: int) -> float:
    """A column's width as saved (openpyxl groups equal neighbours into one <col min max> entry)."""
    for dim in ws.column_dimensions.values():
        if dim.min and dim.max and dim.min <= index <= dim.max and dim.width:
            return dim.width
    return 8.43  # Excel's default


def assert_prints_well(ws, *, landscape: bool = True) -> None:
    assert ws.page_setup.paperSize == 9, ws.title
    if landscape:
        assert ws.page_setup.orientation == "landscape", ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
    assert ws.print_title_rows, ws.title
    footer = ws.oddFooter.center.text or ""
    assert "&P" in footer and "&N" in footer, ws.title


def assert_codes_fit(ws, header_row: int) -> None:
    """A column of long digit strings is wide enough for all of them (Excel width ≈ digits of the default
    font); an ID-number column at least 20."""
    longest: dict[int, int] = {}
    for row in ws.iter_rows(min_row=header_row + 1):
        for cell in row:
            v = cell.value
            if isinstance(v, str) and re.fullmatch(r"\d{11,}[\dXx]?", v):
                longest[cell.column] = max(longest.get(cell.column, 0), len(v))
                assert cell.number_format == "@", (ws.title, cell.coordinate)
    for cell in ws[header_row]:
        if isinstance(cell.value, str) and ("证件号码" in cell.value or "身份证" in cell.value):
            longest[cell.column] = max(longest.get(cell.column, 0), 18)
    assert longest, ws.title
    for col, digits in longest.items():
        assert width_of(ws, col) >= digits + 2, (ws.title, get_column_letter(col), digits, width_of(ws, col))


def assert_no_live_user_data(wb) -> list:
    """No cell is a formula unless it is one of our SUBTOTALs; no text starts like a formula. Returns every
    text value seen."""
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                assert cell.data_type != "e", (ws.title, cell.coordinate, v)
                if cell.data_type == "f" or (isinstance(v, str) and v.startswith("=")):
                    assert cell.data_type == "f" and TOTAL.match(v), (ws.title, cell.coordinate, v)
                elif isinstance(v, str):
                    assert not v.startswith(DANGEROUS), (ws.title, cell.coordinate, v)
                    texts.append(v)
    return texts


def assert_hostile_neutralised(texts: list, expect: tuple[str, ...] = tuple(HOSTILE)) -> None:
    joined = "\n".join(texts)
    for value in expect:
        assert "'" + value in joined, value


def subtotal(ws, formula: str) -> float:
    """What Excel computes for =SUBTOTAL(9,X5:X40): the numbers in the range, other SUBTOTALs left out."""
    m = TOTAL.match(formula)
    assert m, formula
    col = column_index_from_string(m.group(1))
    assert m.group(1) == m.group(3)
    total = 0.0
    for r in range(int(m.group(2)), int(m.group(4)) + 1):
        cell = ws.cell(row=r, column=col)
        if cell.data_type == "n" and isinstance(cell.value, (int, float)):
            total += cell.value
    return total


def ledger_totals(ws, summed: list[str]) -> dict[str, dict[str, float]]:
    """Checks every subtotal and the grand total against the data rows above them, and returns them by label:
    {"孙桥村小计": {"人数": 107, …}, "合计": {…}}."""
    header = [c.value for c in ws[3]]
    cols = [header.index(name) + 1 for name in summed]
    found: dict[str, dict[str, float]] = {}
    group: dict[int, float] = dict.fromkeys(cols, 0.0)
    grand: dict[int, float] = dict.fromkeys(cols, 0.0)
    for r in range(4, ws.max_row + 1):
        cells = [ws.cell(row=r, column=c) for c in cols]
        if any(c.data_type == "f" for c in cells):
            label = next(v for v in (ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value) if v)
            assert all(c.data_type == "f" for c in cells), (r, label)
            values = {name: subtotal(ws, c.value) for name, c in zip(summed, cells, strict=True)}
            expected = grand if label == "合计" else group
            for name, col in zip(summed, cols, strict=True):
                assert values[name] == pytest.approx(expected[col]), (label, name)
            found[label] = values
            group = dict.fromkeys(cols, 0.0)
            if label == "合计":
                break
            continue
        for c in cells:
            if isinstance(c.value, (int, float)):
                assert c.data_type == "n"
                group[c.column] += c.value
                grand[c.column] += c.value
    assert "合计" in found
    return found


# --- the shared helper -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [*HOSTILE, "\t=1", "\r=1", "'=1", "''+1", "'abc", "'", "abc", "=", "张三", "-", "", "4114241966"],
)
def test_neutralised_text_never_starts_like_a_formula_and_reads_back_exactly(text):
    written = xlsx_safe.neutralise(text)
    assert not written.startswith(DANGEROUS)
    assert written == text or written == "'" + text  # the one documented prefix, nothing else
    assert xlsx_safe.restore(written) == text


def test_cells_from_our_data_are_text_numbers_stay_numbers(tmp_path):
    from openpyxl import Workbook

    values = ["#N/A", "=1+1", "张三", 3, 1.5, None]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("t")
    ws.append([xlsx_safe.for_append(ws, v) for v in values])
    ws.append(
        [xlsx_safe.for_append(ws, "41142419661020042X", text=True), xlsx_safe.for_append(ws, 7, text=True)]
    )
    wb.save(tmp_path / "w.xlsx")
    wb = Workbook()
    for j, v in enumerate(values, start=1):
        xlsx_safe.put(wb.active.cell(row=1, column=j), v)
    xlsx_safe.put(wb.active.cell(row=2, column=1), "41142419661020042X", text=True)
    xlsx_safe.put(wb.active.cell(row=2, column=2), 7, text=True)
    wb.save(tmp_path / "n.xlsx")
    for name in ("w.xlsx", "n.xlsx"):
        ws = load_workbook(tmp_path / name).active
        assert [(c.value, c.data_type) for c in ws[1]][:5] == [
            ("#N/A", "s"),
            ("'=1+1", "s"),
            ("张三", "s"),
            (3, "n"),
            (1.5, "n"),
        ]
        assert [(c.value, c.data_type, c.number_format) for c in ws[2]][:2] == [
            ("41142419661020042X", "s", "@"),
            ("7", "s", "@"),
        ]


# --- ledgers -----------------------------------------------------------------------------------------------


def test_household_ledger_workbook(hostile, admin, tmp_path):
    out = tmp_path / "households.xlsx"
    printing.household_ledger(hostile, admin, out, xlsx=True)
    wb = load_workbook(out)
    ws = wb.active
    assert_hostile_neutralised(assert_no_live_user_data(wb))
    totals = ledger_totals(ws, ["户数", "人数"])
    assert totals["合计"] == {"户数": 40, "人数": 163}
    assert totals["孙桥村小计"]["人数"] > 0 and len(totals) > 2  # one subtotal per village, then 合计
    header = [c.value for c in ws[3]]
    assert "与户主\n关系" in header
    assert ws.cell(row=3, column=header.index("与户主\n关系") + 1).alignment.wrap_text
    ids = header.index("证件号码") + 1
    first = ws.cell(row=4, column=ids)
    assert first.data_type == "s" and len(first.value) == 18 and first.number_format == "@"
    ages = header.index("年龄") + 1
    assert ws.cell(row=4, column=ages).data_type == "n"
    assert_prints_well(ws)
    assert ws.print_title_rows == "$1:$3"
    assert_codes_fit(ws, 3)


def test_ledger_writer_keeps_money_as_yuan_totals_as_formulas_and_dates_without_zeros(tmp_path):
    ledger = Ledger(
        '=HYPERLINK("http://x","y")台账',
        [
            Column("序号", "center"),
            Column("村", "center"),
            Column("证件号码", "center"),
            Column("赡养人\n捐赠人"),
            Column("收入", "right", total=True, money=True),
            Column("件数", "right", total=True),
            Column("单价", "right", money=True),
        ],
        [
            [1, "甲村", "41142419661020042X", "+1+1", 12345, 2, 100],
            [2, "甲村", "411424196910075851", "@SUM(A1)", 5, 1, None],
            [3, "乙村", "411424196910075851", "-2+3", 100000, 3, 250],
        ],
        unit="@单位",
        period="-期间",
        measure="单位：元",
        group_col=1,
        made=date(2026, 1, 5),
    )
    out = tmp_path / "t.xlsx"
    assert render_ledger_xlsx(ledger, out) == 3
    wb = load_workbook(out)
    ws = wb.active
    assert_hostile_neutralised(assert_no_live_user_data(wb))
    totals = ledger_totals(ws, ["收入", "件数"])
    assert totals["甲村小计"] == {"收入": pytest.approx(123.50), "件数": 3}
    assert totals["乙村小计"] == {"收入": pytest.approx(1000.00), "件数": 3}
    assert totals["合计"] == {"收入": pytest.approx(1123.50), "件数": 6}  # subtotals not counted twice
    header = [c.value for c in ws[3]]
    money = ws.cell(row=4, column=header.index("收入") + 1)
    assert (
        money.data_type == "n" and money.value == pytest.approx(123.45) and money.number_format == "#,##0.00"
    )
    price = ws.cell(row=4, column=header.index("单价") + 1)
    assert price.value == pytest.approx(1.00) and price.number_format == "#,##0.00"
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            if cell.data_type == "f":
                assert cell.number_format == (
                    "#,##0.00" if cell.column == header.index("收入") + 1 else "General"
                )
    signoff = next(
        c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "制表人" in c.value
    )
    assert "2026年1月5日" in signoff and "01" not in signoff
    assert ws.cell(row=3, column=header.index("赡养人\n捐赠人") + 1).alignment.wrap_text
    assert_prints_well(ws)
    assert_codes_fit(ws, 3)


def test_fund_points_stock_archive_and_visit_ledgers(hostile, admin, tmp_path):
    db = hostile
    fund.create_fund(db, admin, VILLAGE, match_percent=10, match_cap_fen=1500)
    sid = fund.add_supporter(db, admin, VILLAGE, ELDER, HOSTILE[0], relation="之女", on=date(2026, 11, 1))
    fund.pledge(db, admin, sid, 20000, "2026-10", signed_on=date(2026, 9, 30), witness="村委会")
    fund.contribute(db, admin, sid, ["2026-10", "2026-11"], 40000, receipt_no="@SUM(A1)")
    fund.donate(db, admin, VILLAGE, "+1+1", 100000)
    fund.donate(db, admin, VILLAGE, "-2+3", 5000)
    fund_reports.fund_ledger(db, admin, VILLAGE, tmp_path / "fund.xlsx", xlsx=True)
    wb = load_workbook(tmp_path / "fund.xlsx")
    assert_hostile_neutralised(assert_no_live_user_data(wb))
    totals = ledger_totals(wb.active, ["收入", "基金补贴", "支出"])
    assert totals["合计"] == {"收入": pytest.approx(1450.00), "基金补贴": pytest.approx(30.00), "支出": 0}
    assert_prints_well(wb.active)

    points.award(db, admin, HH, 200, HOSTILE[0])
    points.award(db, admin, HH, 50, "@SUM(A1)")
    store_reports.points_ledger(db, admin, tmp_path / "points.xlsx", xlsx=True)
    wb = load_workbook(tmp_path / "points.xlsx")
    assert_hostile_neutralised(assert_no_live_user_data(wb), (HOSTILE[0], "@SUM(A1)"))
    assert ledger_totals(wb.active, ["增加", "减少"])["合计"] == {"增加": 250, "减少": 0}
    assert_prints_well(wb.active)
    assert_codes_fit(wb.active, 3)

    stores.create_store(db, admin, "S01", '=HYPERLINK("http://x","y")')
    stores.add_goods(db, admin, "S01", "OIL", "+1+1", 50, unit="桶")
    stores.move_stock(db, admin, "S01", "OIL", "purchase", 4, value_fen=24000)
    stores.move_stock(db, admin, "S01", "OIL", "donation", 30, donor="-2+3", value_fen=9000)
    store_reports.stock_ledger(db, "S01", tmp_path / "stock.xlsx", xlsx=True)
    wb = load_workbook(tmp_path / "stock.xlsx")
    assert_hostile_neutralised(assert_no_live_user_data(wb), ("+1+1", "-2+3"))
    totals = ledger_totals(wb.active, ["入库", "出库", "金额（元）"])
    assert totals["合计"] == {"入库": 34, "出库": 0, "金额（元）": pytest.approx(330.00)}
    assert_prints_well(wb.active)

    archive_reports.completeness_ledger(db, admin, tmp_path / "archive.xlsx", xlsx=True)
    wb = load_workbook(tmp_path / "archive.xlsx")
    assert_hostile_neutralised(assert_no_live_user_data(wb))
    assert ledger_totals(wb.active, ["户数"])["合计"] == {"户数": 40}
    assert_prints_well(wb.active)
    assert_codes_fit(wb.active, 3)

    from desktop.services.plans import plans

    plans.add_visit(db, admin, HH, date(2026, 1, 5), "-2+3", findings=HOSTILE[0], problems="@SUM(A1)")
    plan_reports.visit_ledger(
        db, admin, tmp_path / "visits.xlsx", year=2026, xlsx=True, today=date(2026, 12, 2)
    )
    wb = load_workbook(tmp_path / "visits.xlsx")
    assert_hostile_neutralised(assert_no_live_user_data(wb), (HOSTILE[0], "@SUM(A1)", "-2+3"))
    assert ledger_totals(wb.active, ["次数"])["合计"] == {"次数": 1}
    assert_prints_well(wb.active)


# --- roster export, the errors file, the audit workbook ----------------------------------------------------


@pytest.mark.parametrize("layout", ["legacy", "2021"])
def test_roster_export_writes_names_as_text_and_reimports_unchanged(hostile, admin, tmp_path, layout):
    out = tmp_path / f"export-{layout}.xlsx"
    export_roster(hostile, admin, out, layout=layout)
    wb = load_workbook(out)
    ws = wb.active
    assert_hostile_neutralised(assert_no_live_user_data(wb))
    header = [c.value for c in ws[2]]
    ids = ws.cell(row=3, column=header.index("证件号码") + 1)
    assert ids.data_type == "s" and len(ids.value) == 18 and ids.number_format == "@"
    if "人数" in header:
        assert ws.cell(row=3, column=header.index("人数") + 1).data_type == "n"
    assert_prints_well(ws)
    assert ws.print_title_rows == "$1:$2"
    assert_codes_fit(ws, 2)
    result = import_roster(hostile, admin, out)
    assert (result.added, result.updated, result.missing) == (0, 0, 0)
    assert result.unchanged == result.households == 40
    with hostile.read() as s:
        assert set(s.scalars(select(Member.name))) == set(HOSTILE)


def test_errors_file_beside_a_rejected_roster(db, admin, tmp_path):
    path = hostile_copy(DATA / "roster-errors.xlsx", tmp_path / "bad.xlsx")
    with pytest.raises(RowsRejected) as caught:
        import_roster(db, admin, path)
    errors_file = Path(caught.value.errors_file)
    assert errors_file == tmp_path / "bad.errors.xlsx"
    wb = load_workbook(errors_file)
    ws = wb.active
    assert ws.max_row == 2 + len(caught.value.errors)
    assert_hostile_neutralised(assert_no_live_user_data(wb))
    assert_prints_well(ws)
    assert_codes_fit(ws, 2)
    assert ws.cell(row=3, column=1).data_type == "n"  # the row number stays a number


def test_audit_workbook(db, admin, tmp_path, monkeypatch):
    path = hostile_copy(DATA / "roster-audit.xlsx", tmp_path / "audit.xlsx")
    import_roster(db, admin, path)
    result = quality.run_audit(db, admin)
    assert result.findings
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 4))  # the date the workbook is made
    out = tmp_path / "findings.xlsx"
    quality.export_findings(db, admin, out, result=result)
    wb = load_workbook(out)
    assert_hostile_neutralised(assert_no_live_user_data(wb), (HOSTILE[0],))
    summary = wb["汇总"]
    assert "2026年3月4日" in summary["A1"].value
    for ws in wb.worksheets:
        assert_prints_well(ws)
    for ws in wb.worksheets[1:]:
        assert_codes_fit(ws, 2)
    # 汇总: the per-rule and per-village counts end in a 合计 that is a formula and adds up.
    totals = [
        (r, cell)
        for r in range(1, summary.max_row + 1)
        for cell in [summary.cell(row=r, column=c) for c in (2, 4)]
        if cell.data_type == "f"
    ]
    assert totals
    assert sorted(subtotal(summary, cell.value) for _, cell in totals) == [len(result.findings)] * 2
