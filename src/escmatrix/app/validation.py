"""Whole-repository checks: the matrix, its policy lints, playbook references and every issue.

Returns problems, each with a stable rule id, a severity and file:line:column; raises nothing for
bad input. Deliberately free of GitPython so `escmatrix validate` stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from escmatrix.core.errors import InvalidInput, Location, Problem
from escmatrix.core.lint import Finding, lint, rule_info, schema_rule
from escmatrix.core.matrix import MATRIX_FILES, OPTIONAL_FILES, Matrix, Model
from escmatrix.store.matrix_loader import load_matrix_files, problems_from_validation
from escmatrix.store.yamlio import key_mark, locate, read_yaml

if TYPE_CHECKING:  # the event models load only when there are issues to check
    from escmatrix.core.events import EventBase
    from escmatrix.core.issue import IssueState
    from escmatrix.store.issues import EventFile, IssueStore


def check_repository(
    root: Path, *, now: datetime | None = None, issues: Collection[str] | None = None
) -> tuple[Matrix | None, list[Problem]]:
    """The matrix (when it assembles) and every problem in the repository, sorted by place.

    Without `now`, the lints (policy checks) are skipped; with `issues`, only those issue
    folders are checked.
    """
    problems: list[Problem] = []
    matrix: Matrix | None = None
    try:
        files, raw, loaded = load_matrix_files(root)
    except InvalidInput as exc:
        return None, exc.problems
    problems += _refine_schema_rules(raw, files, loaded)
    required = [kind for kind in MATRIX_FILES if kind not in OPTIONAL_FILES]
    # A file with schema errors is checked further without its broken entries, so a policy
    # problem in another file still shows in this run (findings in the repaired file itself, and
    # about the dropped entries, are left out until its schema errors are fixed).
    usable, dropped = lenient_files(raw, files)
    if all(kind in usable for kind in required) and all(kind in usable for kind in raw):
        assembled = Matrix.assemble(usable)
        found = [Finding(d.rule, d.kind, d.loc, d.message, d.hint) for d in assembled.dangling()]
        if now is not None:
            found += lint(assembled, now=now, playbooks=playbook_files(root))
        repaired = {kind for kind in usable if kind not in files}
        problems += [
            _place(raw, f) for f in found if f.kind not in repaired and not _about(f, dropped)
        ]
        matrix = assembled if not dropped else None
    problems += check_issues(root, matrix, issues)
    from escmatrix.store.playbooks import check_playbooks

    problems += check_playbooks(root, matrix)
    return matrix, _sorted(problems)


def lenient_files(
    raw: dict[str, Any], files: dict[str, Model]
) -> tuple[dict[str, Model], set[str]]:
    """Every file that validates, plus each failed one without the list entries that broke it
    (when that leaves it valid); and the ids of the entries left out."""
    usable = dict(files)
    dropped: set[str] = set()
    for kind in raw:
        if kind in files or not isinstance(raw[kind], dict):
            continue
        model = MATRIX_FILES[kind]
        data = dict(raw[kind])
        for _ in range(3):  # dropping an entry can reveal nothing new; a few rounds suffice
            try:
                usable[kind] = model.model_validate(data)
                break
            except ValidationError as exc:
                broken: dict[str, set[int]] = {}
                for error in exc.errors(include_url=False):
                    loc = error["loc"]
                    if (
                        len(loc) >= 2
                        and isinstance(loc[1], int)
                        and isinstance(data.get(loc[0]), list)
                    ):
                        broken.setdefault(str(loc[0]), set()).add(loc[1])
                    else:
                        break
                else:
                    for key, indexes in broken.items():
                        items = data[key]
                        dropped.update(
                            str(items[i]["id"])
                            for i in indexes
                            if isinstance(items[i], dict) and "id" in items[i]
                        )
                        data[key] = [item for i, item in enumerate(items) if i not in indexes]
                    continue
                break
    return usable, dropped


def _about(finding: Finding, dropped: set[str]) -> bool:
    """Whether a finding names an entry left out for its schema errors."""
    return any(repr(ident) in finding.message for ident in dropped)


def playbook_files(root: Path) -> frozenset[str]:
    """Every file under playbooks/, as a path relative to that folder."""
    folder = root / "playbooks"
    if not folder.is_dir():
        return frozenset()
    return frozenset(_files_under(folder, ""))


def _files_under(folder: Path | str, prefix: str) -> Iterator[str]:
    """Like `rglob("*")` and `is_file()`, from the directory entries alone (no stat per file)."""
    try:
        with os.scandir(folder) as scan:
            entries = list(scan)
    except PermissionError:
        return
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():  # rglob does not follow linked folders
            yield from _files_under(entry.path, f"{prefix}{entry.name}/")
        elif not entry.name.startswith(".") and entry.is_file():
            yield prefix + entry.name


def _refine_schema_rules(
    raw: dict[str, Any], files: dict[str, Model], problems: list[Problem]
) -> list[Problem]:
    """Give schema errors that are a named policy (no backup, nobody may override) that rule id."""
    failed = [kind for kind in raw if kind not in files]
    if not failed:
        return problems
    refined: dict[str, list[Problem]] = {}
    for kind in failed:
        display = f"matrix/{kind}.yaml"
        model = MATRIX_FILES[kind]
        try:
            model.model_validate(raw[kind])
        except ValidationError as exc:
            placed = problems_from_validation(exc, raw[kind], display, model)
            errors = exc.errors(include_url=False)
            refined[display] = [
                replace(p, rule=schema_rule(kind, e["loc"], e["type"]))
                for p, e in zip(placed, errors, strict=True)
            ]
    out: list[Problem] = []
    emitted: set[str] = set()
    for p in problems:
        file = p.location.file if p.location else ""
        if p.rule != "schema" or file not in refined:
            out.append(p)
        elif file not in emitted:
            out += refined[file]
            emitted.add(file)
    return out


def _place(raw: dict[str, Any], finding: Finding) -> Problem:
    data = raw.get(finding.kind)
    mark = key_mark(data, finding.loc) if finding.at_key else locate(data, finding.loc)
    line, column = mark if mark else (None, None)
    return Problem(
        finding.message,
        Location(f"matrix/{finding.kind}.yaml", line, column),
        finding.hint,
        rule=finding.rule,
        severity=finding.severity,
    )


def _sorted(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str | None, int | None, int | None, str]] = set()
    unique = []
    for p in problems:
        loc = p.location or Location("")
        key = (p.rule, loc.file, loc.line, loc.column, p.message)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return sorted(
        unique,
        key=lambda p: (
            p.location.file if p.location else "",
            (p.location.line or 0) if p.location else 0,
            (p.location.column or 0) if p.location else 0,
            p.rule,
        ),
    )


# -- issues -------------------------------------------------------------------------------------


def check_issues(
    root: Path, matrix: Matrix | None, only: Collection[str] | None = None
) -> list[Problem]:
    """Every issue folder (or those in `only`): well-formed events, a fold that starts with
    'opened', known names."""
    problems: list[Problem] = []
    folder = root / "issues"
    if not folder.is_dir() or not any(not p.name.startswith(".") for p in folder.iterdir()):
        return problems
    from escmatrix.core.issue import FoldError, fold
    from escmatrix.store.issues import IssueStore

    store = IssueStore(root)
    known = set(store.issue_ids())  # once: asking per folder made validate quadratic
    for entry in sorted(store.folder.iterdir()):
        if entry.name.startswith(".") or (only is not None and entry.name not in only):
            continue
        display = f"issues/{entry.name}"
        if entry.is_symlink():
            problems.append(
                Problem(
                    f"{entry.name!r} is a symbolic link, not an issue folder; list, show and the "
                    "sweep skip it",
                    Location(display),
                    "escmatrix never writes links: replace it with the folder itself (`git rm` the "
                    "link, commit the real folder) or remove it",
                    rule="issue-folder",
                )
            )
            continue
        if not entry.is_dir() or entry.name not in known:
            problems.append(
                Problem(
                    f"{entry.name!r} is not an issue folder",
                    Location(display),
                    "issue folders are named by escmatrix ids such as b7k3fx9qa",
                    rule="issue-folder",
                )
            )
            continue
        for stray in store.stray_files(entry.name):
            problems.append(
                Problem(
                    f"unexpected file {stray.name!r} in an issue folder",
                    Location(f"{display}/{stray.name}"),
                    "a .tmp file is left by an interrupted command and can be deleted; event "
                    "files are named SEQ-RANDOM-EVENT.yaml",
                    rule="stray-file",
                )
            )
        files = store.event_files(entry.name)
        try:
            events = [store.read_event(f) for f in files]
            state = fold(entry.name, events)
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        except FoldError as exc:
            where = Location(store.display(files[0].path), 1, 1) if files else Location(display)
            problems.append(Problem(str(exc), where, rule="fold"))
            continue
        if matrix is not None:
            problems += _issue_references(store, matrix, state, files, events)
    return problems


def _issue_references(
    store: IssueStore,
    matrix: Matrix,
    state: IssueState,
    files: list[EventFile],
    events: list[EventBase],
) -> Iterator[Problem]:
    """Names the matrix no longer has: an error while the issue is active, else a warning."""
    rule = "unknown-reference" if state.is_active else "stale-reference"
    known = {
        "person": set(matrix.people),
        "tier": {t.id for t in matrix.tiers},
        "category": set(matrix.categories),
        "severity": set(matrix.severities),
        "customer": set(matrix.customers),
        "partner": set(matrix.partners),
    }
    current = (
        ("category", "category", state.category),
        ("severity", "severity", state.severity),
        ("owner", "person", state.owner),
        ("tier", "tier", state.tier),
        ("engaged", "person", state.engaged),
        ("customer", "customer", state.customer),
        ("partner", "partner", state.partner),
    )
    for key, what, value in current:
        if value is None or value in known[what]:
            continue
        index = max((i for i, e in enumerate(events) if getattr(e, key, None) == value), default=0)
        yield _event_problem(
            store,
            files[index],
            key,
            rule,
            f"issue {state.id}: unknown {what} {value!r}"
            + ("" if state.is_active else f" (the issue is {state.status})"),
            f"known {what}s: {', '.join(sorted(known[what])[:12]) or 'none'}",
        )
    for key in ("owner", "engaged"):
        person = matrix.people.get(getattr(state, key))
        if state.is_active and person is not None and person.left is not None:
            index = max(
                (i for i, e in enumerate(events) if getattr(e, key, None) == person.id), default=0
            )
            yield _event_problem(
                store,
                files[index],
                key,
                "departed-person",
                f"issue {state.id}: its {key} {person.id} left on {person.left}",
                "the sweep hands it to the category's owner still here; or `escmatrix assign` it",
            )
    for file, event in zip(files, events, strict=True):
        if event.actor not in matrix.people and event.actor != "automation":
            yield _event_problem(
                store,
                file,
                "actor",
                rule,
                f"unknown actor {event.actor!r}",
                "actors are person ids from matrix/people.yaml",
            )


def _event_problem(
    store: IssueStore, file: EventFile, key: str, rule: str, message: str, hint: str
) -> Problem:
    display = store.display(file.path)
    try:
        mark = key_mark(read_yaml(file.path, display), (key,))
    except InvalidInput:
        mark = None
    line, column = mark if mark else (1, 1)
    return Problem(
        message, Location(display, line, column), hint, rule=rule, severity=rule_info(rule).severity
    )
