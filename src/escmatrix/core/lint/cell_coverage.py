"""Coverage of the matrix as it runs (`coverage-gap`, per cell): for every hour of a typical week
and every category x severity whose clocks run 24x7, someone routing could engage on the starting
tier, and the holder of every 24x7 tier above, must be at work or on call.

The week is the one of `now`, hour by hour (at the middle of each hour), with absences left out:
a typical week. Routing is followed as `core.routing` does it, but for all 168 hours at once, as
bit masks (bit k: hour k of the week): a person's mask holds the hours inside their working hours
or on call on some schedule; a rule applies in the hours its `working_hours` /
`outside_working_hours` allow and no earlier rule took; a rule covers an hour when someone it
would choose from is at work then (routing prefers them), or the one it falls back to is at work
or on call, or the starting tier's holder is. A matrix of a thousand categories is checked in a
fraction of a second this way, where routing every cell at every hour took minutes.

Cells a team accepts to leave uncovered are listed in governance.yaml's `accepted_gaps` with a
reason. A cell no rule routes at some hours is left to `no-catch-all`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from escmatrix.core.calendar import WorkClock
from escmatrix.core.lint.findings import Finding
from escmatrix.core.matrix import ALWAYS, Category, Matrix, Rule, Tier
from escmatrix.core.oncall import in_hours, on_call_now, who_is_on_call
from escmatrix.core.presence import DEFAULT_HOURS
from escmatrix.core.routing import IssueFacts, matches_apart_from_hours

_HOUR = timedelta(hours=1)
_HOURS = 7 * 24
_ALL = (1 << _HOURS) - 1
_SHOWN = 4


@dataclass(frozen=True)
class CellGap:
    """A category x severity whose `tier` has nobody at work or on call at `hours`."""

    index: int  # the category's place in categories.yaml
    category: str
    severity: str
    tier: str
    hours: list[datetime]  # the start of each uncovered hour, UTC
    people: list[str]  # whom routing could engage there


class _Week:
    """Hour masks of a typical week: people at work or on call, schedules naming someone,
    calendars open."""

    def __init__(self, m: Matrix, now: datetime) -> None:
        day = now.astimezone(UTC).date()
        monday = datetime.combine(day - timedelta(days=day.weekday()), time(0), tzinfo=UTC)
        self.m, self.now = m, now
        self.starts = [monday + _HOUR * k for k in range(_HOURS)]
        self.middles = [s + _HOUR / 2 for s in self.starts]
        self._hours: dict[tuple[str, str], int] = {}
        self._people: dict[str, int] = {}
        self._open: dict[tuple[str, str], int] = {}  # (what, id) -> hours
        self.holders: dict[str, list[str | None]] = {
            s.id: [who_is_on_call(s, at).person for at in self.middles]
            for s in m.schedules.values()
        }
        self._on_call: dict[str, int] = {}
        for names in self.holders.values():
            for k, person in enumerate(names):
                if person is not None:
                    self._on_call[person] = self._on_call.get(person, 0) | (1 << k)

    def _mask(self, wanted: list[bool]) -> int:
        return sum(1 << k for k, yes in enumerate(wanted) if yes)

    def _gone(self, person_id: str | None) -> bool:
        """Not a person of the matrix, or left by `now`: never available."""
        person = self.m.people.get(person_id or "")
        return person is None or person.has_left(self.now)

    def at_work(self, person_id: str) -> int:
        """Hours inside the person's working hours (none once they have left)."""
        if self._gone(person_id):
            return 0
        person = self.m.people[person_id]
        key = (person.timezone, person.working_hours or DEFAULT_HOURS)
        if key not in self._hours:
            zone = ZoneInfo(key[0])
            self._hours[key] = self._mask(
                [in_hours(key[1], t.astimezone(zone)) for t in self.middles]
            )
        return self._hours[key]

    def available(self, person_id: str) -> int:
        """At work or on call."""
        if person_id not in self._people:
            self._people[person_id] = (
                0
                if self._gone(person_id)
                else self.at_work(person_id) | self._on_call.get(person_id, 0)
            )
        return self._people[person_id]

    def named(self, schedule: str) -> int:
        """Hours the schedule names someone who has not left."""
        key = ("named", schedule)
        if key not in self._open:
            names = self.holders.get(schedule, [])
            self._open[key] = self._mask([not self._gone(p) for p in names])
        return self._open[key]

    def pool_named(self, schedule: str) -> int:
        """Hours some layer of the schedule names someone (a pool drawn from it)."""
        key = ("pool", schedule)
        if key not in self._open:
            found = self.m.schedules.get(schedule)
            self._open[key] = (
                self._mask([bool(on_call_now(found, at)) for at in self.middles]) if found else 0
            )
        return self._open[key]

    def calendar_open(self, calendar_id: str) -> int:
        key = ("calendar", calendar_id)
        if key not in self._open:
            calendar = self.m.calendars.get(calendar_id)
            clock = WorkClock(calendar) if calendar is not None else None
            self._open[key] = self._mask([clock.is_open(at) for at in self.middles]) if clock else 0
        return self._open[key]


def _applies(week: _Week, rule: Rule) -> int:
    mask = _ALL
    if rule.when.working_hours is not None:
        mask &= week.calendar_open(rule.when.working_hours)
    if rule.when.outside_working_hours is not None:
        mask &= _ALL & ~week.calendar_open(rule.when.outside_working_hours)
    return mask


def _holds(week: _Week, tier: Tier, owner: str) -> int:
    """Hours the tier has someone for an issue `owner` owns: its schedule names someone, or its
    holder for that owner is at work or on call."""
    mask = week.available(week.m.holder(tier, owner))
    return mask | week.named(tier.schedule) if tier.schedule is not None else mask


def _chain(week: _Week, choose_from: list[str], start: Tier) -> int:
    """Covered hours when routing prefers whoever of `choose_from` is at work, else the first;
    the first is also covered by being on call, or by the start tier's holder for them."""
    first = choose_from[0]
    mask = week.available(first) | _holds(week, start, first)
    for person in choose_from[1:]:
        mask |= week.at_work(person)
    return mask


def _category_chain(week: _Week, category: Category, start: Tier) -> tuple[int, list[str]]:
    mask = _chain(week, [category.primary, *category.backups], start)
    if category.schedule is not None:
        mask |= week.named(category.schedule)
    return mask, [category.primary, *category.backups]


def _rule_cover(week: _Week, rule: Rule, category: Category, start: Tier) -> tuple[int, list[str]]:
    m = week.m
    if rule.schedule is not None:
        fallback, people = _category_chain(week, category, start)
        return week.named(rule.schedule) | fallback, [f"schedule {rule.schedule}", *people]
    if rule.pool is not None:
        if isinstance(rule.pool, str) and rule.pool in m.schedules:
            fallback, people = _category_chain(week, category, start)
            return week.pool_named(rule.pool) | fallback, [f"schedule {rule.pool}", *people]
        pool = rule.pool_people(m.teams)
        mask = 0
        for person in pool:
            mask |= week.available(person)
        return mask, pool
    if rule.owner == "primary":
        return _category_chain(week, category, start)
    if rule.owner in m.teams:
        team = m.teams[rule.owner]
        people = list(dict.fromkeys([*team.members, team.lead]))
        return _chain(week, people, start), people
    people = list(dict.fromkeys([rule.owner, category.primary, *category.backups]))
    return week.available(rule.owner) | _holds(week, start, rule.owner), people


def cell_gaps(m: Matrix, now: datetime) -> Iterator[CellGap]:
    """Every uncovered cell of the typical week of `now`, less governance's accepted gaps."""
    week = _Week(m, now)
    accepted: dict[str, set[str]] = {}
    for gap in m.governance.accepted_gaps:
        accepted.setdefault(gap.category, set()).update(gap.severities or m.severities)
    always = [s for s in m.severities.values() if s.calendar == ALWAYS]
    tiers = {t.id: t for t in m.tiers}
    by_category: dict[str, list[Rule]] = {}
    for rule in m.rules:  # in order; a rule naming no category may match any
        for c in rule.when.category or list(m.categories):
            by_category.setdefault(c, []).append(rule)
    for i, category in enumerate(m.categories.values()):
        for severity in always:
            if severity.id in accepted.get(category.id, ()):
                continue
            facts = IssueFacts(category=category.id, severity=severity.id)
            left = _ALL
            per_tier: dict[str, tuple[int, list[str]]] = {}
            for rule in by_category.get(category.id, []):
                if not matches_apart_from_hours(rule, facts, severity.id, m):
                    continue
                hours = _applies(week, rule) & left
                if not hours:
                    continue
                start = tiers.get(rule.tier or severity.start_tier)
                if start is None:
                    continue
                mask, people = _rule_cover(week, rule, category, start)
                old, names = per_tier.get(start.id, (0, []))
                per_tier[start.id] = (old | (hours & ~mask), [*names, *people])
                owner = next((p for p in people if p in m.people), category.primary)
                for above in m.tiers[m.tier_index(start.id) + 1 :]:
                    if above.coverage != "24x7":
                        continue
                    mask = _holds(week, above, owner)
                    old, names = per_tier.get(above.id, (0, []))
                    per_tier[above.id] = (old | (hours & ~mask), [*names, m.holder(above, owner)])
                left &= ~hours
                if not left:
                    break
            for tier, (empty, people) in per_tier.items():
                if empty:
                    hours_list = [week.starts[k] for k in range(_HOURS) if empty >> k & 1]
                    yield CellGap(
                        i, category.id, severity.id, tier, hours_list, list(dict.fromkeys(people))
                    )


def lint_cell_coverage(m: Matrix, now: datetime) -> Iterator[Finding]:
    for gap in cell_gaps(m, now):
        yield _finding(gap)


def _finding(gap: CellGap) -> Finding:
    runs: list[tuple[datetime, datetime]] = []
    for start in gap.hours:
        if runs and runs[-1][1] == start:
            runs[-1] = (runs[-1][0], start + _HOUR)
        else:
            runs.append((start, start + _HOUR))
    shown = ", ".join(f"{a:%a %H:%M}–{b:%a %H:%M}" for a, b in runs[:_SHOWN])
    more = f" and {len(runs) - _SHOWN} more" if len(runs) > _SHOWN else ""
    who = ", ".join(gap.people[:6]) + (", …" if len(gap.people) > 6 else "")
    return Finding(
        "coverage-gap",
        "categories",
        ("categories", gap.index),
        f"{gap.category} {gap.severity} at tier {gap.tier} runs 24x7 but nobody it would engage "
        f"({who}) is at work or on call {shown} UTC{more} ({len(gap.hours)} hours a week)",
        "route those hours to an on-call schedule (a rule with `schedule:`, or "
        "`when: {outside_working_hours: CAL}`), give the severity a business-hours calendar, "
        "or list the cell in governance.yaml `accepted_gaps` with a reason",
    )
