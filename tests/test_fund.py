"""孝善基金: the match, a balance that never goes negative, payouts refused whole, reversals, birthdays, arrears."""

from __future__ import annotations

from datetime import date

import pytest

from desktop import clock
from desktop.cli import main
from desktop.errors import InputRejected, Refused
from desktop.services.fund import fund
from desktop.services.roster.roster_import import import_roster
from desktop.services.system.backup import check_database
from tests.conftest import ADMIN_PASSWORD

VILLAGE = "柘城县逻岗镇/孙桥村"
ELDER = "4114241052080000101"  # 董超玉, born 1966-10-20: sixty on 2026-10-20


@pytest.fixture
def supporter(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    fund.create_fund(db, admin, VILLAGE, match_percent=10, match_cap_fen=1500)
    sid = fund.add_supporter(db, admin, VILLAGE, ELDER, "董平花", relation="之女")
    fund.pledge(db, admin, sid, 20000, "2026-10", signed_on=date(2026, 9, 30), witness="村委会")
    return sid


def test_match_follows_the_percentage_and_the_cap():
    assert fund.match_for(20000, 1, 10, 3000) == 2000  # 10% of 200 元
    assert fund.match_for(50000, 1, 10, 3000) == 3000  # capped at 30 元 a month
    assert fund.match_for(50000, 2, 10, 3000) == 5000  # two months: cap 60 元, 10% is 50 元
    assert fund.split(10001, 3) == [3334, 3334, 3333] and sum(fund.split(10001, 3)) == 10001


def test_a_contribution_books_its_match_and_the_payout_pays_both(db, admin, supporter):
    result = fund.contribute(db, admin, supporter, ["2026-10", "2026-11"], 40000, receipt_no="A001")
    assert (result.match_fen, result.balance_fen) == (3000, 40000)  # cap 15 元 × 2 months; match is earmarked
    with pytest.raises(Refused, match="已缴过2026-11"):
        fund.contribute(db, admin, supporter, ["2026-11"], 20000)
    lines, balance = fund.payout_preview(db, admin, VILLAGE, "2026-10")
    assert [(x.elder, x.amount_fen) for x in lines] == [("董超玉", 20000 + 1500)] and balance == 40000
    fund.pay(db, admin, VILLAGE, "2026-10")
    assert fund.status(db, admin, VILLAGE).balance_fen == 40000 - 21500
    with pytest.raises(Refused, match="没有应发放"):
        fund.pay(db, admin, VILLAGE, "2026-10")  # never twice
    assert check_database(db).ok


def test_a_payout_run_that_would_overdraw_is_refused_whole(db, admin, supporter):
    fund.contribute(db, admin, supporter, ["2026-10"], 20000)
    # The match is paid from the fund's own pool; with no donations yet, 200 元 in, 215 元 owed.
    with pytest.raises(Refused, match="整批未发放"):
        fund.pay(db, admin, VILLAGE, "2026-10")
    assert fund.status(db, admin, VILLAGE).balance_fen == 20000
    fund.donate(db, admin, VILLAGE, "县慈善会", 100000)
    assert len(fund.pay(db, admin, VILLAGE, "2026-10")) == 1
    assert fund.status(db, admin, VILLAGE).balance_fen == 120000 - 21500
    assert check_database(db).ok


def test_reversing_a_contribution_reverses_its_match(db, admin, supporter):
    result = fund.contribute(db, admin, supporter, ["2026-11"], 20000)
    fund.donate(db, admin, VILLAGE, "乡贤", 5000)
    assert fund.reverse(db, admin, result.entry_id, "收据填错") == 5000
    lines, _ = fund.payout_preview(db, admin, VILLAGE, "2026-11")
    assert lines == []  # neither the contribution nor its match is owed any more
    with pytest.raises(Refused, match="已经冲正过"):
        fund.reverse(db, admin, result.entry_id, "again")
    # Paid out already: the reversal would overdraw, so it is refused and nothing changes.
    again = fund.contribute(db, admin, supporter, ["2026-11"], 20000)
    fund.pay(db, admin, VILLAGE, "2026-11")
    with pytest.raises(Refused, match="不足以冲正"):
        fund.reverse(db, admin, again.entry_id, "late")
    assert check_database(db).ok


def test_elders_enter_the_list_on_their_birthday(db, admin, supporter):
    before = {e.name for e in fund.elders(db, admin, VILLAGE, on=date(2026, 10, 19))}
    on_the_day = {e.name: e.age for e in fund.elders(db, admin, VILLAGE, on=date(2026, 10, 20))}
    assert "董超玉" not in before and on_the_day["董超玉"] == 60


def test_arrears_across_the_year_boundary(db, admin, supporter):
    fund.contribute(db, admin, supporter, ["2026-10", "2026-11"], 40000)
    [owed] = fund.arrears(db, admin, VILLAGE, upto="2027-02")
    assert owed.months == ["2026-12", "2027-01", "2027-02"] and owed.amount_fen == 60000
    fund.pledge(db, admin, supporter, 30000, "2027-01")  # raised from January
    [owed] = fund.arrears(db, admin, VILLAGE, upto="2027-02")
    assert owed.months == ["2026-12", "2027-01", "2027-02"] and owed.amount_fen == 20000 + 30000 * 2


def test_fund_from_the_command_line(db_url, supporter, capsys, monkeypatch):
    import json

    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    args = ["--db", db_url, "fund"]
    assert (
        main(
            [
                *args,
                "contribute",
                "--supporter",
                str(supporter),
                "--months",
                "2026-10",
                "--amount",
                "200.00",
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["match_fen"] == 1500
    assert main([*args, "pay", "--village", VILLAGE, "--month", "2026-10"]) == 3  # overdraw: refused
    capsys.readouterr()
    assert main([*args, "donate", "--village", VILLAGE, "--donor", "县慈善会", "--amount", "1000"]) == 0
    assert main([*args, "pay", "--village", VILLAGE, "--month", "2026-10"]) == 0
    capsys.readouterr()
    assert main([*args, "status", "--village", VILLAGE, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["balance_fen"] == 120000 - 21500


def test_fund_prints_ledger_sheet_notice_honour_roll_and_pledge(
    db_url, db, admin, supporter, tmp_path, cli_login
):
    from desktop.reports.mask import leaks
    from desktop.services.fund import fund_reports
    from tests.pdfcheck import page_text

    month = f"{clock.today():%Y-%m}"
    months = fund.months_between(
        "2026-10", month
    )  # the pledge's months so far, paid in full: any run date works
    n = len(months)
    fund.contribute(db, admin, supporter, months, 20000 * n, receipt_no="A001")
    fund.donate(db, admin, VILLAGE, "县慈善会", 100000)
    with pytest.raises(InputRejected, match="还没有发放"):  # a sheet lists only money paid out
        fund_reports.payout_sheet(db, admin, VILLAGE, month, tmp_path / "sheet.pdf")
    fund.pay(db, admin, VILLAGE, month)
    fund_reports.payout_sheet(db, admin, VILLAGE, month, tmp_path / "sheet.pdf")
    sheet = "".join(page_text(tmp_path / "sheet.pdf")).replace(" ", "")
    assert "签领表" in sheet and "董超玉" in sheet and "领取人签字" in sheet and "215.00" in sheet
    info = fund_reports.fund_ledger(db, admin, VILLAGE, tmp_path / "ledger.pdf")
    text = "".join(page_text(tmp_path / "ledger.pdf")).replace(" ", "").replace(",", "")
    # 收入: contributions + the donation; 补贴: 15 元 earmarked a month; 支出: this month's 200 + 15
    assert info.rows == 4 and f"合计{(20000 * n + 100000) / 100:.2f}{1500 * n / 100:.2f}215.00" in text
    fund_reports.fund_notice(db, admin, VILLAGE, month, tmp_path / "notice.pdf")
    notice = "".join(page_text(tmp_path / "notice.pdf"))
    assert "收支公示" in notice and leaks(notice) == []
    fund_reports.honour_roll(db, admin, VILLAGE, clock.today().year, tmp_path / "roll.pdf")
    assert "董平花" in "".join(page_text(tmp_path / "roll.pdf"))
    fund_reports.pledge_document(db, admin, supporter, tmp_path / "pledge.pdf")
    assert "每月向孙桥村孝善基金缴纳赡养费200.00元" in "".join(page_text(tmp_path / "pledge.pdf")).replace(
        "\n", ""
    )
    assert (
        main(
            [
                "--db",
                db_url,
                "print",
                "pledge",
                "--supporter",
                str(supporter),
                "--out",
                str(tmp_path / "p.pdf"),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "--db",
                db_url,
                "print",
                "ledger",
                "fund",
                "--village",
                VILLAGE,
                "--xlsx",
                str(tmp_path / "f.xlsx"),
            ]
        )
        == 0
    )


def test_board_rules_scans_and_honour_certificates(
    db_url, db, admin, supporter, tmp_path, capsys, monkeypatch
):
    from desktop.errors import InputRejected
    from desktop.services.fund import fund_reports
    from tests.pdfcheck import page_text

    fund.add_board_member(db, admin, VILLAGE, "李德福", "会长", phone="13800000000")
    assert fund.board(db, admin, VILLAGE) == [("会长", "李德福", "13800000000")]
    with pytest.raises(InputRejected):
        fund.add_board_member(db, admin, VILLAGE, "某人", "皇帝")
    fund.set_rules(db, admin, VILLAGE, match_percent=20)
    assert (
        fund.contribute(db, admin, supporter, ["2026-10"], 20000).match_fen == 1500
    )  # 20% = 40 元, cap 15 元
    with pytest.raises(InputRejected):
        fund.set_rules(db, admin, VILLAGE, elder_age=30)
    with pytest.raises(InputRejected, match="内容不符"):
        fund.archive_pledge_scan(db, admin, supporter, b"hello")
    fund.archive_pledge_scan(db, admin, supporter, b"%PDF-1.4 signed pledge")
    assert fund.has_pledge_scan(db, supporter)
    months = fund.months_between("2026-11", f"{clock.today():%Y-%m}")
    fund.contribute(db, admin, supporter, months, 20000 * len(months))
    assert fund_reports.honour_certificates(db, admin, VILLAGE, clock.today().year, tmp_path / "c.pdf") == 1
    assert "孝善之星" in page_text(tmp_path / "c.pdf")[0].replace("\n", "")
    fund_reports.fund_chart(db, admin, VILLAGE, tmp_path / "chart.png")
    assert (tmp_path / "chart.png").stat().st_size > 5000
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    assert (
        main(["--db", db_url, "fund", "board", "--village", VILLAGE, "--name", "王会计", "--role", "会计"])
        == 0
    )
    assert main(["--db", db_url, "fund", "rules", "--village", VILLAGE, "--set-payout-day", "15"]) == 0
    out = tmp_path / "h.pdf"
    assert main(["--db", db_url, "print", "honour", "fund", "--village", VILLAGE, "--out", str(out)]) == 0
