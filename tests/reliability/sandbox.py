"""The installed `escmatrix` executable and git, run in subprocesses under an isolated environment.

The reliability tests and the bad-input corpus drive the real command line, as a responder's shell
would: one process per command, its exit code, stdout and stderr kept for the assertions.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support import LEAKY_ENV, PEOPLE, executable

T0 = "2026-03-02T09:00:00Z"  # a Monday, the clock every scenario starts from


@dataclass(frozen=True)
class Run:
    """One finished process: what was asked, how it ended and what it printed."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def crashed(self) -> bool:
        """A bug rather than a refusal: a traceback or the 'internal error' exit (70)."""
        return self.code == 70 or "Traceback (most recent call last)" in self.output

    def describe(self) -> str:
        return (
            f"$ escmatrix {' '.join(self.args)}\n-> exit {self.code} in {self.seconds:.2f}s\n"
            f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}"
        )


class Sandbox:
    """An isolated HOME and environment: no global git config, no escmatrix variables."""

    def __init__(self, base: Path, lock_wait: float | None = None) -> None:
        self.home = base / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        empty = self.home / ".gitconfig-empty"
        empty.write_text("")
        env = {k: v for k, v in os.environ.items() if k not in LEAKY_ENV}
        env |= {
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "GIT_CONFIG_GLOBAL": str(empty),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "COLUMNS": "300",
            "LC_ALL": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env.pop("ESCMATRIX_LOCK_WAIT", None)
        if lock_wait is not None:
            env["ESCMATRIX_LOCK_WAIT"] = f"{lock_wait:g}"
        self.env = env

    # -- escmatrix ------------------------------------------------------------------------------

    def command(self, repo: Path, args: tuple[str, ...], now: str | None) -> list[str]:
        prefix = ["--repo", str(repo)] + (["--now", now] if now else [])
        return [*executable(), *prefix, *args]

    def run(
        self, repo: Path, *args: str, now: str | None = T0, timeout: float = 120, **extra: str
    ) -> Run:
        """Run `escmatrix --repo REPO [--now NOW] ARGS...` to completion."""
        env = self.env | extra if extra else self.env
        start = time.monotonic()
        done = subprocess.run(
            self.command(repo, args, now),
            cwd=repo,
            env=env,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        return Run(
            tuple(args),
            done.returncode,
            done.stdout.decode("utf-8", "backslashreplace"),
            done.stderr.decode("utf-8", "backslashreplace"),
            time.monotonic() - start,
        )

    def ok(self, repo: Path, *args: str, now: str | None = T0) -> Run:
        """Run and require exit 0."""
        result = self.run(repo, *args, now=now)
        assert result.code == 0, result.describe()
        return result

    def popen(self, repo: Path, *args: str, now: str | None = T0) -> subprocess.Popen[bytes]:
        """Start a command in its own process group (so a test can kill it and its git)."""
        return subprocess.Popen(
            self.command(repo, args, now),
            cwd=repo,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )

    # -- git ------------------------------------------------------------------------------------

    def git(self, cwd: Path, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=self.env, capture_output=True, text=True, timeout=60
        )
        if check and done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def identify(self, repo: Path, person: str) -> None:
        email, name = PEOPLE[person]
        self.git(repo, "config", "user.email", email)
        self.git(repo, "config", "user.name", name)

    def new_repo(self, path: Path, person: str = "alex") -> Path:
        """`git init` with the person's identity, then `escmatrix init` (the starter matrix)."""
        path.mkdir(parents=True)
        self.git(path, "init", "-q", "-b", "main")
        self.identify(path, person)
        self.ok(path, "init", str(path), now=None)
        return path

    def clone(self, origin: Path, path: Path, person: str) -> Path:
        self.git(origin.parent, "clone", "-q", str(origin), str(path))
        self.identify(path, person)
        return path

    def open_issue(self, repo: Path, title: str, now: str = T0, *extra: str) -> str:
        """Open a product defect and return its id."""
        import json

        result = self.ok(
            repo,
            "open",
            "--title",
            title,
            "--category",
            "product-defect",
            "--severity",
            "sev2",
            *extra,
            "--format",
            "json",
            now=now,
        )
        issue_id = json.loads(result.stdout)["id"]
        assert isinstance(issue_id, str)
        return issue_id

    def commit_count(self, repo: Path) -> int:
        return int(self.git(repo, "rev-list", "--count", "HEAD").strip())

    def status(self, repo: Path) -> str:
        return self.git(repo, "status", "--porcelain", "--untracked-files=all")


def commands_available() -> set[str]:
    """The subcommands the installed escmatrix offers (sync, doctor, audit may not exist yet)."""
    done = subprocess.run(
        [*executable(), "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=os.environ | {"COLUMNS": "300"},
    )
    names = set()
    for line in done.stdout.splitlines():
        parts = line.strip("│ ").split()
        if parts:
            names.add(parts[0])
    return names
