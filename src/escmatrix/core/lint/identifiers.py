"""Unique ids and emails: `duplicate-id`, `duplicate-email`."""

from __future__ import annotations

from collections.abc import Iterator

from escmatrix.core.lint.findings import Finding
from escmatrix.core.lint.lookups import matrix_file
from escmatrix.core.matrix import AccountsFile, CommsFile, Matrix, PeopleFile, SeverityFile


def lint_unique_values(m: Matrix) -> Iterator[Finding]:
    comms = matrix_file(m, "comms", CommsFile)
    severity = matrix_file(m, "severity", SeverityFile)
    accounts = matrix_file(m, "accounts", AccountsFile)
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
    emails = [p.email.lower() for p in matrix_file(m, "people", PeopleFile).people]
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
