"""The matrix at a git revision, read with `git show REV:./matrix/<kind>.yaml`.

GitPython is imported inside the functions that run git, so importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from escmatrix.core.errors import EscmatrixError, GitFailure, InvalidInput, UsageError
from escmatrix.core.matrix import MATRIX_FILES, Matrix
from escmatrix.core.routing import IssueFacts
from escmatrix.store.issues import IssueStore
from escmatrix.store.matrix_loader import load_matrix
from escmatrix.store.yamlio import decode_utf8

DEFAULT_BRANCHES = ("origin/main", "main", "origin/master", "master")


def _git(root: Path) -> Any:
    import git

    return git.Git(str(root))


def _sentence(exc: Exception) -> str:
    text = str(getattr(exc, "stderr", "") or exc)
    lines = [ln.strip().removeprefix("stderr: ").strip("'").strip() for ln in text.splitlines()]
    return "; ".join(ln for ln in lines if ln) or "git failed"


def resolve_revision(root: Path, rev: str) -> str:
    """The full commit id `rev` names, or a usage error saying it names none."""
    import git

    if rev.startswith("-"):
        raise UsageError(f"{rev!r} is not a revision", hint="name a branch, tag or commit")
    try:
        return str(_git(root).rev_parse("--verify", "--quiet", f"{rev}^{{commit}}")).strip()
    except git.GitCommandError:
        raise UsageError(
            f"{rev!r} names no commit in this repository",
            hint="give a branch, tag or commit id, e.g. main or HEAD~1",
        ) from None
    except git.GitCommandNotFound:
        raise GitFailure("the git executable was not found", hint="install git") from None


def default_base(root: Path) -> tuple[str, str]:
    """The merge base of HEAD with the default branch: (commit, how it was chosen)."""
    import git

    g = _git(root)
    try:
        g.rev_parse("--verify", "--quiet", "HEAD^{commit}")
    except git.GitCommandError:
        raise UsageError(
            "this repository has no commits yet, so there is nothing to compare with",
            hint="commit the matrix first, or name the revisions: `escmatrix diff BASE HEAD`",
        ) from None
    candidates: list[str] = []
    with contextlib.suppress(git.GitCommandError):
        candidates.append(
            str(g.symbolic_ref("--quiet", "--short", "refs/remotes/origin/HEAD")).strip()
        )
    candidates += DEFAULT_BRANCHES
    for branch in candidates:
        try:
            g.rev_parse("--verify", "--quiet", f"{branch}^{{commit}}")
        except git.GitCommandError:
            continue
        try:
            base = str(g.merge_base("HEAD", branch)).strip()
        except git.GitCommandError:
            continue
        return base, f"merge base of HEAD and {branch}"
    raise UsageError(
        "cannot find the default branch to compare with (tried origin/HEAD, main, master)",
        hint="name the base revision: `escmatrix diff BASE [HEAD]`",
    )


def describe(root: Path, commit: str) -> str:
    """'a1b2c3d subject' for a heading."""
    import git

    try:
        return str(_git(root).log("-1", "--format=%h %s", commit)).strip()
    except git.GitCommandError:
        return commit[:10]


def matrix_at(root: Path, commit: str) -> Matrix:
    """The matrix as committed in `commit`, validated like the working tree's."""
    import git

    g = _git(root)
    with tempfile.TemporaryDirectory(prefix="escmatrix-rev-") as tmp:
        folder = Path(tmp) / "matrix"
        folder.mkdir()
        found = 0
        for kind in MATRIX_FILES:
            name = f"matrix/{kind}.yaml"
            try:
                data: bytes = g.show(f"{commit}:./{name}", stdout_as_string=False)
            except git.GitCommandError:
                continue  # absent at that revision: the loader says whether that is allowed
            (folder / f"{kind}.yaml").write_text(decode_utf8(data, name), encoding="utf-8")
            found += 1
        if not found:
            raise UsageError(
                f"there is no matrix/ at {commit[:10]}",
                hint="compare revisions that have the matrix",
            )
        try:
            return load_matrix(Path(tmp))
        except InvalidInput as exc:
            raise InvalidInput(
                exc.problems, summary=f"the matrix at {commit[:10]} is invalid"
            ) from None


@dataclass(frozen=True)
class MatrixPair:
    """The two matrices a diff compares, and how each side was chosen."""

    before: Matrix
    after: Matrix
    base: str
    base_label: str
    head: str | None
    head_label: str


def load_pair(root: Path, base: str | None, head: str | None) -> MatrixPair:
    """BASE defaults to the merge base with the default branch; HEAD to the working tree."""
    if base is None:
        base_commit, how = default_base(root)
        base_label = f"{describe(root, base_commit)} ({how})"
    else:
        base_commit = resolve_revision(root, base)
        base_label = f"{base} ({describe(root, base_commit)})"
    before = matrix_at(root, base_commit)
    if head is None:
        try:
            after = load_matrix(root)
        except InvalidInput as exc:
            raise InvalidInput(
                exc.problems, summary="the working tree's matrix is invalid"
            ) from None
        return MatrixPair(before, after, base_commit, base_label, None, "the working tree")
    head_commit = resolve_revision(root, head)
    after = matrix_at(root, head_commit)
    return MatrixPair(
        before,
        after,
        base_commit,
        base_label,
        head_commit,
        f"{head} ({describe(root, head_commit)})",
    )


def issue_facts(root: Path) -> list[tuple[str, IssueFacts]]:
    """The facts of every readable issue in the working tree, labelled by id and title."""
    store = IssueStore(root)
    out = []
    for issue_id in store.issue_ids():
        try:
            state = store.load(issue_id)
        except EscmatrixError:
            continue  # validate reports broken issues; a probe needs only the readable ones
        facts = IssueFacts(
            state.category,
            None if state.impact else state.severity,
            dict(state.impact),
            state.customer,
            state.partner,
            tuple(state.tags),
        )
        out.append((f"issue {issue_id} “{state.title}”", facts))
    return out
