"""The line reader for event files (`store/yaml_lines.py`) against the full YAML loader.

The line reader takes only the block YAML that escmatrix writes and answers None for anything
else. Whatever it does answer must be exactly what `parse_yaml` gives: the same keys, values
and types. These tests hold it to that on the emitter's own output for generated events, on
block-shaped text built to sit at the edges (indentation, folding, quotes, YAML 1.1 scalars),
on random edits of real files, and on any text at all; and check that the event store still
reports a bad event file by file, line and column when the line reader read it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from escmatrix.core.errors import InvalidInput
from escmatrix.core.events import Commented, Opened, event_to_data
from escmatrix.store.issues import HEADER, IssueStore
from escmatrix.store.yaml_lines import read_block_yaml
from escmatrix.store.yamlio import dump_yaml, parse_yaml
from tests.test_properties_loaders import SETTINGS, YAMLISH, mutated

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE_EVENTS = sorted((PROJECT / "issues").rglob("*.yaml"))


def typed(value: Any) -> Any:
    """The value with every scalar paired with its type (`1 == True` must not pass)."""
    if isinstance(value, dict):
        return {typed(key): typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def agrees(text: str) -> bool:
    """When the line reader answers, the full loader reads the same; True if it answered."""
    fast = read_block_yaml(text)
    if fast is None:
        return False
    try:
        full = parse_yaml(text, "x.yaml")
    except InvalidInput as exc:
        raise AssertionError(f"line reader read what YAML refuses: {text!r}: {exc}") from None
    assert typed(fast) == typed(full), text
    return True


def event_text(event: Any) -> str:
    return HEADER + dump_yaml(event_to_data(event))


# Pieces of block YAML: keys that YAML 1.1 reads as other things, separators, values at the edges.
KEYS = ["event", "at", "a-b", "x_1", "on", "yes", "No", "null", "~", "1", "y", "a b", "'q'", "-a"]
SEPARATORS = [": ", ":", ":  ", ": \t", " : ", "::", ": - "]
VALUES = [
    "text", "two words", "it's", "'quoted'", "'it''s'", "''", "'a' b", "'open", "close'",
    "[]", "{}", "[a]", "{a: 1}", "12", "-3", "0x1f", "0o17", "1_000", "1:30", "1.5", ".inf",
    "1e3", "yes", "no", "On", "~", "null", "2026-01-01", "2026-02-30", "2026-01-01 09:00:00",
    "a: b", "a #c", "a#b", "http://x", "a:", "&a x", "*a", "!!str x", "|", ">", "-", "- x",
    "%x", "@x", "`x`", "\"dq\"", "?x", "a, b", "é ü", "\u00a0x", "x\u2028y", "=", "<<",
    "#c", "a\\b", " lead", "trail ", "'a''", "'''",
]  # fmt: skip
INDENTS = ["", " ", "  ", "   ", "    "]


@st.composite
def block_lines(draw: st.DrawFn) -> str:
    """Lines shaped like block YAML: entries, items and continuations at mixed indentation."""
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        indent = draw(st.sampled_from(INDENTS))
        shape = draw(st.sampled_from(["entry", "entry", "item", "continuation", "comment", "bare"]))
        value = draw(st.sampled_from(VALUES))
        if shape == "entry":
            key = draw(st.sampled_from(KEYS))
            lines.append(indent + key + draw(st.sampled_from(SEPARATORS)) + value)
        elif shape == "item":
            lines.append(indent + "- " + value)
        elif shape == "continuation":
            lines.append(indent + value)
        elif shape == "comment":
            lines.append(indent + "# note")
        else:
            lines.append(indent + draw(st.sampled_from(KEYS)) + ":")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n", "\r\n"]))


@SETTINGS
@given(text=block_lines())
def test_block_shaped_text_agrees(text: str) -> None:
    """Entries, items and continuations at any indentation: answered only where YAML agrees."""
    agrees(text)


@SETTINGS
@given(text=YAMLISH)
def test_yaml_punctuation_agrees(text: str) -> None:
    """YAML punctuation, anchors, tags and 1.1 scalars in any order."""
    agrees(text)


@SETTINGS
@given(text=st.text(max_size=200))
def test_any_text_agrees(text: str) -> None:
    """Any text at all."""
    agrees(text)


@SETTINGS
@given(text=mutated([p.read_text(encoding="utf-8") for p in EXAMPLE_EVENTS[:12]]))
def test_edited_event_files_agree(text: str) -> None:
    """The example's event files with random edits: inserted snippets, cut spans, moved lines."""
    agrees(text)


PRINTABLE = st.text(
    st.characters(codec="utf-8", categories=["L", "N", "P", "S"]) | st.sampled_from(" :#'-"),
    min_size=1,
    max_size=300,
)


@SETTINGS
@given(
    title=PRINTABLE,
    description=st.text(max_size=400),
    tag=st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True),
)
def test_events_as_written_read_the_same(title: str, description: str, tag: str) -> None:
    """Events written by escmatrix, with any text in them, read back the same both ways."""
    opened = Opened(
        at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        actor="ann",
        title=title[:200],
        description=description,
        category="outage",
        severity="sev1",
        tags=[tag],
        rule="default",
        owner="ann",
        tier="frontline",
        engaged="ann",
    )
    agrees(event_text(opened))


@SETTINGS
@given(text=st.text(st.characters(codec="ascii", categories=["L", "N", "P", "S", "Zs"])))
def test_ascii_text_is_read_by_the_line_reader(text: str) -> None:
    """Printable ASCII that starts with a letter, however long and whatever its punctuation,
    stays on the fast path (text starting with YAML punctuation such as `:0` may not)."""
    text = "x" + text.strip()
    comment = Commented(at=datetime(2026, 3, 1, tzinfo=UTC), actor="ann", text=text)
    assert agrees(event_text(comment)), event_text(comment)


def test_every_example_event_file_is_read_by_the_line_reader() -> None:
    """The example repository's event files are all in the form the line reader takes."""
    assert len(EXAMPLE_EVENTS) > 20
    for path in EXAMPLE_EVENTS:
        assert agrees(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a duplicate key
        "on: x\n",  # a boolean key
        "a: b: c\n",  # a second mapping on one line
        "a: x # comment\n",
        "a: 'x' y\n",
        "a:\n\n  b: 1\n",  # a blank line
        "a: b\n\tc: d\n",
        "a: |\n  text\n",
        "a: &x 1\nb: *x\n",
        "- a\n- b\n",  # not a mapping
        "a: 'multi\nb'\n",  # a quoted line back at the key's indentation
        "a:\n  - x\n  y: 1\n",
        "---\na: 1\n",
        'a: "x"\n',
        "a: x\rb\n",  # ASCII control characters: carriage return, delete, escape
        "a: x\x7f\n",
        "a: '\x1b[31m'\n",
        "a: 'it's'\n",  # a quote inside a quoted value that does not double it
    ],
)
def test_what_the_line_reader_leaves_to_libyaml(text: str) -> None:
    """Shapes outside the simple form get None: the full parser reads or reports them."""
    assert read_block_yaml(text) is None


def test_folded_and_nested_values_are_read() -> None:
    """Wrapped plain and quoted text, nested mappings, indented and flush sequences."""
    text = (
        "# header\n"
        "title: a long title\n  that wraps\n   twice\n"
        "note: 'it''s quoted\n  and wrapped'\n"
        "impact:\n  money: major\n  customers: one\n"
        "tags:\n- a\n- 'b: c'\n"
        "more:\n  - 1\n  - x\n"
        "empty:\n"
        "last: []\n"
    )
    assert read_block_yaml(text) == {
        "title": "a long title that wraps twice",
        "note": "it's quoted and wrapped",
        "impact": {"money": "major", "customers": "one"},
        "tags": ["a", "b: c"],
        "more": [1, "x"],
        "empty": None,
        "last": [],
    }
    assert agrees(text)


def test_a_bad_event_read_by_the_line_reader_is_reported_by_line(tmp_path: Path) -> None:
    """An event file the line reader reads but the model refuses names its file, line and
    column, as the full parser's positions give them."""
    folder = tmp_path / "issues" / "b7k3fx9qa"
    folder.mkdir(parents=True)
    path = folder / "000001-abcdef-commented.yaml"
    path.write_text(
        HEADER + "event: commented\nat: '2026-03-01T09:00:00Z'\nactor: ann\ntext: 12\n",
        encoding="utf-8",
    )
    assert read_block_yaml(path.read_text(encoding="utf-8")) is not None
    store = IssueStore(tmp_path)
    with pytest.raises(InvalidInput) as refused:
        store.read_event(store.event_file(path))
    problem = refused.value.problems[0]
    assert problem.location is not None
    assert problem.location.file == "issues/b7k3fx9qa/000001-abcdef-commented.yaml"
    assert (problem.location.line, problem.location.column) == (5, 7)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: 'it''s'\n", "it's"),
        ("a: ''\n", ""),
        ("a: 'x: y # z'\n", "x: y # z"),
        ("a: '\u00e9t\u00e9'\n", "\u00e9t\u00e9"),
    ],
)
def test_quoted_values_on_one_line(text: str, value: str) -> None:
    """A quoted value without a quote inside is taken as it stands, one with doubled quotes is
    undoubled, and both are what libyaml reads."""
    assert read_block_yaml(text) == {"a": value} == yaml.safe_load(text)
