"""A dry `sweep` plans against a plain copy of the matrix kept in the local cache
(`core.ladder_facts.LadderFacts`) instead of the matrix models: for any issue at any moment it
plans what the matrix plans (the same lines, the same events), on-call tiers, people away or gone
and teams' holders included, and a warm dry run loads neither pydantic nor the event models."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import date, datetime, timedelta
from functools import cache

import msgspec
from hypothesis import event, given
from hypothesis import strategies as st

from escmatrix.core import events as ev
from escmatrix.core.clock_facts import ClockFacts
from escmatrix.core.escalation import plan_issue
from escmatrix.core.issue import fold
from escmatrix.core.ladder_facts import LadderFacts, holder
from escmatrix.core.matrix import Matrix
from escmatrix.core.matrix.people import Absence
from escmatrix.core.matrix.schedules import ScheduleOverride
from escmatrix.core.stamps import MatrixRef
from tests.support import Repo
from tests.test_clock_plans import CUSTOMERS, SEVERITIES, example
from tests.test_list_deadlines import run
from tests.test_properties_fold import EXAMPLES, OPENED, SETTINGS, T0, later_event
from tests.test_state_codec import OFFSETS, shifted

ISSUE = "26c0000ee"
REF = MatrixRef("c0ffee", "beef")


@cache
def on_call_ladder() -> Matrix:
    """The example matrix with the team-lead and manager tiers held by on-call schedules (one with
    an override), a frontline person who has left and one out of office for weeks."""
    matrix = example()
    held = {"team-lead": "support-frontline", "manager": "sre"}
    tiers = [t.model_copy(update={"schedule": held.get(t.id)}) for t in matrix.tiers]
    schedules = dict(matrix.schedules)
    cover = ScheduleOverride.model_validate(
        {"person": "stefan", "from": T0 + timedelta(days=2), "until": T0 + timedelta(days=4)}
    )
    schedules["sre"] = schedules["sre"].model_copy(update={"overrides": [cover]})
    people = dict(matrix.people)
    people["jack"] = people["jack"].model_copy(update={"left": date(2026, 3, 4)})
    leave = Absence.model_validate({"from": date(2026, 3, 1), "until": date(2026, 3, 20)})
    people["marcus"] = people["marcus"].model_copy(update={"out_of_office": [leave]})
    return dataclasses.replace(matrix, tiers=tiers, schedules=schedules, people=people)


def plain(matrix: Matrix) -> LadderFacts:
    """The copy as the cache gives it back."""
    facts = LadderFacts.of(matrix, ClockFacts.of(matrix, [t.id for t in matrix.tiers]))
    copy: LadderFacts = pickle.loads(pickle.dumps(facts))
    return copy


MATRICES = st.sampled_from(["example", "on-call"])
PEOPLE = st.sampled_from(["lena", "jack", "marcus", "chloe", "arjun", "hannah", "nobody"])
CATEGORIES = st.sampled_from(sorted(example().categories))
TIERS = st.sampled_from(["frontline", "team-lead", "manager", "executive", "gone-tier"])
MOMENTS = st.lists(
    st.integers(0, 30 * 24 * 3600).map(lambda s: T0 + timedelta(seconds=s)), min_size=1, max_size=5
)


@SETTINGS
@given(
    which=MATRICES,
    opened=OPENED,
    severity=SEVERITIES,
    customer=CUSTOMERS,
    owner=PEOPLE,
    category=CATEGORIES,
    tier=TIERS,
    later=st.lists(st.tuples(later_event(), OFFSETS), max_size=8),
    closes=st.booleans(),
    moments=MOMENTS,
)
def test_a_dry_sweep_plans_on_the_copy_what_it_plans_on_the_matrix(
    which: str,
    opened: ev.Opened,
    severity: str,
    customer: str | None,
    owner: str,
    category: str,
    tier: str,
    later: list[tuple[ev.EventBase, int]],
    closes: bool,
    moments: list[datetime],
) -> None:
    matrix = example() if which == "example" else on_call_ladder()
    facts = plain(matrix)
    first = msgspec.structs.replace(
        opened,
        **{
            "severity": severity,
            "customer": customer,
            "owner": owner,
            "category": category,
            "tier": tier,
        },
    )
    # most streams stay open: a closed issue plans nothing
    kept = [(e, m) for e, m in later if not isinstance(e, ev.Resolved | ev.Closed) or closes]
    state = fold(ISSUE, [first, *(shifted(e, minutes) for e, minutes in kept)])
    for now in moments:
        expected = plan_issue(matrix, state, now, REF)
        got = plan_issue(facts, state, now, REF)
        assert got.lines == expected.lines, now
        assert got.planned == expected.planned, now
        assert [msgspec.structs.asdict(e) for e in got.events] == [
            msgspec.structs.asdict(e) for e in expected.events
        ]
        event(f"plans {'+'.join(sorted({p.kind for p in got.planned})) or 'nothing'}")


def test_the_copy_names_the_holders_the_matrix_names() -> None:
    """Every tier, for every owner, at every hour of a fortnight: the same holder."""
    matrix = on_call_ladder()
    facts = plain(matrix)
    for hours in range(0, 14 * 24, 1):
        at = T0 + timedelta(hours=hours)
        for owner in matrix.people:
            assert facts.people[owner].is_away(at) == matrix.people[owner].is_away(at)
            for rung, tier in zip(facts.tiers, matrix.tiers, strict=True):
                assert holder(facts, rung, owner, at) == matrix.holder(tier, owner, at)


def test_a_warm_dry_sweep_loads_no_models(example_repo: Repo) -> None:
    """A dry run plans from the cached copy: it imports neither pydantic, YAML nor the matrix or
    event models, and prints what `--no-cache` (which plans against the matrix) prints."""
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    issue = example_repo.open("swept without models", severity="sev1")
    late = "2026-03-03T09:00:00Z"
    for fmt in ("table", "json"):
        cached = example_repo.ok("sweep", "--format", fmt, now=late).stdout
        uncached = example_repo.ok("--no-cache", "sweep", "--format", fmt, now=late).stdout
        assert cached == uncached
    example_repo.imports("sweep", now=late)  # warm at this moment
    stdout, loaded = example_repo.imports("sweep", now=late)
    assert issue in stdout and "escalate" in stdout
    assert not {"pydantic", "yaml", "escmatrix.core.matrix", "escmatrix.core.events"} & loaded
    applied = example_repo.ok("sweep", "--apply", now=late).stdout
    assert "recorded" in applied
    assert example_repo.show(issue, now=late)["tier"] != "frontline"


def test_an_owner_who_has_left_is_replaced_on_the_copy_as_on_the_matrix() -> None:
    matrix = on_call_ladder()
    opened = msgspec.structs.replace(
        EXAMPLES["opened"],
        **{"at": T0, "owner": "jack", "category": "product-defect", "tier": "frontline"},
    )
    state = fold(ISSUE, [opened])
    now = datetime(2026, 3, 10, 9, 0, tzinfo=T0.tzinfo)
    expected = plan_issue(matrix, state, now, REF)
    got = plan_issue(plain(matrix), state, now, REF)
    assert [p.kind for p in got.planned][:1] == ["assigned"]
    assert (got.lines, got.planned) == (expected.lines, expected.planned)


def test_piped_output_is_plain_and_a_forced_terminal_gets_colour(tmp_repo: Repo) -> None:
    """Laid-out output (the sweep's) decides "no terminal" without Rich from the settings Rich
    reads: piped it is plain text, with FORCE_COLOR or TTY_COMPATIBLE=1 Rich styles it, and
    TTY_COMPATIBLE=0 or an empty FORCE_COLOR keep it plain."""
    issue = tmp_repo.open("Checkout is down", "product-defect", "sev1")
    late = "2026-03-03T09:00:00Z"
    plain_text = run(tmp_repo.path, "sweep", now=late)
    assert plain_text.startswith(issue) and "\x1b[" not in plain_text
    for env in ({"FORCE_COLOR": "1"}, {"TTY_COMPATIBLE": "1"}):
        styled = run(tmp_repo.path, "sweep", now=late, env=env)
        assert styled.startswith(f"\x1b[1m{issue}"), env
    for env in ({"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, {"FORCE_COLOR": ""}):
        assert run(tmp_repo.path, "sweep", now=late, env=env) == plain_text, env
