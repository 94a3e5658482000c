"""The matrix as code: validate it in CI, explain a change in plain words, export its schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from escmatrix.cli.changes import DiffFormat
from escmatrix.cli.findings import FindingsFormat


def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Only report problems in these files or folders. The whole repository is "
            "always checked, since references cross files.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        FindingsFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="text (default), json, github (workflow annotations; the default when "
            "GITHUB_ACTIONS=true) or sarif (2.1.0, for code scanning).",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
    touched: Annotated[
        bool,
        typer.Option(
            "--touched",
            help="Check only what PATHS touch (the pre-commit hook): a matrix or playbook "
            "change checks the matrix and the active issues it may strand; event files, "
            "their issues.",
        ),
    ] = False,
    everything: Annotated[
        bool, typer.Option("--all", help="Check the whole repository even with --touched.")
    ] = False,
) -> None:
    """Check the matrix, its policies, playbooks and every issue. Exit 1 on errors."""
    import os

    from escmatrix.app.clock import Clock
    from escmatrix.app.validation import check_repository
    from escmatrix.cli import findings
    from escmatrix.store.repository import find_root, repository_prefix

    options = ctx.find_root().obj
    root = find_root(options.repo)
    now = Clock.from_option(options.now).now()
    if touched and not everything:
        from escmatrix.app.validation_scope import check_touched

        _, problems = check_touched(root, paths or [], now)
    else:
        _, problems = check_repository(root, now=now)
        problems = findings.within(problems, root, [] if everything else paths or [])
    if fmt is None:
        github = os.environ.get("GITHUB_ACTIONS") == "true"
        fmt = FindingsFormat.github if github else FindingsFormat.text
    findings.render(fmt, problems, repository_prefix(root))
    if findings.failed(problems, strict):
        raise typer.Exit(1)


def diff(
    ctx: typer.Context,
    base: Annotated[
        str | None,
        typer.Argument(
            help="The revision to compare from. Default: the merge base with the default "
            "branch (origin/HEAD, else main).",
            show_default=False,
        ),
    ] = None,
    head: Annotated[
        str | None,
        typer.Argument(
            help="The revision to compare to. Default: the working tree.", show_default=False
        ),
    ] = None,
    fmt: Annotated[
        DiffFormat,
        typer.Option("--format", "-f", help="text, markdown (for a pull request) or json."),
    ] = DiffFormat.text,
) -> None:
    """Say in plain words what a matrix change does, and whose issues it would move."""
    from escmatrix.app.clock import Clock
    from escmatrix.cli.changes import DiffReport, render
    from escmatrix.core.change.explain import explain
    from escmatrix.core.change.probing import probes, what_if
    from escmatrix.store.history import issue_facts, load_pair
    from escmatrix.store.repository import find_root

    options = ctx.find_root().obj
    root = find_root(options.repo)
    at = Clock.from_option(options.now).now()
    pair = load_pair(root, base, head)
    cases = probes(pair.before, pair.after, issue_facts(root))
    report = DiffReport(
        pair.base_label,
        pair.head_label,
        pair.base,
        pair.head,
        explain(pair.before, pair.after, at),
        what_if(pair.before, pair.after, cases, at),
        len(cases),
    )
    render(fmt, report)


def schema(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder to write to. Default: schemas/ in the repository.",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 when a schema is stale.")
    ] = False,
) -> None:
    """Write JSON Schema (Draft 2020-12) for every matrix file kind and for event files."""
    from escmatrix.cli import output
    from escmatrix.core.errors import Refused
    from escmatrix.core.schemas import render_schemas
    from escmatrix.store.repository import find_root
    from escmatrix.store.schema_files import stale_schemas, write_schemas

    folder = out if out is not None else find_root(ctx.find_root().obj.repo) / "schemas"
    rendered = render_schemas()
    console = output.stdout()
    if check:
        stale = stale_schemas(folder, rendered)
        if stale:
            listed = ", ".join(f"{name} ({why})" for name, why in stale)
            raise Refused(
                f"{len(stale)} schema file(s) in {folder} are stale: {listed}",
                hint="run `escmatrix schema` and commit the result",
            )
        console.print(output.safe(f"{len(rendered)} schemas in {folder} are up to date"))
        return
    from escmatrix.store.outpaths import output_folder, write_failed

    output_folder(folder, what="the schema files")
    try:
        written = write_schemas(folder, rendered)
    except OSError as exc:
        raise write_failed(folder, exc) from None
    for name in written:
        console.print(output.safe(f"  wrote {folder / name}"))
    console.print(output.safe(f"{len(rendered)} schemas in {folder}, {len(written)} written"))


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("diff")(diff)
    app.command("schema")(schema)
