"""The line breaker every notice, ledger, certificate and card goes through: nothing lost, nothing past the
edge, no closing mark at a line's start or opening mark at its end, over many widths and texts."""

from __future__ import annotations

import io
import random

import pytest
from reportlab.pdfgen.canvas import Canvas

from desktop.reports.fonts import load_fonts
from desktop.reports.pdfdraw import NO_END, NO_START, SOFT_BREAKS, Pen, wrap

OPENING = "（《「『【〔〈“‘([{"
CLOSING = "，。、；：？！）》」』】〕〉”’…%％,.;:?!)]}"
TEXTS = [
    "在2026年度孝善敬老活动中家庭和睦，获评“孝善之星”。",
    "已完成（2026.07）养老保险（3人；每人200元）。",
    "公示时间：2026年12月2日至2026年12月8日（共7天）。",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "户编号41142410420100001，金额2,000.00元，见“《关于开展2026年度工作的通知》”（附件1）。",
]


def _random_texts(seed: int, count: int, *, soup: bool = False) -> list[str]:
    """Texts as clerks write them (words, numbers, at most two marks together), or punctuation soup."""
    rng = random.Random(seed)
    words = ["孝善之星", "村民委员会", "𠮷", "堃喆", "2026年", "12月", "3人", "2,000.00元", "AbC", "户", " "]
    texts = []
    for _ in range(count):
        parts: list[str] = []
        for _ in range(rng.randint(1, 25)):
            if soup:
                parts.append(rng.choice(OPENING + CLOSING + "字"))
                continue
            if rng.random() < 0.3:
                parts.append(rng.choice(OPENING))
            parts.append(rng.choice(words))
            if rng.random() < 0.4:
                parts.append("".join(rng.choice(CLOSING) for _ in range(rng.randint(1, 2))))
        texts.append("".join(parts))
    return texts


@pytest.fixture(scope="module")
def pen() -> Pen:
    return Pen(Canvas(io.BytesIO()), load_fonts())


@pytest.mark.parametrize("text", TEXTS + _random_texts(7, 60) + _random_texts(17, 30, soup=True))
def test_every_character_survives_at_every_width(pen, text):
    for size, role in ((16, "body"), (24, "kai"), (10, "song")):
        for width in range(int(size * 1.2), int(size * 30), max(3, int(size / 2))):
            for soft in ("", SOFT_BREAKS):
                lines = wrap(pen, text, role, size, width, soft=soft)
                assert "".join(lines) == text, (width, soft, lines)


@pytest.mark.parametrize("text", TEXTS + _random_texts(11, 60))
def test_no_line_starts_with_closing_or_ends_with_opening(pen, text):
    size = 16
    for width in range(size * 4, size * 30, 5):
        lines = wrap(pen, text, "body", size, width)
        for i, line in enumerate(lines):
            if i:
                assert line[0] not in NO_START, (width, lines)
            if i < len(lines) - 1:
                assert line[-1] not in NO_END, (width, lines)


@pytest.mark.parametrize("text", TEXTS + _random_texts(11, 60) + _random_texts(13, 30, soup=True))
def test_nothing_runs_past_the_edge(pen, text):
    size = 16
    for width in range(size * 2, size * 30, 5):
        for line in wrap(pen, text, "body", size, width):
            if len(line) > 1:
                assert pen.width(line, "body", size) <= width + 0.01, (width, line)


def test_the_reported_cases_keep_their_characters(pen):
    lines = wrap(pen, "家庭和睦，获评“孝善之星”。", "kai", 24, 24 * 8.5)
    assert "孝善之星" in "".join(lines)
    lines = wrap(pen, "已完成（2026.07）", "song", 10.5, 10.5 * 4)
    assert "".join(lines) == "已完成（2026.07）"


def test_a_cell_listing_stars_breaks_after_a_separator(pen):
    lines = wrap(pen, "增收致富、政策明白、户容整洁、良好家风", "song", 12, 12 * 12.5, soft=SOFT_BREAKS)
    assert lines[0].endswith("、") and all(not ln.startswith(("容", "家风")) for ln in lines), lines


def test_first_indent_and_paragraphs(pen):
    text = "第一段文字比较长，需要换行才能放下。\n第二段。"
    lines = wrap(pen, text, "body", 16, 16 * 8, first_indent=32)
    assert "".join(lines) == text.replace("\n", "")
    assert pen.width(lines[0], "body", 16) <= 16 * 6 + 0.01
