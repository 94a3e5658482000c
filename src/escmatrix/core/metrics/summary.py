"""Statistics over measured issues: percentiles, SLA attainment, satisfaction, the `Summary`."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta

from escmatrix.core.metrics.doc import Doc
from escmatrix.core.metrics.durations import Facts, Measured


def nearest_rank(sorted_values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the value at rank ceil(share * n), 1-based."""
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


class DurationStats(Doc):
    """A distribution of durations, in seconds."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None
    max: float | None


def duration_stats(values: Iterable[timedelta]) -> DurationStats:
    return seconds_stats(sorted(v.total_seconds() for v in values))


def seconds_stats(seconds: Sequence[float]) -> DurationStats:
    """The stats of durations given in seconds, in ascending order."""
    if not seconds:
        return DurationStats(count=0, mean=None, median=None, p90=None, max=None)
    return DurationStats(
        count=len(seconds),
        mean=statistics.fmean(seconds),
        median=float(statistics.median(seconds)),
        p90=nearest_rank(seconds, 0.9),
        max=seconds[-1],
    )


class ClockAttainment(Doc):
    clock: str
    met: int
    breached: int
    pending: int
    attainment: float | None


class SatisfactionStats(Doc):
    """Scores 1-5 from customers (or partners) on issues closed at the evaluation time."""

    eligible: int
    scored: int
    response_rate: float | None
    mean: float | None
    median: float | None
    distribution: dict[str, int]


class Summary(Doc):
    """The headline numbers of a set of issues."""

    issues: int
    open: int
    resolved: int
    unacknowledged: int
    time_to_aid: DurationStats
    time_to_resolution: DurationStats
    open_age: DurationStats
    escalations: int
    escalations_per_issue: float | None
    handoffs: int
    handoffs_per_issue: float | None
    resolved_ever: int
    reopened: int
    reopen_rate: float | None
    overrides: int
    overrides_reconciled: int
    overrides_unreconciled: int
    breached_issues: int
    sla: list[ClockAttainment]
    customer_satisfaction: SatisfactionStats
    partner_satisfaction: SatisfactionStats


def ratio(part: int | float, whole: int | float) -> float | None:
    return part / whole if whole else None


def _attainment(tally: Mapping[str, Sequence[int]]) -> list[ClockAttainment]:
    """From clock name -> [met, breached, pending]."""
    order = {"first response": 0, "next update": 1, "resolution": 2}
    return [
        ClockAttainment(
            clock=name,
            met=met,
            breached=missed,
            pending=pending,
            attainment=ratio(met, met + missed),
        )
        for name, (met, missed, pending) in sorted(
            tally.items(), key=lambda kv: (order.get(kv[0], 3), kv[0])
        )
    ]


def _satisfaction(answers: Sequence[tuple[bool, int | None]]) -> SatisfactionStats:
    """From (has the account, its score) per closed issue."""
    scores = [score for _, score in answers if score is not None]
    eligible = sum(1 for account, score in answers if account or score is not None)
    counts = Counter(scores)
    return SatisfactionStats(
        eligible=eligible,
        scored=len(scores),
        response_rate=ratio(len(scores), eligible),
        mean=statistics.fmean(scores) if scores else None,
        median=float(statistics.median(scores)) if scores else None,
        distribution={str(n): counts.get(n, 0) for n in range(1, 6)},
    )


def breached(m: Measured) -> bool:
    return m.breached


def summarize(measured: Sequence[Measured]) -> Summary:
    """Headline numbers over `measured` (see the package docstring for each definition).

    The facts are taken a column at a time (`zip(*facts)`), so the sums and filters run in C:
    `groups` summarises every issue once per dimension."""
    count = len(measured)
    facts = [m.facts for m in measured]
    columns = list(zip(*facts, strict=True)) or [()] * len(Facts._fields)
    (
        escalations,
        handoffs,
        aids,
        resolutions,
        ages,
        closed,
        ever_resolved,
        reopens,
        overridden,
        reconciled,
        breaches,
        outcomes,
        customer,
        partner,
    ) = columns
    aid: list[float] = sorted(t for t in aids if t is not None)
    ttr: list[float] = sorted(t for t in resolutions if t is not None)
    open_ages: list[float] = sorted(t for t in ages if t is not None)
    # scored on issues closed at the evaluation time (not open again)
    scored = [
        (by_customer, by_partner)
        for age, shut, by_customer, by_partner in zip(ages, closed, customer, partner, strict=True)
        if age is None and shut
    ]
    customers = [answer for answer, _ in scored]
    partners = [answer for _, answer in scored]
    tally: dict[str, list[int]] = {}  # clock name -> [met, breached, pending]
    for clocks, times in Counter(outcomes).items():  # few issues' clocks differ: count those
        for name, outcome in clocks:
            tally.setdefault(name, [0, 0, 0])[outcome] += times
    resolved_ever = sum(ever_resolved)
    reopened = sum(again for ever, again in zip(ever_resolved, reopens, strict=True) if ever)
    overrides, reconciled_total = sum(overridden), sum(reconciled)
    escalations_total, handoffs_total, missed = sum(escalations), sum(handoffs), sum(breaches)
    return Summary(
        issues=count,
        open=len(open_ages),
        resolved=count - len(open_ages),
        unacknowledged=count - len(aid),
        time_to_aid=seconds_stats(aid),
        time_to_resolution=seconds_stats(ttr),
        open_age=seconds_stats(open_ages),
        escalations=escalations_total,
        escalations_per_issue=ratio(escalations_total, count),
        handoffs=handoffs_total,
        handoffs_per_issue=ratio(handoffs_total, count),
        resolved_ever=resolved_ever,
        reopened=reopened,
        reopen_rate=ratio(reopened, resolved_ever),
        overrides=overrides,
        overrides_reconciled=reconciled_total,
        overrides_unreconciled=overrides - reconciled_total,
        breached_issues=missed,
        sla=_attainment(tally),
        customer_satisfaction=_satisfaction(customers),
        partner_satisfaction=_satisfaction(partners),
    )
