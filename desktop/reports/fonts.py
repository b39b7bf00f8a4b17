"""Fonts for printing: roles, Windows fonts first, bundled free fallbacks, and per-glyph fallback runs.

ReportLab has no glyph fallback of its own, so text is split into runs by cmap coverage: a rare name
character (堃, 喆, 䶮, 𠮷 …) is drawn with the first font in the chain that has it, never as a box.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from desktop.config import RESOURCES

BUNDLED = RESOURCES / "fonts"
FULL_COVERAGE = BUNDLED / "LXGWWenKai-Regular.ttf"

# role → candidates in order of preference: (file name, collection index, display name)
WINDOWS_CANDIDATES: dict[str, list[tuple[str, int, str]]] = {
    "title": [
        ("FZXBSJW.TTF", 0, "方正小标宋简体"),
        ("方正小标宋简体.TTF", 0, "方正小标宋简体"),
        ("STZHONGS.TTF", 0, "华文中宋"),
    ],
    "body": [
        ("仿宋_GB2312.ttf", 0, "仿宋_GB2312"),
        ("FS_GB2312.ttf", 0, "仿宋_GB2312"),
        ("simfang.ttf", 0, "仿宋"),
        ("STFANGSO.TTF", 0, "华文仿宋"),
    ],
    "kai": [("楷体_GB2312.ttf", 0, "楷体_GB2312"), ("simkai.ttf", 0, "楷体"), ("STKAITI.TTF", 0, "华文楷体")],
    "hei": [("simhei.ttf", 0, "黑体")],
    "song": [("simsun.ttc", 0, "宋体"), ("STSONG.TTF", 0, "华文宋体")],
}
BUNDLED_CANDIDATES: dict[str, tuple[str, str]] = {
    "title": ("WorkbenchSerif-Bold.ttf", "Noto宋体粗体"),
    "body": ("LXGWWenKai-Regular.ttf", "霞鹜文楷"),
    "kai": ("LXGWWenKai-Regular.ttf", "霞鹜文楷"),
    "hei": ("WorkbenchSans-Regular.ttf", "文泉驿微米黑"),
    "song": ("WorkbenchSerif-Regular.ttf", "Noto宋体"),
}
ROLE_NAMES = {"title": "标题（小标宋）", "body": "正文（仿宋）", "kai": "楷体", "hei": "黑体", "song": "宋体"}
# Roles drawn heavy: a character they lack comes from a heavy face where the PC has one, else it is emboldened.
HEAVY_ROLES = frozenset({"title", "hei"})
# Windows fonts tried, by role, for characters the role's font lacks (宋体 covers GBK, SimSun-ExtB holds CJK
# Extension B, 微软雅黑粗体 and 黑体 are heavy), then for every role the full-coverage fallbacks.
WINDOWS_ROLE_FALLBACKS: dict[str, list[tuple[str, int, str]]] = {
    "title": [("msyhbd.ttc", 0, "微软雅黑粗体"), ("simhei.ttf", 0, "黑体")],
    "hei": [("msyhbd.ttc", 0, "微软雅黑粗体"), ("simhei.ttf", 0, "黑体")],
    "song": [("simsun.ttc", 0, "宋体"), ("simsunb.ttf", 0, "宋体-ExtB")],
    "body": [("simfang.ttf", 0, "仿宋"), ("simsun.ttc", 0, "宋体"), ("simsunb.ttf", 0, "宋体-ExtB")],
    "kai": [("simkai.ttf", 0, "楷体")],
}
WINDOWS_FALLBACKS = [("simsunb.ttf", 0, "宋体-ExtB"), ("msyh.ttc", 0, "微软雅黑")]
HEAVY_FILES = frozenset({"msyhbd", "simhei", "FZXBSJW", "方正小标宋简体", "STZHONGS", "WorkbenchSerif-Bold"})


def font_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("DESKTOP_FONT_DIRS", "").split(os.pathsep) if p]
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return [d for d in dirs if d.is_dir()]


def _find(name: str, dirs: list[Path]) -> Path | None:
    for d in dirs:
        for candidate in (d / name, d / name.lower(), d / name.upper()):
            if candidate.exists():
                return candidate
    return None


@dataclass(frozen=True)
class FontChoice:
    role: str
    name: str  # name registered with ReportLab
    path: Path
    index: int
    display: str
    bundled: bool


@dataclass
class FontSet:
    roles: dict[str, FontChoice]
    fallbacks: list[FontChoice]
    _coverage: dict[str, frozenset[int]] = field(default_factory=dict)
    # Ledgers repeat the same strings (villages, relations, health…) thousands of times.
    _runs_cache: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    _width_cache: dict[tuple[str, str, float], float] = field(default_factory=dict)
    by_role: dict[str, list[FontChoice]] = field(default_factory=dict)  # fallbacks that suit the role

    def chain(self, role: str) -> list[FontChoice]:
        first = self.roles[role]
        seen = {first.name}
        out = [first]
        for f in [*self.by_role.get(role, []), *self.fallbacks]:
            if f.name not in seen:
                seen.add(f.name)
                out.append(f)
        return out

    def needs_emboldening(self, font_name: str, role: str) -> bool:
        """A run of a heavy role (a title) set in a regular fallback face."""
        return role in HEAVY_ROLES and font_name != self.roles[role].name and not self._heavy(font_name)

    def _heavy(self, font_name: str) -> bool:
        return any(part in font_name for part in HEAVY_FILES)

    def covers(self, font: FontChoice, ch: str) -> bool:
        return ord(ch) in self._coverage[font.name]

    def covers_all(self, role: str, text: str) -> bool:
        """Every character of `text` is in the role's own font: one run, no fallback to look for."""
        return self._coverage[self.roles[role].name].issuperset(map(ord, text))

    def runs(self, text: str, role: str) -> list[tuple[str, str]]:
        """(font name, text) runs: each character in the first font of the chain that has it."""
        key = (text, role)
        cached = self._runs_cache.get(key)
        if cached is None:
            if len(self._runs_cache) > 100_000:
                self._runs_cache.clear()
            cached = self._runs_cache[key] = self._split(text, role)
        return cached

    def _split(self, text: str, role: str) -> list[tuple[str, str]]:
        chain = self.chain(role)
        out: list[tuple[str, str]] = []
        for ch in text:
            font = next((f for f in chain if ord(ch) in self._coverage[f.name]), chain[0])
            if out and out[-1][0] == font.name:
                out[-1] = (font.name, out[-1][1] + ch)
            else:
                out.append((font.name, ch))
        return out

    def width(self, text: str, role: str, size: float) -> float:
        key = (text, role, size)
        cached = self._width_cache.get(key)
        if cached is None:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            if len(self._width_cache) > 100_000:
                self._width_cache.clear()
            cached = self._width_cache[key] = sum(
                stringWidth(t, name, size) for name, t in self.runs(text, role)
            )
        return cached

    def font_for(self, ch: str, role: str) -> str:
        return self.runs(ch, role)[0][0]

    def describe(self) -> list[str]:
        """For the preview: which font serves each role, and which are substitutes."""
        lines = []
        for role, choice in self.roles.items():
            note = "（内置字体，代替系统缺少的字体）" if choice.bundled else ""
            lines.append(f"{ROLE_NAMES[role]}：{choice.display}{note}")
        return lines


def _to_unicode_hex(code: int) -> str:
    return chr(code).encode("utf-16-be").hex().upper()


def _patch_to_unicode_cmap() -> None:
    """ReportLab writes each ToUnicode entry as `%04X`, so a character outside the BMP (𠮷 U+20BB7, common in
    names) becomes five hex digits and copies or searches as garbage. PDF wants UTF-16BE (a surrogate pair):
    replace the one helper that writes the map. The drawn glyphs were right all along; this fixes the text."""
    from reportlab.pdfbase import ttfonts

    if getattr(ttfonts.makeToUnicodeCMap, "_workbench", False):
        return
    original = ttfonts.makeToUnicodeCMap

    def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
        text = original(fontname, subset)
        if all(code <= 0xFFFF for code in subset):
            return text
        head, _, rest = text.partition("beginbfchar\n")
        _, _, tail = rest.partition("\nendbfchar")
        entries = "\n".join(f"<{i:02X}> <{_to_unicode_hex(code)}>" for i, code in enumerate(subset))
        return f"{head}beginbfchar\n{entries}\nendbfchar{tail}"

    make_to_unicode_cmap._workbench = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap


def _register(choice: FontChoice, coverage: dict[str, frozenset[int]]) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if choice.name not in pdfmetrics.getRegisteredFontNames():
        font = TTFont(choice.name, str(choice.path), subfontIndex=choice.index)
        pdfmetrics.registerFont(font)
    font = pdfmetrics.getFont(choice.name)
    coverage[choice.name] = frozenset(font.face.charToGlyph)


@lru_cache(maxsize=4)
def load_fonts(use_system: bool = True) -> FontSet:
    """Resolve every role once per process (ReportLab keeps registered fonts globally)."""
    _patch_to_unicode_cmap()
    dirs = font_dirs() if use_system else []
    roles: dict[str, FontChoice] = {}
    coverage: dict[str, frozenset[int]] = {}
    for role in BUNDLED_CANDIDATES:
        choice = None
        for filename, index, display in WINDOWS_CANDIDATES[role]:
            path = _find(filename, dirs)
            if path is not None:
                choice = FontChoice(role, f"wb-{path.stem}-{index}", path, index, display, False)
                break
        if choice is None:
            filename, display = BUNDLED_CANDIDATES[role]
            choice = FontChoice(role, f"wb-{Path(filename).stem}", BUNDLED / filename, 0, display, True)
        _register(choice, coverage)
        roles[role] = choice
    fallbacks = [
        FontChoice("fallback", "wb-LXGWWenKai-Regular", FULL_COVERAGE, 0, "霞鹜文楷（全字库）", True)
    ]
    for filename, index, display in WINDOWS_FALLBACKS:
        path = _find(filename, dirs)
        if path is not None:
            fallbacks.append(FontChoice("fallback", f"wb-{path.stem}-{index}", path, index, display, False))
    for f in fallbacks:
        _register(f, coverage)
    by_role: dict[str, list[FontChoice]] = {}
    for role, candidates in WINDOWS_ROLE_FALLBACKS.items():
        for filename, index, display in candidates:
            path = _find(filename, dirs)
            if path is not None:
                choice = FontChoice("fallback", f"wb-{path.stem}-{index}", path, index, display, False)
                _register(choice, coverage)
                by_role.setdefault(role, []).append(choice)
    return FontSet(roles, fallbacks, coverage, by_role=by_role)
