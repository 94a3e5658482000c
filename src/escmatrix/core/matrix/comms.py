"""matrix/comms.yaml: the channels notices go to (secrets only by environment-variable name),
which severities are told where, the status-update template and the jargon to avoid."""

# Mutable defaults are safe here: pydantic copies them per instance (ruff cannot see that
# `Model`, imported from base, is a pydantic model).
# ruff: noqa: RUF012

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

from escmatrix.core.matrix.base import Model, default_model
from escmatrix.core.types import Id, Text

ChannelKind = Literal["slack", "email", "webhook", "pagerduty", "dashboard"]

ENV_NAME = r"^[A-Z][A-Z0-9_]*$"
PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"

# The fields each kind of channel needs, and the ones it may also have; anything else is refused
# so a field given to the wrong kind (an SMTP host on a Slack channel) is a finding, not a no-op.
CHANNEL_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "slack": (("url_env",), ()),
    "webhook": ((), ("url", "url_env", "secret_env")),
    "pagerduty": (("secret_env",), ("url",)),
    "email": (
        ("smtp_host", "sender"),
        ("smtp_port", "starttls", "username_env", "secret_env"),
    ),
    "dashboard": ((), ()),
}
_FIELD_MEANING = {
    "url_env": "the environment variable that holds the webhook URL (a secret: never in the repo)",
    "secret_env": "the environment variable that holds the PagerDuty routing key",
    "smtp_host": "the SMTP server to send through",
    "sender": "the From address",
}


class Channel(Model):
    """Where notices go. Secrets are never written here: only the names of the environment
    variables that hold them (`*_env`), read when a message is sent."""

    id: Id
    kind: ChannelKind
    target: Text  # who is told: a display name, or the recipients of an email (comma-separated)
    url: Text | None = Field(default=None, pattern=r"^https?://\S+$")
    url_env: Text | None = Field(default=None, pattern=ENV_NAME)
    secret_env: Text | None = Field(default=None, pattern=ENV_NAME)
    username_env: Text | None = Field(default=None, pattern=ENV_NAME)
    smtp_host: Text | None = None
    smtp_port: int | None = Field(default=None, ge=1, le=65535)
    starttls: bool | None = None
    sender: Text | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Channel:
        needed, optional = CHANNEL_FIELDS[self.kind]
        given = [name for name in _TRANSPORT_FIELDS if getattr(self, name) is not None]
        for name in given:
            if name not in needed and name not in optional:
                what = "nothing is sent to a dashboard" if self.kind == "dashboard" else ""
                uses = ", ".join((*needed, *optional)) or "no transport fields"
                raise ValueError(
                    f"{name} does not apply to a {self.kind} channel"
                    + (f" ({what})" if what else f"; a {self.kind} channel uses {uses}")
                )
        for name in needed:
            if getattr(self, name) is None:
                raise ValueError(f"a {self.kind} channel needs {name}: {_FIELD_MEANING[name]}")
        if self.kind == "webhook" and (self.url is None) == (self.url_env is None):
            raise ValueError(
                "a webhook channel needs exactly one of url (a public endpoint) or url_env "
                "(the environment variable holding a secret URL)"
            )
        if self.url is not None and ("@" in self.url.split("/")[2] or "hooks.slack" in self.url):
            raise ValueError(
                "url looks like it carries a secret; put the URL in an environment variable "
                "and name it in url_env"
            )
        if self.kind == "email":
            for address in self.recipients:
                if not re.fullmatch(r"[^@\s]+@[^@\s]+", address):
                    raise ValueError(
                        f"target {address!r} is not an email address; an email channel's target "
                        "is its recipients, comma-separated"
                    )
        return self

    @property
    def recipients(self) -> list[str]:
        """An email channel's recipients (its target, comma-separated)."""
        return [part.strip() for part in self.target.split(",") if part.strip()]

    @property
    def secrets(self) -> list[str]:
        """The names of the environment variables this channel reads when sending."""
        names = (self.url_env, self.secret_env, self.username_env)
        return [name for name in names if name is not None]


_TRANSPORT_FIELDS = (
    "url",
    "url_env",
    "secret_env",
    "username_env",
    "smtp_host",
    "smtp_port",
    "starttls",
    "sender",
)


class StatusTemplate(Model):
    required: list[Literal["status", "next_steps", "owner", "dependencies", "next_update_by"]] = [
        "status",
        "next_steps",
    ]
    max_length: int = Field(default=600, ge=40, le=10_000)


class Jargon(Model):
    """A term customers and partners should not have to decode, and what to say instead."""

    term: Text = Field(min_length=1)
    instead: Text | None = None


def _jargon_term(value: object) -> object:
    return {"term": value} if isinstance(value, str) else value


JargonItem = Annotated[
    Jargon,
    BeforeValidator(_jargon_term),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "properties": {"term": {"type": "string"}, "instead": {"type": "string"}},
                    "required": ["term"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


class CommsFile(Model):
    """matrix/comms.yaml"""

    channels: list[Channel] = []
    by_severity: dict[Id, list[Id]] = {}
    status_update: StatusTemplate = default_model(StatusTemplate)
    jargon: list[JargonItem] = Field(
        default=[],
        description="terms flagged in customer, partner and executive drafts: a term, or "
        "{term, instead} to suggest plain words",
    )

    @property
    def jargon_terms(self) -> list[Jargon]:
        return list(self.jargon)
