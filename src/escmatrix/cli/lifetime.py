"""What a one-shot command keeps until the process ends, and never frees.

A report is made from every issue's record or events and measurement: ~300,000 objects at 10,000
issues, which reference counting would free one by one as soon as the report is made (~20 ms).
Held here instead, they sit in a reference cycle that only the collector could break: `main`
turns the collector off and freezes what is left before the interpreter exits, so the exit skips
them too, and the operating system takes the memory back at once.

Only for a command that runs once per process: a loop (`dashboard --watch`) would keep every
round's.
"""

from __future__ import annotations

_KEPT: list[object] = []
_KEPT.append(_KEPT)  # the cycle: nothing but the (frozen) collector could free it


def keep_until_exit(value: object) -> None:
    """Hold `value` until the process ends."""
    _KEPT.append(value)


def kept() -> int:
    """How many values are held (for tests)."""
    return len(_KEPT) - 1
