"""`Doc`, the base of every piece of the report: plain data, serialised as is to JSON.

msgspec Structs, not pydantic models: a report makes thousands of rows, and a Struct is made
without validating its values again (the code that computes them is typed) at a tenth of the
cost; `msgspec.to_builtins` gives the JSON, `msgspec.json.schema` its schema.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

Instant = Annotated[datetime, msgspec.Meta(tz=True)]  # a time with its offset: "date-time"


class Doc(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A piece of the report: plain data, serialised as is to JSON (durations in seconds)."""
