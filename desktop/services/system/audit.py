"""The audit log: every change, hash-chained so an edited, inserted or removed entry shows in `check`.

A chain inside the database proves nothing against someone who rewrites all of it (plain SHA-256 can be
recomputed), so its state is also kept outside: every printed notice, ledger and monthly report carries the
审计校验码 of the chain at that moment (`anchor_code`: the entry count and the head digest's first 50 bits), and
every backup holds its own head. `check --anchor CODE` and `check` against the backup folder prove that those
states are still a prefix of the chain (desktop.services.system.backup).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.errors import InputRejected
from desktop.models import AuditEntry, AuditHead
from desktop.models.base import utcnow
from desktop.services.ledgers import ledger_chain  # noqa: F401  (links ledger entries as they are flushed)

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def compute_digest(
    prev: str, at: datetime, username: str, action: str, entity: str, entity_key: str, before: Any, after: Any
) -> str:
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%f")
    payload = canonical([prev, stamp, username, action, entity, entity_key, before, after])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _head(session: Session) -> AuditHead:
    # FOR UPDATE serialises chain writers on PostgreSQL; SQLite writers already hold the write lock.
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, count=0, digest=GENESIS)
        session.add(head)
        session.flush()
    return head


def record(
    session: Session,
    username: str,
    action: str,
    *,
    entity: str = "",
    key: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction."""
    head = _head(session)
    entry = AuditEntry(**_entry(head.digest, username, action, entity, key, before, after))
    session.add(entry)
    head.count += 1
    head.digest = entry.digest
    return entry


def _entry(prev: str, username: str, action: str, entity: str, key: str, before: Any, after: Any) -> dict:
    """One entry's columns, chained to `prev`: what `record` and `append` both write."""
    at = utcnow()
    # Round-trip through JSON so what we hash is exactly what the database gives back.
    before = json.loads(canonical(before)) if before is not None else None
    after = json.loads(canonical(after)) if after is not None else None
    return {
        "at": at,
        "username": username,
        "action": action,
        "entity": entity,
        "entity_key": key,
        "before": before,
        "after": after,
        "prev_digest": prev,
        "digest": compute_digest(prev, at, username, action, entity, key, before, after),
    }


_HEAD = AuditHead.__table__.c
_READ_HEAD = select(_HEAD.count, _HEAD.digest).where(_HEAD.id == 1).with_for_update()
_MOVE_HEAD = (
    update(AuditHead.__table__)
    .where(_HEAD.id == 1)
    .values(count=bindparam("count"), digest=bindparam("digest"))
)
_NEW_ENTRY = insert(AuditEntry.__table__)


def append(
    session: Session,
    username: str,
    action: str,
    *,
    entity: str = "",
    key: str = "",
    before: Any = None,
    after: Any = None,
) -> None:
    """`record` by three statements built once (read the head, write the entry, move the head) instead of ORM
    objects, for the counter's every redemption: the same entry, digest and head. Falls back to `record` when this
    session already holds the head as an object (the object would not see the move)."""
    if any(isinstance(obj, AuditHead) for obj in (*session.identity_map.values(), *session.new)):
        record(session, username, action, entity=entity, key=key, before=before, after=after)
        return
    connection = session.connection()
    head = connection.execute(_READ_HEAD).first()
    if head is None:
        _head(session)  # the first entry ever: the head row is made as record makes it
        head = connection.execute(_READ_HEAD).first()
    values = _entry(head.digest, username, action, entity, key, before, after)
    connection.execute(_NEW_ENTRY, values)
    connection.execute(_MOVE_HEAD, {"count": head.count + 1, "digest": values["digest"]})


@dataclass(frozen=True)
class RestorePoint:
    """A `database.restore` entry: the chain before it is the restored backup's; the one it replaced is
    named in `replaced` (count, digest), when recorded."""

    position: int
    before: str  # the digest of the entry before it
    replaced: tuple[int, str] | None


@dataclass(frozen=True)
class ChainReport:
    entries: int
    problems: list[str]
    digests: dict[int, str] = field(default_factory=dict)  # the digest after N entries, for the N asked
    restores: list[RestorePoint] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def prefix(self, count: int) -> str | None:
        """The digest of the chain's first `count` entries (None when it has fewer or was not asked for)."""
        return self.digests.get(count)


def _replaced(after: Any) -> tuple[int, str] | None:
    value = after.get("replaced") if isinstance(after, dict) else None
    if isinstance(value, list) and len(value) == 2:
        return int(value[0]), str(value[1])
    return None


def verify(session: Session, *, at_counts: set[int] | frozenset[int] = frozenset()) -> ChainReport:
    """The chain entry by entry; keeps the digests after the entry counts in `at_counts` (a backup's or a
    printed 校验码's) and where the database was restored from a backup."""
    problems: list[str] = []
    prev = GENESIS
    count = 0
    digests: dict[int, str] = {0: GENESIS} if 0 in at_counts else {}
    restores: list[RestorePoint] = []
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000))
    for entry in rows.scalars():
        count += 1
        if entry.action == "database.restore":
            restores.append(RestorePoint(count, prev, _replaced(entry.after)))
        if entry.prev_digest != prev:
            problems.append(f"审计日志第{entry.id}条：与上一条不衔接（有记录被删除或插入）")
        expected = compute_digest(
            entry.prev_digest,
            entry.at,
            entry.username,
            entry.action,
            entry.entity,
            entry.entity_key,
            entry.before,
            entry.after,
        )
        if expected != entry.digest:
            problems.append(f"审计日志第{entry.id}条：内容被修改（{entry.action} {entry.entity_key}）")
        prev = entry.digest
        if count in at_counts:
            digests[count] = prev
        if len(problems) > 20:
            break
    head = session.get(AuditHead, 1)
    head_count, head_digest = (head.count, head.digest) if head else (0, GENESIS)
    if head_count != count or head_digest != prev:
        problems.append(
            f"审计日志条数或末条校验值不符（应有{head_count}条，实有{count}条）：最新的记录可能被删除"
        )
    return ChainReport(count, problems, digests, restores)


# --- the 审计校验码: the chain's state, short enough to print and type back ----------------------------

CODE_LETTERS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O or U to misread
CODE_CHARS = 10  # 50 bits of the digest
CODE_LABEL = "审计校验码"


def anchor_code(count: int, digest: str) -> str:
    """`1234-7F3A9-C2EKQ`: the entry count and the first 50 bits of the digest after that many entries."""
    bits = int(digest[:13], 16) >> 2
    chars = "".join(CODE_LETTERS[(bits >> (5 * (CODE_CHARS - 1 - i))) & 31] for i in range(CODE_CHARS))
    return f"{count}-{chars[:5]}-{chars[5:]}"


def parse_anchor(text: str) -> tuple[int, str]:
    """A typed-back code as (count, the ten letters), forgiving case, spaces and O/0, I/L/1 mix-ups."""
    cleaned = text.upper().replace(CODE_LABEL, "").replace(" ", "").replace("\u3000", "").replace("－", "-")
    number, _, rest = cleaned.partition("-")
    letters = rest.replace("-", "").translate(str.maketrans("OIL", "011"))
    if not number.isdigit() or len(letters) != CODE_CHARS or any(c not in CODE_LETTERS for c in letters):
        raise InputRejected(f"审计校验码“{text}”格式不对，应像 1234-7F3A9-C2EKQ（条数-10位校验字符）")
    return int(number), letters


def anchor_problem(report: ChainReport, text: str) -> str | None:
    """Why a printed 校验码 is not a state of this chain, or None when it is (the report must have been made
    with the code's count in `at_counts`)."""
    count, letters = parse_anchor(text)
    code = f"{count}-{letters[:5]}-{letters[5:]}"
    restored = [r.position for r in report.restores if r.position <= count]
    note = (
        f"（数据库在第{restored[-1]}条处从备份恢复过，校验码所记的状态可能已被恢复操作取代）"
        if restored
        else ""
    )
    if count > report.entries:
        return f"审计校验码{code}：审计日志现只有{report.entries}条，少于校验码记下的{count}条，有记录被删除{note}"
    digest = report.prefix(count)
    if digest is None or anchor_code(count, digest) != code:
        return f"审计校验码{code}与审计日志前{count}条不符：这些记录在打印之后被改动过{note}"
    return None


def head_of(session: Session) -> tuple[int, str]:
    head = session.get(AuditHead, 1)
    return (head.count, head.digest) if head else (0, GENESIS)


def stamp(source: Database | Session) -> str:
    """`审计校验码 1234-7F3A9-C2EKQ` for a printout's footer: the chain as it stands now."""
    if isinstance(source, Session):
        count, digest = head_of(source)
    else:
        with source.read() as s:
            count, digest = head_of(s)
    return f"{CODE_LABEL} {anchor_code(count, digest)}"
