"""Field types shared by the matrix and event models.

Free text is `Text`: only a real string passes, so YAML 1.1 surprises (`no` read as false,
`1:30` read as 90) fail validation with a hint to quote the value instead of passing silently.
The checks run inside pydantic's core validator (strict `str`, and a length bound, which makes it
refuse text that is not valid Unicode: bytes that were not UTF-8, kept as lone surrogates), not
as Python functions called per value: a cache rebuild validates ~400,000 text values at 10,000
issues, and that halves its validation time. `error_message` says what such a failure means.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    Strict,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from escmatrix.core.durations import DURATION_PATTERN, format_duration, parse_duration
from escmatrix.core.durations import describe_yaml_value as _describe_yaml_value

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
# No file holds more (store/yamlio.MAX_FILE_BYTES); any bound makes the core validator check
# that the text is valid Unicode.
MAX_TEXT = 1024 * 1024
NOT_UTF8 = "the text holds bytes that are not valid UTF-8"


class _Bounded:
    """Bounds text by MAX_TEXT unless the field bounds it itself (`Field(max_length=200)`
    comes first), and keeps MAX_TEXT out of the JSON schemas: no file can reach it."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        schema = handler(source)
        if schema["type"] == "str" and schema.get("max_length") is None:
            cast(dict[str, Any], schema)["max_length"] = MAX_TEXT
        return schema

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        shown = handler(schema)
        if shown.get("maxLength") == MAX_TEXT:
            del shown["maxLength"]
        return shown


BOUND = (Strict(), _Bounded())
Text = Annotated[str, *BOUND]
Id = Annotated[str, Strict(), StringConstraints(pattern=ID_PATTERN, max_length=64)]


def error_message(error: Mapping[str, Any]) -> str:
    """One pydantic error in words: a value that is not text says what YAML made of it."""
    kind = error.get("type")
    if kind == "string_type" and error.get("input") is not None:
        return _describe_yaml_value(error["input"])
    if kind == "string_unicode":
        return NOT_UTF8
    return str(error.get("msg", "")).removeprefix("Value error, ")


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


Timezone = Annotated[str, *BOUND, AfterValidator(_check_timezone)]
