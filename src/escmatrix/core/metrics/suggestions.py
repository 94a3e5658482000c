"""Changes to the matrix that the numbers argue for, each with its evidence."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from escmatrix.core.durations import format_duration
from escmatrix.core.matrix import Matrix
from escmatrix.core.metrics.breakdowns import GroupRow, Wait
from escmatrix.core.metrics.doc import Doc
from escmatrix.core.metrics.durations import Measured
from escmatrix.core.metrics.review_lists import NONE, FrictionGroup, StaleEntry


class Suggestion(Doc):
    file: str
    change: str
    evidence: str


MIN_GROUP = 3
LOW_ATTAINMENT = 0.8
HIGH_REOPEN = 0.25
MANY_HANDOFFS = 1.5


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def suggestions(
    matrix: Matrix,
    measured: Sequence[Measured],
    rows: Sequence[GroupRow],
    bottlenecks: Sequence[Wait],
    friction: Sequence[FrictionGroup],
    stale: Sequence[StaleEntry],
    at: datetime,
) -> list[Suggestion]:
    """Changes to the matrix that the numbers argue for, each with the evidence."""
    out: list[Suggestion] = []
    by_category = {r.key: r.summary for r in rows if r.dimension == "category"}
    for category, s in sorted(by_category.items()):
        sla = {a.clock: a for a in s.sla}
        first = sla.get("first response")
        if (
            first
            and first.met + first.breached >= MIN_GROUP
            and (first.attainment or 0) < LOW_ATTAINMENT
        ):
            out.append(
                Suggestion(
                    file="matrix/categories.yaml",
                    change=f"{category}: add a backup or route it to a pool (strategy least-loaded)",
                    evidence=f"first response met on {_pct(first.attainment)} "
                    f"({first.met} of {first.met + first.breached})",
                )
            )
        if s.resolved_ever >= MIN_GROUP and (s.reopen_rate or 0) >= HIGH_REOPEN:
            out.append(
                Suggestion(
                    file=f"playbooks/ ({category})",
                    change=f"{category}: tighten the check before resolving",
                    evidence=f"{s.reopened} of {s.resolved_ever} resolved issues were reopened "
                    f"({_pct(s.reopen_rate)})",
                )
            )
        if s.issues >= MIN_GROUP and (s.handoffs_per_issue or 0) >= MANY_HANDOFFS:
            owners = Counter(m.state.owner for m in measured if m.state.category == category)
            usual, times = owners.most_common(1)[0]
            out.append(
                Suggestion(
                    file="matrix/routing.yaml",
                    change=f"{category}: route it where it ends up (most often {usual})",
                    evidence=f"{s.handoffs_per_issue:.1f} handoffs per issue over {s.issues} "
                    f"issues; {times} ended with {usual}",
                )
            )
    tier_breaches: Counter[str] = Counter()
    tier_seen: Counter[str] = Counter()
    for m in measured:
        for c in m.clocks:
            if c.name.startswith("tier "):
                tier_seen[c.name] += 1
                tier_breaches[c.name] += c.state == "breached"
    for name, n in sorted(tier_breaches.items()):
        seen = tier_seen[name]
        if n >= 2 and n / seen >= 1 - LOW_ATTAINMENT:
            tier_id = name.removeprefix("tier ").removesuffix(" response")
            out.append(
                Suggestion(
                    file="matrix/ladder.yaml",
                    change=f"tier {tier_id}: check who holds it and whether its response time "
                    "can be met",
                    evidence=f"its response clock was breached on {n} of {seen} issues",
                )
            )
    owner_waits = [w for w in bottlenecks if w.kind == "owner" and w.issues >= MIN_GROUP]
    if len(owner_waits) >= 2:
        overall = statistics.median(w.median or 0 for w in owner_waits)
        worst = max(owner_waits, key=lambda w: (w.median or 0, w.name))
        if worst.median and overall and worst.median >= 2 * overall:
            out.append(
                Suggestion(
                    file="matrix/routing.yaml",
                    change=f"spread {worst.name}'s load: a pool rule (least-loaded) or a backup",
                    evidence=f"issues wait a median {format_duration(timedelta(seconds=worst.median))}"
                    f" with {worst.name} over {worst.issues} issues, against "
                    f"{format_duration(timedelta(seconds=overall))} for owners overall",
                )
            )
    overridden = Counter((m.state.rule, o.owner) for m in measured for o in m.state.overrides)
    for (rule, owner), n in sorted(overridden.items()):
        if n >= 2:
            out.append(
                Suggestion(
                    file="matrix/routing.yaml",
                    change=f"rule {rule}: consider routing to {owner}",
                    evidence=f"{n} overrides moved issues routed by {rule} to {owner}",
                )
            )
    for group in friction:
        if len(group.notes) >= 2 and group.category != NONE:
            sample = group.notes[0].text
            out.append(
                Suggestion(
                    file="matrix/categories.yaml",
                    change=f"{group.category} at tier {group.tier}: look at the friction reported",
                    evidence=f"{len(group.notes)} friction notes, e.g. “{sample[:120]}”",
                )
            )
    if stale:
        names = ", ".join(f"{s.entry}" for s in stale[:6]) + (" …" if len(stale) > 6 else "")
        out.append(
            Suggestion(
                file="matrix/categories.yaml, matrix/people.yaml",
                change="confirm these owners, backups and contacts are still right",
                evidence=f"{len(stale)} entries unchanged for longer than the review period "
                f"({format_duration(matrix.governance.review.period)}): {names}",
            )
        )
    review = matrix.governance.review
    due = review.last_reviewed + review.period
    if due < at.date():
        out.append(
            Suggestion(
                file="matrix/governance.yaml",
                change="hold the matrix review and update review.last_reviewed",
                evidence=f"last reviewed {review.last_reviewed}, due {due}",
            )
        )
    return out
