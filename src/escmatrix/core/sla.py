"""Response targets and the deadlines computed from them (24x7 clocks that stop while paused)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from escmatrix.core.issue import IssueState
from escmatrix.core.matrix import Matrix

ClockState = Literal["running", "paused", "met", "breached", "at risk", "stopped"]
AT_RISK_SHARE = 0.75


@dataclass(frozen=True)
class Targets:
    first_response: timedelta
    update_every: timedelta
    resolution: timedelta
    source: str


def targets_for(
    matrix: Matrix, severity: str, customer: str | None, partner: str | None
) -> Targets:
    """Severity defaults, with a customer's then a partner's contract winning where it sets one."""
    sev = matrix.severities[severity]
    first, update, resolution = sev.first_response, sev.update_every, sev.resolution
    sources: list[str] = []
    for kind, account in (
        ("customer", matrix.customers.get(customer or "")),
        ("partner", matrix.partners.get(partner or "")),
    ):
        contract = account.targets.get(severity) if account else None
        if account is None or contract is None:
            continue
        first = contract.first_response or first
        update = contract.update_every or update
        resolution = contract.resolution or resolution
        sources.append(f"{kind} {account.id} contract")
    return Targets(first, update, resolution, " + ".join(sources) or f"{severity} default")


@dataclass(frozen=True)
class Clock:
    name: str
    target: timedelta
    started: datetime
    due: datetime
    state: ClockState
    elapsed: timedelta
    remaining: timedelta
    stopped_at: datetime | None = None


def _clock(
    name: str,
    target: timedelta,
    started: datetime,
    stopped: datetime | None,
    issue: IssueState,
    now: datetime,
) -> Clock:
    end = stopped or now
    paused = issue.paused_between(started, end)
    elapsed = max(end - started - paused, timedelta(0))
    due = started + target + issue.paused_between(started, max(end, started + target + paused))
    remaining = target - elapsed
    state: ClockState
    if stopped is not None:
        state = "met" if elapsed <= target else "breached"
    elif remaining < timedelta(0):
        state = "breached"
    elif issue.paused_since is not None:
        state = "paused"
    elif elapsed >= target * AT_RISK_SHARE:
        state = "at risk"
    else:
        state = "running"
    return Clock(name, target, started, due, state, elapsed, remaining, stopped)


def clocks(matrix: Matrix, issue: IssueState, now: datetime) -> list[Clock]:
    """First response, next update, resolution and current-tier clocks for an issue."""
    if issue.severity not in matrix.severities:
        return []
    targets = targets_for(matrix, issue.severity, issue.customer, issue.partner)
    done = issue.resolved_at or issue.closed_at
    out = [
        _clock(
            "first response",
            targets.first_response,
            issue.opened_at,
            issue.first_acknowledged_at,
            issue,
            now,
        ),
        _clock("resolution", targets.resolution, issue.opened_at, done, issue, now),
    ]
    if issue.is_active:
        since = max(
            t for t in (issue.last_update_at, issue.first_acknowledged_at, issue.opened_at) if t
        )
        out.insert(1, _clock("next update", targets.update_every, since, None, issue, now))
        try:
            tier = matrix.tier(issue.tier)
        except KeyError:
            return out
        acked = (
            issue.acknowledged_at
            if issue.acknowledged_at and issue.acknowledged_at >= issue.tier_since
            else None
        )
        out.append(
            _clock(
                f"tier {tier.id} response", tier.response_time, issue.tier_since, acked, issue, now
            )
        )
    return out
