"""matrix/intake.yaml: how alerts, tickets and emails from other tools become issues.

Rules are read top to bottom like routing's: the first rule whose `source` and `when` match the
incoming payload's fields says which category, severity (or impact), customer and tags the issue
gets. Routing then picks the owner as for any issue.
"""

# ruff: noqa: RUF012 - pydantic copies mutable defaults per instance

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Self

from pydantic import Field, model_validator

from escmatrix.core.matrix.base import Model
from escmatrix.core.types import Id, Text

if TYPE_CHECKING:
    from escmatrix.core.matrix.assembled import Matrix
    from escmatrix.core.matrix.dangling import Dangling

IntakeSource = Literal["alertmanager", "zendesk", "jsm", "email", "generic"]
INTAKE_SOURCES: tuple[str, ...] = ("alertmanager", "zendesk", "jsm", "email", "generic")


class IntakeRule(Model):
    """One mapping: payloads from `source` whose fields match `when` open issues like this."""

    id: Id
    description: Text = ""
    source: list[IntakeSource] = Field(
        default=[], description="the sources this rule applies to; empty: every source"
    )
    when: dict[Text, list[Text]] = Field(
        default={},
        description="payload field -> accepted values (any of, case-insensitive); every field "
        "given must match; no when: matches everything from the source",
    )
    category: Id
    severity: Id | None = None
    impact: dict[Id, Id] = {}
    customer: Id | None = None
    partner: Id | None = None
    tags: list[Id] = []
    resolve: bool = Field(
        default=False,
        description="a resolved alert or solved ticket resolves the open issue (else: a comment)",
    )

    @model_validator(mode="after")
    def _severity_or_impact(self) -> Self:
        if self.severity is None and not self.impact:
            raise ValueError(f"rule {self.id!r}: give a severity or an impact")
        return self

    def matches(self, source: str, fields: dict[str, tuple[str, ...]]) -> bool:
        """Every `when` field has a value among those accepted (a list field: any of its items)."""
        if self.source and source not in self.source:
            return False
        for key, accepted in self.when.items():
            wanted = {a.lower() for a in accepted}
            if not any(v.lower() in wanted for v in fields.get(key.lower(), ())):
                return False
        return True


class IntakeFile(Model):
    """matrix/intake.yaml"""

    links: dict[IntakeSource, Text] = Field(
        default={},
        description="per source, the URL of an external item, with {id} for its id "
        "(e.g. zendesk: https://acme.zendesk.com/agent/tickets/{id})",
    )
    accounts: dict[Text, Id] = Field(
        default={},
        description="an organization name or email domain as the source says it -> customer id",
    )
    rules: list[IntakeRule] = Field(min_length=1)

    def rule_for(self, source: str, fields: dict[str, tuple[str, ...]]) -> IntakeRule | None:
        return next((r for r in self.rules if r.matches(source, fields)), None)


def intake_dangling(m: Matrix) -> list[Dangling]:
    """Every reference in intake.yaml that points at nothing in the rest of the matrix."""
    from escmatrix.core.matrix.dangling import Dangling

    intake = m.files.get("intake")
    if not isinstance(intake, IntakeFile):
        return []
    found: list[Dangling] = []
    seen: set[str] = set()

    def unknown(loc: tuple[int | str, ...], what: str, ref: str, known: set[str]) -> None:
        shown = ", ".join(sorted(known)[:12]) or "none"
        found.append(Dangling("intake", loc, f"unknown {what} {ref!r}", f"known {what}: {shown}"))

    for i, r in enumerate(intake.rules):
        if r.id in seen:
            found.append(
                Dangling(
                    "intake", ("rules", i, "id"), f"duplicate id {r.id!r}", rule="duplicate-id"
                )
            )
        seen.add(r.id)
        if r.category not in m.categories:
            unknown(("rules", i, "category"), "category", r.category, set(m.categories))
        if r.severity is not None and r.severity not in m.severities:
            unknown(("rules", i, "severity"), "severity", r.severity, set(m.severities))
        for dim in r.impact:
            if dim not in m.dimensions:
                unknown(("rules", i, "impact", dim), "dimension", dim, set(m.dimensions))
        if r.customer is not None and r.customer not in m.customers:
            unknown(("rules", i, "customer"), "customer", r.customer, set(m.customers))
        if r.partner is not None and r.partner not in m.partners:
            unknown(("rules", i, "partner"), "partner", r.partner, set(m.partners))
    for name, customer in intake.accounts.items():
        if customer not in m.customers:
            unknown(("accounts", name), "customer", customer, set(m.customers))
    for source in INTAKE_SOURCES:
        if not any(not r.source or source in r.source for r in intake.rules):
            continue
        if not any((not r.source or source in r.source) and not r.when for r in intake.rules):
            found.append(
                Dangling(
                    "intake",
                    ("rules",),
                    f"no catch-all rule for {source}: some of its payloads would be refused",
                    f"add a last rule with source: [{source}] and no 'when'",
                    rule="no-catch-all",
                )
            )
    return found
