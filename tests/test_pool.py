"""Pool routing: round robin, least loaded and best track record, explained with numbers
(issue 5, acceptance 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from escmatrix.core.routing import IssueFacts, ResolvedWork, RoutingLoad, route
from escmatrix.store.matrix_loader import load_matrix
from tests.support import Repo

# 15:00Z: London and New York both at work, so only load and history decide
AT = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
DEFECT = IssueFacts("product-defect", "sev2")


def _pool_rule(repo: Repo, body: str) -> None:
    """Put a pool rule for product defects in front of the catch-all."""
    repo.edit(
        "matrix/routing.yaml",
        "  - id: catch-all\n",
        f"  - id: defects-pool\n    when: {{category: [product-defect]}}\n{body}"
        "  - id: catch-all\n",
    )


def _commit(repo: Repo, message: str = "pool rule") -> None:
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", message)


def _history(repo: Repo) -> None:
    """alex resolves two defects in 1h each, sam two in 3h each; alex still owns two open ones."""
    for owner, hours in (("alex", 1), ("alex", 1), ("sam", 3), ("sam", 3)):
        repo.identify("alex")
        issue = repo.open(now="2026-03-02T15:00:00Z")
        if owner == "sam":
            repo.ok(
                "assign", issue, "--to", "sam", "--reason", "billing", now="2026-03-02T15:00:00Z"
            )
        repo.identify(owner)
        done = datetime(2026, 3, 2, 15, tzinfo=UTC) + timedelta(hours=hours)
        repo.ok("resolve", issue, "--summary", "fixed", now=done.isoformat())
    repo.identify("alex")
    repo.open(now="2026-03-03T15:00:00Z")
    repo.open(now="2026-03-03T15:30:00Z")


def test_best_track_record_picks_the_fastest_and_names_the_numbers(tmp_repo: Repo) -> None:
    """With two resolved each, alex (median 1h) beats sam (median 3h), though alex is busier."""
    _history(tmp_repo)
    _pool_rule(
        tmp_repo,
        "    pool: [alex, sam]\n    strategy: best-track-record\n    window: 30d\n"
        "    min_sample: 2\n",
    )
    _commit(tmp_repo)
    data = tmp_repo.json(
        "route", "--category", "product-defect", "--severity", "sev2", now="2026-03-05T15:00:00Z"
    )
    assert data["rule"] == "defects-pool"
    assert data["owner"] == "alex"
    reason = data["owner_reason"]
    assert "best track record" in reason
    assert "alex median 1h over 2" in reason
    assert "sam median 3h over 2" in reason
    assert "on product-defect over 30d (at least 2 resolved)" in reason


def test_best_track_record_falls_back_to_least_loaded_below_the_sample(tmp_repo: Repo) -> None:
    """Needing three resolved each, nobody qualifies: sam (0 open) beats alex (2 open)."""
    _history(tmp_repo)
    _pool_rule(
        tmp_repo,
        "    pool: [alex, sam]\n    strategy: best-track-record\n    window: 30d\n"
        "    min_sample: 3\n",
    )
    _commit(tmp_repo)
    data = tmp_repo.json(
        "route", "--category", "product-defect", "--severity", "sev2", now="2026-03-05T15:00:00Z"
    )
    assert data["owner"] == "sam"
    reason = data["owner_reason"]
    assert "nobody has enough (alex 2 resolved, sam 2 resolved)" in reason
    assert "falling back to least loaded: alex 2 open, sam 0 open → sam" in reason


def test_opening_an_issue_records_the_pool_choice(tmp_repo: Repo) -> None:
    """`open` routes with the same load as the preview: the new issue goes to the fastest."""
    _history(tmp_repo)
    _pool_rule(
        tmp_repo, "    pool: [alex, sam]\n    strategy: best-track-record\n    min_sample: 2\n"
    )
    _commit(tmp_repo)
    issue = tmp_repo.open(now="2026-03-05T15:00:00Z")
    assert tmp_repo.show(issue, now="2026-03-05T15:00:00Z")["owner"] == "alex"


def test_resolutions_outside_the_window_do_not_count(tmp_repo: Repo) -> None:
    """A 1-day window at 2026-03-05 sees none of the 2026-03-02 resolutions."""
    _history(tmp_repo)
    _pool_rule(
        tmp_repo,
        "    pool: [alex, sam]\n    strategy: best-track-record\n    window: 1d\n"
        "    min_sample: 1\n",
    )
    _commit(tmp_repo)
    data = tmp_repo.json(
        "route", "--category", "product-defect", "--severity", "sev2", now="2026-03-05T15:00:00Z"
    )
    assert data["owner"] == "sam"
    assert "alex 0 resolved, sam 0 resolved" in data["owner_reason"]


def test_least_loaded_and_its_ties(tmp_repo: Repo) -> None:
    """Fewest open issues wins; a tie goes to the first in pool order."""
    _pool_rule(tmp_repo, "    pool: [alex, sam, kim]\n    strategy: least-loaded\n")
    matrix = load_matrix(tmp_repo.path)
    busy = RoutingLoad(open_owned={"alex": 3, "sam": 1, "kim": 2})
    decision = route(matrix, DEFECT, AT, busy)
    assert decision.owner == "sam"
    assert decision.owner_reason.startswith(
        "least loaded in pool (alex, sam, kim): alex 3 open, sam 1 open, kim 2 open → sam"
    )
    assert route(matrix, DEFECT, AT, RoutingLoad()).owner == "alex"


def test_round_robin_takes_turns_and_skips_people_away(tmp_repo: Repo) -> None:
    """The turn is the number of issues the rule routed before, modulo the pool's size."""
    _pool_rule(tmp_repo, "    pool: support\n    strategy: round-robin\n")
    tmp_repo.edit(
        "matrix/people.yaml",
        '    roles: [responder]\n    channels: {slack: "@sam"}\n',
        '    roles: [responder]\n    channels: {slack: "@sam"}\n'
        "    out_of_office:\n      - {from: 2026-03-05, until: 2026-03-06}\n",
    )
    matrix = load_matrix(tmp_repo.path)
    picks = [
        route(
            matrix, DEFECT, AT - timedelta(days=7), RoutingLoad(routed_by_rule={"defects-pool": n})
        )
        for n in range(4)
    ]
    # team support: members alex, sam, then the lead kim
    assert [d.owner for d in picks] == ["alex", "sam", "kim", "alex"]
    assert "turn 4 mod 3 = 1" not in picks[1].owner_reason
    assert (
        "1 issues routed by rule defects-pool so far, turn 1 mod 3 = 1 → sam"
        in picks[1].owner_reason
    )
    away = route(matrix, DEFECT, AT, RoutingLoad(routed_by_rule={"defects-pool": 1}))
    assert away.owner == "kim"
    assert "sam out of office" in away.owner_reason


def test_best_track_record_with_history_given_directly(tmp_repo: Repo) -> None:
    """Only the rule's category counts; ties on the median go to the less loaded person."""
    _pool_rule(
        tmp_repo, "    pool: [alex, sam]\n    strategy: best-track-record\n    min_sample: 1\n"
    )
    matrix = load_matrix(tmp_repo.path)
    day = AT - timedelta(days=1)
    load = RoutingLoad(
        open_owned={"alex": 4, "sam": 1},
        resolved=(
            ResolvedWork("alex", "product-defect", day, timedelta(hours=2)),
            ResolvedWork("sam", "product-defect", day, timedelta(hours=2)),
            ResolvedWork("alex", "service-downtime", day, timedelta(minutes=5)),
        ),
    )
    decision = route(matrix, DEFECT, AT, load)
    assert decision.owner == "sam"
    assert "alex median 2h over 1, sam median 2h over 1 → sam" in decision.owner_reason


def test_rules_without_a_pool_route_as_before(tmp_repo: Repo) -> None:
    """The load changes nothing for owner rules (the existing call sites pass none)."""
    matrix = load_matrix(tmp_repo.path)
    plain = route(matrix, DEFECT, AT)
    loaded = route(matrix, DEFECT, AT, RoutingLoad(open_owned={"alex": 99}))
    assert plain == loaded
    assert plain.owner == "alex"


def test_validate_names_broken_pool_references(tmp_repo: Repo) -> None:
    """Unknown people or teams in a pool, owner and pool together, strategy without a pool."""
    _pool_rule(tmp_repo, "    owner: alex\n    pool: [alex, nobody]\n")
    tmp_repo.edit(
        "matrix/routing.yaml",
        "    owner: primary\n",
        "    owner: primary\n    strategy: round-robin\n",
    )
    result = tmp_repo.cli("validate")
    assert result.exit_code == 1, result.output
    text = result.output
    assert "unknown person 'nobody' in pool" in text
    assert "has both owner and pool" in text
    assert "strategy applies only to a rule with a pool" in text
    assert "matrix/routing.yaml" in text  # findings are placed at file:line:column


def test_validate_names_an_unknown_team_pool(tmp_repo: Repo) -> None:
    _pool_rule(tmp_repo, "    pool: night-shift\n")
    result = tmp_repo.cli("validate")
    assert result.exit_code == 1, result.output
    assert "unknown team 'night-shift' as pool" in result.output
