"""One printed copy of a household archive (A4 portrait): cover with the copy's name, contents with page
numbers, a page per item with its record and scans (images scaled in, PDF pages merged), and on every page
the archive number, the copy and the printed date.

Page numbers are known before drawing (an item takes one page, one more per further image, one per PDF page),
so the contents page is drawn right the first time. PDF scans are merged onto reserved pages with pypdf."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader

from desktop.reports.fonts import load_fonts
from desktop.reports.notice import cn_date
from desktop.reports.pdfdraw import PagedCanvas, Pen, mm, wrap

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 28 * mm, 20 * mm, 22 * mm, 22 * mm  # wider left margin for binding
AREA_W = PAGE_W - LEFT - RIGHT
GREY = Color(0.35, 0.35, 0.35)
TOC_ROW = 9 * mm
MAX_PIXELS = 1700 * 2400  # about A4 at 200 dpi: scans are scaled down before embedding


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
    recorded_by: str
    scans: list[ScanFile] = field(default_factory=list)

    @property
    def images(self) -> list[ScanFile]:
        return [s for s in self.scans if s.kind != "pdf"]

    @property
    def page_count(self) -> int:
        if not self.recorded:
            return 0
        return 1 + max(0, len(self.images) - 1) + sum(s.pages for s in self.scans if s.kind == "pdf")


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
    toc: list[tuple[str, int | None]]  # item title → first page (None when missing)


def toc_rows_per_page() -> int:
    return int((PAGE_H - TOP - BOTTOM - 30 * mm) // TOC_ROW)


def plan_pages(doc: ArchiveDocument) -> tuple[int, list[int | None]]:
    """(pages of contents, first page of every section) — the numbers the contents page prints."""
    per = toc_rows_per_page()
    toc_pages = max(1, -(-len(doc.sections) // per))
    page = 1 + toc_pages + 1
    firsts: list[int | None] = []
    for s in doc.sections:
        if s.recorded:
            firsts.append(page)
            page += s.page_count
        else:
            firsts.append(None)
    return toc_pages, firsts


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
            lines = wrap(pen, value, "body", 16, x2 - x1)
            pen.draw(x1 + 2 * mm, y, lines[0], "body", 16)
            c.line(x1, y - 2.5 * mm, x2, y - 2.5 * mm)
        pen.draw(PAGE_W / 2, BOTTOM + 35 * mm, d.issuer, "body", 16, align="center")
        pen.draw(PAGE_W / 2, BOTTOM + 25 * mm, f"打印于{cn_date(d.printed)}", "body", 14, align="center")
        c.showPage()

    def contents(self, toc_pages: int, firsts: list[int | None]) -> None:
        pen, c = self.pen, self.c
        per = toc_rows_per_page()
        x_no, x_stage, x_title, x_page = LEFT, LEFT + 14 * mm, LEFT + 34 * mm, PAGE_W - RIGHT
        for p in range(toc_pages):
            pen.draw(PAGE_W / 2, PAGE_H - TOP - 14 * mm, "目　录", "hei", 20, align="center")
            y = PAGE_H - TOP - 30 * mm
            pen.draw(x_no, y, "序号", "hei", 12)
            pen.draw(x_stage, y, "阶段", "hei", 12)
            pen.draw(x_title, y, "材料名称", "hei", 12)
            pen.draw(x_page, y, "页码", "hei", 12, align="right")
            c.setLineWidth(0.8)
            c.line(LEFT, y - 3 * mm, PAGE_W - RIGHT, y - 3 * mm)
            chunk = list(enumerate(zip(self.doc.sections, firsts, strict=True), start=1))[
                p * per : (p + 1) * per
            ]
            for n, (s, first) in chunk:
                y -= TOC_ROW
                pen.draw(x_no + 4 * mm, y, str(n), "song", 12, align="center")
                pen.draw(x_stage, y, s.stage, "song", 12)
                title = s.title if s.recorded else f"{s.title}（缺）"
                pen.draw(x_title, y, title, "song", 12)
                page_text = str(first) if first is not None else "—"
                w_title = pen.width(title, "song", 12)
                w_page = pen.width(page_text, "song", 12)
                # dot leader between the title and its page number
                c.setFillColor(GREY)
                dots_from, dots_to = x_title + w_title + 3 * mm, x_page - w_page - 3 * mm
                x = dots_from
                while x < dots_to:
                    c.circle(x, y + 1.2, 0.35, stroke=0, fill=1)
                    x += 2 * mm
                c.setFillColor(black)
                pen.draw(x_page, y, page_text, "song", 12, align="right")
            c.showPage()

    def _item_header(self, s: ItemSection, suffix: str = "") -> float:
        pen = self.pen
        y = PAGE_H - TOP - 10 * mm
        pen.draw(LEFT, y, f"【{s.stage}】{s.title}{suffix}", "hei", 16)
        self.c.setLineWidth(0.8)
        self.c.line(LEFT, y - 3 * mm, PAGE_W - RIGHT, y - 3 * mm)
        return y - 3 * mm

    def section(self, s: ItemSection) -> None:
        pen, c = self.pen, self.c
        y = self._item_header(s)
        facts = [
            ("材料日期", cn_date(s.done_on) if s.done_on else "—"),
            ("登 记 人", s.recorded_by or "—"),
            (
                "附　　件",
                "；".join(f"{f.filename}（{f.pages}页）" if f.kind == "pdf" else f.filename for f in s.scans)
                or "无（纸质原件另存）",
            ),
            ("说　　明", s.note or "—"),
        ]
        y -= 9 * mm
        for label, value in facts:
            pen.draw(LEFT, y, label + "：", "song", 12)
            for line in wrap(pen, value, "song", 12, AREA_W - 24 * mm):
                pen.draw(LEFT + 24 * mm, y, line, "song", 12)
                y -= 6.5 * mm
            y -= 1.5 * mm
        images = s.images
        if images:
            self._image(images[0], y - 4 * mm)
        c.showPage()
        for f in images[1:]:
            top = self._item_header(s, f"（续）— {f.filename}")
            self._image(f, top - 5 * mm)
            c.showPage()
        for f in (f for f in s.scans if f.kind == "pdf"):
            for k in range(f.pages):
                top = self._item_header(s, f"（续）— {f.filename} 第{k + 1}/{f.pages}页")
                box = (LEFT, BOTTOM + 8 * mm, AREA_W, top - 4 * mm - (BOTTOM + 8 * mm))
                self.merges.append((self._page_index(), f.data, k, box))
                c.showPage()

    def _image(self, f: ScanFile, top: float) -> None:
        img = _prepared_image(f.data)
        iw, ih = img.getSize()
        box_w, box_h = AREA_W, top - (BOTTOM + 8 * mm)
        scale = min(box_w / iw, box_h / ih)
        w, h = iw * scale, ih * scale
        x = LEFT + (box_w - w) / 2
        self.c.drawImage(img, x, top - h, w, h)
        self.c.setLineWidth(0.3)
        self.c.rect(x, top - h, w, h)


def _decorate(doc: ArchiveDocument):  # noqa: ANN202
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
        scale = min(w / sw, h / sh)
        tx = x + (w - sw * scale) / 2 - float(box.left) * scale
        ty = y + h - sh * scale - float(box.bottom) * scale
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
    toc_pages, firsts = plan_pages(doc)
    drawer = _Drawer(doc, canvas)
    drawer.cover()
    drawer.contents(toc_pages, firsts)
    for s in doc.sections:
        if s.recorded:
            drawer.section(s)
    pages = canvas.page_count
    canvas.save()
    if drawer.merges:
        _merge(path, drawer.merges)
    return ArchiveInfo(
        pages,
        drawer.fonts.describe(),
        [(s.title, f) for s, f in zip(doc.sections, firsts, strict=True)],
    )
