"""档案完整性台账: per household the items each copy lacks, with totals per village."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected
from desktop.services.archives.archives import STATE_OUTDATED, village_status
from desktop.services.documents import Printed, render_ledger, township_issuer
from desktop.services.households.households import villages
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.system import audit
from desktop.services.system.actor import Actor


def completeness_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    village: str | None = None,
    only_incomplete: bool = False,
    xlsx: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> Printed:
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    today = today or clock.today()
    statuses = village_status(db, actor, village, items=True)
    if not statuses:
        raise InputRejected("没有可统计的农户")
    copies = statuses[0].copies
    rows = []
    for st in statuses:
        lacking = {key: st.missing(key) for key, _ in copies}
        if only_incomplete and not any(lacking.values()):
            continue
        # Items not recorded at all are missing from every copy: say so once, then what each copy must update.
        absent = [i.title for i in st.items if i.due and not i.recorded]
        outdated = {
            name: [i.title for i in lacking[key] if i.copies[key] == STATE_OUTDATED] for key, name in copies
        }
        notes = [f"未登记：{'、'.join(absent)}"] if absent else []
        if len({tuple(v) for v in outdated.values()}) == 1 and next(iter(outdated.values())):
            notes.append(f"各份需更新：{'、'.join(next(iter(outdated.values())))}")
        else:
            notes += [f"{name}需更新：{'、'.join(v)}" for name, v in outdated.items() if v]
        rows.append(
            [len(rows) + 1, st.village, st.code, st.head]
            + [len(lacking[key]) for key, _ in copies]
            + ["；".join(notes) or "齐全", 1, 1 if all(not v for v in lacking.values()) else 0]
        )
    if not rows:
        raise InputRejected("所有农户的档案都已齐全")
    township = next((v.township for v in villages(db, actor)), "")
    ledger = Ledger(
        title=f"{township}{rows[0][1] if village else ''}贫困户档案完整性台账",
        columns=[
            Column("序号", "center"),
            Column("行政村", "center", min_chars=3),
            Column("户编号", "center"),
            Column("户主", "center", min_chars=3),
            *[Column(f"{name}\n缺项", "right", total=True) for _, name in copies],
            Column("缺失或需更新的材料", min_chars=24),
            Column("户数", "right", total=True),
            Column("齐全\n户数", "right", total=True),
        ],
        rows=rows,
        unit=township_issuer(db, township),
        period=f"截至{clock.cn_date(today)}",
        measure="单位：项、户",
        group_col=1,
        made=today,
        stamp=audit.stamp(db),
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)
