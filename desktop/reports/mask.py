"""The one place personal data is masked before it reaches a public output (PDF or Excel)."""

from __future__ import annotations

import re

PUBLIC = "public"  # notices, honour rolls: what a village board may show
INTERNAL = "internal"  # ledgers under access control


def mask(field: str, value: object, profile: str = PUBLIC) -> str:
    """Mask one value. Fields: id_number, phone, bank_account, address, health, name (receipts only)."""
    text = "" if value is None else str(value).strip()
    if profile != PUBLIC or not text:
        return text
    if field == "id_number":
        # 6 + 8 + 4 hides the birth date: 410101********1234
        return text[:6] + "*" * (len(text) - 10) + text[-4:] if len(text) > 10 else "*" * len(text)
    if field == "phone":
        digits = re.sub(r"\D", "", text)
        return digits[:3] + "****" + digits[-4:] if len(digits) >= 11 else "*" * len(digits)
    if field == "bank_account":
        return text[:6] + "*" * max(len(text) - 10, 4) + text[-4:] if len(text) > 10 else "*" * len(text)
    if field == "address":
        # Only down to the 村民小组: cut house numbers and anything after them.
        return re.split(r"\d+号", text)[0]
    if field == "name":
        # 张*国, 张*: enough for the household to recognise itself on a slip or a board.
        return text[0] + "*" if len(text) <= 2 else text[0] + "*" * (len(text) - 2) + text[-1]
    if field == "health":
        return ""  # illness and disability details never appear on public outputs
    return text


FULL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
FULL_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
FULL_ACCOUNT = re.compile(r"(?<![\dXx])\d{16,19}(?![\dXx])")


def leaks(text: str) -> list[str]:
    """Full ID numbers, mobile numbers or bank accounts in a public text (tests; a last check before output)."""
    found = FULL_ID.findall(text) + FULL_PHONE.findall(text)
    return found + [a for a in FULL_ACCOUNT.findall(text) if a not in found]
