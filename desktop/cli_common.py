"""What every command module shares: printing the result (text or --json) and reading values from arguments."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from desktop.services.errors import InputRejected


def emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, default=str))
    else:
        print(text)


def need(value, message: str):  # noqa: ANN001, ANN201
    if not value:
        raise InputRejected(message)
    return value


def fen(text: str) -> int:
    """An amount typed in 元 ("200.00") as integer fen."""
    from decimal import Decimal, InvalidOperation

    try:
        return int((Decimal(text) * 100).quantize(Decimal(1)))
    except InvalidOperation:
        raise InputRejected(f"金额“{text}”应为数字，如 200.00") from None


def day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputRejected(f"日期“{text}”应写成 2026-11-25") from None
