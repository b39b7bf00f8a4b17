"""The card-colour rule of seed 001 三(一) at each boundary, the per-year income standards (nothing guessed), who is
registered and exited, the 疑似漏评/疑似返贫 findings, 户脱贫「123」 in full, and the monitoring lists that follow —
never because of health."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from desktop import clock
from desktop.cli import main
from desktop.errors import InputRejected, PermissionDenied
from desktop.services.households import printing
from desktop.services.plans import plan_reports, plans
from desktop.services.quality import quality
from desktop.services.roster.roster_import import import_roster
from desktop.services.system.actor import Actor
from tests.pdfcheck import page_text

L, B1, B2 = 400000, 450000, 500000  # a band whose bottom is above the line: L ≤ income < B1 is yellow too
BAND = plans.Threshold(2026, L, B1, B2)
SEED = plans.DEFAULT_THRESHOLDS[2020]  # 4,000 元, 4,000–5,000 元 (L = B1)
RISKS = ("2人患大病", "1人残疾", "致贫原因因灾")

# roster-small.xlsx (income of the import year)
HEALTHY = "41142510220500008"  # 魏国福, 脱贫户 2020, 10,884 元, nobody ill — alone in 虞城县石桥镇/赵寨村
ALONE = "虞城县石桥镇/赵寨村"
WANGLOU = "民权县柳河镇/王楼村"
YELLOW_HH = "41142110420200002"  # 周德顺, 脱贫户 2019, 4,476 元, healthy
ILL_GREEN = "41142110420200034"  # 薛珍秀, 脱贫户 2016, 11,534 元, members 患有大病、残疾、长期慢性病
ZHAOZHAI = "民权县石桥镇/赵寨村"
IN_BAND = "41142110220500019"  # 郑翠洋, 脱贫户 2018, 4,852 元
EDGE_BELOW = "41142110220500026"  # 程秀翠, 边缘易致贫户, 3,141 元
HEALTH_WORDS = ("大病", "残疾", "慢性病", "因病", "因残", "因灾", "健康")


def colour(income: int, t: plans.Threshold = BAND, **kw) -> tuple[str | None, str, tuple[str, ...]]:
    s = plans.suggest(income, t, **kw)
    return s.colour, s.kind, s.findings


# --- the rule at each boundary, for each branch ------------------------------------------------------------

EXITED_CASES = [
    (L - 1, ("red", plans.CARD, (plans.RELAPSED,))),  # below the line: red, and 疑似返贫
    (L, ("yellow", plans.CARD, ())),  # the line itself is reached
    (L + 1, ("yellow", plans.CARD, ())),
    (B1 - 1, ("yellow", plans.CARD, ())),  # L ≤ income < B1 (B1 > L): not yet stable
    (B1, ("yellow", plans.CARD, ())),
    (B1 + 1, ("yellow", plans.CARD, ())),
    (B2 - 1, ("yellow", plans.CARD, ())),
    (B2, ("yellow", plans.CARD, ())),  # the top of the band, inclusive (4000—5000元)
    (B2 + 1, ("green", plans.CARD, ())),  # above the band, every condition met
]
OUTSIDE_CASES = [
    (L - 1, (None, plans.SUSPECT, (plans.MISSED,))),  # 疑似漏评，应纳尽纳: no colour
    (L, ("blue", plans.CARD, ())),
    (B1 - 1, ("blue", plans.CARD, ())),
    (B1, ("blue", plans.CARD, ())),
    (B2, ("blue", plans.CARD, ())),
    (B2 + 1, (None, plans.NO_CARD, ())),  # 一般农户: no card
]


@pytest.mark.parametrize(("income", "expected"), EXITED_CASES)
def test_registered_and_exited_at_each_boundary(income, expected):
    assert colour(income) == expected
    assert colour(income, risks=RISKS) == expected  # illness, disability, disaster never change it


@pytest.mark.parametrize(("income", "expected"), OUTSIDE_CASES)
def test_not_registered_at_each_boundary(income, expected):
    assert colour(income, registered=False, exited=False) == expected
    assert colour(income, registered=False, exited=False, risks=RISKS) == expected


@pytest.mark.parametrize("income", [L - 1, L, B1 - 1, B1, B2, B2 + 1])
def test_registered_not_yet_exited_is_red_at_any_income(income):
    s = plans.suggest(income, BAND, exited=False)
    assert (s.colour, s.findings) == ("red", ())  # not exited: not 返贫
    assert "尚未脱贫" in s.text


@pytest.mark.parametrize("income", [L - 1, L, B1, B2, B2 + 1, None])
def test_an_unmet_need_is_red_whatever_the_income_and_named(income):
    s = plans.suggest(income, BAND, unmet=("housing",), risks=RISKS)
    assert s.colour == "red" and "住房安全有保障未达标" in s.text
    assert s.findings == ((plans.RELAPSED,) if income == L - 1 else ())


@pytest.mark.parametrize(
    ("income", "exited", "outside"),
    [(399999, "red", None), (400000, "yellow", "blue"), (500000, "yellow", "blue"), (500001, "green", None)],
)
def test_the_seed_band_where_the_line_is_the_bottom_of_it(income, exited, outside):
    assert colour(income, SEED)[0] == exited
    assert colour(income, SEED, registered=False, exited=False)[0] == outside


def test_above_the_band_a_need_not_yet_checked_gives_no_green_until_it_is():
    s = plans.suggest(B2 + 1, BAND, unknown=("food_clothing",))
    assert (s.colour, s.kind) == (None, plans.PENDING) and "不愁吃、不愁穿尚未核验" in s.text
    assert plans.suggest(B2, BAND, unknown=("food_clothing",)).colour == "yellow"  # yellow needs no check


def test_risk_notes_stand_beside_the_suggestion_not_in_its_reasons():
    s = plans.suggest(B2 + 1, BAND, risks=RISKS)
    assert s.colour == "green" and s.risks == RISKS
    assert "大病" not in s.text and s.risk_text == "风险提示：2人患大病；1人残疾；致贫原因因灾"


# --- who is registered (建档立卡) and who has exited -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "ptype", "exit_year", "registered", "exited"),
    [
        ("脱贫户", "", None, True, True),
        ("脱贫不稳定户", "一般贫困户", None, True, True),
        ("边缘易致贫户", "一般贫困户", None, False, False),  # 档外 by definition, whatever else is filled in
        ("边缘易致贫户", "", 2018, False, False),
        ("一般农户", "", None, False, False),
        (
            "突发严重困难户",
            "一般贫困户",
            None,
            True,
            False,
        ),  # 贫困户属性 decides for the types that may be either
        ("突发严重困难户", "一般农户", None, False, False),
        ("突发严重困难户", "", 2019, True, True),  # only a registered household has a 脱贫年度
        ("监测对象", "低保脱贫户", None, True, False),
        ("", "特困供养贫困户", None, True, False),  # the 建档立卡 export of a household still poor
        ("", "一般贫困户", 2017, True, True),
        ("", "低保户", None, False, False),  # social assistance, not 建档立卡
        ("", "", None, False, False),  # nothing says so
    ],
)
def test_registration_and_exit_as_the_roster_says(kind, ptype, exit_year, registered, exited):
    assert plans.is_registered(kind, ptype, exit_year) is registered
    assert plans.is_exited(kind, ptype, exit_year) is exited


# --- income standards: per year, defaults that say where they come from, nothing guessed -------------------


@pytest.fixture
def roster(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    return db


@pytest.fixture
def clerk(db) -> Actor:
    from desktop.services.system.actor import SYSTEM
    from desktop.services.system.users import create_user

    create_user(db, SYSTEM, "clerk1", "clerk-pass-1", "clerk", display_name="文书")
    return Actor("clerk1", "clerk", "文书")


def test_the_seed_defaults_say_where_they_come_from(db):
    found = {t.year: t for t in plans.standards(db)}
    assert found[2018].figures() == (340000, None, None) and "种子000" in found[2018].source
    assert "2018年为3400元" in found[2018].source and found[2018].default
    assert found[2020].figures() == (400000, 400000, 500000) and "种子001" in found[2020].source
    assert 2019 not in found and 2021 not in found  # nothing carried forward


def test_a_year_without_its_standard_is_not_guessed(roster, admin, clerk):
    sug = plans.suggestion(roster, admin, IN_BAND, 2026)
    assert sug.kind == plans.NO_STANDARD and sug.colour is None
    assert sug.text.startswith("请先设置2026年度标准") and "可沿用2020年" in sug.text
    assert sug.proposal.figures() == SEED.figures()
    with pytest.raises(InputRejected, match="请先设置2026年度标准"):
        plans.confirm_colour(roster, admin, IN_BAND, 2026)
    with pytest.raises(InputRejected, match="请先设置2026年度标准"):
        plans.confirm_colour(roster, admin, IN_BAND, 2026, "黄卡", "有人说该是黄卡")
    with pytest.raises(InputRejected, match="请先设置2026年度标准"):
        plans.threshold(roster, 2026)
    with pytest.raises(PermissionDenied):
        plans.adopt_threshold(roster, clerk, 2026)  # an admin confirms it
    assert plans.adopt_threshold(roster, admin, 2026).figures() == SEED.figures()
    assert plans.suggestion(roster, admin, IN_BAND, 2026).colour == "yellow"
    assert plans.threshold_status(roster, 2027)[0] is None  # and the next year is not carried either
    with pytest.raises(InputRejected, match="已有标准"):
        plans.adopt_threshold(roster, admin, 2026)


def test_a_year_with_a_line_but_no_band_says_so(roster, admin):
    # 2018 (seed 000) has a line and no band: below the line is still red, at or above it the band is asked for
    assert plans.suggest(339999, plans.DEFAULT_THRESHOLDS[2018]).colour == "red"
    s = plans.suggest(340000, plans.DEFAULT_THRESHOLDS[2018])
    assert s.kind == plans.NO_STANDARD and "2018年度黄卡/蓝卡区间未设置" in s.text
    with pytest.raises(InputRejected, match="只有贫困线"):
        plans.adopt_threshold(roster, admin, 2019)


def test_the_threshold_command_shows_adopts_and_lists(roster, cli_login, db_url, capsys):
    run = lambda *a: main(["--db", db_url, *a])  # noqa: E731
    assert run("plan", "threshold", "--year", "2026") == 0
    assert "请先设置2026年度标准" in capsys.readouterr().out
    assert run("plan", "threshold", "--year", "2026", "--adopt") == 0
    assert "2026年：贫困线4,000.00元，黄卡/蓝卡区间4,000.00～5,000.00元" in capsys.readouterr().out
    assert (
        run("plan", "threshold", "--year", "2025", "--line", "3900", "--low", "4100", "--high", "5200") == 0
    )
    capsys.readouterr()
    assert run("--json", "plan", "threshold", "--list") == 0
    rows = {r["year"]: r for r in json.loads(capsys.readouterr().out)["standards"]}
    assert rows[2025]["yellow_low"] == 410000 and rows[2025]["source"] == "本县设置"
    assert rows[2018]["default"] and "种子000" in rows[2018]["source"]


# --- findings: 疑似漏评 and 疑似返贫, on the household, in 疑点核查 and in a list -----------------------------------


def test_suspects_are_found_on_the_household_in_the_audit_and_in_the_list(
    roster, admin, cli_login, db_url, capsys
):
    plans.set_threshold(roster, admin, 2026, L, L, B2)
    plans.set_income(roster, admin, IN_BAND, 2026, wage=2 * (L - 1))  # exited, a fen under the line
    v = plans.plan(roster, admin, EDGE_BELOW, 2026)
    assert v.suggestion.colour is None and v.findings == (plans.MISSED,)
    assert "疑似漏评，应纳尽纳" in v.suggestion.text
    assert plans.plan(roster, admin, IN_BAND, 2026).findings == (plans.RELAPSED,)
    found = {(x.code, x.finding) for x in plans.suspects(roster, admin, 2026, village=ZHAOZHAI)}
    assert found == {(EDGE_BELOW, plans.MISSED), (IN_BAND, plans.RELAPSED)}
    result = quality.run_audit(roster, admin, today=date(2026, 11, 30), record=False)
    audit = {(f.rule, f.household) for f in result.findings if f.rule.startswith("suspected")}
    assert (("suspected_missed", EDGE_BELOW) in audit) and (("suspected_relapse", IN_BAND) in audit)
    assert ("suspected_missed", IN_BAND) not in audit and ("suspected_relapse", HEALTHY) not in audit
    assert main(["--db", db_url, "plan", "suspects", "--year", "2026", "--village", ZHAOZHAI]) == 0
    out = capsys.readouterr().out
    assert "程秀翠" in out and "疑似漏评，应纳尽纳" in out and "郑翠洋" in out and "疑似返贫" in out


def test_the_audit_does_not_judge_a_year_without_a_standard(roster, admin):
    result = quality.run_audit(roster, admin, today=date(2026, 11, 30), record=False)
    assert not [f for f in result.findings if f.rule.startswith("suspected")]


# --- 户脱贫「123」 ----------------------------------------------------------------------------------------------


def test_the_exit_check_is_seed_000s_123_in_full(roster, admin, cli_login, db_url):
    plans.set_threshold(roster, admin, 2026, L, L, B2)
    conditions = {c.key: c for c in plans.exit_check(roster, admin, HEALTHY, 2026)}
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
    assert conditions["electricity"].met is None and conditions["broadcast_tv"].met is None  # unknown …
    assert conditions["industry"].met is False and "没有产业或就业帮扶措施" in conditions["industry"].detail
    assert not plans.plan(roster, admin, HEALTHY, 2026).exit_ready  # … and unknown is not met
    run = lambda *a: main(["--db", db_url, *a])  # noqa: E731
    for key in ("food_clothing", "electricity", "broadcast_tv", "employment"):
        assert run("plan", "check", HEALTHY, "--year", "2026", "--condition", key, "--met", "yes") == 0
    plans.add_measure(roster, admin, HEALTHY, 2026, "教育", "雨露计划")  # not an 产业增收 measure
    assert {c.key: c for c in plans.exit_check(roster, admin, HEALTHY, 2026)}["industry"].met is False
    plans.add_measure(roster, admin, HEALTHY, 2026, "就业/公益岗位", "村保洁公益岗位", status="doing")
    conditions = {c.key: c for c in plans.exit_check(roster, admin, HEALTHY, 2026)}
    assert conditions["industry"].met is True and conditions["industry"].source == "帮扶措施（2026年）"
    assert conditions["electricity"].source.startswith("入户核验")
    assert plans.plan(roster, admin, HEALTHY, 2026).exit_ready
    assert run("plan", "check", HEALTHY, "--year", "2026", "--condition", "gas", "--met", "yes") == 2


@pytest.mark.parametrize(
    ("this_year", "last_year", "last_standard", "met"),
    [
        (L, None, False, False),  # the line itself is not above it (超过)
        (L + 1, None, False, True),  # above it; last year not recorded
        (L + 1, L + 1, True, True),  # stably above: both years
        (L + 1, L, True, False),  # last year not above its own line: not stable
        (L + 1, L + 1, False, None),  # last year's line unknown: cannot say
    ],
)
def test_income_stably_above_the_line(roster, admin, this_year, last_year, last_standard, met):
    plans.set_threshold(roster, admin, 2026, L, L, B2)
    if last_standard:
        plans.set_threshold(roster, admin, 2025, L, L, B2)
    plans.set_income(roster, admin, HEALTHY, 2026, wage=2 * this_year)
    if last_year is not None:
        plans.set_income(roster, admin, HEALTHY, 2025, wage=2 * last_year)
    income = plans.exit_check(roster, admin, HEALTHY, 2026)[0]
    assert income.met is met and "2026年收入" in income.source


@pytest.mark.parametrize(
    ("people", "met"),
    [
        ([(70, "普通劳动力", {}), (10, "", {"schooling": "小学"})], True),  # nobody fit to work
        ([(15, "普通劳动力", {})], True),  # under 16
        ([(60, "普通劳动力", {})], True),  # 60 and over
        ([(16, "普通劳动力", {})], None),  # fit, and the roster does not say he works: unknown, not met
        ([(59, "技能劳动力", {"work_place": "县外省内务工"})], True),
        ([(30, "普通劳动力", {"work_months": 6}), (40, "普通劳动力", {})], None),
        ([(30, "弱劳动力或半劳动力", {})], True),
        ([(19, "普通劳动力", {"schooling": "本科一年级"})], True),  # at school
    ],
)
def test_members_fit_for_work_are_employed(people, met):
    persons = [
        plans._Person({"labour": labour, **attrs}, date(2026 - age, 6, 1)) for age, labour, attrs in people
    ]
    assert plans._employment_from_roster(persons, date(2026, 12, 31))[0] is met


# --- the monitoring notice and ledger: confirmed 黄/蓝 or a monitoring type, never health ----------------------


def _confirm(db, admin, *codes: str) -> None:
    """The households checked on the spot and their suggested colour confirmed, as a clerk would."""
    for code in codes:
        plans.set_check(db, admin, code, 2026, "food_clothing", True, evidence="粮食衣被充足")
        plans.confirm_colour(db, admin, code, 2026)


def test_the_monitoring_notice_lists_no_household_for_health(roster, admin, tmp_path):
    plans.set_threshold(roster, admin, 2026, L, L, B2)
    _confirm(roster, admin, YELLOW_HH, ILL_GREEN)
    assert plans.plan(roster, admin, ILL_GREEN, 2026).colour.colour == "green"  # ill, and green
    out = tmp_path / "monitoring.pdf"
    printing.household_notice(roster, admin, WANGLOU, out, kind="monitoring", start=date(2026, 11, 25))
    text = "".join(page_text(out))
    assert "周德顺" in text  # confirmed yellow
    assert "薛珍秀" not in text  # green: not monitored, whoever in the family is ill
    assert not [w for w in HEALTH_WORDS if w in text]  # the public notice shows no health or cause
    printing.household_notice(roster, admin, ZHAOZHAI, out, kind="monitoring", start=date(2026, 11, 25))
    text = "".join(page_text(out))
    assert "程秀翠" in text and "郑翠洋" not in text  # 边缘易致贫户 is a monitoring type; no colour confirmed


def test_the_monitoring_ledger_says_why_each_household_is_on_it(roster, admin, tmp_path):
    plans.set_threshold(roster, admin, 2026, L, L, B2)
    _confirm(roster, admin, YELLOW_HH, ILL_GREEN)
    out = tmp_path / "ledger.pdf"
    plan_reports.monitoring_ledger(roster, admin, out, year=2026, village=WANGLOU)
    text = "".join(page_text(out))
    assert "周德顺" in text and "确定为黄卡" in text and "薛珍秀" not in text
    plan_reports.monitoring_ledger(roster, admin, out, year=2026, village=ZHAOZHAI)
    text = "".join(page_text(out))
    assert "程秀翠" in text and "边缘易致贫户" in text and "郑翠洋" not in text


@pytest.mark.parametrize(
    ("kind", "listed"),
    [
        ("脱贫不稳定户", True),
        ("边缘易致贫户", True),
        ("突发严重困难户", True),
        ("监测对象", True),
        ("一般农户", False),
    ],
)
def test_each_monitoring_type_is_listed_and_an_ordinary_farmer_is_not(roster, admin, tmp_path, kind, listed):
    from sqlalchemy import update

    from desktop.models import Household

    with roster.write() as s:
        s.execute(update(Household).where(Household.code == HEALTHY).values(household_kind=kind))
    out = tmp_path / "n.pdf"
    if not listed:  # 魏国福 is alone in his village: nobody to list
        with pytest.raises(InputRejected, match="没有黄卡、蓝卡或监测对象农户"):
            printing.household_notice(roster, admin, ALONE, out, kind="monitoring", start=date(2026, 11, 25))
        return
    printing.household_notice(roster, admin, ALONE, out, kind="monitoring", start=date(2026, 11, 25))
    assert "魏国福" in "".join(page_text(out))


# --- the demo exercises every branch, and its monitoring notice lists nobody for health -----------------------

FROZEN = datetime(2031, 3, 25, 10, 0, tzinfo=clock.OFFICE_TZ)


@pytest.fixture
def demo(plans_demo):
    """120 demo households with their plans, the clock at FROZEN (made once per session: tests/conftest.py)."""
    return plans_demo


def test_the_demo_exercises_every_branch(demo, admin):
    from sqlalchemy import select

    from desktop.models import Household

    with demo.read() as s:
        codes = list(s.scalars(select(Household.code).order_by(Household.id).limit(60)))
    seen = set()
    for code in codes:
        sug = plans.suggestion(demo, admin, code, 2031)
        seen.add((sug.colour, sug.kind, sug.findings, "尚未脱贫" in sug.text, "未达标" in sug.text))
    kinds = {(c, k, f) for c, k, f, _n, _u in seen}
    assert {
        ("red", plans.CARD, (plans.RELAPSED,)),
        ("yellow", plans.CARD, ()),
        ("green", plans.CARD, ()),
        ("blue", plans.CARD, ()),
        (None, plans.SUSPECT, (plans.MISSED,)),
        (None, plans.NO_CARD, ()),
        (None, plans.PENDING, ()),
    } <= kinds
    assert any(c == "red" and not_exited for c, _k, _f, not_exited, _u in seen)
    assert any(c == "red" and unmet for c, _k, _f, _n, unmet in seen)
    assert plans.threshold(demo, 2031).figures() == SEED.figures()  # confirmed by the demo's admin


def test_the_demo_monitoring_notice_lists_nobody_for_health(demo, admin, tmp_path):
    """Every household on each village's printed notice is there by its 户类型 or by a confirmed 黄卡/蓝卡 whose
    income is in the band (or a clerk's reason that is not health) — none because a member is ill."""
    from sqlalchemy import select

    from desktop.models import Household, Village
    from desktop.reports.mask import mask

    monitoring = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户", "监测对象")
    with demo.read() as s:
        villages = list(s.scalars(select(Village).order_by(Village.id)))
        households = list(s.scalars(select(Household).order_by(Household.id)))
        colours = plans.current_colours(s, 2031)
    by_colour = 0
    for village in villages:
        out = tmp_path / f"{village.id}.pdf"
        printing.household_notice(demo, admin, village.name, out, kind="monitoring", start=date(2031, 3, 25))
        text = "".join(page_text(out)).replace(" ", "")
        assert not [w for w in HEALTH_WORDS if w in text], village.name
        for h in households:
            if h.village_id != village.id or mask("id_number", h.head_id_number) not in text:
                continue
            if h.household_kind in monitoring:
                continue
            by_colour += 1
            view = plans.plan(demo, admin, h.code, 2031)
            why = view.history[-1].reason
            assert colours.get(h.id) in ("yellow", "blue"), h.code
            assert 400000 <= view.income.net_per_capita_fen <= 500000 or (
                why and "病" not in why and "残" not in why
            ), (
                h.code,
                view.income.net_per_capita_fen,
                why,
            )
    assert by_colour  # some are on it by their confirmed colour alone


# --- on the screen -----------------------------------------------------------------------------------------------

from tests.uiwait import settle  # noqa: E402


@pytest.fixture
def window(qtbot, roster, admin):
    from desktop.ui.context import UiContext
    from desktop.ui.main_window import MainWindow

    w = MainWindow(UiContext(roster, admin))
    qtbot.addWidget(w)
    w.show()
    settle(qtbot, w)
    return w


def test_the_plan_tab_asks_for_the_standard_then_shows_findings_and_risk_notes(qtbot, window, roster):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    year = clock.today().year
    window.show_area("households")
    window.households.show_household(ILL_GREEN)
    hp = window.households
    hp.tabs.setCurrentWidget(hp.plan_tab)
    settle(qtbot, window)
    tab = hp.plan_tab
    assert (
        tab.suggestion_label.text().startswith(f"请先设置{year}年度标准") and not tab.adopt_button.isHidden()
    )
    qtbot.mouseClick(tab.adopt_button, Qt.MouseButton.LeftButton)
    assert "沿用2020年" in tab.confirm_box.text() and "种子001" in tab.confirm_box.text()
    tab.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    settle(qtbot, window)
    assert plans.threshold(roster, year).figures() == SEED.figures()
    assert tab.adopt_button.isHidden()
    assert tab.suggestion_label.text().startswith("待核验")  # 11,534 元, 不愁吃穿 not yet checked
    assert "患大病" in tab.risk_label.text() and "不作为卡色依据" in tab.risk_label.text()
    tab.risk_box.setCurrentIndex(1)
    tab.risk_box.activated.emit(1)  # cite a risk note as the reason for an override
    assert "患大病" in tab.reason_edit.text()

    window.households.show_household(EDGE_BELOW)
    settle(qtbot, window)
    assert not tab.findings_label.isHidden() and "疑似漏评，应纳尽纳" in tab.findings_label.text()
    assert tab.suggestion_label.text().startswith("不定卡色")


def test_the_plans_page_lists_the_suspects(qtbot, window, roster, admin):
    plans.set_threshold(roster, admin, clock.today().year, L, L, B2)
    window.show_area("plans")
    page = window.plans
    qtbot.waitUntil(lambda: "需要核实" in page.status.text(), timeout=30000)
    rows = {
        page.suspects.item(r, 0).text(): page.suspects.item(r, 3).text()
        for r in range(page.suspects.rowCount())
    }
    assert rows[EDGE_BELOW] == plans.MISSED and "收入标准：" in page.standard.text()
    r = next(r for r in range(page.suspects.rowCount()) if page.suspects.item(r, 0).text() == EDGE_BELOW)
    page.suspects.cellDoubleClicked.emit(r, 0)
    settle(qtbot, window)
    assert window.households.current_code == EDGE_BELOW


def test_a_county_s_worth_of_households_is_counted_but_not_all_listed(
    qtbot, window, roster, admin, monkeypatch
):
    """Tens of thousands of table rows froze the window for seconds: the tables list the first rows, the status
    line gives every count."""
    from desktop.ui import plans_page

    monkeypatch.setattr(plans_page, "SHOWN_ROWS", 2)
    plans.set_threshold(roster, admin, clock.today().year, L, L, B2)
    window.show_area("plans")
    page = window.plans
    page.reload()
    qtbot.waitUntil(lambda: "需要核实" in page.status.text(), timeout=30000)
    settle(qtbot, window)
    found = len(plans.disagreements(roster, admin, clock.today().year))
    assert found > 2 and page.disagree.rowCount() == 2
    assert f"{found}户卡色需要核实" in page.status.text() and "表中列出前2户" in page.status.text()
