"""`escmatrix sync`: fetch, rebase local commits onto the upstream, push; retry when overtaken.

Event files are new files named uniquely, so a rebase of event commits never conflicts; a real
conflict (two people edited the same matrix file) stops the rebase where `git status` explains it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from escmatrix.core.errors import GitFailure, Refused
from escmatrix.store.issues import EVENT_NAME

if TYPE_CHECKING:
    from escmatrix.store.git import GitRepo


@dataclass
class Incoming:
    new_issues: list[str] = field(default_factory=list)
    escalations: list[str] = field(default_factory=list)
    updated: dict[str, int] = field(default_factory=dict)  # issue id -> new events
    matrix_changed: list[str] = field(default_factory=list)


@dataclass
class SyncResult:
    upstream: str
    attempts: int
    pushed: bool
    incoming: Incoming
    before: str
    after: str


def _upstream(repo: GitRepo, remote: str | None) -> tuple[str, str]:
    """The remote and branch to sync with: the upstream if set, else REMOTE/<current branch>."""
    import git

    try:
        branch = str(repo.git.symbolic_ref("--short", "HEAD")).strip()
    except git.GitCommandError:
        raise Refused("HEAD is detached: sync works on a branch", hint="git switch main") from None
    if remote is None:
        try:
            upstream = str(
                repo.git.rev_parse("--abbrev-ref", "--symbolic-full-name", "@{u}")
            ).strip()
            name, _, remote_branch = upstream.partition("/")
            return name, remote_branch
        except git.GitCommandError:
            remote = "origin"
    remotes = str(repo.git.remote()).split()
    if remote not in remotes:
        raise Refused(
            f"no remote named {remote!r} to sync with",
            hint="add one with `git remote add origin URL`"
            if not remotes
            else f"remotes: {', '.join(remotes)}",
        )
    return remote, branch


def _rev(repo: GitRepo, ref: str) -> str | None:
    import git

    try:
        return str(repo.git.rev_parse("--verify", "-q", ref + "^{commit}")).strip() or None
    except git.GitCommandError:
        return None


def _incoming(repo: GitRepo, old: str | None, new: str | None, root_rel: str) -> Incoming:
    found = Incoming()
    if new is None or old == new:
        return found
    spec = [f"{old}..{new}"] if old else [new]
    prefix = f"{root_rel}/" if root_rel not in ("", ".") else ""
    out = str(
        repo.git.log(
            "--format=",
            "--name-status",
            "--no-renames",
            *spec,
            "--",
            f"{prefix}issues",
            f"{prefix}matrix",
        )
    )
    for line in out.splitlines():
        status, _, path = line.partition("\t")
        rel = path[len(prefix) :] if path.startswith(prefix) else path
        parts = rel.split("/")
        if parts[0] == "matrix":
            found.matrix_changed.append(rel)
            continue
        match = EVENT_NAME.match(parts[-1]) if len(parts) == 3 and status == "A" else None
        if match is None:
            continue
        issue, kind = parts[1], match[3]
        if kind == "opened":
            found.new_issues.append(issue)
        elif kind == "escalated":
            found.escalations.append(issue)
        found.updated[issue] = found.updated.get(issue, 0) + 1
    return found


def _refuse_rewritten(repo: GitRepo, tracking: str, seen: str | None, now: str | None) -> None:
    """Stop when the remote's branch no longer contains what this clone last saw there (and what
    it pushed): pushed history was rewritten, and rebasing onto it would carry that on."""
    import git

    if seen is None or now is None or seen == now:
        return
    try:
        repo.git.merge_base("--is-ancestor", seen, now)
    except git.GitCommandError as exc:
        if exc.status != 1:
            return  # git could not tell (an object missing); the rebase will say what is wrong
        raise Refused(
            f"sync stopped: {tracking} no longer contains commit {seen[:10]}, which this clone saw "
            "there before: pushed history was rewritten (an amend, rebase or filter-branch, then a "
            "force-push). Nothing was changed here.",
            hint=f"see what changed with `escmatrix audit --against {tracking}` and "
            f"`git range-diff {seen[:10]}...{tracking}`; restore the branch on the server, or "
            "agree on the new history before syncing",
        ) from None


def sync(repo: GitRepo, remote: str | None, attempts: int = 5) -> SyncResult:
    """Fetch, rebase and push, retrying on a non-fast-forward up to `attempts` times."""
    import git

    name, remote_branch = _upstream(repo, remote)
    tracking = f"{name}/{remote_branch}"
    before_upstream = _rev(repo, f"refs/remotes/{tracking}")
    before = _rev(repo, "HEAD") or ""
    root_rel = repo.rel(repo.root)
    pushed = False
    fetched = before_upstream
    for attempt in range(1, attempts + 1):
        try:
            repo.git.fetch("-q", name)
        except git.GitCommandError as exc:
            raise GitFailure(f"git fetch {name} failed: {_words(exc)}") from None
        upstream = fetched = _rev(repo, f"refs/remotes/{tracking}")
        _refuse_rewritten(repo, tracking, before_upstream if attempt == 1 else None, upstream)
        if upstream is not None:
            try:
                repo.git.rebase("-q", "--autostash", upstream)
            except git.GitCommandError:
                conflicted = str(repo.git.diff("--name-only", "--diff-filter=U")).split()
                if not conflicted:
                    raise GitFailure("git rebase failed", hint="see `git status`") from None
                raise Refused(
                    f"sync stopped: your commits and {tracking} both changed "
                    f"{', '.join(conflicted)}; the rebase is paused so nothing is lost",
                    hint="edit the files to resolve the conflict, `git add` them, `git rebase "
                    "--continue`, then `escmatrix sync` again (or `git rebase --abort` to go back)",
                ) from None
        head = _rev(repo, "HEAD")
        if head == upstream:
            break
        try:
            repo.git.push("-q", name, f"HEAD:refs/heads/{remote_branch}")
            pushed = True
            break
        except git.GitCommandError as exc:
            words = _words(exc)
            if (
                "non-fast-forward" in words or "fetch first" in words or "rejected" in words
            ) and attempt < attempts:
                continue
            raise GitFailure(
                f"git push to {tracking} failed: {words}",
                hint="your commits are safe locally; run `escmatrix sync` again",
            ) from None
    else:
        attempt = attempts
    # what others pushed: the upstream as last fetched, before our own push moved it
    incoming = _incoming(repo, before_upstream, fetched, root_rel)
    return SyncResult(tracking, attempt, pushed, incoming, before, _rev(repo, "HEAD") or "")


def _words(exc: Exception) -> str:
    text = str(getattr(exc, "stderr", "") or exc)
    return " ".join(line.strip() for line in text.splitlines() if line.strip()).removeprefix(
        "stderr: "
    )
