"""明白卡 (A4 or A5, for the household's wall, with a QR code of the household code that the supermarket counter
scans) and the 一户一策 plan sheet (A4, with signature lines)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, A5

from desktop.reports.fonts import load_fonts
from desktop.reports.forms import HEADER_FILL, Cell, Form
from desktop.reports.notice import cn_date
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
    issued: date = field(default_factory=date.today)


def _qr(canvas, text: str, x: float, y: float, size: float) -> None:  # noqa: ANN001
    widget = QrCodeWidget(text, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(widget)
    renderPDF.draw(d, canvas, x, y)


def render_policy_card(card: PolicyCard, path: str | Path, *, paper: str = "A4") -> int:
    page = A5 if paper.upper() == "A5" else A4
    scale = 0.78 if page == A5 else 1.0
    w, h = page
    margin = 12 * mm * scale + 3 * mm
    canvas = PagedCanvas(str(path), pagesize=page, pageCompression=1)
    canvas.setTitle(f"{card.head}户明白卡")
    canvas.setCreator("乡镇扶贫工作台")
    pen = Pen(canvas, load_fonts())
    band = 20 * mm * scale
    colour = HexColor(card.colour_hex) if card.colour_hex else HexColor("#607d8b")
    canvas.setFillColor(colour)
    canvas.rect(0, h - band, w, band, stroke=0, fill=1)
    canvas.setFillColor(white)
    pen.draw(margin, h - band + band * 0.34, f"{card.year}年度扶贫明白卡", "title", 22 * scale)
    label = f"{card.colour_name} · {card.colour_meaning}" if card.colour_name else "卡色未确定"
    pen.draw(w - margin, h - band + band * 0.36, label, "hei", 15 * scale, align="right")
    canvas.setFillColor(HexColor("#000000"))
    size = 10.5 * scale
    form = Form(
        canvas, left=margin, right=w - margin, top=h - band - 6 * mm * scale, bottom=margin, size=size
    )
    form.text(card.place, role="hei", size=12 * scale)
    form.gap(1 * mm)
    form.row(
        [
            Cell("户主", 1, "hei", "center", HEADER_FILL),
            Cell(card.head, 1.4, align="center"),
            Cell("户编号", 1, "hei", "center", HEADER_FILL),
            Cell(card.code, 2.4, align="center"),
            Cell("人口", 0.8, "hei", "center", HEADER_FILL),
            Cell(f"{card.size}人", 0.8, align="center"),
        ]
    )
    form.row(
        [
            Cell("联系电话", 1, "hei", "center", HEADER_FILL),
            Cell(card.phone or "—", 1.4, align="center"),
            Cell("贫困户属性", 1, "hei", "center", HEADER_FILL),
            Cell(card.poverty_type or "—", 1.2, align="center"),
            Cell("致贫原因", 1, "hei", "center", HEADER_FILL),
            Cell(card.cause or "—", 1.8, align="center"),
        ]
    )
    form.gap(3 * mm)
    form.text("家庭成员", role="hei", size=11.5 * scale)
    spans = [1.1, 1.1, 0.6, 0.6, 2.6, 1.4]
    form.header_row(["姓名", "与户主关系", "性别", "年龄", "身份证号", "健康状况"], spans)
    for m in card.members:
        form.row(
            [Cell(v, s, align="center") for v, s in zip(m, spans, strict=True)], min_height=6.5 * mm * scale
        )
    form.gap(3 * mm)
    form.text(card.income, role="song", size=size)
    form.gap(2 * mm)
    form.text("帮扶措施", role="hei", size=11.5 * scale)
    spans = [1.2, 3.4, 1.1, 1.2, 0.9]
    form.header_row(["类别", "内容", "金额（元）", "责任人", "状态"], spans)
    for m in card.measures or [("—", "暂无", "", "", "")]:
        form.row(
            [Cell(m[0], spans[0], align="center"), Cell(m[1], spans[1])]
            + [Cell(v, s, align="center") for v, s in zip(m[2:], spans[2:], strict=True)],
            min_height=6.5 * mm * scale,
        )
    form.gap(3 * mm)
    form.text("享受政策：" + ("；".join(card.policies) if card.policies else "暂无"), size=size)
    # Helper block and the QR code share the bottom of the page.
    qr = 30 * mm * scale
    needed = qr + 10 * mm
    if form.room() < needed:
        form.new_page()
    base = margin
    _qr(canvas, card.code, w - margin - qr, base + 6 * mm * scale, qr)
    pen.draw(w - margin - qr / 2, base + 1 * mm, f"户编号 {card.code}", "song", 7.5 * scale, align="center")
    lines = [
        f"帮扶责任人：{card.helper or '—'}　电话：{card.helper_phone or '—'}",
        f"监督举报电话：{card.supervise_phone}",
        f"{card.issuer}　{cn_date(card.issued)}",
    ]
    y = base + qr - 2 * mm
    for line in lines:
        pen.draw(margin, y, line, "hei" if line is lines[0] else "song", 11 * scale)
        y -= 8 * mm * scale
    pen.draw(margin, base + 1 * mm, "到扶贫超市兑换积分时请出示本卡（扫码识别）", "song", 8 * scale)
    canvas.showPage()
    canvas.save()
    return canvas.page_count


def render_plan_sheet(sheet: PlanSheet, path: str | Path) -> int:
    w, h = A4
    margin = 20 * mm

    def footer(c: PagedCanvas, number: int, total: int) -> None:
        Pen(c, pen.fonts).draw(w / 2, 10 * mm, f"第 {number} 页　共 {total} 页", "song", 9, align="center")

    canvas = PagedCanvas(str(path), pagesize=A4, decorate=footer, pageCompression=1)
    canvas.setTitle(f"{sheet.head}户{sheet.year}年度帮扶计划")
    canvas.setCreator("乡镇扶贫工作台")
    form = Form(canvas, left=margin, right=w - margin, top=h - 18 * mm, bottom=18 * mm, size=10.5)
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
    spans = [1.1, 3.0, 1.0, 1.0, 1.1, 1.1, 0.8]
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
    if form.room() < 30 * mm:
        form.new_page()
    form.gap(10 * mm)
    third = form.width / 3
    y = form.y
    for i, label in enumerate(("帮扶责任人（签字）：", "户主（签字）：", "村委会（盖章）：")):
        pen.draw(form.left + i * third, y, label, "song", 11)
    pen.draw(form.right, y - 12 * mm, cn_date(sheet.issued), "song", 11, align="right")
    canvas.showPage()
    canvas.save()
    return canvas.page_count
