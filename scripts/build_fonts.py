"""Build the bundled fallback fonts in resources/fonts from Debian's font packages (run once, commit the output).

  apt-get install fonts-noto-cjk fonts-wqy-microhei fonts-lxgw-wenkai
  .venv/bin/python scripts/build_fonts.py

ReportLab embeds only TrueType-outline (glyf) fonts, so the CFF-based Noto Serif CJK is converted to glyf here,
at build time, never at run time. The subsets keep the GB2312 repertoire plus the punctuation notices use;
LXGW WenKai is kept whole as the full-coverage fallback for rare name characters.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

OUT = Path(__file__).resolve().parent.parent / "resources" / "fonts"
NOTO = Path("/usr/share/fonts/opentype/noto")
LXGW = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
LICENCES = {
    "OFL-NotoSerifCJK.txt": Path("/usr/share/doc/fonts-noto-cjk/copyright"),
    "OFL-LXGWWenKai.txt": Path("/usr/share/doc/fonts-lxgw-wenkai/copyright"),
    "LICENSE-WenQuanYiMicroHei.txt": Path("/usr/share/doc/fonts-wqy-microhei/copyright"),
}


def charset() -> set[int]:
    chars = set(range(0x20, 0x7F)) | set(range(0xFF01, 0xFF5F)) | set(range(0x3000, 0x3040))
    chars |= (
        set(range(0x2000, 0x2070))
        | set(range(0x2460, 0x24A0))
        | {0x00B7, 0x00D7, 0x2116, 0x25CB, 0x25CF, 0x25A1, 0x2605, 0x2606, 0x3007}
    )
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def subset_font(font: TTFont, chars: set[int]) -> TTFont:
    options = subset.Options()
    options.layout_features = ["kern", "liga", "locl", "vert", "vrt2", "palt", "halt"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    options.desubroutinize = True
    s = subset.Subsetter(options)
    s.populate(unicodes=chars)
    s.subset(font)
    return font


def cff_to_glyf(font: TTFont) -> None:
    """The fontTools otf2ttf recipe: quadratic outlines in glyf/loca, maxp 1.0, post 2."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont, family: str, style: str) -> None:
    """A modified OFL font takes a name of its own."""
    name = font["name"]
    full = f"{family} {style}".strip()
    for record in list(name.names):
        if record.nameID in (1, 3, 4, 6, 16, 17):
            name.removeNames(nameID=record.nameID)
    for nid, value in (
        (1, family),
        (2, style or "Regular"),
        (3, full),
        (4, full),
        (6, full.replace(" ", "-")),
    ):
        name.setName(value, nid, 3, 1, 0x409)
        name.setName(value, nid, 1, 0, 0)


def sc_index(path: Path) -> int:
    collection = TTCollection(str(path), lazy=True)
    return next(i for i, f in enumerate(collection.fonts) if " SC" in f["name"].getDebugName(1))


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    chars = charset()
    print(f"{len(chars)} characters in the subset")
    for source, target, family, style in (
        (NOTO / "NotoSerifCJK-Bold.ttc", "WorkbenchSerif-Bold.ttf", "Workbench Serif SC", "Bold"),
        (NOTO / "NotoSerifCJK-Regular.ttc", "WorkbenchSerif-Regular.ttf", "Workbench Serif SC", "Regular"),
    ):
        font = TTFont(str(source), fontNumber=sc_index(source))
        subset_font(font, chars)
        cff_to_glyf(font)
        rename(font, family, style)
        font.save(OUT / target)
        print(target, (OUT / target).stat().st_size // 1024, "KB")
    font = TTFont(str(WQY), fontNumber=0)
    subset_font(font, chars)
    rename(font, "Workbench Sans SC", "Regular")
    font.save(OUT / "WorkbenchSans-Regular.ttf")
    shutil.copyfile(LXGW, OUT / "LXGWWenKai-Regular.ttf")
    for target, source in LICENCES.items():
        shutil.copyfile(source, OUT / target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
