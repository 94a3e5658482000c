"""Meta: every command documented, help stays light, and the global options behave."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escmatrix import __version__
from escmatrix.cli.app import all_commands, app

PROJECT = Path(__file__).resolve().parent.parent
COMMANDS = all_commands()
HEAVY = ("git", "yaml", "pydantic", "jinja2", "requests", "httpx")


def test_there_are_commands() -> None:
    """The responder loop and the read commands are all registered."""
    expected = {"init", "validate", "open", "route", "ack", "update", "assign", "escalate"}
    expected |= {"deescalate", "override", "reconcile", "pause", "resume", "resolve", "close"}
    expected |= {"reopen", "comment", "matrix", "list", "show", "log"}
    assert expected <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_has_help_text(name: str) -> None:
    """Every command has a help line."""
    command = COMMANDS[name]
    assert (command.help or "").strip(), f"`escmatrix {name}` has no help text"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_options_have_help_text(name: str) -> None:
    """Every option and argument of every command says what it is for."""
    command = COMMANDS[name]
    missing = [p.opts[0] for p in command.params if not (getattr(p, "help", None) or "").strip()]
    assert not missing, f"`escmatrix {name}`: no help for {', '.join(missing)}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_is_in_the_readme(name: str) -> None:
    """Every command is mentioned in README.md as `escmatrix NAME`."""
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"escmatrix {re.escape(name)}\b", readme), f"README lacks `escmatrix {name}`"


@pytest.mark.parametrize("name", ["open", "route", "list", "show"])
def test_command_help_runs_without_a_repository(runner: CliRunner, name: str) -> None:
    """`escmatrix NAME --help` exits 0 and shows the command's usage, with no repository around."""
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"escmatrix {name}" in result.output


def test_top_level_help_lists_every_command(runner: CliRunner) -> None:
    """`escmatrix --help` names each command."""
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    for name in COMMANDS:
        assert re.search(rf"\b{re.escape(name)}\b", result.output), name


def test_version(runner: CliRunner) -> None:
    """`--version` prints the package version."""
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"escmatrix {__version__}\n"


def test_unknown_command_is_a_usage_error(runner: CliRunner) -> None:
    """An unknown command exits 2."""
    result = runner.invoke(app, ["frobnicate"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


PROBE = """
import sys
{body}
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
sys.stderr.write("HEAVY=" + ",".join(heavy) + "\\n")
"""


def imported_after(body: str, tmp_path: Path) -> list[str]:
    """Heavy modules present in a fresh interpreter after running `body`."""
    code = PROBE.format(body=body, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("HEAVY=")]
    assert line, done.stderr
    return [m for m in line[-1].removeprefix("HEAVY=").split(",") if m]


def test_importing_the_cli_is_light(tmp_path: Path) -> None:
    """Building the CLI imports neither GitPython, PyYAML nor pydantic."""
    assert imported_after("import escmatrix.cli.app", tmp_path) == []


def test_top_level_help_is_light(tmp_path: Path) -> None:
    """`escmatrix --help` imports neither GitPython, PyYAML nor pydantic."""
    body = (
        "sys.argv = ['escmatrix', '--help']\n"
        "from escmatrix.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert imported_after(body, tmp_path) == []


@pytest.mark.parametrize("name", ["open", "validate", "route", "list"])
def test_command_help_does_not_load_git_or_yaml(tmp_path: Path, name: str) -> None:
    """`escmatrix NAME --help` does not import GitPython or PyYAML (Typer itself brings pydantic)."""
    body = (
        f"sys.argv = ['escmatrix', {name!r}, '--help']\n"
        "from escmatrix.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    heavy = imported_after(body, tmp_path)
    assert "git" not in heavy
    assert "yaml" not in heavy
