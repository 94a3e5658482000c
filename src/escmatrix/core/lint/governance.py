"""Governance: who may override the routing (`override-everybody`), and a review that is due
(`review-overdue`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from escmatrix.core.durations import format_duration
from escmatrix.core.lint.findings import Finding
from escmatrix.core.lint.lookups import matrix_file
from escmatrix.core.matrix import GovernanceFile, Matrix


def lint_governance(m: Matrix, now: datetime) -> Iterator[Finding]:
    governance = matrix_file(m, "governance", GovernanceFile)
    allowed = [p for p in m.people if m.may_override(p)]
    if len(m.people) > 1 and len(allowed) == len(m.people):
        yield Finding(
            "override-everybody",
            "governance",
            ("overrides", "allowed"),
            f"everybody ({len(m.people)} people) may override the routing",
            "allow only the roles who answer for an override, e.g. [manager, executive]",
        )
    review = governance.review
    due = review.last_reviewed + timedelta(days=review.period.days)
    today = now.astimezone(UTC).date()
    if today > due:
        owners = ", ".join(review.owners) or "its owners"
        yield Finding(
            "review-overdue",
            "governance",
            ("review", "last_reviewed"),
            f"the matrix was last reviewed on {review.last_reviewed}; with a review every "
            f"{_period(review.period)} it was due on {due}, {(today - due).days} days ago",
            f"review the matrix with {owners}, then set last_reviewed to that day",
        )


def _period(delta: timedelta) -> str:
    days = delta.days
    if days and days % 7 == 0:
        return f"{days // 7} weeks" if days > 7 else "week"
    return f"{days} days" if days > 1 else format_duration(delta)
