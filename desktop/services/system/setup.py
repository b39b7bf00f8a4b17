"""First run: the township, its villages, who signs notices and the first administrator, in one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select

from desktop.db import Database
from desktop.errors import InputRejected, Refused
from desktop.models import Township, User, Village
from desktop.services.system import audit, settings
from desktop.services.system.actor import Actor
from desktop.services.system.users import add_user, authenticate

# Villages pasted from Excel, Word or a chat: one per line, or separated by 、，, ; tabs or spaces.
_SEPARATORS = re.compile(r"[\s、，,；;]+")
_VILLAGE = re.compile(r"^[\u3400-\u9fff\U00020000-\U0002ffff·（）()0-9A-Za-z]{2,30}$")


def split_names(text: str) -> list[str]:
    """Names pasted in any of the usual ways, in order, duplicates dropped (no check of what they name)."""
    return list(dict.fromkeys(part for part in _SEPARATORS.split(text.strip()) if part))


def parse_villages(text: str) -> list[str]:
    """New village names in the order given, duplicates dropped; a name that cannot be a village is refused."""
    names: list[str] = []
    for part in split_names(text):
        if not _VILLAGE.match(part) or part.isdigit():
            raise InputRejected(f"“{part}”不像村名（2～30个字，不能只有数字或带标点）")
        if part not in names:
            names.append(part)
    return names


@dataclass
class SetupData:
    township: str
    villages: list[str]
    admin_username: str
    admin_password: str
    county: str = ""
    township_code: str = ""
    issuer: str = ""
    phone: str = "12317"
    local_phone: str = ""
    notice_days: int = 7
    admin_display_name: str = "管理员"
    extra: dict = field(default_factory=dict)  # other settings keys, e.g. backup.folder


def needs_setup(db: Database) -> bool:
    """A database nobody can log in to yet: the wizard runs instead of the login."""
    with db.read() as s:
        return (s.scalar(select(func.count()).select_from(User)) or 0) == 0


def first_run(db: Database, data: SetupData) -> Actor:
    """Everything the wizard collected, written at once (or, on any error, not at all); logs the admin in."""
    township = data.township.strip()
    if not 2 <= len(township) <= 30:
        raise InputRejected("请填写乡镇名称（如“石桥镇”）")
    if not data.villages:
        raise InputRejected("请至少填写一个村")
    checked = settings.validate(
        {
            "office.township_code": data.township_code,
            "notice.issuer": data.issuer,
            "notice.phone": data.phone,
            "notice.local_phone": data.local_phone,
            "notice.days": data.notice_days,
            **data.extra,
        }
    )
    admin = Actor(data.admin_username.strip(), "admin", data.admin_display_name)
    with db.write() as s:
        if (s.scalar(select(func.count()).select_from(User)) or 0) > 0:
            raise Refused("这个数据库已经设置过了，请直接登录。")
        place = s.scalar(
            select(Township).where(Township.name == township, Township.county == data.county.strip())
        )
        if place is None:
            place = Township(name=township, county=data.county.strip())
            s.add(place)
            s.flush()
        existing = set(s.scalars(select(Village.name).where(Village.township_id == place.id)))
        for name in data.villages:
            if name not in existing:
                s.add(Village(township_id=place.id, name=name))
        s.flush()
        add_user(s, admin, admin.username, data.admin_password, "admin", data.admin_display_name)
        settings.save(s, admin.username, {k: v for k, v in checked.items() if v not in ("", None)})
        audit.record(
            s,
            admin.username,
            "setup.first_run",
            entity="township",
            key=township,
            after={"county": data.county.strip(), "villages": data.villages},
        )
    return authenticate(db, admin.username, data.admin_password)


@dataclass(frozen=True)
class Opened:
    stores: list[str]  # "周堂村扶贫超市（S01）"
    funds: list[str]  # "周堂村孝善基金"


def open_places(
    db: Database, actor: Actor, township: str, *, stores_for: list[str], funds_for: list[str]
) -> Opened:
    """The first run's optional 扶贫超市 and 孝善基金 for the villages it just made, through the stores and fund
    services (each of those writes its own transaction, so this runs right after first_run, not inside it).

    Stores get codes S01, S02 … not yet used; the funds take the match the wizard's defaults page set."""

    from desktop.services.fund import fund  # lazy: first run only (every start asks needs_setup)
    from desktop.services.points import stores  # lazy: as above

    wanted = [*stores_for, *funds_for]
    with db.read() as s:
        place = s.scalar(select(Township).where(Township.name == township.strip()))
        known = (
            set()
            if place is None
            else set(s.scalars(select(Village.name).where(Village.township_id == place.id)))
        )
    missing = [v for v in dict.fromkeys(wanted) if v not in known]
    if missing:
        raise InputRejected(f"{township}没有这些村：{'、'.join(missing)}")
    used = {st.code for st in stores.list_stores(db)}
    opened = Opened([], [])
    number = 1
    for village in stores_for:
        while f"S{number:02d}" in used:
            number += 1
        code = f"S{number:02d}"
        used.add(code)
        name = f"{village}扶贫超市"
        stores.create_store(db, actor, code, name, village=f"{township}/{village}")
        opened.stores.append(f"{name}（{code}）")
    for village in funds_for:
        fund.create_fund(db, actor, f"{township}/{village}")
        opened.funds.append(f"{village}孝善基金")
    return opened
