"""Operators: roles, password hashing (scrypt), login with lock-out, permissions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.errors import InputRejected, PermissionDenied, Refused
from desktop.models import ROLES, Store, User, UserStore, UserVillage, Village
from desktop.models.base import utcnow
from desktop.services.households.households import resolve_village
from desktop.services.system import audit
from desktop.services.system.actor import ROLE_NAMES, SYSTEM, Actor

MAX_FAILURES = 5
LOCK_MINUTES = 30
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = hashlib.scrypt(
        password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(actual, base64.b64decode(digest))


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    role: str
    active: bool
    locked: bool
    villages: list[str]
    stores: list[str] = field(default_factory=list)  # a store operator's stores, by code


def count_users(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(User)) or 0


def create_user(
    db: Database,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    *,
    display_name: str = "",
    villages: list[str] | None = None,
    stores: list[str] | None = None,
) -> UserInfo:
    with db.write() as s:
        return add_user(s, actor, username, password, role, display_name, villages or [], stores or [])


def _check_places(role: str, villages: Sequence[str], stores: Sequence[str]) -> None:
    """A village clerk works in named villages and a store operator at named stores: never at none."""
    if role == "village_clerk" and not villages:
        raise InputRejected("村文书要填负责的村（可以几个村，用顿号分开），否则登录后什么也看不到")
    if role == "store_operator" and not stores:
        raise InputRejected("超市操作员要选定所在的超市（可以几个），否则在哪个超市都不能兑换和出入库")
    if stores and role != "store_operator":
        raise InputRejected(f"只有超市操作员按超市限定；{ROLE_NAMES.get(role, role)}不用选超市")


def add_user(
    s: Session,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    villages: Sequence[str] = (),
    stores: Sequence[str] = (),
) -> UserInfo:
    """create_user in the caller's transaction (the first-run setup makes the admin with everything else)."""
    username = username.strip()
    if role not in ROLES:
        raise InputRejected(f"角色“{role}”不存在，可选：{'、'.join(ROLES)}")
    if not username:
        raise InputRejected("用户名不能为空")
    if len(password) < 6:
        raise InputRejected("密码至少6位")
    _check_places(role, villages, stores)
    first_user = (s.scalar(select(func.count()).select_from(User)) or 0) == 0
    if not first_user:
        actor.require("users.manage", "管理用户")
    elif role != "admin":
        raise Refused("第一个用户必须是管理员（admin）")
    if s.scalar(select(User).where(User.username == username)):
        raise Refused(f"用户“{username}”已存在")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=hash_password(password),
    )
    s.add(user)
    s.flush()

    names = []
    for name in villages:
        village = resolve_village(s, SYSTEM, name)  # "乡镇/村" where a village name repeats across townships
        s.add(UserVillage(user_id=user.id, village_id=village.id))
        names.append(village.name)
    codes: list[str] = []
    for code in stores:
        code = code.strip()
        store = s.scalar(select(Store).where(Store.code == code))
        if store is None:
            raise InputRejected(f"超市“{code}”不存在")
        if code not in codes:
            s.add(UserStore(user_id=user.id, store_id=store.id))
            codes.append(code)
    after: dict = {"role": role, "villages": names}
    if codes:
        after["stores"] = codes
    audit.record(
        s,
        actor.username if not first_user else username,
        "user.create",
        entity="user",
        key=username,
        after=after,
    )
    return UserInfo(username, user.display_name, role, True, False, names, codes)


# What a failed log-in says, whether the user is unknown, stopped or the password wrong: a guesser must not
# learn which names exist. (The count of tries left would tell them, so it is not shown.)
LOGIN_FAILED = "用户名或密码错误。"
_dummy_hash: str | None = None


def _same_work_as_a_real_check(password: str) -> None:
    """An unknown user costs the same scrypt as a known one, so the time taken does not tell them apart."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password("no such user")
    verify_password(password, _dummy_hash)


def authenticate(db: Database, username: str, password: str) -> Actor:
    """Check a password. Five failures lock the account for 30 minutes; every outcome is committed.

    An unknown user, a stopped account and a wrong password all get LOGIN_FAILED. Only a locked account says
    so: it is checked before the password (a right guess during the lock gives nothing away), and an account
    locks only after five wrong passwords for it, so the message tells an attacker no more than they already
    did to it, while the clerk who mistyped learns why and what to do."""
    with db.write() as s:
        user = s.scalar(select(User).where(User.username == username.strip()))
        if user is None:
            _same_work_as_a_real_check(password)
            raise PermissionDenied(LOGIN_FAILED)
        now = utcnow()
        if user.active and user.locked_until and user.locked_until > now:
            minutes = int((user.locked_until - now).total_seconds() // 60) + 1
            raise PermissionDenied(
                f"账号“{user.username}”因连续输错密码已锁定，请{minutes}分钟后再试，或请管理员在 "
                "系统 → 设置 → 用户和角色 里解锁。"
            )
        if not verify_password(password, user.password_hash):
            if not user.active:
                raise PermissionDenied(LOGIN_FAILED)
            user.failed_logins += 1
            message = LOGIN_FAILED
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                user.failed_logins = 0
                audit.record(s, user.username, "user.locked", entity="user", key=user.username)
                message = (
                    f"密码连续错误{MAX_FAILURES}次，账号已锁定{LOCK_MINUTES}分钟；"
                    "到时自动解锁，也可请管理员解锁。"
                )
            failure = PermissionDenied(message)
        elif not user.active:
            # only the account's owner (who knows its password) learns why
            raise PermissionDenied(
                f"账号“{user.username}”已停用，请管理员在 系统 → 设置 → 用户和角色 里启用。"
            )
        else:
            user.failed_logins = 0
            user.locked_until = None
            villages = stores = None
            if user.role == "village_clerk":
                villages = frozenset(
                    s.scalars(select(UserVillage.village_id).where(UserVillage.user_id == user.id))
                )
            if user.role == "store_operator":
                # An operator with no store listed (made before stores were required) serves at none.
                stores = frozenset(s.scalars(select(UserStore.store_id).where(UserStore.user_id == user.id)))
            return Actor(user.username, user.role, user.display_name, villages, stores)
    raise failure


def unlock(db: Database, actor: Actor, username: str) -> None:
    actor.require("users.manage", "解锁用户")
    with db.write() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise InputRejected(f"用户“{username}”不存在")
        user.locked_until = None
        user.failed_logins = 0
        audit.record(s, actor.username, "user.unlock", entity="user", key=username)


def reset_password(db: Database, actor: Actor, username: str, password: str) -> None:
    """An administrator sets a new password (a clerk who forgot theirs); also lifts a lock-out."""
    actor.require("users.manage", "重设密码")
    if len(password) < 6:
        raise InputRejected("密码至少6位")
    with db.write() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise InputRejected(f"用户“{username}”不存在")
        user.password_hash = hash_password(password)
        user.locked_until = None
        user.failed_logins = 0
        audit.record(s, actor.username, "user.password", entity="user", key=username)


def set_active(db: Database, actor: Actor, username: str, active: bool) -> None:
    """停用 a user who left the office (they can no longer log in; their name stays on everything they did),
    or 启用 them again. Nobody stops themselves, and the last working administrator cannot be stopped."""
    actor.require("users.manage", "停用或启用用户")
    with db.write() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise InputRejected(f"用户“{username}”不存在")
        if user.active == active:
            return
        if not active:
            if user.username == actor.username:
                raise Refused("不能停用自己正在使用的账号")
            if user.role == "admin" and not s.scalar(
                select(func.count())
                .select_from(User)
                .where(User.role == "admin", User.active.is_(True), User.id != user.id)
            ):
                raise Refused(f"“{username}”是唯一在用的管理员，停用后就没有人能管理用户和设置了")
        user.active = active
        audit.record(
            s,
            actor.username,
            "user.enable" if active else "user.disable",
            entity="user",
            key=username,
            before={"active": not active},
            after={"active": active},
        )


def set_places(
    db: Database, actor: Actor, username: str, villages: Sequence[str], stores: Sequence[str]
) -> UserInfo:
    """Change where a user works after they were made: a village clerk's villages, a store operator's stores
    (the whole list at once, checked first; written in one transaction). Takes effect at their next log-in."""
    actor.require("users.manage", "修改用户负责的村或超市")

    with db.write() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise InputRejected(f"用户“{username}”不存在")
        _check_places(user.role, villages, stores)
        if villages and user.role != "village_clerk":
            raise InputRejected(f"只有村文书按村限定；{ROLE_NAMES.get(user.role, user.role)}不用选村")
        village_rows = []
        for name in villages:
            village = resolve_village(s, SYSTEM, name)
            if village not in village_rows:
                village_rows.append(village)
        store_rows = []
        for code in stores:
            store = s.scalar(select(Store).where(Store.code == code.strip()))
            if store is None:
                raise InputRejected(f"超市“{code}”不存在")
            if store not in store_rows:
                store_rows.append(store)
        old_villages = sorted(
            s.scalars(
                select(Village.name)
                .join(UserVillage, UserVillage.village_id == Village.id)
                .where(UserVillage.user_id == user.id)
            )
        )
        old_stores = sorted(
            s.scalars(
                select(Store.code)
                .join(UserStore, UserStore.store_id == Store.id)
                .where(UserStore.user_id == user.id)
            )
        )
        before = {"villages": old_villages, "stores": old_stores}
        after = {
            "villages": sorted(v.name for v in village_rows),
            "stores": sorted(st.code for st in store_rows),
        }
        if before != after:
            for link in s.scalars(select(UserVillage).where(UserVillage.user_id == user.id)):
                s.delete(link)
            for link in s.scalars(select(UserStore).where(UserStore.user_id == user.id)):
                s.delete(link)
            s.flush()
            for v in village_rows:
                s.add(UserVillage(user_id=user.id, village_id=v.id))
            for st in store_rows:
                s.add(UserStore(user_id=user.id, store_id=st.id))
            audit.record(
                s, actor.username, "user.places", entity="user", key=username, before=before, after=after
            )
        return UserInfo(
            user.username,
            user.display_name,
            user.role,
            user.active,
            bool(user.locked_until and user.locked_until > utcnow()),
            [v.name for v in village_rows],
            [st.code for st in store_rows],
        )


def places(db: Database, username: str) -> tuple[set[int], set[str]]:
    """The village ids and store codes a user is tied to (what the edit list ticks)."""
    with db.read() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise InputRejected(f"用户“{username}”不存在")
        village_ids = set(s.scalars(select(UserVillage.village_id).where(UserVillage.user_id == user.id)))
        codes = set(
            s.scalars(
                select(Store.code)
                .join(UserStore, UserStore.store_id == Store.id)
                .where(UserStore.user_id == user.id)
            )
        )
        return village_ids, codes


def names(db: Database) -> dict[str, str]:
    """display_names for a window's labels (the audit log shows 张会计, not zhang or system)."""
    with db.read() as s:
        return display_names(s)


def display_names(session: Session) -> dict[str, str]:
    """Who did it, as printed ledgers name them: the person's name, not the log-in (管理员, not admin)."""
    names = {SYSTEM.username: SYSTEM.display_name}
    for username, display in session.execute(select(User.username, User.display_name)):
        names[username] = display or username
    return names


def list_users(db: Database) -> list[UserInfo]:
    now = utcnow()
    with db.read() as s:
        out = []
        for user in s.scalars(select(User).order_by(User.username)):
            names = list(
                s.scalars(
                    select(Village.name)
                    .join(UserVillage, UserVillage.village_id == Village.id)
                    .where(UserVillage.user_id == user.id)
                )
            )
            codes = list(
                s.scalars(
                    select(Store.code)
                    .join(UserStore, UserStore.store_id == Store.id)
                    .where(UserStore.user_id == user.id)
                    .order_by(Store.code)
                )
            )
            out.append(
                UserInfo(
                    user.username,
                    user.display_name,
                    user.role,
                    user.active,
                    bool(user.locked_until and user.locked_until > now),
                    names,
                    codes,
                )
            )
        return out
