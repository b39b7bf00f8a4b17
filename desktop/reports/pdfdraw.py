"""Drawing text on a ReportLab canvas in font runs, CJK line breaking, and page totals (第N页 共M页)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.reports.fonts import FontSet

# Characters that may not begin a line (避头) and may not end one (避尾).
NO_START = set("，。、；：？！）》」』】〕〉”’…—·%％,.;:?!)]}")
NO_END = set("（《「『【〔〈“‘([{")
# A number keeps its unit: "2026年" or "30户" never breaks between the digits and the unit.
UNITS = set("年月日号户人元分天岁个条次袋桶项")

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
            c.setFont(name, size)
            c.drawString(x, y, run, charSpace=char_space)
            if len(runs) > 1:
                x += self.fonts.width(run, role, size) + char_space * len(run)


def wrap(
    pen: Pen,
    text: str,
    role: str,
    size: float,
    width: float,
    *,
    char_space: float = 0.0,
    first_indent: float = 0.0,
) -> list[str]:
    """Break text into lines no wider than `width` (the first line starts `first_indent` in).

    Chinese breaks between any two characters; a run of Latin letters or digits is kept whole when it fits;
    closing punctuation is never moved to the start of a line (it may hang past the edge instead)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        used = first_indent if not lines else 0.0
        limit = width - used
        i = 0
        while i < len(paragraph):
            ch = paragraph[i]
            token = ch
            if ch.isascii() and ch.isalnum():
                j = i
                while j < len(paragraph) and (
                    (paragraph[j].isascii() and paragraph[j].isalnum())
                    # 2,000.00 stays whole: a separator between digits belongs to the number
                    or (paragraph[j] in ",." and j + 1 < len(paragraph) and paragraph[j + 1].isdigit())
                ):
                    j += 1
                if j < len(paragraph) and paragraph[j] in UNITS and paragraph[i:j].isdigit():
                    j += 1
                token = paragraph[i:j]
            w = pen.width(line + token, role, size, char_space)
            if w > limit and line and token[0] not in NO_START:
                if line[-1] in NO_END and len(line) > 1:
                    token, line = line[-1] + token, line[:-1]
                lines.append(line)
                line, limit = "", width
                if pen.width(token, role, size, char_space) > width and len(token) > 1:
                    token = token[0]  # a Latin run longer than a line breaks by characters
            line += token
            i += len(token)
        lines.append(line)
    return lines


class PagedCanvas(Canvas):
    """Keeps each finished page until save(), so a footer can say how many pages there are."""

    def __init__(
        self, *args, decorate: Callable[[PagedCanvas, int, int], None] | None = None, **kwargs
    ) -> None:
        from desktop.reports.fonts import load_fonts

        # ReportLab declares its initial font on every page; make it an embedded one, not Helvetica.
        kwargs.setdefault("initialFontName", load_fonts().roles["song"].name)
        kwargs.setdefault("initialFontSize", 10)
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._decorate = decorate

    def showPage(self) -> None:  # noqa: N802
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
