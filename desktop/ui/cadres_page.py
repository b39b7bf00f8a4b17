"""帮扶干部 area: the registry of cadres (add, correct, leave the post), pairing of a cadre with households
(结对 / 解除), the registered and monitored households without a paired cadre, and 遍访 coverage — who is behind
and which households they have not yet visited — with the 遍访台账 print. An empty registry offers the import
from the roster's 帮扶责任人 column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.errors import InputRejected
from desktop.models.cadres import UNIT_KINDS
from desktop.services import child
from desktop.services.cadres import cadre_reports, cadres
from desktop.services.cadres.coverage_rules import HOUSEHOLD_SETS, PERIODS, POSTS
from desktop.ui.context import UiContext
from desktop.ui.dates import qdate_today
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe
from desktop.ui.tables import RowsTable, fit_to_contents

BEHIND = QColor("#c62828")
RULE_HEADERS = ["启用", "名称", "职务", "走访对象", "要求", "次数", "周期", "截止（月-日）", "依据"]
SHOWN_ROWS = 2000  # rows a table lists; the status line gives the whole count


def _table(headers: list[str]) -> RowsTable:
    return RowsTable(headers)


def _fill(table: RowsTable, rows: list[list[str]], *, red: set[int] = frozenset()) -> None:
    table.fill(rows[:SHOWN_ROWS], marked=red, mark=BEHIND)


@dataclass(frozen=True)
class CoverageView:
    """What the 遍访 tab shows, made on the worker (thousands of rows' texts would hold the GUI thread): the rows'
    texts cut to what the table lists, all of them and only those behind, each with its rows drawn in red."""

    year: int
    all: tuple[list[list[str]], set[int]]
    behind: tuple[list[list[str]], set[int]]
    totals: str
    rules: str
    behind_cadres: int

    @classmethod
    def of(cls, cov: cadres.Coverage, limit: int) -> CoverageView:
        def texts(rows: list[cadres.CoverageRow]) -> tuple[list[list[str]], set[int]]:
            shown = rows[:limit]
            return (
                [
                    [
                        r.cadre,
                        r.post,
                        r.village or "（全乡镇）",
                        r.rule,
                        r.period,
                        f"{r.due}{r.measure}",
                        f"{r.done}{r.measure}",
                        r.state,
                        cadre_reports.behind_text(r, 30),
                    ]
                    for r in shown
                ],
                {i for i, r in enumerate(shown) if r.state == "未完成"},
            )

        behind = cov.behind_rows
        totals = cov.totals(lambda r: r.village or "全乡镇")
        return cls(
            year=cov.year,
            all=texts(cov.rows),
            behind=texts(behind),
            totals="各村（应访/已访，户次）："
            + ("　".join(f"{v} {due}/{done}" for v, (due, done) in sorted(totals.items())) or "无"),
            rules="遍访规则（在“遍访规则”页修改）：" + "；".join(r.text for r in cov.rules),
            behind_cadres=len({r.cadre_id for r in behind}),
        )


def _date(d) -> str:
    return clock.cn_date(d) if d else ""


def read_page(db, actor, year: int, ended: bool, shown: int):
    """What the page shows, read in the reader process (desktop.services.child.read): the lists cut to what the
    tables show (`shown`: SHOWN_ROWS as the window reads it), the 遍访 texts made there too."""
    found = cadres.cadres(db, actor, include_ended=ended)
    unpaired = cadres.unpaired(db, actor)
    return (
        cadres.registry_empty(db),
        (len(found), found[:shown]),
        (len(unpaired), unpaired[:shown]),
        CoverageView.of(cadres.coverage(db, actor, year), shown),
        cadres.rules(db),
    )


class CadresPage(QWidget):
    open_household = Signal(str)

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, *, present_print: Callable | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.present_print = present_print
        self.found: list[cadres.CadreInfo] = []
        self.paired: list[cadres.PairingInfo] = []
        self.coverage: CoverageView | None = None
        self.imported = ""  # what the last import from the roster made, said until the page is left
        editable = ctx.actor.can("household.edit")
        office = editable and ctx.actor.village_ids is None

        self.year_spin = QSpinBox()
        self.year_spin.setRange(2014, 2100)
        self.year_spin.setValue(clock.today().year)
        self.year_spin.setSuffix(" 年度")
        self.refresh_button = QPushButton("刷新")
        self.import_button = QPushButton("从花名册导入结对")
        self.import_button.setEnabled(office)
        self.print_button = QPushButton("打印遍访台账")
        self.empty_label = QLabel(
            "<b>帮扶干部名单还是空的。</b>花名册“帮扶责任人”一栏已有各户的帮扶人："
            "点“从花名册导入结对”一次登记这些干部并与各户结对（可重复执行，已结对的户不变）。"
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("background: #fff8e1; padding: 6px;")
        self.empty_label.hide()
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>帮扶干部</b>"))
        top.addStretch(1)
        top.addWidget(self.year_spin)
        top.addWidget(self.refresh_button)
        top.addWidget(self.import_button)
        top.addWidget(self.print_button)

        # registry
        self.include_ended = QCheckBox("包括已离任的")
        self.registry = _table(
            ["编号", "姓名", "职务", "单位类别", "单位", "所在村", "联系电话", "结对户数", "任职", "状态"]
        )
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("姓名")
        self.post_box = QComboBox()
        self.post_box.addItems(POSTS)
        self.unit_kind_box = QComboBox()
        self.unit_kind_box.addItem("（单位类别）", "")
        for kind in UNIT_KINDS:
            self.unit_kind_box.addItem(kind, kind)
        self.unit_edit = QLineEdit()
        self.unit_edit.setPlaceholderText("单位，如 县民政局、城关镇")
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("联系电话")
        self.village_edit = QLineEdit()
        self.village_edit.setPlaceholderText("所在村（村干部、驻村）")
        self.add_button = QPushButton("登记")
        self.edit_button = QPushButton("修改选中")
        self.end_reason = QLineEdit()
        self.end_reason.setPlaceholderText("离任原因（调离、退休、轮换…）")
        self.end_button = QPushButton("选中干部离任")
        reg = QWidget()
        rv = QVBoxLayout(reg)
        rv.addWidget(self.include_ended)
        rv.addWidget(self.registry, 1)
        form = QHBoxLayout()
        for w, stretch in (
            (self.name_edit, 1),
            (self.post_box, 0),
            (self.unit_kind_box, 0),
            (self.unit_edit, 2),
            (self.phone_edit, 1),
            (self.village_edit, 1),
            (self.add_button, 0),
            (self.edit_button, 0),
        ):
            form.addWidget(w, stretch)
        rv.addLayout(form)
        ends = QHBoxLayout()
        ends.addStretch(1)
        ends.addWidget(self.end_reason, 1)
        ends.addWidget(self.end_button)
        rv.addLayout(ends)

        # pairing of the selected cadre
        self.pair_label = QLabel("在“干部名单”中选择一位干部")
        self.pairs = _table(["结对编号", "户编号", "户主", "行政村", "结对日期", "解除日期", "说明"])
        self.pair_codes = QLineEdit()
        self.pair_codes.setPlaceholderText("户编号（可多个，用空格或逗号分开）")
        self.pair_date = QDateEdit(qdate_today())
        self.pair_date.setCalendarPopup(True)
        self.pair_date.setDisplayFormat("yyyy-MM-dd")
        self.pair_button = QPushButton("结对")
        self.unpair_reason = QLineEdit()
        self.unpair_reason.setPlaceholderText("解除原因")
        self.unpair_button = QPushButton("解除选中结对")
        pair = QWidget()
        pv = QVBoxLayout(pair)
        pv.addWidget(self.pair_label)
        pv.addWidget(self.pairs, 1)
        pr = QHBoxLayout()
        pr.addWidget(self.pair_codes, 2)
        pr.addWidget(QLabel("自"))
        pr.addWidget(self.pair_date)
        pr.addWidget(self.pair_button)
        pr.addStretch(1)
        pr.addWidget(self.unpair_reason, 1)
        pr.addWidget(self.unpair_button)
        pv.addLayout(pr)

        # households without a paired cadre
        self.unpaired = _table(["户编号", "户主", "行政村", "户类型/属性", "花名册帮扶责任人"])
        self.unpaired_label = QLabel()
        up = QWidget()
        uv = QVBoxLayout(up)
        uv.addWidget(
            QLabel(
                "建档立卡户和监测户都应有结对帮扶干部（疑点核查“没有帮扶责任人”）。双击打开该户；选中后可与干部结对。"
            )
        )
        uv.addWidget(self.unpaired, 1)
        uv.addWidget(self.unpaired_label)

        # coverage
        self.behind_only = QCheckBox("只看未完成的")
        self.covered = _table(
            ["干部", "职务", "行政村", "遍访要求", "期间", "应访", "已访", "完成情况", "未走访农户"]
        )
        self.village_totals = QLabel()
        self.village_totals.setWordWrap(True)
        self.rules_label = QLabel()
        self.rules_label.setWordWrap(True)
        cov = QWidget()
        cv = QVBoxLayout(cov)
        cv.addWidget(self.behind_only)
        cv.addWidget(self.covered, 1)
        cv.addWidget(self.village_totals)
        cv.addWidget(self.rules_label)

        self.tabs = QTabWidget()
        self.tabs.addTab(reg, "干部名单")
        self.tabs.addTab(pair, "结对")
        self.tabs.addTab(up, "未结对农户")
        self.tabs.addTab(cov, "遍访情况")
        self.tabs.addTab(self._rules_tab(), "遍访规则")
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)

        for b in (self.add_button, self.edit_button, self.end_button):
            b.setEnabled(office)
        for b in (self.pair_button, self.unpair_button):
            b.setEnabled(editable)
        self.refresh_button.clicked.connect(self.reload)
        self.year_spin.valueChanged.connect(lambda _y: self.reload())
        self.include_ended.toggled.connect(lambda _on: self.reload())
        self.behind_only.toggled.connect(lambda _on: self._show_coverage())
        self.import_button.clicked.connect(self.import_pairing)
        self.print_button.clicked.connect(self.print_ledger)
        self.add_button.clicked.connect(self.add_cadre)
        self.edit_button.clicked.connect(self.edit_cadre)
        self.end_button.clicked.connect(self.end_cadre)
        self.pair_button.clicked.connect(self.pair)
        self.unpair_button.clicked.connect(self.unpair)
        self.registry.itemSelectionChanged.connect(self._selected)
        self.unpaired.cellDoubleClicked.connect(
            lambda r, _c: self.open_household.emit(self.unpaired.item(r, 0).text())
        )
        self.unpaired.itemSelectionChanged.connect(self._take_unpaired)
        self._generation = 0
        subscribe(ctx.ops, self, ("plans", "households", "settings"), self.reload)

    def _rules_tab(self) -> QWidget:
        """The county's 遍访 rules, one a row, edited in place and saved together (an admin's setting)."""
        self.rules_table = QTableWidget(0, len(RULE_HEADERS))
        self.rules_table.setHorizontalHeaderLabels(RULE_HEADERS)
        self.rules_table.verticalHeader().hide()
        fit_to_contents(self.rules_table.horizontalHeader())
        self.rules_table.horizontalHeader().setStretchLastSection(True)
        self.rules_add = QPushButton("添加规则")
        self.rules_save = QPushButton("保存遍访规则")
        can = self.ctx.actor.can("settings")
        for b in (self.rules_add, self.rules_save):
            b.setEnabled(can)
        if not can:
            self.rules_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        note = QLabel(
            "启用填“是/否”；职务用顿号分开（"
            + "、".join(POSTS)
            + "）；走访对象：未脱贫户、建档立卡户、结对户；"
            "要求：每户（每户都要走访够次数）或合计（走访次数合计）；周期：每年、每季度；截止：每年的规则可写“06-30”。"
            "默认规则引自种子001、002，文件没有规定的次数是软件默认值。"
        )
        note.setWordWrap(True)
        self.rules_add.clicked.connect(self._add_rule_row)
        self.rules_save.clicked.connect(self.save_rules)
        tab = QWidget()
        v = QVBoxLayout(tab)
        v.addWidget(self.rules_table, 1)
        v.addWidget(note)
        row = QHBoxLayout()
        row.addWidget(self.rules_add)
        row.addStretch(1)
        row.addWidget(self.rules_save)
        v.addLayout(row)
        return tab

    def _add_rule_row(self, values: list[str] | None = None) -> None:
        r = self.rules_table.rowCount()
        self.rules_table.insertRow(r)
        for c, text in enumerate(values or ["是", "", "", "建档立卡户", "每户", "1", "每年", "", ""]):
            self.rules_table.setItem(r, c, QTableWidgetItem(text))

    def _show_rules(self, rules: list) -> None:
        self.rules_table.setRowCount(0)
        for rule in rules:
            self._add_rule_row(
                [
                    "是" if rule.enabled else "否",
                    rule.name,
                    "、".join(rule.posts),
                    HOUSEHOLD_SETS[rule.households],
                    "每户" if rule.each else "合计",
                    str(rule.visits),
                    PERIODS[rule.period],
                    rule.until,
                    rule.source,
                ]
            )

    def save_rules(self) -> None:
        sets = {v: k for k, v in HOUSEHOLD_SETS.items()}
        periods = {v: k for k, v in PERIODS.items()}
        items = []
        for r in range(self.rules_table.rowCount()):
            cell = [
                (self.rules_table.item(r, c).text().strip() if self.rules_table.item(r, c) else "")
                for c in range(len(RULE_HEADERS))
            ]
            items.append(
                {
                    "enabled": cell[0] != "否",
                    "name": cell[1],
                    "posts": [
                        p for p in cell[2].replace(",", "、").replace("，", "、").split("、") if p.strip()
                    ],
                    "households": sets.get(cell[3], cell[3]),
                    "each": cell[4] != "合计",
                    "visits": cell[5],
                    "period": periods.get(cell[6], cell[6]),
                    "until": cell[7],
                    "source": cell[8],
                }
            )
        self.ctx.ops.write(
            self, lambda db, actor: cadres.set_rules(db, actor, items), ("settings",), title="遍访规则未保存"
        )

    # --- reading -------------------------------------------------------------------------------------------

    @property
    def cadre(self) -> cadres.CadreInfo | None:
        rows = self.registry.selectionModel().selectedRows()
        return self.found[rows[0].row()] if rows and rows[0].row() < len(self.found) else None

    def reload(self) -> None:
        year, ended = self.year_spin.value(), self.include_ended.isChecked()
        chosen = self.cadre.id if self.cadre else None
        self._generation += 1
        generation = self._generation
        self.status.setText("正在读取……")

        def shown(result) -> None:
            if generation == self._generation:
                self._show(result, chosen)

        def failed(exc: Exception) -> None:
            if generation == self._generation:
                self.status.setText("读取失败。")
            show_error(self, exc, "读取失败")

        # in the reader process: several seconds of Python at county scale, which here would hold the GIL against
        # every repaint of the window (docs/performance.md)
        self.ctx.ops.read(
            self,
            lambda db, actor: child.read(db, actor, read_page, year, ended, SHOWN_ROWS),
            shown,
            on_failure=failed,
            title="读取失败",
        )

    def _show(self, result, chosen: int | None) -> None:
        empty, (found_count, found), (unpaired_count, unpaired), coverage, rules = result
        self._show_rules(rules)
        self.empty_label.setVisible(empty)
        self.import_button.setDefault(empty)
        self.found = found
        today = clock.today()
        _fill(
            self.registry,
            [
                [
                    str(c.id),
                    c.name,
                    c.post,
                    c.unit_kind,
                    c.unit,
                    c.village,
                    c.phone,
                    str(c.paired),
                    f"{_date(c.active_from) or '—'}至{_date(c.active_to) or '今'}",
                    "在岗" if c.active(today) else f"离任（{c.end_reason}）",
                ]
                for c in found
            ],
        )
        for r, c in enumerate(found):
            if c.id == chosen:
                self.registry.selectRow(r)
        _fill(self.unpaired, [[u.code, u.head, u.village, u.kind, u.roster_helper] for u in unpaired])
        self.unpaired_label.setText(f"没有结对帮扶干部的建档立卡户、监测户：{unpaired_count}户")
        self.coverage = coverage
        self._show_coverage()
        self.status.setText(
            f"在册干部{found_count}人；未结对{unpaired_count}户；"
            f"{coverage.year}年遍访未完成的干部{coverage.behind_cadres}人"
            + (f"。{self.imported}" if self.imported else "")
        )
        self._selected()

    def _show_coverage(self) -> None:
        view = self.coverage
        if view is None:
            return
        rows, red = view.behind if self.behind_only.isChecked() else view.all
        _fill(self.covered, rows, red=red)
        self.village_totals.setText(view.totals)
        self.rules_label.setText(view.rules)

    def _selected(self) -> None:
        c = self.cadre
        if c is None:
            self.pair_label.setText("在“干部名单”中选择一位干部")
            self.paired = []
            self.pairs.fill([])
            return
        self.pair_label.setText(f"<b>{c.label}</b> 的结对农户（含已解除的）")
        self.name_edit.setText(c.name)
        self.post_box.setCurrentText(c.post)
        self.unit_kind_box.setCurrentIndex(max(self.unit_kind_box.findData(c.unit_kind), 0))
        self.unit_edit.setText(c.unit)
        self.phone_edit.setText(c.phone)
        self.village_edit.setText(c.village)
        cid = c.id

        def shown(found) -> None:
            current = self.cadre
            if current is None or current.id != cid:
                return
            self.paired = found
            _fill(
                self.pairs,
                [
                    [
                        str(p.id),
                        p.code,
                        p.head,
                        p.village,
                        _date(p.started_on),
                        _date(p.ended_on),
                        p.end_reason or p.reason,
                    ]
                    for p in found
                ],
            )

        self.ctx.ops.read(self, lambda db, actor: cadres.pairings(db, actor, cadre_id=cid), shown)

    def _take_unpaired(self) -> None:
        rows = self.unpaired.selectionModel().selectedRows()
        if rows:
            self.pair_codes.setText(self.unpaired.item(rows[0].row(), 0).text())

    # --- writing -------------------------------------------------------------------------------------------

    def _write(self, fn, on_done=None) -> None:
        self.ctx.ops.write(self, fn, ("plans",), on_done, title="未能保存")

    def _fields(self) -> dict:
        return {
            "name": self.name_edit.text(),
            "post": self.post_box.currentText(),
            "unit_kind": self.unit_kind_box.currentData() or "",
            "unit": self.unit_edit.text(),
            "phone": self.phone_edit.text(),
            "village": self.village_edit.text().strip() or None,
        }

    def add_cadre(self) -> None:
        f = self._fields()
        name, post = f.pop("name"), f.pop("post")

        def done(_cid) -> None:
            for edit in (self.name_edit, self.unit_edit, self.phone_edit, self.village_edit):
                edit.clear()

        self._write(lambda db, actor: cadres.add_cadre(db, actor, name, post, **f), done)

    def edit_cadre(self) -> None:
        c = self.cadre
        if c is None:
            show_error(self, InputRejected("请先在名单中选择要修改的干部"), "未修改")
            return
        f, cid = self._fields(), c.id
        self._write(lambda db, actor: cadres.edit_cadre(db, actor, cid, **f))

    def end_cadre(self) -> None:
        c = self.cadre
        if c is None:
            show_error(self, InputRejected("请先在名单中选择离任的干部"), "未保存")
            return
        cid, reason = c.id, self.end_reason.text()
        self._write(
            lambda db, actor: cadres.end_cadre(db, actor, cid, reason), lambda _n: self.end_reason.clear()
        )

    def pair(self) -> None:
        c = self.cadre
        if c is None:
            show_error(self, InputRejected("请先在“干部名单”中选择结对的干部"), "未结对")
            return
        codes = self.pair_codes.text().replace("，", " ").replace(",", " ").split()
        cid, on = c.id, self.pair_date.date().toPython()
        self._write(
            lambda db, actor: cadres.pair(db, actor, cid, codes, on=on), lambda _ids: self.pair_codes.clear()
        )

    def unpair(self) -> None:
        rows = self.pairs.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.paired):
            show_error(self, InputRejected("请先在结对列表中选择要解除的一行"), "未解除")
            return
        pid, reason = self.paired[rows[0].row()].id, self.unpair_reason.text()
        self._write(
            lambda db, actor: cadres.unpair(db, actor, pid, reason), lambda _r: self.unpair_reason.clear()
        )

    def import_pairing(self) -> None:
        def done(report) -> None:
            self.imported = "从花名册导入：" + report.text
            self.status.setText(self.imported)

        self._write(lambda db, actor: cadres.import_pairing(db, actor), done)

    def print_ledger(self) -> None:
        if self.present_print is None:
            return
        year, behind = self.year_spin.value(), self.behind_only.isChecked()
        self.present_print(
            f"遍访台账{year}.pdf",
            lambda db, actor, out: cadre_reports.coverage_ledger(
                db, actor, out, year=year, behind_only=behind
            ),
            f"{year}年度干部遍访台账" + ("（未完成部分）" if behind else ""),
        )
