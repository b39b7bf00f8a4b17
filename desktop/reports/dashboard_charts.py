"""The 首页 charts as matplotlib Figures (shown in Qt by the UI, saved as PNG, placed in the monthly report)."""

from __future__ import annotations

import io
from pathlib import Path

from matplotlib.figure import Figure

from desktop.reports.charts import pyplot
from desktop.services.dashboard import COLOUR_LABELS, COLOUR_ORDER, Dashboard
from desktop.services.plans import COLOUR_HEX

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


def _empty(ax, text: str) -> None:  # noqa: ANN001
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
    fig: Figure, title: str, series: list[tuple[str, int, int]], labels, colours, scale: float
) -> None:  # noqa: ANN001
    ax = fig.add_subplot()
    ax.set_title(title)
    months = [_short(m) for m, _, _ in series]
    xs = range(len(months))
    ax.bar(
        [x - 0.2 for x in xs], [a / scale for _, a, _ in series], width=0.4, color=colours[0], label=labels[0]
    )
    ax.bar(
        [x + 0.2 for x in xs], [b / scale for _, _, b in series], width=0.4, color=colours[1], label=labels[1]
    )
    ax.set_xticks(list(xs), months, fontsize=8)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)


def draw_points(fig: Figure, d: Dashboard) -> None:
    _monthly(fig, CHARTS["points"], d.points, ("发放", "兑换"), ("#2e7d32", "#ef6c00"), 1)


def draw_fund(fig: Figure, d: Dashboard) -> None:
    _monthly(fig, CHARTS["fund"], d.fund, ("收入", "支出"), ("#1565c0", "#c62828"), 100)


DRAW = {"colours": draw_colours, "archive": draw_archive, "points": draw_points, "fund": draw_fund}


def figure(name: str, d: Dashboard, width: float = 6.4, height: float = 3.6) -> Figure:
    fig = new_figure(width, height)
    DRAW[name](fig, d)
    return fig


def save_png(name: str, d: Dashboard, path: str | Path, *, dpi: int = 150) -> Path:
    figure(name, d).savefig(path, dpi=dpi)
    return Path(path)


def _png(name: str, d: Dashboard) -> bytes:
    buf = io.BytesIO()
    figure(name, d, 6.4, 5.0).savefig(buf, format="png", dpi=200)
    return buf.getvalue()


def render_monthly_report(d: Dashboard, path: str | Path, *, township: str) -> int:
    """One A4 page: the key figures of the month of `d.today` and the four charts."""
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader

    from desktop.reports.fonts import load_fonts
    from desktop.reports.notice import cn_date
    from desktop.reports.pdfdraw import PagedCanvas, Pen

    month = d.today
    w, h = 210 * mm, 297 * mm
    canvas = PagedCanvas(str(path), pagesize=(w, h))
    pen = Pen(canvas, load_fonts())
    pen.draw(w / 2, h - 25 * mm, f"{township}扶贫工作月报", "title", 20, align="center")
    pen.draw(w / 2, h - 34 * mm, f"{month.year}年{month.month}月", "body", 14, align="center")
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
    y = h - 48 * mm
    for line in facts:
        pen.draw(20 * mm, y, line, "song", 11)
        y -= 7 * mm
    cell_w, cell_h = 85 * mm, 85 * 5.0 / 6.4 * mm
    top = y - 4 * mm
    for i, name in enumerate(DRAW):
        col, row = i % 2, i // 2
        x = 17 * mm + col * (cell_w + 6 * mm)
        yy = top - (row + 1) * cell_h - row * 6 * mm
        canvas.drawImage(ImageReader(io.BytesIO(_png(name, d))), x, yy, cell_w, cell_h)
    pen.draw(w - 20 * mm, 15 * mm, f"制表日期：{cn_date(d.today)}", "song", 10, align="right")
    canvas.showPage()
    canvas.save()
    return canvas.page_count
