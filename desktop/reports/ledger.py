"""台账 on A4 landscape: title, unit line, repeating header, fitted column widths, 本页小计 on every page,
group subtotals, 承前页/过次页 where amounts run on, 合计, sign-off line and 第N页 共M页. Also as .xlsx."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop import clock
from desktop.reports.fonts import HEAVY_ROLES, FontSet, load_fonts
from desktop.reports.pdfdraw import SOFT_BREAKS, PagedCanvas, Pen, mm, wrap

PAGE_W, PAGE_H = landscape(A4)
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 20 * mm, 15 * mm, 15 * mm, 15 * mm
AREA_W = PAGE_W - MARGIN_L - MARGIN_R
TITLE_SIZE = 18.0
SIZE = 10.0
LINE = SIZE * 1.25
PAD = 3.0
MIN_ROW = 17.0
HEADER_PAD = 4.0


@dataclass
class Column:
    title: str
    align: str = "left"  # left | center | right
    total: bool = False  # summed in subtotals
    money: bool = False  # values are fen, shown as 元
    min_chars: int = 2
    min_mm: float = 0.0  # a column to write in by hand (signature, thumbprint) gets at least this
    balance: bool = False  # a running balance: 过次页, 承前页 and 合计 show its latest value
    nowrap: bool = False  # keeps its natural width like a code (a date: 2026年12月2日 on one line)


@dataclass
class Ledger:
    title: str
    columns: list[Column]
    rows: list[list]
    unit: str = ""  # 填报单位
    period: str = ""  # 统计期间
    measure: str = ""  # 单位：户、人、元
    group_col: int | None = None  # subtotal whenever this column's value changes
    group_suffix: str = "小计"
    carry: bool = False  # 过次页 / 承前页 lines with running totals
    signoff: tuple[str, ...] = ("制表人：", "审核人：", "负责人：", "制表日期：")
    made: date = field(kw_only=True)  # 制表日期: given by the service (the office's today, not the PC's)
    # Columns that say whose rows these are (户编号, 户主): repeated on a page's first row when that row
    # continues the previous page's household, where the data leaves them blank.
    repeat_cols: tuple[int, ...] = ()
    row_mm: float = 0.0  # the least row height (a 签领表 gives room to sign and press a thumb)
    stamp: str = ""  # 审计校验码 …: in the footer, at the right margin (desktop.services.system.audit.stamp)
    notes: tuple[str, ...] = ()  # 说明 lines under the sign-off (a definition the figures rest on)


def fmt(value: object, col: Column) -> str:
    if value is None or value == "":
        return ""
    if col.money and isinstance(value, int):
        return f"{value / 100:,.2f}"
    return str(value)


@dataclass
class PageSummary:
    """What the drawn pages say, for tests and callers."""

    rows: list[int] = field(default_factory=list)  # data rows per page
    subtotals: list[list[int]] = field(default_factory=list)  # per page, the summed columns


@dataclass
class LedgerInfo:
    pages: int
    rows: int
    fonts: list[str]
    summary: PageSummary


def _estimate(text: str, size: float) -> float:
    """Cheap width estimate for choosing column widths (precise measurement happens when wrapping)."""
    return sum(size * (0.55 if ch.isascii() else 1.0) for ch in text)


# Digits and the marks of codes, dates and amounts: a text of nothing else is narrow.
_NARROW = str.maketrans(dict.fromkeys("0123456789.,-:/+%()Xx ", None))


def _advances(fonts: FontSet, role: str) -> tuple[float, float]:
    """The widest advance, in ems, of any character in the role's fonts, and of the narrow characters (each
    in the first font of the chain that has it)."""
    from reportlab.pdfbase.pdfmetrics import getFont

    widest = 0.0
    for choice in fonts.chain(role):
        face = getFont(choice.name).face
        widest = max(widest, face.defaultWidth, *face.charWidths.values())
    narrow = max(fonts.width(ch, role, 1000.0) for ch in "0123456789.,-:/+%()Xx ")
    return widest / 1000, narrow / 1000


def column_widths(ledger: Ledger, size: float = SIZE) -> list[float]:
    return column_layout(ledger, size)[0]


def column_layout(ledger: Ledger, size: float = SIZE) -> tuple[list[float], list[bool]]:
    """Natural widths from the header and the widest cells (sampled), and which columns are rigid. Columns of
    codes, numbers and dates keep their width (they never wrap); the text columns share what is left, and their
    text wraps."""
    sample = ledger.rows[:3000] + ledger.rows[3000:][-500:]  # the tail holds the longest numbers (序号)
    natural, fixed = [], []
    for i, col in enumerate(ledger.columns):
        texts = [fmt(r[i], col) for r in sample]
        head = max(_estimate(part, size) for part in col.title.split("\n"))
        # a column filled once a group (户编号 on a household's first row) is as wide as its values
        cells = sorted(_estimate(t, size) for t in texts if t) or [0.0]
        p95 = cells[int(len(cells) * 0.95) - 1 if len(cells) > 1 else 0]
        # A summed column must also hold its largest figure, the grand total.
        total = _estimate(fmt(sum(r[i] or 0 for r in ledger.rows), col), size) if col.total else 0.0
        # Codes and numbers keep their width; text and columns left blank to write in share the rest.
        rigid_col = col.nowrap or (all(t.isascii() for t in texts) and any(texts) and not col.min_mm)
        if rigid_col:
            # what cannot wrap is measured in the font it prints in (an ID ending in X is wider than 18 digits)
            fonts = load_fonts()
            p95 = max([p95, *(fonts.width(t, "song", size) for t in set(texts) if t)])
        natural.append(max(head, p95, total, col.min_chars * size, col.min_mm * mm - 2 * PAD) + 2 * PAD)
        fixed.append(rigid_col)
    rigid = sum(w for w, f in zip(natural, fixed, strict=True) if f)
    flexible = sum(natural) - rigid
    if flexible <= 0 or rigid >= AREA_W:
        scale = AREA_W / sum(natural)
        return [w * scale for w in natural], fixed
    scale = (AREA_W - rigid) / flexible
    widths = [w if f else w * scale for w, f in zip(natural, fixed, strict=True)]
    # No text column below its minimum (a three-character name should not wrap); the wider ones give way.
    floors = [max(col.min_chars * size + 2 * PAD, col.min_mm * mm) for col in ledger.columns]
    short = sum(max(0.0, fl - w) for fl, w, f in zip(floors, widths, fixed, strict=True) if not f)
    if short:
        spare = [
            (w - fl if not f and w > fl else 0.0) for fl, w, f in zip(floors, widths, fixed, strict=True)
        ]
        total_spare = sum(spare)
        if total_spare > short:
            widths = [max(w, fl) if not f else w for fl, w, f in zip(floors, widths, fixed, strict=True)]
            widths = [w - short * sp / total_spare for w, sp in zip(widths, spare, strict=True)]
    return widths, fixed


class _LedgerLayout:
    def __init__(self, ledger: Ledger, canvas: PagedCanvas) -> None:
        self.ledger = ledger
        self.c = canvas
        self.fonts = load_fonts()
        self.pen = Pen(canvas, self.fonts)
        self.widths, self.rigid = column_layout(ledger)
        self.totals_idx = [i for i, col in enumerate(ledger.columns) if col.total]
        self.summary = PageSummary()
        self.y = 0.0
        from reportlab.pdfbase.pdfmetrics import getFont

        self.song = self.fonts.roles["song"].name
        self.ascent = getFont(self.song).face.ascent / 1000 * SIZE
        self.song_needs_bold = "song" in HEAVY_ROLES  # the one-text-object row draws no emboldened runs
        self.header_cells = [c.title.split("\n") for c in ledger.columns]
        self.header_h = max(len(h) for h in self.header_cells) * LINE + 2 * HEADER_PAD
        self.first_page = True
        self.min_row = max(MIN_ROW, ledger.row_mm * mm)
        self.balance_idx = next((i for i, col in enumerate(ledger.columns) if col.balance), None)
        # Decided once per column: how many characters certainly fit on one line (any character, and the
        # digits and marks of codes, dates and amounts), so most cells are never measured; the rest are
        # measured once per distinct text.
        widest, narrow = _advances(self.fonts, "song")
        self.rooms = [
            w - 2 * PAD + (PAD if rigid else 0)  # a code or date may use its cell's padding, never wrap
            for w, rigid in zip(self.widths, self.rigid, strict=True)
        ]
        self.fit_any = [int(room / (SIZE * widest)) for room in self.rooms]
        self.fit_narrow = [int(room / (SIZE * narrow)) for room in self.rooms]
        self.laid: list[dict[str, list[str]]] = [{} for _ in ledger.columns]
        self.col_x = [MARGIN_L + sum(self.widths[:i]) for i in range(len(self.widths))]
        self.run_top: float | None = None  # the top of the data rows drawn since the last rules

    # --- drawing ---------------------------------------------------------------------------------------

    def top_of_page(self) -> None:
        self.rules()
        c = self.c
        y = PAGE_H - MARGIN_T
        if self.first_page:
            self.pen.draw(PAGE_W / 2, y - TITLE_SIZE, self.ledger.title, "hei", TITLE_SIZE, align="center")
            y -= TITLE_SIZE + 10
            self.first_page = False
        else:
            self.pen.draw(PAGE_W / 2, y - 12, self.ledger.title + "（续）", "hei", 12, align="center")
            y -= 12 + 6
        sub = [f"填报单位：{self.ledger.unit}", f"统计期间：{self.ledger.period}", self.ledger.measure]
        self.pen.draw(MARGIN_L, y - SIZE, sub[0], "song", SIZE)
        self.pen.draw(PAGE_W / 2, y - SIZE, sub[1], "song", SIZE, align="center")
        self.pen.draw(PAGE_W - MARGIN_R, y - SIZE, sub[2], "song", SIZE, align="right")
        y -= SIZE + 6
        c.setFillGray(0.9)
        c.rect(MARGIN_L, y - self.header_h, AREA_W, self.header_h, stroke=0, fill=1)
        c.setFillGray(0)
        self._cells(y, self.header_cells, self.header_h, ["center"] * len(self.widths), "hei")
        self.y = y - self.header_h

    def _cells(self, top: float, cells: list[list[str]], height: float, aligns: list[str], role: str) -> None:
        c = self.c
        c.setLineWidth(0.5)
        c.rect(MARGIN_L, top - height, AREA_W, height)
        x = MARGIN_L
        for lines, w, align in zip(cells, self.widths, aligns, strict=True):
            if x > MARGIN_L:
                c.line(x, top, x, top - height)
            y = top - (height - len(lines) * LINE) / 2 - self.ascent
            for line in lines:
                anchor = {"left": x + PAD, "center": x + w / 2, "right": x + w - PAD}[align]
                self.pen.draw(anchor, y, line, role, SIZE, align=align)
                y -= LINE
            x += w

    def row_cells(self, values: list) -> tuple[list[list[str]], float]:
        cells = []
        tallest = 1
        for i, v in enumerate(values):
            text = fmt(v, self.ledger.columns[i])
            n = len(text)
            if n <= self.fit_any[i] or (n <= self.fit_narrow[i] and not text.translate(_NARROW)):
                cells.append([text])
                continue
            laid = self.laid[i]
            lines = laid.get(text)
            if lines is None:
                room = self.rooms[i]
                one_font = self.fonts.covers_all("song", text)
                width = stringWidth(text, self.song, SIZE) if one_font else self.pen.width(text, "song", SIZE)
                if width <= room or _estimate(text, SIZE) <= room * 0.8:
                    lines = [text]
                else:
                    lines = wrap(self.pen, text, "song", SIZE, self.widths[i] - 2 * PAD, soft=SOFT_BREAKS)
                if len(laid) > 50_000:
                    laid.clear()
                laid[text] = lines
            cells.append(lines)
            tallest = max(tallest, len(lines))
        height = max(self.min_row, tallest * LINE + 2 * PAD)
        return cells, height

    def data_row(self, top: float, cells: list[list[str]], height: float) -> None:
        """A row of body text as one text object (one per cell cost more than the drawing itself); its
        column rules wait for rules(), which draws them once for the run of rows."""
        c = self.c
        if self.run_top is None:
            self.run_top = top
            c.setLineWidth(0.5)
        c.rect(MARGIN_L, top - height, AREA_W, height)
        fonts, song = self.fonts, self.song
        text = c.beginText()
        current = ""
        for lines, x, w, col in zip(cells, self.col_x, self.widths, self.ledger.columns, strict=True):
            y = top - (height - len(lines) * LINE) / 2 - self.ascent
            for line in lines:
                if line:
                    align = col.align
                    if fonts.covers_all("song", line):  # nearly every cell: one run in the role's font
                        runs = ((song, line),)
                        width = stringWidth(line, song, SIZE) if align != "left" else 0.0
                    else:
                        runs = fonts.runs(line, "song")
                        width = fonts.width(line, "song", SIZE) if align != "left" else 0.0
                    if align == "left":
                        at = x + PAD
                    else:
                        at = x + w / 2 - width / 2 if align == "center" else x + w - PAD - width
                    for name, run in runs:
                        text.setTextOrigin(at, y)
                        if name != current:
                            text.setFont(name, SIZE)
                            current = name
                        text.textLine(run)  # placed by its own origin: textOut would measure it for nothing
                        if len(runs) > 1:
                            at += fonts.width(run, "song", SIZE)
                y -= LINE
        c.drawText(text)
        if current and (current != c._fontname or c._fontsize != SIZE):
            c.setFont(c._fontname, c._fontsize)  # the text state outlives the text object: the canvas's again

    def rules(self) -> None:
        """The column rules of the data rows drawn since the last call, one line per column."""
        if self.run_top is None:
            return
        top, self.run_top = self.run_top, None
        self.c.lines([(x, top, x, self.y) for x in self.col_x[1:]])

    def draw_sums(self, label: str, sums: list[int], balance: object = None) -> None:
        """A subtotal line: the label spans every column before the first summed one; a running balance, when
        given, stands in its column."""
        self.rules()
        first = self.totals_idx[0] if self.totals_idx else len(self.widths)
        span = sum(self.widths[:first])
        c = self.c
        top, height = self.y, MIN_ROW
        c.setLineWidth(0.5)
        c.rect(MARGIN_L, top - height, AREA_W, height)
        baseline = top - (height - LINE) / 2 - self.ascent
        self.pen.draw(MARGIN_L + span / 2, baseline, label, "hei", SIZE, align="center")
        x = MARGIN_L + span
        values = dict(zip(self.totals_idx, sums, strict=True))
        if balance is not None and self.balance_idx is not None:
            values[self.balance_idx] = balance
        for i in range(first, len(self.widths)):
            w = self.widths[i]
            c.line(x, top, x, top - height)
            if i in values:
                self.pen.draw(
                    x + w - PAD, baseline, fmt(values[i], self.ledger.columns[i]), "hei", SIZE, align="right"
                )
            x += w
        self.y -= height

    def draw_row(
        self,
        values: list,
        *,
        role: str = "song",
        height: float | None = None,
        cells: list[list[str]] | None = None,
    ) -> None:
        if cells is None:
            cells, height = self.row_cells(values)
        if role == "song" and not self.song_needs_bold:
            self.data_row(self.y, cells, height)
        else:
            aligns = [col.align for col in self.ledger.columns]
            self._cells(self.y, cells, height, aligns, role)
        self.y -= height

    def footer_room(self) -> float:
        rows = 1 + (1 if self.ledger.carry else 0)
        return rows * MIN_ROW


def _footer(canvas: PagedCanvas, number: int, total: int, stamp: str = "") -> None:
    pen = Pen(canvas, load_fonts())
    pen.draw(PAGE_W / 2, MARGIN_B - 12, f"第 {number} 页 共 {total} 页", "song", SIZE, align="center")
    if stamp:
        pen.draw(PAGE_W - MARGIN_R, MARGIN_B - 12, stamp, "song", 8, align="right")


# Data rows that go over with the totals and the sign-off when those would otherwise start a page of their own.
KEEP_WITH_TOTALS = 2
SIGNOFF_ROOM = 30.0
NOTE_SIZE = 9.0
NOTE_LINE = NOTE_SIZE * 1.5


def render_ledger_pdf(ledger: Ledger, path: str | Path, progress=None) -> LedgerInfo:  # noqa: C901
    footer = partial(_footer, stamp=ledger.stamp)
    canvas = PagedCanvas(str(path), pagesize=(PAGE_W, PAGE_H), decorate=footer, pageCompression=1)
    canvas.setTitle(ledger.title)
    canvas.setCreator("乡镇扶贫工作台")
    lay = _LedgerLayout(ledger, canvas)
    n_tot = len(lay.totals_idx)
    page_sums = [0] * n_tot
    group_sums = [0] * n_tot
    running = [0] * n_tot
    grand = [0] * n_tot
    page_rows = 0
    group = object()
    bottom = MARGIN_B + 4
    balance = None  # the running balance after the last row drawn (a ledger with a balance column)
    whose: dict[int, object] = {}  # the last value of each repeated column

    def end_page() -> None:
        nonlocal page_sums, page_rows
        lay.draw_sums("本页小计", page_sums)
        if ledger.carry:
            lay.draw_sums("过次页", running, balance)
        lay.summary.rows.append(page_rows)
        lay.summary.subtotals.append(list(page_sums))
        page_sums, page_rows = [0] * n_tot, 0
        canvas.showPage()
        lay.top_of_page()
        if ledger.carry:
            lay.draw_sums("承前页", running, balance)

    def fits(height: float) -> bool:
        return lay.y - height - lay.footer_room() >= bottom

    def group_total(label_value: object) -> None:
        nonlocal group_sums
        if not fits(MIN_ROW):
            end_page()
        lay.draw_sums(f"{label_value}{ledger.group_suffix}", group_sums)
        group_sums = [0] * n_tot

    # One village's ledger needs no 村小计 that repeats its 合计.
    group_col = ledger.group_col
    if group_col is not None and len({r[group_col] for r in ledger.rows}) < 2:
        group_col = None
    # What follows the last row on its page: the group subtotal, 本页小计, 合计 and the sign-off.
    closing = MIN_ROW * (3 if group_col is not None else 2) + max(lay.footer_room(), SIGNOFF_ROOM)
    total_rows = len(ledger.rows)
    tail = [lay.row_cells(r)[1] for r in ledger.rows[-KEEP_WITH_TOTALS:]]
    lay.top_of_page()
    for n, row in enumerate(ledger.rows):
        if progress is not None and n % 500 == 0:
            progress.step(n, total_rows, "正在排版台账")
        if group_col is not None:
            value = row[group_col]
            if n and value != group:
                group_total(group)
            group = value
        cells, height = lay.row_cells(row)
        if not fits(height):
            end_page()
        elif n == total_rows - len(tail) and n and page_rows:
            # The last rows all fit here but the totals and sign-off would stand alone on the next page:
            # take the last rows over with them.
            rest = sum(tail)
            if lay.y - rest - lay.footer_room() >= bottom and lay.y - rest - closing < bottom:
                end_page()
        if page_rows == 0 and ledger.repeat_cols and any(row[i] in ("", None) for i in ledger.repeat_cols):
            row = list(row)  # a household continued from the last page: say whose rows these are
            for i in ledger.repeat_cols:
                if row[i] in ("", None):
                    row[i] = whose.get(i, "")
            cells, height = lay.row_cells(row)
        for i in ledger.repeat_cols:
            if row[i] not in ("", None):
                whose[i] = row[i]
        lay.draw_row(row, cells=cells, height=height)
        page_rows += 1
        if lay.balance_idx is not None and row[lay.balance_idx] not in ("", None):
            balance = row[lay.balance_idx]
        for k, i in enumerate(lay.totals_idx):
            v = row[i] or 0
            page_sums[k] += v
            group_sums[k] += v
            running[k] += v
            grand[k] += v
    if group_col is not None and ledger.rows:
        group_total(group)
    # Last page: its subtotal (a one-page ledger has only its 合计), the grand total, then the sign-off line.
    if not fits(MIN_ROW * 2):
        end_page()
    if lay.summary.rows:
        lay.draw_sums("本页小计", page_sums)
    lay.summary.rows.append(page_rows)
    lay.summary.subtotals.append(list(page_sums))
    lay.draw_sums("合计", grand, balance)
    notes = [line for note in ledger.notes for line in wrap(lay.pen, note, "song", NOTE_SIZE, AREA_W)]
    if lay.y - SIGNOFF_ROOM - len(notes) * NOTE_LINE < bottom:
        canvas.showPage()
        lay.top_of_page()
    y = lay.y - 20
    step = AREA_W / len(ledger.signoff)
    for i, label in enumerate(ledger.signoff):
        text = label + (clock.cn_date(ledger.made) if "日期" in label else "")
        lay.pen.draw(MARGIN_L + i * step, y, text, "song", 11)
    y -= 6
    for line in notes:
        y -= NOTE_LINE
        if y < bottom:  # notes longer than a page go on
            canvas.showPage()
            lay.top_of_page()
            y = lay.y - NOTE_LINE
        lay.pen.draw(MARGIN_L, y, line, "song", NOTE_SIZE)
    canvas.showPage()
    canvas.save()
    return LedgerInfo(canvas.page_count, total_rows, lay.fonts.describe(), lay.summary)
