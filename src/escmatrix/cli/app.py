"""The `escmatrix` command: global options, command registration and the one error handler."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

import typer
from typer._click.exceptions import UsageError  # Typer vendors click; never import click
from typer.core import TyperGroup

from escmatrix import __version__
from escmatrix.core.errors import EscmatrixError


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

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            hoisted = hoist_global_options(args)
        except ValueError as exc:
            raise UsageError(str(exc), ctx) from None
        return super().parse_args(ctx, hoisted)

    # -- commands are imported and built only when used: `--help` and each command stay light --

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands[cmd_name] = _build(cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:  # an unknown command: suggest a near name
            from difflib import get_close_matches

            close = get_close_matches(args[0], list(COMMANDS)) if args else []
            if close and "Did you mean" not in exc.message:
                names = ", ".join(repr(name) for name in close)
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {names}?"
            raise

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list of `--help`, from the docstrings, without building every command."""
        from typer._click.utils import make_default_short_help

        rows = [(name, make_default_short_help(_help_of(name), 160)) for name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


# every command, in the order `--help` lists them, and the module under cli/commands/ with it
COMMANDS: dict[str, str] = {
    "init": "setup",
    **dict.fromkeys(("validate", "diff", "schema"), "matrix_code"),
    **dict.fromkeys(("open", "route"), "triage"),
    **dict.fromkeys(
        ("ack", "update", "assign", "pause", "resume", "resolve", "close", "reopen", "comment"),
        "lifecycle",
    ),
    **dict.fromkeys(("escalate", "deescalate", "override", "reconcile"), "ladder"),
    **dict.fromkeys(("matrix", "list", "show", "log"), "reading"),
    "oncall": "oncall",
    "demo": "demo",
    "sweep": "sweep",
    **dict.fromkeys(("sync", "doctor", "audit"), "integrity"),
    **dict.fromkeys(("report", "dashboard", "friction"), "report"),
    "debrief": "debrief",
    "drill": "drill",
    "notify": "notify",
    "playbook": "playbooks",
    "comms": "comms",
    "followup": "debrief",
    **dict.fromkeys(("import", "export"), "vendors"),
    **dict.fromkeys(("ingest", "link"), "intake"),
    "watch": "watch",
    "serve": "serve",
}


# the options of `main_options` (with whether they take a value): also accepted after the command
GLOBAL_OPTIONS = {
    "--repo": True,
    "--now": True,
    "--tz": True,
    "--no-notify": False,
    "--notify-dry-run": False,
    "--no-cache": False,
}


def hoist_global_options(args: list[str]) -> list[str]:
    """`escmatrix sweep --now +1h` as `escmatrix --now +1h sweep`: global options given after
    the command (at any depth, before a `--`) are moved in front of it."""
    hoisted: list[str] = []
    rest: list[str] = []
    seen_command = False
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        name = arg.split("=", 1)[0]
        if not seen_command and not arg.startswith("-"):
            seen_command = True
        elif seen_command and name in GLOBAL_OPTIONS:
            takes_value = GLOBAL_OPTIONS[name] and "=" not in arg
            if takes_value and i + 1 == len(args):
                raise ValueError(f"Option '{name}' requires an argument.")
            hoisted += args[i : i + 2] if takes_value else [arg]
            i += 2 if takes_value else 1
            continue
        elif (
            not seen_command and name in GLOBAL_OPTIONS and GLOBAL_OPTIONS[name] and "=" not in arg
        ):
            rest += args[i : i + 2]  # a global option before the command, with its value
            i += 2
            continue
        rest.append(arg)
        i += 1
    return hoisted + rest


def _registered(name: str) -> Any:
    """The CommandInfo or TyperInfo that the command's module registers under `name`."""
    found = _registered_by(COMMANDS[name]).get(name)
    if found is None:
        raise LookupError(f"escmatrix.cli.commands.{COMMANDS[name]} registers no {name!r}")
    return found


@cache
def _registered_by(module_name: str) -> dict[str, Any]:
    """What one module under cli/commands/ registers, by command name (imported once)."""
    import importlib

    module = importlib.import_module(f"escmatrix.cli.commands.{module_name}")
    scratch = typer.Typer()
    module.register(scratch)
    found: dict[str, Any] = {str(info.name): info for info in scratch.registered_commands}
    for group in scratch.registered_groups:
        if group.typer_instance is not None:
            found[str(group.typer_instance.info.name)] = group
    return found


def _help_of(name: str) -> str:
    info = _registered(name)
    if isinstance(info, typer.models.CommandInfo):
        text = info.help or (info.callback.__doc__ if info.callback else None)
    else:
        text = info.typer_instance.info.help
    return str(text or "")


def _build(name: str) -> Any:
    import typer.main

    info = _registered(name)
    if isinstance(info, typer.models.CommandInfo):
        return typer.main.get_command_from_info(
            info, pretty_exceptions_short=False, rich_markup_mode=None
        )
    return typer.main.get_group_from_info(
        info, pretty_exceptions_short=False, suggest_commands=True, rich_markup_mode=None
    )


def all_commands() -> dict[str, Any]:
    """Every command built (for tests and documentation); the CLI itself builds only what it runs."""
    import typer.main

    group = typer.main.get_command(app)
    return {name: group.get_command(None, name) for name in COMMANDS}  # type: ignore[attr-defined]


def _usage_from_validation(exc: Exception) -> EscmatrixError:
    from escmatrix.core.errors import UsageError
    from escmatrix.core.types import error_message

    errors: list[dict[str, Any]] = getattr(exc, "errors", lambda **_: [])(include_url=False)
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {error_message(e)}" for e in errors]
    return UsageError("invalid value: " + "; ".join(parts), hint="see the command's --help")


def report(exc: EscmatrixError) -> None:
    from escmatrix.cli.output import literal
    from escmatrix.core.errors import InvalidInput

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
    rich_markup_mode=None,
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
            help="Pretend it is this time: ISO 8601, or relative to the system clock "
            "(+3h, -30m), for drills, previews and tests. Every clock read uses it.",
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


def main() -> None:
    import gc

    # One command per process: reference counting frees what it drops, and the cyclic collector
    # would only re-scan the thousands of objects imports and issues keep alive (a fifth of a
    # run's CPU). Long-running loops (`dashboard --watch`) collect on each round.
    gc.disable()
    # pydantic would scan every installed distribution for plugins on the first model (~25 ms)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    try:
        app(prog_name="escmatrix")
    finally:
        # The interpreter's exit would still run the collector over everything left (~13 ms of
        # a warm `list` at 10k issues): it skips frozen objects. Exit handlers, flushing stdout
        # and closing files work as before.
        gc.freeze()
