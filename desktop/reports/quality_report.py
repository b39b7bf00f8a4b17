"""Outputs of the data-quality audit: the xlsx for the county (summary + one sheet per rule), the findings
ledger, and a one-page summary chart."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from desktop import clock
from desktop.reports import xlsx_safe
from desktop.reports.charts import pyplot


def summary_chart(
    by_rule: list[tuple[str, int]],
    by_village: list[tuple[str, int]],
    path: str | Path,
    title: str = "疑点核查汇总",
    *,
    made: date,
) -> Path:
    """Findings per rule and per village, one page (PNG or PDF by the file name), dated `made`."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.69, 8.27))  # A4 landscape, inches
    fig.suptitle(f"{title}（{clock.cn_date(made)}）", fontsize=16)
    for ax, data, label in ((left, by_rule, "按规则"), (right, by_village, "按村")):
        names = [n for n, _ in data][::-1] or ["（无疑点）"]
        counts = [c for _, c in data][::-1] or [0]
        bars = ax.barh(names, counts, color="#c0392b" if ax is left else "#2e86c1")
        ax.set_title(label)
        ax.set_xlabel("疑点数")
        ax.bar_label(bars, padding=3)
        ax.spines[["top", "right"]].set_visible(False)
        ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def _rates_table(ws, r: int, rates: list, title: str) -> int:
    """The accuracy rates under the village counts, from row r; returns the last row written. No formulas: the
    rates are the run's, as printed (percentages are numbers formatted 0.0%)."""
    from openpyxl.styles import Alignment, Font

    bold, top = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    xlsx_safe.put(ws.cell(row=r, column=1), title or "精准率").font = bold
    r += 1
    for j, head in enumerate(("村", "人数", "识别精准率", "数据信息精准率", "说明"), start=1):
        xlsx_safe.put(ws.cell(row=r, column=j), head).font = bold
    for village, people, identification, data, note in rates:
        r += 1
        for j, value in enumerate((village, people, identification, data, note), start=1):
            cell = xlsx_safe.put(
                ws.cell(row=r, column=j), value, number_format="0.0%" if j in (3, 4) else None
            )
            cell.alignment = top
    return r


def findings_workbook(
    rows_by_rule: dict[str, dict[str, Any]],
    summary_village: list[tuple[str, int]],
    path: str | Path,
    chart_png: Path | None = None,
    rates: list[tuple[str, int, float | None, float | None, str]] | None = None,
    rates_title: str = "",
    *,
    made: date,
) -> Path:
    """Sheet 汇总 (dated `made`): per rule (code, name, severity, count, why, fix) and per village, each list ending in a 合计
    that is a SUBTOTAL formula; then, when given, the accuracy rates per village (村, 人数, 识别精准率,
    数据信息精准率, 说明 — percentages as numbers, the last row the whole run), with the chart under them; then
    one sheet per rule with its findings. IDs and
    codes are text; every value goes through xlsx_safe (never a live formula). Every sheet prints on A4
    landscape, one page wide, title and header repeated, 第N页 共M页."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    top = Alignment(wrap_text=True, vertical="top")

    def put_row(ws, r: int, values: list, *, text_cols: tuple[int, ...] = (), font=None) -> None:
        for j, value in enumerate(values, start=1):
            cell = xlsx_safe.put(
                ws.cell(row=r, column=j), value, text=j in text_cols and value not in (None, "")
            )
            cell.alignment = top
            if font is not None:
                cell.font = font

    def total_row(ws, r: int, column: int, first: int) -> None:
        """合计 under a list of counts: a SUBTOTAL over the list (0 when the list is empty)."""
        put_row(ws, r, ["合计"], font=bold)
        cell = ws.cell(row=r, column=column)
        if r > first:
            xlsx_safe.formula(cell, xlsx_safe.subtotal(cell.column_letter, first, r - 1))
        else:
            xlsx_safe.put(cell, 0)
        cell.font = bold

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    xlsx_safe.put(ws.cell(row=1, column=1), f"疑点核查汇总（{clock.cn_date(made)}）").font = Font(
        size=14, bold=True
    )
    put_row(ws, 2, ["规则代码", "规则", "类别", "疑点数", "为什么要查", "怎么改"], font=bold)
    r = 3
    for code, info in rows_by_rule.items():
        put_row(
            ws, r, [code, info["name"], info["severity"], len(info["findings"]), info["why"], info["fix"]]
        )
        r += 1
    total_row(ws, r, 4, 3)
    r += 2
    put_row(ws, r, ["村", "疑点数"], font=bold)
    first_village = r + 1
    for village, n in summary_village:
        r += 1
        put_row(ws, r, [village, n])
    r += 1
    total_row(ws, r, 2, first_village)
    if rates:
        r = _rates_table(ws, r + 2, rates, rates_title)
    for col, width in zip("ABCDEF", (26, 24, 8, 8, 50, 40), strict=True):
        ws.column_dimensions[col].width = width
    if chart_png is not None:
        from openpyxl.drawing.image import Image

        # Under the tables, not beside them: the sheet prints one page wide, and a chart to the right would
        # shrink the tables to fit.
        image = Image(str(chart_png))
        image.width, image.height = image.width * 0.6, image.height * 0.6
        ws.add_image(image, f"A{r + 2}")
    xlsx_safe.fit_rows(ws, 3, [5, 6])
    xlsx_safe.print_setup(ws, "1:2", landscape=True)
    header = ["序号", "村", "户编号", "人编号", "姓名", "疑点说明", "涉及字段", "核实情况"]
    for code, info in rows_by_rule.items():
        sheet = wb.create_sheet(info["name"][:31])
        xlsx_safe.put(sheet.cell(row=1, column=1), f"{info['name']}（{code}）：{info['why']}").font = bold
        put_row(sheet, 2, header, font=bold)
        for i, f in enumerate(info["findings"], start=1):
            values = [
                i,
                f["village"],
                f["household"],
                f["person"],
                f["name"],
                f["message"],
                "、".join(f.get("field_labels", f["fields"])),
                "",
            ]
            put_row(sheet, i + 2, values, text_cols=(3, 4))
        for col, width in zip("ABCDEFGH", (6, 16, 20, 22, 10, 56, 24, 20), strict=True):
            sheet.column_dimensions[col].width = width
        sheet.merge_cells("A1:H1")  # the rule and why it matters, wrapped across the table's width
        sheet["A1"].alignment = top
        sheet.row_dimensions[1].height = xlsx_safe.row_height(xlsx_safe.lines_needed(sheet["A1"].value, 170))
        xlsx_safe.fit_rows(sheet, 3, [6, 7])
        xlsx_safe.print_setup(sheet, "1:2", landscape=True)
        sheet.freeze_panes = "A3"
    wb.save(path)
    return Path(path)
