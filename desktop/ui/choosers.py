"""Selectors several pages share."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from desktop.services import stores
from desktop.ui.context import UiContext


def fill_store_box(box: QComboBox, ctx: UiContext) -> None:
    """The stores, labelled 名称（编号）, the code as data; keeps the current store and emits no change signals."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    for st in stores.list_stores(ctx.db, ctx.actor):  # a store operator sees only their own stores
        box.addItem(f"{st.name}（{st.code}）", st.code)
    box.setCurrentIndex(max(box.findData(current), 0))
    box.blockSignals(False)
