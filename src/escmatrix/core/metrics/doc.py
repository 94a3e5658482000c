"""`Doc`, the base of every piece of the report: frozen plain data, serialised as is to JSON."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Doc(BaseModel):
    """A piece of the report: plain data, serialised as is to JSON (durations in seconds)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
