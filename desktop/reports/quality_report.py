"""Outputs of the data-quality audit: the xlsx for the county (summary + one sheet per rule), the findings
ledger, and a one-page summary chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop import clock
from desktop.reports.charts import pyplot


def summary_chart(
    by_rule: list[tuple[str, int]],
    by_village: list[tuple[str, int]],
    path: str | Path,
    title: str = "疑点核查汇总",
) -> Path:
    """Findings per rule and per village, one page (PNG or PDF by the file name)."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.69, 8.27))  # A4 landscape, inches
    fig.suptitle(f"{title}（{clock.today():%Y年%m月%d日}）", fontsize=16)
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


def findings_workbook(
    rows_by_rule: dict[str, dict[str, Any]],
    summary_village: list[tuple[str, int]],
    path: str | Path,
    chart_png: Path | None = None,
) -> Path:
    """Sheet 汇总: per rule (code, name, severity, count, why, fix) and per village, with the chart; then one
    sheet per rule with its findings. IDs and codes are text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append([f"疑点核查汇总（{clock.today():%Y年%m月%d日}）"])
    ws["A1"].font = Font(size=14, bold=True)
    ws.append(["规则代码", "规则", "类别", "疑点数", "为什么要查", "怎么改"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for code, info in rows_by_rule.items():
        ws.append([code, info["name"], info["severity"], len(info["findings"]), info["why"], info["fix"]])
    ws.append([])
    ws.append(["村", "疑点数"])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for village, n in summary_village:
        ws.append([village, n])
    for col, width in zip("ABCDEF", (26, 24, 8, 8, 50, 40), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=3, max_col=6):
        for cell in row[4:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if chart_png is not None:
        from openpyxl.drawing.image import Image

        image = Image(str(chart_png))
        image.width, image.height = image.width * 0.6, image.height * 0.6
        ws.add_image(image, "H2")
    header = ["序号", "村", "户编号", "人编号", "姓名", "疑点说明", "涉及字段", "核实情况"]
    for code, info in rows_by_rule.items():
        sheet = wb.create_sheet(info["name"][:31])
        sheet.append([f"{info['name']}（{code}）：{info['why']}"])
        sheet.append(header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for i, f in enumerate(info["findings"], start=1):
            sheet.append(
                [
                    i,
                    f["village"],
                    f["household"],
                    f["person"],
                    f["name"],
                    f["message"],
                    "、".join(f.get("field_labels", f["fields"])),
                    "",
                ]
            )
            for col in (3, 4):
                sheet.cell(row=sheet.max_row, column=col).number_format = "@"
        for col, width in zip("ABCDEFGH", (6, 16, 20, 22, 10, 56, 24, 20), strict=True):
            sheet.column_dimensions[col].width = width
        sheet.print_title_rows = "2:2"
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
    wb.save(path)
    return Path(path)
