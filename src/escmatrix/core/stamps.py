"""Who, when and under which matrix: the fields every event starts with, without the event models
(the sweep plans its events before any is made)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, TypedDict


class MatrixRef(NamedTuple):
    """The matrix a decision is made under: by content (the tree id of matrix/, which a rebase or a
    cherry-pick keeps) and, as a hint, the last commit that changed it."""

    commit: str = ""
    tree: str = ""


class Stamp(TypedDict):
    """Who, when and under which matrix: the fields every event starts with."""

    at: datetime
    actor: str
    matrix: str
    matrix_tree: str


def stamp(at: datetime, actor: str, ref: MatrixRef) -> Stamp:
    return {"at": at, "actor": actor, "matrix": ref.commit, "matrix_tree": ref.tree}
