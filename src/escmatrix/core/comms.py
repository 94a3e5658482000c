"""Customer, partner and executive updates: what each audience may see, in plain language. Pure.

A draft is rendered from a context that holds only what its audience may see: a customer or
partner gets the issue's title and, as far as its contract's `shares` allow, the status (what
happened, what we are doing), the next update time, the expected resolution and the root cause,
as concrete times in its own timezone. Internal fields (the description, dependencies, owner and
tier, internal notes, comments) never enter that context; other customers' and partners' names,
people's phone numbers and internal-note text are cut out of every free-text value, and again
from the rendered text, in case a template hard-codes them. The executive draft is internal and
gets everything. Jargon listed in matrix/comms.yaml is flagged wherever it appears.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from escmatrix.core import events as ev
from escmatrix.core.errors import NotFound, Refused, UsageError
from escmatrix.core.issue import IssueState
from escmatrix.core.matrix import Account, Matrix
from escmatrix.core.sla import clocks, targets_for

Audience = Literal["customer", "partner", "executive"]
AUDIENCES: tuple[Audience, ...] = ("customer", "partner", "executive")
SHARE_KEYS = ("status", "next-update", "resolution-eta", "root-cause")
"""What a draft fills in, each only when the recipient's contract `shares` lists it."""
DEFAULT_SHARES = ("status", "next-update")
"""What an account whose `shares` is empty gets: where things stand and when we next write."""
PROMISE_STEP = timedelta(minutes=15)

OTHER_CUSTOMER = "another customer"
OTHER_PARTNER = "a partner"
PHONE = "[phone number withheld]"
NOTE = "[internal note withheld]"
_INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])\+\d[\d ().-]{5,}\d(?!\w)")


@dataclass(frozen=True)
class Recipient:
    audience: Audience
    id: str
    name: str
    timezone: str
    shares: tuple[str, ...]
    sender: str | None = None  # the person who signs the update (the liaison, or the owner)


@dataclass(frozen=True)
class JargonHit:
    term: str
    line: int
    column: int
    instead: str | None = None


@dataclass(frozen=True)
class Draft:
    issue_id: str
    audience: Audience
    recipient: Recipient
    template: str
    text: str
    jargon: list[JargonHit]
    withheld: list[str]
    by_hand: list[str]
    next_update: datetime | None
    resolution_eta: datetime | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


Render = Callable[[str, dict[str, Any]], tuple[str, str]]
"""(template name, context) -> (where the template came from, the rendered text)."""


# -- who gets it ----------------------------------------------------------------------------------


def recipient_for(
    matrix: Matrix, state: IssueState, audience: str, to: str | None = None
) -> Recipient:
    """The customer, partner or executive sponsor the draft is for (or `to`, when given)."""
    if audience not in AUDIENCES:
        raise UsageError(f"unknown audience {audience!r}", hint=f"one of: {', '.join(AUDIENCES)}")
    if audience == "executive":
        team = matrix.team_of(state.owner)
        person_id = to or (team.sponsor if team else None)
        person = matrix.people.get(person_id or "")
        if person is None:
            raise NotFound(
                f"no executive to write to for issue {state.id}"
                + (f": unknown person {to!r}" if to else ""),
                hint="give --to PERSON",
            )
        return Recipient("executive", person.id, person.name, person.timezone, SHARE_KEYS)
    accounts = matrix.customers if audience == "customer" else matrix.partners
    account_id = to or (state.customer if audience == "customer" else state.partner)
    if account_id is None:
        raise UsageError(
            f"issue {state.id} has no {audience}",
            hint=f"name one with --to ({', '.join(sorted(accounts)) or f'no {audience}s defined'})",
        )
    account = accounts.get(account_id)
    if account is None:
        raise NotFound(
            f"unknown {audience} {account_id!r}",
            hint=f"{audience}s: {', '.join(sorted(accounts)) or 'none'}",
        )
    shares = tuple(account.shares) or DEFAULT_SHARES
    return Recipient(
        cast(Audience, audience),
        account.id,
        account.name.split("(")[0].strip() or account.name,
        account.timezone,
        shares,
        account.liaison or state.owner,
    )


# -- what must not leave the company --------------------------------------------------------------


@dataclass
class Redactor:
    """Cuts other accounts' names, phone numbers and internal-note text out of free text."""

    rules: list[tuple[re.Pattern[str], str, str]] = field(default_factory=list)
    withheld: set[str] = field(default_factory=set)

    def clean(self, text: str | None) -> str | None:
        if text is None:
            return None
        for pattern, replacement, why in self.rules:
            text, count = pattern.subn(replacement, text)
            if count:
                self.withheld.add(why)
        return text


def _words(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])", re.IGNORECASE)


def account_names(account: Account) -> set[str]:
    """The ways an account is written: its name, the name before any '(...)', its id, its id in
    words, and a distinctive first word."""
    base = account.name.split("(")[0].strip()
    names = {account.name.strip(), base, account.id, account.id.replace("-", " ")}
    first = base.split()[0] if base.split() else ""
    if len(first) >= 5 and first.lower() not in _COMMON_WORDS:
        names.add(first)
    return {n for n in names if len(n) >= 3}


_COMMON_WORDS = frozenset({"global", "group", "first", "united", "general", "national", "north"})


def _phone_pattern(value: str) -> re.Pattern[str] | None:
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7 or not re.fullmatch(r"[+\d\s().-]+", value.strip()):
        return None
    return re.compile(r"\+?" + r"[\s().-]*".join(digits) + r"(?!\d)")


def redactor_for(matrix: Matrix, state: IssueState, recipient: Recipient) -> Redactor:
    """The rules for a customer or partner draft (an executive draft is internal: no rules)."""
    redactor = Redactor()
    if recipient.audience == "executive":
        return redactor
    own = set()
    mine = (matrix.customers if recipient.audience == "customer" else matrix.partners).get(
        recipient.id
    )
    if mine is not None:
        own = {n.lower() for n in account_names(mine)}
    names: list[tuple[str, str, str]] = []
    for accounts, replacement, why in (
        (matrix.customers, OTHER_CUSTOMER, "another customer's name"),
        (matrix.partners, OTHER_PARTNER, "a partner's name"),
    ):
        for account in accounts.values():
            if account is mine:
                continue
            names += [(n, replacement, why) for n in account_names(account) if n.lower() not in own]
    for name, replacement, why in sorted(names, key=lambda n: -len(n[0])):
        redactor.rules.append((_words(name), replacement, why))
    for person in matrix.people.values():
        for value in person.channels.values():
            pattern = _phone_pattern(value)
            if pattern is not None:
                redactor.rules.append((pattern, PHONE, "a phone number"))
    redactor.rules.append((_INTERNATIONAL_PHONE, PHONE, "a phone number"))
    for note in state.internal_notes:
        for piece in _pieces(note.text):
            redactor.rules.insert(
                0, (re.compile(re.escape(piece), re.IGNORECASE), NOTE, "an internal note")
            )
    return redactor


def _pieces(text: str) -> list[str]:
    """An internal note, and each of its lines and sentences long enough to recognise."""
    parts = {text.strip()}
    for line in text.splitlines():
        parts.add(line.strip())
        parts.update(s.strip() for s in re.split(r"(?<=[.!?;])\s+", line))
    return sorted((p for p in parts if len(p) >= 16), key=len, reverse=True)


# -- times in plain words -------------------------------------------------------------------------


def plain_time(at: datetime, tz: str) -> str:
    """'Saturday 28 November 2026 at 10:15 New York time (EST)'."""
    local = at.astimezone(ZoneInfo(tz))
    if tz in ("UTC", "Etc/UTC"):
        where = "UTC"
    else:
        city = tz.rsplit("/", 1)[-1].replace("_", " ")
        where = f"{city} time ({local.tzname()})"
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} {where}"


def _round_up(at: datetime, step: timedelta = PROMISE_STEP) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=at.tzinfo)
    steps = -((epoch - at) // step)
    return epoch + steps * step


def next_update_time(matrix: Matrix, state: IssueState, now: datetime) -> datetime | None:
    """When the next update is due: as promised in the last status update, else the update
    cadence's deadline, else (already overdue) one cadence from now; rounded up to 15 minutes."""
    if not state.is_active:
        return None
    if state.next_update_by is not None and state.next_update_by > now:
        return state.next_update_by
    due = next((c.due for c in clocks(matrix, state, now) if c.name == "next update"), None)
    if due is not None and due > now:
        return _round_up(due)
    if state.severity not in matrix.severities:
        return None
    cadence = targets_for(matrix, state.severity, state.customer, state.partner).update_every
    return _round_up(now + cadence)


def expected_resolution(matrix: Matrix, state: IssueState, now: datetime) -> datetime | None:
    """The resolution target's deadline while it still lies ahead; None once missed or done."""
    if not state.is_active:
        return None
    due = next((c.due for c in clocks(matrix, state, now) if c.name == "resolution"), None)
    return due if due is not None and due > now else None


# -- jargon ----------------------------------------------------------------------------------------


def find_jargon(matrix: Matrix, text: str) -> list[JargonHit]:
    """Every listed jargon term in `text`, with its line and column (1-based)."""
    hits: list[JargonHit] = []
    for entry in matrix.comms.jargon_terms:
        pattern = re.compile(
            rf"(?<![A-Za-z0-9]){re.escape(entry.term)}(?![A-Za-z0-9])", re.IGNORECASE
        )
        for number, line in enumerate(text.splitlines(), start=1):
            for match in pattern.finditer(line):
                hits.append(JargonHit(match.group(0), number, match.start() + 1, entry.instead))
    return sorted(hits, key=lambda h: (h.line, h.column))


# -- the draft ------------------------------------------------------------------------------------


def _external_context(
    matrix: Matrix, state: IssueState, recipient: Recipient, now: datetime, redactor: Redactor
) -> tuple[dict[str, Any], list[str]]:
    shares = set(recipient.shares)
    tz = recipient.timezone
    next_update = next_update_time(matrix, state, now) if "next-update" in shares else None
    eta = expected_resolution(matrix, state, now) if "resolution-eta" in shares else None
    resolved_at = state.resolved_at or state.closed_at
    context: dict[str, Any] = {
        "audience": recipient.audience,
        "recipient": {"name": recipient.name, "timezone": tz},
        "sender": matrix.people[recipient.sender].name
        if recipient.sender in matrix.people
        else None,
        "issue": {"reference": state.id, "title": redactor.clean(state.title)},
        "opened": plain_time(state.opened_at, tz),
        "now": plain_time(now, tz),
        "resolved": not state.is_active,
        "resolved_at": plain_time(resolved_at, tz) if resolved_at else None,
        "status": redactor.clean(state.last_status) if "status" in shares else None,
        "next_steps": redactor.clean(state.next_steps) if "status" in shares else None,
        "next_update": plain_time(next_update, tz) if next_update else None,
        "resolution_eta": plain_time(eta, tz) if eta else None,
        "root_cause": redactor.clean(state.root_cause) if "root-cause" in shares else None,
    }
    left_out = []
    if state.last_status and "status" not in shares:
        left_out.append("the status (its contract does not list `status`)")
    if state.root_cause and "root-cause" not in shares:
        left_out.append("the root cause (its contract does not list `root-cause`)")
    return context, left_out


def _executive_context(
    matrix: Matrix, state: IssueState, recipient: Recipient, now: datetime
) -> dict[str, Any]:
    tz = recipient.timezone

    def name(person_id: str | None) -> str | None:
        if person_id is None:
            return None
        person = matrix.people.get(person_id)
        return person.name if person else person_id

    def account(accounts: dict[str, Account], account_id: str | None) -> str | None:
        found = accounts.get(account_id or "")
        return found.name if found else account_id

    next_update = next_update_time(matrix, state, now)
    eta = expected_resolution(matrix, state, now)
    severity = matrix.severities.get(state.severity)
    category = matrix.categories.get(state.category)
    tier_names = {t.id: t.name for t in matrix.tiers}
    return {
        "audience": "executive",
        "recipient": {"name": recipient.name, "timezone": tz},
        "sender": name(state.owner),
        "issue": {
            "reference": state.id,
            "title": state.title,
            "description": state.description,
            "severity": severity.name if severity else state.severity,
            "category": category.name if category else state.category,
            "status": state.status,
        },
        "customer": account(matrix.customers, state.customer),
        "partner": account(matrix.partners, state.partner),
        "owner": name(state.owner),
        "engaged": name(state.engaged),
        "tier": tier_names.get(state.tier, state.tier),
        "escalations": state.escalations,
        "opened": plain_time(state.opened_at, tz),
        "now": plain_time(now, tz),
        "resolved": not state.is_active,
        "resolved_at": plain_time(state.resolved_at, tz) if state.resolved_at else None,
        "status": state.last_status,
        "next_steps": state.next_steps,
        "dependencies": state.dependencies or None,
        "next_update": plain_time(next_update, tz) if next_update else None,
        "resolution_eta": plain_time(eta, tz) if eta else None,
        "root_cause": state.root_cause,
        "deadlines": [
            {"name": c.name, "due": plain_time(c.due, tz), "state": c.state}
            for c in clocks(matrix, state, now)
        ],
        "internal_notes": [n.text for n in state.internal_notes],
        "links": [
            {"kind": k.kind, "ref": k.ref, "url": k.url} for k in getattr(state, "links", ())
        ],
    }


def by_hand(recipient: Recipient) -> list[str]:
    """Contract `shares` a draft cannot fill in (affected transactions, ...): the liaison adds
    them by hand, or not at all."""
    return [s.replace("-", " ") for s in recipient.shares if s not in SHARE_KEYS]


def draft(
    matrix: Matrix,
    state: IssueState,
    audience: str,
    now: datetime,
    render: Render,
    to: str | None = None,
) -> Draft:
    """Render the update for `audience` from the template `<audience>.md.j2`."""
    recipient = recipient_for(matrix, state, audience, to)
    redactor = redactor_for(matrix, state, recipient)
    left_out: list[str] = []
    if recipient.audience == "executive":
        context = _executive_context(matrix, state, recipient, now)
    else:
        context, left_out = _external_context(matrix, state, recipient, now, redactor)
    source, text = render(f"{recipient.audience}.md.j2", context)
    text = redactor.clean(text) or ""
    withheld = sorted(redactor.withheld)
    if recipient.audience != "executive":
        internal = ["the description", "dependencies", "owner and tier", "comments"]
        if state.internal_notes:
            internal.append(f"internal notes ({len(state.internal_notes)})")
        withheld += [f"internal fields: {', '.join(internal)}", *left_out]
    shares = set(recipient.shares)
    return Draft(
        state.id,
        recipient.audience,
        recipient,
        source,
        text,
        find_jargon(matrix, text),
        withheld,
        by_hand(recipient) if recipient.audience != "executive" else [],
        next_update_time(matrix, state, now) if "next-update" in shares else None,
        expected_resolution(matrix, state, now) if "resolution-eta" in shares else None,
    )


def record(stamp: ev.Stamp, result: Draft) -> ev.Communicated:
    """The `communicated` event that keeps what was told to whom, and when."""
    if not result.text.strip():
        raise Refused("the draft is empty; nothing to record", hint="check the template")
    return ev.Communicated(
        **stamp,
        audience=result.audience,
        recipient=result.recipient.id,
        text=result.text,
        sha256=result.sha256,
    )


def internal_note(stamp: ev.Stamp, text: str) -> ev.Noted:
    """An internal note (`comment --internal`): in the log, never in a customer or partner draft."""
    cleaned = text.strip()
    if not cleaned:
        raise UsageError("the note must not be empty")
    return ev.Noted(**stamp, text=cleaned)
