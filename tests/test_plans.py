"""一户一策: the card-colour rule at each threshold, overrides with reasons and history, income, checks, prints."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pypdf import PdfReader

from desktop.cli import main
from desktop.errors import InputRejected
from desktop.services.plans import plan_reports, plans
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import audit_log
from tests.conftest import ADMIN_PASSWORD
from tests.pdfcheck import page_text

EXITED = "41142310221200005"  # 王花国, 7 people, 脱贫户 since 2018
OUTSIDE = "41142310420200003"  # 陈燕磊, 边缘易致贫户 (档外)
HEALTHY = "41142510220500008"  # 魏国福, 2 people, 脱贫户 since 2020, nobody ill
T = plans.Threshold(2026, 340000, 400000, 500000)  # the 2018 line with the 2020 band, set as one county's


@pytest.fixture
def roster(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    plans.set_threshold(db, admin, 2026, 400000, 400000, 500000)  # seed 001's figures, confirmed for 2026
    return db


@pytest.mark.parametrize(
    ("income", "colour"),
    [
        (339999, "red"),  # one fen under the line
        (340000, "yellow"),  # the line itself is reached (seed 000: 达到); below the band is not yet stable
        (399999, "yellow"),
        (400000, "yellow"),  # bottom of the yellow band
        (500000, "yellow"),  # top of the band, inclusive (4000–5000 元)
        (500001, "green"),  # one fen above the band
    ],
)
def test_the_suggested_colour_at_each_threshold_boundary(income, colour):
    assert plans.suggest(income, T).colour == colour


def test_the_other_rules_of_the_suggestion():
    assert plans.suggest(900000, T, exited=False).colour == "red"  # not yet out of poverty
    assert plans.suggest(900000, T, unmet=("housing",)).colour == "red"
    assert "住房安全有保障未达标" in plans.suggest(900000, T, unmet=("housing",)).text
    assert plans.suggest(900000, T, risks=("2人患大病",)).colour == "green"  # a risk note is not a colour
    assert plans.suggest(900000, T, registered=False, exited=False).colour is None  # 一般农户: no card
    assert plans.suggest(450000, T, registered=False, exited=False).colour == "blue"
    assert plans.suggest(None, T).kind == plans.NO_INCOME
    assert plans.suggest(450000, None, year=2027).text.startswith("请先设置2027年度标准")  # nothing carried


def test_income_components_give_the_per_capita_net_income(roster, admin):
    # (12,000 + 3,000 + 500 + 2,000 − 1,000) 元 over 7 people = 2,357.14 元 → red
    net = plans.set_income(
        roster,
        admin,
        EXITED,
        2026,
        wage=1200000,
        production=300000,
        property_income=50000,
        transfer=200000,
        production_cost=100000,
    )
    assert net == 235714
    assert plans.suggestion(roster, admin, EXITED, 2026).colour == "red"
    with pytest.raises(InputRejected, match="转移性收入不能为负数"):
        plans.set_income(roster, admin, EXITED, 2026, transfer=-1)


def test_a_configured_threshold_changes_the_suggestion(roster, admin):
    plans.set_income(roster, admin, EXITED, 2026, wage=7 * 450000)  # 4,500 元 a head
    assert plans.suggestion(roster, admin, EXITED, 2026).colour == "yellow"
    plans.set_threshold(roster, admin, 2026, 460000, 480000, 560000)
    sug = plans.suggestion(roster, admin, EXITED, 2026)
    assert (
        sug.colour == "red" and "低于2026年贫困线4,600.00元" in sug.text and sug.findings == (plans.RELAPSED,)
    )
    with pytest.raises(InputRejected, match="贫困线 ≤ 黄卡下限"):
        plans.set_threshold(roster, admin, 2027, 500000, 400000, 600000)


def test_an_override_needs_a_reason_and_every_decision_is_kept(roster, admin):
    plans.set_income(roster, admin, HEALTHY, 2026, wage=2 * 800000)
    assert plans.suggestion(roster, admin, HEALTHY, 2026).kind == plans.PENDING  # 不愁吃穿 not yet checked
    plans.set_check(roster, admin, HEALTHY, 2026, "food_clothing", True)
    assert plans.suggestion(roster, admin, HEALTHY, 2026).colour == "green"
    first = plans.confirm_colour(roster, admin, HEALTHY, 2026)
    assert (first.colour, first.overridden) == ("green", False)
    with pytest.raises(InputRejected, match="所选黄卡与系统建议的绿卡不同，请填写调整理由"):
        plans.confirm_colour(roster, admin, HEALTHY, 2026, "黄卡")
    plans.confirm_colour(roster, admin, HEALTHY, 2026, "黄卡", "务工收入不稳定，年底可能返乡")
    history = plans.colour_history(roster, admin, HEALTHY)
    assert [(h.colour, h.suggested, h.reason) for h in history] == [
        ("green", "green", ""),
        ("yellow", "green", "务工收入不稳定，年底可能返乡"),
    ]
    assert plans.plan(roster, admin, HEALTHY, 2026).colour.colour == "yellow"  # the newest decision counts
    assert [r.action for r in audit_log.recent(roster)].count("plan.colour") == 2


def test_the_overview_counts_each_households_newest_colour_of_the_year_per_village(roster, admin):
    """Counted in SQL since issue 21: a household counts once, under its newest decision of the year; the
    households without one (or with only another year's) under ""."""

    def totals(year: int) -> dict[str, int]:
        rows = plans.overview(roster, admin, year)
        return {colour: sum(o.colours[colour] for o in rows) for colour in rows[0].colours}

    assert totals(2026) == {
        "red": 0,
        "yellow": 0,
        "green": 0,
        "blue": 0,
        "": 40,
    }  # the roster's 40 households
    plans.set_income(roster, admin, HEALTHY, 2026, wage=2 * 800000)
    plans.set_check(roster, admin, HEALTHY, 2026, "food_clothing", True)
    plans.confirm_colour(roster, admin, HEALTHY, 2026)  # green …
    plans.confirm_colour(
        roster, admin, HEALTHY, 2026, "黄卡", "务工收入不稳定，年底可能返乡"
    )  # … then yellow
    plans.set_threshold(roster, admin, 2025, 400000, 400000, 500000)
    plans.set_income(roster, admin, EXITED, 2025, wage=7 * 800000)
    plans.confirm_colour(roster, admin, EXITED, 2025, "黄卡", "上一年度的决定")  # another year: not in 2026's
    assert totals(2026) == {"red": 0, "yellow": 1, "green": 0, "blue": 0, "": 39}
    (row,) = [o for o in plans.overview(roster, admin, 2026) if o.colours["yellow"]]
    assert row.village == "赵寨村"
    assert totals(2025)["yellow"] == 1 and totals(2025)[""] == 39


def test_households_whose_data_disagree_with_their_colour_are_listed(roster, admin):
    plans.set_income(roster, admin, HEALTHY, 2026, wage=2 * 800000)
    waiting = plans.disagreements(roster, admin, 2026, village="虞城县石桥镇/赵寨村")
    assert [(d.code, d.suggested) for d in waiting] == [(HEALTHY, None)]  # 待核验: listed until it is checked
    plans.set_check(roster, admin, HEALTHY, 2026, "food_clothing", True)
    plans.confirm_colour(roster, admin, HEALTHY, 2026)
    assert HEALTHY not in [
        d.code for d in plans.disagreements(roster, admin, 2026, village="虞城县石桥镇/赵寨村")
    ]
    plans.set_check(roster, admin, HEALTHY, 2026, "housing", False, evidence="屋顶漏雨，墙体开裂")
    found = {d.code: d for d in plans.disagreements(roster, admin, 2026, village="虞城县石桥镇/赵寨村")}
    assert found[HEALTHY].colour == "green" and found[HEALTHY].suggested == "red"


def test_the_exit_check_shows_each_condition_with_its_source(roster, admin):
    plans.set_income(roster, admin, EXITED, 2026, wage=7 * 600000)
    plans.set_check(
        roster, admin, EXITED, 2026, "food_clothing", True, evidence="粮食充足", on=date(2026, 11, 2)
    )
    with pytest.raises(InputRejected, match="未达标时请写明情况"):
        plans.set_check(roster, admin, EXITED, 2026, "water", False)
    conditions = {c.key: c for c in plans.exit_check(roster, admin, EXITED, 2026)}
    assert list(conditions) == [
        "income",
        "food_clothing",
        "education",
        "medical",
        "housing",
        "water",
        "electricity",
        "broadcast_tv",
        "industry",
        "employment",
    ]
    assert conditions["income"].met is True and "收入核算" in conditions["income"].source
    assert conditions["food_clothing"].source.startswith("入户核验（2026-11-02")
    assert conditions["housing"].source in ("花名册", "未核验")


def test_the_policy_card_carries_the_household_code_in_a_qr_and_fits_a5(roster, admin, tmp_path):
    plans.set_income(roster, admin, EXITED, 2026, wage=7 * 450000)
    plans.confirm_colour(roster, admin, EXITED, 2026)
    plans.add_measure(
        roster, admin, EXITED, 2026, "产业", "养牛2头", amount=600000, cadre="李明", status="done"
    )
    out = tmp_path / "card.pdf"
    plan_reports.policy_card(roster, admin, EXITED, 2026, out, paper="A5")
    page = PdfReader(str(out)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (420, 595)
    text = page_text(out)[0]
    assert "黄卡" in text and "王花国" in text and f"户编号 {EXITED}" in text and "养牛2头" in text
    assert "********" in text  # IDs masked on a card that hangs on the wall
    # the QR, printed at A5 and read back from a 150 dpi image, gives the code the counter looks households up by
    import pypdfium2
    import zxingcpp

    image = pypdfium2.PdfDocument(str(out))[0].render(scale=150 / 72).to_pil()
    assert [b.text for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode] == [
        EXITED
    ]


def test_plan_sheet_visits_and_monitoring_ledgers(roster, admin, tmp_path):
    plans.set_income(roster, admin, EXITED, 2026, wage=7 * 450000)
    plans.confirm_colour(roster, admin, EXITED, 2026)
    plans.add_visit(
        roster, admin, EXITED, date(2026, 11, 3), "李明", findings="在家养牛", follow_up="联系防疫"
    )
    sheet = tmp_path / "plan.pdf"
    plan_reports.plan_sheet(roster, admin, EXITED, 2026, sheet)
    text = "".join(page_text(sheet))  # 户脱贫「123」 has ten conditions: the sheet may run to a second page
    assert "2026年度贫困户帮扶计划" in text and "户主（签字）" in text and "在家养牛" in text
    visits = tmp_path / "visits.pdf"
    assert plan_reports.visit_ledger(roster, admin, visits, year=2026).rows == 1
    monitoring = tmp_path / "monitoring.pdf"
    plan_reports.monitoring_ledger(roster, admin, monitoring, year=2026)
    assert "王花国" in page_text(monitoring)[0] and "黄卡" in page_text(monitoring)[0]


def test_plan_commands(roster, capsys, monkeypatch, db_url, tmp_path):
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    run = lambda *a: main(["--db", db_url, *a])  # noqa: E731
    assert run("plan", "income", EXITED, "--year", "2026", "--wage", "35000") == 0  # 5,000 元 a head
    assert run("plan", "colour", EXITED, "--year", "2026", "--set", "绿卡") == 2  # override without reason
    assert run("plan", "colour", EXITED, "--year", "2026") == 0
    assert (
        run(
            "plan",
            "measure",
            EXITED,
            "--year",
            "2026",
            "--kind",
            "教育",
            "--text",
            "雨露计划",
            "--amount",
            "3000",
        )
        == 0
    )
    capsys.readouterr()
    assert run("--json", "plan", "show", EXITED, "--year", "2026") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["colour"] == "yellow" and data["net_per_capita_fen"] == 500000
    assert data["measures"][0]["amount"] == 300000
    measure = data["measures"][0]["id"]
    assert run("plan", "measure-status", str(measure), "--status", "done") == 0
    out = tmp_path / "card.pdf"
    assert run("print", "card", EXITED, "--year", "2026", "--out", str(out)) == 0 and out.exists()
    assert run("plan", "income", OUTSIDE, "--year", "2026", "--wage", "abc") == 2


def test_exit_and_monitoring_notices_list_only_their_households(roster, admin, tmp_path):
    from desktop.services.households import printing

    out = tmp_path / "exit.pdf"
    # 魏国福 left poverty in 2020 (花名册 脱贫年度); the notice of 2020 names him, that of 2026 has nobody.
    printing.household_notice(roster, admin, "虞城县石桥镇/赵寨村", out, kind="exit", start=date(2020, 12, 1))
    assert "魏国福" in "".join(page_text(out))
    with pytest.raises(InputRejected, match="没有2026年脱贫的农户"):
        printing.household_notice(
            roster, admin, "虞城县石桥镇/赵寨村", out, kind="exit", start=date(2026, 11, 25)
        )
    plans.set_income(roster, admin, HEALTHY, 2026, wage=2 * 450000)
    plans.confirm_colour(roster, admin, HEALTHY, 2026)  # yellow: in the band
    printing.household_notice(
        roster, admin, "虞城县石桥镇/赵寨村", out, kind="monitoring", start=date(2026, 11, 25)
    )
    assert "魏国福" in "".join(page_text(out))
