"""What every page needs: who is logged in, and the operations that reach the database (desktop.ui.ops).

Pages never hold the Database (tests/test_ui_guard.py): the context keeps it inside its Ops."""

from __future__ import annotations

from desktop.db import Database
from desktop.services.system.actor import Actor
from desktop.ui.ops import Ops


class UiContext:
    def __init__(self, db: Database, actor: Actor) -> None:
        self.actor = actor
        self.ops = Ops(db, actor)
