"""The guided tour behind `escmatrix demo`: the responder loop on a throwaway copy of a repository."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from escmatrix.app.clock import Clock
from escmatrix.app.workspace import Workspace
from escmatrix.core import responder
from escmatrix.core.issue import IssueState
from escmatrix.core.matrix import Matrix
from escmatrix.core.routing import IssueFacts, RouteDecision


@dataclass
class Step:
    title: str
    command: str
    matrix: Matrix
    at: datetime
    decision: RouteDecision | None = None
    state: IssueState | None = None
    commit: str = ""
    final: bool = False
    notes: list[str] = field(default_factory=list)


def _copy(source: Workspace) -> Path:
    import git

    target = Path(tempfile.mkdtemp(prefix="escmatrix-demo-"))
    for folder in ("matrix", "playbooks", "issues"):
        if (source.root / folder).is_dir():
            shutil.copytree(source.root / folder, target / folder)
    repo = git.Repo.init(target, initial_branch="main")
    repo.git.config("user.name", "escmatrix demo")
    repo.git.config("user.email", "demo@example.invalid")
    repo.git.add("--", *[p.name for p in target.iterdir() if not p.name.startswith(".")])
    repo.git.commit("-q", "-m", "demo: copy of the example repository")
    return target


def _scenario(matrix: Matrix) -> IssueFacts:
    category = (
        "service-downtime"
        if "service-downtime" in matrix.categories
        else next(iter(matrix.categories))
    )
    first_tier = matrix.tiers[0].id
    severity = next(
        (s.id for s in matrix.severities.values() if s.start_tier == first_tier),
        next(iter(matrix.severities)),
    )
    customer = next(iter(matrix.customers), None)
    return IssueFacts(category=category, severity=severity, customer=customer)


def run_tour(source: Workspace, *, keep: bool = False) -> Iterator[Step]:
    """Yield each step of the tour as it is carried out on a temporary copy."""
    matrix = source.matrix
    start = source.clock.now()
    root = _copy(source)
    ws = Workspace(root, Clock(start))
    try:
        facts = _scenario(matrix)
        flags = f"--category {facts.category} --severity {facts.severity}" + (
            f" --customer {facts.customer}" if facts.customer else ""
        )
        preview = ws.preview(facts)
        yield Step(
            "1. Who would get it? (a preview writes nothing)",
            f"escmatrix route {flags}",
            matrix,
            start,
            decision=preview,
        )

        def act_as(person_id: str, minutes: int) -> None:
            ws.git.git.config("user.email", matrix.people[person_id].email)
            ws.git.git.config("user.name", matrix.people[person_id].name)
            ws.clock = Clock(start + timedelta(minutes=minutes))

        act_as(preview.owner, 0)
        opened, _ = ws.open_issue(
            facts,
            "Checkout API returns errors for EU customers",
            "Error rate on the checkout API rose to 30% at 09:40 UTC.",
        )
        issue = opened.state.id
        yield Step(
            "2. Open it: routed, recorded, committed",
            f'escmatrix open --title "Checkout API returns errors for EU customers" {flags}',
            matrix,
            ws.clock.now(),
            state=opened.state,
            commit=opened.commit,
            notes=[f"events in issues/{issue}/: {len(opened.files)} file"],
        )
        act_as(opened.state.owner, 7)
        done = ws.act(
            issue, "ack", lambda c, s: responder.acknowledge(c, s), lambda s: "acknowledged"
        )
        yield Step(
            "3. Acknowledge: the first-response clock stops",
            f"escmatrix ack {issue[:5]}",
            matrix,
            ws.clock.now(),
            state=done.state,
            commit=done.commit,
        )
        act_as(opened.state.owner, 20)
        done = ws.act(
            issue,
            "update",
            lambda c, s: responder.status_update(
                c,
                s,
                status="Errors confirmed in eu-west; failover started",
                next_steps="Verify failover, then update the customer",
                owner=s.owner,
                dependencies="Cloud provider ticket",
            ),
            lambda s: "status update",
        )
        yield Step(
            "4. Post a short status update",
            f'escmatrix update {issue[:5]} --status "Errors '
            'confirmed in eu-west; failover started" --next "Verify failover, then update the customer"',
            matrix,
            ws.clock.now(),
            state=done.state,
            commit=done.commit,
        )
        if len(matrix.tiers) > 1:
            act_as(opened.state.owner, 45)
            done = ws.act(
                issue,
                "escalate",
                lambda c, s: responder.escalate(
                    c, s, "Failover did not help; needs a decision on rollback"
                ),
                lambda s: f"escalate from {s.tier}",
            )
            yield Step(
                "5. Escalate one tier, with the reason",
                f"escmatrix escalate {issue[:5]} --reason "
                '"Failover did not help; needs a decision on rollback"',
                matrix,
                ws.clock.now(),
                state=done.state,
                commit=done.commit,
            )
        act_as(done.state.engaged, 95)
        done = ws.act(
            issue,
            "resolve",
            lambda c, s: responder.resolve(
                c, s, "Rolled back release 4.12.1", "A config change disabled the EU payment route"
            ),
            lambda s: "resolved",
        )
        yield Step(
            "6. Resolve, with the root cause",
            f'escmatrix resolve {issue[:5]} --summary "Rolled back '
            'release 4.12.1" --root-cause "A config change disabled the EU payment route"',
            matrix,
            ws.clock.now(),
            state=done.state,
            commit=done.commit,
        )
        act_as(opened.state.owner, 24 * 60)
        done = ws.act(
            issue,
            "close",
            lambda c, s: responder.close(c, s, 4, None, "Customer confirmed"),
            lambda s: "closed",
        )
        history = ws.history(issue)
        yield Step(
            "7. Close with the customer's satisfaction; the audit trail is git",
            f"escmatrix close {issue[:5]} --customer-satisfaction 4 && escmatrix show {issue[:5]}",
            matrix,
            ws.clock.now(),
            state=done.state,
            commit=done.commit,
            final=True,
            notes=[f"{e.commit[:10]} {e.action:<9} {e.author}" for e in history]
            + ([f"kept at {root}"] if keep else ["(temporary copy removed)"]),
        )
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
