"""Issues from other tools: `ingest` (alerts, tickets, emails) and `link` (external references)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from escmatrix.cli.context import Format, FormatOpt, IssueArg, workspace
from escmatrix.cli.recording import finish, notify, print_notes


class Source(StrEnum):
    alertmanager = "alertmanager"
    zendesk = "zendesk"
    jsm = "jsm"
    email = "email"
    generic = "generic"


def ingest(
    ctx: typer.Context,
    source: Annotated[
        Source,
        typer.Option("--source", help="Which tool sent the payload.", show_default=False),
    ],
    file: Annotated[
        str,
        typer.Argument(help="The payload file (JSON; an .eml message for email); - for stdin."),
    ] = "-",
    fmt: FormatOpt = Format.table,
) -> None:
    """Open, update or resolve an issue from an alert, ticket or email, mapped by matrix/intake.yaml.

    The same alert group, ticket or email thread again comments on its open issue instead of
    opening another; a resolved alert or solved ticket resolves it where the rule says resolve.
    A payload that is not what the source sends is refused and nothing is written.
    """
    from escmatrix.app.intake import ingest as run
    from escmatrix.cli import output, present

    data, where = _read(file)
    ws = workspace(ctx)
    done = run(ws, source.value, data, where)
    plan, recorded = done.plan, done.recorded
    if fmt is Format.json:
        result: dict[str, object] = {
            "action": plan.action,
            "reason": plan.reason,
            "rule": plan.rule.id if plan.rule else None,
            "key": plan.incoming.key,
            "ref": plan.incoming.ref,
            "url": plan.url,
            "issue": plan.issue,
            "commit": None,
        }
        if recorded is not None:
            result["issue"] = recorded.state.id
            result["commit"] = recorded.commit
            result["state"] = present.issue_data(
                recorded.state, ws.matrix, ws.clock.now(), timeline=False
            )
            result["notifications"] = notify(ws, recorded)
        if done.decision is not None:
            result["route"] = present.decision_data(done.decision)
        output.write_json(result)
        return
    if recorded is None:
        output.stdout().print(output.safe(f"{plan.incoming.key}: {plan.reason}"))
        return
    s = recorded.state
    verb = {"open": "opened", "comment": "commented on", "resolve": "resolved"}[plan.action]
    output.stdout().print(
        output.safe(
            f"{verb} {s.id} from {plan.incoming.source} {plan.incoming.ref} ({plan.reason}): "
            f"{s.status}, owner {s.owner}, tier {s.tier} — commit {recorded.commit[:10]}"
        )
    )
    print_notes(notify(ws, recorded))


def _read(file: str) -> tuple[bytes, str]:
    from pathlib import Path

    from escmatrix.core.errors import UsageError
    from escmatrix.core.intake import MAX_PAYLOAD_BYTES

    if file == "-":
        return sys.stdin.buffer.read(MAX_PAYLOAD_BYTES + 1), "<stdin>"
    path = Path(file)
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_PAYLOAD_BYTES + 1), file
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror}") from None


def link(
    ctx: typer.Context,
    issue: IssueArg,
    url: Annotated[str, typer.Argument(help="The external item's URL.", show_default=False)],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="jira, zendesk, github, statuspage, ...; guessed from the URL when not given.",
        ),
    ] = "",
    ref: Annotated[
        str, typer.Option("--ref", help="Its id there (default: the URL's last part).")
    ] = "",
    fmt: FormatOpt = Format.table,
) -> None:
    """Link an issue to a ticket, pull request or status page elsewhere (recorded as an event)."""
    import re

    from escmatrix.app.intake import link as run
    from escmatrix.core.errors import UsageError
    from escmatrix.core.types import ID_PATTERN

    if kind and not re.match(ID_PATTERN, kind):
        raise UsageError(
            f"--kind {kind!r} is not an id", hint="lower-case letters, digits, - and _"
        )
    ws = workspace(ctx)
    done = run(ws, issue, url, kind, ref)
    finish(ctx, ws, done, fmt, "linked")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("link")(link)
