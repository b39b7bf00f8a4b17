"""Form-style pages (明白卡, plan sheet): ruled tables whose cells wrap, flowing onto a new page when full."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.colors import Color, black

from desktop.reports.fonts import load_fonts
from desktop.reports.pdfdraw import SOFT_BREAKS, PagedCanvas, Pen, mm, wrap

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
        pad: float = 1.6 * mm,
        leading: float = 1.3,
        row_height: float = 7.5 * mm,
        on_new_page: Callable[[Form], None] | None = None,
    ) -> None:
        """`pad` is the space inside a cell around its text, `leading` the line pitch in a cell as a multiple
        of the size, `row_height` the least height of a row (a compact form passes 0: rows as tall as their
        text)."""
        self.c = canvas
        self.pen = Pen(canvas, load_fonts())
        self.left, self.right, self.top, self.bottom = left, right, top, bottom
        self.size = size
        self.pad, self.leading, self.row_height = pad, leading, row_height
        self.y = top
        self.on_new_page = on_new_page
        # Rows in order with the page each landed on, and a row to start a new page before: how a caller
        # lays a form out again so its last rows keep company with the signatures.
        self.rows: list[int] = []
        self.break_before: int | None = None

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

    def row(self, cells: list[Cell], *, min_height: float | None = None, size: float | None = None) -> None:
        size = size or self.size
        min_height = self.row_height if min_height is None else min_height
        total = sum(c.span for c in cells)
        widths = [self.width * c.span / total for c in cells]
        pad = self.pad
        wrapped = [
            wrap(self.pen, c.text, c.role, size, w - 2 * pad, soft=SOFT_BREAKS)
            for c, w in zip(cells, widths, strict=True)
        ]
        line_h = size * self.leading
        height = max(min_height, max(len(w) for w in wrapped) * line_h + 2 * pad)
        if height > self.room() or len(self.rows) == self.break_before:
            self.new_page()
        self.rows.append(self.c.page_count)
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
