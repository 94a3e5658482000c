"""The matrix's people, teams, schedules, ladder and routing as PagerDuty or Opsgenie API JSON,
shaped so that importing it again gives the same matrix."""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

from escmatrix.core.durations import parse_duration
from escmatrix.core.vendors import rotations
from escmatrix.core.vendors.common import NotMapped

HOLDERS = ("owner", "lead", "manager", "sponsor")
SEVERITY_PRIORITY = {"sev1": "P1", "sev2": "P2", "sev3": "P3"}


class Export:
    """One matrix (file dicts by kind) on its way to a vendor."""

    def __init__(self, files: dict[str, dict[str, Any]]) -> None:
        self.people: list[dict[str, Any]] = files["people"]["people"]
        self.teams: list[dict[str, Any]] = files["teams"]["teams"]
        self.schedules: list[dict[str, Any]] = files.get("schedules", {}).get("schedules", [])
        self.tiers: list[dict[str, Any]] = files["ladder"]["tiers"]
        self.categories = {c["id"]: c for c in files.get("categories", {}).get("categories", [])}
        self.rules: list[dict[str, Any]] = files["routing"]["rules"]
        self.notes: list[NotMapped] = []
        self.email = {p["id"]: p["email"] for p in self.people}
        self.schedule_names = {s["id"]: s["name"] for s in self.schedules}
        for number, tier in enumerate(self.tiers):
            if number >= len(HOLDERS) or tier["held_by"] != HOLDERS[number]:
                self._note(
                    f"tier '{tier['id']}'",
                    f"held_by {tier['held_by']}",
                    f"exported as level {number + 1}",
                )
        self.routes = [r for r in (self._route(rule) for rule in self.rules) if r]
        self.policies = self._policies()

    def _note(self, where: str, what: str, instead: str) -> None:
        self.notes.append(NotMapped(where, what, instead))

    def _schedule_team(self, schedule_id: str) -> str:
        schedule = next(s for s in self.schedules if s["id"] == schedule_id)
        first = schedule["layers"][0]["rotation"][0]
        return str(
            next(
                (t["id"] for t in self.teams if first in t.get("members", [])), self.teams[0]["id"]
            )
        )

    def _route(self, rule: dict[str, Any]) -> dict[str, Any] | None:
        teams = {t["id"] for t in self.teams}
        if not rule.get("schedule") and (
            rule.get("pool") or rule.get("owner", "primary") not in teams
        ):
            if rule["id"] != "catch-all" or rule.get("when"):
                self._note(f"routing rule '{rule['id']}'", "owner or pool", "not exported")
            return None
        schedule = rule.get("schedule")
        team = self._schedule_team(schedule) if schedule else rule["owner"]
        return {"rule": rule, "team": team, "schedule": schedule}

    def _policies(self) -> dict[tuple[str, str | None], str]:
        """Policy name by (team, level-1 schedule): one per team at least."""
        names = {t["id"]: t["name"] for t in self.teams}
        keys = {(r["team"], r["schedule"]) for r in self.routes}
        keys |= {(t["id"], None) for t in self.teams if not any(k[0] == t["id"] for k in keys)}
        return {
            key: names[key[0]] + (f" ({self.schedule_names[key[1]]})" if key[1] else "")
            for key in sorted(keys, key=lambda k: (k[0], k[1] or ""))
        }

    def _levels(self, team_id: str, schedule: str | None) -> list[tuple[int, tuple[str, str]]]:
        """(delay in minutes, (kind, matrix id)) per tier."""
        team = next(t for t in self.teams if t["id"] == team_id)
        found = []
        for tier in self.tiers:
            minutes = int(parse_duration(tier["response_time"]).total_seconds() // 60)
            if tier["held_by"] == "owner":
                target = ("schedule", schedule) if schedule else ("user", team["lead"])
            else:
                target = ("user", team[tier["held_by"]])
            found.append((minutes, target))
        return found

    # -- PagerDuty ---------------------------------------------------------------------------
    def pagerduty(self) -> tuple[dict[str, Any], list[NotMapped]]:
        ref = self._pd_ref
        users = [
            {
                "id": p["id"],
                "type": "user",
                "name": p["name"],
                "email": p["email"],
                "time_zone": p["timezone"],
                "teams": [ref("team", p["team"])],
            }
            for p in self.people
        ]
        teams = [{"id": t["id"], "type": "team", "name": t["name"]} for t in self.teams]
        policies = [
            {
                "id": f"policy-{n}",
                "type": "escalation_policy",
                "name": name,
                "num_loops": 0,
                "teams": [ref("team", key[0])],
                "escalation_rules": [
                    {"escalation_delay_in_minutes": minutes, "targets": [ref(*target)]}
                    for minutes, target in self._levels(*key)
                ],
            }
            for n, (key, name) in enumerate(self.policies.items(), start=1)
        ]
        policy_ids = {key: f"policy-{n}" for n, key in enumerate(self.policies, start=1)}
        services = []
        for route in self.routes:
            category = self._category(route["rule"])
            if category is None:
                continue
            services.append(
                {
                    "id": f"service-{category['id']}",
                    "type": "service",
                    "name": category["name"],
                    "description": category.get("description", ""),
                    "escalation_policy": ref(
                        "escalation_policy",
                        policy_ids[(route["team"], route["schedule"])],
                        plain=True,
                    ),
                }
            )
        documents = {
            "users.json": {"users": users},
            "teams.json": {"teams": teams},
            "schedules.json": {"schedules": [self._pd_schedule(s) for s in self.schedules]},
            "escalation_policies.json": {"escalation_policies": policies},
            "services.json": {"services": services},
        }
        return documents, self.notes

    @staticmethod
    def _pd_ref(kind: str, target: str, *, plain: bool = False) -> dict[str, str]:
        return {"id": target, "type": kind if plain else f"{kind}_reference"}

    def _category(self, rule: dict[str, Any]) -> dict[str, Any] | None:
        when = rule.get("when", {})
        if set(when) != {"category"} or len(when["category"]) != 1:
            self._note(
                f"routing rule '{rule['id']}'",
                f"when {when}",
                "not exported: a service matches one category",
            )
            return None
        return self.categories.get(when["category"][0])

    def _pd_schedule(self, schedule: dict[str, Any]) -> dict[str, Any]:
        zone = str(schedule["layers"][0]["timezone"])
        layers = []
        for layer in reversed(schedule["layers"]):
            self._same_zone(schedule, layer, zone)
            start = rotations.local_iso(rotations.layer_start(layer), zone)
            found: dict[str, Any] = {
                "id": layer["id"],
                "name": layer["id"],
                "start": start,
                "rotation_virtual_start": start,
                "rotation_turn_length_seconds": rotations.length_seconds(
                    str(layer.get("length", "weekly"))
                ),
                "users": [{"user": {"id": p, "type": "user_reference"}} for p in layer["rotation"]],
            }
            if layer.get("hours"):
                begin, minutes = rotations.window_minutes(str(layer["hours"]))
                found["restrictions"] = [
                    {
                        "type": "daily_restriction",
                        "start_time_of_day": f"{begin // 60:02d}:{begin % 60:02d}:00",
                        "duration_seconds": minutes * 60,
                    }
                ]
            layers.append(found)
        return {
            "id": schedule["id"],
            "type": "schedule",
            "name": schedule["name"],
            "time_zone": zone,
            "schedule_layers": layers,
        }

    def _same_zone(self, schedule: dict[str, Any], layer: dict[str, Any], zone: str) -> None:
        if layer["timezone"] != zone:
            self._note(
                f"schedule '{schedule['id']}' layer '{layer['id']}'",
                f"timezone {layer['timezone']}",
                f"the vendor has one timezone per schedule: handoff and hours are shown in {zone}",
            )

    # -- Opsgenie ----------------------------------------------------------------------------
    def opsgenie(self) -> tuple[dict[str, Any], list[NotMapped]]:
        users = [
            {
                "id": p["id"],
                "username": p["email"],
                "fullName": p["name"],
                "timeZone": p["timezone"],
                "role": {"id": "User", "name": "User"},
            }
            for p in self.people
        ]
        teams = [
            {
                "id": t["id"],
                "name": t["name"],
                "members": [
                    {"user": {"id": p["id"], "username": p["email"]}, "role": "user"}
                    for p in self.people
                    if p["team"] == t["id"]
                ],
            }
            for t in self.teams
        ]
        escalations = [
            self._og_escalation(n, key, name)
            for n, (key, name) in enumerate(self.policies.items(), start=1)
        ]
        policy_ids = {key: f"escalation-{n}" for n, key in enumerate(self.policies, start=1)}
        rules = []
        for order, route in enumerate(self.routes):
            rule = route["rule"]
            when = rule.get("when", {})
            if set(when) - {"tags", "severity"} or not when:
                self._note(
                    f"routing rule '{rule['id']}'",
                    f"when {when}",
                    "not exported: Opsgenie routes on tags and priority",
                )
                continue
            conditions = [
                {"field": "tags", "operation": "contains", "expectedValue": tag, "not": False}
                for tag in when.get("tags", [])
            ] + [
                {
                    "field": "priority",
                    "operation": "equals",
                    "expectedValue": SEVERITY_PRIORITY.get(s, s),
                    "not": False,
                }
                for s in when.get("severity", [])
            ]
            if route["schedule"]:
                notify = {
                    "type": "schedule",
                    "id": route["schedule"],
                    "name": self.schedule_names[route["schedule"]],
                }
            else:
                notify = {"type": "escalation", "id": policy_ids[(route["team"], None)]}
            rules.append(
                {
                    "id": rule["id"],
                    "name": _rule_name(rule),
                    "isDefault": False,
                    "order": order,
                    "criteria": {"type": "match-any-condition", "conditions": conditions},
                    "notify": notify,
                }
            )
        documents = {
            "users.json": {"data": users},
            "teams.json": {"data": teams},
            "schedules.json": {"data": [self._og_schedule(s) for s in self.schedules]},
            "escalations.json": {"data": escalations},
            "routing-rules.json": {"data": rules},
        }
        return documents, self.notes

    def _og_escalation(self, number: int, key: tuple[str, str | None], name: str) -> dict[str, Any]:
        levels = self._levels(*key)
        rules, elapsed = [], 0
        for minutes, (kind, target) in levels:
            recipient = {"type": kind, "id": target}
            recipient |= (
                {"username": self.email[target]}
                if kind == "user"
                else {"name": self.schedule_names[target]}
            )
            rules.append(
                {
                    "condition": "if-not-acked",
                    "notifyType": "default",
                    "delay": {"timeAmount": elapsed, "timeUnit": "minutes"},
                    "recipient": recipient,
                }
            )
            elapsed += minutes
        team = next(t for t in self.teams if t["id"] == key[0])
        return {
            "id": f"escalation-{number}",
            "name": name,
            "ownerTeam": {"id": team["id"], "name": team["name"]},
            "rules": rules,
            "repeat": {
                "waitInterval": levels[-1][0],
                "count": 0,
                "resetRecipientStates": False,
                "closeAlertAfterAll": False,
            },
        }

    def _og_schedule(self, schedule: dict[str, Any]) -> dict[str, Any]:
        zone = str(schedule["layers"][0]["timezone"])
        team = next(t for t in self.teams if t["id"] == self._schedule_team(schedule["id"]))
        found = []
        for layer in schedule["layers"]:
            self._same_zone(schedule, layer, zone)
            seconds = rotations.length_seconds(str(layer.get("length", "weekly")))
            kind, count = (
                ("weekly", seconds // 604800)
                if seconds % 604800 == 0
                else ("daily", seconds // 86400)
                if seconds % 86400 == 0
                else ("hourly", seconds // 3600)
            )
            rotation: dict[str, Any] = {
                "id": layer["id"],
                "name": layer["id"],
                "type": kind,
                "length": count,
                "startDate": rotations.iso(rotations.layer_start(layer).astimezone(UTC)),
                "participants": [
                    {"type": "user", "id": p, "username": self.email[p]} for p in layer["rotation"]
                ],
            }
            if layer.get("hours"):
                begin, minutes = rotations.window_minutes(str(layer["hours"]))
                end = (begin + minutes) % 1440
                rotation["timeRestriction"] = {
                    "type": "time-of-day",
                    "restriction": {
                        "startHour": begin // 60,
                        "startMin": begin % 60,
                        "endHour": end // 60 if end else 24,
                        "endMin": end % 60,
                    },
                }
            found.append(rotation)
        return {
            "id": schedule["id"],
            "name": schedule["name"],
            "timezone": zone,
            "enabled": True,
            "ownerTeam": {"id": team["id"], "name": team["name"]},
            "rotations": found,
        }


def _rule_name(rule: dict[str, Any]) -> str:
    """The Opsgenie rule name an import recorded in the description, else the rule's id."""
    found = re.fullmatch(r"Opsgenie routing rule '(.+)'", str(rule.get("description", "")))
    return found.group(1) if found else str(rule["id"])
