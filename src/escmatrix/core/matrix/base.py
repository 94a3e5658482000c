"""What every matrix model shares: the `Model` base (unknown keys forbidden) and the constants
more than one matrix file uses."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict

ALWAYS = "24x7"


class Model(BaseModel):
    # built on first validation: a matrix read from the local cache is never validated again
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


M = TypeVar("M", bound=Model)


def cast_file(value: Model, kind: type[M]) -> M:
    """`value` as the file model `kind` (a matrix file read under its kind's key)."""
    assert isinstance(value, kind)
    return value
