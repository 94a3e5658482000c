"""Cross-references that point at nothing, and the structural rules that need the whole matrix.

Each finding names the file kind and the path inside it, so the loader can name the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from escmatrix.core.matrix.accounts import AccountsFile
from escmatrix.core.matrix.base import ALWAYS, cast_file
from escmatrix.core.matrix.categories import CategoriesFile
from escmatrix.core.matrix.intake import intake_dangling
from escmatrix.core.matrix.people import PeopleFile, TeamsFile
from escmatrix.core.matrix.routing import Rule
from escmatrix.core.matrix.severity import SeverityFile

if TYPE_CHECKING:
    from escmatrix.core.matrix.assembled import Matrix


@dataclass(frozen=True)
class Dangling:
    """A reference that points at nothing: which file kind, the path inside it, and why."""

    kind: str
    loc: tuple[int | str, ...]
    message: str
    hint: str | None = None
    rule: str = "unknown-reference"


def find_dangling(m: Matrix) -> list[Dangling]:
    """Every cross-reference in `m` that points at nothing, and every structural rule broken."""
    found: list[Dangling] = []
    people, teams = set(m.people), set(m.teams)

    def person(kind: str, loc: tuple[int | str, ...], ref: str) -> None:
        if ref not in people:
            found.append(Dangling(kind, loc, f"unknown person {ref!r}", _choices("people", people)))

    def on_call(kind: str, loc: tuple[int | str, ...], what: str, ref: str | None) -> None:
        if ref is not None and ref not in m.schedules:
            known = set(m.schedules)
            found.append(
                Dangling(
                    kind, loc, f"{what}: unknown schedule {ref!r}", _choices("schedules", known)
                )
            )

    people_list = cast_file(m.files["people"], PeopleFile).people
    team_list = cast_file(m.files["teams"], TeamsFile).teams
    category_list = cast_file(m.files["categories"], CategoriesFile).categories
    severity_list = cast_file(m.files["severity"], SeverityFile).severities
    accounts = cast_file(m.files.get("accounts") or AccountsFile(), AccountsFile)
    found.extend(_duplicates("people", "people", [p.id for p in people_list]))
    found.extend(_duplicates("teams", "teams", [t.id for t in team_list]))
    found.extend(_duplicates("categories", "categories", [c.id for c in category_list]))
    found.extend(_duplicates("severity", "severities", [s.id for s in severity_list]))
    for i, p in enumerate(people_list):
        if p.team not in teams:
            found.append(
                Dangling(
                    "people",
                    ("people", i, "team"),
                    f"unknown team {p.team!r}",
                    _choices("teams", teams),
                )
            )
    for i, t in enumerate(team_list):
        for key in ("lead", "manager", "sponsor"):
            person("teams", ("teams", i, key), getattr(t, key))
        for j, member in enumerate(t.members):
            person("teams", ("teams", i, "members", j), member)
    for i, c in enumerate(category_list):
        person("categories", ("categories", i, "primary"), c.primary)
        for j, backup in enumerate(c.backups):
            person("categories", ("categories", i, "backups", j), backup)
            if backup == c.primary:
                found.append(
                    Dangling(
                        "categories",
                        ("categories", i, "backups", j),
                        f"category {c.id!r}: backup {backup!r} is also its primary owner",
                        "name a different person as backup, so the work has somewhere to go",
                        rule="backup-is-primary",
                    )
                )
        for j, specialist in enumerate(c.specialists):
            person("categories", ("categories", i, "specialists", j), specialist)
        on_call("categories", ("categories", i, "schedule"), f"category {c.id!r}", c.schedule)
    tier_ids = {t.id for t in m.tiers}
    found.extend(_duplicates("ladder", "tiers", [t.id for t in m.tiers]))
    for i, tier in enumerate(m.tiers):
        on_call("ladder", ("tiers", i, "schedule"), f"tier {tier.id!r}", tier.schedule)
    for i, s in enumerate(severity_list):
        if s.start_tier not in tier_ids:
            found.append(
                Dangling(
                    "severity",
                    ("severities", i, "start_tier"),
                    f"unknown tier {s.start_tier!r}",
                    _choices("tiers", tier_ids),
                )
            )
        if s.max_score < s.min_score:
            found.append(
                Dangling(
                    "severity",
                    ("severities", i, "max_score"),
                    f"severity {s.id!r}: max_score {s.max_score} is below min_score {s.min_score}",
                    rule="severity-range",
                )
            )
    calendar_ids = set(m.calendars) | {ALWAYS}
    for i, s in enumerate(severity_list):
        if s.calendar not in calendar_ids:
            found.append(
                Dangling(
                    "severity",
                    ("severities", i, "calendar"),
                    f"unknown calendar {s.calendar!r}",
                    _choices("calendars", calendar_ids),
                )
            )
    found.extend(_duplicates("routing", "rules", [r.id for r in m.rules]))
    owners = people | teams | {"primary"}
    for i, r in enumerate(m.rules):
        if r.owner not in owners:
            found.append(
                Dangling(
                    "routing",
                    ("rules", i, "owner"),
                    f"rule {r.id!r}: unknown owner {r.owner!r}",
                    "use 'primary', a person id or a team id",
                )
            )
        found.extend(_pool_problems(r, i, people, teams | set(m.schedules)))
        on_call("routing", ("rules", i, "schedule"), f"rule {r.id!r}", r.schedule)
        if r.tier is not None and r.tier not in tier_ids:
            found.append(
                Dangling(
                    "routing",
                    ("rules", i, "tier"),
                    f"unknown tier {r.tier!r}",
                    _choices("tiers", tier_ids),
                )
            )
        for key, known in (
            ("category", set(m.categories)),
            ("severity", set(m.severities)),
            ("customer", set(m.customers)),
            ("partner", set(m.partners)),
        ):
            for j, ref in enumerate(getattr(r.when, key)):
                if ref not in known:
                    found.append(
                        Dangling(
                            "routing",
                            ("rules", i, "when", key, j),
                            f"rule {r.id!r}: unknown {key} {ref!r}",
                            _choices(key, known),
                        )
                    )
        for key in ("working_hours", "outside_working_hours"):
            ref = getattr(r.when, key)
            if ref is not None and ref not in m.calendars:
                found.append(
                    Dangling(
                        "routing",
                        ("rules", i, "when", key),
                        f"rule {r.id!r}: unknown calendar {ref!r}",
                        _choices("calendars", set(m.calendars)),
                    )
                )
    if not any(r.when.is_catch_all for r in m.rules):
        found.append(
            Dangling(
                "routing",
                ("rules",),
                "no catch-all rule: some issues would route nowhere",
                "add a last rule with no 'when', owner: primary",
                rule="no-catch-all",
            )
        )
    for kind, account_list in (("customers", accounts.customers), ("partners", accounts.partners)):
        for i, a in enumerate(account_list):
            if a.liaison is not None:
                person("accounts", (kind, i, "liaison"), a.liaison)
            for sev, contract in a.targets.items():
                if contract.calendar is not None and contract.calendar not in calendar_ids:
                    found.append(
                        Dangling(
                            "accounts",
                            (kind, i, "targets", sev, "calendar"),
                            f"unknown calendar {contract.calendar!r}",
                            _choices("calendars", calendar_ids),
                        )
                    )
                if sev not in m.severities:
                    found.append(
                        Dangling(
                            "accounts",
                            (kind, i, "targets", sev),
                            f"unknown severity {sev!r}",
                            _choices("severities", set(m.severities)),
                        )
                    )
    channel_ids = {c.id for c in m.comms.channels}
    for sev, channels in m.comms.by_severity.items():
        if sev not in m.severities:
            found.append(
                Dangling(
                    "comms",
                    ("by_severity", sev),
                    f"unknown severity {sev!r}",
                    _choices("severities", set(m.severities)),
                )
            )
        for j, ch in enumerate(channels):
            if ch not in channel_ids:
                found.append(
                    Dangling(
                        "comms",
                        ("by_severity", sev, j),
                        f"unknown channel {ch!r}",
                        _choices("channels", channel_ids),
                    )
                )
    grants = people | m.roles()
    policy = m.governance.overrides
    for key in ("allowed", "reconcilers"):
        for j, ref in enumerate(getattr(policy, key)):
            if ref not in grants:
                found.append(
                    Dangling(
                        "governance",
                        ("overrides", key, j),
                        f"unknown person or role {ref!r}",
                        "name a person id or a role that someone holds",
                    )
                )
    for j, ref in enumerate(m.governance.review.owners):
        person("governance", ("review", "owners", j), ref)
    for j, gap in enumerate(m.governance.accepted_gaps):
        for key, refs, ids in (
            ("category", [gap.category], set(m.categories)),
            ("severities", gap.severities, set(m.severities)),
        ):
            for k, ref in enumerate(refs):
                if ref not in ids:
                    where = ("accepted_gaps", j, key) + (() if key == "category" else (k,))
                    found.append(
                        Dangling(
                            "governance",
                            where,
                            f"accepted gap: unknown {key.rstrip('s')} {ref!r}",
                            _choices("categories" if key == "category" else "severities", ids),
                        )
                    )
    for i, schedule in enumerate(m.schedules.values()):
        for j, layer in enumerate(schedule.layers):
            for k, ref in enumerate(layer.rotation):
                person("schedules", ("schedules", i, "layers", j, "rotation", k), ref)
        for j, override in enumerate(schedule.overrides):
            person("schedules", ("schedules", i, "overrides", j, "person"), override.person)
    found.extend(intake_dangling(m))
    return found


def _pool_problems(r: Rule, i: int, people: set[str], teams: set[str]) -> list[Dangling]:
    """A pool names a team or people that exist, and pool-only keys need a pool."""
    found: list[Dangling] = []
    if r.pool is None:
        for key in ("strategy", "window", "min_sample"):
            if key in r.model_fields_set:
                found.append(
                    Dangling(
                        "routing",
                        ("rules", i, key),
                        f"rule {r.id!r}: {key} applies only to a rule with a pool",
                        "add pool: TEAM or pool: [PERSON, ...], or remove the key",
                        rule="pool-without-pool",
                    )
                )
        return found
    if "owner" in r.model_fields_set:
        found.append(
            Dangling(
                "routing",
                ("rules", i, "owner"),
                f"rule {r.id!r} has both owner and pool",
                "keep one: owner names who gets the issue, pool lets the strategy choose",
                rule="owner-and-pool",
            )
        )
    if isinstance(r.pool, str):
        if r.pool not in teams:
            found.append(
                Dangling(
                    "routing",
                    ("rules", i, "pool"),
                    f"rule {r.id!r}: unknown team {r.pool!r} as pool",
                    "a pool is a team id, an on-call schedule id or a list of person ids; "
                    + _choices("teams and schedules", teams),
                )
            )
        return found
    if not r.pool:
        found.append(
            Dangling(
                "routing",
                ("rules", i, "pool"),
                f"rule {r.id!r}: the pool is empty",
                "list at least one person, or name a team",
                rule="empty-pool",
            )
        )
    for j, ref in enumerate(r.pool):
        if ref not in people:
            found.append(
                Dangling(
                    "routing",
                    ("rules", i, "pool", j),
                    f"rule {r.id!r}: unknown person {ref!r} in pool",
                    _choices("people", people),
                )
            )
    return found


def _duplicates(kind: str, key: str, ids: list[str]) -> list[Dangling]:
    seen: set[str] = set()
    out = []
    for i, ident in enumerate(ids):
        if ident in seen:
            out.append(
                Dangling(
                    kind,
                    (key, i, "id"),
                    f"duplicate id {ident!r}",
                    "ids must be unique within a file",
                    rule="duplicate-id",
                )
            )
        seen.add(ident)
    return out


def _choices(what: str, known: set[str]) -> str:
    listed = sorted(known)
    shown = ", ".join(listed[:12]) + (", ..." if len(listed) > 12 else "")
    return f"known {what}: {shown}" if listed else f"no {what} are defined"
