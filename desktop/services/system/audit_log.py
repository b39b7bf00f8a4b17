"""The audit log as people read it: action names in Chinese, one-line descriptions, the newest entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from desktop.db import Database
from desktop.models import AuditEntry
from desktop.services.roster.roster_fields import BY_KEY
from desktop.services.system.audit import canonical
from desktop.services.system.settings import SPECS

ACTION_NAMES = {
    "roster.import": "导入花名册",
    "household.update": "修改农户信息",
    "user.create": "新建用户",
    "user.locked": "账号锁定",
    "user.unlock": "解锁用户",
    "user.disable": "停用用户",
    "user.enable": "启用用户",
    "database.restore": "从备份恢复",
    "demo.create": "生成演示数据",
    "settings.change": "修改设置",
    "setup.first_run": "首次设置",
    "user.password": "重设密码",
    "store.receipt_width": "修改小票宽度",
    "fund.rules": "修改基金规则",
    "stars.catalog": "修改星级标准",
    "plan.threshold": "修改收入标准",
    "plan.colour": "认定卡色",
    "plan.income": "录入收入",
    "plan.measure": "帮扶措施",
    "plan.measure.status": "措施完成情况",
    "plan.visit": "走访记录",
    "cadre.add": "登记帮扶干部",
    "cadre.edit": "修改帮扶干部",
    "cadre.end": "帮扶干部离任",
    "cadre.pair": "结对帮扶",
    "cadre.unpair": "解除结对",
    "cadre.import": "从花名册导入结对",
    "plan.check": "两不愁三保障核查",
    "archive.checklist": "修改档案清单",
    "archive.item": "档案材料",
    "archive.detach": "删除档案附件",
    "archive.print": "打印档案",
    "archive.handover": "档案移交",
    "points.award": "发放积分",
    "points.bonus": "奖励积分",
    "points.adjust": "调整积分",
    "points.reversal": "冲正积分",
    "redeem": "积分兑换",
    "redeem.reverse": "撤销兑换",
    "rating.create": "新建评定",
    "rating.change": "修改评定",
    "rating.publish": "评定公示",
    "rating.objection": "评定异议",
    "rating.resolve": "处理异议",
    "rating.confirm": "确认评定",
    "rating.commend": "表彰",
    "store.create": "设立超市",
    "goods.create": "新增商品",
    "goods.photo": "商品照片",
    "goods.active": "商品上下架",
    "stock.purchase": "采购入库",
    "stock.donation": "捐赠入库",
    "stock.loss": "损耗出库",
    "stock.adjust": "库存调整",
    "stock.stocktake": "盘点",
    "demo.stores": "生成演示超市",
    "fund.create": "设立孝善基金",
    "fund.board": "理事会成员",
    "fund.supporter": "登记赡养人",
    "fund.pledge": "赡养承诺",
    "fund.pledge_scan": "承诺书扫描件",
    "fund.contribute": "缴纳孝善金",
    "fund.donate": "社会捐赠",
    "fund.pay": "发放孝善金",
    "fund.reverse": "冲正基金流水",
    "fund.finding": "赡养能力认定",
    "goods.edit": "修改商品",
    "store.edit": "修改超市",
    "store.terms": "修改超市结算方式",
    "user.places": "修改负责的村或超市",
    "audit.configure": "修改核查规则",
    "audit.rate_targets": "修改精准率目标",
    "audit.verify": "核查处理",
    "identify.create": "新建识别批次",
    "identify.add": "识别批次提名",
    "identify.remove": "识别批次移除",
    "identify.step": "识别批次进入下一环节",
}


def action_name(action: str) -> str:
    return ACTION_NAMES.get(action, action)


def describe(action: str, before: Any, after: Any, key: str = "") -> str:
    """One line of Chinese for the audit view."""
    if action == "roster.import" and isinstance(after, dict):
        return (
            f"新增{len(after.get('added', []))}户，更新{len(after.get('updated', []))}户，"
            f"未变{after.get('unchanged', 0)}户"
        )
    if action == "household.update" and isinstance(after, dict):

        def label(key: str) -> str:
            member, _, field = key.rpartition(":")
            name = (
                BY_KEY[field].label
                if field in BY_KEY
                else {"member": "成员", "member_order": "成员顺序"}.get(field, field)
            )
            return f"{member[-2:]}号成员{name}" if member else name

        return "；".join(f"{label(k)}：{(before or {}).get(k) or '空'}→{v or '空'}" for k, v in after.items())
    if action == "demo.create" and isinstance(after, dict):
        return f"{after.get('households')}户演示数据"
    if action == "settings.change":
        label = SPECS[key].label if key in SPECS else key
        return f"{label}：{before}→{after}"
    if action == "user.create" and isinstance(after, dict):
        return f"角色：{after.get('role')}"
    return "" if after is None else canonical(after)[:200]


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    action: str
    entity: str
    entity_key: str
    before: Any
    after: Any

    @property
    def action_name(self) -> str:
        return action_name(self.action)

    @property
    def summary(self) -> str:
        return describe(self.action, self.before, self.after, self.entity_key)


def recent(db: Database, limit: int = 200) -> list[AuditRow]:
    """The newest entries, newest first."""
    with db.read() as session:
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars()
        return [
            AuditRow(r.id, r.at, r.username, r.action, r.entity, r.entity_key, r.before, r.after)
            for r in rows
        ]
