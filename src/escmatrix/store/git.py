"""The git executable, run as a subprocess, with failures turned into sentences: `GitRepo`.

`GitRepo` is the one face the rest of escmatrix uses. It is put together from parts, each in its
own module:

- store/git_runner.py: finding the repository, running git, reading objects, `GitError`;
- store/git_trees.py: git's tree objects, edited by splicing their raw entries;
- store/git_commit.py: the steps of the plumbing commit and what git does around a commit;
- store/git_history.py: `git log`, `git blame` and the last commit that changed matrix/;
- here: who commits (`identity`), `commit_files`, the index lock, and the state `doctor` and
  `sync` ask about (uncommitted files, stale locks).

Commits are made with git's plumbing (`GitRepo.commit_files` says how and when it falls back to
`git commit`). GitPython's `repo.git` is kept for the commands that sync, audit and review, and is
imported only when one of them asks for it, so a mutating command does not pay for it.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import msgspec

from escmatrix.core.errors import GitFailure, Refused
from escmatrix.store.git_commit import (
    COMMIT_HOOKS,
    EMPTY_TREE,
    NO_COMMIT,
    SEQUENCER_STATES,
    PlumbingCommit,
    clean_subject,
    stripspace,
)
from escmatrix.store.git_history import (
    TRAILER_ACTION,
    TRAILER_ACTOR,
    TRAILER_ISSUE,
    GitHistory,
    LogEntry,
)
from escmatrix.store.git_runner import GitError

__all__ = [
    "COMMIT_HOOKS",
    "EMPTY_TREE",
    "INDEX_LOCK_WAIT_SECONDS",
    "NO_COMMIT",
    "SEQUENCER_STATES",
    "TRAILER_ACTION",
    "TRAILER_ACTOR",
    "TRAILER_ISSUE",
    "GitError",
    "GitRepo",
    "Identity",
    "LogEntry",
]

INDEX_LOCK_WAIT_SECONDS = float(os.environ.get("ESCMATRIX_LOCK_WAIT", "10"))


class Identity(msgspec.Struct, frozen=True):
    name: str | None
    email: str


class GitRepo(GitHistory, PlumbingCommit):
    """One repository's git, run in the escmatrix root (which may sit below the git top level)."""

    def identity(self) -> Identity:
        """The author git would use; refuses when no email is configured."""
        # One `git config` call; the commit that usually follows reuses it (once: a later commit
        # reads the configuration again, so a changed identity is seen).
        self._settings = settings = self._read_settings()
        email = os.environ.get("GIT_AUTHOR_EMAIL") or settings.get("user.email")
        name = os.environ.get("GIT_AUTHOR_NAME")
        if not email:
            raise Refused(
                "no git identity: git has no user.email, so escmatrix cannot tell who is acting",
                hint="run `git config user.email you@example.com` with the email your entry in "
                "matrix/people.yaml has",
            )
        if name is None:
            name = settings.get("user.name")
        return Identity(name, email.strip())

    def uncommitted(self, paths: list[Path]) -> list[Path]:
        """Those of `paths` that are untracked or staged but not committed."""
        out = self._run(
            ["status", "--porcelain", "-z", "--untracked-files=all", "--"]
            + [self.rel(p) for p in paths]
        )
        dirty = {
            record[3:]
            for record in out.decode(errors="surrogateescape").split("\0")
            if record[:2] in ("??", "A ", "AM")
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
        lock = self.index_file.with_name(self.index_file.name + ".lock")
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

    def _refuse_detached(self) -> None:
        """A commit on a detached HEAD belongs to no branch: `git switch` would leave it behind."""
        try:
            head = (self.git_dir / "HEAD").read_text(encoding="utf-8")
        except OSError:
            return  # git will say what is wrong
        if not head.startswith("ref:"):
            raise Refused(
                "HEAD is detached (no branch is checked out): a commit here would be left behind "
                "by the next `git switch`; nothing was recorded",
                hint="git switch main (or `git switch -c NAME` to keep this state), then run the "
                "command again",
            )

    def commit_files(
        self,
        paths: list[Path],
        subject: str,
        body: str,
        trailers: dict[str, str],
        identity: Identity | None = None,
        at: datetime | None = None,
    ) -> str:
        """Stage exactly `paths` and make one commit of them; on failure unstage them and raise.

        Anything else already staged makes this refuse, and is left staged. The commit is made
        with plumbing: `hash-object` writes the files' blobs, the new trees are HEAD's trees
        with those entries put in (written with `hash-object -t tree`, so what the user has
        staged can never end up in it), `commit-tree` writes the commit, `update-index` stages
        the files (before the branch moves: an interrupted command leaves them staged, for
        `escmatrix doctor`), and `update-ref` moves HEAD only if it still is the parent, so a
        concurrent commit makes this fail instead of being lost. The index is read and written
        once, where `git add` and `git commit` read it twice, write it twice and stat every file.

        `git commit` itself is used instead when the repository has a commit hook (pre-commit,
        prepare-commit-msg, commit-msg, post-commit), when a merge, cherry-pick or revert is in
        progress, when a path is not a plain non-executable file, or when the repository does
        not use SHA-1 ids: there git's own rules apply, at git's own speed. With
        `commit.gpgSign` set the commit is signed (`commit-tree -S`), as `git commit` would.
        """
        rel = [self.rel(p) for p in paths]
        message = stripspace(
            clean_subject(subject)
            + "\n\n"
            + (body.strip() + "\n\n" if body.strip() else "")
            + "\n".join(f"{k}: {v}" for k, v in trailers.items())
            + "\n"
        )
        env: dict[str, str] = {}
        if at is not None:  # a fixed clock (--now) dates the commit too, so history matches events
            stamp = at.strftime("%Y-%m-%dT%H:%M:%S+0000")
            env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        if identity is not None:
            env |= {"GIT_AUTHOR_EMAIL": identity.email, "GIT_COMMITTER_EMAIL": identity.email}
            if identity.name:
                env |= {"GIT_AUTHOR_NAME": identity.name, "GIT_COMMITTER_NAME": identity.name}
        self._refuse_detached()
        settings, self._settings = self._settings or self._read_settings(), None
        self._wait_for_index_lock()
        head, base = self._head()
        listing = self._check_staged(head)  # git lists what is staged while this goes on
        if self._needs_porcelain(paths):
            return self._commit_porcelain(rel, message, env, listing)
        commit = self._commit_plumbing(rel, head, base, message, env, settings, listing)
        self._maintain(settings)
        return commit
