"""防返贫监测: the screening at its boundaries, nothing included without a decision, the steps in order and dated,
the 风险消除 waiting period, 自然消除 with evidence, and a household monitored again keeping its history."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from desktop import clock
from desktop.errors import InputRejected, PermissionDenied, Refused
from desktop.models import ArchiveItem, Attachment
from desktop.services.households import households
from desktop.services.monitoring import monitoring
from desktop.services.plans import plans
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import settings, users

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=clock.OFFICE_TZ)
LOW, HIGH = "41142110220500019", "41142110220500026"  # the two households of 民权县石桥镇/赵寨村
OTHER = "41142110420200002"


def scanned_pdf() -> bytes:
    out = io.BytesIO()
    c = Canvas(out)
    c.drawString(100, 700, "qianchu zhengming")
    c.showPage()
    c.save()
    return out.getvalue()


@pytest.fixture
def roster(db, admin, sample, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    import_roster(db, admin, sample("roster-small.xlsx"))
    monitoring.set_line(db, admin, 2026, 700000)  # 7000 元
    monitoring.set_line(db, admin, 2025, 650000)
    return db


def _income(db, admin, code, year, per_capita_yuan):
    plans.set_income(db, admin, code, year, wage=per_capita_yuan * 100 * _sizes(db, admin)[code])


def _sizes(db, admin) -> dict[str, int]:
    return {h.code: h.size for h in households.list_households(db, admin)}


def _clear_incomes(db):
    from sqlalchemy import delete

    from desktop.models import IncomeYear

    with db.write() as s:
        s.execute(delete(IncomeYear))


def test_screening_proposes_income_below_the_line_and_not_at_it(roster, admin):
    _clear_incomes(roster)
    _income(roster, admin, LOW, 2026, 6999)  # one yuan below 7000
    _income(roster, admin, HIGH, 2026, 7000)  # at the line: not below it
    result = monitoring.screen(roster, admin)
    proposed = {p.code: p for p in result.proposed}
    assert set(proposed) == {LOW}
    p = proposed[LOW]
    assert p.reason == "income" and "6,999.00元" in p.basis and "7,000.00元" in p.basis
    assert result.month == "2026-11"
    # nobody was included: the proposal waits for a decision
    assert monitoring.cases(roster, admin) == []
    # run again: the same fact is not proposed twice
    assert monitoring.screen(roster, admin).proposed == []


def test_the_newest_income_year_counts_and_last_years_line_applies_to_it(roster, admin):
    _clear_incomes(roster)
    _income(roster, admin, LOW, 2025, 6400)  # below 2025's 6500
    _income(roster, admin, HIGH, 2025, 6400)
    _income(roster, admin, HIGH, 2026, 9000)  # the newer year stands for HIGH
    proposed = {p.code for p in monitoring.screen(roster, admin).proposed}
    assert proposed == {LOW}


def test_without_a_line_the_income_is_not_screened_and_the_run_says_so(db, admin, sample, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    import_roster(db, admin, sample("roster-small.xlsx"))
    plans.set_income(db, admin, LOW, 2026, wage=100)
    result = monitoring.screen(db, admin)
    assert result.notes == ["未设定2026年监测范围，也没有2026年贫困线：2026年的收入未筛查"]
    # a poverty line stands in, at monitoring.line_percent of it (a default)
    plans.set_threshold(db, admin, 2026, 500000, 500000, 600000)
    line = monitoring.line(db, 2026)
    assert (line.fen, line.how) == (750000, "按贫困线的150%（默认值）")


def test_an_event_is_proposed_when_its_loss_exceeds_the_share_of_income(roster, admin):
    _clear_incomes(roster)
    _income(roster, admin, LOW, 2026, 10000)
    _income(roster, admin, HIGH, 2026, 10000)
    size = _sizes(roster, admin)
    yearly_low = 10000 * 100 * size[LOW]
    share = settings.get(roster, "monitoring.loss_percent")
    assert share == 50
    monitoring.add_event(roster, admin, LOW, "因病", date(2026, 10, 1), loss_fen=yearly_low // 2 + 1)
    monitoring.add_event(
        roster, admin, HIGH, "因灾", date(2026, 10, 1), loss_fen=10000 * 100 * size[HIGH] // 2
    )
    proposed = {p.code: p for p in monitoring.screen(roster, admin).proposed}
    assert set(proposed) == {LOW} and proposed[LOW].reason == "event"
    assert "因病" in proposed[LOW].basis


def test_old_voided_and_department_events(roster, admin):
    _clear_incomes(roster)
    _income(roster, admin, LOW, 2026, 10000)
    _income(roster, admin, HIGH, 2026, 10000)
    days = settings.get(roster, "monitoring.event_days")
    old = date.fromordinal(NOW.date().toordinal() - days)  # just outside the window
    monitoring.add_event(roster, admin, LOW, "因病", old, loss_fen=99_000_000)
    wrong = monitoring.add_event(roster, admin, HIGH, "因病", date(2026, 11, 1), loss_fen=99_000_000)
    monitoring.void_event(roster, admin, wrong, "录错户")
    assert monitoring.screen(roster, admin).proposed == []
    monitoring.add_event(
        roster, admin, HIGH, "因病", date(2026, 11, 2), source="部门筛查预警", note="医保大额支出预警"
    )
    proposed = monitoring.screen(roster, admin).proposed
    assert [(p.code, p.reason) for p in proposed] == [(HIGH, "alert")]


def test_a_dismissed_fact_stays_dismissed_and_a_reason_is_needed(roster, admin):
    _clear_incomes(roster)
    _income(roster, admin, LOW, 2026, 5000)
    (p,) = monitoring.screen(roster, admin).proposed
    with pytest.raises(InputRejected, match="原因"):
        monitoring.dismiss(roster, admin, p.id, "  ")
    monitoring.dismiss(roster, admin, p.id, "经核实有未申报的务工收入")
    assert monitoring.screen(roster, admin).proposed == []
    with pytest.raises(Refused, match="已排除"):
        monitoring.accept(roster, admin, p.id, "边缘易致贫户")
    # a new fact (a lower income recorded) is proposed again
    _income(roster, admin, LOW, 2026, 4000)
    assert [q.code for q in monitoring.screen(roster, admin).proposed] == [LOW]


def _include(db, admin, code=LOW) -> int:
    _clear_incomes(db)
    _income(db, admin, code, 2026, 5000)
    (p,) = [q for q in monitoring.screen(db, admin).proposed if q.code == code]
    return monitoring.accept(db, admin, p.id, "边缘易致贫户", on=date(2026, 1, 5))


def test_inclusion_goes_through_the_steps_in_order_each_dated(roster, admin):
    cid = _include(roster, admin)
    info = monitoring.case_info(roster, admin, cid)
    assert info.state == "including" and info.next_step() == "村级评议"
    assert info.steps[0].name == "农户申报/干部排查" and info.steps[0].on == date(2026, 1, 5)
    with pytest.raises(Refused, match="不能跳过村级评议直接村公示"):
        monitoring.step(roster, admin, cid, "村公示", on=date(2026, 1, 8))
    with pytest.raises(Refused, match="早于"):
        monitoring.step(roster, admin, cid, "村级评议", on=date(2026, 1, 4))
    with pytest.raises(InputRejected, match="还没有到"):
        monitoring.step(roster, admin, cid, "村级评议", on=date(2026, 11, 21))
    monitoring.step(roster, admin, cid, "村级评议", on=date(2026, 1, 6))
    info = monitoring.step(roster, admin, cid, "村公示", on=date(2026, 1, 7), days=7)
    assert info.last_step().notice_end == date(2026, 1, 13)
    with pytest.raises(Refused, match="村公示到2026年1月13日才结束"):
        monitoring.step(roster, admin, cid, "乡镇审核", on=date(2026, 1, 13))
    monitoring.step(roster, admin, cid, "乡镇审核", on=date(2026, 1, 14))
    with pytest.raises(Refused, match="不能退回或重复"):
        monitoring.step(roster, admin, cid, "乡镇审核", on=date(2026, 1, 15))
    info = monitoring.step(roster, admin, cid, "县审定", on=date(2026, 1, 20))
    assert (info.state, info.included_on) == ("monitored", date(2026, 1, 20))
    assert info.next_step() is None
    # a second inclusion of the same household while it is monitored is refused
    with pytest.raises(Refused, match="不能重复纳入"):
        monitoring.open_case(roster, admin, LOW, "突发严重困难户", note="又申报")


def test_township_steps_are_not_for_a_village_clerk(roster, admin):
    users.create_user(roster, admin, "cun", "village-pw", "village_clerk", villages=["民权县石桥镇/赵寨村"])
    clerk = users.authenticate(roster, "cun", "village-pw")
    cid = monitoring.open_case(
        roster, clerk, LOW, "突发严重困难户", on=date(2026, 11, 1), note="农户申报：住院"
    )
    monitoring.step(roster, clerk, cid, "村级评议", on=date(2026, 11, 2))
    monitoring.step(roster, clerk, cid, "村公示", on=date(2026, 11, 3), days=5)
    with pytest.raises(PermissionDenied, match="乡镇审核"):
        monitoring.step(roster, clerk, cid, "乡镇审核", on=date(2026, 11, 10))
    with pytest.raises(PermissionDenied):
        monitoring.open_case(roster, clerk, OTHER, "突发严重困难户", note="x")
    with pytest.raises(PermissionDenied):
        monitoring.screen(roster, clerk)


def _monitored(db, admin) -> int:
    cid = _include(db, admin)
    for to, on in (("村级评议", 6), ("村公示", 7), ("乡镇审核", 20), ("县审定", 25)):
        monitoring.step(db, admin, cid, to, on=date(2026, 1, on), days=7 if to == "村公示" else None)
    return cid


def _check(db, admin, on: date, per_capita_yuan: int, code=LOW):
    return monitoring.add_income_check(
        db, admin, code, on, wage_fen=per_capita_yuan * 100 * 2, production_fen=0, property_fen=0,
        transfer_fen=0, cost_fen=0, people=2,
    )  # fmt: skip


def test_risk_elimination_waits_for_the_set_months_above_the_line(roster, admin):
    cid = _monitored(roster, admin)
    assert settings.get(roster, "monitoring.close_months") == 6
    with pytest.raises(Refused, match="还没有收入核查记录"):
        monitoring.start_close(roster, admin, cid, "已报销", on=date(2026, 11, 20))
    _check(roster, admin, date(2026, 3, 1), 6000)  # below 7000
    _check(roster, admin, date(2026, 5, 20), 7200)  # the run above the line starts here
    _check(roster, admin, date(2026, 9, 1), 7500)
    # 6 months after 2026-05-20 is 2026-11-20: one day short, then exactly
    with pytest.raises(Refused, match="须稳定6个月（到2026年11月20日）"):
        monitoring.start_close(roster, admin, cid, "医疗费用已报销", on=date(2026, 11, 19))
    assert monitoring.close_check(roster, admin, cid, date(2026, 11, 20)).ok
    with pytest.raises(InputRejected, match="依据"):
        monitoring.start_close(roster, admin, cid, " ", on=date(2026, 11, 20))
    info = monitoring.start_close(roster, admin, cid, "医疗费用已报销，已稳定务工", on=date(2026, 11, 20))
    assert info.state == "closing" and info.next_step() == "村级评议"
    assert info.last_step().name == "入户核实"


def test_a_check_below_the_line_breaks_the_run(roster, admin):
    cid = _monitored(roster, admin)
    _check(roster, admin, date(2026, 2, 1), 8000)
    _check(roster, admin, date(2026, 6, 1), 6900)
    _check(roster, admin, date(2026, 8, 1), 8000)
    verdict = monitoring.close_check(roster, admin, cid, date(2026, 11, 20))
    assert not verdict.ok and "2026年8月1日" in verdict.why


def test_the_whole_cycle_and_monitoring_again_keeps_the_history(roster, admin, monkeypatch):
    cid = _monitored(roster, admin)
    _check(roster, admin, date(2026, 2, 1), 8000)
    monitoring.start_close(roster, admin, cid, "已稳定务工", on=date(2026, 9, 1))
    monitoring.step(roster, admin, cid, "村级评议", on=date(2026, 9, 2))
    # 评议 says no: the household stays monitored; the next try starts again at 入户核实
    info = monitoring.reject(roster, admin, cid, "评议认为务工收入还不稳定", on=date(2026, 9, 3))
    assert info.state == "monitored"
    info = monitoring.start_close(roster, admin, cid, "务工已满半年", on=date(2026, 10, 1))
    assert info.next_step() == "村级评议"
    for to, on in (("村级评议", 2), ("村公示", 3), ("乡镇审核", 12), ("县审定", 15)):
        info = monitoring.step(
            roster, admin, cid, to, on=date(2026, 10, on), days=7 if to == "村公示" else None
        )
    assert (info.state, info.closure, info.closed_on) == ("closed", "risk_eliminated", date(2026, 10, 15))
    assert {st.attempt for st in info.steps if st.phase == "close"} == {1, 2}
    # monitored again later: a new case; the old one stays
    again = monitoring.open_case(
        roster, admin, LOW, "突发严重困难户", on=date(2026, 11, 10), note="因灾房屋受损"
    )
    history = monitoring.household(roster, admin, LOW)
    assert [c.id for c in history.cases] == [cid, again]
    assert history.current.id == again


def test_natural_closure_needs_its_evidence_and_files_it_in_the_archive(roster, admin):
    cid = _monitored(roster, admin)
    with pytest.raises(InputRejected, match="证明材料"):
        monitoring.close_naturally(roster, admin, cid, "户籍迁出", "全家迁往外省", [])
    with pytest.raises(InputRejected):
        monitoring.close_naturally(roster, admin, cid, "户籍迁出", "全家迁往外省", [("x.exe", b"MZ\x90\x00")])
    assert monitoring.case_info(roster, admin, cid).state == "monitored"  # nothing half-written
    info = monitoring.close_naturally(
        roster,
        admin,
        cid,
        "户籍迁出",
        "全家迁往外省",
        [("迁出证明.pdf", scanned_pdf())],
        on=date(2026, 11, 1),
    )
    assert (info.state, info.closure, info.closed_on) == ("closed", "natural", date(2026, 11, 1))
    with roster.read() as s:  # the evidence is in the household's archive, under 防返贫监测记录
        item = s.scalars(select(ArchiveItem).where(ArchiveItem.item_key == "monitoring")).one()
        files = s.scalars(select(Attachment.filename).where(Attachment.item_id == item.id)).all()
    assert "自然消除（户籍迁出）" in item.note and files == ["迁出证明.pdf"]


def test_an_events_papers_go_into_the_archive_and_a_fake_one_writes_nothing(roster, admin):
    with pytest.raises(InputRejected):
        monitoring.add_event(
            roster, admin, LOW, "因灾", date(2026, 10, 1), files=[("灾情.pdf", b"not a pdf")]
        )
    assert monitoring.events(roster, admin) == []
    eid = monitoring.add_event(
        roster, admin, LOW, "因灾", date(2026, 10, 1), files=[("灾情.pdf", scanned_pdf())]
    )
    with roster.read() as s:
        item = s.scalars(select(ArchiveItem).where(ArchiveItem.item_key == "monitoring")).one()
        files = s.scalars(select(Attachment.filename).where(Attachment.item_id == item.id)).all()
    assert f"风险事件{eid}" in item.note and files == ["灾情.pdf"]


def test_a_measure_names_the_event_it_addresses(roster, admin):
    event = monitoring.add_event(roster, admin, LOW, "因病", date(2026, 10, 1), loss_fen=3_000_000)
    other = monitoring.add_event(roster, admin, HIGH, "因灾", date(2026, 10, 1))
    mid = plans.add_measure(roster, admin, LOW, 2026, "健康", "大病救助", risk_event=event)
    assert plans.measures(roster, admin, LOW)[-1].risk_event == event and mid
    with pytest.raises(InputRejected, match="不是户"):
        plans.add_measure(roster, admin, LOW, 2026, "健康", "x", risk_event=other)


def test_absurd_input_is_refused_with_the_field_named(roster, admin):
    with pytest.raises(InputRejected, match="风险类别"):
        monitoring.add_event(roster, admin, LOW, "因懒", date(2026, 10, 1))
    with pytest.raises(InputRejected, match="损失或支出"):
        monitoring.add_event(roster, admin, LOW, "因病", date(2026, 10, 1), loss_fen=10**15)
    with pytest.raises(InputRejected, match="还没有到"):
        monitoring.add_event(roster, admin, LOW, "因病", date(2026, 12, 1))
    with pytest.raises(InputRejected, match="监测对象类型"):
        monitoring.open_case(roster, admin, LOW, "贫困户", note="x")
    with pytest.raises(InputRejected, match="家庭人口"):
        monitoring.add_income_check(
            roster, admin, LOW, date(2026, 11, 1), wage_fen=1, production_fen=0, property_fen=0,
            transfer_fen=0, cost_fen=0, people=0,
        )  # fmt: skip


def _alert_book(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["县医保局大额医疗费用预警名单（2026年11月）"])
    ws.append(["序号", "姓名", "身份证号码", "预警类型", "自付金额（元）", "就诊日期", "备注"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _head_id(db, code: str) -> str:
    from desktop.models import Household

    with db.read() as s:
        return s.scalars(select(Household.head_id_number).where(Household.code == code)).one()


def test_a_department_list_becomes_events_the_screening_proposes(roster, admin, tmp_path):
    from desktop.errors import RowsRejected
    from desktop.services.households import idnumber
    from desktop.services.monitoring import alerts

    stranger = idnumber.make("411421", date(1970, 5, 6), 17)
    good = [
        [1, "某某", _head_id(roster, HIGH).lower(), "住院大额费用", "35000.50", "2026-11-03", "自付比例高"],
        [2, "外人", stranger, "住院", "100", "2026/11/04", ""],
    ]
    bad = _alert_book(tmp_path / "bad.xlsx", [*good, [3, "错号", stranger[:-1] + "0", "", "", "", ""]])
    with pytest.raises(RowsRejected) as caught:
        alerts.import_alerts(roster, admin, bad, "县医保局")
    (error,) = caught.value.errors
    assert (error.row, error.column) == (5, "身份证号码") and "校验位错误" in error.message
    assert monitoring.events(roster, admin) == []  # nothing written
    result = alerts.import_alerts(roster, admin, _alert_book(tmp_path / "ok.xlsx", good), "县医保局")
    assert (result.events, [m["household"] for m in result.matched]) == (1, [HIGH])
    assert result.unmatched == [
        {"row": 4, "name": "外人", "id_number": stranger[:6] + "********" + stranger[-4:]}
    ]
    (event,) = monitoring.events(roster, admin)
    assert (event.code, event.kind, event.source, event.loss_fen) == (HIGH, "因病", "部门筛查预警", 3_500_050)
    assert event.occurred_on == date(2026, 11, 3) and "县医保局预警" in event.note
    again = alerts.import_alerts(roster, admin, tmp_path / "ok.xlsx", "县医保局")
    assert (again.events, again.repeated) == (0, 1)
    proposed = [p for p in monitoring.screen(roster, admin).proposed if p.code == HIGH]
    assert [p.reason for p in proposed] == ["alert"]


def test_a_list_that_is_no_workbook_is_refused(roster, admin, tmp_path):
    from desktop.services.monitoring import alerts

    fake = tmp_path / "list.xlsx"
    fake.write_bytes(b"%PDF-1.4 not a workbook")
    with pytest.raises(InputRejected):
        alerts.import_alerts(roster, admin, fake, "县民政局")
    with pytest.raises(InputRejected, match="哪个部门"):
        alerts.import_alerts(roster, admin, fake, " ")
