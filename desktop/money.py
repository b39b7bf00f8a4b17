"""The one way an amount or a count typed by a clerk becomes a number, and the one check every service applies
to the numbers it is given (window, command line and import alike).

Money is integer fen, typed in 元 with at most two decimals; points and quantities are whole numbers. Nothing
is rounded silently: 10.005 元 is refused, not booked as 10.01. Every amount has a bound: the policy limit a
county sets (`limits.*` settings) and, above it, the hard ceiling the database itself enforces
(desktop.limits). A refusal names the field and says what is allowed.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from desktop.errors import InputRejected


def _clean(text: object) -> str:
    # full-width digits and signs from a Chinese input method read as their ASCII forms; 1,200.00 and 200元 too
    raw = unicodedata.normalize("NFKC", str(text if text is not None else "")).strip()
    return raw.replace(",", "").replace(" ", "").removesuffix("元")


def parse_yuan(text: object, field: str, *, max_fen: int, min_fen: int = 1) -> int:
    """An amount typed in 元 ("200", "200.5", "1,200.00") as fen, within [min_fen, max_fen]."""
    raw = _clean(text)
    if not raw:
        raise InputRejected(f"{field}：请填写金额（元），如 200.00")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise InputRejected(f"{field}：“{text}”不是金额，应写成 200.00") from None
    if not amount.is_finite():
        raise InputRejected(f"{field}：“{text}”不是金额，应写成 200.00")
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise InputRejected(f"{field}：“{text}”超过两位小数（金额只到分）")
    fen = int(amount * 100)
    return check_fen(fen, field, max_fen=max_fen, min_fen=min_fen)


def fen_of_yuan(amount: Decimal) -> int:
    """元 → fen, half-up, for amounts read from a spreadsheet cell, which may carry more than two decimals
    (a float's 3400.0000000001, a formula's 1/3): the roster says what the national system computed, and the
    cent it rounds to is the one that system shows. Typed amounts never get here: parse_yuan refuses them."""
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_count(text: object, field: str, *, maximum: int, minimum: int = 1, unit: str = "") -> int:
    """A whole number (points, quantity) typed by a clerk, within [minimum, maximum]."""
    raw = _clean(text)
    digits = raw[1:] if raw[:1] in "+-" else raw
    if not digits.isdigit():
        raise InputRejected(f"{field}：“{text}”应为整数")
    if len(digits.lstrip("0")) > 18:
        raise InputRejected(f"{field}：“{text}”大得不合理")
    return check_count(int(raw), field, maximum=maximum, minimum=minimum, unit=unit)


def check_fen(fen: int, field: str, *, max_fen: int, min_fen: int = 1) -> int:
    """An amount in fen a service was given: a whole number within the bounds, or refused naming the field."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise InputRejected(f"{field}：金额应以分为单位的整数")
    if fen < min_fen:
        if min_fen == 0:
            raise InputRejected(f"{field}不能为负数")
        if min_fen == 1:
            raise InputRejected(f"{field}必须大于0")
        raise InputRejected(f"{field}不能小于{yuan(min_fen)}元")
    if fen > max_fen:
        raise InputRejected(f"{field}：{yuan(fen)}元超过上限{yuan(max_fen)}元")
    return fen


def check_count(value: int, field: str, *, maximum: int, minimum: int = 1, unit: str = "") -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputRejected(f"{field}：应为整数")
    if value < minimum:
        raise InputRejected(f"{field}：{value}{unit}小于下限{minimum}{unit}")
    if value > maximum:
        raise InputRejected(f"{field}：{value}{unit}超过上限{maximum}{unit}")
    return value


def yuan(fen: int) -> str:
    """1,200.00 — how every amount is shown."""
    return f"{fen / 100:,.2f}"
