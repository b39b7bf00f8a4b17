"""Reading a roster workbook into raw rows: finds the header by its text, keeps Excel row numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from desktop.services.errors import InputRejected
from desktop.services.roster_fields import HEADER_INDEX, norm_header

HEADER_SCAN_ROWS = 15
MIN_HEADER_MATCHES = 4
TOTAL_WORDS = ("合计", "总计", "小计")


@dataclass
class RawRoster:
    path: Path
    sheet: str
    title: str
    header_row: int  # Excel row number of the (lower) header row
    columns: dict[str, int]  # field key → column index
    headers: dict[str, str]  # field key → header text as found (white space removed)
    ignored: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)  # (Excel row number, cells)

    def year_hint(self) -> int | None:
        m = re.search(r"收入年度[:：]\s*(\d{4})", self.title) or re.search(r"(20\d{2})[-年/.]", self.title)
        return int(m.group(1)) if m else None


def _match_row(cells: list) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = HEADER_INDEX.get(norm_header(cell)) if cell not in ("", None) else None
        if key and key not in found:
            found[key] = i
    return found


def _locate_header(rows: list[list]) -> tuple[int, dict[str, int], dict[int, str]]:
    """The header row is the one matching most field names; a row above it may hold names that the
    lower row leaves blank (two-row headers with vertical merges)."""
    best, best_found = -1, {}
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = _match_row(row)
        if len(found) > len(best_found):
            best, best_found = i, found
    if best < 0 or len(best_found) < MIN_HEADER_MATCHES or "household_code" not in best_found:
        raise InputRejected(
            "找不到表头：前15行中没有包含“户编号”“姓名”“证件号码”等列名的行，请确认这是花名册导出文件。"
        )
    texts = {i: norm_header(c) for i, c in enumerate(rows[best]) if c not in ("", None)}
    if best > 0:
        for i, cell in enumerate(rows[best - 1]):
            if cell in ("", None) or texts.get(i):
                continue
            key = HEADER_INDEX.get(norm_header(cell))
            if key and key not in best_found:
                best_found[key] = i
                texts[i] = norm_header(cell)
    return best, best_found, texts


def _is_blank(row: list) -> bool:
    return all(c in ("", None) for c in row)


def _is_total(row: list) -> bool:
    for cell in row:
        if cell in ("", None):
            continue
        return isinstance(cell, str) and cell.strip().replace(" ", "") in TOTAL_WORDS
    return False


def read_roster(path: str | Path) -> RawRoster:
    from python_calamine import CalamineError, CalamineWorkbook  # lazy: keeps window start-up light

    path = Path(path)
    if not path.exists():
        raise InputRejected(f"文件不存在：{path}")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise InputRejected(f"无法读取文件 {path.name}：不是有效的Excel文件（{exc}）") from exc
    last_error: InputRejected | None = None
    for sheet_name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        try:
            header, columns, texts = _locate_header(rows)
        except InputRejected as exc:
            last_error = exc
            continue
        title = " ".join(str(c) for r in rows[:header] for c in r if c not in ("", None))
        ignored = [t for i, t in texts.items() if i not in columns.values() and t not in ("序号",)]
        raw = RawRoster(
            path,
            sheet_name,
            title,
            header + 1,
            columns,
            {k: texts.get(i, k) for k, i in columns.items()},
            ignored,
        )
        width = max(columns.values()) + 1
        for index in range(header + 1, len(rows)):
            row = rows[index]
            if len(row) < width:
                row = row + [""] * (width - len(row))
            if _is_blank(row) or _is_total(row):
                continue
            raw.rows.append((index + 1, row))
        return raw
    raise last_error or InputRejected(f"文件 {path.name} 中没有工作表。")
