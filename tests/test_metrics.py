"""Every metric of `escmatrix report` against hand-computed values (issue 5, acceptance 1).

The repository is built by `build_scenario` (tests/test_metrics_scenario.py), whose comments
give each issue's story. Window: 2026-03-02 up to 2026-03-09, reported at 2026-03-10.
Durations are in seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_metrics_scenario import NOW, SINCE, UNTIL, Scenario, build_scenario, isolated_env

H, M = 3600.0, 60.0


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """Built once for the module: about 30 commands through the CLI."""
    base = tmp_path_factory.mktemp("metrics")
    with isolated_env(base / "home"):
        yield build_scenario(base / "repo")


@pytest.fixture(scope="module")
def report(scenario: Scenario) -> dict[str, Any]:
    with isolated_env(scenario.repo.path.parent / "home"):
        data = scenario.repo.json("report", "--since", SINCE, "--until", UNTIL, now=NOW)
    assert isinstance(data, dict)
    return data


def _group(report: dict[str, Any], dimension: str, key: str) -> dict[str, Any]:
    for row in report["groups"]:
        if row["dimension"] == dimension and row["key"] == key:
            summary = row["summary"]
            assert isinstance(summary, dict)
            return summary
    raise AssertionError(f"no group {dimension}={key}")


def _sla(summary: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {a["clock"]: (a["met"], a["breached"], a["pending"]) for a in summary["sla"]}


def test_window_and_evaluation_time(report: dict[str, Any]) -> None:
    """The window is half-open; it is evaluated at its end because that is before now."""
    assert report["window"]["start"] == "2026-03-02T00:00:00Z"
    assert report["window"]["end"] == "2026-03-09T00:00:00Z"
    assert report["evaluated_at"] == "2026-03-09T00:00:00Z"
    assert report["generated_at"] == "2026-03-10T00:00:00Z"
    assert report["previous_window"]["start"] == "2026-02-23T00:00:00Z"


def test_counts_include_the_issue_still_open_at_the_window_end(report: dict[str, Any]) -> None:
    """A, B, C, D opened in the window; C was resolved after it ended, so it counts as open."""
    h = report["headline"]
    assert (h["issues"], h["open"], h["resolved"], h["unacknowledged"]) == (4, 1, 3, 1)


def test_time_to_aid(report: dict[str, Any]) -> None:
    """A 20m, B 45m, D 30m (C never acknowledged): median 30m, nearest-rank p90 45m."""
    tta = report["headline"]["time_to_aid"]
    assert tta["count"] == 3
    assert tta["median"] == 30 * M
    assert tta["p90"] == 45 * M
    assert tta["mean"] == pytest.approx((20 + 45 + 30) * M / 3)


def test_time_to_resolution_excludes_pauses_and_time_spent_resolved(
    report: dict[str, Any],
) -> None:
    """A 3h less a 1h pause = 2h; B 4h + 1h after the reopen = 5h; D 2h; C censored."""
    ttr = report["headline"]["time_to_resolution"]
    assert (ttr["count"], ttr["median"], ttr["p90"], ttr["max"]) == (3, 2 * H, 5 * H, 5 * H)


def test_open_age_of_the_censored_issue(report: dict[str, Any]) -> None:
    """C: 2026-03-02 09:10 to the window end 2026-03-09 00:00 = 6d 14h 50m."""
    age = report["headline"]["open_age"]
    assert (age["count"], age["median"]) == (1, 6 * 86400 + 14 * H + 50 * M)


def test_escalations_handoffs_reopens_overrides(report: dict[str, Any]) -> None:
    """B escalated once; B (assign) and D (override to another owner) changed hands; B reopened."""
    h = report["headline"]
    assert (h["escalations"], h["escalations_per_issue"]) == (1, 0.25)
    assert (h["handoffs"], h["handoffs_per_issue"]) == (2, 0.5)
    assert (h["resolved_ever"], h["reopened"]) == (3, 1)
    assert h["reopen_rate"] == pytest.approx(1 / 3)
    assert (h["overrides"], h["overrides_reconciled"], h["overrides_unreconciled"]) == (1, 0, 1)


def test_sla_attainment_per_clock(report: dict[str, Any]) -> None:
    """First response met by A, B, D, breached by C (15m, never acked); resolution likewise;
    C alone still has next-update and tier clocks at the window's end, both breached."""
    h = report["headline"]
    assert _sla(h) == {
        "first response": (3, 1, 0),
        "next update": (0, 1, 0),
        "resolution": (3, 1, 0),
        "tier team-lead response": (0, 1, 0),
    }
    rates = {a["clock"]: a["attainment"] for a in h["sla"]}
    assert rates["first response"] == 0.75
    assert rates["next update"] == 0.0
    assert h["breached_issues"] == 1
    assert report["breaches"][0]["clock"] == "first response"  # earliest due first
    assert {b["clock"] for b in report["breaches"]} == {
        "first response",
        "next update",
        "resolution",
        "tier team-lead response",
    }


def test_satisfaction(report: dict[str, Any], scenario: Scenario) -> None:
    """Closed: A (customer acme, no score) and D (customer 2, partner 5)."""
    customer = report["headline"]["customer_satisfaction"]
    assert (customer["eligible"], customer["scored"], customer["response_rate"]) == (2, 1, 0.5)
    assert (customer["mean"], customer["median"]) == (2.0, 2.0)
    assert customer["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0}
    partner = report["headline"]["partner_satisfaction"]
    assert (partner["eligible"], partner["scored"], partner["mean"]) == (1, 1, 5.0)


def test_tier_dwell(report: dict[str, Any]) -> None:
    """frontline: A 2h, B 1h, D 1h; team-lead: B 4h, C 571800s; manager: D 1h."""
    dwell = {w["name"]: w for w in report["tier_dwell"]}
    assert list(dwell) == ["frontline", "team-lead", "manager"]  # ladder order
    assert (dwell["frontline"]["total"], dwell["frontline"]["median"]) == (4 * H, 1 * H)
    assert dwell["frontline"]["p90"] == 2 * H
    c_open = 6 * 86400 + 14 * H + 50 * M
    assert dwell["team-lead"]["total"] == 4 * H + c_open
    assert dwell["team-lead"]["median"] == (4 * H + c_open) / 2
    assert dwell["manager"]["total"] == 1 * H


def test_bottlenecks_by_owner_and_dependency(report: dict[str, Any]) -> None:
    """alex: A 2h, B 1h30m, C open, D 1h; sam: B 3h30m, D 1h; B waited 1h on 'vendor patch',
    A was paused 1h for the customer (the one place pauses count)."""
    waits = {(w["kind"], w["name"]): w for w in report["bottlenecks"]}
    c_open = 6 * 86400 + 14 * H + 50 * M
    alex = waits[("owner", "alex")]
    assert (alex["issues"], alex["total"]) == (4, 2 * H + 1.5 * H + c_open + 1 * H)
    assert (alex["median"], alex["p90"]) == ((1.5 * H + 2 * H) / 2, c_open)
    sam = waits[("owner", "sam")]
    assert (sam["issues"], sam["total"], sam["median"], sam["p90"]) == (
        2,
        4.5 * H,
        2.25 * H,
        3.5 * H,
    )
    assert waits[("dependency", "vendor patch")]["total"] == 1 * H
    assert waits[("dependency", "customer (paused)")]["total"] == 1 * H
    owners = [w["name"] for w in report["bottlenecks"] if w["kind"] == "owner"]
    assert owners == ["alex", "sam"]  # longest total first


def test_paths_slowest_first(report: dict[str, Any]) -> None:
    """B's path took 5h; A's and D's 2h (ties by name); C's path has no resolution yet."""
    rows = [
        (p["path"], p["issues"], p["time_to_resolution"]["median"]) for p in report["slowest_paths"]
    ]
    assert rows == [
        ("frontline → team-lead", 1, 5 * H),
        ("frontline", 1, 2 * H),
        ("frontline → manager", 1, 2 * H),
        ("team-lead", 1, None),
    ]


def test_groups_by_every_dimension(report: dict[str, Any]) -> None:
    """Owner is the owner at evaluation; issues without a customer are in no customer row."""
    keys = {(g["dimension"], g["key"]) for g in report["groups"]}
    assert {
        ("category", "product-defect"),
        ("category", "service-downtime"),
        ("severity", "sev1"),
        ("severity", "sev2"),
        ("team", "support"),
        ("owner", "alex"),
        ("owner", "sam"),
        ("customer", "acme"),
        ("partner", "kestrel"),
        ("path", "frontline → manager"),
    } <= keys
    assert _group(report, "owner", "sam")["issues"] == 2  # B and D ended with sam
    assert _group(report, "customer", "acme")["issues"] == 2
    defects = _group(report, "category", "product-defect")
    assert (defects["issues"], defects["time_to_resolution"]["median"]) == (3, 2 * H)
    downtime = _group(report, "category", "service-downtime")
    assert (downtime["open"], downtime["breached_issues"]) == (1, 1)


def test_previous_window_and_trends(report: dict[str, Any]) -> None:
    """E alone opened in the previous window: aid 10m, resolution 1h, customer score 5."""
    prev = report["previous"]
    assert (prev["issues"], prev["time_to_aid"]["median"]) == (1, 10 * M)
    trends = {t["metric"]: t for t in report["trends"]}
    aid = trends["time to aid (median)"]
    assert (aid["current"], aid["previous"], aid["change"], aid["better"]) == (
        30 * M,
        10 * M,
        20 * M,
        False,
    )
    assert trends["issues"]["change"] == 3.0
    assert trends["customer satisfaction"]["better"] is False


def test_overrides_to_reconcile(report: dict[str, Any], scenario: Scenario) -> None:
    """D's override (2026-03-03 10:00) was due for reconciling within 5 days: overdue now."""
    [row] = report["overrides_to_reconcile"]
    assert row["issue"] == scenario.ids["D"]
    assert (row["actor"], row["owner"], row["tier"]) == ("pat", "sam", "manager")
    assert row["reconcile_by"] == "2026-03-08T10:00:00Z"
    assert row["overdue"] is True


def test_friction_grouped_by_category_and_tier(report: dict[str, Any]) -> None:
    """Two notes fall in the window; the one written after it does not."""
    groups = [
        (g["category"], g["tier"], [n["text"] for n in g["notes"]]) for g in report["friction"]
    ]
    assert sorted(groups) == [
        ("product-defect", "frontline", ["Sam's phone number is wrong"]),
        ("service-downtime", "(none)", ["Downtime pages nobody at night"]),
    ]


def test_current_status_is_at_now_not_at_the_window_end(
    report: dict[str, Any], scenario: Scenario
) -> None:
    """At now only F is active (C was resolved on 03-09): 19h old, resolution clock at risk."""
    current = report["current"]
    assert (current["at"], current["active"]) == ("2026-03-10T00:00:00Z", 1)
    frontline = next(r for r in current["by_tier_age"] if r["tier"] == "frontline")
    assert frontline["buckets"]["4-24h"] == 1 and frontline["total"] == 1
    assert [(r["issue"], r["clock"]) for r in current["at_risk"]] == [
        (scenario.ids["F"], "resolution")
    ]
    assert {r["clock"] for r in current["breached"]} == {
        "first response",
        "next update",
        "tier frontline response",
    }
    assert current["open_issues"][0]["age"] == 19 * H


def test_quarter_window_covers_the_whole_quarter(scenario: Scenario) -> None:
    """--quarter 2026Q1 is Jan 1 up to Apr 1; evaluated at now (before the quarter ends),
    so C counts as resolved (after 6d 20h 50m of working time) and E is in it too."""
    with isolated_env(scenario.repo.path.parent / "home"):
        data = scenario.repo.json("report", "--quarter", "2026Q1", now=NOW)
    assert data["window"]["label"] == "2026Q1"
    assert data["evaluated_at"] == "2026-03-10T00:00:00Z"
    h = data["headline"]
    assert (h["issues"], h["open"]) == (6, 1)  # A-F; F still open
    assert h["time_to_resolution"]["max"] == 6 * 86400 + 20 * H + 50 * M  # C


def test_metrics_are_pure_functions_of_events(scenario: Scenario, tmp_path: Path) -> None:
    """The same events, window and now give the same report twice (no wall clock anywhere)."""
    with isolated_env(scenario.repo.path.parent / "home"):
        first = scenario.repo.ok(
            "report", "--since", SINCE, "--until", UNTIL, "-f", "json", now=NOW
        )
        second = scenario.repo.ok(
            "report", "--since", SINCE, "--until", UNTIL, "-f", "json", now=NOW
        )
    assert json.loads(first.stdout) == json.loads(second.stdout)
