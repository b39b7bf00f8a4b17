"""PDF pages as images (pypdfium2), for the preview and for printing through the system's printer driver."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PageImage:
    number: int  # 1-based
    width: int
    height: int
    rgb: bytes  # packed RGB, `width * 3` bytes a line
    width_pt: float
    height_pt: float


def page_count(path: str | Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def render_pages(
    path: str | Path, dpi: float, first: int = 1, last: int | None = None
) -> Iterator[PageImage]:
    """Pages first..last (1-based, inclusive) rendered at `dpi`, one at a time (a 1,000-page ledger at printer
    resolution would not fit in memory all at once)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        last = min(last or len(pdf), len(pdf))
        for number in range(first, last + 1):
            page = pdf[number - 1]
            width_pt, height_pt = page.get_size()
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)  # RGB order, as QImage expects
            image = bitmap.to_pil().convert("RGB")
            yield PageImage(number, image.width, image.height, image.tobytes(), width_pt, height_pt)
            page.close()
    finally:
        pdf.close()
