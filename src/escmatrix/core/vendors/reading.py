"""Reading vendor JSON documents safely: a missing or mistyped field is a Problem naming the file
and the object, never a KeyError."""

from __future__ import annotations

from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from escmatrix.core.errors import InvalidInput, Location, Problem

Document = tuple[str, Any]
"""(file name as the user gave it, parsed JSON)"""


class Fields:
    """Typed access to one vendor object; failures raise InvalidInput naming `file` and `where`."""

    def __init__(self, data: Any, file: str, where: str) -> None:
        if not isinstance(data, dict):
            self._fail(file, where, f"expected a JSON object, got {type(data).__name__}")
        self.data: dict[str, Any] = data
        self.file, self.where = file, where

    @staticmethod
    def _fail(file: str, where: str, message: str, hint: str | None = None) -> NoReturn:
        raise InvalidInput([Problem(f"{where}: {message}", Location(file), hint=hint)])

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            self._fail(
                self.file, self.where, f"'{key}' must be text", "see the vendor's API reference"
            )
        return str(value)

    def number(self, key: str, default: int | None = None) -> int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool):
            self._fail(self.file, self.where, f"'{key}' must be a whole number")
        return int(value)

    def items(self, key: str) -> list[Fields]:
        value = self.data.get(key) or []
        if not isinstance(value, list):
            self._fail(self.file, self.where, f"'{key}' must be a list")
        return [Fields(v, self.file, f"{self.where} {key}[{n}]") for n, v in enumerate(value)]

    def child(self, key: str) -> Fields | None:
        value = self.data.get(key)
        return None if value is None else Fields(value, self.file, f"{self.where} {key}")

    def fail(self, message: str, hint: str | None = None) -> NoReturn:
        self._fail(self.file, self.where, message, hint)


def objects(documents: list[Document], kinds: dict[str, str]) -> dict[str, list[Fields]]:
    """The objects in every document, by kind; `kinds` maps a top-level key to its kind."""
    found: dict[str, list[Fields]] = {kind: [] for kind in set(kinds.values())}
    for file, data in documents:
        keys = [k for k in kinds if isinstance(data, dict) and k in data]
        if not keys:
            raise InvalidInput(
                [
                    Problem(
                        "no vendor objects found in this file",
                        Location(file),
                        hint=f"expected a saved API response with one of: {', '.join(kinds)}",
                    )
                ]
            )
        for key in keys:
            value = data[key]
            for n, item in enumerate(value if isinstance(value, list) else [value]):
                found[kinds[key]].append(Fields(item, file, f"{key}[{n}]"))
    return found


def zone_or_utc(name: str) -> str | None:
    """`name` when it is an IANA zone; None otherwise."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name
