"""Ingest: a payload from another tool opens, comments on or resolves an issue; `link` records an
external reference. Each is one commit by the automation identity, or nothing at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from escmatrix.core.errors import InvalidInput
from escmatrix.store.lock import exclusive

INTAKE_LOCK_WAIT_SECONDS = 60.0

if TYPE_CHECKING:
    from escmatrix.app.workspace import Recorded, Workspace
    from escmatrix.core.events import EventBase
    from escmatrix.core.intake.decide import IntakePlan
    from escmatrix.core.routing import RouteDecision


@dataclass(frozen=True)
class Ingested:
    """What one payload did: the plan (with its reason), the commit if any, the routing if opened."""

    plan: IntakePlan
    recorded: Recorded | None
    decision: RouteDecision | None


def ingest(ws: Workspace, source: str, data: bytes, where: str) -> Ingested:
    """Validate the payload, then open, comment or resolve; refused payloads write nothing."""
    from escmatrix.core.intake import PayloadRefused, read_payload
    from escmatrix.core.intake.decide import intake_file

    try:
        incoming = read_payload(source, data, where)
    except PayloadRefused as exc:
        raise InvalidInput(
            exc.problems, summary=f"the {source} payload was refused; nothing was recorded"
        ) from None
    intake_file(ws.matrix)  # no mapping: refuse before taking any lock
    # One ingest at a time decides whether a key is new, so two deliveries never open two issues.
    # Deliveries queue behind one another (a burst of webhooks), longer than commands wait.
    with exclusive(ws.git_dir / "escmatrix" / "intake-lock", wait=INTAKE_LOCK_WAIT_SECONDS):
        return _ingest_locked(ws, incoming)


def _ingest_locked(ws: Workspace, incoming: object) -> Ingested:
    from escmatrix.core import events as ev
    from escmatrix.core import ids, responder
    from escmatrix.core.escalation import AUTOMATION
    from escmatrix.core.intake import Incoming
    from escmatrix.core.intake.decide import plan_intake, with_key

    assert isinstance(incoming, Incoming)
    existing = with_key(ws.issues(), incoming.key)
    plan = plan_intake(ws.matrix, incoming, existing)
    if plan.action == "ignore":
        return Ingested(plan, None, None)
    now = ws.clock.now()
    ctx = responder.Context(ws.matrix, AUTOMATION, now, ws.git.matrix_ref())
    identity = ws.automation_identity()
    source = incoming.source
    if plan.action == "open":
        assert plan.facts is not None
        decision = ws.route_at(plan.facts, now)
        opened = responder.open_issue(ctx, decision, incoming.title, incoming.description)
        link = ev.Linked(
            **ctx.stamp(), kind=source, url=plan.url, ref=incoming.ref, key=incoming.key
        )
        issue_id = ids.new_issue_id(now)
        while (ws.store.folder / issue_id).exists():
            issue_id = ids.new_issue_id(now)
        events: list[EventBase] = [opened, link]
        subject = f"ingest {issue_id}: open from {source}: {opened.title}"
    else:
        decision = None
        assert plan.issue is not None
        issue_id = plan.issue
        state = ws.store.load(issue_id)
        if plan.action == "resolve":
            events = [
                responder.resolve(
                    ctx, state, f"resolved at {source} ({incoming.ref}): {incoming.title}", ""
                )
            ]
            subject = f"ingest {issue_id}: resolve from {source} {incoming.ref[:60]}"
        else:
            events = [responder.comment(ctx, state, incoming.comment)]
            subject = f"ingest {issue_id}: comment from {source} {incoming.ref[:60]}"
    recorded = ws._record(
        issue_id, "ingest", AUTOMATION, identity, lambda: events, lambda _: (subject[:200], "")
    )
    return Ingested(plan, recorded, decision)


def link(ws: Workspace, prefix: str, url: str, kind: str, ref: str) -> Recorded:
    """Record an external reference on an issue, as the person acting."""
    from urllib.parse import urlsplit

    from escmatrix.core import events as ev
    from escmatrix.core.errors import UsageError

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "mailto") or not (parts.netloc or parts.path):
        raise UsageError(
            f"{url!r} is not a link",
            hint="give an http(s) URL, e.g. https://acme.atlassian.net/browse/SUP-7",
        )
    if any(existing.url == url for existing in ws.issue(prefix).links):
        from escmatrix.core.errors import Refused

        raise Refused(f"issue {ws.resolve(prefix)} already links {url}")
    chosen = kind or _guess_kind(parts.netloc)
    return ws.act(
        prefix,
        "link",
        lambda ctx, st: ev.Linked(**ctx.stamp(), kind=chosen, url=url, ref=ref or _ref_of(url)),
        lambda st: f"link {chosen} {url}",
    )


_KINDS = {
    "atlassian.net": "jira",
    "zendesk.com": "zendesk",
    "github.com": "github",
    "gitlab.com": "gitlab",
    "pagerduty.com": "pagerduty",
    "statuspage.io": "statuspage",
}


def _guess_kind(host: str) -> str:
    host = host.lower().split(":")[0]
    return next((kind for domain, kind in _KINDS.items() if host.endswith(domain)), "web")


def _ref_of(url: str) -> str:
    """The last path segment, which is the ticket key or number for the common trackers."""
    from urllib.parse import urlsplit

    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1][:100]
