"""The report's inputs, gathered from a workspace: every issue's events, friction notes, and when
each owner and backup entry of the matrix last changed (one `git blame` per file).

The numbers themselves are computed by `core.metrics`, purely; this module only reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escmatrix.app.clock import parse_instant
from escmatrix.core.errors import EscmatrixError, UsageError
from escmatrix.core.metrics.final import Final, Horizon, Unfinished
from escmatrix.core.metrics.report import IssueSource, Report, build_report
from escmatrix.core.metrics.windows import Window, quarter_window

if TYPE_CHECKING:
    from escmatrix.app.workspace import Workspace
    from escmatrix.core.events import EventBase

ENTRY_FILES = ("categories", "people")
SCHEMA_FILE = "report.schema.json"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def resolve_window(
    since: str | None, until: str | None, quarter: str | None, now: datetime, default: timedelta
) -> Window:
    """`--quarter`, or `--since`/`--until` (ISO dates or times, UTC when no offset), else the
    review period (governance.yaml) up to now."""
    if quarter is not None:
        if since is not None or until is not None:
            raise UsageError("give either --quarter or --since/--until, not both")
        try:
            window = quarter_window(quarter)
        except ValueError as exc:
            raise UsageError(str(exc), hint="for example --quarter 2026Q3") from None
    else:
        end = parse_instant(until, what="--until", base=now) if until else now
        start = parse_instant(since, what="--since", base=now) if since else end - default
        if start >= end:
            raise UsageError(
                f"the window is empty: --since {start:%Y-%m-%d %H:%M} is not before "
                f"{end:%Y-%m-%d %H:%M}",
                hint="give an earlier --since or a later --until",
            )
        window = Window(start=start, end=end, label=f"{start:%Y-%m-%d} – {end:%Y-%m-%d}")
    if window.start >= now:
        raise UsageError(
            f"the window {window.label} starts after now ({now:%Y-%m-%d %H:%M} UTC)",
            hint="pick a window that has begun, or set --now",
        )
    return window


def load_issues(ws: Workspace, window: Window) -> list[IssueSource]:
    """Every issue, in id order: its record from the local cache where that settles the report
    of `window` now (`app.report_records`), else its events."""
    from escmatrix.app.report_records import records, settled

    kept = records(ws)
    if kept is None:
        return list(ws.issue_events())
    taken = settled(kept, Horizon.of(window, ws.clock.now()))
    read = ws.issue_events([i for i in kept if i not in taken]) if len(taken) < len(kept) else []
    sources: dict[str, Sequence[EventBase] | Final | Unfinished] = {**taken, **dict(read)}
    return sorted(sources.items())


def entry_changes(ws: Workspace) -> dict[tuple[str, str], datetime]:
    """When each entry of categories.yaml and people.yaml last changed, by `git blame` (one call
    per file; the entries' times remembered in the local cache until HEAD or the file changes,
    so a warm report neither blames nor parses them); empty when git cannot tell (no
    repository, no commits)."""
    found: dict[tuple[str, str], datetime] = {}
    try:
        git = ws.git
    except EscmatrixError:
        return found
    head = git.head()
    if not head:
        return found
    for kind in ENTRY_FILES:
        path = ws.root / "matrix" / f"{kind}.yaml"
        if not path.is_file():
            continue
        stat = path.stat()
        key = (head, git.rel(path), stat.st_size, stat.st_mtime_ns)

        def work_out(path: Path = path, kind: str = kind) -> dict[str, datetime] | None:
            porcelain = git.blame(path)
            return None if porcelain is None else _entry_times(path, kind, _line_times(porcelain))

        name = f"entry-times-{kind}.pickle"
        times = ws.cache.memo(name, key, work_out) if ws.use_cache else work_out()
        # None: no commits, file not tracked: no dates to judge by
        found.update({(kind, entry): at for entry, at in (times or {}).items()})
    return found


def _entry_times(path: Path, kind: str, times: dict[int, datetime]) -> dict[str, datetime]:
    """Each entry's id in the file → the newest author time of its lines."""
    from escmatrix.store.yamlio import PosDict, PosList, read_yaml

    data = read_yaml(path, f"matrix/{kind}.yaml")
    items = data.get(kind) if isinstance(data, PosDict) else None
    if not isinstance(items, PosList):
        return {}
    starts = [mark[0] for mark in items.item_marks]
    ends = [*(line - 1 for line in starts[1:]), max(times, default=0)]
    found: dict[str, datetime] = {}
    for item, first, last in zip(items, starts, ends, strict=True):
        stamps = [times[n] for n in range(first, last + 1) if n in times]
        if isinstance(item, dict) and isinstance(item.get("id"), str) and stamps:
            found[item["id"]] = max(stamps)
    return found


def _line_times(porcelain: str) -> dict[int, datetime]:
    """Final line number → author time, from `git blame --line-porcelain`."""
    times: dict[int, datetime] = {}
    line = 0
    for text in porcelain.splitlines():
        head = text.split(" ")
        if len(head) >= 3 and len(head[0]) == 40 and head[1].isdigit() and head[2].isdigit():
            line = int(head[2])
        elif text.startswith("author-time "):
            times[line] = datetime.fromtimestamp(int(text.split(" ", 1)[1]), UTC)
    return times


def build(ws: Workspace, window: Window, keep: Callable[[object], None] | None = None) -> Report:
    """The report for `window` at the workspace clock's time. `keep` is handed what the report
    was made from (every issue's record or events, every measurement), which is dropped
    otherwise: a one-shot command keeps them to the end (`cli.lifetime`), as freeing them one by
    one costs ~20 ms at 10k issues."""
    from escmatrix.core.metrics.report import Measurer
    from escmatrix.store.friction import FrictionStore

    issues = load_issues(ws, window)
    measure = Measurer(ws.matrix)
    report = build_report(
        ws.matrix,
        issues,
        window,
        ws.clock.now(),
        FrictionStore(ws.root).notes(),
        entry_changes(ws),
        measure,
    )
    if keep is not None:
        keep((issues, measure))
    return report


def report_schema() -> dict[str, Any]:
    """The JSON Schema of `report --format json`, generated from the model (msgspec gives a
    reference to Report among its definitions: the schema is Report's, with the others)."""
    import msgspec

    generated = msgspec.json.schema(Report)
    definitions = dict(generated["$defs"])
    for shape in definitions.values():  # the output has every field, defaults too
        if "properties" in shape:
            shape["required"] = list(shape["properties"])
    schema = definitions.pop(Report.__name__)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "https://escmatrix.invalid/schemas/report.schema.json",
        **schema,
        "$defs": definitions,
        "title": "escmatrix report (escmatrix report --format json)",
        "description": "Durations are in seconds; times are UTC ISO 8601; ratios are 0-1. "
        "See core/metrics.py for every definition.",
    }


def render_schema() -> str:
    return json.dumps(report_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def shipped_schema() -> str:
    """The schema file shipped with the package (a test keeps it equal to `render_schema`)."""
    return (resources.files("escmatrix") / "schemas" / SCHEMA_FILE).read_text(encoding="utf-8")
