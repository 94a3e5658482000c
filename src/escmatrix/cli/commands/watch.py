"""`escmatrix watch`: pull, sweep, flush and push every interval, with a heartbeat to check."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from escmatrix.cli.context import Format


class LogFormat(StrEnum):
    text = "text"
    json = "json"


def watch(
    ctx: typer.Context,
    interval: Annotated[
        float, typer.Option("--interval", min=1.0, help="Seconds between rounds.")
    ] = 30.0,
    remote: Annotated[
        str | None,
        typer.Option(
            "--remote",
            help="Remote to sync with (default: the upstream, else origin).",
            show_default=False,
        ),
    ] = None,
    log_format: Annotated[
        LogFormat, typer.Option("--log-format", help="text, or json: one object per line.")
    ] = LogFormat.text,
    heartbeat_url: Annotated[
        str | None,
        typer.Option(
            "--heartbeat-url",
            envvar="ESCMATRIX_HEARTBEAT_URL",
            help="GET this http(s) URL after every good round (a dead man's switch).",
            show_default=False,
        ),
    ] = None,
    rounds: Annotated[
        int | None,
        typer.Option(
            "--rounds",
            min=1,
            help="Stop after this many rounds (default: run until stopped).",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Run nothing: say whether this clone's watcher is alive; "
            "exit 1 when its heartbeat is stale or missing.",
        ),
    ] = False,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="For --check: table or json.")
    ] = Format.table,
) -> None:
    """Keep this clone current and swept without cron: every interval, pull, sweep --apply at the
    real time, flush the outbox and push. Stops cleanly between steps on SIGTERM or Ctrl-C.

    With --now (or ESCMATRIX_NOW) the clock is virtual: rounds run back to back, each an
    interval later than the one before (for drills and tests; give --rounds).
    """
    from escmatrix.app.clock import Clock
    from escmatrix.core.errors import UsageError

    options = ctx.find_root().obj
    clock = Clock.from_option(options.now)
    if check:
        _check(ctx, clock, fmt)
        return
    if heartbeat_url and not heartbeat_url.startswith(("https://", "http://")):
        raise UsageError(f"--heartbeat-url {heartbeat_url!r} is not an http(s) URL")
    if clock.is_fixed and rounds is None:
        raise UsageError("a virtual clock (--now) needs --rounds", hint="e.g. --rounds 10")
    failed = _run(ctx, clock, interval, remote, log_format, heartbeat_url, rounds)
    if rounds is not None and failed == rounds:
        raise typer.Exit(1)


def _run(
    ctx: typer.Context,
    clock: Any,
    interval: float,
    remote: str | None,
    log_format: LogFormat,
    heartbeat_url: str | None,
    rounds: int | None,
) -> int:
    import signal
    import threading

    from escmatrix.app.watch import SystemTicker, VirtualTicker, Watcher
    from escmatrix.store.repository import find_root

    stop = threading.Event()
    ticker = VirtualTicker(clock.now()) if clock.is_fixed else SystemTicker(stop)
    watcher = Watcher(
        find_root(ctx.find_root().obj.repo),
        ticker,
        _logger(log_format),
        interval=interval,
        remote=remote,
        heartbeat_url=heartbeat_url,
        stop=stop,
    )

    def request_stop(signum: int, _frame: object) -> None:
        stop.set()

    previous = {s: signal.signal(s, request_stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        return watcher.run(rounds)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _logger(log_format: LogFormat) -> Any:
    import json

    def log(record: dict[str, Any]) -> None:
        if log_format is LogFormat.json:
            line = json.dumps(record, default=str, ensure_ascii=False)
        else:
            mark = "" if record["ok"] else "ERROR "
            step = f"{record['step']}: " if "step" in record else ""
            line = f"{record['at']} {mark}{step}{record['message']}"
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    return log


def _check(ctx: typer.Context, clock: Any, fmt: Format) -> None:
    from escmatrix.app.watch import freshness
    from escmatrix.cli import output
    from escmatrix.cli.context import workspace

    ws = workspace(ctx, leave_no_trace=True)
    found = freshness(ws.git_dir, clock.now())
    if fmt is Format.json:
        output.write_json({"state": found.state, "message": found.message})
    else:
        stream = output.stdout() if found.state == "fresh" else output.stderr()
        stream.print(output.safe(f"watch: {found.state}: {found.message}"))
    if found.state != "fresh":
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("watch")(watch)
