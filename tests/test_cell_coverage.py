"""Coverage measured on the matrix that runs (issue 13, point 7): for every hour of a typical week
and every category x severity whose clocks run 24x7, whoever routing engages (or the owner) must be
at work or on call; gaps are named with their hours, or accepted in governance.yaml with a reason."""

from __future__ import annotations

import json

from tests.support import Repo

ACCEPTED = "accepted_gaps:"
ROTA = """\
schedules:
  - id: night-rota
    name: Everyone takes a week on call
    layers:
      - id: weekly
        rotation: [alex, sam]
        timezone: Europe/London
        handoff: "09:00"
        length: weekly
        starts: 2026-01-05
"""
PAGE_ON_CALL = """\
  - id: critical-to-on-call
    description: Critical and major issues page whoever is on call
    when: {severity: [sev1, sev2]}
    schedule: night-rota
"""


def without_accepted_gaps(repo: Repo) -> None:
    path = repo.path / "matrix" / "governance.yaml"
    text = path.read_text()
    path.write_text(text[: text.index(ACCEPTED)])


def findings(repo: Repo) -> list[dict[str, object]]:
    result = repo.cli("validate", "--format", "json")
    assert "Traceback" not in result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return [f for f in data if f["rule"] == "coverage-gap"]


def test_the_starter_documents_its_gaps_and_validates(tmp_repo: Repo) -> None:
    assert tmp_repo.cli("validate").exit_code == 0
    assert "accepted_gaps:" in (tmp_repo.path / "matrix" / "governance.yaml").read_text()


def test_uncovered_nights_are_named_by_cell_and_hours(tmp_repo: Repo) -> None:
    """Alex (London) owns product-defect; sev1 starts at team-lead with kim (New York): at
    London night both are off and nobody is on call."""
    without_accepted_gaps(tmp_repo)
    result = tmp_repo.cli("validate")
    assert result.exit_code == 1 and "Traceback" not in result.output
    text = " ".join(result.output.split())
    assert "product-defect sev1 at tier team-lead runs 24x7" in text
    assert "nobody it would engage (alex, sam" in text and "is at work or on call" in text
    assert "UTC" in text
    assert "accepted_gaps" in text  # the hint names the ways out
    found = findings(tmp_repo)
    cells = {str(f["message"]).split(" runs ")[0] for f in found}
    assert {
        "product-defect sev1 at tier team-lead",
        "product-defect sev2 at tier frontline",
        "service-downtime sev1 at tier team-lead",
        "service-downtime sev2 at tier frontline",
    } <= cells
    line = tmp_repo.line_of("matrix/categories.yaml", "id: product-defect")
    assert any(f["file"] == "matrix/categories.yaml" and f["line"] == line for f in found)
    # sev3 counts office hours only: not a 24x7 cell
    assert not any("sev3" in c for c in cells)


def test_an_on_call_schedule_closes_the_gaps(tmp_repo: Repo) -> None:
    without_accepted_gaps(tmp_repo)
    (tmp_repo.path / "matrix" / "schedules.yaml").write_text(ROTA)
    tmp_repo.edit("matrix/routing.yaml", "rules:\n", "rules:\n" + PAGE_ON_CALL)
    result = tmp_repo.cli("validate")
    assert result.exit_code == 0, result.output


def test_a_rota_with_holes_still_shows_the_holes(tmp_repo: Repo) -> None:
    """A rota on call only 08:00-20:00 London leaves the night open, and the lint says when."""
    without_accepted_gaps(tmp_repo)
    rota = ROTA.replace(
        "        length: weekly\n", '        length: weekly\n        hours: "08:00-20:00"\n'
    )
    (tmp_repo.path / "matrix" / "schedules.yaml").write_text(rota)
    tmp_repo.edit("matrix/routing.yaml", "rules:\n", "rules:\n" + PAGE_ON_CALL)
    found = findings(tmp_repo)
    assert found, "a night without anyone must be reported"
    assert all("sev1" in str(f["message"]) or "sev2" in str(f["message"]) for f in found)
    assert any("Mon 00:00" in str(f["message"]) for f in found)


def test_an_accepted_gap_must_name_a_real_category(tmp_repo: Repo) -> None:
    tmp_repo.edit(
        "matrix/governance.yaml", "  - category: product-defect\n", "  - category: product-defekt\n"
    )
    result = tmp_repo.cli("validate")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "accepted gap: unknown category 'product-defekt'" in result.output


def test_the_example_matrix_has_no_coverage_gap(example_repo: Repo) -> None:
    """The example pages on-call schedules outside office hours and counts minor issues on the
    office calendar: every 24x7 cell has someone at every hour of the week."""
    assert findings(example_repo) == []
