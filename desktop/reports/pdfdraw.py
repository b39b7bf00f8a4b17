"""Drawing text on a ReportLab canvas in font runs, CJK line breaking, and page totals (第N页 共M页)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.reports.fonts import FontSet, load_fonts

# Characters that may not begin a line (避头) and may not end one (避尾).
NO_START = set("，。、；：？！）》」』】〕〉”’…—·%％,.;:?!)]}")
NO_END = set("（《「『【〔〈“‘([{")
# A number keeps its unit: "2026年" or "30户" never breaks between the digits and the unit.
UNITS = set("年月日号户人元分天岁个条次袋桶项颗名期页斤亩头只间套万")
# A quoted award name of up to this many characters stays on one line (certificates).
QUOTED_WHOLE = 10
# In a table cell a line would rather end after a list separator than inside a word.
SOFT_BREAKS = "、，；"

# Stroke width, as a share of the size, that gives a regular face the weight of a bold one.
EMBOLDEN = 0.035

__all__ = ["mm", "Pen", "PagedCanvas", "wrap"]


@dataclass
class Pen:
    """Draws text in runs so every character comes from a font that has it."""

    canvas: Canvas
    fonts: FontSet

    def width(self, text: str, role: str, size: float, char_space: float = 0.0) -> float:
        return self.fonts.width(text, role, size) + char_space * len(text)

    def draw(
        self,
        x: float,
        y: float,
        text: str,
        role: str,
        size: float,
        *,
        char_space: float = 0.0,
        align: str = "left",
    ) -> None:
        """Draw at baseline y; x is the left, centre or right edge per `align`."""
        if align != "left":
            width = self.width(text, role, size, char_space)
            x -= width / 2 if align == "center" else width
        c = self.canvas
        runs = self.fonts.runs(text, role)
        for name, run in runs:
            if self.fonts.needs_emboldening(name, role):
                self._bold(x, y, run, name, size, char_space)
            else:
                c.setFont(name, size)
                at = x
                for piece in self._subset_pieces(name, run) if char_space else [run]:
                    c.drawString(at, y, piece, charSpace=char_space)
                    at += self.fonts.width(piece, role, size) + char_space * len(piece)
            if len(runs) > 1:
                x += self.fonts.width(run, role, size) + char_space * len(run)

    def _subset_pieces(self, name: str, run: str) -> list[str]:
        """A run cut where ReportLab changes font subset (every 256 glyphs of a document), each piece drawn at
        its own position: a reader that restarts character spacing at a subset change (pdfminer, as tests and
        some converters use) would otherwise place a spaced line up to a millimetre long."""
        from reportlab.pdfbase.pdfmetrics import getFont

        font = getFont(name)
        if not getattr(font, "_dynamicFont", False):
            return [run]
        pieces, start = [], 0
        for _subset, codes in font.splitString(run, self.canvas._doc):
            pieces.append(run[start : start + len(codes)])
            start += len(codes)
        return pieces if start == len(run) else [run]

    def _bold(self, x: float, y: float, run: str, name: str, size: float, char_space: float) -> None:
        """A rare character in a bold title whose only font is a regular one: filled and stroked in its own
        colour, as Word and WPS embolden a face that has no bold, so the title keeps its weight."""
        c = self.canvas
        c.saveState()
        c.setStrokeColor(c._fillColorObj)
        c.setLineWidth(size * EMBOLDEN)
        text = c.beginText(x, y)
        text.setTextRenderMode(2)  # fill, then stroke
        text.setFont(name, size)
        text.setCharSpace(char_space)
        text.textOut(run)
        c.drawText(text)
        c.restoreState()


def _tokens(paragraph: str, keep_quoted: bool = False) -> list[str]:
    """Unbreakable pieces: a run of Latin letters or digits (with the separators inside a number and a unit
    after it: "2,000.00", "2026年", "30户"), a short quoted name when `keep_quoted` (“八星级农户”), or one
    character."""
    tokens: list[str] = []
    i, n = 0, len(paragraph)
    while i < n:
        ch = paragraph[i]
        j = i + 1
        close = paragraph.find("”", i) if keep_quoted and ch == "“" else -1
        if 0 < close - i <= QUOTED_WHOLE:
            j = close + 1
        elif ch.isascii() and ch.isalnum():
            while j < n and (
                (paragraph[j].isascii() and paragraph[j].isalnum())
                # 2,000.00 stays whole: a separator between digits belongs to the number
                or (paragraph[j] in ",." and j + 1 < n and paragraph[j + 1].isdigit())
            ):
                j += 1
            if j < n and paragraph[j] in UNITS and paragraph[i:j].replace(",", "").replace(".", "").isdigit():
                j += 1
        tokens.append(paragraph[i:j])
        i = j
    return tokens


def _carry(line: list[str], token: str) -> list[str] | None:
    """What moves to the next line when `token` does not fit after `line` (which loses it): the token, the
    last piece of the line too when the token may not begin a line (避头: "）。" never start a line, the
    character before them goes down with them), and any opening bracket or quote left at the end (避尾).
    None when the line would be left empty."""
    kept, carried = list(line), [token]
    while kept and carried[0][0] in NO_START:
        carried.insert(0, kept.pop())
    while kept and kept[-1][-1] in NO_END:
        carried.insert(0, kept.pop())
    if not kept:
        return None
    del line[len(kept) :]
    return carried


def wrap(
    pen: Pen,
    text: str,
    role: str,
    size: float,
    width: float,
    *,
    char_space: float = 0.0,
    first_indent: float = 0.0,
    soft: str = "",
    keep_quoted: bool = False,
) -> list[str]:
    """Break text into lines no wider than `width` (the first line starts `first_indent` in).

    `soft` lists marks after which a line would rather break (a table cell listing 增收致富、政策明白、户容整洁
    breaks after a 、 rather than inside 户容整洁) when one stands in the line's second half.

    Chinese breaks between any two characters; a run of Latin letters or digits is kept whole when it fits;
    closing punctuation never starts a line and opening punctuation never ends one: the character before
    goes down with it instead of hanging past the edge. Every character of `text` is in the result, in order
    (joining the lines of a paragraph gives the paragraph back)."""

    def measure(pieces: list[str]) -> float:
        return pen.width("".join(pieces), role, size, char_space)

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        limit = width - (first_indent if not lines else 0.0)
        pending = _tokens(paragraph, keep_quoted)
        pending.reverse()  # a stack: pieces put back (a Latin run split into characters) come off first
        while pending:
            token = pending.pop()
            if line and measure([*line, token]) > limit:
                carried = _carry(line, token)
                if carried is not None and soft:
                    at = max((k for k, piece in enumerate(line) if piece in soft), default=-1)
                    if len(line) / 2 <= at < len(line) - 1:
                        carried = [*line[at + 1 :], *carried]
                        del line[at + 1 :]
                if carried is not None:
                    lines.append("".join(line))
                    line, limit = [], width
                    pending.extend(reversed(carried))
                    continue
                if len(token) > 1:  # "（" then "2026.07" that does not fit after it: break the number
                    pending.extend(reversed(token))
                    continue
                if token[0] in NO_START and any(len(piece) > 1 for piece in line):
                    # "2026.07" fills the line and "）" must follow it: break the number instead
                    pending.extend(reversed([*"".join(line), token]))
                    line = []
                    continue
                # A line of nothing but marks: break before the token anyway rather than run past the edge.
                lines.append("".join(line))
                line, limit = [], width
            if not line and len(token) > 1 and measure([token]) > limit:
                pending.extend(reversed(token))  # a Latin run longer than a line breaks by characters
                continue
            line.append(token)
        lines.append("".join(line))
    return lines


class PagedCanvas(Canvas):
    """Keeps each finished page until save(), so a footer can say how many pages there are."""

    def __init__(
        self, *args, decorate: Callable[[PagedCanvas, int, int], None] | None = None, **kwargs
    ) -> None:

        # ReportLab declares its initial font on every page; make it an embedded one, not Helvetica.
        kwargs.setdefault("initialFontName", load_fonts().roles["song"].name)
        kwargs.setdefault("initialFontSize", 10)
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._decorate = decorate

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            if self._decorate is not None:
                self._decorate(self, number, total)
            super().showPage()
        super().save()

    @property
    def page_count(self) -> int:
        return len(self._pages)
