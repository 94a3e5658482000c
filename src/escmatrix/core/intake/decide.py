"""What an incoming payload does: open an issue, comment on the open one, or resolve it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from escmatrix.core.errors import Refused

if TYPE_CHECKING:
    from escmatrix.core.intake import Incoming
    from escmatrix.core.issue import IssueState
    from escmatrix.core.matrix import IntakeFile, IntakeRule, Matrix
    from escmatrix.core.routing import IssueFacts

Action = Literal["open", "comment", "resolve", "ignore"]


@dataclass(frozen=True)
class IntakePlan:
    """The decision for one payload, with the rule and the reason, before anything is written."""

    action: Action
    incoming: Incoming
    rule: IntakeRule | None
    issue: str | None  # the open issue with the same key (comment, resolve)
    reason: str
    url: str
    facts: IssueFacts | None = None


def intake_file(matrix: Matrix) -> IntakeFile:
    from escmatrix.core.matrix import IntakeFile

    found = matrix.files.get("intake")
    if not isinstance(found, IntakeFile):
        raise Refused(
            "this matrix has no matrix/intake.yaml",
            hint="add one to say how alerts, tickets and emails map to categories and severities "
            "(see the README's Intake section)",
        )
    return found


def with_key(issues: list[IssueState], key: str) -> IssueState | None:
    """The issue, open or not, most recently linked with this deduplication key."""
    found = [s for s in issues if any(link.key == key for link in s.links)]
    active = [s for s in found if s.is_active]
    pool = active or found
    return max(pool, key=lambda s: s.opened_at) if pool else None


def plan_intake(matrix: Matrix, incoming: Incoming, existing: IssueState | None) -> IntakePlan:
    """Decide what `incoming` does given the last issue with its key (pure)."""
    from escmatrix.core.routing import IssueFacts

    mapping = intake_file(matrix)
    rule = mapping.rule_for(incoming.source, incoming.fields)
    template = mapping.links.get(incoming.source)  # type: ignore[call-overload]
    url = incoming.url or (template.replace("{id}", incoming.ref.lstrip("#")) if template else "")
    if not url.startswith(("https://", "http://")):  # never store a javascript: or file: link
        url = ""
    if existing is not None and existing.is_active:
        if incoming.resolved:
            if rule is not None and rule.resolve:
                return IntakePlan(
                    "resolve",
                    incoming,
                    rule,
                    existing.id,
                    f"resolved at the source; rule {rule.id} resolves",
                    url,
                )
            why = f"rule {rule.id} does not resolve" if rule else "no rule resolves it"
            return IntakePlan(
                "comment", incoming, rule, existing.id, f"resolved at the source; {why}", url
            )
        return IntakePlan("comment", incoming, rule, existing.id, f"repeat of {incoming.key}", url)
    if incoming.resolved:
        return IntakePlan(
            "ignore",
            incoming,
            rule,
            existing.id if existing else None,
            "resolved at the source and no open issue has its key: nothing to do",
            url,
        )
    if rule is None:
        raise Refused(
            f"no rule in matrix/intake.yaml matches this {incoming.source} payload "
            f"(fields: {_shown(incoming.fields)})",
            hint=f"add a last rule with source: [{incoming.source}] and no 'when' as a catch-all",
        )
    customer = rule.customer
    if customer is None and incoming.account:
        customer = mapping.accounts.get(incoming.account) or (
            incoming.account if incoming.account in matrix.customers else None
        )
    facts = IssueFacts(
        rule.category,
        rule.severity,
        dict(rule.impact),
        customer,
        rule.partner,
        tuple(rule.tags),
    )
    return IntakePlan("open", incoming, rule, None, f"rule {rule.id} matched", url, facts)


def _shown(fields: dict[str, tuple[str, ...]]) -> str:
    items = [f"{k}={'|'.join(v)}" for k, v in sorted(fields.items())]
    text = ", ".join(items[:10]) + (", ..." if len(items) > 10 else "")
    return text or "none"
