"""一户一档，一式三份: the checklist, archive items and their scans, and the state of every copy.

A copy's state of an item is derived from the copy log: 缺失 (nothing recorded), 需更新 (recorded, but the
copy holds no print of its current revision — new since the copy was printed, or changed after), 齐全.
Stages 退出 and 巩固 are due only once a household has left poverty; before that they are 未到.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import add, itemgetter

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import True_

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, Refused
from desktop.models import (
    Archive,
    ArchiveChecklist,
    ArchiveCopyLog,
    ArchiveItem,
    ArchiveTally,
    Attachment,
    Household,
    Setting,
    Township,
    Village,
)
from desktop.models.base import utcnow
from desktop.services.collector import collector_held
from desktop.services.documents import township_issuer
from desktop.services.households.households import (
    exited,
    has_exited,
    household_for,
    village_labels,
    village_scope,
)
from desktop.services.system import audit
from desktop.services.system.actor import Actor
from desktop.services.system.attachments import MAX_BYTES, check_file
from desktop.services.system.users import display_names
from desktop.vocabulary import EXITED_KINDS

STAGES = {"identify": "识别", "assist": "帮扶", "exit": "退出", "consolidate": "巩固"}
DEFAULT_CHECKLIST = [
    ("identify", "application", "贫困户申请书"),
    ("identify", "review", "村民代表民主评议记录"),
    ("identify", "first_notice", "村级初审公示"),
    ("identify", "township_review", "乡镇审核公示"),
    ("identify", "collection_form", "贫困户信息采集表"),
    ("identify", "county_approval", "县级审定公告"),
    ("assist", "plan", "帮扶计划（一户一策）"),
    ("assist", "handbook", "扶贫手册"),
    ("assist", "visits", "走访记录"),
    ("assist", "benefits", "享受政策明细"),
    ("assist", "policy_card", "政策明白卡"),
    ("exit", "income_check", "收入核算表"),
    ("exit", "needs_check", "两不愁三保障核验表"),
    ("exit", "exit_review", "退出民主评议记录"),
    ("exit", "exit_notice", "退出公示"),
    ("exit", "confirmation", "户主确认书"),
    ("consolidate", "monitoring", "防返贫监测记录"),
    ("consolidate", "follow_up", "后续帮扶措施"),
]
DEFAULT_COPIES = [("township", "乡镇存档"), ("village", "村存档"), ("household", "户存档")]
STATE_COMPLETE, STATE_MISSING, STATE_OUTDATED, STATE_NOT_DUE = "齐全", "缺失", "需更新", "未到"


# --- checklist and copies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    stage: str
    title: str

    @property
    def stage_name(self) -> str:
        return STAGES[self.stage]


@dataclass(frozen=True)
class Checklist:
    version: int
    items: list[ChecklistItem]
    note: str = ""


def _items(raw: list[dict]) -> list[ChecklistItem]:
    return [ChecklistItem(i["key"], i["stage"], i["title"]) for i in raw]


def _default() -> list[dict]:
    return [{"key": k, "stage": s, "title": t} for s, k, t in DEFAULT_CHECKLIST]


def _current_row(session: Session) -> ArchiveChecklist:
    """The newest checklist version; version 1 (the default from the policy seeds) is made on first use."""
    row = session.scalar(select(ArchiveChecklist).order_by(ArchiveChecklist.version.desc()).limit(1))
    if row is None:
        row = ArchiveChecklist(version=1, items=_default(), note="默认清单", created_by="system")
        session.add(row)
        session.flush()
    return row


def _as_checklist(row: ArchiveChecklist | None) -> Checklist:
    """A stored version, or (none stored yet) the default that becomes version 1 on first use."""
    if row is None:
        return Checklist(1, _items(_default()), "默认清单")
    return Checklist(row.version, _items(row.items), row.note)


def _newest(session: Session) -> Checklist:
    return _as_checklist(
        session.scalar(select(ArchiveChecklist).order_by(ArchiveChecklist.version.desc()).limit(1))
    )


def checklist(db: Database) -> Checklist:
    with db.read() as s:
        return _newest(s)


def set_checklist(db: Database, actor: Actor, items: list[dict], note: str = "") -> int:
    """Save a new version. Archives already made keep the version they were made with.

    An item without a key (one a clerk added in the window) gets one no version has used, so an old archive's
    records are never read as the new item's."""
    actor.require("settings", "修改档案清单")
    seen: set[str] = set()
    clean = []
    for n, raw in enumerate(items, start=1):
        key, stage, title = (str(raw.get(k, "")).strip() for k in ("key", "stage", "title"))
        if not title:
            raise InputRejected(f"第{n}项：材料名称不能为空")
        if stage not in STAGES:
            raise InputRejected(f"第{n}项“{title}”：阶段“{stage}”无效，可选：{'、'.join(STAGES)}")
        if key and key in seen:
            raise InputRejected(f"第{n}项“{title}”：编号“{key}”重复")
        seen.add(key)
        clean.append({"key": key, "stage": stage, "title": title})
    if not clean:
        raise InputRejected("档案清单不能为空")
    clean.sort(key=lambda i: list(STAGES).index(i["stage"]))  # stage order; order within a stage kept
    with db.write() as s:
        used = seen | {i["key"] for row in s.scalars(select(ArchiveChecklist.items)) for i in row}
        used |= {i["key"] for i in _default()}
        number = 1
        for item in clean:
            if not item["key"]:
                while f"item{number}" in used:
                    number += 1
                item["key"] = f"item{number}"
                used.add(item["key"])
        newest = _newest(s)
        if [(i.key, i.stage, i.title) for i in newest.items] == [
            (i["key"], i["stage"], i["title"]) for i in clean
        ]:
            return newest.version  # nothing changed: no new version
        version = _current_row(s).version + 1
        s.add(ArchiveChecklist(version=version, items=clean, note=note, created_by=actor.username))
        audit.record(
            s, actor.username, "archive.checklist", entity="checklist", key=str(version), after=clean
        )
        return version


def copies(db: Database) -> list[tuple[str, str]]:
    with db.read() as s:
        return _copies(s)


def _copies(session: Session) -> list[tuple[str, str]]:
    value = session.scalar(select(Setting.value).where(Setting.key == "archive.copies"))
    return [tuple(c) for c in value] if value else list(DEFAULT_COPIES)


def _copy_name(session: Session, copy: str) -> str:
    names = dict(_copies(session))
    if copy not in names:
        raise InputRejected(f"份别“{copy}”无效，可选：{'、'.join(f'{k}（{v}）' for k, v in names.items())}")
    return names[copy]


# --- archives and items -------------------------------------------------------------------------------


def _archive(session: Session, h: Household, *, create: bool) -> Archive | None:
    a = session.scalar(select(Archive).where(Archive.household_id == h.id))
    if a is None and create:
        a = Archive(household_id=h.id, checklist_id=_current_row(session).id, number=f"DA-{h.code}")
        session.add(a)
        session.flush()
    return a


def _checklist_of(session: Session, a: Archive | None) -> Checklist:
    """The version an archive was made under; a household without an archive yet gets the newest."""
    return _as_checklist(session.get(ArchiveChecklist, a.checklist_id)) if a else _newest(session)


def _item_def(items: list[ChecklistItem], key: str) -> ChecklistItem:
    for i in items:
        if i.key == key or i.title == key:
            return i
    raise InputRejected(f"档案清单中没有“{key}”，可选：{'、'.join(i.title for i in items)}")


def record_item(
    db: Database,
    actor: Actor,
    code: str,
    item: str,
    *,
    done_on: date | None = None,
    note: str = "",
    files: list[tuple[str, bytes]] = (),
) -> int:
    """Record (or change) an item of a household's archive, with scans. Returns the item's revision."""
    actor.require("household.edit", "登记档案材料")
    if done_on is not None and not date(1990, 1, 1) <= done_on <= clock.today():
        # a material is dated when it was made: not in the future, not before the roster began
        raise InputRejected(f"材料日期{clock.cn_date(done_on)}不合理：应在1990年1月1日至今天之间")
    cap = _max_bytes(db)
    checked = [check_file(name, data, max_bytes=cap) for name, data in files]  # refuse before writing
    with db.write() as s:
        return record_in(
            s, actor, household_for(s, actor, code), item, done_on=done_on, note=note, files=checked
        )[1]


def record_in(
    s: Session,
    actor: Actor,
    h: Household,
    item: str,
    *,
    done_on: date | None = None,
    note: str = "",
    files: list = (),
) -> tuple[ArchiveItem, int]:
    """record_item inside the caller's transaction, with files already checked: (the item, its revision)."""
    a = _archive(s, h, create=True)
    spec = _item_def(_checklist_of(s, a).items, item)
    row = s.scalar(
        select(ArchiveItem).where(ArchiveItem.archive_id == a.id, ArchiveItem.item_key == spec.key)
    )
    before = None
    if row is None:
        row = ArchiveItem(archive_id=a.id, item_key=spec.key, revision=1)
        s.add(row)
    else:
        before = {"done_on": row.done_on, "note": row.note, "revision": row.revision}
        row.revision += 1
    row.done_on = done_on or row.done_on or clock.today()
    row.note = note if note or before is None else row.note
    row.recorded_by = actor.username
    row.changed_at = utcnow()
    s.flush()
    for f in files:
        add_attachment(s, row, f, actor)
    _retally(s, a)
    audit.record(
        s,
        actor.username,
        "archive.item",
        entity="household",
        key=h.code,
        before=before,
        after={
            "item": spec.key,
            "done_on": row.done_on,
            "note": row.note,
            "files": [f.filename for f in files],
        },
    )
    return row, row.revision


def tally_of(
    stage_of: Mapping[str, str], have: Mapping[str, int], printed: Mapping[str, Mapping[str, int]]
) -> dict[str, dict[str, int]]:
    """What ArchiveTally keeps for one archive, per stage: under "" the items recorded, under each printed copy
    the items whose current revision it holds. `stage_of` is the archive's checklist (item key → stage), `have`
    item key → revision, `printed` copy → the contents of its newest print. Keys the checklist lacks don't count."""
    mine = {key: rev for key, rev in have.items() if key in stage_of}
    out = {"": dict.fromkeys(STAGES, 0)}
    for key in mine:
        out[""][stage_of[key]] += 1
    for copy, held in printed.items():
        counts = out[copy] = dict.fromkeys(STAGES, 0)
        for key, rev in mine.items():
            if (held.get(key) or 0) >= rev:
                counts[stage_of[key]] += 1
    return out


def _retally(s: Session, a: Archive) -> None:
    """Rewrite an archive's kept counts from its items and copy log, in the transaction that changed them."""
    s.flush()
    # two writers of one archive (PostgreSQL) count in turn, each after the other's items are committed
    s.execute(select(Archive.id).where(Archive.id == a.id).with_for_update())
    stage_of = {i.key: i.stage for i in _checklist_of(s, a).items}
    have = dict(
        s.execute(
            select(ArchiveItem.item_key, ArchiveItem.revision).where(ArchiveItem.archive_id == a.id)
        ).all()
    )
    printed: dict[str, dict[str, int]] = {}
    for copy, contents in s.execute(
        select(ArchiveCopyLog.copy, ArchiveCopyLog.contents)
        .where(ArchiveCopyLog.archive_id == a.id)
        .order_by(ArchiveCopyLog.id)
    ):
        printed[copy] = contents or {}  # the newest print of a copy is what the copy holds
    s.execute(delete(ArchiveTally).where(ArchiveTally.archive_id == a.id))
    s.execute(
        insert(ArchiveTally),
        [{"archive_id": a.id, "copy": c, **n} for c, n in tally_of(stage_of, have, printed).items()],
    )


def add_attachment(
    session: Session, item: ArchiveItem | None, f, actor: Actor, visit_id: int | None = None
) -> int:
    """A checked file stored as an attachment of an archive item or of a visit (plans attach visit photos)."""
    att = Attachment(
        item_id=item.id if item else None,
        visit_id=visit_id,
        filename=f.filename,
        kind=f.kind,
        size=len(f.data),
        pages=f.pages,
        sha256=f.sha256,
        data=f.data,
        thumbnail=f.thumbnail,
        added_by=actor.username,
    )
    session.add(att)
    session.flush()
    return att.id


def _max_bytes(db: Database) -> int:
    with db.read() as s:
        mb = s.scalar(select(Setting.value).where(Setting.key == "archive.max_attachment_mb"))
    return int(mb) * 1024 * 1024 if mb else MAX_BYTES


def add_files(db: Database, actor: Actor, code: str, item: str, files: list[tuple[str, bytes]]) -> int:
    """Scans for an item (recording the item today if it was not yet)."""
    if not files:
        raise InputRejected("没有选择文件")
    return record_item(db, actor, code, item, files=files)


def remove_attachment(db: Database, actor: Actor, attachment_id: int) -> None:
    actor.require("household.edit", "删除档案附件")
    with db.write() as s:
        att = s.get(Attachment, attachment_id)
        if att is None or att.item_id is None:
            raise NotFound(f"附件{attachment_id}不存在")
        item = s.get(ArchiveItem, att.item_id)
        h = s.get(Household, s.get(Archive, item.archive_id).household_id)
        household_for(s, actor, h.code)
        item.revision += 1
        item.changed_at = utcnow()
        _retally(s, s.get(Archive, item.archive_id))
        audit.record(
            s,
            actor.username,
            "archive.detach",
            entity="household",
            key=h.code,
            before={"item": item.item_key, "file": att.filename, "sha256": att.sha256},
        )
        s.delete(att)


# --- state --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    filename: str
    kind: str
    pages: int
    size: int
    thumbnail: bytes


@dataclass(slots=True)
class ItemState:
    key: str
    stage: str
    title: str
    due: bool
    recorded: bool
    done_on: date | None = None
    note: str = ""
    recorded_by: str = ""
    revision: int = 0
    attachments: Sequence[AttachmentInfo] = ()  # filled in for one household's archive, not for lists
    copies: dict[str, str] = field(default_factory=dict)  # copy key → 齐全 | 缺失 | 需更新 | 未到


@dataclass(frozen=True)
class CopyLogEntry:
    id: int
    copy: str
    printed_at: object
    printed_by: str
    pages: int
    handed_to: str
    signed_by: str
    handed_on: date | None


class ArchiveStatus:
    """One household's archive. `items` (every checklist item's state in every copy) may be built on first use:
    village_status gives each household its counts from the kept tally (ArchiveTally) and reads the items of
    the whole list in one go only when one of them is asked for (counts and complete() need no items)."""

    __slots__ = ("code", "head", "village", "number", "checklist_version", "stages_due", "copies", "log")
    __slots__ += ("_items", "_kept", "_batch", "_archive_id", "_spec")

    def __init__(
        self,
        code: str,
        head: str,
        village: str,
        number: str,
        checklist_version: int,
        stages_due: list[str],
        items: list[ItemState] | None,
        copies: list[tuple[str, str]],
        log: list[CopyLogEntry] | None = None,
        *,
        kept: tuple[int, int, tuple[int, ...], Mapping[str, int]] | None = None,
        batch: _ItemBatch | None = None,
        archive_id: int | None = None,
        spec: Checklist | None = None,
    ) -> None:
        self.code, self.head, self.village, self.number = code, head, village, number
        self.checklist_version, self.stages_due, self.copies = checklist_version, stages_due, copies
        self.log = log if log is not None else []
        self._items = items
        # (due items, due items recorded, due items each copy holds current, copy → its place in that tuple)
        self._kept = kept
        self._batch = batch  # (it holds the list only weakly: no cycle for the collector to walk)
        self._archive_id, self._spec = archive_id, spec

    @property
    def items(self) -> list[ItemState]:
        if self._items is None:
            self._batch.load(self)
        return self._items

    @items.setter
    def items(self, value: list[ItemState]) -> None:
        self._items = value

    def counts(self, copy: str) -> dict[str, int]:
        if self._items is None and self._kept is not None:
            due, recorded, held, where = self._kept
            current = held[where[copy]] if copy in where else 0
            return {
                STATE_COMPLETE: current,
                STATE_MISSING: due - recorded,
                STATE_OUTDATED: recorded - current,
            }
        out = {STATE_COMPLETE: 0, STATE_MISSING: 0, STATE_OUTDATED: 0}
        for i in self.items:
            if i.due:
                out[i.copies[copy]] += 1
        return out

    def missing(self, copy: str) -> list[ItemState]:
        return [i for i in self.items if i.due and i.copies[copy] != STATE_COMPLETE]

    def complete(self, copy: str) -> bool:
        if self._items is None and self._kept is not None:
            c = self.counts(copy)
            return not c[STATE_MISSING] and not c[STATE_OUTDATED]
        return not self.missing(copy)

    def as_json(self) -> dict:
        copies = {}
        for key, name in self.copies:
            stages = {}
            for stage in self.stages_due:
                mine = [i for i in self.items if i.stage == stage]
                stages[stage] = {
                    "name": STAGES[stage],
                    "complete": sum(i.copies[key] == STATE_COMPLETE for i in mine),
                    "missing": [i.title for i in mine if i.copies[key] == STATE_MISSING],
                    "outdated": [i.title for i in mine if i.copies[key] == STATE_OUTDATED],
                    "total": len(mine),
                }
            c = self.counts(key)
            copies[key] = {
                "name": name,
                "complete": c[STATE_COMPLETE],
                "missing": c[STATE_MISSING],
                "outdated": c[STATE_OUTDATED],
                "total": sum(c.values()),
                "stages": stages,
            }
        return {
            "code": self.code,
            "head": self.head,
            "village": self.village,
            "number": self.number,
            "checklist_version": self.checklist_version,
            "stages_due": self.stages_due,
            "copies": copies,
        }


# What _states reads of a recorded item: (done_on, note, recorded_by, revision).
Recorded = tuple[date | None, str, str, int]


def _states(
    spec: list[ChecklistItem],
    due_stages: list[str],
    rows: Mapping[str, Recorded],
    printed: dict[str, dict[str, int]],
    copy_keys: list[str],
) -> list[ItemState]:
    # Most items share one of three verdicts across every copy: one dict each, not one per item (no one
    # changes an ItemState's copies after this, and 900,000 small dicts were a third of a county's time).
    not_due = dict.fromkeys(copy_keys, STATE_NOT_DUE)
    missing = dict.fromkeys(copy_keys, STATE_MISSING)
    complete = dict.fromkeys(copy_keys, STATE_COMPLETE)
    out = []
    for d in spec:
        row = rows.get(d.key)
        due = d.stage in due_stages
        if not due:
            copies = not_due
        elif row is None:
            copies = missing
        else:
            copies = {
                c: STATE_COMPLETE if printed.get(c, {}).get(d.key, 0) >= row[3] else STATE_OUTDATED
                for c in copy_keys
            }
            if copies == complete:
                copies = complete
        if row is None:
            out.append(ItemState(d.key, d.stage, d.title, due, False, copies=copies))
        else:
            out.append(ItemState(d.key, d.stage, d.title, due, True, *row, copies=copies))
    return out


def _due(h: Household) -> list[str]:
    return _due_stages(exited(h))


def _due_stages(left_poverty: bool) -> list[str]:
    """退出 and 巩固 are due only once a household has left poverty."""
    return list(STAGES) if left_poverty else ["identify", "assist"]


def status(db: Database, actor: Actor, code: str, *, with_files: bool = True) -> ArchiveStatus:
    """One household's archive: every item with its scans and its state in every copy, and the copy log."""
    with db.read() as s:
        h = household_for(s, actor, code)
        return _status_one(s, h, with_files=with_files)


def _status_one(s: Session, h: Household, *, with_files: bool) -> ArchiveStatus:
    a = _archive(s, h, create=False)
    spec = _checklist_of(s, a)
    copy_list = _copies(s)
    rows: dict[str, ArchiveItem] = {}
    printed: dict[str, dict[str, int]] = {}
    log: list[CopyLogEntry] = []
    if a is not None:
        rows = {r.item_key: r for r in s.scalars(select(ArchiveItem).where(ArchiveItem.archive_id == a.id))}
        for entry in s.scalars(
            select(ArchiveCopyLog).where(ArchiveCopyLog.archive_id == a.id).order_by(ArchiveCopyLog.id)
        ):
            printed[entry.copy] = entry.contents  # the newest print of a copy is what the copy holds
            log.append(
                CopyLogEntry(
                    entry.id,
                    entry.copy,
                    entry.printed_at,
                    entry.printed_by,
                    entry.pages,
                    entry.handed_to,
                    entry.signed_by,
                    entry.handed_on,
                )
            )
    recorded = {k: (r.done_on, r.note, r.recorded_by, r.revision) for k, r in rows.items()}
    items = _states(spec.items, _due(h), recorded, printed, [c for c, _ in copy_list])
    if with_files and rows:
        by_item: dict[int, list[AttachmentInfo]] = defaultdict(list)
        ids = {r.id: r.item_key for r in rows.values()}
        for att in s.execute(
            select(
                Attachment.id,
                Attachment.item_id,
                Attachment.filename,
                Attachment.kind,
                Attachment.pages,
                Attachment.size,
                Attachment.thumbnail,
            )
            .where(Attachment.item_id.in_(ids))
            .order_by(Attachment.id)
        ):
            by_item[att.item_id].append(
                AttachmentInfo(att.id, att.filename, att.kind, att.pages, att.size, att.thumbnail)
            )
        key_to_id = {v: k for k, v in ids.items()}
        for st in items:
            st.attachments = by_item.get(key_to_id.get(st.key, -1), [])
    village = s.get(Village, h.village_id)
    return ArchiveStatus(
        h.code,
        h.head_name,
        village.name,
        a.number if a else f"DA-{h.code}",
        spec.version,
        _due(h),
        items,
        copy_list,
        log,
    )


def village_status(
    db: Database, actor: Actor, village: str | None = None, *, items: bool = False
) -> list[ArchiveStatus]:
    """Every household (of a village, or all the actor may see), in bulk. Counts and complete() come from the
    kept tally (ArchiveTally); every item's state is read for the whole list at once, in this read with
    items=True (a ledger that lists items wants one snapshot), else on first use of any status's `items`."""
    with db.read() as s:
        core = s.connection()  # plain rows: the ORM's per-row work was a third of the time at this size
        scope = village_scope(s, actor, village)
        copy_list = _copies(s)
        keys = [c for c, _ in copy_list]
        households = core.execute(
            select(
                Household.id,
                Household.code,
                Household.head_name,
                Household.village_id,
                Household.household_kind,
                # the JSON is read only where the 户类型 does not already say the household has left poverty
                # (has_exited: a 脱贫户 has left whatever its 脱贫年度) — parsing every household's attrs for
                # the one field was half of this query at county scale
                case(
                    (Household.household_kind.in_(EXITED_KINDS), None),
                    else_=Household.attrs["exit_year"].as_string(),
                ),
            ).where(scope)
        ).all()
        # sorted here, not by the database: ORDER BY walked the village index and fetched each row out of order
        # (a third of this query at county scale); codes compare the same in Python on every database
        households.sort(key=itemgetter(3, 1))
        checklists = {c.id: _as_checklist(c) for c in s.scalars(select(ArchiveChecklist))}
        current = _newest(s)
        tallies = _kept(core, scope, keys)
        archives = {  # household → (archive, its checklist, its number, its kept tally)
            household_id: (archive_id, checklists[checklist_id], number, tallies.get(archive_id))
            for household_id, archive_id, checklist_id, number in core.execute(
                select(Archive.household_id, Archive.id, Archive.checklist_id, Archive.number)
                .join(Household, Household.id == Archive.household_id)
                .where(scope)
            ).all()  # (fetched at once: row-by-row iteration cost a fetch call per row)
        }
        villages = {v.id: v.name for v in s.scalars(select(Village))}
        out = _Statuses()
        batch = _ItemBatch(db, keys, out)
        due_items = {
            (c.version, left): _due_items(c, left) for c in (current, *checklists.values()) for left in _DUE
        }
        where = {c: i for i, c in enumerate(keys)}  # shared by every status: no dict per household
        nothing = (0,) * len(keys)
        with collector_held():  # 50,000 statuses, none of them cyclic
            for hid, code, head, village_id, kind, exit_year in households:
                found = archives.get(hid)
                if found is None:
                    archive_id, spec, number, counts = None, current, f"DA-{code}", None
                else:
                    archive_id, spec, number, counts = found
                left = has_exited(kind, exit_year)
                if counts is None:
                    kept = (due_items[spec.version, left], 0, nothing, where)
                elif left:  # every stage due: early + late
                    kept = (
                        due_items[spec.version, left],
                        counts[0] + counts[1],
                        tuple(map(add, counts[2::2], counts[3::2])),
                        where,
                    )
                else:
                    kept = (due_items[spec.version, left], counts[0], counts[2::2], where)
                st = ArchiveStatus(
                    code,
                    head,
                    villages[village_id],
                    number,
                    spec.version,
                    _DUE[left],
                    None,
                    copy_list,
                    kept=kept,
                    batch=batch,
                    archive_id=archive_id,
                    spec=spec,
                )
                out.append(st)
        if items:
            batch.load_in(core)
    return out


_DUE = {left: _due_stages(left) for left in (False, True)}
EARLY = _DUE[False]  # due for every household; the other stages only once it has left poverty


def _due_items(spec: Checklist, left_poverty: bool) -> int:
    due = _DUE[left_poverty]
    return sum(i.stage in due for i in spec.items)


def _kept(core, scope, keys: list[str]) -> dict[int, tuple[int, ...]]:
    """The kept tallies of the archives in scope, one row each: archive id → (recorded early, recorded late,
    then for each copy in `keys` held early, held late), early being the stages due for every household."""
    early = ArchiveTally.identify + ArchiveTally.assist
    late = ArchiveTally.exit + ArchiveTally.consolidate
    assert EARLY == ["identify", "assist"]
    columns = []
    for copy in ("", *keys):
        columns += [func.sum(case((ArchiveTally.copy == copy, part), else_=0)) for part in (early, late)]
    query = select(ArchiveTally.archive_id, *columns).group_by(ArchiveTally.archive_id)
    if not isinstance(scope, True_):  # a village clerk: only their archives
        query = query.where(
            ArchiveTally.archive_id.in_(
                select(Archive.id).join(Household, Household.id == Archive.household_id).where(scope)
            )
        )
    return {row[0]: tuple(row[1:]) for row in core.execute(query).all()}


class _Statuses(list):
    """village_status's list (a list that a weak reference can point at)."""

    __slots__ = ("__weakref__",)


class _ItemBatch:
    """The households of one village_status call, whose item states are read together when first asked for."""

    def __init__(self, db: Database, copy_keys: list[str], statuses: _Statuses) -> None:
        self.db, self.copy_keys = db, copy_keys
        self.statuses = weakref.ref(statuses)

    def load(self, asking: ArchiveStatus) -> None:
        with self.db.read() as s:
            self.load_in(s.connection(), asking)

    def load_in(self, core, asking: ArchiveStatus | None = None) -> None:
        found = self.statuses()
        todo = [st for st in found if st._items is None] if found is not None else [asking]
        with collector_held():  # hundreds of thousands of rows and states, none of them cyclic
            self._load(core, todo)

    def _load(self, core, todo: list[ArchiveStatus]) -> None:
        mine = [st._archive_id for st in todo if st._archive_id is not None]
        items: dict[int, dict[str, Recorded]] = defaultdict(dict)
        printed: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
        for chunk in range(0, len(mine), 5000):  # IN lists kept to a size every database takes
            ids = mine[chunk : chunk + 5000]
            for archive_id, key, done_on, note, recorded_by, revision in core.execute(
                select(
                    ArchiveItem.archive_id,
                    ArchiveItem.item_key,
                    ArchiveItem.done_on,
                    ArchiveItem.note,
                    ArchiveItem.recorded_by,
                    ArchiveItem.revision,
                ).where(ArchiveItem.archive_id.in_(ids))
            ):
                items[archive_id][key] = (done_on, note, recorded_by, revision)
            for archive_id, copy, contents in core.execute(
                select(ArchiveCopyLog.archive_id, ArchiveCopyLog.copy, ArchiveCopyLog.contents)
                .where(ArchiveCopyLog.archive_id.in_(ids))
                .order_by(ArchiveCopyLog.id)
            ):
                printed[archive_id][copy] = contents  # the newest print of a copy is what the copy holds
        blank: dict[tuple[int, int], list[ItemState]] = {}  # no archive: the same states for every household
        for st in todo:
            spec, due, archive_id = st._spec, st.stages_due, st._archive_id
            if archive_id is None:
                if (spec.version, len(due)) not in blank:
                    blank[spec.version, len(due)] = _states(spec.items, due, {}, {}, self.copy_keys)
                st.items = list(blank[spec.version, len(due)])
            else:
                st.items = _states(
                    spec.items, due, items.get(archive_id, {}), printed.get(archive_id, {}), self.copy_keys
                )
            st._batch = None


def complete_counts(
    db: Database, actor: Actor
) -> tuple[list[tuple[str, str]], dict[str, tuple[int, dict[str, int]]]]:
    """Per village: its households and how many are complete in each copy. The same rule as village_status
    (every due item recorded, each copy holding its current revision), read from the kept tally, for the 首页
    on 50,000 households. A household with no archive yet is complete in no copy."""
    with db.read() as s:
        scope = village_scope(s, actor, None)
        copy_list, by_village = _complete_by_village(s, scope)
        villages = village_labels(s)
    return copy_list, {v: (n, c) for v, (n, c) in sorted((villages[k], x) for k, x in by_village.items())}


def complete_by_village(
    session: Session, scope
) -> tuple[list[tuple[str, str]], dict[int, tuple[int, dict[str, int]]]]:
    """complete_counts by village id inside the caller's read (the 帮扶计划 overview)."""
    return _complete_by_village(session, scope)


def _complete_by_village(
    s: Session, scope
) -> tuple[list[tuple[str, str]], dict[int, tuple[int, dict[str, int]]]]:
    """Counted in SQL from the kept tally: a copy holding every item of a stage current has every item of it
    recorded (held ≤ recorded ≤ the stage's items), so a copy is complete when it holds all the early items
    and — for a household that has left poverty — all the late ones. Only the households whose early items are
    all held but not their late ones are read one by one, for has_exited."""
    core = s.connection()  # plain rows, as in village_status
    copy_list = _copies(s)
    keys = [c for c, _ in copy_list]
    early_items, late_items = {}, {}
    for c in s.scalars(select(ArchiveChecklist)):
        spec = _as_checklist(c)
        early_items[c.id] = _due_items(spec, False)
        late_items[c.id] = _due_items(spec, True) - early_items[c.id]
    out: dict[int, tuple[int, dict[str, int]]] = {}
    for village_id, n in core.execute(
        select(Household.village_id, func.count()).where(scope).group_by(Household.village_id)
    ):
        out[village_id] = (n, dict.fromkeys(keys, 0))
    if not early_items:
        return copy_list, out  # no archive made yet
    early = ArchiveTally.identify + ArchiveTally.assist
    late = ArchiveTally.exit + ArchiveTally.consolidate
    assert EARLY == ["identify", "assist"]
    held_early = early == case(early_items, value=Archive.checklist_id, else_=-1)
    held_late = late == case(late_items, value=Archive.checklist_id, else_=-1)
    rows = (
        select(Household.village_id, ArchiveTally.copy)
        .join(Archive, Archive.id == ArchiveTally.archive_id)
        .join(Household, Household.id == Archive.household_id)
        .where(scope, ArchiveTally.copy.in_(keys), held_early)
    )
    for village_id, copy, n in core.execute(
        rows.add_columns(func.count()).where(held_late).group_by(Household.village_id, ArchiveTally.copy)
    ):
        out[village_id][1][copy] += n
    for village_id, copy, kind, exit_year in core.execute(
        rows.add_columns(Household.household_kind, Household.attrs["exit_year"].as_string()).where(~held_late)
    ):
        if not has_exited(kind, exit_year):  # the late stages are not due yet
            out[village_id][1][copy] += 1
    return copy_list, out


# --- printing a copy and handing it over ----------------------------------------------------------------


@dataclass(frozen=True)
class PrintedCopy:
    path: str
    pages: int
    fonts: list[str]
    log_id: int
    items: int
    missing: list[str]


def print_copy(
    db: Database, actor: Actor, code: str, copy: str, out, *, today: date | None = None
) -> PrintedCopy:
    """Print one copy (cover, contents, a list of the items without scans and of the missing ones, then every
    item with scans on pages of its own) and log it: that copy is now up to date."""
    from desktop.reports.archive_copy import (  # lazy: reportlab loads only when printing
        ArchiveDocument,
        ItemSection,
        ScanFile,
        render_archive,
    )

    actor.require("household.edit", "打印档案")
    today = today or clock.today()
    with db.read() as s:
        h = household_for(s, actor, code)
        copy_name = _copy_name(s, copy)
        st = _status_one(s, h, with_files=False)
        a = _archive(s, h, create=False)
        if a is None or not any(i.recorded for i in st.items):
            raise Refused(f"{h.head_name}户（{h.code}）的档案还没有登记任何材料，无法打印")
        village = s.get(Village, h.village_id)
        township = s.get(Township, village.township_id)
        scans: dict[str, list[ScanFile]] = defaultdict(list)
        for key, name, kind, pages, data in s.execute(
            select(
                ArchiveItem.item_key, Attachment.filename, Attachment.kind, Attachment.pages, Attachment.data
            )
            .join(ArchiveItem, ArchiveItem.id == Attachment.item_id)
            .where(ArchiveItem.archive_id == a.id)
            .order_by(Attachment.id)
        ):
            scans[key].append(ScanFile(name, kind, pages, data))
        names = display_names(s)  # who recorded an item: the person's name (李文书), not the log-in
        sections = [
            ItemSection(
                STAGES[i.stage],
                i.title,
                i.recorded,
                i.done_on,
                i.note,
                names.get(i.recorded_by, i.recorded_by),
                scans.get(i.key, []),
            )
            for i in st.items
            if i.due or i.recorded
        ]
        doc = ArchiveDocument(
            number=a.number,
            copy_name=copy_name,
            copy_index=[c for c, _ in st.copies].index(copy) + 1,
            copy_count=len(st.copies),
            head=h.head_name,
            code=h.code,
            place=f"{township.county}{township.name}{village.name}{h.group_name}",
            size=h.size,
            issuer=township_issuer(db, township.name),
            printed=today,
            sections=sections,
        )
        contents = {i.key: i.revision for i in st.items if i.recorded}
    info = render_archive(doc, out)
    with db.write() as s:
        h = household_for(s, actor, code)
        a = _archive(s, h, create=False)
        # Items changed while we were printing stay 需更新: the copy holds what was read above.
        entry = ArchiveCopyLog(
            archive_id=a.id, copy=copy, printed_by=actor.username, pages=info.pages, contents=contents
        )
        s.add(entry)
        s.flush()
        _retally(s, a)
        audit.record(
            s,
            actor.username,
            "archive.print",
            entity="household",
            key=h.code,
            after={"copy": copy, "pages": info.pages},
        )
        log_id = entry.id
    return PrintedCopy(
        str(out),
        info.pages,
        info.fonts,
        log_id,
        len(contents),
        [i.title for i in st.items if i.due and not i.recorded],
    )


def hand_over(
    db: Database,
    actor: Actor,
    code: str,
    copy: str,
    handed_to: str,
    *,
    signed_by: str = "",
    on: date | None = None,
) -> int:
    """Log that the newest print of a copy was handed to someone (and who signed for it)."""
    actor.require("household.edit", "登记档案交接")
    if not handed_to.strip():
        raise InputRejected("请填写接收人")
    with db.write() as s:
        h = household_for(s, actor, code)
        _copy_name(s, copy)
        a = _archive(s, h, create=False)
        entry = (
            s.scalar(
                select(ArchiveCopyLog)
                .where(ArchiveCopyLog.archive_id == a.id, ArchiveCopyLog.copy == copy)
                .order_by(ArchiveCopyLog.id.desc())
                .limit(1)
            )
            if a
            else None
        )
        if entry is None:
            raise Refused("这一份还没有打印过，请先打印再登记交接")
        if entry.handed_to:
            raise Refused(f"这次打印已于{entry.handed_on}交给{entry.handed_to}；再次交接请先重新打印")
        entry.handed_to = handed_to.strip()
        entry.signed_by = signed_by.strip() or handed_to.strip()
        entry.handed_on = on or clock.today()
        audit.record(
            s,
            actor.username,
            "archive.handover",
            entity="household",
            key=h.code,
            after={"copy": copy, "to": entry.handed_to, "signed_by": entry.signed_by, "on": entry.handed_on},
        )
        return entry.id


def attachment_data(db: Database, actor: Actor, attachment_id: int) -> tuple[str, str, bytes]:
    with db.read() as s:
        att = s.get(Attachment, attachment_id)
        if att is None:
            raise NotFound(f"附件{attachment_id}不存在")
        return att.filename, att.kind, att.data
