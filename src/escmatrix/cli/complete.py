"""Shell completion: commands come from Click; ids come from the matrix and the open issues."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from escmatrix.core.matrix import Matrix

Candidates = list[tuple[str, str]]


def _root(ctx: typer.Context) -> Any:
    from escmatrix.store.repository import find_root

    return find_root(ctx.find_root().params.get("repo"))


def _matrix(ctx: typer.Context) -> Matrix:
    from escmatrix.store.matrix_loader import load_matrix

    return load_matrix(_root(ctx))


def _quietly(
    produce: Callable[[typer.Context], Candidates],
) -> Callable[[typer.Context, str], Candidates]:
    def complete(ctx: typer.Context, incomplete: str) -> Candidates:
        try:
            return [(value, help_) for value, help_ in produce(ctx) if value.startswith(incomplete)]
        except Exception:  # completion must never print an error into the user's shell
            return []

    return complete


categories = _quietly(lambda ctx: [(c.id, c.name) for c in _matrix(ctx).categories.values()])
severities = _quietly(lambda ctx: [(s.id, s.name) for s in _matrix(ctx).severities.values()])
people = _quietly(lambda ctx: [(p.id, p.name) for p in _matrix(ctx).people.values()])
tiers = _quietly(lambda ctx: [(t.id, t.name) for t in _matrix(ctx).tiers])
customers = _quietly(lambda ctx: [(a.id, a.name) for a in _matrix(ctx).customers.values()])
partners = _quietly(lambda ctx: [(a.id, a.name) for a in _matrix(ctx).partners.values()])


def _open_issues(ctx: typer.Context) -> Candidates:
    from escmatrix.store.issues import IssueStore

    store = IssueStore(_root(ctx))
    return [(s.id, s.title) for s in store.load_all() if s.is_active]


open_issues = _quietly(_open_issues)
