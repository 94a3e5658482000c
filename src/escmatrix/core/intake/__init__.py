"""Intake: payloads from other tools (alerts, tickets, emails) read into one `Incoming` shape.

`read_payload` validates the bytes a source sent and says precisely what is wrong; nothing here
touches files, git or the clock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from escmatrix.core.errors import Location, Problem

if TYPE_CHECKING:
    from pydantic import ValidationError

MAX_PAYLOAD_BYTES = 1024 * 1024
"""Larger than any real alert group, ticket event or email body we act on."""


@dataclass(frozen=True)
class Incoming:
    """What a payload says, whatever its source: enough to open, update or resolve an issue."""

    source: str
    ref: str  # the external id people recognise (ticket key, alert group, message id)
    key: str  # the deduplication key: the same key again is the same issue
    title: str
    description: str
    resolved: bool
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # what `when` matches
    url: str = ""
    account: str | None = None  # organization or email domain, looked up in intake accounts
    comment: str = ""  # what a repeat says on the issue


class PayloadRefused(ValueError):
    """The payload is not what the source sends; each problem names the field."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        super().__init__(f"{source} payload refused")
        self.source, self.problems = source, problems


def refuse(source: str, where: str, message: str, hint: str | None = None) -> PayloadRefused:
    return PayloadRefused(source, [Problem(message, Location(where), hint, rule="payload")])


def problems_of(exc: ValidationError, where: str) -> list[Problem]:
    """Pydantic's errors as problems naming the field path inside the payload."""
    from escmatrix.core.types import error_message

    found = []
    for err in exc.errors(include_url=False):
        path = ".".join(str(p) for p in err["loc"]) or "(top level)"
        found.append(Problem(f"{path}: {error_message(err)}", Location(where), rule="payload"))
    return found


def read_json(source: str, data: bytes, where: str) -> object:
    """The payload as JSON, or a refusal saying why it is not."""
    if not data.strip():
        raise refuse(source, where, "the payload is empty", f"send the {source} webhook's JSON")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(source, where, f"the payload is not UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        loc = Location(where, exc.lineno, exc.colno)
        raise PayloadRefused(
            source, [Problem(f"not JSON: {exc.msg}", loc, rule="payload")]
        ) from None
    if not isinstance(value, dict):
        raise refuse(source, where, f"expected a JSON object, got {type(value).__name__}")
    return value


def read_payload(source: str, data: bytes, where: str = "<stdin>") -> Incoming:
    """Validate and read one payload from `source`; raises PayloadRefused naming what is wrong."""
    from escmatrix.core.intake import sources

    if len(data) > MAX_PAYLOAD_BYTES:
        raise refuse(
            source,
            where,
            f"the payload is {len(data)} bytes; at most {MAX_PAYLOAD_BYTES} are read",
        )
    readers = {
        "alertmanager": sources.alertmanager,
        "zendesk": sources.zendesk,
        "jsm": sources.jsm,
        "email": sources.email_message,
        "generic": sources.generic,
    }
    reader = readers.get(source)
    if reader is None:
        raise refuse(source, where, f"unknown source {source!r}", f"one of {', '.join(readers)}")
    return reader(data, where)
