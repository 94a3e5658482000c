"""Build a realistic synthetic escmatrix repository of N issues, with months of real git history.

    python benchmarks/generate.py 10000 /tmp/repo-10k [--seed 1] [--split-index]

The repository holds a copy of the project's example matrix and playbooks (committed first, so
every event's `matrix` field names a real commit), then about six events per issue (opened,
acknowledged, updated, commented, escalated, paused/resumed, assigned, resolved, closed, ...)
written by the people of the matrix over six months, ~10% of the issues still active. Each
event file is byte-for-byte what the tool writes (same header, same key order, same YAML
dumper); a sample is read back through the store and re-serialised to prove it.

History goes in through one `git fast-import` stream. One commit per event when that is
affordable; otherwise events are batched into commits per actor and time slice, keeping every
issue's events in seq order across commits (fast-import rewrites the whole `issues/` tree for
each commit, so the commit count is what costs). Commits carry the tool's trailers, with the
actor as author. Then `git reset --hard` makes the index and work tree match HEAD.

Facts about the result (the fixed `now`, the acting person, active issues by tier) are written
to `.git/escmatrix-bench.json` for the benchmark runner.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, get_args

from pydantic import BaseModel

import escmatrix
from escmatrix.core.durations import format_duration
from escmatrix.core.escalation import AUTOMATION
from escmatrix.core.event_models import EVENT_ADAPTER, Event
from escmatrix.core.events import EventBase, event_to_data
from escmatrix.core.ids import ALPHABET, EPOCH
from escmatrix.core.matrix import Matrix
from escmatrix.core.routing import IssueFacts, RouteDecision, route
from escmatrix.store.git import TRAILER_ACTION, TRAILER_ACTOR, TRAILER_ISSUE
from escmatrix.store.issues import EVENT_NAME, HEADER, IssueStore
from escmatrix.store.matrix_loader import load_matrix
from escmatrix.store.yamlio import dump_yaml

PROJECT = Path(__file__).resolve().parents[1]
META_NAME = "escmatrix-bench.json"
START = datetime(2026, 5, 4, 0, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ACTIVE_SHARE = 0.10
# fast-import looks paths up by a linear scan of each directory and writes the whole issues/
# tree for every commit, so cost grows with (events + commits) x issue folders per tree. Above
# LANE_SIZE issues the history is split into parallel branches of at most that many issues each,
# merged at the end; the commit count is chosen so commits x folders stays within the budget.
LANE_SIZE = 12_000
TREE_ENTRY_BUDGET = 50_000_000

MINUTE, HOUR, DAY = 60, 3600, 86400

# -- what people write ----------------------------------------------------------------------

TITLES: dict[str, list[str]] = {
    "product-defect": [
        "CSV export drops the totals row",
        "Dashboard shows last month's balances",
        "Invoice PDF misses the VAT line",
        "Bank feed import duplicates transactions",
        "Reports page times out for large ledgers",
        "Mobile app crashes when attaching receipts",
        "Currency conversion rounds the wrong way",
        "Search returns nothing for archived clients",
        "Recurring invoices skipped a month",
        "Reconciliation screen freezes on save",
    ],
    "service-downtime": [
        "API returns 503 in the EU region",
        "Login page unreachable for some customers",
        "Scheduled exports stuck since the deploy",
        "Webhook deliveries delayed by over an hour",
        "Slow page loads across the web app",
        "Database failover left the app read-only",
        "Background jobs queue not draining",
    ],
    "contract-dispute": [
        "Customer disputes the service credit for the outage",
        "Renewal price increase contested",
        "Penalty clause invoked for a missed response time",
        "Disagreement over the scope of premium support",
        "Partner claims unpaid revenue share",
    ],
    "data-privacy-concern": [
        "Export sent to the wrong customer contact",
        "Deletion request not completed within 30 days",
        "Support ticket attachment contains card numbers",
        "Audit log kept longer than the contract allows",
        "Access request answered with another person's data",
    ],
    "billing-error": [
        "Customer charged twice for the annual plan",
        "Credit note missing after the downgrade",
        "Wrong tax rate applied to German invoices",
        "Invoice sent in the wrong currency",
        "Usage overage billed after cancellation",
        "Discount not applied at renewal",
    ],
    "partner-integration-failure": [
        "Card payouts delayed at the payment partner",
        "ERP connector sync fails with a timeout",
        "Settlement file missing for yesterday",
        "Refunds not reaching the payment gateway",
        "Duplicate journal entries from the connector",
        "Partner API rejects our new certificate",
    ],
    "security-incident": [
        "Suspicious login attempts on admin accounts",
        "API key committed to a public repository",
        "Phishing emails impersonating our support team",
        "Unusual data export volume from one account",
        "Vulnerable library flagged in production",
    ],
}
GENERIC_TITLES = [
    "Customer reports a problem with their account",
    "Unexpected behaviour after the latest release",
    "Partner escalated a stuck request",
]
TITLE_SUFFIXES = [
    "",
    "",
    "",
    " since Monday",
    " after the weekend deploy",
    " for two accounts",
    " for several accounts",
    " on the mobile app",
    " in the EU region",
    " again",
    " (reported by phone)",
    " for the finance team",
]
DESCRIPTIONS = [
    "",
    "",
    "Reported through the support inbox; screenshots attached to the ticket.",
    "The customer's finance team noticed it during month-end close.",
    "Seen by several users since this morning; no workaround yet.",
    "Started after the last release; rollback is being considered.",
    "The partner's support desk opened a ticket on their side as well.",
]
ACK_NOTES = ["", "", "", "On it.", "Looking into it now.", "Checking the logs.", "Taking this one."]
STATUSES = [
    "Reproduced the problem on a test account.",
    "Root cause found in the nightly import job.",
    "Fix is in review; deploying after the checks pass.",
    "Workaround shared with the customer; they can carry on.",
    "Waiting for the partner's engineers to confirm their side.",
    "Fix deployed; monitoring for new reports.",
    "Narrowed it down to one region and one database shard.",
    "Data correction script tested on a copy of the ledger.",
    "Customer confirmed the workaround helps.",
    "Still investigating; no pattern in the failed requests yet.",
]
NEXT_STEPS = [
    "Deploy the fix and confirm with the customer.",
    "Check again at the next update.",
    "Call with the customer at 15:00 UTC.",
    "Run the correction script tonight.",
    "Ask the partner for their logs.",
    "Keep monitoring for a day, then resolve.",
    "Write up the timeline for the customer.",
]
DEPENDENCIES = ["", "", "", "", "Partner engineering", "Customer IT team", "Release train"]
COMMENTS = [
    "Customer called again; told them the next update time.",
    "Linked the related incident from last month.",
    "Added the affected account list to the ticket.",
    "Partner ticket opened on their side.",
    "Legal asked to be kept in the loop.",
    "Similar report came in from another customer.",
    "Screenshots from the customer added to the ticket.",
]
ESCALATE_REASONS = [
    "Customer asked for a manager",
    "No workaround in sight after the first hour",
    "Resolution target at risk",
    "Touches a contract and money",
    "More than one team is needed and priorities clash",
    "Strategic customer relationship at risk",
]
DEESCALATE_REASONS = [
    "Workaround in place; back to normal handling",
    "Customer is satisfied with the plan",
    "Impact smaller than first thought",
]
ASSIGN_REASONS = [
    "Needs billing knowledge",
    "Handing over at the end of my shift",
    "Out of office from tomorrow",
    "The specialist for this connector",
]
OVERRIDE_REASONS = [
    "The routed owner is already on a sev1",
    "The contract names a specific contact for this",
]
LEARNINGS = [
    "Backup list for this category was too short; added a second backup in the matrix",
    "Routing rule for the contract contact added in a pull request",
]
PAUSE_REASONS = {
    "customer": [
        "Waiting on logs from the customer's IT team",
        "Customer is checking with their accountant",
        "Waiting for the customer to try the workaround",
    ],
    "partner": [
        "Waiting on the partner's engineering team",
        "Partner is re-sending the settlement file",
    ],
}
RESUME_NOTES = ["", "Logs received.", "The customer replied.", "Partner confirmed the fix."]
SUMMARIES = [
    "Fix deployed and verified with the customer.",
    "Data corrected and the customer confirmed the numbers.",
    "Partner fixed their side; all records are back in sync.",
    "Configuration rolled back; service healthy since.",
    "Credit note issued and the invoice corrected.",
    "Workaround documented; permanent fix scheduled for the next release.",
]
ROOT_CAUSES = [
    "",
    "A missing index made the export query time out.",
    "A deploy changed the rounding mode of the currency library.",
    "An expired certificate on the partner's side.",
    "A batch job skipped one day after a daylight saving change.",
    "A manual price change was not synced to billing.",
]
CLOSE_NOTES = ["", "", "Customer happy with the outcome.", "Follow-up call booked."]
REOPEN_REASONS = ["The problem came back the next day", "Customer found more affected records"]
TAGS = ["payouts", "export", "api", "sso", "invoices", "mobile", "eu-region", "renewal", "webhook"]
SATISFACTION = [1, 2, 3, 3, 4, 4, 4, 5, 5, 5]
CATEGORY_WEIGHTS = {
    "product-defect": 25,
    "service-downtime": 14,
    "billing-error": 18,
    "partner-integration-failure": 14,
    "contract-dispute": 8,
    "data-privacy-concern": 8,
    "security-incident": 6,
}
# Impact ratings people give (filtered to what the matrix knows); the matrix scores them.
IMPACTS: list[dict[str, str]] = [
    {"customers": "many", "uptime": "full-outage"},
    {"customers": "several", "uptime": "partial-outage"},
    {"customers": "several", "data": "customer-data"},
    {"customers": "several", "money": "major", "reputation": "public"},
    {"customers": "one", "uptime": "degraded"},
    {"customers": "one", "money": "material"},
    {"customers": "one", "money": "minor"},
    {"customers": "one"},
    {"reputation": "limited"},
    {"customers": "one", "data": "internal"},
]
SEVERITY_WEIGHTS = [5, 20, 45, 30]  # most severe first, as the matrix lists them
# Per severity rank: first response (min, max minutes), median hours to resolve, updates (lo, hi),
# escalation probability.
FIRST_RESPONSE = [(3, 25), (5, 60), (20, 360), (60, 2160)]
RESOLVE_HOURS = [4.0, 18.0, 48.0, 140.0]
UPDATES = [(2, 4), (1, 3), (0, 2), (0, 1)]
ESCALATE_P = [0.6, 0.35, 0.1, 0.03]


# -- event files exactly as the tool writes them --------------------------------------------


def _event_models() -> dict[str, type[BaseModel]]:
    models: dict[str, type[BaseModel]] = {}
    for model in get_args(get_args(Event)[0]):
        models[str(model.model_fields["event"].default)] = model
    return models


class EventRenderer:
    """Renders event data as the store writes it (HEADER + `dump_yaml(event_to_data(...))`).

    Field order and defaults come from the event models; each distinct (key, value) goes through
    the tool's own `dump_yaml` once and is cached, so the bytes are the tool's by construction.
    """

    def __init__(self) -> None:
        self.fields: dict[str, list[tuple[str, Any]]] = {}
        for kind, model in _event_models().items():
            rest = [n for n in model.model_fields if n not in ("event", "at", "actor", "matrix")]
            self.fields[kind] = [
                (n, model.model_fields[n].get_default(call_default_factory=True)) for n in rest
            ]
        self.quiet = {
            kind: getattr(model, "QUIET", frozenset()) for kind, model in _event_models().items()
        }
        self._cache: dict[tuple[str, Any], str] = {}

    def _line(self, key: str, value: Any) -> str:
        if value is None:
            return f"{key}: null\n"
        if value is True or value is False:
            return f"{key}: {'true' if value else 'false'}\n"
        if isinstance(value, int):
            return f"{key}: {value}\n"
        token: Any = value
        if isinstance(value, dict):
            token = ("dict", tuple(value.items()))
        elif isinstance(value, list):
            token = ("list", tuple(value))
        line = self._cache.get((key, token))
        if line is None:
            line = dump_yaml({key: value})
            self._cache[(key, token)] = line
        return line

    def render(self, kind: str, at: int, actor: str, matrix: str, values: dict[str, Any]) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
        parts = [HEADER, f"event: {kind}\n", f"at: '{stamp}'\n", self._line("actor", actor)]
        parts.append(self._line("matrix", matrix))
        quiet = self.quiet.get(kind, frozenset())
        for name, default in self.fields[kind]:
            value = values.get(name, default)
            if name in quiet and value in (None, ""):
                continue  # keys added later are left out while unset, as event_to_data does
            parts.append(self._line(name, value))
        unknown = set(values) - {n for n, _ in self.fields[kind]}
        if unknown:
            raise ValueError(f"{kind} has no fields {sorted(unknown)}")
        return "".join(parts)


# -- the simulation -------------------------------------------------------------------------


@dataclass
class Ev:
    at: int
    kind: str
    actor: str
    values: dict[str, Any]


@dataclass
class Issue:
    id: str
    opened_at: int
    rank: int  # severity rank, 0 = most severe
    owner: str
    tier: int
    engaged: str
    category: str
    customer: str | None
    partner: str | None
    status: str = "open"
    events: list[Ev] = field(default_factory=list)
    flagged: bool = False


def _encode(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


class Simulator:
    """Makes issues whose events form valid, plausible lifecycles under `matrix`."""

    def __init__(self, matrix: Matrix, rng: random.Random) -> None:
        self.m, self.rng = matrix, rng
        self.categories = list(matrix.categories)
        self.cat_weights = [CATEGORY_WEIGHTS.get(c, 10) for c in self.categories]
        self.customers = list(matrix.customers)
        self.partners = list(matrix.partners)
        self.severities = list(matrix.severities)
        self.impacts = [imp for imp in (self._known_impact(i) for i in IMPACTS) if imp]
        people = list(matrix.people.values())
        self.responders = [p.id for p in people if "responder" in p.roles] or [p.id for p in people]
        self.overriders = [p.id for p in people if matrix.may_override(p.id)]
        self.reconcilers = [p.id for p in people if matrix.may_reconcile(p.id)]
        self.route_at = START + timedelta(days=45)
        self._routes: dict[tuple[Any, ...], RouteDecision] = {}
        self.ids: set[str] = set()

    def _known_impact(self, impact: dict[str, str]) -> dict[str, str]:
        dims = self.m.dimensions
        return {d: lvl for d, lvl in impact.items() if d in dims and lvl in dims[d].levels}

    def _route(self, facts: IssueFacts) -> RouteDecision:
        impact = tuple(facts.impact.items())
        key: tuple[Any, ...] = (facts.category, facts.severity, impact, facts.customer)
        key += (facts.partner, facts.tags)
        decision = self._routes.get(key)
        if decision is None:
            decision = route(self.m, facts, self.route_at)
            self._routes[key] = decision
        return decision

    def _new_id(self, at: int) -> str:
        day = (datetime.fromtimestamp(at, UTC).date() - EPOCH).days
        while True:
            ident = _encode(day % 32**3, 3) + _encode(self.rng.getrandbits(30), 6)
            if ident not in self.ids:
                self.ids.add(ident)
                return ident

    def _facts(self) -> IssueFacts:
        rng = self.rng
        category = rng.choices(self.categories, self.cat_weights)[0]
        customer = rng.choice(self.customers) if self.customers and rng.random() < 0.4 else None
        partner_p = 0.8 if "partner" in category else 0.1
        partner = rng.choice(self.partners) if self.partners and rng.random() < partner_p else None
        tags = (
            tuple(sorted(set(rng.sample(TAGS, rng.choice([1, 1, 2])))))
            if rng.random() < 0.3
            else ()
        )
        if self.impacts and rng.random() < 0.5:
            return IssueFacts(category, None, rng.choice(self.impacts), customer, partner, tags)
        severity = rng.choices(self.severities, SEVERITY_WEIGHTS[: len(self.severities)])[0]
        return IssueFacts(category, severity, {}, customer, partner, tags)

    def _title(self, category: str) -> str:
        base = self.rng.choice(TITLES.get(category, GENERIC_TITLES))
        return base + self.rng.choice(TITLE_SUFFIXES)

    # One issue ------------------------------------------------------------------------------

    def issue(self, opened_at: int, active: str | None, now: int) -> Issue:
        """An issue opened at `opened_at`; `active` is None (runs to closed) or the status to
        stop in: 'open', 'acknowledged' or 'paused', with every event before `now`."""
        rng, m = self.rng, self.m
        facts = self._facts()
        d = self._route(facts)
        rank = min(self.severities.index(d.severity.severity), 3)
        tier = m.tier_index(d.tier)
        iss = Issue(
            self._new_id(opened_at),
            opened_at,
            rank,
            d.owner,
            tier,
            d.engaged,
            facts.category,
            facts.customer,
            facts.partner,
        )
        opener = d.owner if rng.random() < 0.5 else rng.choice(self.responders)
        self._add(
            iss,
            opened_at,
            "opened",
            opener,
            title=self._title(facts.category),
            description=rng.choice(DESCRIPTIONS),
            category=facts.category,
            severity=d.severity.severity,
            score=d.severity.score,
            impact=dict(facts.impact),
            customer=facts.customer,
            partner=facts.partner,
            tags=list(facts.tags),
            rule=d.rule,
            owner=d.owner,
            tier=d.tier,
            engaged=d.engaged,
        )
        horizon = now - 5 * MINUTE
        lo, hi = FIRST_RESPONSE[rank]
        t = opened_at + rng.randint(lo * MINUTE, hi * MINUTE)
        response = m.tiers[iss.tier].response_time
        if (
            (active is None or active == "open")
            and rng.random() < 0.12
            and iss.tier + 1 < len(m.tiers)
        ):
            # nobody acknowledged in time: the sweep escalated it
            auto_at = opened_at + int(response.total_seconds()) + rng.randint(1, 15) * MINUTE
            if auto_at < horizon:
                reason = (
                    f"tier {m.tiers[iss.tier].id} response time {format_duration(response)} "
                    "passed without acknowledgement"
                )
                self._escalate(iss, auto_at, AUTOMATION, reason, automatic=True)
                t = max(t, auto_at + rng.randint(2, 30) * MINUTE)
        if active == "open":
            return iss
        if t >= horizon:
            t = opened_at + (horizon - opened_at) // 3
        ack_by = iss.engaged if rng.random() < 0.7 else iss.owner
        self._add(iss, t, "acknowledged", ack_by, note=rng.choice(ACK_NOTES))
        iss.status = "acknowledged"
        resolve_at = t + int(min(rng.lognormvariate(0, 0.8) * RESOLVE_HOURS[rank], 20 * 24) * HOUR)
        plan = self._middle(iss)
        if active is not None:
            end = horizon
            plan = plan[: rng.randint(0, len(plan))]
            if plan and plan[-1] == "pause" and active != "paused":
                plan.pop()
            if active == "paused" and (not plan or plan[-1] != "pause"):
                plan.append("pause")
        else:
            end = resolve_at
        times = sorted(rng.randint(t + MINUTE, max(t + 2 * MINUTE, end - MINUTE)) for _ in plan)
        for step, when in zip(plan, times, strict=True):
            self._step(iss, step, when)
        if active is not None:
            return iss
        last = max(resolve_at, iss.events[-1].at + MINUTE)
        self._resolve(iss, last)
        if rng.random() < 0.02:
            again = last + rng.randint(2 * HOUR, 3 * DAY)
            self._add(
                iss,
                again,
                "reopened",
                rng.choice([iss.owner, opener]),
                reason=rng.choice(REOPEN_REASONS),
            )
            iss.status = "open"
            self._add(iss, again + rng.randint(10, 60) * MINUTE, "acknowledged", iss.owner, note="")
            iss.status = "acknowledged"
            last = again + rng.randint(4 * HOUR, 2 * DAY)
            self._resolve(iss, last)
        if rng.random() < 0.96:
            self._add(
                iss,
                last + rng.randint(HOUR, 3 * DAY),
                "closed",
                iss.owner,
                customer_satisfaction=rng.choice(SATISFACTION) if iss.customer else None,
                partner_satisfaction=rng.choice(SATISFACTION) if iss.partner else None,
                note=rng.choice(CLOSE_NOTES),
            )
            iss.status = "closed"
        return iss

    def _middle(self, iss: Issue) -> list[str]:
        """The steps between acknowledgement and resolution, in order."""
        rng = self.rng
        lo, hi = UPDATES[iss.rank]
        steps = ["update"] * rng.randint(lo, hi) + ["comment"] * rng.choice([0, 0, 1, 1, 2])
        if rng.random() < 0.08:
            steps.append("assign")
        if self.overriders and rng.random() < 0.01:
            steps.append("override")
        rng.shuffle(steps)
        if (iss.customer or iss.partner) and rng.random() < 0.3:
            steps.insert(rng.randint(0, len(steps)), "pause")
            steps.insert(steps.index("pause") + 1, "resume")
        if rng.random() < ESCALATE_P[iss.rank]:
            steps.insert(rng.randint(0, min(1, len(steps))), "escalate")
            if rng.random() < 0.15:
                steps.append("deescalate")
        if "override" in steps and rng.random() < 0.8:
            steps.append("reconcile")
        return steps

    def _step(self, iss: Issue, step: str, at: int) -> None:
        rng, m = self.rng, self.m
        if step == "update":
            by = iss.owner if rng.random() < 0.8 else iss.engaged
            self._add(
                iss,
                at,
                "updated",
                by,
                status=rng.choice(STATUSES),
                next_steps=rng.choice(NEXT_STEPS),
                owner=None,
                dependencies=rng.choice(DEPENDENCIES),
            )
        elif step == "comment":
            category = m.categories[iss.category]
            who = [iss.owner, iss.engaged, *category.specialists]
            self._add(iss, at, "commented", rng.choice(who), text=rng.choice(COMMENTS))
        elif step == "escalate":
            if iss.tier + 1 < len(m.tiers):
                self._escalate(iss, at, iss.engaged, rng.choice(ESCALATE_REASONS))
        elif step == "deescalate":
            if iss.tier > 0:
                tier = m.tiers[iss.tier - 1]
                engaged = m.holder(tier, iss.owner)
                previous = m.tiers[iss.tier].id
                self._add(
                    iss,
                    at,
                    "deescalated",
                    iss.engaged,
                    tier=tier.id,
                    previous=previous,
                    engaged=engaged,
                    reason=rng.choice(DEESCALATE_REASONS),
                )
                iss.tier, iss.engaged = iss.tier - 1, engaged
        elif step == "assign":
            category = m.categories[iss.category]
            others = [p for p in (category.primary, *category.backups) if p != iss.owner]
            if others:
                to = rng.choice(others)
                self._add(
                    iss,
                    at,
                    "assigned",
                    iss.owner,
                    owner=to,
                    previous=iss.owner,
                    reason=rng.choice(ASSIGN_REASONS),
                )
                if iss.tier == 0:
                    iss.engaged = to
                iss.owner = to
        elif step == "override":
            category = m.categories[iss.category]
            owner = rng.choice([category.primary, *category.backups, *category.specialists])
            tier = m.tiers[iss.tier]
            engaged = m.holder(tier, owner)
            self._add(
                iss,
                at,
                "overridden",
                rng.choice(self.overriders),
                owner=owner,
                tier=tier.id,
                engaged=engaged,
                previous_owner=iss.owner,
                previous_tier=tier.id,
                reason=rng.choice(OVERRIDE_REASONS),
            )
            iss.owner, iss.engaged, iss.flagged = owner, engaged, True
        elif step == "reconcile":
            if iss.flagged and self.reconcilers:
                self._add(
                    iss,
                    at,
                    "reconciled",
                    rng.choice(self.reconcilers),
                    learning=rng.choice(LEARNINGS),
                )
                iss.flagged = False
        elif step == "pause":
            waiting = (
                "customer"
                if iss.customer and (not iss.partner or rng.random() < 0.5)
                else "partner"
            )
            self._add(
                iss,
                at,
                "paused",
                iss.owner,
                waiting_on=waiting,
                reason=rng.choice(PAUSE_REASONS[waiting]),
            )
            iss.status = "paused"
        elif step == "resume":
            self._add(iss, at, "resumed", iss.owner, note=rng.choice(RESUME_NOTES))
            iss.status = "acknowledged"

    def _escalate(
        self, iss: Issue, at: int, actor: str, reason: str, automatic: bool = False
    ) -> None:
        tier = self.m.tiers[iss.tier + 1]
        engaged = self.m.holder(tier, iss.owner)
        self._add(
            iss,
            at,
            "escalated",
            actor,
            tier=tier.id,
            previous=self.m.tiers[iss.tier].id,
            engaged=engaged,
            reason=reason,
            automatic=automatic,
        )
        iss.tier, iss.engaged = iss.tier + 1, engaged

    def _resolve(self, iss: Issue, at: int) -> None:
        rng = self.rng
        summary, cause = rng.choice(SUMMARIES), rng.choice(ROOT_CAUSES)
        self._add(iss, at, "resolved", iss.owner, summary=summary, root_cause=cause)
        iss.status = "resolved"

    def _add(self, iss: Issue, at: int, kind: str, actor: str, **values: Any) -> None:
        if iss.events and at <= iss.events[-1].at:
            at = iss.events[-1].at + self.rng.randint(20, 90)
        iss.events.append(Ev(at, kind, actor, values))


def opening_times(rng: random.Random, count: int, lo: int, hi: int) -> list[int]:
    """`count` times in [lo, hi): busier on weekdays and in European/American office hours,
    and growing over time like a young company's issue log."""
    out: list[int] = []
    while len(out) < count:
        u = rng.random() ** 0.8  # more recent issues more likely
        t = lo + int(u * (hi - lo))
        tm = time.gmtime(t)
        weight = (0.35 if tm.tm_wday >= 5 else 1.0) * (1.0 if 7 <= tm.tm_hour <= 21 else 0.3)
        if rng.random() < weight:
            out.append(t)
    return sorted(out)


# -- commits --------------------------------------------------------------------------------


@dataclass
class Item:
    """One event ready to commit."""

    at: int
    issue: str
    seq: int
    kind: str
    actor: str
    path: str
    text: bytes
    subject: str


ACTIONS = {
    "opened": "open",
    "acknowledged": "ack",
    "updated": "update",
    "commented": "comment",
    "escalated": "escalate",
    "deescalated": "deescalate",
    "assigned": "assign",
    "overridden": "override",
    "reconciled": "reconcile",
    "paused": "pause",
    "resumed": "resume",
    "resolved": "resolve",
    "closed": "close",
    "reopened": "reopen",
}


def _subject(iss: Issue, ev: Ev, tier_before: str, owner_before: str) -> str:
    """The commit subject the tool would write for this one event."""
    v = ev.values
    if ev.actor == AUTOMATION:
        line = f"escalate {v['previous']} → {v['tier']} ({v['engaged']}): {v['reason']}"
        return f"sweep {iss.id}: {line}"
    action = ACTIONS[ev.kind]
    fixed = {"acknowledged", "reconciled", "resumed", "resolved", "closed", "reopened"}
    match ev.kind:
        case "opened":
            what = str(v["title"])
        case "updated":
            what = str(v["status"])
        case "commented":
            what = str(v["text"])
        case "escalated":
            what = f"escalate from {tier_before}"
        case "deescalated":
            what = f"de-escalate from {tier_before}"
        case "assigned":
            what = f"hand off {owner_before} → {v['owner']}"
        case "overridden":
            what = f"override to {v['owner']} at {v['tier']}"
        case "paused":
            what = f"waiting on {v['waiting_on']}"
        case kind if kind in fixed:
            what = "override reconciled" if kind == "reconciled" else kind
        case _:
            what = ev.kind
    return f"{action} {iss.id}: {what}"


def clean_subject(text: str) -> str:
    out = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return out if len(out) <= 72 else out[:71] + "…"


def items_of(
    iss: Issue, renderer: EventRenderer, matrix_commit: str, rng: random.Random
) -> Iterator[Item]:
    tier = owner = ""
    for seq, ev in enumerate(iss.events, start=1):
        subject = _subject(iss, ev, tier, owner)
        if ev.kind in ("opened", "escalated", "deescalated", "overridden"):
            tier = ev.values["tier"]
        if ev.kind in ("opened", "assigned", "overridden"):
            owner = ev.values["owner"]
        name = f"{seq:06d}-{_encode(rng.getrandbits(30), 6)}-{ev.kind}.yaml"
        assert EVENT_NAME.match(name), name
        text = renderer.render(ev.kind, ev.at, ev.actor, matrix_commit, ev.values)
        yield Item(
            ev.at, iss.id, seq, ev.kind, ev.actor, f"issues/{iss.id}/{name}", text.encode(), subject
        )


def batch(items: list[Item], slice_seconds: int) -> list[list[Item]]:
    """Group time-ordered events into commits of one actor each, within time slices.

    Within a slice an event goes to layer L (the layer of the issue's previous event in the
    slice, plus one when that event had another actor) and commits go out layer by layer, so
    every issue's events land in seq order across commits. `slice_seconds` 0: one per event.
    """
    if slice_seconds <= 0:
        return [[item] for item in items]
    commits: list[list[Item]] = []
    start = 0
    while start < len(items):
        bucket = items[start].at // slice_seconds
        end = start
        while end < len(items) and items[end].at // slice_seconds == bucket:
            end += 1
        last: dict[str, tuple[int, str]] = {}
        groups: dict[tuple[int, str], list[Item]] = {}
        for item in items[start:end]:
            prev = last.get(item.issue)
            layer = 0 if prev is None else prev[0] + (prev[1] != item.actor)
            last[item.issue] = (layer, item.actor)
            groups.setdefault((layer, item.actor), []).append(item)
        commits.extend(groups[key] for key in sorted(groups, key=lambda k: (k[0], groups[k][0].at)))
        start = end
    return commits


def count_commits(items: list[Item], slice_seconds: int) -> int:
    return len(batch(items, slice_seconds))


def choose_slice(items: list[Item], target: int) -> int:
    """A slice width giving about `target` commits (0 when every event can be its own)."""
    if target >= len(items):
        return 0
    span = max(items[-1].at - items[0].at, 1)
    width = max(60, span * 10 // target)
    for _ in range(12):
        got = count_commits(items, width)
        if abs(got - target) <= target * 0.1:
            break
        width = max(60, int(width * (got / target) ** 1.3))
    return width


@dataclass(frozen=True)
class Author:
    name: str
    email: str


def stream(
    out: IO[bytes],
    commits: list[list[Item]],
    authors: dict[str, Author],
    parent: str,
    branch: str,
) -> None:
    """Write one branch's commits to the fast-import stream; author = the group's actor."""
    w = out.write
    clock = 0
    for n, group in enumerate(commits):
        first = group[0]
        author = authors[first.actor]
        when = max(item.at for item in group)
        clock = max(clock, when)
        if len(group) == 1:
            subject = clean_subject(first.subject)
        else:
            issues_n = len({i.issue for i in group})
            subject = clean_subject(
                f"{len(group)} events on {issues_n} issues by {first.actor}: {first.subject}"
            )
        actions = dict.fromkeys(
            ACTIONS.get(i.kind, i.kind) if i.actor != AUTOMATION else "sweep" for i in group
        )
        trailers = [f"{TRAILER_ISSUE}: {i}" for i in dict.fromkeys(i.issue for i in group)]
        trailers += [f"{TRAILER_ACTION}: {a}" for a in actions]
        trailers.append(f"{TRAILER_ACTOR}: {first.actor}")
        message = (subject + "\n\n" + "\n".join(trailers) + "\n").encode()
        who = f"{author.name} <{author.email}>".encode()
        w(b"commit refs/heads/%s\n" % branch.encode())
        w(b"author %s %d +0000\ncommitter %s %d +0000\n" % (who, when, who, clock))
        w(b"data %d\n%s" % (len(message), message))
        if n == 0:
            w(b"from %s\n" % parent.encode())
        for item in group:
            w(
                b"M 100644 inline %s\ndata %d\n%s\n"
                % (item.path.encode(), len(item.text), item.text)
            )
        w(b"\n")


def merge_lanes(out: Path, lanes: list[str], author: Author, at: int) -> str:
    """One octopus merge whose issues/ holds every lane's folders; returns its commit id."""
    entries: dict[str, str] = {}
    for lane in lanes:
        for line in git(out, "ls-tree", f"{lane}:issues").splitlines():
            entries[line.split("\t", 1)[1]] = line
    issues = git_input(out, "\n".join(entries.values()) + "\n", "mktree")
    root = [
        line if not line.endswith("\tissues") else f"040000 tree {issues}\tissues"
        for line in git(out, "ls-tree", lanes[0]).splitlines()
    ]
    tree = git_input(out, "\n".join(root) + "\n", "mktree")
    parents = [arg for lane in lanes for arg in ("-p", lane)]
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(at))
    env = identity_env(author, stamp)
    message = f"Merge {len(lanes)} lanes of synthetic history"
    return git(out, "commit-tree", tree, *parents, "-m", message, env=env)


# -- the repository -------------------------------------------------------------------------


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    full = {**os.environ, **(env or {})}
    done = subprocess.run(
        ["git", *args], cwd=repo, env=full, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def git_input(repo: Path, text: str, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, input=text, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def identity_env(author: Author, stamp: str) -> dict[str, str]:
    return {
        "GIT_AUTHOR_NAME": author.name,
        "GIT_AUTHOR_EMAIL": author.email,
        "GIT_COMMITTER_NAME": author.name,
        "GIT_COMMITTER_EMAIL": author.email,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
    }


def source_folder(given: Path | None) -> Path:
    """Where matrix/ and playbooks/ come from: `given`, the project's example, or the starter."""
    if given is not None:
        return given
    if (PROJECT / "matrix").is_dir() and (PROJECT / "playbooks").is_dir():
        return PROJECT
    return Path(escmatrix.__file__).parent / "scaffold"


def lay_out(out: Path, source: Path, owner: Author) -> str:
    """`git init`, copy matrix/ and playbooks/, commit them; returns that commit's id."""
    out.mkdir(parents=True)
    git(out, "init", "-q", "-b", "main")
    git(out, "config", "gc.auto", "0")  # no surprise repack in the middle of a timed run
    for folder in ("matrix", "playbooks"):
        shutil.copytree(source / folder, out / folder)
    (out / "issues").mkdir()
    (out / "issues" / ".gitkeep").write_text("")
    scaffold = Path(escmatrix.__file__).parent / "scaffold" / "gitattributes"
    if scaffold.is_file():
        shutil.copy(scaffold, out / ".gitattributes")
    env = identity_env(owner, (START - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S+0000"))
    git(out, "add", "-A")
    git(
        out,
        "commit",
        "-q",
        "-m",
        "Escalation matrix: people, teams, ladder, routing, SLAs",
        env=env,
    )
    return git(out, "rev-parse", "HEAD")


def verify(
    out: Path, matrix: Matrix, issues: list[Issue], sample: int, rng: random.Random
) -> tuple[int, int]:
    """Read a sample back through the store: bytes equal the tool's, folds give our status."""
    store = IssueStore(out)
    chosen = rng.sample(issues, min(sample, len(issues)))
    events = 0
    for iss in chosen:
        state = store.load(iss.id)
        expected = (iss.status, iss.owner, matrix.tiers[iss.tier].id)
        if (state.status, state.owner, state.tier) != expected:
            raise SystemExit(
                f"verify: issue {iss.id} folds to {state.status}/{state.owner}/{state.tier}, "
                f"expected {'/'.join(expected)}"
            )
        for file in store.event_files(iss.id):
            event: EventBase = store.read_event(file)
            again = HEADER + dump_yaml(event_to_data(event))
            if file.path.read_text(encoding="utf-8") != again:
                raise SystemExit(f"verify: {file.path} differs from what the tool would write")
            EVENT_ADAPTER.validate_python(event_to_data(event))
            events += 1
    return len(chosen), events


def generate(
    count: int,
    out: Path,
    seed: int,
    split_index: bool = False,
    commits: int | None = None,
    source: Path | None = None,
    check: int = 200,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Build the repository; returns (and stores in .git) the facts the runner needs."""
    if out.exists():
        raise SystemExit(f"{out} exists; remove it or choose another folder")
    clock0 = time.perf_counter()
    timings: dict[str, float] = {}
    rng = random.Random(seed)
    src = source_folder(source)
    matrix = load_matrix(src)
    people = matrix.people
    authors = {pid: Author(p.name, p.email) for pid, p in people.items()}
    bot = matrix.governance.automation
    authors[AUTOMATION] = (
        Author(bot.name, bot.email)
        if bot
        else Author("escmatrix automation", "escmatrix-bot@example.com")
    )
    owners = matrix.governance.review.owners
    owner_id = owners[0] if owners and owners[0] in people else next(iter(people))
    matrix_commit = lay_out(out, src, authors[owner_id])

    sim = Simulator(matrix, rng)
    now = int(NOW.timestamp())
    start = int(START.timestamp())
    n_active = round(count * ACTIVE_SHARE)
    closed_times = opening_times(rng, count - n_active, start, now - 35 * DAY)
    recent = opening_times(rng, n_active, now - 21 * DAY, now - 2 * HOUR)
    kinds = rng.choices(["open", "acknowledged", "paused"], [25, 60, 15], k=n_active)
    issues = [sim.issue(t, None, now) for t in closed_times]
    for t, kind in zip(recent, kinds, strict=True):
        if kind == "open":  # nobody has acknowledged it yet: opened in the last two days
            t = now - rng.randint(30 * MINUTE, 2 * DAY)
        elif rng.random() < 0.2:  # some active issues have been stuck for weeks
            t = rng.randint(now - 90 * DAY, now - 21 * DAY)
        issues.append(sim.issue(t, kind, now))
    timings["simulate"] = time.perf_counter() - clock0

    t1 = time.perf_counter()
    renderer = EventRenderer()
    items = [item for iss in issues for item in items_of(iss, renderer, matrix_commit, rng)]
    items.sort(key=lambda i: (i.at, i.issue, i.seq))
    timings["render"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    n_lanes = -(-count // LANE_SIZE)
    lane_of = {iss.id: n % n_lanes for n, iss in enumerate(issues)}
    per_lane: list[list[Item]] = [[] for _ in range(n_lanes)]
    for item in items:
        per_lane[lane_of[item.issue]].append(item)
    folders = max(count // n_lanes // 2, 1)  # issue folders in a lane's tree, on average
    budget = commits or max(500, min(len(items), TREE_ENTRY_BUDGET // folders))
    lanes: list[tuple[str, list[list[Item]]]] = []
    widths = []
    for n, lane_items in enumerate(per_lane):
        width = choose_slice(lane_items, budget * len(lane_items) // len(items))
        widths.append(width)
        lanes.append(("main" if n_lanes == 1 else f"lane-{n}", batch(lane_items, width)))
    n_commits = sum(len(groups) for _, groups in lanes)
    timings["batch"] = time.perf_counter() - t2
    how = f"slices of {max(widths) // 60} min" if max(widths) else "one per event"
    log(
        f"{count} issues, {len(items)} events, {n_commits} commits ({how})"
        + (f" on {n_lanes} merged branches" if n_lanes > 1 else "")
    )

    t3 = time.perf_counter()
    proc = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"], cwd=out, stdin=subprocess.PIPE
    )
    assert proc.stdin is not None
    with proc.stdin as pipe:
        for branch, groups in lanes:
            stream(pipe, groups, authors, matrix_commit, branch)
        pipe.write(b"done\n")
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    if n_lanes > 1:
        names = [branch for branch, _ in lanes]
        merge = merge_lanes(out, names, authors[owner_id], items[-1].at + MINUTE)
        git(out, "update-ref", "refs/heads/main", merge)
        for name in names:
            git(out, "update-ref", "-d", f"refs/heads/{name}")
    timings["fast-import"] = time.perf_counter() - t3
    del items, lanes, per_lane

    t4 = time.perf_counter()
    if split_index:
        git(out, "config", "core.splitIndex", "true")
        git(out, "config", "index.version", "4")
    git(out, "reset", "-q", "--hard", "HEAD")
    timings["checkout"] = time.perf_counter() - t4

    t5 = time.perf_counter()
    checked, checked_events = verify(out, matrix, issues, check, rng) if check else (0, 0)
    timings["verify"] = time.perf_counter() - t5
    timings["total"] = time.perf_counter() - clock0

    acting = next(
        (p for p in people.values() if "responder" in p.roles), next(iter(people.values()))
    )
    active = [
        {
            "id": i.id,
            "status": i.status,
            "tier": matrix.tiers[i.tier].id,
            "owner": i.owner,
            "events": len(i.events),
        }
        for i in issues
        if i.status in ("open", "acknowledged", "paused")
    ]
    meta: dict[str, Any] = {
        "issues": count,
        "events": sum(len(i.events) for i in issues),
        "commits": int(git(out, "rev-list", "--count", "HEAD")),
        "seed": seed,
        "split_index": split_index,
        "now": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "history": [START.strftime("%Y-%m-%d"), NOW.strftime("%Y-%m-%d")],
        "matrix_commit": matrix_commit,
        "head": git(out, "rev-parse", "HEAD"),
        "actor": {"id": acting.id, "name": acting.name, "email": acting.email},
        "tiers": [t.id for t in matrix.tiers],
        "open_args": {
            "category": sim.categories[0],
            "severity": sim.severities[min(2, len(sim.severities) - 1)],
        },
        "statuses": {
            s: sum(1 for i in issues if i.status == s)
            for s in ("open", "acknowledged", "paused", "resolved", "closed")
        },
        "active": active,
        "verified": {"issues": checked, "events": checked_events},
        "seconds": {k: round(v, 2) for k, v in timings.items()},
    }
    (out / ".git" / META_NAME).write_text(json.dumps(meta, indent=1) + "\n")
    return meta


def read_meta(repo: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo / ".git" / META_NAME).read_text())
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("count", type=int, help="number of issues (1000, 10000, 100000)")
    parser.add_argument("outdir", type=Path, help="the repository to create (must not exist)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--split-index", action="store_true", help="set core.splitIndex=true and index.version=4"
    )
    parser.add_argument(
        "--commits",
        type=int,
        default=None,
        help="about how many commits (default: one per event up to a cost budget)",
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=None,
        help="folder holding matrix/ and playbooks/ (default: the project's example)",
    )
    parser.add_argument(
        "--check",
        type=int,
        default=200,
        help="issues to read back and compare with the tool's output (0: none)",
    )
    args = parser.parse_args(argv)
    meta = generate(
        args.count, args.outdir, args.seed, args.split_index, args.commits, args.source, args.check
    )
    secs = meta["seconds"]
    print(
        f"{args.outdir}: {meta['issues']} issues, {meta['events']} events, {meta['commits']} commits; "
        f"statuses {meta['statuses']}; verified {meta['verified']['events']} events of {meta['verified']['issues']} issues"
    )
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in secs.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
