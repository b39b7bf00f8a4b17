"""星级评定 rounds: stars entered → results published as a notice → objections settled → confirmed after the
notice period. Points are credited only at confirmation; before that they are pending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from desktop import clock, limits, money
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied, Refused
from desktop.models import Household, Objection, RatingResult, RatingRound, StarCatalog, Township, Village
from desktop.models.base import utcnow
from desktop.services.documents import township_issuer
from desktop.services.households.households import resolve_village, village_scope
from desktop.services.points import points
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor

DEFAULT_STARS = (
    "增收致富",
    "政策明白",
    "移风易俗",
    "户容整洁",
    "反对迷信",
    "学用科技",
    "良好家风",
    "诚实守信",
    "模范守法",
    "热心公益",
)
STATE_NAMES = {"draft": "评定中", "published": "公示中", "confirmed": "已确认"}


@dataclass(frozen=True)
class Star:
    name: str
    points: int


@dataclass(frozen=True)
class RoundRow:
    household_id: int
    code: str
    head_name: str
    group: str
    stars: list[str]
    points: int


@dataclass(frozen=True)
class RoundInfo:
    id: int
    village: str
    township: str
    period: str
    state: str
    stars: list[Star]
    rows: list[RoundRow]
    notice_start: date | None
    notice_end: date | None
    open_objections: int
    cap_points: int | None

    @property
    def state_name(self) -> str:
        return STATE_NAMES[self.state]

    @property
    def total_points(self) -> int:
        return sum(r.points for r in self.rows)


def current_catalog(session, actor: Actor | None = None) -> StarCatalog:
    catalog = session.scalar(select(StarCatalog).order_by(StarCatalog.id.desc()))
    if catalog is None:
        catalog = StarCatalog(
            stars=[{"name": n, "points": 10} for n in DEFAULT_STARS],
            created_by=actor.username if actor else "system",
        )
        session.add(catalog)
        session.flush()
    return catalog


def set_catalog(db: Database, actor: Actor, stars: list[Star]) -> int:
    """A new version of the star list (names and points); rounds already made keep theirs."""
    actor.require("settings", "修改星级评定标准")
    names = [s.name.strip() for s in stars]
    if not names or len(set(names)) != len(names) or any(not n for n in names):
        raise InputRejected("星级名称不能为空或重复")
    with db.write() as s:
        most = int(settings.get_in(s, "limits.points_entry"))
        for st in stars:
            money.check_count(st.points, f"“{st.name.strip()}”的积分", maximum=most, unit="分")
        catalog = StarCatalog(
            stars=[{"name": st.name.strip(), "points": st.points} for st in stars], created_by=actor.username
        )
        s.add(catalog)
        s.flush()
        audit.record(
            s,
            actor.username,
            "stars.catalog",
            entity="star_catalog",
            key=str(catalog.id),
            after={"stars": catalog.stars},
        )
        return catalog.id


def stars(db: Database) -> list[Star]:
    """The current star list; before anyone saved one, the default (made when a round first needs it, so that
    reading the list stays a read)."""
    with db.read() as s:
        catalog = s.scalar(select(StarCatalog).order_by(StarCatalog.id.desc()))
        listed = catalog.stars if catalog is not None else [{"name": n, "points": 10} for n in DEFAULT_STARS]
        return [Star(x["name"], int(x["points"])) for x in listed]


def _round(session, actor: Actor, round_id: int) -> RatingRound:
    rnd = session.get(RatingRound, round_id)
    if rnd is None:
        raise NotFound(f"评定批次{round_id}不存在")
    if actor.village_ids is not None and rnd.village_id not in actor.village_ids:
        raise PermissionDenied("无权处理其他村的星级评定")
    return rnd


def create_round(
    db: Database, actor: Actor, village: str, period: str, *, cap_points: int | None = None
) -> int:
    """A new round for every household of the village, all with no stars yet."""
    actor.require("points.award", "开展星级评定")
    if not period.strip():
        raise InputRejected("请写明评定期间，如“2026年11月”")
    if cap_points is not None:
        money.check_count(cap_points, "本批积分上限", maximum=limits.POINTS_BALANCE, unit="分")
    with db.write() as s:
        v = resolve_village(s, actor, village)
        if s.scalar(
            select(RatingRound.id).where(RatingRound.village_id == v.id, RatingRound.period == period)
        ):
            raise Refused(f"{v.name}{period}的评定已经建立")
        catalog = current_catalog(s, actor)
        rnd = RatingRound(
            village_id=v.id,
            period=period.strip(),
            catalog_id=catalog.id,
            created_by=actor.username,
            cap_points=cap_points,
        )
        s.add(rnd)
        s.flush()
        ids = list(
            s.scalars(select(Household.id).where(Household.village_id == v.id).order_by(Household.code))
        )
        if not ids:
            raise Refused(f"{v.name}没有农户")
        s.add_all(RatingResult(round_id=rnd.id, household_id=hid, stars=[], points=0) for hid in ids)
        audit.record(
            s,
            actor.username,
            "rating.create",
            entity="rating_round",
            key=str(rnd.id),
            after={"village": v.name, "period": period, "households": len(ids)},
        )
        return rnd.id


def set_stars(db: Database, actor: Actor, round_id: int, household_code: str, earned: list[str]) -> int:
    """Record the stars a household earned (while the round is not confirmed). Returns its points."""
    actor.require("points.award", "录入星级")
    with db.write() as s:
        rnd = _round(s, actor, round_id)
        if rnd.state == "confirmed":
            raise Refused("评定已确认，不能再修改；如有错误请冲正积分")
        catalog = {x["name"]: int(x["points"]) for x in s.get(StarCatalog, rnd.catalog_id).stars}
        unknown = [n for n in earned if n not in catalog]
        if unknown:
            raise InputRejected(f"没有这颗星：{'、'.join(unknown)}")
        hid = points.household_id(s, actor, household_code)
        result = s.scalar(
            select(RatingResult).where(RatingResult.round_id == rnd.id, RatingResult.household_id == hid)
        )
        if result is None:
            raise NotFound(f"户{household_code}不在本次评定中")
        ordered = [n for n in catalog if n in set(earned)]
        before = list(result.stars)
        result.stars, result.points = ordered, sum(catalog[n] for n in ordered)
        if rnd.state == "published":
            audit.record(
                s,
                actor.username,
                "rating.change",
                entity="rating_round",
                key=str(rnd.id),
                before={household_code: before},
                after={household_code: ordered},
            )
        return result.points


def publish(
    db: Database, actor: Actor, round_id: int, *, start: date | None = None, days: int | None = None
) -> date:
    """公示: fixes the notice period; returns its last day."""
    actor.require("points.award", "公示评定结果")
    days = settings.notice_days(days, settings.get(db, "notice.days"))
    with db.write() as s:
        rnd = _round(s, actor, round_id)
        if rnd.state != "draft":
            raise Refused(f"评定已{STATE_NAMES[rnd.state]}")
        total = s.scalar(select(func.sum(RatingResult.points)).where(RatingResult.round_id == rnd.id)) or 0
        if rnd.cap_points is not None and total > rnd.cap_points:
            raise Refused(f"本次评定共{total}分，超过本村每批上限{rnd.cap_points}分，请调整后再公示")
        rnd.state = "published"
        rnd.notice_start = start or clock.today()
        rnd.notice_end = rnd.notice_start + timedelta(days=days - 1)
        audit.record(
            s,
            actor.username,
            "rating.publish",
            entity="rating_round",
            key=str(rnd.id),
            after={"start": rnd.notice_start.isoformat(), "end": rnd.notice_end.isoformat(), "points": total},
        )
        return rnd.notice_end


def object_to(
    db: Database, actor: Actor, round_id: int, household_code: str, text: str, *, raised_by: str = ""
) -> int:
    actor.require("points.award", "登记异议")
    if not text.strip():
        raise InputRejected("请写明异议内容")
    with db.write() as s:
        rnd = _round(s, actor, round_id)
        if rnd.state != "published":
            raise Refused("只有公示期内的评定可以登记异议")
        hid = points.household_id(s, actor, household_code)
        objection = Objection(
            round_id=rnd.id,
            household_id=hid,
            raised_by=raised_by,
            text=text.strip(),
            recorded_by=actor.username,
        )
        s.add(objection)
        s.flush()
        audit.record(
            s,
            actor.username,
            "rating.objection",
            entity="rating_round",
            key=str(rnd.id),
            after={"household": household_code, "text": text.strip()},
        )
        return objection.id


def resolve_objection(db: Database, actor: Actor, objection_id: int, outcome: str) -> None:
    actor.require("points.award", "处理异议")
    if not outcome.strip():
        raise InputRejected("请写明处理结果")
    with db.write() as s:
        objection = s.get(Objection, objection_id)
        if objection is None:
            raise NotFound(f"异议{objection_id}不存在")
        _round(s, actor, objection.round_id)
        objection.outcome, objection.resolved_by, objection.resolved_at = (
            outcome.strip(),
            actor.username,
            utcnow(),
        )
        audit.record(
            s,
            actor.username,
            "rating.resolve",
            entity="rating_round",
            key=str(objection.round_id),
            after={"objection": objection_id, "outcome": outcome.strip()},
        )


def confirm(db: Database, actor: Actor, round_id: int, *, today: date | None = None) -> int:
    """确认: after the notice period, with every objection settled, credit each household's points.
    Returns the points credited."""
    actor.require("points.award", "确认评定结果")
    today = today or clock.today()
    with db.write() as s:
        rnd = _round(s, actor, round_id)
        if rnd.state != "published":
            raise Refused("请先公示评定结果" if rnd.state == "draft" else "评定已经确认过")
        if today <= rnd.notice_end:
            raise Refused(
                f"公示期到{rnd.notice_end.year}年{rnd.notice_end.month}月{rnd.notice_end.day}日才结束，"
                f"结束后才能确认"
            )
        open_count = s.scalar(
            select(func.count())
            .select_from(Objection)
            .where(Objection.round_id == rnd.id, Objection.resolved_at.is_(None))
        )
        if open_count:
            raise Refused(f"还有{open_count}条异议没有处理完")
        village = s.get(Village, rnd.village_id)
        total = 0
        for result in s.scalars(
            select(RatingResult).where(RatingResult.round_id == rnd.id, RatingResult.points > 0)
        ):
            points.post(
                s,
                actor,
                result.household_id,
                "award",
                result.points,
                f"{village.name}{rnd.period}星级评定：{'、'.join(result.stars)}",
                source=f"round:{rnd.id}",
            )
            total += result.points
        rnd.state, rnd.confirmed_at, rnd.confirmed_by = "confirmed", utcnow(), actor.username
        audit.record(
            s,
            actor.username,
            "rating.confirm",
            entity="rating_round",
            key=str(rnd.id),
            after={"points": total},
        )
        return total


def round_info(db: Database, actor: Actor, round_id: int) -> RoundInfo:
    with db.read() as s:
        rnd = _round(s, actor, round_id)
        village = s.get(Village, rnd.village_id)
        township = s.get(Township, village.township_id)
        catalog = [Star(x["name"], int(x["points"])) for x in s.get(StarCatalog, rnd.catalog_id).stars]
        rows = [
            RoundRow(hid, code, head, group, list(st), pts)
            for hid, code, head, group, st, pts in s.execute(
                select(
                    Household.id,
                    Household.code,
                    Household.head_name,
                    Household.group_name,
                    RatingResult.stars,
                    RatingResult.points,
                )
                .join(RatingResult, RatingResult.household_id == Household.id)
                .where(RatingResult.round_id == rnd.id)
                .order_by(Household.group_name, Household.code)
            )
        ]
        open_count = (
            s.scalar(
                select(func.count())
                .select_from(Objection)
                .where(Objection.round_id == rnd.id, Objection.resolved_at.is_(None))
            )
            or 0
        )
        return RoundInfo(
            rnd.id,
            village.name,
            township.name,
            rnd.period,
            rnd.state,
            catalog,
            rows,
            rnd.notice_start,
            rnd.notice_end,
            open_count,
            rnd.cap_points,
        )


@dataclass(frozen=True)
class ObjectionInfo:
    id: int
    household: str
    head_name: str
    raised_by: str
    text: str
    outcome: str

    @property
    def open(self) -> bool:
        return not self.outcome


def objections(db: Database, actor: Actor, round_id: int) -> list[ObjectionInfo]:
    with db.read() as s:
        _round(s, actor, round_id)
        rows = s.execute(
            select(Objection, Household.code, Household.head_name)
            .join(Household, Household.id == Objection.household_id)
            .where(Objection.round_id == round_id)
            .order_by(Objection.id)
        )
        return [ObjectionInfo(o.id, code, head, o.raised_by, o.text, o.outcome) for o, code, head in rows]


def list_rounds(db: Database, actor: Actor) -> list[tuple[int, str, str, str]]:
    """(id, village, period, state name), newest first."""
    with db.read() as s:
        q = (
            select(RatingRound.id, Village.name, RatingRound.period, RatingRound.state)
            .join(Village, RatingRound.village_id == Village.id)
            .order_by(RatingRound.id.desc())
        )
        if actor.village_ids is not None:
            q = q.where(RatingRound.village_id.in_(actor.village_ids))
        return [(i, v, p, STATE_NAMES[st]) for i, v, p, st in s.execute(q)]


def pending_points(db: Database, household_code: str) -> int:
    """Points published but not yet confirmed (shown at the counter, not spendable)."""
    with db.read() as s:
        return (
            s.scalar(
                select(func.coalesce(func.sum(RatingResult.points), 0))
                .join(RatingRound, RatingRound.id == RatingResult.round_id)
                .join(Household, Household.id == RatingResult.household_id)
                .where(Household.code == household_code, RatingRound.state == "published")
            )
            or 0
        )


def star_notice(db: Database, actor: Actor, round_id: int, out: str | Path, *, phone: str | None = None):
    """The results notice (公示) of a round: households, stars and points, on the notice layout."""
    from desktop.reports.notice import (  # lazy: reportlab loads only when printing
        Notice,
        NoticeTable,
        cn_date,
        render_notice,
    )

    info = round_info(db, actor, round_id)
    if info.notice_start is None:
        raise Refused("请先公示（确定公示期）再打印公示")
    rows = [r for r in info.rows if r.points > 0]
    phone = phone or str(settings.get(db, "notice.phone"))
    table = NoticeTable(
        ["序号", "村民小组", "户主姓名", "星数", "所得星级", "积分"],
        [
            [str(i), r.group, r.head_name, str(len(r.stars)), "、".join(r.stars), str(r.points)]
            for i, r in enumerate(rows, start=1)
        ],
        [0.9, 1.3, 1.5, 0.9, 5, 1],
        ["center", "center", "center", "center", "left", "center"],
        [True, False, True, True, False, True],
    )
    days = (info.notice_end - info.notice_start).days + 1
    notice = Notice(
        title=f"关于{info.village}{info.period}脱贫星级评定结果的公示",
        paragraphs=[
            # seed 000 (七): 按照民主、公开、公平、公正的原则……通过星级评定获取一定的积分; (十): 利用村“两委”
            # 班子评议会、村民代表会、民主测评等形式对贫困户进行定期综合评价,依据评价结果落实积分
            f"按照民主、公开、公平、公正的原则，经村“两委”班子评议会、村民代表会评议和民主测评，{info.village}{info.period}"
            f"共评定{len(rows)}户，合计积分{sum(r.points for r in rows)}分，现将评定结果予以公示。"
        ],
        table=table,
        closing=[
            f"公示时间：{cn_date(info.notice_start)}至{cn_date(info.notice_end)}（共{days}天）。",
            f"公示期间，如有异议，请以书面或电话形式向{info.village}村民委员会反映。公示期满无异议的，"
            f"积分记入各户积分账户，可到爱心超市兑换商品。",
            f"监督电话：{phone}",
        ],
        issuer=f"{info.township}{info.village}村民委员会",
        issued=info.notice_start,
        stamp=audit.stamp(db),
    )
    return render_notice(notice, out)


@dataclass(frozen=True)
class Commended:
    code: str
    head_name: str
    village: str
    stars: int
    rank: int


def ranking(
    db: Database, actor: Actor, year: int, *, village: str | None = None, top: int = 10
) -> list[Commended]:
    """Households by stars earned in the year's confirmed rounds; ties share a rank (and all make the cut)."""
    with db.read() as s:
        q = (
            select(Household.code, Household.head_name, Village.name, RatingResult.stars)
            .join(RatingResult, RatingResult.household_id == Household.id)
            .join(RatingRound, RatingRound.id == RatingResult.round_id)
            .join(Village, Village.id == Household.village_id)
            .where(RatingRound.state == "confirmed", RatingRound.period.like(f"{year}%"))
        )
        q = q.where(village_scope(s, actor, village, Village.id))
        totals: dict[str, list] = {}
        for code, head, vname, earned in s.execute(q):
            entry = totals.setdefault(code, [head, vname, 0])
            entry[2] += len(earned)
    ordered = sorted(((c, *v) for c, v in totals.items() if v[2] > 0), key=lambda x: (-x[3], x[0]))
    out: list[Commended] = []
    for i, (code, head, vname, n) in enumerate(ordered):
        rank = out[-1].rank if out and out[-1].stars == n else i + 1
        if rank > top:
            break
        out.append(Commended(code, head, vname, n, rank))
    return out


def _commend_issuer(db: Database, codes: list[str]) -> str:
    """The township's 落款单位 when the winners are all of one township (the usual case), else a blank form."""

    with db.read() as s:
        towns = set(
            s.scalars(
                select(Township.name)
                .join(Village, Village.township_id == Township.id)
                .join(Household, Household.village_id == Village.id)
                .where(Household.code.in_(codes))
            )
        )
    return township_issuer(db, towns.pop()) if len(towns) == 1 else "乡（镇）人民政府"


def commend(
    db: Database,
    actor: Actor,
    year: int,
    out: str | Path,
    *,
    village: str | None = None,
    top: int = 10,
    bonus: int = 0,
    issuer: str = "",
    issued: date | None = None,
) -> list[Commended]:
    """年度表彰: certificates for the top households and, once per household and year, bonus points."""
    from desktop.reports.certificate import (  # lazy: reportlab loads only when printing
        TEMPLATES,
        Certificate,
        render_certificates,
    )

    actor.require("points.award", "年度表彰")
    winners = ranking(db, actor, year, village=village, top=top)
    if not winners:
        raise Refused(f"{year}年还没有已确认的星级评定")
    if bonus:
        with db.read() as s:
            most = int(settings.get_in(s, "limits.points_entry"))
        money.check_count(bonus, "表彰奖励积分", maximum=most, unit="分")
    source = f"commendation:{year}"
    if bonus:
        with db.write() as s:
            for w in winners:
                hid = points.household_id(s, actor, w.code)
                already = s.scalar(
                    select(func.count())
                    .select_from(points.PointsEntry)
                    .where(points.PointsEntry.household_id == hid, points.PointsEntry.source == source)
                )
                if not already:
                    points.post(
                        s,
                        actor,
                        hid,
                        "bonus",
                        bonus,
                        f"{year}年度星级评定表彰（第{w.rank}名，{w.stars}星）",
                        source=source,
                    )
            audit.record(
                s,
                actor.username,
                "rating.commend",
                entity="year",
                key=str(year),
                after={"households": [w.code for w in winners], "bonus": bonus},
            )
    issued = issued or clock.today()
    issuer = issuer or _commend_issuer(db, [w.code for w in winners])
    certs = [
        Certificate(
            TEMPLATES["star"],
            f"{w.head_name}家庭",
            issuer,
            issued,
            # seed 000 (七): 对表现突出、获得“星级”较多的农户进行年度表彰,发放奖牌
            text=f"在{year}年度脱贫星级评定中累计获得{w.stars}颗星，排名第{w.rank}位，获年度星级评定表彰。",
        )
        for w in winners
    ]
    render_certificates(certs, out)
    return winners
