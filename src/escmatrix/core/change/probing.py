"""What-if: route probe issues under the matrix before and after a change, and say in words
how the ones that move change (severity, rule, owner, tier, targets)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import product

from escmatrix.core.change.words import human_duration, person_name, tier_name
from escmatrix.core.errors import EscmatrixError
from escmatrix.core.matrix import Matrix
from escmatrix.core.routing import IssueFacts, route

MAX_IMPACT_PROBES = 200


@dataclass(frozen=True)
class Probe:
    """An issue to route under both matrices."""

    label: str
    facts: IssueFacts
    source: str  # "category x severity", "impact score", "issue", "rule order"


@dataclass(frozen=True)
class Outcome:
    """Where a probe goes under one matrix, or why it cannot be routed."""

    severity: str | None = None
    rule: str | None = None
    owner: str | None = None
    tier: str | None = None
    engaged: str | None = None
    first_response: timedelta | None = None
    update_every: timedelta | None = None
    resolution: timedelta | None = None
    error: str | None = None


@dataclass(frozen=True)
class ProbeEffect:
    """A probe whose routing differs between the two matrices, with each difference in words."""

    probe: Probe
    before: Outcome
    after: Outcome
    changes: tuple[str, ...]


def probes(before: Matrix, after: Matrix, issues: Sequence[tuple[str, IssueFacts]]) -> list[Probe]:
    """One per category and severity, one per reachable impact score, and the given issues."""
    out: list[Probe] = []
    categories = {**before.categories, **after.categories}
    severities = {**before.severities, **after.severities}
    for cat, sev in product(categories.values(), severities.values()):
        out.append(
            Probe(
                f"{cat.name} × {sev.id} ({sev.name})",
                IssueFacts(cat.id, sev.id),
                "category × severity",
            )
        )
    first = next(iter(after.categories), None)
    if first is not None:
        for score, impact in _impacts(after)[:MAX_IMPACT_PROBES]:
            shown = ", ".join(f"{d}={lvl}" for d, lvl in impact.items()) or "no impact given"
            out.append(
                Probe(
                    f"impact score {score} ({shown})",
                    IssueFacts(first, None, impact),
                    "impact score",
                )
            )
    out += [Probe(label, facts, "issue") for label, facts in issues]
    return out


def _impacts(m: Matrix) -> list[tuple[int, dict[str, str]]]:
    """One impact (dimension → level) for each reachable score, lowest first."""
    found: dict[int, dict[str, str]] = {0: {}}
    for dim in m.dimensions.values():
        grown = dict(found)
        for score, impact in found.items():
            for level, value in dim.levels.items():
                grown.setdefault(score + dim.weight * value, {**impact, dim.id: level})
        found = grown
        if len(found) > 10 * MAX_IMPACT_PROBES:
            break
    return sorted((s, i) for s, i in found.items() if i)


def route_outcome(m: Matrix, facts: IssueFacts, at: datetime) -> Outcome:
    """Where an issue with `facts` goes under `m` at `at`, or why it cannot be routed."""
    try:
        d = route(m, facts, at)
    except EscmatrixError as exc:
        return Outcome(error=exc.message)
    t = d.targets
    return Outcome(
        d.severity.severity,
        d.rule,
        d.owner,
        d.tier,
        d.engaged,
        t.first_response,
        t.update_every,
        t.resolution,
    )


def what_if(
    before: Matrix, after: Matrix, cases: Sequence[Probe], at: datetime
) -> list[ProbeEffect]:
    """The probes whose routing changes, each with what changes in words."""
    effects = []
    for probe in cases:
        was, now = route_outcome(before, probe.facts, at), route_outcome(after, probe.facts, at)
        if was != now:
            effects.append(
                ProbeEffect(probe, was, now, tuple(_differences(before, after, was, now)))
            )
    return effects


def _differences(before: Matrix, after: Matrix, was: Outcome, now: Outcome) -> Iterator[str]:
    if was.error or now.error:
        if now.error and not was.error:
            yield f"can no longer be routed: {now.error}"
        elif was.error and not now.error:
            yield f"can now be routed (before: {was.error})"
        else:
            yield f"still cannot be routed: {now.error}"
        return
    people = {"owner", "engaged"}
    for key, label in (
        ("severity", "severity"),
        ("rule", "rule"),
        ("owner", "owner"),
        ("tier", "tier"),
        ("engaged", "engaged"),
        ("first_response", "first response"),
        ("update_every", "update cadence"),
        ("resolution", "resolution"),
    ):
        old, new = getattr(was, key), getattr(now, key)
        if old == new or (key == "engaged" and (old, new) == (was.owner, now.owner)):
            continue  # the owner holds the tier: already said
        if key in people:
            yield f"{label} {person_name(before, old)} → {person_name(after, new)}"
        elif key == "tier":
            yield f"{label} {tier_name(before, old)} → {tier_name(after, new)}"
        elif isinstance(new, timedelta):
            yield f"{label} {human_duration(old)} → {human_duration(new)}"
        else:
            yield f"{label} {old} → {new}"
