"""One printed copy of a household archive (A4 portrait): cover with the copy's name, contents with page
numbers, a compact list of the items without scans (several to a page: stage, name, date, recorder and note
in full, and every item not yet recorded marked 缺失), then a page per item with scans (images scaled in, PDF
pages merged), and on every page the archive number, the copy and the printed date.

Everything is laid out before anything is drawn (rows measured and wrapped, pages counted), so the contents
page is drawn right the first time. PDF scans are merged onto reserved pages with pypdf."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader

from desktop.clock import cn_date
from desktop.reports.fonts import load_fonts
from desktop.reports.pdfdraw import PagedCanvas, Pen, mm, wrap

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 28 * mm, 20 * mm, 22 * mm, 22 * mm  # wider left margin for binding
AREA_W = PAGE_W - LEFT - RIGHT
GREY = Color(0.35, 0.35, 0.35)
SHADE = Color(0.92, 0.92, 0.92)  # behind a missing item's row
TOC_ROW = 9 * mm
MAX_PIXELS = 1700 * 2400  # about A4 at 200 dpi: scans are scaled down before embedding

# The list of items without scans: 五号 text in ruled rows, the column heads repeated on every page.
LIST_SIZE = 10.5
LIST_LEAD = 5 * mm  # line pitch inside a cell
CELL_PAD_X, CELL_PAD_Y = 1.2 * mm, 1.3 * mm
LIST_HEAD_H = 8 * mm
LIST_TABLE_TOP = PAGE_H - TOP - 24 * mm  # below the list's title and its explanation
LIST_TABLE_TOP_CONT = PAGE_H - TOP - 17 * mm  # below the title of a page that continues the list
LIST_FLOOR = BOTTOM + 2 * mm  # the footer (page number) sits below this
MIN_SPLIT_LINES = 3  # a row is split over two pages only when at least this much of it fits on the first
# (head, width, align); the widths add up to the type area's width
LIST_COLUMNS = [
    ("序号", 9 * mm, "center"),
    ("阶段", 11 * mm, "center"),
    ("材料名称", 42 * mm, "left"),
    ("材料日期", 30 * mm, "left"),
    ("登记人", 18 * mm, "left"),
    ("说明", AREA_W - 110 * mm, "left"),
]
LIST_LEFTS = [LEFT + sum(w for _h, w, _a in LIST_COLUMNS[:k]) for k in range(len(LIST_COLUMNS) + 1)]
MISSING_TEXT = "缺失（尚未登记）"

# An item with scans: its record at the top of its page, the first scan below it when there is room.
FACT_SIZE = 12
FACT_LEAD = 6.5 * mm
FACT_LABEL_W = 24 * mm
SCAN_FLOOR = BOTTOM + 8 * mm
HEADER_RULE = PAGE_H - TOP - 13 * mm  # the rule under an item page's heading
MIN_SCAN_H = 90 * mm  # less room than this under the record: the first scan goes on a page of its own


@dataclass
class ScanFile:
    filename: str
    kind: str  # pdf | jpeg | png
    pages: int
    data: bytes


@dataclass
class ItemSection:
    stage: str
    title: str
    recorded: bool
    done_on: date | None
    note: str
    recorded_by: str  # as it is to be printed: the recorder's name
    scans: list[ScanFile] = field(default_factory=list)

    @property
    def images(self) -> list[ScanFile]:
        return [s for s in self.scans if s.kind != "pdf"]

    @property
    def listed(self) -> bool:
        """In the list rather than on pages of its own: nothing scanned (or not recorded at all)."""
        return not (self.recorded and self.scans)


@dataclass
class ArchiveDocument:
    number: str
    copy_name: str
    copy_index: int
    copy_count: int
    head: str
    code: str
    place: str
    size: int
    issuer: str
    printed: date
    sections: list[ItemSection]


@dataclass(frozen=True)
class ArchiveInfo:
    pages: int
    fonts: list[str]
    toc: list[tuple[str, int | None]]  # item title → the page that holds it (its list row or its own page)


TOC_LINE = 6 * mm  # between the lines of a title too long for one line
TOC_HEAD_Y = PAGE_H - TOP - 30 * mm  # the baseline of the contents' column heads
X_NO, X_STAGE, X_TITLE, X_PAGE = LEFT, LEFT + 14 * mm, LEFT + 34 * mm, PAGE_W - RIGHT
TOC_TITLE_W = X_PAGE - X_TITLE - 14 * mm  # room left for the dot leader and the page number


def _toc_title(s: ItemSection) -> str:
    return s.title if s.recorded else f"{s.title}（缺）"


def _toc_pages(pen: Pen, sections: list[ItemSection]) -> list[list[tuple[int, ItemSection, list[str]]]]:
    """The contents' entries page by page: (number, item, its title's lines)."""
    pages: list[list[tuple[int, ItemSection, list[str]]]] = [[]]
    y = TOC_HEAD_Y
    for n, s in enumerate(sections, start=1):
        lines = wrap(pen, _toc_title(s), "song", 12, TOC_TITLE_W)
        height = TOC_ROW + (len(lines) - 1) * TOC_LINE
        if pages[-1] and y - height < BOTTOM + 2 * mm:
            pages.append([])
            y = TOC_HEAD_Y
        pages[-1].append((n, s, lines))
        y -= height
    return pages


# --- layout: every row, line and page worked out before drawing ---------------------------------------------


@dataclass
class _Chunk:
    """The part of an item's list row on one page: lines [start, end) of every cell."""

    number: int  # the item's number in the contents
    section: ItemSection
    cells: list[list[str]]  # wrapped lines per column; a missing item has one merged cell after its name
    start: int
    end: int

    @property
    def height(self) -> float:
        return (self.end - self.start) * LIST_LEAD + 2 * CELL_PAD_Y


@dataclass
class _ScanUnit:
    scan: ScanFile
    page: int = 0  # the page of a PDF scan, from 0


@dataclass
class _SectionPage:
    """One page of an item with scans: its header, lines of its record, and at most one scan below them."""

    suffix: str
    facts: list[tuple[float, str, str]]  # (baseline, label or "", text)
    unit: _ScanUnit | None = None
    scan_top: float = 0.0


@dataclass
class _Layout:
    toc: list[list[tuple[int, ItemSection, list[str]]]]
    list_pages: list[list[_Chunk]]
    sections: list[tuple[ItemSection, list[_SectionPage]]]  # the items with scans, in order
    firsts: list[int | None]  # per item of the document: the page that holds it

    @property
    def pages(self) -> int:
        return 1 + len(self.toc) + len(self.list_pages) + sum(len(p) for _s, p in self.sections)


def _cells(pen: Pen, number: int, s: ItemSection) -> list[list[str]]:
    def lines(text: str, column: int, role: str = "song") -> list[str]:
        width = LIST_COLUMNS[column][1] - 2 * CELL_PAD_X
        return [line for line in wrap(pen, text, role, LIST_SIZE, width) if line] or [""]

    cells = [lines(str(number), 0), lines(s.stage, 1), lines(s.title, 2)]
    if not s.recorded:
        merged = sum(w for _h, w, _a in LIST_COLUMNS[3:]) - 2 * CELL_PAD_X
        return [*cells, wrap(pen, MISSING_TEXT, "hei", LIST_SIZE, merged)]
    return [
        *cells,
        lines(cn_date(s.done_on) if s.done_on else "—", 3),
        lines(s.recorded_by or "—", 4),
        lines(s.note or "—", 5),
    ]


def _paginate_list(pen: Pen, items: list[tuple[int, ItemSection]]) -> list[list[_Chunk]]:
    """Rows fill a page top to bottom; a row that does not fit starts the next page, and one too long for any
    page (a very long note) is split between pages, so every line of it is printed."""
    body_top = LIST_TABLE_TOP_CONT - LIST_HEAD_H  # on the pages after the first
    fresh = int((body_top - LIST_FLOOR - 2 * CELL_PAD_Y) // LIST_LEAD)  # lines a whole page holds
    pages: list[list[_Chunk]] = [[]]
    y = LIST_TABLE_TOP - LIST_HEAD_H
    for number, s in items:
        cells = _cells(pen, number, s)
        total = max(len(c) for c in cells)
        start = 0
        while start < total:
            room = int((y - LIST_FLOOR - 2 * CELL_PAD_Y) // LIST_LEAD)
            need = total - start
            if need > room and pages[-1] and (need <= fresh or room < MIN_SPLIT_LINES):
                pages.append([])
                y = body_top
                continue
            end = start + min(need, room)
            chunk = _Chunk(number, s, cells, start, end)
            pages[-1].append(chunk)
            y -= chunk.height
            start = end
    return [p for p in pages if p]


def _facts(s: ItemSection) -> list[tuple[str, str]]:
    attachments = "；".join(
        f"{f.filename}（{f.pages}页）" if f.kind == "pdf" else f.filename for f in s.scans
    )
    return [
        ("材料日期", cn_date(s.done_on) if s.done_on else "—"),
        ("登 记 人", s.recorded_by or "—"),
        ("附　　件", attachments),
        ("说　　明", s.note or "—"),
    ]


def _section_pages(pen: Pen, s: ItemSection) -> list[_SectionPage]:
    """An item with scans: its record (continued on the next page if it is that long), then its scans, the
    first under the record when there is room for it, every further one on a page of its own."""
    units = [_ScanUnit(f, k) for f in s.scans for k in (range(f.pages) if f.kind == "pdf" else range(1))]
    pages = [_SectionPage("", [])]
    y = HEADER_RULE - 9 * mm
    for label, value in _facts(s):
        lines = wrap(pen, value, "song", FACT_SIZE, AREA_W - FACT_LABEL_W)
        for k, line in enumerate(lines):
            if y < SCAN_FLOOR:
                pages.append(_SectionPage("（续）", []))
                y = HEADER_RULE - 9 * mm
            pages[-1].facts.append((y, f"{label}：" if k == 0 else "", line))
            y -= FACT_LEAD
        y -= 1.5 * mm
    first = 0
    if units and y - 4 * mm - SCAN_FLOOR >= MIN_SCAN_H:
        pages[-1].unit, pages[-1].scan_top = units[0], y - 4 * mm
        first = 1
    for unit in units[first:]:
        f = unit.scan
        suffix = f"（续）— {f.filename}"
        if f.kind == "pdf":
            suffix += f" 第{unit.page + 1}/{f.pages}页"
        pages.append(_SectionPage(suffix, [], unit, HEADER_RULE - 5 * mm))
    return pages


def _layout(pen: Pen, doc: ArchiveDocument) -> _Layout:
    toc = _toc_pages(pen, doc.sections)
    numbered = list(enumerate(doc.sections, start=1))
    list_pages = _paginate_list(pen, [(n, s) for n, s in numbered if s.listed])
    firsts: dict[int, int] = {}
    page = 1 + len(toc) + 1
    for p in list_pages:
        for chunk in p:
            firsts.setdefault(chunk.number, page)
        page += 1
    sections = []
    for n, s in numbered:
        if not s.listed:
            plan = _section_pages(pen, s)
            firsts[n] = page
            page += len(plan)
            sections.append((s, plan))
    return _Layout(toc, list_pages, sections, [firsts.get(n) for n, _s in numbered])


def plan_pages(doc: ArchiveDocument) -> tuple[int, list[int | None]]:
    """(pages of contents, the page that holds every item) — the numbers the contents page prints."""
    lay = _layout(Pen(None, load_fonts()), doc)  # measuring only: no canvas needed
    return len(lay.toc), lay.firsts


def _fit(pen: Pen, text: str, role: str, size: float, width: float) -> float:
    """The size at which a line that must stay one line (a heading, a field of the cover) fits `width`:
    `size`, or smaller for a very long one, never cut short."""
    natural = pen.width(text, role, size)
    return size if natural <= width else size * width / natural


def _prepared_image(data: bytes) -> ImageReader:
    from PIL import Image

    img = Image.open(io.BytesIO(data))
    img.load()
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    if img.width * img.height > MAX_PIXELS:
        scale = (MAX_PIXELS / (img.width * img.height)) ** 0.5
        img = img.resize((max(1, int(img.width * scale)), max(1, int(img.height * scale))))
    return ImageReader(img)


# --- drawing --------------------------------------------------------------------------------------------


class _Drawer:
    def __init__(self, doc: ArchiveDocument, canvas: PagedCanvas) -> None:
        self.doc = doc
        self.c = canvas
        self.fonts = load_fonts()
        self.pen = Pen(canvas, self.fonts)
        # (page index from 0, pdf bytes, page in that pdf, box) for pypdf to fill in afterwards
        self.merges: list[tuple[int, bytes, int, tuple[float, float, float, float]]] = []

    def _page_index(self) -> int:
        return self.c.page_count

    def cover(self) -> None:
        d, pen, c = self.doc, self.pen, self.c
        pen.draw(PAGE_W / 2, PAGE_H - 70 * mm, "贫 困 户 档 案", "title", 36, align="center")
        pen.draw(PAGE_W / 2, PAGE_H - 88 * mm, "（一户一档）", "body", 18, align="center")
        c.setLineWidth(1.5)
        c.rect(PAGE_W / 2 - 40 * mm, PAGE_H - 118 * mm, 80 * mm, 16 * mm)
        pen.draw(PAGE_W / 2, PAGE_H - 112.5 * mm, d.copy_name, "hei", 20, align="center")
        pen.draw(
            PAGE_W / 2,
            PAGE_H - 126 * mm,
            f"一式{d.copy_count}份　第{d.copy_index}份",
            "body",
            14,
            align="center",
        )
        rows = [
            ("档 案 号", d.number),
            ("户主姓名", d.head),
            ("户 编 号", d.code),
            ("家庭住址", d.place),
            ("家庭人口", f"{d.size}人"),
        ]
        top = PAGE_H - 150 * mm
        x0, x1, x2 = LEFT + 15 * mm, LEFT + 50 * mm, PAGE_W - RIGHT - 15 * mm
        c.setLineWidth(0.6)
        for i, (label, value) in enumerate(rows):
            y = top - i * 13 * mm
            pen.draw(x0, y, label + "：", "body", 16)
            pen.draw(x1 + 2 * mm, y, value, "body", _fit(pen, value, "body", 16, x2 - x1 - 2 * mm))
            c.line(x1, y - 2.5 * mm, x2, y - 2.5 * mm)
        pen.draw(PAGE_W / 2, BOTTOM + 35 * mm, d.issuer, "body", 16, align="center")
        pen.draw(PAGE_W / 2, BOTTOM + 25 * mm, f"打印于{cn_date(d.printed)}", "body", 14, align="center")
        c.showPage()

    def contents(self, toc: list[list[tuple[int, ItemSection, list[str]]]], firsts: list[int | None]) -> None:
        pen, c = self.pen, self.c
        for entries in toc:
            pen.draw(PAGE_W / 2, PAGE_H - TOP - 14 * mm, "目　录", "hei", 20, align="center")
            y = TOC_HEAD_Y
            pen.draw(X_NO, y, "序号", "hei", 12)
            pen.draw(X_STAGE, y, "阶段", "hei", 12)
            pen.draw(X_TITLE, y, "材料名称", "hei", 12)
            pen.draw(X_PAGE, y, "页码", "hei", 12, align="right")
            c.setLineWidth(0.8)
            c.line(LEFT, y - 3 * mm, PAGE_W - RIGHT, y - 3 * mm)
            for n, s, lines in entries:
                y -= TOC_ROW
                pen.draw(X_NO + 4 * mm, y, str(n), "song", 12, align="center")
                pen.draw(X_STAGE, y, s.stage, "song", 12)
                for k, line in enumerate(lines):
                    if k:
                        y -= TOC_LINE
                    pen.draw(X_TITLE, y, line, "song", 12)
                first = firsts[n - 1]
                page_text = str(first) if first is not None else "—"
                w_title = pen.width(lines[-1], "song", 12)
                w_page = pen.width(page_text, "song", 12)
                # dot leader between the (last line of the) title and its page number
                c.setFillColor(GREY)
                dots_from, dots_to = X_TITLE + w_title + 3 * mm, X_PAGE - w_page - 3 * mm
                x = dots_from
                while x < dots_to:
                    c.circle(x, y + 1.2, 0.35, stroke=0, fill=1)
                    x += 2 * mm
                c.setFillColor(black)
                pen.draw(X_PAGE, y, page_text, "song", 12, align="right")
            c.showPage()

    def item_list(self, pages: list[list[_Chunk]]) -> None:
        """The items without scans, ruled rows under column heads repeated on every page."""
        pen, c = self.pen, self.c
        for p, chunks in enumerate(pages):
            pen.draw(LEFT, PAGE_H - TOP - 10 * mm, "材料清单" if p == 0 else "材料清单（续）", "hei", 16)
            if p == 0:
                pen.draw(LEFT, PAGE_H - TOP - 17 * mm, self._list_note(), "song", 10.5)
            top = LIST_TABLE_TOP if p == 0 else LIST_TABLE_TOP_CONT
            base = top - LIST_HEAD_H / 2 - 0.38 * LIST_SIZE
            for (head, w, _a), x in zip(LIST_COLUMNS, LIST_LEFTS, strict=False):
                pen.draw(x + w / 2, base, head, "hei", LIST_SIZE, align="center")
            c.setLineWidth(0.4)
            for x in LIST_LEFTS:  # the heads' own vertical rules
                c.line(x, top, x, top - LIST_HEAD_H)
            y = top - LIST_HEAD_H
            rules = [(top, 0.8), (y, 0.8)]
            for chunk in chunks:
                y = self._list_row(chunk, y)
                rules.append((y, 0.4))
            for at, width in rules:
                c.setLineWidth(width)
                c.line(LEFT, at, LIST_LEFTS[-1], at)
            c.showPage()

    def _list_note(self) -> str:
        missing = sum(not s.recorded for s in self.doc.sections)
        if not any(s.recorded for s in self.doc.sections if s.listed):
            return f"下列{missing}项材料尚未登记（缺失）。"
        if missing:
            return f"下列已登记材料未附扫描件，纸质原件另存；标“缺失”的{missing}项尚未登记。"
        return "下列已登记材料未附扫描件，纸质原件另存。"

    def _list_row(self, chunk: _Chunk, y: float) -> float:
        """One item's row (or the part of it on this page) from y down; returns its bottom."""
        pen, c, lefts = self.pen, self.c, LIST_LEFTS
        bottom = y - chunk.height
        merged = not chunk.section.recorded  # a missing item: one shaded cell after its name
        if merged:
            c.setFillColor(SHADE)
            c.rect(lefts[3], bottom, lefts[-1] - lefts[3], chunk.height, stroke=0, fill=1)
            c.setFillColor(black)
        for col, lines in enumerate(chunk.cells):
            x = lefts[col]
            w = lefts[-1] - x if merged and col == 3 else LIST_COLUMNS[col][1]
            align = LIST_COLUMNS[col][2]
            role = "hei" if merged and col == 3 else "song"
            shown = lines[chunk.start : chunk.end]
            if col == 2 and chunk.start > 0 and not any(shown):
                shown = ["（续上页）"]
            for k, line in enumerate(shown):
                baseline = y - CELL_PAD_Y - k * LIST_LEAD - LIST_LEAD / 2 - 0.38 * LIST_SIZE
                pen.draw(
                    x + w / 2 if align == "center" else x + CELL_PAD_X,
                    baseline,
                    line,
                    role,
                    LIST_SIZE,
                    align=align,
                )
        c.setLineWidth(0.4)
        for k, x in enumerate(lefts):
            if not (merged and k in (4, 5)):
                c.line(x, y, x, bottom)
        return bottom

    def _item_header(self, s: ItemSection, suffix: str = "") -> None:
        pen = self.pen
        y = PAGE_H - TOP - 10 * mm
        head = f"【{s.stage}】{s.title}{suffix}"
        pen.draw(LEFT, y, head, "hei", _fit(pen, head, "hei", 16, AREA_W))
        self.c.setLineWidth(0.8)
        self.c.line(LEFT, HEADER_RULE, PAGE_W - RIGHT, HEADER_RULE)

    def section(self, s: ItemSection, plan: list[_SectionPage]) -> None:
        for page in plan:
            self._item_header(s, page.suffix)
            for y, label, line in page.facts:
                if label:
                    self.pen.draw(LEFT, y, label, "song", FACT_SIZE)
                self.pen.draw(LEFT + FACT_LABEL_W, y, line, "song", FACT_SIZE)
            if page.unit is not None:
                f = page.unit.scan
                if f.kind == "pdf":
                    box = (LEFT, SCAN_FLOOR, AREA_W, page.scan_top - SCAN_FLOOR)
                    self.merges.append((self._page_index(), f.data, page.unit.page, box))
                    self._frame(*_placed(_pdf_page_size(f.data, page.unit.page), box))
                else:
                    self._image(f, page.scan_top)
            self.c.showPage()

    def _image(self, f: ScanFile, top: float) -> None:
        img = _prepared_image(f.data)
        iw, ih = img.getSize()
        box_w, box_h = AREA_W, top - SCAN_FLOOR
        scale = min(box_w / iw, box_h / ih)
        w, h = iw * scale, ih * scale
        x = LEFT + (box_w - w) / 2
        self.c.drawImage(img, x, top - h, w, h)
        self._frame(x, top - h, w, h)

    def _frame(self, x: float, y: float, w: float, h: float) -> None:
        """A hairline round a scan, so a white page of it shows where it ends."""
        self.c.setLineWidth(0.3)
        self.c.rect(x, y, w, h)


def _pdf_page_size(data: bytes, k: int) -> tuple[float, float]:
    """The size of a scanned PDF's page as it is shown (turned the way its /Rotate says)."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(data)).pages[k]
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    return (h, w) if page.rotation % 180 else (w, h)


def _placed(
    size: tuple[float, float], box: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """Where a page of `size` lands in `box` (x, y, w, h): scaled to fit, centred across, at the top."""
    (sw, sh), (x, y, w, h) = size, box
    scale = min(w / sw, h / sh)
    return x + (w - sw * scale) / 2, y + h - sh * scale, sw * scale, sh * scale


def _decorate(doc: ArchiveDocument):
    def draw(canvas: PagedCanvas, number: int, total: int) -> None:
        if number == 1:
            return  # the cover carries its own date
        pen = Pen(canvas, load_fonts())
        canvas.setFillColor(GREY)
        head = f"档案号 {doc.number}　{doc.head}户　{doc.copy_name}"
        pen.draw(LEFT, PAGE_H - TOP + 4 * mm, head, "song", 9)
        pen.draw(
            PAGE_W - RIGHT,
            PAGE_H - TOP + 4 * mm,
            f"打印日期：{cn_date(doc.printed)}",
            "song",
            9,
            align="right",
        )
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.3)
        canvas.line(LEFT, PAGE_H - TOP + 2.5 * mm, PAGE_W - RIGHT, PAGE_H - TOP + 2.5 * mm)
        pen.draw(PAGE_W / 2, BOTTOM - 8 * mm, f"第 {number} 页　共 {total} 页", "song", 9, align="center")
        canvas.setFillColor(black)
        canvas.setStrokeColor(black)

    return draw


def _merge(path: Path, merges: list[tuple[int, bytes, int, tuple[float, float, float, float]]]) -> None:
    from pypdf import PdfWriter, Transformation

    writer = PdfWriter(clone_from=str(path))
    sources: dict[int, PdfWriter] = {}  # a writer owns its pages, so their rotation can be made content
    for index, data, k, (x, y, w, h) in merges:
        source = sources.setdefault(id(data), PdfWriter(clone_from=io.BytesIO(data)))
        src = source.pages[k]
        if src.rotation:
            src.transfer_rotation_to_content()
        box = src.mediabox
        sw, sh = float(box.width), float(box.height)
        px, py, pw, _ph = _placed((sw, sh), (x, y, w, h))
        scale = pw / sw
        tx = px - float(box.left) * scale
        ty = py - float(box.bottom) * scale
        writer.pages[index].merge_transformed_page(src, Transformation().scale(scale).translate(tx, ty))
    writer.compress_identical_objects()
    tmp = path.with_suffix(path.suffix + ".part")
    with open(tmp, "wb") as fh:
        writer.write(fh)
    tmp.replace(path)


def render_archive(doc: ArchiveDocument, path: str | Path) -> ArchiveInfo:
    path = Path(path)
    canvas = PagedCanvas(str(path), pagesize=A4, decorate=_decorate(doc), pageCompression=1)
    canvas.setTitle(f"{doc.head}户档案（{doc.copy_name}）")
    canvas.setAuthor(doc.issuer)
    canvas.setCreator("乡镇扶贫工作台")
    drawer = _Drawer(doc, canvas)
    lay = _layout(drawer.pen, doc)
    drawer.cover()
    drawer.contents(lay.toc, lay.firsts)
    drawer.item_list(lay.list_pages)
    for s, plan in lay.sections:
        drawer.section(s, plan)
    pages = canvas.page_count
    assert pages == lay.pages, (pages, lay.pages)  # the contents' numbers were counted on these pages
    canvas.save()
    if drawer.merges:
        _merge(path, drawer.merges)
    return ArchiveInfo(
        pages,
        drawer.fonts.describe(),
        [(s.title, f) for s, f in zip(doc.sections, lay.firsts, strict=True)],
    )
