"""The printer test page of the first-run wizard: is the scale 100 %, where are the margins, which fonts print."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.units import mm

from desktop import clock
from desktop.reports.fonts import ROLE_NAMES, load_fonts
from desktop.reports.pdfdraw import PagedCanvas, Pen

SAMPLE = "乡镇扶贫工作台　一户一档 孝善基金 1234567890　生僻字：堃 喆 䶮 𠮷"
A4 = (210.0, 297.0)
TYPE_AREA = (28.0, 37.0, 156.0, 225.0)  # GB/T 9704: left, top, width, height (mm)


def font_report() -> list[tuple[str, str, bool]]:
    """(role, font used, whether it is the bundled substitute) for every print role."""
    fonts = load_fonts()
    return [(ROLE_NAMES[role], choice.display, choice.bundled) for role, choice in fonts.roles.items()]


def render_test_page(path: str | Path, *, township: str = "", printed_on: date) -> int:
    w, h = A4[0] * mm, A4[1] * mm
    canvas = PagedCanvas(str(path), pagesize=(w, h))
    fonts = load_fonts()
    pen = Pen(canvas, fonts)
    canvas.setLineWidth(0.5)
    canvas.rect(10 * mm, 10 * mm, w - 20 * mm, h - 20 * mm)  # 10 mm from every edge
    left, top, width, height = TYPE_AREA
    canvas.setDash(3, 2)
    canvas.rect(left * mm, h - (top + height) * mm, width * mm, height * mm)
    canvas.setDash()
    for x_mm in range(10, 201, 5):  # a ruler along the top of the frame
        tick = 4 if x_mm % 10 == 0 else 2
        canvas.line(x_mm * mm, h - 10 * mm, x_mm * mm, h - (10 + tick) * mm)
    pen.draw(w / 2, h - 50 * mm, "打印测试页", "title", 22, align="center")
    if township:
        pen.draw(w / 2, h - 60 * mm, township, "body", 16, align="center")
    lines = [
        "1. 外框（实线）到纸边四周都应是10毫米；用尺量一下。",
        "2. 下面这条线应正好长100毫米；不是的话，打印时请选“实际大小（100%）”。",
        "3. 虚线框是公文版心（GB/T 9704：上37、左28毫米，156×225毫米）。",
        "4. 各字体的样字都应清楚，没有方框或空白：",
    ]
    y = h - 78 * mm
    for text in lines:
        pen.draw((left + 4) * mm, y, text, "song", 12)
        y -= 9 * mm
    canvas.setLineWidth(1)
    canvas.line((left + 4) * mm, y + 4 * mm, (left + 104) * mm, y + 4 * mm)
    pen.draw((left + 106) * mm, y + 3 * mm, "100毫米", "song", 9)
    y -= 10 * mm
    for role, choice in fonts.roles.items():
        note = "（内置代替字体）" if choice.bundled else ""
        pen.draw((left + 4) * mm, y, f"{ROLE_NAMES[role]}：{choice.display}{note}", "hei", 10)
        y -= 7 * mm
        pen.draw((left + 8) * mm, y, SAMPLE, role, 14)
        y -= 11 * mm
    pen.draw(w - 10 * mm, 12 * mm, f"打印于{clock.cn_date(printed_on)}", "song", 9, align="right")
    canvas.showPage()
    canvas.save()
    return canvas.page_count


def render_font_sample(path: str | Path) -> int:
    """A strip with the sample line in every print role, as printing will draw it (for the wizard's preview)."""
    fonts = load_fonts()
    rows = len(fonts.roles)
    w, h = 190 * mm, (rows * 11 + 4) * mm
    canvas = PagedCanvas(str(path), pagesize=(w, h))
    pen = Pen(canvas, fonts)
    y = h - 9 * mm
    for role in fonts.roles:
        pen.draw(3 * mm, y, ROLE_NAMES[role], "hei", 9)
        pen.draw(34 * mm, y, SAMPLE, role, 13)
        y -= 11 * mm
    canvas.showPage()
    canvas.save()
    return canvas.page_count
