"""What a matrix field expects, in words, for the hint under a schema error: `people.5.out_of_office:
Input should be a valid list` says what shape would be right (from the model's annotations and
field descriptions)."""

from __future__ import annotations

import types
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

_SCALARS: dict[Any, str] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    date: "a date such as 2026-12-24",
    datetime: "a time such as 2026-12-24T09:30:00Z",
    timedelta: "a duration such as 30m, 4h, 1h30m or 2d",
}


def _strip(annotation: Any) -> tuple[Any, bool]:
    """The annotation without Annotated/Optional, and whether None is allowed."""
    optional = False
    for _ in range(6):
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(get_args(annotation))
            if len(args) != 1:
                return annotation, optional
            annotation = args[0]
        else:
            break
    return annotation, optional


def describe(annotation: Any, depth: int = 0) -> str:
    """An annotation in words: 'a list of mappings with keys from, until (required) and note'."""
    annotation, _ = _strip(annotation)
    origin = get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(annotation))
    if origin in (Union, types.UnionType):
        return " or ".join(describe(a, depth + 1) for a in get_args(annotation))
    if origin is list:
        inner = describe(get_args(annotation)[0], depth + 1) if depth < 2 else "items"
        if inner.startswith(("a mapping", "a list")):
            inner = inner.replace("a mapping", "mappings", 1).replace("a list", "lists", 1)
        return f"a list of {inner.removeprefix('an ').removeprefix('a ')}"
    if origin is dict:
        key, value = get_args(annotation)
        return f"a mapping of {describe(key, depth + 1)} to {describe(value, depth + 1)}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = annotation.model_fields
        required = [f.alias or n for n, f in fields.items() if f.is_required()]
        others = [f.alias or n for n, f in fields.items() if not f.is_required()]
        keys = ", ".join(required) + (" (required)" if required else "")
        if others:
            keys += ("; optional: " if required else "") + ", ".join(others)
        return f"a mapping with keys {keys}"
    return _SCALARS.get(annotation, getattr(annotation, "__name__", str(annotation)))


def expected_shape(model: type[BaseModel], loc: tuple[int | str, ...]) -> str | None:
    """'out_of_office: a list of mappings with keys from, until (required); optional: note — a
    stretch out of office …' for the value at `loc`, or None when `loc` leads nowhere known."""
    current: Any = model
    field: FieldInfo | None = None
    name = ""
    for part in loc:
        current, _ = _strip(current)
        origin = get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            found = next(
                ((n, f) for n, f in current.model_fields.items() if part in (n, f.alias)), None
            )
            if found is None:
                return None
            name, field = found[0] if found[1].alias is None else str(found[1].alias), found[1]
            current = field.annotation
        elif origin is list and isinstance(part, int):
            current = get_args(current)[0]
            field = None
        elif origin is dict and isinstance(part, str):
            current = get_args(current)[1]
            field = None
        else:
            return None
    shape = describe(current)
    detail = field.description if field is not None else None
    if detail is None:
        inner, _ = _strip(current)
        if get_origin(inner) is list:
            inner, _ = _strip(get_args(inner)[0])
        if isinstance(inner, type) and issubclass(inner, BaseModel) and inner.__doc__:
            detail = inner.__doc__.strip().splitlines()[0]
    where = f"{name}: " if name and field is not None else ""
    return f"{where}expected {shape}" + (f" — {detail}" if detail else "")
