"""防返贫监测's papers, read back: the 纳入 and 风险消除 notices (masked, never the illness or the event), the 监测对象
台账 and the monthly report whose counts add up; and the `monitor` commands end to end."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from desktop import clock
from desktop.cli import main
from desktop.errors import InputRejected
from desktop.services.monitoring import monitoring, monitoring_reports
from desktop.services.plans import plans
from desktop.services.roster.roster_import import import_roster
from tests.pdfcheck import page_text

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=clock.OFFICE_TZ)
VILLAGE = "民权县石桥镇/赵寨村"
LOW, HIGH = "41142110220500019", "41142110220500026"


@pytest.fixture
def roster(db, admin, sample, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    import_roster(db, admin, sample("roster-small.xlsx"))
    monitoring.set_line(db, admin, 2026, 700000)
    return db


def _text(path) -> str:
    return "".join(page_text(path)).replace(" ", "").replace("\n", "")


def _through(db, admin, cid, phase_end: str, start: int, month: int = 10):
    steps = ("村级评议", "村公示", "乡镇审核", "县审定")
    for k, to in enumerate(steps[: steps.index(phase_end) + 1]):
        on = date(2026, month, start + (0 if k < 2 else 7) + k)
        monitoring.step(db, admin, cid, to, on=on, days=7 if to == "村公示" else None)


def test_the_inclusion_notice_lists_households_and_type_never_the_illness(roster, admin, tmp_path):
    monitoring.add_event(roster, admin, LOW, "因病", date(2026, 10, 1), loss_fen=5_000_000, note="胃癌住院")
    a = monitoring.open_case(
        roster, admin, LOW, "突发严重困难户", on=date(2026, 10, 2), note="因病住院，自付费用高"
    )
    b = monitoring.open_case(roster, admin, HIGH, "边缘易致贫户", on=date(2026, 10, 2), note="干部排查")
    _through(roster, admin, a, "村公示", 5)
    _through(roster, admin, b, "村公示", 5)
    out = tmp_path / "notice.pdf"
    printed = monitoring_reports.case_notice(roster, admin, VILLAGE, out)
    text = _text(out)
    assert printed.rows == 2
    assert "关于赵寨村防返贫监测对象纳入名单的公示" in text
    assert "突发严重困难户" in text and "边缘易致贫户" in text
    assert "公示时间：2026年10月6日至2026年10月12日（共7天）" in text
    for secret in ("因病", "胃癌", "住院", "自付"):
        assert secret not in text
    with roster.read() as s:
        from desktop.models import Household

        ids = [h.head_id_number for h in s.query(Household).filter(Household.code.in_([LOW, HIGH]))]
    for idn in ids:
        assert idn not in text and idn[:6] + "********" + idn[-4:] in text
    with pytest.raises(InputRejected, match="没有进入村公示的风险消除程序"):
        monitoring_reports.case_notice(roster, admin, VILLAGE, tmp_path / "x.pdf", phase="close")


def test_the_ledger_and_the_monthly_report_add_up(roster, admin, tmp_path):
    a = monitoring.open_case(roster, admin, LOW, "边缘易致贫户", on=date(2026, 9, 1), note="x")
    _through(roster, admin, a, "县审定", 2, month=9)  # monitored from 2026-09-12
    b = monitoring.open_case(roster, admin, HIGH, "脱贫不稳定户", on=date(2026, 10, 1), note="y")
    _through(roster, admin, b, "县审定", 2)  # monitored from 2026-10-12
    monitoring.add_event(roster, admin, HIGH, "因灾", date(2026, 9, 20), loss_fen=100)
    plans.add_measure(roster, admin, HIGH, 2026, "产业", "发放鸡苗")
    rows = {r.village: r for r in monitoring_reports.month_figures(roster, admin, clock.Month(2026, 10))}
    zhao = rows["民权县石桥镇赵寨村"]
    assert (zhao.at_start, zhao.included, zhao.closed, zhao.at_end) == (1, 1, 0, 2)
    assert zhao.at_start + zhao.included - zhao.closed == zhao.at_end
    figures = monitoring_reports.month_figures(roster, admin, clock.Month(2026, 9))
    sept = next(r for r in figures if r.village == "民权县石桥镇赵寨村")
    assert (sept.at_start, sept.included, sept.at_end, sept.including) == (0, 1, 1, 0)
    out = tmp_path / "cases.pdf"
    monitoring_reports.cases_ledger(roster, admin, out, year=2026)
    text = _text(out)
    assert "2026年度防返贫监测对象台账" in text and LOW in text and HIGH in text
    assert "因灾" in text and "产业（1项）" in text and "2026年10月12日" in text
    xlsx = tmp_path / "month.xlsx"
    monitoring_reports.monthly_report(roster, admin, xlsx, month=clock.Month(2026, 10), xlsx=True)
    cells = [
        c for row in load_workbook(xlsx).active.iter_rows(values_only=True) for c in row if c is not None
    ]
    assert "民权县石桥镇赵寨村" in cells


def test_the_monitor_commands_end_to_end(roster, admin, cli_login, capsys, tmp_path):
    db = f"{roster.url}"

    def run(*argv) -> dict:
        code = main(["--db", db, "--json", *argv])
        out = capsys.readouterr().out
        assert code == 0, out
        return json.loads(out)

    plans.set_income(roster, admin, LOW, 2026, wage=100)
    screened = run("monitor", "screen")
    (p,) = [q for q in screened["proposed"] if q["household"] == LOW]
    assert p["household"] == LOW and p["reason"] == "income"
    case = run("monitor", "accept", str(p["id"]), "--type", "边缘易致贫户", "--date", "2026-11-01")["case"]
    run("monitor", "step", str(case), "--to", "村级评议", "--date", "2026-11-02")
    shown = run("monitor", "step", str(case), "--to", "村公示", "--date", "2026-11-03", "--days", "5")
    assert shown["next_step"] == "乡镇审核"
    assert main(["--db", db, "monitor", "step", str(case), "--to", "县审定"]) == 3  # skipped a step
    capsys.readouterr()
    listed = run("monitor", "list", "--state", "including")["cases"]
    assert [c["id"] for c in listed] == [case]
    out = tmp_path / "n.pdf"
    run("print", "notice", "monitor", "--village", VILLAGE, "--out", str(out))
    assert "边缘易致贫户" in _text(out)
    assert main(["--db", db, "monitor", "dismiss", str(p["id"]), "--reason", "x"]) == 3  # already decided
