"""一户一档，一式三份: a versioned checklist, each household's archive items with scanned attachments, and the
print/hand-over log of every copy. A copy's state per item is derived from the log; ArchiveTally keeps its
counts per stage up to date (rewritten from the items and the log whenever either changes) so that overviews of
a whole county read one row per copy instead of every item."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models import households, plans  # noqa: F401  (the tables its foreign keys name)
from desktop.models.base import Base, UTCDateTime, utcnow


class ArchiveChecklist(Base):
    """One version of the checklist. A new version never changes the archives made under an older one."""

    __tablename__ = "archive_checklist"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    # [{"key": "application", "stage": "identify", "title": "申请书"}, …] in print order
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Archive(Base):
    __tablename__ = "archive"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), unique=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("archive_checklist.id"))
    number: Mapped[str] = mapped_column(String(40), unique=True)  # 档案号
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArchiveItem(Base):
    """One checklist item of one archive. `revision` goes up on every change, so a copy printed with an
    older revision is known to need updating (需更新)."""

    __tablename__ = "archive_item"
    __table_args__ = (UniqueConstraint("archive_id", "item_key", name="uq_archive_item_archive_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    archive_id: Mapped[int] = mapped_column(ForeignKey("archive.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(40))
    done_on: Mapped[date | None] = mapped_column(Date)  # the date on the document
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64), default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(Base):
    """A scanned page or photo, kept in the database so every PC of a township PostgreSQL sees it.
    Belongs to an archive item or to a visit."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("archive_item.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))  # pdf | jpeg | png, from the content
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=1)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary)  # PNG, at most 160 px
    added_by: Mapped[str] = mapped_column(String(64), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArchiveCopyLog(Base):
    """A copy printed (and later handed over): which revision of each item it holds."""

    __tablename__ = "archive_copy_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    archive_id: Mapped[int] = mapped_column(ForeignKey("archive.id"), index=True)
    copy: Mapped[str] = mapped_column(String(16))  # township | village | household | …
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    printed_by: Mapped[str] = mapped_column(String(64), default="")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    contents: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # item key → revision printed
    handed_to: Mapped[str] = mapped_column(String(64), default="")
    signed_by: Mapped[str] = mapped_column(String(64), default="")
    handed_on: Mapped[date | None] = mapped_column(Date)


class ArchiveTally(Base):
    """Kept counts of one archive per checklist stage: with copy "" the items recorded, otherwise the items that
    copy holds in their current revision (齐全). Rewritten by desktop.services.archives whenever an item is
    recorded or changed or a copy printed; always equal to what the items and the copy log say."""

    __tablename__ = "archive_tally"

    archive_id: Mapped[int] = mapped_column(ForeignKey("archive.id"), primary_key=True)
    copy: Mapped[str] = mapped_column(String(16), primary_key=True)  # "" = recorded; else a copy key
    identify: Mapped[int] = mapped_column(Integer, default=0)
    assist: Mapped[int] = mapped_column(Integer, default=0)
    exit: Mapped[int] = mapped_column(Integer, default=0)
    consolidate: Mapped[int] = mapped_column(Integer, default=0)
