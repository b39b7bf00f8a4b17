"""防返贫监测's papers: the 纳入 and 风险消除 notices for the village board, the 监测对象台账 and the monthly
monitoring report per village.

The notices list households, their 监测类型 and (for 风险消除) when they came in — never the illness, the
event or the income (brief §4: a public paper shows no health or cause), IDs masked as on every notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected
from desktop.models import Household, Measure, MonitoringCase, RiskEvent, ScreeningProposal, Township, Village
from desktop.reports.mask import mask
from desktop.services.documents import Printed, render_ledger, township_issuer, township_name
from desktop.services.households.households import resolve_village, village_labels, village_scope
from desktop.services.monitoring import monitoring
from desktop.services.monitoring.monitoring import CaseInfo
from desktop.services.plans import plans
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor

NOTICE_WHAT = {"include": "防返贫监测对象纳入", "close": "防返贫监测对象风险消除"}


def _posted(info: CaseInfo, phase: str):
    """The case's 村公示 of the phase (its newest attempt), if that is where the case stands or has passed."""
    steps = [st for st in info.steps if st.phase == phase]
    if not steps:
        return None
    attempt = max(st.attempt for st in steps)
    return next((st for st in steps if st.attempt == attempt and st.step == "村公示"), None)


def notice_dates(db: Database, actor: Actor, village: str, phase: str) -> list[date]:
    """The days a 村公示 of the phase started in the village, newest first (what a notice can be printed for)."""
    found = monitoring.cases(db, actor, village=village)
    return sorted({st.on for c in found if (st := _posted(c, phase)) is not None}, reverse=True)


def case_notice(
    db: Database,
    actor: Actor,
    village: str,
    out: str | Path,
    *,
    phase: str = "include",
    on: date | None = None,
    issuer: str | None = None,
    phone: str | None = None,
) -> Printed:
    """The village's 公示 of households it proposes to bring into monitoring (phase include) or to mark 风险消除
    (phase close): the cases whose 村公示 of that phase started on `on` (default: the newest such day)."""
    from desktop.reports.notice import Notice, NoticeTable, cn_date, render_notice  # lazy: reportlab

    if phase not in NOTICE_WHAT:
        raise InputRejected(f"公示类型“{phase}”无效，可选：include（纳入）、close（风险消除）")
    with db.read() as s:
        v = resolve_village(s, actor, village)
        township = s.get(Township, v.township_id)
    with db.read() as s:
        found = monitoring.case_rows(s, Household.village_id == v.id)
    posted = [(c, st) for c in found if (st := _posted(c, phase)) is not None]
    if not posted:
        raise InputRejected(
            f"{v.name}没有进入村公示的{monitoring.PHASE_NAMES[phase]}程序（先录入村级评议和村公示）"
        )
    on = on or max(st.on for _c, st in posted)
    rows = [(c, st) for c, st in posted if st.on == on]
    if not rows:
        raise InputRejected(f"{v.name}在{cn_date(on)}没有开始{monitoring.PHASE_NAMES[phase]}的村公示")
    with db.read() as s:
        ids = dict(
            s.execute(
                select(Household.code, Household.head_id_number).where(
                    Household.code.in_([c.code for c, _ in rows])
                )
            ).all()
        )
    rows.sort(key=lambda r: (r[0].group, r[0].code))
    days = rows[0][1].days or settings.get(db, "notice.days")
    end = rows[0][1].notice_end or on
    people = sum(c.size for c, _ in rows)
    headers = ["序号", "村民小组", "户主姓名", "身份证号码", "家庭人口", "监测对象类型"]
    widths = [1, 1.6, 1.8, 3.6, 1.3, 3.0]
    if phase == "close":
        headers.append("纳入时间")
        widths.append(2.4)
    table = NoticeTable(headers, [], widths, ["center"] * len(headers))
    for i, (c, _st) in enumerate(rows, start=1):
        row = [str(i), c.group, c.head, mask("id_number", ids.get(c.code) or ""), str(c.size), c.case_type]
        if phase == "close":
            row.append(cn_date(c.included_on) if c.included_on else "")
        table.rows.append(row)
    office = settings.get_all(db)
    phone = phone or str(office["notice.phone"])
    local, address = office["notice.local_phone"], office["notice.address"]
    count = f"共{len(rows)}户{people}人"
    if phase == "include":
        # seed 000: 应纳尽纳 … 返贫即入; 四(一)1 严格按照程序 — 农户申报/干部排查 and the village's 评议 come first
        paragraph = (
            f"根据防止返贫动态监测和帮扶工作有关规定，经农户申报、干部排查和村级民主评议，"
            f"{v.name}拟将以下农户（{count}）纳入防返贫监测对象，现予以公示。"
        )
    else:
        # seed 000: 应进则进、应退慎退 — only after the income has held and the risk is gone
        paragraph = (
            f"根据防止返贫动态监测和帮扶工作有关规定，经入户核实和村级民主评议，{v.name}以下监测对象"
            f"（{count}）经帮扶后收入持续稳定、返贫致贫风险已经消除，拟标注为风险消除，现予以公示。"
        )
    notice = Notice(
        title=f"关于{v.name}{NOTICE_WHAT[phase]}名单的公示",
        paragraphs=[paragraph],
        table=table,
        closing=[
            f"公示时间：{cn_date(on)}至{cn_date(end)}（共{days}天）。",
            f"公示期间，如有异议，请以书面或电话形式向{v.name}村民委员会或{township.name}人民政府反映。",
            f"监督电话：{local + '　' if local else ''}{phone}",
            *([f"受理地址：{address}"] if address else []),
        ],
        issuer=issuer or f"{township.name}{v.name}村民委员会",
        issued=on,
        stamp=audit.stamp(db),
    )
    info = render_notice(notice, out)
    return Printed(str(out), info.pages, info.fonts, len(rows))


def cases_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    year: int | None = None,
    village: str | None = None,
    xlsx: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> Printed:
    """监测对象台账 (internal, for the cadres): every case monitored, or in its 纳入 program, at some time in the
    year — type, dates, the risks recorded, the measures that name them, the helper, the state."""
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    today = today or clock.today()
    year = year or today.year
    first, last = date(year, 1, 1), date(year, 12, 31)
    with db.read() as s:
        scope = village_scope(s, actor, village)
        township = township_name(s)
        chosen = (
            (MonitoringCase.opened_on <= last)
            & or_(MonitoringCase.closed_on.is_(None), MonitoringCase.closed_on >= first)
            & (MonitoringCase.closure != "not_included")
        )
        found = monitoring.case_rows(s, scope & chosen)
        hids = dict(
            s.execute(
                select(Household.code, Household.id).where(Household.code.in_([c.code for c in found]))
            ).all()
        )
        helpers = dict(
            s.execute(select(Household.code, Household.attrs).where(Household.code.in_(list(hids)))).all()
        )
        paired = plans.helpers_on(s, list(hids.values()), min(today, last))
        risks: dict[int, list[str]] = {}
        for hid, kind in s.execute(
            select(RiskEvent.household_id, RiskEvent.kind)
            .where(RiskEvent.household_id.in_(list(hids.values())), RiskEvent.voided_at.is_(None))
            .where(RiskEvent.occurred_on <= last)
            .order_by(RiskEvent.occurred_on)
        ):
            if kind not in risks.setdefault(hid, []):
                risks[hid].append(kind)
        measures: dict[int, list[str]] = {}
        for hid, kind in s.execute(
            select(Measure.household_id, Measure.kind)
            .where(
                Measure.household_id.in_(list(hids.values())),
                Measure.year == year,
                Measure.status != "dropped",
            )
            .order_by(Measure.id)
        ):
            measures.setdefault(hid, []).append(kind)
    if not found:
        raise InputRejected(f"{year}年没有防返贫监测对象（纳入程序中、监测中或当年消除的）")
    rows = []
    for i, c in enumerate(found, start=1):
        hid = hids[c.code]
        a = helpers.get(c.code) or {}
        helper = paired.get(hid) or (a.get("helper", ""), a.get("helper_phone", ""))
        kinds = measures.get(hid, [])
        rows.append(
            [
                i,
                c.village,
                c.code,
                c.head,
                c.size,
                c.case_type,
                clock.cn_date(c.included_on) if c.included_on else "程序中",
                "、".join(risks.get(hid, [])) or "—",
                "、".join(dict.fromkeys(kinds)) + (f"（{len(kinds)}项）" if kinds else "—"),
                f"{helper[0]} {helper[1]}".strip(),
                c.state_name if c.closure != "natural" else "自然消除",
                clock.cn_date(c.closed_on) if c.closed_on else "",
                1,
            ]
        )
    ledger = Ledger(
        title=f"{township}{found[0].village if village else ''}{year}年度防返贫监测对象台账",
        columns=[
            Column("序号", "center"),
            Column("行政村", "center", min_chars=3),
            Column("户编号", "center"),
            Column("户主", "center", min_chars=3),
            Column("人口", "right", total=True),
            Column("监测类型", "center", min_chars=6),
            Column("纳入日期", "center", nowrap=True),
            Column("风险类别", min_chars=6),
            Column("帮扶措施", min_chars=8),
            Column("帮扶责任人", min_chars=6),
            Column("状态", "center", min_chars=6),
            Column("消除日期", "center", nowrap=True),
            Column("户数", "right", total=True),
        ],
        rows=rows,
        unit=township_issuer(db, township),
        period=f"{year}年度",
        measure="单位：户、人",
        group_col=1,
        made=today,
        stamp=audit.stamp(db),
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)


@dataclass(frozen=True)
class MonthRow:
    village: str
    at_start: int  # monitored on the day before the month began
    included: int  # 县审定 of 纳入 in the month
    closed: int  # 风险消除 or 自然消除 in the month
    at_end: int  # still monitored (at risk) on the month's last day: at_start + included − closed
    including: int  # in the 纳入 procedure on the month's last day
    pending: int  # screening proposals waiting for a decision now

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _monitored_on(c: MonitoringCase, day: date) -> bool:
    return c.included_on is not None and c.included_on <= day and (c.closed_on is None or c.closed_on > day)


def month_figures(
    db: Database, actor: Actor, month: clock.Month, *, village: str | None = None
) -> list[MonthRow]:
    """Per village (every village in scope, with or without cases): households monitored at the start, brought
    in, closed, still at risk at the end, in the 纳入 procedure at the end, and proposals waiting now."""
    first, last = month.first_day(), month.last_day()
    before = first - timedelta(days=1)
    with db.read() as s:
        scope = village_scope(s, actor, village, Village.id)
        labels = village_labels(s)
        names = {vid: labels[vid] for vid in s.scalars(select(Village.id).where(scope))}
        found = s.execute(
            select(Household.village_id, MonitoringCase)
            .join(Household, Household.id == MonitoringCase.household_id)
            .where(Household.village_id.in_(list(names)), MonitoringCase.opened_on <= last)
        ).all()
        pending = dict(
            s.execute(
                select(Household.village_id, func.count())
                .join(ScreeningProposal, ScreeningProposal.household_id == Household.id)
                .where(Household.village_id.in_(list(names)), ScreeningProposal.state == "pending")
                .group_by(Household.village_id)
            ).all()
        )
    counts = {vid: [0, 0, 0, 0, 0] for vid in names}
    for vid, c in found:
        row = counts[vid]
        row[0] += _monitored_on(c, before)
        row[1] += c.included_on is not None and first <= c.included_on <= last
        row[2] += c.included_on is not None and c.closed_on is not None and first <= c.closed_on <= last
        row[3] += _monitored_on(c, last)
        still_including = c.included_on is None or c.included_on > last
        rejected = c.closure == "not_included" and c.closed_on is not None and c.closed_on <= last
        row[4] += still_including and not rejected
    return [MonthRow(names[v], *counts[v], pending.get(v, 0)) for v in sorted(names, key=lambda v: names[v])]


def monthly_report(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    month: clock.Month | None = None,
    village: str | None = None,
    xlsx: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> Printed:
    """防返贫监测月报: month_figures as a ledger, one row per village and the township's total."""
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    today = today or clock.today()
    month = month or clock.Month.of(today)
    figures = month_figures(db, actor, month, village=village)
    if not figures:
        raise InputRejected("没有可统计的村")
    with db.read() as s:
        township = township_name(s)
    rows = [
        [i, f.village, f.at_start, f.included, f.closed, f.at_end, f.including, f.pending]
        for i, f in enumerate(figures, start=1)
    ]
    ledger = Ledger(
        title=f"{township}防返贫动态监测月报（{month.year}年{month.month}月）",
        columns=[
            Column("序号", "center"),
            Column("行政村", "center", min_chars=4),
            Column("月初监测户", "right", total=True),
            Column("本月纳入", "right", total=True),
            Column("本月消除", "right", total=True),
            Column("月末仍有风险", "right", total=True),
            Column("纳入程序中", "right", total=True),
            Column("待处理筛查\n（制表时）", "right", total=True),
        ],
        rows=rows,
        unit=township_issuer(db, township),
        period=f"{clock.cn_date(month.first_day())}至{clock.cn_date(min(month.last_day(), today))}",
        measure="单位：户",
        made=today,
        stamp=audit.stamp(db),
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)
