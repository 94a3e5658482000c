"""`escmatrix audit`: verify that git history is a trustworthy audit trail.

Reads history with a fixed number of git processes however long it is: one `git log --raw` for
every commit touching issues/ or matrix/, one `git rev-list --parents` for the commit graph, one
`git rev-list --first-parent`, and one `git cat-file --batch` for every blob it needs (the added
event files, and people.yaml / governance.yaml as they were at each commit).
"""

from __future__ import annotations

import subprocess
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from escmatrix.core.errors import EscmatrixError, GitFailure, Location, Problem
from escmatrix.core.escalation import AUTOMATION
from escmatrix.core.events import EVENT_ADAPTER, EventBase
from escmatrix.core.matrix import GovernanceFile, PeopleFile
from escmatrix.store.issues import EVENT_NAME
from escmatrix.store.yamlio import parse_yaml

if TYPE_CHECKING:
    from escmatrix.store.git import GitRepo

RS, US = "\x1e", "\x1f"


@dataclass
class Commit:
    sha: str
    parents: list[str]
    email: str
    signature: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # status, path, new blob


@dataclass
class AuditReport:
    commits: int
    events: int
    findings: list[Problem]


def _log(repo: GitRepo, since: str | None, prefix: str) -> list[Commit]:
    fmt = f"{RS}%H{US}%P{US}%ae{US}%G?"
    spec = [f"{since}..HEAD"] if since else ["HEAD"]
    out = str(
        repo.git.log(
            "--reverse",
            "--raw",
            "--no-renames",
            "--no-abbrev",
            f"--format={fmt}",
            *spec,
            "--",
            f"{prefix}issues",
            f"{prefix}matrix",
        )
    )
    commits: list[Commit] = []
    for record in out.split(RS):
        if not record.strip():
            continue
        head, _, raw = record.partition("\n")
        sha, parents, email, signature = head.split(US)
        commit = Commit(sha, parents.split(), email.lower(), signature)
        for line in raw.splitlines():
            if not line.startswith(":"):
                continue
            meta, _, path = line.partition("\t")
            fields = meta.split()
            commit.changes.append((fields[4], path, fields[3]))
        commits.append(commit)
    return commits


class _Blobs:
    """One long-lived `git cat-file --batch` answering many object names."""

    def __init__(self, repo: GitRepo) -> None:
        self.proc = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=repo.top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def get(self, name: str) -> tuple[str, bytes] | None:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(name.encode() + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().decode().split()
        if len(header) < 3 or header[1] == "missing":
            return None
        data = self.proc.stdout.read(int(header[2]) + 1)[:-1]
        return header[0], data

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


class _Graph:
    """Ancestry over the commit graph, memoised per ancestor (matrix commits are few)."""

    def __init__(self, repo: GitRepo) -> None:
        self.parents: dict[str, list[str]] = {}
        self.children: dict[str, list[str]] = {}
        for line in str(repo.git.rev_list("--parents", "HEAD")).splitlines():
            sha, *parents = line.split()
            self.parents[sha] = parents
            for p in parents:
                self.children.setdefault(p, []).append(sha)
        self._descendants: dict[str, set[str]] = {}

    def is_ancestor(self, ancestor: str, commit: str) -> bool:
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


def _model(blobs: _Blobs, cache: dict[str, Any], name: str, kind: type[Any]) -> Any:
    found = blobs.get(name)
    if found is None:
        return None
    sha, data = found
    if sha not in cache:
        try:
            cache[sha] = kind.model_validate(parse_yaml(data.decode("utf-8"), name))
        except (EscmatrixError, ValidationError, UnicodeDecodeError):
            cache[sha] = None
    return cache[sha]


def audit(repo: GitRepo, since: str | None = None, require_signed: bool = False) -> AuditReport:
    """Every finding in history since `since` (or all of it)."""
    import git

    prefix = repo.rel(repo.root)
    prefix = "" if prefix in ("", ".") else prefix + "/"
    try:
        commits = _log(repo, since, prefix)
        graph = _Graph(repo)
        first_parent = set(str(repo.git.rev_list("--first-parent", "HEAD")).split())
    except git.GitCommandError as exc:
        raise GitFailure(
            f"cannot read history: {exc.stderr.strip() if exc.stderr else exc}"
        ) from None
    findings: list[Problem] = []
    blobs = _Blobs(repo)
    people_cache: dict[str, Any] = {}
    governance_cache: dict[str, Any] = {}
    events = 0

    def finding(rule: str, path: str, commit: str, message: str, hint: str | None = None) -> None:
        findings.append(
            Problem(f"{message} (commit {commit[:10]})", Location(path), hint, rule=rule)
        )

    try:
        for commit in commits:
            touches_matrix = False
            for status, path, blob in commit.changes:
                rel = path[len(prefix) :] if path.startswith(prefix) else path
                parts = rel.split("/")
                if parts[0] == "matrix":
                    touches_matrix = True
                    continue
                if len(parts) != 3 or not EVENT_NAME.match(parts[2]):
                    continue
                if status in ("M", "T"):
                    finding(
                        "event-modified",
                        rel,
                        commit.sha,
                        "an event file was rewritten",
                        "events are append-only: record a correction as a new event",
                    )
                    continue
                if status == "D":
                    finding(
                        "event-deleted",
                        rel,
                        commit.sha,
                        "an event file was deleted",
                        "events are append-only; restore it from the commit before",
                    )
                    continue
                if status != "A":
                    continue
                events += 1
                _check_event(
                    blobs, commit, rel, blob, prefix, graph, people_cache, governance_cache, finding
                )
            if require_signed and commit.signature not in ("G", "U"):
                finding(
                    "unsigned-commit",
                    "issues/" if not touches_matrix else "matrix/",
                    commit.sha,
                    f"commit is not signed with a good signature (git says {commit.signature!r})",
                    "sign commits (git config commit.gpgsign true) and make the key known to git",
                )
            if (
                touches_matrix
                and commit.sha in first_parent
                and len(commit.parents) == 1
                and commit.parents
            ):
                governance = _model(
                    blobs,
                    governance_cache,
                    f"{commit.sha}:{prefix}matrix/governance.yaml",
                    GovernanceFile,
                )
                if governance is not None and governance.review.require_merge:
                    finding(
                        "matrix-not-reviewed",
                        "matrix/",
                        commit.sha,
                        "the matrix was changed by a direct commit, not through a merged pull request",
                        "governance.review.require_merge is on: change the matrix through a pull request",
                    )
    finally:
        blobs.close()
    return AuditReport(len(commits), events, findings)


def _check_event(
    blobs: _Blobs,
    commit: Commit,
    rel: str,
    blob: str,
    prefix: str,
    graph: _Graph,
    people_cache: dict[str, Any],
    governance_cache: dict[str, Any],
    finding: Any,
) -> None:
    found = blobs.get(blob)
    if found is None:
        finding(
            "event-unreadable",
            rel,
            commit.sha,
            "the event's content is missing from the repository",
        )
        return
    try:
        event: EventBase = EVENT_ADAPTER.validate_python(parse_yaml(found[1].decode("utf-8"), rel))
    except (EscmatrixError, ValidationError, UnicodeDecodeError):
        finding("event-invalid", rel, commit.sha, "the event file does not parse as an event")
        return
    people = _model(blobs, people_cache, f"{commit.sha}:{prefix}matrix/people.yaml", PeopleFile)
    governance = _model(
        blobs, governance_cache, f"{commit.sha}:{prefix}matrix/governance.yaml", GovernanceFile
    )
    if people is not None:
        by_email = {p.email.lower(): p for p in people.people}
        author = by_email.get(commit.email)
        bot = governance.automation.email.lower() if governance and governance.automation else None
        if event.actor == AUTOMATION:
            if commit.email != bot:
                finding(
                    "actor-mismatch",
                    rel,
                    commit.sha,
                    f"an automation event was committed by {commit.email}, not the automation identity",
                )
        elif author is None or author.id != event.actor:
            finding(
                "actor-mismatch",
                rel,
                commit.sha,
                f"the event says actor {event.actor!r} but the commit author is {commit.email}",
                "the actor must be the person whose git identity made the commit",
            )
        if getattr(event, "event", "") == "overridden" and governance is not None:
            person = next((p for p in people.people if p.id == event.actor), None)
            grants = set(governance.overrides.allowed)
            if person is None or not ({person.id, *person.roles} & grants):
                finding(
                    "override-not-allowed",
                    rel,
                    commit.sha,
                    f"{event.actor} overrode routing, which governance at that commit did not allow",
                    f"allowed: {', '.join(sorted(grants))}",
                )
    if not event.matrix:
        finding("matrix-commit-missing", rel, commit.sha, "the event records no matrix commit")
    elif not graph.is_ancestor(event.matrix, commit.sha):
        finding(
            "matrix-commit-not-ancestor",
            rel,
            commit.sha,
            f"the event says it was decided under matrix commit {event.matrix[:10]}, which is not an "
            "ancestor of the commit that added it",
            "a backdated or forged matrix reference",
        )
