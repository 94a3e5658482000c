"""Keeping many clones honest: sync, doctor, audit."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from escmatrix.cli.context import Format, workspace


class AuditFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def sync(
    ctx: typer.Context,
    remote: Annotated[
        str | None,
        typer.Option(
            "--remote",
            help="Remote to sync with (default: the branch's upstream, else origin).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="table for people, json for scripts.")
    ] = Format.table,
) -> None:
    """Fetch, rebase your commits onto the remote, push (retrying if someone pushed first), and
    say what came in: new issues, escalations, updates to issues you own."""
    from escmatrix.cli import output

    ws = workspace(ctx)
    result = ws.sync(remote)
    incoming = result.incoming
    if fmt is Format.json:
        output.write_json(
            {
                "upstream": result.upstream,
                "pushed": result.pushed,
                "attempts": result.attempts,
                "before": result.before,
                "after": result.after,
                "incoming": {
                    "new_issues": incoming.new_issues,
                    "escalations": incoming.escalations,
                    "updated": incoming.updated,
                    "matrix_changed": incoming.matrix_changed,
                },
            }
        )
        return
    console = output.stdout()
    mine = _owned_by_me(ws, incoming.updated)
    console.print(
        output.safe(
            f"synced with {result.upstream}: "
            + ("pushed" if result.pushed else "nothing to push")
            + (f" after {result.attempts} attempts" if result.attempts > 1 else "")
        )
    )
    for label, items in (
        ("new issues", incoming.new_issues),
        ("escalations", incoming.escalations),
        ("updates to issues you own", mine),
        ("issues updated", list(incoming.updated)),
        ("matrix files changed", incoming.matrix_changed),
    ):
        if items:
            console.print(output.safe(f"  {label}: {', '.join(sorted(set(items)))}"))
    if not incoming.updated and not incoming.matrix_changed:
        console.print("  nothing new came in", style="dim")


def _owned_by_me(ws: object, updated: dict[str, int]) -> list[str]:
    from escmatrix.app.workspace import Workspace
    from escmatrix.core.errors import EscmatrixError

    assert isinstance(ws, Workspace)
    try:
        me = ws.actor()[0]
    except EscmatrixError:
        return []
    owned = []
    for issue_id in updated:
        try:
            if ws.store.load(issue_id).owner == me:
                owned.append(issue_id)
        except EscmatrixError:
            continue
    return owned


def doctor(
    ctx: typer.Context,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="table for people, json for scripts.")
    ] = Format.table,
) -> None:
    """Finish what an interrupted command left: commit its orphaned events as their actor, remove
    temp files and a stale git index lock. Safe to run any time."""
    from escmatrix.app.watch import freshness
    from escmatrix.cli import output

    ws = workspace(ctx)
    done = ws.doctor()
    watcher = freshness(ws.git_dir, ws.clock.now())  # a stale watcher is itself an alert
    if fmt is Format.json:
        output.write_json(
            {"repaired": done, "watch": watcher.state, "watch_message": watcher.message}
        )
        return
    console = output.stdout()
    for line in done:
        console.print(output.safe(line))
    console.print("the repository is consistent" if not done else f"{len(done)} repair(s) made")
    if watcher.state != "missing":
        stream = console if watcher.state == "fresh" else output.stderr()
        stream.print(output.safe(f"watch: {watcher.state}: {watcher.message}"))


def audit(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only check commits after this revision.", show_default=False),
    ] = None,
    require_signed: Annotated[
        bool,
        typer.Option(
            "--require-signed",
            help="Every commit touching issues/ or matrix/ must carry a good signature.",
        ),
    ] = False,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            help="A remote-tracking branch (e.g. origin/main): report pushed history that was "
            "rewritten since this clone saw it (from the branch's reflog).",
            show_default=False,
        ),
    ] = None,
    allowed_signers: Annotated[
        bool,
        typer.Option(
            "--allowed-signers",
            help="Print git's allowedSigners file for the people's and automation's SSH keys in "
            "matrix/ (for gpg.ssh.allowedSignersFile), and check nothing.",
        ),
    ] = False,
    fmt: Annotated[
        AuditFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="text, json or github (default: github when GITHUB_ACTIONS=true).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Verify the audit trail: events only ever added (merges included), actors matching commit
    authors (and with --require-signed, their own signing keys), overrides and matrix changes as the
    governance before them allowed, matrix references that are in the history, times that fit their
    commits. Exit 1 on any finding; a shallow clone is refused (exit 1)."""
    import os
    import sys

    from escmatrix.cli import output
    from escmatrix.store.audit import audit as run_audit

    ws = workspace(ctx)
    chosen = fmt or (
        AuditFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else AuditFormat.text
    )
    if allowed_signers:
        from escmatrix.store.audit import allowed_signers_text

        sys.stdout.write(allowed_signers_text(ws.git))
        return
    report = run_audit(ws.git, since, require_signed, against)
    if chosen is AuditFormat.json:
        output.write_json(
            {
                "commits": report.commits,
                "events": report.events,
                "findings": [
                    {
                        "rule": p.rule,
                        "file": p.location.file if p.location else None,
                        "message": p.message,
                        "hint": p.hint,
                    }
                    for p in report.findings
                ],
            }
        )
    elif chosen is AuditFormat.github:
        for p in report.findings:
            file = p.location.file if p.location else ""
            sys.stdout.write(
                f"::error file={_gh_prop(file)},title={_gh_prop('escmatrix audit: ' + p.rule)}"
                f"::{_gh_data(p.message)}\n"
            )
    else:
        console = output.stdout()
        for p in report.findings:
            console.print(output.safe(f"{p.rule}: {p}"))
        console.print(
            f"{report.commits} commit(s), {report.events} event(s) checked: "
            + (f"{len(report.findings)} finding(s)" if report.findings else "the history is clean")
        )
    if report.findings:
        raise typer.Exit(1)


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)
    app.command("doctor")(doctor)
    app.command("audit")(audit)
