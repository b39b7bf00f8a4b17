"""明白卡 (A4 or A5, for the household's wall, with a QR code of the household code that the supermarket counter
scans) and the 一户一策 plan sheet (A4, with signature lines)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.lib.pagesizes import A4, A5

from desktop import clock
from desktop.reports.fonts import load_fonts
from desktop.reports.forms import HEADER_FILL, Cell, Form
from desktop.reports.pdfdraw import PagedCanvas, Pen, mm


@dataclass
class PolicyCard:
    year: int
    colour_name: str  # 红卡 …, or "" before a colour is confirmed
    colour_meaning: str
    colour_hex: str
    place: str
    head: str
    code: str
    size: int
    phone: str
    poverty_type: str
    cause: str
    members: list[tuple[str, str, str, str, str, str]]  # name, relation, sex, age, masked ID, health
    income: str
    measures: list[tuple[str, str, str, str, str]]  # kind, description, amount 元, cadre, status
    policies: list[str]
    helper: str
    helper_phone: str
    supervise_phone: str
    issuer: str
    issued: date


@dataclass
class PlanSheet:
    year: int
    place: str
    head: str
    code: str
    size: int
    phone: str
    poverty_type: str
    cause: str
    colour: str  # "黄卡（脱贫不稳定户）" or "未确定"
    colour_basis: str
    income_parts: list[tuple[str, str]]  # label, 元
    measures: list[
        tuple[str, str, str, str, str, str, str]
    ]  # kind, description, 元, cadre, planned, done, status
    conditions: list[tuple[str, str, str, str]]  # name, 达标/未达标/待核验, source, detail
    visits: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # date, visitor, findings, follow-up
    helper: str = ""
    helper_phone: str = ""
    issuer: str = ""
    issued: date = field(kw_only=True)  # given by the service


def _qr(canvas, text: str, x: float, y: float, size: float) -> None:
    """A QR code `size` wide with its lower left corner at (x, y); the quiet zone is inside `size`."""
    widget = QrCodeWidget(text, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(widget)
    renderPDF.draw(d, canvas, x, y)


# Most office printers cannot print the outer 4–6 mm of a sheet; nothing is drawn nearer than this to an edge
# unless the user prints borderless (then the coloured band of the 明白卡 runs off the top edge).
SAFE_MARGIN = 11 * mm


@dataclass(frozen=True)
class CardLayout:
    """The measures of one paper size: an A5 card is laid out for A5, not an A4 card scaled down."""

    page: tuple[float, float]
    margin: float
    band: float  # height of the coloured title band
    title: float  # pt
    label: float  # the card colour in the band
    body: float  # table cells, income, policies, the helper block
    heading: float  # 家庭成员, 帮扶措施
    small: float  # the caption under the QR code
    pad: float  # inside a table cell
    leading: float  # line pitch in a cell, times the size
    row_height: float
    gap: float  # between sections
    qr: float
    info: tuple[tuple[tuple[str, float, float], ...], ...]  # two rows of 户主…: (label, its share, value's)
    members: tuple[tuple[str, float], ...]  # column title, share
    measures: tuple[tuple[str, float], ...]


A4_CARD = CardLayout(
    page=A4,
    margin=15 * mm,
    band=18 * mm,
    title=22,
    label=15,
    body=10.5,
    heading=12,
    small=9,
    pad=1.6 * mm,
    leading=1.3,
    row_height=7 * mm,
    gap=3 * mm,
    qr=30 * mm,
    info=(
        (("户主", 1, 1.4), ("户编号", 1, 2.4), ("人口", 0.8, 0.8)),
        (("联系电话", 1, 1.4), ("贫困户属性", 1, 1.2), ("致贫原因", 1, 1.8)),
    ),
    members=(
        ("姓名", 1.1),
        ("与户主关系", 1.1),
        ("性别", 0.6),
        ("年龄", 0.6),
        ("身份证号", 2.6),
        ("健康状况", 1.4),
    ),
    measures=(("类别", 1.2), ("内容", 3.4), ("金额（元）", 1.1), ("责任人", 1.0), ("状态", 1.1)),
)
# A5 is 148 × 210 mm: 124 mm of width inside the margins. Shares below are in mm of that width, sized for
# 10.5 pt text (an 18-character masked ID is 34 mm); longer values wrap inside their cell.
A5_CARD = CardLayout(
    page=A5,
    margin=SAFE_MARGIN,
    band=11 * mm,
    title=15,
    label=10.5,
    body=10.5,
    heading=10.5,
    small=9,
    pad=0.9 * mm,
    leading=1.2,
    row_height=0,
    gap=1.6 * mm,
    qr=20 * mm,
    info=(
        (("户主", 10, 24), ("户编号", 14, 44), ("人口", 10, 22)),
        (("电话", 10, 25), ("属性", 10, 29), ("致贫原因", 17, 33)),
    ),
    members=(("姓名", 16), ("关系", 19), ("性别", 10), ("年龄", 10), ("身份证号", 37), ("健康状况", 32)),
    measures=(("类别", 25.5), ("内容", 48), ("金额（元）", 20.5), ("责任人", 14), ("状态", 16)),
)


def _on_colour(hex_colour: str) -> Color:
    """Black or white text, whichever reads better on the band (white on yellow does not)."""
    c = HexColor(hex_colour)
    return HexColor("#212121") if 0.299 * c.red + 0.587 * c.green + 0.114 * c.blue > 0.6 else white


def render_policy_card(
    card: PolicyCard, path: str | Path, *, paper: str = "A4", borderless: bool = False
) -> int:
    """The 明白卡 on A4 or A5. Everything stays SAFE_MARGIN or more inside the paper edge unless `borderless`
    (for printers that print to the edge): then the coloured band runs off the top and sides."""
    lay = A5_CARD if paper.upper() == "A5" else A4_CARD
    w, h = lay.page
    m = lay.margin
    canvas = PagedCanvas(str(path), pagesize=lay.page, pageCompression=1)
    canvas.setTitle(f"{card.head}户明白卡")
    canvas.setCreator("乡镇扶贫工作台")
    pen = Pen(canvas, load_fonts())
    hex_colour = card.colour_hex or "#607d8b"
    canvas.setFillColor(HexColor(hex_colour))
    band_bottom = h - m - lay.band
    if borderless:
        canvas.rect(0, band_bottom, w, h - band_bottom, stroke=0, fill=1)
    else:
        canvas.rect(m, band_bottom, w - 2 * m, lay.band, stroke=0, fill=1)
    canvas.setFillColor(_on_colour(hex_colour))
    inset = 4 * mm if lay.band > 15 * mm else 3 * mm
    baseline = band_bottom + lay.band / 2 - lay.title * 0.35
    pen.draw(m + inset, baseline, f"{card.year}年度扶贫明白卡", "title", lay.title)
    label = f"{card.colour_name} · {card.colour_meaning}" if card.colour_name else "卡色未确定"
    pen.draw(
        w - m - inset, band_bottom + lay.band / 2 - lay.label * 0.35, label, "hei", lay.label, align="right"
    )
    canvas.setFillColor(black)

    # the header of the table being drawn, repeated at the top of a continuation page
    table: list[tuple[list[str], list[float]]] = []

    def continued(f: Form) -> None:
        f.y = h - m
        f.text(f"{card.head}户明白卡（续）　户编号 {card.code}", role="hei", size=lay.body, gap=lay.gap)
        if table:
            f.header_row(*table[-1])

    def section(heading: str, columns: tuple[tuple[str, float], ...]) -> list[float]:
        """A heading and a table header, kept with at least the table's first row."""
        if form.room() < lay.heading * 1.4 + 3 * lay.body * 2.2:
            form.new_page()
        form.text(heading, role="hei", size=lay.heading, gap=1 * mm)
        titles, spans = (list(x) for x in zip(*columns, strict=True))
        form.header_row(titles, spans)
        table[:] = [(titles, spans)]
        return spans

    form = Form(
        canvas,
        left=m,
        right=w - m,
        top=band_bottom - lay.gap - 1 * mm,
        bottom=m,
        size=lay.body,
        pad=lay.pad,
        leading=lay.leading,
        row_height=lay.row_height,
        on_new_page=continued,
    )
    form.text(card.place, role="hei", size=lay.body, gap=1 * mm)
    values = (
        (card.head, card.code, f"{card.size}人"),
        (card.phone or "—", card.poverty_type or "—", card.cause or "—"),
    )
    for pairs, row_values in zip(lay.info, values, strict=True):
        cells = []
        for (name, label_share, value_share), value in zip(pairs, row_values, strict=True):
            cells += [
                Cell(name, label_share, "hei", "center", HEADER_FILL),
                Cell(value, value_share, align="center"),
            ]
        form.row(cells)
    form.gap(lay.gap)
    spans = section("家庭成员", lay.members)
    for member in card.members:
        form.row([Cell(v, s, align="center") for v, s in zip(member, spans, strict=True)])
    table.clear()
    form.gap(lay.gap)
    form.text(card.income, size=lay.body, gap=lay.gap)
    spans = section("帮扶措施", lay.measures)
    for measure in card.measures or [("—", "暂无", "", "", "")]:
        form.row(
            [Cell(measure[0], spans[0], align="center"), Cell(measure[1], spans[1])]
            + [Cell(measure[2], spans[2], align="right")]
            + [Cell(v, s, align="center") for v, s in zip(measure[3:], spans[3:], strict=True)]
        )
    table.clear()
    form.gap(lay.gap)
    form.text("享受政策：" + ("；".join(card.policies) if card.policies else "暂无"), size=lay.body, gap=0)

    # The helper block (left) and the QR code with the household code under it (right) close the page.
    caption = lay.small * 1.6
    if form.room() < lay.qr + caption + lay.gap:
        form.new_page()
    _qr(canvas, card.code, w - m - lay.qr, m + caption, lay.qr)
    # the caption is wider than the code on A5: it ends flush with the code's right edge
    pen.draw(w - m, m + lay.small * 0.3, f"户编号 {card.code}", "song", lay.small, align="right")
    lines = [
        (f"帮扶责任人：{card.helper or '—'}　电话：{card.helper_phone or '—'}", "hei"),
        (f"监督举报电话：{card.supervise_phone}", "song"),
        (f"{card.issuer}　{clock.cn_date(card.issued)}", "song"),
        ("到扶贫超市兑换积分时请出示本卡（扫码识别）", "song"),
    ]
    pitch = lay.body * 1.5
    y = m + lay.small * 0.3 + pitch * (len(lines) - 1)
    for text, role in lines:
        pen.draw(m, y, text, role, lay.body)
        y -= pitch
    canvas.showPage()
    canvas.save()
    return canvas.page_count


# Table rows that go over with the signature lines when those would otherwise stand alone on a page.
KEEP_WITH_SIGNATURES = 2


def render_plan_sheet(sheet: PlanSheet, path: str | Path) -> int:
    canvas, form, alone = _plan_sheet(sheet, path, None)
    if alone and len(form.rows) > KEEP_WITH_SIGNATURES:
        canvas, form, alone = _plan_sheet(sheet, path, len(form.rows) - KEEP_WITH_SIGNATURES)
    canvas.save()
    return canvas.page_count


def _plan_sheet(
    sheet: PlanSheet, path: str | Path, break_before: int | None
) -> tuple[PagedCanvas, Form, bool]:
    """Lay the sheet out (not yet saved); says whether the signature lines went to a page of their own."""
    w, h = A4
    margin = 20 * mm

    def footer(c: PagedCanvas, number: int, total: int) -> None:
        # its baseline 12 mm up: the descenders stay clear of the printer's unprintable border
        Pen(c, pen.fonts).draw(w / 2, 12 * mm, f"第 {number} 页　共 {total} 页", "song", 9, align="center")

    canvas = PagedCanvas(str(path), pagesize=A4, decorate=footer, pageCompression=1)
    canvas.setTitle(f"{sheet.head}户{sheet.year}年度帮扶计划")
    canvas.setCreator("乡镇扶贫工作台")
    form = Form(canvas, left=margin, right=w - margin, top=h - 18 * mm, bottom=18 * mm, size=10.5)
    form.break_before = break_before
    pen = form.pen
    form.text(
        f"{sheet.year}年度贫困户帮扶计划（一户一策）", role="title", size=18, align="center", gap=3 * mm
    )
    form.text(f"{sheet.place}　　户编号：{sheet.code}", size=10.5, gap=2 * mm)

    def pair(*cells: tuple[str, str, float]) -> None:
        row = []
        for label, value, span in cells:
            row += [Cell(label, 1, "hei", "center", HEADER_FILL), Cell(value, span, align="center")]
        form.row(row)

    pair(
        ("户主", sheet.head, 1.2), ("家庭人口", f"{sheet.size}人", 0.8), ("联系电话", sheet.phone or "—", 1.6)
    )
    pair(
        ("贫困户属性", sheet.poverty_type or "—", 1.2),
        ("致贫原因", sheet.cause or "—", 0.8),
        ("卡色", sheet.colour, 1.6),
    )
    form.row([Cell("卡色依据", 1, "hei", "center", HEADER_FILL), Cell(sheet.colour_basis or "—", 5.4)])
    pair(("帮扶责任人", sheet.helper or "—", 1.2), ("联系电话", sheet.helper_phone or "—", 2.4 + 1))
    form.gap(4 * mm)
    form.text(f"一、{sheet.year}年家庭收入（元）", role="hei", size=12)
    labels = [p[0] for p in sheet.income_parts]
    spans = [1.0] * len(labels)
    form.header_row(labels, spans)
    form.row([Cell(p[1], 1.0, align="right") for p in sheet.income_parts])
    form.gap(4 * mm)
    form.text("二、帮扶措施", role="hei", size=12)
    spans = [1.1, 2.8, 1.0, 1.0, 1.1, 1.3, 0.8]
    form.header_row(["类别", "措施内容", "金额（元）", "责任人", "计划时间", "完成时间", "状态"], spans)
    for m in sheet.measures or [("—", "暂无措施", "", "", "", "", "")]:
        form.row(
            [Cell(m[0], spans[0], align="center"), Cell(m[1], spans[1]), Cell(m[2], spans[2], align="right")]
            + [Cell(v, s, align="center") for v, s in zip(m[3:], spans[3:], strict=True)]
        )
    form.gap(4 * mm)
    form.text("三、“两不愁三保障”及收入达标情况", role="hei", size=12)
    spans = [1.8, 0.9, 1.8, 2.6]
    form.header_row(["核验内容", "结果", "依据", "情况说明"], spans)
    for cond in sheet.conditions:
        form.row(
            [
                Cell(cond[0], spans[0]),
                Cell(cond[1], spans[1], "hei" if cond[1] != "达标" else "song", "center"),
                Cell(cond[2], spans[2]),
                Cell(cond[3], spans[3]),
            ]
        )
    if sheet.visits:
        form.gap(4 * mm)
        form.text("四、走访记录（最近）", role="hei", size=12)
        spans = [1.1, 1.0, 3.0, 2.6]
        form.header_row(["日期", "走访人", "了解情况", "后续措施"], spans)
        for v in sheet.visits:
            form.row(
                [
                    Cell(v[0], spans[0], align="center"),
                    Cell(v[1], spans[1], align="center"),
                    Cell(v[2], spans[2]),
                    Cell(v[3], spans[3]),
                ]
            )
    alone = form.room() < 30 * mm
    if alone:
        form.new_page()
    form.gap(10 * mm)
    third = form.width / 3
    y = form.y
    for i, label in enumerate(("帮扶责任人（签字）：", "户主（签字）：", "村委会（盖章）：")):
        pen.draw(form.left + i * third, y, label, "song", 11)
    pen.draw(form.right, y - 12 * mm, clock.cn_date(sheet.issued), "song", 11, align="right")
    canvas.showPage()
    return canvas, form, alone
