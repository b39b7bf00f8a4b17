"""Reading a roster workbook into raw rows: finds the header by its text, keeps Excel row numbers.

Every file is hostile until checked. Before python-calamine sees it, `check_workbook` makes sure that the path is
a regular file of bounded size (a FIFO or device is never opened), that it is a real .xlsx whose parts inflate to
what the zip says and no more (zip bombs), and that no worksheet declares or holds a cell beyond the roster
limits: calamine lays a sheet out as a dense grid from A1 to its last cell, so a single cell at XFD1048576 would
ask for 17 billion cells and abort the process. The same pass finds the cells calamine would read as blank
though they are not: a formula saved without its result, an error value such as #DIV/0!.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat
from xml.sax.saxutils import unescape

from desktop.errors import InputRejected
from desktop.services.roster.roster_fields import (
    HEADER_INDEX,
    REQUIRED_COLUMNS,
    guess_layout,
    header_names,
    label_for,
    norm_header,
)

HEADER_SCAN_ROWS = 15
MIN_HEADER_MATCHES = 4
TOTAL_WORDS = ("合计", "总计", "小计")

# --- Limits ------------------------------------------------------------------------------------------------
# Defaults, not laws of nature: a county's roster (≈ 200,000 people, 47 columns in the 2021 export) fits with
# room to spare. A county that needs more passes its own ReadLimits to read_roster; a setting (roster.max_rows,
# roster.max_columns in desktop.services.system.settings) would be read by roster_import.parse_file and handed down.
MAX_ROWS = 200_000  # last Excel row holding a cell, title and header rows included
MAX_COLUMNS = 200  # last column holding a cell (GR)
MAX_FILE_BYTES = 100 * 1024 * 1024  # the .xlsx file itself
MAX_XML_BYTES = 1024 * 1024 * 1024  # all parts of the workbook once inflated (zip bombs)
MAX_PARTS = 10_000  # files inside the .xlsx
MAX_FLAGGED_CELLS = 1_000_000  # formulas without a result and error values, before the file is refused whole

_CHUNK_IN = 1 << 20  # compressed bytes read at a time
_CHUNK_OUT = 1 << 20  # inflated bytes handed on at a time: each is searched by regular expressions holding
# the GIL, so a larger piece held the window still (8 MB: ~50 ms a search, several searches a piece)
_MAX_PENDING = 64 << 20  # sheet XML without a cell end before the quick scan hands over to the exact one


@dataclass(frozen=True)
class ReadLimits:
    rows: int
    columns: int
    file_bytes: int
    xml_bytes: int


def default_limits() -> ReadLimits:
    """The module defaults, read when called (so a test or a setting can change them)."""
    return ReadLimits(MAX_ROWS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_XML_BYTES)


@dataclass(frozen=True)
class CellProblem:
    """A cell calamine reads as blank although it is not."""

    kind: str  # formula_without_value | error_value
    message: str


@dataclass
class RawRoster:
    path: Path
    sheet: str
    title: str
    header_row: int  # Excel row number of the (lower) header row
    columns: dict[str, int]  # field key → column index
    headers: dict[str, str]  # field key → header text as found (white space removed)
    ignored: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)  # (Excel row number, cells)
    problems: dict[int, dict[int, CellProblem]] = field(default_factory=dict)  # Excel row → column → problem
    sha256: str = ""  # of the file's bytes, as read

    def year_hint(self) -> int | None:
        m = re.search(r"收入年度[:：]\s*(\d{4})", self.title) or re.search(r"(20\d{2})[-年/.]", self.title)
        return int(m.group(1)) if m else None


# --- Opening: a regular file of bounded size, and an .xlsx ---------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n} 字节"


def _require_regular(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise InputRejected(f"“{path}”是一个文件夹，不是花名册文件；请选择 .xlsx 文件。")
    if not stat.S_ISREG(mode):
        raise InputRejected(
            f"“{path}”不是普通文件（是管道、设备或其他特殊文件），拒绝读取；请选择 .xlsx 文件。"
        )


def _require_size(path: Path, size: int, limits: ReadLimits) -> None:
    if size == 0:
        raise InputRejected(f"文件 {path.name} 是空的（0 字节），不是有效的Excel文件。")
    if size > limits.file_bytes:
        raise InputRejected(
            f"文件 {path.name} 有 {_mb(size)}，超过了花名册文件的上限 {_mb(limits.file_bytes)}，未导入任何数据。"
            "请确认选对了文件；如确需导入，请按乡镇或村拆分后分别导入。"
        )


def _open_regular(path: Path, limits: ReadLimits) -> BinaryIO:
    """Opens only a regular file: checked before opening (opening a FIFO blocks) and again on the open file
    (the path may have changed in between; O_NONBLOCK keeps even that open from waiting)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputRejected(f"文件不存在：{path}") from None
    except (OSError, ValueError) as exc:
        raise InputRejected(f"无法读取文件 {path}：{getattr(exc, 'strerror', None) or exc}") from None
    _require_regular(path, st.st_mode)
    _require_size(path, st.st_size, limits)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputRejected(f"无法打开文件 {path}：{exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        _require_regular(path, st.st_mode)
        _require_size(path, st.st_size, limits)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


_WHAT_TO_DO = (
    "请确认选的是从全国系统导出的花名册；如果文件是用Excel或WPS打开过的，请另存为“Excel工作簿（*.xlsx）”后再导入。"
    "未导入任何数据。"
)
# What a file that is not a workbook usually turns out to be, told by its first bytes (in Chinese for the clerk).
_LOOKS_LIKE = (
    (b"%PDF", "PDF文件"),
    (b"\x89PNG", "PNG图片"),
    (b"\xff\xd8\xff", "JPG图片"),
    (b"Rar!", "RAR压缩包"),
    (b"7z\xbc\xaf", "7z压缩包"),
    (b"{\\rtf", "RTF文档"),
)


def _looks_like(head: bytes) -> str:
    for magic, what in _LOOKS_LIKE:
        if head.startswith(magic):
            return what
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        return "网页（HTML）文件，只是扩展名改成了Excel的"
    if text.startswith(b"<?xml"):
        return "XML文件（可能是Excel 2003 XML格式）"
    if head and b"\x00" not in head:
        return "文本文件（可能是CSV或从网页复制的内容）"
    return ""


def _not_excel(name: str, why: str = "", head: bytes = b"") -> InputRejected:
    """A clear Chinese message: what the file seems to be and what to do (never a library's English)."""
    what = _looks_like(head)
    seems = f"看起来是{what}" if what else (why or "内容无法识别")
    return InputRejected(f"无法读取文件 {name}：不是有效的Excel文件（.xlsx），{seems}。{_WHAT_TO_DO}")


def _damaged(name: str, why: str) -> InputRejected:
    return InputRejected(
        f"文件 {name} 已损坏或结构异常（{why}），拒绝读取，未导入任何数据。请用Excel或WPS打开后另存为 .xlsx 再导入。"
    )


def _sniff(f: BinaryIO, name: str) -> None:
    magic = f.read(8)
    f.seek(0)
    if magic.startswith(_ZIP_MAGIC):
        return
    if magic == _CFB_MAGIC:
        raise InputRejected(
            f"文件 {name} 是旧版Excel（.xls）格式，或设置了打开密码，无法安全读取。请用Excel或WPS打开，"
            "另存为“Excel工作簿（*.xlsx）”（不要设置密码）后再导入。"
        )
    head = f.read(512)
    f.seek(0)
    raise _not_excel(name, head=head)


def _zip_entries(f: BinaryIO) -> tuple[int, int] | None:
    """(number of entries, size of the central directory) from the end record, before zipfile builds an
    object per entry; None if there is no end record."""
    f.seek(0, os.SEEK_END)
    size = f.tell()
    back = min(size, 22 + 65535)
    f.seek(size - back)
    tail = f.read(back)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    entries, cd_size = struct.unpack("<HI", tail[at + 10 : at + 16])
    if (entries == 0xFFFF or cd_size == 0xFFFFFFFF) and at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
        (offset,) = struct.unpack("<Q", tail[at - 12 : at - 4])
        if offset < size:
            f.seek(offset)
            record = f.read(56)
            if len(record) == 56 and record[:4] == b"PK\x06\x06":
                entries, cd_size = struct.unpack("<QQ", record[32:48])
    return entries, cd_size


# --- Inflating one part, to the byte (not trusting the sizes the zip claims) ---------------------------------


def _inflate(f: BinaryIO, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """The part's bytes as calamine's zip reader gets them: the compressed data up to its real end. More or
    fewer bytes than the zip declares is refused, so no part inflates beyond its declared size."""
    f.seek(info.header_offset)
    header = f.read(30)
    if len(header) != 30 or header[:4] != _ZIP_MAGIC:
        raise _damaged(name, f"{info.filename} 的文件头不对")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    f.seek(info.header_offset + 30 + name_len + extra_len)
    if info.compress_type == zipfile.ZIP_STORED:
        out = yield from _stored(f, info)
    else:
        out = yield from _deflated(f, info, name)
    if out != info.file_size:
        raise _damaged(name, f"{info.filename} 解压后的大小与记录不符")


def _stored(f: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    left, out = info.compress_size, 0
    while left > 0:
        data = f.read(min(_CHUNK_IN, left))
        if not data:
            break
        left -= len(data)
        out += len(data)
        if out > info.file_size:
            break
        yield data
    return out


def _deflated(f: BinaryIO, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    left, out = info.compress_size, 0
    inflater = zlib.decompressobj(-15)
    while left > 0 and not inflater.eof:
        data = f.read(min(_CHUNK_IN, left))
        if not data:
            break
        left -= len(data)
        while not inflater.eof:
            try:
                piece = inflater.decompress(data, _CHUNK_OUT)
            except zlib.error:
                raise _damaged(name, f"{info.filename} 的压缩数据有误") from None
            data = inflater.unconsumed_tail
            out += len(piece)
            if out > info.file_size:
                raise _damaged(name, f"{info.filename} 解压后比记录的 {_mb(info.file_size)} 更大")
            if piece:
                yield piece
            if not data and len(piece) < _CHUNK_OUT:
                break  # this input is used up and nothing more is pending
    if not inflater.eof:
        raise _damaged(name, f"{info.filename} 的压缩数据不完整")
    return out


# --- Cell positions ----------------------------------------------------------------------------------------


def column_letters(n: int) -> str:
    """1 → A, 200 → GR."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_name(row0: int, col0: int) -> str:
    return f"{column_letters(col0 + 1)}{row0 + 1}"


_REF_TEXT = re.compile(r"([A-Za-z]*)([0-9]+)")
_FAR = 1 << 40  # a position no limit allows


def parse_ref(text: str) -> tuple[int, int | None] | None:
    """calamine's reading of a cell or row reference ("AB12", "12"): (row, column) from 0, column None when
    absent; None when calamine would refuse it. Absurdly long parts read as beyond every limit."""
    m = _REF_TEXT.fullmatch(text)
    if m is None:
        return None
    letters, digits = m.groups()
    if len(digits) > 12 or len(letters) > 8:
        return _FAR, _FAR
    row = int(digits) - 1
    if row < 0:
        return None
    col = None
    if letters:
        col = 0
        for ch in letters.upper():
            col = col * 26 + ord(ch) - 64
        col -= 1
    return row, col


def _not_above(limit: str, alphabet: str, first: str) -> bytes:
    """Regex for strings over `alphabet` whose value is at most `limit` (same-length strings compare as text;
    shorter ones are smaller). `first` is the lowest allowed first character."""
    full = f"[{alphabet[0]}-{alphabet[-1]}]"
    n = len(limit)
    alternatives = []  # shortest first: most cells are near A1
    if n > 1:
        alternatives.append(f"[{first}-{alphabet[-1]}]" + (f"{full}{{0,{n - 2}}}" if n > 2 else ""))
    for i, ch in enumerate(limit):
        low = first if i == 0 else alphabet[0]
        if ch > low:
            high = alphabet[alphabet.index(ch) - 1]
            alternatives.append(limit[:i] + f"[{low}-{high}]" + full * (n - i - 1))
    alternatives.append(limit)
    return ("(?:" + "|".join(alternatives) + ")").encode()


# name="value" after one space, as every Excel writer does; any name but r (which places the cell)
_ATTR = rb'(?: (?:[^\s=>/"\'r][^\s=>/"\']*+|r[^\s=>/"\']++)="[^"]*+")'
_CELL_TAG = re.compile(rb'<c r="([A-Za-z]++)([0-9]++)"(' + _ATTR + rb"*+)\s*+(/?)>")
_TYPE_ATTR = re.compile(rb' t="([^"]*)"')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_FORMULA = re.compile(rb"<f[\s/>]")
_PREFIXED_FORMULA = re.compile(rb":f[\s/>]")  # <xm:f> of data validations, outside cells, is common
_ERROR_TYPE = re.compile(rb' t="e"')
_F_EL = re.compile(rb"<(?:[^\s<>/:]++:)?f(?:\s[^>]*+)?(?:/>|>([^<]*+))")
_V_EL = re.compile(rb"<(?:[^\s<>/:]++:)?v(?:\s[^>]*+)?(?:/>|>([^<]*+))")
_IS_EL = re.compile(rb"<(?:[^\s<>/:]++:)?is[\s/>]")
_DIMENSION = re.compile(rb'<(?:[^\s<>/:]++:)?dimension\s[^>]*?\bref\s*=\s*["\']([^"\']*)["\']')


@lru_cache(maxsize=8)
def _unsafe_cell(rows: int, columns: int) -> re.Pattern[bytes]:
    """A cell start tag that is not `<c r="REF" name="value"…>` with REF within the limits: anything else
    (another form, a second r, no r, a cell too far) is for the exact scan to judge."""
    letters = b"(?i:" + _not_above(column_letters(columns), "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "A") + b")"
    digits = _not_above(str(rows), "0123456789", "1")
    safe = letters + digits + rb'"' + _ATTR + rb"*+\s*+/?>"
    return re.compile(rb'<c(?=[\s/>])(?! r="' + safe + rb")")


def _cell_problem(
    cell_type: str | None, formula: str | None, has_v: bool, value: str, has_is: bool
) -> CellProblem | None:
    if cell_type == "e":
        origin = "公式的计算结果" if formula is not None else "单元格内容"
        return CellProblem(
            "error_value", f"{origin}是错误值 {value.strip() or '#N/A'}，导入后会变成空白；请改正后再导入"
        )
    if formula is None or has_is or value.strip() or (cell_type == "str" and has_v):
        return None
    shown = formula.strip()
    shown = f"（={shown[:40]}{'…' if len(shown) > 40 else ''}）" if shown else ""
    return CellProblem(
        "formula_without_value",
        f"是公式{shown}，文件里没有保存它的计算结果，导入后会变成空白；请用Excel或WPS打开此文件、保存后再导入",
    )


class _TooFar(Exception):
    def __init__(self, row0: int, col0: int) -> None:
        super().__init__(row0, col0)
        self.row0, self.col0 = row0, col0


class _Exact(Exception):
    """The quick scan cannot vouch for this sheet: do the exact one."""


@dataclass
class SheetScan:
    file: str  # the file's name, for messages
    sheet: str  # the sheet's name (or its part's), for messages
    limits: ReadLimits
    problems: dict[int, dict[int, CellProblem]] = field(default_factory=dict)  # row → column (from 0)
    flagged: int = 0

    def declared(self, ref: str) -> None:
        """The sheet's <dimension ref>: a forged or absurd one is refused before any cell is read."""
        corners = [parse_ref(p) for p in ref.split(":")]
        if not corners or any(c is None or c[1] is None for c in corners):
            return  # calamine refuses it itself
        row0 = max(c[0] for c in corners)
        col0 = max(c[1] for c in corners)
        if row0 >= self.limits.rows or col0 >= self.limits.columns:
            raise InputRejected(
                f"文件 {self.file} 的{self.sheet}声明的数据区域是 {ref[:40]}，超过了花名册允许的 "
                f"{_limits_text(self.limits)}，拒绝读取，未导入任何数据。文件可能已损坏或被改动：请用Excel或WPS"
                "打开，删除多余的行和列后另存，再导入。"
            )

    def too_far(self, row0: int, col0: int) -> InputRejected:
        where = _cell_name(row0, col0) if max(row0, col0) < _FAR else "极远处"
        return InputRejected(
            f"文件 {self.file} 的{self.sheet}在 {where} 处有单元格，超过了花名册允许的 {_limits_text(self.limits)}，"
            "拒绝读取，未导入任何数据。请删除多余的行和列（或按乡镇、村拆分文件）后再导入。"
        )

    def flag(self, row0: int, col0: int, problem: CellProblem | None) -> None:
        if problem is None:
            return
        cells = self.problems.setdefault(row0, {})
        if col0 not in cells:
            self.flagged += 1
            if self.flagged > MAX_FLAGGED_CELLS:
                raise InputRejected(
                    f"文件中超过 {MAX_FLAGGED_CELLS} 个单元格是没有计算结果的公式或错误值，拒绝读取。"
                    "请用Excel或WPS打开此文件、保存后再导入。"
                )
        cells[col0] = problem


class _QuickScan:
    """Regular expressions over the inflated XML, for sheets written the way Excel, WPS, openpyxl and POI
    write them (every cell `<c r="A1" …>`, unprefixed). It vouches that every cell lies within the limits and
    finds formula and error cells; anything unusual goes to _ExactScan."""

    def __init__(self, scan: SheetScan) -> None:
        self.scan = scan
        self.unsafe = _unsafe_cell(scan.limits.rows, scan.limits.columns)

    def run(self, chunks: Iterator[bytes]) -> None:
        pending = b""
        first = True
        for chunk in chunks:
            if first:
                first = False
                head = chunk[:4096]
                if b"\x00" in head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
                    raise _Exact  # not UTF-8: only expat reads it the way calamine does
                m = _DIMENSION.search(chunk, 0, 1 << 20)
                if m:
                    self.scan.declared(m.group(1).decode("ascii", "replace"))
            pending += chunk
            cut = pending.rfind(b"</c>")
            if cut < 0:
                if len(pending) > _MAX_PENDING:
                    raise _Exact
                continue
            cut += 4
            self._part(pending[:cut])
            pending = pending[cut:]
        if pending:
            self._part(pending)

    def _part(self, part: bytes) -> None:
        m = self.unsafe.search(part)
        if m:
            tag = _CELL_TAG.match(part, m.start())
            if tag:  # a plain cell, only too far
                found = parse_ref((tag.group(1) + tag.group(2)).decode("ascii"))
                if found and found[1] is not None:
                    raise _TooFar(found[0], found[1])
            raise _Exact
        if _PREFIXED_CELL.search(part):
            raise _Exact
        seen: set[int] = set()
        for pattern in (_FORMULA, _PREFIXED_FORMULA, _ERROR_TYPE):
            for hit in pattern.finditer(part):
                start = part.rfind(b"<c ", 0, hit.start() + 1)
                if start >= 0 and start not in seen:
                    if self._cell(part, start, hit.start(), pattern is _ERROR_TYPE):
                        seen.add(start)

    def _cell(self, part: bytes, start: int, at: int, in_tag: bool) -> bool:
        tag = _CELL_TAG.match(part, start)
        if tag is None:
            return False
        closed = tag.group(4) == b"/"
        end = -1 if closed else part.find(b"</c>", tag.end())
        if in_tag:
            if not start < at < tag.end():
                return False
        elif closed or at < tag.end() or (end >= 0 and at > end):
            return False  # an <f> outside any cell: calamine does not read it
        body = b"" if closed else part[tag.end() : end if end >= 0 else len(part)]
        t = _TYPE_ATTR.search(tag.group(3))
        f = _F_EL.search(body)
        v = _V_EL.search(body)
        problem = _cell_problem(
            t.group(1).decode("utf-8", "replace") if t else None,
            _text(f.group(1)) if f else None,
            v is not None,
            _text(v.group(1)) if v else "",
            _IS_EL.search(body) is not None,
        )
        found = parse_ref((tag.group(1) + tag.group(2)).decode("ascii"))
        if found and found[1] is not None:
            self.scan.flag(found[0], found[1], problem)
        return True


def _text(raw: bytes | None) -> str:
    return unescape(raw.decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"}) if raw else ""


class _ExactScan:
    """expat over the sheet, following calamine's cell reader: a `c` element of any prefix is a cell, its
    position its own `r` (the last one) or the running row and column."""

    def __init__(self, scan: SheetScan) -> None:
        self.scan, self.limits, self.name = scan, scan.limits, scan.file
        self.row = 0
        self.col = 0
        self.cell: list | None = None  # [row, col, type, formula, has_v, value, has_is]
        self.text: str | None = None  # "f" or "v" while inside one of them (in a cell)
        self.declared_seen = False

    def run(self, chunks: Iterator[bytes]) -> None:
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.chars
        try:
            for chunk in chunks:
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise _damaged(
                self.name, f"工作表的XML格式错误：{expat.ErrorString(exc.code)}，第{exc.lineno}行"
            ) from None

    def _position(self, ref: str, need_col: bool) -> tuple[int, int | None]:
        found = parse_ref(ref)
        if found is None or (need_col and found[1] is None):
            raise _damaged(self.name, f"单元格位置“{ref[:20]}”无效")
        return found

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            ref = attrs.get("r")
            if ref is not None:
                row, col = self._position(ref, True)
                self.col = col
            else:
                row, col = self.row, self.col
            if row >= self.limits.rows or col >= self.limits.columns:
                raise _TooFar(row, col)
            self.cell = [row, col, attrs.get("t"), None, False, "", False]
        elif local == "row":
            ref = attrs.get("r")
            if ref is not None:
                self.row = self._position(ref, False)[0]
        elif local == "dimension" and not self.declared_seen:
            self.declared_seen = True
            self.scan.declared(attrs.get("ref", ""))
        elif self.cell is not None:
            if local == "f":
                self.cell[3] = self.cell[3] or ""
                self.text = "f"
            elif local == "v":
                self.cell[4] = True
                self.text = "v"
            elif local == "is":
                self.cell[6] = True

    def end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            if self.cell is not None:
                row, col, t, formula, has_v, value, has_is = self.cell
                self.scan.flag(row, col, _cell_problem(t, formula, has_v, value, has_is))
                self.cell = None
            self.col += 1
        elif local == "row":
            self.row += 1
            self.col = 0
        elif local in ("f", "v"):
            self.text = None

    def chars(self, data: str) -> None:
        if self.text is not None and self.cell is not None:
            slot = 3 if self.text == "f" else 5
            if len(self.cell[slot] or "") < 64:
                self.cell[slot] = (self.cell[slot] or "") + data[:64]


def _refuse_doctype(*_args: object) -> None:
    raise InputRejected("文件中含有DTD声明（正常的Excel文件不会有），拒绝读取。")


# --- The whole workbook ------------------------------------------------------------------------------------

_SHEET_DIRS = ("worksheets/", "chartsheets/", "dialogsheets/", "macrosheets/")


def _is_sheet_part(lower: str) -> bool:
    return lower.startswith("xl/") and lower[3:].startswith(_SHEET_DIRS)


@dataclass
class CheckedWorkbook:
    scans: dict[str, SheetScan]  # lower-case part name → scan
    sheet_parts: dict[str, str]  # sheet name → lower-case part name

    def problems(self, sheet: str) -> dict[int, dict[int, CellProblem]]:
        """Excel row → column index → problem, for the sheet calamine read under this name."""
        part = self.sheet_parts.get(sheet)
        if part is None and len(self.scans) == 1:
            part = next(iter(self.scans))
        scan = self.scans.get(part or "")
        if scan is None:
            return {}
        return {row0 + 1: cells for row0, cells in scan.problems.items()}


def check_workbook(f: BinaryIO, name: str, limits: ReadLimits) -> CheckedWorkbook:
    """Refuses (InputRejected) a file calamine could not read within bounds; see the module's docstring."""
    infos = _zip_parts(f, name, limits)
    lower = [i.filename.lower() for i in infos]
    kept: dict[str, bytes] = {}
    for info, low in zip(infos, lower, strict=True):
        if _is_sheet_part(low):
            continue
        if low in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels") and info.file_size <= 16 << 20:
            kept[low] = b"".join(_inflate(f, info, name))
        else:
            for _ in _inflate(f, info, name):
                pass
    parts = _sheet_parts(kept.get("xl/workbook.xml", b""), kept.get("xl/_rels/workbook.xml.rels", b""))
    names = {part: sheet for sheet, part in parts.items()}
    scans: dict[str, SheetScan] = {}
    for info, low in zip(infos, lower, strict=True):
        if _is_sheet_part(low):
            shown = f"工作表“{names[low]}”" if low in names else f"工作表文件 {info.filename}"
            scans[low] = _scan_sheet(f, info, SheetScan(name, shown, limits))
    return CheckedWorkbook(scans, parts)


def _zip_parts(f: BinaryIO, name: str, limits: ReadLimits) -> list[zipfile.ZipInfo]:
    """The parts of an .xlsx whose structure, count, declared sizes and compression are acceptable."""
    _sniff(f, name)
    counted = _zip_entries(f)
    if counted is None:
        raise _not_excel(name, "压缩包结构损坏或不完整，可能没有下载或复制完整")
    if counted[0] > MAX_PARTS or counted[1] > MAX_PARTS * 1024:
        raise _damaged(name, f"压缩包里有 {counted[0]} 个文件，正常的Excel文件只有几十个")
    try:
        with zipfile.ZipFile(f) as archive:  # a file object passed in stays open
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, struct.error):
        raise _not_excel(name, "压缩包结构损坏或不完整，可能没有下载或复制完整") from None
    except (NotImplementedError, OverflowError, IndexError, KeyError, UnicodeDecodeError):
        raise _not_excel(name, "压缩包结构损坏或不完整，可能没有下载或复制完整") from None
    lower = [i.filename.lower() for i in infos]
    if "xl/workbook.xml" not in lower:
        raise _not_excel(name, "是一个压缩包，但里面没有Excel工作簿（可能是Word文档或其他压缩包）")
    if "content.xml" in lower or "xl/workbook.bin" in lower:
        raise _not_excel(name, "是 .ods 或 .xlsb 格式")
    declared = sum(i.file_size for i in infos)
    if declared > limits.xml_bytes:
        raise InputRejected(
            f"文件 {name} 解压后有 {_mb(declared)}，超过了上限 {_mb(limits.xml_bytes)}（可能是损坏或恶意构造的文件），"
            "拒绝读取，未导入任何数据。"
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise InputRejected(f"文件 {name} 已加密，请去掉密码、另存为 .xlsx 后再导入。")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged(name, f"{info.filename} 使用了不支持的压缩方式")
    return infos


def _scan_sheet(f: BinaryIO, info: zipfile.ZipInfo, scan: SheetScan) -> SheetScan:
    try:
        try:
            _QuickScan(scan).run(_inflate(f, info, scan.file))
        except _Exact:
            scan = SheetScan(scan.file, scan.sheet, scan.limits)
            _ExactScan(scan).run(_inflate(f, info, scan.file))
    except _TooFar as far:
        raise scan.too_far(far.row0, far.col0) from None
    return scan


def _limits_text(limits: ReadLimits) -> str:
    return f"{limits.rows} 行、{limits.columns} 列（到 {column_letters(limits.columns)} 列）"


def _sheet_parts(workbook: bytes, rels: bytes) -> dict[str, str]:
    """Sheet name → lower-case part name, as calamine finds it (workbook.xml and its relationships)."""
    targets: dict[str, str] = {}
    sheets: list[tuple[str, str]] = []

    def on_rel(tag: str, attrs: dict[str, str]) -> None:
        if tag.rpartition(":")[2] == "Relationship" and "Id" in attrs:
            targets[attrs["Id"]] = attrs.get("Target", "")

    def on_sheet(tag: str, attrs: dict[str, str]) -> None:
        if tag.rpartition(":")[2] == "sheet":
            rid = attrs.get("r:id") or attrs.get("relationships:id")
            if rid and "name" in attrs:
                sheets.append((attrs["name"], rid))

    for data, handler in ((rels, on_rel), (workbook, on_sheet)):
        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.StartElementHandler = handler
        try:
            parser.Parse(data, True)
        except expat.ExpatError:
            return {}
    parts = {}
    for sheet, rid in sheets:
        target = targets.get(rid)
        if target is None:
            continue
        if target.startswith("/xl/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = "xl/" + target
        parts[sheet] = target.lower()
    return parts


# --- The header and the rows -------------------------------------------------------------------------------


def _match_row(cells: list) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = HEADER_INDEX.get(norm_header(cell)) if cell not in ("", None) else None
        if key and key not in found:
            found[key] = i
    return found


def _locate_header(rows: list[list]) -> tuple[int, dict[str, int], dict[int, str]] | None:
    """The header row is the one matching most field names; a row above it may hold names that the
    lower row leaves blank (two-row headers with vertical merges). None if no row looks like a header."""
    best, best_found = -1, {}
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = _match_row(row)
        if len(found) > len(best_found):
            best, best_found = i, found
    if best < 0 or len(best_found) < MIN_HEADER_MATCHES:
        return None
    texts = {i: norm_header(c) for i, c in enumerate(rows[best]) if c not in ("", None)}
    if best > 0:
        for i, cell in enumerate(rows[best - 1]):
            if cell in ("", None) or texts.get(i):
                continue
            key = HEADER_INDEX.get(norm_header(cell))
            if key and key not in best_found:
                best_found[key] = i
                texts[i] = norm_header(cell)
    return best, best_found, texts


def _is_blank(row: list) -> bool:
    return all(c in ("", None) for c in row)


def _is_total(row: list) -> bool:
    for cell in row:
        if cell in ("", None):
            continue
        return isinstance(cell, str) and cell.strip().replace(" ", "") in TOTAL_WORDS
    return False


@dataclass
class _Candidate:
    """The best header found on a sheet that lacks a required column."""

    sheet: str
    header_row: int  # Excel row
    columns: dict[str, int]
    texts: dict[int, str]
    merged: list[str]


def _merged_in_row(sheet, row0: int) -> list[str]:
    """Merged ranges crossing the header row and spanning columns, as G2:H2."""
    try:
        ranges = sheet.merged_cell_ranges or []
    except Exception:
        return []
    found = []
    for (r0, c0), (r1, c1) in ranges:
        if r0 <= row0 <= r1 and c1 > c0:
            found.append(f"{_cell_name(r0, c0)}:{_cell_name(r1, c1)}")
        if len(found) >= 10:
            break
    return found


def _missing_message(candidate: _Candidate) -> str:
    layout = guess_layout(set(candidate.columns))
    missing = []
    for key in REQUIRED_COLUMNS:
        if key in candidate.columns:
            continue
        label = label_for(key, layout)
        others = [n for n in header_names(key) if n != label]
        missing.append(f"“{label}”" + (f"（也可写作“{'”“'.join(others)}”）" if others else ""))
    shown = [t if len(t) <= 20 else t[:20] + "…" for _, t in sorted(candidate.texts.items())]
    found = "、".join(shown[:80]) + (f" 等{len(shown)}列" if len(shown) > 80 else "")
    lines = [
        f"花名册缺少必需的列：{'、'.join(missing)}，未导入任何数据。",
        f"工作表“{candidate.sheet}”第{candidate.header_row}行的表头是：{found or '（空）'}。",
    ]
    if candidate.merged:
        lines.append(
            f"表头中 {'、'.join(candidate.merged)} 是合并单元格，合并后只有第一列有列名；请取消合并，给每一列填上列名。"
        )
    lines.append("请检查这些列是否被删除、改名或与相邻的列合并了，改正后再导入。")
    return "\n".join(lines)


def limits_token(sha256: str, limits: ReadLimits) -> str:
    """Names a file's exact bytes and the limits they were checked against."""
    return f"{sha256}:{limits.rows}:{limits.columns}:{limits.file_bytes}:{limits.xml_bytes}"


def read_roster(
    path: str | Path, limits: ReadLimits | None = None, *, passed: Callable[[str], bool] | None = None
) -> RawRoster:
    """The first sheet whose header has every required column, as raw rows; InputRejected (nothing read
    into the database) for a file that is not a bounded .xlsx or has no such header.

    The file is read once into memory and everything after works on those bytes. `passed(token)` (see
    limits_token) may vouch that these very bytes passed check_workbook under these limits with nothing
    flagged (the roster imported last): then they are not scanned again."""
    path = Path(path)
    limits = limits or default_limits()
    with _open_regular(path, limits) as f:
        data = f.read(limits.file_bytes + 1)
    _require_size(path, len(data), limits)
    sha256 = hashlib.sha256(data).hexdigest()
    f = io.BytesIO(data)
    if passed is not None and passed(limits_token(sha256, limits)):
        checked = CheckedWorkbook({}, {})
    else:
        checked = check_workbook(f, path.name, limits)
        f.seek(0)
    raw = _read_checked(f, path, checked)
    raw.sha256 = sha256
    return raw


def read_first_sheet(path: str | Path, limits: ReadLimits | None = None) -> tuple[str, list[list]]:
    """Any other list the office imports (a department's warning list): the first sheet's rows as values, after
    the same checks as a roster (a regular, bounded, unencrypted .xlsx that expands within bounds)."""
    from python_calamine import CalamineError, CalamineWorkbook  # lazy: keeps window start-up light

    path = Path(path)
    limits = limits or default_limits()
    with _open_regular(path, limits) as f:
        check_workbook(f, path.name, limits)
        f.seek(0)
        try:
            with CalamineWorkbook.from_filelike(f) as workbook:
                if not workbook.sheet_names:
                    raise InputRejected(f"文件 {path.name} 中没有工作表。")
                name = workbook.sheet_names[0]
                return name, sheet_rows(workbook.get_sheet_by_name(name))
        except (CalamineError, OSError, ValueError) as exc:
            raise _not_excel(path.name, "工作簿内容损坏，无法打开") from exc


def sheet_rows(sheet) -> list[list]:
    """The sheet's cells from A1 as `to_python(skip_empty_area=False)` gives them, taken a row at a time in a
    Python loop: to_python builds every cell in one call holding the GIL, and the window stood still for the
    whole of it (700 ms for a 10,000-household roster). iter_rows starts its rows at row 1 but its columns at
    the sheet's first used column, so the missing columns are put back in front."""
    start = sheet.start
    pad = [""] * start[1] if start else []
    rows = []
    for row in sheet.iter_rows():
        rows.append(pad + row if pad else row)
    return rows


def _read_checked(f: BinaryIO, path: Path, checked: CheckedWorkbook) -> RawRoster:
    from python_calamine import CalamineError, CalamineWorkbook  # lazy: keeps window start-up light

    try:
        workbook = CalamineWorkbook.from_filelike(f)
    except (CalamineError, OSError, ValueError) as exc:
        raise _not_excel(path.name, "工作簿内容损坏，无法打开") from exc
    with workbook:
        candidate: _Candidate | None = None
        for sheet_name in workbook.sheet_names:
            try:
                sheet = workbook.get_sheet_by_name(sheet_name)
                rows = sheet_rows(sheet)
            except (CalamineError, ValueError) as exc:
                raise _not_excel(path.name, f"工作表“{sheet_name}”的内容损坏，无法读取") from exc
            located = _locate_header(rows)
            if located is None:
                continue
            header, columns, texts = located
            if all(k in columns for k in REQUIRED_COLUMNS):
                return _raw(path, sheet_name, rows, header, columns, texts, checked.problems(sheet_name))
            if candidate is None or len(columns) > len(candidate.columns):
                merged = _merged_in_row(sheet, header)
                candidate = _Candidate(sheet_name, header + 1, columns, texts, merged)
        if candidate is not None:
            raise InputRejected(_missing_message(candidate))
        if not workbook.sheet_names:
            raise InputRejected(f"文件 {path.name} 中没有工作表。")
        raise InputRejected(
            "找不到表头：前15行中没有包含“户编号”“姓名”“证件号码”等列名的行，请确认这是花名册导出文件。"
        )


def _raw(
    path: Path,
    sheet_name: str,
    rows: list[list],
    header: int,
    columns: dict[str, int],
    texts: dict[int, str],
    problems: dict[int, dict[int, CellProblem]],
) -> RawRoster:
    title = " ".join(str(c) for r in rows[:header] for c in r if c not in ("", None))
    ignored = [t for i, t in texts.items() if i not in columns.values() and t not in ("序号",)]
    raw = RawRoster(
        path,
        sheet_name,
        title,
        header + 1,
        columns,
        {k: texts.get(i, k) for k, i in columns.items()},
        ignored,
    )
    width = max(columns.values()) + 1
    used = set(columns.values())
    for index in range(header + 1, len(rows)):
        row = rows[index]
        if len(row) < width:
            row = row + [""] * (width - len(row))
        if _is_blank(row) or _is_total(row):
            continue
        raw.rows.append((index + 1, row))
        found = problems.get(index + 1)
        if found:
            kept = {c: p for c, p in found.items() if c in used}
            if kept:
                raw.problems[index + 1] = kept
    return raw
