"""Hostile text is stored and shown literally; hostile ids are refused before anything is touched."""

from __future__ import annotations

import csv
import io

import pytest
import yaml

from escmatrix.cli import output
from tests.support import T0, TIMES, Repo, snapshot

ESC = "\x1b"
HOSTILE = ["[red]x[/red]", f"{ESC}[31mred", "../../etc/passwd", "[bold]*[/] `rm -rf` $(id) ${HOME}"]


def visible(text: str) -> str:
    """How a terminal view should print `text`: control characters made visible, not obeyed."""
    return text.replace(ESC, "\\x1b")


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_title_is_stored_literally(tmp_repo: Repo, title: str) -> None:
    """The event YAML holds the title exactly; the issue folder is named by the id only."""
    issue_id = tmp_repo.open(title, now=T0)
    (path,) = tmp_repo.event_files(issue_id)
    data = yaml.safe_load((tmp_repo.path / path).read_text(encoding="utf-8"))
    assert data["title"] == title
    assert [p.name for p in (tmp_repo.path / "issues").iterdir() if p.is_dir()] == [issue_id]
    assert not (tmp_repo.path.parent / "etc").exists()
    assert tmp_repo.status() == ""


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_title_round_trips_through_json_and_csv(tmp_repo: Repo, title: str) -> None:
    """`show`, `list` (json) and `list` (csv) give back the exact title."""
    issue_id = tmp_repo.open(title, now=T0)
    assert tmp_repo.show(issue_id)["title"] == title
    (row,) = tmp_repo.json("list")
    assert row["title"] == title
    out = tmp_repo.ok("list", "--format", "csv").stdout
    (csv_row,) = list(csv.DictReader(io.StringIO(out)))
    # CSV is for spreadsheets: control characters are shown as escapes there, a formula quoted
    assert csv_row["title"] == output.csv_cell(title)


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_title_is_shown_literally_in_tables(tmp_repo: Repo, title: str) -> None:
    """`open`, `show` and `list` tables print markup as text and escapes as visible characters."""
    result = tmp_repo.ok("open", "-t", title, "-c", "product-defect", "-s", "sev2", now=T0)
    (folder,) = [p for p in (tmp_repo.path / "issues").iterdir() if p.is_dir()]
    issue_id = folder.name
    shown = tmp_repo.ok("show", issue_id).stdout
    listed = tmp_repo.ok("list").stdout
    for out in (result.stdout, shown, listed):
        assert visible(title) in out, out
        assert ESC not in out


def test_hostile_commit_subject_has_no_control_characters(tmp_repo: Repo) -> None:
    """The commit subject shows an escape sequence as text, never as a raw control character."""
    tmp_repo.open(f"{ESC}[31mred", now=T0)
    subject = tmp_repo.git("log", "-1", "--format=%s")
    assert ESC not in subject
    assert "\\x1b[31mred" in subject


def test_hostile_comment_and_update_shown_literally(tmp_repo: Repo) -> None:
    """A comment and a status update with markup and escapes are shown literally on the timeline."""
    issue_id = tmp_repo.open(now=T0)
    tmp_repo.ok("comment", issue_id, "[link=http://evil]click[/link]", now=TIMES[1])
    tmp_repo.ok(
        "update", issue_id, "-m", f"{ESC}]0;pwned{ESC}\\", "--next", "[b]x[/b]", now=TIMES[2]
    )
    state = tmp_repo.show(issue_id, now=TIMES[3])
    assert state["last_status"] == f"{ESC}]0;pwned{ESC}\\"
    assert state["next_steps"] == "[b]x[/b]"
    out = tmp_repo.ok("show", issue_id, now=TIMES[3]).stdout
    assert "[link=http://evil]click[/link]" in out
    assert "[b]x[/b]" in out
    assert "\\x1b]0;pwned" in out
    assert ESC not in out


BAD_IDS = ["../../etc", "..", "../", "/etc/passwd", "*", "26c/../x", " "]


@pytest.mark.parametrize("command", ["show", "ack", "log", "resolve"])
def test_hostile_issue_id_is_refused_and_nothing_touched(tmp_repo: Repo, command: str) -> None:
    """An id argument that is a path or a glob is a usage error; no file anywhere changes."""
    tmp_repo.open(now=T0)
    outside = snapshot(tmp_repo.path.parent)
    for bad_id in BAD_IDS:
        args = [command, bad_id] + (["--summary", "x"] if command == "resolve" else [])
        result = tmp_repo.cli(*args, now=TIMES[1])
        assert result.exit_code == 2, (bad_id, result.output)
        assert "Traceback" not in result.output
        assert "is not an issue id" in result.output, (bad_id, result.output)
    assert snapshot(tmp_repo.path.parent) == outside


def test_markup_in_a_bad_id_is_echoed_literally(tmp_repo: Repo) -> None:
    """The error message repeats a hostile argument as text, not as Rich markup or escapes."""
    result = tmp_repo.cli("show", "[red]x[/red]")
    assert result.exit_code == 2, result.output
    assert "[red]x[/red]" in result.output
    result = tmp_repo.cli("show", f"{ESC}[31m")
    assert result.exit_code == 2, result.output
    assert ESC not in result.output
