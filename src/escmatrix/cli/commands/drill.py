"""`escmatrix drill SCENARIO.yaml`: rehearse a scenario on a virtual clock, in a throwaway copy."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from escmatrix.cli.context import Format, timezone, workspace

if TYPE_CHECKING:
    from rich.console import RenderableType

    from escmatrix.core.drill import DrillResult, Expectation


def drill(
    ctx: typer.Context,
    scenario: Annotated[
        Path,
        typer.Argument(
            help="The scenario file (YAML); a bare name is also looked up in playbooks/drills/.",
            show_default=False,
        ),
    ],
    expect: Annotated[
        list[str],
        typer.Option(
            "--expect",
            help="An extra expectation, as in the scenario's expect list: a YAML mapping such as "
            "'{at: +3h, tier: executive}' or 'at=+3h tier=executive'; repeatable.",
        ),
    ] = [],  # noqa: B006 - Typer reads the default
    keep: Annotated[
        bool,
        typer.Option("--keep", help="Keep the temporary repository and print where it is."),
    ] = False,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="table for people, json for CI.")
    ] = Format.table,
) -> None:
    """Run a drill: issues arrive at scripted times and people act (or do not) on a virtual
    clock, through routing, SLA clocks, sweep escalation and notifications (captured, never
    sent), in a temporary copy of the repository. Shows who was engaged when, every deadline
    met or missed, coverage gaps and a score. Exit 1 when an expectation fails."""
    from escmatrix.app import drill as runner
    from escmatrix.cli import output

    ws = workspace(
        ctx, leave_no_trace=True
    )  # the drill works on a copy; the real repo is untouched
    path, display = _find(scenario, ws.root)
    model, data = runner.load_scenario(path, display)
    if expect:
        model = model.model_copy(
            update={"expect": [*model.expect, *map(parse_expectation, expect)]}
        )
    runner.check(model, data, ws.matrix, display)
    result, kept = runner.run(ws.root, model, keep=keep)
    if fmt is Format.json:
        output.write_json(
            drill_data(result) | {"scenario_file": display, "kept": str(kept) if kept else None}
        )
    else:
        output.stdout().print(render(result, timezone(ctx)))
        if kept:
            output.stderr().print(output.safe(f"the drill's repository is kept at {kept}", "dim"))
    failed = [o for o in result.outcomes if not o.passed]
    for outcome in failed:
        output.stderr().print(
            output.safe(f"expectation {outcome.index} failed: {outcome.message}", "red")
        )
    if failed:
        raise typer.Exit(1)


def _find(scenario: Path, root: Path) -> tuple[Path, str]:
    candidates = [scenario]
    if not scenario.is_absolute():
        candidates += [root / "playbooks" / "drills" / scenario]
        if scenario.suffix not in (".yaml", ".yml"):
            candidates += [root / "playbooks" / "drills" / f"{scenario}.yaml"]
    for path in candidates:
        if path.is_file():
            try:
                return path, path.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                return path, str(path)
    from escmatrix.core.errors import UsageError

    drills = sorted(p.name for p in (root / "playbooks" / "drills").glob("*.y*ml"))
    raise UsageError(
        f"no scenario file {str(scenario)!r}",
        hint=f"scenarios in playbooks/drills/: {', '.join(drills) or 'none'}",
    )


def parse_expectation(text: str) -> Expectation:
    """`{at: +3h, tier: executive}` (a YAML mapping) or `at=+3h tier=executive`."""
    from pydantic import ValidationError

    from escmatrix.core.drill import Expectation
    from escmatrix.core.errors import UsageError
    from escmatrix.core.types import error_message
    from escmatrix.store.yamlio import parse_yaml

    raw = text.strip()
    data: Any
    if raw.startswith("{"):
        try:
            data = parse_yaml(raw, "--expect")
        except Exception:
            raise UsageError(f"--expect {text!r} is not a YAML mapping") from None
    else:
        data = {}
        for part in raw.replace(",", " ").split():
            key, sep, value = part.partition("=")
            if not sep:
                raise UsageError(
                    f"--expect {text!r}: {part!r} is not KEY=VALUE",
                    hint="e.g. --expect 'at=+3h tier=executive' or --expect '{by: +1h, engaged: amelia}'",
                )
            data[key] = parse_yaml(value, "--expect") if value else None
    if not isinstance(data, dict):
        raise UsageError(f"--expect {text!r} is not a mapping")
    try:
        return Expectation.model_validate(dict(data))
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'expectation'}: {error_message(e)}"
            for e in exc.errors(include_url=False)
        )
        raise UsageError(f"--expect {text!r}: {reasons}") from None


def drill_data(result: DrillResult) -> dict[str, Any]:
    total = result.score
    return {
        "scenario": result.scenario,
        "start": result.start,
        "end": result.end,
        "issues": result.issues,
        "passed": result.passed,
        "score": {
            "value": total.value,
            "deadlines_met": total.met,
            "deadlines_missed": total.missed,
            "deadlines_open": total.open,
            "gaps": total.gaps,
            "explained": total.explained,
        },
        "engagements": [
            {
                "at": e.at,
                "issue": e.issue,
                "tier": e.tier,
                "engaged": e.engaged,
                "owner": e.owner,
                "how": e.how,
            }
            for e in result.engagements
        ],
        "timeline": [
            {"at": t.at, "issue": t.issue, "kind": t.kind, "who": t.who, "detail": t.detail}
            for t in result.timeline
        ],
        "deadlines": [
            {
                "issue": x.issue,
                "clock": x.clock,
                "started": x.started,
                "due": x.due,
                "state": x.state,
                "settled_at": x.settled_at,
            }
            for x in result.deadlines
        ],
        "gaps": [
            {"at": g.at, "issue": g.issue, "kind": g.kind, "detail": g.detail} for g in result.gaps
        ],
        "notifications": [
            {
                "at": n.at,
                "issue": n.issue,
                "kind": n.kind,
                "channel": n.channel,
                "summary": n.summary,
            }
            for n in result.notifications
        ],
        "expectations": [
            {"index": o.index, "expect": o.expectation, "passed": o.passed, "message": o.message}
            for o in result.outcomes
        ],
        "sweeps": result.sweeps,
    }


KIND_STYLE = {
    "gap": "yellow",
    "missed": "red",
    "refused": "red",
    "escalated": "bold",
    "opened": "bold",
    "acknowledged": "green",
}


def render(result: DrillResult, tz: str) -> RenderableType:
    from rich.console import Group
    from rich.table import Table

    from escmatrix.cli.issue_view import when
    from escmatrix.cli.output import safe

    parts: list[RenderableType] = [
        safe(f"Drill: {result.scenario}", "bold"),
        safe(f"{when(result.start, tz)} → {when(result.end, tz)}, {result.sweeps} sweeps", "dim"),
    ]
    engaged = Table(title="Who was engaged when", title_justify="left")
    for column in ("time", "issue", "tier", "engaged", "owner", "how"):
        engaged.add_column(column)
    for e in result.engagements:
        engaged.add_row(
            when(e.at, tz), safe(e.issue), safe(e.tier), safe(e.engaged), safe(e.owner), safe(e.how)
        )
    parts.append(engaged)
    timeline = Table(title="Timeline", title_justify="left")
    for column in ("time", "issue", "what", "who", "detail"):
        timeline.add_column(column)
    for t in result.timeline:
        timeline.add_row(
            when(t.at, tz),
            safe(t.issue or "—"),
            safe(t.kind, KIND_STYLE.get(t.kind, "")),
            safe(t.who or "—"),
            safe(t.detail),
        )
    parts.append(timeline)
    deadlines = Table(title="Deadlines", title_justify="left")
    for column in ("issue", "clock", "due", "result"):
        deadlines.add_column(column)
    style = {"met": "green", "missed": "red", "open": "dim"}
    for x in result.deadlines:
        label = x.state if x.state != "open" else "still open at the end"
        deadlines.add_row(
            safe(x.issue), safe(x.clock), when(x.due, tz), safe(label, style[x.state])
        )
    parts.append(deadlines)
    if result.gaps:
        parts.append(safe("Coverage gaps", "bold"))
        parts += [
            safe(f"  {when(g.at, tz)}  {g.issue or '—'}: {g.detail}", "yellow") for g in result.gaps
        ]
    else:
        parts.append(safe("No coverage gaps found.", "green"))
    sent = len(result.notifications)
    channels = sorted({n.channel for n in result.notifications})
    parts.append(
        safe(
            f"{sent} notification{'s' if sent != 1 else ''} captured (not sent)"
            + (f" to {', '.join(channels)}" if channels else ""),
            "dim",
        )
    )
    parts.append(safe(f"Score {result.score.explained}", "bold"))
    for o in result.outcomes:
        mark = "✓" if o.passed else "✗"
        parts.append(
            safe(f"{mark} expectation {o.index}: {o.message}", "green" if o.passed else "red")
        )
    return Group(*parts)


def register(app: typer.Typer) -> None:
    app.command("drill")(drill)
