"""系统 → 设置: every office setting in one place, each tab saved by its own button through the owning service
(which checks and audits it). Users without the 设置 permission see the values but cannot save.

Everything is read and saved through ctx.ops: a tab's 保存 is one write operation, and a table of rows (years,
stars, checklist items, rules) is one service call that checks every row before it writes any."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, limits, money
from desktop.errors import InputRejected
from desktop.services.archives import archives
from desktop.services.fund import fund
from desktop.services.households import households
from desktop.services.plans import plans
from desktop.services.points import stores
from desktop.services.quality import quality
from desktop.services.quality.quality_rules import PARAM_NAMES
from desktop.services.ratings import ratings
from desktop.services.system import defaults, settings, setup, users
from desktop.services.system.actor import ROLE_NAMES, SYSTEM
from desktop.ui.context import UiContext
from desktop.ui.messages import show_error
from desktop.ui.ops import subscribe

# What this page shows, so it is read again after a write elsewhere touches it.
SHOWN = ("settings", "users", "stock", "fund", "plans", "ratings", "archives", "quality")
# The least a new account can do: an administrator raises it on purpose.
LEAST_ROLE = "auditor"


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().hide()
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return t


def _cell(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text().strip() if item else ""


def _fen(text: str, what: str) -> int:
    return money.parse_yuan(text, what, max_fen=limits.INCOME_FEN, min_fen=0)


AREA_PARAMS = (
    ("monitoring.", "防返贫监测"),
    ("problems.", "问题整改"),
    ("projects.", "项目资金"),
    ("posts.", "公益岗位"),
)


class SettingsPage(QWidget):
    saved = Signal(str)  # what was saved, for the status line

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editable = ctx.actor.can("settings")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._office_tab(), "单位与公示")
        self.tabs.addTab(self._print_tab(), "打印")
        self.tabs.addTab(self._backup_tab(), "自动备份")
        self.tabs.addTab(self._limits_tab(), "金额限额")
        self.tabs.addTab(self._threshold_tab(), "收入标准")
        self.tabs.addTab(self._stars_tab(), "星级标准")
        self.tabs.addTab(self._fund_tab(), "基金与超市规则")
        self.tabs.addTab(self._params_tab(), "业务参数")
        self.tabs.addTab(self._checklist_tab(), "档案清单")
        self.tabs.addTab(self._rules_tab(), "核查规则")
        self.tabs.addTab(self._users_tab(), "用户和角色")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        if not self.editable:
            self.status.setText("只有管理员可以修改设置。")
        self.loaded = False  # tests and saves wait for the first read
        self._keep_user: str | None = None
        subscribe(ctx.ops, self, SHOWN, self.reload)
        self.reload()

    # --- building ------------------------------------------------------------------------------------

    def _save_button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setEnabled(self.editable)
        button.clicked.connect(slot)
        return button

    def _form_tab(
        self, rows: list[tuple[str, QWidget]], save: QPushButton, extra: QWidget | None = None
    ) -> QWidget:
        tab = QWidget()
        form = QFormLayout()
        for label, widget in rows:
            form.addRow(label, widget)
        layout = QVBoxLayout(tab)
        layout.addLayout(form)
        if extra is not None:
            layout.addWidget(extra, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(save)
        layout.addLayout(row)
        if extra is None:
            layout.addStretch(1)
        return tab

    def _office_tab(self) -> QWidget:
        self.code_edit = QLineEdit()
        self.issuer_edit = QLineEdit()
        self.issuer_edit.setPlaceholderText("留空则为“某某镇人民政府”")
        self.days_spin = QSpinBox()
        self.days_spin.setRange(5, 30)
        self.days_spin.setSuffix(" 天")
        self.phone_edit = QLineEdit()
        self.local_phone_edit = QLineEdit()
        self.address_edit = QLineEdit()
        self.office_save = self._save_button("保存", self.save_office)
        return self._form_tab(
            [
                ("乡镇区划代码：", self.code_edit),
                ("落款单位：", self.issuer_edit),
                ("公示天数：", self.days_spin),
                ("监督电话：", self.phone_edit),
                ("乡镇受理电话：", self.local_phone_edit),
                ("受理地址：", self.address_edit),
            ],
            self.office_save,
        )

    def _print_tab(self) -> QWidget:
        self.dx_spin, self.dy_spin = QDoubleSpinBox(), QDoubleSpinBox()
        for spin in (self.dx_spin, self.dy_spin):
            spin.setRange(-30, 30)
            spin.setDecimals(1)
            spin.setSingleStep(0.5)
            spin.setSuffix(" 毫米")
        self.receipts = _table(["超市", "编号", "小票宽度（毫米）"])
        self.print_save = self._save_button("保存", self.save_print)
        note = QLabel("证书套打：先在“公示打印”里打一张校准页，量出偏差后填在这里（向右、向下为正）。")
        note.setWordWrap(True)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(note)
        column.addWidget(QLabel("各超市的小票打印机纸宽："))
        column.addWidget(self.receipts, 1)
        return self._form_tab(
            [("证书横向偏移：", self.dx_spin), ("证书纵向偏移：", self.dy_spin)], self.print_save, box
        )

    def _backup_tab(self) -> QWidget:
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText("留空则为数据库旁的 backups 文件夹")
        browse = QPushButton("选择…")
        browse.clicked.connect(self._browse_folder)
        folder = QWidget()
        row = QHBoxLayout(folder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        self.keep_spin = QSpinBox()
        self.keep_spin.setRange(1, 3650)
        self.keep_spin.setSuffix(" 天")
        self.daily_check = QCheckBox("每天第一次打开时自动备份")
        self.exit_check = QCheckBox("退出程序时自动备份")
        self.backup_save = self._save_button("保存", self.save_backup)
        note = QLabel(
            "备份文件建议放在另一块硬盘或U盘上。自动备份超过保留天数后删除；"
            "手动备份、升级前和恢复前的备份不会被自动删除。"
        )
        note.setWordWrap(True)
        return self._form_tab(
            [
                ("备份文件夹：", folder),
                ("保留天数：", self.keep_spin),
                ("", self.daily_check),
                ("", self.exit_check),
                ("", note),
            ],
            self.backup_save,
        )

    def _limits_tab(self) -> QWidget:
        """The county's limits on one entry (points, contributions, stock, prices, incomes, measures)."""
        self.limit_spins: dict[str, QSpinBox] = {}
        rows = []
        for key, spec in settings.SPECS.items():
            if not key.startswith(("limits.", "loans.")):  # loans.*: 小额信贷 limits and the overdue alert
                continue
            spin = QSpinBox()
            spin.setRange(1, 2_000_000_000)
            spin.setGroupSeparatorShown(True)
            self.limit_spins[key] = spin
            rows.append((spec.label + "：", spin))
        self.limits_save = self._save_button("保存", self.save_limits)
        note = QLabel(
            "这些是本县的政策限额（括号中为默认值，不是文件规定）：超过的积分、金额或数量会被拒绝并说明原因。"
            "数据库另有更高的硬性上限，任何设置都不能超过。"
        )
        note.setWordWrap(True)
        return self._form_tab([*rows, ("", note)], self.limits_save)

    def _params_tab(self) -> QWidget:
        """The areas' own numbers (防返贫监测, 问题整改, 项目资金, 公益岗位): each label says whether its default is a
        seed's figure or only a default. Saved together, checked first (one transaction)."""
        self.param_widgets: dict[str, QSpinBox | QCheckBox] = {}
        inner = QWidget()
        form = QFormLayout(inner)
        for prefix, title in AREA_PARAMS:
            form.addRow(QLabel(f"<b>{title}</b>"))
            for key, spec in settings.SPECS.items():
                if not key.startswith(prefix):
                    continue
                if isinstance(spec.default, bool):
                    widget: QSpinBox | QCheckBox = QCheckBox()
                else:
                    widget = QSpinBox()
                    widget.setRange(0, 1_000_000)  # the setting's own check says what it accepts
                    widget.setGroupSeparatorShown(True)
                self.param_widgets[key] = widget
                form.addRow(spec.label + "：", widget)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.params_save = self._save_button("保存", self.save_params)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.params_save)
        layout.addLayout(row)
        return tab

    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择备份文件夹", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def _threshold_tab(self) -> QWidget:
        self.thresholds = _table(["年度", "贫困线（元/人·年）", "黄卡下限（元）", "黄卡上限（元）"])
        add = QPushButton("添加年度")
        add.setEnabled(self.editable)
        add.clicked.connect(self._add_threshold_row)
        self.threshold_save = self._save_button("保存", self.save_thresholds)
        return self._table_tab(
            "没有设置的年度沿用之前最近一年的标准。卡色建议按这里的标准计算。",
            self.thresholds,
            [add],
            self.threshold_save,
        )

    def _add_threshold_row(self) -> None:
        row = self.thresholds.rowCount()
        last = (
            [_cell(self.thresholds, row - 1, c) for c in range(4)]
            if row
            else ["2018", "3400", "4000", "5000"]
        )
        self.thresholds.insertRow(row)
        year = (
            str(max(int(last[0]) + 1, clock.today().year)) if last[0].isdigit() else str(clock.today().year)
        )
        for c, value in enumerate([year, *last[1:]]):
            self.thresholds.setItem(row, c, QTableWidgetItem(value))

    def _stars_tab(self) -> QWidget:
        self.stars = _table(["星级名称", "积分"])
        add = QPushButton("添加一颗星")
        remove = QPushButton("删除选中")
        for b in (add, remove):
            b.setEnabled(self.editable)
        add.clicked.connect(lambda: self._append(self.stars, ["", "10"]))
        remove.clicked.connect(lambda: self.stars.removeRow(self.stars.currentRow()))
        self.stars_save = self._save_button("保存为新标准", self.save_stars)
        # the points a star are the software's default (seed 000 四(七) names the stars, not their points)
        self.stars_confirm = QCheckBox("已核对：每颗星的积分按上表执行")
        self.stars_confirm.setEnabled(self.editable)
        tab = self._table_tab(
            "修改后生成新版本的星级标准；已经建立的评定轮次仍按原标准。",
            self.stars,
            [add, remove, self.stars_confirm],
            self.stars_save,
        )
        self.stars_note = QLabel()
        self.stars_note.setWordWrap(True)
        self.stars_note.setStyleSheet("color: #b00020;")
        tab.layout().insertWidget(1, self.stars_note)
        return tab

    def _checklist_tab(self) -> QWidget:
        self.checklist = _table(["阶段", "材料名称"])
        self.checklist.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.checklist.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.checklist_note = QLineEdit()
        self.checklist_note.setPlaceholderText("这次修改的说明，如：按县里新要求增加脱贫证明")
        self.checklist_note.setMinimumWidth(360)
        self.checklist_add = add = QPushButton("添加一项")
        self.checklist_remove = remove = QPushButton("删除选中")
        for b in (add, remove):
            b.setEnabled(self.editable)
        add.clicked.connect(lambda: self._add_checklist_row("assist", "", ""))
        remove.clicked.connect(lambda: self.checklist.removeRow(self.checklist.currentRow()))
        self.checklist_save = self._save_button("保存为新版本", self.save_checklist)
        self.checklist_info = QLabel()
        tab = self._table_tab(
            "一户一档要收的材料。修改后生成新版本：已经建档的农户仍按建档时的版本，新建的档案用新版本。",
            self.checklist,
            [add, remove, QLabel("说明："), self.checklist_note],
            self.checklist_save,
        )
        tab.layout().insertWidget(1, self.checklist_info)
        return tab

    def _rules_tab(self) -> QWidget:
        self.rules = _table(["启用", "核查规则", "类别", "参数"])
        header = self.rules.horizontalHeader()
        for col in (0, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.rules_save = self._save_button("保存", self.save_rules)
        return self._table_tab(
            "疑点核查用的规则。取消勾选即停用；参数按本县口径修改（写成“最低年龄=16，最高年龄=59”）。"
            "鼠标停在规则上可看依据。",
            self.rules,
            [],
            self.rules_save,
        )

    @staticmethod
    def _params_text(params: dict) -> str:
        return "，".join(f"{PARAM_NAMES.get(k, k)}={v}" for k, v in params.items())

    @staticmethod
    def _parse_params(text: str, rule: str) -> dict[str, int]:
        keys = {name: key for key, name in PARAM_NAMES.items()}
        out = {}
        for part in setup.split_names(text):
            name, sep, value = part.partition("=")
            key = keys.get(name.strip(), name.strip())
            if not sep or not value.strip().isdigit():
                raise InputRejected(f"规则“{rule}”的参数“{part}”应写成 名称=整数")
            out[key] = int(value)
        return out

    def _add_checklist_row(self, stage: str, title: str, key: str) -> None:
        row = self.checklist.rowCount()
        self.checklist.insertRow(row)
        box = QComboBox()
        for code, name in archives.STAGES.items():
            box.addItem(name, code)
        box.setCurrentIndex(box.findData(stage))
        box.setEnabled(self.editable)
        self.checklist.setCellWidget(row, 0, box)
        named = QTableWidgetItem(title)
        # the key ties recorded items to the list: kept out of sight, never edited by hand
        named.setData(Qt.ItemDataRole.UserRole, key)
        self.checklist.setItem(row, 1, named)
        if not title:
            self.checklist.setCurrentCell(row, 1)
            self.checklist.editItem(self.checklist.item(row, 1))

    def _fund_tab(self) -> QWidget:
        self.funds = _table(
            [
                "孝善基金",
                "老人年龄（岁）",
                "补贴比例（%）",
                "每月补贴上限（元）",
                "发放日",
                "老人范围",
                "补贴规则",
            ]
        )
        self.fund_save = self._save_button("保存", self.save_funds)
        tab = self._table_tab(
            "修改从现在起生效；已记账的补贴不变。没有设立基金的村不在表中（在“孝善基金”里设立）。老人范围：商丘市产业"
            "扶贫实施意见五(十三)为“建档立卡贫困户中60岁以上(含60岁)老人”，村里决定时可放宽到全村农户。补贴比例和上限"
            "不是文件规定：标“待确认”的基金核对后勾选“已确认”再保存，确认前不能登记缴纳。",
            self.funds,
            [],
            self.fund_save,
        )
        # office defaults (not from the seeds) and the store rule, below the funds
        self.default_percent = QSpinBox()
        self.default_percent.setRange(0, 100)
        self.default_percent.setSuffix(" %")
        self.default_cap = QSpinBox()
        self.default_cap.setRange(0, limits.MONTHLY_FEN // 100)
        self.default_cap.setSuffix(" 元")
        self.defaults_confirm = QCheckBox("已核对：新设的孝善基金按此补贴（软件默认值，文件没有规定）")
        self.ledger_age = QSpinBox()
        self.ledger_age.setRange(50, 100)
        self.ledger_age.setSuffix(" 周岁")
        self.other_village = QCheckBox("允许农户到外村的超市兑换积分（不勾选：只能在本村超市兑换）")
        for w in (
            self.default_percent,
            self.default_cap,
            self.defaults_confirm,
            self.ledger_age,
            self.other_village,
        ):
            w.setEnabled(self.editable)
        form = QFormLayout()
        form.addRow("新设基金的补贴比例：", self.default_percent)
        form.addRow("新设基金每位老人每月补贴上限：", self.default_cap)
        form.addRow("", self.defaults_confirm)
        form.addRow("老人台账年龄（商丘市扶志扶智实施意见四(九)：65周岁以上）：", self.ledger_age)
        form.addRow("超市兑换：", self.other_village)
        tab.layout().insertLayout(2, form)
        return tab

    def _users_tab(self) -> QWidget:
        self.user_table = _table(["用户名", "姓名", "角色", "负责的村或超市", "状态"])
        self.user_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.new_user_edit = QLineEdit()
        self.new_name_edit = QLineEdit()
        self.new_role_box = QComboBox()
        for role in users.ROLES:
            self.new_role_box.addItem(ROLE_NAMES[role], role)
        self.new_role_box.setCurrentIndex(self.new_role_box.findData(LEAST_ROLE))
        self.new_password_edit = QLineEdit()
        self.new_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        # a village clerk works only in the villages ticked here, a store operator at the stores
        self.new_villages_list = QListWidget()
        self.new_villages_list.setMaximumHeight(90)
        self.new_villages_list.setToolTip("村文书只能看到和登记勾选的村")
        self.new_stores_list = QListWidget()
        self.new_stores_list.setMaximumHeight(90)
        self.new_stores_list.setToolTip("超市操作员只能在勾选的超市兑换、出入库、补打小票")
        self.new_role_box.currentIndexChanged.connect(lambda _i: self._role_places())
        manage = self.ctx.actor.can("users.manage")
        self.add_user_button = QPushButton("添加用户")
        self.unlock_button = QPushButton("解锁选中")
        self.reset_button = QPushButton("重设选中用户的密码")
        self.active_button = QPushButton("停用选中")
        self.active_button.setToolTip("停用后不能再登录，做过的记录都保留；可以再启用")
        self.places_button = QPushButton("修改负责的村或超市…")
        self.places_button.setToolTip("村文书负责的村、超市操作员所在的超市；下次登录时生效")
        for b in (
            self.add_user_button,
            self.unlock_button,
            self.reset_button,
            self.active_button,
            self.places_button,
        ):
            b.setEnabled(manage)
        self.add_user_button.clicked.connect(self.add_user)
        self.places_button.clicked.connect(self.edit_places)
        self.unlock_button.clicked.connect(self.unlock_user)
        self.reset_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_user_active)
        self.user_table.itemSelectionChanged.connect(self._label_active_button)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.user_table, 1)
        row = QHBoxLayout()
        row.addWidget(self.unlock_button)
        row.addWidget(self.reset_button)
        row.addWidget(self.active_button)
        row.addWidget(self.places_button)
        row.addStretch(1)
        layout.addLayout(row)
        form = QFormLayout()
        form.addRow("用户名：", self.new_user_edit)
        form.addRow("姓名：", self.new_name_edit)
        form.addRow("角色：", self.new_role_box)
        form.addRow("初始密码：", self.new_password_edit)
        form.addRow("负责的村：", self.new_villages_list)
        form.addRow("所在的超市：", self.new_stores_list)
        layout.addLayout(form)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_user_button)
        layout.addLayout(add_row)
        return tab

    def _table_tab(
        self, note: str, table: QTableWidget, buttons: list[QPushButton], save: QPushButton
    ) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        label = QLabel(note)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(table, 1)
        row = QHBoxLayout()
        for b in buttons:
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(save)
        layout.addLayout(row)
        return tab

    @staticmethod
    def _append(table: QTableWidget, values: list[str]) -> None:
        row = table.rowCount()
        table.insertRow(row)
        for c, v in enumerate(values):
            table.setItem(row, c, QTableWidgetItem(v))

    # --- showing -------------------------------------------------------------------------------------

    def reload(self) -> None:
        self.ctx.ops.read(self, _load, self._show, title="无法读取设置")

    def _show(self, data: dict) -> None:
        values = data["values"]
        self.code_edit.setText(values["office.township_code"])
        self.issuer_edit.setText(values["notice.issuer"])
        self.days_spin.setValue(int(values["notice.days"]))
        self.phone_edit.setText(values["notice.phone"])
        self.local_phone_edit.setText(values["notice.local_phone"])
        self.address_edit.setText(values["notice.address"])
        dx, dy = values["certificate.offset_mm"]
        self.dx_spin.setValue(dx)
        self.dy_spin.setValue(dy)
        self.folder_edit.setText(values["backup.folder"])
        self.keep_spin.setValue(int(values["backup.keep_days"]))
        for key, spin in self.limit_spins.items():
            spin.setValue(int(values[key]))
        self._show_params(values)
        self.daily_check.setChecked(bool(values["backup.daily"]))
        self.exit_check.setChecked(bool(values["backup.on_exit"]))
        self.receipts.setRowCount(0)
        for st in data["stores"]:
            self._append(self.receipts, [st.name, st.code, ""])
            box = QComboBox()
            box.addItems(["58", "80"])
            box.setCurrentText(str(st.receipt_width_mm))
            self.receipts.setCellWidget(self.receipts.rowCount() - 1, 2, box)
        self.thresholds.setRowCount(0)
        for t in data["thresholds"]:
            self._append(self.thresholds, [str(t.year), *(f"{v / 100:g}" for v in t.figures())])
        self.stars.setRowCount(0)
        self.star_catalog = data["stars"]
        for star in self.star_catalog:
            self._append(self.stars, [star.name, str(star.points)])
        waiting = data["waiting"]
        self.stars_note.setText(f"{waiting['stars'].note}{defaults.NOTE}" if "stars" in waiting else "")
        self.stars_note.setVisible("stars" in waiting)
        self.stars_confirm.setChecked("stars" not in waiting)
        self.stars_confirm.setVisible("stars" in waiting)
        current = data["checklist"]
        self.checklist_info.setText(
            f"当前为第{current.version}版" + (f"（{current.note}）" if current.note else "")
        )
        self.checklist.setRowCount(0)
        for item in current.items:
            self._add_checklist_row(item.stage, item.title, item.key)
        self.rule_infos = data["rules"]
        self.rules.setRowCount(0)
        for r in self.rule_infos:
            row = self.rules.rowCount()
            self.rules.insertRow(row)
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Checked if r.enabled else Qt.CheckState.Unchecked)
            self.rules.setItem(row, 0, check)
            for col, text in ((1, r.name), (2, r.severity)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(f"{r.why}\n处理：{r.fix}")
                self.rules.setItem(row, col, item)
            params = QTableWidgetItem(self._params_text(r.params))
            if not r.params:
                params.setFlags(params.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.rules.setItem(row, 3, params)
        self.funds.setRowCount(0)
        self.fund_rules = data["funds"]
        for r in self.fund_rules:
            self._append(
                self.funds,
                [
                    r.name,
                    str(r.elder_age),
                    str(r.match_percent),
                    f"{r.match_cap_fen / 100:g}",
                    str(r.payout_day),
                ],
            )
            row = self.funds.rowCount() - 1
            self.funds.item(row, 0).setToolTip(r.village)
            scope = QComboBox()
            scope.addItem("建档立卡贫困户", False)
            scope.addItem("全村农户（本村放宽）", True)
            scope.setCurrentIndex(1 if r.all_households else 0)
            self.funds.setCellWidget(row, 5, scope)
            check = QTableWidgetItem("已确认" if r.match_confirmed else "待确认（软件默认值）")
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Checked if r.match_confirmed else Qt.CheckState.Unchecked)
            self.funds.setItem(row, 6, check)
        self.default_percent.setValue(int(values["fund.match_percent"]))
        self.default_cap.setValue(int(values["fund.match_cap_yuan"]))
        self.defaults_confirm.setChecked("fund.match" not in waiting)
        self.ledger_age.setValue(int(values["fund.ledger_age"]))
        self.other_village.setChecked(bool(values["store.other_village"]))
        self.villages = data["villages"]
        self.store_infos = data["stores"]
        store_names = {st.code: st.name for st in self.store_infos}
        self.user_infos = {u.username: u for u in data["users"]}
        self.user_table.setRowCount(0)
        for u in data["users"]:
            state = "已锁定" if u.locked else ("已停用" if not u.active else "正常")
            self._append(
                self.user_table,
                [
                    u.username,
                    u.display_name,
                    ROLE_NAMES.get(u.role, u.role),
                    "、".join(u.villages + [store_names.get(c, c) for c in u.stores]),
                    state,
                ],
            )
            self.user_table.item(self.user_table.rowCount() - 1, 3).setToolTip(
                self.user_table.item(self.user_table.rowCount() - 1, 3).text()
            )
        _fill_checklist(self.new_villages_list, self._village_choices(), set())
        _fill_checklist(self.new_stores_list, self._store_choices(), set())
        self._role_places()
        if self._keep_user:  # a reload after acting on a user keeps them picked
            for row in range(self.user_table.rowCount()):
                if _cell(self.user_table, row, 0) == self._keep_user:
                    self.user_table.selectRow(row)
            self._keep_user = None
        self._label_active_button()
        self.loaded = True

    def _village_choices(self) -> list[tuple[str, object]]:
        """Every village, named as the clerk knows it (with its township where names repeat)."""
        names = [v.name for v in self.villages]
        places = [f"{v.township}{v.name}" for v in self.villages]
        return [
            (
                v.name
                if names.count(v.name) == 1
                else place
                if places.count(place) == 1
                else f"{v.county}{place}",
                v,
            )
            for v, place in zip(self.villages, places, strict=True)
        ]

    def _store_choices(self) -> list[tuple[str, object]]:
        return [(f"{st.name}（{st.code}）", st.code) for st in self.store_infos]

    # --- saving --------------------------------------------------------------------------------------

    def _save(self, what: str, fn, changes: tuple[str, ...], after=None) -> None:
        """One write: fn(db, actor) runs on the write lane; the page is busy until it is done."""

        def done(_result: object) -> None:
            if after is not None:
                after()
            self.status.setText(f"{what}已保存。")
            self.saved.emit(what)

        def failed(exc: Exception) -> None:
            self.status.setText(f"{what}未保存：{getattr(exc, 'message', exc)}")
            show_error(self, exc, f"{what}未保存")

        self.ctx.ops.write(self, fn, changes, done, on_failure=failed, title=f"{what}未保存", busy=self.tabs)

    def save_office(self) -> None:
        changes = {
            "office.township_code": self.code_edit.text(),
            "notice.issuer": self.issuer_edit.text(),
            "notice.days": self.days_spin.value(),
            "notice.phone": self.phone_edit.text(),
            "notice.local_phone": self.local_phone_edit.text(),
            "notice.address": self.address_edit.text(),
        }
        self._save("单位与公示设置", lambda db, actor: settings.set_values(db, actor, changes), ("settings",))

    def save_print(self) -> None:
        offset = [self.dx_spin.value(), self.dy_spin.value()]
        widths = [
            (_cell(self.receipts, row, 1), int(self.receipts.cellWidget(row, 2).currentText()))
            for row in range(self.receipts.rowCount())
        ]

        def work(db, actor) -> None:
            # one transaction: every width checked, then the widths and the offset written together
            stores.save_print_settings(db, actor, widths, {"certificate.offset_mm": offset})

        self._save("打印设置", work, ("settings", "stock"))

    def save_backup(self) -> None:
        changes = {
            "backup.folder": self.folder_edit.text(),
            "backup.keep_days": self.keep_spin.value(),
            "backup.daily": self.daily_check.isChecked(),
            "backup.on_exit": self.exit_check.isChecked(),
        }
        self._save("自动备份设置", lambda db, actor: settings.set_values(db, actor, changes), ("settings",))

    def save_limits(self) -> None:
        changes = {key: spin.value() for key, spin in self.limit_spins.items()}
        self._save("金额限额", lambda db, actor: settings.set_values(db, actor, changes), ("settings",))

    def _show_params(self, values: dict) -> None:
        for key, widget in self.param_widgets.items():
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(values[key]))
            else:
                widget.setValue(int(values[key]))

    def save_params(self) -> None:
        changes = {
            key: w.isChecked() if isinstance(w, QCheckBox) else w.value()
            for key, w in self.param_widgets.items()
        }
        self._save("业务参数", lambda db, actor: settings.set_values(db, actor, changes), ("settings",))

    def save_thresholds(self) -> None:
        table = [
            [_cell(self.thresholds, row, c) for c in range(4)] for row in range(self.thresholds.rowCount())
        ]

        def work(db, actor) -> list[int]:
            rows = []  # every row read and checked before the service writes any
            for n, (year_text, *figures) in enumerate(table, start=1):
                if not year_text.isdigit():
                    raise InputRejected(f"第{n}行的年度“{year_text}”无效")
                rows.append(
                    (
                        int(year_text),
                        *(
                            _fen(text, f"{year_text}年{name}")
                            for text, name in zip(figures, ("贫困线", "黄卡下限", "黄卡上限"), strict=True)
                        ),
                    )
                )
            return plans.set_thresholds(db, actor, rows)

        self._save("收入标准", work, ("plans", "settings"))

    def save_stars(self) -> None:
        table = [
            (_cell(self.stars, row, 0), _cell(self.stars, row, 1)) for row in range(self.stars.rowCount())
        ]
        confirm = not self.stars_confirm.isHidden() and self.stars_confirm.isChecked()

        def work(db, actor) -> None:
            catalog = []
            for n, (name, points) in enumerate(table, start=1):
                if not points.isdigit():
                    raise InputRejected(f"第{n}行“{name}”的积分“{points}”不是正整数")
                catalog.append(ratings.Star(name, int(points)))
            if catalog != ratings.stars(db):
                ratings.set_catalog(db, actor, catalog)  # a person's list: confirmed
            elif confirm:
                defaults.confirm(db, actor, ["stars"])

        self._save("星级标准", work, ("ratings", "settings"))

    def save_checklist(self) -> None:
        items = [
            {
                "stage": self.checklist.cellWidget(row, 0).currentData(),
                "title": _cell(self.checklist, row, 1),
                "key": (self.checklist.item(row, 1).data(Qt.ItemDataRole.UserRole) or "")
                if self.checklist.item(row, 1)
                else "",
            }
            for row in range(self.checklist.rowCount())
        ]
        note = self.checklist_note.text().strip()
        self._save(
            "档案清单",
            lambda db, actor: archives.set_checklist(db, actor, items, note=note),
            ("archives", "settings"),
            after=self.checklist_note.clear,
        )

    def save_rules(self) -> None:
        table = [
            (self.rules.item(row, 0).checkState() == Qt.CheckState.Checked, _cell(self.rules, row, 3))
            for row in range(len(self.rule_infos))
        ]
        infos = list(self.rule_infos)

        def work(db, actor) -> list[str]:
            changes = []
            for r, (enabled, text) in zip(infos, table, strict=True):  # every row checked first
                params = self._parse_params(text, r.name) if r.params else {}
                changed = {k: v for k, v in params.items() if r.params.get(k) != v}
                if enabled != r.enabled or changed:
                    changes.append((r.code, enabled if enabled != r.enabled else None, changed))
            return quality.configure_rules(db, actor, changes)

        self._save("核查规则", work, ("quality", "settings"))

    def save_funds(self) -> None:
        table = []
        for row, rules in enumerate(self.fund_rules):
            table.append(
                (
                    rules,
                    [_cell(self.funds, row, c) for c in (1, 2, 3, 4)],
                    bool(self.funds.cellWidget(row, 5).currentData()),
                    self.funds.item(row, 6).checkState() == Qt.CheckState.Checked,
                )
            )
        office = {
            "fund.ledger_age": self.ledger_age.value(),
            "store.other_village": self.other_village.isChecked(),
        }
        confirm_defaults = self.defaults_confirm.isChecked()
        percent, cap_yuan = self.default_percent.value(), self.default_cap.value()

        def work(db, actor) -> None:
            wanted = []
            for rules, (age, pct, cap, day), widened, confirm in table:  # every row checked first
                numbers = []
                for text in (age, pct, day):
                    if not text.isdigit():
                        raise InputRejected(f"{rules.name}：“{text}”应为整数")
                    numbers.append(int(text))
                wanted.append((rules, numbers, _fen(cap, f"{rules.name}补贴上限"), widened, confirm))
            rows = []
            for rules, (age, pct, day), cap, widened, confirm in wanted:
                match_changed = (pct, cap) != (rules.match_percent, rules.match_cap_fen)
                rows.append(  # only what changed is written and audited
                    {
                        "village": rules.village,
                        "elder_age": age,
                        "match_percent": pct if match_changed else None,
                        "match_cap_fen": cap if match_changed else None,
                        "payout_day": day,
                        "all_households": widened,
                        "confirm": confirm,
                    }
                )
            values = {**office, "fund.match_percent": percent, "fund.match_cap_yuan": cap_yuan}
            if confirm_defaults:  # the office's default match confirmed with the same save (defaults.confirm)
                values["rules.confirmed"] = sorted(defaults.confirmed(db) | {"fund.match"})
            fund.save_rules(
                db, actor, rows, values
            )  # one transaction: all villages and the office, or nothing

        self._save("基金规则", work, ("fund", "settings"))

    # --- users ---------------------------------------------------------------------------------------

    def _selected_user(self) -> str | None:
        row = self.user_table.currentRow()
        return _cell(self.user_table, row, 0) if row >= 0 else None

    def _role_places(self) -> None:
        """Villages are asked of a village clerk, stores of a store operator; the other roles need neither."""
        role = self.new_role_box.currentData()
        self.new_villages_list.setEnabled(role == "village_clerk")
        self.new_stores_list.setEnabled(role == "store_operator")

    def _checked_stores(self) -> list[str]:
        return _checked(self.new_stores_list)

    def add_user(self) -> None:
        role = self.new_role_box.currentData()
        username = self.new_user_edit.text().strip()
        password = self.new_password_edit.text()
        display = self.new_name_edit.text().strip()
        villages = [v.qualified for v in _checked(self.new_villages_list)] if role == "village_clerk" else []
        codes = self._checked_stores() if role == "store_operator" else []

        def clear() -> None:
            for edit in (self.new_user_edit, self.new_name_edit, self.new_password_edit):
                edit.clear()
            self.new_role_box.setCurrentIndex(self.new_role_box.findData(LEAST_ROLE))

        self._save(
            f"用户“{username}”",
            lambda db, actor: users.create_user(
                db, actor, username, password, role, display_name=display, villages=villages, stores=codes
            ),
            ("users",),
            after=clear,
        )

    def edit_places(self) -> None:
        """Change a village clerk's villages or a store operator's stores: ticked in a list, saved at once."""
        name = self._selected_user()
        info = self.user_infos.get(name or "")
        if info is None:
            self.status.setText("请先在上表中选中一个用户。")
            return
        if info.role not in ("village_clerk", "store_operator"):
            self.status.setText(
                f"“{info.display_name}”是{ROLE_NAMES.get(info.role, info.role)}，不按村或超市限定。"
            )
            return
        self.ctx.ops.read(
            self,
            lambda db, _actor: users.places(db, info.username),
            lambda found: self._open_places(info, found),
        )

    def _open_places(self, info: users.UserInfo, found: tuple[set[int], set[str]]) -> None:
        village_ids, codes = found
        clerk = info.role == "village_clerk"
        self.places_dialog = dialog = QDialog(self)
        dialog.setObjectName("placesDialog")
        dialog.setWindowTitle(f"{info.display_name}{'负责的村' if clerk else '所在的超市'}")
        chooser = QListWidget()
        if clerk:
            _fill_checklist(
                chooser, self._village_choices(), {v for v in self.villages if v.id in village_ids}
            )
        else:
            _fill_checklist(chooser, self._store_choices(), codes)
        dialog.chooser = chooser
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.rejected.connect(dialog.reject)
        dialog.buttons = buttons
        note = QLabel("勾选后保存；下次登录时生效。")
        note.setWordWrap(True)
        layout = QVBoxLayout(dialog)
        layout.addWidget(note)
        layout.addWidget(chooser, 1)
        layout.addWidget(buttons)

        def save() -> None:
            picked = _checked(chooser)
            villages = [v.qualified for v in picked] if clerk else []
            stores_ = [] if clerk else picked
            self._keep_user = info.username
            self._save(
                f"“{info.display_name}”的{'村' if clerk else '超市'}",
                lambda db, actor: users.set_places(db, actor, info.username, villages, stores_),
                ("users",),
                after=dialog.accept,
            )

        buttons.accepted.connect(save)
        dialog.resize(360, 420)
        dialog.open()

    def unlock_user(self) -> None:
        name = self._selected_user()
        if name:
            self._keep_user = name
            self._save(f"解锁“{name}”", lambda db, actor: users.unlock(db, actor, name), ("users",))

    def _selected_disabled(self) -> bool:
        row = self.user_table.currentRow()
        return row >= 0 and _cell(self.user_table, row, 4) == "已停用"

    def _label_active_button(self) -> None:
        self.active_button.setText("启用选中" if self._selected_disabled() else "停用选中")

    def toggle_user_active(self) -> None:
        name = self._selected_user()
        if not name:
            return
        enable = self._selected_disabled()
        self._keep_user = name  # the reload keeps the user picked
        self._save(
            f"{'启用' if enable else '停用'}“{name}”",
            lambda db, actor: users.set_active(db, actor, name, enable),
            ("users",),
        )

    def reset_password(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        name = self._selected_user()
        if not name:
            return
        password, ok = QInputDialog.getText(
            self, "重设密码", f"给“{name}”设一个新密码（至少6位）：", QLineEdit.EchoMode.Password
        )
        if ok:
            self._save(
                f"“{name}”的新密码",
                lambda db, actor: users.reset_password(db, actor, name, password),
                ("users",),
            )


def _load(db, actor) -> dict:
    """Everything the page shows, read in one go on the read lane."""
    return {
        "values": settings.get_all(db),
        "stores": stores.list_stores(db),
        "thresholds": plans.thresholds(db),
        "stars": ratings.stars(db),
        "waiting": {d.key: d for d in defaults.unconfirmed(db)},
        "checklist": archives.checklist(db),
        "rules": quality.rules(db),
        "funds": fund.all_rules(db, actor),
        "users": users.list_users(db),
        "villages": households.villages(db, SYSTEM),
    }


def _fill_checklist(box: QListWidget, choices: list[tuple[str, object]], ticked: set) -> None:
    box.clear()
    for text, value in choices:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        item.setCheckState(Qt.CheckState.Checked if value in ticked else Qt.CheckState.Unchecked)
        box.addItem(item)


def _checked(box: QListWidget) -> list:
    return [
        box.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(box.count())
        if box.item(row).checkState() == Qt.CheckState.Checked
    ]
