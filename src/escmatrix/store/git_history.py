"""What git remembers: a path's history (`git log`), its lines' commits (`git blame`), and the
last commit that changed matrix/."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from escmatrix.core.errors import GitFailure
from escmatrix.store.git_runner import GitError, GitRunner, sentence

if TYPE_CHECKING:  # the events module builds pydantic models: `list` and `show` never need it
    from escmatrix.core.stamps import MatrixRef

# The trailers escmatrix writes in its commit messages; `GitHistory.log` reads two back.
TRAILER_ISSUE = "Escmatrix-Issue"
TRAILER_ACTION = "Escmatrix-Action"
TRAILER_ACTOR = "Escmatrix-Actor"


class LogEntry(msgspec.Struct, frozen=True):
    commit: str
    author: str
    email: str
    at: datetime
    subject: str
    action: str
    actor: str
    files: tuple[str, ...] = ()  # what the commit changed under the path asked for
    note: str = ""  # e.g. why action and actor come from the event files, not the trailers


class GitHistory(GitRunner):
    """Reading the history of the repository."""

    def head_time(self) -> datetime | None:
        """HEAD's committer date (None before the first commit): the newest time git knows here."""
        found = self._read("HEAD")
        if found is None or found[1] != "commit":
            return None
        for line in found[2].split(b"\n\n", 1)[0].split(b"\n"):
            if line.startswith(b"committer "):
                stamp = line.rsplit(b" ", 2)[1]
                return datetime.fromtimestamp(int(stamp), UTC) if stamp.isdigit() else None
        return None

    def matrix_commit(self) -> str:
        """The last commit that changed matrix/ (a hint; `matrix_ref` names the matrix by content)."""
        return self.matrix_ref().commit

    def matrix_ref(self) -> MatrixRef:
        """The matrix decisions are made under: the tree id of HEAD's matrix/ (kept by rebase and
        cherry-pick) and the last commit that changed it, cached by tree id."""
        import json

        from escmatrix.core.stamps import MatrixRef

        rel = self.rel(self.root / "matrix")
        found = self._read(f"HEAD:{rel}")
        if found is None or found[1] != "tree":
            return MatrixRef()
        tree_id = found[0]
        cache = self.git_dir / "escmatrix" / "matrix-commit.json"
        try:
            known = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        if isinstance(known, dict) and isinstance(known.get(tree_id), str):
            return MatrixRef(str(known[tree_id]), tree_id)
        try:
            commit = self._run(["rev-list", "-1", "HEAD", "--", rel]).decode().strip()
        except GitError:
            return MatrixRef("", tree_id)
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({tree_id: commit}), encoding="utf-8")
            os.replace(tmp, cache)
        except OSError:
            pass  # a read-only checkout: the answer stands, only the shortcut is lost
        return MatrixRef(commit, tree_id)

    def log(self, path: str) -> list[LogEntry]:
        """History of one path with one `git log` call, oldest first."""
        fmt = (
            "%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1f%(trailers:key="
            + TRAILER_ACTION
            + ",valueonly,separator=%x2c)%x1f%(trailers:key="
            + TRAILER_ACTOR
            + ",valueonly,separator=%x2c)%x1f"
        )
        try:
            raw = self._run(
                [
                    "log",
                    "--reverse",
                    "--name-only",
                    f"--format={fmt}",
                    "--",
                    self.rel(self.root / path),
                ]
            )
        except GitError as exc:
            if "does not have any commits" in sentence(exc):
                return []
            raise GitFailure(f"git log failed: {sentence(exc)}") from None
        entries = []
        for record in raw.decode(errors="replace").split("\x1e"):
            fields = record.strip("\n").split("\x1f")
            if len(fields) < 7:
                continue
            sha, author, email, when, subject, action, actor = fields[:7]
            files = tuple(line for line in "\x1f".join(fields[7:]).splitlines() if line.strip())
            entries.append(
                LogEntry(
                    sha,
                    author,
                    email,
                    datetime.fromisoformat(when),
                    subject,
                    action.strip(),
                    actor.strip(),
                    files,
                )
            )
        return entries

    def blame(self, path: Path) -> str | None:
        """`git blame --line-porcelain` of a file; None when git cannot tell (no commits yet,
        the file not tracked)."""
        try:
            return self._run(["blame", "--line-porcelain", "--", self.rel(path)]).decode(
                errors="replace"
            )
        except GitError:
            return None
