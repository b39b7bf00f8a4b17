"""公民身份号码 (GB 11643-1999): normalisation and validation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import mul

from desktop import clock

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ＸｘＸ", "0123456789XXX")


def normalize(value: str) -> str:
    """Full-width digits to ASCII, lower-case x to X, spaces and stray apostrophes removed."""
    text = value.translate(_FULL_WIDTH)
    text = "".join(text.split()).strip("'‘’`")
    return text.upper()


def check_char(first17: str) -> str:
    if len(first17) != len(WEIGHTS):
        raise ValueError(f"expected 17 digits, got {len(first17)}")
    total = sum(map(mul, map(int, first17), WEIGHTS))
    return CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class IdProblem:
    kind: str  # length | format | checksum | birth_date | birth_date_in_future | birth_year
    message: str


def birth_date_of(id_number: str) -> date | None:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def sex_of(id_number: str) -> str:
    """男 for an odd 17th digit, 女 for even."""
    return "男" if int(id_number[16]) % 2 else "女"


def validate(id_number: str, *, today: date | None = None) -> IdProblem | None:
    today = today or clock.today()
    if len(id_number) == 15 and id_number.isdigit():
        return IdProblem("length", "是15位旧号码，请使用18位公民身份号码")
    if len(id_number) != 18:
        return IdProblem("length", f"应为18位，实为{len(id_number)}位")
    if not id_number[:17].isdigit() or not (id_number[17].isdigit() or id_number[17] == "X"):
        return IdProblem("format", "只能由数字和末位X组成")
    born = birth_date_of(id_number)
    if born is None:
        return IdProblem("birth_date", f"出生日期 {id_number[6:14]} 不是有效日期")
    if born > today:
        return IdProblem("birth_date_in_future", f"出生日期 {born.isoformat()} 晚于今天")
    if born.year < 1900:
        return IdProblem("birth_year", f"出生年份 {born.year} 早于1900年")
    expected = check_char(id_number[:17])
    if id_number[17] != expected:
        return IdProblem("checksum", f"校验位错误（末位应为{expected}）")
    return None


def make(region: str, born: date, sequence: int) -> str:
    """Build a valid number (demo data and tests)."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
