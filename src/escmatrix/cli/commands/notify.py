"""`escmatrix notify`: the outbox of undelivered notifications, and test messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from escmatrix.cli.context import Format, FormatOpt, workspace

if TYPE_CHECKING:
    from escmatrix.store.outbox import Entry


notify_app = typer.Typer(
    name="notify",
    help="Notifications: retry the outbox, see what is pending, send a test message.",
    no_args_is_help=True,
)


def _entry_data(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "channel": entry.channel,
        "kind": entry.kind,
        "notice": entry.notice,
        "issue": entry.issue,
        "status": entry.status,
        "attempts": entry.attempts,
        "queued_at": entry.queued_at,
        "last_attempt_at": entry.last_attempt_at,
        "reason": entry.reason,
    }


def _entry_line(entry: Entry) -> str:
    tries = f"{entry.attempts} attempt" + ("" if entry.attempts == 1 else "s")
    return (
        f"{entry.id}  {entry.status:<7}  {entry.notice:<12} {entry.issue:<12} → "
        f"{entry.channel} ({entry.kind}), queued {entry.queued_at}, {tries}"
        + (f": {entry.reason}" if entry.reason else "")
    )


@notify_app.command("flush")
def flush(
    ctx: typer.Context,
    retry_failed: Annotated[
        bool,
        typer.Option(
            "--retry-failed", help="Also retry messages marked failed (after fixing the cause)."
        ),
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Retry every undelivered notification in the outbox, oldest first; each is sent once."""
    from escmatrix.app import notify as notifications
    from escmatrix.cli import output

    ws = workspace(ctx)
    report = notifications.flush(ws, retry_failed=retry_failed)
    failed = report.failed + report.gave_up
    if fmt is Format.json:
        output.write_json(
            {
                "delivered": [_entry_data(e) for e in report.delivered],
                "pending": [_entry_data(e) for e in report.pending],
                "failed": [_entry_data(e) for e in failed],
            }
        )
        return
    console = output.stdout()
    console.print(
        output.safe(
            f"delivered {len(report.delivered)}, pending {len(report.pending)}, "
            f"failed {len(failed)}",
            "bold",
        )
    )
    for entry in report.delivered:
        console.print(output.safe(f"  delivered {entry.notice} {entry.issue} → {entry.channel}"))
    for entry in report.pending + failed:
        console.print(output.safe(f"  {_entry_line(entry)}"))


@notify_app.command("list")
def list_(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Show what the outbox holds: pending deliveries and failed ones, with why."""
    from escmatrix.app import notify as notifications
    from escmatrix.cli import output

    held = notifications.entries(workspace(ctx))
    if fmt is Format.json:
        output.write_json([_entry_data(e) for e in held])
        return
    console = output.stdout()
    if not held:
        console.print("the outbox is empty: every notification was delivered", style="dim")
        return
    for entry in held:
        console.print(output.safe(_entry_line(entry)))


@notify_app.command("test")
def test(
    ctx: typer.Context,
    channel: Annotated[str, typer.Argument(help="Channel id from matrix/comms.yaml.")],
) -> None:
    """Send a test message over one channel now (a PagerDuty test is triggered, then resolved)."""
    from escmatrix.app import notify as notifications
    from escmatrix.cli import output

    for line in notifications.send_test(workspace(ctx), channel):
        output.stdout().print(output.safe(line))


@notify_app.command("drop")
def drop(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(help="Outbox entry ids (or unique prefixes).", show_default=False),
    ] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Drop every failed entry.")] = False,
) -> None:
    """Remove entries from the outbox without sending them."""
    from escmatrix.app import notify as notifications
    from escmatrix.cli import output
    from escmatrix.core.errors import UsageError

    if not ids and not failed:
        raise UsageError(
            "name entries to drop, or give --failed", hint="see `escmatrix notify list`"
        )
    dropped = notifications.drop(workspace(ctx), ids or [], failed=failed)
    output.stdout().print(output.safe(f"dropped {len(dropped)} outbox entries"))


def register(app: typer.Typer) -> None:
    app.add_typer(notify_app)
