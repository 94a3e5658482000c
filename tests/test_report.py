"""`escmatrix report` formats, its JSON Schema, CSV round trip, the Markdown review, `friction`
(issue 5, acceptance 3)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from escmatrix.app.review import render_schema, shipped_schema
from tests.support import Repo
from tests.test_metrics_scenario import NOW, SINCE, UNTIL, Scenario, build_scenario, isolated_env

WINDOW = ("--since", SINCE, "--until", UNTIL)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    base = tmp_path_factory.mktemp("report")
    with isolated_env(base / "home"):
        yield build_scenario(base / "repo")


@pytest.fixture
def repo(scenario: Scenario) -> Iterator[Repo]:
    with isolated_env(scenario.repo.path.parent / "home"):
        yield scenario.repo


def test_shipped_schema_matches_the_model() -> None:
    """src/escmatrix/schemas/report.schema.json is generated from core.metrics.Report; if this
    fails, regenerate it: python -c "from escmatrix.app.review import render_schema as r;
    open('src/escmatrix/schemas/report.schema.json', 'w').write(r())"."""
    assert shipped_schema() == render_schema()


def test_json_output_validates_against_the_shipped_schema(repo: Repo) -> None:
    """Every field of the real output is documented by the schema (Draft 2020-12)."""
    schema = json.loads(shipped_schema())
    jsonschema.Draft202012Validator.check_schema(schema)
    data = repo.json("report", *WINDOW, now=NOW)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["version"] == 1


def test_report_schema_flag_prints_the_schema(repo: Repo) -> None:
    result = repo.ok("report", "--schema")
    assert json.loads(result.stdout)["title"].startswith("escmatrix report")


def test_csv_round_trips_through_the_csv_module(repo: Repo) -> None:
    """One row for all issues, then one per group; values equal the JSON's."""
    text = repo.ok("report", *WINDOW, "--format", "csv", now=NOW).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    data = repo.json("report", *WINDOW, now=NOW)
    assert len(rows) == 1 + len(data["groups"])
    assert rows[0]["dimension"] == "all" and rows[0]["issues"] == "4"
    by_key = {(r["dimension"], r["key"]): r for r in rows}
    for group in data["groups"]:
        row = by_key[(group["dimension"], group["key"])]
        s = group["summary"]
        assert int(row["issues"]) == s["issues"]
        median = s["time_to_resolution"]["median"]
        assert (
            float(row["time_to_resolution_median_s"])
            if row["time_to_resolution_median_s"]
            else None
        ) == median
    # the path key holds a non-ASCII arrow and survives quoting untouched
    assert ("path", "frontline → team-lead") in by_key
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    assert out.getvalue() == text


def test_markdown_review_has_every_section_and_escapes_user_text(repo: Repo) -> None:
    text = repo.ok("report", *WINDOW, "--format", "markdown", now=NOW).stdout
    for heading in (
        "# Escalation matrix review",
        "## Headline",
        "### SLA attainment",
        "### Satisfaction",
        "## Slowest escalation paths",
        "## Where issues wait",
        "## Breaches",
        "## Overrides to reconcile",
        "## Friction from the front line",
        "## Owners and backups to confirm",
        "## Suggested matrix changes",
    ):
        assert heading in text, heading
    assert "| time to aid (median) | 30m | 10m | +20m |" in text
    assert "partner escalation desk" in text and "(**overdue**)" in text
    assert "Sam's phone number is wrong" in text
    # B's title has HTML and a pipe: inert in Markdown, and the table stays intact
    assert "<b>" not in text
    assert "&lt;b&gt;" not in text or "Invoices &lt;b&gt;missing&lt;/b&gt; \\| totals" in text


def test_table_format_is_the_default(repo: Repo) -> None:
    out = repo.ok("report", *WINDOW, now=NOW).stdout
    assert "Headline (vs previous window)" in out
    assert "Slowest escalation paths" in out


def test_html_needs_out_and_writes_one_page(repo: Repo, tmp_path: Path) -> None:
    missing = repo.cli("report", "--format", "html", now=NOW)
    assert missing.exit_code == 2
    assert "--out" in missing.output
    site = tmp_path / "site"
    repo.ok("report", *WINDOW, "--format", "html", "--out", str(site), now=NOW)
    page = (site / "index.html").read_text(encoding="utf-8")
    assert (site / "index.html").stat().st_mode & 0o044  # readable by a web server
    assert page.count("<svg") == 4
    assert "<script" not in page  # pygal's own script is removed: nothing runs
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//|url\(\s*[\"']?(https?:)?//", page)
    assert "Search &lt;script&gt;alert(1)&lt;/script&gt; broken" in page


def test_html_is_the_same_bytes_for_the_same_input(repo: Repo, tmp_path: Path) -> None:
    """No random chart ids and no wall-clock date: a published page only changes with data."""
    for name in ("one", "two"):
        repo.ok("report", *WINDOW, "-f", "html", "--out", str(tmp_path / name), now=NOW)
    assert (tmp_path / "one" / "index.html").read_bytes() == (
        tmp_path / "two" / "index.html"
    ).read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--quarter", "2026Q5"), "not a quarter"),
        (("--quarter", "2026Q1", "--since", "2026-01-01"), "either --quarter"),
        (("--since", "2026-03-09", "--until", "2026-03-02"), "the window is empty"),
        (("--since", "2027-01-01", "--until", "2027-02-01"), "starts after now"),
        (("--since", "yesterday"), "not an ISO 8601 time"),
        (("--out", "x"), "--out applies to --format html only"),
    ],
)
def test_bad_windows_are_usage_errors(repo: Repo, args: tuple[str, ...], message: str) -> None:
    result = repo.cli("report", *args, now=NOW)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_default_window_is_the_review_period_up_to_now(repo: Repo) -> None:
    """governance.yaml's review period (13w in the starter) ending at --now."""
    data = repo.json("report", now=NOW)
    assert data["window"]["end"] == "2026-03-10T00:00:00Z"
    assert data["window"]["start"] == "2025-12-09T00:00:00Z"


def test_friction_is_one_committed_file(tmp_repo: Repo) -> None:
    issue = tmp_repo.open()
    before = tmp_repo.commit_count()
    data = tmp_repo.json(
        "friction",
        "Backup <sam> never answers | pages",
        "--issue",
        issue[:5],
        now="2026-03-02T10:00:00Z",
    )
    assert tmp_repo.commit_count() == before + 1
    assert (data["category"], data["tier"], data["issue"]) == ("product-defect", "frontline", issue)
    assert data["text"] == "Backup <sam> never answers | pages"
    assert tmp_repo.changed_in() == [data["file"]]
    assert data["file"] == f"friction/{data['id']}.yaml"
    trailers = tmp_repo.trailers()
    assert trailers["Escmatrix-Action"] == "friction"
    assert trailers["Escmatrix-Actor"] == "alex"
    assert trailers["Escmatrix-Issue"] == issue
    assert tmp_repo.git("log", "-1", "--format=%aI").strip() == "2026-03-02T10:00:00+00:00"
    assert tmp_repo.status() == ""


def test_friction_refuses_unknown_category_and_empty_text(tmp_repo: Repo) -> None:
    before = tmp_repo.commit_count()
    unknown = tmp_repo.cli("friction", "x", "--category", "nope")
    assert unknown.exit_code == 1 and "unknown category 'nope'" in unknown.output
    empty = tmp_repo.cli("friction", "   ")
    assert empty.exit_code == 2 and "must not be empty" in empty.output
    tier = tmp_repo.cli("friction", "x", "--tier", "nope")
    assert tier.exit_code == 1 and "unknown tier" in tier.output
    assert tmp_repo.commit_count() == before
    assert not (tmp_repo.path / "friction").exists() or not any(
        (tmp_repo.path / "friction").iterdir()
    )


def test_friction_without_git_identity_writes_nothing(tmp_repo: Repo) -> None:
    tmp_repo.git("config", "--unset", "user.email")
    result = tmp_repo.cli("friction", "note")
    assert result.exit_code == 1
    assert "no git identity" in result.output
    assert not (tmp_repo.path / "friction").exists()


def test_stale_owner_entries_come_from_git_blame(tmp_repo: Repo) -> None:
    """Entries last changed before the review period (13w) are listed; fresh ones are not."""
    env = os.environ | {"GIT_COMMITTER_DATE": "2025-01-01T00:00:00Z"}
    subprocess.run(
        ["git", "commit", "-q", "--amend", "--no-edit", "--date", "2025-01-01T00:00:00Z"],
        cwd=tmp_repo.path,
        check=True,
        env=env,
    )
    tmp_repo.edit("matrix/categories.yaml", "    backups: [alex]\n", "    backups: [alex, kim]\n")
    tmp_repo.git("add", "-A")
    subprocess.run(
        ["git", "commit", "-q", "-m", "kim backs up downtime", "--date", "2026-03-01T00:00:00Z"],
        cwd=tmp_repo.path,
        check=True,
    )
    data = tmp_repo.json("report", now="2026-04-01T00:00:00Z")
    stale = {(s["file"], s["entry"]): s for s in data["stale_entries"]}
    assert ("matrix/categories.yaml", "product-defect") in stale
    assert ("matrix/categories.yaml", "service-downtime") not in stale
    assert stale[("matrix/categories.yaml", "product-defect")]["people"] == ["alex", "sam"]
    assert stale[("matrix/people.yaml", "kim")]["last_changed"] == "2025-01-01T00:00:00Z"
    assert any("confirm these owners" in s["change"] for s in data["suggestions"])


def test_markdown_escapes_hostile_user_text(tmp_repo: Repo) -> None:
    """HTML, links, emphasis and table pipes in user text stay literal in the review."""
    hostile = "<img src=x onerror=alert(1)> | *bold* [link](http://x) `code`"
    tmp_repo.ok("friction", hostile, "--category", "product-defect", now="2026-03-02T10:00:00Z")
    text = tmp_repo.ok("report", "--format", "markdown", now="2026-03-03T00:00:00Z").stdout
    line = next(ln for ln in text.splitlines() if "onerror" in ln)
    assert "<img" not in line
    assert (
        "&lt;img src=x onerror=alert(1)&gt; \\| \\*bold\\* \\[link\\](http://x) \\`code\\`" in line
    )


def test_md_filter() -> None:
    from escmatrix.cli.review_render import md

    assert md("a\nb  c") == "a b c"
    assert md("R&D <b>|_x_") == "R&amp;D &lt;b&gt;\\|\\_x\\_"
    assert md("# not a heading") == "\\# not a heading"
