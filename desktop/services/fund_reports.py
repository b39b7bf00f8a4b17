"""Printed outputs of the 孝善基金: the fund ledger, the monthly 签领表, the monthly notice, the 孝善光荣榜 and
the 赡养承诺书 (no Qt; through the ledger and notice layouts)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop import clock
from desktop.db import Database
from desktop.models import FilialFund, FundEntry, Household, Member, Pledge, Supporter, Township, Village
from desktop.services.errors import InputRejected, NotFound
from desktop.services.fund import arrears, fund_of, months_between, parse_month, payout_preview
from desktop.services.users import Actor

KIND_NAMES = {
    "contribution": "子女缴纳",
    "match": "基金补贴",
    "donation": "捐赠",
    "payout": "发放",
    "reversal": "冲正",
}


def month_span(months: list[str]) -> str:
    """2026-01～2026-11（共11个月） for a consecutive run, else the months listed."""
    if len(months) > 2 and months == months_between(months[0], months[-1]):
        return f"{months[0]}～{months[-1]}（共{len(months)}个月）"
    return "、".join(months)


def cn_month(month: str) -> str:
    year, mon = month.split("-")
    return f"{int(year)}年{int(mon)}月"


def _places(session, fund: FilialFund) -> tuple[str, str]:  # noqa: ANN001
    village = session.get(Village, fund.village_id)
    return village.name, session.get(Township, village.township_id).name


def fund_ledger(
    db: Database, actor: Actor, village: str, out: str | Path, *, month: str | None = None, xlsx: bool = False
):  # noqa: ANN201
    """基金台账: every entry, 收入/支出 summed with carried-forward lines; the fund's earmarked match shown."""
    from desktop.reports.ledger import Column, Ledger, render_ledger_pdf, render_ledger_xlsx

    with db.read() as s:
        fund = fund_of(s, actor, village)
        vname, tname = _places(s, fund)
        names = dict(
            s.execute(select(Supporter.id, Supporter.name).where(Supporter.fund_id == fund.id)).all()
        )
        elders = dict(
            s.execute(
                select(Member.id, Member.name).join(Household).where(Household.village_id == fund.village_id)
            ).all()
        )
        entries = list(
            s.scalars(select(FundEntry).where(FundEntry.fund_id == fund.id).order_by(FundEntry.id))
        )
    if month:
        month = parse_month(month)
        entries = [e for e in entries if f"{clock.local(e.at):%Y-%m}" == month]
    if not entries:
        raise InputRejected("没有基金流水")
    rows = []
    for i, e in enumerate(entries, start=1):
        earmark = (e.extra or {}).get("earmarked_fen", 0)
        summary = KIND_NAMES.get(e.kind, e.kind) + (f"（{month_span(e.months)}）" if e.months else "")
        rows.append(
            [
                i,
                f"{clock.local(e.at):%Y-%m-%d}",
                summary,
                names.get(e.supporter_id, e.donor),
                elders.get(e.elder_member_id, ""),
                max(e.amount, 0),
                earmark,
                max(-e.amount, 0),
                e.receipt_no or e.reason,
                e.operator,
            ]
        )
    ledger = Ledger(
        f"{vname}孝善基金台账",
        [
            Column("序号", "center"),
            Column("日期", "center"),
            Column("摘要", min_chars=8),
            Column("赡养人\n捐赠人", min_chars=4),
            Column("老人", "center", min_chars=3),
            Column("收入", "right", total=True, money=True),
            Column("基金补贴", "right", total=True, money=True),
            Column("支出", "right", total=True, money=True),
            Column("收据/说明", min_chars=6),
            Column("经办人", "center"),
        ],
        rows,
        unit=f"{tname}{vname}孝善理事会",
        period=month or "全部",
        measure="单位：元",
        carry=True,
    )
    return render_ledger_xlsx(ledger, out) if xlsx else render_ledger_pdf(ledger, out)


def payout_sheet(db: Database, actor: Actor, village: str, month: str, out: str | Path):  # noqa: ANN201
    """签领表: the month's payouts, one line per elder, with room for the signature."""
    from desktop.reports.ledger import Column, Ledger, render_ledger_pdf

    lines, _balance = payout_preview(db, actor, village, month)
    if not lines:
        raise InputRejected(f"{month}没有应发放的孝善金")
    with db.read() as s:
        vname, tname = _places(s, fund_of(s, actor, village))
    rows = [
        [i, x.elder, x.household, x.contribution_fen, x.match_fen, x.amount_fen, "", ""]
        for i, x in enumerate(lines, start=1)
    ]
    ledger = Ledger(
        f"{vname}{cn_month(parse_month(month))}孝善金发放签领表",
        [
            Column("序号", "center"),
            Column("老人姓名", "center", min_chars=4),
            Column("户编号", "center"),
            Column("子女缴纳", "right", total=True, money=True),
            Column("基金补贴", "right", total=True, money=True),
            Column("合计发放", "right", total=True, money=True),
            Column("领取人签字", min_chars=8),
            Column("领取日期", min_chars=6),
        ],
        rows,
        unit=f"{tname}{vname}孝善理事会",
        period=parse_month(month),
        measure="单位：元",
        signoff=("出纳：", "会计：", "会长：", "监督：", "制表日期："),
    )
    return render_ledger_pdf(ledger, out)


def fund_notice(db: Database, actor: Actor, village: str, month: str, out: str | Path):  # noqa: ANN201
    """The month's contributions and payouts, for the village board (names only, nothing else personal)."""
    from desktop.reports.notice import Notice, NoticeTable, render_notice

    month = parse_month(month)
    with db.read() as s:
        fund = fund_of(s, actor, village)
        vname, tname = _places(s, fund)
        supporters = {
            sid: (name, elder)
            for sid, name, elder in s.execute(
                select(Supporter.id, Supporter.name, Member.name)
                .join(Member, Member.id == Supporter.elder_member_id)
                .where(Supporter.fund_id == fund.id)
            )
        }
        entries = [
            e
            for e in s.scalars(select(FundEntry).where(FundEntry.fund_id == fund.id))
            if f"{clock.local(e.at):%Y-%m}" == month
        ]
        reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    rows, paid_in, paid_out = [], 0, 0
    for e in entries:
        if e.id in reversed_ids or e.kind not in ("contribution", "payout"):
            continue
        if e.kind == "contribution":
            name, elder = supporters.get(e.supporter_id, ("", ""))
            rows.append([str(len(rows) + 1), elder, name, "缴纳", f"{e.amount / 100:.2f}"])
            paid_in += e.amount
        else:
            rows.append([str(len(rows) + 1), e.reason.split("：")[-1], "", "发放", f"{-e.amount / 100:.2f}"])
            paid_out -= e.amount
    if not rows:
        raise InputRejected(f"{vname}{month}没有缴纳或发放记录")
    notice = Notice(
        f"{vname}孝善基金{cn_month(month)}收支公示",
        [
            f"为接受群众监督，现将{vname}孝善基金{cn_month(month)}收支情况公示如下：子女缴纳"
            f"{paid_in / 100:.2f}元，发放孝善金{paid_out / 100:.2f}元。"
        ],
        issuer=f"{tname}{vname}孝善理事会",
        issued=clock.today(),
        table=NoticeTable(["序号", "老人", "赡养人", "项目", "金额（元）"], rows, [1, 2, 2, 1.4, 1.8]),
    )
    return render_notice(notice, out)


def honour_roll(db: Database, actor: Actor, village: str, year: int, out: str | Path):  # noqa: ANN201
    """孝善光荣榜: supporters who paid every pledged month of the year (through December, or through now)."""
    from desktop.reports.notice import Notice, NoticeTable, render_notice

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
                e.amount
                for e in s.scalars(
                    select(FundEntry).where(
                        FundEntry.supporter_id == sup.id, FundEntry.kind == "contribution"
                    )
                )
                if any(m.startswith(f"{year}-") for m in e.months)
            )
            rows.append([str(len(rows) + 1), sup.name, elder, sup.relation, f"{paid / 100:.2f}"])
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
    )
    return render_notice(notice, out)


def pledge_document(db: Database, actor: Actor, supporter_id: int, out: str | Path):  # noqa: ANN201
    """赡养承诺书, printed for signing (the signed paper is then scanned and archived)."""
    from desktop.reports.notice import Notice, cn_date, render_notice

    with db.read() as s:
        sup = s.get(Supporter, supporter_id)
        if sup is None:
            raise NotFound(f"赡养人{supporter_id}不存在")
        fund = s.get(FilialFund, sup.fund_id)
        vname, tname = _places(s, fund)
        elder = s.get(Member, sup.elder_member_id)
        p = s.scalar(select(Pledge).where(Pledge.supporter_id == sup.id, Pledge.active.is_(True)))
    if p is None:
        raise InputRejected(f"{sup.name}还没有登记赡养承诺")
    start = cn_month(p.start_month)
    notice = Notice(
        "赡养承诺书",
        [
            f"本人{sup.name}，是{vname}{elder.name}的{sup.relation}。为弘扬孝老爱亲传统美德，保障老人晚年生活，"
            f"本人自愿作出如下承诺：",
            f"一、自{start}起，每月向{vname}孝善基金缴纳赡养费{p.monthly_fen / 100:.2f}元，由孝善理事会按月发放给老人。",
            "二、经常看望、照料老人，保障老人吃穿不愁、有病就医、住房安全。",
            "三、如未按时缴纳，接受孝善理事会和村民的监督、督促。",
            f"赡养人（签字按手印）：__________　　见证人：{p.witness or '__________'}",
            f"签订日期：{cn_date(p.signed_on)}",
        ],
        issuer=f"{tname}{vname}孝善理事会",
        issued=p.signed_on,
    )
    return render_notice(notice, out)


__all__ = ["fund_ledger", "payout_sheet", "fund_notice", "honour_roll", "pledge_document", "months_between"]


def honour_certificates(
    db: Database, actor: Actor, village: str, year: int, out: str | Path, *, issuer: str = ""
) -> int:
    """孝善之星 certificates for the supporters on the year's honour roll. Returns how many were printed."""
    from desktop.reports.certificate import TEMPLATES, Certificate, render_certificates

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
            text=f"在{year}年度孝善敬老活动中，按时足额缴纳赡养费，孝敬老人{elder}，被评为“{year}年度孝善之星”。",
        )
        for sup, elder in people
    ]
    return render_certificates(certs, out)


def fund_chart(db: Database, actor: Actor, village: str, out: str | Path) -> Path:
    """Money in and out per month (bars), for the overview."""
    from desktop.reports.charts import pyplot
    from desktop.services.fund import monthly_totals

    totals = monthly_totals(db, actor, village) or [(f"{clock.today():%Y-%m}", 0, 0)]
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(10, 3.6))
    xs = range(len(totals))
    ax.bar([x - 0.2 for x in xs], [t[1] / 100 for t in totals], width=0.4, label="收入", color="#2e86c1")
    ax.bar([x + 0.2 for x in xs], [t[2] / 100 for t in totals], width=0.4, label="支出", color="#c0392b")
    ax.set_xticks(list(xs), [t[0] for t in totals])
    ax.set_ylabel("元")
    ax.set_title("孝善基金每月收支")
    ax.legend()
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return Path(out)
