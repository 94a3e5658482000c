"""Opsgenie REST API JSON (users, teams, schedules with rotations, escalations, team routing
rules) to matrix files.

Every Opsgenie response wraps its objects in `data`; the kind of each object is told by its
fields. Escalation rule delays count from the alert's creation, so a tier's response time is the
gap to the next rule; the last tier waits the repeat interval. A schedule's rotations are all on
call at once; the matrix's layers let the later one win, which is the same wherever rotations
do not overlap.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from escmatrix.core.vendors import rotations
from escmatrix.core.vendors.common import (
    Account,
    Imported,
    Level,
    NotMapped,
    Policy,
    Route,
    assemble,
    slug,
    unique,
)
from escmatrix.core.vendors.reading import Document, Fields, objects, zone_or_utc

UNIT_MINUTES = {"minutes": 1, "hours": 60, "days": 1440}
PRIORITY = {"P1": "sev1", "P2": "sev2", "P3": "sev3"}


def _kind(item: Fields) -> str:
    data = item.data
    if "actionType" in data:
        return "notification"
    if "rotations" in data or "enabled" in data:
        return "schedule"
    if "rules" in data:
        return "escalation"
    if "criteria" in data or "notify" in data:
        return "routing"
    if "username" in data:
        return "user"
    return "team"


def from_opsgenie(documents: list[Document]) -> Imported:
    """The matrix for saved Opsgenie API responses, with what did not map."""
    found: dict[str, list[Fields]] = {}
    for item in objects(documents, {"data": "any"})["any"]:
        found.setdefault(_kind(item), []).append(item)
    account = Account()
    users = _users(account, found.get("user", []))
    teams = _teams(account, found.get("team", []), users)
    for item in found.get("notification", []):
        account.note(
            f"notification rule '{item.text('name', '?')}'",
            f"actionType {item.text('actionType')}",
            "the matrix reaches people through comms.yaml channels",
        )
    schedules = _schedules(account, found.get("schedule", []), users)
    policies = _escalations(account, found.get("escalation", []), users, schedules, teams)
    _routing(account, found.get("routing", []), policies, schedules)
    return assemble(account)


def _user_key(item: Fields) -> list[str]:
    return [k for k in (item.data.get("id"), item.data.get("username")) if isinstance(k, str)]


def _users(account: Account, items: list[Fields]) -> dict[str, str]:
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for item in sorted(items, key=lambda i: i.text("username")):
        email = item.text("username")
        person = unique(slug(email.split("@")[0]), taken)
        for key in _user_key(item):
            ids[key] = person
        zone = zone_or_utc(item.text("timeZone", "UTC"))
        if zone is None:
            account.note(f"user '{email}'", f"timeZone {item.text('timeZone')!r}", "timezone UTC")
        role = item.child("role")
        if role is not None and role.data.get("name") not in (None, "User"):
            account.note(
                f"user '{email}'", f"role {role.data.get('name')}", "roles follow the ladder"
            )
        account.people.append(
            {
                "id": person,
                "name": item.text("fullName", email),
                "email": email,
                "timezone": zone or "UTC",
                "teams": [],
            }
        )
    return ids


def _teams(account: Account, items: list[Fields], users: dict[str, str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    taken: set[str] = set()
    people = {p["id"]: p for p in account.people}
    for item in sorted(items, key=lambda i: i.text("name")):
        team = unique(slug(item.text("name")), taken)
        ids[item.text("id")] = ids[item.text("name")] = team
        account.teams.append((team, item.text("name")))
        for member in item.items("members"):
            user = member.child("user") or member
            person = next((users[k] for k in _user_key(user) if k in users), None)
            if person is not None:
                people[person]["teams"].append(team)
    for entry in account.people:
        entry["teams"].sort()
    return ids


def _schedules(account: Account, items: list[Fields], users: dict[str, str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for item in sorted(items, key=lambda i: i.text("name")):
        where = f"schedule '{item.text('name')}'"
        zone = zone_or_utc(item.text("timezone", "UTC")) or "UTC"
        if item.data.get("enabled") is False:
            account.note(where, "enabled false", "imported all the same")
        rotation_items = item.items("rotations")
        if len(rotation_items) > 1:
            account.note(
                where,
                f"{len(rotation_items)} rotations on call together",
                "layers: where rotations overlap, the later rotation's person holds it alone",
            )
        layers: list[dict[str, Any]] = []
        layer_ids: set[str] = set()
        for rotation in rotation_items:
            made = _rotation(account, rotation, users, zone, f"{where} rotation", layer_ids)
            if made:
                layers.append(made)
        if not layers:
            account.note(where, "rotations (none usable)", "schedule left out")
            continue
        schedule_id = unique(slug(item.text("name")), taken)
        ids[item.text("id")] = ids[item.text("name")] = schedule_id
        account.schedules.append({"id": schedule_id, "name": item.text("name"), "layers": layers})
    return ids


def _rotation(
    account: Account, item: Fields, users: dict[str, str], zone: str, where: str, taken: set[str]
) -> dict[str, Any] | None:
    name = item.text("name", "rotation")
    where = f"{where} '{name}'"
    people = []
    for participant in item.items("participants"):
        kind = participant.text("type")
        person = next((users[k] for k in _user_key(participant) if k in users), None)
        if kind == "user" and person is not None:
            people.append(person)
        else:
            account.note(where, f"participant of type {kind}", "left out of the turn order")
    if not people:
        account.note(where, "participants (no users)", "rotation left out")
        return None
    length_count = item.number("length", 1)
    kind = item.text("type")
    if kind not in ("hourly", "daily", "weekly"):
        item.fail(f"type {kind!r} is not a rotation type", "hourly, daily or weekly")
    seconds = length_count * {"hourly": 3600, "daily": 86400, "weekly": 7 * 86400}[kind]
    length = rotations.length_text(seconds) or "weekly"
    if item.data.get("endDate"):
        account.note(where, f"endDate {item.data['endDate']}", "the layer runs on with no end")
    start = rotations.parse_instant(item.text("startDate"))
    hours = _restriction(account, item.child("timeRestriction"), where)
    return rotations.layer(unique(slug(name), taken), people, zone, start, length, hours)


def _restriction(account: Account, item: Fields | None, where: str) -> str | None:
    if item is None:
        return None
    if item.text("type") == "time-of-day":
        found = item.child("restriction")
        parts = [found] if found else []
    else:
        parts = item.items("restrictions")
    if not parts:
        return None
    spans = {
        (
            p.number("startHour") * 60 + p.number("startMin", 0),
            p.number("endHour") * 60 + p.number("endMin", 0),
        )
        for p in parts
    }
    start, end = sorted(spans)[0]
    if item.text("type") != "time-of-day":
        days = ", ".join(p.text("startDay") for p in parts)
        account.note(
            where,
            f"timeRestriction weekday-and-time-of-day ({days})",
            "the hours apply on every day of the week; a schedule cannot skip days",
        )
    if len(spans) > 1:
        account.note(where, "restrictions with different hours", "only the earliest applies")
    return rotations.window(start, (end - start) % 1440 or 1440)


def _escalations(
    account: Account,
    items: list[Fields],
    users: dict[str, str],
    schedules: dict[str, str],
    teams: dict[str, str],
) -> dict[str, Policy]:
    found: dict[str, Policy] = {}
    for item in sorted(items, key=lambda i: i.text("name")):
        where = f"escalation '{item.text('name')}'"
        steps: dict[int, list[tuple[str, str]]] = {}
        for number, rule in enumerate(item.items("rules"), start=1):
            delay = rule.child("delay")
            minutes = (
                delay.number("timeAmount", 0)
                * UNIT_MINUTES.get(delay.text("timeUnit", "minutes"), 1)
                if delay
                else 0
            )
            if rule.data.get("condition", "if-not-acked") != "if-not-acked":
                account.note(
                    f"{where} rule {number}",
                    f"condition {rule.data['condition']}",
                    "treated as if-not-acked",
                )
            if rule.data.get("notifyType", "default") != "default":
                account.note(
                    f"{where} rule {number}",
                    f"notifyType {rule.data['notifyType']}",
                    "the tier's holder is notified",
                )
            recipient = rule.child("recipient")
            kind = recipient.text("type") if recipient else "none"
            table = {"user": users, "schedule": schedules, "team": teams}.get(kind, {})
            key = next(
                (
                    k
                    for k in (
                        (
                            recipient.data.get("id"),
                            recipient.data.get("name"),
                            recipient.data.get("username"),
                        )
                        if recipient
                        else ()
                    )
                    if k in table
                ),
                None,
            )
            if key is None:
                account.note(f"{where} rule {number}", f"recipient of type {kind}", "left out")
            steps.setdefault(minutes, []).extend([(kind, table[key])] if key else [])
        delays = sorted(steps)
        repeat = item.child("repeat")
        wait = repeat.number("waitInterval", 0) if repeat else 0
        if repeat and repeat.number("count", 0):
            account.note(
                where,
                f"repeat (count {repeat.number('count')}, every {wait}m)",
                "the ladder does not loop; the last tier's response time is the repeat interval",
            )
        gaps = [b - a for a, b in pairwise(delays)]
        last = wait or (gaps[-1] if gaps else 30)
        if not wait:
            account.note(where, "no repeat interval", f"the last tier's response time is {last}m")
        levels = tuple(
            Level(g, tuple(steps[d])) for g, d in zip([*gaps, last], delays, strict=True)
        )
        owner = item.child("ownerTeam")
        team = next(
            (
                teams[k]
                for k in ((owner.data.get("id"), owner.data.get("name")) if owner else ())
                if k in teams
            ),
            None,
        )
        policy = Policy(item.text("name"), team, levels)
        account.policies.append(policy)
        found[item.text("id")] = found[item.text("name")] = policy
    return found


def _routing(
    account: Account, items: list[Fields], policies: dict[str, Policy], schedules: dict[str, str]
) -> None:
    taken: set[str] = {"catch-all"}
    for item in sorted(items, key=lambda i: (i.number("order", 0), i.text("name"))):
        where = f"routing rule '{item.text('name')}'"
        if item.data.get("isDefault"):
            account.note(
                where, "isDefault", "the matrix's catch-all rule sends to the category's primary"
            )
            continue
        if item.data.get("timeRestriction"):
            account.note(where, "timeRestriction", "the rule applies at every hour")
        notify = item.child("notify")
        kind = notify.text("type") if notify else "none"
        key = (notify.data.get("id"), notify.data.get("name")) if notify else ()
        target: tuple[str, str] | None = None
        if kind == "schedule":
            target = next((("schedule", schedules[k]) for k in key if k in schedules), None)
        elif kind == "escalation":
            policy = next((policies[k] for k in key if k in policies), None)
            team = policy.team if policy else None
            target = ("team", team) if team else None
        if target is None:
            account.note(where, f"notify {kind}", "rule left out")
            continue
        tags, severity = _conditions(account, item.child("criteria"), where)
        if not tags and not severity:
            tags = [slug(item.text("name"))]
            account.note(
                where, "criteria (nothing the matrix matches on)", f"matches the tag '{tags[0]}'"
            )
        account.routes.append(
            Route(
                unique(slug(item.text("name")), taken),
                f"Opsgenie routing rule '{item.text('name')}'",
                target,
                tags=tuple(tags),
                severity=tuple(severity),
            )
        )


def _conditions(
    account: Account, criteria: Fields | None, where: str
) -> tuple[list[str], list[str]]:
    tags: list[str] = []
    severity: list[str] = []
    conditions = criteria.items("conditions") if criteria else []
    for condition in conditions:
        field, operation = condition.text("field"), condition.text("operation")
        value = str(condition.data.get("expectedValue", ""))
        if condition.data.get("not"):
            account.note(where, f"not {field} {operation} {value!r}", "condition left out")
        elif field == "tags" and operation in ("contains", "equals"):
            tags.append(slug(value))
        elif field == "priority" and operation == "equals" and value in PRIORITY:
            severity.append(PRIORITY[value])
        else:
            account.note(where, f"condition {field} {operation} {value!r}", "condition left out")
    if criteria and criteria.text("type") == "match-all-conditions" and len(tags) > 1:
        account.note(where, "match-all-conditions on several tags", "any one of the tags matches")
    return tags, severity


def to_opsgenie(files: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], list[NotMapped]]:
    """Opsgenie API JSON (one document per endpoint) for a matrix, and what did not export."""
    from escmatrix.core.vendors.exporting import Export

    return Export(files).opsgenie()
