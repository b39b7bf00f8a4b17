"""Synthetic households for `init --demo N`: fake people with valid ID numbers, written like an import."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from desktop import clock
from desktop.db import Database
from desktop.errors import ServiceError
from desktop.models import (
    Goods,
    Household,
    Member,
    PointsAccount,
    PointsEntry,
    Redemption,
    Setting,
    StockLevel,
    StockMovement,
    Store,
    Township,
    Village,
)
from desktop.services.archives import archives
from desktop.services.cadres.cadre_demo import add_demo_cadres
from desktop.services.fund import fund
from desktop.services.households import households, idnumber
from desktop.services.ledgers import ledger_chain
from desktop.services.loans.loan_demo import add_demo_loans
from desktop.services.monitoring import monitoring
from desktop.services.plans import identification, plans
from desktop.services.points import redemption
from desktop.services.posts import post_demo
from desktop.services.problems import problem_demo
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.projects import project_demo
from desktop.services.roster.roster_fields import LEGACY_LAYOUT
from desktop.services.roster.roster_parse import HouseholdRecord, MemberRecord
from desktop.services.roster.roster_store import ensure_places, insert_households, place_of
from desktop.services.system import audit
from desktop.services.system.actor import Actor

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = "建国明华英秀兰芳玉梅红军伟强磊洋勇艳杰娟涛超平刚桂花德福海军志春燕霞丽敏静凤金山宝顺喜荣堃喆昱晗"
VILLAGES = (
    "孙桥村",
    "王楼村",
    "张集村",
    "李庄村",
    "周堂村",
    "赵寨村",
    "吴屯村",
    "高庙村",
    "后营村",
    "杨湖村",
)
PLACE = {"province": "河南省", "city": "商丘市", "county": "柘城县", "township": "柳河镇"}
REGION = "411424"
CAUSES = ("因病", "因残", "因学", "缺技术", "缺资金", "缺劳力", "缺土地", "自身发展动力不足")
KINDS = ("脱贫户", "脱贫户", "脱贫户", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
WORK = ("", "", "乡(镇)内务工", "县外省内务工", "省外务工")


class _People:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng, self.today, self.used = rng, today, set()

    def name(self, surname: str | None = None) -> str:
        r = self.rng
        given = r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.7 else "")
        return (surname or r.choice(SURNAMES)) + given

    def id_for(self, age: int, sex: str) -> str:
        r = self.rng
        while True:
            born = self.today - timedelta(days=365 * age + r.randint(0, 364))
            seq = r.randint(0, 499) * 2 + (1 if sex == "男" else 0)
            number = idnumber.make(REGION, born, seq)
            if number not in self.used:
                self.used.add(number)
                return number


def _member(p: _People, code: str, relation: str, age: int, sex: str, surname: str | None) -> dict:
    r = p.rng
    id_number = p.id_for(age, sex)
    working = 18 <= age <= 60
    schooling = ""
    education = r.choice(("小学", "初中", "初中", "高中", "文盲或半文盲")) if age >= 18 else ""
    if 3 <= age < 6:
        schooling = "学龄前儿童"
    elif 6 <= age < 12:
        schooling = "小学"
    elif 12 <= age < 15:
        schooling = ("七年级", "八年级", "九年级")[age - 12]
    elif 15 <= age < 18:
        schooling = f"普通高中{'一二三'[age - 15]}年级"
    elif age < 3:
        schooling = "学龄前儿童"
    work = r.choice(WORK) if working else ""
    values = {
        "member_code": code,
        "name": p.name(surname),
        "id_number": id_number,
        "relation": relation,
        "sex": sex,
        "ethnicity": "汉族",
        "education": education or None,
        "schooling": schooling or None,
        "health": r.choice(("健康", "健康", "健康", "长期慢性病", "患有大病", "残疾")),
        "labour": (r.choice(("普通劳动力", "技能劳动力")) if working else "无劳动力"),
        "work_place": work or None,
        "work_months": r.randint(3, 12) if work else 0,
        "medical_insurance": "是",
        "serious_illness_insurance": "是",
        "pension_insurance": "是" if age >= 16 else "否",
        "dibao": r.choice(("是", "否", "否")),
    }
    return {k: v for k, v in values.items() if v is not None}


def make_households(
    n: int,
    seed: int = 20261125,
    *,
    today: date,
    villages: tuple[str, ...] = VILLAGES,
    start: int = 0,
) -> list[HouseholdRecord]:
    rng = random.Random(seed)
    people = _People(rng, today)
    records = []
    for i in range(start, start + n):
        v_index = i % len(villages)
        code = f"{REGION}104{v_index + 201:03d}{i + 1:05d}"
        surname = rng.choice(SURNAMES)
        head_age = rng.randint(28, 80)
        head_sex = "男" if rng.random() < 0.8 else "女"
        plan = [("户主", head_age, head_sex, surname)]
        if rng.random() < 0.8:
            plan.append(
                ("配偶", max(20, head_age + rng.randint(-5, 3)), "女" if head_sex == "男" else "男", None)
            )
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            kid_age = max(0, head_age - rng.randint(22, 32))
            sex = rng.choice("男女")
            plan.append(("之子" if sex == "男" else "之女", kid_age, sex, surname if sex == "男" else None))
        if head_age < 50 and rng.random() < 0.3:
            plan.append(("之母", head_age + rng.randint(22, 30), "女", None))
        members = [
            MemberRecord(0, _member(people, f"{code}{k + 1:02d}", rel, age, sex, sn))
            for k, (rel, age, sex, sn) in enumerate(plan)
        ]
        values = {
            **PLACE,
            "village": villages[v_index],
            "group": f"{rng.randint(1, 8)}组",
            "household_code": code,
            "declared_size": len(members),
            "poverty_type": rng.choice(("一般贫困户", "一般贫困户", "低保贫困户", "特困供养贫困户")),
            "standard": "国家标准",
            "main_cause": rng.choice(CAUSES),
            "exit_year": rng.choice((2016, 2017, 2018, 2019, 2020)),
            "household_kind": rng.choice(KINDS),
            "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            "bank_name": rng.choice(("农村信用社", "农业银行", "邮政储蓄银行")),
            "bank_account": f"62{rng.randrange(10**17):017d}",
            "income": rng.randint(3500, 16000) * 100,
            "land_area": f"{rng.randint(1, 80) / 10:g}",
            "housing_safe": "是",
            "water_safe": "是",
            "helper": people.name(),
            "helper_phone": f"13{rng.randrange(10**9):09d}",
        }
        if (
            values["household_kind"] == "边缘易致贫户"
        ):  # 档外: seed 001 “非贫困户”, never registered nor exited
            values["poverty_type"], values["exit_year"] = "一般农户", None
        _plant_problems(i, values, members)
        records.append(HouseholdRecord(code, values, members))
    return records


def _plant_problems(i: int, values: dict, members: list[MemberRecord]) -> None:
    """About one household in a hundred gets a mistake of the kind 疑点核查 finds, so the demo has some."""
    if i % 97 == 5:
        values["phone"] = values["phone"][:-1]  # a digit short
    if i % 131 == 7:
        adult = next((m for m in members if m.values.get("labour") in ("普通劳动力", "技能劳动力")), None)
        if adult is not None:
            adult.values.update(health="健康", labour="无劳动力", work_place=None, work_months=0)
            adult.values.pop("work_place")


def add_demo_households(
    db: Database,
    actor: Actor,
    n: int,
    *,
    seed: int = 20261125,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> int:
    """`n` more demo households, their ages and the roster year as of `today` (default: the office's today)."""
    today = today or clock.today()
    year = today.year
    keys = frozenset(LEGACY_LAYOUT)
    with db.write() as s:
        start = s.scalar(select(func.count()).select_from(Household)) or 0
        records = make_households(n, seed + start, today=today, start=start)
        village_ids = ensure_places(s, [place_of(r.values) for r in records])
        done = 0

        def advance(k: int) -> None:
            nonlocal done
            done += k
            progress.step(done, n, "正在生成演示数据")

        insert_households(s, records, village_ids, year, keys, on_chunk=advance)
        s.merge(Setting(key="roster.layout", value="legacy"))
        s.merge(Setting(key="roster.year", value=year))
        audit.record(
            s, actor.username, "demo.create", entity="database", after={"households": n, "seed": seed}
        )
    return n


DEMO_GOODS = (
    ("6901", "洗衣粉", "袋", 20),
    ("6902", "食用油", "桶", 50),
    ("6903", "大米", "袋", 40),
    ("6904", "毛巾", "条", 10),
    ("6905", "牙膏", "支", 8),
    ("6906", "香皂", "块", 5),
    ("6907", "酱油", "瓶", 6),
    ("6908", "食盐", "袋", 3),
)


def has_stores(db: Database) -> bool:

    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Store)) > 0


def _month_back(today: date, months: int) -> date:
    """The first day of the month `months` before today's."""
    return clock.Month.of(today).shift(-months).first_day()


def add_demo_stores(db: Database, actor: Actor, *, seed: int = 7, today: date | None = None) -> int:
    """Three village supermarkets with goods and stock, and confirmed star-rating points for most households
    (written in bulk; every balance equals its ledger). Returns the number of households given points."""
    from sqlalchemy import insert, update

    rng = random.Random(seed)
    today = today or clock.today()
    with db.write() as s:
        villages = list(s.scalars(select(Village).order_by(Village.id)))[:3]
        stores = []
        for n, village in enumerate(villages, start=1):
            # the second is a village shop that serves points alongside its trade (seed 000 扶志扶智 四(七)) and is
            # paid for them each month
            shop = n == 2
            store = Store(
                code=f"S{n:02d}",
                name=f"{village.name}{'便民超市' if shop else '爱心超市'}",
                village_id=village.id,
                receipt_width_mm=58 if n % 2 else 80,
                commercial=shop,
                point_rate_fen=100 if shop else 0,
                funding_source="县财政专项扶贫资金（演示）" if shop else "",
                owner=rng.choice(SURNAMES) + rng.choice(GIVEN) if shop else "",
            )
            s.add(store)
            s.flush()
            stores.append(store)
            for code, name, unit, price in DEMO_GOODS:
                goods = Goods(
                    store_id=store.id,
                    code=code,
                    name=name,
                    unit=unit,
                    price_points=price,
                    barcode=f"69{n:02d}{code}{rng.randrange(10**5):05d}",
                )
                s.add(goods)
                s.flush()
                bought, given = rng.randint(20, 60), rng.choice((0, 0, 10, 20))
                s.add(StockLevel(goods_id=goods.id, quantity=bought + given))
                s.add(
                    StockMovement(
                        goods_id=goods.id,
                        kind="purchase",
                        quantity=bought,
                        value_fen=bought * price * 100,
                        operator=actor.username,
                        reason="演示：采购入库",
                    )
                )
                if given:
                    s.add(
                        StockMovement(
                            goods_id=goods.id,
                            kind="donation",
                            quantity=given,
                            value_fen=given * price * 100,
                            donor="县供销社",
                            operator=actor.username,
                            reason="演示：爱心捐赠",
                        )
                    )
        # the shelves were stocked before last quarter's points were credited and any basket was served
        stocked_at = clock.day_start(_month_back(today, 3).replace(day=20)) + timedelta(hours=9)
        s.execute(
            update(StockMovement)
            .where(
                StockMovement.goods_id.in_(
                    select(Goods.id).where(Goods.store_id.in_([st.id for st in stores]))
                )
            )
            .values(at=stocked_at)
        )
        ledger_chain.relink(  # dated back: the goods' chains are linked again
            s, StockMovement, s.scalars(select(Goods.id).where(Goods.store_id.in_([st.id for st in stores])))
        )
        ids = list(s.scalars(select(Household.id).order_by(Household.id)))
        given_ids = [hid for hid in ids if rng.random() < 0.85]
        amounts = {hid: rng.randint(3, 10) * 10 for hid in given_ids}
        # last quarter's rating, confirmed on the 25th three months ago: before any demo basket is served
        rated_at = clock.day_start(_month_back(today, 3).replace(day=25)) + timedelta(hours=10)
        if given_ids:
            s.execute(
                insert(PointsEntry),
                ledger_chain.link_rows(
                    s,
                    PointsEntry,
                    [
                        {
                            "household_id": hid,
                            "kind": "award",
                            "amount": amounts[hid],
                            "reason": "演示：星级评定积分（已公示确认）",
                            "operator": actor.username,
                            "source": "demo",
                            "at": rated_at,
                        }
                        for hid in given_ids
                    ],
                ),
            )
            s.execute(
                insert(PointsAccount), [{"household_id": hid, "balance": amounts[hid]} for hid in given_ids]
            )
        audit.record(
            s,
            actor.username,
            "demo.stores",
            entity="database",
            after={"stores": len(villages), "households_with_points": len(given_ids)},
        )
    return len(given_ids)


def add_demo_redemptions(db: Database, actor: Actor, *, seed: int = 13, now: datetime | None = None) -> int:
    """Baskets at the demo supermarkets over the last three months, through the real counter service (balances,
    stock, receipts and ledgers as a counter leaves them), then dated back; one is reversed by a supervisor.
    Returns how many baskets stand. Their days and times follow from `now` (an aware time; default the office
    clock's now) and the seed alone: the same instant gives the same baskets on the same days."""
    from sqlalchemy import update

    rng = random.Random(seed)
    now = clock.local(now or clock.now())
    today = now.date()
    with db.read() as s:
        stores = list(s.execute(select(Store.id, Store.code, Store.village_id).order_by(Store.code)))
        plan = []
        for store_id, code, village_id in stores:
            menu = list(s.execute(select(Goods.code, Goods.price_points).where(Goods.store_id == store_id)))
            for hh, balance in s.execute(
                select(Household.code, PointsAccount.balance)
                .join(PointsAccount, PointsAccount.household_id == Household.id)
                .where(Household.village_id == village_id, PointsAccount.balance > 0)
                .order_by(Household.code)
            ):
                if rng.random() < 0.6:
                    plan.append((code, hh, balance, menu))
    made: list[tuple[int, str]] = []
    for code, hh, balance, menu in plan:
        basket: dict[str, int] = {}
        left = rng.randint(balance // 2, balance)
        for goods, price in rng.sample(menu, len(menu)):
            if price <= left and len(basket) < 3:
                qty = rng.randint(1, max(1, min(3, left // price)))
                basket[goods] = qty
                left -= qty * price
        if not basket:
            continue
        try:
            receipt = redemption.redeem(db, actor, code, hh, basket)
        except ServiceError:  # a shelf ran out: the counter would refuse it too
            continue
        made.append((int(receipt.number.rsplit("-", 1)[1]), code))
    with db.write() as s:  # spread over this month and the two before, as if served on those days
        for rid, code in made:
            back = rng.choice((0, 0, 1, 2))  # months back
            if back == 0:
                day = today - timedelta(days=rng.randint(0, today.day - 1))
            else:
                day = _month_back(today, back).replace(day=rng.randint(1, 28))
            start = clock.day_start(day)
            at = start + timedelta(hours=rng.randint(8, 17), minutes=rng.randint(0, 59))
            # never later than now, never before its day (just after midnight "now" is barely into today)
            at = max(start, min(at, now - timedelta(minutes=rng.randint(1, 30))))
            number = f"{code}-{day:%Y%m%d}-{rid:06d}"  # the number a basket served that day would have had
            s.execute(update(Redemption).where(Redemption.id == rid).values(at=at, number=number))
            s.execute(
                update(PointsEntry)
                .where(PointsEntry.source == f"redemption:{rid}")
                .values(at=at, reason=f"兑换单{number}")
            )
            s.execute(
                update(StockMovement)
                .where(StockMovement.redemption_id == rid)
                .values(at=at, reason=f"兑换单{number}")
            )
        rids = [rid for rid, _code in made]  # dated back: their ledgers' chains are linked again
        ledger_chain.relink(
            s, PointsEntry, s.scalars(select(Redemption.household_id).where(Redemption.id.in_(rids)))
        )
        ledger_chain.relink(
            s,
            StockMovement,
            s.scalars(select(StockMovement.goods_id).where(StockMovement.redemption_id.in_(rids))),
        )
    if made:
        with db.read() as s:
            number = s.scalar(select(Redemption.number).where(Redemption.id == made[-1][0]))
        redemption.reverse_redemption(db, actor, number, "演示：扫错了商品，已退回")
    return len(made) - 1 if made else 0


def add_demo_fund(
    db: Database, actor: Actor, *, villages: int = 2, seed: int = 11, today: date | None = None
) -> int:
    """Filial-piety funds for the first villages: elders with one or two supporters, pledges from January, most
    paid up, a few in arrears, a donation, and the payouts of past months. Returns the number of supporters."""

    rng = random.Random(seed)
    today = today or clock.today()
    this_month = clock.Month.of(today)
    year_start = clock.Month(today.year, 1)
    with db.read() as s:
        names = [
            f"{t.county}{t.name}/{v.name}"
            for v, t in s.execute(select(Village, Township).join(Township).order_by(Village.id)).all()[
                :villages
            ]
        ]
    count = 0
    for village in names:
        fund.create_fund(db, actor, village, match_percent=10, match_cap_fen=3000)
        fund.donate(db, actor, village, "县慈善总会", 300000, reason="演示：年初拨付")
        for elder in fund.elders(db, actor, village, on=today):
            for _ in range(rng.choice((1, 1, 2))):
                sid = fund.add_supporter(
                    db,
                    actor,
                    village,
                    _member_code(db, elder.member_id),
                    rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    relation=rng.choice(("之子", "之女")),
                    phone=f"13{rng.randrange(10**9):09d}",
                )
                monthly = rng.choice((10000, 15000, 20000, 30000))
                fund.pledge(
                    db,
                    actor,
                    sid,
                    monthly,
                    str(year_start),
                    signed_on=date(today.year - 1, 12, 28),
                    witness="村委会",
                )
                months = [str(m) for m in clock.Month.range(year_start, this_month)]
                if rng.random() < 0.2:
                    months = months[: max(0, len(months) - rng.randint(1, 3))]  # a few months in arrears
                if months:
                    fund.contribute(db, actor, sid, months, monthly * len(months), receipt_no=f"SX{sid:05d}")
                count += 1
        for month in clock.Month.range(year_start, this_month.previous()):  # none in January
            try:
                fund.pay(db, actor, village, str(month))
            except Exception:
                pass
        # the 村级责任组's 子女赡养能力认定 for the oldest elders (the 65周岁以上 ledger shows the others 未认定)
        for k, elder in enumerate(e for e in fund.elders(db, actor, village, on=today) if e.age >= 65):
            if k >= 4:
                break
            fund.record_finding(
                db,
                actor,
                village,
                _member_code(db, elder.member_id),
                ("有赡养能力", "部分有赡养能力", "无赡养能力")[k % 3] if elder.supporters else "无子女",
                found_on=today - timedelta(days=30 + k),
                found_by="村级责任组",
                note="演示：入户核实",
            )
    return count


def _member_code(db: Database, member_id: int) -> str:

    with db.read() as s:
        return s.scalar(select(Member.code).where(Member.id == member_id))


def _demo_scan(rng: random.Random, title: str) -> bytes:
    """A grey 'scanned page' with ruled lines: enough to see a scan embedded in a printed copy."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("L", (620, 877), 246)
    d = ImageDraw.Draw(img)
    d.rectangle((30, 30, 590, 847), outline=90, width=3)
    d.rectangle((200, 60, 420, 90), fill=120)  # where a title would be
    for y in range(140, 800, 34):
        d.line((60, y, 60 + rng.randint(300, 500), y), fill=150, width=2)
    d.ellipse((430, 700, 550, 820), outline=(160), width=4)  # a stamp
    out = io.BytesIO()
    img.save(out, "JPEG", quality=70)
    del title
    return out.getvalue()


def add_demo_plans(
    db: Database, actor: Actor, *, households: int = 60, seed: int = 13, today: date | None = None
) -> int:
    """Plans and archives for the first households: income by component, confirmed colours (a few overridden
    with a reason), measures, visits and checks; archives mostly complete in 识别, patchy later, a few scans,
    and some copies printed and handed over (one changed since). Returns the number of households.

    The demo admin confirms the year's income standard (the latest earlier one, as `plan threshold --adopt`
    does), and the first plan households are given incomes and checks so that every branch of the card-colour
    rule occurs: 红卡 (not yet exited; exited below the line — 疑似返贫; a need unmet), 黄卡, 绿卡 (all checked), 蓝卡,
    疑似漏评 (not registered, below the line: no colour), no card (not registered, above the band), and a
    household still 待核验. Illness is never why a household is yellow or blue."""
    import tempfile
    from pathlib import Path

    rng = random.Random(seed)
    today = today or clock.today()
    year = today.year
    if plans.threshold_status(db, year)[0] is None:
        plans.adopt_threshold(db, actor, year)
    standard = plans.threshold(db, year)
    line, band_top = standard.poverty_line // 100, (standard.yellow_high or standard.poverty_line) // 100
    with db.write() as s:
        found = s.scalars(select(Household).order_by(Household.id).limit(households)).all()
        fund_villages = set(s.scalars(select(Village.id).order_by(Village.id).limit(2)))
        exited = [h.code for h in found if plans.registration(h) == (True, True)]
        outside = [h.code for h in found if not plans.registration(h)[0]]
        # One registered household not yet out of poverty (红卡 whatever its income): no 脱贫年度, no 户类型 —
        # as the 建档立卡 export lists it. Outside the villages with a 孝善基金, whose elders were drawn already.
        poor = next(
            (
                h
                for h in found
                if h.code in exited[6:] and h.village_id not in fund_villages and h.household_kind == "脱贫户"
            ),
            None,
        )
        featured = set()
        if poor is not None:
            poor.household_kind = ""
            poor.attrs = {k: v for k, v in (poor.attrs or {}).items() if k != "exit_year"}
            featured.add(poor.code)
        rows = [(h.code, h.size) for h in found]
    # code → (per-head income in 元, basic needs checked and met, a need unmet)
    scenarios: dict[str, tuple[int, bool, bool]] = {}
    for code, case in zip(
        exited,
        (
            (line - 700, False, False),  # 红卡 + 疑似返贫
            ((line + band_top) // 2, False, False),  # 黄卡
            (band_top * 2, True, False),  # 绿卡: every condition checked on the spot
            (band_top * 2, True, True),  # 红卡: 住房安全 unmet, whatever the income
            (band_top * 2 + 500, False, False),  # 待核验: 不愁吃穿 not yet checked
        ),
        strict=False,
    ):
        scenarios[code] = case
    for code, case in zip(
        outside,
        (
            (line - 800, False, False),  # 疑似漏评，应纳尽纳: no colour
            ((line + band_top) // 2 + 100, False, False),  # 蓝卡
            (band_top * 3, False, False),  # 一般农户: no card
        ),
        strict=False,
    ):
        scenarios[code] = case
    featured |= set(scenarios)
    cadres = [
        ("李明", "13903700001"),
        ("王芳", "13903700002"),
        ("赵强", "13903700003"),
        ("刘洋", "13903700004"),
    ]
    spec = archives.checklist(db).items
    tmp = Path(tempfile.mkdtemp(prefix="demo-archive-"))
    for n, (code, size) in enumerate(rows):
        size = max(size, 1)
        draw = rng.random()  # a few below the line, a third in the band, the rest above it
        per_head = (
            rng.randint(line - 600, line - 1)
            if draw < 0.08
            else rng.randint(line, band_top)
            if draw < 0.4
            else rng.randint(band_top + 1, 12000)
        )
        checked, unmet = rng.random() < 0.6, rng.random() < 0.1
        per_head, checked, unmet = scenarios.get(code, (per_head, checked, unmet))
        wage = per_head * size * rng.randint(50, 80) // 100
        transfer = per_head * size - wage + rng.randint(0, 300) * size
        cost = transfer - (per_head * size - wage) if transfer > per_head * size - wage else 0
        plans.set_income(
            db, actor, code, year, wage=wage * 100, transfer=transfer * 100, production_cost=cost * 100
        )
        if unmet:
            plans.set_check(db, actor, code, year, "housing", False, evidence="危房待改造", on=today)
        if checked:
            for key, evidence in (
                ("food_clothing", "入户查看粮食衣被充足"),
                ("electricity", "已通生活用电"),
                ("broadcast_tv", "有电视，户户通"),
            ):
                plans.set_check(db, actor, code, year, key, True, evidence=evidence, on=today)
        sug = plans.suggestion(db, actor, code, year)
        if sug.colour is not None and (code in featured or rng.random() < 0.85):
            if sug.colour == "green" and code not in featured and rng.random() < 0.15:
                plans.confirm_colour(db, actor, code, year, "yellow", "家中有人长期外出务工，收入不稳定")
            else:
                plans.confirm_colour(db, actor, code, year)
        cadre, phone = cadres[n % len(cadres)]
        for _ in range(rng.randint(1, 3)):
            kind, text, amount = rng.choice(
                (
                    ("产业", "发展肉牛养殖2头", 600000),
                    ("就业/公益岗位", "安排村级保洁公益岗位", 600000),
                    ("教育", "雨露计划职业教育补助", 300000),
                    ("健康", "家庭医生签约服务", 0),
                    ("住房", "危房改造补助", 2000000),
                    ("小额信贷", "扶贫小额信贷5万元", 0),
                    ("兜底/低保", "纳入农村低保", 0),
                )
            )
            status = rng.choice(("planned", "doing", "done", "done"))
            plans.add_measure(
                db,
                actor,
                code,
                year,
                kind,
                text,
                amount=amount,
                cadre=cadre,
                cadre_phone=phone,
                planned_on=date(year, rng.randint(1, 6), 1),
                done_on=min(today, date(year, rng.randint(6, 12), rng.randint(1, 28)))
                if status == "done"
                else None,
                status=status,
            )
        for _ in range(rng.randint(0, 2)):
            plans.add_visit(
                db,
                actor,
                code,
                max(date(year, 1, 1), today - timedelta(days=rng.randint(1, 300))),
                cadre,
                findings=rng.choice(("家中生活正常", "养殖情况良好", "老人身体欠佳", "孩子上学正常")),
                problems=rng.choice(("无", "缺少技术指导", "医疗报销手续不清楚", "")),
                follow_up=rng.choice(("继续跟踪", "联系农技站上门指导", "协助办理报销", "")),
            )
        _demo_archive(db, actor, rng, spec, code, n, today, tmp)
    for f in tmp.glob("*.pdf"):
        f.unlink()
    tmp.rmdir()
    return len(rows)


def _demo_archive(db, actor, rng, spec, code: str, n: int, today: date, tmp) -> None:

    year = today.year
    # Archives: 识别 mostly complete, 帮扶 partly, later stages patchy.
    for item in spec:
        chance = {"identify": 0.9, "assist": 0.6, "exit": 0.4, "consolidate": 0.3}[item.stage]
        if n % 10 == 5:
            chance = 1.0  # some archives are complete
        if rng.random() < chance:
            files = [(f"{item.title}.jpg", _demo_scan(rng, item.title))] if rng.random() < 0.15 else []
            archives.record_item(
                db,
                actor,
                code,
                item.key,
                done_on=min(today, date(year, rng.randint(1, today.month), 1)),
                files=files,
            )
    if n % 10 == 5:
        for copy in ("township", "village", "household"):
            archives.print_copy(db, actor, code, copy, tmp / f"{code}-{copy}.pdf")
    elif n % 6 == 0:
        archives.print_copy(db, actor, code, "township", tmp / f"{code}.pdf")
        if n % 12 == 0:
            archives.hand_over(db, actor, code, "township", "乡镇档案室", signed_by="档案员")
            archives.record_item(db, actor, code, "visits", note="补充本年走访记录")  # now 需更新


def add_demo_identification(db: Database, actor: Actor, *, today: date | None = None) -> int | None:
    """An identification round in the first village of the village list (desktop.services.plans.identification):
    its 档外 households (边缘易致贫户, 突发严重困难户) first, five in all, proposed at 初选 three days ago, one
    taken off again after the village representatives' review, and the list in its 村公示 from today. Returns
    the round's number (None without households)."""

    today = today or clock.today()
    first = next((v for v in households.villages(db, actor) if v.households), None)
    if first is None:
        return None
    with db.read() as s:
        rows = s.execute(
            select(Household.code, Household.household_kind)
            .where(Household.village_id == first.id)
            .order_by(Household.code)
        ).all()
    outside = [code for code, kind in rows if kind in ("边缘易致贫户", "突发严重困难户")]
    codes = (outside + [code for code, _ in rows if code not in outside])[:5]
    rid = identification.create_round(db, actor, first.qualified, today.year, on=today - timedelta(days=3))
    identification.add_households(db, actor, rid, codes)
    if len(codes) > 1:
        identification.remove_household(
            db, actor, rid, codes[-1], "村民代表大会民主评议未通过：家庭有经营性货车，人均纯收入高于识别标准"
        )
    identification.step(db, actor, rid, "村公示", on=today)
    return rid


def _walk(db: Database, actor: Actor, case_id: int, start: date, until: str = "县审定") -> None:
    """A case's steps after 提出, as a village and township take them: 评议 the next day, a 7-day 公示 the day
    after, 审核 once the 公示 has run, 审定 five days later."""
    plan = (("村级评议", 1), ("村公示", 2), ("乡镇审核", 10), ("县审定", 15))
    for to, days in plan:
        monitoring.step(
            db, actor, case_id, to, on=start + timedelta(days=days), days=7 if to == "村公示" else None,
            note="村民代表大会评议通过" if to == "村级评议" else "",
        )  # fmt: skip
        if to == until:
            return


def _demo_check(db: Database, actor: Actor, code: str, on: date, per_capita_yuan: int, people: int) -> None:
    wage = per_capita_yuan * 100 * people * 3 // 4
    monitoring.add_income_check(
        db, actor, code, on, wage_fen=wage, production_fen=per_capita_yuan * 100 * people - wage,
        property_fen=0, transfer_fen=0, cost_fen=0, people=people, note="入户核查，收入应算尽算",
    )  # fmt: skip


def add_demo_monitoring(db: Database, actor: Actor, *, today: date | None = None) -> int:
    """防返贫监测 (desktop.services.monitoring): the 监测范围 of this year and last (a demo figure, 6000 元),
    risk events of every source, households monitored since last year (one closed after its income held, one
    ready to close, one whose income is still low), one in its 村公示 today, one the village's 评议 turned
    down, and this month's screening with one proposal left out with a reason. Returns the cases made."""
    today = today or clock.today()
    with db.read() as s:
        rows = s.execute(select(Household.code, Household.size).order_by(Household.code)).all()
    if len(rows) < 20:
        return 0
    rng = random.Random(19)
    picks = rng.sample(rows, 10)
    size = {code: max(n or 1, 1) for code, n in picks}
    codes = [code for code, _n in picks]
    for year in (today.year - 2, today.year - 1, today.year):
        monitoring.set_line(db, actor, year, 600_000)

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    events = (
        ("因病", 3_500_000, "干部排查", "住院治疗，自付医疗费用较高", 80),
        ("因灾", 1_200_000, "农户自主申报", "暴雨冲毁蔬菜大棚", 35),
        ("就业中断/务工收入骤减", 0, "干部排查", "务工企业停产，主要劳动力返乡", 12),
        ("因意外事故", 2_000_000, "部门筛查预警", "医保部门大额医疗费用预警", 8),
        ("因学", 800_000, "农户自主申报", "子女考入大学，学费生活费支出增加", 50),
    )
    first_event = None
    for (kind, loss, source, note, days), code in zip(events, codes[2:7], strict=True):
        eid = monitoring.add_event(db, actor, code, kind, ago(days), loss_fen=loss, source=source, note=note)
        first_event = first_event or eid
    # closed: monitored since over a year ago, income above the line for more than six months, then 风险消除
    closed = monitoring.open_case(
        db, actor, codes[0], "脱贫不稳定户", on=ago(420), note="干部排查：务工收入骤减"
    )
    _walk(db, actor, closed, ago(420))
    _demo_check(db, actor, codes[0], ago(330), 7800, size[codes[0]])
    _demo_check(db, actor, codes[0], ago(150), 8600, size[codes[0]])
    monitoring.start_close(db, actor, closed, "已在本地企业稳定务工，收入持续高于监测范围", on=ago(60))
    _walk(db, actor, closed, ago(60))
    # monitored, income above the line long enough: may start 风险消除
    ready = monitoring.open_case(
        db, actor, codes[1], "边缘易致贫户", on=ago(300), note="农户申报：家庭收入不稳定"
    )
    _walk(db, actor, ready, ago(300))
    _demo_check(db, actor, codes[1], ago(240), 7200, size[codes[1]])
    _demo_check(db, actor, codes[1], ago(45), 7900, size[codes[1]])
    # monitored after an illness, income still low; a measure names the event
    ill = monitoring.open_case(
        db, actor, codes[2], "突发严重困难户", on=ago(75), note="干部排查：因病住院自付费用高"
    )
    _walk(db, actor, ill, ago(75))
    _demo_check(db, actor, codes[2], ago(20), 4300, size[codes[2]])
    plans.add_measure(
        db, actor, codes[2], ago(60).year, "健康", "申请大病救助，落实医疗保障", risk_event=first_event
    )
    # in its 村公示 from today
    posted = monitoring.open_case(db, actor, codes[7], "边缘易致贫户", on=ago(2), note="农户申报：遭灾减收")
    monitoring.step(db, actor, posted, "村级评议", on=ago(1), note="村民代表大会评议通过")
    monitoring.step(db, actor, posted, "村公示", on=today, days=7)
    # turned down by the village's 评议
    refused = monitoring.open_case(db, actor, codes[8], "边缘易致贫户", on=ago(30), note="农户申报")
    monitoring.step(db, actor, refused, "村级评议", on=ago(29))
    monitoring.reject(db, actor, refused, "村级评议未通过：家中有经营性货车，收入稳定", on=ago(29))
    # this month's screening: a queue for the clerk, one left out with a reason
    found = monitoring.screen(db, actor, on=today).proposed
    if found:
        monitoring.dismiss(db, actor, found[-1].id, "经入户核实，家中有未登记的稳定务工收入，不属于监测对象")
    return 5


def build_demo(db: Database, actor: Actor, n: int, *, now: datetime | None = None) -> int:
    """`init --demo N` in one call: N households and, in a database without stores yet, the supermarkets,
    baskets, funds, plans and an identification round, all as of one instant `now` (an aware time; default the
    office clock's now), so that the same instant always gives the same demo. Returns the households added."""
    now = clock.local(now or clock.now())
    today = now.date()
    fresh = not has_stores(db)
    add_demo_households(db, actor, n, today=today)
    if fresh:
        add_demo_stores(db, actor, today=today)
        add_demo_redemptions(db, actor, now=now)
        add_demo_fund(db, actor, today=today)
        add_demo_plans(db, actor, today=today)
        add_demo_cadres(db, actor, today=today)
        add_demo_identification(db, actor, today=today)
        add_demo_monitoring(db, actor, today=today)
        problem_demo.add_demo_problems(db, actor, today=today)
        project_demo.add_demo_projects(db, actor, today=today)
        post_demo.add_demo_posts(db, actor, today=today)
        add_demo_loans(db, actor, today=today)
    return n
