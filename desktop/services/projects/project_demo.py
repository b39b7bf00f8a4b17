"""`init --demo`: a 项目库 with projects in every state across the first villages and kinds, funded from several
sources, with contracts, disbursements by progress (one reversed), and one over-disbursement that the rule
refuses (desktop.services.demo.build_demo calls add_demo_projects)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from desktop import clock
from desktop.db import Database
from desktop.errors import Refused
from desktop.models import Household, Project, ProjectNotice, Township, Village
from desktop.services.projects import contracts, library, projects
from desktop.services.system.actor import Actor

CENTRAL, PROVINCE, COUNTY = "中央财政衔接资金", "省级财政衔接资金", "县级财政衔接资金"
INDUSTRY, SOCIAL, OWN = "行业部门资金", "社会帮扶资金", "自筹资金"

# (year offset, name, kind, village index or None (全乡镇), funding in 元, supervisor, final state, mode)
DEMO = (
    (0, "{v}产业路硬化", "基础设施", 0, {CENTRAL: 600_000, COUNTY: 200_000}, "王建设", "实施", "务工"),
    (
        0,
        "{v}香菇种植大棚",
        "产业",
        1,
        {CENTRAL: 450_000, PROVINCE: 150_000, SOCIAL: 50_000},
        "李红梅",
        "竣工验收",
        "入股分红",
    ),
    (0, "{v}安全饮水巩固提升", "饮水", 2, {PROVINCE: 280_000, COUNTY: 70_000}, "赵文书", "入库", "其他"),
    (0, "{t}脱贫劳动力技能培训", "就业", None, {INDUSTRY: 120_000}, "孙主任", "实施", "技能培训"),
    (0, "{v}危房改造（第二批）", "住房", 0, {CENTRAL: 180_000, OWN: 20_000}, "", "储备", "其他"),
    (0, "{v}光伏电站扩建", "产业", 1, {CENTRAL: 900_000}, "周监督", "储备", "资产收益"),
    (0, "{v}文化广场", "基础设施", 2, {COUNTY: 150_000}, "钱会计", "已作废", "其他"),
    (-1, "{v}扶贫车间", "产业", 0, {CENTRAL: 500_000, COUNTY: 100_000}, "王建设", "决算", "务工"),
    (-1, "{v}小学食堂改造", "教育", 1, {INDUSTRY: 260_000}, "吴校长", "实施", "其他"),
)
RECORDS = {
    "入库": "乡镇党委会议纪要（项目入库评审）",
    "实施": "县扶贫开发领导小组批复",
    "竣工验收": "竣工验收报告（乡镇、村、监督人三方签字）",
    "决算": "县审计局决算审计报告",
}
INDICATORS = {
    "基础设施": [("建设规模", "1.2", "公里"), ("受益脱贫户", "35", "户")],
    "产业": [("带动脱贫户", "20", "户"), ("户均增收", "1500", "元")],
    "饮水": [("受益人口", "860", "人"), ("水质达标率", "100", "%")],
    "就业": [("培训人次", "120", "人次"), ("培训后就业率", "60", "%")],
    "住房": [("改造户数", "8", "户")],
    "教育": [("受益学生", "240", "人")],
}


def _places(db: Database) -> tuple[list[tuple[str, str]], str, dict[str, list[str]]]:
    """The first three villages that hold registered households ((qualified name, name)), the first one's
    township (qualified) and each village's first household codes."""
    with db.read() as s:
        rows = s.execute(
            select(Village.id, Village.name, Township.name, Township.county)
            .join(Township, Township.id == Village.township_id)
            .order_by(Village.id)
        ).all()
        villages, codes = [], {}
        for vid, name, town, county in rows:
            found = list(
                s.scalars(
                    select(Household.code)
                    .where(
                        Household.village_id == vid, Household.household_kind.in_(("脱贫户", "脱贫不稳定户"))
                    )
                    .order_by(Household.code)
                    .limit(4)
                )
            )
            if found:
                qualified = f"{county}{town}/{name}"
                villages.append((qualified, name))
                codes[qualified] = found
            if len(villages) == 3:
                break
        first = rows[0] if rows else None
        township = f"{first[3]}{first[2]}" if first else ""
        return villages, township, codes


ORDER = ("储备", "入库", "实施", "竣工验收", "决算")


def _walk(db: Database, actor: Actor, pid: int, upto: str, on: date) -> date:
    """The project's next steps up to `upto`, ten days apart after `on`; returns the last step's day. At 竣工验收
    the 绩效目标 are found met (actual = target)."""
    state = library.detail(db, actor, pid).info.state
    for to in ORDER[ORDER.index(state) + 1 : ORDER.index(upto) + 1]:
        on += timedelta(days=10)
        if to == "竣工验收":
            found = library.detail(db, actor, pid).indicators
            projects.record_actuals(db, actor, pid, {i.id: i.target for i in found})
        if to == "入库":
            _listing_posted(db, actor, pid, on - timedelta(days=9))
        projects.advance(db, actor, pid, to, on=on, record=RECORDS[to])
    return on


def _listing_posted(db: Database, actor: Actor, pid: int, on: date) -> None:
    """The project's 入库公示 as posted on the township board for 7 days before it entered the 项目库 (the
    printed notice records the same row; the demo skips drawing the PDF)."""
    with db.write() as s:
        year = s.get(Project, pid).year
        s.add(
            ProjectNotice(
                kind="listing", year=year, project_id=pid, board="township", posted_on=on, days=7,
                username=actor.username,
            )
        )  # fmt: skip


def add_demo_projects(db: Database, actor: Actor, *, today: date | None = None) -> int:
    """The demo 项目库 (see the module's docstring). Returns the projects added."""
    today = today or clock.today()
    villages, township, codes = _places(db)
    if not villages:
        return 0
    made = 0
    for offset, name, kind, vi, funding, supervisor, target, mode in DEMO:
        year = today.year + offset
        village = villages[vi % len(villages)] if vi is not None else None
        start = date(year, 3, 1) if offset else today - timedelta(days=75)
        pid = projects.add(
            db,
            actor,
            year=year,
            rolling_from=year - (year % 3),  # the plan the year falls in: 2024—2026, 2027—2029 …
            name=name.format(v=village[1] if village else "", t=township[-3:] if township else ""),
            kind=kind,
            village=village[0] if village else None,
            township=None if village else township,
            content=f"{name.format(v='', t='')}，按批复的建设内容实施",
            scale=INDICATORS[kind][0][1] + INDICATORS[kind][0][2],
            implementer="乡镇人民政府" if village is None else f"{village[1]}村民委员会",
            supervisor=supervisor,
            supervisor_phone="13800138000" if supervisor else "",
            benefit_note=f"通过{mode}带动脱贫户和监测户增收",
            funding={source: yuan * 100 for source, yuan in funding.items()},
            on=start,
            record="村民代表大会决议，申报纳入项目储备库",
        )
        made += 1
        projects.set_indicators(db, actor, pid, INDICATORS[kind])
        if village:
            projects.set_beneficiaries(
                db, actor, pid, villages=[village[0]], households=[(c, mode) for c in codes[village[0]][:3]]
            )
        if target == "已作废":
            projects.void(db, actor, pid, "与县级交通项目重复，撤回申报", on=start + timedelta(days=5))
        elif target in ("储备", "入库"):
            _walk(db, actor, pid, target, start)
        else:
            _money(db, actor, pid, funding, target, start, today, bare=bool(offset) and target == "实施")
    return made


def _money(
    db: Database, actor: Actor, pid: int, funding: dict, target: str, start: date, today: date, *, bare: bool
) -> None:
    """Up to 实施; a contract for 90 % of the funding; 20 % paid by progress; for a 实施 project one payment
    entered twice and reversed and one over the cap refused; else 验收, the rest paid, and 决算."""
    started = _walk(db, actor, pid, "实施", start)
    source = next(iter(funding))
    amount = sum(funding.values()) * 100 * 9 // 10
    cid = contracts.add_contract(
        db,
        actor,
        pid,
        number=f"HT-{pid:03d}",
        party="商丘建工集团有限公司",
        amount_fen=amount,
        signed_on=started,
    )

    def day(days: int) -> date:
        return min(started + timedelta(days=days), today)

    first = min(amount * 20 // 100, funding[source] * 100)
    evidence = "" if bare else f"付款凭证{pid}-1"
    contracts.disburse(
        db, actor, cid, amount_fen=first, source=source, progress=20, paid_on=day(2), evidence=evidence
    )
    if target == "实施":
        if first * 2 <= funding[source] * 100:  # a payment entered against the wrong voucher, then reversed
            twice = contracts.disburse(
                db,
                actor,
                cid,
                amount_fen=first,
                source=source,
                progress=40,
                paid_on=day(3),
                evidence=f"付款凭证{pid}-2",
            )
            contracts.reverse(db, actor, twice, "凭证未到，误录，冲销", on=day(4))
        try:  # the rule at work: 20 % is paid and 25 % verified, so 15 % more is over contract × progress
            contracts.disburse(
                db, actor, cid, amount_fen=amount * 15 // 100, source=source, progress=25, paid_on=day(5)
            )
        except Refused:
            pass
        return
    _walk(db, actor, pid, "竣工验收", started)
    rest = amount - first
    for src, yuan in funding.items():
        pay = min(rest, yuan * 100 - (first if src == source else 0))
        if pay > 0:
            contracts.disburse(
                db, actor, cid, amount_fen=pay, source=src, progress=100, paid_on=day(12),
                evidence=f"付款凭证{pid}-{src[:2]}",
            )  # fmt: skip
            rest -= pay
    if target == "决算":
        _walk(db, actor, pid, "决算", started + timedelta(days=20))
