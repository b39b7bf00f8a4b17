"""Typed failures. Each carries a Chinese message for the user and the CLI exit code of BRIEF §7."""

from __future__ import annotations

from dataclasses import dataclass


class ServiceError(Exception):
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputRejected(ServiceError):
    """Bad input; nothing was written."""

    exit_code = 2


class Refused(ServiceError):
    """Refused by a rule; nothing was written."""

    exit_code = 3


class PermissionDenied(Refused):
    pass


class NotFound(InputRejected):
    pass


class IntegrityFailed(ServiceError):
    exit_code = 4


class Cancelled(ServiceError):
    """The user cancelled long work; it was rolled back."""

    def __init__(self, message: str = "已取消，未写入任何数据。") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class RowError:
    """One bad cell of an input file: `第N行 列名：原因`."""

    row: int
    column: str
    message: str
    kind: str = ""
    household: str = ""
    person: str = ""

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}：{self.message}"

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "kind": self.kind,
            "household": self.household,
            "person": self.person,
        }


class RowsRejected(InputRejected):
    """An input file with bad rows; nothing was written."""

    def __init__(self, errors: list[RowError], *, summary: str = "", errors_file: str = "") -> None:
        self.errors = errors
        self.errors_file = errors_file
        head = summary or f"发现 {len(errors)} 处错误，未导入任何数据。"
        super().__init__(head)

    def __reduce__(self):  # rebuilt whole when it crosses from a child process (desktop.services.child)
        return (_rows_rejected, (self.errors, self.message, self.errors_file))


def _rows_rejected(errors: list[RowError], summary: str, errors_file: str) -> RowsRejected:
    return RowsRejected(errors, summary=summary, errors_file=errors_file)


def check_text(value: str | None, what: str, limit: int, *, required: bool = True) -> str:
    """A typed text field, stripped: refused when required and empty, or longer than `limit` characters, with
    the field named (InputRejected)."""
    text = (value or "").strip()
    if required and not text:
        raise InputRejected(f"{what}不能为空")
    if len(text) > limit:
        raise InputRejected(f"{what}不能超过{limit}个字（现有{len(text)}个）")
    return text
