"""Form-style pages (明白卡, plan sheet): ruled tables whose cells wrap, flowing onto a new page when full."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.colors import Color, black

from desktop.reports.fonts import load_fonts
from desktop.reports.pdfdraw import PagedCanvas, Pen, mm, wrap

HEADER_FILL = Color(0.93, 0.93, 0.93)


@dataclass
class Cell:
    text: str
    span: float = 1.0  # share of the row's width
    role: str = "song"
    align: str = "left"
    fill: Color | None = None


class Form:
    """A cursor down a page between `left` and `right`; `new_page` is called when a row does not fit."""

    def __init__(
        self,
        canvas: PagedCanvas,
        *,
        left: float,
        right: float,
        top: float,
        bottom: float,
        size: float = 10.5,
        on_new_page: Callable[[Form], None] | None = None,
    ) -> None:
        self.c = canvas
        self.pen = Pen(canvas, load_fonts())
        self.left, self.right, self.top, self.bottom = left, right, top, bottom
        self.size = size
        self.y = top
        self.on_new_page = on_new_page

    @property
    def width(self) -> float:
        return self.right - self.left

    def new_page(self) -> None:
        self.c.showPage()
        self.y = self.top
        if self.on_new_page:
            self.on_new_page(self)

    def room(self) -> float:
        return self.y - self.bottom

    def text(
        self, text: str, *, role: str = "song", size: float | None = None, align: str = "left", gap: float = 2
    ) -> None:
        size = size or self.size
        lines = wrap(self.pen, text, role, size, self.width)
        for line in lines:
            if self.room() < size * 1.4:
                self.new_page()
            self.y -= size * 1.35
            x = {"left": self.left, "center": (self.left + self.right) / 2, "right": self.right}[align]
            self.pen.draw(x, self.y + size * 0.25, line, role, size, align=align)
        self.y -= gap

    def row(self, cells: list[Cell], *, min_height: float = 7.5 * mm, size: float | None = None) -> None:
        size = size or self.size
        total = sum(c.span for c in cells)
        widths = [self.width * c.span / total for c in cells]
        pad = 1.6 * mm
        wrapped = [
            wrap(self.pen, c.text, c.role, size, w - 2 * pad) for c, w in zip(cells, widths, strict=True)
        ]
        line_h = size * 1.3
        height = max(min_height, max(len(w) for w in wrapped) * line_h + 2 * pad)
        if height > self.room():
            self.new_page()
        top, x = self.y, self.left
        c = self.c
        for cell, w, lines in zip(cells, widths, wrapped, strict=True):
            if cell.fill is not None:
                c.setFillColor(cell.fill)
                c.rect(x, top - height, w, height, stroke=0, fill=1)
                c.setFillColor(black)
            c.setLineWidth(0.5)
            c.rect(x, top - height, w, height)
            block = len(lines) * line_h
            y = top - (height - block) / 2 - line_h + (line_h - size) / 2 + size * 0.2
            for line in lines:
                tx = {"left": x + pad, "center": x + w / 2, "right": x + w - pad}[cell.align]
                self.pen.draw(tx, y, line, cell.role, size, align=cell.align)
                y -= line_h
            x += w
        self.y = top - height

    def header_row(self, titles: list[str], spans: list[float]) -> None:
        self.row([Cell(t, s, "hei", "center", HEADER_FILL) for t, s in zip(titles, spans, strict=True)])

    def gap(self, height: float) -> None:
        self.y -= height
