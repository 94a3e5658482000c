"""One reader per source: validated bytes in, an `Incoming` out."""

from __future__ import annotations

import re
from email.headerregistry import Address
from typing import TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from escmatrix.core.intake import Incoming, PayloadRefused, problems_of, read_json, refuse
from escmatrix.core.intake import payloads as p

T = TypeVar("T", bound=BaseModel)
_SUMMARY_LIMIT = 4000
_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg)\s*:\s*)+", re.IGNORECASE)


def _model(kind: type[T], source: str, data: bytes, where: str) -> T:
    raw = read_json(source, data, where)
    try:
        return kind.model_validate(raw)
    except ValidationError as exc:
        raise PayloadRefused(source, problems_of(exc, where)) from None


def _fields(**values: str | list[str] | None) -> dict[str, tuple[str, ...]]:
    """Match fields: lower-case names, every value as text; lists keep each item."""
    out: dict[str, tuple[str, ...]] = {}
    for name, value in values.items():
        if value is None or value == "":
            continue
        items = value if isinstance(value, list) else [value]
        out[name.lower()] = tuple(str(v) for v in items)
    return out


def _clip(text: str, limit: int = _SUMMARY_LIMIT) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def alertmanager(data: bytes, where: str) -> Incoming:
    hook = _model(p.AlertmanagerWebhook, "alertmanager", data, where)
    labels = {**hook.groupLabels, **hook.commonLabels}
    firing = [a for a in hook.alerts if a.status == "firing"]
    summary = (
        hook.commonAnnotations.get("summary")
        or labels.get("alertname")
        or next(iter(hook.groupLabels.values()), "alert")
    )
    lines = []
    for alert in hook.alerts:
        name = alert.labels.get("alertname", "alert")
        where_ = alert.labels.get("instance", "")
        text = alert.annotations.get("summary") or alert.annotations.get("description", "")
        lines.append(f"- [{alert.status}] {name} {where_}: {text}".replace(" :", ":"))
    if hook.truncatedAlerts:
        lines.append(f"- ... and {hook.truncatedAlerts} more alerts Alertmanager left out")
    group = ", ".join(f"{k}={v}" for k, v in sorted(hook.groupLabels.items())) or hook.groupKey
    return Incoming(
        source="alertmanager",
        ref=group,
        key=f"alertmanager:{hook.groupKey}",
        title=_clip(summary, 200),
        description=_clip("\n".join(lines)),
        resolved=hook.status == "resolved",
        fields={
            **{k.lower(): (v,) for k, v in labels.items()},
            **_fields(receiver=hook.receiver, status=hook.status),
        },
        url=hook.alerts[0].generatorURL or hook.externalURL,
        account=labels.get("customer"),
        comment=f"alertmanager: {hook.status}, {len(firing)} of {len(hook.alerts)} alerts "
        f"firing: {_clip(summary, 200)}",
    )


def zendesk(data: bytes, where: str) -> Incoming:
    hook = _model(p.ZendeskWebhook, "zendesk", data, where)
    ticket = hook.detail
    status = ticket.status.lower()
    what = hook.type.removeprefix("zen:event-type:ticket.").replace("_", " ")
    comment = hook.event.get("comment")
    body = comment.get("body") if isinstance(comment, dict) else None
    said = f": {_clip(str(body), 1000)}" if body else ""
    title = ticket.subject.strip() or f"Zendesk ticket #{ticket.id}"
    return Incoming(
        source="zendesk",
        ref=f"#{ticket.id}",
        key=f"zendesk:{ticket.id}",
        title=_clip(title, 200),
        description=_clip(ticket.description),
        resolved=status in ("solved", "closed"),
        fields=_fields(
            status=status,
            priority=(ticket.priority or "").lower(),
            type=(ticket.type or "").lower(),
            tags=ticket.tags,
            organization=ticket.organization_id,
            event=what,
        ),
        account=ticket.organization_id,
        comment=f"zendesk #{ticket.id} {what} (status {status}, priority "
        f"{(ticket.priority or 'none').lower()}){said}",
    )


def jsm(data: bytes, where: str) -> Incoming:
    hook = _model(p.JsmWebhook, "jsm", data, where)
    issue, fields = hook.issue, hook.issue.fields
    parts = urlsplit(issue.self)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise refuse("jsm", where, f"issue.self: {issue.self!r} is not an http(s) URL")
    category = fields.status.statusCategory.key if fields.status.statusCategory else ""
    priority = fields.priority.name if fields.priority else ""
    said = f": {_clip(hook.comment.body, 1000)}" if hook.comment else ""
    event = hook.webhookEvent.removeprefix("jira:").replace("_", " ")
    return Incoming(
        source="jsm",
        ref=issue.key,
        key=f"jsm:{issue.key}",
        title=_clip(fields.summary, 200),
        description=_clip(fields.description or ""),
        resolved=category == "done" or fields.resolution is not None,
        fields=_fields(
            priority=priority.lower(),
            status=fields.status.name.lower(),
            issuetype=fields.issuetype.name.lower(),
            project=issue.fields.project.key.lower(),
            labels=fields.labels,
            event=event,
        ),
        url=f"{parts.scheme}://{parts.netloc}/browse/{issue.key}",
        comment=f"jsm {issue.key} {event} (status {fields.status.name}){said}",
    )


def generic(data: bytes, where: str) -> Incoming:
    hook = _model(p.GenericPayload, "generic", data, where)
    return Incoming(
        source="generic",
        ref=hook.key,
        key=f"generic:{hook.key}",
        title=hook.title.strip(),
        description=_clip(hook.description),
        resolved=hook.status == "resolved",
        fields={k.lower(): (v,) for k, v in hook.fields.items()},
        url=hook.url,
        account=hook.fields.get("customer"),
        comment=f"{hook.key}: {hook.status}: {hook.title.strip()}",
    )


def email_message(data: bytes, where: str) -> Incoming:
    """An RFC 822 message: the thread's first Message-ID is the key, replies comment on it."""
    from email import policy
    from email.message import EmailMessage
    from email.parser import BytesParser

    if not data.strip():
        raise refuse("email", where, "the message is empty", "pipe an RFC 822 message (.eml)")
    msg = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(msg, EmailMessage)
    try:
        sender = _address(msg, "From")
        subject = str(msg.get("Subject", "") or "").strip()
        message_id = str(msg.get("Message-ID", "") or "").strip()
    except (ValueError, TypeError, IndexError) as exc:  # headers the parser cannot read
        raise refuse("email", where, f"unreadable header: {exc}") from None
    missing = [
        h for h, v in (("From", sender), ("Subject", subject), ("Message-ID", message_id)) if not v
    ]
    if missing:
        raise refuse(
            "email",
            where,
            f"the message has no {', '.join(missing)} header",
            "an RFC 822 message starts with headers, then a blank line, then the body",
        )
    assert sender is not None
    body_part = msg.get_body(preferencelist=("plain", "html"))
    if body_part is None:
        raise refuse("email", where, "the message has no text/plain or text/html body")
    try:
        body = str(body_part.get_content())
    except (LookupError, ValueError) as exc:  # an unknown charset or a broken encoding
        raise refuse("email", where, f"the body cannot be decoded: {exc}") from None
    if body_part.get_content_subtype() == "html":
        body = re.sub(r"<[^>]+>", " ", body)
    attached = [
        f"{part.get_filename()} ({part.get_content_type()})" for part in msg.iter_attachments()
    ]
    thread = (str(msg.get("References", "") or "").split() or [""])[0] or str(
        msg.get("In-Reply-To", "") or ""
    ).strip()
    root = thread or message_id
    title = _REPLY_PREFIX.sub("", subject) or subject
    description = _clip(body) + ("\n\nattachments: " + ", ".join(attached) if attached else "")
    domain = sender.domain.lower()
    return Incoming(
        source="email",
        ref=root,
        key=f"email:{root}",
        title=_clip(title, 200),
        description=description,
        resolved=False,
        fields=_fields(
            **{"from": sender.addr_spec.lower()},
            from_domain=domain,
            subject=title.lower(),
            to=_first_to(msg),
        ),
        account=domain,
        comment=f"email from {sender.addr_spec}: {_clip(body, 1000)}",
    )


def _address(msg: object, header: str) -> Address | None:
    from email.message import EmailMessage

    assert isinstance(msg, EmailMessage)
    value = msg.get(header)
    addresses = getattr(value, "addresses", ()) if value is not None else ()
    found = next((a for a in addresses if a.addr_spec and "@" in a.addr_spec), None)
    return found


def _first_to(msg: object) -> str | None:
    found = _address(msg, "To")
    return found.addr_spec.lower() if found else None
