"""A scenario's `expect` assertions, checked against what a drill found. Pure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from escmatrix.core.drill.result import Captured, Deadline, DrillResult, Outcome, Snapshot
from escmatrix.core.drill.scenario import Expectation, Scenario


def _fmt(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


def describe(expect: Expectation, scenario: Scenario) -> dict[str, Any]:
    """The expectation as plain data, times resolved to UTC."""
    data = expect.model_dump(exclude_none=True)
    for key in ("at", "by"):
        value = getattr(expect, key)
        if value is not None:
            data[key] = scenario.when(value)
    return data


def evaluate(scenario: Scenario, result: DrillResult) -> list[Outcome]:
    """Check every expectation against what happened."""
    single = scenario.issues[0].name if len(scenario.issues) == 1 else None
    return [
        _check(i, e, scenario, result, e.issue or single)
        for i, e in enumerate(scenario.expect, start=1)
    ]


def _check(
    index: int, e: Expectation, scenario: Scenario, result: DrillResult, name: str | None
) -> Outcome:
    at = scenario.when(e.at) if e.at is not None else None
    by = scenario.when(e.by) if e.by is not None else None
    failures: list[str] = []
    said: list[str] = []
    snaps = result.snapshots.get(name or "", [])
    for key in ("tier", "engaged", "owner", "status"):
        wanted = getattr(e, key)
        if wanted is None:
            continue
        ok, text = _state_check(key, wanted, snaps, at, by, name or "?")
        said.append(text)
        if not ok:
            failures.append(text)
    if e.deadline is not None:
        ok, text = _deadline_check(e.deadline, e.met is not False, result.deadlines, name or "?")
        said.append(text)
        if not ok:
            failures.append(text)
    if e.notified is not None:
        ok, text = _notice_check(e.notified, e.notice, result.notifications, name, at or by)
        said.append(text)
        if not ok:
            failures.append(text)
    total = result.score
    if e.gaps is not None and total.gaps != e.gaps:
        failures.append(f"expected {e.gaps} coverage gaps, found {total.gaps}")
    if e.max_gaps is not None and total.gaps > e.max_gaps:
        failures.append(f"expected at most {e.max_gaps} coverage gaps, found {total.gaps}")
    if e.min_score is not None and total.value < e.min_score:
        failures.append(f"expected a score of at least {e.min_score}, got {total.explained}")
    if e.gaps is not None or e.max_gaps is not None or e.min_score is not None:
        said.append(f"score {total.explained}")
    passed = not failures
    message = "; ".join(failures if failures else said)
    return Outcome(index, describe(e, scenario), passed, message)


def _state_at(snaps: list[Snapshot], at: datetime) -> Snapshot | None:
    found = None
    for snap in snaps:
        if snap.at <= at:
            found = snap
    return found


def _state_check(
    key: str,
    wanted: str,
    snaps: list[Snapshot],
    at: datetime | None,
    by: datetime | None,
    name: str,
) -> tuple[bool, str]:
    label = {"tier": "at tier", "engaged": "engaged:", "owner": "owned by", "status": "status"}[key]
    history = ", ".join(
        f"{getattr(s, key)} from {s.at:%H:%M}"
        for i, s in enumerate(snaps)
        if i == 0 or getattr(snaps[i - 1], key) != getattr(s, key)
    )
    if at is not None:
        snap = _state_at(snaps, at)
        actual = getattr(snap, key) if snap else "not yet open"
        ok = actual == wanted
        text = f"{name} {label} {wanted} at {_fmt(at)}"
        return (
            ok,
            text if ok else f"expected {text}, but it was {actual} ({history or 'no history'})",
        )
    hit = next((s for s in snaps if getattr(s, key) == wanted and (by is None or s.at <= by)), None)
    when = f" by {_fmt(by)}" if by else ""
    if hit is not None:
        return (
            True,
            f"{name} {label} {wanted} at {_fmt(hit.at)}{when and ' (' + when.strip() + ')'}",
        )
    return (
        False,
        f"expected {name} {label} {wanted}{when}, but: {history or 'the issue never opened'}",
    )


def _deadline_check(
    clock: str, met: bool, deadlines: list[Deadline], name: str
) -> tuple[bool, str]:
    mine = [d for d in deadlines if d.issue == name and d.clock == clock]
    if not mine:
        clocks = sorted({d.clock for d in deadlines if d.issue == name})
        return (
            False,
            f"{name} never had a {clock!r} deadline (it had: {', '.join(clocks) or 'none'})",
        )
    states = ", ".join(f"{d.state} (due {_fmt(d.due)})" for d in mine)
    if met:
        ok = all(d.state == "met" for d in mine)
        return (
            ok,
            f"{name} {clock} deadline met" if ok else f"expected {name} {clock} met, but: {states}",
        )
    ok = any(d.state == "missed" for d in mine)
    return ok, f"{name} {clock} deadline missed" if ok else (
        f"expected {name} {clock} missed, but: {states}"
    )


def _notice_check(
    channel: str,
    kind: str | None,
    notices: list[Captured],
    name: str | None,
    by: datetime | None,
) -> tuple[bool, str]:
    what = f"{kind} notice" if kind else "a notice"
    where = (
        f"{what} on {channel}"
        + (f" for {name}" if name else "")
        + (f" by {_fmt(by)}" if by else "")
    )
    hit = next(
        (
            n
            for n in notices
            if n.channel == channel
            and (kind is None or n.kind == kind)
            and (name is None or n.issue == name)
            and (by is None or n.at <= by)
        ),
        None,
    )
    if hit is not None:
        return True, f"{where}: sent at {_fmt(hit.at)}"
    sent = sorted({f"{n.kind}→{n.channel}" for n in notices if name is None or n.issue == name})
    return False, f"expected {where}, but none (notices: {', '.join(sent) or 'none'})"
