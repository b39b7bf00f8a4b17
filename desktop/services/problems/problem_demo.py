"""`init --demo`: a 问题整改台账 with problems of every source, some overdue, some 销号 on a photo, one sent back
after acceptance, one 作废, and two turned from 疑点核查 findings (desktop.services.demo.build_demo calls this)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select

from desktop import clock
from desktop.db import Database
from desktop.models import Household
from desktop.services.households import households
from desktop.services.problems import problems
from desktop.services.quality import quality
from desktop.services.system.actor import Actor

# (source, level, text, measures, responsible, deadline in days from today (negative: past), what happens)
DEMO = (
    (
        "督查",
        "household",
        "危房改造后门窗未安装到位，冬季透风",
        "督促施工队10日内安装门窗并验收",
        "王建军",
        -12,
        "open",
    ),
    (
        "巡视",
        "household",
        "厨房裂缝透风漏雨，未列入破旧房整改",
        "纳入破旧房整改计划，修缮厨房",
        "李红梅",
        -5,
        "submitted",
    ),
    (
        "考核",
        "village",
        "村级问题台账未建立，整改结果无记录",
        "建立问题整改台账，逐项销号",
        "赵文书",
        -20,
        "closed",
    ),
    (
        "审计",
        "village",
        "2025年产业奖补资金发放无签领记录",
        "补齐签领表并在村务公开栏公示",
        "孙会计",
        15,
        "open",
    ),
    (
        "督查",
        "household",
        "帮扶手册填写不全，缺少走访记录",
        "驻村工作队补记走访并完善帮扶手册",
        "周海涛",
        -3,
        "rejected",
    ),
    ("信访", "household", "群众反映低保金未按时发放", "核实发放记录，补发并答复来访人", "吴丽", 7, "closed"),
    (
        "自查",
        "household",
        "家庭成员信息与系统不一致（人数不符）",
        "入户核实后在系统中更正",
        "郑国强",
        20,
        "open",
    ),
    (
        "巡视",
        "township",
        "扶贫项目资金公告公示不及时",
        "项目资金一律在实施前公示不少于10天",
        "扶贫办 钱主任",
        -8,
        "open",
    ),
    (
        "审计",
        "village",
        "村集体经济收益分配方案未经村民代表大会",
        "召开村民代表大会重新审议并公示",
        "冯支书",
        30,
        "open",
    ),
    ("考核", "household", "重复登记（与第2号同一问题）", "", "陈文书", 10, "void"),
)


def _photo(label: int) -> bytes:
    """A small 'photo of the result' (整改后照片) for the closed problems."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (480, 360), (196, 214, 200))
    d = ImageDraw.Draw(img)
    d.rectangle((20, 20, 460, 340), outline=(90, 110, 95), width=4)
    d.rectangle((140, 120, 340, 300), fill=(150, 120, 90))  # a door, done
    d.line((30, 330, 30 + 40 * (label % 10), 330), fill=(60, 60, 60), width=3)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=70)
    return out.getvalue()


def add_demo_problems(db: Database, actor: Actor, *, today: date | None = None) -> int:
    """The demo ledger spread over the villages; returns the number of problems made."""
    today = today or clock.today()
    villages = [v for v in households.villages(db, actor) if v.households]
    if not villages:
        return 0
    with db.read() as s:
        codes = {
            v.id: s.scalars(
                select(Household.code).where(Household.village_id == v.id).order_by(Household.code).limit(3)
            ).all()
            for v in villages
        }
    made = 0
    for i, (source, level, text, measures, who, days, fate) in enumerate(DEMO):
        v = villages[i % len(villages)]
        pid = problems.add(
            db,
            actor,
            source=source,
            level=level,
            text=text,
            responsible=who,
            measures=measures,
            deadline=today + timedelta(days=days),
            household=codes[v.id][i % len(codes[v.id])] if level == "household" else None,
            village=v.qualified if level == "village" else None,
            today=today,
        )
        made += 1
        if fate in ("submitted", "closed", "rejected"):
            problems.add_evidence(db, actor, pid, [(f"整改后照片{pid}.jpg", _photo(pid))])
            problems.submit(db, actor, pid, "已按整改措施完成，附整改后照片")
        if fate == "closed":
            problems.close(db, actor, pid, "经乡扶贫办实地验收合格", today=today)
        elif fate == "rejected":
            problems.reject(db, actor, pid, "走访记录仍缺2次，请补齐后再提交")
        elif fate == "void":
            problems.void(db, actor, pid, "与第2号为同一问题，重复登记")
    # two 疑点核查 findings of the first village turned into problems in one click each
    found = quality.run_audit(db, actor, village=villages[0].qualified, record=False, today=today).findings
    for finding in found[:2]:
        problems.from_finding(db, actor, finding, responsible="村文书", today=today)
        made += 1
    return made
