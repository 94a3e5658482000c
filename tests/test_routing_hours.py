"""Routing rules that branch on working hours (issue 13, point 3): `when: {working_hours: CAL}`
and `when: {outside_working_hours: CAL}`, as incident.io's escalation paths do."""

from __future__ import annotations

from tests.support import Repo

AFTER_HOURS = """\
  - id: defects-after-hours
    description: Outside London office hours, defects go straight to the team lead
    when: {category: [product-defect], outside_working_hours: office}
    owner: kim
  - id: defects-in-hours
    when: {category: [product-defect], working_hours: office}
    owner: sam
"""


def add_rules(repo: Repo, text: str = AFTER_HOURS) -> None:
    repo.edit("matrix/routing.yaml", "  - id: catch-all\n", text + "  - id: catch-all\n")
    repo.git("commit", "-qam", "after-hours routing")


def routed(repo: Repo, at: str) -> dict[str, object]:
    data = repo.json("route", "-c", "product-defect", "-s", "sev2", "--at", at, now=None)
    assert isinstance(data, dict)
    return data


def test_outside_office_hours_the_after_hours_rule_matches_and_says_why(tmp_repo: Repo) -> None:
    add_rules(tmp_repo)
    night = routed(tmp_repo, "2026-03-03T22:30:00Z")  # Tuesday 22:30 in London
    assert night["rule"] == "defects-after-hours" and night["owner"] == "kim"
    reason = next(c["reason"] for c in night["checks"] if c["rule"] == "defects-after-hours")
    assert "Tue 22:30 Europe/London is outside office working hours" in reason


def test_inside_office_hours_the_in_hours_rule_matches(tmp_repo: Repo) -> None:
    add_rules(tmp_repo)
    day = routed(tmp_repo, "2026-03-03T10:00:00Z")  # Tuesday 10:00 in London
    assert day["rule"] == "defects-in-hours" and day["owner"] == "sam"
    skipped = next(c["reason"] for c in day["checks"] if c["rule"] == "defects-after-hours")
    assert "inside office working hours, rule wants outside" in skipped


def test_a_bank_holiday_counts_as_outside_working_hours(tmp_repo: Repo) -> None:
    """Good Friday (3 April 2026) at 11:00 in London: the office calendar is closed."""
    add_rules(tmp_repo)
    assert routed(tmp_repo, "2026-04-03T10:00:00Z")["rule"] == "defects-after-hours"


def test_an_unknown_calendar_in_a_rule_is_refused_by_validate(tmp_repo: Repo) -> None:
    tmp_repo.edit(
        "matrix/routing.yaml",
        "  - id: catch-all\n",
        "  - id: nights\n    when: {outside_working_hours: offfice}\n    owner: kim\n"
        "  - id: catch-all\n",
    )
    line = tmp_repo.line_of("matrix/routing.yaml", "offfice")
    result = tmp_repo.cli("validate")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "unknown calendar 'offfice'" in result.output and f"{line}:" in result.output


def test_hour_bound_rules_do_not_shadow_the_rules_after_them(tmp_repo: Repo) -> None:
    """A rule for nights takes only nights: the in-hours rule after it still matches, so
    validate reports no shadowed rule."""
    add_rules(tmp_repo)
    result = tmp_repo.cli("validate")
    assert result.exit_code == 0, result.output
