"""Load `matrix/*.yaml` into a `Matrix`, turning every problem into file:line:column."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from escmatrix.core.errors import InvalidInput, Location, Problem
from escmatrix.core.matrix import MATRIX_FILES, OPTIONAL_FILES, Matrix, Model
from escmatrix.core.types import error_message
from escmatrix.store.matrix_key import matrix_fingerprint as matrix_fingerprint
from escmatrix.store.schema_hints import expected_shape
from escmatrix.store.yamlio import key_mark, locate, read_yaml


def matrix_path(root: Path, kind: str) -> Path:
    return root / "matrix" / f"{kind}.yaml"


def _valid_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The keys a mapping at `loc` (inside `model`) may hold, following field annotations."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = _field_by_key(current, part)
            if field is None:
                return []
            current = field
        elif get_origin(current) in (list, dict):
            current = get_args(current)[-1]
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _field_by_key(model: type[BaseModel], key: int | str) -> Any:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field.annotation
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated wrappers down to the type that matters."""
    for _ in range(5):
        args = get_args(annotation)
        origin = get_origin(annotation)
        if origin is None or origin in (list, dict):
            return annotation
        non_none = [a for a in args if a is not type(None)]
        if not non_none:
            return annotation
        annotation = non_none[0]
    return annotation


def problems_from_validation(
    exc: ValidationError, data: Any, display: str, model: type[BaseModel]
) -> list[Problem]:
    """One Problem per pydantic error, placed at its line, with what would be valid."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        path = ".".join(str(p) for p in loc) or "(top level)"
        hint: str | None = None
        if kind == "extra_forbidden":
            mark = key_mark(data, loc)
            valid = _valid_keys(model, loc[:-1])
            message = f"unknown key {loc[-1]!r}" + (
                f" at {'.'.join(map(str, loc[:-1]))}" if loc[:-1] else ""
            )
            hint = f"valid keys: {', '.join(valid)}" if valid else None
        elif kind == "missing":
            mark = locate(data, loc[:-1])
            message = f"missing required key {loc[-1]!r}" + (
                f" in {'.'.join(map(str, loc[:-1]))}" if loc[:-1] else ""
            )
        else:
            mark = locate(data, loc)
            msg = error_message(error)
            message = f"{path}: {msg}"
            hint = expected_shape(model, loc)
        line, column = mark if mark else (None, None)
        problems.append(Problem(message, Location(display, line, column), hint, rule="schema"))
    return problems


def load_matrix_files(root: Path) -> tuple[dict[str, Model], dict[str, Any], list[Problem]]:
    """Parse and validate each matrix file; problems are collected, not raised."""
    files: dict[str, Model] = {}
    raw: dict[str, Any] = {}
    problems: list[Problem] = []
    folder = root / "matrix"
    if not folder.is_dir():
        raise InvalidInput(
            [
                Problem(
                    "no matrix/ folder",
                    Location("matrix/"),
                    "run `escmatrix init` or point --repo at a repository",
                )
            ]
        )
    for path in sorted(folder.glob("*.y*ml")):
        if path.stem not in MATRIX_FILES:
            problems.append(
                Problem(
                    f"unexpected matrix file {path.name!r}",
                    Location(f"matrix/{path.name}", 1, 1),
                    f"matrix files are: {', '.join(k + '.yaml' for k in MATRIX_FILES)}",
                    rule="unknown-file",
                )
            )
    for kind, model in MATRIX_FILES.items():
        path = matrix_path(root, kind)
        display = f"matrix/{kind}.yaml"
        if not path.exists():
            if kind in OPTIONAL_FILES:
                continue
            problems.append(
                Problem(
                    f"missing matrix file {display}",
                    Location(display),
                    "run `escmatrix init` to see a starter file",
                    rule="missing-file",
                )
            )
            continue
        try:
            data = read_yaml(path, display)
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        if data is None:
            data = {}
        if not isinstance(data, dict):
            problems.append(
                Problem(
                    f"expected a mapping at the top of {display}",
                    Location(display, 1, 1),
                    f"valid top-level keys: {', '.join(model.model_fields)}",
                )
            )
            continue
        raw[kind] = data
        try:
            files[kind] = model.model_validate(data)
        except ValidationError as exc:
            problems.extend(problems_from_validation(exc, data, display, model))
    return files, raw, problems


def load_matrix(root: Path) -> Matrix:
    """The validated matrix, or InvalidInput listing every problem with file:line:column."""
    files, raw, problems = load_matrix_files(root)
    if problems:
        raise InvalidInput(problems, summary="the matrix is invalid")
    matrix = Matrix.assemble(files)
    dangling = matrix.dangling()
    if dangling:
        problems = []
        for d in dangling:
            display = f"matrix/{d.kind}.yaml"
            mark = locate(raw.get(d.kind), d.loc)
            line, column = mark if mark else (None, None)
            problems.append(
                Problem(d.message, Location(display, line, column), d.hint, rule=d.rule)
            )
        raise InvalidInput(problems, summary="the matrix is invalid")
    return matrix
