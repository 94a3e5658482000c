"""`escmatrix doctor`: finish or clean up what interrupted commands left behind.

A command writes its journal entry, then its event files, then commits; one stopped in between
leaves event files on disk that no commit holds. Doctor commits them as the command would have
(its actor, its subject, dated when the events happened), removes stale git locks and
half-written temp files, and says what it did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from escmatrix.store.journal import Entry, Journal
from escmatrix.store.lock import exclusive

if TYPE_CHECKING:
    from escmatrix.app.workspace import Workspace


def doctor(ws: Workspace) -> list[str]:
    """Finish or clean up what interrupted commands left; returns what was done, in words."""
    done: list[str] = []
    with exclusive(ws.lock_path):
        done.extend(ws.git.stale_locks())  # first: recovering commits needs them gone
        journal = Journal(ws.git.git_dir)
        for path in journal.pending():
            entry = journal.read(path)
            if entry is None:
                done.append(f"removed an unreadable journal entry {path.name}")
                journal.end(path)
                continue
            done.extend(_recover(ws, entry))
            journal.end(path)
        for tmp in journal.temp_files():
            tmp.unlink(missing_ok=True)
            done.append(f"removed a half-written journal entry {tmp.name}")
        for tmp in ws.store.temp_files():
            tmp.unlink(missing_ok=True)
            done.append(f"removed the temp file {tmp.relative_to(ws.root)}")
            if tmp.parent.is_dir() and not any(tmp.parent.iterdir()):
                tmp.parent.rmdir()
    return done


def _recover(ws: Workspace, entry: Entry) -> list[str]:
    """Commit the events of an interrupted command that made it to disk, as its actor."""
    from escmatrix.store.git import TRAILER_ACTION, TRAILER_ACTOR, TRAILER_ISSUE, Identity

    present = [ws.root / f for f in entry.files if (ws.root / f).is_file()]
    if not present:
        # killed between making a new issue's folder and writing its file: git keeps no empty
        # folder, and an issue folder with no events is not an issue
        for folder in {(ws.root / f).parent for f in entry.files}:
            if folder.parent == ws.store.folder and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        return [f"{entry.action} {entry.issue}: nothing had been written; nothing to recover"]
    pending = ws.git.uncommitted(present)
    if not pending:
        return [f"{entry.action} {entry.issue}: had already been committed"]
    # Refuse to commit a broken file; date the commit when the events happened, as the
    # interrupted command would have (audit holds an event's time to its commit's).
    events = [ws.store.read_event(ws.store.event_file(path)) for path in pending]
    commit = ws.git.commit_files(
        pending,
        entry.subject,
        "Recovered by escmatrix doctor after the command was interrupted.",
        {TRAILER_ISSUE: entry.issue, TRAILER_ACTION: entry.action, TRAILER_ACTOR: entry.actor},
        Identity(entry.name, entry.email),
        max(e.at for e in events),
    )
    return [
        f"{entry.action} {entry.issue}: committed {len(pending)} orphaned event file(s) as "
        f"{entry.email} ({commit[:10]})"
    ]
