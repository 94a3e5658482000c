"""YAML in, with file:line positions for every key and item, and YAML out, atomically.

Loading uses libyaml (`CSafeLoader`) when present, refuses duplicate keys, aliases that expand
past a size limit, files over a size limit and bytes that are not UTF-8. Every failure becomes a
`Problem` naming the file, line and column.

Two loaders build the same result. The fast one reads libyaml's event stream straight into
`PosDict`/`PosList` (no node tree, no generic constructor: two to four times quicker) and gives
up on anything unusual: anchors, aliases, explicit tags, merge keys, duplicate keys, deep
nesting, values a constructor rejects, several documents, malformed YAML. The full loader then
runs on that text and either reads it or reports the problem, so every message comes from one
place.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from escmatrix.core.errors import InvalidInput, Location, Problem
from escmatrix.store.atomic import durability as durability
from escmatrix.store.atomic import write_atomic as write_atomic

MAX_FILE_BYTES = 1024 * 1024
_FIRST_READ = 1 << 14
MAX_EXPANDED_NODES = 100_000
MAX_DEPTH = 64

Mark = tuple[int, int]  # 1-based line, column

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class PosDict(dict[Any, Any]):
    """A mapping that remembers where each key and value stood in the file."""

    start: Mark = (1, 1)
    key_marks: dict[Any, Mark]
    value_marks: dict[Any, Mark]


class PosList(list[Any]):
    """A sequence that remembers where each item stood in the file."""

    start: Mark = (1, 1)
    item_marks: list[Mark]


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int, column: int, first: Mark) -> None:
        super().__init__(key)
        self.key, self.line, self.column, self.first = key, line, column, first


class _PositionLoader(_BaseLoader):  # type: ignore[misc]
    depth = 0

    def _enter(self, node: yaml.Node) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError, AttributeError, KeyError, IndexError):
            # a tag or a value its constructor cannot take: `!!int three`, `!!set a`, 2026-02-30
            raise yaml.constructor.ConstructorError(
                None, None, _unreadable(node), node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> PosDict:
        self._enter(node)
        try:
            return self._mapping(node, deep)
        finally:
            self.depth -= 1

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> PosList:
        self._enter(node)
        try:
            result = PosList(self.construct_object(child, deep=deep) for child in node.value)
        finally:
            self.depth -= 1
        result.start = _mark(node)
        result.item_marks = [_mark(child) for child in node.value]
        return result

    def _mapping(self, node: yaml.MappingNode, deep: bool) -> PosDict:
        self.flatten_mapping(node)
        result = PosDict()
        result.start = _mark(node)
        result.key_marks, result.value_marks = {}, {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            if key in result:
                line, column = _mark(key_node)
                raise _DuplicateKey(key, line, column, result.key_marks[key])
            result[key] = self.construct_object(value_node, deep=deep)
            result.key_marks[key] = _mark(key_node)
            result.value_marks[key] = _mark(value_node)
        return result


def _unreadable(node: yaml.Node) -> str:
    kind = node.tag.rsplit(":", 1)[-1]
    if isinstance(node, yaml.ScalarNode):
        looks_like = "a date" if kind == "timestamp" else f"a {kind}" if kind != "str" else "text"
        return (
            f"{node.value!r} cannot be read as {looks_like}; write a valid one, or quote it as text"
        )
    shape = "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
    return f"{shape} cannot be read as !!{kind}; remove the explicit tag"


def _construct_map(loader: _PositionLoader, node: yaml.MappingNode) -> PosDict:
    return loader.construct_mapping(node, deep=True)


def _construct_seq(loader: _PositionLoader, node: yaml.SequenceNode) -> PosList:
    return loader.construct_sequence(node, deep=True)


_PositionLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_PositionLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def _expanded_size(node: yaml.Node, depth: int, memo: dict[int, int]) -> int:
    """Count nodes as if every alias were expanded; refuses nesting deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise _TooDeep(node)
    known = memo.get(id(node))
    if known is not None:
        return known
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, depth + 1, memo)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            total += _expanded_size(key, depth + 1, memo)
            total += _expanded_size(value, depth + 1, memo)
    memo[id(node)] = total
    return total


class _TooDeep(Exception):
    def __init__(self, node: yaml.Node) -> None:
        super().__init__()
        self.node = node


class _Unusual(Exception):
    """The fast loader met something only the full loader reads, or reports, exactly."""


_STR = "tag:yaml.org,2002:str"
# Plain scalars starting with any other character are text (the safe loader has no catch-all
# resolver and no path resolvers).
RESOLVED_FIRST = frozenset(_BaseLoader.yaml_implicit_resolvers)
_SCALARS = {
    f"tag:yaml.org,2002:{kind}": _BaseLoader.yaml_constructors[f"tag:yaml.org,2002:{kind}"]
    for kind in ("null", "bool", "int", "float", "timestamp")
}
# The tag libyaml's resolver gives a plain scalar depends on its text alone: keys like `name`
# and `team` repeat thousands of times, so remember the answers (a few thousand at most).
_PLAIN_TAGS: dict[str, str] = {}
_RESOLVER: Any = yaml.resolver.Resolver()  # the safe loader's resolver (libyaml's loader uses it)
_CONSTRUCTOR: Any = yaml.constructor.SafeConstructor()
# What makes the fast loader hand over to the full one (the full loader reports it, or reads it).
_HANDED_OVER = (
    _Unusual,
    yaml.YAMLError,
    ValueError,
    TypeError,
    OverflowError,
    AttributeError,
    KeyError,
    IndexError,
    RecursionError,
)


class _EventReader:
    """PosDict/PosList straight from libyaml's events, with the marks the nodes would have."""

    def __init__(self, text: str) -> None:
        self.loader = _BaseLoader(text)
        self.next_event = self.loader.get_event

    def document(self) -> Any:
        try:
            self.next_event()  # stream start
            if self.next_event().__class__ is StreamEndEvent:
                return None  # no document at all: empty, or only comments
            data = self.value(self.next_event(), 1)
            self.next_event()  # document end
            if self.next_event().__class__ is not StreamEndEvent:
                raise _Unusual  # a second document
            return data
        finally:
            self.loader.dispose()

    def value(self, event: Any, depth: int) -> Any:
        """The value that starts with `event`; `depth` counts the collections it sits in."""
        kind = event.__class__
        if event.anchor is not None or event.tag is not None:
            raise _Unusual
        if kind is ScalarEvent:
            text: str = event.value
            if not event.implicit[0] or (text and text[0] not in RESOLVED_FIRST):
                return text  # quoted, block, or plain text that no resolver claims
            return plain_scalar(text)
        if depth > MAX_DEPTH:
            raise _Unusual
        next_event = self.next_event
        mark = event.start_mark
        if kind is MappingStartEvent:
            mapping = PosDict()
            mapping.start = (mark.line + 1, mark.column + 1)
            key_marks: dict[Any, Mark] = {}
            value_marks: dict[Any, Mark] = {}
            mapping.key_marks, mapping.value_marks = key_marks, value_marks
            while True:
                key_event = next_event()
                if key_event.__class__ is MappingEndEvent:
                    return mapping
                key = self.value(key_event, depth + 1)
                if key in mapping:  # a duplicate; TypeError for a list or mapping as a key
                    raise _Unusual
                value_event = next_event()
                mapping[key] = self.value(value_event, depth + 1)
                mark = key_event.start_mark
                key_marks[key] = (mark.line + 1, mark.column + 1)
                mark = value_event.start_mark
                value_marks[key] = (mark.line + 1, mark.column + 1)
        if kind is SequenceStartEvent:
            sequence = PosList()
            sequence.start = (mark.line + 1, mark.column + 1)
            item_marks: list[Mark] = []
            sequence.item_marks = item_marks
            while True:
                item_event = next_event()
                if item_event.__class__ is SequenceEndEvent:
                    return sequence
                sequence.append(self.value(item_event, depth + 1))
                mark = item_event.start_mark
                item_marks.append((mark.line + 1, mark.column + 1))
        raise _Unusual  # an alias


def plain_scalar(text: str) -> Any:
    """What a plain (unquoted) scalar means to the safe loader: text, or the null, boolean,
    number or date its resolver makes of it. Raises _Unusual for a merge key `<<`, `=`, or a
    tag with no safe constructor, and the constructor's error for a value it rejects."""
    if text and text[0] not in RESOLVED_FIRST:
        return text
    tag = _PLAIN_TAGS.get(text)
    if tag is None:
        tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
        if len(_PLAIN_TAGS) >= 4096:
            _PLAIN_TAGS.clear()
        _PLAIN_TAGS[text] = tag
    if tag == _STR:
        return text
    construct = _SCALARS.get(tag)
    if construct is None:
        raise _Unusual
    return construct(_CONSTRUCTOR, yaml.ScalarNode(tag, text))


def parse_yaml(text: str, file: str) -> Any:
    """Parse one YAML document from text; raises InvalidInput naming `file`."""
    try:
        return _EventReader(text).document()
    except _HANDED_OVER:
        return _parse_full(text, file)  # reads it, or says exactly what is wrong and where


def _parse_full(text: str, file: str) -> Any:
    """The full loader: every YAML feature the safe loader has, and every error message."""
    loader = _PositionLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        # Aliases need anchors: only a document with `&` can expand past its own size.
        size = _expanded_size(node, 0, {}) if "&" in text else 0
        if size > MAX_EXPANDED_NODES:
            raise _problem(
                file,
                1,
                1,
                f"the document expands to {size:,} values (aliases included), over the limit "
                f"of {MAX_EXPANDED_NODES:,}",
                "write the values out instead of nesting anchors and aliases",
            )
        return loader.construct_document(node)
    except _TooDeep as deep:
        line, column = _mark(deep.node)
        raise _problem(
            file, line, column, f"nesting deeper than {MAX_DEPTH} levels", "flatten the file"
        ) from None
    except _DuplicateKey as dup:
        raise _problem(
            file,
            dup.line,
            dup.column,
            f"duplicate key {dup.key!r} (first defined at line {dup.first[0]})",
            "each key may appear once in a mapping; remove or merge one of them",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
            mark = exc.context_mark  # where the unfinished thing began, not the end of the file
        what = " ".join(p for p in (exc.context, exc.problem) if p) or "malformed YAML"
        if "cannot start any token" in (exc.problem or "") and mark is not None:
            line_text = text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else ""
            if line_text[mark.column : mark.column + 1] == "\t":
                what += " (a tab: YAML indents with spaces only)"
        raise _problem(
            file,
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
            f"malformed YAML: {what}",
            None,
        ) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, by position
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        what = (
            f"character {exc.character!r} is not allowed in YAML"
            if isinstance(exc.character, str)
            else exc.reason
        )
        raise _problem(
            file, line, column, f"malformed YAML: {what}", "remove control characters and NUL bytes"
        ) from None
    except yaml.YAMLError as exc:
        raise _problem(file, None, None, f"malformed YAML: {exc}", None) from None
    except RecursionError:
        raise _problem(file, None, None, "the document is nested too deeply", None) from None
    except (ValueError, TypeError, OverflowError, AttributeError) as exc:
        raise _problem(file, None, None, f"malformed YAML: {exc}", None) from None
    finally:
        loader.dispose()


def _problem(
    file: str, line: int | None, column: int | None, message: str, hint: str | None
) -> InvalidInput:
    return InvalidInput([Problem(message, Location(file, line, column), hint, rule="yaml")])


def read_yaml(path: Path, display: str) -> Any:
    """Read and parse a YAML file, refusing oversize files and bytes that are not UTF-8."""
    return parse_yaml(read_text(path, display), display)


def read_text(path: Path | str, display: str) -> str:
    """A YAML file's text, refusing oversize files and bytes that are not UTF-8."""
    try:
        handle = os.open(path, os.O_RDONLY)  # no file object: a rebuild reads 64k files
        try:
            # One read takes a whole event file (no `fstat` first: a system call a file); a
            # larger file is read on to its end, checked against the limit as it grows.
            data = os.read(handle, _FIRST_READ)
            if len(data) == _FIRST_READ:
                while chunk := os.read(handle, 1 << 16):
                    data += chunk
                    if len(data) > MAX_FILE_BYTES:  # refused naming the file's whole size
                        _check_size(max(os.fstat(handle).st_size, len(data)), display)
        finally:
            os.close(handle)
    except OSError as exc:
        raise _problem(display, None, None, f"cannot read file: {exc.strerror}", None) from None
    return decode_utf8(data, display)


def _check_size(size: int, display: str) -> None:
    if size > MAX_FILE_BYTES:
        raise _problem(
            display,
            None,
            None,
            f"file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
            "split it or remove what does not belong",
        )


def decode_utf8(data: bytes, display: str) -> str:
    """Decode bytes as UTF-8 or raise a problem naming the line of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _problem(
            display,
            line,
            column,
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8",
            "save the file as UTF-8 text",
        ) from None
    return text.removeprefix("\ufeff")


def locate(data: Any, loc: Iterable[int | str]) -> Mark | None:
    """Best position in the parsed data for a validation error path (pydantic `loc`)."""
    best: Mark | None = getattr(data, "start", None)
    node = data
    for part in loc:
        if isinstance(node, PosDict) and part in node:
            best = node.value_marks.get(part, best)
            node = node[part]
        elif isinstance(node, PosList) and isinstance(part, int) and 0 <= part < len(node):
            best = node.item_marks[part]
            node = node[part]
        elif isinstance(node, PosDict | PosList):
            continue  # a union tag or model name in the path: the data level stays the same
        else:
            break
    return best


def _child(node: Any, part: int | str) -> Any:
    """The child at `part`, or `node` itself when the path names no data level (a union tag)."""
    if isinstance(node, dict) and part in node:
        return node[part]
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return node


def key_mark(data: Any, loc: Iterable[int | str]) -> Mark | None:
    """Position of the last key of `loc` itself (for unknown keys), else `locate`."""
    parts = list(loc)
    if not parts:
        return getattr(data, "start", None)
    *parent_path, last = parts
    node: Any = data
    for part in parent_path:
        node = _child(node, part)
    if isinstance(node, PosDict) and last in node.key_marks:
        return node.key_marks[last]
    return locate(data, parts)


def dump_yaml(data: Any) -> str:
    """Block-style YAML with keys in the given order and text kept readable."""
    text: str = yaml.dump(
        data,
        Dumper=_BaseDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return text
