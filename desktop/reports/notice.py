"""公示/公告 on the GB/T 9704-2012 page: A4, top 37 mm, left 28 mm, type area 156 × 225 mm, 22 lines of 28
characters, title 2号 (22 pt) 小标宋-style, body 3号 (16 pt) 仿宋-style, page numbers `— N —` in 4号 宋体 7 mm
below the type area (odd pages right, even pages left, one character in).

A notice may carry a list: it continues as a table whose header repeats on every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from itertools import combinations, pairwise
from pathlib import Path

from reportlab.lib.pagesizes import A4

from desktop.clock import cn_date
from desktop.reports.fonts import FontSet, load_fonts
from desktop.reports.pdfdraw import NO_END, NO_START, SOFT_BREAKS, UNITS, PagedCanvas, Pen, mm, wrap

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
STAMP_SIZE = 8.0  # the 审计校验码 under the page number
CHAR_SPACE = AREA_W / CHARS - BODY_SIZE  # ≈ −0.21 pt: 28 characters fill the line exactly
TABLE_SIZE = 12.0  # 小四 in list tables
TABLE_ROW = 22.0
TITLE_BREAK_AFTER = set("年月日村镇乡县区度季的于")
# Terms a title line never splits (GB/T 9704 7.3.1: 回行时要做到词意完整): "防返贫监 / 测对象" reads as nonsense.
TITLE_WORDS = (
    "防返贫",
    "监测对象",
    "风险消除",
    "纳入",
    "名单",
    "公示",
    "公告",
    "贫困户",
    "孝善基金",
    "扶贫超市",
    "扶贫项目",
    "项目资金",
)


@dataclass
class NoticeTable:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float]  # relative column widths
    align: list[str] = field(default_factory=list)  # "left" | "center" | "right" per column
    nowrap: list[bool] = field(default_factory=list)  # columns as wide as their widest cell (never wrapped)


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
    stamp: str = ""  # 审计校验码 …: small, under the page number (desktop.services.system.audit.stamp)


def _break_cost(text: str, i: int) -> float | None:
    """How bad it is to break a title between text[:i] and text[i:]; None where it must not break: inside a
    number or a date ("2026年 / 11月"), before closing or after opening punctuation."""
    before, after = text[i - 1], text[i]
    if after in NO_START or before in NO_END:
        return None
    if before.isdigit() and after.isdigit():
        return None
    if after.isdigit() and before in "年月" and i >= 2 and text[i - 2].isdigit():
        return None  # 2026年 | 11月 | 2日 is one date
    if after in UNITS and before.isdigit():
        return None
    if before + after in ("年度", "季度", "村民", "镇人", "乡人"):  # words that end in a break word
        return None
    for word in TITLE_WORDS:
        start = text.find(word, max(0, i - len(word) + 1))
        if 0 <= start < i < start + len(word):
            return None
    return 0.0 if before in TITLE_BREAK_AFTER else 1.0


def title_lines(pen: Pen, text: str, limit: float) -> list[str]:
    """A title in as few lines as fit `limit`, broken where the words allow (after a place or time word, never
    inside a date), as even as possible (梯形/菱形), and never leaving a stub of one or two characters."""
    if pen.width(text, "title", TITLE_SIZE) <= limit or len(text) < 4:
        return [text]
    cuts = [i for i in range(1, len(text)) if _break_cost(text, i) is not None]

    def width(a: int, b: int) -> float:
        return pen.width(text[a:b], "title", TITLE_SIZE)

    for count in (2, 3):  # longer titles than three lines are broken greedily
        best: tuple[float, tuple[int, ...]] | None = None
        for chosen in combinations(cuts, count - 1):
            bounds = (0, *chosen, len(text))
            widths = [width(a, b) for a, b in pairwise(bounds)]
            if max(widths) > limit:
                continue
            shortest = min(b - a for a, b in pairwise(bounds))
            cost = sum(_break_cost(text, i) or 0.0 for i in chosen) * 2
            cost += (max(widths) - min(widths)) / TITLE_SIZE
            cost += 20.0 if shortest < 3 else 0.0
            if best is None or cost < best[0]:
                best = (cost, chosen)
        if best is not None:
            bounds = (0, *best[1], len(text))
            return [text[a:b] for a, b in pairwise(bounds)]
    return wrap(pen, text, "title", TITLE_SIZE, limit)


def notice_period(start: date, days: int) -> tuple[date, date]:
    """公示期: `days` calendar days starting on `start`."""
    return start, start + timedelta(days=max(days, 1) - 1)


@dataclass
class RenderInfo:
    pages: int
    fonts: list[str]


class _NoticeLayout:
    def __init__(self, canvas: PagedCanvas, fonts: FontSet, break_before: int | None = None) -> None:
        self.c = canvas
        self.fonts = fonts
        self.pen = Pen(canvas, fonts)
        self.y = AREA_TOP  # top of the next free line
        # Body lines and table rows in order, each with the page it landed on: what can move to the next page
        # to keep company with the 落款. `break_before` starts a new page before that unit.
        self.units: list[int] = []
        self.break_before = break_before
        self.signature_alone = False

    def unit(self, height: float) -> None:
        """Called before a body line or table row of `height` is drawn."""
        if len(self.units) == self.break_before:
            self.new_page()
        elif self.room() < height - 0.01:
            self.new_page()
        self.units.append(self.c.page_count)

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
            self.unit(PITCH)
            self.line(line, x=LEFT + (indent if i == 0 else 0))

    def title(self, text: str) -> None:
        pitch = max(PITCH, TITLE_SIZE * 1.35)
        for line in title_lines(self.pen, text, AREA_W - 2 * TITLE_SIZE):
            self.line(
                line,
                role="title",
                size=TITLE_SIZE,
                x=LEFT + AREA_W / 2,
                align="center",
                pitch=pitch,
                char_space=0,
            )

    def column_widths(self, table: NoticeTable) -> list[float]:
        """Columns marked nowrap (numbers, amounts, names) as wide as their widest cell; the others share the
        rest by their relative widths."""
        total = sum(table.widths)
        widths = [AREA_W * w / total for w in table.widths]
        rigid = table.nowrap or [False] * len(widths)
        need = {
            i: max(self.pen.width(str(r[i]), "body", TABLE_SIZE) for r in [table.headers, *table.rows]) + 8
            for i, keep in enumerate(rigid)
            if keep
        }
        free = AREA_W - sum(need.values())
        weights = sum(w for i, w in enumerate(table.widths) if i not in need)
        if not need or free <= 0 or weights <= 0:
            return widths
        return [need[i] if i in need else free * w / weights for i, w in enumerate(table.widths)]

    def table(self, table: NoticeTable) -> None:
        widths = self.column_widths(table)
        aligns = table.align or ["center"] * len(widths)
        self._header(table, widths)
        for row in table.rows:
            cells = [
                wrap(self.pen, str(v), "body", TABLE_SIZE, w - 6, soft=SOFT_BREAKS)
                for v, w in zip(row, widths, strict=True)
            ]
            height = max(TABLE_ROW, max(len(c) for c in cells) * TABLE_SIZE * 1.3 + 8)
            page = self.c.page_count
            self.unit(height)
            if self.c.page_count != page:
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
        if self.room() < 4 * PITCH - 0.01:
            # GB/T 9704 §7.3.5.1: no signature page without body text; the caller moves lines over and lays
            # the notice out again.
            self.signature_alone = True
            self.new_page()
        self.y -= 2 * PITCH
        self.line(issuer, x=centre, align="center")
        self.line(date_text, x=right, align="right")


def _page_number(canvas: PagedCanvas, number: int, total: int, stamp: str = "") -> None:
    fonts = load_fonts()
    pen = Pen(canvas, fonts)
    from reportlab.pdfbase.pdfmetrics import getFont

    face = getFont(fonts.roles["song"].name).face
    ascent = face.ascent / 1000 * PAGE_NO_SIZE
    y = AREA_BOTTOM - 7 * mm - ascent
    text = f"— {number} —"
    x, align = (LEFT + AREA_W - PAGE_NO_SIZE, "right") if number % 2 else (LEFT + PAGE_NO_SIZE, "left")
    pen.draw(x, y, text, "song", PAGE_NO_SIZE, align=align)
    if stamp:  # below the page number, on its side: outside the type area, ≥ 15 mm from the paper's edge
        y -= -face.descent / 1000 * PAGE_NO_SIZE + 1 * mm + face.ascent / 1000 * STAMP_SIZE
        pen.draw(x, y, stamp, "song", STAMP_SIZE, align=align)


# Body lines that go over to the 落款's page when it would otherwise stand alone (GB/T 9704 §7.3.5.1 wants
# text above a seal; moving lines is the standard's own remedy, 「此页无正文」 is not used).
KEEP_WITH_SIGNATURE = 2


def _lay_out(notice: Notice, canvas: PagedCanvas, fonts: FontSet, break_before: int | None) -> _NoticeLayout:
    layout = _NoticeLayout(canvas, fonts, break_before)
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
    return layout


def _canvas(notice: Notice, target) -> PagedCanvas:
    canvas = PagedCanvas(
        target, pagesize=A4, decorate=partial(_page_number, stamp=notice.stamp), pageCompression=1
    )
    canvas.setTitle(notice.title)
    canvas.setAuthor(notice.issuer)
    canvas.setCreator("乡镇扶贫工作台")
    return canvas


def render_notice(notice: Notice, path: str | Path) -> RenderInfo:
    fonts = load_fonts()
    canvas = _canvas(notice, str(path))
    layout = _lay_out(notice, canvas, fonts, None)
    if layout.signature_alone and len(layout.units) > KEEP_WITH_SIGNATURE:
        # Lay it out again with the last body lines (or table rows) starting the 落款's page.
        canvas = _canvas(notice, str(path))
        _lay_out(notice, canvas, fonts, len(layout.units) - KEEP_WITH_SIGNATURE)
    canvas.save()
    return RenderInfo(canvas.page_count, fonts.describe())
