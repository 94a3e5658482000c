"""`Text`, `Id` and `Timezone` are checked inside pydantic's core validator (core/types.py): the
same values pass and fail as when they were Python functions, with the same words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from escmatrix.core import event_models as ev
from escmatrix.core.types import MAX_TEXT, NOT_UTF8, Id, Text, Timezone, error_message

TEXT: TypeAdapter[str] = TypeAdapter(Text)
ID: TypeAdapter[str] = TypeAdapter(Id)
ZONE: TypeAdapter[str] = TypeAdapter(Timezone)


def words(adapter: TypeAdapter[str], value: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        adapter.validate_python(value)
    return [error_message(e) for e in caught.value.errors(include_url=False)]


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (False, "boolean false"),
        (True, "boolean true"),
        (90, "number 90"),
        (1.5, "number 1.5"),
        (b"bytes", "expected text, got bytes"),
        (["a"], "expected text, got list"),
        ("caf\udce9", NOT_UTF8),  # a byte that was not UTF-8, kept by surrogateescape
        (None, "Input should be a valid string"),
    ],
)
def test_what_is_not_text_is_refused_in_words(value: Any, said: str) -> None:
    for adapter in (TEXT, ID, ZONE):
        assert any(said in w for w in words(adapter, value)), (adapter, words(adapter, value))


def test_text_passes_as_it_is() -> None:
    assert TEXT.validate_python("Café: 'quoted' — ☃") == "Café: 'quoted' — ☃"
    assert TEXT.validate_python("x" * MAX_TEXT) == "x" * MAX_TEXT
    assert ID.validate_python("payments-eu_2") == "payments-eu_2"
    assert ZONE.validate_python("Europe/Berlin") == "Europe/Berlin"


def test_bounds_a_field_sets_win_over_the_general_one() -> None:
    """`title: Text = Field(max_length=200)` stays at 200; other text stops at MAX_TEXT."""
    stamp = {"at": datetime(2026, 11, 2, 9, tzinfo=UTC), "actor": "lena"}
    opened = {
        **stamp,
        "category": "product-defect",
        "severity": "sev2",
        "rule": "r",
        "owner": "lena",
        "tier": "frontline",
        "engaged": "lena",
    }
    ev.Opened(**opened, title="x" * 200, description="y" * 10_000)
    with pytest.raises(ValidationError, match="at most 200 characters"):
        ev.Opened(**opened, title="x" * 201)
    with pytest.raises(ValidationError, match="at least 1 character"):
        ev.Opened(**opened, title="")
    with pytest.raises(ValidationError, match=f"at most {MAX_TEXT} characters"):
        ev.Commented(**stamp, text="z" * (MAX_TEXT + 1))
    assert any("64 characters" in w for w in words(ID, "a" * 65))
    assert any("unknown timezone" in w for w in words(ZONE, "Mars/Olympus"))


def test_the_json_schema_shows_a_fields_own_bound_only() -> None:
    assert TEXT.json_schema() == {"type": "string"}
    title = ev.Opened.model_json_schema()["properties"]["title"]
    assert (title["minLength"], title["maxLength"]) == (1, 200)
