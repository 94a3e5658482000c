"""Matrix values in plain words: people, teams and tiers by name, durations, rule matches and
the issues they catch, and each field's label."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from escmatrix.core.matrix import Absence, Match, Matrix
from escmatrix.core.routing import IssueFacts


def human_duration(delta: timedelta) -> str:
    """'4 h', '30 min', '1 h 30 min', '2 d'."""
    minutes = int(delta.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "min")) if n]
    return " ".join(parts) or "0 min"


def person_name(m: Matrix, ref: str) -> str:
    """A person's name, or `ref` itself when nobody has that id."""
    person = m.people.get(ref)
    return person.name if person else ref


def _team(m: Matrix, ref: str) -> str:
    team = m.teams.get(ref)
    return team.name if team else ref


def tier_name(m: Matrix, ref: str) -> str:
    """A tier's name, or `ref` itself when no tier has that id."""
    return next((t.name for t in m.tiers if t.id == ref), ref)


def owner_label(m: Matrix, owner: str) -> str:
    """A rule's owner as a person says it."""
    if owner == "primary":
        return "the category's primary owner"
    if owner in m.teams:
        return _team(m, owner)
    return person_name(m, owner)


def _grant(m: Matrix, ref: str) -> str:
    return person_name(m, ref) if ref in m.people else f"anyone with role {ref}"


def name_list(values: Sequence[str]) -> str:
    """The names, comma-separated, or 'nobody'."""
    return ", ".join(values) if values else "nobody"


def _absence(a: Absence) -> str:
    return f"{a.starts} to {a.until}" + (f" ({a.note})" if a.note else "")


def describe_match(m: Matrix, when: Match) -> str:
    """'category is Product defect or Billing error, severity is sev1' or 'every issue'."""
    parts = []
    if when.category:
        parts.append("category is " + " or ".join(_category(m, c) for c in when.category))
    if when.severity:
        parts.append("severity is " + " or ".join(when.severity))
    if when.customer:
        parts.append("customer is " + " or ".join(_account(m, c) for c in when.customer))
    if when.partner:
        parts.append("partner is " + " or ".join(_account(m, p) for p in when.partner))
    if when.tags:
        parts.append("tagged " + " or ".join(when.tags))
    if when.strategic is not None:
        parts.append("customer is strategic" if when.strategic else "customer is not strategic")
    return ", ".join(parts) or "every issue"


def _category(m: Matrix, ref: str) -> str:
    category = m.categories.get(ref)
    return category.name if category else ref


def _account(m: Matrix, ref: str) -> str:
    account = m.customers.get(ref) or m.partners.get(ref)
    return account.name if account else ref


PEOPLE_FIELDS = frozenset(
    {
        "primary",
        "backups",
        "specialists",
        "lead",
        "manager",
        "sponsor",
        "members",
        "liaison",
        "reconcilers",
        "owners",
    }
)
TIER_FIELDS = frozenset({"start_tier", "tier"})
LABELS = {
    "primary": "primary owner",
    "backups": "backups",
    "specialists": "specialists",
    "lead": "team lead",
    "sponsor": "executive sponsor",
    "response_time": "response time",
    "held_by": "tier held by",
    "first_response": "first-response target",
    "update_every": "update cadence",
    "resolution": "resolution target",
    "start_tier": "starting tier",
    "out_of_office": "out of office",
    "working_hours": "working hours",
    "when": "matches",
    "tier": "starting tier",
    "allowed": "who may override",
    "reconcilers": "who may reconcile an override",
    "reconcile_within": "reconcile overrides within",
    "period": "review period",
    "last_reviewed": "last reviewed",
    "owners": "review owners",
    "escalate_when": "escalate when",
    "by_severity": "channels by severity",
    "max_length": "maximum length",
}


def value_words(m: Matrix, key: str, value: Any) -> str:
    """A field's value as words, knowing which fields name people, tiers or durations."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, timedelta):
        return human_duration(value)
    if isinstance(value, date | datetime | int | float):
        return str(value)
    if key in PEOPLE_FIELDS:
        refs = value if isinstance(value, list | tuple) else [value]
        return name_list([person_name(m, r) for r in refs])
    if key in TIER_FIELDS:
        return tier_name(m, value)
    if key == "owner":
        return owner_label(m, value)
    if key == "allowed":
        return name_list([_grant(m, r) for r in value])
    if isinstance(value, Match):
        return describe_match(m, value)
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], Absence):
            return "; ".join(_absence(a) for a in value)
        return ", ".join(value_words(m, key, v) for v in value) or "none"
    if isinstance(value, dict):
        inner = "; ".join(f"{k}: {value_words(m, key, v)}" for k, v in value.items())
        return inner or "none"
    if isinstance(value, BaseModel):
        data = value.model_dump(exclude_defaults=True)
        return ", ".join(f"{k} {value_words(m, k, getattr(value, k))}" for k in data) or "defaults"
    return str(value)


def describe_facts(m: Matrix, facts: IssueFacts, *matches: Match) -> str:
    """'Service downtime issues at sev1 from Acme via partner Kestrel' and the like.

    Category and severity are named only when one of `matches` asks for them.
    """
    text = "issues"
    if any(w.category for w in matches):
        text = f"{_category(m, facts.category)} issues"
    if facts.severity and any(w.severity for w in matches):
        text += f" at {facts.severity}"
    if facts.customer:
        text += f" from {_account(m, facts.customer)}"
    elif any(w.strategic for w in matches):
        text += " from strategic customers"
    if facts.partner:
        text += f" via partner {_account(m, facts.partner)}"
    if facts.tags:
        text += f" tagged {', '.join(facts.tags)}"
    return text
