"""Fixtures: an isolated git environment, a starter repository, the example repository, a runner."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escmatrix.cli import output
from escmatrix.store.scaffold import lay_out
from tests.reliability.figures import summary_lines
from tests.support import LEAKY_ENV, Repo, git, init_git


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The reliability figures (bad input, clones, parallel, kill -9), from every worker."""
    reports = [r for key in ("passed", "failed") for r in terminalreporter.stats.get(key, [])]
    lines = summary_lines(reports)
    if lines:
        terminalreporter.section("escmatrix reliability figures")
        for line in lines:
            terminalreporter.write_line(line)


PROJECT = Path(__file__).resolve().parent.parent


def isolate(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """HOME in tmp, no global or system git config, no escmatrix or git variables, wide output."""
    home.mkdir(parents=True, exist_ok=True)
    empty = home / ".gitconfig-empty"
    empty.write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    for name in LEAKY_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated HOME for this test (see `isolate`)."""
    home = tmp_path / "home"
    isolate(monkeypatch, home)
    return home


@pytest.fixture(scope="session")
def starter_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`git init -b main`, alex's identity, then `lay_out`: built once, copied for each test."""
    base = tmp_path_factory.mktemp("starter")
    path = base / "repo"
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, base / "home")
        monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-03-01T12:00:00+0000")
        monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-03-01T12:00:00+0000")
        init_git(path, "alex")
        laid = lay_out(path)
    assert laid.commit, laid.note
    return path


@pytest.fixture
def runner(isolated_home: Path) -> Iterator[CliRunner]:
    """A CliRunner, with the cached Rich consoles rebuilt so they see this test's width."""
    output.stdout.cache_clear()
    output.stderr.cache_clear()
    yield CliRunner()
    output.stdout.cache_clear()
    output.stderr.cache_clear()


@pytest.fixture
def tmp_repo(
    tmp_path: Path, isolated_home: Path, runner: CliRunner, starter_template: Path
) -> Repo:
    """A fresh repository with the starter matrix, committed by alex@example.com."""
    path = tmp_path / "repo"
    shutil.copytree(starter_template, path, symlinks=True)
    return Repo(path, runner)


@pytest.fixture
def example_repo(tmp_path: Path, isolated_home: Path, runner: CliRunner) -> Repo:
    """A git copy of the project's own example repository (matrix/, issues/, playbooks/)."""
    path = tmp_path / "example"
    path.mkdir()
    assert (PROJECT / "matrix").is_dir(), "the project ships no example matrix/"
    for folder in ("matrix", "issues", "playbooks"):
        if (PROJECT / folder).is_dir():
            shutil.copytree(PROJECT / folder, path / folder)
    init_git(path, "alex")
    git(path, "add", "--", ".")
    git(path, "commit", "-q", "-m", "example repository")
    return Repo(path, runner)
