"""Office-wide settings kept in the database (table `setting`), each with a label, a default and a check.

Every change is audited with its before and after. Settings owned by another area keep their own service and
history (income thresholds in plans, the star list in ratings, fund rules per village fund, receipt width per
store); the settings page calls those.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop import limits
from desktop.db import Database
from desktop.errors import InputRejected
from desktop.models import Setting
from desktop.services.cadres import coverage_rules
from desktop.services.system import audit
from desktop.services.system.actor import Actor


@dataclass(frozen=True)
class Spec:
    label: str
    default: Any
    check: Callable[[Any], Any]  # returns the value to store, or raises ValueError with the reason


def _int_between(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError("应为整数") from None
        if not low <= number <= high:
            raise ValueError(f"应在{low}～{high}之间")
        return number

    return check


def _text(limit: int, *, phone: bool = False) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = str(value or "").strip()
        if len(text) > limit:
            raise ValueError(f"不能超过{limit}个字")
        if phone and text and not all(c.isdigit() or c in "-（）() 、/" for c in text):
            raise ValueError("只能包含数字、短横线和括号")
        return text

    return check


def _township_code(value: Any) -> str:
    text = str(value or "").strip()
    if text and not (text.isdigit() and len(text) in (9, 12)):
        raise ValueError("应为9位或12位数字（统计用区划代码）")
    return text


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "是", "开")
    return bool(value)


def _offset(value: Any) -> list[float]:
    try:
        dx, dy = (round(float(v), 1) for v in value)
    except (TypeError, ValueError):
        raise ValueError("应为两个数（毫米）：左右、上下") from None
    if not (-30 <= dx <= 30 and -30 <= dy <= 30):
        raise ValueError("每个方向应在-30～30毫米之间")
    return [dx, dy]


def _folder(value: Any) -> str:
    text = str(value or "").strip()
    if text and not Path(text).expanduser().is_absolute():
        raise ValueError("请填写完整的文件夹路径（如 D:\\扶贫备份）")
    return text


# Software defaults a clerk confirms once (desktop.services.system.defaults): none of them is in the seeds.
DEFAULT_GROUPS = ("stars", "fund.match")


def _groups(value: Any) -> list[str]:
    items = [value] if isinstance(value, str) else list(value or [])
    unknown = [str(v) for v in items if v not in DEFAULT_GROUPS]
    if unknown:
        raise ValueError(f"只能是{'、'.join(DEFAULT_GROUPS)}，不认识“{'、'.join(unknown)}”")
    return sorted(set(items))


SPECS: dict[str, Spec] = {
    "office.township_code": Spec("乡镇区划代码", "", _township_code),
    "notice.issuer": Spec("乡镇落款单位（留空则为“某某镇人民政府”）", "", _text(40)),
    "notice.days": Spec("公示天数", 7, _int_between(5, 30)),
    "notice.phone": Spec("监督电话", "12317", _text(30, phone=True)),
    "notice.local_phone": Spec("乡镇受理电话", "", _text(30, phone=True)),
    "notice.address": Spec("受理地址", "", _text(60)),
    "certificate.offset_mm": Spec("证书套打偏移（毫米，右/下为正）", [0.0, 0.0], _offset),
    "backup.folder": Spec("备份文件夹（留空则为数据库旁的 backups）", "", _folder),
    "backup.keep_days": Spec("自动备份保留天数", 30, _int_between(1, 3650)),
    "backup.daily": Spec("每天自动备份", True, _flag),
    "backup.on_exit": Spec("退出时自动备份", True, _flag),
    # Policy limits on one entry (defaults, not from the seeds: a county sets its own); the database's own
    # ceilings (desktop.limits) stand above them.
    "limits.points_entry": Spec(
        "一次发放或调整积分的上限（分，默认1000）", 1000, _int_between(1, limits.POINTS_ENTRY)
    ),
    "limits.fund_yuan": Spec(
        "一笔缴纳或捐赠的上限（元，默认100000）", 100_000, _int_between(1, limits.FUND_ENTRY_FEN // 100)
    ),
    "limits.stock_quantity": Spec(
        "一次出入库的数量上限（默认100000）", 100_000, _int_between(1, limits.STOCK_QUANTITY)
    ),
    "limits.price_points": Spec(
        "商品积分价格上限（分，默认10000）", 10_000, _int_between(1, limits.PRICE_POINTS)
    ),
    "limits.income_yuan": Spec(
        "一项家庭年收入的上限（元，默认10000000）", 10_000_000, _int_between(1, limits.INCOME_FEN // 100)
    ),
    "limits.measure_yuan": Spec(
        "一项帮扶措施金额的上限（元，默认10000000）", 10_000_000, _int_between(1, limits.MEASURE_FEN // 100)
    ),
    # 孝善基金: the match a new fund takes when it is set up without its own figures. Not in the seeds (they
    # say only 鼓励做子女的每月向老人寄送“孝心养老金”); a default the office confirms once (rules.confirmed).
    "fund.match_percent": Spec("孝善基金补贴比例（%，默认10，非文件规定）", 10, _int_between(0, 100)),
    "fund.match_cap_yuan": Spec(
        "孝善基金每位老人每月补贴上限（元，默认30，非文件规定）",
        30,
        _int_between(0, limits.MONTHLY_FEN // 100),
    ),
    # Seed 000 扶志扶智 四(九): 对全市65周岁以上建档立卡贫困老年人进行全面摸底排查,分类建立台账
    "fund.ledger_age": Spec(
        "老人台账年龄（周岁，默认65：商丘市扶志扶智实施意见四(九)）", 65, _int_between(50, 100)
    ),
    # 防返贫监测 (desktop.services.monitoring): the seeds ask for screening (000: 对未纳入建档立卡的边缘户和其他低收入
    # 农户进行排查) and 应退慎退, but give none of these numbers; each is a default the county sets.
    "monitoring.line_percent": Spec(
        "未设定当年监测范围时按贫困线的百分之几计（%，默认150，非文件规定）", 150, _int_between(100, 300)
    ),
    "monitoring.loss_percent": Spec(
        "风险事件损失或支出超过家庭年纯收入的百分之几即列入筛查（%，默认50，非文件规定）",
        50,
        _int_between(1, 1000),
    ),
    "monitoring.event_days": Spec(
        "筛查看多少天内发生的风险事件（天，默认90，非文件规定）", 90, _int_between(7, 730)
    ),
    "monitoring.close_months": Spec(
        "风险消除前收入须稳定超过监测范围的月数（月，默认6，非文件规定）", 6, _int_between(1, 36)
    ),
    # Not in the seeds: a household redeems its points at its own village's store unless the office allows more.
    "store.other_village": Spec("允许到外村的超市兑换积分（默认否：只在本村超市兑换）", False, _flag),
    # The village counter offline (desktop.services.points.packs): the seeds say nothing of how long a pack lasts.
    "counter.max_days": Spec("离线数据包最长有效天数（天，默认30，非文件规定）", 30, _int_between(1, 90)),
    # 问题整改: seed 002 says only “限期整改” — the number of days is a default the office sets.
    "problems.deadline_days": Spec(
        "疑点转为整改问题时的整改期限（天，默认30，非文件规定）", 30, _int_between(1, 365)
    ),
    # 公益岗位 (desktop.services.posts). Seed 001 二(二)1: “每个村、社区安排护路、护林、护水、保洁等公益岗位3—5个”;
    # the seeds say nothing of pay, so the rest are defaults the county sets.
    "posts.min_count": Spec("每村公益岗位最少个数（默认3：种子001“公益岗位3—5个”）", 3, _int_between(0, 50)),
    "posts.max_count": Spec("每村公益岗位最多个数（默认5：种子001“公益岗位3—5个”）", 5, _int_between(1, 100)),
    "posts.prorate": Spec("公益岗位工资按当月在岗天数折算（默认是，非文件规定）", True, _flag),
    "posts.fail_percent": Spec(
        "考核不合格当月按月工资的百分之几发放（%，默认0即不发，非文件规定）", 0, _int_between(0, 100)
    ),
    "posts.max_pay_yuan": Spec(
        "公益岗位月工资上限（元，默认3000，非文件规定）", 3000, _int_between(1, 1_000_000)
    ),
    "posts.one_per_person": Spec("一人只能担任一个公益岗位（默认是，非文件规定）", True, _flag),
    # 遍访: who visits which households how often (desktop.services.cadres.coverage_rules: seeds 001/002, defaults)
    "visits.coverage_rules": Spec(
        "遍访规则（默认值见种子001、002，可按本县要求修改）",
        [r.as_dict() for r in coverage_rules.DEFAULT_RULES],
        coverage_rules.check,
    ),
    # 项目库 (desktop.services.projects). Seed 004: “2015年扶贫资金结余率下降到5%以下” — the 5 is the seed's; the
    # county may set its own line. 公示天数: the seeds say only 及时…公告公示, so 10 is a default (国开办发〔2017〕50号:
    # 原则上不少于10天).
    "projects.balance_warn_percent": Spec(
        "资金结余率超过百分之几时提示（%，默认5：种子004“结余率下降到5%以下”）", 5, _int_between(0, 100)
    ),
    "projects.notice_days": Spec("项目公告公示天数（天，默认10，非种子文件规定）", 10, _int_between(5, 60)),
    # 扶贫小额信贷 (desktop.services.loans). Seed 002: “為符合貸款條件的貧困戶提供5萬元以下、期限3年以內的信用貸款”;
    # seed 001: “將逾期率嚴格控制在1%以下”. The age band and the per-household limit are defaults, not in the seeds.
    "loans.max_yuan": Spec(
        "小额信贷每笔金额上限（元，默认50000：种子002“5万元以下”）", 50_000, _int_between(1, 1_000_000)
    ),
    "loans.max_years": Spec("小额信贷期限上限（年，默认3：种子002“期限3年以内”）", 3, _int_between(1, 10)),
    "loans.household_yuan": Spec(
        "每户未还贷款本金上限（元，默认50000，非文件规定）", 50_000, _int_between(1, 1_000_000)
    ),
    "loans.min_age": Spec("借款人最低年龄（周岁，默认18，非文件规定）", 18, _int_between(16, 30)),
    "loans.max_age": Spec("借款人最高年龄（周岁，默认65，非文件规定）", 65, _int_between(50, 80)),
    "loans.overdue_alert_bp": Spec(
        "逾期率警戒线（基点，100=1%，默认100：种子001“逾期率严格控制在1%以下”）", 100, _int_between(1, 10_000)
    ),
    "rules.confirmed": Spec("已确认的软件默认值（stars 星级积分，fund.match 基金补贴）", [], _groups),
}


def get(db: Database, key: str) -> Any:
    with db.read() as s:
        value = s.scalar(select(Setting.value).where(Setting.key == key))
    if value is None:
        spec = SPECS.get(key)
        return spec.default if spec else None
    return value


def get_in(session, key: str) -> Any:
    """A setting read in the caller's transaction (a service checking a limit while it writes)."""
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return SPECS[key].default if value is None else value


def notice_days(days: int | None, default: Any) -> int:
    """A notice period asked for on one notice, held to the range the setting allows (never 共-1天)."""
    value = default if days is None else days
    try:
        return SPECS["notice.days"].check(value)
    except ValueError as exc:
        raise InputRejected(f"公示天数“{value}”{exc}") from None


def get_all(db: Database) -> dict[str, Any]:
    with db.read() as s:
        stored = dict(s.execute(select(Setting.key, Setting.value).where(Setting.key.in_(SPECS))).all())
    return {k: spec.default if stored.get(k) is None else stored[k] for k, spec in SPECS.items()}


def validate(changes: dict[str, Any]) -> dict[str, Any]:
    """Checked values, or InputRejected naming the setting and what is wrong with it."""
    checked = {}
    for key, value in changes.items():
        spec = SPECS.get(key)
        if spec is None:
            raise InputRejected(f"没有名为“{key}”的设置")
        try:
            checked[key] = spec.check(value)
        except ValueError as exc:
            raise InputRejected(f"“{spec.label}”填写有误：{exc}（填的是“{value}”）") from None
    return checked


def set_values(db: Database, actor: Actor, changes: dict[str, Any]) -> dict[str, Any]:
    """Save settings in one transaction; only real changes are written and audited. Returns what changed."""
    actor.require("settings", "修改系统设置")
    checked = validate(changes)
    with db.write() as s:
        return save(s, actor.username, checked)


def save(session, username: str, checked: dict[str, Any]) -> dict[str, Any]:
    """Write already-checked values in the caller's transaction (the first-run setup uses it too)."""
    changed = {}
    for key, value in checked.items():
        row = session.get(Setting, key)
        before = row.value if row is not None else SPECS[key].default
        if before == value:
            continue
        session.merge(Setting(key=key, value=value))
        audit.record(
            session, username, "settings.change", entity="setting", key=key, before=before, after=value
        )
        changed[key] = value
    return changed
