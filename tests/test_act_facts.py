"""`update`, `ack`, `escalate` and the other decisions on an open issue read the plain copy of the
matrix that the local cache keeps (`core.ladder_facts.LadderFacts`) instead of the matrix models:
for any issue, actor and moment the responder decides on the copy what it decides on the matrix
(the same event, or the same refusal in the same words), notifications are worked out the same,
and a warm write loads no pydantic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import msgspec
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from escmatrix.core import events as ev
from escmatrix.core import responder as r
from escmatrix.core.errors import EscmatrixError
from escmatrix.core.issue import fold
from escmatrix.core.notices import notices_for
from tests.support import T0 as REPO_T0
from tests.support import Repo
from tests.test_clock_plans import CUSTOMERS, SEVERITIES, example
from tests.test_properties_fold import EXAMPLES, OPENED, SETTINGS, T0, later_event
from tests.test_sweep_facts import CATEGORIES, MATRICES, PEOPLE, REF, TIERS, on_call_ladder, plain

ISSUE = "26c0000ff"
Decision = Callable[[r.Context, Any], ev.EventBase]
DECISIONS: dict[str, Decision] = {
    "ack": lambda c, s: r.acknowledge(c, s, "on it"),
    "ack on behalf": lambda c, s: r.acknowledge(c, s, on_behalf=True, reason="covering"),
    "update": lambda c, s: r.status_update(
        c, s, status="Rolled back", next_steps="Watch", owner="lena", dependencies=""
    ),
    "update, no next steps": lambda c, s: r.status_update(
        c, s, status="Rolled back", next_steps="", owner=None, dependencies=""
    ),
    "assign": lambda c, s: r.assign(c, s, "chloe", "knows it"),
    "escalate": lambda c, s: r.escalate(c, s, "stuck"),
    "escalate to manager": lambda c, s: r.escalate(c, s, "stuck", to="manager"),
    "escalate to nowhere": lambda c, s: r.escalate(c, s, "stuck", to="board"),
    "de-escalate": lambda c, s: r.deescalate(c, s, "calm"),
    "override": lambda c, s: r.override(c, s, "hannah", "manager", "cannot wait"),
    "reconcile": lambda c, s: r.reconcile(c, s, "add a backup"),
    "pause": lambda c, s: r.pause(c, s, "customer", "logs"),
    "resume": lambda c, s: r.resume(c, s),
    "resolve": lambda c, s: r.resolve(c, s, "fixed", ""),
    "reopen": lambda c, s: r.reopen(c, s, "back again"),
    "comment": lambda c, s: r.comment(c, s, "hello"),
}


def _decide(decision: Decision, ctx: r.Context, state: Any) -> ev.EventBase | str:
    """The event decided, or the refusal in words."""
    try:
        return decision(ctx, state)
    except EscmatrixError as exc:
        return f"{type(exc).__name__}: {exc} ({exc.hint})"


@SETTINGS
@given(
    which=MATRICES,
    opened=OPENED,
    severity=SEVERITIES,
    customer=CUSTOMERS,
    owner=PEOPLE,
    category=CATEGORIES,
    tier=TIERS,
    later=st.lists(later_event(), max_size=6),
    actor=PEOPLE,
    action=st.sampled_from(sorted(DECISIONS)),
    hours=st.integers(0, 20 * 24),
)
def test_the_responder_decides_on_the_copy_what_it_decides_on_the_matrix(
    which: str,
    opened: ev.Opened,
    severity: str,
    customer: str | None,
    owner: str,
    category: str,
    tier: str,
    later: list[ev.EventBase],
    actor: str,
    action: str,
    hours: int,
) -> None:
    matrix = example() if which == "example" else on_call_ladder()
    facts = plain(matrix)
    first = msgspec.structs.replace(
        opened, severity=severity, customer=customer, owner=owner, category=category, tier=tier
    )
    state = fold(ISSUE, [first, *later])
    at = max(e.at for e in [first, *later]) + timedelta(hours=hours)
    expected = _decide(DECISIONS[action], r.Context(matrix, actor, at, REF), state)
    got = _decide(DECISIONS[action], r.Context(facts, actor, at, REF), state)
    assert got == expected
    event(f"{action}: {'refused' if isinstance(got, str) else 'decided'}")
    if isinstance(got, ev.EventBase):  # and what the channels are told of it
        after = fold(ISSUE, [first, *later, got])
        assert notices_for(facts, state, after, [got], at) == notices_for(
            matrix, state, after, [got], at
        )


@pytest.mark.parametrize("which", ["example", "on-call"])
def test_the_copy_knows_who_acts_and_who_may_override(which: str) -> None:
    """Every person's email (any case) names them on both, nobody else's does; overriding and
    reconciling are granted alike (by id or by role); the status template is the same."""
    matrix = example() if which == "example" else on_call_ladder()
    facts = plain(matrix)
    for person in matrix.people.values():
        assert facts.person_of(person.email.upper()) == matrix.person_of(person.email) == person.id
        assert facts.may_override(person.id) == matrix.may_override(person.id)
        assert facts.may_reconcile(person.id) == matrix.may_reconcile(person.id)
    assert facts.person_of("nobody@example.com") is None
    assert not facts.may_override("nobody")
    template = matrix.comms.status_update
    assert facts.comms.status_update == (tuple(template.required), template.max_length)


def test_every_notice_kind_is_worked_out_alike() -> None:
    """Notices on the copy equal those on the matrix for each kind that raises one, at every
    severity (channels by severity, the level's name, the pager's rank, the next deadline)."""
    matrix = example()
    facts = plain(matrix)
    raised: set[str] = set()
    for severity in matrix.severities:
        first = msgspec.structs.replace(EXAMPLES["opened"], severity=severity, at=T0)
        state = fold(ISSUE, [first])
        at = T0 + timedelta(hours=1)
        stamp = {"at": at, "actor": "lena", "matrix": "c0ffee"}
        for new in (
            first,
            ev.Escalated(
                **stamp, tier="team-lead", previous="frontline", engaged="kim", reason="x"
            ),
            ev.Alerted(**stamp, alert="breached", clock="first response", due=at),
            ev.Acknowledged(**stamp),
            ev.Resolved(**stamp, summary="fixed"),
            ev.Reopened(**stamp, reason="again"),
        ):
            after = fold(ISSUE, [first, new]) if new is not first else state
            before = None if new is first else state
            mine = notices_for(facts, before, after, [new], at)
            assert mine == notices_for(matrix, before, after, [new], at)
            raised |= {n.kind for n in mine}
    assert {"opened", "escalated", "breached", "resolved"} <= raised


def _warm(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ESCMATRIX_NO_NOTIFY", "1")
    return repo.open()  # keeps the copy in the cache on the way


def test_a_warm_write_loads_no_matrix_model(
    tmp_repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the copy in the cache, `update`, `ack` and `escalate` import neither pydantic, the
    matrix or event models nor PyYAML, and say what they did."""
    issue = _warm(tmp_repo, monkeypatch)
    flags = ["-m", "Reproduced", "--next", "Ship the fix", "--dependencies", "none"]
    for args, said in (
        (["update", issue, *flags], "updated"),
        (["ack", issue], "acknowledged"),
        (["escalate", issue, "--reason", "Customer asked"], "escalated"),
    ):
        out, loaded = tmp_repo.imports(*args, now=REPO_T0)
        assert out.startswith(said), out
        models = {"pydantic", "escmatrix.core.matrix", "escmatrix.core.event_models"}
        assert not models & loaded, args
        assert "yaml" not in loaded, args  # the event file is written without PyYAML


def test_a_write_without_the_cache_decides_the_same(
    tmp_repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--no-cache` decides on the validated matrix: the same outcome, refusals included."""
    issue = _warm(tmp_repo, monkeypatch)
    now = "2026-03-02T09:05:00Z"
    cached = tmp_repo.cli("update", issue, "-m", "Only a status", now=now)
    fresh = tmp_repo.cli("--no-cache", "update", issue, "-m", "Only a status", now=now)
    assert cached.exit_code == fresh.exit_code == 2, cached.output
    assert cached.output == fresh.output
    assert "--next" in cached.output
