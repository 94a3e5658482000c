"""Validation findings out: text (Rich, grouped by file), JSON, GitHub annotations and SARIF.

Machine formats are written with `sys.stdout.write`, never through Rich, which would wrap lines
and eat `[brackets]`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from enum import StrEnum
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import quote

from escmatrix import __version__
from escmatrix.core.errors import Problem, UsageError

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class FindingsFormat(StrEnum):
    text = "text"
    table = "table"  # the name other commands use for their human format
    json = "json"
    github = "github"
    sarif = "sarif"


def failed(problems: list[Problem], strict: bool) -> bool:
    """Errors fail; warnings fail too with --strict."""
    return any(p.severity == "error" or strict for p in problems)


def within(problems: list[Problem], root: Path, paths: Iterable[Path]) -> list[Problem]:
    """Only the problems in the given files or folders (all of them when none is given)."""
    prefixes = []
    for path in paths:
        absolute = path.expanduser().resolve()
        try:
            relative = absolute.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(
                f"{path} is outside the repository {root}",
                hint="give files or folders inside it, e.g. matrix/ or issues/",
            ) from None
        if relative == ".":
            return problems
        prefixes.append(relative)
    if not prefixes:
        return problems
    return [
        p
        for p in problems
        if p.location
        and any(
            p.location.file.rstrip("/") == prefix or p.location.file.startswith(prefix + "/")
            for prefix in prefixes
        )
    ]


def render(fmt: FindingsFormat, problems: list[Problem], prefix: str = "") -> None:
    """Write `problems` in `fmt`; `prefix` places repository-relative paths (github, sarif)."""
    if fmt is FindingsFormat.json:
        _write(json.dumps([as_data(p) for p in problems], indent=2, ensure_ascii=False) + "\n")
    elif fmt is FindingsFormat.github:
        _write(github_annotations(problems, prefix))
    elif fmt is FindingsFormat.sarif:
        _write(json.dumps(sarif_log(problems, prefix), indent=2, ensure_ascii=False) + "\n")
    else:
        _text(problems)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def as_data(p: Problem) -> dict[str, Any]:
    loc = p.location
    return {
        "rule": p.rule,
        "severity": p.severity,
        "file": loc.file if loc else None,
        "line": loc.line if loc else None,
        "column": loc.column if loc else None,
        "message": p.message,
        "hint": p.hint,
    }


def summary(problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    files = len({p.location.file for p in problems if p.location})
    return (
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    )


# -- text -------------------------------------------------------------------------------------


def _text(problems: list[Problem]) -> None:
    from rich.text import Text

    from escmatrix.cli import output

    console = output.stdout()
    say = partial(console.print, soft_wrap=True)  # whole lines: logs are not terminals
    for file, group in groupby(problems, key=lambda p: p.location.file if p.location else ""):
        say(output.safe(file or "(repository)", "bold underline"))
        for p in group:
            where = f"{p.location.line or '-'}:{p.location.column or '-'}" if p.location else ""
            line = Text("  ")
            line.append(f"{where:>8}  ")
            line.append(f"{p.severity:<7}  ", "red" if p.severity == "error" else "yellow")
            line.append(output.literal(p.message))
            line.append(f"  [{p.rule}]", "dim")
            say(line)
            if p.hint:
                say(output.safe(f"{'':>12}hint: {p.hint}", "dim"))
        say()
    if problems:
        style = "bold red" if any(p.severity == "error" for p in problems) else "bold yellow"
        say(output.safe(summary(problems), style))
    else:
        say(output.safe("valid: no problems found", "bold green"))


# -- GitHub workflow commands -----------------------------------------------------------------


def escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub's escaping of a workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(problems: list[Problem], prefix: str = "") -> str:
    """One annotation per finding, then the full list (GitHub shows only the first few)."""
    lines = []
    for p in problems:
        props = []
        if p.location:
            props.append(f"file={escape_property(prefix + p.location.file)}")
            if p.location.line is not None:
                props.append(f"line={p.location.line}")
                if p.location.column is not None:
                    props.append(f"col={p.location.column}")
        props.append(f"title={escape_property(f'escmatrix {p.rule}')}")
        message = p.message + (f"\nhint: {p.hint}" if p.hint else "")
        lines.append(f"::{p.severity} {','.join(props)}::{escape_data(message)}")
    lines.append(f"::group::escmatrix validate: {escape_data(summary(problems))}")
    for p in problems:
        where = f"{prefix}{p.location}" if p.location else "(repository)"
        text = f"{where}: {p.severity} [{p.rule}] {p.message}" + (f" ({p.hint})" if p.hint else "")
        lines.append(text.replace("\r", "\\r").replace("\n", "\\n"))
    if not problems:
        lines.append("valid: no problems found")
    lines.append("::endgroup::")
    return "\n".join(lines) + "\n"


# -- SARIF 2.1.0 ------------------------------------------------------------------------------


def sarif_log(problems: list[Problem], prefix: str = "") -> dict[str, Any]:
    """A SARIF 2.1.0 log GitHub code scanning accepts: stable rule ids, repository paths."""
    from escmatrix.core.lint import RULES, rule_info

    rule_ids = list(RULES) + sorted({p.rule for p in problems} - set(RULES))
    index = {rule: i for i, rule in enumerate(rule_ids)}
    rules = []
    for rule in rule_ids:
        info = rule_info(rule)
        rules.append(
            {
                "id": rule,
                "name": "".join(part.capitalize() for part in rule.split("-")),
                "shortDescription": {"text": info.summary},
                "fullDescription": {"text": info.summary},
                "defaultConfiguration": {"level": info.severity},
                "help": {"text": info.summary},
                "properties": {"tags": ["escmatrix"]},
            }
        )
    results = []
    for p in problems:
        loc = p.location
        region: dict[str, int] = {"startLine": (loc.line if loc else None) or 1}
        if loc and loc.line and loc.column:
            region["startColumn"] = loc.column
        uri = quote(prefix + (loc.file if loc else "matrix/"), safe="/")
        results.append(
            {
                "ruleId": p.rule,
                "ruleIndex": index[p.rule],
                "level": p.severity if p.severity in ("error", "warning") else "note",
                "message": {"text": p.message + (f" Hint: {p.hint}" if p.hint else "")},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                            "region": region,
                        }
                    }
                ],
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "escmatrix",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
