"""`escmatrix comms draft`: a plain-language update for a customer, partner or executive."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from escmatrix.cli.context import Format, FormatOpt, IssueArg, workspace

if TYPE_CHECKING:
    from datetime import datetime

    from escmatrix.core.comms import Draft

comms_app = typer.Typer(
    name="comms",
    help="Customer, partner and executive communication: draft an update, record what was sent.",
    no_args_is_help=True,
)


class AudienceChoice(StrEnum):
    customer = "customer"
    partner = "partner"
    executive = "executive"


@comms_app.command("draft")
def draft(
    ctx: typer.Context,
    issue: IssueArg,
    audience: Annotated[
        AudienceChoice,
        typer.Option(
            "--audience",
            "-a",
            help="customer, partner (both limited to what their contract shares) or executive "
            "(an internal briefing).",
            show_default=False,
        ),
    ],
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Another recipient: a customer or partner id, or for executive a person id. "
            "Default: the issue's customer or partner, or the owner's executive sponsor.",
            show_default=False,
        ),
    ] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="Store the draft as a `communicated` event and commit it, so the log shows "
            "what was told to whom and when.",
        ),
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Draft an update from the repository's templates (playbooks/templates/): what happened,
    what we are doing, the next update and the expected fix as times in the recipient's
    timezone. Internal fields never reach a customer or partner; jargon is flagged."""
    from escmatrix.core import comms
    from escmatrix.store.templates import render_template

    ws = workspace(ctx)

    def render(name: str, context: dict[str, Any]) -> tuple[str, str]:
        return render_template(ws.root, name, context)

    made: list[Draft] = []
    commit = None
    if record:

        def decide(c: Any, state: Any) -> Any:
            made.append(comms.draft(ws.matrix, state, audience.value, c.at, render, to))
            return comms.record(c.stamp(), made[-1])

        done = ws.act(
            issue,
            "comms",
            decide,
            lambda s: f"{audience.value} update for {made[-1].recipient.id}",
        )
        commit = done.commit
        result = made[-1]
    else:
        result = comms.draft(ws.matrix, ws.issue(issue), audience.value, ws.clock.now(), render, to)
    _show(result, commit, fmt)


def draft_data(result: Draft, commit: str | None) -> dict[str, Any]:
    return {
        "issue": result.issue_id,
        "audience": result.audience,
        "recipient": {
            "id": result.recipient.id,
            "name": result.recipient.name,
            "timezone": result.recipient.timezone,
            "shares": list(result.recipient.shares),
        },
        "template": result.template,
        "text": result.text,
        "sha256": result.sha256,
        "next_update": result.next_update,
        "expected_resolution": result.resolution_eta,
        "jargon": [
            {"term": j.term, "line": j.line, "column": j.column, "instead": j.instead}
            for j in result.jargon
        ],
        "withheld": result.withheld,
        "add_by_hand": result.by_hand,
        "recorded": commit is not None,
        "commit": commit,
    }


def _show(result: Draft, commit: str | None, fmt: Format) -> None:
    from escmatrix.cli import output

    if fmt is Format.json:
        output.write_json(draft_data(result, commit))
        return
    out, err = output.stdout(), output.stderr()
    r = result.recipient
    err.print(
        output.safe(
            f"{result.audience} update for {r.name} ({r.id}), times in {r.timezone}; "
            f"template {result.template}",
            "dim",
        )
    )
    out.print(output.safe(result.text.rstrip("\n")))
    for hit in result.jargon:
        instead = f"; say {hit.instead!r} instead" if hit.instead else "; say it in plain words"
        err.print(
            output.safe(
                f"jargon: {hit.term!r} at line {hit.line}, column {hit.column}{instead}", "yellow"
            )
        )
    for item in result.withheld:
        err.print(output.safe(f"withheld: {item}", "dim"))
    if result.by_hand:
        err.print(
            output.safe(
                "the contract also allows sharing (add by hand if you have it): "
                + ", ".join(result.by_hand),
                "dim",
            )
        )
    if commit:
        err.print(output.safe(f"recorded as a communicated event — commit {commit[:10]}", "dim"))


def promised_time(text: str, now: datetime) -> datetime:
    """`--next-update-by`: an ISO 8601 time, or a duration from now such as 2h or +30m."""
    from escmatrix.app.clock import parse_instant
    from escmatrix.core.durations import parse_duration

    raw = text.strip().removeprefix("+")
    try:
        return now + parse_duration(raw)
    except ValueError:
        return parse_instant(text, what="--next-update-by")


def register(app: typer.Typer) -> None:
    app.add_typer(comms_app)
