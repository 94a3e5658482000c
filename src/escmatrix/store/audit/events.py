"""The checks on one event a commit added: who made it, under which matrix, when, with which key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from escmatrix.core.audit_rules import same_key, time_skew
from escmatrix.core.errors import EscmatrixError
from escmatrix.core.escalation import AUTOMATION
from escmatrix.core.event_models import EVENT_ADAPTER, to_event
from escmatrix.core.events import EventBase
from escmatrix.core.matrix import GovernanceFile, PeopleFile
from escmatrix.store.audit.history import Commit, Graph, History
from escmatrix.store.yaml_lines import parse_event_yaml
from escmatrix.store.yamlio import parse_yaml

Finding = Callable[..., None]


@dataclass
class Context:
    """What the walk knows so far: the history, the graph, the matrix files as they were."""

    history: History
    graph: Graph
    matrix_trees: dict[str, list[str]]
    require_signed: bool
    finding: Finding
    opened: dict[str, Any] = field(default_factory=dict)  # issue folder -> when it was opened
    _models: dict[str, Any] = field(default_factory=dict)

    blobs: dict[str, bytes] = field(default_factory=dict)  # event blobs, read ahead in one go
    _trees: dict[str, str] = field(default_factory=dict)  # commit -> its matrix/ tree id

    def model(self, commit: str, name: str, kind: type[Any]) -> Any:
        """matrix/`name` as it was at `commit` (None when absent or unreadable), cached by the
        matrix/ tree it had, so each distinct matrix is read and validated once."""
        tree = self._trees.get(commit)
        if tree is None:
            tree = self._trees[commit] = self.history.object_id(
                f"{commit}:{self.history.prefix}matrix"
            )
        return read_model(self.history, self._models, tree, name, kind) if tree else None

    def base(self, commit: Commit) -> str:
        """What a commit changes, and so whose rules apply to it: its first parent (a root: itself)."""
        return commit.parents[0] if commit.parents else commit.sha


def read_model(
    history: History, cache: dict[str, Any], matrix: str, name: str, kind: type[Any]
) -> Any:
    """matrix/`name` in the matrix/ tree `matrix` (an id, or `REV:matrix`), validated; cached."""
    key = f"{matrix}/{name}" if ":" in matrix else f"{matrix}:{name}"
    if key in cache:
        return cache[key]
    found = history.read(key)
    if found is None:
        cache[key] = None
        return None
    sha, data = found
    if sha in cache:
        cache[key] = cache[sha]
    else:
        try:
            cache[sha] = kind.model_validate(parse_yaml(data.decode("utf-8"), name))
        except (EscmatrixError, ValidationError, UnicodeDecodeError):
            cache[sha] = None
        cache[key] = cache[sha]
    return cache[key]


def check_event(ctx: Context, commit: Commit, rel: str, blob: str) -> None:
    data = ctx.blobs.get(blob)
    if data is None:
        found = ctx.history.read(blob)
        if found is None:
            ctx.finding(
                "event-unreadable",
                rel,
                commit.sha,
                "the event's content is missing from the repository",
            )
            return
        data = found[1]
    try:
        text = data.decode("utf-8")
        event = to_event(EVENT_ADAPTER.validate_python(parse_event_yaml(text, rel)))
    except (EscmatrixError, ValidationError, UnicodeDecodeError):
        ctx.finding("event-invalid", rel, commit.sha, "the event file does not parse as an event")
        return
    folder = rel.rsplit("/", 1)[0]
    if getattr(event, "event", "") == "opened":
        ctx.opened.setdefault(folder, event.at)
    _who(ctx, commit, rel, event)
    _matrix(ctx, commit, rel, event)
    skew = time_skew(event.at, ctx.opened.get(folder), commit.authored)
    if skew:
        ctx.finding(
            "event-time-skew",
            rel,
            commit.sha,
            f"the event is {skew}",
            "an event is written and committed by one command at one time: a later edit of "
            "`at:` or a late commit of a hand-written event is not an honest record",
        )


def _who(ctx: Context, commit: Commit, rel: str, event: EventBase) -> None:
    """The commit's author is the event's actor (or automation), its key theirs, its grant real."""
    people = ctx.model(commit.sha, "people.yaml", PeopleFile)
    base = ctx.base(commit)
    governance = ctx.model(base, "governance.yaml", GovernanceFile)
    if people is None:
        return
    by_email = {p.email.lower(): p for p in people.people}
    author = by_email.get(commit.email)
    bot = governance.automation if governance else None
    if event.actor == AUTOMATION:
        keys = list(bot.signing_keys) if bot else []
        if bot is None or commit.email != bot.email.lower():
            ctx.finding(
                "actor-mismatch",
                rel,
                commit.sha,
                f"an automation event was committed by {commit.email}, not the automation identity",
            )
    else:
        actor = next((p for p in people.people if p.id == event.actor), None)
        keys = list(actor.signing_keys) if actor else []
        if author is None or author.id != event.actor:
            ctx.finding(
                "actor-mismatch",
                rel,
                commit.sha,
                f"the event says actor {event.actor!r} but the commit author is {commit.email}",
                "the actor must be the person whose git identity made the commit",
            )
    if ctx.require_signed and commit.signature in ("G", "U") and keys:
        if not same_key(commit.signer, commit.primary, keys):
            ctx.finding(
                "signer-mismatch",
                rel,
                commit.sha,
                f"the commit is signed with key {commit.signer or '?'}, which is not one of "
                f"{event.actor}'s signing keys in people.yaml",
                "a commit must be signed by the key of the person the event names",
            )
    elif ctx.require_signed and commit.signature in ("G", "U") and not keys:
        ctx.finding(
            "signer-unknown",
            rel,
            commit.sha,
            f"the commit is signed, but people.yaml lists no signing key for {event.actor}",
            "add the person's public key under signing_keys so the signature can be tied to them",
        )
    if getattr(event, "event", "") == "overridden" and governance is not None:
        # Grants as they stood before this commit: no commit can grant itself the right it uses.
        before = ctx.model(base, "people.yaml", PeopleFile) or people
        person = next((p for p in before.people if p.id == event.actor), None)
        grants = set(governance.overrides.allowed)
        if person is None or not ({person.id, *person.roles} & grants):
            ctx.finding(
                "override-not-allowed",
                rel,
                commit.sha,
                f"{event.actor} overrode routing, which governance before that commit did not allow",
                f"allowed: {', '.join(sorted(grants))}",
            )


def _matrix(ctx: Context, commit: Commit, rel: str, event: EventBase) -> None:
    """The matrix the event names existed in the history the event was added to."""
    tree = getattr(event, "matrix_tree", "")
    if tree:
        makers = ctx.matrix_trees.get(tree, [])
        if not any(ctx.graph.is_ancestor(m, commit.sha, or_self=True) for m in makers):
            ctx.finding(
                "matrix-tree-not-ancestor",
                rel,
                commit.sha,
                f"the event says it was decided under matrix tree {tree[:10]}, which matrix/ never "
                "was in the history before the commit that added it",
                "a forged matrix reference, or an event decided on an unmerged matrix change",
            )
        return
    if not event.matrix:
        ctx.finding("matrix-commit-missing", rel, commit.sha, "the event records no matrix commit")
        return
    if ctx.graph.is_ancestor(event.matrix, commit.sha):
        return
    # An event written before events named the matrix by content: a rebase gave its matrix commit
    # a new id, but the old commit (if this clone still has it) shows which matrix it was.
    old_tree = ctx.history.object_id(f"{event.matrix}:{ctx.history.prefix}matrix")
    if old_tree and any(
        ctx.graph.is_ancestor(m, commit.sha, or_self=True)
        for m in ctx.matrix_trees.get(old_tree, [])
    ):
        return
    ctx.finding(
        "matrix-commit-not-ancestor",
        rel,
        commit.sha,
        f"the event says it was decided under matrix commit {event.matrix[:10]}, which is not an "
        "ancestor of the commit that added it",
        "a backdated or forged matrix reference (events written by this version name the matrix "
        "by content, which a rebase keeps)",
    )
