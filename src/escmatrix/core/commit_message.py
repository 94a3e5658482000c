"""What an issue commit says: a subject naming the change (`escalate 2f2y: team-lead → manager
(rebecca): no fix within 1h`) and a body carrying everything the subject had no room for."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from escmatrix.core import events as ev

SUBJECT_WIDTH = 72


def short_id(issue_id: str, all_ids: Iterable[str], minimum: int = 4) -> str:
    """The issue's shortest unique prefix among `all_ids` (at least `minimum` characters)."""
    ordered = sorted(set(all_ids) | {issue_id})
    index = bisect_left(ordered, issue_id)
    common = 0
    for neighbour in ordered[max(0, index - 1) : index] + ordered[index + 1 : index + 2]:
        shared = 0
        for a, b in zip(issue_id, neighbour, strict=False):
            if a != b:
                break
            shared += 1
        common = max(common, shared)
    return issue_id[: max(minimum, common + 1)]


def _first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0].strip() if stripped else ""


def _what(event: ev.EventBase) -> tuple[str, list[tuple[str, str]]]:
    """One event: the words for the subject, and the labelled facts for the body."""
    if isinstance(event, ev.Opened):
        where = f"{event.severity} {event.category} → {event.owner} ({event.tier})"
        facts = [("Title", event.title), ("Description", event.description)]
        facts += [("Rule", event.rule), ("Engaged", event.engaged)]
        facts += [("Customer", event.customer or ""), ("Partner", event.partner or "")]
        return f"{where}: {event.title}", facts
    if isinstance(event, ev.Acknowledged):
        if event.on_behalf_of:
            return f"acknowledged by {event.actor} on behalf of {event.on_behalf_of}", [
                ("Reason", event.reason),
                ("Note", event.note),
            ]
        return f"acknowledged by {event.actor}", [("Note", event.note)]
    if isinstance(event, ev.Updated):
        facts = [("Status", event.status), ("Next steps", event.next_steps)]
        facts += [("Owner", event.owner or ""), ("Dependencies", event.dependencies)]
        if event.next_update_by is not None:
            facts.append(("Next update by", event.next_update_by.strftime("%Y-%m-%dT%H:%M:%SZ")))
        owner = f" (owner → {event.owner})" if event.owner else ""
        return _first_line(event.status) + owner, facts
    if isinstance(event, ev.Assigned):
        return f"{event.previous} → {event.owner}: {_first_line(event.reason)}", [
            ("Reason", event.reason)
        ]
    if isinstance(event, ev.Escalated | ev.Deescalated):
        auto = [("Automatic", "yes")] if getattr(event, "automatic", False) else []
        move = f"{event.previous} → {event.tier} ({event.engaged})"
        return f"{move}: {_first_line(event.reason)}", [("Reason", event.reason), *auto]
    if isinstance(event, ev.Overridden):
        move = f"{event.previous_owner}/{event.previous_tier} → {event.owner}/{event.tier}"
        return f"{move}: {_first_line(event.reason)}", [
            ("Reason", event.reason),
            ("Engaged", event.engaged),
        ]
    if isinstance(event, ev.Reconciled):
        return _first_line(event.learning), [("Learning", event.learning)]
    if isinstance(event, ev.Rerouted):
        return f"{event.severity} by {event.rule} → {event.owner} ({event.tier})", [
            ("Engaged", event.engaged)
        ]
    if isinstance(event, ev.Paused):
        return f"waiting on {event.waiting_on}: {_first_line(event.reason)}", [
            ("Reason", event.reason)
        ]
    if isinstance(event, ev.Resumed):
        return _first_line(event.note) or "resumed", [("Note", event.note)]
    if isinstance(event, ev.Resolved):
        return _first_line(event.summary), [
            ("Summary", event.summary),
            ("Root cause", event.root_cause),
        ]
    if isinstance(event, ev.Reopened):
        return _first_line(event.reason), [("Reason", event.reason)]
    if isinstance(event, ev.Closed):
        scores = [
            f"{who} satisfaction {score}/5"
            for who, score in (
                ("customer", event.customer_satisfaction),
                ("partner", event.partner_satisfaction),
            )
            if score is not None
        ]
        return "closed" + (f" ({', '.join(scores)})" if scores else ""), [("Note", event.note)]
    if isinstance(event, ev.Alerted):
        return f"{event.alert} {event.clock}", [("Due", event.due.strftime("%Y-%m-%dT%H:%M:%SZ"))]
    if isinstance(event, ev.Commented | ev.Noted):
        label = "Internal note" if isinstance(event, ev.Noted) else "Comment"
        return _first_line(event.text), [(label, event.text)]
    if isinstance(event, ev.Communicated):
        return f"{event.audience} update for {event.recipient}", [("Text", event.text)]
    if isinstance(event, ev.Debriefed):
        facts = [("Root cause", event.root_cause)]
        facts += [("Went well", line) for line in event.went_well]
        facts += [("Went badly", line) for line in event.went_badly]
        facts += [
            ("Follow-up", f"{item.item} (owner {item.owner}, due {item.due})")
            for item in event.follow_ups
        ]
        return _first_line(event.root_cause), facts
    if isinstance(event, ev.Fulfilled):
        return f"follow-up {event.item} done", [("Note", event.note)]
    return "", []  # a kind this module does not know: the caller's words stand


def _visible(text: str) -> str:
    """Control characters shown as text (newlines kept), so a log never obeys them."""
    return "".join(ch if ch.isprintable() or ch == "\n" else f"\\x{ord(ch):02x}" for ch in text)


def message(
    action: str,
    short: str,
    events: Sequence[ev.EventBase],
    lines: Sequence[str] = (),
    fallback: str = "",
) -> tuple[str, str]:
    """The subject and body of the commit recording `events` (a sweep passes its `lines`;
    `fallback` names a change whose events this module does not describe)."""
    parts: list[str] = []
    body: list[str] = []
    for event in events:
        what, facts = _what(event)
        parts.append(what)
        for label, value in facts:
            if value.strip():
                text = _visible(value.strip())
                if "\n" in text:
                    body.append(f"{label}:\n" + "\n".join(f"  {ln}" for ln in text.splitlines()))
                else:
                    body.append(f"{label}: {text}")
    if lines:
        parts = list(lines)
        body = [f"- {_visible(line)}" for line in lines] + body
    said = "; ".join(p for p in parts if p) or fallback
    subject = f"{action} {short}: {said}" if said else f"{action} {short}"
    if len(subject) > SUBJECT_WIDTH and not body:  # the subject gets cut: keep it whole below
        body = [_visible(said)]
    return subject, "\n".join(body)
