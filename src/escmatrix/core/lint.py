"""Policy lints over an assembled matrix: pure, each finding with a stable rule id and a place.

A finding names the matrix file kind and the path inside it (as pydantic does), so the store can
turn it into file:line:column. `RULES` is the catalogue of every rule id `validate` can report,
the ones found here and the ones the loader and the issue checks report, with its severity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from escmatrix.core.matrix import (
    AccountsFile,
    CategoriesFile,
    CommsFile,
    GovernanceFile,
    LadderFile,
    Match,
    Matrix,
    Model,
    PeopleFile,
    Person,
    Rule,
    Severity,
    SeverityFile,
    TeamsFile,
)
from escmatrix.core.types import format_duration

Level = Literal["error", "warning"]
Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class RuleInfo:
    """One rule `validate` reports: its stable id, default severity and what it guards against."""

    id: str
    severity: Level
    summary: str


_CATALOGUE: tuple[tuple[str, Level, str], ...] = (
    ("yaml", "error", "The file is well-formed UTF-8 YAML without duplicate keys."),
    ("schema", "error", "Every key and value is one the file's model allows."),
    ("missing-file", "error", "Every required matrix file exists."),
    ("unknown-file", "error", "matrix/ holds only known matrix files."),
    (
        "unknown-reference",
        "error",
        "Every person, team, tier, category, severity, channel, "
        "customer, partner and playbook referenced exists.",
    ),
    ("duplicate-id", "error", "Ids are unique within a file."),
    ("duplicate-email", "error", "No two people share an email (it identifies the actor)."),
    ("missing-backup", "error", "Every category names at least one backup."),
    ("backup-is-primary", "error", "A category's backup is not its primary owner."),
    ("owners-all-away", "error", "Some owner of every category is in the office today."),
    ("missing-playbook", "error", "Every category names its playbook."),
    ("ladder-not-increasing", "error", "Response times grow from tier to tier."),
    ("tier-unholdable", "warning", "Every tier has someone in the office to hold it today."),
    ("severity-range", "error", "A severity's max_score is not below its min_score."),
    ("severity-gap", "error", "Every reachable impact score maps to a severity."),
    ("severity-overlap", "error", "No reachable impact score maps to two severities."),
    ("severity-no-channel", "error", "Every severity names the channels to tell."),
    ("severity-no-cadence", "error", "Every severity sets an update cadence."),
    (
        "rule-shadowed",
        "error",
        "Every routing rule can match: no earlier rule takes all its issues.",
    ),
    ("no-catch-all", "error", "Routing ends with a rule that matches every issue."),
    ("override-nobody", "error", "Governance lets someone override the routing."),
    ("override-everybody", "error", "Governance does not let everybody override the routing."),
    ("coverage-gap", "error", "Someone who can hold a 24x7 tier is working at every hour."),
    ("review-overdue", "warning", "The matrix was reviewed within its review period."),
    ("playbook-invalid", "error", "Every playbook starts with valid front matter."),
    ("playbook-unknown-category", "error", "A playbook's category exists in the matrix."),
    ("playbook-unknown-owner", "error", "A playbook's owners are people of the matrix."),
    ("playbook-duplicate", "error", "A category has one playbook."),
    ("playbook-mismatch", "error", "A category's playbook file declares that category."),
    ("issue-folder", "error", "issues/ holds only issue folders."),
    ("stray-file", "error", "Issue folders hold only event files."),
    ("event-name", "error", "An event file's name matches the event inside it."),
    ("fold", "error", "An issue's events start with 'opened'."),
    (
        "stale-reference",
        "warning",
        "A resolved or closed issue names something the matrix no longer has.",
    ),
)

RULES: dict[str, RuleInfo] = {rid: RuleInfo(rid, level, text) for rid, level, text in _CATALOGUE}


def rule_info(rule: str) -> RuleInfo:
    """The catalogue entry for `rule`; an id from elsewhere is an error with no summary."""
    return RULES.get(rule) or RuleInfo(rule, "error", rule.replace("-", " "))


@dataclass(frozen=True)
class Finding:
    """A lint finding in matrix/<kind>.yaml at `loc`; `at_key` points at the key, not its value."""

    rule: str
    kind: str
    loc: Loc
    message: str
    hint: str | None = None
    at_key: bool = False

    @property
    def severity(self) -> Level:
        return rule_info(self.rule).severity


# Schema errors that are a named policy, not just a bad value: (file kind, path, error type).
_SCHEMA_RULES: tuple[tuple[str, re.Pattern[str], str, str], ...] = (
    (
        "categories",
        re.compile(r"^categories\.\d+\.backups$"),
        "missing|too_short",
        "missing-backup",
    ),
    ("governance", re.compile(r"^overrides\.allowed$"), "missing|too_short", "override-nobody"),
    ("severity", re.compile(r"^severities\.\d+\.update_every$"), "missing", "severity-no-cadence"),
)


def schema_rule(kind: str, loc: Sequence[int | str], error_type: str) -> str:
    """The rule id for one pydantic error in matrix/<kind>.yaml: a named policy, else `schema`."""
    path = ".".join(str(part) for part in loc)
    for rule_kind, pattern, types, rule in _SCHEMA_RULES:
        if kind == rule_kind and pattern.match(path) and error_type in types.split("|"):
            return rule
    return "schema"


def lint(matrix: Matrix, *, now: datetime, playbooks: frozenset[str] | None) -> list[Finding]:
    """Every policy finding for `matrix` at `now`; `playbooks` lists files under playbooks/."""
    found: list[Finding] = []
    found += _unique_values(matrix)
    found += _categories(matrix, now, playbooks)
    found += _ladder(matrix)
    found += _tier_holders(matrix, now)
    found += _thresholds(matrix)
    found += _shadowed_rules(matrix)
    found += _channels(matrix)
    found += _governance(matrix, now)
    found += _coverage(matrix, now)
    return found


M = TypeVar("M", bound=Model)


def _file(matrix: Matrix, kind: str, model: type[M]) -> M:
    value = matrix.files.get(kind) or model.model_validate({})
    assert isinstance(value, model)
    return value


def _name(matrix: Matrix, person_id: str) -> str:
    person = matrix.people.get(person_id)
    return f"{person.name} ({person_id})" if person else person_id


def _away_until(person: Person, now: datetime) -> date | None:
    day = now.date()
    ends = [a.until for a in person.out_of_office if a.starts <= day <= a.until]
    return max(ends) if ends else None


# -- unique ids and emails ----------------------------------------------------------------------


def _unique_values(m: Matrix) -> Iterator[Finding]:
    comms = _file(m, "comms", CommsFile)
    severity = _file(m, "severity", SeverityFile)
    accounts = _file(m, "accounts", AccountsFile)
    for kind, key, ids in (
        ("comms", "channels", [c.id for c in comms.channels]),
        ("severity", "dimensions", [d.id for d in severity.dimensions]),
        ("accounts", "customers", [a.id for a in accounts.customers]),
        ("accounts", "partners", [a.id for a in accounts.partners]),
    ):
        for index in _repeats(ids):
            yield Finding(
                "duplicate-id",
                kind,
                (key, index, "id"),
                f"duplicate id {ids[index]!r}",
                "ids must be unique within a file",
            )
    emails = [p.email.lower() for p in _file(m, "people", PeopleFile).people]
    for index in _repeats(emails):
        yield Finding(
            "duplicate-email",
            "people",
            ("people", index, "email"),
            f"email {emails[index]!r} is used by another person too",
            "git's user.email names the actor, so each person needs their own",
        )


def _repeats(values: list[str]) -> Iterator[int]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield index
        seen.add(value)


# -- categories ---------------------------------------------------------------------------------


def _categories(m: Matrix, now: datetime, playbooks: frozenset[str] | None) -> Iterator[Finding]:
    for i, c in enumerate(_file(m, "categories", CategoriesFile).categories):
        owners = [m.people.get(ref) for ref in (c.primary, *c.backups)]
        if all(owners) and all(p is not None and p.is_away(now) for p in owners):
            away = ", ".join(f"{p.id} until {_away_until(p, now)}" for p in owners if p is not None)
            yield Finding(
                "owners-all-away",
                "categories",
                ("categories", i),
                f"category {c.id!r}: every owner is out of office on {now.date()} ({away})",
                "add a backup who is in, so new issues reach someone",
            )
        if c.playbook is None:
            yield Finding(
                "missing-playbook",
                "categories",
                ("categories", i),
                f"category {c.id!r} names no playbook",
                f"add `playbook: {c.id}.md` and write playbooks/{c.id}.md",
            )
        elif playbooks is not None and _playbook_path(c.playbook) not in playbooks:
            yield Finding(
                "unknown-reference",
                "categories",
                ("categories", i, "playbook"),
                f"category {c.id!r}: playbook {c.playbook!r} is not a file under playbooks/",
                _known("playbooks", set(playbooks)),
            )


def _playbook_path(reference: str) -> str:
    """The reference as a path inside playbooks/, or '' when it points outside."""
    parts = reference.replace("\\", "/").split("/")
    if reference.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return ""
    return "/".join(parts)


def _known(what: str, values: set[str]) -> str:
    listed = sorted(values)
    shown = ", ".join(listed[:12]) + (", ..." if len(listed) > 12 else "")
    return f"known {what}: {shown}" if listed else f"no {what} exist"


# -- the ladder ---------------------------------------------------------------------------------


def _ladder(m: Matrix) -> Iterator[Finding]:
    tiers = _file(m, "ladder", LadderFile).tiers
    for i in range(1, len(tiers)):
        lower, upper = tiers[i - 1], tiers[i]
        if upper.response_time <= lower.response_time:
            yield Finding(
                "ladder-not-increasing",
                "ladder",
                ("tiers", i, "response_time"),
                f"tier {upper.id!r} responds in {format_duration(upper.response_time)}, no longer "
                f"than the tier below it ({lower.id!r}, {format_duration(lower.response_time)})",
                "each tier up the ladder gets more time than the one below, "
                f"so give {upper.id!r} more than {format_duration(lower.response_time)}",
            )


def _owner_pool(m: Matrix) -> set[str]:
    """Everyone routing can make an issue's owner."""
    pool: set[str] = set()
    for c in m.categories.values():
        pool.update((c.primary, *c.backups))
    for r in m.rules:
        team = m.teams.get(r.owner)
        if team is not None:
            pool.update((*team.members, team.lead))
        elif r.owner != "primary":
            pool.add(r.owner)
    return {p for p in pool if p in m.people}


def _tier_holders(m: Matrix, now: datetime) -> Iterator[Finding]:
    owning_teams = {m.people[p].team for p in _owner_pool(m)}
    held = {t.held_by for t in m.tiers if t.held_by != "owner"}
    tiers_by_holder = {h: [t.id for t in m.tiers if t.held_by == h] for h in held}
    for i, team in enumerate(_file(m, "teams", TeamsFile).teams):
        if team.id not in owning_teams:
            continue
        for holder in ("lead", "manager", "sponsor"):
            if holder not in held:
                continue
            person = m.people.get(getattr(team, holder))
            until = _away_until(person, now) if person else None
            if person is None or until is None:
                continue
            tiers = ", ".join(repr(t) for t in tiers_by_holder[holder])
            yield Finding(
                "tier-unholdable",
                "teams",
                ("teams", i, holder),
                f"nobody can hold tier {tiers} for team {team.id!r} on {now.date()}: its "
                f"{holder} {_name(m, person.id)} is out of office until {until}",
                f"name a stand-in as the team's {holder} while {person.id} is away",
            )


# -- impact scores and severity thresholds ------------------------------------------------------

_MAX_SCORES = 100_000


def reachable_scores(m: Matrix) -> list[int]:
    """Every impact score some combination of levels gives (a dimension left out counts 0)."""
    scores = {0}
    for dim in m.dimensions.values():
        options = {0} | {dim.weight * level for level in dim.levels.values()}
        scores = {s + o for s in scores for o in options}
        if len(scores) > _MAX_SCORES:  # too many to list: treat the whole span as reachable
            return list(range(min(scores), max(scores) + 1))
    return sorted(scores)


def _thresholds(m: Matrix) -> Iterator[Finding]:
    severities = _file(m, "severity", SeverityFile).severities
    if not severities or any(s.max_score < s.min_score for s in severities):
        return  # severity-range reports the broken range; gaps would only repeat it
    reachable = reachable_scores(m)
    span = f"{reachable[0]}–{reachable[-1]}"
    gaps: list[list[int]] = []
    overlaps: dict[tuple[int, int], list[int]] = {}
    previous_covered = True
    for score in reachable:
        covering = [i for i, s in enumerate(severities) if s.min_score <= score <= s.max_score]
        if not covering:
            if previous_covered:
                gaps.append([])
            gaps[-1].append(score)
        for n, a in enumerate(covering):
            for b in covering[n + 1 :]:
                overlaps.setdefault((a, b), []).append(score)
        previous_covered = bool(covering)
    for gap in gaps:
        yield _gap_finding(severities, gap, span)
    for (a, b), scores in overlaps.items():
        first, second = severities[a], severities[b]
        key = "min_score" if first.min_score <= second.min_score <= first.max_score else "max_score"
        yield Finding(
            "severity-overlap",
            "severity",
            ("severities", b, key),
            f"impact score{'s' if len(scores) > 1 else ''} {_scores(scores)} map to both "
            f"{first.id} ({first.min_score}–{first.max_score}) and {second.id} "
            f"({second.min_score}–{second.max_score})",
            "make the ranges meet without overlapping",
        )


def _gap_finding(severities: Sequence[Severity], gap: list[int], span: str) -> Finding:
    above = [(s.min_score, i) for i, s in enumerate(severities) if s.min_score > gap[-1]]
    below = [(s.max_score, i) for i, s in enumerate(severities) if s.max_score < gap[0]]
    if above:
        loc: Loc = ("severities", min(above)[1], "min_score")
    elif below:
        loc = ("severities", max(below)[1], "max_score")
    else:
        loc = ("severities",)
    plural = len(gap) > 1
    return Finding(
        "severity-gap",
        "severity",
        loc,
        f"impact score{'s' if plural else ''} {_scores(gap)} map{'' if plural else 's'} to no "
        f"severity (reachable scores run {span})",
        "stretch a neighbouring severity's min_score or max_score over the gap",
    )


def _scores(values: list[int]) -> str:
    shown = ", ".join(str(v) for v in values[:8])
    return shown + (f" … {values[-1]}" if len(values) > 8 else "")


# -- routing ------------------------------------------------------------------------------------

_MAX_CELLS = 4096


@dataclass(frozen=True)
class _Cond:
    """A rule's match as sets; an empty set means 'any'."""

    category: frozenset[str]
    severity: frozenset[str]
    customer: frozenset[str]
    partner: frozenset[str]
    tags: frozenset[str]
    strategic: bool | None

    @classmethod
    def of(cls, when: Match) -> _Cond:
        return cls(
            frozenset(when.category),
            frozenset(when.severity),
            frozenset(when.customer),
            frozenset(when.partner),
            frozenset(when.tags),
            when.strategic,
        )


def _covers(a: _Cond, b: _Cond, strategic: dict[str, bool]) -> bool:
    """Does `a` match every issue `b` matches?"""
    for wide, narrow in (
        (a.category, b.category),
        (a.severity, b.severity),
        (a.customer, b.customer),
        (a.partner, b.partner),
        (a.tags, b.tags),
    ):
        if wide and not (narrow and narrow <= wide):
            return False
    if a.strategic is None or b.strategic == a.strategic:
        return True
    return bool(b.customer) and all(strategic.get(c, False) == a.strategic for c in b.customer)


def _shadowed_rules(m: Matrix) -> Iterator[Finding]:
    strategic = {c.id: c.strategic for c in m.customers.values()}
    conds = [_Cond.of(r.when) for r in m.rules]
    any_category: list[int] = []
    by_category: dict[str, list[int]] = {}
    for j, cond in enumerate(conds):
        if cond.category:
            earlier = sorted(
                {*any_category, *(i for c in cond.category for i in by_category.get(c, []))}
            )
        else:
            earlier = list(any_category)
        shadow = next((i for i in earlier if _covers(conds[i], cond, strategic)), None)
        if shadow is not None:
            yield _shadow_finding(m.rules, j, [shadow])
        else:
            together = _covering_union(m, cond, [conds[i] for i in earlier], strategic)
            if together is not None:
                yield _shadow_finding(m.rules, j, [earlier[k] for k in together])
        if cond.category:
            for c in cond.category:
                by_category.setdefault(c, []).append(j)
        else:
            any_category.append(j)


def _covering_union(
    m: Matrix, cond: _Cond, earlier: list[_Cond], strategic: dict[str, bool]
) -> list[int] | None:
    """Which earlier rules together match every issue `cond` matches, when the cases are few."""
    if len(earlier) < 2:
        return None
    customers = _axis(cond.customer, m.customers, with_none=True)
    if cond.strategic is not None:
        customers = [c for c in customers if strategic.get(c or "", False) == cond.strategic]
    axes = [
        _axis(cond.category, m.categories, with_none=False),
        _axis(cond.severity, m.severities, with_none=False),
        customers,
        _axis(cond.partner, m.partners, with_none=True),
    ]
    cells = 1
    for axis in axes:
        cells *= len(axis)
    if cells == 0 or cells > _MAX_CELLS:
        return None
    used: set[int] = set()
    for cat in axes[0]:
        for sev in axes[1]:
            for cust in axes[2]:
                for part in axes[3]:
                    hit = next(
                        (
                            k
                            for k, a in enumerate(earlier)
                            if _matches_cell(a, cond.tags, (cat, sev, cust, part), strategic)
                        ),
                        None,
                    )
                    if hit is None:
                        return None
                    used.add(hit)
    return sorted(used)


def _axis(wanted: frozenset[str], every: Iterable[str], *, with_none: bool) -> list[str | None]:
    """The values a rule's key can take: those it names, else every one (and none, if optional)."""
    values: list[str | None] = list(sorted(wanted or every))
    return values if wanted or not with_none else [None, *values]


def _matches_cell(
    a: _Cond,
    tags: frozenset[str],
    cell: tuple[str | None, str | None, str | None, str | None],
    strategic: dict[str, bool],
) -> bool:
    cat, sev, cust, part = cell
    for wanted, value in (
        (a.category, cat),
        (a.severity, sev),
        (a.customer, cust),
        (a.partner, part),
    ):
        if wanted and value not in wanted:
            return False
    if a.tags and not (tags and tags <= a.tags):
        return False
    return a.strategic is None or strategic.get(cust or "", False) == a.strategic


def _shadow_finding(rules: list[Rule], j: int, earlier: list[int]) -> Finding:
    names = " and ".join(repr(rules[i].id) for i in earlier)
    if len(earlier) == 1:
        why = f"rule {names} comes first and matches every issue it would"
    else:
        why = f"rules {names} come first and together match every issue it would"
    return Finding(
        "rule-shadowed",
        "routing",
        ("rules", j),
        f"rule {rules[j].id!r} can never match: {why}",
        f"move {rules[j].id!r} above {rules[earlier[0]].id!r}, narrow the earlier rule, or "
        "delete this one",
    )


# -- communication ------------------------------------------------------------------------------


def _channels(m: Matrix) -> Iterator[Finding]:
    has_comms = "comms" in m.files
    for i, sev in enumerate(_file(m, "severity", SeverityFile).severities):
        if m.comms.by_severity.get(sev.id):
            continue
        hint = f"add `{sev.id}: [CHANNEL]` under by_severity in matrix/comms.yaml"
        message = f"severity {sev.id!r} names no channel to tell"
        if not has_comms:
            yield Finding("severity-no-channel", "severity", ("severities", i), message, hint)
        elif sev.id in m.comms.by_severity:
            yield Finding("severity-no-channel", "comms", ("by_severity", sev.id), message, hint)
        else:
            yield Finding(
                "severity-no-channel", "comms", ("by_severity",), message, hint, at_key=True
            )


# -- governance ---------------------------------------------------------------------------------


def _governance(m: Matrix, now: datetime) -> Iterator[Finding]:
    governance = _file(m, "governance", GovernanceFile)
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


# -- 24x7 coverage ------------------------------------------------------------------------------

_DEFAULT_HOURS = "09:00-17:00"
_SLOT = timedelta(minutes=30)


def _hours(text: str | None) -> tuple[time, time | None]:
    start, end = (text or _DEFAULT_HOURS).split("-")
    return time.fromisoformat(start), None if end == "24:00" else time.fromisoformat(end)


def _working(local: time, hours: tuple[time, time | None]) -> bool:
    start, end = hours
    if end is None:
        return local >= start
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # overnight, e.g. 22:00-06:00


def _tier_pool(m: Matrix, held_by: str) -> set[str]:
    owners = _owner_pool(m)
    if held_by == "owner":
        return owners
    teams = {m.people[p].team for p in owners}
    return {getattr(m.teams[t], held_by) for t in teams if t in m.teams} & set(m.people)


def _coverage(m: Matrix, now: datetime) -> Iterator[Finding]:
    day = datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)
    slots = [day + _SLOT * k for k in range(48)]
    for i, tier in enumerate(_file(m, "ladder", LadderFile).tiers):
        if tier.coverage != "24x7":
            continue
        pool = sorted(_tier_pool(m, tier.held_by))
        covered = [False] * len(slots)
        for person_id in pool:
            person = m.people[person_id]
            zone, hours = ZoneInfo(person.timezone), _hours(person.working_hours)
            for k, slot in enumerate(slots):
                covered[k] = covered[k] or _working(
                    (slot + _SLOT / 2).astimezone(zone).time(), hours
                )
        if all(covered):
            continue
        if any(covered):
            shown = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in _runs(slots, covered)) + " UTC"
        else:
            shown = "at any hour"
        zones = sorted({m.people[p].timezone for p in pool})
        yield Finding(
            "coverage-gap",
            "ladder",
            ("tiers", i, "coverage"),
            f"tier {tier.id!r} is 24x7 but nobody who can hold it works {shown} "
            f"({len(pool)} people, in {', '.join(zones) or 'no timezone'})",
            "add someone in another timezone, set working_hours for an on-call person, or "
            "make the tier `coverage: business`",
        )


def _runs(slots: list[datetime], covered: list[bool]) -> Iterable[tuple[datetime, datetime]]:
    """Uncovered stretches as (start, end), joined across midnight; some slot is covered."""
    first = covered.index(True)
    order = [*range(first, len(slots)), *range(first)]
    start: int | None = None
    for k in [*order, first]:
        if not covered[k] and start is None:
            start = k
        elif covered[k] and start is not None:
            yield slots[start], slots[k]
            start = None
