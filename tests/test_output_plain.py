"""Piped output is decided and laid out without importing Rich, from the same settings Rich reads:
whether stdout is a terminal (TTY_COMPATIBLE, FORCE_COLOR, isatty) and how wide it is (COLUMNS,
else a standard stream's size, else 80). These hold the shortcut to what Rich itself says."""

from __future__ import annotations

import io
import sys

import pytest
from rich.console import Console

from escmatrix.cli import output
from tests.support import Repo

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
