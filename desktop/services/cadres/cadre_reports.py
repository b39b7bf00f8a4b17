"""遍访台账: the coverage ledger — per rule, cadre, period and village, the households due, visited and not yet
visited (by name) — as PDF or xlsx. No phone is printed; the ledger names cadres and household heads only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected
from desktop.services.cadres import cadres
from desktop.services.documents import Printed, render_ledger, township_issuer, township_name
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.system import audit
from desktop.services.system.actor import Actor

BEHIND_SHOWN = (
    12  # names listed in a row's 未走访 cell; the rest are counted (the xlsx and the window list all)
)


def behind_text(row: cadres.CoverageRow, limit: int | None = BEHIND_SHOWN) -> str:
    if row.measure == "次":
        return f"差{row.short}次" if row.short else ""
    names = [head or code for code, head in row.behind]
    if limit is not None and len(names) > limit:
        return "、".join(names[:limit]) + f"等{len(names)}户"
    return "、".join(names)


def coverage_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    year: int | None = None,
    village: str | None = None,
    xlsx: bool = False,
    behind_only: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> Printed:
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    today = today or clock.today()
    year = year or today.year
    cov = cadres.coverage(db, actor, year, village=village, on=min(today, date(year, 12, 31)))
    if not cov.rows:
        raise InputRejected(f"{year}年没有需要遍访的干部（请先登记帮扶干部、结对，或检查遍访规则）")
    chosen = cov.behind_rows if behind_only else cov.rows
    if not chosen:
        raise InputRejected(f"{year}年截至{clock.cn_date(cov.on)}没有未完成遍访的干部")
    ordered = sorted(chosen, key=lambda r: (r.village or "全乡镇", r.rule, r.post, r.cadre, r.start))
    rows = []
    for i, r in enumerate(ordered, start=1):
        households = r.measure == "户"
        rows.append(
            [
                i,
                r.village or "全乡镇",
                r.cadre,
                r.post,
                r.rule,
                r.period,
                r.due if households else "",
                r.done if households else "",
                r.short if households else "",
                r.state if households else f"{r.state}\n已访{r.done}/{r.due}次",
                behind_text(r, None if xlsx else BEHIND_SHOWN) if households else "",
            ]
        )
    with db.read() as s:
        township = township_name(s)
    ledger = Ledger(
        title=f"{township}{village or ''}{year}年度干部遍访台账" + ("（未完成部分）" if behind_only else ""),
        columns=[
            Column("序号", "center"),
            Column("行政村", "center", min_chars=3, nowrap=True),
            Column("干部", "center", min_chars=3, nowrap=True),
            Column("职务", "center", min_chars=6, nowrap=True),
            Column("遍访要求", min_chars=13),
            Column("期间", "center", nowrap=True),
            Column("应访户数", "right", total=True),
            Column("已访户数", "right", total=True),
            Column("未访户数", "right", total=True),
            Column("完成情况", "center", min_chars=5),
            Column("未走访农户（户主）", min_chars=16),
        ],
        rows=rows,
        unit=township_issuer(db, township),
        period=f"{year}年1月1日至{clock.cn_date(cov.on)}",
        measure="单位：户（按次数计的要求见完成情况，不计入户数）",
        group_col=1,
        made=today,
        stamp=audit.stamp(db),
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)
