"""`cli.lifetime`: what a one-shot command keeps is held to the end of the process."""

from __future__ import annotations

import gc
import weakref

from escmatrix.cli.lifetime import keep_until_exit, kept


class _Made:
    """Something a report is made from."""


def test_a_value_kept_until_exit_outlives_every_reference_and_a_collection() -> None:
    made = _Made()
    gone = weakref.ref(made)
    before = kept()
    keep_until_exit(made)
    del made
    gc.collect()
    assert gone() is not None
    assert kept() == before + 1
