"""Hostile text through the command line: Rich markup, ANSI and OSC 8 escapes, C1 controls, bidi
overrides, carriage returns and newlines, bytes that are not UTF-8, in titles, people's names,
updates and comments: stored literally, shown literally. Ids, category names and planted symlinks
never make escmatrix read or write a file outside the repository."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.reliability.sandbox import Sandbox
from tests.support import T0, TIMES, Repo, snapshot

ESC = "\x1b"
# Characters a terminal obeys: none may reach stdout or stderr raw from user text.
OBEYED = (ESC, "\x9b", "\x07", "\x08", "\r", "\u202e", "\u2066", "\x00")
MARKUP = "[red]x[/red]"
LINK_MARKUP = "[link=file:///etc/passwd]click[/link]"
SGR = f"{ESC}[31mred{ESC}[0m"
OSC8 = f"{ESC}]8;;file:///etc/passwd{ESC}\\click{ESC}]8;;{ESC}\\"
TITLE_SET = f"{ESC}]0;pwned{ESC}\\"  # sets the terminal's title
C1_CSI = "\x9b31mc1"
BIDI = "abc\u202edcba"
CR = "shown\rhidden"
HOSTILE_TEXT = [MARKUP, LINK_MARKUP, SGR, OSC8, TITLE_SET, C1_CSI, BIDI, CR, "one\ntwo"]


def no_obeyed_characters(out: str) -> None:
    for ch in OBEYED:
        assert ch not in out, f"raw {ch!r} in output:\n{out!r}"


def assert_visible(text: str, out: str) -> None:
    """Every printable run of `text` appears in `out` (control characters may be rendered as
    escapes such as \\x1b, and lines may break, but what the user typed is there to read)."""
    pieces = [p for p in "".join(c if c.isprintable() else "\0" for c in text).split("\0") if p]
    for piece in pieces:
        assert piece in out, f"{piece!r} not visible in:\n{out}"


def event_data(repo: Repo, issue_id: str, kind: str) -> dict[str, object]:
    (path,) = [p for p in repo.event_files(issue_id) if p.endswith(f"-{kind}.yaml")][-1:]
    data = yaml.safe_load((repo.path / path).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# -- titles, updates, comments ------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=lambda t: repr(t)[:24])
def test_hostile_title_stored_and_shown_literally(tmp_repo: Repo, text: str) -> None:
    """The event keeps the exact title; json gives it back; tables, list and log show it, inert."""
    opened = tmp_repo.ok("open", "-t", text, "-c", "product-defect", "-s", "sev2", now=T0)
    (issue_id,) = [p.name for p in (tmp_repo.path / "issues").iterdir() if p.is_dir()]
    assert event_data(tmp_repo, issue_id, "opened")["title"] == text
    assert tmp_repo.show(issue_id)["title"] == text
    assert tmp_repo.json("list")[0]["title"] == text
    for out in (
        opened.stdout,
        tmp_repo.ok("show", issue_id).stdout,
        tmp_repo.ok("list").stdout,
        tmp_repo.ok("log", issue_id).stdout,
    ):
        no_obeyed_characters(out)
    assert_visible(text, tmp_repo.ok("show", issue_id).stdout)
    subject = tmp_repo.git("log", "-1", "--format=%s")
    no_obeyed_characters(subject)
    assert "\n" not in subject.strip()
    assert tmp_repo.status() == ""


@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=lambda t: repr(t)[:24])
def test_hostile_update_and_comment_stored_and_shown_literally(tmp_repo: Repo, text: str) -> None:
    """Status, next steps, dependencies and a comment keep their exact text and are shown inert
    by show (table and json), list and log."""
    issue_id = tmp_repo.open(now=T0)
    tmp_repo.ok(
        "update",
        issue_id,
        "-m",
        text,
        "--next",
        f"next {text}",
        "--waiting-for",
        f"dep {text}",
        now=TIMES[1],
    )
    tmp_repo.ok("comment", issue_id, f"note {text}", now=TIMES[2])
    updated = event_data(tmp_repo, issue_id, "updated")
    assert (updated["status"], updated["next_steps"], updated["dependencies"]) == (
        text,
        f"next {text}",
        f"dep {text}",
    )
    assert event_data(tmp_repo, issue_id, "commented")["text"] == f"note {text}"
    state = tmp_repo.show(issue_id, now=TIMES[3])
    assert (state["last_status"], state["next_steps"]) == (text, f"next {text}")
    shown = tmp_repo.ok("show", issue_id, now=TIMES[3]).stdout
    for out in (
        shown,
        tmp_repo.ok("list", now=TIMES[3]).stdout,
        tmp_repo.ok("log", issue_id).stdout,
    ):
        no_obeyed_characters(out)
    assert_visible(f"note {text}", shown)
    assert_visible(f"next {text}", shown)


def test_json_output_escapes_control_characters(tmp_repo: Repo) -> None:
    """Machine output is JSON with control characters escaped, never raw, and parses back exactly."""
    issue_id = tmp_repo.open(SGR, now=T0)
    tmp_repo.ok("comment", issue_id, OSC8, now=TIMES[1])
    out = tmp_repo.ok("show", issue_id, "--format", "json", now=TIMES[2]).stdout
    assert ESC not in out
    assert json.loads(out)["title"] == SGR


# -- people's names from the matrix -------------------------------------------------------------

HOSTILE_NAME = '"[red]Alex[/red] \\e[31mDoe\\e[0m [link=file:///etc/passwd]x[/link] \\e]8;;file:///etc/passwd\\e\\\\y\\e]8;;\\e\\\\ \\r\\u202e"'


def test_hostile_person_name_is_shown_literally(tmp_repo: Repo) -> None:
    """A name in people.yaml with markup, escapes and a bidi override is shown as text by open,
    route, show, list and matrix, and never obeyed."""
    tmp_repo.edit("matrix/people.yaml", "name: Alex Doe", f"name: {HOSTILE_NAME}")
    name = yaml.safe_load(f"n: {HOSTILE_NAME}")["n"]
    assert ESC in name and "[red]" in name
    outs = [tmp_repo.ok("route", "-c", "product-defect", "-s", "sev2").stdout]
    opened = tmp_repo.ok("open", "-t", "Checkout fails", "-c", "product-defect", "-s", "sev2")
    (issue_id,) = [p.name for p in (tmp_repo.path / "issues").iterdir() if p.is_dir()]
    outs += [
        opened.stdout,
        tmp_repo.ok("show", issue_id).stdout,
        tmp_repo.ok("matrix").stdout,
    ]
    no_obeyed_characters(tmp_repo.ok("list").stdout)
    for out in outs:
        no_obeyed_characters(out)
        assert "[red]Alex[/red]" in out, out
    assert any("[link=file:///etc/passwd]x[/link]" in out for out in outs)


def test_hostile_text_in_a_real_terminal_is_not_obeyed(tmp_path: Path) -> None:
    """With colour forced on (as in a terminal), the installed CLI styles its own output but
    never emits the user's escapes or turns their markup into a hyperlink."""
    sandbox = Sandbox(tmp_path)
    repo = sandbox.new_repo(tmp_path / "repo")
    issue_id = sandbox.open_issue(repo, f"{LINK_MARKUP} {OSC8} {TITLE_SET}")
    sandbox.ok(repo, "comment", issue_id, f"{SGR} {C1_CSI}", now=TIMES[1])
    for args in (("show", issue_id), ("list",), ("log", issue_id)):
        run = sandbox.run(repo, *args, now=TIMES[2], FORCE_COLOR="1", TTY_COMPATIBLE="1")
        assert run.code == 0, run.describe()
        assert f"{ESC}]8;" not in run.stdout, "a hyperlink escape reached the terminal"
        assert f"{ESC}]0;" not in run.stdout, "a title-setting escape reached the terminal"
        assert f"{ESC}[31mred" not in run.stdout
        assert "\x9b" not in run.stdout
        assert "file:///etc/passwd" not in run.stdout or "[link=file:///etc/passwd]" in run.stdout


# -- bytes that are not UTF-8, text over the limits -----------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("comment", "{id}", b"bad\xffbyte"),
        ("update", "{id}", "-m", b"caf\xe9", "--next", "x"),
        ("open", "-t", b"\xc0\xaf title", "-c", "product-defect", "-s", "sev2"),
    ],
    ids=["comment", "update", "open"],
)
def test_arguments_that_are_not_utf8_are_refused(tmp_path: Path, args: tuple[object, ...]) -> None:
    """An argument holding bytes that are not UTF-8 (a latin-1 terminal) is refused with a message
    (exit 1 or 2), not an internal error, and nothing is written or committed."""
    sandbox = Sandbox(tmp_path)
    repo = sandbox.new_repo(tmp_path / "repo")
    issue_id = sandbox.open_issue(repo, "Checkout fails")
    before = (sandbox.commit_count(repo), snapshot(repo / "issues"))
    argv = [os.fsdecode(a) if isinstance(a, bytes) else str(a).format(id=issue_id) for a in args]
    run = sandbox.run(repo, *argv, now=TIMES[1])
    assert run.code in (1, 2), run.describe()
    assert not run.crashed, run.describe()
    assert "UTF-8" in run.stderr or "utf-8" in run.stderr, run.describe()
    assert (sandbox.commit_count(repo), snapshot(repo / "issues")) == before


def test_title_over_the_limit_is_refused_not_a_crash(tmp_repo: Repo) -> None:
    """A 300-character title is refused with exit 1 or 2 and a message, not exit 70."""
    result = tmp_repo.cli("open", "-t", "x" * 300, "-c", "product-defect", "-s", "sev2")
    assert result.exit_code in (1, 2), result.output
    assert "internal error" not in result.output, result.output
    assert "200" in result.output, result.output
    assert tmp_repo.event_files() == []


# -- path traversal through ids and names ---------------------------------------------------------

TRAVERSAL = ["../x", "../../etc/passwd", "/etc/passwd", "a/b", "C:\\x", "..", "~root", "x/../../y"]


def traversal_commands(issue_id: str, bad: str) -> list[tuple[str, ...]]:
    return [
        ("open", "-t", "t", "-c", bad, "-s", "sev2"),
        ("open", "-t", "t", "-c", "product-defect", "-s", bad),
        ("open", "-t", "t", "-c", "product-defect", "-s", "sev2", "--tag", bad),
        ("open", "-t", "t", "-c", "product-defect", "-s", "sev2", "--customer", bad),
        ("open", "-t", "t", "-c", "product-defect", "-s", "sev2", "--partner", bad),
        ("route", "-c", bad, "-s", "sev2"),
        ("assign", issue_id, "--to", bad, "-r", "because"),
        ("escalate", issue_id, "--to", bad, "-r", "because"),
        ("update", issue_id, "-m", "s", "--next", "n", "--owner", bad),
        ("show", bad),
        ("log", bad),
        ("comment", bad, "text"),
        ("list", "--owner", bad),
        ("list", "--category", bad),
        ("list", "--team", bad),
    ]


@pytest.mark.parametrize("bad", TRAVERSAL)
def test_ids_and_names_that_are_paths_touch_nothing(tmp_repo: Repo, bad: str) -> None:
    """Category, severity, tag, customer, partner, person, tier and issue arguments that look like
    paths are refused (or match nothing); no file anywhere is created, changed or removed."""
    issue_id = tmp_repo.open(now=T0)
    head = tmp_repo.head()
    everything = tmp_repo.path.parent
    before = {k: v for k, v in snapshot(everything).items() if "/.git/escmatrix/" not in f"/{k}"}
    wrong = []
    for args in traversal_commands(issue_id, bad):
        result = tmp_repo.cli(*args, now=TIMES[1])
        allowed = (0, 1, 2) if args[0] == "list" else (1, 2)
        if result.exit_code not in allowed or "internal error" in result.output:
            wrong.append(
                f"{' '.join(args)} -> exit {result.exit_code}: {result.output.strip()[:160]}"
            )
    after = {k: v for k, v in snapshot(everything).items() if "/.git/escmatrix/" not in f"/{k}"}
    assert after == before
    assert tmp_repo.head() == head
    assert not wrong, "\n".join(wrong)


def test_playbook_reference_outside_the_repository_is_never_read(tmp_repo: Repo) -> None:
    """A category whose playbook points outside playbooks/ is flagged by validate, and no command
    prints the outside file's content."""
    secret = tmp_repo.path.parent / "outside.md"
    secret.write_text("TOPSECRET-PLAYBOOK\n", encoding="utf-8")
    tmp_repo.edit(
        "matrix/categories.yaml", "playbook: product-defect.md", "playbook: ../../outside.md"
    )
    checked = tmp_repo.cli("validate")
    assert checked.exit_code == 1, checked.output
    assert "playbook" in checked.output
    outs = [checked.output]
    result = tmp_repo.cli("open", "-t", "t", "-c", "product-defect", "-s", "sev2")
    outs.append(result.output)
    for args in (("matrix",), ("route", "-c", "product-defect", "-s", "sev2"), ("list",)):
        outs.append(tmp_repo.cli(*args).output)
    for out in outs:
        assert "TOPSECRET" not in out, out


# -- symlinks planted in the repository (a pull can bring them) -----------------------------------


def test_symlinked_issue_folder_pointing_outside_is_never_written(tmp_repo: Repo) -> None:
    """An issue folder that is a symlink to a folder outside the repository: acting on that issue is
    refused with a message (exit 1), and nothing is written through the link."""
    real = tmp_repo.open(now=T0)
    outside = tmp_repo.path.parent / "outside"
    outside.mkdir()
    for path in (tmp_repo.path / "issues" / real).iterdir():
        (outside / path.name).write_bytes(path.read_bytes())
    fake = "26c0000aa"
    (tmp_repo.path / "issues" / fake).symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    result = tmp_repo.cli("comment", fake, "written through a symlink?", now=TIMES[1])
    assert snapshot(outside) == before
    assert "internal error" not in result.output, result.output
    assert result.exit_code == 1, result.output


def test_symlinked_event_file_pointing_outside_is_not_read(tmp_repo: Repo) -> None:
    """An event file that is a symlink to a file outside the repository is refused as such; its
    content (here, a key name) never appears in any message."""
    issue_id = tmp_repo.open(now=T0)
    outside = tmp_repo.path.parent / "secret.yaml"
    outside.write_text("event: commented\nTOPSECRET_KEY_NAME: 1\n", encoding="utf-8")
    link = tmp_repo.path / "issues" / issue_id / "000002-aaaaaa-commented.yaml"
    link.symlink_to(outside)
    wrong = []
    for args in (("show", issue_id), ("validate",), ("list", "--status", "all")):
        result = tmp_repo.cli(*args, now=TIMES[1])
        if "internal error" in result.output or "TOPSECRET" in result.output:
            wrong.append(f"{' '.join(args)} -> exit {result.exit_code}: {result.output.strip()}")
    assert not wrong, "\n".join(wrong)
