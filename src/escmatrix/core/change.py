"""What a matrix change does, in words a support lead reads, and whose issues it moves.

`explain` compares two matrices item by item (people, teams, categories, tiers, severities,
rules, accounts, channels, governance) and says each difference as a sentence. `what_if` routes a
fixed set of probe issues under both and keeps the ones whose owner, tier, severity or targets
change. Pure: both take the time to route at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import product
from typing import Any

from pydantic import BaseModel

from escmatrix.core.errors import EscmatrixError
from escmatrix.core.matrix import Absence, Match, Matrix, Model, Rule
from escmatrix.core.routing import IssueFacts, route

MAX_IMPACT_PROBES = 200


@dataclass(frozen=True)
class Change:
    """One difference, said in plain words; `area` is the matrix file kind it belongs to."""

    area: str
    text: str


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


# -- words --------------------------------------------------------------------------------------


def human_duration(delta: timedelta) -> str:
    """'4 h', '30 min', '1 h 30 min', '2 d'."""
    minutes = int(delta.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "min")) if n]
    return " ".join(parts) or "0 min"


def _person(m: Matrix, ref: str) -> str:
    person = m.people.get(ref)
    return person.name if person else ref


def _team(m: Matrix, ref: str) -> str:
    team = m.teams.get(ref)
    return team.name if team else ref


def _tier(m: Matrix, ref: str) -> str:
    return next((t.name for t in m.tiers if t.id == ref), ref)


def owner_label(m: Matrix, owner: str) -> str:
    """A rule's owner as a person says it."""
    if owner == "primary":
        return "the category's primary owner"
    if owner in m.teams:
        return _team(m, owner)
    return _person(m, owner)


def _grant(m: Matrix, ref: str) -> str:
    return _person(m, ref) if ref in m.people else f"anyone with role {ref}"


def _names(values: Sequence[str]) -> str:
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


def _value(m: Matrix, key: str, value: Any) -> str:
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
        return _names([_person(m, r) for r in refs])
    if key in TIER_FIELDS:
        return _tier(m, value)
    if key == "owner":
        return owner_label(m, value)
    if key == "allowed":
        return _names([_grant(m, r) for r in value])
    if isinstance(value, Match):
        return describe_match(m, value)
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], Absence):
            return "; ".join(_absence(a) for a in value)
        return ", ".join(_value(m, key, v) for v in value) or "none"
    if isinstance(value, dict):
        inner = "; ".join(f"{k}: {_value(m, key, v)}" for k, v in value.items())
        return inner or "none"
    if isinstance(value, BaseModel):
        data = value.model_dump(exclude_defaults=True)
        return ", ".join(f"{k} {_value(m, k, getattr(value, k))}" for k in data) or "defaults"
    return str(value)


# -- explaining the difference ------------------------------------------------------------------

Label = Callable[[Matrix, Any], str]


def explain(before: Matrix, after: Matrix, at: datetime) -> list[Change]:
    """Every difference between two matrices, in plain words, in matrix-file order."""
    changes: list[Change] = []
    changes += _items(
        "people", "person", before.people, after.people, before, after, lambda m, p: p.name
    )
    changes += _items(
        "teams", "team", before.teams, after.teams, before, after, lambda m, t: t.name
    )
    changes += _items(
        "categories",
        "category",
        before.categories,
        after.categories,
        before,
        after,
        lambda m, c: c.name,
    )
    changes += _items(
        "ladder",
        "tier",
        {t.id: t for t in before.tiers},
        {t.id: t for t in after.tiers},
        before,
        after,
        lambda m, t: t.name,
    )
    changes += _order(
        "ladder",
        "The ladder",
        [t.id for t in before.tiers],
        [t.id for t in after.tiers],
        lambda i: _tier(after, i),
    )
    changes += _items(
        "severity",
        "impact dimension",
        before.dimensions,
        after.dimensions,
        before,
        after,
        lambda m, d: f"Impact dimension {d.name}",
    )
    changes += _severities(before, after)
    changes += _items(
        "routing",
        "rule",
        {r.id: r for r in before.rules},
        {r.id: r for r in after.rules},
        before,
        after,
        lambda m, r: f"Rule `{r.id}`",
        new_text=_new_rule,
    )
    changes += _rule_order(before, after, at)
    changes += _items(
        "accounts",
        "customer",
        before.customers,
        after.customers,
        before,
        after,
        lambda m, a: f"Customer {a.name}",
    )
    changes += _items(
        "accounts",
        "partner",
        before.partners,
        after.partners,
        before,
        after,
        lambda m, a: f"Partner {a.name}",
    )
    changes += _items(
        "comms",
        "channel",
        {c.id: c for c in before.comms.channels},
        {c.id: c for c in after.comms.channels},
        before,
        after,
        lambda m, c: f"Channel {c.id}",
    )
    changes += _by_severity(before, after)
    changes += _fields(
        "comms",
        "Status updates",
        before.comms.status_update,
        after.comms.status_update,
        before,
        after,
    )
    changes += _fields(
        "governance",
        "Overrides",
        before.governance.overrides,
        after.governance.overrides,
        before,
        after,
    )
    changes += _fields(
        "governance",
        "Matrix review",
        before.governance.review,
        after.governance.review,
        before,
        after,
    )
    changes += _fields(
        "governance",
        "Automation identity",
        before.governance.automation,
        after.governance.automation,
        before,
        after,
    )
    explained = {c.area for c in changes}
    for kind in sorted(set(before.files) | set(after.files)):
        if kind in explained:
            continue
        old, new = before.files.get(kind), after.files.get(kind)
        if old != new:
            changes.append(Change(kind, f"matrix/{kind}.yaml changes in details not listed here"))
    return changes


def _items(
    area: str,
    noun: str,
    old: dict[str, Any],
    new: dict[str, Any],
    before: Matrix,
    after: Matrix,
    label: Label,
    new_text: Label | None = None,
) -> Iterator[Change]:
    for ident, item in old.items():
        if ident not in new:
            yield Change(area, f"{label(before, item)} ({ident}) is removed")
    for ident, item in new.items():
        if ident not in old:
            text = (
                new_text(after, item) if new_text else f"New {noun}: {label(after, item)} ({ident})"
            )
            yield Change(area, text)
    for ident, item in new.items():
        if ident in old and old[ident] != item:
            yield from _fields(area, label(after, item), old[ident], item, before, after)


def _fields(
    area: str, subject: str, old: Model | None, new: Model | None, before: Matrix, after: Matrix
) -> Iterator[Change]:
    if old == new:
        return
    if old is None or new is None:
        yield Change(area, f"{subject}: {'added' if old is None else 'removed'}")
        return
    for key in type(new).model_fields:
        was, now = getattr(old, key), getattr(new, key)
        if was == now:
            continue
        label = LABELS.get(key, key.replace("_", " "))
        if key == "backups" and len(was) == len(now) == 1:
            label = "backup"
        if isinstance(now, timedelta | int | float) and not isinstance(now, bool):
            yield Change(
                area, f"{subject} {label}: {_value(before, key, was)} → {_value(after, key, now)}"
            )
        else:
            yield Change(
                area,
                f"{subject}: {label} changes from {_value(before, key, was)} to "
                f"{_value(after, key, now)}",
            )


def _order(
    area: str, subject: str, old: list[str], new: list[str], name: Callable[[str], str]
) -> Iterator[Change]:
    common = [i for i in new if i in old]
    if common != [i for i in old if i in new]:
        yield Change(area, f"{subject} is reordered: {' → '.join(name(i) for i in new)}")


def _new_rule(m: Matrix, rule: Rule) -> str:
    position = next(i for i, r in enumerate(m.rules, 1) if r.id == rule.id)
    tier = f", starting at {_tier(m, rule.tier)}" if rule.tier else ""
    return (
        f"New rule `{rule.id}` at position {position}: {describe_match(m, rule.when)} goes to "
        f"{owner_label(m, rule.owner)}{tier}"
    )


def _severities(before: Matrix, after: Matrix) -> Iterator[Change]:
    for ident, sev in before.severities.items():
        if ident not in after.severities:
            yield Change("severity", f"Severity {ident} ({sev.name}) is removed")
    for ident, sev in after.severities.items():
        old = before.severities.get(ident)
        subject = f"Severity {ident} ({sev.name})"
        if old is None:
            yield Change(
                "severity",
                f"New severity: {sev.name} ({ident}), impact score {sev.min_score}–{sev.max_score}",
            )
            continue
        if (old.min_score, old.max_score) != (sev.min_score, sev.max_score):
            yield Change(
                "severity",
                f"{subject} impact score range: {old.min_score}–"
                f"{old.max_score} → {sev.min_score}–{sev.max_score}",
            )
        rest_old = old.model_copy(update={"min_score": 0, "max_score": 0})
        rest_new = sev.model_copy(update={"min_score": 0, "max_score": 0})
        yield from _fields("severity", subject, rest_old, rest_new, before, after)


def _by_severity(before: Matrix, after: Matrix) -> Iterator[Change]:
    old, new = before.comms.by_severity, after.comms.by_severity
    for sev in sorted(set(old) | set(new)):
        if old.get(sev) != new.get(sev):
            was, now = old.get(sev) or [], new.get(sev) or []
            yield Change(
                "comms",
                f"Severity {sev} is told on {_names(now) if now else 'no channel'}"
                f" (was: {', '.join(was) or 'no channel'})",
            )


# -- rule order ---------------------------------------------------------------------------------


def _rule_order(before: Matrix, after: Matrix, at: datetime) -> Iterator[Change]:
    old = [r.id for r in before.rules if r.id in {x.id for x in after.rules}]
    new = [r.id for r in after.rules if r.id in set(old)]
    if old == new:
        return
    old_pos = {r: i for i, r in enumerate(old)}
    rules = {r.id: r for r in after.rules}
    said = False
    for i, a in enumerate(new):
        for b in new[i + 1 :]:
            if old_pos[a] < old_pos[b]:
                continue  # same relative order as before
            facts = overlap_facts(after, rules[a].when, rules[b].when)
            if facts is None:
                continue
            said = True
            text = f"Rule `{a}` now matches before `{b}`"
            was, now = _outcome(before, facts, at), _outcome(after, facts, at)
            if (
                was.error is None
                and now.error is None
                and (was.rule, was.owner)
                != (
                    now.rule,
                    now.owner,
                )
            ):
                text += (
                    f": {describe_facts(after, facts, rules[a].when, rules[b].when)} that used to "
                    "go to "
                    f"{_rule_owner(before, was)} now go to {_rule_owner(after, now)}"
                )
            yield Change("routing", text)
    if not said:
        yield Change(
            "routing",
            "Routing rules are reordered: "
            f"{' → '.join(f'`{r}`' for r in new)} (no issue matches two "
            "rules whose order changed)",
        )


def _rule_owner(m: Matrix, outcome: Outcome) -> str:
    rule = next((r for r in m.rules if r.id == outcome.rule), None)
    person = _person(m, outcome.owner or "")
    if rule is None or rule.owner == "primary" or rule.owner in m.people:
        return person
    return f"{owner_label(m, rule.owner)} ({person})"


def overlap_facts(m: Matrix, a: Match, b: Match) -> IssueFacts | None:
    """An issue that matches both `a` and `b`, or None when no issue can."""

    def pick(x: list[str], y: list[str], every: list[str]) -> list[str] | None:
        if x and y:
            both = [v for v in x if v in y]
            return both or None
        return x or y or every

    categories = pick(a.category, b.category, list(m.categories))
    severities = pick(a.severity, b.severity, list(m.severities))
    if not categories or not severities:
        return None
    customers: list[str | None]
    if a.customer or b.customer:
        chosen = pick(a.customer, b.customer, [])
        if chosen is None:
            return None
        customers = list(chosen)
    else:
        customers = [None, *m.customers]
    wants = {s for s in (a.strategic, b.strategic) if s is not None}
    if len(wants) > 1:
        return None
    if wants:
        flag = wants.pop()
        customers = [c for c in customers if bool(c and m.customers[c].strategic) == flag]
        if not customers:
            return None
    partners: list[str | None]
    if a.partner or b.partner:
        chosen = pick(a.partner, b.partner, [])
        if chosen is None:
            return None
        partners = list(chosen)
    else:
        partners = [None]
    tags = tuple(dict.fromkeys([*a.tags[:1], *b.tags[:1]]))
    return IssueFacts(categories[0], severities[0], {}, customers[0], partners[0], tags)


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


# -- what-if ------------------------------------------------------------------------------------


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


def _outcome(m: Matrix, facts: IssueFacts, at: datetime) -> Outcome:
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
        was, now = _outcome(before, probe.facts, at), _outcome(after, probe.facts, at)
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
            yield f"{label} {_person(before, old)} → {_person(after, new)}"
        elif key == "tier":
            yield f"{label} {_tier(before, old)} → {_tier(after, new)}"
        elif isinstance(new, timedelta):
            yield f"{label} {human_duration(old)} → {human_duration(new)}"
        else:
            yield f"{label} {old} → {new}"
