"""The responder loop as pure decisions: given state, matrix, actor and time, the event to append.

Each function either returns the event or raises a `Refused`/`UsageError` that says why and what
would be allowed. Nothing here reads files, git or the clock.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from escmatrix.core import events as ev
from escmatrix.core.errors import NotFound, Refused, UsageError
from escmatrix.core.events import MatrixRef, Stamp, stamp
from escmatrix.core.issue import ACTIVE, IssueState

if TYPE_CHECKING:  # `update` and the like decide without routing or the ladder's planning
    from escmatrix.core.ladder_facts import ActMatrix
    from escmatrix.core.routing import RouteDecision


class Context:
    """Who acts, when, and under which matrix commit. The matrix is the validated one or its plain
    copy (`core.ladder_facts.LadderFacts`, kept in the local cache): the decisions read only
    what both hold, so `update`, `ack` and `escalate` load no matrix model."""

    def __init__(self, matrix: ActMatrix, actor: str, at: datetime, ref: MatrixRef) -> None:
        self.matrix, self.actor, self.at, self.ref = matrix, actor, at, ref

    def stamp(self) -> Stamp:
        return stamp(self.at, self.actor, self.ref)


def _require(state: IssueState, allowed: set[str] | frozenset[str], action: str) -> None:
    if state.status not in allowed:
        raise Refused(
            f"cannot {action} issue {state.id}: it is {state.status}",
            hint=f"{action} applies to issues that are {' or '.join(sorted(allowed))}",
        )


def _text(value: str, what: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise UsageError(f"{what} must not be empty")
    return cleaned


def _person(ctx: Context, person_id: str) -> str:
    if person_id not in ctx.matrix.people:
        raise NotFound(
            f"unknown person {person_id!r}",
            hint=f"people: {', '.join(sorted(ctx.matrix.people))}",
        )
    return person_id


def open_issue(ctx: Context, decision: RouteDecision, title: str, description: str) -> ev.Opened:
    facts = decision.facts
    return ev.Opened(
        **ctx.stamp(),
        title=_text(title, "the title"),
        description=description.strip(),
        category=facts.category,
        severity=decision.severity.severity,
        score=decision.severity.score,
        impact=dict(facts.impact),
        customer=facts.customer,
        partner=facts.partner,
        tags=list(facts.tags),
        rule=decision.rule,
        owner=decision.owner,
        tier=decision.tier,
        engaged=decision.engaged,
    )


def reroute(
    ctx: Context,
    state: IssueState,
    decision: RouteDecision,
    *,
    category: str | None = None,
    impact: dict[str, str] | None = None,
    reason: str = "",
) -> ev.Rerouted:
    """Route the issue again under the current matrix; with a new category, severity or impact
    (and a reason) the issue is re-rated too, and its clocks count against the new targets."""
    _require(state, ACTIVE, "re-route")
    category = category if category not in (None, state.category) else None
    impact = impact if impact is not None and impact != state.impact else None
    if (decision.owner, decision.tier, decision.severity.severity) == (
        state.owner,
        state.tier,
        state.severity,
    ) and (category, impact) == (None, None):
        raise Refused(
            f"issue {state.id} already routes to {state.owner} at {state.tier} as "
            f"{state.severity}: nothing to change",
            hint="give --severity, --impact or --category (with --reason) to re-rate it",
        )
    return ev.Rerouted(
        **ctx.stamp(),
        rule=decision.rule,
        owner=decision.owner,
        tier=decision.tier,
        engaged=decision.engaged,
        severity=decision.severity.severity,
        category=category,
        impact=impact,
        reason=reason.strip(),
    )


def acknowledgers(matrix: ActMatrix, state: IssueState) -> list[str]:
    """Who may acknowledge the issue: its owner, the person engaged, and whoever the ladder says
    holds its current tier for that owner."""
    people = [state.owner, state.engaged]
    with suppress(KeyError):  # a tier the matrix no longer has: owner and engaged still may
        people.append(matrix.holder(matrix.tier(state.tier), state.owner, state.tier_since))
    return list(dict.fromkeys(p for p in people if p))


def acknowledge(
    ctx: Context,
    state: IssueState,
    note: str = "",
    *,
    on_behalf: bool = False,
    reason: str = "",
) -> ev.Acknowledged:
    """The owner, the engaged person or the tier's holder acknowledges; anyone else only on their
    behalf with a reason (recorded), so a stray ack cannot stop someone else's clock unseen."""
    from escmatrix.core.escalation import AUTOMATION

    if (
        state.status == "acknowledged"
        and state.acknowledged_at
        and state.acknowledged_at >= state.tier_since
    ):
        raise Refused(f"issue {state.id} is already acknowledged at tier {state.tier}")
    _require(state, ACTIVE, "acknowledge")
    allowed = acknowledgers(ctx.matrix, state)
    if ctx.actor in allowed or ctx.actor == AUTOMATION:
        if on_behalf:
            raise UsageError(
                f"{ctx.actor} is on issue {state.id} already; --on-behalf is for acknowledging "
                "for someone else",
                hint=f"escmatrix ack {state.id[:7]}",
            )
        return ev.Acknowledged(**ctx.stamp(), note=note.strip())
    if not on_behalf:
        raise Refused(
            f"{ctx.actor} may not acknowledge issue {state.id}: it is {', '.join(allowed)}'s "
            f"(owner {state.owner}, engaged {state.engaged} at tier {state.tier})",
            hint=f"ask them, or acknowledge for them with a reason: escmatrix ack "
            f'{state.id[:7]} --on-behalf --reason "…" (recorded)',
        )
    if not reason.strip():
        raise UsageError(
            "acknowledging on someone's behalf needs --reason",
            hint='e.g. --on-behalf --reason "Lena is on a call; I have it until she is back"',
        )
    return ev.Acknowledged(
        **ctx.stamp(), note=note.strip(), on_behalf_of=state.engaged, reason=reason.strip()
    )


UPDATE_FLAGS = {
    "status": "--status",
    "next_steps": "--next",
    "owner": "--owner",
    "dependencies": "--dependencies",
    "next_update_by": "--next-update-by",
}


def status_update(
    ctx: Context,
    state: IssueState,
    *,
    status: str,
    next_steps: str,
    owner: str | None,
    dependencies: str,
    next_update_by: datetime | None = None,
) -> ev.Updated:
    _require(state, ACTIVE, "update")
    template = ctx.matrix.comms.status_update
    given: dict[str, str] = {
        "status": status.strip(),
        "next_steps": next_steps.strip(),
        "owner": (owner or "").strip(),
        "dependencies": dependencies.strip(),
    }
    promised = next_update_by.isoformat() if next_update_by else ""
    parts = given | {"next_update_by": promised}
    missing = [part for part in template.required if not parts[part]]
    if missing:
        flags = ", ".join(UPDATE_FLAGS[m] for m in missing)
        raise UsageError(
            f"the status update is missing {', '.join(missing)}",
            hint=f"the matrix's status template requires {', '.join(template.required)}; add {flags}",
        )
    length = sum(len(v) for v in given.values())
    if length > template.max_length:
        raise Refused(
            f"the status update is {length} characters, over the limit of {template.max_length}",
            hint="keep updates short: what changed, what happens next, who, what we wait on",
        )
    if owner:
        _person(ctx, owner)
    if next_update_by is not None and next_update_by <= ctx.at:
        raise UsageError(
            f"--next-update-by {next_update_by:%Y-%m-%d %H:%M} UTC is not in the future",
            hint="promise a time after now, e.g. --next-update-by 2h",
        )
    return ev.Updated(
        **ctx.stamp(),
        status=given["status"],
        next_steps=given["next_steps"],
        owner=owner or None,
        dependencies=given["dependencies"],
        next_update_by=next_update_by,
    )


def assign(ctx: Context, state: IssueState, to: str, reason: str) -> ev.Assigned:
    _require(state, ACTIVE, "assign")
    _person(ctx, to)
    if to == state.owner:
        raise Refused(f"{to} already owns issue {state.id}")
    return ev.Assigned(
        **ctx.stamp(), owner=to, previous=state.owner, reason=_text(reason, "--reason")
    )


def _tier_ids(matrix: ActMatrix) -> list[str]:
    return [t.id for t in matrix.tiers]


def _current_index(ctx: Context, state: IssueState) -> int:
    try:
        return ctx.matrix.tier_index(state.tier)
    except KeyError:
        raise Refused(
            f"issue {state.id} is at tier {state.tier!r}, which the matrix no longer has",
            hint=f"use --to with one of: {', '.join(_tier_ids(ctx.matrix))}",
        ) from None


def escalate(
    ctx: Context,
    state: IssueState,
    reason: str,
    to: str | None = None,
) -> ev.Escalated:
    """Up one tier (skipping tiers whose holder is out of office), or straight to `to`."""
    from escmatrix.core.escalation import next_available_tier

    _require(state, ACTIVE, "escalate")
    reason = _text(reason, "--reason")
    if to is None:
        current = _current_index(ctx, state)
        if current + 1 >= len(ctx.matrix.tiers):
            raise Refused(
                f"issue {state.id} is already at the top tier ({state.tier}); there is nobody "
                "further up the ladder",
                hint="reassign it, or use override if governance allows you",
            )
        choice = next_available_tier(ctx.matrix, state, current + 1, ctx.at)
        assert choice is not None
        target, engaged = choice.tier, choice.engaged
        reason += "".join(f"; {note}" for note in choice.skipped)
    else:
        if to not in _tier_ids(ctx.matrix):
            raise UsageError(
                f"unknown tier {to!r}", hint=f"tiers: {', '.join(_tier_ids(ctx.matrix))}"
            )
        target = ctx.matrix.tier(to)
        here = ctx.matrix.tier_index(state.tier) if state.tier in _tier_ids(ctx.matrix) else -1
        if ctx.matrix.tier_index(to) <= here:
            raise Refused(
                f"--to {to} is not above the current tier {state.tier}",
                hint="use deescalate to move down",
            )
        engaged = ctx.matrix.holder(target, state.owner, ctx.at)
    return ev.Escalated(
        **ctx.stamp(), tier=target.id, previous=state.tier, engaged=engaged, reason=reason
    )


def deescalate(
    ctx: Context, state: IssueState, reason: str, to: str | None = None
) -> ev.Deescalated:
    _require(state, ACTIVE, "de-escalate")
    tiers = ctx.matrix.tiers
    if to is None:
        current = _current_index(ctx, state)
        if current == 0:
            raise Refused(f"issue {state.id} is already at the bottom tier ({state.tier})")
        target = tiers[current - 1]
    else:
        if to not in _tier_ids(ctx.matrix):
            raise UsageError(
                f"unknown tier {to!r}", hint=f"tiers: {', '.join(_tier_ids(ctx.matrix))}"
            )
        target = ctx.matrix.tier(to)
        if ctx.matrix.tier_index(to) >= _current_index(ctx, state):
            raise Refused(f"--to {to} is not below the current tier {state.tier}")
    return ev.Deescalated(
        **ctx.stamp(),
        tier=target.id,
        previous=state.tier,
        engaged=ctx.matrix.holder(target, state.owner, ctx.at),
        reason=_text(reason, "--reason"),
    )


def override(
    ctx: Context,
    state: IssueState,
    reason: str,
    owner: str | None,
    tier: str | None,
) -> ev.Overridden:
    _require(state, ACTIVE, "override")
    policy = ctx.matrix.governance.overrides
    if not ctx.matrix.may_override(ctx.actor):
        raise Refused(
            f"{ctx.actor} may not override routing",
            hint=f"governance (matrix/governance.yaml) allows: {', '.join(policy.allowed)}",
        )
    if owner is None and tier is None:
        raise UsageError("an override needs --owner and/or --tier")
    new_owner = _person(ctx, owner) if owner else state.owner
    new_tier = tier or state.tier
    if new_tier not in _tier_ids(ctx.matrix):
        raise UsageError(
            f"unknown tier {new_tier!r}", hint=f"tiers: {', '.join(_tier_ids(ctx.matrix))}"
        )
    return ev.Overridden(
        **ctx.stamp(),
        owner=new_owner,
        tier=new_tier,
        engaged=ctx.matrix.holder(ctx.matrix.tier(new_tier), new_owner, ctx.at),
        previous_owner=state.owner,
        previous_tier=state.tier,
        reason=_text(reason, "--reason"),
    )


def reconcile(ctx: Context, state: IssueState, learning: str) -> ev.Reconciled:
    if not state.flagged:
        raise Refused(f"issue {state.id} has no override waiting to be reconciled")
    if not ctx.matrix.may_reconcile(ctx.actor):
        policy = ctx.matrix.governance.overrides
        raise Refused(
            f"{ctx.actor} may not reconcile overrides",
            hint=f"governance allows: {', '.join(policy.reconcilers or policy.allowed)}",
        )
    return ev.Reconciled(**ctx.stamp(), learning=_text(learning, "--learning"))


def pause(ctx: Context, state: IssueState, waiting_on: str, reason: str) -> ev.Paused:
    _require(state, frozenset({"open", "acknowledged"}), "pause")
    if waiting_on not in ("customer", "partner"):
        raise UsageError(f"--waiting-on must be customer or partner, not {waiting_on!r}")
    side: Literal["customer", "partner"] = "customer" if waiting_on == "customer" else "partner"
    return ev.Paused(**ctx.stamp(), waiting_on=side, reason=_text(reason, "--reason"))


def resume(ctx: Context, state: IssueState, note: str = "") -> ev.Resumed:
    _require(state, frozenset({"paused"}), "resume")
    return ev.Resumed(**ctx.stamp(), note=note.strip())


def resolve(ctx: Context, state: IssueState, summary: str, root_cause: str) -> ev.Resolved:
    _require(state, ACTIVE, "resolve")
    return ev.Resolved(
        **ctx.stamp(), summary=_text(summary, "--summary"), root_cause=root_cause.strip()
    )


def close(
    ctx: Context,
    state: IssueState,
    customer: int | None,
    partner: int | None,
    note: str,
) -> ev.Closed:
    _require(state, frozenset({"resolved"}), "close")
    for who, score in (("--customer-satisfaction", customer), ("--partner-satisfaction", partner)):
        if score is not None and not 1 <= score <= 5:
            raise UsageError(f"{who} must be 1 to 5, not {score}")
    # a partner's score only on an issue with a partner (every issue has some customer, named
    # account or not, so a customer score is always accepted)
    if partner is not None and state.partner is None:
        raise Refused(
            f"issue {state.id} has no partner, so there is no partner satisfaction to record",
            hint="leave out --partner-satisfaction (open the issue with --partner to have one)",
        )
    return ev.Closed(
        **ctx.stamp(),
        customer_satisfaction=customer,
        partner_satisfaction=partner,
        note=note.strip(),
    )


def reopen(ctx: Context, state: IssueState, reason: str) -> ev.Reopened:
    _require(state, frozenset({"resolved", "closed"}), "reopen")
    return ev.Reopened(**ctx.stamp(), reason=_text(reason, "--reason"))


def comment(ctx: Context, state: IssueState, text: str) -> ev.Commented:
    return ev.Commented(**ctx.stamp(), text=_text(text, "the comment"))
