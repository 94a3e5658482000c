"""Where a drill runs: a throwaway git repository holding a copy of matrix/ and playbooks/, and a
workspace whose actor is whoever the scenario says acts."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from escmatrix.app.workspace import Recorded, Workspace
from escmatrix.core import ids
from escmatrix.core.matrix import Matrix
from escmatrix.store.git import GitRepo, Identity
from escmatrix.store.issues import EventFile, IssueStore

if TYPE_CHECKING:
    from escmatrix.core.events import EventBase, MatrixRef
    from escmatrix.core.issue import IssueState
    from escmatrix.core.summary import IssueSummary

COPIED = ("matrix", "playbooks")
DRILL_IDENTITY = Identity("escmatrix drill", "drill@escmatrix.invalid")


class _DrillGit(GitRepo):
    """The throwaway repository's git, where recorded events are written but not committed one
    by one: a drill of thousands of issues spent minutes in commits nobody reads. `commit_all`
    commits them in one go when the repository is kept (`drill --keep`)."""

    made = 0
    ref: MatrixRef | None = None

    def matrix_ref(self) -> MatrixRef:
        """HEAD never moves during a drill: the copied matrix's reference, read once."""
        if self.ref is None:
            self.ref = super().matrix_ref()
        return self.ref

    def commit_files(
        self,
        paths: list[Path],
        subject: str,
        body: str,
        trailers: dict[str, str],
        identity: Identity | None = None,
        at: datetime | None = None,
    ) -> str:
        self.made += 1
        return f"drill{self.made:035d}"  # stands in for a commit id: 40 characters, never real


class _DrillStore(IssueStore):
    """The issue store in memory: a drill's events never need to be on disk while it plays (one
    process alone writes its throwaway copy), so nothing is dumped, written, listed or parsed
    again. `flush` writes them all as event files when the drill's repository is kept."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._known: dict[Path, EventBase] = {}
        self._files: dict[str, list[EventFile]] = {}

    def exists(self, issue_id: str) -> bool:
        return issue_id in self._files

    def issue_ids(self, start: str = "") -> list[str]:
        return sorted(i for i in self._files if i.startswith(start))

    def resolve(self, prefix: str) -> str:
        return prefix if prefix in self._files else super().resolve(prefix)

    def event_files(self, issue_id: str) -> list[EventFile]:
        return list(self._files.get(issue_id, ()))

    def read_event(self, file: EventFile) -> EventBase:
        return self._known[file.path]

    def next_paths(self, issue_id: str, events: list[EventBase]) -> list[Path]:
        seq = max((f.seq for f in self._files.get(issue_id, ())), default=0)
        return [
            self.folder
            / issue_id
            / f"{seq + n:06d}-{ids.random_part()}-{getattr(e, 'event', 'event')}.yaml"
            for n, e in enumerate(events, start=1)
        ]

    def write(self, paths: list[Path], events: list[EventBase]) -> list[Path]:
        for path, event in zip(paths, events, strict=True):
            file = self.event_file(path)
            self._files.setdefault(path.parent.name, []).append(file)
            self._known[path] = event
        for issue_id in {p.parent.name for p in paths}:
            self._files[issue_id].sort(key=lambda f: f.sort_key)
        return paths

    def flush(self) -> None:
        """Every event recorded, written as the event files a real store would hold."""
        for files in self._files.values():
            paths = [f.path for f in files]
            IssueStore.write(self, paths, [self._known[p] for p in paths])


def commit_all(root: Path) -> None:
    """What a kept drill recorded, in one commit on top of the copied matrix."""
    for args in (["add", "-A", "--", "issues"], ["commit", "-q", "-m", "drill: what it recorded"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True)


def copy_repository(source: Path) -> Path:
    """matrix/ and playbooks/ in a new temporary git repository, committed once."""
    target = Path(tempfile.mkdtemp(prefix="escmatrix-drill-"))
    for folder in COPIED:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)
    (target / "issues").mkdir()
    (target / "issues" / ".gitkeep").write_text("")
    hooks = target / ".git-no-hooks"
    hooks.mkdir()

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=target, check=True, capture_output=True, text=True)

    git("init", "-q", "-b", "main")
    for key, value in (
        ("user.name", DRILL_IDENTITY.name or ""),
        ("user.email", DRILL_IDENTITY.email),
        ("commit.gpgsign", "false"),
        ("core.hooksPath", str(hooks)),
    ):
        git("config", key, value)
    git("add", "--", *[f for f in (*COPIED, "issues") if (target / f).exists()])
    git("commit", "-q", "-m", "drill: copy of the matrix and playbooks")
    return target


class DrillWorkspace(Workspace):
    """A workspace whose actor is whoever the scenario says acts, not git's identity."""

    acting: str = ""

    def actor(self) -> tuple[str, Identity]:
        person = self.matrix.people[self.acting]
        return person.id, Identity(person.name, person.email)

    def automation_identity(self) -> Identity:
        bot = self.matrix.governance.automation
        return Identity(bot.name, bot.email) if bot else DRILL_IDENTITY

    @cached_property
    def git(self) -> GitRepo:
        return _DrillGit(self.root)

    @cached_property
    def _states(self) -> dict[str, IssueState]:
        """Folded issues kept in memory: only this workspace writes the throwaway repository, and
        it forgets an issue whenever it records on it, so the sweep at every moment need not read
        every event file again (that made a drill quadratic in its issues)."""
        return {}

    def issue(self, prefix: str) -> IssueState:
        issue_id = self.resolve(prefix)
        if issue_id not in self._states:
            self._states[issue_id] = self.store.load(issue_id)
        return self._states[issue_id]

    focus: set[str] | None = None  # the runner's: only these issues are swept at this moment

    def issues(
        self, wanted: Callable[[IssueSummary], bool] | None = None, active: bool = False
    ) -> list[IssueState]:
        from escmatrix.core.summary import IssueSummary

        # the sweep orders what it finds itself: the focus needs no listing of issues/
        ids = self.store.issue_ids() if self.focus is None else sorted(self.focus)
        states = [s for s in map(self.issue, ids) if s.is_active or not active]
        return [s for s in states if wanted is None or wanted(IssueSummary.of(s))]

    @cached_property
    def drill_store(self) -> _DrillStore:
        return _DrillStore(self.root)

    @cached_property
    def store(self) -> IssueStore:
        return self.drill_store

    def _decided_on(self, issue_id: str) -> IssueState:
        return self.store.load(issue_id)  # from the drill's own store, which its copy is

    def _record(
        self,
        issue_id: str,
        action: str,
        actor: str,
        identity: Identity,
        decide: Callable[[], list[EventBase]],
        describe: Callable[[list[EventBase]], tuple[str, str]],
        folded: list[IssueState] | None = None,
    ) -> Recorded | None:
        """As a command records, less what guards a shared repository against other processes
        and crashes (the lock, the journal): one drill alone writes its throwaway copy."""
        from escmatrix.core.audit_rules import refuse_before_opening
        from escmatrix.core.events import checked

        self._states.pop(issue_id, None)
        new_events = [checked(e) for e in decide()]
        if not new_events:
            return None
        if not any(getattr(e, "event", "") == "opened" for e in new_events):
            refuse_before_opening([e.at for e in new_events], self.issue(issue_id).opened_at)
        paths = self.store.next_paths(issue_id, new_events)
        files = self.store.write(paths, new_events)
        # no commit message: nothing is committed one by one (working one out lists every issue)
        commit = self.git.commit_files(files, action, "", {}, identity)
        self._states.pop(issue_id, None)
        return Recorded(self.issue(issue_id), files, commit, action)

    def replace_matrix(self, matrix: Matrix) -> None:
        self.__dict__["matrix"] = matrix  # `matrix` is a cached property: this is its cache
