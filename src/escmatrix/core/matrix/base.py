"""What every matrix model shares: the `Model` base (unknown keys forbidden) and the constants
more than one matrix file uses."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from escmatrix.core.calendar import ALWAYS as ALWAYS


class Model(BaseModel):
    # built on first validation: a matrix read from the local cache is never validated again
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


M = TypeVar("M", bound=Model)


def cast_file(value: Model, kind: type[M]) -> M:
    """`value` as the file model `kind` (a matrix file read under its kind's key)."""
    assert isinstance(value, kind)
    return value


def default_model(kind: type[Model]) -> Any:
    """A field defaulting to `kind()`, made when a file leaves it out rather than at import (an
    instance made at import builds the model's validator and loads pydantic's plugins, ~10 ms on
    every command); JSON Schema still shows the default."""

    def show_default(schema: dict[str, Any]) -> None:
        schema["default"] = kind().model_dump(mode="json")

    return Field(default_factory=kind, json_schema_extra=show_default)
