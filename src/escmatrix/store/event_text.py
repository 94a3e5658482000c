"""An event file's YAML as `yamlio.dump_yaml` writes it, made without PyYAML for the usual values.

Importing PyYAML costs a write command ~7 ms of its ~125. An event's data is a flat mapping whose
values are text, ids, commit ids, times, numbers, flags, null, and lists or mappings of ids, so
for those this writes the lines PyYAML's emitter would: text that PyYAML leaves plain as it is
(only what surely stays plain: it starts with a letter, holds letters, digits, spaces and a few
punctuation marks, is no YAML 1.1 boolean or null word, and fits the line width), text that
surely cannot be plain (`: ` or ` #` inside, an indicator first) single-quoted, as are times and
the empty text, and `[]` and `{}` for empty collections. Anything else (a value starting with a
digit, non-ASCII text, a long line, a nested list of mappings) gives None, and the caller dumps
with PyYAML. `tests/test_event_text.py` holds the two to the same
bytes on generated events.
"""

from __future__ import annotations

import re
from typing import Any

WIDTH = 100  # dump_yaml's line width: PyYAML folds a longer plain line at a space
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;()/_+'-]*\Z")
_OBJECT_ID = re.compile(r"(?=[0-9]*[a-f])[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")  # never an int
_PRINTABLE = re.compile(r"[ -~]*\Z")  # printable ASCII on one line: single quotes can hold it
# what surely keeps text from being plain: an indicator first, `: ` or ` #` inside, `:` last
_NOT_PLAIN = re.compile(r"\A[#,\[\]{}&*!|>'\"%@`]|: | #|:\Z")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)\Z")
# YAML 1.1 words PyYAML reads as booleans or null (and y/n, to be safe): left to PyYAML
_WORDS = frozenset(
    form
    for word in ("yes", "no", "true", "false", "on", "off", "null", "y", "n")
    for form in (word, word.title(), word.upper())
)


def event_text(data: dict[str, Any]) -> str | None:
    """The block YAML of `data` (an event's keys and plain values), or None to use PyYAML."""
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            if not value:
                lines.append(f"{key}: {{}}")
                continue
            lines.append(f"{key}:")
            for inner, item in value.items():
                text = _scalar(item, 4 + len(inner))
                if text is None or not isinstance(inner, str) or _scalar(inner, 2) != inner:
                    return None
                lines.append(f"  {inner}: {text}")
        elif isinstance(value, list):
            if not value:
                lines.append(f"{key}: []")
                continue
            lines.append(f"{key}:")
            for item in value:
                text = _scalar(item, 2)
                if text is None:
                    return None
                lines.append(f"- {text}")
        else:
            text = _scalar(value, len(key) + 2)
            if text is None:
                return None
            lines.append(f"{key}: {text}")
    return "\n".join(lines) + "\n"


def _scalar(value: Any, before: int) -> str | None:
    """`value` as PyYAML writes it after `before` characters on its line, or None when unsure."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if type(value) is not str:
        return None
    if value == "" or _TIME.match(value):
        return f"'{value}'"
    if before + len(value) > WIDTH or value.endswith(" ") or "  " in value:
        return None
    if _OBJECT_ID.match(value) or (_PLAIN.match(value) and value not in _WORDS):
        return value
    if _PRINTABLE.match(value) and _NOT_PLAIN.search(value) and not value.startswith(" "):
        quoted = "'" + value.replace("'", "''") + "'"  # as PyYAML quotes what cannot be plain
        return quoted if before + len(quoted) <= WIDTH else None
    return None
