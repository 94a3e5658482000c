"""The watcher's heartbeat: the time of its last good round, in the clone's git folder, and an
optional ping to a dead man's switch (healthchecks.io, Uptime Kuma, Cronitor, ...)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

FILE = "watch-heartbeat.json"


@dataclass(frozen=True)
class Heartbeat:
    """What the watcher last said about itself (times as UTC ISO 8601 text)."""

    last_good: str | None  # the end of the last round where every step succeeded
    last_round: str  # the end of the last round, good or not
    interval: float  # seconds between rounds, so a reader can tell what "stale" means
    failures: int  # rounds failed in a row
    last_error: str | None
    pid: int


def path_in(git_dir: Path) -> Path:
    return git_dir / "escmatrix" / FILE


def write(git_dir: Path, beat: Heartbeat) -> None:
    """Replace the heartbeat file atomically (a reader never sees half of it)."""
    target = path_in(git_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{FILE}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(beat), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, target)


def read(git_dir: Path) -> Heartbeat | None:
    """The heartbeat, or None when no watcher ever wrote one (or the file is unreadable)."""
    try:
        data = json.loads(path_in(git_dir).read_text(encoding="utf-8"))
        return Heartbeat(**data)
    except (OSError, ValueError, TypeError):
        return None


def stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def ping(url: str, timeout: float = 5.0) -> str | None:
    """GET the heartbeat URL; None when it answered 2xx, else what went wrong, in words."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "escmatrix-watch"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        return f"heartbeat URL answered {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return f"heartbeat URL unreachable: {getattr(exc, 'reason', exc)}"
    return None if 200 <= status < 300 else f"heartbeat URL answered {status}"
