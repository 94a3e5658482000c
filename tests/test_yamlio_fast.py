"""The fast YAML reader (libyaml events straight to PosDict/PosList) against the full loader.

`parse_yaml` reads most files from libyaml's event stream and hands anything unusual (anchors,
tags, merge keys, duplicate keys, deep nesting, malformed YAML) to the full position-tracking
loader. These tests hold the two to the same answer: the same values of the same types, the same
line and column for every key, value and item, and the same problems for text that is refused.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escmatrix.core.errors import InvalidInput
from escmatrix.store.playbooks import split_front_matter
from escmatrix.store.yamlio import (
    MAX_DEPTH,
    PosDict,
    PosList,
    _EventReader,
    _parse_full,
    parse_yaml,
)
from tests.test_properties_loaders import BASES, SETTINGS, YAMLISH, mutated

PROJECT = Path(__file__).resolve().parent.parent


def same(fast: Any, full: Any, path: str = "$") -> None:
    """Equal values of the same types, with equal marks at every level."""
    assert type(fast) is type(full), (path, fast, full)
    if isinstance(full, PosDict):
        assert (fast.start, fast.key_marks, fast.value_marks) == (
            full.start,
            full.key_marks,
            full.value_marks,
        ), path
        assert list(fast) == list(full), path
        for key in full:
            same(fast[key], full[key], f"{path}.{key}")
    elif isinstance(full, PosList):
        assert (fast.start, fast.item_marks, len(fast)) == (full.start, full.item_marks, len(full))
        for index, (a, b) in enumerate(zip(fast, full, strict=True)):
            same(a, b, f"{path}[{index}]")
    else:
        assert fast == full or (fast != fast and full != full), (path, fast, full)  # NaN


def outcome(text: str) -> tuple[str, Any]:
    """What the full loader alone makes of `text`: ("ok", data) or ("refused", problems)."""
    try:
        return "ok", _parse_full(text, "x.yaml")
    except InvalidInput as exc:
        return "refused", exc.problems


def agrees(text: str) -> None:
    """parse_yaml (fast reader first) gives exactly what the full loader gives."""
    kind, expected = outcome(text)
    try:
        data = parse_yaml(text, "x.yaml")
    except InvalidInput as exc:
        assert kind == "refused", text
        assert exc.problems == expected
        return
    assert kind == "ok", (text, expected)
    same(data, expected)


# fmt: off
READ_FAST = [
    "a: 1\nb: [x, 'y', \"z\"]\nc: {d: e}\n",
    "people:\n  - id: ann\n    name: Ann\n    roles: [lead]\n  - id: bob\n    name: Bob\n",
    "- 1\n- -2\n- 0x1f\n- 0o17\n- 1_000\n- 1:30\n- 1.5\n- .inf\n- -.inf\n- .nan\n- 1e3\n",
    "- yes\n- no\n- on\n- off\n- true\n- False\n- ~\n- null\n- \n- ''\n- 'no'\n",
    "- 2026-01-01\n- 2026-01-01 09:00:00\n- 2026-01-01T09:00:00Z\n- 2026-1-1\n",
    "a: |\n  line one\n  line two\nb: >-\n  folded\n  text\nc: plain\n  continued\n",
    "? a\n: 1\n~: null key\n1: int key\n2026-01-01: date key\nno: bool key\n",
    "- - - deep\n    - er\n  - x\n- {a: [1, {b: c}]}\n", "[]", "{}", "", "# only a comment\n",
    "---\nx: 1\n...\n", "---\n", "plain", "'quoted'", "a: 'it''s'\nb: \"tab\\there\"\n",
    "a: x@y\n", "é: ünïcode\n'ключ': значение\n", "a:\n-  b\n-   c\n",
    "calendar:\n  hours: '09:00-17:00'\n  days: [mon, tue]\n",
]
HANDED_OVER = [
    "a: &x 1\nb: *x\n", "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "a: !!str 3\n",
    "a: !!int three\n", "a: !!set {x, y}\n", "a: !!binary aGVsbG8=\n", "a: !custom x\n",
    "a: =\n", "=: value\n", "a: 1\na: 2\n", "a: 1\nb:\n  c: 1\n  c: 2\n", "[a]: 1\n",
    "{a: 1}: 2\n", "--- a\n--- b\n", "a: 2026-02-30\n", "a: [1, 2\n", "a: b: c\n",
    "a:\n\t- b\n", "a: 'unclosed\n", "&a [*a]\n", "a: !\n", "a: ! x\n", "- !!null ''\n",
    "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "a: \x07\n", "key: |\n  ok\n bad\n",
    "<<: {a: 1}\n", "a: !!timestamp 2026-01-01\n", "a: !!float 1\n", "!!map {a: 1}\n",
]
# fmt: on


@pytest.mark.parametrize("text", READ_FAST)
def test_fast_reader_reads_ordinary_yaml(text: str) -> None:
    """Plain YAML is read by the fast reader itself, identically to the full loader."""
    data = _EventReader(text).document()
    same(data, _parse_full(text, "x.yaml"))


@pytest.mark.parametrize("text", HANDED_OVER)
def test_unusual_yaml_is_handed_over_unchanged(text: str) -> None:
    """Anchors, tags, merges, duplicates, deep nesting, malformed text: the full loader's answer."""
    agrees(text)


def test_nesting_at_the_limit_is_read_and_past_it_refused() -> None:
    """MAX_DEPTH levels still load; one more is refused with the same message as before."""
    at_limit = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    same(parse_yaml(at_limit, "x.yaml"), _parse_full(at_limit, "x.yaml"))
    with pytest.raises(InvalidInput) as caught:
        parse_yaml("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "x.yaml")
    assert f"nesting deeper than {MAX_DEPTH} levels" in caught.value.problems[0].message


def test_duplicate_key_message_names_both_lines() -> None:
    """A duplicate key is reported where it repeats, naming the line that defined it first."""
    with pytest.raises(InvalidInput) as caught:
        parse_yaml("a: 1\nb: 2\na: 3\n", "matrix/people.yaml")
    (problem,) = caught.value.problems
    assert problem.message == "duplicate key 'a' (first defined at line 1)"
    assert problem.location is not None
    assert (problem.location.file, problem.location.line, problem.location.column) == (
        "matrix/people.yaml",
        3,
        1,
    )


def test_scalar_types_match_the_safe_loader() -> None:
    """YAML 1.1 scalars keep their safe-loader types (the models then reject them as text)."""
    data = parse_yaml("a: no\nb: 1:30\nc: 2026-01-02\nd: 2026-01-02 03:04:05\ne: '1'\n", "x")
    assert data == {
        "a": False,
        "b": 90,
        "c": date(2026, 1, 2),
        "d": datetime(2026, 1, 2, 3, 4, 5),
        "e": "1",
    }


def project_documents() -> list[tuple[str, str]]:
    """Every YAML file and playbook front matter in the project's examples and test corpora."""
    documents = []
    folders = [PROJECT / name for name in ("matrix", "playbooks", "issues", "tests", "src")]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".yaml", ".yml", ".md") or not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            if path.suffix == ".md":
                try:
                    parts = split_front_matter(text)
                except ValueError:
                    continue
                if parts is None:
                    continue
                text = parts[0]
            documents.append((path.relative_to(PROJECT).as_posix(), text))
    return documents


def test_every_project_document_agrees() -> None:
    """The example repository, the scaffold and every corpus file load the same both ways."""
    documents = project_documents()
    assert len(documents) > 100
    for name, text in documents:
        try:
            agrees(text)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from exc


@SETTINGS
@given(text=YAMLISH)
def test_yaml_shaped_text_agrees(text: str) -> None:
    """YAML punctuation, anchors, tags and 1.1 scalars in any order: the same result both ways."""
    agrees(text)


@SETTINGS
@given(text=mutated(list(BASES.values())))
def test_edited_matrix_files_agree(text: str) -> None:
    """Starter matrix files with random edits: the same values, marks or problems both ways."""
    agrees(text)


@SETTINGS
@given(text=st.text(max_size=200))
def test_any_text_agrees(text: str) -> None:
    """Any text at all: the same values, marks or problems both ways."""
    agrees(text)


def test_a_file_over_the_size_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    """A file over 1 MiB is refused before it is parsed, naming its size and the limit; one
    just under is read."""
    from escmatrix.store.yamlio import MAX_FILE_BYTES, read_yaml

    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * (MAX_FILE_BYTES - 3) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        read_yaml(big, "matrix/big.yaml")
    problem = refused.value.problems[0]
    assert problem.location.file == "matrix/big.yaml"
    assert f"file is {MAX_FILE_BYTES + 1:,} bytes, over the limit of {MAX_FILE_BYTES:,}" in (
        problem.message
    )
    bigger = tmp_path / "bigger.yaml"
    bigger.write_bytes(b"a: " + b"x" * (3 * MAX_FILE_BYTES) + b"\n")
    with pytest.raises(InvalidInput) as refused:
        read_yaml(bigger, "matrix/bigger.yaml")
    assert f"file is {3 * MAX_FILE_BYTES + 4:,} bytes" in refused.value.problems[0].message
    fits = tmp_path / "fits.yaml"
    fits.write_text("a: " + "x" * (MAX_FILE_BYTES - 4) + "\n", encoding="utf-8")
    assert len(read_yaml(fits, "matrix/fits.yaml")["a"]) == MAX_FILE_BYTES - 4
