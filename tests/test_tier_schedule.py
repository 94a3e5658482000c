"""A ladder tier held by an on-call schedule (issue 13, point 1: tiers may name a schedule where
they name a holder): whoever the schedule names at that moment holds the tier; `held_by` decides
when it names nobody."""

from __future__ import annotations

from tests.support import T0, Repo

DUTY = """\
schedules:
  - id: duty-managers
    name: Duty manager
    layers:
      - id: office
        rotation: [jo, kim]
        timezone: Europe/London
        handoff: "09:00"
        length: weekly
        starts: 2026-03-02
        hours: "08:00-20:00"
"""


def with_schedule(repo: Repo, schedules: str, file: str, after: str, line: str) -> None:
    """Write schedules.yaml, add `line` after the line `after` of matrix/`file`, commit."""
    (repo.path / "matrix" / "schedules.yaml").write_text(schedules)
    repo.edit(f"matrix/{file}", f"{after}\n", f"{after}\n{line}\n")
    repo.git("add", "-A")
    repo.git("commit", "-qm", f"{file}: {line.strip()}")


def duty_manager_tier(repo: Repo) -> None:
    with_schedule(repo, DUTY, "ladder.yaml", "    held_by: manager", "    schedule: duty-managers")


def test_escalating_to_a_schedule_held_tier_engages_whoever_is_on_call(tmp_repo: Repo) -> None:
    """Week of 2 March: jo is the duty manager (08:00-20:00 London); pat manages the team."""
    duty_manager_tier(tmp_repo)
    issue = tmp_repo.open("Checkout returns 500", "product-defect", "sev1")
    tmp_repo.ok("escalate", issue, "--reason", "Needs a manager", now="2026-03-02T10:00:00Z")
    assert tmp_repo.show(issue, now="2026-03-02T10:00:00Z")["engaged"] == "jo"


def test_outside_the_schedule_the_tier_falls_back_to_held_by(tmp_repo: Repo) -> None:
    duty_manager_tier(tmp_repo)
    issue = tmp_repo.open("Checkout returns 500", "product-defect", "sev1")
    tmp_repo.ok("escalate", issue, "--reason", "Needs a manager", now="2026-03-02T22:00:00Z")
    assert tmp_repo.show(issue, now="2026-03-02T22:00:00Z")["engaged"] == "pat"


def test_the_next_week_the_rotation_moves_on_and_the_grid_says_so(tmp_repo: Repo) -> None:
    duty_manager_tier(tmp_repo)
    data = tmp_repo.json("matrix", "--at", "2026-03-10T10:00:00Z", now=None)
    cell = next(
        c for c in data["cells"] if (c["category"], c["severity"]) == ("product-defect", "sev1")
    )
    assert {"tier": "manager", "holder": "kim", "away": False} in cell["above"]
    oncall = tmp_repo.json("oncall", "--at", "2026-03-10T10:00:00Z", now=None)
    text = str(oncall)
    assert "on call on schedule 'duty-managers' for tier manager" in text


def test_a_tier_naming_an_unknown_schedule_is_refused(tmp_repo: Repo) -> None:
    tmp_repo.edit(
        "matrix/ladder.yaml", "    held_by: manager\n", "    held_by: manager\n    schedule: duty\n"
    )
    line = tmp_repo.line_of("matrix/ladder.yaml", "schedule: duty")
    result = tmp_repo.cli("validate", now=T0)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "unknown schedule 'duty'" in result.output and f"{line}:" in result.output


ROTA = """\
schedules:
  - id: defect-rota
    name: Defect triage on call
    layers:
      - id: nights
        rotation: [kim]
        timezone: Europe/London
        handoff: "09:00"
        length: weekly
        starts: 2026-03-02
        hours: "18:00-08:00"
"""


def defect_rota(repo: Repo) -> None:
    with_schedule(repo, ROTA, "categories.yaml", "    primary: alex", "    schedule: defect-rota")


def test_a_category_schedule_owns_while_it_names_someone(tmp_repo: Repo) -> None:
    """product-defect names a rota on call 18:00-08:00 London: at 22:00 kim owns it and the
    reason says on call; at 11:00 nobody is on it, so the primary alex does."""
    defect_rota(tmp_repo)
    night = tmp_repo.json(
        "route", "-c", "product-defect", "-s", "sev2", "--at", "2026-03-03T22:00:00Z"
    )
    assert night["owner"] == "kim" and night["owner_reason"].startswith(
        "on call for product-defect"
    )
    day = tmp_repo.json(
        "route", "-c", "product-defect", "-s", "sev2", "--at", "2026-03-03T11:00:00Z"
    )
    assert day["owner"] == "alex"


def test_a_category_naming_an_unknown_schedule_is_refused(tmp_repo: Repo) -> None:
    tmp_repo.edit(
        "matrix/categories.yaml", "    primary: alex\n", "    primary: alex\n    schedule: rota\n"
    )
    result = tmp_repo.cli("validate", now=T0)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "unknown schedule 'rota'" in result.output


FOLLOW = """\
schedules:
  - id: follow
    name: Follow the sun
    layers:
      - {id: london, rotation: [alex], timezone: Europe/London, handoff: "09:00", length: weekly,
         starts: 2026-03-02, hours: "07:00-19:00"}
      - {id: new-york, rotation: [sam], timezone: America/New_York, handoff: "09:00",
         length: weekly, starts: 2026-03-02, hours: "07:00-19:00"}
"""
POOL_RULE = """\
  - id: defects-to-whoever-is-on
    when: {category: [product-defect]}
    pool: follow
    strategy: least-loaded
"""


def test_a_pool_can_be_whoever_a_schedule_names_now(tmp_repo: Repo) -> None:
    """15:00Z both layers name someone (sam on the top layer, alex): the least loaded of them;
    22:00Z only New York's layer does: sam, whatever the load."""
    (tmp_repo.path / "matrix" / "schedules.yaml").write_text(FOLLOW)
    tmp_repo.edit("matrix/routing.yaml", "  - id: catch-all\n", POOL_RULE + "  - id: catch-all\n")
    tmp_repo.git("add", "-A")
    tmp_repo.git("commit", "-qm", "defects to whoever is on call")
    at = "2026-03-03T15:00:00Z"
    first = tmp_repo.open("Slow search", "product-defect", "sev3", now=at)
    assert tmp_repo.show(first, now=at)["owner"] == "sam"  # a tie: the top layer first
    data = tmp_repo.json("route", "-c", "product-defect", "-s", "sev3", "--at", at, now=at)
    assert data["owner"] == "alex"
    assert "least loaded in pool on call on schedule follow" in data["owner_reason"]
    night = tmp_repo.json(
        "route", "-c", "product-defect", "-s", "sev3", "--at", "2026-03-03T22:00:00Z"
    )
    assert night["owner"] == "sam"


def test_oncall_cells_follow_a_category_schedule(tmp_repo: Repo) -> None:
    defect_rota(tmp_repo)
    data = tmp_repo.json("oncall", "--at", "2026-03-03T22:00:00Z", now=None)
    cells = [c for c in data["cells"] if c["category"] == "product-defect"]
    first = next(c for c in cells if c["tier"] == "frontline")
    assert first["person"] == "kim" and "on call for product-defect" in first["why"]
