"""Prints of 一户一策: 明白卡, the plan sheet, the visit ledger and the monitoring-households ledger."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected
from desktop.models import Household, IncomeYear, Member, Township, Village, Visit
from desktop.reports.mask import mask
from desktop.services.documents import Printed, render_ledger, township_issuer, township_name
from desktop.services.households.households import age_on, household_for, village_scope
from desktop.services.plans import plans
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor
from desktop.vocabulary import COLOUR_HEX, COLOUR_MEANING, COLOUR_NAMES

# Roster yes/no flags that are policies a household enjoys (shown on the 明白卡).
POLICY_FLAGS = {
    "dibao": "农村低保",
    "tekun": "特困供养",
    "medical_insurance": "城乡居民基本医疗保险",
    "serious_illness_insurance": "大病保险",
    "pension_insurance": "城乡居民基本养老保险",
    "illness_aid": "大病医疗救助",
}


def _place(session, h: Household) -> tuple[str, Township]:
    v = session.get(Village, h.village_id)
    t = session.get(Township, v.township_id)
    return f"{t.county}{t.name}{v.name}{h.group_name}", t


def _status_text(m: plans.MeasureInfo) -> str:
    """已完成 with the month it was done on a second line (the card's status column is narrow)."""
    return m.status_name + (f"\n{clock.cn_month(m.done_on)}" if m.done_on else "")


def policy_card(
    db: Database,
    actor: Actor,
    code: str,
    year: int,
    out: str | Path,
    *,
    paper: str = "A4",
    borderless: bool = False,
    today: date | None = None,
) -> Printed:
    """The 明白卡 on A4 or A5. `borderless` is for printers that print to the paper edge: the coloured band
    then runs off the page; otherwise everything stays inside the unprintable border of an office printer."""
    from desktop.reports.policy_card import (  # lazy: reportlab loads only when printing
        PolicyCard,
        render_policy_card,
    )

    if paper.upper() not in ("A4", "A5"):
        raise InputRejected("纸张只能是 A4 或 A5")
    today = today or clock.today()
    view = plans.plan(db, actor, code, year)
    with db.read() as s:
        h = household_for(s, actor, code)
        place, township = _place(s, h)
        members = []
        enjoyed: dict[str, int] = {}
        for m in s.scalars(
            select(Member)
            .where(Member.household_id == h.id, Member.left_at.is_(None))
            .order_by(Member.position)
        ):
            a = m.attrs or {}
            age = age_on(m.birth_date, today)
            members.append(
                (
                    m.name,
                    m.relation,
                    m.sex,
                    "" if age is None else str(age),
                    mask("id_number", m.id_number or ""),
                    a.get("health", ""),
                )
            )
            for key, name in POLICY_FLAGS.items():
                if a.get(key) == "是":
                    enjoyed[name] = enjoyed.get(name, 0) + 1
        phone, ptype, cause, size = h.phone, h.poverty_type, h.main_cause, h.size
    policies = [f"{name}（{n}人）" for name, n in enjoyed.items()]
    policies += [f"{m.kind}：{m.description}" for m in view.measures if m.status == "done"]
    inc = view.income
    income = (
        f"{year}年家庭人均纯收入：{plans.yuan(inc.net_per_capita_fen)}元"
        + (
            f"（工资性{plans.yuan(inc.wage_fen)}、生产经营性{plans.yuan(inc.production_fen)}、"
            f"财产性{plans.yuan(inc.property_income_fen)}、转移性{plans.yuan(inc.transfer_fen)}，"
            f"生产经营性支出{plans.yuan(inc.production_cost_fen)}）"
            if inc is not None and inc.wage_fen is not None
            else ""
        )
        if inc is not None
        else f"{year}年家庭人均纯收入：未登记"
    )
    colour = view.colour.colour if view.colour else ""
    cadres = [m for m in view.measures if m.cadre]
    card = PolicyCard(
        year=year,
        colour_name=COLOUR_NAMES.get(colour, ""),
        colour_meaning=COLOUR_MEANING.get(colour, ""),
        colour_hex=COLOUR_HEX.get(colour, ""),
        place=place,
        head=view.head,
        code=view.code,
        size=size,
        phone=phone,
        poverty_type=ptype,
        cause=cause,
        members=members,
        income=income,
        measures=[
            (m.kind, m.description, plans.yuan(m.amount) if m.amount else "", m.cadre, _status_text(m))
            for m in view.measures
        ],
        policies=policies,
        helper=view.helper or (cadres[0].cadre if cadres else ""),
        helper_phone=view.helper_phone or (cadres[0].cadre_phone if cadres else ""),
        supervise_phone=str(settings.get(db, "notice.phone")),
        issuer=township_issuer(db, township.name),
        issued=today,
    )
    pages = render_policy_card(card, out, paper=paper, borderless=borderless)
    return Printed(str(out), pages, [])


def plan_sheet(
    db: Database, actor: Actor, code: str, year: int, out: str | Path, *, today: date | None = None
) -> Printed:
    from desktop.reports.policy_card import (  # lazy: reportlab loads only when printing
        PlanSheet,
        render_plan_sheet,
    )

    view = plans.plan(db, actor, code, year)
    with db.read() as s:
        h = household_for(s, actor, code)
        place, township = _place(s, h)
        phone, ptype, cause, size = h.phone, h.poverty_type, h.main_cause, h.size
    inc = view.income
    y = plans.yuan
    parts = [
        ("工资性", y(inc.wage_fen) if inc else "—"),
        ("生产经营性", y(inc.production_fen) if inc else "—"),
        ("财产性", y(inc.property_income_fen) if inc else "—"),
        ("转移性", y(inc.transfer_fen) if inc else "—"),
        ("生产经营性支出", y(inc.production_cost_fen) if inc else "—"),
        ("人均纯收入", y(inc.net_per_capita_fen) if inc else "—"),
    ]
    c = view.colour
    colour = f"{c.name}（{COLOUR_MEANING[c.colour]}）" if c else "未确定"
    basis = (c.basis + (f"；调整理由：{c.reason}" if c.reason else "")) if c else view.suggestion.text
    if view.risks:  # the household's own plan, kept in its archive: the risk notes stand beside the colour
        basis += f"；{view.suggestion.risk_text}"
    sheet = PlanSheet(
        year=year,
        place=place,
        head=view.head,
        code=view.code,
        size=size,
        phone=phone,
        poverty_type=ptype,
        cause=cause,
        colour=colour,
        colour_basis=basis,
        income_parts=parts,
        measures=[
            (
                m.kind,
                m.description,
                y(m.amount) if m.amount else "",
                m.cadre,
                clock.cn_month(m.planned_on) if m.planned_on else "",
                clock.cn_date(m.done_on) if m.done_on else "",
                m.status_name,
            )
            for m in view.measures
        ],
        conditions=[
            (cond.name, {True: "达标", False: "未达标", None: "待核验"}[cond.met], cond.source, cond.detail)
            for cond in view.conditions
        ],
        visits=[(clock.cn_date(v.visited_on), v.visitor, v.findings, v.follow_up) for v in view.visits[:5]],
        helper=view.helper,
        helper_phone=view.helper_phone,
        issuer=township_issuer(db, township.name),
        issued=today or clock.today(),
    )
    return Printed(str(out), render_plan_sheet(sheet, out), [])


def visit_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    village: str | None = None,
    year: int | None = None,
    xlsx: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> Printed:
    """走访台账: every visit of the year, by village."""
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing
    from desktop.reports.notice import cn_date  # lazy: reportlab loads only when printing

    today = today or clock.today()
    year = year or today.year
    with db.read() as s:
        q = (
            select(Village.name, Household.code, Household.head_name, Visit)
            .join(Household, Household.id == Visit.household_id)
            .join(Village, Village.id == Household.village_id)
            .where(Visit.visited_on >= date(year, 1, 1), Visit.visited_on <= date(year, 12, 31))
            .order_by(Village.name, Visit.visited_on, Household.code)
        )
        q = q.where(village_scope(s, actor, village))
        data = s.execute(q).all()
        township = township_name(s)
    if not data:
        raise InputRejected(f"{year}年没有走访记录")
    rows = [
        [
            i,
            vname,
            code,
            head,
            clock.cn_date(v.visited_on),
            v.visitor + (f"\n（{v.visitor_post}）" if v.visitor_post else ""),
            v.findings,
            v.problems,
            v.follow_up,
            1,
        ]
        for i, (vname, code, head, v) in enumerate(data, start=1)
    ]
    ledger = Ledger(
        title=f"{township}{data[0][0] if village else ''}{year}年度帮扶走访台账",
        columns=[
            Column("序号", "center"),
            Column("行政村", "center", min_chars=3),
            Column("户编号", "center"),
            Column("户主", "center", min_chars=3),
            Column("走访日期", "center", nowrap=True),
            Column("走访人", "center", min_chars=3),
            Column("了解情况", min_chars=12),
            Column("存在问题", min_chars=10),
            Column("后续措施", min_chars=10),
            Column("次数", "right", total=True),
        ],
        rows=rows,
        unit=township_issuer(db, township),
        period=f"{year}年1月1日至{cn_date(min(today, date(year, 12, 31)))}",
        measure="单位：次",
        group_col=1,
        made=today,
        stamp=audit.stamp(db),
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)


def monitoring_ledger(
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
    """监测户台账 (internal, not a public list): households whose CONFIRMED colour of the year is 黄卡 or 蓝卡, or
    whose 户类型 is a monitoring type (plans.monitored) — nobody because of health. Each row says why it is listed;
    the risk notes (illness, disability, disaster) are shown for the cadres, as the plan tab shows them."""
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    today = today or clock.today()
    year = year or today.year
    with db.read() as s:
        colours = plans.current_colours(s, year)
        scope = village_scope(s, actor, village)
        q = (
            select(Village.name, Household, IncomeYear.net_per_capita_fen)
            .join(Village, Village.id == Household.village_id)
            .outerjoin(IncomeYear, (IncomeYear.household_id == Household.id) & (IncomeYear.year == year))
            .where(plans.monitored(year), scope)
            .order_by(Village.name, Household.code)
        )
        members: dict[int, list[dict]] = {}
        for hid, attrs in s.execute(
            select(Member.household_id, Member.attrs)
            .join(Household, Household.id == Member.household_id)
            .where(plans.monitored(year), scope, Member.left_at.is_(None))
        ):
            members.setdefault(hid, []).append(attrs or {})
        found = s.execute(q).all()
        paired = plans.helpers_on(s, [h.id for _v, h, _i in found], min(today, date(year, 12, 31)))
        rows = []
        for i, (vname, h, income) in enumerate(found, start=1):
            a = h.attrs or {}
            colour = colours.get(h.id)
            helper = paired.get(h.id) or (a.get("helper", ""), a.get("helper_phone", ""))
            rows.append(
                [
                    i,
                    vname,
                    h.code,
                    h.head_name,
                    h.size,
                    h.household_kind or "—",
                    COLOUR_NAMES.get(colour or "", "未定"),
                    income,
                    plans.listed_because(h.household_kind, colour),
                    "；".join(plans.risk_notes(h, members.get(h.id, []))),
                    f"{helper[0]} {helper[1]}".strip(),
                    1,
                ]
            )
        township = township_name(s)
    if not rows:
        raise InputRejected(f"{year}年没有确定为黄卡、蓝卡或户类型为监测对象的农户")
    ledger = Ledger(
        title=f"{township}{rows[0][1] if village else ''}{year}年度防返贫监测户台账",
        columns=[
            Column("序号", "center"),
            Column("行政村", "center", min_chars=3),
            Column("户编号", "center"),
            Column("户主", "center", min_chars=3),
            Column("人口", "right", total=True),
            Column("户类型", "center", min_chars=7, nowrap=True),
            Column("卡色", "center"),
            Column("人均纯收入\n（元）", "right", money=True),
            Column("纳入依据", min_chars=7),
            Column("风险提示", min_chars=10),
            Column("帮扶责任人", min_chars=8),
            Column("户数", "right", total=True),
        ],
        rows=rows,
        unit=township_issuer(db, township),
        period=f"{year}年度",
        measure="单位：户、人、元",
        group_col=1,
        made=today,
        stamp=audit.stamp(db),
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)
