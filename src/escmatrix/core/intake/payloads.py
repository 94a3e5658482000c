"""The shapes each source sends, as far as we read them: validated before anything is decided.

Sources send many more fields than these; unknown ones are ignored (a source adding a field
must not break intake), but every field we read must be there with the right type.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


# -- Prometheus Alertmanager webhook, version 4 -------------------------------------------------


class AmAlert(Payload):
    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = {}
    startsAt: str
    endsAt: str = ""
    generatorURL: str = ""
    fingerprint: str = Field(min_length=1)


class AlertmanagerWebhook(Payload):
    version: Literal["4"]
    groupKey: str = Field(min_length=1)
    truncatedAlerts: int = 0
    status: Literal["firing", "resolved"]
    receiver: str
    groupLabels: dict[str, str]
    commonLabels: dict[str, str]
    commonAnnotations: dict[str, str] = {}
    externalURL: str = ""
    alerts: list[AmAlert] = Field(min_length=1)


# -- Zendesk webhook (ticket events, zendesk_event_version 2022-11-06) --------------------------


class ZendeskTicket(Payload):
    id: str = Field(min_length=1)
    subject: str = ""
    description: str = ""
    status: str
    priority: str | None = None
    type: str | None = None
    tags: list[str] = []
    organization_id: str | None = None
    requester_id: str | None = None
    via: dict[str, object] = {}


class ZendeskWebhook(Payload):
    type: str = Field(pattern=r"^zen:event-type:ticket\.[a-z_]+$")
    account_id: int
    id: str = Field(min_length=1)
    time: str
    zendesk_event_version: str
    subject: str
    detail: ZendeskTicket
    event: dict[str, object] = {}


# -- Jira Service Management (Jira Cloud webhook: jira:issue_created / jira:issue_updated) -------


class JiraNamed(Payload):
    name: str


class JiraStatusCategory(Payload):
    key: str


class JiraStatus(Payload):
    name: str
    statusCategory: JiraStatusCategory | None = None


class JiraProject(Payload):
    key: str


class JiraFields(Payload):
    summary: str = Field(min_length=1)
    description: str | None = None
    priority: JiraNamed | None = None
    status: JiraStatus
    issuetype: JiraNamed
    project: JiraProject
    labels: list[str] = []
    resolution: JiraNamed | None = None


class JiraIssue(Payload):
    id: str
    key: str = Field(pattern=r"^[A-Z][A-Z0-9_]*-\d+$")
    self: str
    fields: JiraFields


class JiraComment(Payload):
    body: str
    author: dict[str, object] = {}


class JsmWebhook(Payload):
    timestamp: int
    webhookEvent: Literal["jira:issue_created", "jira:issue_updated", "comment_created"]
    issue: JiraIssue
    comment: JiraComment | None = None


# -- generic: anything else, in our own small shape ---------------------------------------------


class GenericPayload(Payload):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    key: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=200)
    status: Literal["open", "resolved"] = "open"
    description: str = ""
    url: str = ""
    fields: dict[str, str] = {}
