"""matrix/categories.yaml: the kinds of issue, each with its primary owner and backups."""

# Mutable defaults are safe here: pydantic copies them per instance (ruff cannot see that
# `Model`, imported from base, is a pydantic model).
# ruff: noqa: RUF012

from __future__ import annotations

from pydantic import Field

from escmatrix.core.matrix.base import Model
from escmatrix.core.types import Id, Text


class Category(Model):
    id: Id
    name: Text
    description: Text = ""
    primary: Id
    backups: list[Id] = Field(min_length=1)
    schedule: Id | None = Field(
        default=None,
        description="an on-call schedule (schedules.yaml): whoever it names when an issue arrives "
        "owns it ahead of the primary; away or nobody on call: the primary, then the backups",
    )
    specialists: list[Id] = []
    playbook: Text | None = None


class CategoriesFile(Model):
    """matrix/categories.yaml"""

    categories: list[Category]
