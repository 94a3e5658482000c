"""`open` routes on the plain copy of the matrix the local cache keeps (`LadderFacts`, with its
`PlainRule`s and `PlainDimension`s) and shows the playbook's first steps from the plain copy of
the playbook it keeps (`PlainSteps`): for any facts at any moment, routing decides on the copy
what it decides on the matrix (the same decision, every rule's check and reason, or the same
refusal), the steps are timed and owned alike, and a warm `open` loads no pydantic."""

from __future__ import annotations

import dataclasses
import itertools
import re
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import msgspec
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from escmatrix.core.errors import EscmatrixError
from escmatrix.core.issue import fold
from escmatrix.core.matrix import Matrix
from escmatrix.core.playbook_steps import PlainSteps, timed_steps
from escmatrix.core.routing import IssueFacts, ResolvedWork, RoutingLoad, route
from escmatrix.store.playbooks import load_playbooks
from tests.conftest import PROJECT
from tests.support import Repo
from tests.test_clock_plans import example
from tests.test_properties_fold import EXAMPLES, SETTINGS, T0
from tests.test_sweep_facts import on_call_ladder, plain


@cache
def pooled() -> Matrix:
    """The example matrix with pools: the catch-all picks from the support team by track record,
    the partner rule from a list of people by turns, downtime from the sre schedule by load."""
    matrix = example()
    pools = {
        "catch-all": {"owner": "primary", "pool": "support", "strategy": "best-track-record"},
        "partner-issues": {"pool": ["marcus", "chloe", "jack"], "strategy": "round-robin"},
        "downtime-to-sre": {"pool": "sre", "strategy": "least-loaded"},
    }
    rules = [r.model_copy(update=pools.get(r.id, {})) for r in matrix.rules]
    return dataclasses.replace(matrix, rules=rules)


MATRICES = {"example": example, "on-call": on_call_ladder, "pools": pooled}
PEOPLE = ["lena", "jack", "marcus", "chloe", "arjun", "hannah", "felix", "sam"]


@st.composite
def issue_facts(draw: st.DrawFn, matrix: Matrix) -> IssueFacts:
    """Mostly what the matrix knows, now and then what it does not (each refused alike)."""
    impact: dict[str, str] = {}
    dims = draw(st.lists(st.sampled_from(sorted(matrix.dimensions)), max_size=3, unique=True))
    if draw(st.integers(0, 9)) == 0:
        dims.append("nonsense")
    for dim in dims:
        levels = sorted(matrix.dimensions[dim].levels) if dim in matrix.dimensions else ["low"]
        impact[dim] = draw(st.sampled_from([*levels, *levels, *levels, "bogus"]))
    return IssueFacts(
        category=draw(st.sampled_from([*sorted(matrix.categories), "unknown-category"])),
        severity=draw(st.sampled_from([None, *sorted(matrix.severities) * 2, "sev9"])),
        impact=impact,
        customer=draw(st.sampled_from([None, None, *sorted(matrix.customers), "nobody-inc"])),
        partner=draw(st.sampled_from([None, None, None, *sorted(matrix.partners)])),
        tags=tuple(draw(st.lists(st.sampled_from(["vip", "billing", "outage"]), max_size=2))),
    )


@st.composite
def loads(draw: st.DrawFn) -> RoutingLoad | None:
    if draw(st.booleans()):
        return None
    open_owned = draw(st.dictionaries(st.sampled_from(PEOPLE), st.integers(0, 5), max_size=6))
    resolved = tuple(
        ResolvedWork(
            draw(st.sampled_from(PEOPLE)),
            draw(st.sampled_from(["product-defect", "service-downtime"])),
            T0 - timedelta(days=draw(st.integers(0, 120))),
            timedelta(hours=draw(st.integers(1, 200))),
        )
        for _ in range(draw(st.integers(0, 12)))
    )
    turns = draw(
        st.dictionaries(st.sampled_from(["catch-all", "partner-issues"]), st.integers(0, 9))
    )
    return RoutingLoad(open_owned, turns, resolved)


def _route(matrix: Any, facts: IssueFacts, at: datetime, load: RoutingLoad | None) -> Any:
    try:
        return route(matrix, facts, at, load)
    except EscmatrixError as exc:
        return f"{type(exc).__name__}: {exc} ({exc.hint})"


@SETTINGS
@given(data=st.data(), which=st.sampled_from(sorted(MATRICES)), hours=st.integers(0, 21 * 24))
def test_routing_decides_on_the_copy_what_it_decides_on_the_matrix(
    data: st.DataObject, which: str, hours: int
) -> None:
    """Any facts (known or not), any hour of three weeks (nights, weekends, on-call changes),
    any load: the same decision, with every rule's check, every reason and both due times."""
    matrix = MATRICES[which]()
    facts = data.draw(issue_facts(matrix))
    at = T0 + timedelta(hours=hours, minutes=data.draw(st.integers(0, 59)))
    load = data.draw(loads())
    expected = _route(matrix, facts, at, load)
    got = _route(plain(matrix), facts, at, load)
    assert got == expected
    event(f"{which}: {'refused' if isinstance(got, str) else 'rule ' + got.rule}")


@pytest.mark.parametrize("which", ["example", "on-call"])
def test_playbook_steps_are_timed_and_owned_alike_on_the_copies(which: str) -> None:
    """Every playbook of the example, for a new issue of its category at several moments and
    severities: the same steps, owners, notes and due times on the plain copies."""
    matrix = MATRICES[which]()
    facts = plain(matrix)
    playbooks, _ = load_playbooks(PROJECT)
    assert playbooks
    for playbook in playbooks:
        copy = PlainSteps.of(playbook)
        for severity, customer, hours in itertools.product(
            matrix.severities, [None, *sorted(matrix.customers)[:2]], (0, 7, 30, 80)
        ):
            first = msgspec.structs.replace(
                EXAMPLES["opened"],
                category=playbook.category,
                severity=severity,
                customer=customer,
                at=T0,
            )
            state = fold("26c0000ab", [first])
            now = T0 + timedelta(hours=hours)
            want = timed_steps(matrix, playbook, state, now)
            got = timed_steps(facts, copy, state, now)
            assert [(s.number, s.owner, s.due, s.overdue) for s in got] == [
                (s.number, s.owner, s.due, s.overdue) for s in want
            ]
            assert [(s.step.step, s.step.owner, s.step.within) for s in got] == [
                (s.step.step, s.step.owner, s.step.within) for s in want
            ]


OPEN = ["open", "--title", "Checkout fails", "--category", "product-defect", "--severity", "sev2"]


def _said(text: str) -> str:
    """An `open`'s output without what differs run to run (the new id, the commit)."""
    text = re.sub(r"\b2[0-9a-z]{8}\b", "ID", text)
    return re.sub(r"commit [0-9a-f]{10}", "commit C", text)


def test_a_warm_open_loads_no_model_and_says_what_no_cache_says(
    example_repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the copies in the cache `open` imports neither pydantic, the matrix or playbook
    models nor YAML's loader path beyond writing; its routed view and first steps are what
    `--no-cache` prints."""
    monkeypatch.setenv("ESCMATRIX_NO_NOTIFY", "1")
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    now = "2026-03-03T10:00:00Z"
    example_repo.ok(*OPEN, now=now)  # keeps the copies
    out, loaded = example_repo.imports(*OPEN, now=now)
    assert "first steps" in out and "Routed" in out, out
    models = {"pydantic", "escmatrix.core.matrix", "escmatrix.core.playbooks"}
    assert not models & loaded
    uncached = example_repo.cli("--no-cache", *OPEN, now=now)
    assert uncached.exit_code == 0, uncached.output
    assert _said(out) == _said(uncached.stdout)


def test_an_edited_playbook_is_shown_at_once(
    example_repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept steps follow the playbook's bytes: an edit shows in the next `open`, and a broken
    playbook gives the line `--no-cache` gives."""
    monkeypatch.setenv("ESCMATRIX_NO_NOTIFY", "1")
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    now = "2026-03-03T10:00:00Z"
    example_repo.ok(*OPEN, now=now)
    book = "playbooks/product-defect.md"
    first = example_repo.path.joinpath(book).read_text(encoding="utf-8")
    step = re.search(r"step: (.+)", first)
    assert step is not None
    example_repo.edit(book, step[1], "Call the customer back within the hour")
    assert "Call the customer back within the hour" in example_repo.ok(*OPEN, now=now).stdout
    example_repo.path.joinpath(book).write_text("no front matter\n", encoding="utf-8")
    cached = example_repo.ok(*OPEN, now=now).stdout
    uncached = example_repo.ok("--no-cache", *OPEN, now=now).stdout
    assert "playbook:" in cached
    assert _said(cached) == _said(uncached)
