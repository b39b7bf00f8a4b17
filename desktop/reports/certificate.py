"""奖状/证书: templates with configurable wording; on blank paper (border and title drawn) or on pre-printed
stock (only the variable text, moved by an x/y offset the clerk calibrates once with a calibration page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.colors import Color

from desktop.reports.fonts import load_fonts
from desktop.reports.pdfdraw import PagedCanvas, Pen, mm, wrap

RED = Color(0.75, 0.08, 0.08)
GOLD = Color(0.72, 0.55, 0.18)
DIGITS = "〇一二三四五六七八九"


def cn_numeral_date(d: date, *, day: bool = False) -> str:
    """二〇二六年十一月 (certificates keep 汉字 dates)."""

    def small(n: int) -> str:
        if n < 10:
            return DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")

    text = "".join(DIGITS[int(c)] for c in str(d.year)) + f"年{small(d.month)}月"
    return text + (f"{small(d.day)}日" if day else "")


@dataclass
class CertificateTemplate:
    key: str
    name: str
    title: str = "荣誉证书"
    # The ten-star rating of seed 000 (七) is the 脱贫星级评定, not the 文明办's 星级文明户; {award} comes
    # quoted from the service: one or more names (“增收致富之星”“政策明白之星”).
    body: str = "{recipient}：\n在{year}年度脱贫星级评定中，获评{award}。\n特发此证，以资鼓励。"
    paper_mm: tuple[float, float] = (297.0, 210.0)  # landscape A4
    # Positions in mm from the paper's top-left corner (where pre-printed stock expects the text).
    body_box_mm: tuple[float, float, float] = (55.0, 78.0, 187.0)  # left, top, width
    issuer_right_mm: tuple[float, float] = (240.0, 160.0)  # right edge, baseline from top
    number_mm: tuple[float, float] = (30.0, 192.0)
    title_size: float = 48.0
    body_size: float = 24.0


TEMPLATES = {
    "star": CertificateTemplate("star", "星级评定证书"),
    "exit": CertificateTemplate(
        "exit",
        "脱贫光荣证",
        title="光荣证书",
        # {exit_year} is the roster's 脱贫年度 of the household, never the year the certificate is printed
        body="{recipient}：\n在脱贫攻坚中自强不息、勤劳致富，于{exit_year}年光荣脱贫。\n特发此证，以资鼓励。",
    ),
    "filial": CertificateTemplate(
        "filial",
        "孝善之星证书",
        body="{recipient}：\n在{year}年度孝善敬老活动中表现突出，被评为{award}。\n特发此证，以资鼓励。",
    ),
}


def quoted(*names: str) -> str:
    """Award names as certificates print them: “增收致富之星”“政策明白之星”."""
    return "".join(f"“{n}”" for n in names)


@dataclass
class Certificate:
    template: CertificateTemplate
    recipient: str
    issuer: str
    issued: date
    award: str = ""
    text: str = ""  # replaces the template's wording when given
    number: str = ""
    values: dict[str, str] = field(default_factory=dict)

    def wording(self) -> str:
        if self.text:
            ending = "" if "特发此证" in self.text else "\n特发此证，以资鼓励。"
            return f"{self.recipient}：\n{self.text}{ending}"
        return self.template.body.format(
            recipient=self.recipient, year=self.issued.year, award=self.award, **self.values
        )


def _y(page_h: float, top_mm: float, dy_mm: float) -> float:
    return page_h - (top_mm + dy_mm) * mm


def render_certificates(
    certs: list[Certificate],
    path: str | Path,
    *,
    preprinted: bool = False,
    offset_mm: tuple[float, float] = (0.0, 0.0),
) -> int:
    """One page per certificate. Returns the number of pages."""
    if not certs:
        return 0
    tpl = certs[0].template
    w, h = tpl.paper_mm[0] * mm, tpl.paper_mm[1] * mm
    canvas = PagedCanvas(str(path), pagesize=(w, h), pageCompression=1)
    canvas.setTitle(tpl.name)
    canvas.setCreator("乡镇扶贫工作台")
    pen = Pen(canvas, load_fonts())
    dx, dy = offset_mm
    for cert in certs:
        t = cert.template
        if not preprinted:
            _frame(canvas, w, h)
            canvas.setFillColor(RED)
            pen.draw(
                w / 2,
                h - 55 * mm,
                t.title,
                "title",
                t.title_size,
                char_space=t.title_size * 0.25,
                align="center",
            )
            canvas.setFillColor(Color(0, 0, 0))
        left, top, width = t.body_box_mm
        x0 = (left + dx) * mm
        y = _y(h, top, dy)
        lines = cert.wording().split("\n")
        size = t.body_size
        lead = size * 1.6
        for i, para in enumerate(lines):
            first = 0.0 if i == 0 else 2 * size  # the salutation line is flush left, the rest indented
            lines = wrap(pen, para, "kai", size, width * mm, first_indent=first, keep_quoted=True)
            for j, line in enumerate(lines):
                pen.draw(x0 + (first if j == 0 else 0), y, line, "kai", size)
                y -= lead
        right, base = t.issuer_right_mm
        pen.draw((right + dx) * mm, _y(h, base, dy), cert.issuer, "kai", size - 2, align="right")
        pen.draw(
            (right + dx) * mm,
            _y(h, base + 13, dy),
            cn_numeral_date(cert.issued),
            "kai",
            size - 2,
            align="right",
        )
        if cert.number:
            nx, ny = t.number_mm
            pen.draw((nx + dx) * mm, _y(h, ny, dy), f"编号：{cert.number}", "song", 11)
        canvas.showPage()
    canvas.save()
    return canvas.page_count


def _frame(canvas: PagedCanvas, w: float, h: float) -> None:
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(4)
    canvas.rect(12 * mm, 12 * mm, w - 24 * mm, h - 24 * mm)
    canvas.setLineWidth(1)
    canvas.rect(16 * mm, 16 * mm, w - 32 * mm, h - 32 * mm)
    canvas.setStrokeColor(Color(0, 0, 0))


def render_calibration(path: str | Path, template: CertificateTemplate) -> int:
    """Marks at known positions: print on plain paper, lay it on the pre-printed stock against the light, and
    read how far the marks are from where the text belongs; enter that as the offset."""
    w, h = template.paper_mm[0] * mm, template.paper_mm[1] * mm
    canvas = PagedCanvas(str(path), pagesize=(w, h))
    pen = Pen(canvas, load_fonts())
    canvas.setLineWidth(0.4)
    for x_mm in range(0, int(template.paper_mm[0]) + 1, 10):
        tick = 5 if x_mm % 50 else 9
        canvas.line(x_mm * mm, h, x_mm * mm, h - tick * mm)
        canvas.line(x_mm * mm, 0, x_mm * mm, tick * mm)
        if x_mm % 50 == 0 and x_mm:
            pen.draw(x_mm * mm + 1, h - 14 * mm, f"{x_mm}", "song", 8)
    for y_mm in range(0, int(template.paper_mm[1]) + 1, 10):
        tick = 5 if y_mm % 50 else 9
        canvas.line(0, h - y_mm * mm, tick * mm, h - y_mm * mm)
        canvas.line(w, h - y_mm * mm, w - tick * mm, h - y_mm * mm)
        if y_mm % 50 == 0 and y_mm:
            pen.draw(11 * mm, h - y_mm * mm - 3, f"{y_mm}", "song", 8)

    def cross(x_mm: float, y_mm: float, label: str) -> None:
        x, y = x_mm * mm, h - y_mm * mm
        canvas.line(x - 8 * mm, y, x + 8 * mm, y)
        canvas.line(x, y - 8 * mm, x, y + 8 * mm)
        canvas.circle(x, y, 3 * mm)
        pen.draw(x + 4 * mm, y + 2 * mm, label, "song", 9)

    left, top, _width = template.body_box_mm
    cross(left, top, f"正文起点（距左{left:g}毫米，距上{top:g}毫米）")
    right, base = template.issuer_right_mm
    cross(right, base, f"落款右端（{right:g}，{base:g}毫米）")
    pen.draw(w / 2, h / 2, f"{template.name} 套打校准页", "hei", 20, align="center")
    pen.draw(
        w / 2,
        h / 2 - 28,
        "请按“实际大小（100%）”打印，勿选“适合页面”。量出十字与证书纸上应写字位置的偏差，"
        "填入“横向/纵向偏移（毫米）”：向右、向下为正。",
        "song",
        10,
        align="center",
    )
    canvas.showPage()
    canvas.save()
    return 1
