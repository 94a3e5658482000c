"""Field types shared by the matrix and event models.

Free text is `Text`: only a real string passes, so YAML 1.1 surprises (`no` read as false,
`1:30` read as 90) fail validation with a hint to quote the value instead of passing silently.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BeforeValidator,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from escmatrix.core.durations import DURATION_PATTERN, format_duration, parse_duration
from escmatrix.core.durations import describe_yaml_value as _describe_yaml_value

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # how Python keeps bytes that were not UTF-8


def _require_text(value: object) -> object:
    if isinstance(value, str):
        if not value.isascii() and _UNDECODABLE.search(value):  # bytes that were not UTF-8
            raise ValueError("the text holds bytes that are not valid UTF-8")
        return value
    if value is None:
        return value
    raise ValueError(_describe_yaml_value(value))


Text = Annotated[str, BeforeValidator(_require_text)]
Id = Annotated[
    str,
    BeforeValidator(_require_text),
    StringConstraints(pattern=ID_PATTERN, max_length=64),
]


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "pattern": DURATION_PATTERN, "examples": ["30m", "4h", "2d"]}
    ),
]


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown timezone {value!r}; use an IANA name such as 'Europe/Berlin' or 'UTC'"
        ) from None
    return value


Timezone = Annotated[str, BeforeValidator(_require_text), AfterValidator(_check_timezone)]
