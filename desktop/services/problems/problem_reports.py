"""问题整改台账 (PDF and .xlsx): every problem with its measures, responsible person, deadline, state and 销号日期,
grouped by village or by source with a subtotal each. Seed 003 (六): “逐级建立整改台账、责任清单，实行销号管理”;
seed 000 三.3: “重点查看是否有方案、问题台账及整改结果”."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected
from desktop.models import Township
from desktop.services.documents import Printed, render_ledger, township_issuer
from desktop.services.problems import problems
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.system import audit
from desktop.services.system.actor import Actor

GROUPINGS = {"village": "按行政村", "source": "按问题来源"}
TOWNSHIP_ROW = "乡镇"  # the 行政村 of a township-level problem


def state_text(p: problems.ProblemInfo) -> str:
    return p.state + (f"\n逾期{p.overdue_days}天" if p.overdue else "")


def problem_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    source: str | None = None,
    village: str | None = None,
    state: str | None = None,
    by: str = "village",
    xlsx: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> Printed:
    """The ledger of the problems the actor may see, filtered by source, village and state; subtotals per village
    (by="village") or per source (by="source")."""
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    if by not in GROUPINGS:
        raise InputRejected(f"分组“{by}”不对，应为：village（按行政村）或 source（按问题来源）")
    today = today or clock.today()
    found = problems.problems(db, actor, source=source, village=village, state=state, today=today)
    if not found:
        said = "、".join(x for x in (source, village, state) if x)
        raise InputRejected(f"没有{said + '的' if said else ''}整改问题")
    with db.read() as s:
        township = s.scalar(select(Township.name).order_by(Township.id).limit(1)) or ""

    def place(p: problems.ProblemInfo) -> str:
        return p.village or TOWNSHIP_ROW

    order = problems.SOURCES
    if by == "village":
        found.sort(key=lambda p: (not p.village, p.village, p.id))
    else:
        found.sort(key=lambda p: (order.index(p.source) if p.source in order else len(order), p.id))
    first, second = ("行政村", "来源") if by == "village" else ("来源", "行政村")
    rows = []
    for i, p in enumerate(found, start=1):
        group, other = (place(p), p.source) if by == "village" else (p.source, place(p))
        rows.append(
            [
                i,
                group,
                other,
                p.household,
                p.head or p.subject,
                p.text,
                p.measures,
                p.responsible,
                clock.cn_date(p.deadline),
                state_text(p),
                clock.cn_date(p.closed_on) if p.closed_on else "",
                1,
            ]
        )
    filters = "；".join(f"{k}：{v}" for k, v in (("来源", source), ("状态", state)) if v)
    ledger = Ledger(
        title=f"{township}{found[0].village if village else ''}问题整改台账",
        columns=[
            Column("序号", "center"),
            Column(first, "center", min_chars=3 if by == "village" else 2),
            Column(second, "center", min_chars=2 if by == "village" else 3),
            Column("户编号", "center", nowrap=True),
            Column("户/对象", "center", min_chars=4),
            Column("问题", min_chars=10),
            Column("整改措施", min_chars=8),
            Column("责任人", "center", min_chars=3),
            Column("整改期限", "center", nowrap=True),
            Column("状态", "center", min_chars=5),
            Column("销号日期", "center", nowrap=True),
            Column("件数", "right", total=True),
        ],
        rows=rows,
        unit=township_issuer(db, township),
        period=f"截至{clock.cn_date(today)}（{GROUPINGS[by]}{'；' + filters if filters else ''}）",
        measure="单位：件",
        group_col=1,
        made=today,
        stamp=audit.stamp(db),
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)
