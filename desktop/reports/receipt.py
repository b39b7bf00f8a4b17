"""Receipts for the counter's roll printer: 58 mm (48 mm printable) or 80 mm (72 mm printable) wide, as long as
the basket needs. Printed through the Windows driver on a custom page, so no code pages are involved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop import clock
from desktop.reports.fonts import load_fonts
from desktop.reports.mask import mask
from desktop.reports.pdfdraw import PagedCanvas, Pen, mm

PRINTABLE = {58: 48.0, 80: 72.0}


@dataclass(frozen=True)
class ReceiptData:
    store_name: str
    number: str
    at: datetime
    household: str
    head_name: str
    lines: list[tuple[str, int, str, int]]  # goods, quantity, unit, points
    points: int
    balance_after: int
    operator: str
    width_mm: int = 58
    reversed_at: datetime | None = None


def _when(at: datetime) -> str:
    local = clock.local(at)
    return f"{clock.cn_date(local.date())} {local:%H:%M}"


def render_receipt(data: ReceiptData, path: str | Path) -> Path:
    width = PRINTABLE.get(data.width_mm, 48.0)
    size = 9.0 if data.width_mm == 58 else 10.5
    line = size * 1.45
    rows = 9 + 2 * len(data.lines) + (3 if data.reversed_at else 0)
    page_w, page_h = (width + 4) * mm, rows * line + 14 * mm
    canvas = PagedCanvas(str(path), pagesize=(page_w, page_h))
    pen = Pen(canvas, load_fonts())
    left, right = 2 * mm, page_w - 2 * mm
    y = page_h - 5 * mm - size

    def text(value: str, *, align: str = "left", bold: bool = False, scale: float = 1.0) -> None:
        nonlocal y
        x = {"left": left, "center": page_w / 2, "right": right}[align]
        pen.draw(x, y, value, "hei" if bold else "song", size * scale, align=align)
        y -= line * scale

    def pair(label: str, value: str) -> None:
        nonlocal y
        pen.draw(left, y, label, "song", size)
        pen.draw(right, y, value, "song", size, align="right")
        y -= line

    def rule() -> None:
        nonlocal y
        canvas.setDash(2, 2)
        canvas.line(left, y + line * 0.45, right, y + line * 0.45)
        canvas.setDash()
        y -= line * 0.4

    text(data.store_name, align="center", bold=True, scale=1.2)
    text("积分兑换小票", align="center")
    if data.reversed_at is not None:  # a reprint of a reversed basket must not pass for a valid one
        text("【已撤销 作废】", align="center", bold=True, scale=1.2)
        pair("撤销时间", _when(data.reversed_at))
    pair("单号", data.number)
    pair("时间", _when(data.at))
    pair("户主", f"{mask('name', data.head_name)}（户号尾号{data.household[-4:]}）")
    rule()
    for goods, qty, unit, pts in data.lines:
        text(goods)
        pair(f"  ×{qty}{unit}", f"{pts}分")
    rule()
    pair("消耗积分", f"{data.points}分")
    pair("剩余积分", f"{data.balance_after}分")
    pair("经办人", data.operator)
    text("积分不兑现金，请妥善保管本小票", align="center", scale=0.85)
    canvas.showPage()
    canvas.save()
    return Path(path)
