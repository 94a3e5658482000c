"""Piped output is decided and laid out without importing Rich, from the same settings Rich reads:
whether stdout is a terminal (TTY_COMPATIBLE, FORCE_COLOR, isatty) and how wide it is (COLUMNS,
else a standard stream's size, else 80). These hold the shortcut to what Rich itself says."""

from __future__ import annotations

import io
import sys

import pytest
from rich.console import Console

from escmatrix.cli import output
from tests.support import T0, Repo

SETTINGS = [
    {},
    {"COLUMNS": "120"},
    {"COLUMNS": "0"},
    {"COLUMNS": "wide"},
    {"FORCE_COLOR": "1"},
    {"FORCE_COLOR": ""},
    {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"},
    {"TTY_COMPATIBLE": "1"},
    {"TTY_COMPATIBLE": "1", "COLUMNS": "99"},
]


@pytest.mark.parametrize("env", SETTINGS, ids=lambda env: ",".join(env) or "none")
def test_no_terminal_and_width_agree_with_rich(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    for name in ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # piped: no terminal
    output.stdout.cache_clear()
    try:
        rich = Console(highlight=False, soft_wrap=False)
        if output.no_terminal():  # the shortcut only ever says "no terminal" when Rich does
            assert rich.color_system is None
            assert not rich.is_terminal
        else:
            assert rich.is_terminal
        assert output.width() == rich.width
    finally:
        output.stdout.cache_clear()


def test_a_piped_list_loads_no_rich_console(example_repo: Repo) -> None:
    """`list` piped to a script prints its rows without importing Rich's console."""

    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    example_repo.open("listed without Rich", severity="sev2")
    example_repo.imports("list", now="2026-03-05T09:00:00Z")  # warm at this moment
    stdout, loaded = example_repo.imports("list", now="2026-03-05T09:00:00Z")
    assert "listed without Rich" in stdout
    assert "rich.console" not in loaded


def test_a_piped_recording_command_prints_its_line_whole_without_rich(example_repo: Repo) -> None:
    """A command that records prints one line for people: piped, it is written whole (not
    wrapped at 80 columns for a script to join again) and Rich's console is not imported."""
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    issue = example_repo.open("recorded without Rich", severity="sev2")
    stdout, loaded = example_repo.imports(
        "update", issue, "--status", "Reproduced.", "--next", "Fix it.", now="2026-03-05T09:00:00Z"
    )
    lines = stdout.splitlines()
    assert len(lines) == 1 and len(lines[0]) > 80  # id, status, owner, tier and commit
    assert lines[0].startswith(f"updated {issue}: ")
    assert "rich.console" not in loaded


def test_a_piped_show_lays_out_the_issue_without_rich(example_repo: Repo) -> None:
    """`show` piped prints the facts, the clocks and the timeline in columns, text literally (an
    escape sequence is shown, not obeyed), a multi-line description under its first line, and
    never imports Rich's console."""
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    issue = example_repo.open(
        "shown without Rich", "product-defect", "sev2", "--description", "first line\nsecond line"
    )
    example_repo.cli("comment", issue, "red \x1b[31mnot red\x1b[0m [bold]x[/bold]")
    example_repo.imports("show", issue, now="2026-03-05T09:00:00Z")  # warm at this moment
    stdout, loaded = example_repo.imports("show", issue, now="2026-03-05T09:00:00Z")
    assert "rich.console" not in loaded
    lines = stdout.splitlines()
    assert lines[0] == f"{issue}  shown without Rich"
    description = next(n for n, line in enumerate(lines) if line.startswith("description"))
    value_at = lines[description].index("first line")
    assert lines[description + 1] == " " * value_at + "second line"
    assert "\x1b" not in stdout and "\\x1b[31mnot red" in stdout and "[bold]x[/bold]" in stdout
    clocks, timeline = lines.index("Clocks"), lines.index("Timeline")
    head = lines[clocks + 1].split()
    assert head == ["clock", "target", "due", "elapsed", "remaining", "state"]
    assert lines[timeline + 1].split() == ["when", "who", "what"]
    what_at = lines[timeline + 1].index("what")
    assert any(line[what_at:].startswith("comment: red") for line in lines[timeline + 2 :])


def test_issue_view_aligns_wide_text_and_marks_who_left() -> None:
    """Columns are as wide as their widest cell in terminal cells (a CJK name takes two a
    character), and a person who has left is marked with the day."""
    from datetime import date

    from escmatrix.cli.issue_view import person, table

    class Left:
        name, left = "Sam Roe", date(2026, 1, 31)

    assert person({"sam": Left()}, "sam") == [
        ("Sam Roe (sam)", ""),
        (" — left on 2026-01-31", "bold red"),
    ]
    lines = table("T", ["who", "what"], [[("王小明", ""), ("a", "")], [("bob", ""), ("b", "")]])
    texts = ["".join(t for t, _ in line) for line in lines]
    assert texts == ["T", "who     what", "王小明  a", "bob     b"]


def test_a_piped_open_and_route_print_the_decision_without_rich(example_repo: Repo) -> None:
    """`open` and `route` lay out the routing decision by hand: who, why, both deadlines and
    every rule tried; piped (stdout and the notifications on stderr), Rich is never imported."""
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    stdout, loaded = example_repo.imports(
        "open", "-t", "opened without Rich", "-c", "product-defect", "-s", "sev2", now=T0
    )
    assert "rich.console" not in loaded
    lines = stdout.splitlines()
    assert lines[0].startswith("opened ") and lines[0].endswith(": opened without Rich")
    assert lines[1].startswith("Routed at ")
    assert any(line.startswith("respond by ") and "calendar" in line for line in lines)
    assert any(line.split()[1:2] == ["matched"] for line in lines)
    assert any(line.startswith("commit ") for line in lines)
    assert any(line.startswith("Playbook (") for line in lines)
    stdout, loaded = example_repo.imports("route", "-c", "product-defect", "-s", "sev1", now=T0)
    assert "rich.console" not in loaded
    assert stdout.startswith("Preview at ") and "\nrule " in stdout
