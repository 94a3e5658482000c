"""Property-based tests over the loaders: any text or bytes either loads or raises our error type
(`EscmatrixError`, as `InvalidInput` with problems naming the file), never anything else."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escmatrix.app.validation import check_repository
from escmatrix.core import events as ev
from escmatrix.core.errors import EscmatrixError, InvalidInput
from escmatrix.core.event_models import EventBase
from escmatrix.core.events import EVENT_KINDS, event_to_data
from escmatrix.core.matrix import MATRIX_FILES, Matrix
from escmatrix.store.issues import HEADER, EventFile, IssueStore
from escmatrix.store.matrix_loader import load_matrix
from escmatrix.store.yamlio import dump_yaml, parse_yaml, read_yaml
from tests.test_properties_fold import EXAMPLES

SCAFFOLD = Path(__file__).resolve().parent.parent / "src" / "escmatrix" / "scaffold" / "matrix"
BASES = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SCAFFOLD.glob("*.yaml"))}
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Loading a whole matrix (nine files, pydantic, lints) per example costs ~50 ms: fewer examples.
MATRIX_SETTINGS = settings(SETTINGS, max_examples=100)

# Pieces of YAML that change meaning: structure, anchors, tags, YAML 1.1 scalars, bad characters.
# fmt: off
SNIPPETS = [
    ": ", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "&b [*b]", "!!str ", "!!binary ", "!!set ",
    "!!python/name:os.system ", "!!timestamp ", "<<: *a", "? ", "no", "on", "yes", "~", "null",
    "1:30", "0777", "0x1f", ".inf", "-.inf", ".nan", "2026-01-01", "2026-01-01 09:00:00", "1e3",
    "true", "\t", "\n", "\r\n", "\r", "'", '"', "#", "|", ">", "|-", "%YAML 1.1\n", "---\n", "...",
    "@", "`", "\x00", "\x1b[31m", "\x85", "\u2028", "\ufeff", "é", "\\", "\\x", "\\u12",
    "[red]x[/red]", "../", "C:\\x", "  ", "    ", "- - - ", "{a: {b: {c: ", "[[[[", "]]]]",
    "id: x\n", "people:\n", "  - id: zed\n",
]
# fmt: on


def problems_name(exc: EscmatrixError, display: str) -> None:
    """Our error, and when it is InvalidInput every problem names a file (this one, for syntax)."""
    assert isinstance(exc, EscmatrixError)
    assert exc.exit_code == 1
    if isinstance(exc, InvalidInput):
        assert exc.problems
        for problem in exc.problems:
            assert problem.location is not None and problem.location.file, problem
        assert any(p.location and p.location.file == display for p in exc.problems), exc.problems


@st.composite
def mutated(draw: st.DrawFn, bases: list[str]) -> str:
    """A valid file with a few edits: snippets inserted, spans deleted, lines duplicated or swapped."""
    text = draw(st.sampled_from(bases))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "duplicate", "swap", "replace-value"]))
        lines = text.split("\n")
        if op == "insert":
            at = draw(st.integers(0, len(text)))
            piece = draw(st.sampled_from(SNIPPETS) | st.text(max_size=6))
            text = text[:at] + piece + text[at:]
        elif op == "delete" and text:
            at = draw(st.integers(0, len(text) - 1))
            text = text[:at] + text[at + draw(st.integers(1, 8)) :]
        elif op == "duplicate":
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "\n".join(lines)
        elif op == "swap":
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        else:
            i = draw(st.integers(0, len(lines) - 1))
            if ": " in lines[i]:
                key = lines[i].split(": ", 1)[0]
                value = draw(st.sampled_from(SNIPPETS) | st.text(max_size=10))
                lines[i] = f"{key}: {value}"
            text = "\n".join(lines)
    return text


YAMLISH = st.lists(
    st.sampled_from(list("[]{}:,-&*!|>'\"#%?@` \n\tab01.~") + SNIPPETS), max_size=40
).map("".join)


# -- parse_yaml and read_yaml -------------------------------------------------------------------


@SETTINGS
@given(text=st.text())
def test_parse_yaml_any_text(text: str) -> None:
    """Any text parses or raises InvalidInput naming the file."""
    try:
        parse_yaml(text, "any.yaml")
    except EscmatrixError as exc:
        problems_name(exc, "any.yaml")


@SETTINGS
@given(text=YAMLISH)
def test_parse_yaml_yaml_shaped_text(text: str) -> None:
    """Text built from YAML's own punctuation, anchors, tags and 1.1 scalars parses or is refused."""
    try:
        parse_yaml(text, "shaped.yaml")
    except EscmatrixError as exc:
        problems_name(exc, "shaped.yaml")


@SETTINGS
@given(text=mutated(list(BASES.values())))
def test_parse_yaml_mutated_matrix_files(text: str) -> None:
    """A starter matrix file with random edits parses or is refused."""
    try:
        parse_yaml(text, "edited.yaml")
    except EscmatrixError as exc:
        problems_name(exc, "edited.yaml")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


@SETTINGS
@given(
    data=st.binary(max_size=2000)
    | st.builds(
        bytes.__add__, st.sampled_from([t.encode() for t in BASES.values()]), st.binary(max_size=50)
    )
)
def test_read_yaml_any_bytes(scratch: Path, data: bytes) -> None:
    """Any bytes in a file (not UTF-8, binary, NUL, BOMs) load or raise InvalidInput."""
    path = scratch / "bytes.yaml"
    path.write_bytes(data)
    try:
        read_yaml(path, "matrix/bytes.yaml")
    except EscmatrixError as exc:
        problems_name(exc, "matrix/bytes.yaml")


@SETTINGS
@given(
    text=mutated(list(BASES.values())),
    encoding=st.sampled_from(
        ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32", "latin-1", "cp1252"]
    ),
)
def test_read_yaml_other_encodings(scratch: Path, text: str, encoding: str) -> None:
    """An edited matrix file saved in another encoding loads (UTF-8) or is refused."""
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode(encoding, "replace")
    path = scratch / "encoded.yaml"
    path.write_bytes(data)
    try:
        read_yaml(path, "matrix/encoded.yaml")
    except EscmatrixError as exc:
        problems_name(exc, "matrix/encoded.yaml")


# -- the matrix loader --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A repository folder holding the starter matrix; tests overwrite one file per example."""
    root = tmp_path_factory.mktemp("matrix-root")
    shutil.copytree(SCAFFOLD, root / "matrix")
    (root / "issues").mkdir()
    yield root


def restore(root: Path) -> None:
    for kind, text in BASES.items():
        (root / "matrix" / f"{kind}.yaml").write_text(text, encoding="utf-8")
    for extra in (root / "matrix").glob("accounts.yaml"):
        extra.unlink()


def load_or_refuse(root: Path, display: str) -> None:
    """load_matrix gives a Matrix or InvalidInput; check_repository never raises for bad input."""
    try:
        assert isinstance(load_matrix(root), Matrix)
    except EscmatrixError as exc:
        assert isinstance(exc, InvalidInput)
        assert all(p.location is not None for p in exc.problems)
    _, problems = check_repository(root, now=datetime(2026, 3, 2, tzinfo=UTC))
    for problem in problems:
        assert problem.location is not None, problem


KINDS = sorted(BASES)


@MATRIX_SETTINGS
@given(kind=st.sampled_from(KINDS), data=st.data())
def test_matrix_loader_mutated_file(matrix_root: Path, kind: str, data: st.DataObject) -> None:
    """One starter matrix file with random edits: a Matrix, or InvalidInput; never another error."""
    restore(matrix_root)
    text = data.draw(mutated([BASES[kind]]))
    (matrix_root / "matrix" / f"{kind}.yaml").write_text(
        text, encoding="utf-8", errors="surrogatepass"
    )
    load_or_refuse(matrix_root, f"matrix/{kind}.yaml")


def field_names() -> list[str]:
    """Every key any matrix model knows, so generated mappings reach deep into the schema."""
    names: set[str] = set()
    seen: set[object] = set()

    def walk(annotation: Any) -> None:
        if annotation in seen:
            return
        seen.add(annotation)
        for arg in get_args(annotation):
            walk(arg)
        fields = getattr(annotation, "model_fields", None)
        if isinstance(annotation, type) and fields:
            for name, field in fields.items():
                names.add(field.alias or name)
                walk(field.annotation)

    for model in MATRIX_FILES.values():
        walk(model)
    return sorted(names)


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.dates(min_value=date(1, 1, 1))
    | st.sampled_from(
        [
            "alex",
            "sam",
            "support",
            "frontline",
            "sev1",
            "30m",
            "1h30m",
            "0m",
            "UTC",
            "Europe/London",
            "09:00-17:00",
            "mon",
            "a@b",
            "",
            "../x",
            "[red]x[/red]",
            "\x1b[31m",
            "product-defect",
            "primary",
            "office",
            "GB",
            "slack",
            "email",
            "owner",
            "lead",
        ]
    )
    | st.text(max_size=12)
)
KEYS = st.sampled_from(field_names()) | st.text(max_size=6)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=30,
)


@MATRIX_SETTINGS
@given(kind=st.sampled_from(KINDS), value=st.dictionaries(KEYS, VALUES, max_size=5))
def test_matrix_loader_generated_documents(
    matrix_root: Path, kind: str, value: dict[str, Any]
) -> None:
    """Documents made of the schema's own keys with values of every YAML type load or are refused."""
    restore(matrix_root)
    text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
    (matrix_root / "matrix" / f"{kind}.yaml").write_text(text, encoding="utf-8")
    load_or_refuse(matrix_root, f"matrix/{kind}.yaml")


@MATRIX_SETTINGS
@given(kind=st.sampled_from(KINDS), data=st.data())
def test_matrix_loader_items_with_wrong_values(
    matrix_root: Path, kind: str, data: st.DataObject
) -> None:
    """The starter file with one value somewhere replaced by a generated one loads or is refused."""
    restore(matrix_root)
    document = yaml.safe_load(BASES[kind])

    def paths(node: Any, prefix: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        found = [prefix]
        if isinstance(node, dict):
            for key, child in node.items():
                found += paths(child, (*prefix, key))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                found += paths(child, (*prefix, index))
        return found

    where = data.draw(st.sampled_from(paths(document, ())[1:]))
    parent = document
    for part in where[:-1]:
        parent = parent[part]
    parent[where[-1]] = data.draw(VALUES)
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    (matrix_root / "matrix" / f"{kind}.yaml").write_text(text, encoding="utf-8")
    load_or_refuse(matrix_root, f"matrix/{kind}.yaml")


# -- the event loader ---------------------------------------------------------------------------

EVENT_FIELDS = sorted({name for kind in EventBase.__subclasses__() for name in kind.model_fields})
EVENT_VALUES = (
    SCALARS
    | st.sampled_from(
        ["2026-03-02T09:30:00Z", "2026-03-02T09:30:00", "2026-03-02", "1:30", "customer", "at-risk"]
    )
    | st.datetimes(timezones=st.none() | st.timezones())
)


def event_file(root: Path, kind: str) -> EventFile:
    folder = root / "issues" / "26c0000aa"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    return EventFile(folder / f"000001-aaaaaa-{kind}.yaml", 1, "aaaaaa", kind)


def read_or_refuse(root: Path, file: EventFile) -> None:
    store = IssueStore(root)
    display = store.display(file.path)
    try:
        event = store.read_event(file)
    except EscmatrixError as exc:
        problems_name(exc, display)
    else:
        assert isinstance(event, ev.EventBase)
        assert getattr(event, "event", None) == file.kind


@SETTINGS
@given(
    kind=st.sampled_from(EVENT_KINDS),
    data=st.binary(max_size=600) | YAMLISH.map(lambda t: t.encode("utf-8", "surrogatepass")),
)
def test_event_loader_any_bytes(scratch: Path, kind: str, data: bytes) -> None:
    """Any bytes in an event file: an event of the kind its name says, or InvalidInput."""
    file = event_file(scratch, kind)
    file.path.write_bytes(data)
    read_or_refuse(scratch, file)


@SETTINGS
@given(
    kind=st.sampled_from(EVENT_KINDS),
    said=st.sampled_from([*EVENT_KINDS, "deleted", "", "Opened"]),
    fields=st.dictionaries(
        st.sampled_from(EVENT_FIELDS) | st.text(max_size=5), EVENT_VALUES, max_size=12
    ),
)
def test_event_loader_generated_events(
    scratch: Path, kind: str, said: str, fields: dict[str, Any]
) -> None:
    """Event-shaped documents with every field and wrong-typed values: an event or InvalidInput."""
    file = event_file(scratch, kind)
    document = {"event": said, **fields}
    file.path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    read_or_refuse(scratch, file)


@SETTINGS
@given(kind=st.sampled_from(EVENT_KINDS), data=st.data())
def test_event_loader_mutated_events(scratch: Path, kind: str, data: st.DataObject) -> None:
    """A valid event file (as escmatrix writes it) with random edits: an event or InvalidInput."""
    base = VALID_EVENTS[kind]
    text = data.draw(mutated([base]))
    file = event_file(scratch, kind)
    file.path.write_bytes(text.encode("utf-8", "surrogatepass"))
    read_or_refuse(scratch, file)


def _valid_events() -> dict[str, str]:
    """One valid event file of every kind, exactly as the store writes it."""
    return {kind: HEADER + dump_yaml(event_to_data(event)) for kind, event in EXAMPLES.items()}


VALID_EVENTS = _valid_events()
