"""Matplotlib with Chinese labels (no boxes): register a bundled CJK font once, use the Agg backend.

Charts for paper are drawn at their printed size (never a bigger figure shrunk onto the page), so a font size
in points is the size on paper; nothing printed is smaller than MIN_PT. PDFs embed the fonts as TrueType
(Type 42), so the text stays text: searchable, and readable back by a checker."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from matplotlib.figure import Figure

from desktop.clock import cn_date
from desktop.reports.fonts import BUNDLED

MIN_PT = 8.0  # the smallest text on a printed chart (tick labels, legends)
A4_MM = (210.0, 297.0)
INCH = 25.4  # mm


@lru_cache(maxsize=1)
def pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    for name in ("WorkbenchSans-Regular.ttf", "LXGWWenKai-Regular.ttf"):
        font_manager.fontManager.addfont(str(BUNDLED / name))
    plt.rcParams["font.sans-serif"] = ["Microsoft YaHei", "SimHei", "Workbench Sans SC", "LXGW WenKai"]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    # TrueType (Type 42) instead of Type 3: the text of a PDF chart is real text with a ToUnicode map
    plt.rcParams["pdf.fonttype"] = 42
    plt.rcParams["ps.fonttype"] = 42
    return plt


def figure_mm(width: float, height: float) -> Figure:
    """A figure exactly `width` × `height` mm, laid out so labels never overlap (constrained layout)."""
    pyplot()  # the Chinese fonts and the PDF font type
    return Figure(figsize=(width / INCH, height / INCH), dpi=100, layout="constrained")


def a4_page(
    title: str,
    made: date,
    *,
    landscape: bool = True,
    subtitle: str = "",
    margin: float = 15.0,
) -> Figure:
    """A standalone printed chart page: A4, the title (and a subtitle) centred at the top, 制表日期 at the
    bottom right, and the axes (add them with fig.add_subplot / subplots) laid out in between. Everything stays
    `margin` mm inside the paper edge, clear of the printer's unprintable border."""
    w, h = A4_MM[::-1] if landscape else A4_MM
    fig = figure_mm(w, h)
    y = h - margin - 6  # baseline of the title, mm from the bottom
    fig.text(0.5, y / h, title, ha="center", va="baseline", fontsize=16)
    if subtitle:
        y -= 8
        fig.text(0.5, y / h, subtitle, ha="center", va="baseline", fontsize=10, color="#333333")
    fig.text(1 - margin / w, margin / h, f"制表日期：{cn_date(made)}", ha="right", va="baseline", fontsize=10)
    top, bottom = y - 5, margin + 7
    fig.get_layout_engine().set(rect=(margin / w, bottom / h, 1 - 2 * margin / w, (top - bottom) / h))
    return fig


def month_labels(keys: list[str]) -> list[str]:
    """YYYY-MM keys as printed axis labels: the year on the first month and on each January (2026年9月, 10月,
    11月, 12月, 2027年1月)."""
    labels = []
    for i, key in enumerate(keys):
        year, month = key.split("-")
        labels.append(f"{year}年{int(month)}月" if i == 0 or month == "01" else f"{int(month)}月")
    return labels
