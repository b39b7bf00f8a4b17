"""Console output that survives the code page of a Chinese Windows console.

Redirected to a file or a pipe, or with PYTHONIOENCODING=gbk, Python writes GBK (cp936), which has no ✓ and no
rare name characters (𠮷 U+20BB7, CJK Extension B). Strict encoding would turn a finished command into a
UnicodeEncodeError (and "意外错误" after the work was done). Such a character prints as "?" instead; set
PYTHONIOENCODING=utf-8 (or `chcp 65001`) to see every character.
"""

from __future__ import annotations

import sys
from typing import TextIO


def tolerate_unencodable(*streams: TextIO | None) -> None:
    """Make stdout and stderr (or the given streams) replace what their encoding cannot write."""
    for stream in streams or (sys.stdout, sys.stderr):
        if stream is None or getattr(stream, "errors", "strict") != "strict":
            continue  # no console at all (a windowed frozen app), or already tolerant
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
