"""What every page needs: the database to pass to services and who is logged in."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.db import Database
from desktop.services.users import Actor


@dataclass(frozen=True)
class UiContext:
    db: Database
    actor: Actor
