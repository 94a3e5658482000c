"""`escmatrix audit`: verify that git history is a trustworthy audit trail.

Every commit is read, merges too (each against each of its parents), from the objects git really
holds (replace refs are ignored and reported); a shallow clone is refused, since its history cannot
be proved. Events are append-only; each names its actor (the commit's author, and with
`--require-signed` the key that signed it), the matrix it was decided under (by content, so a rebase
keeps it valid) and a time that fits its commit. The rules that apply to a commit are those of the
commit it changes (its first parent), so no commit can exempt itself.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from escmatrix.core.audit_rules import allowed_signers
from escmatrix.core.errors import Location, Problem
from escmatrix.core.matrix import GovernanceFile, PeopleFile
from escmatrix.store.audit.events import Context, check_event, read_model
from escmatrix.store.audit.history import Commit, Graph, History
from escmatrix.store.audit.remote import rewritten
from escmatrix.store.issues import EVENT_NAME

if TYPE_CHECKING:
    from escmatrix.store.git import GitRepo


@dataclass
class AuditReport:
    commits: int
    events: int
    findings: list[Problem]


def audit(
    repo: GitRepo,
    since: str | None = None,
    require_signed: bool = False,
    against: str | None = None,
) -> AuditReport:
    """Every finding in history since `since` (or all of it)."""
    history = History(repo)
    try:
        history.refuse_shallow()
        since_sha = history.revision(since, "--since") if since is not None else None
        against_ref = history.revision(against, "--against") if against is not None else None
        findings: list[Problem] = []

        def finding(
            rule: str, path: str, commit: str, message: str, hint: str | None = None
        ) -> None:
            where = f" (commit {commit[:10]})" if commit else ""
            findings.append(Problem(message + where, Location(path), hint, rule=rule))

        for replaced, by in history.replace_refs():
            finding(
                "replaced-object",
                "refs/replace/" + replaced,
                "",
                f"`git replace` makes git show object {by[:10]} in place of {replaced[:10]}; audit "
                "reads the real object",
                f"remove it with `git replace -d {replaced[:10]}` unless you know why it is there",
            )
        signers = _signers_file(history) if require_signed else None
        try:
            commits = history.commits(since_sha, require_signed, signers)
        finally:
            if signers:
                os.unlink(signers)
        ctx = Context(history, Graph(history), history.matrix_trees(), require_signed, finding)
        ctx.blobs = history.read_many(
            [blob for c in commits for status, _, blob in c.changes if status == "A"]
        )
        merges = history.merges(since_sha)
        events = _walk(ctx, sorted_walk(commits, merges, ctx.graph))
        if against_ref is not None and against is not None:
            for problem in rewritten(history, against, against_ref):
                findings.append(problem)
    finally:
        history.close()
    return AuditReport(len(commits) + len(merges), events, findings)


def sorted_walk(commits: list[Commit], merges: list[Commit], graph: Graph) -> list[Commit]:
    """Commits and merges in one order, parents before children (the graph's topological order)."""
    order = {sha: i for i, sha in enumerate(reversed(list(graph.parents)))}
    return sorted([*commits, *merges], key=lambda c: order.get(c.sha, -1))


def _walk(ctx: Context, commits: list[Commit]) -> int:
    events = 0
    prefix = ctx.history.prefix
    for commit in commits:
        if commit.merge:
            events += _merge(ctx, commit)
            continue
        touches_matrix = False
        for status, path, blob in sorted(commit.changes, key=lambda c: c[1]):
            rel = path[len(prefix) :] if path.startswith(prefix) else path
            parts = rel.split("/")
            if parts[0] == "matrix":
                touches_matrix = True
                continue
            if len(parts) != 3 or not EVENT_NAME.match(parts[2]):
                continue
            if status in ("M", "T"):
                ctx.finding(
                    "event-modified",
                    rel,
                    commit.sha,
                    "an event file was rewritten",
                    "events are append-only: record a correction as a new event",
                )
            elif status == "D":
                ctx.finding(
                    "event-deleted",
                    rel,
                    commit.sha,
                    "an event file was deleted",
                    "events are append-only; restore it from the commit before",
                )
            elif status == "A":
                events += 1
                check_event(ctx, commit, rel, blob)
        if ctx.require_signed and commit.signature not in ("G", "U"):
            ctx.finding(
                "unsigned-commit",
                "issues/" if not touches_matrix else "matrix/",
                commit.sha,
                f"commit is not signed with a good signature (git says {commit.signature!r})",
                "sign commits (git config commit.gpgsign true) and list each person's key under "
                "signing_keys in people.yaml",
            )
        if touches_matrix and commit.sha in ctx.graph.first_parent and len(commit.parents) == 1:
            # The governance of the matrix this commit changes, not the one it writes.
            governance = ctx.model(ctx.base(commit), "governance.yaml", GovernanceFile)
            if governance is not None and governance.review.require_merge:
                ctx.finding(
                    "matrix-not-reviewed",
                    "matrix/",
                    commit.sha,
                    "the matrix was changed by a direct commit, not through a merged pull request",
                    "governance.review.require_merge is on: change the matrix through a pull request",
                )
    return events


def _merge(ctx: Context, merge: Commit) -> int:
    """What a merge did itself: an event that no parent had, or one it changed or dropped."""
    prefix = ctx.history.prefix
    seen: dict[str, list[tuple[str, str]]] = {}
    for parent in merge.parents:
        for status, path, blob in ctx.history.merge_changes(merge, parent):
            rel = path[len(prefix) :] if path.startswith(prefix) else path
            parts = rel.split("/")
            if len(parts) == 3 and parts[0] == "issues" and EVENT_NAME.match(parts[2]):
                seen.setdefault(rel, []).append((status, blob))
    events = 0
    for rel, changes in sorted(seen.items()):
        statuses = {s for s, _ in changes}
        if "D" in statuses:
            ctx.finding(
                "event-deleted",
                rel,
                merge.sha,
                "a merge commit dropped an event file that one of its parents had",
                "events are append-only; restore it from the parent that has it",
            )
        elif len(changes) < len(merge.parents):
            continue  # the merge kept one parent's file as it was: nothing of its own
        elif statuses & {"M", "T"}:
            ctx.finding(
                "event-modified",
                rel,
                merge.sha,
                "a merge commit rewrote an event file (a change no parent had)",
                "events are append-only: record a correction as a new event",
            )
        else:  # added, as no parent had it: the merge itself wrote an event
            events += 1
            ctx.finding(
                "event-added-by-merge",
                rel,
                merge.sha,
                "a merge commit added an event that none of its parents had",
                "escmatrix commits each event in a commit of its own; a merge only brings them",
            )
            check_event(ctx, merge, rel, changes[0][1])
    return events


def _signer_entries(history: History) -> list[tuple[str, list[str]]]:
    """(email, keys) of every person and the automation identity in HEAD's matrix."""
    cache: dict[str, Any] = {}
    entries: list[tuple[str, list[str]]] = []
    people = read_model(history, cache, f"HEAD:{history.prefix}matrix", "people.yaml", PeopleFile)
    if isinstance(people, PeopleFile):
        entries += [(p.email, list(p.signing_keys)) for p in people.people]
    governance = read_model(
        history, cache, f"HEAD:{history.prefix}matrix", "governance.yaml", GovernanceFile
    )
    if isinstance(governance, GovernanceFile) and governance.automation is not None:
        entries.append((governance.automation.email, list(governance.automation.signing_keys)))
    return entries


def _signers_file(history: History) -> str:
    """git's allowedSigners file for HEAD's matrix, in a temp file the caller removes."""
    fd, path = tempfile.mkstemp(prefix="escmatrix-allowed-signers-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(allowed_signers(_signer_entries(history)))
    return path


def allowed_signers_text(repo: GitRepo) -> str:
    """`audit --allowed-signers`: git's allowedSigners file from HEAD's people and automation."""
    history = History(repo)
    try:
        return allowed_signers(_signer_entries(history))
    finally:
        history.close()
