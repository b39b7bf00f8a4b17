"""Townships, villages: the places households belong to."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base


class Township(Base):
    """A 乡(镇), named with the county above it (rosters may span counties)."""

    __tablename__ = "township"
    __table_args__ = (UniqueConstraint("province", "city", "county", "name", name="uq_township_place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province: Mapped[str] = mapped_column(String(32), default="")
    city: Mapped[str] = mapped_column(String(32), default="")
    county: Mapped[str] = mapped_column(String(32), default="")
    name: Mapped[str] = mapped_column(String(64))

    villages: Mapped[list[Village]] = relationship(back_populates="township")


class Village(Base):
    """A 行政村."""

    __tablename__ = "village"
    __table_args__ = (UniqueConstraint("township_id", "name", name="uq_village_place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))

    township: Mapped[Township] = relationship(back_populates="villages")
