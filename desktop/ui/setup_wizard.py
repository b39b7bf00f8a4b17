"""首次设置: the wizard shown on a database nobody can log in to yet. Everything it collects is written at once
by setup.first_run when 完成 is pressed; cancelling leaves the database as it was.

It runs before any window exists, so it has operations of its own (desktop.ui.ops.Ops). The 扶贫超市 and 孝善基金
it offers for the new villages are made by the stores and fund services, which each write their own transaction:
they run in the same operation right after first_run (setup.open_places), not inside its transaction."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop import clock
from desktop.config import data_dir
from desktop.errors import ServiceError
from desktop.services.ratings import ratings
from desktop.services.system import settings, setup
from desktop.services.system.actor import SYSTEM, Actor
from desktop.ui.messages import show_error
from desktop.ui.ops import Ops
from desktop.ui.pdf_print import page_image, print_pdf
from desktop.ui.tasks import run_task

ERROR_STYLE = "color: #b00020;"


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


def _database_note(display_name: str, is_sqlite: bool) -> QLabel:
    """Where the data lives, and how several PCs share one township database (never a file on a share)."""
    if is_sqlite:
        text = (
            f"数据库：{display_name}（本机文件，只供这台电脑用）。乡镇几台电脑（包括村里的超市柜台）要共用一套"
            "数据时，不要把这个文件放到共享文件夹里：请在一台电脑或服务器上装 PostgreSQL，每台电脑用 "
            "--db postgresql+psycopg://用户:密码@服务器/数据库 连接（见说明“几台电脑共用一个数据库”）。"
        )
    else:
        text = f"数据库：{display_name}（乡镇共用的 PostgreSQL，其他电脑用同一个地址连接）。"
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("databaseNote")
    return label


class OfficePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("第1步：单位信息")
        self.setSubTitle("乡镇名称会印在公示、证书和台账上。以后可在“系统 → 设置”中修改。")
        self.county_edit = QLineEdit()
        self.county_edit.setPlaceholderText("如：宁陵县")
        self.township_edit = QLineEdit()
        self.township_edit.setPlaceholderText("如：石桥镇")
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("9位统计用区划代码，可不填")
        self.issuer_edit = QLineEdit()
        self.issuer_edit.setPlaceholderText("留空则为“某某镇人民政府”")
        self.phone_edit = QLineEdit("12317")
        self.local_phone_edit = QLineEdit()
        self.local_phone_edit.setPlaceholderText("如：0370-7654321")
        self.days_spin = QSpinBox()
        self.days_spin.setRange(5, 30)
        self.days_spin.setValue(7)
        self.days_spin.setSuffix(" 天")
        self.message = _error_label()
        form = QFormLayout(self)
        form.addRow("所属县（市、区）：", self.county_edit)
        form.addRow("乡镇名称 *：", self.township_edit)
        form.addRow("乡镇区划代码：", self.code_edit)
        form.addRow("落款单位：", self.issuer_edit)
        form.addRow("监督电话：", self.phone_edit)
        form.addRow("乡镇受理电话：", self.local_phone_edit)
        form.addRow("公示天数：", self.days_spin)
        form.addRow(self.message)

    def validatePage(self) -> bool:
        if len(self.township_edit.text().strip()) < 2:
            self.message.setText("请填写乡镇名称（如“石桥镇”）。")
            self.township_edit.setFocus()
            return False
        try:
            settings.validate(
                {
                    "office.township_code": self.code_edit.text(),
                    "notice.issuer": self.issuer_edit.text(),
                    "notice.phone": self.phone_edit.text(),
                    "notice.local_phone": self.local_phone_edit.text(),
                }
            )
        except ServiceError as exc:
            self.message.setText(exc.message)
            return False
        self.message.clear()
        return True


class VillagesPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("第2步：行政村")
        self.setSubTitle(
            "每行一个村，也可以从 Excel 或 Word 里整列复制后粘贴（用顿号、逗号、空格分隔也行）。"
        )
        self.villages_edit = QPlainTextEdit()
        self.villages_edit.setPlaceholderText("周堂村\n赵寨村\n李庄村")
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.message = _error_label()
        self.villages: list[str] = []
        self.villages_edit.textChanged.connect(self._parse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.villages_edit, 1)
        layout.addWidget(self.preview)
        layout.addWidget(self.message)

    def _parse(self) -> None:
        try:
            self.villages = setup.parse_villages(self.villages_edit.toPlainText())
        except ServiceError as exc:
            self.villages = []
            self.message.setText(exc.message)
            self.preview.clear()
            return
        self.message.clear()
        self.preview.setText(
            f"共{len(self.villages)}个村：{'、'.join(self.villages)}" if self.villages else ""
        )

    def validatePage(self) -> bool:
        self._parse()
        if not self.villages:
            if not self.message.text():
                self.message.setText("请至少填写一个村。")
            return False
        return True


class PlacesPage(QWizardPage):
    """Optional: a 扶贫超市 and a 孝善基金 for each new village, ticked here and set up when 完成 is pressed."""

    STORE, FUND = 1, 2

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("第3步：扶贫超市和孝善基金（可选）")
        self.setSubTitle(
            "勾选要设立扶贫超市（积分兑换）或孝善基金的村，完成设置时一并设立；不勾选的以后也可以在"
            "“扶贫超市”“孝善基金”里设立。"
        )
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["村", "设立扶贫超市", "设立孝善基金"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.all_stores = QPushButton("全部设立超市")
        self.all_funds = QPushButton("全部设立基金")
        self.all_stores.clicked.connect(lambda: self._tick_all(self.STORE))
        self.all_funds.clicked.connect(lambda: self._tick_all(self.FUND))
        self.note = QLabel(
            "超市编号自动编为S01、S02……，名称为“某某村扶贫超市”；基金按第6步核对的补贴比例和上限设立。"
        )
        self.note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_stores)
        buttons.addWidget(self.all_funds)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.note)

    def initializePage(self) -> None:
        """The villages just typed; ticks kept for a village still in the list (after 上一步)."""
        kept = {
            self.table.item(r, 0).text(): (self._ticked(r, self.STORE), self._ticked(r, self.FUND))
            for r in range(self.table.rowCount())
        }
        self.table.setRowCount(0)
        for name in self.wizard().villages.villages:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(name))
            for col, on in zip((self.STORE, self.FUND), kept.get(name, (False, False)), strict=True):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                self.table.setItem(row, col, item)

    def _ticked(self, row: int, col: int) -> bool:
        item = self.table.item(row, col)
        return item is not None and item.checkState() == Qt.CheckState.Checked

    def _tick_all(self, col: int) -> None:
        on = not all(self._ticked(r, col) for r in range(self.table.rowCount()))
        for r in range(self.table.rowCount()):
            self.table.item(r, col).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def tick(self, village: str, *, store: bool = False, fund: bool = False) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).text() == village:
                for col, on in ((self.STORE, store), (self.FUND, fund)):
                    self.table.item(r, col).setCheckState(
                        Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
                    )

    def chosen(self, col: int) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount()) if self._ticked(r, col)]


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("第4步：管理员账号")
        self.setSubTitle("管理员可以修改设置、管理用户和从备份恢复。请记住密码。")
        self.user_edit = QLineEdit("admin")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("如：张会计（显示在操作记录里）")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = _error_label()
        form = QFormLayout(self)
        form.addRow("用户名：", self.user_edit)
        form.addRow("姓名：", self.name_edit)
        form.addRow("密码（至少6位）：", self.password_edit)
        form.addRow("再次输入密码：", self.confirm_edit)
        form.addRow(self.message)

    def validatePage(self) -> bool:
        if not self.user_edit.text().strip():
            self.message.setText("请填写用户名。")
        elif len(self.password_edit.text()) < 6:
            self.message.setText("密码至少6位。")
        elif self.password_edit.text() != self.confirm_edit.text():
            self.message.setText("两次输入的密码不一致。")
        else:
            self.message.clear()
            return True
        return False


class CheckPage(QWizardPage):
    """Fonts found, a preview of the sample line as printing draws it, and a printer test page."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("第5步：字体和打印机检查")
        self.setSubTitle("缺少的字体由程序内置字体代替，打印不会出现方框。建议打一张测试页，用尺量一量。")
        self.fonts_label = QLabel("正在检查字体……")
        self.fonts_label.setWordWrap(True)
        self.sample = QLabel()
        self.sample.setMinimumHeight(120)
        self.print_button = QPushButton("打印测试页…")
        self.save_button = QPushButton("测试页另存为PDF…")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.print_button.clicked.connect(self.print_test_page)
        self.save_button.clicked.connect(self.ask_save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fonts_label)
        layout.addWidget(QLabel("打印效果预览："))
        layout.addWidget(self.sample)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.folder = (
            data_dir() / "setup"
        )  # the font strip and the test page (kept: they may be printed again)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.checked = False

    def initializePage(self) -> None:
        if not self.checked:
            run_task(self._check_fonts, on_success=self._show_fonts, on_failure=self._failed, parent=self)

    def _check_fonts(self, _progress):
        from desktop.reports.preview import render_pages  # lazy: reportlab loads only when printing
        from desktop.reports.testpage import (  # lazy: reportlab loads only when printing
            font_report,
            render_font_sample,
        )

        strip = self.folder / "fonts.pdf"
        render_font_sample(strip)
        return font_report(), next(render_pages(strip, 110))

    def _show_fonts(self, result) -> None:

        report, page = result
        lines = [
            f"{role}：{display}" + ("（系统没有该字体，使用内置代替字体）" if bundled else "（系统字体）")
            for role, display, bundled in report
        ]
        self.fonts_label.setText("\n".join(lines))
        self.sample.setPixmap(QPixmap.fromImage(page_image(page)))
        self.checked = True

    def _failed(self, exc: Exception) -> None:
        show_error(self, exc, "检查失败")

    def test_page(self, township: str) -> Path:
        from desktop.reports.testpage import render_test_page  # lazy: reportlab loads only when printing

        path = self.folder / "打印测试页.pdf"
        render_test_page(path, township=township, printed_on=clock.today())
        return path

    def _township(self) -> str:
        wizard = self.wizard()
        return f"{wizard.office.county_edit.text().strip()}{wizard.office.township_edit.text().strip()}"

    def save_test_page(self, target: str) -> None:
        def done(path: Path) -> None:
            Path(target).write_bytes(path.read_bytes())
            self.status.setText(f"测试页已保存：{target}")

        run_task(
            lambda _p: self.test_page(self._township()), on_success=done, on_failure=self._failed, parent=self
        )

    def ask_save(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "保存测试页", "打印测试页.pdf", "PDF 文件 (*.pdf)")
        if target:
            self.save_test_page(target)

    def print_test_page(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        def send(path: Path) -> None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            dialog = QPrintDialog(printer, self)
            if dialog.exec() == QPrintDialog.DialogCode.Accepted:
                print_pdf(path, printer)
                self.status.setText("测试页已发送到打印机。外框到纸边应是10毫米，横线应长100毫米。")

        run_task(
            lambda _p: self.test_page(self._township()), on_success=send, on_failure=self._failed, parent=self
        )


class DefaultsPage(QWizardPage):
    """The software's defaults that no seed sets (the points a star, the fund's match), shown as defaults for the
    clerk to check and confirm once (desktop.services.system.defaults), never as rules."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("第6步：核对软件默认值")
        self.setSubTitle(
            "以下数值是软件的默认值，文件没有规定。请按本乡镇的做法核对或修改后确认；以后可在“系统 → 设置”中修改。"
        )
        self.stars_label = QLabel(
            f"星级评定：{'、'.join(ratings.DEFAULT_STARS)}十颗星（商丘市扶志扶智实施意见四(七)），每颗星10分"
            "（默认值：文件只说“通过星级评定获取一定的积分”；分值可在“系统 → 设置 → 星级标准”中修改）。"
        )
        self.stars_label.setWordWrap(True)
        self.percent_spin = QSpinBox()
        self.percent_spin.setRange(0, 100)
        self.percent_spin.setValue(int(settings.SPECS["fund.match_percent"].default))
        self.percent_spin.setSuffix(" %")
        self.cap_spin = QSpinBox()
        self.cap_spin.setRange(0, 1_000_000)
        self.cap_spin.setValue(int(settings.SPECS["fund.match_cap_yuan"].default))
        self.cap_spin.setSuffix(" 元")
        fund_note = QLabel(
            "孝善基金补贴：新设的孝善基金按子女缴纳额补贴（默认10%，每位老人每月最多30元）。商丘市产业扶贫实施意见"
            "五(十三)只说“鼓励做子女的每月向老人寄送孝心养老金”，没有规定基金补贴；各村可在设立基金时另定。"
        )
        fund_note.setWordWrap(True)
        self.confirm_check = QCheckBox("以上默认值已核对，按此使用")
        self.message = _error_label()
        form = QFormLayout(self)
        form.addRow(self.stars_label)
        form.addRow(fund_note)
        form.addRow("基金补贴比例：", self.percent_spin)
        form.addRow("每位老人每月补贴上限：", self.cap_spin)
        form.addRow(self.confirm_check)
        form.addRow(self.message)

    def validatePage(self) -> bool:
        if not self.confirm_check.isChecked():
            self.message.setText("请核对以上默认值后勾选“已核对”。")
            return False
        self.message.clear()
        return True

    def extra(self) -> dict:
        """The settings the confirmation writes (nothing until it is ticked)."""
        if not self.confirm_check.isChecked():
            return {}
        return {
            "fund.match_percent": self.percent_spin.value(),
            "fund.match_cap_yuan": self.cap_spin.value(),
            "rules.confirmed": list(settings.DEFAULT_GROUPS),
        }


class SetupWizard(QWizard):
    def __init__(self, source, parent: QWidget | None = None) -> None:
        """source: the opened database (app start-up) or an Ops already made for it."""
        super().__init__(parent)
        self.ops = source if isinstance(source, Ops) else Ops(source, SYSTEM)
        self.actor: Actor | None = None
        self.opened: setup.Opened | None = None  # the stores and funds set up with it
        self.setWindowTitle("首次设置 — 乡镇扶贫工作台")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步 >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< 上一步")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成，开始使用")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")
        self.office = OfficePage()
        # the kind of database is in its address: no query needed
        self.office.layout().addRow(_database_note(self.ops.display_name, getattr(source, "is_sqlite", True)))
        self.villages = VillagesPage()
        self.places = PlacesPage()
        self.admin = AdminPage()
        self.check = CheckPage()
        self.defaults = DefaultsPage()
        for page in (self.office, self.villages, self.places, self.admin, self.check, self.defaults):
            self.addPage(page)
        self.resize(720, 560)

    def collect(self) -> setup.SetupData:
        o, a = self.office, self.admin
        return setup.SetupData(
            township=o.township_edit.text().strip(),
            county=o.county_edit.text().strip(),
            township_code=o.code_edit.text().strip(),
            issuer=o.issuer_edit.text().strip(),
            phone=o.phone_edit.text().strip(),
            local_phone=o.local_phone_edit.text().strip(),
            notice_days=o.days_spin.value(),
            villages=list(self.villages.villages),
            admin_username=a.user_edit.text().strip(),
            admin_password=a.password_edit.text(),
            admin_display_name=a.name_edit.text().strip() or "管理员",
            extra=self.defaults.extra(),
        )

    def accept(self) -> None:
        if not self.validateCurrentPage():  # the last page is checked before anything is written
            return
        if not self.ops.idle:  # 完成 pressed twice
            return
        data = self.collect()
        stores_for = self.places.chosen(PlacesPage.STORE)
        funds_for = self.places.chosen(PlacesPage.FUND)

        def work(db, _actor):
            actor = setup.first_run(db, data)  # one transaction: all of it or nothing
            if not (stores_for or funds_for):
                return actor, None, None
            try:  # the office is set up by now: a store or fund that fails is reported, not fatal
                return (
                    actor,
                    setup.open_places(db, actor, data.township, stores_for=stores_for, funds_for=funds_for),
                    None,
                )
            except ServiceError as exc:
                return actor, None, exc

        self.ops.write(
            self,
            work,
            (),
            self._finished,
            on_failure=lambda exc: show_error(self, exc, "无法完成设置"),
            busy=self,
        )

    def _finished(self, result) -> None:
        self.actor, self.opened, problem = result
        if problem is None:
            super().accept()
            return
        # the office, villages and administrator are saved; say what is left to do, then go on
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "超市或基金未全部设立",
            f"设置已完成，但扶贫超市或孝善基金没有全部设立：{problem.message}\n"
            "请进入程序后在“扶贫超市”“孝善基金”里设立。",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("placesProblem")
        box.finished.connect(lambda _r: QWizard.accept(self))
        box.open()
