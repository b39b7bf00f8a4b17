"""Reading generated PDFs the way a checker would: positions in mm, fonts, embedded font files."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from pypdf import PdfReader

MM = 72 / 25.4


def embedded_fonts(path: Path) -> dict[str, bool]:
    """Every font used on any page → whether its glyphs are embedded (FontFile2/3)."""
    result: dict[str, bool] = {}
    for page in PdfReader(str(path)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            result[str(font.get("/BaseFont"))] = embedded
    return result


def page_text(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def rows_of_words(page) -> list[list[dict]]:
    """Words grouped into visual lines (by their top, within 2 pt)."""
    lines: list[list[dict]] = []
    for w in sorted(
        page.extract_words(keep_blank_chars=False, use_text_flow=False), key=lambda w: (w["top"], w["x0"])
    ):
        if lines and abs(lines[-1][0]["top"] - w["top"]) < 2:
            lines[-1].append(w)
        else:
            lines.append([w])
    return lines
