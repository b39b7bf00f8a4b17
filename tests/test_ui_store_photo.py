"""商品照片 from the window: a goods item's photo is added, shown as a thumbnail and replaced; a file that is no
picture (or too big) is refused with the service's Chinese message."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.services.demo import add_demo_households, add_demo_stores
from desktop.services.points import stores
from desktop.ui.context import UiContext
from desktop.ui.main_window import MainWindow
from tests.uiwait import settle


@pytest.fixture
def page(qtbot, db, admin):
    add_demo_households(db, admin, 20)
    add_demo_stores(db, admin)
    window = MainWindow(UiContext(db, admin))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.show_area("store")
    window.store.setCurrentWidget(window.store.stock)
    settle(qtbot, window)
    yield window.store.stock


def picture(path, colour: str, fmt: str = "PNG"):
    image = QImage(300, 200, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path), fmt)
    return path


def choose_file(monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))


def select_row(qtbot, page, row: int) -> None:
    page.table.selectRow(row)
    settle(qtbot, page)


def error_text(qtbot, page) -> str:
    qtbot.waitUntil(lambda: page.window().findChild(QMessageBox, "errorBox") is not None)
    box = page.window().findChild(QMessageBox, "errorBox")
    text = box.text()
    box.close()
    box.deleteLater()
    qtbot.waitUntil(lambda: page.window().findChild(QMessageBox, "errorBox") is None)
    return text


def test_a_goods_photo_is_added_shown_and_replaced(qtbot, page, db, monkeypatch, tmp_path):
    assert not page.photo_button.isEnabled()  # nothing selected yet
    select_row(qtbot, page, 0)
    store, code = page.store_box.currentData(), page.found[0].code
    assert page.photo.text() == "暂无照片" and page.photo_button.text() == "选择照片…"
    choose_file(monkeypatch, picture(tmp_path / "oil.png", "#d32f2f"))
    qtbot.mouseClick(page.photo_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    shown = page.photo.pixmap()
    assert not shown.isNull() and max(shown.width(), shown.height()) == 120  # a thumbnail
    assert shown.toImage().pixelColor(10, 10) == QColor("#d32f2f")
    assert stores.photo_of(db, store, code).startswith(b"\x89PNG")
    assert page.photo_button.text() == "更换照片…" and "已保存" in page.status.text()
    # another goods has none; back on the first, its photo is read again; a JPEG replaces it
    select_row(qtbot, page, 1)
    assert page.photo.pixmap().isNull() and page.photo.text() == "暂无照片"
    select_row(qtbot, page, 0)
    assert not page.photo.pixmap().isNull()
    choose_file(monkeypatch, picture(tmp_path / "oil.jpg", "#1565c0", "JPG"))
    qtbot.mouseClick(page.photo_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert stores.photo_of(db, store, code).startswith(b"\xff\xd8\xff")
    colour = page.photo.pixmap().toImage().pixelColor(10, 10)
    assert colour.blue() > 150 and colour.red() < 60
    # removed after a confirmation: the counter shows the name only
    assert page.photo_clear.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(page.photo_clear, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert stores.photo_of(db, store, code) is None
    assert page.photo.text() == "暂无照片" and page.photo_button.text() == "选择照片…"
    assert not page.photo_clear.isEnabled() and "已删除" in page.status.text()


def test_a_file_that_is_no_picture_or_too_big_is_refused(qtbot, page, db, monkeypatch, tmp_path):
    select_row(qtbot, page, 0)
    store, code = page.store_box.currentData(), page.found[0].code
    fake = tmp_path / "photo.png"
    fake.write_text("这不是图片", encoding="utf-8")
    choose_file(monkeypatch, fake)
    qtbot.mouseClick(page.photo_button, Qt.MouseButton.LeftButton)
    assert "照片只能是PNG或JPEG图片" in error_text(qtbot, page)
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8\xff" + bytes(stores.PHOTO_LIMIT + 10))
    choose_file(monkeypatch, big)
    settle(qtbot, page)
    qtbot.mouseClick(page.photo_button, Qt.MouseButton.LeftButton)
    assert "上限" in error_text(qtbot, page)
    settle(qtbot, page)
    assert stores.photo_of(db, store, code) is None and page.photo.text() == "暂无照片"
