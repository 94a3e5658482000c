"""Helpers shared by the foundation tests: a repository under test and the CLI driven against it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from escmatrix.cli.app import app


def executable() -> list[str]:
    """The installed console script next to this interpreter (not a version manager's shim,
    which costs a few hundred ms a call), else the one on PATH, else `python -m escmatrix`."""
    script = Path(sys.executable).with_name("escmatrix")
    if script.exists():
        return [str(script)]
    found = shutil.which("escmatrix")
    return [found] if found else [sys.executable, "-m", "escmatrix"]


T0 = "2026-03-02T09:00:00Z"  # a Monday
TIMES = [
    "2026-03-02T09:00:00Z",
    "2026-03-02T09:05:00Z",
    "2026-03-02T09:20:00Z",
    "2026-03-02T09:40:00Z",
    "2026-03-02T11:00:00Z",
    "2026-03-02T12:30:00Z",
    "2026-03-02T13:10:00Z",
    "2026-03-02T14:00:00Z",
]

PEOPLE = {
    "alex": ("alex@example.com", "Alex Doe"),
    "sam": ("sam@example.com", "Sam Roe"),
    "kim": ("kim@example.com", "Kim Lee"),
    "pat": ("pat@example.com", "Pat Kay"),
    "jo": ("jo@example.com", "Jo Park"),
}

# Variables that would let the machine's git or escmatrix settings leak into a test.
LEAKY_ENV = (
    "ESCMATRIX_NOW",
    "ESCMATRIX_REPO",
    "ESCMATRIX_TZ",
    "ESCMATRIX_DEBUG",
    "TZ",
    "EMAIL",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_CEILING_DIRECTORIES",
    "FORCE_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
)


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run the real git executable in `cwd` and return its stdout."""
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stdout}{done.stderr}")
    return done.stdout


def init_git(path: Path, person: str = "alex") -> None:
    """`git init -b main` with the person's identity in the repository's local config."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    email, name = PEOPLE[person]
    git(path, "config", "user.email", email)
    git(path, "config", "user.name", name)


def snapshot(root: Path) -> dict[str, str]:
    """Every file under `root` (git's own folder included) with a hash of its bytes."""
    found: dict[str, str] = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@dataclass
class Repo:
    """A repository under test, with the CLI (in process) and git (the executable) aimed at it."""

    path: Path
    runner: CliRunner = field(default_factory=CliRunner)

    # -- the CLI --------------------------------------------------------------------------------

    def cli(self, *args: str, now: str | None = T0, input: str | None = None) -> Result:
        """Invoke `escmatrix --repo PATH [--now NOW] ARGS...` in this process."""
        prefix = ["--repo", str(self.path)]
        if now is not None:
            prefix += ["--now", now]
        return self.runner.invoke(app, [*prefix, *args], input=input)

    def ok(self, *args: str, now: str | None = T0) -> Result:
        """Invoke and require success."""
        result = self.cli(*args, now=now)
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output, result.output
        return result

    def json(self, *args: str, now: str | None = T0) -> Any:
        """Invoke with `--format json` and parse stdout."""
        result = self.ok(*args, "--format", "json", now=now)
        return json.loads(result.stdout)

    def imports(self, *args: str, now: str) -> tuple[str, set[str]]:
        """Run `escmatrix --now NOW ARGS...` in a fresh Python in the repository: its stdout, and
        every module it had imported by the end (what a command loads on its path)."""
        probe = (
            "import sys\n"
            "from escmatrix.cli.app import main\n"
            f"sys.argv = ['escmatrix', '--now', {now!r}, *{list(args)!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('\\n'.join(sys.modules), file=sys.stderr)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=self.path, capture_output=True, text=True, check=True
        )
        return done.stdout, set(done.stderr.split())

    def open(
        self,
        title: str = "Checkout returns 500",
        category: str = "product-defect",
        severity: str = "sev2",
        *extra: str,
        now: str = T0,
    ) -> str:
        """Open an issue and return its full id."""
        data = self.json(
            "open",
            "--title",
            title,
            "--category",
            category,
            "--severity",
            severity,
            *extra,
            now=now,
        )
        issue_id = data["id"]
        assert isinstance(issue_id, str)
        return issue_id

    def show(self, issue_id: str, now: str = T0) -> dict[str, Any]:
        data = self.json("show", issue_id, now=now)
        assert isinstance(data, dict)
        return data

    # -- git and files --------------------------------------------------------------------------

    def git(self, *args: str, check: bool = True) -> str:
        return git(self.path, *args, check=check)

    def identify(self, person: str) -> None:
        email, name = PEOPLE[person]
        self.git("config", "user.email", email)
        self.git("config", "user.name", name)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def commit_count(self) -> int:
        return int(self.git("rev-list", "--count", "HEAD").strip())

    def trailers(self, rev: str = "HEAD") -> dict[str, str]:
        """The Escmatrix-* trailers of one commit, read back by git itself."""
        text = self.git("log", "-1", "--format=%(trailers:only,unfold)", rev)
        pairs = (line.split(": ", 1) for line in text.splitlines() if ": " in line)
        return {key: value for key, value in pairs}

    def changed_in(self, rev: str = "HEAD") -> list[str]:
        """Paths the commit `rev` touched."""
        out = self.git("show", "--name-only", "--format=", rev)
        return [line for line in out.splitlines() if line]

    def status(self) -> str:
        return self.git("status", "--porcelain", "--untracked-files=all")

    def event_files(self, issue_id: str | None = None) -> list[str]:
        """Event files under issues/ (or one issue's folder), as paths relative to the repo."""
        base = self.path / "issues" / issue_id if issue_id else self.path / "issues"
        if not base.is_dir():
            return []
        return sorted(str(p.relative_to(self.path)) for p in base.rglob("*.yaml") if p.is_file())

    def all_issue_paths(self) -> list[str]:
        """Every file and folder under issues/ (to prove nothing was written)."""
        base = self.path / "issues"
        return sorted(str(p.relative_to(self.path)) for p in base.rglob("*"))

    def edit(self, relative: str, old: str, new: str, count: int = 1) -> None:
        """Replace text in a repository file; the old text must be there."""
        path = self.path / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    def line_of(self, relative: str, needle: str) -> int:
        """1-based number of the first line of a file containing `needle`."""
        lines = (self.path / relative).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if needle in line:
                return number
        raise AssertionError(f"{needle!r} not in {relative}")
