"""Printed outputs of the 孝善基金: the fund ledger, the monthly 签领表, the monthly notice, the 孝善光荣榜, the
赡养承诺书 and the 65周岁以上 elder ledger (no Qt; through the ledger and notice layouts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import aliased

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied
from desktop.models import (
    FilialFund,
    FundEntry,
    Household,
    IncomeYear,
    Member,
    Pledge,
    Supporter,
    Township,
    Village,
)
from desktop.services.fund.fund import (
    arrears,
    born_by,
    fund_of,
    latest_findings,
    monthly_totals,
    months_between,
    parse_month,
    registered,
    split,
)
from desktop.services.households.households import age_on, resolve_village
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor
from desktop.services.system.users import display_names

KIND_NAMES = {
    "contribution": "子女缴纳",
    "match": "基金补贴",
    "donation": "捐赠",
    "payout": "发放",
    "reversal": "冲正",
}


def month_span(months: list[str], *, count: bool = True) -> str:
    """2026年1月至11月（共11个月） for a consecutive run, else the months listed."""
    if len(months) > 2 and months == months_between(months[0], months[-1]):
        first, last = cn_month(months[0]), cn_month(months[-1])
        if months[0][:4] == months[-1][:4]:
            last = last[5:]  # 2026年1月至11月
        return f"{first}至{last}" + (f"（共{len(months)}个月）" if count else "")
    return "、".join(cn_month(m) for m in months)


def cn_month(month: str) -> str:
    year, mon = month.split("-")
    return f"{int(year)}年{int(mon)}月"


def kinship(relation: str) -> str:
    """“之子” already says whose: 任超平之子; a plain word needs 的: 任超平的儿子."""
    relation = relation.strip()
    return relation if relation.startswith("之") else f"的{relation}" if relation else ""


def _places(session, fund: FilialFund) -> tuple[str, str]:
    village = session.get(Village, fund.village_id)
    return village.name, session.get(Township, village.township_id).name


@dataclass
class FundPeriod:
    """One period of a fund's ledger, as the ledger and the 收支公示 both show it (so they always agree).

    Cash moves by contributions, donations, payouts and their reversals; a reversal counts against the kind it
    reverses (红字冲正). The fund's match is no new money: it is earmarked from the balance when a contribution
    comes in and paid out with the elder's monthly payout, so it is shown beside the cash, not added to it."""

    village: str
    township: str
    label: str  # 2026年12月, or 全部
    opening_fen: int
    entries: list[FundEntry]  # in the order they were booked (time, then number)
    kind_of: dict[int, str]  # entry id → the kind it counts as (a reversal: its original's kind)
    supporters: dict[int, str] = field(default_factory=dict)  # id → name
    elders: dict[int, str] = field(default_factory=dict)  # member id → name
    income_fen: dict[str, int] = field(default_factory=dict)  # contribution, donation
    match_fen: int = 0
    payout_fen: int = 0

    @property
    def income_total_fen(self) -> int:
        return sum(self.income_fen.values())

    @property
    def closing_fen(self) -> int:
        return self.opening_fen + self.income_total_fen - self.payout_fen


def fund_period(session, actor: Actor, village: str, month: str | None) -> FundPeriod:
    """Every entry of the fund booked in `month` (YYYY-MM, Beijing time) or ever, with the balance before."""
    fund = fund_of(session, actor, village)
    vname, tname = _places(session, fund)
    every = list(
        session.scalars(
            select(FundEntry).where(FundEntry.fund_id == fund.id).order_by(FundEntry.at, FundEntry.id)
        )
    )
    original = {e.id: e.kind for e in every}
    kind_of = {e.id: original.get(e.reverses_id, e.kind) if e.kind == "reversal" else e.kind for e in every}
    if month:
        month = parse_month(month)
        label = cn_month(month)
        before = [e for e in every if f"{clock.local(e.at):%Y-%m}" < month]
        entries = [e for e in every if f"{clock.local(e.at):%Y-%m}" == month]
    else:
        label, before, entries = "全部", [], every
    period = FundPeriod(vname, tname, label, sum(e.amount_fen for e in before), entries, kind_of)
    period.supporters = dict(
        session.execute(select(Supporter.id, Supporter.name).where(Supporter.fund_id == fund.id)).all()
    )
    period.elders = dict(
        session.execute(
            select(Member.id, Member.name).join(Household).where(Household.village_id == fund.village_id)
        ).all()
    )
    for e in entries:
        kind = kind_of[e.id]
        if kind in ("contribution", "donation"):
            period.income_fen[kind] = period.income_fen.get(kind, 0) + e.amount_fen
        elif kind == "match":
            period.match_fen += (e.extra or {}).get("earmarked_fen", 0)
        elif kind == "payout":
            period.payout_fen -= e.amount_fen
    return period


def fund_ledger(
    db: Database, actor: Actor, village: str, out: str | Path, *, month: str | None = None, xlsx: bool = False
):
    """基金台账 as PDF or workbook."""
    from desktop.reports.ledger import render_ledger_pdf  # lazy: reportlab loads only when printing
    from desktop.reports.ledger_xlsx import (  # lazy: openpyxl loads only when writing a workbook
        render_ledger_xlsx,  # lazy: openpyxl loads only when writing a workbook
    )

    ledger = build_fund_ledger(db, actor, village, month=month)
    return render_ledger_xlsx(ledger, out) if xlsx else render_ledger_pdf(ledger, out)


def build_fund_ledger(db: Database, actor: Actor, village: str, *, month: str | None = None):
    """基金台账: every entry in the order booked, 收入/支出 with the running 余额 (carried forward page to page),
    the fund's earmarked match beside them; a reversal is a red-ink line in the column of what it reverses."""
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    with db.read() as s:
        period = fund_period(s, actor, village, month)
        people = display_names(s)
    names, elders = period.supporters, period.elders
    if not period.entries:
        raise InputRejected(f"{period.village}孝善基金{period.label if month else ''}没有流水")
    balance = period.opening_fen
    rows: list[list] = []
    if month:
        rows.append(["", "", "上期结转", "", "", "", "", "", balance, "", ""])
    for i, e in enumerate(period.entries, start=1):
        kind = period.kind_of[e.id]
        earmark = (e.extra or {}).get("earmarked_fen", 0)
        summary = KIND_NAMES.get(e.kind, e.kind)
        if e.kind == "reversal":
            summary = f"冲正{KIND_NAMES.get(kind, kind)}（第{e.reverses_id}号）"
        if e.months:
            summary += f"：{month_span(e.months)}"
        balance += e.amount_fen
        rows.append(
            [
                i,
                clock.cn_date(clock.local_date(e.at)),
                summary,
                names.get(e.supporter_id, e.donor),
                elders.get(e.elder_member_id, ""),
                e.amount_fen if kind in ("contribution", "donation") else "",
                earmark or "",
                -e.amount_fen if kind == "payout" else "",
                balance,
                e.receipt_no or e.reason,
                people.get(e.operator, e.operator),
            ]
        )
    return Ledger(
        f"{period.township}{period.village}孝善基金{period.label if month else ''}台账",
        [
            Column("序号", "center"),
            Column("日期", "center", nowrap=True),
            Column("摘要", min_chars=8),
            Column("赡养人\n捐赠人", min_chars=4),
            Column("老人", "center", min_chars=3),
            Column("收入", "right", total=True, money=True),
            Column("基金补贴", "right", total=True, money=True),
            Column("支出", "right", total=True, money=True),
            Column("余额", "right", money=True, balance=True),
            Column("收据/说明", min_chars=6),
            Column("经办人", "center", min_chars=3),
        ],
        rows,
        unit=f"{period.township}{period.village}孝善理事会",
        period=period.label,
        measure="单位：元",
        carry=True,
        made=clock.today(),
        stamp=audit.stamp(db),
    )


def payout_sheet(db: Database, actor: Actor, village: str, month: str, out: str | Path):
    """签领表 of a month's payouts as booked (发放 first, then the sheet: it lists only money the fund has paid
    out), one line per elder, with room to sign or press a thumb."""
    from desktop.reports.ledger import (  # lazy: reportlab loads only when printing
        Column,
        Ledger,
        render_ledger_pdf,
    )

    month = parse_month(month)
    with db.read() as s:
        fund = fund_of(s, actor, village)
        vname, tname = _places(s, fund)
        reversed_ids = set(
            s.scalars(
                select(FundEntry.reverses_id).where(
                    FundEntry.fund_id == fund.id, FundEntry.reverses_id.is_not(None)
                )
            )
        )
        paid = [
            (e, name, code)
            for e, name, code in s.execute(
                select(FundEntry, Member.name, Household.code)
                .join(Member, Member.id == FundEntry.elder_member_id)
                .join(Household, Household.id == Member.household_id)
                .where(FundEntry.fund_id == fund.id, FundEntry.kind == "payout")
                .order_by(FundEntry.id)
            )
            if e.months == [month] and e.id not in reversed_ids
        ]
    if not paid:
        raise InputRejected(f"{vname}{cn_month(month)}的孝善金还没有发放：请先发放，再打印签领表请老人签字")
    rows = [
        [
            i,
            name,
            code,
            (e.extra or {}).get("contribution_fen", ""),
            (e.extra or {}).get("match_fen", ""),
            -e.amount_fen,
            "",
            "",
        ]
        for i, (e, name, code) in enumerate(paid, start=1)
    ]
    ledger = Ledger(
        f"{tname}{vname}{cn_month(month)}孝善金发放签领表",
        [
            Column("序号", "center"),
            Column("老人姓名", "center", min_chars=4),
            Column("户编号", "center"),
            Column("子女缴纳", "right", total=True, money=True),
            Column("基金补贴", "right", total=True, money=True),
            Column("合计发放", "right", total=True, money=True),
            # room for an elder to sign or press a thumb: wide columns, rows of at least 12 mm
            Column("领取人签字或手印", min_chars=8, min_mm=60),
            Column("领取日期", min_chars=6, min_mm=30),
        ],
        rows,
        unit=f"{tname}{vname}孝善理事会",
        period=cn_month(month),
        measure="单位：元",
        signoff=("出纳：", "会计：", "会长：", "监督：", "制表日期："),
        row_mm=12,
        made=clock.today(),
        stamp=audit.stamp(db),
    )
    return render_ledger_pdf(ledger, out)


def fund_notice(
    db: Database,
    actor: Actor,
    village: str,
    month: str,
    out: str | Path,
    *,
    days: int | None = None,
    phone: str | None = None,
):
    """The month's 收支公示 for the village board: the balance before, every income by kind, every payout with
    the month it is for, the balance after — the same period and the same sums as the fund ledger's — with its
    notice period and where to object. Names only, nothing else personal."""
    from desktop.reports.notice import (  # lazy: reportlab loads only when printing
        Notice,
        NoticeTable,
        cn_date,
        notice_period,
        render_notice,
    )

    with db.read() as s:
        period = fund_period(s, actor, village, month)
    supporters, elders = period.supporters, period.elders
    if not period.entries:
        raise InputRejected(f"{period.village}孝善基金{period.label}没有收支")
    office = settings.get_all(db)
    days = settings.notice_days(days, office["notice.days"])
    phone = phone or str(office["notice.phone"])
    sections: dict[str, list[list[str]]] = {"contribution": [], "donation": [], "match": [], "payout": []}
    column = {"contribution": 4, "donation": 4, "match": 5, "payout": 6}  # 收入, 补贴, 支出
    for e in period.entries:
        kind = period.kind_of[e.id]
        money = (e.extra or {}).get("earmarked_fen", 0) if kind == "match" else e.amount_fen
        if kind == "payout":
            money = -money
        what = KIND_NAMES[kind] if e.kind != "reversal" else f"冲正{KIND_NAMES[kind]}"
        row = [what, elders.get(e.elder_member_id, ""), supporters.get(e.supporter_id, e.donor)]
        row += [month_span(e.months, count=False), "", "", ""]
        row[column[kind]] = yuan(money)
        sections[kind].append(row)
    rows = [[str(i), *r] for i, r in enumerate((r for part in sections.values() for r in part), start=1)]
    rows.append(
        [
            "",
            "合计",
            "",
            "",
            "",
            yuan(period.income_total_fen),
            yuan(period.match_fen),
            yuan(period.payout_fen),
        ]
    )
    income = "、".join(
        f"{KIND_NAMES[k]}{yuan(period.income_fen[k])}元"
        for k in ("contribution", "donation")
        if period.income_fen.get(k)
    )
    text = (
        f"为接受群众监督，现将{period.village}孝善基金{period.label}收支情况公示如下："
        f"期初余额{yuan(period.opening_fen)}元；本期收入{yuan(period.income_total_fen)}元"
        f"{f'（{income}）' if income else ''}；本期支出{yuan(period.payout_fen)}元，为发放孝善金；"
        f"期末余额{yuan(period.closing_fen)}元。"
    )
    if period.match_fen:
        text += f"本期基金补贴{yuan(period.match_fen)}元，由基金随孝善金按月发放给老人，已含在发放金额中，不另计收支。"
    today = clock.today()
    first, last = notice_period(today, days)
    notice = Notice(
        f"{period.village}孝善基金{period.label}收支公示",
        [text],
        issuer=f"{period.township}{period.village}孝善理事会",
        issued=today,
        table=NoticeTable(
            ["序号", "项目", "老人", "赡养人/捐赠人", "所属月份", "收入", "补贴", "支出"],
            rows,
            [0.7, 1.3, 1.1, 1.5, 1.8, 1.9, 1.6, 1.9],
            ["center", "center", "center", "center", "center", "right", "right", "right"],
            [True, False, True, False, False, True, True, True],
        ),
        table_caption="收支明细（单位：元）",
        closing=[
            f"公示时间：{cn_date(first)}至{cn_date(last)}（共{days}天）。",
            f"公示期间，如有异议，请以书面或电话形式向{period.village}孝善理事会或村民委员会反映。",
            f"监督电话：{phone}",
        ],
        stamp=audit.stamp(db),
    )
    return render_notice(notice, out)


def yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def honour_roll(db: Database, actor: Actor, village: str, year: int, out: str | Path):
    """孝善光荣榜: supporters who paid every pledged month of the year (through December, or through now)."""
    from desktop.reports.notice import (  # lazy: reportlab loads only when printing
        Notice,
        NoticeTable,
        render_notice,
    )

    last = min(f"{year}-12", f"{clock.today():%Y-%m}")
    late = {a.supporter_id for a in arrears(db, actor, village, upto=last)}
    with db.read() as s:
        fund = fund_of(s, actor, village)
        vname, tname = _places(s, fund)
        rows = []
        for sup, elder in s.execute(
            select(Supporter, Member.name)
            .join(Member, Member.id == Supporter.elder_member_id)
            .where(Supporter.fund_id == fund.id)
            .order_by(Supporter.id)
        ):
            pledged = [
                p
                for p in s.scalars(select(Pledge).where(Pledge.supporter_id == sup.id))
                if p.start_month <= last and (p.end_month or last) >= f"{year}-01"
            ]
            if not pledged or sup.id in late:
                continue
            paid = sum(
                e.amount_fen
                for e in s.scalars(
                    select(FundEntry).where(
                        FundEntry.supporter_id == sup.id, FundEntry.kind == "contribution"
                    )
                )
                if any(m.startswith(f"{year}-") for m in e.months)
            )
            rows.append([str(len(rows) + 1), sup.name, elder, sup.relation, yuan(paid)])
    if not rows:
        raise InputRejected(f"{year}年还没有按时足额缴纳的赡养人")
    notice = Notice(
        f"{vname}{year}年度孝善光荣榜",
        [
            f"{year}年度，以下赡养人按照赡养承诺书按时足额缴纳赡养费，孝老爱亲，特予表彰，光荣上榜，望全村群众向他们学习。"
        ],
        issuer=f"{tname}{vname}孝善理事会",
        issued=clock.today(),
        table=NoticeTable(["序号", "赡养人", "老人", "关系", "全年缴纳（元）"], rows, [1, 2, 2, 1.4, 2]),
        stamp=audit.stamp(db),
    )
    return render_notice(notice, out)


def pledge_document(db: Database, actor: Actor, supporter_id: int, out: str | Path):
    """赡养承诺书, printed for signing (the signed paper is then scanned and archived)."""
    from desktop.reports.notice import (  # lazy: reportlab loads only when printing
        Notice,
        cn_date,
        render_notice,
    )

    with db.read() as s:
        sup = s.get(Supporter, supporter_id)
        if sup is None:
            raise NotFound(f"赡养人{supporter_id}不存在")
        fund = s.get(FilialFund, sup.fund_id)
        if actor.village_ids is not None and fund.village_id not in actor.village_ids:
            raise PermissionDenied("无权查看其他村的赡养承诺书")
        vname, tname = _places(s, fund)
        elder = s.get(Member, sup.elder_member_id)
        p = s.scalar(select(Pledge).where(Pledge.supporter_id == sup.id, Pledge.active.is_(True)))
    if p is None:
        raise InputRejected(f"{sup.name}还没有登记赡养承诺")
    start = cn_month(p.start_month)
    notice = Notice(
        "赡养承诺书",
        [
            f"本人{sup.name}，是{vname}{elder.name}{kinship(sup.relation)}。为弘扬孝老爱亲传统美德，保障老人晚年生活，"
            f"本人自愿作出如下承诺：",
            f"一、自{start}起，每月向{vname}孝善基金缴纳赡养费{p.monthly_fen / 100:.2f}元，由孝善理事会按月发放给老人。",
            "二、经常看望、照料老人，保障老人吃穿不愁、有病就医、住房安全。",
            "三、如未按时缴纳，接受孝善理事会和村民的监督、督促。",
            f"赡养人（签字按手印）：__________　　见证人：{p.witness or '__________'}",
            f"签订日期：{cn_date(p.signed_on)}",
        ],
        issuer=f"{tname}{vname}孝善理事会",
        issued=p.signed_on,
        stamp=audit.stamp(db),
    )
    return render_notice(notice, out)


__all__ = [
    "fund_ledger",
    "payout_sheet",
    "fund_notice",
    "honour_roll",
    "pledge_document",
    "elder_ledger",
    "months_between",
]


def honour_certificates(
    db: Database, actor: Actor, village: str, year: int, out: str | Path, *, issuer: str = ""
) -> int:
    """孝善之星 certificates for the supporters on the year's honour roll. Returns how many were printed."""
    from desktop.reports.certificate import (  # lazy: reportlab loads only when printing
        TEMPLATES,
        Certificate,
        render_certificates,
    )

    last = min(f"{year}-12", f"{clock.today():%Y-%m}")
    late = {a.supporter_id for a in arrears(db, actor, village, upto=last)}
    with db.read() as s:
        fund = fund_of(s, actor, village)
        vname, tname = _places(s, fund)
        people = [
            (sup, elder)
            for sup, elder in s.execute(
                select(Supporter, Member.name)
                .join(Member, Member.id == Supporter.elder_member_id)
                .where(Supporter.fund_id == fund.id)
                .order_by(Supporter.id)
            )
            if sup.id not in late and s.scalar(select(Pledge.id).where(Pledge.supporter_id == sup.id))
        ]
    if not people:
        raise InputRejected(f"{year}年没有按时足额缴纳的赡养人")
    certs = [
        Certificate(
            TEMPLATES["filial"],
            sup.name,
            issuer or f"{tname}{vname}孝善理事会",
            clock.today(),
            award=f"{year}年度孝善之星",
            text=f"在{year}年度孝善敬老活动中，按时足额缴纳赡养费，孝敬老人{elder}，被评为“孝善之星”。",
        )
        for sup, elder in people
    ]
    return render_certificates(certs, out)


def _chart_figure(db: Database, actor: Actor, village: str, size: tuple[float, float]):
    """Money in and out per month (bars). A Figure of its own, not pyplot's: it may be drawn on a worker."""
    from matplotlib.figure import Figure

    from desktop.reports.charts import pyplot  # lazy: matplotlib loads only when drawing charts

    pyplot()  # the Chinese fonts and the Agg backend, registered once
    totals = monthly_totals(db, actor, village) or [(f"{clock.today():%Y-%m}", 0, 0)]
    fig = Figure(figsize=size)
    ax = fig.add_subplot()
    xs = range(len(totals))
    ax.bar([x - 0.2 for x in xs], [t[1] / 100 for t in totals], width=0.4, label="收入", color="#2e86c1")
    ax.bar([x + 0.2 for x in xs], [t[2] / 100 for t in totals], width=0.4, label="支出", color="#c0392b")
    ax.set_xticks(list(xs), [t[0] for t in totals])
    ax.set_ylabel("元")
    ax.set_title("孝善基金每月收支")
    ax.legend()
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def fund_chart(db: Database, actor: Actor, village: str, out: str | Path) -> Path:
    """Money in and out per month (bars), for the overview."""
    fig = _chart_figure(db, actor, village, (10, 3.6))
    fig.savefig(out, dpi=100)
    return Path(out)


def fund_chart_png(
    db: Database, actor: Actor, village: str, *, width_px: int = 1000, height_px: int = 360
) -> bytes:
    """The same chart as PNG bytes at about the size it is shown (the window scales it to its label)."""
    from io import BytesIO

    dpi = 100
    fig = _chart_figure(db, actor, village, (max(width_px, 400) / dpi, max(height_px, 200) / dpi))
    buf = BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def elder_ledger(db: Database, actor: Actor, village: str, out: str | Path, *, xlsx: bool = False):
    """65周岁以上建档立卡贫困老年人台账 as PDF or workbook."""
    from desktop.reports.ledger import render_ledger_pdf  # lazy: reportlab loads only when printing
    from desktop.reports.ledger_xlsx import (  # lazy: openpyxl loads only when writing a workbook
        render_ledger_xlsx,  # lazy: openpyxl loads only when writing a workbook
    )

    ledger = build_elder_ledger(db, actor, village)
    return render_ledger_xlsx(ledger, out) if xlsx else render_ledger_pdf(ledger, out)


@dataclass(frozen=True)
class ElderRow:
    """One line of the 65周岁以上 elder ledger."""

    member_code: str
    household: str
    name: str
    sex: str
    age: int | None
    kind: str  # 户类型 (or 贫困户属性 where the roster gives no 户类型)
    income: str  # 3,882.00（2025年）, or blank: none recorded
    labour: str
    pension: str
    support: str  # 子女供养: each supporter and their pledged monthly amount
    paid_fen: int | None  # what the supporters paid for this year's months (None: no supporter)
    finding: str  # 子女赡养能力认定 that stands, with its date, or 未认定
    finding_note: str


@dataclass(frozen=True)
class ElderLedger:
    township: str
    village: str
    age: int
    day: date
    rows: list[ElderRow]


def elder_rows(db: Database, actor: Actor, village: str) -> ElderLedger:
    """Seed 000 扶志扶智 四(九): 对全市65周岁以上建档立卡贫困老年人进行全面摸底排查,分类建立台账,全面掌握老年人信息、
    经济收入、劳动能力、子女供养等现状,由村级责任组牵头组织,对贫困老年人子女是否有赡养能力进行认定.

    Every elder of a registered household (fund.registered) aged at least the ledger age (setting
    fund.ledger_age, 65) today: 经济收入 is the household's latest recorded 年人均纯收入 (blank when none is
    recorded: the roster of 2021 carries none), 劳动能力 the roster's 劳动技能, 子女供养 the supporters of the village
    fund with their pledged monthly amount and what they paid for this year's months, and the 子女赡养能力认定 as
    last recorded (fund.record_finding)."""
    today = clock.today()
    this_year = f"{today.year}-"
    with db.read() as s:
        v = resolve_village(s, actor, village)
        township = s.get(Township, v.township_id).name
        age = int(settings.get_in(s, "fund.ledger_age"))
        # the few columns the ledger shows, not the members' and households' whole rows
        found = [
            row
            for row in s.execute(
                select(
                    Member.id,
                    Member.code,
                    Member.name,
                    Member.sex,
                    Member.birth_date,
                    Member.attrs,
                    Household.id,
                    Household.code,
                    Household.household_kind,
                    Household.poverty_type,
                    Household.attrs,
                )
                .join(Household, Household.id == Member.household_id)
                .where(
                    Household.village_id == v.id,
                    Member.left_at.is_(None),
                    Member.birth_date <= born_by(today, age),
                )
                .order_by(Household.code, Member.position)
            )
            if registered(row[8], row[9], (row[10] or {}).get("exit_year"))
        ]
        ids = [row[0] for row in found]
        homes = {row[6] for row in found}
        income: dict[int, tuple[int, int]] = {}
        for hid, year, fen in s.execute(
            select(IncomeYear.household_id, IncomeYear.year, IncomeYear.net_per_capita_fen)
            .where(
                IncomeYear.household_id.in_(homes or [-1]),
                IncomeYear.year <= today.year,
                IncomeYear.net_per_capita_fen.is_not(None),
            )
            .order_by(IncomeYear.year)
        ):
            income[hid] = (year, fen)  # the latest year wins
        fund = s.scalar(select(FilialFund).where(FilialFund.village_id == v.id))
        support: dict[int, list[str]] = {}
        paid: dict[int, int] = {}
        if fund is not None:
            pledged = dict(
                s.execute(
                    select(Pledge.supporter_id, Pledge.monthly_fen)
                    .join(Supporter, Supporter.id == Pledge.supporter_id)
                    .where(Supporter.fund_id == fund.id, Pledge.active.is_(True))
                    .order_by(Pledge.id)
                ).all()
            )
            for sid, elder_id, name, relation in s.execute(
                select(Supporter.id, Supporter.elder_member_id, Supporter.name, Supporter.relation)
                .where(Supporter.fund_id == fund.id, Supporter.elder_member_id.in_(ids or [-1]))
                .order_by(Supporter.id)
            ):
                monthly = pledged.get(sid)
                support.setdefault(elder_id, []).append(
                    f"{name}（{relation.removeprefix('之')}）"
                    + (f"每月{monthly / 100:.2f}元" if monthly else "未签承诺")
                )
            undoing = aliased(FundEntry)
            for elder_id, amount, months in s.execute(
                select(FundEntry.elder_member_id, FundEntry.amount_fen, FundEntry.months).where(
                    FundEntry.fund_id == fund.id,
                    FundEntry.kind == "contribution",
                    ~select(undoing.id).where(undoing.reverses_id == FundEntry.id).exists(),
                )
            ):
                if elder_id not in support:
                    continue
                if not any(m.startswith(this_year) for m in months):
                    continue  # nothing of it falls in this year
                parts = split(amount, len(months))  # the year's share of a payment across years
                share = sum(x for x, m in zip(parts, months, strict=True) if m.startswith(this_year))
                paid[elder_id] = paid.get(elder_id, 0) + share
        findings = latest_findings(s, ids)
    rows = []
    for mid, mcode, name, sex, born, mattrs, hid, hcode, kind, poverty, _hattrs in found:
        inc = income.get(hid)
        f = findings.get(mid)
        rows.append(
            ElderRow(
                mcode,
                hcode,
                name,
                sex,
                age_on(born, today),
                kind or poverty,
                f"{inc[1] / 100:,.2f}（{inc[0]}年）" if inc else "",
                (mattrs or {}).get("labour", ""),
                (mattrs or {}).get("pension_insurance", ""),
                "；".join(support.get(mid, [])),
                paid.get(mid, 0) if mid in support else None,
                f"{f.finding}（{clock.cn_date(f.found_on)}）" if f else "未认定",
                "；".join(x for x in (f.found_by, f.note) if x) if f else "",
            )
        )
    return ElderLedger(township, v.name, age, today, rows)


def build_elder_ledger(db: Database, actor: Actor, village: str):
    """65周岁以上建档立卡贫困老年人台账 (elder_rows) on the ledger layout, signed by the 村级责任组."""
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    data = elder_rows(db, actor, village)
    if not data.rows:
        raise InputRejected(f"{data.village}没有{data.age}周岁以上的建档立卡贫困老年人")
    rows = [
        [
            i,
            r.household,
            r.name,
            r.sex,
            r.age,
            r.kind,
            r.income,
            r.labour,
            r.pension,
            r.support,
            "" if r.paid_fen is None else r.paid_fen,
            r.finding,
            r.finding_note,
        ]
        for i, r in enumerate(data.rows, start=1)
    ]
    return Ledger(
        f"{data.township}{data.village}{data.age}周岁以上建档立卡贫困老年人台账",
        [
            Column("序号", "center"),
            Column("户编号", "center"),
            Column("姓名", "center", min_chars=3),
            Column("性别", "center"),
            Column("年龄", "center"),
            Column("户类型", "center", min_chars=4),
            Column("经济收入（元）\n家庭人均纯收入", "right", min_chars=8),
            Column("劳动能力", "center", min_chars=4),
            Column("养老\n保险", "center"),
            Column("子女供养\n赡养人、每月承诺", min_chars=9),
            Column(f"{data.day.year}年\n子女缴纳（元）", "right", total=True, money=True),
            Column("子女赡养能力认定", "center", min_chars=6),
            Column("认定人、说明", min_chars=6),
        ],
        rows,
        unit=f"{data.township}{data.village}村民委员会",
        period=clock.cn_date(data.day),
        measure="单位：元",
        signoff=("村级责任组：", "审核人：", "负责人：", "制表日期："),
        made=data.day,
        stamp=audit.stamp(db),
    )
