"""The git executable, through GitPython's `repo.git`, with failures turned into sentences.

GitPython is imported here, lazily, so `--help`, `validate` and read commands stay light.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escmatrix.errors import GitFailure, Refused

if TYPE_CHECKING:
    pass

INDEX_LOCK_WAIT_SECONDS = float(os.environ.get("ESCMATRIX_LOCK_WAIT", "10"))

TRAILER_ISSUE = "Escmatrix-Issue"
TRAILER_ACTION = "Escmatrix-Action"
TRAILER_ACTOR = "Escmatrix-Actor"


@dataclass(frozen=True)
class Identity:
    name: str | None
    email: str


@dataclass(frozen=True)
class LogEntry:
    commit: str
    author: str
    email: str
    at: datetime
    subject: str
    action: str
    actor: str


def _clean_subject(text: str) -> str:
    """A one-line, control-free subject; the event file keeps the exact text."""
    out = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return out if len(out) <= 72 else out[:71] + "…"


def _sentence(exc: Exception) -> str:
    stderr = getattr(exc, "stderr", "") or str(exc)
    lines = [ln.strip() for ln in str(stderr).splitlines() if ln.strip()]
    lines = [ln.removeprefix("stderr: ").strip("'").strip() for ln in lines]
    return "; ".join(ln for ln in lines if ln) or "git failed"


class GitRepo:
    """One repository's git, run in the escmatrix root (which may sit below the git top level)."""

    def __init__(self, root: Path) -> None:
        import git

        self.root = root
        try:
            self._repo = git.Repo(root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise GitFailure(
                f"{root} is not inside a git repository",
                hint="run `git init` there, or `escmatrix init DIR` to lay out a new one",
            ) from None
        self.git: Any = self._repo.git  # runs in the top level of the work tree
        self.git_dir = Path(self._repo.git_dir)
        self.top = Path(self._repo.working_tree_dir or root)

    def rel(self, path: Path) -> str:
        """A path as git names it: relative to the top of the work tree, with forward slashes."""
        return path.resolve().relative_to(self.top.resolve()).as_posix()

    # -- reading ---------------------------------------------------------------------------

    def identity(self) -> Identity:
        """The author git would use; refuses when no email is configured."""
        import git

        email = os.environ.get("GIT_AUTHOR_EMAIL")
        name = os.environ.get("GIT_AUTHOR_NAME")
        try:
            email = email or self.git.config("--get", "user.email")
        except git.GitCommandError:
            email = None
        if not email:
            raise Refused(
                "no git identity: git has no user.email, so escmatrix cannot tell who is acting",
                hint="run `git config user.email you@example.com` with the email your entry in "
                "matrix/people.yaml has",
            )
        if name is None:
            try:
                name = self.git.config("--get", "user.name")
            except git.GitCommandError:
                name = None
        return Identity(name, email.strip())

    def matrix_commit(self) -> str:
        """The last commit that changed matrix/ (what decisions are made under), cached by tree id.

        Unlike HEAD, this survives a rebase of the event commits made on top of it.
        """
        import json

        import git

        try:
            tree = self._repo.head.commit.tree
        except ValueError:
            return ""
        rel = self.rel(self.root / "matrix")
        try:
            tree_id = str(tree[rel].hexsha)
        except KeyError:
            return ""
        cache = self.git_dir / "escmatrix" / "matrix-commit.json"
        try:
            known = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        if isinstance(known, dict) and isinstance(known.get(tree_id), str):
            return str(known[tree_id])
        try:
            commit = str(self.git.rev_list("-1", "HEAD", "--", rel)).strip()
        except git.GitCommandError:
            return ""
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({tree_id: commit}), encoding="utf-8")
        os.replace(tmp, cache)
        return commit

    def head(self) -> str:
        """HEAD's commit id, or '' in a repository with no commits yet."""
        try:
            return str(self._repo.head.commit.hexsha)
        except ValueError:
            return ""

    def log(self, path: str) -> list[LogEntry]:
        """History of one path with one `git log` call, oldest first."""
        import git

        fmt = (
            "%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1f%(trailers:key="
            + TRAILER_ACTION
            + ",valueonly,separator=%x2c)%x1f%(trailers:key="
            + TRAILER_ACTOR
            + ",valueonly,separator=%x2c)%x1e"
        )
        try:
            out = self.git.log("--reverse", f"--format={fmt}", "--", self.rel(self.root / path))
        except git.GitCommandError as exc:
            if "does not have any commits" in _sentence(exc):
                return []
            raise GitFailure(f"git log failed: {_sentence(exc)}") from None
        entries = []
        for record in out.split("\x1e"):
            fields = record.strip("\n").split("\x1f")
            if len(fields) < 7:
                continue
            sha, author, email, when, subject, action, actor = fields[:7]
            entries.append(
                LogEntry(
                    sha,
                    author,
                    email,
                    datetime.fromisoformat(when),
                    subject,
                    action.strip(),
                    actor.strip(),
                )
            )
        return entries

    # -- writing ---------------------------------------------------------------------------

    def uncommitted(self, paths: list[Path]) -> list[Path]:
        """Those of `paths` that are untracked or staged but not committed."""
        out = self.git.status(
            "--porcelain", "--untracked-files=all", "--", *[self.rel(p) for p in paths]
        )
        dirty = {
            line[3:].strip().strip('"')
            for line in out.splitlines()
            if line[:2] in ("??", "A ", "AM")
        }
        return [p for p in paths if self.rel(p) in dirty]

    def stale_locks(self, older_than: float = 2.0) -> list[str]:
        """Remove lock files a killed git left behind (index, HEAD, branch refs).

        Git holds these for milliseconds; one still there `older_than` seconds later, while our
        own lock keeps every escmatrix command out, belongs to a process that is gone.
        """
        candidates = [
            self.git_dir / "index.lock",
            self.git_dir / "HEAD.lock",
            self.git_dir / "packed-refs.lock",
            *(self.git_dir / "refs").rglob("*.lock"),
        ]
        removed: list[str] = []
        for lock in candidates:
            try:
                age = time.time() - lock.stat().st_mtime
            except OSError:
                continue
            if age < older_than:
                time.sleep(older_than - age)
                if not lock.exists():
                    continue
            lock.unlink(missing_ok=True)
            removed.append(
                f"removed a stale git lock {lock.relative_to(self.git_dir)} left by a killed git"
            )
        return removed

    def _wait_for_index_lock(self) -> None:
        lock = self.git_dir / "index.lock"
        deadline = time.monotonic() + INDEX_LOCK_WAIT_SECONDS
        while lock.exists():
            if time.monotonic() >= deadline:
                raise GitFailure(
                    f"git's index is locked ({lock}) and stayed locked for "
                    f"{INDEX_LOCK_WAIT_SECONDS:g} s",
                    hint="another git command is running; if none is, a crashed one left the "
                    "lock behind: remove that file and run the command again",
                )
            time.sleep(0.05)

    def commit_files(
        self,
        paths: list[Path],
        subject: str,
        body: str,
        trailers: dict[str, str],
        identity: Identity | None = None,
        at: datetime | None = None,
    ) -> str:
        """Stage exactly `paths` and make one commit; on failure unstage them and raise."""
        import git

        rel = [self.rel(p) for p in paths]
        self._wait_for_index_lock()
        try:
            staged = self.git.diff("--cached", "--name-only")
        except git.GitCommandError:
            staged = ""  # no HEAD yet: nothing to compare against
        others = [name for name in staged.splitlines() if name and name not in rel]
        if others:
            names = ", ".join(others[:5])
            raise Refused(
                f"other changes are staged in git ({names}); escmatrix commits only its own files",
                hint="commit or unstage them first (`git restore --staged PATH`)",
            )
        message = _clean_subject(subject) + "\n\n" + (body.strip() + "\n\n" if body.strip() else "")
        message += "\n".join(f"{k}: {v}" for k, v in trailers.items()) + "\n"
        env: dict[str, str] = {}
        if at is not None:  # a fixed clock (--now) dates the commit too, so history matches events
            stamp = at.strftime("%Y-%m-%dT%H:%M:%S+0000")
            env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        if identity is not None:
            env |= {"GIT_AUTHOR_EMAIL": identity.email, "GIT_COMMITTER_EMAIL": identity.email}
            if identity.name:
                env |= {"GIT_AUTHOR_NAME": identity.name, "GIT_COMMITTER_NAME": identity.name}
        try:
            self.git.add("--", *rel)
            self.git.commit("-q", "-m", message, env=env or None)
        except git.GitCommandError as exc:
            try:
                self.git.reset("-q", "--", *rel)
            except git.GitCommandError:
                self.git.rm("-q", "--cached", "--ignore-unmatch", "--", *rel)
            raise GitFailure(
                f"git refused the commit: {_sentence(exc)}",
                hint="nothing was recorded; fix the cause and run the command again",
            ) from None
        return self.head()
