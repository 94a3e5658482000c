"""Whole-repository checks: the matrix, then every issue folder. Returns problems, raises nothing."""

from __future__ import annotations

from pathlib import Path

from escmatrix.core.issue import FoldError, fold
from escmatrix.core.matrix import Matrix
from escmatrix.errors import InvalidInput, Location, Problem
from escmatrix.store.issues import IssueStore
from escmatrix.store.matrix_loader import load_matrix


def check_repository(root: Path) -> tuple[Matrix | None, list[Problem]]:
    problems: list[Problem] = []
    matrix: Matrix | None = None
    try:
        matrix = load_matrix(root)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    problems.extend(check_issues(root, matrix))
    return matrix, problems


def check_issues(root: Path, matrix: Matrix | None) -> list[Problem]:
    store = IssueStore(root)
    problems: list[Problem] = []
    if not store.folder.is_dir():
        return problems
    for entry in sorted(store.folder.iterdir()):
        if entry.name.startswith("."):
            continue
        display = f"issues/{entry.name}"
        if not entry.is_dir() or entry.name not in store.issue_ids():
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
                    "a .tmp file is left by an interrupted command and can be deleted; event files are "
                    "named SEQ-RANDOM-EVENT.yaml",
                    rule="stray-file",
                )
            )
        try:
            events = store.events(entry.name)
            state = fold(entry.name, events)
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        except FoldError as exc:
            problems.append(Problem(str(exc), Location(display), rule="fold"))
            continue
        if matrix is None:
            continue
        files = store.event_files(entry.name)
        for file, event in zip(files, events, strict=True):
            where = Location(store.display(file.path), 1, 1)
            if event.actor not in matrix.people and event.actor != "automation":
                problems.append(
                    Problem(
                        f"unknown actor {event.actor!r}",
                        where,
                        "actors are person ids from matrix/people.yaml",
                        rule="unknown-reference",
                    )
                )
        if state.category not in matrix.categories:
            problems.append(
                Problem(
                    f"unknown category {state.category!r}",
                    Location(store.display(files[0].path), 1, 1),
                    f"known categories: {', '.join(matrix.categories)}",
                    rule="unknown-reference",
                )
            )
    return problems
