"""孝善基金: elders (from their birth dates, in registered households), supporters' pledges, contributions with
the fund's match, monthly payouts, donations, reversals, arrears, and each elder's 子女赡养能力认定. Money is
integer fen; the fund balance never goes negative."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from desktop import clock, limits, money
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied, Refused
from desktop.models import (
    FilialFund,
    FundBoardMember,
    FundEntry,
    Household,
    Member,
    Pledge,
    Supporter,
    SupportFinding,
    Township,
    Village,
)
from desktop.models.fund import SUPPORT_FINDINGS
from desktop.services.households.households import age_on, resolve_village, village_scope
from desktop.services.ledgers.balances import add_unless_negative
from desktop.services.system import audit, defaults, settings
from desktop.services.system.actor import Actor
from desktop.vocabulary import OUTSIDE_KINDS, REGISTERED_KINDS


def month_key(d: date) -> str:
    """The stored form of the month `d` falls in: 2026-11."""
    return str(clock.Month.of(d))


# The months a fund's records may name: none before the schemes began, none years ahead (a typo such as
# 2999-01 or 1900-01 would otherwise be booked as paid and never owed again).
FIRST_YEAR = 2010
YEARS_AHEAD = 2


def parse_month(text: str) -> str:
    month = clock.Month.parse(text)
    last = clock.today().year + YEARS_AHEAD
    if not FIRST_YEAR <= month.year <= last:
        raise InputRejected(f"月份“{text}”不在{FIRST_YEAR}年至{last}年之间")
    return str(month)


def months_between(first: str, last: str) -> list[str]:
    """Inclusive, across year boundaries: 2025-11 … 2026-02."""
    return [str(m) for m in clock.Month.range(clock.Month.parse(first), clock.Month.parse(last))]


def previous_month(month: str) -> str:
    return str(clock.Month.parse(month).previous())


def next_month(month: str) -> str:
    return str(clock.Month.parse(month).next())


def split(amount: int, parts: int) -> list[int]:
    """Fen shared over months so the parts add up exactly (the remainder goes to the first months)."""
    base, rest = divmod(amount, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def match_for(amount: int, months: int, percent: int, cap_per_month: int) -> int:
    """The fund's match: `percent` of the contribution, at most `cap_per_month` for each month it covers."""
    return min(amount * percent // 100, cap_per_month * months)


# --- who is an elder of the fund ---------------------------------------------------------------------------

# Seed 000 产业扶贫 五(十三): 对于建档立卡贫困户中60岁以上(含60岁)老人,鼓励做子女的每月向老人寄送“孝心养老金”.
# “建档立卡贫困户”, read from the roster: 户类型 脱贫户 and 脱贫不稳定户 are registered households (the latter are
# 脱贫户 under monitoring); 边缘易致贫户 and 一般农户 are by definition outside the register. For any other 户类型
# (突发严重困难户 or 监测对象 may be either, or none given) the 贫困户属性 decides: 一般/低保/特困供养 贫困户 or
# 脱贫户 are registered, 一般农户/低保户/特困供养户 (social assistance, not 建档立卡) are not; a roster 脱贫年度 means
# the household was registered and has exited.
REGISTERED_TYPES = ("贫困户", "脱贫户")  # the endings of a registered 贫困户属性


def registered(household_kind: str | None, poverty_type: str | None, exit_year: object = None) -> bool:
    """Is this a 建档立卡 household (poor now or exited), as the roster's 户类型, 贫困户属性 and 脱贫年度 say?"""
    if household_kind in REGISTERED_KINDS:
        return True
    if household_kind in OUTSIDE_KINDS:
        return False
    return bool(exit_year) or (poverty_type or "").strip().endswith(REGISTERED_TYPES)


def is_registered(h: Household) -> bool:
    return registered(h.household_kind, h.poverty_type, (h.attrs or {}).get("exit_year"))


def born_by(on: date, age: int) -> date:
    """The latest birth date of someone who is `age` on `on` (their birthday counts; 29 February → 28th)."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:
        return on.replace(year=on.year - age, day=28)


# --- funds and people ------------------------------------------------------------------------------------


def _check_amount(session: Session, amount_fen: int, field: str) -> None:
    """One contribution or donation within the county's limit (setting limits.fund_yuan)."""
    most = int(settings.get_in(session, "limits.fund_yuan")) * 100
    money.check_fen(amount_fen, field, max_fen=min(most, limits.FUND_ENTRY_FEN))


def fund_of(session: Session, actor: Actor, village: str) -> FilialFund:
    v = resolve_village(session, actor, village)
    fund = session.scalar(select(FilialFund).where(FilialFund.village_id == v.id))
    if fund is None:
        raise NotFound(f"{v.name}还没有设立孝善基金")
    return fund


def create_fund(
    db: Database,
    actor: Actor,
    village: str,
    *,
    name: str = "",
    elder_age: int = 60,
    match_percent: int | None = None,
    match_cap_fen: int | None = None,
    payout_day: int = 10,
    all_households: bool = False,
) -> int:
    """A village's fund. Seed 000 产业(十三) sets the age: 60岁以上(含60岁). The match is no rule of the seeds: a fund
    given its own figures has them confirmed; one set up without takes the office default (settings
    fund.match_percent, fund.match_cap_yuan) and books no match until someone confirms it (confirm_rules),
    unless the office has already confirmed that default (desktop.services.system.defaults)."""
    actor.require("fund.manage", "设立孝善基金")
    explicit = match_percent is not None and match_cap_fen is not None
    with db.write() as s:
        if match_percent is None:
            match_percent = int(settings.get_in(s, "fund.match_percent"))
        if match_cap_fen is None:
            match_cap_fen = int(settings.get_in(s, "fund.match_cap_yuan")) * 100
        if (
            not 50 <= elder_age <= 90
            or not 0 <= match_percent <= 100
            or not 0 <= match_cap_fen <= limits.MONTHLY_FEN
            or not 1 <= payout_day <= 28
        ):
            raise InputRejected(
                "基金规则不合理：老人年龄50～90岁，补贴比例0～100%，上限不为负，发放日1～28日"
            )
        v = resolve_village(s, actor, village)
        if s.scalar(select(FilialFund.id).where(FilialFund.village_id == v.id)):
            raise Refused(f"{v.name}已经设立孝善基金")
        fund = FilialFund(
            village_id=v.id,
            name=name or f"{v.name}孝善基金",
            elder_age=elder_age,
            match_percent=match_percent,
            match_cap_fen=match_cap_fen,
            payout_day=payout_day,
            balance_fen=0,
            match_confirmed=explicit or defaults.confirmed_in(s, "fund.match"),
            all_households=all_households,
        )
        s.add(fund)
        s.flush()
        audit.record(
            s,
            actor.username,
            "fund.create",
            entity="fund",
            key=str(fund.id),
            after={
                "village": v.name,
                "elder_age": elder_age,
                "match_percent": match_percent,
                "match_cap_fen": match_cap_fen,
                "match_confirmed": fund.match_confirmed,
                "all_households": all_households,
            },
        )
        return fund.id


@dataclass(frozen=True)
class Elder:
    member_id: int
    name: str
    household: str
    age: int
    supporters: int
    registered: bool = True  # of a 建档立卡 household (False only where the fund takes in every household)


def elders(db: Database, actor: Actor, village: str, *, on: date | None = None) -> list[Elder]:
    """Members of the village's registered households (every household's, where the fund has widened it) who
    have reached the fund's age on `on` (their birthday counts: seed 000 产业(十三) 60岁以上(含60岁))."""
    on = on or clock.today()
    with db.read() as s:
        fund = fund_of(s, actor, village)
        counts = dict(
            s.execute(
                select(Supporter.elder_member_id, func.count())
                .where(Supporter.fund_id == fund.id)
                .group_by(Supporter.elder_member_id)
            ).all()
        )
        return [
            Elder(mid, name, code, age_on(born, on), counts.get(mid, 0), inside)
            for mid, name, code, born, inside in _elders_in(s, fund, on)
        ]


def _elders_in(s: Session, fund: FilialFund, on: date) -> list[tuple[int, str, str, date, bool]]:
    """(member id, name, household code, birth date, of a registered household) of the fund's elders on `on`,
    in household order: the few columns it needs, not the members' and households' whole rows."""
    rows = s.execute(
        select(
            Member.id,
            Member.name,
            Household.code,
            Member.birth_date,
            Household.household_kind,
            Household.poverty_type,
            Household.attrs,
        )
        .join(Household, Household.id == Member.household_id)
        .where(
            Household.village_id == fund.village_id,
            Member.left_at.is_(None),
            Member.birth_date <= born_by(on, fund.elder_age),
        )
        .order_by(Household.code, Member.position)
    )
    found = []
    for mid, name, code, born, kind, poverty, attrs in rows:
        inside = registered(kind, poverty, (attrs or {}).get("exit_year"))
        if inside or fund.all_households:
            found.append((mid, name, code, born, inside))
    return found


def add_supporter(
    db: Database,
    actor: Actor,
    village: str,
    elder_member_code: str,
    name: str,
    *,
    id_number: str = "",
    phone: str = "",
    relation: str = "子女",
    workplace: str = "",
    on: date | None = None,
) -> int:
    actor.require("fund.record", "登记赡养人")
    if not name.strip():
        raise InputRejected("赡养人姓名不能为空")
    with db.write() as s:
        return _add_supporter_in(
            s, actor, village, elder_member_code, name, id_number, phone, relation, workplace, on
        )


def _add_supporter_in(
    s: Session,
    actor: Actor,
    village: str,
    elder_member_code: str,
    name: str,
    id_number: str,
    phone: str,
    relation: str,
    workplace: str,
    on: date | None,
) -> int:
    """add_supporter inside the caller's transaction (enrol_supporter adds the pledge in the same one)."""
    fund = fund_of(s, actor, village)
    elder = s.execute(
        select(Member, Household).join(Household).where(Member.code == elder_member_code)
    ).first()
    if elder is None or elder[1].village_id != fund.village_id:
        raise NotFound(f"本村没有人编号为“{elder_member_code}”的成员")
    member, household = elder
    age = age_on(member.birth_date, on or clock.today())
    if age is None or age < fund.elder_age:
        raise Refused(
            f"{member.name}{'' if age is None else f'{age}岁，'}未满{fund.elder_age}岁，还不是基金的老人"
        )
    if not fund.all_households and not is_registered(household):
        # seed 000 产业(十三): 对于建档立卡贫困户中60岁以上(含60岁)老人
        raise Refused(
            f"{member.name}家不是建档立卡贫困户（户类型：{household.household_kind or '未填'}，"
            f"贫困户属性：{household.poverty_type or '未填'}）。孝善基金面向建档立卡贫困户中"
            f"{fund.elder_age}岁以上的老人；村里决定纳入其他农户的老人时，请在基金规则中放宽范围。未做任何改动。"
        )
    supporter = Supporter(
        fund_id=fund.id,
        elder_member_id=member.id,
        name=name.strip(),
        id_number=id_number,
        phone=phone,
        relation=relation,
        workplace=workplace,
    )
    s.add(supporter)
    s.flush()
    audit.record(
        s,
        actor.username,
        "fund.supporter",
        entity="supporter",
        key=str(supporter.id),
        after={"elder": member.name, "name": name.strip(), "relation": relation},
    )
    return supporter.id


def pledge(
    db: Database,
    actor: Actor,
    supporter_id: int,
    monthly_fen: int,
    start_month: str,
    *,
    signed_on: date | None = None,
    witness: str = "",
) -> int:
    """赡养承诺书; a new pledge replaces the supporter's earlier one from its start month on."""
    actor.require("fund.record", "登记赡养承诺")
    money.check_fen(monthly_fen, "每月赡养金额", max_fen=limits.MONTHLY_FEN)
    start = parse_month(start_month)
    with db.write() as s:
        return _pledge_in(s, actor, supporter_id, monthly_fen, start, signed_on, witness)


def _pledge_in(
    s: Session,
    actor: Actor,
    supporter_id: int,
    monthly_fen: int,
    start: str,
    signed_on: date | None,
    witness: str,
) -> int:
    supporter = s.get(Supporter, supporter_id)
    if supporter is None:
        raise NotFound(f"赡养人{supporter_id}不存在")
    village_id = s.scalar(select(FilialFund.village_id).where(FilialFund.id == supporter.fund_id))
    if actor.village_ids is not None and village_id not in actor.village_ids:
        raise PermissionDenied("无权登记其他村的赡养承诺")
    for old in s.scalars(select(Pledge).where(Pledge.supporter_id == supporter_id, Pledge.active.is_(True))):
        old.active = False
        old.end_month = max(previous_month(start), old.start_month)
    p = Pledge(
        supporter_id=supporter_id,
        monthly_fen=monthly_fen,
        start_month=start,
        signed_on=signed_on or clock.today(),
        witness=witness,
    )
    s.add(p)
    s.flush()
    audit.record(
        s,
        actor.username,
        "fund.pledge",
        entity="supporter",
        key=str(supporter_id),
        after={"monthly_fen": monthly_fen, "start": start},
    )
    return p.id


# --- money -------------------------------------------------------------------------------------------------


def _move(session: Session, fund_id: int, amount: int) -> bool:
    """Add `amount` to the fund's balance unless it would go negative."""
    return add_unless_negative(session, FilialFund.balance_fen, FilialFund.id == fund_id, amount)


def _balance(session: Session, fund_id: int) -> int:
    return session.scalar(select(FilialFund.balance_fen).where(FilialFund.id == fund_id)) or 0


@dataclass(frozen=True)
class Contribution:
    entry_id: int
    amount_fen: int
    match_fen: int
    months: list[str]
    balance_fen: int


_UNDOING = aliased(FundEntry, name="undoing")
# Contributions no reversal undoes (a reversal names the entry it undoes: one index probe per entry). Built once,
# so that SQLAlchemy's statement cache knows it: _paid_months runs once a contribution.
_STANDING_CONTRIBUTIONS = select(FundEntry.supporter_id, FundEntry.months).where(
    FundEntry.kind == "contribution",
    ~select(_UNDOING.id).where(_UNDOING.reverses_id == FundEntry.id).exists(),
)


def _paid_months(session: Session, supporter_id: int) -> set[str]:
    months: set[str] = set()
    for _sid, covered in session.execute(
        _STANDING_CONTRIBUTIONS.where(FundEntry.supporter_id == supporter_id)
    ):
        months.update(covered or ())
    return months


def _paid_months_of_fund(session: Session, fund_id: int) -> dict[int, set[str]]:
    """supporter id → the months their standing contributions cover, for every supporter of the fund at once."""
    paid: dict[int, set[str]] = {}
    for sid, covered in session.execute(_STANDING_CONTRIBUTIONS.where(FundEntry.fund_id == fund_id)):
        paid.setdefault(sid, set()).update(covered or ())
    return paid


def contribute(
    db: Database,
    actor: Actor,
    supporter_id: int,
    months: list[str],
    amount_fen: int,
    *,
    method: str = "现金",
    receipt_no: str = "",
) -> Contribution:
    """A supporter's payment for one or more months; the fund's match is booked with it (same batch)."""
    actor.require("fund.record", "登记赡养费缴纳")
    covered = sorted({parse_month(m) for m in months})
    if not covered:
        raise InputRejected("请写明缴纳的月份")
    with db.write() as s:
        _check_amount(s, amount_fen, "缴纳金额")
        supporter = s.get(Supporter, supporter_id)
        if supporter is None:
            raise NotFound(f"赡养人{supporter_id}不存在")
        fund = s.get(FilialFund, supporter.fund_id)
        if actor.village_ids is not None and fund.village_id not in actor.village_ids:
            raise PermissionDenied("无权登记其他村的孝善基金")
        if not fund.match_confirmed:
            raise Refused(
                f"{fund.name}的补贴规则（补贴{fund.match_percent}%，每位老人每月最多"
                f"{fund.match_cap_fen / 100:.2f}元）是软件默认值，不是文件规定，还没有人确认。请管理员或乡镇"
                "经办人先在“系统 → 设置 → 基金规则”中核对确认（命令：fund rules --village 村 --confirm），"
                "再登记缴纳。未做任何改动。"
            )
        twice = sorted(set(covered) & _paid_months(s, supporter_id))
        if twice:
            raise Refused(f"{supporter.name}已缴过{'、'.join(twice)}，未做任何改动")
        batch = uuid.uuid4().hex
        match = match_for(amount_fen, len(covered), fund.match_percent, fund.match_cap_fen)
        entry = FundEntry(
            fund_id=fund.id,
            kind="contribution",
            amount_fen=amount_fen,
            supporter_id=supporter_id,
            elder_member_id=supporter.elder_member_id,
            months=covered,
            method=method,
            receipt_no=receipt_no,
            batch=batch,
            operator=actor.username,
            reason=f"{supporter.name}缴纳赡养费",
        )
        s.add(entry)
        if match:
            # The match comes from the fund's own pool (donations, grants): earmarked now, paid out with the
            # contribution. No cash moves yet, so its amount is 0 and the earmark is kept beside it.
            s.add(
                FundEntry(
                    fund_id=fund.id,
                    kind="match",
                    amount_fen=0,
                    extra={"earmarked_fen": match},
                    supporter_id=supporter_id,
                    elder_member_id=supporter.elder_member_id,
                    months=covered,
                    batch=batch,
                    operator=actor.username,
                    reason=f"基金补贴{fund.match_percent}%（每月上限{fund.match_cap_fen / 100:.2f}元）",
                )
            )
        _move(s, fund.id, amount_fen)
        s.flush()
        audit.record(
            s,
            actor.username,
            "fund.contribute",
            entity="supporter",
            key=str(supporter_id),
            after={"amount_fen": amount_fen, "match_fen": match, "months": covered, "receipt": receipt_no},
        )
        return Contribution(entry.id, amount_fen, match, covered, _balance(s, fund.id))


def donate(db: Database, actor: Actor, village: str, donor: str, amount_fen: int, *, reason: str = "") -> int:
    actor.require("fund.record", "登记捐赠")
    if not donor.strip():
        raise InputRejected("捐赠需要写明捐赠人")
    with db.write() as s:
        _check_amount(s, amount_fen, "捐赠金额")
        fund = fund_of(s, actor, village)
        s.add(
            FundEntry(
                fund_id=fund.id,
                kind="donation",
                amount_fen=amount_fen,
                donor=donor.strip(),
                reason=reason,
                operator=actor.username,
            )
        )
        _move(s, fund.id, amount_fen)
        audit.record(
            s,
            actor.username,
            "fund.donate",
            entity="fund",
            key=str(fund.id),
            after={"donor": donor.strip(), "amount_fen": amount_fen},
        )
        return _balance(s, fund.id)


def reverse(db: Database, actor: Actor, entry_id: int, reason: str) -> int:
    """冲正 a contribution (with its match) or a donation; refused if the money is already paid out."""
    actor.require("fund.manage", "冲正基金流水")
    if not reason.strip():
        raise InputRejected("请写明冲正原因")
    with db.write() as s:
        original = s.get(FundEntry, entry_id)
        if original is None:
            raise NotFound(f"基金流水{entry_id}不存在")
        if original.kind not in ("contribution", "donation"):
            raise Refused("只能冲正缴纳或捐赠（补贴随缴纳一起冲正）")
        group = [original]
        if original.kind == "contribution":
            group += list(
                s.scalars(
                    select(FundEntry).where(FundEntry.batch == original.batch, FundEntry.kind == "match")
                )
            )
        if s.scalar(select(FundEntry.id).where(FundEntry.reverses_id.in_([e.id for e in group]))):
            raise Refused(f"基金流水{entry_id}已经冲正过")
        total = sum(
            e.amount_fen for e in group
        )  # matches are earmarks (0 cash): only the contribution goes back
        if not _move(s, original.fund_id, -total):
            raise Refused(
                f"基金余额{_balance(s, original.fund_id) / 100:.2f}元，不足以冲正{total / 100:.2f}元"
                "（款项可能已发放），未做任何改动"
            )
        for e in group:
            s.add(
                FundEntry(
                    fund_id=e.fund_id,
                    kind="reversal",
                    amount_fen=-e.amount_fen,
                    extra={"earmarked_fen": -e.extra["earmarked_fen"]}
                    if "earmarked_fen" in (e.extra or {})
                    else {},
                    supporter_id=e.supporter_id,
                    elder_member_id=e.elder_member_id,
                    months=e.months,
                    batch=e.batch,
                    reverses_id=e.id,
                    operator=actor.username,
                    reason=reason.strip(),
                )
            )
        audit.record(
            s,
            actor.username,
            "fund.reverse",
            entity="fund_entry",
            key=str(entry_id),
            after={"amount_fen": -total, "reason": reason.strip()},
        )
        return _balance(s, original.fund_id)


@dataclass(frozen=True)
class PayoutLine:
    member_id: int
    elder: str
    household: str
    amount_fen: int
    contribution_fen: int = 0  # the children's part
    match_fen: int = 0  # the fund's part


def _owed(session: Session, fund_id: int, month: str) -> list[PayoutLine]:
    """What each elder is owed for `month`: their share of contributions and matches covering it, not yet paid."""
    reversed_ids = set(
        session.scalars(select(FundEntry.reverses_id).where(FundEntry.reverses_id.is_not(None)))
    )
    owed: dict[int, list[int]] = {}  # elder → [children's part, fund's part]
    paid: set[int] = set()
    for e in session.scalars(
        select(FundEntry).where(
            FundEntry.fund_id == fund_id, FundEntry.kind.in_(("contribution", "match", "payout"))
        )
    ):
        if e.id in reversed_ids or month not in e.months or e.elder_member_id is None:
            continue
        if e.kind == "payout":
            paid.add(e.elder_member_id)
            continue
        money = e.extra.get("earmarked_fen", 0) if e.kind == "match" else e.amount_fen
        share = split(money, len(e.months))[e.months.index(month)]
        parts = owed.setdefault(e.elder_member_id, [0, 0])
        parts[1 if e.kind == "match" else 0] += share
    names = {
        mid: (name, code)
        for mid, name, code in session.execute(
            select(Member.id, Member.name, Household.code)
            .join(Household)
            .where(Member.id.in_(list(owed) or [-1]))
        )
    }
    return [
        PayoutLine(mid, names[mid][0], names[mid][1], c + m, c, m)
        for mid, (c, m) in sorted(owed.items())
        if mid not in paid and c + m > 0
    ]


def payout_preview(db: Database, actor: Actor, village: str, month: str) -> tuple[list[PayoutLine], int]:
    """The month's 签领表 before anything is booked, and the fund balance."""
    month = parse_month(month)
    with db.read() as s:
        fund = fund_of(s, actor, village)
        return _owed(s, fund.id, month), fund.balance_fen


def pay(db: Database, actor: Actor, village: str, month: str, *, method: str = "现金") -> list[PayoutLine]:
    """发放: book the month's payouts for every elder owed; refused whole if the fund cannot cover them."""
    actor.require("fund.manage", "发放孝善金")
    month = parse_month(month)
    with db.write() as s:
        fund = fund_of(s, actor, village)
        lines = _owed(s, fund.id, month)
        if not lines:
            raise Refused(f"{month}没有应发放的孝善金（或已发放）")
        total = sum(line.amount_fen for line in lines)
        if not _move(s, fund.id, -total):
            raise Refused(
                f"本月应发{total / 100:.2f}元，基金余额只有{_balance(s, fund.id) / 100:.2f}元，"
                "整批未发放，未做任何改动"
            )
        for line in lines:
            s.add(
                FundEntry(
                    fund_id=fund.id,
                    kind="payout",
                    amount_fen=-line.amount_fen,
                    elder_member_id=line.member_id,
                    months=[month],
                    method=method,
                    operator=actor.username,
                    reason=f"{int(month[:4])}年{int(month[5:])}月孝善金发放：{line.elder}",
                    # the children's part and the fund's, as the 签领表 shows them
                    extra={"contribution_fen": line.contribution_fen, "match_fen": line.match_fen},
                )
            )
        audit.record(
            s,
            actor.username,
            "fund.pay",
            entity="fund",
            key=str(fund.id),
            after={"month": month, "elders": len(lines), "total_fen": total},
        )
        return lines


@dataclass(frozen=True)
class Arrear:
    supporter_id: int
    supporter: str
    elder: str
    months: list[str]
    amount_fen: int
    elder_member_id: int = 0


def arrears(db: Database, actor: Actor, village: str, *, upto: str | None = None) -> list[Arrear]:
    """Who owes which months (through `upto`, default this month), by their pledges; across year boundaries."""
    last = parse_month(upto) if upto else str(clock.this_month())
    with db.read() as s:
        fund = fund_of(s, actor, village)
        return _arrears_in(s, fund.id, last)


def _arrears_in(s: Session, fund_id: int, last: str) -> list[Arrear]:
    """arrears for one fund through the month `last`: four queries, whatever the number of supporters."""
    paid = _paid_months_of_fund(s, fund_id)
    pledges: dict[int, list[tuple[str, str | None, int]]] = {}
    for sid, start, end, monthly in s.execute(
        select(Pledge.supporter_id, Pledge.start_month, Pledge.end_month, Pledge.monthly_fen)
        .join(Supporter, Supporter.id == Pledge.supporter_id)
        .where(Supporter.fund_id == fund_id)
        .order_by(Pledge.id)
    ):
        pledges.setdefault(sid, []).append((start, end, monthly))
    spans: dict[tuple[str, str], list[str]] = {}  # pledges mostly share their months: each span made once
    out = []
    for sid, name, elder_id, elder in s.execute(
        select(Supporter.id, Supporter.name, Supporter.elder_member_id, Member.name)
        .join(Member, Member.id == Supporter.elder_member_id)
        .where(Supporter.fund_id == fund_id)
        .order_by(Supporter.id)
    ):
        done = paid.get(sid, set())
        owed_months, owed = [], 0
        for start, end_month, monthly in pledges.get(sid, ()):
            key = (start, min(end_month or last, last))
            months = spans.get(key)
            if months is None:
                months = spans[key] = months_between(*key)
            for m in months:
                if m not in done:
                    owed_months.append(m)
                    owed += monthly
        if owed_months:
            out.append(Arrear(sid, name, elder, sorted(owed_months), owed, elder_id))
    return out


@dataclass(frozen=True)
class FundStatus:
    name: str
    village: str
    balance_fen: int
    elders: int
    supporters: int
    in_arrears: int
    month_in_fen: int
    month_out_fen: int
    match_confirmed: bool = True


def due_month(fund: FilialFund, on: date) -> str:
    """The last month whose contribution is due: this month from the payout day on, else the month before."""
    this = month_key(on)
    return this if on.day >= fund.payout_day else previous_month(this)


def status(db: Database, actor: Actor, village: str, *, on: date | None = None) -> FundStatus:
    on = on or clock.today()
    month = month_key(on)
    with db.read() as s:
        fund = fund_of(s, actor, village)
        vname = s.get(Village, fund.village_id).name
        supporters = (
            s.scalar(select(func.count()).select_from(Supporter).where(Supporter.fund_id == fund.id)) or 0
        )
        month_in, month_out = _month_flows(s, fund.id, month)
        elders_now = len(_elders_in(s, fund, on))
        owing = len(_arrears_in(s, fund.id, parse_month(due_month(fund, on))))
        return FundStatus(
            fund.name,
            vname,
            fund.balance_fen,
            elders_now,
            supporters,
            owing,
            month_in,
            month_out,
            fund.match_confirmed,
        )


def _month_flows(s: Session, fund_id: int, month: str) -> tuple[int, int]:
    """Cash into and out of the fund in `month` (office time). The days well inside the month are summed by the
    database; the entries within a day of its ends are read and their month told here, so that the result
    does not hang on how the database compares stored times with the bounds."""
    m = clock.Month.parse(month)
    lo, hi = clock.day_start(m.first_day()), clock.day_start(m.next().first_day())
    day = timedelta(days=1)
    where = FundEntry.fund_id == fund_id
    money_in = func.coalesce(func.sum(case((FundEntry.amount_fen > 0, FundEntry.amount_fen), else_=0)), 0)
    money_out = func.coalesce(func.sum(case((FundEntry.amount_fen < 0, FundEntry.amount_fen), else_=0)), 0)
    inside = s.execute(
        select(money_in, money_out).where(where, FundEntry.at >= lo + day, FundEntry.at < hi - day)
    ).one()
    total_in, total_out = int(inside[0]), -int(inside[1])
    for amount, at in s.execute(
        select(FundEntry.amount_fen, FundEntry.at).where(
            where,
            ((FundEntry.at >= lo - day) & (FundEntry.at < lo + day))
            | ((FundEntry.at >= hi - day) & (FundEntry.at < hi + day)),
        )
    ):
        if month_key(clock.local(at)) == month:
            if amount > 0:
                total_in += amount
            elif amount < 0:
                total_out -= amount
    return total_in, total_out


def ledger_mismatches(session: Session) -> list[str]:
    sums = dict(
        session.execute(
            select(FundEntry.fund_id, func.sum(FundEntry.amount_fen)).group_by(FundEntry.fund_id)
        ).all()
    )
    return [
        f"{f.name}余额{f.balance_fen / 100:.2f}元与流水合计{int(sums.get(f.id) or 0) / 100:.2f}元不符"
        for f in session.scalars(select(FilialFund))
        if int(sums.get(f.id) or 0) != f.balance_fen
    ]


def supporters(db: Database, actor: Actor, village: str) -> list[tuple[int, str, str, int]]:
    """(id, name, elder's name, pledged monthly fen) for the contribution entry list."""
    with db.read() as s:
        f = fund_of(s, actor, village)
        rows = s.execute(
            select(Supporter.id, Supporter.name, Member.name)
            .join(Member, Member.id == Supporter.elder_member_id)
            .where(Supporter.fund_id == f.id)
            .order_by(Supporter.name)
        ).all()
        pledges = dict(
            s.execute(
                select(Pledge.supporter_id, Pledge.monthly_fen)
                .join(Supporter, Supporter.id == Pledge.supporter_id)
                .where(Supporter.fund_id == f.id, Pledge.active.is_(True))
                .order_by(Pledge.id)
            ).all()
        )
        return [(sid, name, elder, pledges.get(sid, 0)) for sid, name, elder in rows]


def next_due(db: Database, supporter_id: int, *, on: date | None = None) -> tuple[list[str], int]:
    """The first unpaid pledged month (or this month) and the pledged monthly amount."""
    on = on or clock.today()
    with db.read() as s:
        p = s.execute(
            select(Pledge.start_month, Pledge.monthly_fen).where(
                Pledge.supporter_id == supporter_id, Pledge.active.is_(True)
            )
        ).first()
        if p is None:
            return [month_key(on)], 0
        return _next_due(p[0], p[1], _paid_months(s, supporter_id), month_key(on))


def next_dues(
    db: Database, actor: Actor, village: str, *, on: date | None = None
) -> dict[int, tuple[list[str], int]]:
    """next_due of every supporter of the village's fund, in three queries."""
    this = month_key(on or clock.today())
    with db.read() as s:
        f = fund_of(s, actor, village)
        paid = _paid_months_of_fund(s, f.id)
        pledges = {
            sid: (start, monthly)
            for sid, start, monthly in s.execute(
                select(Pledge.supporter_id, Pledge.start_month, Pledge.monthly_fen)
                .join(Supporter, Supporter.id == Pledge.supporter_id)
                .where(Supporter.fund_id == f.id, Pledge.active.is_(True))
                .order_by(Pledge.id.desc())  # next_due reads the first active pledge: the earliest wins
            )
        }
        ids = list(s.scalars(select(Supporter.id).where(Supporter.fund_id == f.id).order_by(Supporter.id)))
    spans: dict[tuple[str, str], list[str]] = {}
    out = {}
    for sid in ids:
        if sid not in pledges:
            out[sid] = ([this], 0)
            continue
        start, monthly = pledges[sid]
        out[sid] = _next_due(start, monthly, paid.get(sid, set()), this, spans)
    return out


def _next_due(
    start: str, monthly: int, paid: set[str], this: str, spans: dict | None = None
) -> tuple[list[str], int]:
    key = (start, max(this, start))
    months = None if spans is None else spans.get(key)
    if months is None:
        months = months_between(*key)
        if spans is not None:
            spans[key] = months
    for m in months:
        if m not in paid:
            return [m], monthly
    return [next_month(this) if this in paid else this], monthly


BOARD_ROLES = ("会长", "副会长", "会计", "出纳", "监督", "理事")


def add_board_member(
    db: Database, actor: Actor, village: str, name: str, role: str, *, phone: str = ""
) -> int:
    """孝善理事会 member."""
    actor.require("fund.manage", "登记理事会成员")
    if role not in BOARD_ROLES:
        raise InputRejected(f"理事会职务“{role}”无效，可选：{'、'.join(BOARD_ROLES)}")
    if not name.strip():
        raise InputRejected("姓名不能为空")
    with db.write() as s:
        f = fund_of(s, actor, village)
        member = FundBoardMember(fund_id=f.id, name=name.strip(), role=role, phone=phone)
        s.add(member)
        s.flush()
        audit.record(
            s, actor.username, "fund.board", entity="fund", key=str(f.id), after={"name": name, "role": role}
        )
        return member.id


def board(db: Database, actor: Actor, village: str) -> list[tuple[str, str, str]]:
    with db.read() as s:
        f = fund_of(s, actor, village)
        return [
            (m.role, m.name, m.phone)
            for m in s.scalars(
                select(FundBoardMember).where(FundBoardMember.fund_id == f.id).order_by(FundBoardMember.id)
            )
        ]


RULE_KEYS = ("elder_age", "match_percent", "match_cap_fen", "payout_day", "all_households", "match_confirmed")


def set_rules(
    db: Database,
    actor: Actor,
    village: str,
    *,
    elder_age: int | None = None,
    match_percent: int | None = None,
    match_cap_fen: int | None = None,
    payout_day: int | None = None,
    all_households: bool | None = None,
    confirm: bool = False,
) -> dict:
    """Change a fund's rules from now on (matches already booked keep theirs). Giving the match figures, or
    `confirm`, confirms the match (it is no longer the software's default). Returns what changed: nothing is
    written or audited when nothing does."""
    actor.require("fund.manage", "修改基金规则")
    with db.write() as s:
        return _set_rules_in(
            s,
            actor,
            village,
            elder_age=elder_age,
            match_percent=match_percent,
            match_cap_fen=match_cap_fen,
            payout_day=payout_day,
            all_households=all_households,
            confirm=confirm,
        )


def save_rules(db: Database, actor: Actor, rows: list[dict], office: dict | None = None) -> dict[str, dict]:
    """The settings page's 基金规则 save: every village's rules (keyword arguments of set_rules plus "village")
    and the office's fund settings, checked row by row and written in ONE transaction — all or nothing, a
    refusal naming the village. Returns what changed per village (and "office")."""
    actor.require("fund.manage", "修改基金规则")
    checked = {}
    if office:
        actor.require("settings", "修改系统设置")
        checked = settings.validate(office)
    changed: dict[str, dict] = {}
    with db.write() as s:
        for row in rows:
            kwargs = dict(row)
            village = kwargs.pop("village")
            try:
                done = _set_rules_in(s, actor, village, **kwargs)
            except InputRejected as exc:
                raise InputRejected(f"{village}：{exc.message}（基金规则都未保存）") from None
            if done:
                changed[village] = done
        if checked:
            office_changed = settings.save(s, actor.username, checked)
            if office_changed:
                changed["office"] = office_changed
    return changed


def _set_rules_in(
    s: Session,
    actor: Actor,
    village: str,
    *,
    elder_age: int | None = None,
    match_percent: int | None = None,
    match_cap_fen: int | None = None,
    payout_day: int | None = None,
    all_households: bool | None = None,
    confirm: bool = False,
) -> dict:
    """set_rules in the caller's transaction."""
    f = fund_of(s, actor, village)
    before = {k: getattr(f, k) for k in RULE_KEYS}
    wanted = {
        "elder_age": elder_age,
        "match_percent": match_percent,
        "match_cap_fen": match_cap_fen,
        "payout_day": payout_day,
        "all_households": all_households,
    }
    changes = {k: v for k, v in wanted.items() if v is not None}
    if confirm or match_percent is not None or match_cap_fen is not None:
        changes["match_confirmed"] = True
    after = {**before, **changes}
    if not (
        50 <= after["elder_age"] <= 90
        and 0 <= after["match_percent"] <= 100
        and 0 <= after["match_cap_fen"] <= limits.MONTHLY_FEN
        and 1 <= after["payout_day"] <= 28
    ):
        raise InputRejected("基金规则不合理：老人年龄50～90岁，补贴比例0～100%，上限不为负，发放日1～28日")
    changed = {k: v for k, v in after.items() if before[k] != v}
    if not changed:
        return {}
    for key, value in changed.items():
        setattr(f, key, value)
    audit.record(s, actor.username, "fund.rules", entity="fund", key=str(f.id), before=before, after=after)
    return changed


def confirm_rules(db: Database, actor: Actor, village: str) -> dict:
    """确认 the fund's match as it stands (the software's default until someone says it is the village's)."""
    return set_rules(db, actor, village, confirm=True)


def archive_pledge_scan(db: Database, actor: Actor, supporter_id: int, data: bytes) -> None:
    """The signed 赡养承诺书, scanned (PDF, JPEG or PNG, checked by content, at most 10 MB)."""
    actor.require("fund.record", "归档赡养承诺书")
    if not (
        data.startswith(b"%PDF-") or data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")
    ):
        raise InputRejected("扫描件只能是PDF、JPG或PNG（文件内容不符）")
    if len(data) > 10 * 1024 * 1024:
        raise InputRejected("扫描件太大，请小于10 MB")
    with db.write() as s:
        p = s.scalar(select(Pledge).where(Pledge.supporter_id == supporter_id, Pledge.active.is_(True)))
        if p is None:
            raise NotFound(f"赡养人{supporter_id}没有有效的赡养承诺")
        p.scan = data
        audit.record(
            s,
            actor.username,
            "fund.pledge_scan",
            entity="supporter",
            key=str(supporter_id),
            after={"bytes": len(data)},
        )


def has_pledge_scan(db: Database, supporter_id: int) -> bool:
    with db.read() as s:
        return bool(
            s.scalar(
                select(Pledge.id).where(
                    Pledge.supporter_id == supporter_id, Pledge.active.is_(True), Pledge.scan.is_not(None)
                )
            )
        )


def monthly_totals(
    db: Database, actor: Actor, village: str, *, months: int = 12
) -> list[tuple[str, int, int]]:
    """(month, money in, money out) in fen, oldest first, for the overview chart."""
    with db.read() as s:
        f = fund_of(s, actor, village)
        entries = list(s.scalars(select(FundEntry).where(FundEntry.fund_id == f.id)))
    totals: dict[str, list[int]] = {}
    for e in entries:
        slot = totals.setdefault(month_key(clock.local(e.at)), [0, 0])
        slot[0 if e.amount_fen > 0 else 1] += abs(e.amount_fen)
    return [(m, v[0], v[1]) for m, v in sorted(totals.items())][-months:]


@dataclass(frozen=True)
class FundRules:
    village: str  # qualified, as resolve_village takes it
    name: str
    elder_age: int
    match_percent: int
    match_cap_fen: int
    payout_day: int
    match_confirmed: bool = True
    all_households: bool = False

    def describe(self) -> str:
        """The rules in a sentence, the way a clerk reads them (fund rules, the settings page)."""
        scope = "全村农户" if self.all_households else "建档立卡贫困户"
        match = f"基金补贴{self.match_percent}%，每位老人每月最多{self.match_cap_fen / 100:.2f}元"
        if not self.match_confirmed:
            match += "（软件默认值，非文件规定，待确认：确认前不能登记缴纳）"
        return f"{self.name}：{scope}中{self.elder_age}岁以上（含{self.elder_age}岁）的老人；{match}；每月{self.payout_day}日发放"


def _rules_of(f: FilialFund, v: Village, t: Township) -> FundRules:
    return FundRules(
        f"{t.county}{t.name}/{v.name}",
        f.name,
        f.elder_age,
        f.match_percent,
        f.match_cap_fen,
        f.payout_day,
        f.match_confirmed,
        f.all_households,
    )


def rules(db: Database, actor: Actor, village: str) -> FundRules:
    with db.read() as s:
        f = fund_of(s, actor, village)
        v = s.get(Village, f.village_id)
        return _rules_of(f, v, s.get(Township, v.township_id))


def all_rules(db: Database, actor: Actor) -> list[FundRules]:
    """The rules of every fund the actor may see (for the settings page)."""
    with db.read() as s:
        rows = s.execute(
            select(FilialFund, Village, Township)
            .join(Village, Village.id == FilialFund.village_id)
            .join(Township, Township.id == Village.township_id)
            .where(village_scope(s, actor, None, FilialFund.village_id))
            .order_by(Township.name, Village.name)
        ).all()
        return [_rules_of(f, v, t) for f, v, t in rows]


# --- 子女赡养能力认定 -------------------------------------------------------------------------------------------


def record_finding(
    db: Database,
    actor: Actor,
    village: str,
    member_code: str,
    finding: str,
    *,
    found_on: date | None = None,
    found_by: str = "",
    note: str = "",
) -> int:
    """子女赡养能力认定 of one elder. Seed 000 扶志扶智 四(九): 由村级责任组牵头组织,对贫困老年人子女是否有赡养能力
    进行认定. Each finding is kept; the latest stands. The elder must be of a registered household and of the
    ledger's age (setting fund.ledger_age, 65 from the same sentence) or the village fund's."""
    actor.require("fund.record", "登记子女赡养能力认定")
    if finding not in SUPPORT_FINDINGS:
        raise InputRejected(f"认定结果“{finding}”无效，可选：{'、'.join(SUPPORT_FINDINGS)}")
    day = found_on or clock.today()
    if day > clock.today() or day.year < FIRST_YEAR:
        raise InputRejected(f"认定日期{clock.cn_date(day)}不合理（不能晚于今天，也不能早于{FIRST_YEAR}年）")
    if len(note) > 500 or len(found_by) > 64:
        raise InputRejected("说明不能超过500字，认定人不能超过64字")
    with db.write() as s:
        v = resolve_village(s, actor, village)
        row = s.execute(
            select(Member, Household).join(Household).where(Member.code == member_code.strip())
        ).first()
        if row is None or row[1].village_id != v.id or row[0].left_at is not None:
            raise NotFound(f"{v.name}没有人编号为“{member_code}”的成员")
        member, household = row
        fund_age = s.scalar(select(FilialFund.elder_age).where(FilialFund.village_id == v.id))
        least = min(int(settings.get_in(s, "fund.ledger_age")), fund_age or 200)
        age = age_on(member.birth_date, day)
        if age is None or age < least:
            raise Refused(f"{member.name}{'' if age is None else f'{age}岁，'}不到{least}岁，不在老人台账中")
        if not is_registered(household):
            raise Refused(f"{member.name}家不是建档立卡贫困户，不在贫困老年人台账中")
        entry = SupportFinding(
            member_id=member.id,
            finding=finding,
            note=note.strip(),
            found_on=day,
            found_by=found_by.strip(),
            recorded_by=actor.username,
        )
        s.add(entry)
        s.flush()
        audit.record(
            s,
            actor.username,
            "fund.finding",
            entity="member",
            key=member.code,
            after={
                "finding": finding,
                "found_on": day.isoformat(),
                "found_by": found_by.strip(),
                "note": note,
            },
        )
        return entry.id


def latest_findings(session: Session, member_ids: list[int]) -> dict[int, SupportFinding]:
    """Each elder's finding that stands: the latest by date, then by the order recorded."""
    latest: dict[int, SupportFinding] = {}
    for f in session.scalars(
        select(SupportFinding)
        .where(SupportFinding.member_id.in_(member_ids or [-1]))
        .order_by(SupportFinding.found_on, SupportFinding.id)
    ):
        latest[f.member_id] = f
    return latest


# --- what the fund page shows and saves in one go -------------------------------------------------------------


def enrol_supporter(
    db: Database,
    actor: Actor,
    village: str,
    elder_member_code: str,
    name: str,
    *,
    relation: str = "子女",
    id_number: str = "",
    phone: str = "",
    monthly_fen: int | None = None,
    start_month: str | None = None,
) -> int:
    """A supporter and, when a monthly amount is given, their 赡养承诺 — one transaction: both or neither."""
    actor.require("fund.record", "登记赡养人")
    if not name.strip():
        raise InputRejected("赡养人姓名不能为空")
    start = None
    if monthly_fen is not None:
        money.check_fen(monthly_fen, "每月赡养金额", max_fen=limits.MONTHLY_FEN)
        start = parse_month(start_month or str(clock.this_month()))
    with db.write() as s:
        sid = _add_supporter_in(
            s,
            actor,
            village,
            elder_member_code,
            name,
            id_number.strip(),
            phone.strip(),
            relation.strip(),
            "",
            None,
        )
        if start is not None:
            _pledge_in(s, actor, sid, monthly_fen, start, None, "")
        return sid


@dataclass(frozen=True)
class SupporterRow:
    id: int
    name: str
    relation: str
    phone: str
    elder: str
    elder_code: str
    monthly_fen: int  # the pledge in force, 0: none signed
    start_month: str
    scanned: bool  # the signed 承诺书 is archived


def supporter_rows(db: Database, actor: Actor, village: str) -> list[SupporterRow]:
    """Every supporter of the village's fund with their elder and the pledge in force."""
    with db.read() as s:
        f = fund_of(s, actor, village)
        pledges = {
            sid: (monthly, start, scanned)
            for sid, monthly, start, scanned in s.execute(
                # whether a scan is kept, not the scan itself (a deferred column read row by row)
                select(Pledge.supporter_id, Pledge.monthly_fen, Pledge.start_month, Pledge.scan.is_not(None))
                .join(Supporter, Supporter.id == Pledge.supporter_id)
                .where(Supporter.fund_id == f.id, Pledge.active.is_(True))
                .order_by(Pledge.id)
            )
        }
        rows = s.execute(
            select(
                Supporter.id, Supporter.name, Supporter.relation, Supporter.phone, Member.name, Member.code
            )
            .join(Member, Member.id == Supporter.elder_member_id)
            .where(Supporter.fund_id == f.id)
            .order_by(Member.name, Supporter.id)
        ).all()
    none = (0, "", False)
    return [
        SupporterRow(sid, name, relation, phone, elder, code, *pledges.get(sid, none))
        for sid, name, relation, phone, elder, code in rows
    ]


def elder_codes(db: Database, actor: Actor, village: str) -> dict[int, str]:
    """member id → 人编号 of the fund's elders (a supporter is registered against the code)."""
    with db.read() as s:
        fund = fund_of(s, actor, village)
        ids = [row[0] for row in _elders_in(s, fund, clock.today())]
        return dict(s.execute(select(Member.id, Member.code).where(Member.id.in_(ids or [-1]))).all())


@dataclass(frozen=True)
class EntryRow:
    id: int
    at: str  # local time, 2026-11-02 09:30
    kind: str  # contribution, match, donation, payout, reversal
    amount_fen: int  # cash in (+) or out (-); a match is an earmark (0 cash)
    earmarked_fen: int
    who: str  # supporter, donor or elder
    months: list[str]
    receipt_no: str
    reason: str
    operator: str
    reversed: bool  # a later reversal undoes it
    reversible: bool  # a contribution or donation not yet reversed


def entries(db: Database, actor: Actor, village: str, *, limit: int = 500) -> list[EntryRow]:
    """The fund ledger, newest first (append-only: a mistake is fixed by a reversal, never by editing)."""
    with db.read() as s:
        f = fund_of(s, actor, village)
        undone = set(
            s.scalars(
                select(FundEntry.reverses_id).where(
                    FundEntry.fund_id == f.id, FundEntry.reverses_id.is_not(None)
                )
            )
        )
        found = list(
            s.scalars(
                select(FundEntry).where(FundEntry.fund_id == f.id).order_by(FundEntry.id.desc()).limit(limit)
            )
        )
        sup_names = dict(
            s.execute(select(Supporter.id, Supporter.name).where(Supporter.fund_id == f.id)).all()
        )
        elder_ids = {e.elder_member_id for e in found if e.elder_member_id}
        elder_names = dict(
            s.execute(select(Member.id, Member.name).where(Member.id.in_(elder_ids or {-1}))).all()
        )
    rows = []
    for e in found:
        who = e.donor or sup_names.get(e.supporter_id) or elder_names.get(e.elder_member_id, "")
        rows.append(
            EntryRow(
                e.id,
                f"{clock.local(e.at):%Y-%m-%d %H:%M}",
                e.kind,
                e.amount_fen,
                int((e.extra or {}).get("earmarked_fen", 0)),
                who,
                list(e.months or []),
                e.receipt_no,
                e.reason,
                e.operator,
                e.id in undone,
                e.kind in ("contribution", "donation") and e.id not in undone,
            )
        )
    return rows


@dataclass(frozen=True)
class FundVillage:
    village: str  # qualified, as resolve_village takes it
    label: str  # 逻岗镇孙桥村
    has_fund: bool


def fund_villages(db: Database, actor: Actor) -> list[FundVillage]:
    """The villages the actor may see, and whether each has its fund yet (the page's chooser and 设立)."""
    with db.read() as s:
        funded = set(s.scalars(select(FilialFund.village_id)))
        rows = s.execute(
            select(Village, Township)
            .join(Township, Township.id == Village.township_id)
            .where(village_scope(s, actor, None, Village.id))
            .order_by(Township.name, Village.name)
        ).all()
        labels = [f"{t.name}{v.name}" for v, t in rows]
        return [
            # the county only where two villages of the same name in same-named townships would look alike
            FundVillage(
                f"{t.county}{t.name}/{v.name}",
                f"{t.county}{label}" if labels.count(label) > 1 else label,
                v.id in funded,
            )
            for (v, t), label in zip(rows, labels, strict=True)
        ]
