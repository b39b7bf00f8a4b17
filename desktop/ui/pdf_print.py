"""Printing a generated PDF through the system's printer driver: every page rendered at the printer's
resolution (pypdfium2) and drawn at actual size, on a page of the PDF's own size (A4, or a 58/80 mm roll)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from desktop.reports.preview import PageImage, render_pages


def page_image(page: PageImage) -> QImage:
    return QImage(page.rgb, page.width, page.height, page.width * 3, QImage.Format.Format_RGB888).copy()


def print_pdf(path: str | Path, printer: QPrinter, first: int = 1, last: int | None = None) -> int:
    """Returns the number of pages sent."""
    printer.setFullPage(True)
    dpi = min(printer.resolution(), 300)
    painter = QPainter()
    printed = 0
    for page in render_pages(path, dpi, first, last):
        size = QPageSize(QSizeF(page.width_pt, page.height_pt), QPageSize.Unit.Point)
        printer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
        if printed == 0:
            if not painter.begin(printer):
                raise RuntimeError("无法开始打印，请检查打印机")
        else:
            printer.newPage()
        painter.drawImage(printer.pageLayout().fullRectPixels(printer.resolution()), page_image(page))
        printed += 1
    if printed:
        painter.end()
    return printed


def default_printer() -> QPrinter | None:
    """The system's default printer, or None when there is none (a counter without a receipt printer)."""
    info = QPrinterInfo.defaultPrinter()
    if info.isNull():
        return None
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)
