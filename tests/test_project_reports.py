"""项目库's papers read back: the year's 结余 and 结余率 by fund source (exact fractions, the seed's 5 % line), the four
notices (every field that went in, masked IDs, the 12317 line, the period, the 落款, and the ProjectNotice row
written with the PDF), the ledgers' 本页小计/承前页/合计 with a reversal, the workbook's cells and the card."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pdfplumber
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from desktop.cli import main
from desktop.errors import InputRejected, NotFound, PermissionDenied
from desktop.models import Disbursement, Project, ProjectContract, ProjectFunding, ProjectNotice, Township
from desktop.reports.mask import leaks
from desktop.services.projects import funds, project_reports
from desktop.services.projects.funds import rate_text, year_balances
from desktop.services.system import settings
from desktop.services.system.actor import Actor
from tests.conftest import ADMIN_PASSWORD
from tests.pdfcheck import MM, page_text, rows_of_words
from tests.projects_fixture import CENTRAL, COUNTY, PROVINCE, SOCIAL, add_payments, add_projects
from tests.test_workbooks import assert_no_live_user_data

YEAR = 2026


@pytest.fixture
def made(db):
    return add_projects(db, YEAR)


def _text(path) -> str:
    """The characters in the order they were drawn (a wrapped cell's lines follow each other)."""
    with pdfplumber.open(path) as pdf:
        return re.sub(r"\s+", "", "".join(c["text"] for page in pdf.pages for c in page.chars))


def _notices(db) -> list[tuple]:
    with db.read() as s:
        return [
            (n.kind, n.year, n.project_id, n.board, n.village_id, n.posted_on, n.days)
            for n in s.scalars(select(ProjectNotice).order_by(ProjectNotice.id))
        ]


# --- balances ---------------------------------------------------------------------------------------------


def test_the_years_balances_by_source_are_exact_and_leave_out_void_and_other_years(db, admin, made):
    rows = {b.source: b for b in year_balances(db, admin, YEAR)}
    assert list(rows) == [CENTRAL, PROVINCE, COUNTY, "合计"]  # FUND_SOURCES order, then the total
    central = rows[CENTRAL]  # road 300,000 + solar 200,000; paid 150,000 + 120,000 + 80,000
    assert (central.allocated_fen, central.paid_fen, central.balance_fen) == (
        50_000_000,
        35_000_000,
        15_000_000,
    )
    assert central.rate == Fraction(3, 10) and central.warn and central.rate_text == "30.00%"
    # road 100,000 (water's 80,000 is 储备: not in the 项目库 yet); paid 50,000, reversed, paid 50,000 again
    county = rows[COUNTY]
    assert (county.allocated_fen, county.paid_fen, county.rate) == (10_000_000, 5_000_000, Fraction(1, 2))
    assert rows[PROVINCE].rate == 1 and rows[PROVINCE].paid_fen == 0
    total = rows["合计"]
    assert (total.allocated_fen, total.paid_fen, total.balance_fen) == (65_000_000, 40_000_000, 25_000_000)
    assert total.rate == Fraction(5, 13) and total.rate_text == "38.46%"
    # up to a day: the reversal of 6月3日 not yet made, the second payment not yet
    early = {b.source: b for b in year_balances(db, admin, YEAR, on=date(YEAR, 6, 2))}
    assert early[COUNTY].paid_fen == 5_000_000 and early[CENTRAL].paid_fen == 27_000_000
    assert year_balances(db, admin, YEAR - 1)[0].allocated_fen == 12_300  # the other year's project only
    assert {b["source"] for b in map(funds.SourceBalance.as_dict, year_balances(db, admin, YEAR))} >= {"合计"}


def test_a_village_clerk_counts_the_projects_built_in_or_benefiting_their_villages(db, made):
    lizhuang = Actor("v", "village_clerk", village_ids=frozenset({made.village_ids[1]}))
    rows = {b.source: b for b in year_balances(db, lizhuang, YEAR)}
    assert list(rows) == [CENTRAL, "合计"]  # the solar plant only
    assert (rows[CENTRAL].allocated_fen, rows[CENTRAL].paid_fen, rows[CENTRAL].rate) == (
        20_000_000,
        20_000_000,
        0,
    )
    assert not rows[CENTRAL].warn
    sunqiao = Actor("v", "village_clerk", village_ids=frozenset({made.village_ids[0]}))
    # road and water are built there, the solar plant benefits it; the township-wide training does not
    assert {b.source for b in year_balances(db, sunqiao, YEAR)} == {CENTRAL, COUNTY, "合计"}


def _one_project(db, year: int, allocated: int, paid: int) -> None:
    with db.write() as s:
        t = s.scalar(select(Township))
        p = Project(
            year=year, name=f"{year}年项目", kind="其他", township_id=t.id, state="实施", created_by="a"
        )
        s.add(p)
        s.flush()
        s.add(ProjectFunding(project_id=p.id, source=SOCIAL, amount_fen=allocated))
        c = ProjectContract(project_id=p.id, number="C", party="P", amount_fen=allocated,
                            signed_on=date(year, 1, 1), created_by="a")  # fmt: skip
        s.add(c)
        s.flush()
        s.add(Disbursement(project_id=p.id, contract_id=c.id, paid_on=date(year, 2, 1), amount_fen=paid,
                           source=SOCIAL, progress_percent=90, username="a"))  # fmt: skip


def test_exactly_five_percent_is_not_warned_and_a_fen_more_is(db, admin, made):
    """Seed 004: “结余率下降到5%以下” — 以下 includes the 5 itself."""
    _one_project(db, 2027, 1_000_000, 950_000)  # 5 % exactly
    _one_project(db, 2028, 1_000_000, 949_999)  # 5.0001 %
    at_line = year_balances(db, admin, 2027)[0]
    above = year_balances(db, admin, 2028)[0]
    assert at_line.rate == Fraction(1, 20) and not at_line.warn
    assert above.rate == Fraction(50_001, 1_000_000) and above.warn
    assert (at_line.rate_text, above.rate_text) == ("5.00%", "5.00%")  # the text rounds; the rule does not
    settings.set_values(db, admin, {"projects.balance_warn_percent": 6})
    assert not year_balances(db, admin, 2028)[0].warn
    assert (
        rate_text(Fraction(2, 3)) == "66.67%"
        and rate_text(None) == "—"
        and rate_text(Fraction(-1, 8)) == "-12.50%"
    )
    assert "默认5" in settings.SPECS["projects.balance_warn_percent"].label
    assert "默认10" in settings.SPECS["projects.notice_days"].label


# --- notices ----------------------------------------------------------------------------------------------


def test_the_listing_notice_says_what_went_in_and_is_recorded_as_posted(db, admin, made, tmp_path):
    out = tmp_path / "listing.pdf"
    printed = project_reports.listing_notice(db, admin, YEAR, out, start=date(YEAR, 3, 2))
    text = _text(out)
    assert printed.rows == 2  # 储备 and 入库: the water works and the training
    for wanted in (
        "关于柳河镇2026年度扶贫项目入库的公示",
        "孙桥村饮水安全巩固提升工程",
        "全镇脱贫劳动力技能培训",
        "建设地点：柳河镇孙桥村",
        "建设内容：更换老化管网",
        "建设规模：管网3.5公里",
        "资金规模及来源：共80,000.00元（县级财政衔接资金）。",
        "资金规模及来源：共50,000.00元（省级财政衔接资金）。",
        "实施单位：柳河镇水利站",
        "受益对象：受益农户1户（名单附后）",
        "绩效目标：培训人次200人次",
        "项目监督人：刘监督",
        "公示时间：2026年3月2日至2026年3月11日（共10天）。",
        "监督举报电话：12317",
        "柳河镇人民政府2026年3月2日",
    ):
        assert wanted in text, wanted
    name, full_id, _code = made.heads[1]
    assert name in text and full_id not in text and f"{full_id[:6]}********{full_id[-4:]}" in text
    assert leaks("".join(page_text(out))) == []
    assert "13812345678" not in text  # the supervisor's phone stays off the board
    assert sorted(_notices(db)) == sorted(
        [("listing", YEAR, made.water, "township", None, date(YEAR, 3, 2), 10),
         ("listing", YEAR, made.training, "township", None, date(YEAR, 3, 2), 10)]
    )  # fmt: skip


def test_the_plan_notice_on_a_village_board(db, admin, made, tmp_path):
    out = tmp_path / "plan.pdf"
    printed = project_reports.plan_notice(
        db, admin, YEAR, out, board="village", village=made.villages[0], start=date(YEAR, 3, 20), days=15
    )
    text = _text(out)
    assert printed.rows == 2  # the road (built there) and the solar plant (benefits it); the water is 储备
    for wanted in (
        "孙桥村2026年度扶贫项目计划公告",
        "计划实施扶贫项目2个，计划投入资金600,000.00元（中央财政衔接资金500,000.00元、县级财政衔接资金100,000.00元）",
        "一、孙桥村道路硬化项目",
        "二、李庄村光伏扶贫电站",
        "资金规模及来源：共400,000.00元，其中中央财政衔接资金300,000.00元、县级财政衔接资金100,000.00元。",
        "绩效目标：硬化道路长度1.2公里；受益人口300人",
        "受益对象：受益村：孙桥村；受益农户3户（名单附后）；方便群众出行和农产品运输",
        "公告时间：2026年3月20日至2026年4月3日（共15天）。",
        "向孙桥村村民委员会或柳河镇人民政府反映",
        "监督举报电话：12317",
    ):
        assert wanted in text, wanted
    assert "技能培训" not in text and "饮水" not in text
    assert _notices(db) == [("plan", YEAR, None, "village", made.village_ids[0], date(YEAR, 3, 20), 15)]


def test_the_completion_notice_of_an_accepted_project_only(db, admin, made, tmp_path):
    out = tmp_path / "done.pdf"
    project_reports.completion_notice(db, admin, made.solar, out, start=date(YEAR, 8, 20))
    text = _text(out)
    for wanted in (
        "关于李庄村光伏扶贫电站竣工的公告",
        "李庄村光伏扶贫电站已于2026年8月18日通过竣工验收",
        "已拨付资金：200,000.00元。",
        "绩效目标完成情况：年发电收益：目标8万元，完成8.6万元",
        "受益村：李庄村、孙桥村",
        "向李庄村村民委员会或柳河镇人民政府反映",  # its own village's board by default
        "柳河镇人民政府2026年8月20日",
    ):
        assert wanted in text, wanted
    for name, full_id, _code in made.heads[3:]:
        assert name in text and full_id not in text
    assert _notices(db) == [
        ("completion", YEAR, made.solar, "village", made.village_ids[1], date(YEAR, 8, 20), 10)
    ]
    with pytest.raises(InputRejected, match="竣工验收后才能发竣工公告"):
        project_reports.completion_notice(db, admin, made.road, tmp_path / "no.pdf")
    assert not (tmp_path / "no.pdf").exists() and len(_notices(db)) == 1


def test_the_funds_notice_adds_up_per_source_and_per_project(db, admin, made, tmp_path):
    out = tmp_path / "funds.pdf"
    project_reports.funds_notice(db, admin, YEAR, out, start=date(YEAR, 12, 1))
    text = _text(out)
    for wanted in (
        "柳河镇2026年度扶贫项目资金使用情况公告",
        "截至2026年12月1日，共安排项目3个，安排资金650,000.00元，已拨付400,000.00元，结余250,000.00元，结余率38.46%。",
        "1.中央财政衔接资金：安排500,000.00元，拨付350,000.00元，结余150,000.00元。",
        "2.省级财政衔接资金：安排50,000.00元，拨付0.00元，结余50,000.00元。",
        "3.县级财政衔接资金：安排100,000.00元，拨付50,000.00元，结余50,000.00元。",
        "合计650,000.00400,000.00250,000.00",
        "监督举报电话：12317",
    ):
        assert wanted in text, wanted
    assert "作废的重复项目" not in text and "上一年度的项目" not in text
    assert "饮水安全巩固提升工程" not in text  # 储备: no money arranged yet
    assert _notices(db) == [("funds", YEAR, None, "township", None, date(YEAR, 12, 1), 10)]


def test_who_may_post_which_board(db, admin, made, tmp_path):
    auditor = Actor("au", "auditor")
    with pytest.raises(PermissionDenied):
        project_reports.funds_notice(db, auditor, YEAR, tmp_path / "a.pdf")
    clerk = Actor("v", "village_clerk", village_ids=frozenset({made.village_ids[1]}))
    with pytest.raises(PermissionDenied, match="乡镇公示栏"):
        project_reports.plan_notice(db, clerk, YEAR, tmp_path / "b.pdf")
    with pytest.raises(NotFound):
        project_reports.plan_notice(
            db, clerk, YEAR, tmp_path / "c.pdf", board="village", village=made.villages[0]
        )
    with pytest.raises(InputRejected, match="要写明哪个村"):
        project_reports.plan_notice(db, admin, YEAR, tmp_path / "d.pdf", board="village")
    with pytest.raises(InputRejected, match="公示天数"):
        project_reports.plan_notice(db, admin, YEAR, tmp_path / "e.pdf", days=2)
    assert _notices(db) == []
    printed = project_reports.plan_notice(
        db, clerk, YEAR, tmp_path / "f.pdf", board="village", village=made.villages[1]
    )
    assert printed.rows == 1 and _notices(db)[0][3:5] == ("village", made.village_ids[1])


def test_a_notice_that_cannot_be_written_is_not_recorded(db, admin, made, tmp_path):
    with pytest.raises(OSError):
        project_reports.funds_notice(db, admin, YEAR, tmp_path / "no-such-folder" / "f.pdf")
    assert _notices(db) == []


# --- ledgers ----------------------------------------------------------------------------------------------


def _read_ledger(path, column: str):
    """Per page: the amounts of data rows in `column` (negative ones too) and what the sum lines say."""
    pages = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            head = next(w for w in words if w["text"] == column)
            centre = (head["x0"] + head["x1"]) / 2
            rules = sorted({round(e["x0"], 1) for e in page.edges if e["orientation"] == "v"})
            left, right = max(x for x in rules if x < centre), min(x for x in rules if x > centre)
            data, sums = [], {}
            for line in rows_of_words(page):
                label = "".join(w["text"] for w in line)
                numbers = [
                    w for w in line
                    if re.fullmatch(r"-?[\d,]+\.\d\d", w["text"]) and left <= w["x0"] and w["x1"] <= right
                ]  # fmt: skip
                if not numbers:
                    continue
                value = int(Decimal(numbers[0]["text"].replace(",", "")) * 100)  # printed yuan, exactly
                match = re.match(r"^(本页小计|合计|过次页|承前页|.+小计)", label)
                if match:
                    sums.setdefault(match.group(1), []).append(value)
                elif re.match(r"^\d+", label):
                    data.append(value)
            pages.append((data, sums, "".join(w["text"] for w in words if w["top"] / MM > 195)))
    return pages


def test_the_disbursement_ledger_carries_its_amounts_across_pages(db, admin, made, tmp_path):
    extra = add_payments(db, made.road, 70, year=YEAR)
    out = tmp_path / "paid.pdf"
    printed = project_reports.disbursements_ledger(db, admin, out, year=YEAR, today=date(YEAR, 12, 2))
    pages = _read_ledger(out, "拨付金额")
    assert printed.pages == len(pages) >= 3 and printed.rows == 6 + 70
    running = 0
    for n, (data, sums, footer) in enumerate(pages):
        assert f"第{n + 1}页共{len(pages)}页" in footer
        assert sums["本页小计"] == [sum(data)] or (n == 0 and len(pages) == 1)
        if n:
            assert sums["承前页"] == [running]
        running += sum(data)
        if n < len(pages) - 1:
            assert sums["过次页"] == [running]
    assert running == 40_000_000 + extra and pages[-1][1]["合计"] == [running]
    groups = {k: v for p in pages for k, v in p[1].items() if k.endswith("项目小计")}
    assert groups["孙桥村道路硬化项目小计"] == [20_000_000 + extra]
    text = _text(out)
    assert "-50,000.00" in text
    assert f"第{made.reversal_id}号：冲销第{made.reversed_id}号拨付：进度未经核实，先行冲回" in text
    assert "HT-2026-001柘城县路桥工程有限公司" in text and "记账凭证第16号" in text


def test_the_projects_ledger_and_its_workbook(db, admin, made, tmp_path):
    with db.write() as s:
        s.get(Project, made.road).name = '=HYPERLINK("http://x","y")'
    out = tmp_path / "projects.pdf"
    printed = project_reports.projects_ledger(db, admin, out, year=YEAR, today=date(YEAR, 12, 2))
    assert printed.rows == 4
    text = _text(out)
    assert "柳河镇2026年度扶贫项目库台账" in text and "合计730,000.00580,000.00400,000.00330,000.007" in text
    assert "孙桥村小计" in text and "柳河镇小计" in text  # the township-wide project under the township
    book = tmp_path / "projects.xlsx"
    project_reports.projects_ledger(db, admin, book, year=YEAR, xlsx=True, today=date(YEAR, 12, 2))
    texts = assert_no_live_user_data(load_workbook(book))
    assert any(t.startswith("'=HYPERLINK") for t in texts)  # the name as text, never a live formula
    paid = tmp_path / "paid.xlsx"
    project_reports.disbursements_ledger(db, admin, paid, year=YEAR, xlsx=True, today=date(YEAR, 12, 2))
    ws = load_workbook(paid).active
    amounts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, (int, float))]
    assert -50_000 in amounts  # a reversal is a negative number, not text
    assert_no_live_user_data(load_workbook(paid))


def test_the_balances_ledger_marks_the_sources_above_the_line(db, admin, made, tmp_path):
    out = tmp_path / "bal.pdf"
    project_reports.balances_ledger(db, admin, out, year=YEAR, today=date(YEAR, 12, 2))
    text = _text(out)
    assert "中央财政衔接资金500,000.00350,000.00150,000.0030.00%超过5%" in text
    assert "合计650,000.00400,000.00250,000.00" in text


# --- the card ---------------------------------------------------------------------------------------------


def test_the_project_card_holds_everything_hung_on_the_project(db, admin, made, tmp_path):
    project_reports.listing_notice(
        db, admin, YEAR, tmp_path / "l.pdf", projects=[made.road], start=date(YEAR, 3, 2)
    )
    project_reports.funds_notice(db, admin, YEAR, tmp_path / "f.pdf", start=date(YEAR, 12, 1))
    out = tmp_path / "card.pdf"
    printed = project_reports.project_card(db, admin, out, project=made.road, today=date(YEAR, 12, 2))
    text = _text(out)
    for wanted in (
        "项目档案卡", "孙桥村道路硬化项目", "2025—2027年", "刘监督13812345678",
        "中央财政衔接资金300,000.00150,000.00150,000.00", "合计400,000.00200,000.00200,000.00",
        "硬化道路长度1.2公里—", "2026年3月1日储备→入库县项目库批复柘扶〔2026〕3号admin",
        "HT-2026-001柘城县路桥工程有限公司380,000.002026年4月10日",
        f"第{made.reversal_id}号2026年6月3日HT-2026-001县级财政衔接资金-50,000.0050%记账凭证第16号冲销第{made.reversed_id}号",
        "项目入库公示乡镇公示栏2026年3月2日10", "资金使用情况公告乡镇公示栏2026年12月1日10",
        "制表日期：2026年12月2日",
    ):  # fmt: skip
        assert wanted in text, wanted
    for _name, full_id, code in made.heads[:3]:
        assert code in text and full_id not in text  # households by 户编号 on the internal card
    assert printed.rows == 1
    every = tmp_path / "all.pdf"
    printed = project_reports.project_card(db, admin, every, year=YEAR, today=date(YEAR, 12, 2))
    assert printed.rows == 4
    starts = [p for p in page_text(every) if "项目档案卡" in p]
    assert len(starts) == 4  # each project from a new page


def test_projects_balances_from_the_command_line(db_url, made, monkeypatch, capsys):
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    base = ["--db", db_url, "--user", "admin"]
    assert main([*base, "projects", "balances", "--year", str(YEAR)]) == 0
    shown = capsys.readouterr().out
    assert f"{YEAR}年度结转结余" in shown
    assert "合计：安排650,000.00元，已拨付400,000.00元，结余250,000.00元，结余率38.46%（超过警戒线）" in shown
    assert main([*base, "--json", "projects", "balances", "--year", str(YEAR)]) == 0
    rows = json.loads(capsys.readouterr().out)["balances"]
    assert rows[-1] == {
        "source": "合计",
        "allocated_fen": 65_000_000,
        "paid_fen": 40_000_000,
        "balance_fen": 25_000_000,
        "rate": "5/13",
        "rate_text": "38.46%",
        "warn": True,
    }


def test_the_print_commands(db, db_url, made, tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    base = ["--db", db_url, "--user", "admin"]
    out = str(tmp_path / "n.pdf")
    assert main([*base, "print", "notice", "project-funds", "--year", str(YEAR), "--out", out]) == 0
    assert (
        main([*base, "print", "notice", "project-completion", "--project", str(made.road), "--out", out]) == 2
    )
    assert (
        main(
            [
                *base,
                "print",
                "ledger",
                "disbursements",
                "--year",
                str(YEAR),
                "--xlsx",
                str(tmp_path / "d.xlsx"),
            ]
        )
        == 0
    )
    assert main([*base, "print", "project-card", "--project", str(made.solar), "--out", out]) == 0
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ProjectNotice)) == 1
