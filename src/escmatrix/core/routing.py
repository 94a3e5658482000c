"""Routing: a pure function of (issue facts, matrix, time) that explains its decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from escmatrix.core.matrix import Matrix, Rule, Severity
from escmatrix.core.sla import Targets, due_after, targets_for
from escmatrix.errors import NotFound, Refused, UsageError


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


def score_impact(matrix: Matrix, impact: dict[str, str]) -> int:
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


def severity_for_score(matrix: Matrix, score: int) -> Severity:
    for sev in matrix.severities.values():
        if sev.min_score <= score <= sev.max_score:
            return sev
    raise Refused(
        f"impact score {score} falls in no severity's range",
        hint="fix the thresholds in matrix/severity.yaml (escmatrix validate shows gaps)",
    )


def decide_severity(matrix: Matrix, facts: IssueFacts) -> SeverityDecision:
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


def _check_rule(rule: Rule, facts: IssueFacts, severity: str, matrix: Matrix) -> RuleCheck:
    when = rule.when
    if when.is_catch_all:
        return RuleCheck(rule.id, True, "catch-all: matches every issue")
    reasons: list[str] = []
    failed: list[str] = []

    def test(name: str, wanted: list[str], actual: str | None) -> None:
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
    if failed:
        return RuleCheck(rule.id, False, "; ".join(failed))
    return RuleCheck(rule.id, True, "; ".join(reasons))


def _pick_owner(matrix: Matrix, rule: Rule, category_id: str, at: datetime) -> tuple[str, str]:
    """The first available person among the rule's target and its fallbacks, with why."""
    category = matrix.categories[category_id]
    if rule.owner == "primary":
        candidates = [category.primary, *category.backups]
        source = f"primary owner of {category_id}"
    elif rule.owner in matrix.teams:
        team = matrix.teams[rule.owner]
        candidates = [*team.members, team.lead]
        source = f"first available member of team {team.id}"
    else:
        candidates = [rule.owner, category.primary, *category.backups]
        source = f"named by rule {rule.id}"
    seen: list[str] = []
    away: list[str] = []
    for person_id in candidates:
        if person_id in seen:
            continue
        seen.append(person_id)
        person = matrix.people[person_id]
        if person.is_away(at):
            away.append(person_id)
            continue
        if not away:
            return person_id, source
        return person_id, f"{source}; {', '.join(away)} out of office, so the backup {person_id}"
    first = seen[0]
    return first, f"{source}; everyone in the chain is out of office, so it stays with {first}"


def route(matrix: Matrix, facts: IssueFacts, at: datetime) -> RouteDecision:
    """Decide severity, rule, owner, tier and targets for `facts` at time `at`. Pure."""
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
    chosen: Rule | None = None
    for rule in matrix.rules:
        check = _check_rule(rule, facts, sev.severity, matrix)
        checks.append(check)
        if check.matched:
            chosen = rule
            break
    if chosen is None:
        raise Refused(
            "no routing rule matched", hint="add a catch-all rule at the end of matrix/routing.yaml"
        )
    owner, owner_reason = _pick_owner(matrix, chosen, facts.category, at)
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
        engaged=matrix.holder(tier, owner),
        targets=targets,
        first_response_due=due_after(matrix, targets.calendar, at, targets.first_response),
        resolution_due=due_after(matrix, targets.calendar, at, targets.resolution),
    )
