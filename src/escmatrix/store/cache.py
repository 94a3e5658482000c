"""A local cache of folded issues under `.git/escmatrix/cache/`, never tracked.

Each issue's entry is keyed by the git tree id of its folder at HEAD (`git ls-tree`), so it stays
right after a pull, a checkout, a reset or an edit committed by hand: whatever changed the folder
changed its tree id. When the whole `issues/` tree id is unchanged, nothing is re-read. Changed
folders are folded again from the files, incrementally. The cache is bypassed (and the files
read) while the work tree may differ from HEAD in issues/ because of escmatrix or git itself: an
interrupted command's journal, a rebase or merge in progress. An event file edited or added by
hand is seen once it is committed (escmatrix never leaves its own changes uncommitted);
`--no-cache` always reads the files, and both give the same answers on a committed tree.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from escmatrix.core.ids import shortest_unique
from escmatrix.core.summary import IssueSummary
from escmatrix.store.journal import Journal

if TYPE_CHECKING:
    from escmatrix.core.events import EventBase
    from escmatrix.core.issue import IssueState

VERSION = 4
SUMMARIES_VERSION = 6  # the summaries file alone: rows as interned tuples; folder trees apart
T = TypeVar("T")


@dataclass
class _Index:
    """The summaries view: plain tuples (cheapest to unpickle) and the shortest unique ids."""

    version: int = SUMMARIES_VERSION
    issues_tree: str = ""
    rows: list[tuple[Any, ...]] = field(default_factory=list)  # IssueSummary fields, by id
    short: dict[str, str] = field(default_factory=dict)  # issue id -> shortest unique prefix


def _compact(row: IssueSummary) -> tuple[Any, ...]:
    """The row as a plain tuple, its repeated values (status, people, ids) interned: pickle then
    stores each distinct value once, which halves the file and its loading time."""
    return tuple(
        sys.intern(v) if isinstance(v, str) and i in _REPEATED else v for i, v in enumerate(row)
    )


_REPEATED = frozenset(
    IssueSummary._fields.index(name)
    for name in (
        "status",
        "category",
        "severity",
        "owner",
        "tier",
        "engaged",
        "customer",
        "partner",
    )
)


class IssueCache:
    def __init__(self, root: Path, git_dir: Path, top: Path, *, read_only: bool = False) -> None:
        self.root, self.git_dir, self.top, self.read_only = root, git_dir, top, read_only
        self.folder = git_dir / "escmatrix" / "cache"
        rel = root.resolve().relative_to(top.resolve()).as_posix()
        self.issues_path = "issues" if rel in ("", ".") else f"{rel}/issues"
        self._index: _Index | None = None  # the summaries last read or written by this process
        self._folders: tuple[str, dict[str, str]] | None = None  # (issues/ tree, folder trees)

    # -- git, as plain subprocesses (no GitPython: this is the fast path) --------------------

    def _git(self, *args: str) -> str | None:
        done = subprocess.run(
            ["git", *args], cwd=self.top, capture_output=True, text=True, check=False
        )
        return done.stdout if done.returncode == 0 else None

    def _issues_tree(self) -> str | None:
        out = self._git("rev-parse", "-q", "--verify", f"HEAD:{self.issues_path}")
        return out.strip() if out else None

    def _folder_trees(self) -> dict[str, str]:
        out = self._git("ls-tree", "HEAD", f"{self.issues_path}/") or ""
        trees: dict[str, str] = {}
        for line in out.splitlines():
            meta, _, path = line.partition("\t")
            kind_sha = meta.split()
            if len(kind_sha) == 3 and kind_sha[1] == "tree":
                trees[path.rsplit("/", 1)[-1]] = kind_sha[2]
        return trees

    def usable(self) -> bool:
        """False while the work tree may legitimately differ from HEAD under issues/."""
        if Journal(self.git_dir).pending():
            return False
        return not any(
            (self.git_dir / name).exists()
            for name in ("rebase-merge", "rebase-apply", "MERGE_HEAD", "CHERRY_PICK_HEAD")
        )

    # -- storage ---------------------------------------------------------------------------

    def _load(self, name: str) -> Any:
        try:
            with open(self.folder / name, "rb") as handle:
                return pickle.load(handle)
        except (
            OSError,
            pickle.UnpicklingError,
            EOFError,
            AttributeError,
            ImportError,
            ValueError,
            TypeError,
        ):
            return None

    def _save(self, name: str, value: Any) -> None:
        if self.read_only:
            return
        tmp = self.folder / f".{name}.{os.getpid()}.tmp"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.folder / name)
        except OSError:
            # A read-only checkout (a CI job's mount): the answer stands, it is just not kept.
            self.read_only = True
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

    # -- the two views -----------------------------------------------------------------------

    def summaries(self, fold_issue: Callable[[str], IssueState]) -> list[IssueSummary] | None:
        """Every issue's summary, refreshed incrementally; None when the cache cannot be trusted."""
        index = self._summaries_index(fold_issue)
        return None if index is None else [IssueSummary._make(row) for row in index.rows]

    def short_ids(self, fold_issue: Callable[[str], IssueState]) -> dict[str, str] | None:
        """Each issue id's shortest unique prefix, kept with the summaries."""
        index = self._summaries_index(fold_issue)
        return None if index is None else index.short

    def _summaries_index(self, fold_issue: Callable[[str], IssueState]) -> _Index | None:
        if not self.usable():
            return None
        tree = self._issues_tree()
        if tree is None:
            return None
        if self._index is not None and self._index.issues_tree == tree:
            return self._index
        index = self._load("summaries.pickle")
        if not isinstance(index, _Index) or index.version != SUMMARIES_VERSION:
            index = _Index()
        if index.issues_tree != tree:
            before = self._stored_folders(index.issues_tree) if index.rows else {}
            known = {row[0]: row for row in index.rows}
            folders = self._folder_trees()
            rows: list[tuple[Any, ...]] = []
            for issue_id, folder_tree in folders.items():
                row = known.get(issue_id)
                if row is None or before.get(issue_id) != folder_tree:
                    row = _compact(IssueSummary.of(fold_issue(issue_id)))
                rows.append(row)
            index = _Index(SUMMARIES_VERSION, tree, rows, shortest_unique(folders))
            self._save("folders.pickle", (tree, folders))
            self._save("summaries.pickle", index)
            self._folders = (tree, folders)
        self._index = index
        return index

    def _stored_folders(self, tree: str) -> dict[str, str]:
        """Each issue folder's tree id as of the issues/ tree `tree` (empty when not known)."""
        if self._folders is not None and self._folders[0] == tree:
            return self._folders[1]
        stored = self._load("folders.pickle")
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == tree:
            self._folders = stored
            return cast(dict[str, str], stored[1])
        return {}

    def _current_folders(self, tree: str) -> dict[str, str]:
        """Each issue folder's tree id at HEAD, whose issues/ tree is `tree`."""
        known = self._stored_folders(tree)
        if known or not self._index or not self._index.rows:
            return known
        folders = self._folder_trees()
        self._save("folders.pickle", (tree, folders))
        self._folders = (tree, folders)
        return folders

    def states(
        self, fold_issue: Callable[[str], IssueState], wanted: Callable[[IssueSummary], bool]
    ) -> list[IssueState] | None:
        """Full states of the issues whose summary `wanted` accepts."""
        summaries = self.summaries(fold_issue)
        index = self._index
        if summaries is None or index is None:
            return None
        folders = self._current_folders(index.issues_tree)
        stored = self._load("states.pickle")
        if not isinstance(stored, dict) or stored.get("version") != VERSION:
            stored = {"version": VERSION, "entries": {}}
        entries: dict[str, tuple[str, IssueState]] = stored["entries"]
        out: list[IssueState] = []
        changed = False
        for row in summaries:
            if not wanted(row):
                continue
            key = folders.get(row.id, "")
            entry = entries.get(row.id)
            if entry is None or entry[0] != key:
                entry = (key, fold_issue(row.id))
                entries[row.id] = entry
                changed = True
            out.append(entry[1])
        if changed:
            for gone in set(entries) - set(folders):
                del entries[gone]
            self._save("states.pickle", stored)
        return out

    def events(
        self, read_events: Callable[[str], list[EventBase]]
    ) -> list[tuple[str, list[EventBase]]] | None:
        """Every issue's parsed events, in order, re-read only for folders whose tree changed."""
        from escmatrix.store.event_cache import FORMAT, save_events

        if not self.usable():
            return None
        tree = self._issues_tree()
        if tree is None:
            return None
        stored = self._load("events.pickle")
        if not isinstance(stored, dict) or stored.get("version") != VERSION:
            stored = {"version": VERSION, "format": FORMAT, "tree": "", "entries": {}}
        entries: dict[str, tuple[str, list[EventBase]]] = stored["entries"]
        changed = stored.get("format") != FORMAT  # same events, written the older way
        if stored["tree"] != tree:
            folders = self._folder_trees()
            for issue_id, key in folders.items():
                entry = entries.get(issue_id)
                if entry is None or entry[0] != key:
                    entries[issue_id] = (key, read_events(issue_id))
            for gone in set(entries) - set(folders):
                del entries[gone]
            stored["tree"] = tree
            changed = True
        if changed:
            stored["format"] = FORMAT
            if not self.read_only:
                try:
                    save_events(self.folder / "events.pickle", stored)
                except OSError:
                    self.read_only = True  # a read-only checkout: answered, not kept
        return [(issue_id, entries[issue_id][1]) for issue_id in sorted(entries)]

    def memo(self, name: str, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """`compute()`, remembered in the file `name` for as long as `key` is unchanged."""
        stored = self._load(name)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key:
            return cast(T, stored[1])
        value = compute()
        self._save(name, (key, value))
        return value

    def clear(self) -> None:
        for path in self.folder.glob("*.pickle"):
            path.unlink(missing_ok=True)
