"""What pool routing needs of the issues: open work per owner, routes per rule, resolved work."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from escmatrix.core.issue import IssueState
from escmatrix.core.metrics.durations import time_to_resolution
from escmatrix.core.routing import ResolvedWork, RoutingLoad


def routing_load(states: Iterable[IssueState], at: datetime) -> RoutingLoad:
    """What pool routing needs to know, from the issues as they stand at `at`."""
    open_owned: Counter[str] = Counter()
    routed: Counter[str] = Counter()
    resolved: list[ResolvedWork] = []
    for s in states:
        if s.opened_at > at:
            continue
        routed[s.rule] += 1
        if s.is_active:
            open_owned[s.owner] += 1
            continue
        end = s.resolved_at or s.closed_at
        duration = time_to_resolution(s, at)
        if end is not None and duration is not None:
            resolved.append(ResolvedWork(s.owner, s.category, end, duration))
    return RoutingLoad(
        open_owned=dict(open_owned), routed_by_rule=dict(routed), resolved=tuple(resolved)
    )
