"""Turning raw roster rows into validated household records; every bad cell becomes a RowError."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop import clock, money
from desktop.errors import RowError
from desktop.reports.xlsx_safe import restore
from desktop.services.households import idnumber
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.roster.roster_fields import BY_KEY, REQUIRED_COLUMNS, Field, guess_layout
from desktop.services.roster.roster_read import RawRoster


class CellError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class MemberRecord:
    row: int
    values: dict[str, Any]


@dataclass
class HouseholdRecord:
    code: str
    values: dict[str, Any]
    members: list[MemberRecord] = field(default_factory=list)

    @property
    def first_row(self) -> int:
        return self.members[0].row

    def head(self) -> MemberRecord | None:
        for m in self.members:
            if m.values.get("relation") == "户主":
                return m
        return None


@dataclass
class ParsedRoster:
    households: dict[str, HouseholdRecord]
    errors: list[RowError]
    layout: str
    keys: frozenset[str]  # fields present in the file
    year: int
    people: int
    ignored: list[str] = field(default_factory=list)  # columns found but not ours
    headers: dict[str, str] = field(default_factory=dict)  # field key → header text in this file

    def header(self, key: str) -> str:
        return self.headers.get(key) or BY_KEY[key].label

    @property
    def ok(self) -> bool:
        return not self.errors


_SPACES = re.compile(r"\s+")
_MULTI_SPLIT = re.compile(r"[,，、;；/]")
_FULL_DIGITS = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, str):
        return _SPACES.sub("", str(value)) or None
    # Our own exports put a ' before text that a spreadsheet could take for a formula (=, +, -, @ …); the quote
    # is the spreadsheet's text marker, never part of the value: drop exactly that one (xlsx_safe.restore).
    text = restore(value.strip().replace("\u3000", ""))
    return text or None


def _as_text(value: Any, f: Field) -> str | None:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10]
    return _text(value)


def _as_code(value: Any, f: Field) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = f"{value:.0f}" if isinstance(value, float) else str(value)
        raise CellError(
            "stored_as_number",
            f"被Excel存成了数字（{shown}），长编号会丢失末尾数字；请把该列设为文本后重新导出",
        )
    text = _text(value)
    return text.translate(_FULL_DIGITS) if text else None


def _as_id(value: Any, f: Field) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = f"{value:.0f}" if isinstance(value, float) else str(value)
        raise CellError(
            "stored_as_number", f"被Excel存成了数字（{shown}），已丢失末尾数字；请把该列设为文本后重新导出"
        )
    if value in ("", None):
        return None
    number = idnumber.normalize(str(value))
    return number or None


def _as_enum(value: Any, f: Field) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if text not in f.values:
        raise CellError("unknown_value", f"“{text}”不是有效取值")
    return text


def _as_multi(value: Any, f: Field) -> str | None:
    text = _text(value)
    if text is None:
        return None
    parts = [p for p in (s.strip() for s in _MULTI_SPLIT.split(text)) if p]
    bad = [p for p in parts if p not in f.values]
    if bad:
        raise CellError("unknown_value", f"“{'、'.join(bad)}”不是有效取值")
    return ",".join(parts)


def _number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError("not_a_number", f"“{value}”不是数字")
    if isinstance(value, (int, float)):
        return Decimal(repr(value))
    text = str(value).strip().translate(_FULL_DIGITS).replace(",", "").replace("，", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError("not_a_number", f"“{value}”不是数字") from None
    if not number.is_finite():
        raise CellError("not_a_number", f"“{value}”不是数字")
    return number


def _as_int(value: Any, f: Field) -> int | None:
    if value in ("", None):
        return None
    number = _number(value)
    if number != number.to_integral_value():
        raise CellError("not_an_integer", f"“{value}”应为整数")
    result = int(number)
    if result < 0 or (f.max_int is not None and result > f.max_int):
        raise CellError("out_of_range", f"“{value}”超出范围（0～{f.max_int}）")
    return result


def _as_money(value: Any, f: Field) -> int | None:
    """元 → integer fen."""
    if value in ("", None):
        return None
    return money.fen_of_yuan(_number(value))


def _as_decimal(value: Any, f: Field) -> str | None:
    if value in ("", None):
        return None
    number = _number(value).normalize()
    return f"{number:f}"


def _as_phone(value: Any, f: Field) -> str | None:
    if isinstance(value, float) and value.is_integer() and value < 1e15:
        value = int(value)
    text = _text(value)
    return text.translate(_FULL_DIGITS) if text else None


def _as_date(value: Any, f: Field) -> str | None:
    if value in ("", None):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip().translate(_FULL_DIGITS)
    m = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?", text)
    if not m:
        raise CellError("not_a_date", f"“{value}”不是日期（应如 1980-01-31）")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        raise CellError("not_a_date", f"“{value}”不是有效日期") from None


CONVERTERS: dict[str, Callable[[Any, Field], Any]] = {
    "text": _as_text,
    "code": _as_code,
    "id": _as_id,
    "enum": _as_enum,
    "multi": _as_multi,
    "yesno": _as_enum,
    "sex": _as_enum,
    "int": _as_int,
    "money": _as_money,
    "decimal": _as_decimal,
    "phone": _as_phone,
    "date": _as_date,
}


_UNSEEN = object()
_HOUSEHOLD_KEYS = frozenset(k for k, f in BY_KEY.items() if f.level == "H")
_MEMBER_KEYS = frozenset(k for k, f in BY_KEY.items() if f.level == "M")


def convert_column(cells: list, f: Field, convert: Callable[[Any, Field], Any]) -> tuple[list, bool]:
    """Each cell's value, or the CellError it raised, every distinct raw value converted once; and whether any
    cell needs a look (an error, or a blank in a required column)."""
    # 1, 1.0 and True are equal keys but not equal cells: only text is its own key
    tokens = [c if c.__class__ is str else (c.__class__, c) for c in cells]
    try:
        table = dict.fromkeys(tokens, _UNSEEN)  # every cell calamine gives is hashable
    except TypeError:  # one that is not: each cell on its own
        values = []
        for cell in cells:
            try:
                values.append(convert(cell, f))
            except CellError as exc:
                values.append(exc)
        return values, True
    suspect = False
    for token in table:
        try:
            value = convert(token if token.__class__ is str else token[1], f)
        except CellError as exc:
            value = exc
        table[token] = value
        suspect = suspect or value.__class__ is CellError or (value is None and f.required)
    return [table[t] for t in tokens], suspect


def _columns(
    raw: RawRoster, plan: list, numbers: list[int], errors: list[RowError], progress: Progress
) -> list:
    """The converted values column by column (a bad cell becomes an error and a blank): each distinct raw value
    of a column is converted once, as a roster repeats its relations, villages and yes/no answers tens of
    thousands of times."""
    total = len(numbers)
    columns: list[list] = []
    for done, (_key, index, f, convert, header) in enumerate(plan):
        progress.step(done * total // (2 * len(plan)), total, "正在检查数据")
        cells = [row[index] for _number, row in raw.rows]
        converted, suspect = convert_column(cells, f, convert)
        for at in (
            [i for i, v in enumerate(converted) if v is None or v.__class__ is CellError] if suspect else ()
        ):
            value = converted[at]
            if value is not None:
                converted[at] = None
                errors.append(RowError(numbers[at], header, value.message, value.kind))
            elif f.required:
                errors.append(RowError(numbers[at], header, "不能为空", "missing"))
        columns.append(converted)
    flagged: list[RowError] = []
    position = {number: at for at, number in enumerate(numbers)} if raw.problems else {}
    for row_number, found in raw.problems.items():  # read as blank, but it is not: a formula without result …
        at = position.get(row_number)
        if at is None:
            continue
        for k, (_key, index, _f, _convert, header) in enumerate(plan):
            problem = found.get(index)
            if problem is not None:
                flagged.append(RowError(row_number, header, problem.message, problem.kind))
                columns[k][at] = None
    if flagged:  # the problem is what such a cell reports, not what its blank reads as
        cells_flagged = {(e.row, e.column) for e in flagged}
        errors[:] = [e for e in errors if (e.row, e.column) not in cells_flagged] + flagged
    return columns


def parse_roster(
    raw: RawRoster, *, today: date | None = None, progress: Progress = NO_PROGRESS, year: int | None = None
) -> ParsedRoster:
    """Validated household records; `year` is the roster's income year when the caller found it already (from
    rows this parse does not see)."""
    today = today or clock.today()
    errors: list[RowError] = []
    keys = frozenset(raw.columns)
    layout = guess_layout(set(keys))
    plan = [
        (key, index, BY_KEY[key], CONVERTERS[BY_KEY[key].kind], raw.headers[key])
        for key, index in raw.columns.items()
    ]
    # read_roster refuses such a file first, naming what it found; this stays as the last guard
    missing_required = [BY_KEY[k].label for k in REQUIRED_COLUMNS if k not in keys]
    if missing_required:
        errors.append(
            RowError(raw.header_row, "表头", f"缺少必需的列：{'、'.join(missing_required)}", "missing_column")
        )
        return ParsedRoster({}, errors, layout, keys, today.year, 0)

    households: dict[str, HouseholdRecord] = {}
    total = len(raw.rows)
    numbers = [row_number for row_number, _cells in raw.rows]
    columns = _columns(raw, plan, numbers, errors, progress)
    keys_in_order = [key for key, *_rest in plan]
    for n, (row_number, row_values) in enumerate(zip(numbers, zip(*columns, strict=True), strict=True)):
        if n % 2000 == 0:
            progress.step(total // 2 + n // 2, total, "正在检查数据")
        values = {k: v for k, v in zip(keys_in_order, row_values, strict=True) if v is not None}
        code = values.get("household_code")
        if code is None:
            continue
        record = households.get(code)
        if record is None:
            record = households[code] = HouseholdRecord(code, {})
        record.members.append(MemberRecord(row_number, values))

    year = year if year is not None else _year(raw, households, today)
    _check_people(raw, households, errors, today)
    _check_households(raw, households, errors)
    for record in households.values():
        source = record.head() or record.members[0]
        record.values = {k: v for k, v in source.values.items() if k in _HOUSEHOLD_KEYS}
        for m in record.members:
            m.values = {k: v for k, v in m.values.items() if k in _MEMBER_KEYS}
    errors.sort(key=lambda e: (e.row, e.column))
    _tag(errors, raw, households)
    return ParsedRoster(households, errors, layout, keys, year, total, list(raw.ignored), dict(raw.headers))


def _year(raw: RawRoster, households: dict[str, HouseholdRecord], today: date) -> int:
    for record in households.values():
        for m in record.members:
            if "year" in m.values:
                return int(m.values["year"])
    return raw.year_hint() or today.year


def _check_people(
    raw: RawRoster, households: dict[str, HouseholdRecord], errors: list[RowError], today: date
) -> None:
    """ID numbers (checksum, date, sex digit, birth date column) and duplicates across the file."""
    id_header = raw.headers["id_number"]
    seen_ids: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    for record in households.values():
        for m in record.members:
            v = m.values
            number = v.get("id_number")
            id_type = v.get("id_type")
            if number and (id_type is None or "身份证" in id_type):
                problem = idnumber.validate(number, today=today)
                if problem:
                    errors.append(RowError(m.row, id_header, problem.message, problem.kind))
                    v.pop("id_number")
                    number = None
            if number:
                first = seen_ids.setdefault(number, m.row)
                if first != m.row:
                    errors.append(RowError(m.row, id_header, f"与第{first}行的证件号码重复", "duplicate"))
                elif len(number) == 18 and (id_type is None or "身份证" in id_type):
                    _check_against_id(raw, m, number, errors)
            code = v.get("member_code")
            if code:
                first = seen_codes.setdefault(code, m.row)
                if first != m.row:
                    errors.append(
                        RowError(m.row, raw.headers["member_code"], f"与第{first}行的人编号重复", "duplicate")
                    )


def _check_against_id(raw: RawRoster, m: MemberRecord, number: str, errors: list[RowError]) -> None:
    v = m.values
    sex = v.get("sex")
    if sex and sex != idnumber.sex_of(number):
        errors.append(
            RowError(
                m.row,
                raw.headers["sex"],
                f"“{sex}”与证件号码第17位（{idnumber.sex_of(number)}）不符",
                "mismatch_with_id",
            )
        )
    born = v.get("birth_date")
    from_id = idnumber.birth_date_of(number)
    if born and from_id and born != from_id.isoformat():
        errors.append(
            RowError(
                m.row,
                raw.headers["birth_date"],
                f"{born} 与证件号码中的出生日期 {from_id} 不符",
                "mismatch_with_id",
            )
        )


def _check_households(raw: RawRoster, households: dict[str, HouseholdRecord], errors: list[RowError]) -> None:
    """One head per household; 人数 equal to the rows listed; 户主证件号码 equal to the head's own ID."""
    rel_header = raw.headers["relation"]
    for record in households.values():
        heads = [m for m in record.members if m.values.get("relation") == "户主"]
        relation_missing = any("relation" not in m.values for m in record.members)
        if not heads and not relation_missing:
            errors.append(
                RowError(record.first_row, rel_header, f"户{record.code}没有户主", "household_without_head")
            )
        for extra in heads[1:]:
            errors.append(
                RowError(
                    extra.row,
                    rel_header,
                    f"户{record.code}有多个户主（另见第{heads[0].row}行）",
                    "multiple_heads",
                )
            )
        count = len(record.members)
        for m in record.members:
            declared = m.values.get("declared_size")
            if declared is not None and declared != count:
                errors.append(
                    RowError(
                        m.row,
                        raw.headers["declared_size"],
                        f"填写{declared}人，但本户列出{count}人",
                        "count_mismatch",
                    )
                )
        if len(heads) == 1 and "head_id_number" in raw.columns:
            head_id = heads[0].values.get("id_number")
            for m in record.members:
                given = m.values.get("head_id_number")
                if given and head_id and given != head_id:
                    errors.append(
                        RowError(
                            m.row,
                            raw.headers["head_id_number"],
                            "与本户户主本人的证件号码不一致",
                            "mismatch_with_head",
                        )
                    )


def _tag(errors: list[RowError], raw: RawRoster, households: dict[str, HouseholdRecord]) -> None:
    """Name the household and person of each error (for the error table and tests)."""
    by_row = {}
    for record in households.values():
        for m in record.members:
            by_row[m.row] = (record.code, m.values.get("member_code", ""))
    for i, e in enumerate(errors):
        hh, person = by_row.get(e.row, ("", ""))
        if not hh:
            cells = dict(raw.rows).get(e.row)
            if cells is not None:
                hh = _text(cells[raw.columns["household_code"]]) or ""
        errors[i] = RowError(e.row, e.column, e.message, e.kind, hh or "", person or "")
