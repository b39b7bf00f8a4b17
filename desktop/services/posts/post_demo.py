"""`init --demo`: 公益岗位 in most villages (3—5 each, one village with only 2 so the finding shows, the last
village with none), holders from eligible members since six months ago, the 考核 of the last two months (one
不合格) and the month before last paid (desktop.services.demo.build_demo calls this)."""

from __future__ import annotations

from datetime import date

from desktop import clock
from desktop.clock import Month
from desktop.db import Database
from desktop.services.posts import posts
from desktop.services.posts.posts import AttendanceEntry
from desktop.services.system.actor import Actor

# (kind, name, monthly pay in fen, duty) in the order a village sets them up (seed 001: 护路、护林、护水、保洁等)
DEMO_POSTS = (
    ("护路", "护路员", 60000, "负责村内道路日常巡查、清扫和小修"),
    ("保洁", "保洁员", 50000, "负责村内公共区域垃圾清运和环境卫生"),
    ("护林", "护林员", 60000, "负责村集体林地巡护、防火宣传"),
    ("护水", "护水员", 55000, "负责水源地、灌溉渠道巡查和饮水设施看护"),
    ("其他", "村级公益岗（治安巡逻）", 50000, "协助村委会开展夜间治安巡逻"),
)
COUNTS = (4, 3, 5, 3, 4)  # posts per village, in turn; the second village has only two (疑点)


def add_demo_posts(db: Database, actor: Actor, *, today: date | None = None) -> str | None:
    """Posts, holders, 考核 and one paid month; returns the paid month ("YYYY-MM"), or None with no villages."""
    today = today or clock.today()
    this = Month.of(today)
    start = this.shift(-6).first_day()
    last, before = str(this.previous()), str(this.shift(-2))
    names = posts.village_names(db, actor)
    chosen = names[:-1] if len(names) > 2 else names  # "most villages": the last one has none yet
    paid = None
    for k, village in enumerate(chosen):
        eligible = [c for c in posts.candidates(db, actor, village, on=start) if c.eligible]
        households_used: set[str] = set()
        holdings = []
        for j, (kind, name, pay, duty) in enumerate(DEMO_POSTS[: 2 if k == 1 else COUNTS[k % len(COUNTS)]]):
            pid = posts.add_post(db, actor, village, kind=kind, name=name, monthly_pay_fen=pay, duty=duty)
            person = next((c for c in eligible if c.household not in households_used), None)
            if person is None:
                continue
            households_used.add(person.household)
            # one holder in each village came on in the middle of last month but one (his pay is pro-rated)
            begin = start if j else Month.parse(before).first_day().replace(day=16)
            holdings.append((posts.assign(db, actor, pid, person.member_code, start_on=begin), begin))
        if not holdings:
            continue
        for month in (before, last):
            m = Month.parse(month)
            entries = [
                AttendanceEntry(
                    hid,
                    posts.days_held(begin, None, month) - (4 + (i + k) % 4),
                    "不合格" if (i, k, month) == (1, 0, last) else "合格",
                    "当月多次未到岗" if (i, k, month) == (1, 0, last) else "",
                )
                for i, (hid, begin) in enumerate(holdings)
                if begin <= m.last_day()
            ]
            entries = [
                AttendanceEntry(e.holding_id, max(e.days_worked, 0), e.result, e.note) for e in entries
            ]
            posts.record_attendance(db, actor, village, month, entries)
        posts.pay_month(db, actor, village, before, paid_on=Month.parse(last).first_day().replace(day=10))
        paid = before
    return paid
