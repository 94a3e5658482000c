"""The `escmatrix` command: global options, command registration and the one error handler."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from escmatrix import __version__
from escmatrix.errors import EscmatrixError


class EscmatrixGroup(TyperGroup):
    """Turns our errors into a message and an exit code, in one place, with no traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except EscmatrixError as exc:
            report(exc)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            sys.stderr.write("interrupted; nothing was recorded\n")
            raise typer.Exit(130) from None
        except Exception as exc:  # a bug: say so plainly instead of a traceback
            if type(exc).__name__ == "ValidationError" and type(exc).__module__.startswith(
                "pydantic"
            ):
                # a value from the command line that the event model refuses (length, pattern, bytes)
                report(_usage_from_validation(exc))
                raise typer.Exit(2) from None
            framework = type(exc).__module__.split(".")[0] in ("typer", "click")
            if framework or os.environ.get("ESCMATRIX_DEBUG"):
                raise
            sys.stderr.write(
                f"escmatrix: internal error: {type(exc).__name__}: {exc}\n"
                "set ESCMATRIX_DEBUG=1 to see the traceback, and please report it\n"
            )
            raise typer.Exit(70) from None

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # keep the order commands were registered in


def _usage_from_validation(exc: Exception) -> EscmatrixError:
    from escmatrix.errors import UsageError

    errors: list[dict[str, Any]] = getattr(exc, "errors", lambda **_: [])(include_url=False)
    parts = [
        f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {str(e['msg']).removeprefix('Value error, ')}"
        for e in errors
    ]
    return UsageError("invalid value: " + "; ".join(parts), hint="see the command's --help")


def report(exc: EscmatrixError) -> None:
    from escmatrix.cli.output import literal
    from escmatrix.errors import InvalidInput

    out = sys.stderr
    if isinstance(exc, InvalidInput):
        head = exc.message.split(":\n", 1)[0]
        out.write(f"error: {literal(head)}:\n")
        for problem in exc.problems:
            out.write(f"  {literal(problem)}\n")
    else:
        out.write(f"error: {literal(exc.message)}\n")
    if exc.hint:
        out.write(f"hint: {literal(exc.hint)}\n")


@dataclass
class Options:
    repo: str | None
    now: str | None
    tz: str | None
    notify_mode: str | None = None  # "off" (--no-notify), "dry-run" (--notify-dry-run) or None
    no_cache: bool = False


app = typer.Typer(
    cls=EscmatrixGroup,
    name="escmatrix",
    help="A cross-functional escalation matrix kept as code in git: open, route, update and "
    "escalate customer and partner issues; every change is a commit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"escmatrix {__version__}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    repo: Annotated[
        str | None,
        typer.Option(
            "--repo",
            envvar="ESCMATRIX_REPO",
            help="The repository (folder holding matrix/). "
            "Default: walk up from the current folder.",
            show_default=False,
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            envvar="ESCMATRIX_NOW",
            help="Pretend it is this time (ISO 8601), for "
            "drills, previews and tests. Every clock read uses it.",
            show_default=False,
        ),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            envvar="ESCMATRIX_TZ",
            help="Show times in this IANA timezone "
            "(default: $TZ, else UTC). Stored times are always UTC.",
            show_default=False,
        ),
    ] = None,
    no_notify: Annotated[
        bool,
        typer.Option(
            "--no-notify",
            help="Send no notifications for this command (also ESCMATRIX_NO_NOTIFY=1).",
        ),
    ] = False,
    notify_dry_run: Annotated[
        bool,
        typer.Option(
            "--notify-dry-run",
            help="Print the notifications, secrets left out, instead of sending them "
            "(also ESCMATRIX_NOTIFY=dry-run).",
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            envvar="ESCMATRIX_NO_CACHE",
            help="Read every issue's files instead of the local cache in .git/escmatrix/ "
            "(same answers, slower).",
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    notify = "off" if no_notify else "dry-run" if notify_dry_run else None
    ctx.obj = Options(repo, now, tz, notify, no_cache)


def _register() -> None:
    from escmatrix.cli.commands import (
        comms,
        debrief,
        demo,
        drill,
        integrity,
        matrix_code,
        notify,
        playbooks,
        reading,
        report,
        responder,
        setup,
        sweep,
    )

    setup.register(app)
    matrix_code.register(app)
    responder.register(app)
    reading.register(app)
    demo.register(app)
    sweep.register(app)
    integrity.register(app)
    notify.register(app)
    report.register(app)
    playbooks.register(app)
    comms.register(app)
    debrief.register(app)
    drill.register(app)


_register()


def main() -> None:
    app(prog_name="escmatrix")
