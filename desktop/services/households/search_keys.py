"""The lower-case haystack a household is found by: code, names, pinyin (full and initials), ID numbers."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable
from pathlib import Path

_cache: dict[str, str] = {}
_names: dict[str, tuple[str, str]] = {}

# pypinyin's toneless (NORMAL) spelling of a reading, as lazy_pinyin gives it: tone marks dropped, ü as v.
_TONELESS = str.maketrans(
    {
        **dict.fromkeys("āáǎà", "a"),
        **dict.fromkeys("ēéěè", "e"),
        **dict.fromkeys("īíǐì", "i"),
        **dict.fromkeys("ōóǒò", "o"),
        **dict.fromkeys("ūúǔù", "u"),
        **dict.fromkeys("üǖǘǚǜ", "v"),
        **dict.fromkeys("ńňǹ", "n"),
        "ḿ": "m",
    }
)
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz")
_readings: dict[str, str] | None = None


def _table() -> dict[str, str]:
    """pypinyin's single-character readings (code point → "zhāng,zhàng"), read from its data file: importing
    pypinyin itself loads its phrase dictionary and segmenter as well, ~2 s that a search key never needs."""
    global _readings
    if _readings is None:
        _readings = {}
        spec = importlib.util.find_spec("pypinyin")  # finds the package without running it
        for folder in (spec.submodule_search_locations or []) if spec else []:
            path = Path(folder) / "pinyin_dict.json"
            if path.is_file():
                _readings = json.loads(path.read_text(encoding="utf-8"))
                break
    return _readings


def _lazy(ch: str) -> str:
    from pypinyin import lazy_pinyin  # lazy: ~2 s with its phrase dictionary; only for unusual readings

    return lazy_pinyin(ch, errors=lambda c: c)[0].lower()


def _syllable(ch: str) -> str:
    s = _cache.get(ch)
    if s is None:
        if ch.isascii():
            s = ch.lower()
        else:
            reading = _table().get(str(ord(ch)))
            s = reading.split(",", 1)[0].translate(_TONELESS) if reading else None
            if not s or not _PLAIN.issuperset(s):  # no reading here, or one spelt unusually: ask pypinyin
                s = _lazy(ch)
        _cache[ch] = s
    return s


def pinyin_keys(name: str) -> tuple[str, str]:
    """("zhangjianguo", "zjg") for 张建国. Characters without pinyin stay as they are."""
    keys = _names.get(name)
    if keys is None:
        syllables = [_syllable(ch) for ch in name]
        keys = "".join(syllables), "".join(s[:1] for s in syllables)
        if len(_names) > 200_000:  # a county's names, and then some
            _names.clear()
        _names[name] = keys
    return keys


def household_search_text(code: str, people: Iterable[tuple[str, str | None]]) -> str:
    parts = [code]
    for name, id_number in people:
        full, initials = pinyin_keys(name)
        parts.append(f"{name.lower()} {initials} {full} {(id_number or '').lower()}")
    return "|".join(parts)
