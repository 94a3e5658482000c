"""Categories: `owners-all-away`, `missing-playbook`, and a playbook that is not a file
(`unknown-reference`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from escmatrix.core.lint.findings import Finding
from escmatrix.core.lint.lookups import away_until, matrix_file
from escmatrix.core.matrix import CategoriesFile, Matrix


def lint_categories(
    m: Matrix, now: datetime, playbooks: frozenset[str] | None
) -> Iterator[Finding]:
    for i, c in enumerate(matrix_file(m, "categories", CategoriesFile).categories):
        owners = [m.people.get(ref) for ref in (c.primary, *c.backups)]
        if all(owners) and all(p is not None and p.is_away(now) for p in owners):
            away = ", ".join(f"{p.id} until {away_until(p, now)}" for p in owners if p is not None)
            yield Finding(
                "owners-all-away",
                "categories",
                ("categories", i),
                f"category {c.id!r}: every owner is out of office on {now.date()} ({away})",
                "add a backup who is in, so new issues reach someone",
            )
        if c.playbook is None:
            yield Finding(
                "missing-playbook",
                "categories",
                ("categories", i),
                f"category {c.id!r} names no playbook",
                f"add `playbook: {c.id}.md` and write playbooks/{c.id}.md",
            )
        elif playbooks is not None and _playbook_path(c.playbook) not in playbooks:
            yield Finding(
                "unknown-reference",
                "categories",
                ("categories", i, "playbook"),
                f"category {c.id!r}: playbook {c.playbook!r} is not a file under playbooks/",
                _known("playbooks", set(playbooks)),
            )


def _playbook_path(reference: str) -> str:
    """The reference as a path inside playbooks/, or '' when it points outside."""
    parts = reference.replace("\\", "/").split("/")
    if reference.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return ""
    return "/".join(parts)


def _known(what: str, values: set[str]) -> str:
    listed = sorted(values)
    shown = ", ".join(listed[:12]) + (", ..." if len(listed) > 12 else "")
    return f"known {what}: {shown}" if listed else f"no {what} exist"
