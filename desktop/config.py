"""Where things live on disk."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "TownshipWorkbench"


def data_dir() -> Path:
    override = os.environ.get("DESKTOP_DATA_DIR")
    path = Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database() -> str:
    return os.environ.get("DESKTOP_DB") or str(data_dir() / "workbench.sqlite3")


RESOURCES = Path(__file__).resolve().parent.parent / "resources"
