"""Event files written without PyYAML (`store/event_text.py`) are byte for byte what
`yamlio.dump_yaml` writes: on every example event, on generated events whose text comes from an
alphabet of YAML's troublemakers, and on values chosen to sit at each edge of the plain style.
Whatever it is unsure of it leaves to PyYAML (None)."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from escmatrix.core import events as ev
from escmatrix.store.event_text import event_text
from escmatrix.store.yamlio import dump_yaml
from tests.test_properties_fold import EXAMPLES, later_event

# letters and digits, every ASCII punctuation mark, spaces, a tab, a newline, and some Unicode
ALPHABET = st.sampled_from(
    [*"aAbZz09 -'.,:;#&*!|>\"%@`?[]{}()/\\_+=~<^$\t\n", "é", "ß", "日", "\u2028"]
)
# and text that is nearly always plain, to hold the fast path to PyYAML where it is taken
PLAIN = st.builds(
    str.__add__,
    st.sampled_from([*"aZkY"]),
    st.text(st.sampled_from([*"abyz AZ09,.;()/_+'-"]), max_size=110),
)
TROUBLE = st.text(ALPHABET, max_size=12) | st.sampled_from(
    [
        "yes", "No", "ON", "off", "null", "Null", "y", "n", "true", "False", "~", "",
        "1e3", "0x1F", "1:30", "2026-03-02", "12", "-1", ".5", ".inf", "<<", "=",
        "Kestrel's file", "a - b", "a -", "a: b", "a #b", "a  b", " lead", "trail ",
        "x" * 95, "word " * 19 + "w", "word " * 20,
    ]
)  # fmt: skip
TEXT = st.integers(0, 4).flatmap(lambda n: PLAIN if n else TROUBLE)
OBJECT_IDS = st.text("0123456789abcdef", min_size=40, max_size=40)


def _same(data: dict[str, object]) -> bool:
    """Whether the fast path took `data`; if it did, it must equal PyYAML's output."""
    fast = event_text(data)
    if fast is None:
        return False
    assert fast == dump_yaml(data), data
    return True


@pytest.mark.parametrize("kind", ev.EVENT_KINDS)
def test_every_example_is_written_as_pyyaml_writes_it(kind: str) -> None:
    """The examples: all but a debrief (lists of mappings), a link (its URL holds a colon) and
    the example's all-zero checksum (a number to YAML) take the fast path."""
    data = ev.event_to_data(EXAMPLES[kind])
    took = _same(data)
    assert took == (kind not in ("debriefed", "linked", "communicated")), data


@settings(max_examples=500, deadline=None)
@given(example=later_event(), data=st.data())
def test_generated_events_are_written_as_pyyaml_writes_them(
    example: ev.EventBase, data: st.DataObject
) -> None:
    """Any kind, every text field drawn anew (mostly plain text, now and then trouble)."""
    fields = ev.event_to_data(example)
    for name, value in fields.items():
        if isinstance(value, str) and name not in ("event", "at"):
            fields[name] = data.draw(TEXT | OBJECT_IDS if name.startswith("matrix") else TEXT)
    event("fast" if _same(fields) else "PyYAML")


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.one_of(TEXT, OBJECT_IDS, st.none(), st.booleans(), st.integers(-5, 10**12)),
        min_size=1,
        max_size=4,
    ),
    items=st.lists(TEXT, max_size=3),
    impact=st.dictionaries(TEXT, TEXT, max_size=3),
)
def test_any_plain_values_lists_and_mappings(
    values: list[object], items: list[str], impact: dict[str, str]
) -> None:
    """Scalars of every kind, commit ids, a list and a mapping: PyYAML's bytes, or None."""
    data: dict[str, object] = {f"key_{n}": value for n, value in enumerate(values)}
    data["tags"] = items
    data["impact"] = impact
    event("fast" if _same(data) else "PyYAML")


def test_the_usual_update_goes_the_fast_way() -> None:
    """What a responder writes most (text, ids, a commit id, times) takes the fast path."""
    update = msgspec.structs.replace(
        EXAMPLES["updated"],
        matrix="0" * 39 + "a",
        matrix_tree="cbd35637f4c5c5b47c4ae0e14f0137881fdfc0fb",
        status="Kestrel's settlement file never arrived; our import is healthy.",
        owner="noah",
    )
    assert _same(ev.event_to_data(update))


@pytest.mark.parametrize(
    "text",
    [
        "Benchmark status 3: reproduced on a test account.",
        "it's: fine",
        "#tag",
        "a: 'b'",
        "[x]",
        "{y}",
        "*star",
        "!bang",
        "|pipe",
        ">gt",
        "%pct",
        "@at",
        "`tick",
        "ends:",
        "see #12",
        "x" * 96 + ": y",
    ],
)
def test_text_that_cannot_be_plain_is_single_quoted_as_pyyaml_quotes_it(text: str) -> None:
    """A colon and a space, a hash after a space, an indicator first: single quotes (a quote
    inside doubled), fast and equal to PyYAML, unless the line would be too long to keep."""
    data = ev.event_to_data(msgspec.structs.replace(EXAMPLES["updated"], status=text))
    assert _same(data) == (len(text) < 90)
