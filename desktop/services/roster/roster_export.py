"""Exporting households in a national roster layout; importing the export again changes nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected
from desktop.models import Household, IncomeYear, Setting, Village
from desktop.reports.xlsx_safe import display_width
from desktop.services.roster.roster_fields import BY_KEY, LAYOUTS, label_for
from desktop.services.roster.roster_store import load_snapshots
from desktop.services.system.actor import Actor


def _cell(key: str, value):
    if value is None:
        return None
    kind = BY_KEY[key].kind
    if kind == "money":
        return float(Decimal(value) / 100)
    if kind == "decimal":
        return float(Decimal(value))
    return value


# Excel column widths (≈ characters of the default font) by kind: an 18-digit ID needs 20, a 19–20-digit member
# code or bank account 22; text columns are as wide as their header, up to HEADER_CAP (longer headers wrap).
KIND_WIDTH = {
    "id": 21.0,
    "code": 22.0,
    "phone": 14.0,
    "date": 12.0,
    "money": 12.0,
    "decimal": 10.0,
    "sex": 6.0,
}
TEXT_WIDTH = {"name": 10.0, "work_place": 14.0, "employer": 16.0, "bank_name": 14.0, "helper": 10.0}
HEADER_CAP = 14.0


def _width(key: str, header: str) -> float:

    kind = BY_KEY[key].kind
    fixed = KIND_WIDTH.get(kind) or TEXT_WIDTH.get(key, 8.0)
    return max(fixed, min(display_width(header) + 2, HEADER_CAP))


def export_roster(
    db: Database, actor: Actor, path: str | Path, *, layout: str | None = None, village: str | None = None
) -> int:
    """Write the roster; returns the number of people written."""
    from desktop.reports.roster_xlsx import write_roster  # lazy: openpyxl loads only when writing a workbook

    path = Path(path)
    with db.read() as s:
        layout = layout or s.scalar(select(Setting.value).where(Setting.key == "roster.layout")) or "legacy"
        if layout not in LAYOUTS:
            raise InputRejected(f"未知的格式“{layout}”，可选：{'、'.join(LAYOUTS)}")
        year = (
            s.scalar(select(Setting.value).where(Setting.key == "roster.year"))
            or s.scalar(select(func.max(IncomeYear.year)))
            or clock.today().year
        )
        query = select(Household.code).join(Village).order_by(Household.code)
        if village:
            query = query.where(Village.name == village)
        if actor.village_ids is not None:
            query = query.where(Household.village_id.in_(actor.village_ids))
        codes = None if village is None and actor.village_ids is None else list(s.scalars(query))
        if village and not codes:
            raise InputRejected(f"村“{village}”没有农户")
        snaps = load_snapshots(s, codes, int(year))
    keys = LAYOUTS[layout]
    headers = ([] if layout == "2021" else ["序号"]) + [label_for(k, layout) for k in keys]
    offset = 0 if layout == "2021" else 1
    text_columns = {i + offset for i, k in enumerate(keys) if BY_KEY[k].kind in ("code", "id", "phone")}

    def rows():
        n = 0
        for snap in snaps.values():
            for mcode in snap.member_order:
                n += 1
                merged = {**snap.values, **snap.members[mcode]}
                merged["household_code"] = snap.code
                cells = [_cell(k, merged.get(k)) for k in keys]
                yield cells if layout == "2021" else [n, *cells]

    widths = ([] if layout == "2021" else [6.0]) + [_width(k, label_for(k, layout)) for k in keys]
    title = f"建档立卡贫困人口明细表（导出时间：{clock.today().isoformat()}，收入年度：{year}）"
    return write_roster(path, title, headers, text_columns, rows(), widths)
