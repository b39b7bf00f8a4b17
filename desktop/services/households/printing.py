"""Printed outputs built from the database: household notices and ledgers (more kinds arrive with their areas).

The services gather plain data, apply the mask for public outputs, and hand it to desktop.reports.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, PermissionDenied
from desktop.models import Household, Member, RatingResult, RatingRound, Township, Village
from desktop.reports.mask import mask
from desktop.services.documents import NOTICE_KINDS, Printed, township_issuer
from desktop.services.households.households import age_on, resolve_village, village_scope
from desktop.services.plans import identification
from desktop.services.plans.plans import monitored
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor


def _village(session, actor: Actor, name: str) -> tuple[Village, Township]:
    village = resolve_village(session, actor, name)
    return village, session.get(Township, village.township_id)


def household_notice(
    db: Database,
    actor: Actor,
    village: str,
    out: str | Path,
    *,
    title: str | None = None,
    kind: str = "identification",
    days: int | None = None,
    start: date | None = None,
    issuer: str | None = None,
    phone: str | None = None,
    round_id: int | None = None,
) -> Printed:
    """The identification / exit list of a village as a public notice, IDs masked.

    identification: the households proposed in an identification round (`round_id`; with only a village, its
    newest round that has reached 村公示), with the round's own dates — `days` and `start` do not apply."""
    from desktop.reports.notice import (  # lazy: reportlab loads only when printing
        Notice,
        NoticeTable,
        cn_date,
        notice_period,
        render_notice,
    )

    if kind not in NOTICE_KINDS:
        raise InputRejected(f"公示类型“{kind}”无效，可选：{'、'.join(NOTICE_KINDS)}")
    if kind == "identification":  # a round's list, never every household of the village (issue 15)
        if round_id is None:
            if not village:
                raise InputRejected("识别公示需要识别批次号（或村名，打印该村最新已公示的批次）")
            with db.read() as s:
                round_id = identification.posted_round(s, actor, village)
        return identification.round_notice(db, actor, round_id, out, title=title, issuer=issuer, phone=phone)
    office = settings.get_all(db)  # one read for the days, phones and address
    days = settings.notice_days(days, office["notice.days"])
    phone = phone or str(office["notice.phone"])
    start = start or clock.today()
    with db.read() as s:
        v, township = _village(s, actor, village)
        query = (
            select(Household.group_name, Household.head_name, Household.head_id_number, Household.size)
            .where(Household.village_id == v.id)
            .order_by(Household.group_name, Household.code)
        )
        if kind == "exit":  # the households that left poverty in the notice's year (花名册 脱贫年度)
            query = query.where(Household.attrs["exit_year"].as_integer() == start.year)
        elif kind == "monitoring":
            # Seed 001 三(一): “对黄卡户和蓝卡户……加强贫困监测” — a CONFIRMED 黄卡/蓝卡 of the year, or a 户类型 that is
            # a monitoring type (脱贫不稳定户, 边缘易致贫户, 突发严重困难户; 监测对象 their umbrella). Never because of
            # health: illness is a risk note, and the notice shows no health or cause (brief §4).

            query = query.where(monitored(start.year))
        rows = s.execute(query).all()
    if not rows:
        what_none = {"exit": f"{start.year}年脱贫的农户", "monitoring": "黄卡、蓝卡或监测对象农户"}.get(
            kind, "农户"
        )
        raise InputRejected(f"{village}没有{what_none}，无法生成公示")
    what, procedure = NOTICE_KINDS[kind]
    year = start.year
    village = v.name
    title = title or f"关于{village}{year}年度{what}名单的公示"
    first, last = notice_period(start, days)
    table = NoticeTable(
        ["序号", "村民小组", "户主姓名", "身份证号码", "家庭人口"],
        [
            [str(i), g or "", name, mask("id_number", idn), str(size)]
            for i, (g, name, idn, size) in enumerate(rows, start=1)
        ],
        [1, 1.6, 1.8, 3.6, 1.4],
        ["center", "center", "center", "center", "center"],
    )
    local, address = office["notice.local_phone"], office["notice.address"]
    notice = Notice(
        title=title,
        paragraphs=[
            f"根据扶贫对象动态管理有关规定，经{procedure}，现将{village}{year}年度{what}名单"
            f"（共{len(rows)}户{sum(r[3] for r in rows)}人）予以公示。"
        ],
        table=table,
        closing=[
            f"公示时间：{cn_date(first)}至{cn_date(last)}（共{days}天）。",
            f"公示期间，如有异议，请以书面或电话形式向{village}村民委员会或{township.name}人民政府反映。",
            f"监督电话：{local + '　' if local else ''}{phone}",
        ]
        + ([f"受理地址：{address}"] if address else []),
        issuer=issuer or f"{township.name}{village}村民委员会",
        issued=start,
        stamp=audit.stamp(db),
    )
    info = render_notice(notice, out)
    return Printed(str(out), info.pages, info.fonts, len(rows))


def household_ledger(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    village: str | None = None,
    xlsx: bool = False,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> Printed:
    """农户花名册台账: one row per member, 户数/人数 summed per page, per village and in total."""
    from desktop.reports.ledger import render_ledger_pdf  # lazy: reportlab loads only when printing
    from desktop.reports.ledger_xlsx import (  # lazy: openpyxl loads only when writing a workbook
        render_ledger_xlsx,  # lazy: openpyxl loads only when writing a workbook
    )

    ledger = build_household_ledger(db, actor, village=village, today=today)
    if xlsx:
        count = render_ledger_xlsx(ledger, out)
        return Printed(str(out), 0, [], count)
    info = render_ledger_pdf(ledger, out, progress=progress)
    return Printed(str(out), info.pages, info.fonts, info.rows)


def build_household_ledger(
    db: Database, actor: Actor, *, village: str | None = None, today: date | None = None
):
    from desktop.reports.ledger import Column, Ledger  # lazy: reportlab loads only when printing

    today = today or clock.today()
    with db.read() as s:
        query = (
            select(
                Village.name,
                Household.group_name,
                Household.code,
                Household.head_name,
                Member.name,
                Member.relation,
                Member.sex,
                Member.birth_date,
                Member.id_number,
                Member.attrs,
                Township.name,
            )
            .join(Household, Household.village_id == Village.id)
            .join(Township)
            .join(Member, Member.household_id == Household.id)
            .where(Member.left_at.is_(None))
            .order_by(Village.name, Household.code, Member.position)
        )
        data = s.execute(query.where(village_scope(s, actor, village, Village.id))).all()
    if not data:
        raise InputRejected("没有可打印的农户")
    rows = []
    last_code = None
    for i, (vname, group, code, head, name, rel, sex, born, idn, attrs, _tname) in enumerate(data, start=1):
        first = code != last_code
        last_code = code
        rows.append(
            [
                i,
                vname,
                group,
                code if first else "",
                head if first else "",
                name,
                rel,
                sex,
                age_on(born, today) if born else "",
                idn or "",
                (attrs or {}).get("health", ""),
                (attrs or {}).get("labour", ""),
                1 if first else 0,
                1,
            ]
        )
    township = data[0][10]
    place = data[0][0] if village else ""  # the village's own name, however the clerk typed it
    ledger = Ledger(
        title=f"{township}{place}建档立卡户家庭成员台账",
        columns=[
            Column("序号", "center"),
            Column("行政村", "center"),
            Column("组", "center"),
            Column("户编号", "center"),
            Column("户主", "center", min_chars=3),
            Column("姓名", "center", min_chars=3),
            Column("与户主\n关系", "center"),
            Column("性别", "center"),
            Column("年龄", "right"),
            Column("证件号码", "center"),
            Column("健康状况"),
            Column("劳动技能"),
            Column("户数", "right", total=True),
            Column("人数", "right", total=True),
        ],
        rows=rows,
        unit=township_issuer(db, township),
        period=f"截至{clock.cn_date(today)}",
        measure="单位：户、人",
        group_col=1,
        made=today,
        repeat_cols=(3, 4),  # 户编号, 户主 again on a page that continues a household
        stamp=audit.stamp(db),
    )
    return ledger


def household_certificate(
    db: Database,
    actor: Actor,
    code: str,
    out: str | Path,
    *,
    template: str = "star",
    text: str = "",
    award: str = "",
    issuer: str | None = None,
    issued: date | None = None,
    number: str = "",
    preprinted: bool = False,
    offset_mm: tuple[float, float] | None = None,
) -> Printed:
    """A certificate for a household (its head named as the family). What it says comes from the household's
    records: the exit certificate names the roster's 脱贫年度, the star certificate the stars the household earned
    in the year's confirmed rounds; an award the records do not hold must be named with `award` or `text`."""
    from desktop.reports.certificate import (  # lazy: reportlab loads only when printing
        TEMPLATES,
        Certificate,
        quoted,
        render_certificates,
    )

    if template not in TEMPLATES:
        raise InputRejected(f"证书模板“{template}”不存在，可选：{'、'.join(TEMPLATES)}")
    issued = issued or clock.today()
    with db.read() as s:
        found = s.execute(
            select(Household, Village, Township)
            .join(Village, Household.village_id == Village.id)
            .join(Township)
            .where(Household.code == code)
        ).first()
        if found is None:
            raise NotFound(f"户编号“{code}”不存在")
        household, village, township = found
        if actor.village_ids is not None and village.id not in actor.village_ids:
            raise PermissionDenied("无权为其他村的农户打印证书")
        earned = stars_earned(s, household.id, issued.year) if template == "star" else []
    values: dict[str, str] = {}
    if template == "exit":
        exit_year = str((household.attrs or {}).get("exit_year") or "").strip()
        if not exit_year.isdigit() and not text:
            raise InputRejected(f"户{code}（{household.head_name}）花名册中没有脱贫年度，不能打印脱贫光荣证")
        values["exit_year"] = exit_year
    elif not award and not text:
        if template == "filial":
            raise InputRejected(
                "孝善证书请用“奖项”写明所获荣誉（如 2026年度孝善之星），或从孝善基金打印光荣榜证书"
            )
        if not earned:
            raise InputRejected(
                f"户{code}（{household.head_name}）{issued.year}年没有已确认的星级评定，"
                "请先确认评定结果，或用“奖项”写明所获荣誉"
            )
    offset = offset_mm if offset_mm is not None else tuple(settings.get(db, "certificate.offset_mm"))
    cert = Certificate(
        TEMPLATES[template],
        f"{household.head_name}家庭",
        issuer or township_issuer(db, township.name),
        issued,
        award=quoted(award) if award else star_award(earned),
        text=text,
        number=number,
        values=values,
    )
    pages = render_certificates([cert], out, preprinted=preprinted, offset_mm=offset)  # type: ignore[arg-type]
    return Printed(str(out), pages, [], 1)


def star_award(earned: list[str]) -> str:
    """The stars a household earned as a certificate names them: each by name up to three (“增收致富之星”),
    more as their count (“八星级农户”), the way ten-star ratings are announced."""
    from desktop.reports.certificate import quoted  # lazy: reportlab loads only when printing

    if len(earned) <= 3:
        return quoted(*(f"{star}之星" for star in earned))
    return quoted(f"{cn_count(len(earned))}星级农户")


def cn_count(n: int) -> str:
    """1–99 in Chinese numerals: 八, 十, 十二."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else digits[tens]) + "十" if tens else "") + (
        digits[ones] if ones or not tens else ""
    )


def stars_earned(session, household_id: int, year: int) -> list[str]:
    """The stars a household earned in the year's confirmed rating rounds, in catalogue order, each once."""
    earned: list[str] = []
    for stars in session.scalars(
        select(RatingResult.stars)
        .join(RatingRound, RatingRound.id == RatingResult.round_id)
        .where(
            RatingResult.household_id == household_id,
            RatingRound.state == "confirmed",
            RatingRound.period.like(f"{year}%"),
        )
        .order_by(RatingRound.id)
    ):
        earned += [star for star in stars if star not in earned]
    return earned


def calibration_page(out: str | Path, template: str = "star") -> Printed:
    from desktop.reports.certificate import (  # lazy: reportlab loads only when printing
        TEMPLATES,
        render_calibration,
    )

    if template not in TEMPLATES:
        raise InputRejected(f"证书模板“{template}”不存在，可选：{'、'.join(TEMPLATES)}")
    return Printed(str(out), render_calibration(out, TEMPLATES[template]), [], 0)
