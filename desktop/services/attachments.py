"""Scanned attachments: checked by their content (not their name), size-capped, thumbnailed. No Qt."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from desktop.services.errors import InputRejected

MAX_BYTES = 10 * 1024 * 1024
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


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def _png(image) -> bytes:  # noqa: ANN001
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
