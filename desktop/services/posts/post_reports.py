"""公益岗位's papers: the month's 工资发放签领表 (room to sign or press a thumb, as the 孝善金 sheet), the 公示 of
the village's posts and holders on the GB/T 9704 notice page (IDs masked), and the 公益岗位工资台账 (PDF or .xlsx,
本页小计, 过次页/承前页 where the amounts run on, a subtotal per village)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop import clock
from desktop.clock import Month
from desktop.db import Database
from desktop.errors import InputRejected
from desktop.models import Township
from desktop.reports.mask import mask
from desktop.services.documents import Printed, render_ledger, township_issuer, township_name
from desktop.services.households.households import resolve_village
from desktop.services.posts import posts
from desktop.services.posts.posts import cn_month
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor
from desktop.services.system.users import display_names


def yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def _places(db: Database, actor: Actor, village: str) -> tuple[str, str]:
    with db.read() as s:
        v = resolve_village(s, actor, village)
        return v.name, s.get(Township, v.township_id).name


def sign_sheet(db: Database, actor: Actor, village: str, month: str, out: str | Path) -> Printed:
    """签领表 of the month's 工资发放 as booked (发放 first, then the sheet: it lists only what was paid), one line
    per holder with room to sign or press a thumb."""
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    month = posts.parse_month(month)
    vname, tname = _places(db, actor, village)
    run = posts.paid_run(db, actor, village, month)
    if run is None:
        raise InputRejected(f"{vname}{cn_month(month)}的公益岗位工资还没有发放：请先发放，再打印签领表")
    rows = [
        [
            i,
            ln.post,
            ln.name,
            ln.household,
            f"{ln.days_held}/{ln.days_in_month}",
            ln.days_worked,
            ln.result,
            ln.monthly_pay_fen,
            ln.pay_fen,
            "",
            "",
        ]
        for i, ln in enumerate(run.lines, start=1)
    ]
    ledger = Ledger(
        f"{tname}{vname}{cn_month(month)}公益岗位工资发放签领表",
        [
            Column("序号", "center"),
            Column("岗位", min_chars=5),
            Column("姓名", "center", min_chars=4),
            Column("户编号", "center", nowrap=True),
            Column("在岗天数", "center", nowrap=True),
            Column("出勤\n天数", "center"),
            Column("考核", "center", min_chars=3),
            Column("月工资\n标准", "right", money=True),
            Column("实发工资", "right", total=True, money=True),
            # room to sign or press a thumb: wide columns, rows of at least 12 mm (as the 孝善金 sheet)
            Column("领取人签字或手印", min_chars=8, min_mm=55),
            Column("领取日期", min_chars=6, min_mm=28),
        ],
        rows,
        unit=f"{tname}{vname}村民委员会",
        period=f"{cn_month(month)}（发放第{run.id}号，{clock.cn_date(run.paid_on)}）",
        measure="单位：元",
        signoff=("经办人：", "审核人：", "村负责人：", "制表日期："),
        row_mm=12,
        made=clock.today(),
        stamp=audit.stamp(db),
    )
    return render_ledger(ledger, out)


def posts_notice(
    db: Database,
    actor: Actor,
    village: str,
    out: str | Path,
    *,
    days: int | None = None,
    phone: str | None = None,
    start: date | None = None,
) -> Printed:
    """公示 of the village's posts and who holds them: post, holder, masked ID, monthly pay and the day he came
    on; nothing else personal."""
    from desktop.reports.notice import (  # lazy: reportlab loads only when printing
        Notice,
        NoticeTable,
        cn_date,
        notice_period,
        render_notice,
    )

    vname, tname = _places(db, actor, village)
    found = posts.posts(db, actor, village)
    if not found:
        raise InputRejected(f"{vname}还没有设置公益岗位")
    office = settings.get_all(db)
    days = settings.notice_days(days, office["notice.days"])
    phone = phone or str(office["notice.phone"])
    local, address = office["notice.local_phone"], office["notice.address"]
    today = start or clock.today()
    first, last = notice_period(today, days)
    rows = []
    for i, p in enumerate(found, start=1):
        h = p.holder
        rows.append(
            [
                str(i),
                p.name,
                h.name if h else "（空缺）",
                mask("id_number", h.id_number) if h else "",
                yuan(p.monthly_pay_fen),
                cn_date(h.start_on) if h else "",
            ]
        )
    held = sum(1 for p in found if p.holder)
    # seed 001 二(二)1: “每个村、社区安排护路、护林、护水、保洁等公益岗位3—5个”
    text = (
        f"根据“每个村、社区安排护路、护林、护水、保洁等公益岗位3—5个”的要求，经村级评议，{vname}设置公益岗位"
        f"{len(found)}个，现有在岗人员{held}人，优先安排脱贫户（建档立卡户）和防返贫监测对象中有劳动能力的人员。"
        "现将岗位及在岗人员公示如下："
    )
    notice = Notice(
        f"关于{vname}公益岗位及在岗人员的公示",
        [text],
        issuer=f"{tname}{vname}村民委员会",
        issued=today,
        table=NoticeTable(
            ["序号", "岗位", "姓名", "身份证号码", "月工资", "上岗时间"],
            rows,
            [0.8, 2.4, 1.2, 3.3, 1.5, 2.6],
            ["center", "left", "center", "center", "right", "center"],
            [True, False, True, True, True, True],
        ),
        table_caption="公益岗位及在岗人员（月工资单位：元）",
        closing=[
            f"公示时间：{cn_date(first)}至{cn_date(last)}（共{days}天）。",
            f"公示期间，如有异议，请以书面或电话形式向{vname}村民委员会或{tname}人民政府反映。",
            f"监督电话：{local + '　' if local else ''}{phone}",
            *([f"受理地址：{address}"] if address else []),
        ],
        stamp=audit.stamp(db),
    )
    info = render_notice(notice, out)
    return Printed(str(out), info.pages, info.fonts, len(rows))


def wage_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    village: str | None = None,
    year: int | None = None,
    xlsx: bool = False,
    progress: Progress = NO_PROGRESS,
) -> Printed:
    """公益岗位工资台账 of a year: every line of every 发放 and 冲正 in the order booked, per village (a subtotal
    each when several), with 本页小计 and 过次页/承前页 as the amounts run on, and the 合计."""
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    year = year or clock.today().year
    months = {str(m) for m in Month.range(Month(year, 1), Month(year, 12))}
    found = [r for r in posts.runs(db, actor, village) if r.month in months]
    if not found:
        raise InputRejected(f"{village or ''}{year}年没有公益岗位工资发放记录")
    with db.read() as s:
        township = township_name(s)
        people = display_names(s)
    order = {name: i for i, name in enumerate(posts.village_names(db, actor))}
    found.sort(key=lambda r: (order.get(r.village, len(order)), r.month, r.id))
    rows: list[list] = []
    for r in found:
        note = f"第{r.id}号发放" if r.kind == "pay" else f"第{r.id}号冲正第{r.reverses_id}号：{r.reason}"
        for ln in r.lines:
            rows.append(
                [
                    len(rows) + 1,
                    r.village,
                    cn_month(r.month),
                    ln.post,
                    ln.name,
                    ln.household,
                    ln.monthly_pay_fen,
                    ln.days_held,
                    ln.days_worked,
                    ln.result,
                    ln.pay_fen,
                    clock.cn_date(r.paid_on),
                    note,
                    people.get(r.made_by, r.made_by),
                ]
            )
    ledger = Ledger(
        f"{township}{found[0].village if village else ''}{year}年公益岗位工资台账",
        [
            Column("序号", "center"),
            Column("行政村", "center", min_chars=3),
            Column("月份", "center", nowrap=True),
            Column("岗位", min_chars=5),
            Column("姓名", "center", min_chars=3),
            Column("户编号", "center", nowrap=True),
            Column("月工资\n标准", "right", money=True),
            Column("在岗\n天数", "center"),
            Column("出勤\n天数", "center"),
            Column("考核", "center", min_chars=3),
            Column("实发工资", "right", total=True, money=True),
            Column("发放日期", "center", nowrap=True),
            Column("说明", min_chars=6),
            Column("经办人", "center", min_chars=3),
        ],
        rows,
        unit=township_issuer(db, township),
        period=f"{year}年",
        measure="单位：元",
        group_col=1,
        carry=True,
        made=clock.today(),
        stamp=audit.stamp(db),
    )
    return render_ledger(ledger, out, xlsx=xlsx, progress=progress)
