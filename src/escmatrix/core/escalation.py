"""Escalation driven by the clock: what a sweep would do to each open issue at a given time.

The sweep moves an issue up one tier when a trigger of its current tier fires (the tier's
response time passed without acknowledgement, no status update within the cadence, or a share
of the resolution target elapsed), skipping tiers whose holder is out of office, and raises an
alert once per clock crossing (at risk, breached, update due). Planning is pure and idempotent:
after its events are recorded, the same plan at the same time is empty.

Planning reads the matrix through `core.ladder_facts.LadderMatrix`: the validated matrix, or the
plain copy a dry sweep keeps in the local cache. The events a plan holds are kinds and fields,
made into (validated) models only when they are recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from escmatrix.core.durations import format_duration
from escmatrix.core.issue import IssueState
from escmatrix.core.ladder_facts import holder
from escmatrix.core.sla import Clock, clocks, tier_response
from escmatrix.core.stamps import MatrixRef, Stamp, stamp

if TYPE_CHECKING:
    from escmatrix.core import events as ev
    from escmatrix.core.ladder_facts import LadderMatrix, LadderTier

AUTOMATION = "automation"


@dataclass(frozen=True)
class TierChoice:
    tier: LadderTier
    engaged: str
    skipped: list[str]


def next_available_tier(
    matrix: LadderMatrix, issue: IssueState, start_index: int, at: datetime
) -> TierChoice | None:
    """The first tier from `start_index` up whose holder is not out of office.

    A tier nobody can hold is skipped with a note; if every tier above is unheld, the top one is
    taken anyway so the issue still goes somewhere.
    """
    skipped: list[str] = []
    candidates = matrix.tiers[start_index:]
    for tier in candidates:
        held_by = holder(matrix, tier, issue.owner, at)
        person = matrix.people.get(held_by)
        if person is not None and person.is_away(at):
            gone = "has left" if person.has_left(at) else "is out of office"
            skipped.append(f"{tier.id} skipped: {held_by} {gone}")
            continue
        return TierChoice(tier, held_by, skipped)
    if not candidates:
        return None
    top = candidates[-1]
    return TierChoice(
        top,
        holder(matrix, top, issue.owner, at),
        [*skipped[:-1], f"nobody above can be reached; {top.id} taken anyway"],
    )


def _trigger(
    matrix: LadderMatrix, issue: IssueState, now: datetime, by_name: dict[str, Clock]
) -> str | None:
    """Why the current tier should hand the issue up now, or None."""
    try:
        tier = matrix.tier(issue.tier)
    except KeyError:
        return None
    rules = tier.auto_escalate
    if now <= issue.tier_since:
        return None  # just arrived at this tier: nothing can have passed yet
    if rules.no_acknowledgement:
        # `clocks` measured the tier's clock with the others (an active issue's always has one)
        clock = by_name.get(f"tier {tier.id} response") or tier_response(matrix, issue, now)
        if clock is not None and clock.stopped_at is None and clock.elapsed >= clock.target:
            return (
                f"tier {tier.id} response time {format_duration(clock.target)} passed without "
                f"acknowledgement ({format_duration(clock.elapsed)} elapsed, {clock.hours})"
            )
    if rules.no_update:
        clock = by_name.get("next update")
        if clock is not None and clock.elapsed >= clock.target and clock.due > issue.tier_since:
            return (
                f"no status update within the {format_duration(clock.target)} cadence "
                f"(last progress {format_duration(clock.elapsed)} ago, {clock.hours})"
            )
    if rules.resolution_percent is not None:
        clock = by_name.get("resolution")
        if (
            clock is not None
            and clock.stopped_at is None
            and clock.share * 100 >= rules.resolution_percent
        ):
            return (
                f"{round(clock.share * 100)}% of the {format_duration(clock.target)} resolution "
                f"target has elapsed (tier {tier.id} hands up at {rules.resolution_percent}%)"
            )
    return None


def _alerts(issue: IssueState, items: list[Clock]) -> list[tuple[str, Clock]]:
    out: list[tuple[str, Clock]] = []
    for clock in items:
        if clock.name.startswith("tier "):
            continue  # tier clocks escalate rather than alert
        if clock.state == "breached" and clock.stopped_at is None:
            kind = "breached"
        elif clock.state == "at risk":
            kind = "update-due" if clock.name == "next update" else "at-risk"
        else:
            continue
        if (kind, clock.name, clock.due) not in issue.alerts:
            out.append((kind, clock))
    return out


class Planned(NamedTuple):
    """An event the sweep would record, as its kind and fields: made (and validated) only when it
    is recorded, so a dry run needs no event model."""

    kind: Literal["assigned", "escalated", "alerted"]
    fields: dict[str, Any]

    def event(self) -> ev.EventBase:
        from escmatrix.core import events as ev

        made: dict[str, type[ev.EventBase]] = {
            "assigned": ev.Assigned,
            "escalated": ev.Escalated,
            "alerted": ev.Alerted,
        }
        return made[self.kind](**self.fields)


@dataclass
class IssuePlan:
    """What the sweep does to one issue, with the reasons in words."""

    issue: IssueState
    planned: list[Planned] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.planned

    @property
    def events(self) -> list[ev.EventBase]:
        """The planned events, as the models that are recorded."""
        return [p.event() for p in self.planned]


def _departed_owner(
    matrix: LadderMatrix, issue: IssueState, now: datetime, stamped: Stamp
) -> Planned | None:
    """An owner who has left hands the issue to the category's first owner still here."""
    owner = matrix.people.get(issue.owner)
    if owner is None or not owner.has_left(now):
        return None
    category = matrix.categories[issue.category]
    here = [
        p
        for p in (category.primary, *category.backups)
        if p in matrix.people and not matrix.people[p].is_away(now)
    ]
    if not here:
        return None
    reason = f"{issue.owner} left on {owner.left}; handed to the category's {here[0]}"
    return Planned(
        "assigned", {**stamped, "owner": here[0], "previous": issue.owner, "reason": reason}
    )


def missing_references(matrix: LadderMatrix, issue: IssueState) -> list[str]:
    """What the issue names that the matrix no longer has (a removed severity, category, tier)."""
    gone = []
    if issue.severity not in matrix.severities:
        gone.append(f"severity {issue.severity!r}")
    if issue.category not in matrix.categories:
        gone.append(f"category {issue.category!r}")
    if issue.tier not in {t.id for t in matrix.tiers}:
        gone.append(f"tier {issue.tier!r}")
    return gone


def plan_issue(matrix: LadderMatrix, issue: IssueState, now: datetime, ref: MatrixRef) -> IssuePlan:
    plan = IssuePlan(issue)
    if not issue.is_active or issue.status == "paused":
        return plan
    gone = missing_references(matrix, issue)
    if gone:  # decided under a matrix that has changed since: say so, and leave it to people
        plan.lines.append(
            f"skipped: the matrix no longer has {', '.join(gone)}; re-route it "
            f"(`escmatrix route {issue.id} --severity …`) or restore the matrix entry"
        )
        return plan
    items = clocks(matrix, issue, now)
    by_name = {c.name: c for c in items}
    stamped: Stamp = stamp(now, AUTOMATION, ref)
    handoff = _departed_owner(matrix, issue, now, stamped)
    if handoff is not None:
        plan.planned.append(handoff)
        plan.lines.append(
            f"reassign {issue.owner} → {handoff.fields['owner']}: {handoff.fields['reason']}"
        )
    reason = _trigger(matrix, issue, now, by_name)
    if reason is not None:
        index = matrix.tier_index(issue.tier)
        choice = next_available_tier(matrix, issue, index + 1, now)
        if choice is None:
            plan.lines.append(f"cannot escalate past the top tier ({issue.tier}): {reason}")
        else:
            full = reason + "".join(f"; {note}" for note in choice.skipped)
            plan.planned.append(
                Planned(
                    "escalated",
                    {
                        **stamped,
                        "tier": choice.tier.id,
                        "previous": issue.tier,
                        "engaged": choice.engaged,
                        "reason": full,
                        "automatic": True,
                    },
                )
            )
            plan.lines.append(
                f"escalate {issue.tier} → {choice.tier.id} ({choice.engaged}): {full}"
            )
    for kind, clock in _alerts(issue, items):
        plan.planned.append(
            Planned("alerted", {**stamped, "alert": kind, "clock": clock.name, "due": clock.due})
        )
        verb = {"breached": "breached", "at-risk": "at risk", "update-due": "update due"}[kind]
        plan.lines.append(
            f"{verb}: {clock.name} due {clock.due:%Y-%m-%d %H:%M} UTC "
            f"({format_duration(clock.elapsed)} of {format_duration(clock.target)})"
        )
    return plan


def plan_sweep(
    matrix: LadderMatrix, issues: list[IssueState], now: datetime, ref: MatrixRef
) -> list[IssuePlan]:
    """Plans for every active issue that needs something, most severe first."""
    order = {sev: i for i, sev in enumerate(matrix.severities)}
    plans = [plan_issue(matrix, s, now, ref) for s in issues]
    chosen = [p for p in plans if p.planned or p.lines]
    return sorted(
        chosen, key=lambda p: (order.get(p.issue.severity, 99), p.issue.opened_at, p.issue.id)
    )
