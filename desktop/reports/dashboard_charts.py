"""The 首页 charts as matplotlib Figures (shown in Qt by the UI, saved as PNG, placed in the monthly report)."""

from __future__ import annotations

import io
import threading
from datetime import date
from pathlib import Path

from matplotlib.figure import Figure

from desktop.clock import cn_date
from desktop.reports.charts import pyplot
from desktop.reports.dashboard_data import Dashboard
from desktop.reports.fonts import load_fonts
from desktop.vocabulary import COLOUR_HEX, COLOUR_LABELS, COLOUR_ORDER

COLOURS = {**COLOUR_HEX, "none": "#9e9e9e"}
COPY_COLOURS = ("#1565c0", "#6a1b9a", "#00838f", "#ef6c00")
CHARTS = {
    "colours": "各村农户卡色",
    "archive": "档案齐全率（分份）",
    "points": "积分发放与兑换（近12个月）",
    "fund": "孝善基金收支（近12个月，元）",
}


def new_figure(width: float = 6.4, height: float = 3.6) -> Figure:
    pyplot()  # registers the Chinese fonts in rcParams
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#777777", fontsize=12)
    ax.set_axis_off()


def _short(month: str) -> str:
    year, m = month.split("-")
    return f"{int(m)}月" if m != "01" else f"{year[2:]}年1月"


def draw_colours(fig: Figure, d: Dashboard) -> None:
    ax = fig.add_subplot()
    ax.set_title(CHARTS["colours"])
    if not d.colours:
        _empty(ax, "还没有农户")
        return
    villages = [v for v, _ in d.colours][::-1]
    left = [0] * len(villages)
    for key in COLOUR_ORDER:
        counts = [c[key] for _, c in d.colours][::-1]
        if any(counts):
            ax.barh(villages, counts, left=left, color=COLOURS[key], label=COLOUR_LABELS[key])
            left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.set_xlabel("户数")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.tick_params(axis="y", labelsize=8 if len(villages) > 12 else 10)


def draw_archive(fig: Figure, d: Dashboard) -> None:
    ax = fig.add_subplot()
    ax.set_title(CHARTS["archive"])
    if not d.archive:
        _empty(ax, "还没有档案")
        return
    villages = [v for v, _, _ in d.archive][::-1]
    height = 0.8 / max(len(d.copies), 1)
    for i, (key, name) in enumerate(d.copies):
        rates = [100 * c.get(key, 0) / n if n else 0 for _, n, c in d.archive][::-1]
        ax.barh(
            [y + i * height for y in range(len(villages))],
            rates,
            height=height,
            color=COPY_COLOURS[i % len(COPY_COLOURS)],
            label=f"{name} {100 * d.archive_rate(key):.0f}%",
        )
    ax.set_yticks([y + height * (len(d.copies) - 1) / 2 for y in range(len(villages))], villages)
    ax.set_xlim(0, 100)
    ax.set_xlabel("齐全的农户占比（%）")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.tick_params(axis="y", labelsize=8 if len(villages) > 12 else 10)


def _monthly(
    fig: Figure, title: str, series: list[tuple[str, int, int]], labels, colours, scale: float, empty: str
) -> None:
    ax = fig.add_subplot()
    ax.set_title(title)
    if not any(a or b for _, a, b in series):  # all zero: axes from -0.04 to 0.04 would mean nothing
        _empty(ax, empty)
        return
    months = [_short(m) for m, _, _ in series]
    xs = range(len(months))
    ax.bar(
        [x - 0.2 for x in xs], [a / scale for _, a, _ in series], width=0.4, color=colours[0], label=labels[0]
    )
    ax.bar(
        [x + 0.2 for x in xs], [b / scale for _, _, b in series], width=0.4, color=colours[1], label=labels[1]
    )
    ax.set_xticks(list(xs), months, fontsize=8)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)


def draw_points(fig: Figure, d: Dashboard) -> None:
    _monthly(
        fig,
        CHARTS["points"],
        d.points,
        ("发放", "兑换"),
        ("#2e7d32", "#ef6c00"),
        1,
        "近12个月还没有积分发放或兑换",
    )


def draw_fund(fig: Figure, d: Dashboard) -> None:
    _monthly(
        fig, CHARTS["fund"], d.fund, ("收入", "支出"), ("#1565c0", "#c62828"), 100, "近12个月还没有基金收支"
    )


DRAW = {"colours": draw_colours, "archive": draw_archive, "points": draw_points, "fund": draw_fund}


def figure(name: str, d: Dashboard, width: float = 6.4, height: float = 3.6) -> Figure:
    fig = new_figure(width, height)
    DRAW[name](fig, d)
    return fig


def save_png(name: str, d: Dashboard, path: str | Path, *, dpi: int = 150) -> Path:
    with _drawing:
        figure(name, d).savefig(path, dpi=dpi)
    return Path(path)


# Charts are drawn off the GUI thread (on the read lane, two workers): matplotlib's font cache and the first
# set-up of its fonts are shared, so one chart is drawn at a time.
_drawing = threading.Lock()
SCREEN_DPI = 100


def png_bytes(name: str, d: Dashboard, width_px: int, height_px: int, ratio: float = 1.0) -> bytes:
    """One chart as PNG, `width_px` × `height_px` logical pixels (× `ratio` for a high-DPI screen): drawn at
    the size it is shown, so text keeps its size whatever the window's size."""
    width_px, height_px = max(width_px, 160), max(height_px, 120)
    with _drawing:
        fig = figure(name, d, width_px / SCREEN_DPI, height_px / SCREEN_DPI)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=SCREEN_DPI * ratio)
    return buf.getvalue()


def _chart_pdf(name: str, d: Dashboard, width: float, height: float) -> bytes:
    """One chart as a one-page PDF exactly `width` × `height` pt: drawn at the size it is printed, so its
    font sizes are the sizes on paper (8 pt and up), with the text embedded as TrueType."""
    fig = figure(name, d, width / 72, height / 72)
    if name in ("points", "fund") and width < 120 * 72 / 25.4:
        for ax in fig.axes:  # twelve month labels across half a page: slanted so they do not collide
            ax.tick_params(axis="x", labelrotation=45)
            for label in ax.get_xticklabels():
                label.set_horizontalalignment("right")
                label.set_rotation_mode("anchor")
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    return buf.getvalue()


def _report_rows(villages: int, room: float, mm: float) -> list[tuple[tuple[str, ...], float]]:
    """The charts of the monthly report in rows, with their heights (pt), for `room` pt of page: the two
    village charts side by side (as tall as the villages need at 8 pt labels), then the monthly series each
    across the page, or side by side when the villages take the room."""
    village_h = max(70 * mm, villages * (3.3 if villages > 12 else 5) * mm + 22 * mm)
    monthly_h, gap = 56 * mm, 5 * mm
    spare = room - (village_h + 2 * (monthly_h + gap))
    if spare >= 0:  # each row gets a share of what is left, rather than white paper at the bottom
        share = spare / 3 - 1  # (a point short: rounding never pushes the last row over)
        village_h, monthly_h = village_h + share, monthly_h + share
        return [(("colours", "archive"), village_h), (("points",), monthly_h), (("fund",), monthly_h)]
    return [(("colours", "archive"), village_h), (("points", "fund"), 58 * mm)]


def render_monthly_report(
    d: Dashboard, path: str | Path, *, township: str, made: date | None = None, stamp: str = ""
) -> int:
    """A4 portrait: the key figures of the month of `d.today` and the four charts, as vector graphics with
    text at print size. One page for a township of up to about thirty-five villages (the village charts grow
    with them); beyond that the monthly charts continue on a second page. `made` is the 制表日期."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from reportlab.lib.units import mm

    from desktop.reports.pdfdraw import PagedCanvas, Pen  # lazy: reportlab loads only when printing

    month = d.today
    made = made or d.today
    w, h = 210 * mm, 297 * mm
    margin, gap = 15 * mm, 5 * mm

    def footer(c: PagedCanvas, number: int, total: int) -> None:
        p = Pen(c, pen.fonts)
        p.draw(w - margin, 14 * mm, f"制表日期：{cn_date(made)}", "song", 10, align="right")
        if stamp:  # 审计校验码 (desktop.services.system.audit.stamp)
            p.draw(margin, 14 * mm, stamp, "song", 8)
        if total > 1:
            p.draw(w / 2, 14 * mm, f"第 {number} 页　共 {total} 页", "song", 10, align="center")

    buf = io.BytesIO()
    canvas = PagedCanvas(buf, pagesize=(w, h), decorate=footer)
    pen = Pen(canvas, load_fonts())
    pen.draw(w / 2, h - 25 * mm, f"{township}扶贫工作月报", "title", 20, align="center")
    pen.draw(w / 2, h - 33 * mm, f"{month.year}年{month.month}月", "body", 14, align="center")
    colours = d.colour_totals()
    awarded, redeemed = d.this_month(d.points)
    money_in, money_out = d.this_month(d.fund)
    facts = [
        f"农户{d.households}户{d.members}人；"
        + "，".join(f"{COLOUR_LABELS[k]}{colours[k]}户" for k in COLOUR_ORDER if colours[k]),
        "档案齐全率：" + "，".join(f"{name}{100 * d.archive_rate(k):.1f}%" for k, name in d.copies),
        f"本月积分：发放{awarded}分，兑换{redeemed}分；未兑换积分余额{d.points_outstanding}分。",
        f"本月孝善基金：收入{money_in / 100:,.2f}元，支出{money_out / 100:,.2f}元；"
        f"基金余额{d.fund_balance / 100:,.2f}元。",
    ]
    y = h - 43 * mm
    for line in facts:
        pen.draw(20 * mm, y, line, "song", 11)
        y -= 6.5 * mm
    # Place the charts: (page, name, x, y, width, height) in pt; drawn into the page once it is written.
    bottom, page_top = 20 * mm, h - margin
    top = y + 1 * mm
    villages = max(len(d.colours), len(d.archive), 1)
    places: list[tuple[int, str, float, float, float, float]] = []
    page = 0
    for row, height in _report_rows(villages, top - bottom, mm):
        height = min(height, page_top - bottom)
        if top - height < bottom:
            canvas.showPage()
            page, top = page + 1, page_top
        width = (w - 2 * margin - gap * (len(row) - 1)) / len(row)
        for i, name in enumerate(row):
            places.append((page, name, margin + i * (width + gap), top - height, width, height))
        top -= height + gap
    canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=io.BytesIO(buf.getvalue()))
    for index, name, x, y0, width, height in places:
        chart = PdfReader(io.BytesIO(_chart_pdf(name, d, width, height))).pages[0]
        writer.pages[index].merge_transformed_page(chart, Transformation().translate(x, y0))
    writer.compress_identical_objects()
    with open(path, "wb") as fh:
        writer.write(fh)
    return canvas.page_count
