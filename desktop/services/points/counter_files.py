"""The two files of the village counter offline: the pack (township → village) and the hand-back (village →
township). Their formats, how they are read (size first, then JSON, then the format — every file is hostile
until checked), written (whole or not at all) and how a township key is read out on the phone."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from desktop.errors import InputRejected, NotFound

PACK_FORMAT = "workbench-counter-pack"
RETURN_FORMAT = "workbench-counter-return"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 64 * 1024 * 1024  # a pack of a whole township's 50,000 households is about 15 MB
PACK_SUFFIX = ".wbpack"
RETURN_SUFFIX = ".wbreturn"
EVENT_KINDS = ("redeem", "reverse", "stock")


def fingerprint(public_key_hex: str) -> str:
    """What a clerk reads out on the phone to check a township's key: 4 groups of 4."""
    h = hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:16].upper()
    return "-".join(h[i : i + 4] for i in range(0, 16, 4))


def write_atomically(path: Path, data: bytes) -> None:
    if not path.parent.is_dir():
        raise InputRejected(f"保存的文件夹不存在：{path.parent}")
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read_document(path: str | Path, what: str, fmt: str) -> dict:
    """A pack or hand-back file, refused in Chinese unless it is one (size first, then JSON, then the format)."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise NotFound(f"找不到{what}：{p}") from exc
    if p.is_dir():
        raise InputRejected(f"{p}是文件夹，不是{what}。")
    if size > MAX_FILE_BYTES:
        raise InputRejected(f"{p.name}有{size // (1024 * 1024)}MB，不是{what}（{what}不超过64MB）。")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputRejected(f"{p.name}读不出来（{exc.strerror or exc}）。") from exc
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:  # nesting too deep: not ours
        raise InputRejected(f"{p.name}不是{what}（文件内容无法识别，可能已损坏或被截断）。") from exc
    if not isinstance(doc, dict) or doc.get("format") != fmt:
        raise InputRejected(f"{p.name}不是{what}。")
    if doc.get("version") != FORMAT_VERSION:
        raise InputRejected(
            f"{p.name}是另一个版本的程序做的{what}（版本{doc.get('version')}），请升级本程序。"
        )
    return doc
