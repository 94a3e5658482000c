"""What both vendors map through: an account (people, teams, schedules, escalation policies,
routes) that becomes matrix files, and the report of what did not map."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from escmatrix.core.errors import Refused

# the ladder's tiers, lowest first: an escalation policy's level N becomes tier N
TIERS: list[tuple[str, str, str]] = [
    ("frontline", "Frontline responder", "owner"),
    ("team-lead", "Team lead", "lead"),
    ("manager", "Manager", "manager"),
    ("executive", "Executive sponsor", "sponsor"),
]
ROLES = {"lead": "team-lead", "manager": "manager", "sponsor": "executive"}
OWNED_FILES = ("people", "teams", "schedules", "ladder", "categories", "routing")
"""The matrix files an import writes (and `--check` compares); the others are left alone."""


def slug(text: str) -> str:
    """A matrix id from a vendor name or email: lower case, dashes, at most 64 characters."""
    found = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-")
    return found or "unnamed"


def unique(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted-2`, `-3`... when taken; the result is added to `taken`."""
    found, number = wanted, 1
    while found in taken:
        number += 1
        found = f"{wanted[:60]}-{number}"
    taken.add(found)
    return found


@dataclass(frozen=True)
class NotMapped:
    """One vendor field the matrix cannot hold, and what the import did instead."""

    where: str
    field: str
    instead: str

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "field": self.field, "instead": self.instead}


@dataclass(frozen=True)
class Level:
    """One escalation level: minutes before it passes on, and who it notifies."""

    delay_minutes: int
    targets: tuple[tuple[str, str], ...]  # (kind 'user' | 'schedule' | 'team', matrix id)


@dataclass(frozen=True)
class Policy:
    name: str
    team: str | None
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class Route:
    """A vendor routing rule: a service (category) or tag/priority match, to a team or schedule."""

    id: str
    description: str
    target: tuple[str, str]  # ('schedule', id) or ('team', id)
    category: tuple[str, str, str] | None = None  # (id, name, description)
    tags: tuple[str, ...] = ()
    severity: tuple[str, ...] = ()


@dataclass
class Account:
    """A vendor account read into matrix terms, before it becomes files."""

    people: list[dict[str, Any]] = field(default_factory=list)  # id name email timezone teams
    teams: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    notes: list[NotMapped] = field(default_factory=list)

    def note(self, where: str, what: str, instead: str) -> None:
        self.notes.append(NotMapped(where, what, instead))


@dataclass(frozen=True)
class Imported:
    """Matrix files by kind (dicts in the YAML shape) and the not-mapped report."""

    files: dict[str, dict[str, Any]]
    notes: list[NotMapped]


def _minutes(value: int) -> str:
    hours, minutes = divmod(max(value, 1), 60)
    return (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")


def ladder(account: Account) -> list[dict[str, Any]]:
    """Tiers from the policy with the most levels (ties: by name); delays become response times."""
    if not account.policies:
        account.note("escalation policies", "(none)", "a one-tier ladder: frontline, 30m")
        return [_tier(0, 30, last=True)]
    chosen = sorted(account.policies, key=lambda p: (-len(p.levels), p.name))[0]
    levels = chosen.levels[: len(TIERS)]
    for extra in chosen.levels[len(TIERS) :]:
        account.note(
            f"escalation policy '{chosen.name}'",
            f"level after the {len(TIERS)}th (delay {extra.delay_minutes}m)",
            "the ladder stops at the executive sponsor",
        )
    for other in account.policies:
        for number, level in enumerate(other.levels[: len(levels)]):
            if other is not chosen and level.delay_minutes != levels[number].delay_minutes:
                account.note(
                    f"escalation policy '{other.name}' level {number + 1}",
                    f"escalation delay {level.delay_minutes}m",
                    f"the ladder is shared: tier '{TIERS[number][0]}' keeps "
                    f"{levels[number].delay_minutes}m from policy '{chosen.name}'",
                )
    tiers, previous = [], 0
    for number, level in enumerate(levels):
        minutes = level.delay_minutes
        if minutes <= previous:  # each tier up gets more time (the ladder-not-increasing lint)
            minutes = previous * 2
            account.note(
                f"escalation policy '{chosen.name}' level {number + 1}",
                f"escalation delay {level.delay_minutes}m, not longer than the level below",
                f"tier '{TIERS[number][0]}' gets {_minutes(minutes)}, twice the tier below",
            )
        tiers.append(_tier(number, minutes, last=number == len(levels) - 1))
        previous = minutes
    return tiers


def _tier(number: int, delay: int, *, last: bool) -> dict[str, Any]:
    tier_id, name, holder = TIERS[number]
    tier: dict[str, Any] = {
        "id": tier_id,
        "name": name,
        "held_by": holder,
        "response_time": _minutes(delay),
    }
    if not last:
        tier["escalate_when"] = ["No acknowledgement within the response time"]
        tier["auto_escalate"] = {"no_acknowledgement": True}
    return tier


def _holders(account: Account, policy: Policy, members: list[str]) -> dict[str, str]:
    """lead, manager and sponsor of the policy's team from its levels 2-4 (a user each)."""
    found: dict[str, str] = {}
    previous = members[0]
    for number, holder in enumerate(("lead", "manager", "sponsor"), start=1):
        level = policy.levels[number] if number < len(policy.levels) else None
        users = [t[1] for t in level.targets if t[0] == "user"] if level else []
        person = users[0] if users else _first_of(account, level) if level else None
        where = f"escalation policy '{policy.name}' level {number + 1}"
        if level is None:
            account.note(
                where, "(no such level)", f"team {holder}: {previous}, as the level before"
            )
        elif not users:
            kind = level.targets[0][0] if level.targets else "nobody"
            account.note(where, f"target of type {kind}", f"team {holder}: {person or previous}")
        elif len(users) > 1 or len(level.targets) > 1:
            account.note(where, "more than one target", f"team {holder}: {users[0]}")
        found[holder] = person or previous
        previous = found[holder]
    return found


def _first_of(account: Account, level: Level | None) -> str | None:
    """The first person of a schedule a level targets (a team lead must be a person)."""
    for kind, target in level.targets if level else ():
        for schedule in account.schedules:
            if kind == "schedule" and schedule["id"] == target:
                return str(schedule["layers"][0]["rotation"][0])
    return None


def assemble(account: Account) -> Imported:
    """The matrix files for an account: people, teams, schedules, ladder, categories, routing."""
    if not account.people:
        raise Refused(
            "no users in the files given: a matrix needs its people",
            hint="include the saved users response (PagerDuty GET /users, Opsgenie GET /v2/users)",
        )
    team_people: dict[str, list[str]] = {team_id: [] for team_id, _ in account.teams}
    first_team = account.teams[0][0] if account.teams else "imported"
    if not account.teams:
        account.teams.append((first_team, "Imported"))
        team_people[first_team] = []
    people: list[dict[str, Any]] = []
    for person in sorted(account.people, key=lambda p: p["id"]):
        teams = [t for t in person["teams"] if t in team_people] or [first_team]
        if not person["teams"]:
            account.note(f"user '{person['email']}'", "no team", f"member of '{first_team}'")
        elif len(teams) > 1:
            account.note(f"user '{person['email']}'", "more than one team", f"team '{teams[0]}'")
        team_people[teams[0]].append(person["id"])
        people.append({**{k: person[k] for k in ("id", "name", "email", "timezone")}})
        people[-1]["team"] = teams[0]
    teams = _teams(account, team_people, first_team)
    roles = {p: ["responder"] for p in (x["id"] for x in people)}
    for team in teams:
        for holder in ("lead", "manager", "sponsor"):
            if ROLES[holder] not in roles[team[holder]]:
                roles[team[holder]].append(ROLES[holder])
    for person in people:
        person["roles"] = roles[person["id"]]
    categories, rules = _routing(account, teams)
    return Imported(
        {
            "people": {"people": people},
            "teams": {"teams": teams},
            "schedules": {"schedules": sorted(account.schedules, key=lambda s: s["id"])},
            "ladder": {"tiers": ladder(account)},
            "categories": {"categories": categories},
            "routing": {"rules": rules},
        },
        account.notes,
    )


def _teams(
    account: Account, team_people: dict[str, list[str]], first_team: str
) -> list[dict[str, Any]]:
    teams: list[dict[str, Any]] = []
    everyone = sorted(p["id"] for p in account.people)
    for team_id, name in sorted(account.teams):
        members = team_people[team_id] or everyone[:1]
        policies = sorted((p for p in account.policies if p.team == team_id), key=lambda p: p.name)
        if policies:
            holders = _holders(account, policies[0], members)
        else:
            account.note(
                f"team '{name}'", "no escalation policy", f"lead, manager, sponsor: {members[0]}"
            )
            holders = dict.fromkeys(("lead", "manager", "sponsor"), members[0])
        teams.append({"id": team_id, "name": name, **holders, "members": members})
    return teams


def _routing(
    account: Account, teams: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    by_id = {t["id"]: t for t in teams}
    schedule_team = {
        s["id"]: next(
            (t["id"] for t in teams if s["layers"][0]["rotation"][0] in t["members"]),
            teams[0]["id"],
        )
        for s in account.schedules
    }
    categories: list[dict[str, Any]] = []
    rules: list[dict[str, Any]] = []
    for route in account.routes:
        kind, target = route.target
        team = by_id[target] if kind == "team" else by_id[schedule_team[target]]
        rule: dict[str, Any] = {"id": route.id, "description": route.description}
        when: dict[str, list[str]] = {}
        if route.category:
            cat_id, cat_name, cat_text = route.category
            backup = next(
                (team[h] for h in ("manager", "sponsor") if team[h] != team["lead"]),
                next((m for m in team["members"] if m != team["lead"]), None),
            )
            if backup is None:
                account.note(f"route '{route.id}'", "category with one person", "no category")
            else:
                category = {"id": cat_id, "name": cat_name, "primary": team["lead"]}
                category |= {"description": cat_text} if cat_text else {}
                categories.append({**category, "backups": [backup], "playbook": f"{cat_id}.md"})
                when["category"] = [cat_id]
        if route.severity:
            when["severity"] = list(route.severity)
        if route.tags:
            when["tags"] = list(route.tags)
        if when:
            rule["when"] = when
        rule |= {"schedule": target} if kind == "schedule" else {"owner": target}
        rules.append(rule)
    if not categories:  # a matrix needs a category; one per team
        for team in teams:
            backup = team["manager"] if team["manager"] != team["lead"] else team["sponsor"]
            if backup != team["lead"]:
                categories.append(
                    {
                        "id": f"{team['id']}-alerts",
                        "name": f"{team['name']} alerts",
                        "primary": team["lead"],
                        "backups": [backup],
                        "playbook": f"{team['id']}-alerts.md",
                    }
                )
    rules.append(
        {
            "id": "catch-all",
            "description": "Everything else goes to the category's primary owner",
            "owner": "primary",
        }
    )
    return categories, rules


def playbook(category: dict[str, Any], first_tier: dict[str, Any], today: str) -> str:
    """A starter playbook for an imported category, for its owners to fill in."""
    owners = ", ".join([category["primary"], *category["backups"]])
    return (
        "---\n"
        "# Written by `escmatrix import` as a starting point: replace the steps with the ones the\n"
        "# team follows (the vendor had runbook links, not steps).\n"
        f"category: {category['id']}\n"
        f"owners: [{owners}]\n"
        f"review: {today}\n"
        "steps:\n"
        "  - step: Acknowledge, confirm the impact and post the first status update\n"
        f"    owner: {first_tier['id']}\n"
        f"    within: {first_tier['response_time']}\n"
        "---\n\n"
        f"# {category['name']}\n\n"
        "1. Acknowledge, confirm the impact and post the first status update.\n"
    )
