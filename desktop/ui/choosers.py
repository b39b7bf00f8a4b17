"""Selectors several pages share."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox

from desktop.services.points import stores
from desktop.ui.context import UiContext


def fill_store_box(box: QComboBox, ctx: UiContext, then: Callable[[], None] | None = None) -> None:
    """The stores, labelled 名称（编号）, the code as data, read in the background; keeps the current store,
    emits no change signals, then calls then()."""

    def fill(found) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        for st in found:  # a store operator sees only their own stores
            box.addItem(f"{st.name}（{st.code}）", st.code)
        box.setCurrentIndex(max(box.findData(current), 0))
        box.blockSignals(False)
        if then is not None:
            then()

    ctx.ops.read(box, stores.list_stores, fill, title="无法读取兑换点")
