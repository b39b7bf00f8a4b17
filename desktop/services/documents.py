"""What every area's printed output shares: the result of a print, who signs for the township, the kinds of
household notice, and rendering a built ledger as PDF or xlsx."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from desktop.db import Database
from desktop.models import Township
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.system import settings

NOTICE_KINDS = {
    "identification": ("贫困户识别", "农户申请、村民代表大会民主评议、村两委和驻村工作队核实"),
    "exit": ("贫困户退出", "村两委和驻村工作队核实、拟退出户认可、村民代表大会民主评议"),
    "monitoring": ("防返贫监测对象", "农户申报、干部排查、村级评议"),
}


@dataclass(frozen=True)
class Printed:
    path: str
    pages: int
    fonts: list[str]
    rows: int = 0


def township_name(session) -> str:
    """The office's township, for a ledger's title (one township per database)."""
    return session.scalar(select(Township.name).limit(1)) or ""


def township_issuer(db: Database, township: str) -> str:
    """Who signs what the township issues: the 落款单位 set up on first run, else the township's government."""
    return str(settings.get(db, "notice.issuer") or f"{township}人民政府")


def render_ledger(
    ledger, out: str | Path, *, xlsx: bool = False, progress: Progress = NO_PROGRESS
) -> Printed:
    """A built Ledger as PDF, or as .xlsx for the county's spreadsheets."""
    from desktop.reports.ledger import render_ledger_pdf  # lazy: reportlab loads only when printing
    from desktop.reports.ledger_xlsx import (  # lazy: openpyxl loads only when writing a workbook
        render_ledger_xlsx,  # lazy: openpyxl loads only when writing a workbook
    )

    if xlsx:
        return Printed(str(out), 0, [], render_ledger_xlsx(ledger, out))
    info = render_ledger_pdf(ledger, out, progress=progress)
    return Printed(str(out), info.pages, info.fonts, info.rows)
