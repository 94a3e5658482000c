"""Which notices an action produces, for which channels, and what each message says. Pure.

A notice is derived from the events a command recorded (and, where events alone cannot say,
from the issue's state before and after): opened, escalated (by a person or by the sweep),
overridden, a clock alert (at risk, breached, update due) and resolved go to every channel the
communication policy names for the issue's severity; acknowledged and reopened only move a
pager's incident (acknowledge, trigger again). Dashboards are shown, never sent to.

Message bodies never hold a secret: webhook URLs, routing keys and passwords are added by the
transport at send time, from the environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from escmatrix.core.issue import IssueState
from escmatrix.core.sla import clocks

if TYPE_CHECKING:  # the validated matrix or its plain copy: a write decides without the models
    from escmatrix.core.ladder_facts import ActMatrix
    from escmatrix.core.matrix import Channel

NoticeKind = Literal[
    "opened",
    "escalated",
    "overridden",
    "at-risk",
    "breached",
    "update-due",
    "resolved",
    "acknowledged",
    "reopened",
    "test",
]
PAGER_ONLY: frozenset[str] = frozenset({"acknowledged", "reopened"})
PAGER_ACTION: dict[str, str] = {"acknowledged": "acknowledge", "resolved": "resolve"}
HEADLINE: dict[str, str] = {
    "opened": "Opened",
    "escalated": "Escalated",
    "overridden": "Overridden",
    "at-risk": "At risk",
    "breached": "SLA breached",
    "update-due": "Update due",
    "resolved": "Resolved",
    "acknowledged": "Acknowledged",
    "reopened": "Reopened",
    "test": "Test message",
}
PAGER_SEVERITIES = ("critical", "error", "warning")
ALERTS: dict[str, NoticeKind] = {
    "at-risk": "at-risk",
    "breached": "breached",
    "update-due": "update-due",
}


@dataclass(frozen=True)
class Notice:
    """One thing to tell people about one issue, and the channels to tell."""

    kind: NoticeKind
    issue_id: str
    title: str
    severity: str
    severity_name: str
    status: str
    owner: str
    tier: str
    tier_name: str
    engaged: str
    due: datetime | None
    due_clock: str | None
    at: datetime
    actor: str
    detail: str
    channels: tuple[str, ...]
    automatic: bool = False
    pager_severity: str = "info"
    overdue: bool = False

    @property
    def dedup_key(self) -> str:
        """Stable per issue, so a pager keeps one incident from trigger to resolve."""
        return f"escmatrix-{self.issue_id}"

    @property
    def headline(self) -> str:
        word = HEADLINE[self.kind]
        return "Automatically escalated" if self.automatic and self.kind == "escalated" else word

    @property
    def summary(self) -> str:
        """One line: what happened, to which issue, who has it and the next deadline."""
        text = (
            f"[{self.severity}] {self.headline}: {self.title} ({self.issue_id}) — "
            f"owner {self.owner}, tier {self.tier}, {self.engaged} engaged"
        )
        if self.due is not None:
            when = "overdue since" if self.overdue else "due"
            text += f"; {self.due_clock or 'next deadline'} {when} {_stamp(self.due)}"
        return one_line(text)

    def data(self) -> dict[str, Any]:
        """The notice as flat JSON-ready data (times as UTC ISO 8601)."""
        return {
            "event": self.kind,
            "id": self.issue_id,
            "title": self.title,
            "severity": self.severity,
            "severity_name": self.severity_name,
            "status": self.status,
            "owner": self.owner,
            "tier": self.tier,
            "tier_name": self.tier_name,
            "engaged": self.engaged,
            "due": _iso(self.due) if self.due else None,
            "due_clock": self.due_clock,
            "overdue": self.overdue,
            "summary": self.summary,
            "detail": self.detail,
            "actor": self.actor,
            "at": _iso(self.at),
            "automatic": self.automatic,
        }


@dataclass(frozen=True)
class _Raised:
    """One event's reason to tell people, before channels and deadlines are added."""

    kind: NoticeKind
    detail: str
    actor: str
    at: datetime
    automatic: bool = False
    clock: str | None = None
    due: datetime | None = None


def notices_for(
    matrix: ActMatrix,
    before: IssueState | None,
    after: IssueState,
    events: list[Any],
    now: datetime,
) -> list[Notice]:
    """The notices the newly recorded `events` call for, in the order they happened.

    Events are read by name and attribute (not by class), so kinds added later (the sweep's
    `alerted`) are handled as soon as they are recorded.
    """
    raised = [r for r in (_raised(matrix, before, after, e, now) for e in events) if r]
    seen: set[str] = set()
    out: list[Notice] = []
    for r in raised:
        channels = channels_for(matrix, after.severity, r.kind)
        if r.kind in seen or not channels:
            continue
        seen.add(r.kind)
        due, due_clock = (r.due, r.clock) if r.due else next_deadline(matrix, after, now)
        notice = _notice(matrix, after, r, due, due_clock, channels)
        out.append(replace(notice, overdue=due is not None and due < now))
    return out


def _raised(
    matrix: ActMatrix, before: IssueState | None, after: IssueState, event: Any, now: datetime
) -> _Raised | None:
    name = getattr(event, "event", "")
    actor, at = str(getattr(event, "actor", "")), getattr(event, "at", now)
    reason = str(getattr(event, "reason", "") or "")
    if name == "opened":
        return _Raised("opened", f"routed by rule {after.rule}", actor, at)
    if name == "escalated":
        previous, tier = getattr(event, "previous", ""), getattr(event, "tier", after.tier)
        automatic = bool(getattr(event, "automatic", False))
        return _Raised("escalated", f"{previous} → {tier}: {reason}", actor, at, automatic)
    if name == "overridden":
        return _Raised("overridden", reason, actor, at)
    if name == "alerted":
        alert = ALERTS.get(str(getattr(event, "alert", "")))
        clock, due = str(getattr(event, "clock", "")), getattr(event, "due", None)
        if alert is None:
            return None
        detail = f"{clock} clock {alert.replace('-', ' ')}"
        return _Raised(
            alert, detail, actor, at, True, clock, due if isinstance(due, datetime) else None
        )
    if name == "resolved":
        return _Raised("resolved", str(getattr(event, "summary", "")), actor, at)
    if name == "acknowledged":
        return _Raised("acknowledged", str(getattr(event, "note", "")), actor, at)
    if name == "reopened":
        return _Raised("reopened", reason, actor, at)
    moved_up = before is not None and _tier_rank(matrix, after.tier) > _tier_rank(
        matrix, before.tier
    )
    if name == "rerouted" and before is not None and moved_up:
        detail = f"re-routed by rule {after.rule}: {before.tier} → {after.tier}"
        return _Raised("escalated", detail, actor, at)
    return None


def trial_notice(channel: Channel, actor: str, now: datetime) -> Notice:
    """A harmless message that proves a channel works end to end."""
    return Notice(
        kind="test",
        issue_id="test",
        title=f"escmatrix test message for channel {channel.id}",
        severity="test",
        severity_name="Test",
        status="open",
        owner=actor,
        tier="-",
        tier_name="-",
        engaged=actor,
        due=None,
        due_clock=None,
        at=now,
        actor=actor,
        detail="sent by `escmatrix notify test`; nothing needs doing",
        channels=(channel.id,),
        pager_severity="info",
    )


def channels_for(matrix: ActMatrix, severity: str, kind: str) -> tuple[str, ...]:
    """Channels the policy names for this severity that this kind of notice goes to."""
    known = {c.id: c for c in matrix.comms.channels}
    out = []
    for channel_id in matrix.comms.by_severity.get(severity, []):
        channel = known.get(channel_id)
        if channel is None or channel.kind == "dashboard":
            continue
        if kind in PAGER_ONLY and channel.kind != "pagerduty":
            continue
        out.append(channel_id)
    return tuple(dict.fromkeys(out))


def next_deadline(
    matrix: ActMatrix, issue: IssueState, now: datetime
) -> tuple[datetime | None, str | None]:
    """The earliest deadline still running (or already missed) for an active issue."""
    if not issue.is_active:
        return None, None
    running = [c for c in clocks(matrix, issue, now) if c.stopped_at is None]
    if not running:
        return None, None
    first = min(running, key=lambda c: c.due)
    return first.due, first.name


def pager_severity(matrix: ActMatrix, severity: str) -> str:
    """The most severe level maps to critical, then error, warning; the rest are info."""
    ranked = sorted(matrix.severities.items(), key=lambda item: -item[1].min_score)
    for index, (level, _) in enumerate(ranked):
        if level == severity:
            return PAGER_SEVERITIES[index] if index < len(PAGER_SEVERITIES) else "info"
    return "info"


def _notice(
    matrix: ActMatrix,
    issue: IssueState,
    raised: _Raised,
    due: datetime | None,
    due_clock: str | None,
    channels: tuple[str, ...],
) -> Notice:
    severity = matrix.severities.get(issue.severity)
    try:
        tier_name = matrix.tier(issue.tier).name
    except KeyError:
        tier_name = issue.tier
    return Notice(
        kind=raised.kind,
        issue_id=issue.id,
        title=issue.title,
        severity=issue.severity,
        severity_name=severity.name if severity else issue.severity,
        status=issue.status,
        owner=issue.owner,
        tier=issue.tier,
        tier_name=tier_name,
        engaged=issue.engaged,
        due=due,
        due_clock=due_clock,
        at=raised.at,
        actor=raised.actor,
        detail=one_line(raised.detail),
        channels=channels,
        automatic=raised.automatic and raised.kind == "escalated",
        pager_severity=pager_severity(matrix, issue.severity),
    )


def _tier_rank(matrix: ActMatrix, tier: str) -> int:
    try:
        return matrix.tier_index(tier)
    except KeyError:
        return -1


# -- what each kind of channel is sent ------------------------------------------------------------


def body_for(notice: Notice, channel: Channel) -> dict[str, Any]:
    """The message for one channel, as JSON-ready data holding no secret."""
    if channel.kind == "slack":
        return slack_body(notice)
    if channel.kind == "pagerduty":
        return pagerduty_body(notice)
    if channel.kind == "email":
        return email_body(notice)
    return notice.data()


def slack_body(notice: Notice) -> dict[str, Any]:
    """Slack-compatible incoming-webhook JSON: a plain `text` fallback and Block Kit blocks."""
    fields = [
        ("Severity", f"{notice.severity} ({notice.severity_name})"),
        ("Status", notice.status),
        ("Owner", notice.owner),
        ("Tier", f"{notice.tier} ({notice.tier_name})"),
        ("Engaged", notice.engaged),
        ("Due", _due_text(notice)),
    ]
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _cut(f"{notice.headline}: {notice.title}", 150)},
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": _cut(f"*{_slack(notice.issue_id)}* — {_slack(notice.detail)}", 2900),
            },
            "fields": [
                {"type": "mrkdwn", "text": f"*{name}*\n{_slack(value)}"} for name, value in fields
            ],
        },
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": _slack(f"by {notice.actor} at {_stamp(notice.at)}")}
            ],
        },
    ]
    return {"text": _slack(notice.summary), "blocks": blocks}


def pagerduty_body(notice: Notice) -> dict[str, Any]:
    """PagerDuty Events API v2, without the routing key (added from the environment at send)."""
    action = PAGER_ACTION.get(notice.kind, "trigger")
    body: dict[str, Any] = {"event_action": action, "dedup_key": notice.dedup_key}
    if action == "trigger":
        body["payload"] = {
            "summary": _cut(notice.summary, 1024),
            "source": "escmatrix",
            "severity": notice.pager_severity,
            "timestamp": _iso(notice.at),
            "component": notice.issue_id,
            "group": notice.owner,
            "class": notice.kind,
            "custom_details": notice.data(),
        }
    body["client"] = "escmatrix"
    return body


def email_body(notice: Notice) -> dict[str, Any]:
    """Subject and plain text; sender, recipients and server come from the channel at send."""
    rows = [
        ("Issue", notice.issue_id),
        ("Title", notice.title),
        ("Severity", f"{notice.severity} ({notice.severity_name})"),
        ("Status", notice.status),
        ("Owner", notice.owner),
        ("Tier", f"{notice.tier} ({notice.tier_name})"),
        ("Engaged", notice.engaged),
        ("Due", _due_text(notice)),
        ("What", notice.detail or notice.headline),
        ("By", f"{notice.actor} at {_stamp(notice.at)}"),
    ]
    text = notice.summary + "\n\n" + "\n".join(f"{k + ':':<10} {v}" for k, v in rows) + "\n"
    subject = (
        f"[escmatrix] [{notice.severity}] {notice.headline}: {notice.title} ({notice.issue_id})"
    )
    return {"subject": _cut(one_line(subject), 200), "text": text}


# -- text helpers -----------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def one_line(text: str) -> str:
    """Control characters (newlines included) folded to single spaces."""
    return _CONTROL.sub(" ", text).strip()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _slack(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control (links, mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _due_text(notice: Notice) -> str:
    if notice.due is None:
        return "—"
    late = ", overdue" if notice.overdue else ""
    return f"{_stamp(notice.due)} ({notice.due_clock}{late})"


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
