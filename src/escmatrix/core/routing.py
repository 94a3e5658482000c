"""Routing: a pure function of (issue facts, matrix, time) that explains its decision."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from escmatrix.core.calendar import WorkClock
from escmatrix.core.durations import format_duration
from escmatrix.core.errors import NotFound, Refused, UsageError
from escmatrix.core.oncall import on_call_now, who_is_on_call
from escmatrix.core.presence import at_work_note, local_time, prefer_at_work
from escmatrix.core.route_facts import catch_all, pool_people
from escmatrix.core.sla import Targets, due_after, targets_for

if TYPE_CHECKING:  # the validated matrix or its plain copy (`LadderFacts`): `open` loads no model
    from escmatrix.core.route_facts import Conditions, Level, RouteMatrix, RouteRule


@dataclass(frozen=True)
class IssueFacts:
    """What is known when an issue arrives; routing needs nothing else but the matrix and time."""

    category: str
    severity: str | None = None
    impact: dict[str, str] = field(default_factory=dict)
    customer: str | None = None
    partner: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResolvedWork:
    """One resolved issue, credited to whoever owned it when it was resolved."""

    owner: str
    category: str
    resolved_at: datetime
    duration: timedelta


@dataclass(frozen=True)
class RoutingLoad:
    """Current work and past performance, computed by the caller from the issues, for pool rules.

    Routing stays a pure function: the same facts, matrix, time and load give the same owner.
    """

    open_owned: Mapping[str, int] = field(default_factory=dict)
    routed_by_rule: Mapping[str, int] = field(default_factory=dict)
    resolved: tuple[ResolvedWork, ...] = ()


@dataclass(frozen=True)
class RuleCheck:
    rule: str
    matched: bool
    reason: str


@dataclass(frozen=True)
class SeverityDecision:
    severity: str
    score: int | None
    reason: str


@dataclass(frozen=True)
class RouteDecision:
    """Who gets an issue, at which tier, by when, and why."""

    at: datetime
    facts: IssueFacts
    severity: SeverityDecision
    rule: str
    checks: list[RuleCheck]
    owner: str
    owner_reason: str
    tier: str
    tier_reason: str
    engaged: str
    targets: Targets

    first_response_due: datetime
    resolution_due: datetime


def score_impact(matrix: RouteMatrix, impact: dict[str, str]) -> int:
    """Weighted sum of the chosen level of each impact dimension."""
    total = 0
    for dim_id, level in impact.items():
        dim = matrix.dimensions.get(dim_id)
        if dim is None:
            raise UsageError(
                f"unknown impact dimension {dim_id!r}",
                hint=f"known dimensions: {', '.join(matrix.dimensions)}",
            )
        if level not in dim.levels:
            raise UsageError(
                f"unknown level {level!r} for impact dimension {dim_id!r}",
                hint=f"levels: {', '.join(dim.levels)}",
            )
        total += dim.weight * dim.levels[level]
    return total


def severity_for_score(matrix: RouteMatrix, score: int) -> Level:
    for sev in matrix.severities.values():
        if sev.min_score <= score <= sev.max_score:
            return sev
    raise Refused(
        f"impact score {score} falls in no severity's range",
        hint="fix the thresholds in matrix/severity.yaml (escmatrix validate shows gaps)",
    )


def decide_severity(matrix: RouteMatrix, facts: IssueFacts) -> SeverityDecision:
    if facts.severity is not None:
        if facts.severity not in matrix.severities:
            raise UsageError(
                f"unknown severity {facts.severity!r}",
                hint=f"known severities: {', '.join(matrix.severities)}",
            )
        score = score_impact(matrix, facts.impact) if facts.impact else None
        return SeverityDecision(facts.severity, score, "given explicitly")
    if not facts.impact:
        raise UsageError(
            "give a severity (--severity) or the impact (--impact DIMENSION=LEVEL ...)",
            hint=f"severities: {', '.join(matrix.severities)}",
        )
    score = score_impact(matrix, facts.impact)
    sev = severity_for_score(matrix, score)
    parts = " + ".join(
        f"{d}={lvl} ({matrix.dimensions[d].weight}×{matrix.dimensions[d].levels[lvl]})"
        for d, lvl in sorted(facts.impact.items())
    )
    return SeverityDecision(
        sev.id,
        score,
        f"impact score {score} = {parts}; {sev.id} covers {sev.min_score}–{sev.max_score}",
    )


def _check_hours(
    when: Conditions, matrix: RouteMatrix, at: datetime
) -> tuple[list[str], list[str]]:
    """A rule's `working_hours` / `outside_working_hours`: (reasons it matches, why it does not)."""
    reasons: list[str] = []
    failed: list[str] = []
    for calendar_id, inside in ((when.working_hours, True), (when.outside_working_hours, False)):
        if calendar_id is None:
            continue
        calendar = matrix.calendars.get(calendar_id)
        if calendar is None:
            failed.append(f"unknown calendar {calendar_id!r}")
            continue
        is_open = WorkClock(calendar).is_open(at)
        local = at.astimezone(ZoneInfo(calendar.timezone))
        said = (
            f"{local:%a %H:%M} {calendar.timezone} is "
            f"{'inside' if is_open else 'outside'} {calendar_id} working hours"
        )
        if is_open == inside:
            reasons.append(said)
        else:
            failed.append(f"{said}, rule wants {'inside' if inside else 'outside'}")
    return reasons, failed


def chooses_by_load(matrix: RouteMatrix, rule: RouteRule) -> bool:
    """Whether the rule picks its owner by the issues' load (a pool, or a team's members):
    `route` needs a `RoutingLoad` only for those, and gives the same answer without it for
    every other rule."""
    return rule.pool is not None or rule.owner in matrix.teams


def matches_apart_from_hours(
    rule: RouteRule, facts: IssueFacts, severity: str, matrix: RouteMatrix
) -> bool:
    """Whether every condition of the rule but `working_hours` / `outside_working_hours` holds:
    what a check of every hour of the week needs once per category x severity."""
    return _check_rule(rule, facts, severity, matrix, _ANY_TIME, hours=False).matched


_ANY_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def _check_rule(
    rule: RouteRule,
    facts: IssueFacts,
    severity: str,
    matrix: RouteMatrix,
    at: datetime,
    hours: bool = True,
) -> RuleCheck:
    """Whether the rule matches, and why; without `hours`, as if it named no working hours."""
    when = rule.when
    if catch_all(when, hours):
        return RuleCheck(rule.id, True, "catch-all: matches every issue")
    reasons: list[str] = []
    failed: list[str] = []

    def test(name: str, wanted: Sequence[str], actual: str | None) -> None:
        if not wanted:
            return
        if actual in wanted:
            reasons.append(f"{name} is {actual}")
        else:
            failed.append(f"{name} is {actual or 'none'}, rule wants {' or '.join(wanted)}")

    test("category", when.category, facts.category)
    test("severity", when.severity, severity)
    test("customer", when.customer, facts.customer)
    test("partner", when.partner, facts.partner)
    if when.tags:
        hit = sorted(set(when.tags) & set(facts.tags))
        if hit:
            reasons.append(f"tagged {', '.join(hit)}")
        else:
            failed.append(
                f"tags {', '.join(facts.tags) or 'none'}, rule wants {' or '.join(when.tags)}"
            )
    if when.strategic is not None:
        accounts = [
            (kind, account)
            for kind, account in (
                ("customer", matrix.customers.get(facts.customer or "")),
                ("partner", matrix.partners.get(facts.partner or "")),
            )
            if account is not None
        ]
        strategic = [f"{kind} {a.id}" for kind, a in accounts if a.strategic]
        if bool(strategic) == when.strategic:
            reasons.append(
                f"{' and '.join(strategic)} strategic" if strategic else "no strategic account"
            )
        else:
            failed.append(
                f"{' and '.join(strategic)} strategic"
                if strategic
                else "no strategic customer or partner"
            )
    if hours:
        hours_ok, hours_failed = _check_hours(when, matrix, at)
        reasons += hours_ok
        failed += hours_failed
    if failed:
        return RuleCheck(rule.id, False, "; ".join(failed))
    return RuleCheck(rule.id, True, "; ".join(reasons))


def _pick_owner(
    matrix: RouteMatrix,
    rule_id: str,
    target: str,
    category_id: str,
    at: datetime,
    load: RoutingLoad | None = None,
) -> tuple[str, str]:
    """The first available person among the rule `rule_id`'s target (its `owner`: "primary", a
    team or a person) and its fallbacks, with why. For a team, among the members at work the
    least loaded (with `load`), then the listed order."""
    category = matrix.categories[category_id]
    if target == "primary":
        candidates = [category.primary, *category.backups]
        source = f"primary owner of {category_id}"
        if category.schedule is not None and category.schedule in matrix.schedules:
            holder = who_is_on_call(matrix.schedules[category.schedule], at)
            on_call = matrix.people.get(holder.person or "")
            if on_call is not None and not on_call.is_away(at):
                return on_call.id, f"on call for {category_id}: {holder.why}"
    elif target in matrix.teams:
        team = matrix.teams[target]
        candidates = [*team.members, team.lead]
        source = f"first available member of team {team.id}"
    else:
        candidates = [target, category.primary, *category.backups]
        source = f"named by rule {rule_id}"
    seen = list(dict.fromkeys(candidates))
    away = [p for p in seen if matrix.people[p].is_away(at)]
    available = [p for p in seen if p not in away]
    if not available:
        first = seen[0]
        return first, f"{source}; everyone in the chain is out of office, so it stays with {first}"
    # the category's owners or a team: someone inside their working hours first (a sev1 at
    # 03:10 Berlin goes to the owner at work in Chicago); a person the rule names keeps it
    named = target != "primary" and target not in matrix.teams
    preferred = available[:1] if named else prefer_at_work(matrix.people, available, at)
    chosen = preferred[0]
    note = at_work_note(matrix.people, available[: available.index(chosen)], chosen, at)
    crew = matrix.teams[target].members if target in matrix.teams else []
    members = [p for p in preferred if p in crew]
    if load is not None and len(members) > 1:  # the lead stays the fallback, not a share
        chosen, counts = _least_loaded(members, load, "least loaded of those at work")
        source = f"member of team {target}: {counts}"
        note = ""
    if not away:
        return chosen, source + note
    return chosen, f"{source}; {', '.join(away)} out of office, so the backup {chosen}{note}"


def _pick_from_schedule(
    matrix: RouteMatrix, rule: RouteRule, category_id: str, at: datetime
) -> tuple[str, str]:
    """Whoever holds the rule's schedule at `at`; away (or nobody on it): the category's chain."""
    holder = who_is_on_call(matrix.schedules[str(rule.schedule)], at)
    person = matrix.people.get(holder.person or "")
    if person is not None and not person.is_away(at):
        return person.id, f"on call: {holder.why}"
    gone = f"{person.id} out of office" if person else "nobody on call"
    owner, why = _pick_owner(matrix, rule.id, "primary", category_id, at)
    return owner, f"on call: {holder.why}; {gone}, so the category's owners: {why}"


def _least_loaded(candidates: list[str], load: RoutingLoad, what: str) -> tuple[str, str]:
    counts = {p: load.open_owned.get(p, 0) for p in candidates}
    chosen = min(candidates, key=lambda p: counts[p])  # ties: the first in pool order
    listed = ", ".join(f"{p} {counts[p]} open" for p in candidates)
    return chosen, f"{what}: {listed} → {chosen}"


def _pick_from_pool(
    matrix: RouteMatrix, rule: RouteRule, category_id: str, at: datetime, load: RoutingLoad
) -> tuple[str, str]:
    """The pool member the rule's strategy picks, with the numbers behind the choice."""
    if isinstance(rule.pool, str) and rule.pool in matrix.schedules:
        members = on_call_now(matrix.schedules[rule.pool], at)
        name = f"on call on schedule {rule.pool}"
    else:
        members = pool_people(rule.pool, matrix.teams)
        name = f"team {rule.pool}" if isinstance(rule.pool, str) else f"({', '.join(members)})"
    if not members:  # validate refuses an empty or unknown pool; route somewhere regardless
        return _pick_owner(matrix, rule.id, "primary", category_id, at)
    away = [p for p in members if p in matrix.people and matrix.people[p].is_away(at)]
    available = [p for p in members if p not in away]
    note = f"; {', '.join(away)} out of office" if away else ""
    if not available:
        return members[0], f"pool {name}: everyone is out of office, so it stays with {members[0]}"
    working = prefer_at_work(matrix.people, available, at)
    if len(working) < len(available):
        outside = ", ".join(local_time(matrix.people[p], at) for p in available if p not in working)
        note += f"; {outside} outside working hours"
        available = working
    if rule.strategy == "round-robin":
        turn = load.routed_by_rule.get(rule.id, 0)
        start = turn % len(members)
        order = members[start:] + members[:start]
        chosen = next(p for p in order if p in available)
        return chosen, (
            f"round robin over pool {name}: {turn} issues routed by rule {rule.id} so far, "
            f"turn {turn} mod {len(members)} = {start} → {chosen}{note}"
        )
    if rule.strategy == "least-loaded":
        chosen, why = _least_loaded(available, load, f"least loaded in pool {name}")
        return chosen, why + note
    since = at - rule.window
    durations: dict[str, list[timedelta]] = {p: [] for p in available}
    for work in load.resolved:
        if (
            work.owner in durations
            and work.category == category_id
            and since <= work.resolved_at <= at
        ):
            durations[work.owner].append(work.duration)
    medians = {
        p: timedelta(seconds=statistics.median(d.total_seconds() for d in ds))
        for p, ds in durations.items()
        if len(ds) >= rule.min_sample
    }
    scope = (
        f"on {category_id} over {format_duration(rule.window)} "
        f"(at least {rule.min_sample} resolved)"
    )
    too_few = ", ".join(f"{p} {len(durations[p])} resolved" for p in available if p not in medians)
    if medians:
        chosen = min(
            medians, key=lambda p: (medians[p], load.open_owned.get(p, 0), available.index(p))
        )
        listed = ", ".join(
            f"{p} median {format_duration(medians[p])} over {len(durations[p])}"
            for p in available
            if p in medians
        )
        return chosen, (
            f"best track record in pool {name} {scope}: {listed}"
            + (f"; too few: {too_few}" if too_few else "")
            + f" → {chosen}{note}"
        )
    chosen, why = _least_loaded(available, load, "falling back to least loaded")
    return chosen, (
        f"best track record in pool {name} {scope}: nobody has enough ({too_few}); {why}{note}"
    )


def route(
    matrix: RouteMatrix, facts: IssueFacts, at: datetime, load: RoutingLoad | None = None
) -> RouteDecision:
    """Decide severity, rule, owner, tier and targets for `facts` at time `at`. Pure.

    `load` (open issues per owner, past resolutions) matters only to rules with a pool; without
    it a pool sees no load and no history.
    """
    if facts.category not in matrix.categories:
        raise NotFound(
            f"unknown category {facts.category!r}",
            hint=f"known categories: {', '.join(matrix.categories)}",
        )
    for kind, ref, known in (
        ("customer", facts.customer, matrix.customers),
        ("partner", facts.partner, matrix.partners),
    ):
        if ref is not None and ref not in known:
            raise NotFound(f"unknown {kind} {ref!r}", hint=f"known: {', '.join(known) or 'none'}")
    sev = decide_severity(matrix, facts)
    checks: list[RuleCheck] = []
    chosen: RouteRule | None = None
    for rule in matrix.rules:
        check = _check_rule(rule, facts, sev.severity, matrix, at)
        checks.append(check)
        if check.matched:
            chosen = rule
            break
    if chosen is None:
        raise Refused(
            "no routing rule matched", hint="add a catch-all rule at the end of matrix/routing.yaml"
        )
    if chosen.schedule is not None and chosen.schedule in matrix.schedules:
        owner, owner_reason = _pick_from_schedule(matrix, chosen, facts.category, at)
    elif chosen.pool is not None:
        owner, owner_reason = _pick_from_pool(
            matrix, chosen, facts.category, at, load or RoutingLoad()
        )
    else:
        owner, owner_reason = _pick_owner(matrix, chosen.id, chosen.owner, facts.category, at, load)
    severity = matrix.severities[sev.severity]
    if chosen.tier is not None:
        tier_id, tier_reason = chosen.tier, f"set by rule {chosen.id}"
    else:
        tier_id, tier_reason = severity.start_tier, f"start tier of {severity.id}"
    tier = matrix.tier(tier_id)
    targets = targets_for(matrix, sev.severity, facts.customer, facts.partner)
    return RouteDecision(
        at=at,
        facts=facts,
        severity=sev,
        rule=chosen.id,
        checks=checks,
        owner=owner,
        owner_reason=owner_reason,
        tier=tier_id,
        tier_reason=tier_reason,
        engaged=matrix.holder(tier, owner, at),
        targets=targets,
        first_response_due=due_after(matrix, targets.calendar, at, targets.first_response),
        resolution_due=due_after(matrix, targets.calendar, at, targets.resolution),
    )
