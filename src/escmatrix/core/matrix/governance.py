"""matrix/governance.yaml: who may override routing and reconcile overrides, how often the
matrix is reviewed, and the identity automation commits as."""

# Mutable defaults are safe here: pydantic copies them per instance (ruff cannot see that
# `Model`, imported from base, is a pydantic model).
# ruff: noqa: RUF012

from __future__ import annotations

from datetime import date, timedelta

from pydantic import Field

from escmatrix.core.matrix.base import Model
from escmatrix.core.matrix.people import SigningKey
from escmatrix.core.types import Duration, Id, Text


class OverridePolicy(Model):
    allowed: list[Id] = Field(min_length=1)
    circumstances: list[Text] = []
    reconcile_within: Duration = Field(default_factory=lambda: timedelta(days=5))
    reconcilers: list[Id] = []


class ReviewPolicy(Model):
    period: Duration
    last_reviewed: date
    owners: list[Id] = []
    require_merge: bool = Field(
        default=False,
        description="matrix changes must arrive through merged pull requests (audit checks)",
    )


class Automation(Model):
    name: Text = "escmatrix automation"
    email: Text = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    signing_keys: list[SigningKey] = Field(
        default=[],
        description="the keys automation (the sweep, CI) signs commits with: an SSH public key as in ~/.ssh/id_*.pub "
        "('ssh-ed25519 AAAA… comment') or a GPG key fingerprint (40 hex digits); "
        "`audit --require-signed` ties each commit's signer to the event's actor by these",
    )


class AcceptedGap(Model):
    """A stretch of the week where nobody engaged is at work, accepted on purpose and why."""

    category: Id = Field(description="the category (categories.yaml) whose cells are accepted")
    severities: list[Id] = Field(default=[], description="empty: every severity")
    reason: Text = Field(min_length=1, description="why these hours may go without anyone")


class GovernanceFile(Model):
    """matrix/governance.yaml"""

    overrides: OverridePolicy
    review: ReviewPolicy
    automation: Automation | None = None
    accepted_gaps: list[AcceptedGap] = Field(
        default=[],
        description="cells where the coverage-gap lint accepts that nobody engaged is at work "
        "at some hours (e.g. waits for the next business day), each with its reason",
    )
