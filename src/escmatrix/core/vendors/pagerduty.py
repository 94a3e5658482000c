"""PagerDuty REST API JSON (users, teams, schedules, escalation policies, services) to matrix
files and back.

GET /schedules/{id} lists `schedule_layers` highest priority first, the reverse of the order a
POST takes and of the web UI's numbering; the matrix lists layers lowest first, so import
reverses them and export reverses them back. Escalation delays are per level (minutes before
the next level is notified), which is what a tier's response time is.
"""

from __future__ import annotations

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

KINDS = {
    "users": "user",
    "user": "user",
    "teams": "team",
    "team": "team",
    "schedules": "schedule",
    "schedule": "schedule",
    "escalation_policies": "policy",
    "escalation_policy": "policy",
    "services": "service",
    "service": "service",
}
DAYS = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def from_pagerduty(documents: list[Document]) -> Imported:
    """The matrix for saved PagerDuty API responses, with what did not map."""
    found = objects(documents, KINDS)
    account = Account()
    teams = _teams(account, found["team"])
    users = _users(account, found["user"], teams)
    schedules = _schedules(account, found["schedule"], users)
    policies = _policies(account, found["policy"], users, schedules, teams)
    _services(account, found["service"], policies)
    return assemble(account)


def _teams(account: Account, items: list[Fields]) -> dict[str, str]:
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for item in sorted(items, key=lambda i: i.text("name")):
        ids[item.text("id")] = unique(slug(item.text("name")), taken)
        account.teams.append((ids[item.text("id")], item.text("name")))
    return ids


def _users(account: Account, items: list[Fields], teams: dict[str, str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for item in sorted(items, key=lambda i: i.text("email")):
        email = item.text("email")
        person = unique(slug(email.split("@")[0]), taken)
        ids[item.text("id")] = person
        zone = zone_or_utc(item.text("time_zone", "UTC"))
        where = f"user '{email}'"
        if zone is None:
            account.note(where, f"time_zone {item.text('time_zone')!r}", "timezone UTC")
        for key in ("notification_rules", "contact_methods"):
            if item.data.get(key):
                account.note(
                    where,
                    f"{key} ({len(item.data[key])})",
                    "the matrix reaches people through comms.yaml channels; add personal "
                    "channels under the person's `channels` by hand",
                )
        if item.data.get("role"):
            account.note(where, f"role {item.data['role']!r}", "roles follow the ladder instead")
        member_of = sorted(
            teams[t.text("id")] for t in item.items("teams") if t.text("id") in teams
        )
        account.people.append(
            {
                "id": person,
                "name": item.text("name"),
                "email": email,
                "timezone": zone or "UTC",
                "teams": member_of,
            }
        )
    return ids


def _schedules(account: Account, items: list[Fields], users: dict[str, str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for item in sorted(items, key=lambda i: i.text("name")):
        schedule_id = unique(slug(item.text("name")), taken)
        where = f"schedule '{item.text('name')}'"
        zone = zone_or_utc(item.text("time_zone", "UTC")) or "UTC"
        layers: list[dict[str, Any]] = []
        layer_ids: set[str] = set()
        for layer in reversed(item.items("schedule_layers")):
            made = _layer(account, layer, users, zone, where, layer_ids)
            if made:
                layers.append(made)
        if item.data.get("overrides_subschedule") or item.data.get("overrides"):
            account.note(where, "overrides", "not imported: add current ones under `overrides`")
        if not layers:
            account.note(where, "schedule_layers (none usable)", "schedule left out")
            continue
        ids[item.text("id")] = schedule_id
        account.schedules.append({"id": schedule_id, "name": item.text("name"), "layers": layers})
    return ids


def _layer(
    account: Account, layer: Fields, users: dict[str, str], zone: str, where: str, taken: set[str]
) -> dict[str, Any] | None:
    name = layer.text("name", layer.text("id", "layer"))
    where = f"{where} layer '{name}'"
    rotation = []
    for entry in layer.items("users"):
        user = entry.child("user") or entry
        if user.text("id") in users:
            rotation.append(users[user.text("id")])
        else:
            account.note(where, f"user {user.text('id')}", "not in the users files: left out")
    if not rotation:
        account.note(where, "users (none known)", "layer left out")
        return None
    seconds = layer.number("rotation_turn_length_seconds")
    length = rotations.length_text(seconds)
    if length is None:
        length = f"{max(round(seconds / 3600), 1)}h"
        account.note(where, f"rotation_turn_length_seconds {seconds}", f"shifts of {length}")
    if layer.data.get("end"):
        account.note(where, f"end {layer.data['end']}", "the layer runs on with no end")
    start = rotations.parse_instant(layer.text("rotation_virtual_start"))
    hours = _restrictions(account, layer.items("restrictions"), where)
    return rotations.layer(unique(slug(name), taken), rotation, zone, start, length, hours)


def _restrictions(account: Account, items: list[Fields], where: str) -> str | None:
    """A daily window from PagerDuty restrictions; weekly ones keep their hours, every day."""
    if not items:
        return None
    windows = []
    for item in items:
        clock = item.text("start_time_of_day")
        start = int(clock[:2]) * 60 + int(clock[3:5])
        windows.append((start, item.number("duration_seconds") // 60))
    first = items[0]
    if len(set(windows)) > 1:
        account.note(
            where,
            f"{len(items)} restrictions with different hours",
            f"only the first ({first.text('start_time_of_day')} for "
            f"{first.number('duration_seconds') // 60}m) applies, every day",
        )
    weekly = [i for i in items if i.text("type") == "weekly_restriction"]
    if weekly:
        days = ", ".join(DAYS[i.number("start_day_of_week")] for i in weekly)
        account.note(
            where,
            f"weekly_restriction (days: {days})",
            "the layer's hours apply on every day of the week; a schedule cannot skip days",
        )
    return rotations.window(*windows[0])


def _policies(
    account: Account,
    items: list[Fields],
    users: dict[str, str],
    schedules: dict[str, str],
    teams: dict[str, str],
) -> dict[str, Policy]:
    found: dict[str, Policy] = {}
    for item in sorted(items, key=lambda i: i.text("name")):
        where = f"escalation policy '{item.text('name')}'"
        if item.data.get("num_loops"):
            account.note(
                where,
                f"num_loops {item.data['num_loops']} (repeat)",
                "the ladder does not loop: after the last tier the issue stays there",
            )
        if item.data.get("on_call_handoff_notifications") not in (None, "if_has_services"):
            account.note(where, "on_call_handoff_notifications", "not mapped: no handoff notices")
        levels = []
        for number, rule in enumerate(item.items("escalation_rules"), start=1):
            strategy = rule.child("escalation_rule_assignment_strategy")
            if strategy is not None and strategy.text("type") == "round_robin":
                account.note(
                    f"{where} level {number}",
                    "escalation_rule_assignment_strategy round_robin",
                    "the tier's holder gets it (routing pools can round-robin instead)",
                )
            targets = []
            for target in rule.items("targets"):
                kind = target.text("type").removesuffix("_reference")
                known = users if kind == "user" else schedules if kind == "schedule" else {}
                if target.text("id") in known:
                    targets.append((kind, known[target.text("id")]))
                else:
                    account.note(
                        f"{where} level {number}", f"target {target.text('id')}", "left out"
                    )
            levels.append(Level(rule.number("escalation_delay_in_minutes"), tuple(targets)))
        team_refs = [teams[t.text("id")] for t in item.items("teams") if t.text("id") in teams]
        policy = Policy(item.text("name"), team_refs[0] if team_refs else None, tuple(levels))
        account.policies.append(policy)
        found[item.text("id")] = policy
    return found


def _services(account: Account, items: list[Fields], policies: dict[str, Policy]) -> None:
    taken: set[str] = {"catch-all"}
    for item in sorted(items, key=lambda i: i.text("name")):
        name = item.text("name")
        where = f"service '{name}'"
        urgency = item.child("incident_urgency_rule")
        if urgency is not None:
            account.note(
                where,
                f"incident_urgency_rule ({urgency.text('type')})",
                "urgency is not routed on: severity comes from the matrix's impact scoring",
            )
        for key in (
            "support_hours",
            "scheduled_actions",
            "acknowledgement_timeout",
            "auto_resolve_timeout",
        ):
            if item.data.get(key):
                account.note(where, key, "not mapped: SLAs and calendars set these in the matrix")
        ref = item.child("escalation_policy")
        policy = policies.get(ref.text("id")) if ref else None
        if policy is None:
            account.note(where, "escalation_policy (unknown)", "service left out")
            continue
        target = _target(account, policy, where)
        if target is None:
            continue
        account.routes.append(
            Route(
                unique(f"service-{slug(name)}"[:64], taken),
                f"PagerDuty service '{name}'",
                target,
                category=(slug(name), name, item.data.get("description") or ""),
            )
        )


def _target(account: Account, policy: Policy, where: str) -> tuple[str, str] | None:
    """Level 1's schedule, else the policy's team."""
    first = policy.levels[0].targets if policy.levels else ()
    scheduled = [t for t in first if t[0] == "schedule"]
    if scheduled:
        if len(first) > 1:
            account.note(where, "level 1 with several targets", f"schedule '{scheduled[0][1]}'")
        return scheduled[0]
    team = policy.team or (account.teams[0][0] if account.teams else None)
    if team is None:
        account.note(where, "policy without team or schedule", "service left out")
        return None
    return ("team", team)


def to_pagerduty(files: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], list[NotMapped]]:
    """PagerDuty API JSON (one document per endpoint) for a matrix, and what did not export."""
    from escmatrix.core.vendors.exporting import Export

    return Export(files).pagerduty()
