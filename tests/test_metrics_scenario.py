"""A generated repository with known timestamps, for the metrics, report and dashboard tests.

Every event is written through the real CLI with `--now`, so each command makes its own commit
dated at that time. The hand-computed values the tests check are written next to each step.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escmatrix.cli import output
from escmatrix.store.scaffold import lay_out
from tests.support import LEAKY_ENV, Repo, init_git

ACCOUNTS = """\
customers:
  - id: acme
    name: Acme Retail
partners:
  - id: kestrel
    name: Kestrel Payments
"""

# The window the tests report on, and the time they report at.
SINCE, UNTIL, NOW = "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z"


@dataclass
class Scenario:
    """The repository and the ids of its issues, by the letter the tests use."""

    repo: Repo
    ids: dict[str, str] = field(default_factory=dict)

    def run(self, who: str, at: str, *args: str) -> None:
        self.repo.identify(who)
        self.repo.ok(*args, now=at)

    def open(self, key: str, at: str, title: str, category: str, severity: str, *extra: str) -> str:
        self.repo.identify("alex")
        self.ids[key] = self.repo.open(title, category, severity, *extra, now=at)
        return self.ids[key]


@contextmanager
def isolated_env(home: Path) -> Iterator[None]:
    """The same isolation as conftest's `isolated_home`, for a fixture wider than one test."""
    with pytest.MonkeyPatch.context() as mp:
        home.mkdir(parents=True, exist_ok=True)
        empty = home / ".gitconfig-empty"
        empty.write_text("")
        mp.setenv("HOME", str(home))
        mp.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        mp.setenv("GIT_CONFIG_GLOBAL", str(empty))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        mp.setenv("COLUMNS", "300")
        mp.setenv("LC_ALL", "C.UTF-8")
        mp.setenv("ESCMATRIX_NO_NOTIFY", "1")
        for name in LEAKY_ENV:
            mp.delenv(name, raising=False)
        output.stdout.cache_clear()
        output.stderr.cache_clear()
        try:
            yield
        finally:
            output.stdout.cache_clear()
            output.stderr.cache_clear()


def build_scenario(path: Path) -> Scenario:
    """Six issues (A-F) and three friction notes; see the comments for what each one tests."""
    init_git(path, "alex")
    assert lay_out(path).commit
    (path / "matrix" / "accounts.yaml").write_text(ACCOUNTS, encoding="utf-8")
    repo = Repo(path, CliRunner())
    repo.git("add", "--", "matrix/accounts.yaml")
    repo.git("commit", "-q", "-m", "accounts")
    s = Scenario(repo)

    # A: ack after 20m; paused 1h for the customer; resolved 3h after opening → TTR 2h.
    # Closed with no score although it has a customer: counts against the response rate.
    a = s.open(
        "A",
        "2026-03-02T09:00:00Z",
        "Checkout returns 500",
        "product-defect",
        "sev2",
        "--customer",
        "acme",
    )
    s.run("alex", "2026-03-02T09:20:00Z", "ack", a)
    s.run(
        "alex", "2026-03-02T10:00:00Z", "pause", a, "--waiting-on", "customer", "--reason", "logs"
    )
    s.run("alex", "2026-03-02T11:00:00Z", "resume", a)
    s.run("alex", "2026-03-02T12:00:00Z", "resolve", a, "--summary", "patched")
    s.run("alex", "2026-03-02T12:30:00Z", "close", a)
    s.run("alex", "2026-03-02T13:00:00Z", "friction", "Sam's phone number is wrong", "--issue", a)

    # B: ack after 45m; escalated to team-lead at 1h; handed to sam at 1h30m; waits 1h on a
    # "vendor patch"; resolved at 4h, reopened 1h later, resolved again 1h after that → TTR 5h.
    b = s.open(
        "B", "2026-03-02T09:05:00Z", "Invoices <b>missing</b> | totals", "product-defect", "sev2"
    )
    s.run("alex", "2026-03-02T09:50:00Z", "ack", b)
    s.run("alex", "2026-03-02T10:05:00Z", "escalate", b, "--reason", "no fix in sight")
    s.run("kim", "2026-03-02T10:35:00Z", "assign", b, "--to", "sam", "--reason", "knows billing")
    s.run(
        "sam",
        "2026-03-02T11:05:00Z",
        "update",
        b,
        "--status",
        "waiting",
        "--next",
        "apply",
        "--dependencies",
        "vendor patch",
    )
    s.run("sam", "2026-03-02T12:05:00Z", "update", b, "--status", "patch in", "--next", "deploy")
    s.run("sam", "2026-03-02T13:05:00Z", "resolve", b, "--summary", "vendor patch applied")
    s.run("sam", "2026-03-02T14:05:00Z", "reopen", b, "--reason", "still missing for one store")
    s.run("sam", "2026-03-02T15:05:00Z", "resolve", b, "--summary", "last store re-imported")

    # C: sev1 downtime, never acknowledged; resolved only after the window ends (still open at
    # the window's end, so every clock is breached there and its time is censored).
    c = s.open("C", "2026-03-02T09:10:00Z", "Status page down", "service-downtime", "sev1")
    s.run("alex", "2026-03-09T06:00:00Z", "resolve", c, "--summary", "DNS fixed")

    # D: ack after 30m; pat overrides it to sam at manager after 1h (a handoff, not an
    # escalation, never reconciled); resolved at 2h; closed with customer 2, partner 5.
    d = s.open(
        "D",
        "2026-03-03T09:00:00Z",
        "Refund stuck at partner",
        "product-defect",
        "sev2",
        "--customer",
        "acme",
        "--partner",
        "kestrel",
    )
    s.run("alex", "2026-03-03T09:30:00Z", "ack", d)
    s.run(
        "pat",
        "2026-03-03T10:00:00Z",
        "override",
        d,
        "--owner",
        "sam",
        "--tier",
        "manager",
        "--reason",
        "partner escalation desk",
    )
    s.run("sam", "2026-03-03T11:00:00Z", "resolve", d, "--summary", "refund released")
    s.run(
        "sam",
        "2026-03-03T11:30:00Z",
        "close",
        d,
        "--customer-satisfaction",
        "2",
        "--partner-satisfaction",
        "5",
    )
    s.run(
        "kim",
        "2026-03-04T08:00:00Z",
        "friction",
        "Downtime pages nobody at night",
        "--category",
        "service-downtime",
    )

    # E: in the previous window only: ack after 10m, resolved after 1h, customer score 5.
    e = s.open("E", "2026-02-27T09:00:00Z", "Login slow", "product-defect", "sev2")
    s.run("alex", "2026-02-27T09:10:00Z", "ack", e)
    s.run("alex", "2026-02-27T10:00:00Z", "resolve", e, "--summary", "cache warmed")
    s.run("alex", "2026-02-27T10:30:00Z", "close", e, "--customer-satisfaction", "5")

    # F: opened after the window ends; open now (19h old at NOW: resolution clock at risk).
    s.open(
        "F",
        "2026-03-09T05:00:00Z",
        "Search <script>alert(1)</script> broken",
        "product-defect",
        "sev2",
    )
    s.run(
        "sam",
        "2026-03-09T12:00:00Z",
        "friction",
        "Too late for the window",
        "--category",
        "product-defect",
    )
    return s


def test_scenario_builds_one_commit_per_command(tmp_path: Path) -> None:
    """The generator writes through the CLI: one commit per command, events dated by --now."""
    with isolated_env(tmp_path / "home"):
        s = build_scenario(tmp_path / "repo")
    assert set(s.ids) == set("ABCDEF")
    # init + accounts + 6 opens + 24 other commands (friction notes included)
    assert s.repo.commit_count() == 2 + 6 + 24
    assert os.listdir(s.repo.path / "friction")
    assert s.repo.git("log", "-1", "--format=%aI").strip() == "2026-03-09T12:00:00+00:00"
