"""matrix/accounts.yaml: customers and partners, with their contract targets."""

# Mutable defaults are safe here: pydantic copies them per instance (ruff cannot see that
# `Model`, imported from base, is a pydantic model).
# ruff: noqa: RUF012

from __future__ import annotations

from escmatrix.core.matrix.base import Model
from escmatrix.core.target_time import Target
from escmatrix.core.types import Id, Text, Timezone


class ContractTargets(Model):
    first_response: Target | None = None
    update_every: Target | None = None
    resolution: Target | None = None
    calendar: Id | None = None


class Account(Model):
    id: Id
    name: Text
    strategic: bool = False
    timezone: Timezone = "UTC"
    liaison: Id | None = None
    targets: dict[Id, ContractTargets] = {}
    shares: list[Id] = []


class AccountsFile(Model):
    """matrix/accounts.yaml"""

    customers: list[Account] = []
    partners: list[Account] = []
