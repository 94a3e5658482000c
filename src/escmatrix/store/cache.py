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

import subprocess
from collections.abc import Callable, Collection
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import msgspec

from escmatrix.core.ids import shortest_unique
from escmatrix.core.summary import ACTIVE, IssueSummary
from escmatrix.store.cache_files import (
    SUMMARIES_VERSION,
    SUMMARY_STATUS,
    DerivedFile,
    StateEntry,
    StatesFile,
    SummaryIndex,
    compact_row,
    decoded,
)
from escmatrix.store.cache_folder import CacheFolder
from escmatrix.store.issue_folders import as_committed
from escmatrix.store.journal import Journal

if TYPE_CHECKING:
    from escmatrix.core.events import EventBase
    from escmatrix.core.issue import IssueState

STATES_VERSION = 2  # states.msgpack: folded states in MessagePack (store/state_codec.py)
DERIVED_VERSION = 2  # per_issue files: values worked out from a state and the matrix
T = TypeVar("T")


class IssueCache(CacheFolder):
    def __init__(self, root: Path, git_dir: Path, top: Path, *, read_only: bool = False) -> None:
        super().__init__(git_dir / "escmatrix" / "cache", read_only=read_only)
        self.root, self.git_dir, self.top = root, git_dir, top
        rel = root.resolve().relative_to(top.resolve()).as_posix()
        self.issues_path = "issues" if rel in ("", ".") else f"{rel}/issues"
        # the summaries last read or written by this process
        self._index: SummaryIndex | None = None
        self._active: SummaryIndex | None = None  # the active issues' rows, read or written
        self._tree: str | None = None  # the issues/ tree either was checked against
        self._folders: tuple[str, dict[str, str]] | None = None  # (issues/ tree, folder trees)
        self._fresh: dict[str, StateEntry] = {}  # states encoded while refreshing the summaries
        self._rows: tuple[SummaryIndex, list[IssueSummary]] | None = None

    # -- git, as plain subprocesses (no GitPython: this is the fast path) --------------------

    def _git(self, *args: str) -> str | None:
        done = subprocess.run(
            ["git", *args], cwd=self.top, capture_output=True, text=True, check=False
        )
        return done.stdout if done.returncode == 0 else None

    def _issues_tree(self) -> str | None:
        """The tree id of `issues/` at HEAD. HEAD's commit is read from the ref files when that
        is plain (`store/git_head.py`), and a commit's tree never changes, so it is remembered:
        a warm read asks git only after HEAD moves (~1.5 ms a subprocess)."""
        from escmatrix.store.git_head import head_commit

        commit = head_commit(self.git_dir)

        def ask() -> str | None:
            out = self._git("rev-parse", "-q", "--verify", f"{commit or 'HEAD'}:{self.issues_path}")
            return out.strip() if out else None

        if commit is None:
            return ask()
        return self.memo("head-tree.pickle", (commit, self.issues_path), ask)

    def matrix_key(self) -> tuple[str, ...]:
        """What the validated matrix is cached under (`store/matrix_key.py`); the matrix files'
        digest is kept here, unless this cache writes nothing."""
        from escmatrix.store.matrix_key import matrix_fingerprint

        memo = None if self.read_only else self.folder / "matrix-files.pickle"
        return matrix_fingerprint(self.root, memo)

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

    # -- the two views -----------------------------------------------------------------------

    def summaries(
        self, fold_issue: Callable[[str], IssueState], active: bool = False
    ) -> list[IssueSummary] | None:
        """Every issue's summary (`active`: only the active issues', from a file of their own,
        a tenth of the whole at most), refreshed incrementally; None when the cache cannot be
        trusted."""
        index = self._active_index() if active else None
        if index is None:
            index = self._summaries_index(fold_issue)
            if index is not None and active and self._active is None:  # its file was not kept
                self._keep_active(index)
        if index is None:
            return None
        if self._rows is None or self._rows[0] is not index:  # built once per process
            # rows of this version are whole IssueSummary tuples: made without `_make`'s check
            make = tuple.__new__
            self._rows = (index, [make(IssueSummary, row) for row in index.rows])
        if active and index is not self._active:  # the whole index: its active rows
            return [r for r in self._rows[1] if r.is_active]
        return self._rows[1]

    def short_ids(self, fold_issue: Callable[[str], IssueState]) -> dict[str, str] | None:
        """Each issue id's shortest unique prefix among all issues, kept with the summaries (for
        the active issues only, when only theirs were read)."""
        if self._rows is not None and self._rows[0] is self._active:
            return self._rows[0].short
        index = self._summaries_index(fold_issue)
        return None if index is None else index.short

    def _active_index(self) -> SummaryIndex | None:
        """The active issues' rows and short ids at HEAD's issues/ tree, if kept for it."""
        if not self.usable() or (tree := self._issues_tree()) is None:
            return None
        if self._active is None or self._active.issues_tree != tree:
            found = self._load("active.pickle")
            ok = isinstance(found, SummaryIndex) and found.version == SUMMARIES_VERSION
            self._active = found if ok and found.issues_tree == tree else None
        self._tree = tree if self._active is not None else self._tree
        return self._active

    def _summaries_index(self, fold_issue: Callable[[str], IssueState]) -> SummaryIndex | None:
        if not self.usable():
            return None
        tree = self._issues_tree()
        if tree is None:
            return None
        if self._index is not None and self._index.issues_tree == tree:
            return self._index
        index = self._load("summaries.pickle")
        if not isinstance(index, SummaryIndex) or index.version != SUMMARIES_VERSION:
            index = SummaryIndex()
        if index.issues_tree != tree:
            before = self._stored_folders(index.issues_tree) if index.rows else {}
            known = {row[0]: row for row in index.rows}
            folders = self._folder_trees()
            stale = [
                i for i, tree_id in folders.items() if before.get(i) != tree_id or i not in known
            ]
            same_ids = len(folders) == len(known) and all(i in known for i in stale)
            from escmatrix.store.rebuild import fold_many

            kept = partial(self._on_disk, self._stored_states()[1]) if stale else None
            folded = fold_many(stale, fold_issue, compact_row, kept)
            for issue_id, (row, encoded) in folded.items():
                known[issue_id] = row
                if encoded is not None:  # kept for `states`, which wants the active ones next
                    self._fresh[issue_id] = (folders[issue_id], *encoded, "")
            rows = [known[issue_id] for issue_id in folders]
            short = index.short if same_ids else shortest_unique(folders)  # ~15 ms at 10k
            index = SummaryIndex(SUMMARIES_VERSION, tree, rows, short)
            self._save("folders.pickle", (tree, folders))
            self._save("summaries.pickle", index)
            self._folders = (tree, folders)
            self._keep_active(index)
        self._index, self._tree = index, tree
        return index

    def _keep_active(self, index: SummaryIndex) -> None:
        """Keep the active issues' rows of `index` (and their short ids) in a file of their own."""
        live = [row for row in index.rows if row[SUMMARY_STATUS] in ACTIVE]
        short = {row[0]: index.short[row[0]] for row in live}
        self._active = SummaryIndex(SUMMARIES_VERSION, index.issues_tree, live, short)
        self._save("active.pickle", self._active)

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
        if known or self._tree is None or (self._index is not None and not self._index.rows):
            return known
        folders = self._folder_trees()
        self._save("folders.pickle", (tree, folders))
        self._folders = (tree, folders)
        return folders

    def states(
        self,
        fold_issue: Callable[[str], IssueState],
        wanted: Callable[[IssueSummary], bool],
        active: bool = False,
    ) -> list[IssueState] | None:
        """Full states of the issues whose summary `wanted` accepts (`active`: of active ones)."""
        from escmatrix.store import state_codec

        summaries = self.summaries(fold_issue, active)
        tree = self._tree
        if summaries is None or tree is None:
            return None
        checked, entries = self._stored_states()
        # Every entry was checked against the issues/ tree `checked` when the file was saved: while
        # HEAD's is the same, each entry is for its folder as it is, with no folder list to load.
        folders = None if checked == tree and not self._fresh else self._current_folders(tree)
        changed = bool(self._fresh) or checked != tree
        entries.update(self._fresh)
        self._fresh = {}
        out: list[IssueState] = []
        for row in summaries:
            if not wanted(row):
                continue
            entry = entries.get(row.id)
            key = entry[0] if entry and folders is None else None
            if key is None:
                folders = folders if folders is not None else self._current_folders(tree)
                key = folders.get(row.id, "")
            state = decoded(entry, key, None)
            if state is None:
                state = fold_issue(row.id)
                entries[row.id] = (key, *state_codec.encode(state), "")
                changed = True
            out.append(state)
        if changed and folders is not None:
            for issue_id in list(entries):  # gone, or for another version of the folder
                if entries[issue_id][0] != folders.get(issue_id):
                    del entries[issue_id]
            self._save_states(tree, entries)
        return out

    def state(self, issue_id: str, fold_issue: Callable[[str], IssueState]) -> IssueState | None:
        """One issue's state, for `show`: cached while its folder's tree id at HEAD and its files
        on disk (names, sizes, times, inodes) are what they were when it was folded, so even an
        uncommitted edit is seen at once. None when the cache cannot be trusted."""
        from escmatrix.store import state_codec

        if not self.usable():
            return None
        if not (files := self._files(issue_id)):
            return None
        checked, entries = self._stored_states()
        entry = entries.get(issue_id)
        head = self._issues_tree() if checked and entry is not None else None
        if entry is not None and head is not None and head == checked:
            key = entry[0]  # checked against HEAD's issues/: the folder's tree at HEAD
        else:  # git finds one folder in a tree of thousands slower than it reads the tree's id
            out = self._git("rev-parse", "-q", "--verify", f"HEAD:{self.issues_path}/{issue_id}")
            if not out:
                return None  # not committed yet: the files alone say what it is
            key = out.strip()

        def still() -> str:
            """The tree the other entries were checked against, if it is still HEAD's."""
            now = head if head is not None else self._issues_tree()
            return checked if checked == now else ""

        if (
            entry is not None
            and entry[0] == key
            and not entry[3]
            and as_committed(self.top, self.root / "issues" / issue_id, key)
        ):
            # kept by a bulk read (`list`, `sweep`, `report`), which records no file listing:
            # the folder on disk is HEAD's, so the entry holds for the files as they are now
            entry = entries[issue_id] = (key, entry[1], entry[2], files)
            self._save_states(still(), entries)
        state = decoded(entry, key, files)
        if state is None:
            state = fold_issue(issue_id)
            if self._files(issue_id) == files:  # nothing changed while it was read
                entries[issue_id] = (key, *state_codec.encode(state), files)
                self._save_states(still(), entries)
        return state

    def state_on_disk(self, issue_id: str) -> IssueState | None:
        """The issue's cached state while its folder holds what was folded: the files listed with
        it, or (kept by a bulk read, with no listing) byte for byte its folder tree's files. For
        a command about to change the folder: nothing is kept, and HEAD is not asked."""
        return self._on_disk(self._stored_states()[1], issue_id) if self.usable() else None

    def _on_disk(self, entries: dict[str, StateEntry], issue_id: str) -> IssueState | None:
        entry = entries.get(issue_id)
        if entry is None or not (files := self._files(issue_id)):
            return None
        if not entry[3] and not as_committed(self.top, self.root / "issues" / issue_id, entry[0]):
            return None
        return decoded(entry, entry[0], files if entry[3] else None)

    def written(self, issue_id: str, key: str, state: IssueState) -> tuple[str, StateEntry] | None:
        """A recorded state, `key` its folder's tree in the new commit, with the files as written."""
        from escmatrix.store import state_codec

        files = self._files(issue_id)
        return (issue_id, (key, *state_codec.encode(state), files)) if files else None

    def keep_written(self, written: list[tuple[str, StateEntry]]) -> None:
        """Keep recorded states, checked against no tree as HEAD moved (a sweep's all at once)."""
        if self.usable() and written:
            entries = self._stored_states()[1]
            entries.update(written)
            self._save_states("", entries)

    def _files(self, issue_id: str) -> str:
        from escmatrix.store.issue_folders import listing

        return listing(self.root / "issues" / issue_id)

    def _code(self) -> str:
        """The fold, the events (as held and as validated) and the codec, by size and time: a
        state folded by other code must miss."""
        from escmatrix.store.matrix_key import code_stamps

        core = Path(__file__).resolve().parents[1] / "core"
        codec = Path(__file__).with_name("state_codec.py")
        try:
            files = [core / "issue.py", core / "events.py", core / "event_models.py", codec]
            return " ".join(code_stamps(files))
        except OSError:
            return ""

    def _stored_states(self) -> tuple[str, dict[str, StateEntry]]:
        """(the issues/ tree every entry was checked against, or "", the entries by issue id)."""
        try:
            data = (self.folder / "states.msgpack").read_bytes()
            stored = msgspec.msgpack.decode(data, type=StatesFile)
        except (OSError, msgspec.DecodeError):
            return "", {}
        if stored.version != STATES_VERSION or stored.code != self._code():
            return "", {}
        return stored.tree, stored.entries

    def _save_states(self, tree: str, entries: dict[str, StateEntry]) -> None:
        data = msgspec.msgpack.encode(StatesFile(STATES_VERSION, self._code(), tree, entries))
        self._save_bytes("states.msgpack", data)

    def events(
        self, read_events: Callable[[str], list[EventBase]], wanted: Collection[str] | None = None
    ) -> list[tuple[str, list[EventBase]]] | None:
        """Every issue's parsed events (or the `wanted` issues'), in id order, re-read only for
        folders whose tree changed; None when the cache cannot be trusted."""
        from escmatrix.store.event_cache import EventFile

        if not self.usable():
            return None
        tree = self._issues_tree()
        if tree is None:
            return None
        store = EventFile(self.folder / "events.pickle", self.read_only)
        found = store.read(tree, self._folder_trees, read_events, wanted)
        self.read_only = store.read_only
        return found

    def per_issue(
        self,
        name: str,
        key: str,
        kind: Any,  # what msgspec decodes each value as
        wanted: list[str],
        compute: Callable[[list[str]], dict[str, T]],
        every: bool = False,
    ) -> dict[str, T] | None:
        """A value of type `kind` for each wanted issue (MessagePack in the file `name`), worked
        out by `compute` from the issue as it is and whatever `key` stands for (the matrix): kept
        while the issue's folder tree at HEAD and `key` are unchanged (`every`: `wanted` is every
        issue, which `every_issue` reads back alone). Call after `summaries`; None when the cache
        cannot be trusted."""
        tree = self._tree
        if tree is None or not self.usable():
            return None
        stored = self._stored_derived(name, key)
        entries = stored.entries if stored is not None else {}
        folders = (
            None if stored is not None and stored.tree == tree else self._current_folders(tree)
        )
        decoder = msgspec.msgpack.Decoder(kind)
        found: dict[str, T] = {}
        missing: list[str] = []
        for issue_id in wanted:
            entry = entries.get(issue_id)
            if entry is None or (folders is not None and entry[0] != folders.get(issue_id)):
                missing.append(issue_id)
                continue
            try:
                found[issue_id] = decoder.decode(entry[1])
            except msgspec.DecodeError:
                missing.append(issue_id)
        if not missing and folders is None:
            return found
        folders = folders if folders is not None else self._current_folders(tree)
        computed = compute(missing) if missing else {}
        found.update(computed)
        kept = {
            issue_id: entry
            for issue_id, entry in entries.items()
            if folders.get(issue_id) == entry[0]
        }
        for issue_id, value in computed.items():
            kept[issue_id] = (folders.get(issue_id, ""), msgspec.Raw(msgspec.msgpack.encode(value)))
        data = msgspec.msgpack.encode(DerivedFile(DERIVED_VERSION, key, tree, kept, every))
        self._save_bytes(name, data)
        return found

    def every_issue(self, name: str, key: str, kind: Any) -> dict[str, Any] | None:
        """Every issue's value as `per_issue(..., every=True)` kept it, while HEAD's issues/ tree is
        the one it was kept at: no list of issues needed. None: ask `per_issue`."""
        tree = self._issues_tree() if self.usable() else None
        stored = self._stored_derived(name, key) if tree is not None else None
        if stored is None or not stored.every or stored.tree != tree:
            return None
        decoder = msgspec.msgpack.Decoder(kind)
        try:
            return {issue_id: decoder.decode(raw) for issue_id, (_, raw) in stored.entries.items()}
        except msgspec.DecodeError:
            return None

    def _stored_derived(self, name: str, key: str) -> DerivedFile | None:
        try:
            stored = msgspec.msgpack.decode((self.folder / name).read_bytes(), type=DerivedFile)
        except (OSError, msgspec.DecodeError):
            return None
        return stored if stored.version == DERIVED_VERSION and stored.key == key else None
