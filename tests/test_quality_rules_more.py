"""疑点核查 from seed 000's 回头看 and seed 004: 低保一低了之, two university students, 特困 with labour, a member
without 户口, no 帮扶责任人 — each found where it applies and nowhere else — and the 识别精准率 / 数据信息精准率 of a
run, per village, against seed 004's 98 % and 95 %."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from desktop import clock
from desktop.cli import main
from desktop.errors import InputRejected, PermissionDenied
from desktop.models import Household, Measure, Member, Township, Village
from desktop.services.cadres import cadres
from desktop.services.quality import quality
from desktop.services.roster.roster_import import import_roster
from desktop.services.system.actor import Actor
from tests.pdfcheck import page_text

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=clock.OFFICE_TZ)
TODAY = NOW.date()
DIBAO = "41142110121200025"  # 民权县城关镇/周堂村: 低保贫困户, three working-age 普通劳动力
TEKUN = "41142110120900039"  # 民权县城关镇/杨湖村: 特困供养贫困户, head 36 and spouse 34 are 普通劳动力
ZHAOZHAI = "民权县石桥镇/赵寨村"
OLD_PAIR = "41142110220500019"  # 赵寨村: two people in their seventies, 一般贫困户, 脱贫户
YOUNG = "41142110220500026"  # 赵寨村: four people, all with labour, 一般贫困户, 边缘易致贫户
REVIEW = ("dibao_only", "two_university_students", "tekun_with_labour", "member_without_hukou", "no_helper")


@pytest.fixture
def roster(db, admin, sample, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    import_roster(db, admin, sample("roster-small.xlsx"))
    cadres.import_pairing(db, admin)  # the roster's 帮扶责任人 as the registry's pairings
    return db


def _run(db, admin, rule: str, household: str | None = None, **kw):
    found = [f for f in quality.run_audit(db, admin, record=False, **kw).findings if f.rule == rule]
    return [f for f in found if household is None or f.household == household]


def _member(db, code: str, **attrs) -> None:
    """Change one member: its roster attrs, or (birth_date, id_number) columns."""
    with db.write() as s:
        m = s.scalar(select(Member).where(Member.code == code))
        for column in ("birth_date", "id_number"):
            if column in attrs:
                setattr(m, column, attrs.pop(column))
        m.attrs = {**(m.attrs or {}), **attrs}


def _household(db, code: str, attrs: dict | None = None, **columns) -> None:
    with db.write() as s:
        h = s.scalar(select(Household).where(Household.code == code))
        for key, value in columns.items():
            setattr(h, key, value)
        if attrs is not None:
            h.attrs = {**(h.attrs or {}), **attrs}


def _measure(db, code: str, kind: str, *, year: int = 2026, status: str = "planned", cadre: str = "") -> None:
    with db.write() as s:
        hid = s.scalar(select(Household.id).where(Household.code == code))
        s.add(
            Measure(
                household_id=hid,
                year=year,
                kind=kind,
                description=f"{kind}措施",
                cadre=cadre,
                status=status,
                created_by="admin",
            )
        )


def _born(age: int, days: int = 0) -> date:
    """Born `age` years before today, plus `days` (one day later: a day short of that age)."""
    return TODAY.replace(year=TODAY.year - age) + timedelta(days=days)


# --- 低保一低了之 (seed 000 四(一)1) -------------------------------------------------------------------------


def test_dibao_household_with_labour_needs_a_development_measure(roster, admin):
    (finding,) = _run(roster, admin, "dibao_only", DIBAO)
    assert finding.person == f"{DIBAO}01"  # on the head's row
    assert "有3名劳动年龄内的劳动力" in finding.message and "还没有登记" in finding.message
    _measure(roster, DIBAO, "兜底/低保")  # only 兜底: still 一低了之
    (finding,) = _run(roster, admin, "dibao_only", DIBAO)
    assert "登记的1项措施都不是" in finding.message
    _measure(roster, DIBAO, "产业", year=2025)  # last year's does not count
    _measure(roster, DIBAO, "就业/公益岗位", status="dropped")  # nor a dropped one
    assert len(_run(roster, admin, "dibao_only", DIBAO)) == 1
    _measure(roster, DIBAO, "小额信贷")
    assert _run(roster, admin, "dibao_only", DIBAO) == []


@pytest.mark.parametrize("kind", ["产业", "就业/公益岗位", "小额信贷"])
def test_each_development_kind_counts(roster, admin, kind):
    _measure(roster, DIBAO, kind)
    assert _run(roster, admin, "dibao_only", DIBAO) == []


def test_dibao_labour_counts_only_full_labour_of_working_age(roster, admin):
    # the three labourers: 60 tomorrow is still 59 (counts); then 60 today, 15, 弱劳动力 — none counts
    for suffix in ("02", "04"):
        _member(roster, f"{DIBAO}{suffix}", labour="弱劳动力或半劳动力")
    _member(roster, f"{DIBAO}01", birth_date=_born(60, 1))
    (finding,) = _run(roster, admin, "dibao_only", DIBAO)
    assert "有1名" in finding.message
    _member(roster, f"{DIBAO}01", birth_date=_born(60))
    assert _run(roster, admin, "dibao_only", DIBAO) == []
    _member(roster, f"{DIBAO}01", birth_date=_born(16))
    assert len(_run(roster, admin, "dibao_only", DIBAO)) == 1
    _member(roster, f"{DIBAO}01", birth_date=_born(16, 1))
    assert _run(roster, admin, "dibao_only", DIBAO) == []


def test_a_member_on_dibao_makes_the_household_a_dibao_household(roster, admin):
    assert _run(roster, admin, "dibao_only", YOUNG) == []  # 一般贫困户, nobody on 低保
    _member(roster, f"{YOUNG}03", dibao="是")
    assert len(_run(roster, admin, "dibao_only", YOUNG)) == 1


# --- 两个以上上大学的学生 (seed 000 四(一)1) ----------------------------------------------------------------


def test_two_university_students_in_one_household(roster, admin):
    _member(roster, f"{YOUNG}03", schooling="本科二年级", education="")
    assert _run(roster, admin, "two_university_students") == []  # one is not two
    _member(roster, f"{YOUNG}04", schooling="技师学院一年级", education="")
    assert _run(roster, admin, "two_university_students") == []  # 技师学院 is not university
    _member(roster, f"{YOUNG}04", schooling="高职高专一年级")
    (finding,) = _run(roster, admin, "two_university_students")
    assert finding.household == YOUNG and finding.severity == "提示"
    assert "本户有2名在读大学生" in finding.message and "本科二年级" in finding.message
    assert "高职高专一年级" in finding.message
    _member(roster, f"{YOUNG}01", schooling="硕士研究生及以上")
    assert "本户有3名" in _run(roster, admin, "two_university_students")[0].message
    quality.configure_rule(roster, admin, "two_university_students", params={"min_students": 4})
    assert _run(roster, admin, "two_university_students") == []


# --- 特困/五保 with labour (seed 000 四(二)2(8)) -----------------------------------------------------------


def test_tekun_household_with_working_age_labour(roster, admin):
    found = _run(roster, admin, "tekun_with_labour", TEKUN)
    assert [f.person for f in found] == [f"{TEKUN}01", f"{TEKUN}02"]
    assert "36岁、普通劳动力，所在户为“特困供养贫困户”" in found[0].message
    _member(roster, f"{TEKUN}01", birth_date=_born(59, 0), labour="技能劳动力")
    _member(roster, f"{TEKUN}02", birth_date=_born(60))  # 60 today: past working age
    assert [f.person for f in _run(roster, admin, "tekun_with_labour", TEKUN)] == [f"{TEKUN}01"]
    _household(roster, TEKUN, poverty_type="一般贫困户")
    assert _run(roster, admin, "tekun_with_labour", TEKUN) == []


def test_a_member_recorded_as_tekun_with_labour(roster, admin):
    assert _run(roster, admin, "tekun_with_labour", YOUNG) == []
    _member(roster, f"{YOUNG}03", tekun="是")  # the 2021 layout's 是否特困供养人员
    found = _run(roster, admin, "tekun_with_labour", YOUNG)
    assert len(found) == 4  # every working-age labourer of the household
    assert "本人登记为特困供养人员" in next(f for f in found if f.person == f"{YOUNG}03").message


# --- 没有登记户口的人员 (seed 000 四(一)1) ------------------------------------------------------------------


def test_a_member_without_hukou_papers(roster, admin):
    assert _run(roster, admin, "member_without_hukou") == []
    _member(roster, f"{YOUNG}04", id_number=None)
    (finding,) = _run(roster, admin, "member_without_hukou")
    assert finding.person == f"{YOUNG}04" and "没有证件号码" in finding.message
    _member(roster, f"{YOUNG}04", id_number="411421200009010012")
    for papers, found in (("出生医学证明", True), ("居民身份证", False), ("户口簿", False), ("护照", True)):
        _member(roster, f"{YOUNG}04", id_type=papers)
        assert bool(_run(roster, admin, "member_without_hukou")) is found, papers
    assert "证件类型为“护照”" in _run(roster, admin, "member_without_hukou")[0].message


# --- 帮扶责任人 (seed 000 五(一), 防返贫 二(一)6) ---------------------------------------------------------


def test_registered_or_monitored_households_need_a_paired_helper(roster, admin):
    assert _run(roster, admin, "no_helper") == []  # the fixture imported the roster's 帮扶责任人 as pairings
    for code in (OLD_PAIR, YOUNG):
        [paired] = cadres.pairings(roster, admin, code=code)
        cadres.unpair(roster, admin, paired.id, "帮扶人调离", on=TODAY - timedelta(days=1))
    _household(roster, YOUNG, {"helper": ""}, poverty_type="", household_kind="边缘易致贫户")  # monitored
    found = _run(roster, admin, "no_helper")
    assert [f.household for f in found] == [OLD_PAIR, YOUNG]
    assert "脱贫户没有结对帮扶干部（花名册填写的帮扶责任人" in found[0].message
    assert "边缘易致贫户没有结对帮扶干部（花名册也未填写" in found[1].message
    _measure(roster, OLD_PAIR, "产业", cadre="李明")  # a measure's responsible person is not a pairing
    assert [f.household for f in _run(roster, admin, "no_helper")] == [OLD_PAIR, YOUNG]
    cid = cadres.add_cadre(roster, admin, "李明", "帮扶责任人")
    cadres.pair(roster, admin, cid, [OLD_PAIR])
    assert [f.household for f in _run(roster, admin, "no_helper")] == [YOUNG]
    _household(roster, YOUNG, household_kind="一般农户", poverty_type="一般农户")  # neither: no helper needed
    assert _run(roster, admin, "no_helper") == []


def test_every_rule_cites_its_seed_and_says_how_to_fix(roster, admin):
    infos = {r.code: r for r in quality.rules(roster)}
    for code in REVIEW:
        assert "“" in infos[code].why and infos[code].fix, code


# --- 识别精准率 and 数据信息精准率 (seed 004) -----------------------------------------------------------------


def test_rates_per_village_from_the_findings(roster, admin):
    result = quality.run_audit(roster, admin, village=ZHAOZHAI, record=False)
    assert result.findings == []
    rates = result.rates["石桥镇赵寨村"]
    assert (rates.households, rates.people) == (2, 6)
    assert rates.percent("identification") == rates.percent("data") == 100.0
    # a data finding marks one row; an identification finding the whole household; a 帮扶 finding neither
    _household(roster, OLD_PAIR, phone="0370123")  # 联系电话 not 11 digits: the head's row
    _member(roster, f"{YOUNG}04", id_number=None)  # 没有证件号码: the household's identification
    [paired] = cadres.pairings(roster, admin, code=YOUNG)
    cadres.unpair(roster, admin, paired.id, "帮扶人调离", on=TODAY - timedelta(days=1))  # no helper: 帮扶
    result = quality.run_audit(roster, admin, village=ZHAOZHAI, record=False)
    assert {f.rule for f in result.findings} == {"phone_not_11_digits", "member_without_hukou", "no_helper"}
    rates = result.rates["石桥镇赵寨村"]
    assert rates.fraction("identification") == Fraction(2, 6)  # the four of YOUNG are not accurate
    assert rates.fraction("data") == Fraction(5, 6)
    assert (rates.percent("identification"), rates.percent("data")) == (33.3, 83.3)
    assert rates.below("identification") and rates.below("data")
    data = result.as_dict()
    assert data["rates"]["石桥镇赵寨村"]["identification"] == 33.3
    assert data["rate_targets"] == {"identification": 98.0, "data": 95.0}
    # a finding marked 已核实 is checked and right: it lowers no rate
    phone = quality.find(result, "phone_not_11_digits", OLD_PAIR)
    quality.mark_verified(roster, admin, phone, "座机号码，已电话核实")
    again = quality.run_audit(roster, admin, village=ZHAOZHAI, record=False)
    assert again.rates["石桥镇赵寨村"].percent("data") == 100.0
    # so does a rule switched off
    quality.configure_rule(roster, admin, "member_without_hukou", enabled=False)
    off = quality.run_audit(roster, admin, village=ZHAOZHAI, record=False)
    assert off.rates["石桥镇赵寨村"].percent("identification") == 100.0


def test_every_village_gets_rates_and_the_total_adds_up(roster, admin):
    result = quality.run_audit(roster, admin, record=False)
    with roster.read() as s:
        places = set(s.scalars(select(Township.name + Village.name).join(Village.township)))
    assert set(result.rates) == places  # every village of the roster (as findings name it), findings or not
    total = result.total
    assert total.people == sum(r.people for r in result.rates.values()) == 163
    assert total.misidentified == sum(r.misidentified for r in result.rates.values())
    # roster-small: the 特困 households with labour lower 识别精准率; 低保一低了之 lowers neither rate
    tekun_people = {f.household for f in result.findings if f.rule == "tekun_with_labour"}
    assert total.misidentified > 0 and len(tekun_people) > 0
    assert total.inaccurate == 0


@pytest.mark.parametrize(
    ("people", "wrong", "which", "shown", "below"),
    [
        (50, 1, "identification", 98.0, False),  # exactly 98 %: reaches the target
        (100, 3, "identification", 97.0, True),
        (41, 1, "identification", 97.5, True),  # 97.56 %: cut, not rounded to 97.6
        (2000, 41, "identification", 97.9, True),  # 97.95 % is short of 98 % and never shows as 98.0
        (20, 1, "data", 95.0, False),  # exactly 95 %
        (1000, 51, "data", 94.9, True),
    ],
)
def test_rate_boundaries(people, wrong, which, shown, below):
    targets = dict(quality.RATE_TARGETS)
    mis, bad = (wrong, 0) if which == "identification" else (0, wrong)
    rates = quality.Rates("某村", 1, people, mis, bad, targets)
    assert rates.percent(which) == shown and rates.below(which) is below


def test_targets_are_a_county_setting(roster, admin):
    assert quality.rate_targets(roster) == {"identification": 98.0, "data": 95.0}
    assert quality.set_rate_targets(roster, admin, identification=99) == {
        "identification": 99.0,
        "data": 95.0,
    }
    result = quality.run_audit(roster, admin, village=ZHAOZHAI, record=False)
    assert result.rates["石桥镇赵寨村"].targets["identification"] == 99.0
    with pytest.raises(InputRejected):
        quality.set_rate_targets(roster, admin, data=120)
    with pytest.raises(InputRejected):
        quality.set_rate_targets(roster, admin, accuracy=90)
    with pytest.raises(PermissionDenied):
        quality.set_rate_targets(roster, Actor("c", "clerk"), data=90)


def test_rates_in_the_workbook_and_the_ledger(roster, admin, tmp_path):
    _household(roster, OLD_PAIR, phone="0370123")
    result = quality.run_audit(roster, admin, village=ZHAOZHAI)
    quality.export_findings(roster, admin, tmp_path / "f.xlsx", result=result)
    rows = list(load_workbook(tmp_path / "f.xlsx")["汇总"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if str(r[0]).startswith("精准率（目标：识别精准率不低于98%"))
    assert rows[start + 1][:5] == ("村", "人数", "识别精准率", "数据信息精准率", "说明")
    assert rows[start + 2][:5] == ("石桥镇赵寨村", 6, 1, 0.833, "数据信息精准率低于95%")
    assert rows[start + 3][0] == "合计"
    info = quality.findings_ledger(roster, admin, tmp_path / "f.pdf", result=result)
    text = "".join(page_text(tmp_path / "f.pdf")).replace(" ", "").replace("\n", "")
    assert info.rows == 2  # the finding and the village's rates
    assert "识别精准率100.0%（达到98%）" in text and "数据信息精准率83.3%（低于95%）" in text


def test_audit_run_shows_the_rates_per_village(db_url, roster, capsys, cli_login):
    _household(roster, OLD_PAIR, phone="0370123")
    assert main(["--db", db_url, "audit", "run", "--village", ZHAOZHAI]) == 0
    out = capsys.readouterr().out
    assert "石桥镇赵寨村（6人）：识别精准率 100.0%（达到98%），数据信息精准率 83.3%（低于95%）" in out
    assert main(["--db", db_url, "audit", "run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    tekun_village = data["rates"]["城关镇杨湖村"]  # TEKUN's village: its one household is 特困 with labour
    assert tekun_village == {
        "households": 1,
        "people": 4,
        "identification": 0.0,
        "data": 100.0,
        "misidentified_people": 4,
        "inaccurate_people": 0,
        "identification_below_target": True,
        "data_below_target": False,
    }
    assert data["rates_total"]["people"] == 163
    assert main(["--db", db_url, "audit", "targets", "--param", "data=96", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["targets"]["data"] == 96.0
    assert main(["--db", db_url, "audit", "targets"]) == 0
    assert "数据信息精准率不低于96%" in capsys.readouterr().out
