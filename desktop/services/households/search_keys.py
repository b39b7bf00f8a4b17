"""The lower-case haystack a household is found by: code, names, pinyin (full and initials), ID numbers."""

from __future__ import annotations

from collections.abc import Iterable

_cache: dict[str, str] = {}


def _syllable(ch: str) -> str:
    s = _cache.get(ch)
    if s is None:
        if ch.isascii():
            s = ch.lower()
        else:
            from pypinyin import lazy_pinyin  # lazy: ~0.3 s import

            s = lazy_pinyin(ch, errors=lambda c: c)[0].lower()
        _cache[ch] = s
    return s


def pinyin_keys(name: str) -> tuple[str, str]:
    """("zhangjianguo", "zjg") for 张建国. Characters without pinyin stay as they are."""
    syllables = [_syllable(ch) for ch in name]
    return "".join(syllables), "".join(s[:1] for s in syllables)


def household_search_text(code: str, people: Iterable[tuple[str, str | None]]) -> str:
    parts = [code]
    for name, id_number in people:
        full, initials = pinyin_keys(name)
        parts.append(f"{name.lower()} {initials} {full} {(id_number or '').lower()}")
    return "|".join(parts)
