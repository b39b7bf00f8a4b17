"""公示打印: choose an output, generate it off the GUI thread, preview its pages, print or save it."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.reports.preview import render_pages
from desktop.services.archives import archive_reports
from desktop.services.households import households, printing
from desktop.services.plans import plan_reports
from desktop.services.system import settings
from desktop.ui.context import UiContext
from desktop.ui.dates import qdate
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe
from desktop.ui.pdf_print import page_image, print_pdf
from desktop.ui.print_choices import NEEDS, PrintChoices
from desktop.ui.print_choices import OUTPUTS as MORE_OUTPUTS

OUTPUTS = (
    ("notice", "公示：贫困户识别/退出名单"),
    ("ledger", "台账：农户家庭成员台账"),
    ("ledger_xlsx", "台账：农户家庭成员台账（导出Excel）"),
    ("certificate", "证书：星级评定"),
    ("calibration", "证书套打校准页"),
    ("card", "明白卡（A4）"),
    ("card_a5", "明白卡（A5）"),
    ("plan", "帮扶计划表（一户一策）"),
    ("archive_ledger", "台账：档案完整性"),
    ("monitoring_ledger", "台账：防返贫监测户（黄卡、蓝卡）"),
    ("visit_ledger", "台账：帮扶走访"),
    *MORE_OUTPUTS,  # 孝善基金 and 扶贫超市 (desktop/ui/print_choices.py)
)
XLSX = {"ledger_xlsx", *(k for k in NEEDS if k.endswith("_xlsx"))}


def _plan_output(kind: str):
    def make(db, actor, village, code, year, out):

        if kind in ("card", "card_a5"):
            return plan_reports.policy_card(
                db, actor, code, year, out, paper="A5" if kind == "card_a5" else "A4"
            )
        if kind == "plan":
            return plan_reports.plan_sheet(db, actor, code, year, out)
        if kind == "archive_ledger":
            return archive_reports.completeness_ledger(db, actor, out, village=village)
        if kind == "monitoring_ledger":
            return plan_reports.monitoring_ledger(db, actor, out, village=village, year=year)
        return plan_reports.visit_ledger(db, actor, out, village=village, year=year)

    return make


PLAN_OUTPUTS = {
    k: _plan_output(k)
    for k in ("card", "card_a5", "plan", "archive_ledger", "monitoring_ledger", "visit_ledger")
}
NOTICE_KINDS = (("identification", "识别"), ("exit", "退出"), ("monitoring", "防返贫监测对象"))
PREVIEW_DPI = 60
PREVIEW_PAGES = 30  # a long ledger previews its first pages; printing renders every page
PREVIEW_CHUNK = 4  # preview pages added to the window per turn of the event loop


def _preview_images(path: Path) -> list[QImage]:
    return [page_image(page) for page in render_pages(path, PREVIEW_DPI, 1, PREVIEW_PAGES)]


@dataclass(frozen=True)
class Generated:
    path: Path
    pages: int
    fonts: list[str]
    images: list[QImage]  # made on the worker (a QImage may be; a QPixmap may not)


class PrintPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.generated: Generated | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="workbench-print-"))
        self.output_box = QComboBox()
        for key, label in OUTPUTS:
            self.output_box.addItem(label, key)
        self.village_box = QComboBox()
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("留空则自动生成标题")
        self.kind_box = QComboBox()
        for key, label in NOTICE_KINDS:
            self.kind_box.addItem(label, key)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(5, 30)  # the range the notice.days setting allows
        self.days_spin.setSuffix(" 天")
        self.start_edit = QDateEdit()
        self.start_edit.setCalendarPopup(True)
        self._date_shown = None  # the office's day last put in the form; a date the clerk chose stays
        self._today_default()
        self.start_edit.setDisplayFormat("yyyy年M月d日")
        self.household_edit = QLineEdit()
        self.household_edit.setPlaceholderText("户编号")
        self.award_edit = QLineEdit()
        self.award_edit.setPlaceholderText("留空则写该户当年已确认的星级")
        self.preprinted_check = QCheckBox("套打（只印文字）")
        self.offset_x = QDoubleSpinBox()
        self.offset_y = QDoubleSpinBox()
        for spin in (self.offset_x, self.offset_y):
            spin.setRange(-30, 30)
            spin.setSingleStep(0.5)
            spin.setSuffix(" 毫米")
        self.generate_button = QPushButton("生成预览")
        self.generate_button.setDefault(True)
        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("另存为…")
        self.status = QLabel("请选择要打印的内容，然后点“生成预览”。")
        self.status.setWordWrap(True)
        self.fonts_label = QLabel()
        self.fonts_label.setWordWrap(True)
        self.fonts_label.setStyleSheet("color: #555;")

        form = QFormLayout()
        form.addRow("打印内容：", self.output_box)
        form.addRow("村：", self.village_box)
        form.addRow("公示类型：", self.kind_box)
        form.addRow("标题：", self.title_edit)
        form.addRow("公示天数：", self.days_spin)
        form.addRow("日期：", self.start_edit)
        form.addRow("户编号：", self.household_edit)
        form.addRow("奖项：", self.award_edit)
        form.addRow("", self.preprinted_check)
        form.addRow("横向偏移：", self.offset_x)
        form.addRow("纵向偏移：", self.offset_y)
        self.choices = PrintChoices(ctx, self, form)
        self._rows = {
            w: w
            for w in (
                self.village_box,
                self.kind_box,
                self.title_edit,
                self.days_spin,
                self.household_edit,
                self.award_edit,
                self.preprinted_check,
                self.offset_x,
                self.offset_y,
                *self.choices.widgets.values(),
            )
        }
        self.form = form
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addWidget(self.status)
        left.addWidget(self.fonts_label)
        left.addStretch(1)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(360)

        self.pages_box = QWidget()
        self.pages_layout = QVBoxLayout(self.pages_box)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.pages_box)
        self.scroll.setStyleSheet("QScrollArea { background: #888; }")
        row = QHBoxLayout(self)
        row.addWidget(left_box)
        row.addWidget(self.scroll, 1)

        self.output_box.currentIndexChanged.connect(self._update_fields)
        self.kind_box.currentIndexChanged.connect(self._update_fields)
        self.generate_button.clicked.connect(self.generate)
        self.print_button.clicked.connect(self.ask_print)
        self.save_button.clicked.connect(self.ask_save)
        subscribe(ctx.ops, self, ("households", "settings"), self.reload)
        self.reload()
        self.choices.reload()
        self._update_fields()

    def _today_default(self) -> None:
        """Every date defaults to the office's today (Beijing time, desktop.clock), not the PC's; a window
        left open overnight moves on to the new day unless the clerk picked a date."""
        today = clock.today()
        if self._date_shown is None or self.start_edit.date().toPython() == self._date_shown:
            self.start_edit.setDate(qdate(today))
        self._date_shown = today

    def showEvent(self, event) -> None:
        self._today_default()
        self.choices.fill_dates()
        super().showEvent(event)

    def reload(self) -> None:
        """Villages, and the defaults that come from 设置 (notice days, certificate offsets)."""

        def read(db, actor):
            return (
                households.villages(db, actor),
                int(settings.get(db, "notice.days")),
                settings.get(db, "certificate.offset_mm"),
            )

        self.ctx.ops.read(self, read, self._reloaded, title="无法读取打印设置")

    def _reloaded(self, result) -> None:
        villages, days, (dx, dy) = result
        current = self.village_box.currentData()
        self.village_box.clear()
        for v in villages:
            self.village_box.addItem(f"{v.township} {v.name}（{v.households}户）", v.qualified)
        self.village_box.setCurrentIndex(max(self.village_box.findData(current), 0))
        self.days_spin.setValue(days)
        self.offset_x.setValue(dx)
        self.offset_y.setValue(dy)
        self._today_default()
        self.choices.fill_dates()

    def _update_fields(self) -> None:
        key = self.output_box.currentData()
        if key in NEEDS:
            show = self.choices.shown(key)
            show |= {
                w
                for name, w in (("village", self.village_box), ("days", self.days_spin))
                if name in NEEDS[key]
            }
        else:
            show = self._classic_fields(key)
        for widget in self._rows:
            widget.setVisible(widget in show)
            label = self.form.labelForField(widget)
            if label is not None:
                label.setVisible(widget in show)
        dated = key in (
            "notice",
            "certificate",
            "card",
            "card_a5",
            "plan",
            "monitoring_ledger",
            "visit_ledger",
        )
        self.start_edit.setVisible(dated)  # for plans and their ledgers, the date's year is the plan year
        self.form.labelForField(self.start_edit).setVisible(dated)
        # an identification notice prints its round's list with the round's own 村公示 dates
        by_round = key == "notice" and self.kind_box.currentData() == "identification"
        for widget in (self.days_spin, self.start_edit):
            widget.setEnabled(not by_round)
            widget.setToolTip(
                "识别公示按识别批次的村公示日期和天数（该村最新已公示的批次）" if by_round else ""
            )
        self._set_ready(False)

    def _classic_fields(self, key: str) -> set[QWidget]:
        return {
            "notice": {self.village_box, self.kind_box, self.title_edit, self.days_spin},
            "ledger": {self.village_box},
            "ledger_xlsx": {self.village_box},
            "certificate": {
                self.household_edit,
                self.award_edit,
                self.preprinted_check,
                self.offset_x,
                self.offset_y,
            },
            "calibration": set(),
            "card": {self.household_edit},
            "card_a5": {self.household_edit},
            "plan": {self.household_edit},
            "archive_ledger": {self.village_box},
            "monitoring_ledger": {self.village_box},
            "visit_ledger": {self.village_box},
        }[key]

    def _set_ready(self, ready: bool) -> None:
        self.print_button.setEnabled(ready and self.generated is not None and self.generated.pages > 0)
        self.save_button.setEnabled(ready)

    # --- generating ------------------------------------------------------------------------------------

    def _job(self):
        """What to make, captured on the GUI thread; the returned function runs on the worker."""
        key = self.output_box.currentData()
        village = self.village_box.currentData()
        start = self.start_edit.date().toPython()
        suffix = ".xlsx" if key in XLSX else ".pdf"
        name = self.choices.name_of(key) if key in NEEDS else key
        out = self._tmp / f"{name}-{clock.today():%Y%m%d}{suffix}"
        more = self.choices.maker(key, out, village, self.days_spin.value()) if key in NEEDS else None
        title, kind, days = (
            self.title_edit.text().strip() or None,
            self.kind_box.currentData(),
            self.days_spin.value(),
        )
        code = self.household_edit.text().strip()
        award = self.award_edit.text().strip()
        preprinted = self.preprinted_check.isChecked()
        offset = (self.offset_x.value(), self.offset_y.value())

        def make(db, actor, progress) -> Generated:
            if more is not None:
                result = more(db, actor)
            elif key == "notice":
                result = printing.household_notice(
                    db, actor, village, out, title=title, kind=kind, days=days, start=start
                )
            elif key in ("ledger", "ledger_xlsx"):
                result = printing.household_ledger(
                    db, actor, out, village=village, xlsx=key == "ledger_xlsx", progress=progress
                )
            elif key == "certificate":
                result = printing.household_certificate(
                    db, actor, code, out, award=award, issued=start, preprinted=preprinted, offset_mm=offset
                )
            elif key in PLAN_OUTPUTS:
                result = PLAN_OUTPUTS[key](db, actor, village, code, start.year, out)
            else:
                result = printing.calibration_page(out)
            images = [] if suffix == ".xlsx" else _preview_images(out)
            return Generated(out, result.pages, result.fonts, images)

        return make

    def present(self, make, label: str = "正在生成……", after=None, changes: tuple[str, ...] = ()) -> None:
        """Show a print made elsewhere (an archive copy, a 明白卡): make(db, actor, progress) returns a
        Printed; it runs on the read lane, or on the write lane when printing also records something (a
        project notice records its posting): `changes` then names what it changes."""

        def job(db, actor, progress) -> Generated:
            result = make(db, actor, progress)
            path = Path(result.path)
            return Generated(path, result.pages, result.fonts, _preview_images(path))

        self.generate_button.setEnabled(False)
        self._set_ready(False)
        self.status.setText(label)

        def shown(generated: Generated) -> None:
            self._show(generated)
            if after is not None:
                after()

        if changes:
            self.ctx.ops.write(
                self,
                job,
                changes,
                shown,
                on_failure=self._failed,
                label=label,
                progress=True,
                dialog=True,
                title="生成失败",
            )
            return
        self.ctx.ops.read(
            self,
            job,
            shown,
            on_failure=self._failed,
            label=label,
            progress=True,
            dialog=True,
            title="生成失败",
        )

    def temp_path(self, name: str) -> Path:
        return self._tmp / name

    def generate(self) -> None:
        self.generate_button.setEnabled(False)
        self._set_ready(False)
        self.status.setText("正在生成……")
        self.ctx.ops.read(
            self,
            self._job(),
            self._show,
            on_failure=self._failed,
            label="正在生成……",
            progress=True,
            dialog=True,
            title="生成失败",
        )

    def _failed(self, exc: Exception) -> None:
        self.generate_button.setEnabled(True)
        self.status.setText("生成失败。")
        show_error(self, exc, "生成失败")

    def _show(self, generated: Generated) -> None:
        self.generated = generated
        self.generate_button.setEnabled(True)
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self._add_previews(generated, 0)
        if generated.path.suffix == ".xlsx":
            self.status.setText("已生成Excel台账，请“另存为”保存。")
        else:
            more = f"（预览前{PREVIEW_PAGES}页）" if generated.pages > PREVIEW_PAGES else ""
            self.status.setText(f"已生成，共 {generated.pages} 页{more}。打印时请选择“实际大小（100%）”。")
        self.fonts_label.setText("所用字体：\n" + "\n".join(generated.fonts) if generated.fonts else "")
        self._set_ready(True)

    def _add_previews(self, generated: Generated, start: int) -> None:
        """A few pages per turn of the event loop: thirty at once held the window still for a third of a second
        on a busy PC (bench/ui_stall.py)."""
        if generated is not self.generated:  # a newer print replaced this one
            return
        for image in generated.images[start : start + PREVIEW_CHUNK]:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setObjectName("previewPage")
            self.pages_layout.addWidget(label)
        if start + PREVIEW_CHUNK < len(generated.images):
            QTimer.singleShot(0, self, lambda: self._add_previews(generated, start + PREVIEW_CHUNK))

    # --- output ----------------------------------------------------------------------------------------

    def ask_save(self) -> None:
        if self.generated is None:
            return
        suffix = self.generated.path.suffix
        path, _ = QFileDialog.getSaveFileName(self, "另存为", self.generated.path.name, f"*{suffix}")
        if path:
            shutil.copyfile(self.generated.path, path)
            self.status.setText(f"已保存到 {path}")

    def ask_print(self) -> None:
        if self.generated is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setFromTo(1, self.generated.pages)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.generated.pages)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Each page rendered at the printer's resolution and drawn at actual size. Returns pages printed."""
        assert self.generated is not None
        printed = print_pdf(self.generated.path, printer, printer.fromPage() or 1, printer.toPage() or None)
        self.status.setText(f"已发送 {printed} 页到打印机。")
        return printed
