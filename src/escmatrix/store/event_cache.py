"""How `events.pickle` is written: every issue's parsed events, with UTC times sharing one tzinfo.

Times parsed from event files each carry their own UTC tzinfo object (pydantic's `TzInfo(0)`), so
comparing or subtracting two of them calls back into both tzinfos, and unpickling rebuilds one
tzinfo per time. Written with `datetime.UTC` instead (the same instant, printed the same way), they
compare and subtract in C and load faster; the metrics do tens of thousands of such operations.
"""

from __future__ import annotations

import os
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Bumped when the way events are written changes; a file of another format is re-saved.
FORMAT = 2
ZERO = timedelta(0)


class _UtcPickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is datetime:
            zone = obj.tzinfo
            if zone is not None and zone is not UTC and obj.utcoffset() == ZERO:
                return obj.replace(tzinfo=UTC).__reduce_ex__(pickle.HIGHEST_PROTOCOL)
        return NotImplemented


def save_events(path: Path, value: Any) -> None:
    """Pickle `value` to `path` atomically, UTC times written with `datetime.UTC`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        _UtcPickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    os.replace(tmp, path)
