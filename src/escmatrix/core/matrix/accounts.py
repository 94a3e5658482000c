"""matrix/accounts.yaml: customers and partners, with their contract targets."""

# Mutable defaults are safe here: pydantic copies them per instance (ruff cannot see that
# `Model`, imported from base, is a pydantic model).
# ruff: noqa: RUF012

from __future__ import annotations

from escmatrix.core.matrix.base import Model
from escmatrix.core.types import Duration, Id, Text, Timezone


class ContractTargets(Model):
    first_response: Duration | None = None
    update_every: Duration | None = None
    resolution: Duration | None = None
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
