"""Folding many issues at once for the cache, on every core: a cache built from nothing (a fresh
clone, a deleted cache, a pull of thousands of issues) reads and validates every event file, and
that work splits cleanly by issue folder.

Workers are forked from this process, so they share its loaded code and the caller's fold
without pickling it; each returns plain rows. Anything a worker could not fold (a broken event
file) is folded again here, one by one, so the error a user sees is the one `--no-cache` gives.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from escmatrix.core.summary import IssueSummary
from escmatrix.store import state_codec

if TYPE_CHECKING:
    from escmatrix.core.issue import IssueState

# Below this many folders a pool costs more (forking, sending rows back) than it saves.
PARALLEL_FROM = 400
KEPT_FIRST = 64  # up to this many folders to refold, a state kept for one is tried first (~0.5 ms)
Folded = tuple[tuple[Any, ...], tuple[int, bytes] | None]  # summary row; encoded state if active

_fold: Callable[[str], IssueState] | None = None  # the caller's fold, inherited by forked workers
_compact: Callable[[IssueSummary], tuple[Any, ...]] | None = None


def workers() -> int:
    """Cores this process may use (at most 8)."""
    try:
        return min(len(os.sched_getaffinity(0)), 8)
    except (AttributeError, OSError):
        return min(os.cpu_count() or 1, 8)


def fold_one(
    issue_id: str,
    fold_issue: Callable[[str], IssueState],
    compact: Callable[[IssueSummary], tuple[Any, ...]],
) -> Folded:
    """The summary row of one issue and, when it is active, its state encoded for the cache."""
    state = fold_issue(issue_id)
    return compact(IssueSummary.of(state)), state_codec.encode(state) if state.is_active else None


def _fold_chunk(issue_ids: list[str]) -> list[tuple[str, Folded | None]]:
    assert _fold is not None and _compact is not None
    out: list[tuple[str, Folded | None]] = []
    for issue_id in issue_ids:
        try:
            out.append((issue_id, fold_one(issue_id, _fold, _compact)))
        except Exception:  # folded again by the caller, which reports it properly
            out.append((issue_id, None))
    return out


def fold_many(
    issue_ids: list[str],
    fold_issue: Callable[[str], IssueState],
    compact: Callable[[IssueSummary], tuple[Any, ...]],
    kept: Callable[[str], IssueState | None] | None = None,
) -> dict[str, Folded]:
    """`fold_one` of every id: on every core when there are many and this process can fork
    safely (no other thread running), else one by one. Errors are raised as the fold raises them.

    `kept` gives the state kept for an issue while its folder holds it (else None): tried first
    when only a few folders changed (our own commit, a small pull)."""
    done: dict[str, Folded] = {}
    if kept is not None and len(issue_ids) <= KEPT_FIRST:
        fold_issue = partial(_kept_or_folded, kept, fold_issue)
    jobs = workers()
    if len(issue_ids) >= PARALLEL_FROM and jobs > 1 and threading.active_count() == 1:
        done = _in_pool(issue_ids, fold_issue, compact, jobs)
    for issue_id in issue_ids:
        if issue_id not in done:
            done[issue_id] = fold_one(issue_id, fold_issue, compact)
    return done


def _kept_or_folded(
    kept: Callable[[str], IssueState | None], fold_issue: Callable[[str], IssueState], issue_id: str
) -> IssueState:
    state = kept(issue_id)
    return state if state is not None else fold_issue(issue_id)


def _in_pool(
    issue_ids: list[str],
    fold_issue: Callable[[str], IssueState],
    compact: Callable[[IssueSummary], tuple[Any, ...]],
    jobs: int,
) -> dict[str, Folded]:
    import multiprocessing

    global _fold, _compact  # handed to the forked workers, not pickled
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: one by one
        return {}
    size = max(50, len(issue_ids) // (jobs * 8))
    chunks = [issue_ids[i : i + size] for i in range(0, len(issue_ids), size)]
    sys.stdout.flush()  # a forked worker must not write out what this process buffered
    sys.stderr.flush()
    _fold, _compact = fold_issue, compact
    done: dict[str, Folded] = {}
    try:
        with context.Pool(jobs) as pool:
            for results in pool.imap_unordered(_fold_chunk, chunks):
                for issue_id, folded in results:
                    if folded is not None:  # strings interned again here: pickle shares them
                        done[issue_id] = (compact(IssueSummary._make(folded[0])), folded[1])
    except Exception:  # a worker that died (memory, a signal): the rest one by one
        pass
    finally:
        _fold = _compact = None
    return done
