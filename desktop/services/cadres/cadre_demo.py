"""Demo data of 帮扶干部 (`init --demo N`): the roster's helpers imported as pairings, the township's and each
village's leaders, one 驻村工作队, a few households left without a helper, and a year of visits — most of them
made, some missing — so the 遍访 view and ledger have someone behind."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from desktop import clock
from desktop.db import Database
from desktop.models import Household, Pairing, Township, Village, Visit
from desktop.services.cadres import cadres
from desktop.services.system.actor import Actor

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "志强", "丽华", "海燕", "国庆", "红梅", "文博", "晓东", "春生", "玉兰", "振华", "秀英")
NOTES = ("了解家庭收入和就业情况", "宣传帮扶政策", "查看住房和饮水", "核实两不愁三保障", "了解孩子上学情况")


def add_demo_cadres(db: Database, actor: Actor, *, today: date | None = None, seed: int = 19) -> int:
    """Returns the visits made."""
    today = today or clock.today()
    rng = random.Random(seed)

    def person() -> str:
        return rng.choice(SURNAMES) + rng.choice(GIVEN)

    def phone() -> str:
        return f"13{rng.randrange(10**9):09d}"

    start = date(today.year, 1, 1)
    cadres.import_pairing(db, actor, on=start)
    with db.read() as s:
        townships = list(s.execute(select(Township.id, Township.name)))
        villages = list(s.execute(select(Village.id, Village.name, Village.township_id).order_by(Village.id)))
    leaders = []
    for _tid, tname in townships:
        for post in ("乡镇党委书记", "乡镇长"):
            leaders.append(
                cadres.add_cadre(
                    db, actor, person(), post, unit_kind="乡镇", unit=tname, phone=phone(), active_from=start
                )
            )
    for vid, vname, _tid in villages:
        for post in ("村党支部书记", "村委会主任"):
            cadres.add_cadre(
                db,
                actor,
                person(),
                post,
                unit_kind="村",
                unit=vname,
                village=_label(db, vid),
                phone=phone(),
                active_from=start,
            )
    if villages:
        cadres.add_cadre(
            db,
            actor,
            person(),
            "驻村第一书记",
            unit_kind="驻村工作队",
            unit=f"县农业农村局驻{villages[0][1]}工作队",
            village=_label(db, villages[0][0]),
            phone=phone(),
            active_from=start,
        )
    # two households whose helper left: the 未结对 list and the audit's 疑点 have something to show
    with db.read() as s:
        open_pairs = list(
            s.scalars(select(Pairing.id).where(Pairing.ended_on.is_(None)).order_by(Pairing.id))
        )
    for pid in rng.sample(open_pairs, min(2, len(open_pairs))):
        cadres.unpair(db, actor, pid, "帮扶人工作调动", on=max(start, today - timedelta(days=10)))
    return _visits(db, actor, rng, today, set(leaders))


def _label(db: Database, vid: int) -> str:
    """A village as resolve_village reads it without doubt: 乡镇/村."""
    with db.read() as s:
        vname, tname = s.execute(
            select(Village.name, Township.name).join(Township).where(Village.id == vid)
        ).one()
    return f"{tname}/{vname}"


def _visits(db: Database, actor: Actor, rng: random.Random, today: date, leaders: set) -> int:
    """Visits by the rules' posts, made by about four in five of what each rule asks; one transaction."""
    cov = cadres.coverage(db, actor, today.year, on=today)
    made = 0
    with db.write() as s:
        names = {c.id: (c.name, c.post) for c in cadres._cadre_infos(s, actor, today, True, None)}
        codes = dict(s.execute(select(Household.code, Household.id)).all())
        for row in cov.rows:
            if row.measure != "户" or not row.behind:
                continue
            last = min(row.end, today - timedelta(days=1))
            if last < row.start:
                continue
            keen = 0.6 if row.cadre_id in leaders else 0.8
            for code, _head in row.behind:
                if rng.random() > keen:
                    continue
                on = row.start + timedelta(days=rng.randint(0, (last - row.start).days))
                name, post = names[row.cadre_id]
                s.add(
                    Visit(
                        household_id=codes[code],
                        visited_on=on,
                        visitor=name,
                        cadre_id=row.cadre_id,
                        visitor_post=post,
                        findings=rng.choice(NOTES),
                        recorded_by=actor.username,
                    )
                )
                made += 1
    return made
