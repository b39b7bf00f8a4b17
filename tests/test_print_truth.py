"""What the print review found on rendered pages, each as a test: the 落款 never alone on a page, facts from the
record they describe, a fund notice that reconciles with the fund ledger, ledgers that say whose rows they are,
carry balances and give an elder room to sign, people named as people."""

from __future__ import annotations

import re
from datetime import date, datetime

import pdfplumber
import pytest

from desktop import clock
from desktop.errors import InputRejected
from desktop.reports.ledger import Column, Ledger, render_ledger_pdf
from desktop.reports.notice import AREA_W, TITLE_SIZE, Notice, NoticeTable, render_notice, title_lines
from desktop.reports.pdfdraw import Pen
from desktop.services.fund import fund, fund_reports
from desktop.services.households import printing
from desktop.services.points import store_reports
from desktop.services.ratings import ratings
from desktop.services.roster.roster_import import import_roster
from tests.pdfcheck import MM

VILLAGE = "柘城县逻岗镇/孙桥村"
HH = "41142410520800001"
ELDER = "4114241052080000101"  # 董超玉, 60 in October 2026
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=clock.OFFICE_TZ)


def _chars_text(path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return ["".join(c["text"] for c in page.chars) for page in pdf.pages]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def office_day(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW.date()


@pytest.fixture
def roster(db, admin, sample, office_day):
    import_roster(db, admin, sample("roster-small.xlsx"))
    return db


# --- the 落款 ---------------------------------------------------------------------------------------------


def test_the_signature_never_stands_alone_whatever_the_list_length(tmp_path):
    """GB/T 9704: a seal needs body text above it on its page. Lists of every length from 1 to 45 rows."""
    issuer, issued = "柳河镇孙桥村村民委员会", date(2026, 11, 25)
    for count in range(1, 46):
        notice = Notice(
            title="关于孙桥村2026年度贫困户识别名单的公示",
            paragraphs=["根据扶贫对象动态管理有关规定，经农户申请、村民代表大会民主评议，现将名单予以公示。"],
            table=NoticeTable(
                ["序号", "村民小组", "户主姓名", "身份证号码", "家庭人口"],
                [[str(i), "3组", "张建国", "411424********1234", "4"] for i in range(1, count + 1)],
                [1, 1.6, 1.8, 3.6, 1.4],
            ),
            closing=["公示时间：2026年11月25日至2026年12月1日（共7天）。", "监督电话：12317"],
            issuer=issuer,
            issued=issued,
        )
        path = tmp_path / f"n{count}.pdf"
        render_notice(notice, path)
        for number, text in enumerate(_chars_text(path), start=1):
            body = (
                _squeeze(re.sub(r"—\s*\d+\s*—", "", text)).replace(issuer, "").replace("2026年11月25日", "")
            )
            assert body, f"{count} households: page {number} holds only the 落款"


def test_a_ledger_never_ends_on_a_page_of_totals_alone(tmp_path):
    columns = [Column("序号", "center"), Column("姓名", "center"), Column("人数", "right", total=True)]
    for count in range(1, 70):
        rows = [[i, "张建国", 1] for i in range(1, count + 1)]
        info = render_ledger_pdf(
            Ledger("台账", columns, rows, unit="柳河镇", made=date(2026, 12, 2)), tmp_path / f"l{count}.pdf"
        )
        assert info.pages == len(info.summary.rows), f"{count} rows: the sign-off has a page of its own"
        assert all(info.summary.rows), f"{count} rows: a page without a data row: {info.summary.rows}"


def test_titles_break_after_a_place_or_time_word_and_never_inside_a_date(tmp_path):
    import io

    from reportlab.pdfgen.canvas import Canvas

    from desktop.reports.fonts import load_fonts

    pen = Pen(Canvas(io.BytesIO()), load_fonts())
    limit = AREA_W - 2 * TITLE_SIZE
    for title in (
        "孙桥村爱心超市2026年11月积分兑换情况公示",
        "关于孙桥村2026年11月脱贫星级评定结果的公示",
        "柳河镇杨湖村孝善基金2026年12月收支公示",
        "关于柳河镇孙桥村2026年度防返贫监测对象名单的公示",
    ):
        lines = title_lines(pen, title, limit)
        assert "".join(lines) == title
        for a, b in zip(lines, lines[1:], strict=False):
            assert not (a[-1] in "年月" and b[0].isdigit()), lines  # 2026年 / 11月
            assert len(b) >= 3, lines  # no stub


# --- facts from the record ----------------------------------------------------------------------------------


def test_the_exit_certificate_names_the_roster_exit_year(roster, admin, tmp_path):
    from sqlalchemy import select

    from desktop.models import Household

    with roster.write() as s:
        h = s.scalar(select(Household).where(Household.code == HH))
        h.attrs = {**(h.attrs or {}), "exit_year": 2017}
    out = tmp_path / "exit.pdf"
    printing.household_certificate(roster, admin, HH, out, template="exit")
    text = _squeeze("".join(_chars_text(out)))
    assert "于2017年光荣脱贫" in text and "2026年光荣脱贫" not in text
    with roster.write() as s:
        h = s.scalar(select(Household).where(Household.code == HH))
        h.attrs = {k: v for k, v in (h.attrs or {}).items() if k != "exit_year"}
    with pytest.raises(InputRejected, match="没有脱贫年度"):
        printing.household_certificate(roster, admin, HH, tmp_path / "x.pdf", template="exit")


def test_the_star_certificate_names_the_stars_the_household_earned(roster, admin, tmp_path, office_day):
    out = tmp_path / "star.pdf"
    with pytest.raises(InputRejected, match="没有已确认的星级评定"):
        printing.household_certificate(roster, admin, HH, out)
    rnd = ratings.create_round(roster, admin, VILLAGE, "2026年10月")
    ratings.set_stars(roster, admin, rnd, HH, ["增收致富", "诚实守信"])
    ratings.publish(roster, admin, rnd, start=date(2026, 10, 1))
    ratings.confirm(roster, admin, rnd)
    printing.household_certificate(roster, admin, HH, out)
    text = _squeeze("".join(_chars_text(out)))
    assert "2026年度脱贫星级评定中，获评“增收致富之星”“诚实守信之星”" in text
    assert "星级文明户" not in text


def test_a_filial_certificate_says_only_the_award_it_is_given(roster, admin, tmp_path):
    with pytest.raises(InputRejected, match="奖项"):
        printing.household_certificate(roster, admin, HH, tmp_path / "f.pdf", template="filial")
    out = tmp_path / "f.pdf"
    printing.household_certificate(roster, admin, HH, out, template="filial", award="2026年度孝善之星")
    text = _squeeze("".join(_chars_text(out)))
    assert "被评为“2026年度孝善之星”" in text and "星级文明户" not in text


def test_the_pledge_names_the_relation_once(roster, admin, tmp_path):
    assert fund_reports.kinship("之子") == "之子" and fund_reports.kinship("儿子") == "的儿子"
    fund.create_fund(roster, admin, VILLAGE)
    sid = fund.add_supporter(roster, admin, VILLAGE, ELDER, "董平花", relation="之女")
    fund.pledge(roster, admin, sid, 20000, "2026-10", signed_on=date(2026, 9, 30))
    out = tmp_path / "pledge.pdf"
    fund_reports.pledge_document(roster, admin, sid, out)
    text = _squeeze("".join(_chars_text(out)))
    assert "孙桥村董超玉之女" in text and "的之女" not in text


# --- the fund notice reconciles with the ledger ------------------------------------------------------------


@pytest.fixture
def fund_month(roster, admin, monkeypatch):
    """A fund with October booked, then November: a donation, contributions with their match, a payout, and a
    donation entered twice and reversed."""
    fund.create_fund(roster, admin, VILLAGE, match_percent=10, match_cap_fen=3000)
    first = fund.add_supporter(roster, admin, VILLAGE, ELDER, "董平花", relation="之女")
    fund.pledge(roster, admin, first, 20000, "2026-10", signed_on=date(2026, 9, 30))
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 10, 15, 9, 0, tzinfo=clock.OFFICE_TZ))
    fund.donate(roster, admin, VILLAGE, "镇商会", 50000)
    fund.contribute(roster, admin, first, ["2026-10"], 20000, receipt_no="A1")
    monkeypatch.setattr(clock, "now", lambda: NOW)
    fund.donate(roster, admin, VILLAGE, "县慈善总会", 300000)
    twice = fund.donate(roster, admin, VILLAGE, "县慈善总会", 300000)
    assert twice
    from sqlalchemy import select

    from desktop.models import FundEntry

    with roster.read() as s:
        dup = s.scalar(select(FundEntry.id).where(FundEntry.kind == "donation").order_by(FundEntry.id.desc()))
    fund.reverse(roster, admin, dup, "重复登记")
    fund.contribute(roster, admin, first, ["2026-11", "2026-12"], 40000, receipt_no="A2")
    fund.pay(roster, admin, VILLAGE, "2026-10")
    return "2026-11"


def test_the_fund_notice_totals_equal_the_fund_ledger_for_the_month(roster, admin, fund_month, tmp_path):
    out = tmp_path / "notice.pdf"
    fund_reports.fund_notice(roster, admin, VILLAGE, fund_month, out)
    text = _squeeze("".join(_chars_text(out)))
    found = re.search(
        r"期初余额([\d,.]+)元；本期收入([\d,.]+)元.*?本期支出([\d,.]+)元.*?期末余额([\d,.]+)元", text
    )
    assert found, text
    opening, income, spent, closing = (round(float(x.replace(",", "")) * 100) for x in found.groups())
    ledger = fund_reports.build_fund_ledger(roster, admin, VILLAGE, month=fund_month)
    data = [r for r in ledger.rows if r[0] != ""]
    assert ledger.rows[0][2] == "上期结转" and ledger.rows[0][8] == opening == 70000 - 0
    assert income == sum(r[5] or 0 for r in data) == 300000 + 40000  # the reversed donation nets out
    assert spent == sum(r[7] or 0 for r in data) == 20000 + 2000
    assert closing == data[-1][8] == opening + income - spent
    assert closing == fund.status(roster, admin, VILLAGE).balance_fen
    assert "县慈善总会" in text and "冲正捐赠" in text and "2026年10月" in text  # payouts name their month


def test_the_fund_ledger_carries_its_balance_to_the_total(roster, admin, fund_month, tmp_path):
    out = tmp_path / "ledger.pdf"
    fund_reports.fund_ledger(roster, admin, VILLAGE, out)
    pages = _chars_text(out)
    last = _squeeze(pages[-1])
    balance = fund.status(roster, admin, VILLAGE).balance_fen
    assert "余额" in _squeeze(pages[0])
    assert re.search(r"合计[\d,.]+[\d,.]+[\d,.]+" + re.escape(f"{balance / 100:,.2f}"), last), last


def test_the_redemption_notice_totals_equal_the_points_ledger(db, admin, sample, tmp_path, office_day):
    from desktop.services import demo

    demo.add_demo_households(db, admin, 60)
    demo.add_demo_stores(db, admin)
    demo.add_demo_redemptions(db, admin)
    village = _store_village(db)
    month = f"{office_day:%Y-%m}"
    out = tmp_path / "notice.pdf"
    store_reports.redemption_notice(db, admin, village, month, out)
    text = _squeeze("".join(_chars_text(out)))
    notice_total = int(re.search(r"消耗积分(\d+)分", text).group(1))
    ledger = store_reports.build_points_ledger(db, admin, village=village, month=month)
    redeemed = sum(r[8] for r in ledger.rows if r[5] == "兑换")
    returned = sum(r[7] for r in ledger.rows if r[5] == "冲正" and r[7])
    assert notice_total == redeemed - returned


def _store_village(db) -> str:
    from sqlalchemy import select

    from desktop.models import Store, Village

    with db.read() as s:
        return s.scalar(select(Village.name).join(Store, Store.village_id == Village.id).order_by(Store.code))


# --- ledgers ------------------------------------------------------------------------------------------------


def test_the_points_ledger_names_its_unit_carries_balances_and_fits_twenty_rows(
    db, admin, tmp_path, office_day
):
    from desktop.services import demo

    demo.add_demo_households(db, admin, 60)
    demo.add_demo_stores(db, admin)
    demo.add_demo_redemptions(db, admin)
    village = _store_village(db)
    ledger = store_reports.build_points_ledger(db, admin, village=village)
    assert ledger.unit.endswith(f"{village}村民委员会") and ledger.title.endswith(f"{village}积分台账")
    balances: dict[str, int] = {}
    for row in ledger.rows:
        balances[row[3]] = balances.get(row[3], 0) + row[7] - row[8]
        assert row[9] == balances[row[3]], row  # 结余 is the household's balance after the entry
        assert row[10] not in ("system", "admin"), row  # people, not log-ins
    ledger.rows = [[i, *r[1:]] for i, r in enumerate(ledger.rows * 10, start=1)]
    info = render_ledger_pdf(ledger, tmp_path / "points.pdf")
    assert max(info.summary.rows) >= 20


def test_the_stock_ledger_is_in_date_order(db, admin, tmp_path, office_day):
    from desktop.services import demo

    demo.add_demo_households(db, admin, 60)
    demo.add_demo_stores(db, admin)
    demo.add_demo_redemptions(db, admin)
    out = tmp_path / "stock.pdf"
    store_reports.stock_ledger(db, "S01", out)
    dates = []
    for text in _chars_text(out):
        dates += [date(*map(int, m)) for m in re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)]
    dates = dates[:-1]  # the last is the 制表日期
    assert dates == sorted(dates)


def test_a_household_continued_on_a_new_page_is_named_there(tmp_path):
    columns = [
        Column("序号", "center"),
        Column("户编号", "center"),
        Column("户主", "center", min_chars=3),
        Column("姓名", "center", min_chars=3),
        Column("人数", "right", total=True),
    ]
    rows = []
    for h in range(3):
        for m in range(20):
            first = m == 0
            rows.append(
                [
                    len(rows) + 1,
                    f"4114241052080{h:04d}" if first else "",
                    "张建国" if first else "",
                    "某某",
                    1,
                ]
            )
    out = tmp_path / "h.pdf"
    render_ledger_pdf(Ledger("家庭成员台账", columns, rows, repeat_cols=(1, 2), made=date(2026, 12, 2)), out)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) > 1
        for page in pdf.pages[1:]:
            text = _squeeze(page.extract_text())
            assert "4114241052080" in text and "张建国" in text, text


def test_the_sign_sheet_gives_room_to_sign_and_press_a_thumb(roster, admin, fund_month, tmp_path):
    out = tmp_path / "sheet.pdf"
    fund_reports.payout_sheet(roster, admin, VILLAGE, "2026-10", out)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        head = next(w for w in page.extract_words() if w["text"].startswith("领取人签字"))
        centre = (head["x0"] + head["x1"]) / 2
        xs = sorted({round(ln["x0"], 1) for ln in page.lines if abs(ln["x0"] - ln["x1"]) < 0.1})
        left = max(x for x in xs if x < centre)
        right = min(x for x in xs if x > centre)
        assert (right - left) / MM >= 45
        name = next(w for w in page.extract_words() if w["text"] == "董超玉")
        row = next(r for r in page.rects if r["top"] < name["top"] and r["bottom"] > name["bottom"])
        assert row["height"] / MM >= 10
    assert "董超玉" in _squeeze("".join(_chars_text(out)))


# --- rare characters ---------------------------------------------------------------------------------------


def test_a_rare_name_character_in_a_title_keeps_the_title_weight(tmp_path):
    """𠮷 and 䶮 are in no bold face bundled here: they come from the full-coverage regular face, emboldened
    (filled and stroked) so the title does not look thin where they stand; the text still reads back."""
    from pypdf import PdfReader

    from desktop.reports.fonts import load_fonts

    fonts = load_fonts()
    out = tmp_path / "rare.pdf"
    render_notice(
        Notice("关于𠮷䶮村2026年度名单的公示", ["户主王𠮷。"], "柳河镇𠮷村村民委员会", date(2026, 12, 2)), out
    )
    assert "关于𠮷䶮村2026年度名单的公示" in _squeeze("".join(_chars_text(out)))
    stream = PdfReader(str(out)).pages[0].get_contents().get_data()
    assert b"2 Tr" in stream  # stroked as well as filled
    assert fonts.needs_emboldening(fonts.font_for("𠮷", "title"), "title")
    assert not fonts.needs_emboldening(fonts.font_for("公", "title"), "title")
    assert not fonts.needs_emboldening(fonts.font_for("𠮷", "body"), "body")  # body text stays regular


def test_the_plan_sheet_signatures_keep_company_with_its_last_rows(tmp_path):
    from desktop.reports.policy_card import PlanSheet, render_plan_sheet

    for count in range(0, 22):
        sheet = PlanSheet(
            2026,
            "柳河镇孙桥村3组",
            "张建国",
            "41142410420100001",
            4,
            "138****1234",
            "一般贫困户",
            "因病",
            "黄卡（脱贫不稳定户）",
            "人均纯收入4,500元，在4,000—5,000元之间",
            [("工资性", "12,000"), ("生产经营性", "3,000"), ("转移性", "2,000"), ("人均", "4,250")],
            [
                ("产业", f"养鸡{i}00只（发放鸡苗）", "2,000", "李干部", "2026年3月", "", "进行中")
                for i in range(count)
            ],
            [("义务教育", "达标", "教育局", "子女在校"), ("基本医疗", "达标", "医保局", "已参保")],
            issued=date(2026, 12, 2),
        )
        out = tmp_path / f"plan{count}.pdf"
        render_plan_sheet(sheet, out)
        last = _squeeze(_chars_text(out)[-1])
        rest = re.sub(
            r"帮扶责任人（签字）：|户主（签字）：|村委会（盖章）：|2026年12月2日|第\d+页共\d+页", "", last
        )
        assert rest, f"{count} measures: the last page holds only the signature lines"


def test_a_receipt_names_the_person_and_a_reversed_one_says_so(db, admin, tmp_path, office_day):
    from sqlalchemy import select

    from desktop.models import Household, PointsAccount, Store
    from desktop.services import demo
    from desktop.services.points import redemption

    demo.add_demo_households(db, admin, 60)
    demo.add_demo_stores(db, admin)
    with db.read() as s:
        store = s.scalar(select(Store).where(Store.code == "S01"))
        code = s.scalar(
            select(Household.code)
            .join(PointsAccount, PointsAccount.household_id == Household.id)
            .where(Household.village_id == store.village_id, PointsAccount.balance >= 10)
            .order_by(Household.code)
        )
    receipt = redemption.redeem(db, admin, "S01", code, {"6908": 1})
    out = tmp_path / "r.pdf"
    redemption.receipt_pdf(receipt, out)
    text = _squeeze("".join(_chars_text(out)))
    assert "经办人管理员" in text and "admin" not in text and "已撤销" not in text
    assert clock.cn_date(office_day) in text
    redemption.reverse_redemption(db, admin, receipt.number, "扫错了")
    redemption.receipt_pdf(redemption.find_receipt(db, receipt.number), out)
    text = _squeeze("".join(_chars_text(out)))
    assert "【已撤销作废】" in text and "经办人管理员" in text


def test_a_long_ledger_keeps_its_numbers_on_one_line():
    """序号 10005 at the end of a long ledger fits its column (the widths are measured on the tail too)."""
    from desktop.reports.fonts import load_fonts
    from desktop.reports.ledger import PAD, SIZE, column_layout

    columns = [Column("序号", "center"), Column("姓名", "center"), Column("人数", "right", total=True)]
    rows = [[i, "张建国", 1] for i in range(1, 10_051)]
    widths, rigid = column_layout(Ledger("台账", columns, rows, made=date(2026, 12, 2)))
    assert rigid[0] and load_fonts().width("10050", "song", SIZE) <= widths[0] - PAD
