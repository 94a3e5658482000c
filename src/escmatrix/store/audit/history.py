"""Reading history for `audit`, as git stores it and not as anyone would like it to look.

Every git process here runs with `GIT_NO_REPLACE_OBJECTS=1` (a `git replace` cannot show audit other
content than the commits really hold) and takes user values only after `--end-of-options`, so a
revision such as `--output=FILE` is never read as an option. The number of processes does not grow
with history: one `git log --raw` for every non-merge commit touching issues/ or matrix/, one
`git rev-list --parents` for the graph, one `git cat-file --batch` for every blob and tree it reads,
and one `git diff-tree` per parent of each merge.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from escmatrix.core.errors import GitFailure, UsageError
from escmatrix.store.git_runner import GitError, ObjectReader, sentence

if TYPE_CHECKING:
    from escmatrix.store.git import GitRepo

RS, US = "\x1e", "\x1f"
HONEST = {"GIT_NO_REPLACE_OBJECTS": "1"}


@dataclass
class Commit:
    sha: str
    parents: list[str]
    email: str
    authored: datetime
    signature: str = ""  # git's %G? (only read with --require-signed)
    signer: str = ""  # %GF: the fingerprint of the key that signed
    primary: str = ""  # %GP: its primary key (GPG)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # status, path, new blob
    merge: bool = False


class History:
    """The repository's history as audit reads it."""

    def __init__(self, repo: GitRepo) -> None:
        self.repo = repo
        prefix = repo.rel(repo.root)
        self.prefix = "" if prefix in ("", ".") else prefix + "/"
        self._objects: ObjectReader | None = None

    def git(self, *args: str, config: tuple[str, ...] = ()) -> str:
        try:
            return self.repo._run([*config, *args], env=HONEST).decode(errors="replace")
        except GitError as exc:
            raise GitFailure(f"cannot read history: {sentence(exc)}") from None

    # -- what audit can prove ----------------------------------------------------------------

    def refuse_shallow(self) -> None:
        if self.git("rev-parse", "--is-shallow-repository").strip() == "true":
            raise GitFailure(
                "this is a shallow clone (made with --depth): its oldest commits have no parents "
                "here, so audit cannot prove the history and checks none of it",
                hint="fetch the whole history with `git fetch --unshallow`, then run audit again",
            )

    def revision(self, value: str, option: str) -> str:
        """The commit `value` names; a value that looks like an option or names nothing is refused."""
        if not value or value.startswith("-"):
            raise UsageError(
                f"{option} {value!r} is not a revision",
                hint=f"give a commit id, tag or branch, e.g. {option} HEAD~20",
            )
        try:
            found = self.repo._run(
                ["rev-parse", "--verify", "-q", "--end-of-options", f"{value}^{{commit}}"],
                env=HONEST,
            )
        except GitError:
            raise UsageError(
                f"{option} {value!r} names no commit in this repository",
                hint="give a commit id, tag or branch that `git log` shows",
            ) from None
        return found.decode().strip()

    def replace_refs(self) -> list[tuple[str, str]]:
        """(replaced object, replacement) for every `git replace` in the repository."""
        out = self.git(
            "for-each-ref", "--format=%(refname:lstrip=2) %(objectname)", "refs/replace/"
        )
        return [(a, b) for a, _, b in (line.partition(" ") for line in out.splitlines()) if a]

    # -- commits -------------------------------------------------------------------------------

    def commits(
        self, since: str | None, signatures: bool, signers_file: str | None
    ) -> list[Commit]:
        """Every non-merge commit touching issues/ or matrix/, oldest first, with its raw changes
        there."""
        fmt = f"{RS}%H{US}%P{US}%ae{US}%at" + (f"{US}%G?{US}%GF{US}%GP" if signatures else "")
        config = ("-c", f"gpg.ssh.allowedSignersFile={signers_file}") if signers_file else ()
        out = self.git(
            "log",
            "--reverse",
            "--full-history",
            "--no-merges",
            "--raw",
            "--no-renames",
            "--no-abbrev",
            f"--format={fmt}",
            "--end-of-options",
            f"{since}..HEAD" if since else "HEAD",
            "--",  # no pathspec: git's history simplification for one costs more than the diffs
            config=config,
        )
        wanted = (f"{self.prefix}issues/", f"{self.prefix}matrix/")
        commits: list[Commit] = []
        for record in out.split(RS):
            if not record.strip():
                continue
            head, _, raw = record.partition("\n")
            sha, parents, email, authored, *signed = head.split(US)
            commit = Commit(
                sha, parents.split(), email.lower(), datetime.fromtimestamp(int(authored), UTC)
            )
            if signed:
                commit.signature, commit.signer, commit.primary = signed
            for line in raw.splitlines():
                if line.startswith(":"):
                    meta, _, path = line.partition("\t")
                    if path.startswith(wanted):
                        fields = meta.split()
                        commit.changes.append((fields[4], path, fields[3]))
            if commit.changes:
                commits.append(commit)
        return commits

    def merges(self, since: str | None) -> list[Commit]:
        """Every merge commit, oldest first, with what it changed against each of its parents."""
        fmt = f"%H{US}%P{US}%ae{US}%at"
        out = self.git(
            "log",
            "--reverse",
            "--merges",
            f"--format={fmt}",
            "--end-of-options",
            f"{since}..HEAD" if since else "HEAD",
        )
        merges = []
        for line in out.splitlines():
            if not line.strip():
                continue
            sha, parents, email, authored = line.split(US)
            merge = Commit(
                sha, parents.split(), email.lower(), datetime.fromtimestamp(int(authored), UTC)
            )
            merge.merge = True
            merges.append(merge)
        return merges

    def merge_changes(self, merge: Commit, parent: str) -> list[tuple[str, str, str]]:
        out = self.git(
            "diff-tree",
            "-r",
            "--raw",
            "--no-renames",
            "--no-abbrev",
            "--end-of-options",
            parent,
            merge.sha,
            "--",
            f"{self.prefix}issues",
            f"{self.prefix}matrix",
        )
        changes = []
        for line in out.splitlines():
            if line.startswith(":"):
                meta, _, path = line.partition("\t")
                fields = meta.split()
                changes.append((fields[4], path, fields[3]))
        return changes

    def matrix_trees(self) -> dict[str, list[str]]:
        """Each tree id matrix/ has had in HEAD's history, and the commits that made it so."""
        out = self.git(
            "log", "--full-history", "--format=%H %T", "HEAD", "--", f"{self.prefix}matrix"
        )
        found: dict[str, list[str]] = {}
        for line in out.splitlines():
            sha = line.split(" ")[0]
            tree = self.object_id(f"{sha}:{self.prefix}matrix")
            if tree:
                found.setdefault(tree, []).append(sha)
        return found

    # -- objects ---------------------------------------------------------------------------------

    def read(self, name: str) -> tuple[str, bytes] | None:
        """(object id, content) of what `name` names (an id or `commit:path`); None if nothing."""
        found = self._reader().read(name)
        return (found[0], found[2]) if found else None

    def read_many(self, names: list[str]) -> dict[str, bytes]:
        return self._reader().read_many(names)

    def object_id(self, name: str) -> str:
        found = self.read(name)
        return found[0] if found else ""

    def _reader(self) -> ObjectReader:
        if self._objects is None:
            self._objects = ObjectReader(self.repo.top, HONEST)
        return self._objects

    def close(self) -> None:
        if self._objects is not None:
            self._objects.close()
            self._objects = None


class Graph:
    """Ancestry over the commit graph, memoised per ancestor (matrix commits are few)."""

    def __init__(self, history: History) -> None:
        self.parents: dict[str, list[str]] = {}
        self.children: dict[str, list[str]] = {}
        for line in history.git("rev-list", "--topo-order", "--parents", "HEAD").splitlines():
            sha, *parents = line.split()
            self.parents[sha] = parents
            for p in parents:
                self.children.setdefault(p, []).append(sha)
        self._descendants: dict[str, set[str]] = {}
        self.first_parent = set(history.git("rev-list", "--first-parent", "HEAD").split())

    def is_ancestor(self, ancestor: str, commit: str, *, or_self: bool = False) -> bool:
        if or_self and ancestor == commit:
            return True
        if ancestor not in self.parents:
            return False
        seen = self._descendants.get(ancestor)
        if seen is None:
            seen, queue = set(), deque([ancestor])
            while queue:
                for child in self.children.get(queue.popleft(), []):
                    if child not in seen:
                        seen.add(child)
                        queue.append(child)
            self._descendants[ancestor] = seen
        return commit in seen
