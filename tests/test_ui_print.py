"""公示打印 on the real widgets: generate, preview, print (to a PDF printer), errors."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from desktop.services.demo import add_demo_households, add_demo_identification
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle


@pytest.fixture
def page(qtbot, db, admin):
    add_demo_households(db, admin, 60)
    add_demo_identification(db, admin)  # the first village's identification round, in its 村公示
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.show_area("print")
    settle(qtbot, window)
    yield window.printing  # the fixture holds the window; its pages die with it


def choose(box, data) -> None:
    box.setCurrentIndex(box.findData(data))


def generate(qtbot, page) -> None:
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.generate_button.isEnabled(), timeout=30000)
    settle(qtbot, page)
    if page.generated is not None:  # the preview pages arrive a few at a time
        qtbot.waitUntil(
            lambda: len(page.pages_box.findChildren(QLabel, "previewPage")) == len(page.generated.images)
        )


def test_a_notice_is_generated_previewed_and_printed(qtbot, page, tmp_path):
    choose(page.output_box, "notice")
    assert page.village_box.isVisibleTo(page) and page.village_box.count() == 10
    generate(qtbot, page)
    shown = page.pages_box.findChildren(QLabel, "previewPage")
    assert page.generated is not None and len(shown) == page.generated.pages >= 1
    assert "正文（仿宋）" in page.fonts_label.text()
    assert page.print_button.isEnabled()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert page.print_to(printer) == page.generated.pages
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == page.generated.pages


def test_only_the_fields_of_the_chosen_output_are_shown(qtbot, page):
    choose(page.output_box, "certificate")
    assert page.household_edit.isVisibleTo(page) and not page.days_spin.isVisibleTo(page)
    choose(page.output_box, "notice")
    assert page.days_spin.isVisibleTo(page) and not page.household_edit.isVisibleTo(page)


def test_a_certificate_for_an_unknown_household_shows_a_clear_message(qtbot, page):
    choose(page.output_box, "certificate")
    page.household_edit.setText("99999")
    generate(qtbot, page)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, QMessageBox) and w.isVisible()
            for w in QApplication.topLevelWidgets() + page.window().findChildren(QMessageBox)
        )
    )
    box = page.window().findChild(QMessageBox, "errorBox")
    assert "不存在" in box.text()
    box.close()
    assert page.generated is None


def test_the_ledger_can_be_made_as_excel(qtbot, page):
    choose(page.output_box, "ledger_xlsx")
    generate(qtbot, page)
    assert page.generated.path.suffix == ".xlsx" and page.save_button.isEnabled()
    assert not page.print_button.isEnabled()


def test_a_certificate_names_the_award_typed_in(qtbot, page, db, admin):
    from pdfplumber import open as open_pdf

    from desktop.services.households import households

    code = households.list_households(db, admin, limit=1)[0].code
    choose(page.output_box, "certificate")
    assert page.award_edit.isVisibleTo(page)
    page.household_edit.setText(code)
    page.award_edit.setText("2026年度孝老爱亲模范户")
    generate(qtbot, page)
    with open_pdf(page.generated.path) as pdf:
        text = "".join(c["text"] for c in pdf.pages[0].chars)
    assert "获评“2026年度孝老爱亲模范户”" in text


def test_the_date_defaults_to_the_office_day_not_the_pcs(qtbot, db, admin, monkeypatch):
    """Beijing's day (desktop.clock), whatever the PC's clock says; an open window moves on to a new day."""
    from datetime import date

    from desktop import clock
    from desktop.ui.print_page import PrintPage

    monkeypatch.setattr(clock, "today", lambda: date(2031, 1, 1))
    page = PrintPage(UiContext(db, admin))
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    assert page.start_edit.date().toPython() == date(2031, 1, 1)
    page.hide()
    monkeypatch.setattr(clock, "today", lambda: date(2031, 1, 2))  # left open overnight
    page.show()
    assert page.start_edit.date().toPython() == date(2031, 1, 2)
    page.start_edit.setDate(page.start_edit.date().addDays(5))  # a date the clerk chose stays
    page.hide()
    page.show()
    assert page.start_edit.date().toPython() == date(2031, 1, 7)


def test_an_identification_notice_takes_its_round_s_dates_not_the_form_s(page):
    choose(page.output_box, "notice")
    choose(page.kind_box, "identification")
    assert not page.days_spin.isEnabled() and "识别批次" in page.days_spin.toolTip()
    choose(page.kind_box, "exit")
    assert page.days_spin.isEnabled() and page.start_edit.isEnabled()
