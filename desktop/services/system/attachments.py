"""Scanned attachments: checked by their content (not their name), size-capped, thumbnailed. No Qt."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from desktop.errors import InputRejected

MAX_BYTES = 10 * 1024 * 1024
READ_CAP = 100 * 1024 * 1024  # the most read from a chosen file before its content is checked (and capped)
THUMB = 160
KIND_NAMES = {"pdf": "PDF", "jpeg": "JPG", "png": "PNG"}


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    kind: str
    pages: int
    sha256: str
    thumbnail: bytes
    data: bytes


def regular_file(path: str | Path, what: str = "文件") -> Path:
    """A path the program may open: an ordinary file, not a folder, pipe or device (opening a FIFO waits for a
    writer forever, /dev/zero never ends)."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        raise InputRejected(f"{what}不存在：{path}") from None
    if stat.S_ISDIR(mode):
        raise InputRejected(f"“{path}”是一个文件夹，请选择{what}")
    if not stat.S_ISREG(mode):
        raise InputRejected(f"“{path}”不是普通文件（是管道、设备或其他特殊文件），拒绝读取")
    return path


def read_file(path: str | Path, what: str = "文件", *, max_bytes: int = READ_CAP) -> tuple[str, bytes]:
    """(name, bytes) of a file a clerk chose, refused before reading when it is not an ordinary file or is
    larger than `max_bytes`."""
    path = regular_file(path, what)
    size = path.stat().st_size
    if size > max_bytes:
        raise InputRejected(
            f"{path.name}有{size / 1024 / 1024:.1f} MB，超过{max_bytes / 1024 / 1024:.0f} MB的上限"
        )
    with path.open("rb") as f:
        data = f.read(max_bytes + 1)  # a file that grew after the check is still cut at the cap
    if len(data) > max_bytes:
        raise InputRejected(f"{path.name}超过{max_bytes / 1024 / 1024:.0f} MB的上限")
    return path.name, data


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def check_file(filename: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> CheckedFile:
    """Accept a PDF, JPG or PNG whose content really is one, or refuse it naming the file and why."""
    import pypdfium2 as pdfium
    from PIL import Image, UnidentifiedImageError

    name = filename.replace("\\", "/").rsplit("/", 1)[-1] or "附件"
    if not data:
        raise InputRejected(f"“{name}”是空文件，未添加")
    if len(data) > max_bytes:
        raise InputRejected(
            f"“{name}”有{len(data) / 1048576:.1f} MB，超过单个附件上限{max_bytes / 1048576:.0f} MB；"
            "请降低扫描分辨率（200 dpi 足够）后再添加"
        )
    kind = sniff(data)
    if kind is None:
        raise InputRejected(f"“{name}”不是PDF、JPG或PNG文件（按文件内容判断，与扩展名无关），未添加")
    try:
        if kind == "pdf":
            pdf = pdfium.PdfDocument(data)
            try:
                pages = len(pdf)
                if pages == 0:
                    raise InputRejected(f"“{name}”是没有页面的PDF，未添加")
                page = pdf[0]
                bitmap = page.render(scale=THUMB / max(page.get_size()))
                thumb = bitmap.to_pil()
                page.close()
            finally:
                pdf.close()
        else:
            pages = 1
            with Image.open(io.BytesIO(data)) as img:
                img.load()  # decodes the whole image: a truncated scan fails here, not at print time
                thumb = img.convert("RGB")
                thumb.thumbnail((THUMB, THUMB))
    except InputRejected:
        raise
    except (pdfium.PdfiumError, UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InputRejected(f"“{name}”已损坏，无法作为{KIND_NAMES[kind]}打开，未添加") from None
    return CheckedFile(name, kind, pages, hashlib.sha256(data).hexdigest(), _png(thumb), data)
