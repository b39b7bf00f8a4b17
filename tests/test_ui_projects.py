"""项目资金 on the real widgets: a project proposed in the dialog, its steps one button each, a contract and a
disbursement (one over the progress cap refused with its numbers), a reversal, and the 疑点 list."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop import clock
from desktop.services.projects import projects
from desktop.services.roster.roster_import import import_roster
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from desktop.ui.projects_page import ContractDialog, DisburseDialog, ProjectDialog, StepDialog
from tests.uiwait import settle

VILLAGE = "民权县石桥镇/赵寨村"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=clock.OFFICE_TZ)
TODAY = NOW.date()


@pytest.fixture
def window(qtbot, db, admin, sample, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    import_roster(db, admin, sample("roster-small.xlsx"))
    projects.add(
        db,
        admin,
        year=2025,
        name="王楼村饮水管网改造",
        kind="饮水",
        village="民权县柳河镇/王楼村",
        funding={"县级财政衔接资金": 80_000_00},
        on=TODAY - timedelta(days=300),
    )  # no 监督人, past its year: two 疑点
    w = MainWindow(UiContext(db, admin))
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    settle(qtbot, w)
    yield w


def _error(window) -> str:
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None
    text = box.text()
    box.close()
    box.deleteLater()
    return text


def test_a_project_goes_from_proposal_to_payment_on_the_page(window, qtbot, tmp_path):
    window.show_area("projects")
    page = window.projects
    settle(qtbot, window)
    assert page.model.rowCount() == 1
    assert sorted(f.rule for f in page.findings) == ["no_supervisor", "overdue"]
    assert page.findings_list.count() == 2 and "疑点：2条" in page.findings_label.text()

    dialog = ProjectDialog(page._villages, page)
    dialog.name.setText("赵寨村产业路硬化")
    dialog.kind.setCurrentText("基础设施")
    dialog.place.setCurrentIndex(
        next(i for i in range(dialog.place.count()) if dialog.place.itemData(i) == ("village", VILLAGE))
    )
    dialog.supervisor.setText("王监督")
    dialog.funds["中央财政衔接资金"].setText("500000")
    dialog.on.setDate(dialog.on.date().addDays(-30))
    page.add_project(dialog.values())
    settle(qtbot, window)
    assert page.model.rowCount() == 2
    pid = page.current_id()
    assert page.current_detail.info.name == "赵寨村产业路硬化" and page.current_detail.info.state == "储备"
    assert page.next_button.isEnabled() and page.next_button.text() == "下一步：入库…"
    assert not page.contract_button.isEnabled()

    for to, back in (("入库", -20), ("实施", -10)):
        step = StepDialog(pid, to, page)
        step.on.setDate(step.on.date().addDays(back))
        step.record.setPlainText(f"{to}会议纪要")
        page.advance(step.values())
        settle(qtbot, window)
        assert page.current_detail.info.state == to
    assert page.steps.rowCount() == 3 and page.steps.item(2, 1).text() == "实施"
    assert page.contract_button.isEnabled() and not page.disburse_button.isEnabled()  # no contract yet

    contract = ContractDialog(page)
    contract.number.setText("HT-2026-01")
    contract.party.setText("商丘路桥公司")
    contract.amount.setText("400000")
    contract.on.setDate(contract.on.date().addDays(-9))
    page.add_contract(contract.values())
    settle(qtbot, window)
    assert page.contracts.rowCount() == 1 and page.disburse_button.isEnabled()

    pay = DisburseDialog(page.current_detail, page)
    pay.amount.setText("120000.01")
    pay.progress.setValue(30)
    pay.evidence.setText("付款凭证12号")
    page.disburse(pay.values())
    settle(qtbot, window)
    assert "累计拨付将达120,000.01元，超过合同金额400,000.00元 × 进度30% = 120,000.00元" in _error(window)
    assert page.disbursements.rowCount() == 0
    pay.amount.setText("120000")
    page.disburse(pay.values())
    settle(qtbot, window)
    assert page.disbursements.rowCount() == 1 and page.disbursements.item(0, 3).text() == "120,000.00"
    assert page.model.rows[page.table.currentIndex().row()].paid_fen == 120_000_00

    page.tabs.setCurrentIndex(1)
    page.disbursements.selectRow(0)
    qtbot.mouseClick(page.reverse_button, Qt.MouseButton.LeftButton)  # no reason
    settle(qtbot, window)
    assert "冲销理由不能为空" in _error(window)
    page.reverse_reason.setText("金额录错")
    qtbot.mouseClick(page.reverse_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert page.disbursements.rowCount() == 2 and "已被第" in page.disbursements.item(0, 7).text()
    assert page.current_detail.info.paid_fen == 0 and page.reverse_reason.text() == ""
    window.grab().save(str(tmp_path / "projects.png"))


def test_the_filters_and_a_finding_find_the_project(window, qtbot):
    window.show_area("projects")
    page = window.projects
    settle(qtbot, window)
    page.state_box.setCurrentIndex(page.state_box.findData("实施"))
    settle(qtbot, window)
    assert page.model.rowCount() == 0
    page.findings_list.itemDoubleClicked.emit(page.findings_list.item(0))
    settle(qtbot, window)
    assert page.model.rowCount() == 1 and page.current_detail.info.name == "王楼村饮水管网改造"
    assert "疑点" in page.detail.text()
    page.search.setText("产业")
    settle(qtbot, window)
    assert page.model.rowCount() == 0


def test_the_year_shows_its_balances_and_the_notices_and_ledgers_print_from_the_page(window, qtbot, db):
    """A year chosen above shows each source's 结转结余 (a rate over 5 % in red); 打印公示公告 makes the notice in
    公示打印 and records its posting; 打印台账 makes the ledger."""
    from sqlalchemy import func, select

    from desktop.models import ProjectNotice
    from tests.pdfcheck import page_text

    window.show_area("projects")
    page = window.projects
    settle(qtbot, window)
    assert "选择年度" in page.balances_label.text()
    page.year_box.setCurrentIndex(page.year_box.findData(2025))
    settle(qtbot, window)
    assert "合计：结余0.00元" in page.balances_label.text()  # a 储备 project has no money arranged yet
    pid = page.model.rows[0].id
    window.ctx.ops.write(
        page,
        lambda d, a: projects.advance(
            d, a, pid, "入库", on=TODAY - timedelta(days=200), record="县项目库批复"
        ),
        ("projects",),
    )
    settle(qtbot, window)
    shown = page.balances_label.text()
    assert "2025年度结转结余" in shown and "县级财政衔接资金：结余80,000.00元，结余率100.00%（偏高）" in shown

    page.print_notice("listing")
    settle(qtbot, window)
    printing = window.printing
    assert window.pages.currentWidget() is printing and printing.generated is not None
    text = "".join(page_text(printing.generated.path))
    assert "王楼村饮水管网改造" in text and "12317" in text
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ProjectNotice)) == 1

    window.show_area("projects")
    page.print_ledger("projects")
    settle(qtbot, window)
    assert printing.generated is not None and "项目库台账" in "".join(page_text(printing.generated.path))
