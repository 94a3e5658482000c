"""Friction notes from the front line: what got in the way, kept so the matrix changes from evidence.

A note is one small YAML file under `friction/`, written once and never edited, like an event.
Deciding a note (checking its category, tier and issue against the matrix) is pure; the store
writes it and the workspace commits it.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from escmatrix.core.errors import NotFound, UsageError
from escmatrix.core.issue import IssueState
from escmatrix.core.matrix import Matrix
from escmatrix.core.types import Id, Text

MAX_TEXT = 2000


class FrictionNote(BaseModel):
    """What a responder found in the way: free text, optionally tied to a category, tier, issue."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    at: AwareDatetime
    actor: Id
    matrix: Text = Field(default="", description="the matrix commit the note was written under")
    text: Text = Field(min_length=1, max_length=MAX_TEXT)
    category: Id | None = None
    tier: Id | None = None
    issue: Id | None = None


def decide_note(
    matrix: Matrix,
    *,
    actor: str,
    at: datetime,
    matrix_commit: str,
    text: str,
    category: str | None,
    tier: str | None,
    issue: IssueState | None,
) -> FrictionNote:
    """The note to record; an issue lends its category and current tier unless they are given."""
    cleaned = text.strip()
    if not cleaned:
        raise UsageError("the friction note must not be empty", hint='e.g. escmatrix friction "…"')
    if len(cleaned) > MAX_TEXT:
        raise UsageError(
            f"the friction note is {len(cleaned)} characters, over the limit of {MAX_TEXT}",
            hint="say it in a paragraph; link to a longer write-up",
        )
    if issue is not None:
        category = category or issue.category
        tier = tier or issue.tier
    if category is not None and category not in matrix.categories:
        raise NotFound(
            f"unknown category {category!r}",
            hint=f"known categories: {', '.join(matrix.categories)}",
        )
    if tier is not None and tier not in {t.id for t in matrix.tiers}:
        raise NotFound(
            f"unknown tier {tier!r}", hint=f"tiers: {', '.join(t.id for t in matrix.tiers)}"
        )
    return FrictionNote(
        at=at,
        actor=actor,
        matrix=matrix_commit,
        text=cleaned,
        category=category,
        tier=tier,
        issue=issue.id if issue else None,
    )
