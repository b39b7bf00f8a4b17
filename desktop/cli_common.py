"""What every command module shares: printing the result (text or --json) and reading values from arguments."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from desktop.errors import InputRejected


def emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, default=str))
    else:
        print(text)


def need(value, message: str):
    if not value:
        raise InputRejected(message)
    return value


def fen(text: str, field: str = "金额") -> int:
    """An amount typed in 元 ("200.00") as integer fen: no nan, no third decimal, not negative (the service
    then holds it to its own limit)."""
    from desktop import limits, money

    return money.parse_yuan(text, field, max_fen=limits.VALUE_FEN, min_fen=0)


def count(text: str | None, field: str, *, minimum: int = 0) -> int | None:
    """A whole number typed on the command line (points, quantities): argparse's own int() would take
    9223372036854775807 and answer "nan" in English; this names the field in Chinese."""
    from desktop import money

    if text is None:
        return None
    # only the shape here: the service holds the number to its own limit and says which
    return money.parse_count(text, field, maximum=10**18, minimum=minimum)


def day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputRejected(f"日期“{text}”应写成 2026-11-25") from None
