"""Who is on call: every schedule's holder and every category x tier cell at a moment, and the
handoffs in a window. Reads the matrix only; writes nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from escmatrix.core.errors import UsageError
from escmatrix.core.matrix import Matrix, Schedule
from escmatrix.core.oncall import Shift, shifts, who_is_on_call


def chosen(matrix: Matrix, schedule: str | None) -> list[Schedule]:
    """The schedules asked for (all of them without a name); an unknown name is a usage error."""
    if schedule is None:
        return list(matrix.schedules.values())
    if schedule not in matrix.schedules:
        known = ", ".join(matrix.schedules) or "none: matrix/schedules.yaml defines no schedule"
        raise UsageError(f"unknown schedule {schedule!r}", hint=f"schedules: {known}")
    return [matrix.schedules[schedule]]


def _name(matrix: Matrix, person: str | None) -> str | None:
    found = matrix.people.get(person) if person else None
    return found.name if found else person


def snapshot(matrix: Matrix, at: datetime, schedule: str | None = None) -> dict[str, Any]:
    """Every schedule's holder at `at`, and (without `schedule`) each category x tier cell."""
    rows = []
    for item in chosen(matrix, schedule):
        holder = who_is_on_call(item, at)
        away = holder.person is not None and matrix.people[holder.person].is_away(at)
        rows.append(
            {
                "schedule": item.id,
                "name": item.name,
                "person": holder.person,
                "person_name": _name(matrix, holder.person),
                "layer": holder.layer,
                "away": away,
                "why": holder.why + ("; out of office" if away else ""),
            }
        )
    cells = [] if schedule is not None else _cells(matrix, at)
    return {"at": at.isoformat(), "schedules": rows, "cells": cells}


def _cells(matrix: Matrix, at: datetime) -> list[dict[str, Any]]:
    cells = []
    for category in matrix.categories.values():
        owner, why = category.primary, f"primary of {category.id}"
        rota = matrix.schedules.get(category.schedule or "")
        duty = who_is_on_call(rota, at) if rota is not None else None
        duty_person = matrix.people.get(duty.person or "") if duty is not None else None
        if duty is not None and duty_person is not None and not duty_person.is_away(at):
            owner, why = duty_person.id, f"on call for {category.id}: {duty.why}"
        elif matrix.people[owner].is_away(at) if owner in matrix.people else False:
            free = [b for b in category.backups if b in matrix.people]
            free = [b for b in free if not matrix.people[b].is_away(at)] or free
            owner, why = free[0], f"backup of {category.id} ({category.primary} out of office)"
        for tier in matrix.tiers:
            holder = matrix.holder(tier, owner, at)
            role = "owner" if tier.held_by == "owner" else f"{tier.held_by} of {owner}'s team"
            if tier.schedule is not None and holder != matrix.holder(tier, owner):
                role = f"on call on schedule {tier.schedule!r} for tier {tier.id}"
            cells.append(
                {
                    "category": category.id,
                    "tier": tier.id,
                    "person": holder,
                    "person_name": _name(matrix, holder),
                    "why": f"{role}; {why}",
                }
            )
    return cells


def agenda(
    matrix: Matrix, since: datetime, until: datetime, schedule: str | None = None
) -> list[Shift]:
    """The shifts of the chosen schedules in [since, until), by start time."""
    if until <= since:
        raise UsageError(
            "--until must be after --from", hint="e.g. --from 2026-12-01 --until 2026-12-08"
        )
    found = [shift for item in chosen(matrix, schedule) for shift in shifts(item, since, until)]
    return sorted(found, key=lambda s: (s.starts, s.schedule))
