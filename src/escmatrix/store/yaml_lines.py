"""Block YAML as `dump_yaml` writes it, read line by line without libyaml.

A cache rebuild reads every event file once. libyaml parses one in a few microseconds, but its
Python binding then builds an object per token and per event (17 µs a file before any value
exists), which made YAML three quarters of a rebuild. Event files are small block mappings of
`key: value` lines that escmatrix wrote itself, so this reader takes exactly that shape:

- comment lines at the very top; mappings indented by spaces; `key:` followed by a nested
  mapping, a sequence of scalars (indented or not), or nothing (null);
- plain scalars, folded over more-indented lines, typed by PyYAML's own resolver and
  constructors; single-quoted scalars, folded the same way; `[]` and `{}`.

Anything else gives `None`, and the caller parses the text with `yamlio.parse_yaml`, which reads
it or reports what is wrong: blank lines, tabs, control characters, double quotes, block
scalars, anchors, tags, flow collections, comments after the top, a plain scalar holding `: `
or ` #`, a sequence of mappings, duplicate keys, deep nesting. A property test holds both
readers to the same values on generated files and on hostile text.
"""

from __future__ import annotations

import re
from typing import Any

from escmatrix.store.yamlio import MAX_DEPTH, RESOLVED_FIRST, parse_yaml, plain_scalar, read_text

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# A first character that makes a scalar something other than plain text in block context.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_QUOTED = re.compile(r"'([^']*(?:''[^']*)*)'")  # a whole single-quoted scalar on one line
_QUOTED_END = re.compile(r"([^']*(?:''[^']*)*)'")  # the rest of a line closes the scalar
_QUOTED_ON = re.compile(r"[^']*(?:''[^']*)*")  # a line inside a quoted scalar
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # ASCII control characters but newline
_TEXT_KEYS: set[str] = set()  # keys known to be text (`on:` is a boolean): a few dozen


def parse_event_yaml(text: str, file: str) -> Any:
    """An event file's data: by the line reader when it takes the text, else `parse_yaml`
    (which reads it, or raises InvalidInput naming `file`)."""
    data = read_block_yaml(text)
    return parse_yaml(text, file) if data is None else data


def read_event_file(path: str, display: str) -> tuple[str, Any]:
    """An event file's text and data (`parse_event_yaml`); problems name it `display`."""
    text = read_text(path, display)
    return text, parse_event_yaml(text, display)


class _Bail(Exception):
    """Something this reader does not take: the full parser reads or reports it."""


def read_block_yaml(text: str) -> dict[str, Any] | None:
    """The mapping `text` holds, as `yamlio.parse_yaml` reads it, or None if it is not in the
    simple form (the caller then parses it fully)."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    # Printable lines hold no tab, control character, NEL, line or paragraph separator,
    # byte-order mark or surrogate (and a few harmless characters this reader leaves to libyaml).
    # ASCII text is printable but for its newlines when it holds no control character at all.
    if not (text.isascii() and _CONTROL.search(text) is None) and not all(
        map(str.isprintable, lines)
    ):
        return None
    start = 0
    while start < len(lines) and lines[start][:1] == "#":
        start += 1
    if start == len(lines):
        return None
    try:
        mapping, end = _Lines(lines).mapping(start, 0, 1)
    except Exception:  # whatever stops this reader, the full parser reads or reports
        return None
    return mapping if end == len(lines) else None


class _Lines:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.count = len(lines)

    def indent_of(self, index: int) -> tuple[int, str]:
        line = self.lines[index]
        content = line.lstrip(" ")
        return len(line) - len(content), content

    def goes_on(self, index: int, indent: int) -> bool:
        """Whether line `index` is indented past `indent` (a continuation or a child)."""
        return index < self.count and self.lines[index][: indent + 1].isspace()

    def mapping(self, index: int, indent: int, depth: int) -> tuple[dict[str, Any], int]:
        """The mapping whose keys stand at `indent` from line `index` on."""
        if depth > MAX_DEPTH:
            raise _Bail
        lines, count, past = self.lines, self.count, indent + 1
        result: dict[str, Any] = {}
        while index < count:
            content = lines[index]
            if indent:
                at, content = self.indent_of(index)
                if at < indent:
                    break
                if at > indent:
                    raise _Bail
            key, colon, rest = content.partition(": ")
            if not colon:  # `key:` and a block under it, or not an entry at all
                if content[-1:] != ":":
                    raise _Bail
                key = content[:-1]
            if key not in _TEXT_KEYS:
                if not _KEY.fullmatch(key) or plain_scalar(key).__class__ is not str:
                    raise _Bail  # a key to quote, or `on:`, a boolean key
                _TEXT_KEYS.add(key)
            if key in result:
                raise _Bail  # the full parser reports the duplicate
            rest = rest.strip(" ")
            index += 1
            if not rest:
                result[key], index = self.block(index, indent, depth)
            elif index < count and lines[index][:past].isspace():  # goes on below
                result[key], index = self.folded(rest, index, indent)
            elif rest[0] in _INDICATORS:
                # most quoted values (times, '' for empty text) hold no quote inside
                if rest[0] == "'" and len(rest) > 1 and rest[-1] == "'" and "'" not in rest[1:-1]:
                    result[key] = rest[1:-1]
                else:
                    result[key] = _scalar(rest)
            elif ": " in rest or " #" in rest or rest[-1] == ":":
                raise _Bail
            else:
                result[key] = rest if rest[0] not in RESOLVED_FIRST else plain_scalar(rest)
        return result, index

    def block(self, index: int, indent: int, depth: int) -> tuple[Any, int]:
        """What follows `key:` with nothing after it: a sequence, a mapping, or null."""
        if index < self.count:
            below, content = self.indent_of(index)
            if content[:2] == "- " and below >= indent:
                return self.sequence(index, below, depth + 1)
            if below > indent:
                return self.mapping(index, below, depth + 1)
        return None, index

    def sequence(self, index: int, indent: int, depth: int) -> tuple[list[Any], int]:
        """The scalars of a block sequence whose dashes stand at `indent`."""
        if depth > MAX_DEPTH:
            raise _Bail
        items: list[Any] = []
        while index < self.count:
            at, content = self.indent_of(index)
            if at < indent or (at == indent and content[:2] != "- "):
                break
            if at > indent:
                raise _Bail
            rest = content[2:].strip(" ")
            if not rest:
                raise _Bail
            index += 1
            if self.goes_on(index, indent):
                item, index = self.folded(rest, index, indent)
            else:
                item = _scalar(rest)
            items.append(item)
        return items, index

    def folded(self, rest: str, index: int, indent: int) -> tuple[Any, int]:
        """The scalar that starts with `rest` and goes on over line `index` and those after it
        indented past `indent`; the index of the line after it."""
        if rest[0] == "'":
            return self.quoted(rest[1:], index, indent)
        if rest[0] in _INDICATORS:
            raise _Bail
        parts = [_plain_part(rest)]
        while self.goes_on(index, indent):
            content = self.lines[index].lstrip(" ")
            if content[0] in _INDICATORS:
                raise _Bail  # a comment, or a line libyaml might read otherwise
            parts.append(_plain_part(content))
            index += 1
        return plain_scalar(" ".join(parts)), index

    def quoted(self, text: str, index: int, indent: int) -> tuple[str, int]:
        """A single-quoted scalar whose text after the opening quote begins with `text`."""
        parts: list[str] = []
        line = text
        while True:
            closed = _QUOTED_END.fullmatch(line)
            if closed is not None:
                parts.append(closed[1] if not parts else closed[1].lstrip(" "))
                return " ".join(parts).replace("''", "'"), index
            if not _QUOTED_ON.fullmatch(line) or not self.goes_on(index, indent):
                raise _Bail
            parts.append(line.rstrip(" ") if not parts else line.strip(" "))
            line = self.lines[index].lstrip(" ")
            index += 1


def _scalar(text: str) -> Any:
    """A scalar on one line: single-quoted, plain, `[]` or `{}`."""
    first = text[0]
    if first == "'":
        quoted = _QUOTED.fullmatch(text)
        if quoted is None:
            raise _Bail
        inner = quoted[1]
        return inner.replace("''", "'") if "'" in inner else inner
    if first in _INDICATORS:
        if text == "[]":
            return []
        if text == "{}":
            return {}
        raise _Bail
    return plain_scalar(_plain_part(text))


def _plain_part(text: str) -> str:
    """One line of a plain scalar, checked for what would end it or make it something else."""
    if ": " in text or " #" in text or text[-1] == ":":
        raise _Bail
    return text.rstrip(" ")
