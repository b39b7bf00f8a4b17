"""Software defaults that no seed sets, shown as defaults for a clerk to confirm once, never as rules.

Seed 000 扶志扶智 四(七) names the ten stars (增收致富之星 … 热心公益之星) and says only 通过星级评定获取一定的积分: the
10 points a star is the software's guess. Seed 000 产业(十三) says 鼓励做子女的每月向老人寄送“孝心养老金”: a fund's
match (10 %, at most 30 元 an elder a month) is the software's guess too. Each is confirmed once — in the first-run
wizard, on the settings page or by `settings set rules.confirmed=…` — and the confirmation is an audited setting
(rules.confirmed). A star list saved by a person is confirmed by being saved; a fund's own match is confirmed per
fund (desktop.services.fund.fund.confirm_rules) unless it was set up after the office confirmed its default.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from desktop.db import Database
from desktop.models import StarCatalog
from desktop.services.system import settings
from desktop.services.system.actor import Actor

NOTE = "这是软件默认值，文件没有规定，请核对后确认（以后可在“系统 → 设置”修改）。"


@dataclass(frozen=True)
class Default:
    key: str  # in settings.DEFAULT_GROUPS
    title: str
    value: str  # the default as a clerk reads it
    note: str  # what the seeds do say


def describe(db: Database) -> list[Default]:
    """Every default this module knows, with today's office figures."""
    office = settings.get_all(db)
    return [
        Default(
            "stars",
            "星级评定积分",
            "十颗星，每颗星10分",
            "商丘市扶志扶智实施意见四(七)规定了十颗星的名称，“通过星级评定获取一定的积分”，没有规定每颗星的分值。",
        ),
        Default(
            "fund.match",
            "孝善基金补贴",
            f"基金按子女缴纳额补贴{office['fund.match_percent']}%，每位老人每月最多{office['fund.match_cap_yuan']}元",
            "商丘市产业扶贫实施意见五(十三)只说“鼓励做子女的每月向老人寄送孝心养老金”，没有规定基金补贴。",
        ),
    ]


def confirmed(db: Database) -> set[str]:
    return set(settings.get(db, "rules.confirmed") or [])


def confirmed_in(session, key: str) -> bool:
    """In the caller's transaction (a fund set up while it writes)."""
    return key in (settings.get_in(session, "rules.confirmed") or [])


def stars_by_a_person(db: Database) -> bool:
    """A star list someone saved (a catalogue the software made by itself says created_by system)."""
    with db.read() as s:
        made_by = s.scalar(select(StarCatalog.created_by).order_by(StarCatalog.id.desc()))
    return made_by not in (None, "", "system")


def unconfirmed(db: Database) -> list[Default]:
    """The defaults still waiting for a clerk's confirmation."""
    done = confirmed(db)
    if stars_by_a_person(db):
        done.add("stars")
    return [d for d in describe(db) if d.key not in done]


def confirm(db: Database, actor: Actor, keys: list[str], **figures: int) -> dict:
    """Confirm defaults (and, with figures, the office's fund defaults) in one audited transaction."""
    changes: dict = {"rules.confirmed": sorted(confirmed(db) | set(keys))}
    for name, value in figures.items():
        changes[f"fund.{name}"] = value
    return settings.set_values(db, actor, changes)
