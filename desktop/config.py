"""Where things live on disk."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "TownshipWorkbench"


def _platform_data_dir() -> str:
    """platformdirs' folder for this system: %LOCALAPPDATA%\\TownshipWorkbench on Windows (not roaming: a
    database does not belong in a roaming profile), ~/.local/share/TownshipWorkbench on Linux. Chosen when
    asked rather than when platformdirs was imported, so that the Windows rule can be tested on Linux."""
    if sys.platform == "win32":
        from platformdirs.windows import Windows

        return Windows(APP_NAME, appauthor=False, roaming=False).user_data_dir
    return user_data_dir(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """The data folder: the database, backups\\, desktop.log and window.ini. The installer never touches it."""
    override = os.environ.get("DESKTOP_DATA_DIR")
    path = Path(override) if override else Path(_platform_data_dir())
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database() -> str:
    return os.environ.get("DESKTOP_DB") or str(data_dir() / "workbench.sqlite3")


RESOURCES = Path(__file__).resolve().parent.parent / "resources"
