"""An issue's git history as `escmatrix log` shows it, whatever a commit-msg hook did to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from escmatrix.core.errors import EscmatrixError
from escmatrix.store.issues import EVENT_NAME

if TYPE_CHECKING:
    from escmatrix.app.workspace import Workspace
    from escmatrix.store.git import LogEntry


def from_event_files(ws: Workspace, entry: LogEntry) -> LogEntry:
    """An entry whose commit lost its trailers (a commit-msg hook that rewrites messages)
    names its action and actor from its event files, and says so."""

    if entry.action or not entry.files:
        return entry
    kinds, actors = [], []
    for name in entry.files:
        match = EVENT_NAME.match(name.rsplit("/", 1)[-1])
        if not match:
            continue
        kinds.append(match.group(3))
        try:
            event = ws.store.read_event(ws.store.event_file(ws.git.top / name))
        except (EscmatrixError, OSError):
            continue
        actors.append(event.actor)
    if not kinds:
        return entry
    return msgspec.structs.replace(
        entry,
        action=", ".join(dict.fromkeys(kinds)),
        actor=", ".join(dict.fromkeys(actors)),
        note="the commit has no escmatrix trailers (a commit-msg hook may have removed them): "
        "action and actor are read from its event files",
    )
