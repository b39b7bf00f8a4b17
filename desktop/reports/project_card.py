"""项目档案卡: one project on A4 portrait — its fields, funds by source, beneficiaries, 绩效目标, the history of
its steps, contracts, disbursements and the notices posted. Each project starts a page of its own; a long one
flows onto the next with its section's header repeated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4

from desktop.clock import cn_date
from desktop.reports.forms import HEADER_FILL, Cell, Form
from desktop.reports.pdfdraw import SOFT_BREAKS, PagedCanvas, Pen, mm, wrap


@dataclass
class Section:
    heading: str
    headers: list[str]
    spans: list[float]
    rows: list[list[str]]
    align: list[str] = field(default_factory=list)
    empty: str = "无"


@dataclass
class ProjectCard:
    title: str  # the project's name
    subtitle: str  # 年度、类别、状态
    fields: list[tuple[str, str]]  # label, value: shown two to a row, long ones on a row of their own
    sections: list[Section]


WIDE = 18  # characters above which a field takes a whole row


def _card(form: Form, card: ProjectCard) -> None:
    form.text("项目档案卡", role="title", size=18, align="center", gap=1 * mm)
    form.text(card.title, role="hei", size=13, align="center", gap=1 * mm)
    form.text(card.subtitle, size=10.5, align="center", gap=2 * mm)
    label = 1.0
    pending: list[tuple[str, str]] = []

    def flush() -> None:
        row = []
        for name, value in pending:
            row += [Cell(name, label, "hei", "center", HEADER_FILL), Cell(value or "—", 2.0)]
        if len(pending) == 1:
            row[-1].span = 5.0
        form.row(row)
        pending.clear()

    for name, value in card.fields:
        if len(value) > WIDE:
            if pending:
                flush()
            form.row([Cell(name, label, "hei", "center", HEADER_FILL), Cell(value, 5.0)])
            continue
        pending.append((name, value))
        if len(pending) == 2:
            flush()
    if pending:
        flush()
    for number, sec in enumerate(card.sections):
        form.gap(3 * mm)
        if form.room() < 30 * mm:  # a heading never ends a page
            form.new_page()
        form.text(f"{'一二三四五六七八九十'[number]}、{sec.heading}", role="hei", size=12)
        if not sec.rows:
            form.row([Cell(sec.empty, 1.0, align="center")], min_height=6 * mm)
            continue
        form.header_row(sec.headers, sec.spans)
        aligns = sec.align or ["center"] * len(sec.headers)
        for r in sec.rows:
            cells = [Cell(v, s, align=a) for v, s, a in zip(r, sec.spans, aligns, strict=True)]
            # a row that starts a new page gets its section's header first
            if _height(form, cells) > form.room():
                form.new_page()
                form.text(f"{sec.heading}（续）", role="hei", size=11)
                form.header_row(sec.headers, sec.spans)
            form.row(cells)


def _height(form: Form, cells: list[Cell]) -> float:
    total = sum(c.span for c in cells)
    lines = max(
        len(
            wrap(
                form.pen,
                c.text,
                c.role,
                form.size,
                form.width * c.span / total - 2 * form.pad,
                soft=SOFT_BREAKS,
            )
        )
        for c in cells
    )
    return max(form.row_height, lines * form.size * form.leading + 2 * form.pad)


def render_project_cards(cards: list[ProjectCard], path: str | Path, *, made: date, stamp: str = "") -> int:
    """Every card from a new page; returns the number of pages."""
    w, h = A4
    margin = 18 * mm

    def footer(c: PagedCanvas, number: int, total: int) -> None:
        pen = Pen(c, form.pen.fonts)
        pen.draw(margin, 12 * mm, f"制表日期：{cn_date(made)}", "song", 9)
        pen.draw(w / 2, 12 * mm, f"第 {number} 页　共 {total} 页", "song", 9, align="center")
        if stamp:
            pen.draw(w - margin, 12 * mm, stamp, "song", 8, align="right")

    canvas = PagedCanvas(str(path), pagesize=A4, decorate=footer, pageCompression=1)
    canvas.setTitle("项目档案卡" if len(cards) != 1 else f"项目档案卡：{cards[0].title}")
    canvas.setCreator("乡镇扶贫工作台")
    form = Form(
        canvas, left=margin, right=w - margin, top=h - 16 * mm, bottom=20 * mm, size=9.5, row_height=6.5 * mm
    )
    for i, card in enumerate(cards):
        if i:
            form.new_page()
        _card(form, card)
    canvas.showPage()
    canvas.save()
    return canvas.page_count
