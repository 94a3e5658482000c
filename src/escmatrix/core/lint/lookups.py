"""What several lints look up in a matrix: a file (or its defaults), absences, possible owners."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

from escmatrix.core.matrix import Matrix, Model, Person

M = TypeVar("M", bound=Model)


def matrix_file(matrix: Matrix, kind: str, model: type[M]) -> M:
    value = matrix.files.get(kind) or model.model_validate({})
    assert isinstance(value, model)
    return value


def away_until(person: Person, now: datetime) -> date | None:
    day = now.date()
    ends = [a.until for a in person.out_of_office if a.starts <= day <= a.until]
    return max(ends) if ends else None


def owner_pool(m: Matrix) -> set[str]:
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
