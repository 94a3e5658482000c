"""The ladder: tiers that respond later the higher they are (`ladder-not-increasing`), and
someone in the office to hold each tier today (`tier-unholdable`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from escmatrix.core.durations import format_duration
from escmatrix.core.lint.findings import Finding
from escmatrix.core.lint.lookups import away_until, matrix_file, owner_pool
from escmatrix.core.matrix import LadderFile, Matrix, TeamsFile


def _name(matrix: Matrix, person_id: str) -> str:
    person = matrix.people.get(person_id)
    return f"{person.name} ({person_id})" if person else person_id


def lint_ladder(m: Matrix) -> Iterator[Finding]:
    tiers = matrix_file(m, "ladder", LadderFile).tiers
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


def lint_tier_holders(m: Matrix, now: datetime) -> Iterator[Finding]:
    owning_teams = {m.people[p].team for p in owner_pool(m)}
    held = {t.held_by for t in m.tiers if t.held_by != "owner"}
    tiers_by_holder = {h: [t.id for t in m.tiers if t.held_by == h] for h in held}
    for i, team in enumerate(matrix_file(m, "teams", TeamsFile).teams):
        if team.id not in owning_teams:
            continue
        for holder in ("lead", "manager", "sponsor"):
            if holder not in held:
                continue
            person = m.people.get(getattr(team, holder))
            until = away_until(person, now) if person else None
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
