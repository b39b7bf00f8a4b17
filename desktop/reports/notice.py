"""公示/公告 on the GB/T 9704-2012 page: A4, top 37 mm, left 28 mm, type area 156 × 225 mm, 22 lines of 28
characters, title 2号 (22 pt) 小标宋-style, body 3号 (16 pt) 仿宋-style, page numbers `— N —` in 4号 宋体 7 mm
below the type area (odd pages right, even pages left, one character in).

A notice may carry a list: it continues as a table whose header repeats on every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from reportlab.lib.pagesizes import A4

from desktop.reports.fonts import FontSet, load_fonts
from desktop.reports.pdfdraw import PagedCanvas, Pen, mm, wrap

PAGE_W, PAGE_H = A4
LEFT = 28 * mm
TOP = 37 * mm
AREA_W = 156 * mm
AREA_H = 225 * mm
AREA_TOP = PAGE_H - TOP  # y of the type area's top edge
AREA_BOTTOM = AREA_TOP - AREA_H
LINES = 22
CHARS = 28
PITCH = AREA_H / LINES  # 28.99 pt
TITLE_SIZE = 22.0
BODY_SIZE = 16.0
PAGE_NO_SIZE = 14.0
CHAR_SPACE = AREA_W / CHARS - BODY_SIZE  # ≈ −0.21 pt: 28 characters fill the line exactly
TABLE_SIZE = 12.0  # 小四 in list tables
TABLE_ROW = 22.0
TITLE_BREAK_AFTER = set("年月日村镇乡县区度季的于")
NO_LINE_START = set("，。、；：？！）》」』】〕〉”’")


@dataclass
class NoticeTable:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float]  # relative column widths
    align: list[str] = field(default_factory=list)  # "left" | "center" | "right" per column


@dataclass
class Notice:
    title: str
    paragraphs: list[str]
    issuer: str
    issued: date
    addressee: str = ""
    table: NoticeTable | None = None
    table_caption: str = ""
    closing: list[str] = field(default_factory=list)  # after the table: period, objections, phone
    copies_note: str = ""


def notice_period(start: date, days: int) -> tuple[date, date]:
    """公示期: `days` calendar days starting on `start`."""
    return start, start + timedelta(days=max(days, 1) - 1)


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass
class RenderInfo:
    pages: int
    fonts: list[str]


class _NoticeLayout:
    def __init__(self, canvas: PagedCanvas, fonts: FontSet) -> None:
        self.c = canvas
        self.fonts = fonts
        self.pen = Pen(canvas, fonts)
        self.y = AREA_TOP  # top of the next free line

    def ascent(self, role: str, size: float) -> float:
        from reportlab.pdfbase.pdfmetrics import getFont

        face = getFont(self.fonts.roles[role].name).face
        return face.ascent / 1000 * size

    def baseline(self, role: str, size: float) -> float:
        """Baseline that puts the glyph tops on the current line's top edge."""
        return self.y - self.ascent(role, size)

    def new_page(self) -> None:
        self.c.showPage()
        self.y = AREA_TOP

    def room(self) -> float:
        return self.y - AREA_BOTTOM

    def line(
        self,
        text: str,
        *,
        role: str = "body",
        size: float = BODY_SIZE,
        x: float = LEFT,
        align: str = "left",
        pitch: float = PITCH,
        char_space: float = CHAR_SPACE,
    ) -> None:
        if self.room() < pitch - 0.01:
            self.new_page()
        self.pen.draw(x, self.baseline(role, size), text, role, size, char_space=char_space, align=align)
        self.y -= pitch

    def blank(self, n: int = 1) -> None:
        self.y -= PITCH * n
        if self.room() < PITCH - 0.01:
            self.new_page()

    def paragraph(self, text: str, *, indent_chars: int = 2) -> None:
        indent = indent_chars * (BODY_SIZE + CHAR_SPACE)
        lines = wrap(self.pen, text, "body", BODY_SIZE, AREA_W, char_space=CHAR_SPACE, first_indent=indent)
        for i, line in enumerate(lines):
            self.line(line, x=LEFT + (indent if i == 0 else 0))

    def title(self, text: str) -> None:
        pitch = max(PITCH, TITLE_SIZE * 1.35)
        # A long title wraps into balanced lines (梯形/菱形), each centred, not a full line and a stub.
        limit = AREA_W - 2 * TITLE_SIZE
        lines = wrap(self.pen, text, "title", TITLE_SIZE, limit, char_space=0)
        if len(lines) > 1:
            target = self.pen.width(text, "title", TITLE_SIZE) / len(lines)
            while target <= limit:
                balanced = wrap(self.pen, text, "title", TITLE_SIZE, target, char_space=0)
                if len(balanced) == len(lines):
                    lines = balanced
                    break
                target += TITLE_SIZE / 2
        if len(lines) == 2:
            lines = self._natural_break(text, limit) or lines
        for line in lines:
            self.line(
                line,
                role="title",
                size=TITLE_SIZE,
                x=LEFT + AREA_W / 2,
                align="center",
                pitch=pitch,
                char_space=0,
            )

    def _natural_break(self, text: str, limit: float) -> list[str] | None:
        """Two title lines split after a place or time word (…村 / …2026年11月 / …的), not inside a word,
        when both halves still fit and stay reasonably balanced."""
        best, best_gap = None, None
        for i in range(2, len(text) - 1):
            if text[i - 1] not in TITLE_BREAK_AFTER or text[i] in NO_LINE_START:
                continue
            w1 = self.pen.width(text[:i], "title", TITLE_SIZE)
            w2 = self.pen.width(text[i:], "title", TITLE_SIZE)
            if max(w1, w2) > limit or min(w1, w2) < 0.55 * max(w1, w2):
                continue
            gap = abs(w1 - w2)
            if best_gap is None or gap < best_gap:
                best, best_gap = [text[:i], text[i:]], gap
        return best

    def table(self, table: NoticeTable) -> None:
        total = sum(table.widths)
        widths = [AREA_W * w / total for w in table.widths]
        aligns = table.align or ["center"] * len(widths)
        self._header(table, widths)
        for row in table.rows:
            cells = [
                wrap(self.pen, str(v), "body", TABLE_SIZE, w - 6) for v, w in zip(row, widths, strict=True)
            ]
            height = max(TABLE_ROW, max(len(c) for c in cells) * TABLE_SIZE * 1.3 + 8)
            if self.room() < height:
                self.new_page()
                self._header(table, widths)
            self._row(cells, widths, aligns, height, "body")
        self.y -= 6

    def _header(self, table: NoticeTable, widths: list[float]) -> None:
        cells = [
            wrap(self.pen, h, "hei", TABLE_SIZE, w - 6) for h, w in zip(table.headers, widths, strict=True)
        ]
        height = max(TABLE_ROW, max(len(c) for c in cells) * TABLE_SIZE * 1.3 + 8)
        if self.room() < height + TABLE_ROW:
            self.new_page()
        self._row(cells, widths, ["center"] * len(widths), height, "hei")

    def _row(
        self, cells: list[list[str]], widths: list[float], aligns: list[str], height: float, role: str
    ) -> None:
        c = self.c
        c.setLineWidth(0.6)
        x = LEFT
        top = self.y
        c.rect(LEFT, top - height, AREA_W, height)
        for cell, w, align in zip(cells, widths, aligns, strict=True):
            if x > LEFT:
                c.line(x, top, x, top - height)
            text_h = len(cell) * TABLE_SIZE * 1.3
            y = top - (height - text_h) / 2 - TABLE_SIZE * 1.0
            for line in cell:
                anchor = {"left": x + 3, "center": x + w / 2, "right": x + w - 3}[align]
                self.pen.draw(anchor, y, line, role, TABLE_SIZE, align=align)
                y -= TABLE_SIZE * 1.3
            x += w
        self.y = top - height

    def signature(self, issuer: str, issued: date) -> None:
        """With a seal: the date ends 4 characters in from the right; the issuer is centred above it; the
        blank lines above leave room for the red seal, stamped over both by hand."""
        date_text = cn_date(issued)
        right = LEFT + AREA_W - 4 * (BODY_SIZE + CHAR_SPACE)
        date_w = self.pen.width(date_text, "body", BODY_SIZE, CHAR_SPACE)
        centre = right - date_w / 2
        if self.room() < 4 * PITCH:
            self.new_page()
        self.blank(2)
        self.line(issuer, x=centre, align="center")
        self.line(date_text, x=right, align="right")


def _page_number(canvas: PagedCanvas, number: int, total: int) -> None:
    fonts = load_fonts()
    pen = Pen(canvas, fonts)
    from reportlab.pdfbase.pdfmetrics import getFont

    ascent = getFont(fonts.roles["song"].name).face.ascent / 1000 * PAGE_NO_SIZE
    y = AREA_BOTTOM - 7 * mm - ascent
    text = f"— {number} —"
    if number % 2:
        pen.draw(LEFT + AREA_W - PAGE_NO_SIZE, y, text, "song", PAGE_NO_SIZE, align="right")
    else:
        pen.draw(LEFT + PAGE_NO_SIZE, y, text, "song", PAGE_NO_SIZE)


def render_notice(notice: Notice, path: str | Path) -> RenderInfo:
    fonts = load_fonts()
    canvas = PagedCanvas(str(path), pagesize=A4, decorate=_page_number, pageCompression=1)
    canvas.setTitle(notice.title)
    canvas.setAuthor(notice.issuer)
    canvas.setCreator("乡镇扶贫工作台")
    layout = _NoticeLayout(canvas, fonts)
    layout.title(notice.title)
    layout.blank()
    if notice.addressee:
        layout.line(notice.addressee + "：")
    for p in notice.paragraphs:
        layout.paragraph(p)
    if notice.table is not None:
        if notice.table_caption:
            layout.line(notice.table_caption, role="hei", size=BODY_SIZE, char_space=CHAR_SPACE)
        layout.table(notice.table)
    for p in notice.closing:
        layout.paragraph(p)
    layout.signature(notice.issuer, notice.issued)
    if notice.copies_note:
        layout.blank()
        layout.paragraph(notice.copies_note)
    canvas.showPage()
    canvas.save()
    return RenderInfo(canvas.page_count, fonts.describe())
