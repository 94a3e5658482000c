"""Issue ids: unique across clones without coordination, short to type, sortable by day.

An id is 3 characters of days since 2020-01-01 followed by 6 random characters, in Crockford's
lower-case base32 (no i, l, o, u), e.g. `b7k3fx9qa`. Any unique prefix names an issue.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
ID_RE = re.compile(rf"^[{ALPHABET}]{{9}}$")
PREFIX_RE = re.compile(rf"^[{ALPHABET}]+$")
EPOCH = date(2020, 1, 1)


def _encode(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def random_bits(bits: int) -> int:
    """`bits` random bits from the operating system's generator, as `secrets.randbits` gives
    them (importing `secrets` costs a write command ~12 ms: it loads OpenSSL for hmac)."""
    size = (bits + 7) // 8
    return int.from_bytes(os.urandom(size), "big") >> (size * 8 - bits)


def new_issue_id(at: datetime) -> str:
    days = (at.astimezone(UTC).date() - EPOCH).days
    return _encode(max(days, 0) % 32**3, 3) + _encode(random_bits(30), 6)


def random_part(width: int = 6) -> str:
    return _encode(random_bits(5 * width), width)


def is_issue_id(text: str) -> bool:
    return bool(ID_RE.match(text))


def shortest_unique(ids: Iterable[str], minimum: int = 4) -> dict[str, str]:
    """For each id, the shortest prefix (at least `minimum` long) no other id shares."""
    ordered = sorted(set(ids))
    result: dict[str, str] = {}
    for index, ident in enumerate(ordered):
        common = 0
        for neighbour in (
            ordered[index - 1] if index else "",
            ordered[index + 1] if index + 1 < len(ordered) else "",
        ):
            shared = 0
            for a, b in zip(ident, neighbour, strict=False):
                if a != b:
                    break
                shared += 1
            common = max(common, shared)
        result[ident] = ident[: max(minimum, common + 1)]
    return result
