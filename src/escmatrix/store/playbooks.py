"""Read `playbooks/*.md`: the YAML front matter (placed at file:line:column) and the Markdown body.

The front matter is the block between a first line `---` and the next line `---` (or `...`);
its YAML line 1 is the file's line 2, so every position is shifted by the opening line.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from escmatrix.core.errors import InvalidInput, Location, NotFound, Problem
from escmatrix.core.matrix import Matrix
from escmatrix.core.playbooks import (
    Playbook,
    PlaybookFront,
    owner_problems,
    step_owner_names,
)
from escmatrix.store.matrix_loader import problems_from_validation
from escmatrix.store.playbook_files import FOLDER, playbook_paths
from escmatrix.store.yamlio import MAX_FILE_BYTES, decode_utf8, locate, parse_yaml

FENCES = ("---", "...")


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter YAML, body, lines before the YAML), or None when there is no front matter.

    Raises ValueError when the opening `---` is never closed.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() in FENCES:
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), 1
    raise ValueError("the front matter opened on line 1 is never closed")


def _shift(problem: Problem, offset: int) -> Problem:
    loc = problem.location
    if loc is None or loc.line is None:
        return problem
    return replace(problem, location=Location(loc.file, loc.line + offset, loc.column))


def _invalid(display: str, message: str, hint: str, line: int | None = 1) -> Problem:
    return Problem(
        message, Location(display, line, 1 if line else None), hint, rule="playbook-invalid"
    )


def load_playbook(root: Path, path: Path) -> tuple[Playbook | None, list[Problem]]:
    """One playbook, or None and the problems that stop it from loading."""
    try:
        display = path.relative_to(root).as_posix()
    except ValueError:
        display = path.resolve().relative_to(root.resolve()).as_posix()
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [_invalid(display, "the playbook is too large", "keep it under 1 MB")]
        text = decode_utf8(path.read_bytes(), display)
    except InvalidInput as exc:
        return None, [replace(p, rule="playbook-invalid") for p in exc.problems]
    except OSError as exc:
        return None, [_invalid(display, f"cannot read the playbook: {exc.strerror}", "", None)]
    example = "---\\ncategory: ...\\nowners: [...]\\nreview: YYYY-MM-DD\\nsteps: [...]\\n---"
    try:
        parts = split_front_matter(text)
    except ValueError as exc:
        return None, [_invalid(display, str(exc), "end the front matter with a line `---`")]
    if parts is None:
        return None, [
            _invalid(
                display,
                "the playbook has no front matter",
                f"start the file with a YAML block: {example}",
            )
        ]
    yaml_text, body, offset = parts
    try:
        data = parse_yaml(yaml_text, display)
    except InvalidInput as exc:
        return None, [replace(_shift(p, offset), rule="playbook-invalid") for p in exc.problems]
    if not isinstance(data, dict):
        return None, [
            _invalid(
                display,
                "the front matter is not a mapping of keys",
                f"valid keys: {', '.join(PlaybookFront.model_fields)}",
                offset + 1,
            )
        ]
    try:
        front = PlaybookFront.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc, data, display, PlaybookFront)
        return None, [replace(_shift(p, offset), rule="playbook-invalid") for p in problems]
    return Playbook(display, front, body, data, offset), []


def load_playbooks(root: Path) -> tuple[list[Playbook], list[Problem]]:
    """Every playbook that loads, and the problems of those that do not."""
    loaded: list[Playbook] = []
    problems: list[Problem] = []
    for path in playbook_paths(root):
        playbook, found = load_playbook(root, path)
        problems += found
        if playbook is not None:
            loaded.append(playbook)
    return loaded, problems


def place(playbook: Playbook, loc: tuple[int | str, ...]) -> Location:
    """The file:line:column of a path inside the playbook's front matter."""
    mark = locate(playbook.raw, loc)
    if mark is None:
        return Location(playbook.file, playbook.offset + 1, 1)
    return Location(playbook.file, mark[0] + playbook.offset, mark[1])


def check_playbooks(root: Path, matrix: Matrix | None) -> list[Problem]:
    """Every playbook's front matter, checked against the matrix when there is one.

    Rules: playbook-invalid (no front matter, bad YAML, unknown or missing keys),
    playbook-unknown-category, playbook-unknown-owner, playbook-duplicate (two playbooks for one
    category) and playbook-mismatch (a category's `playbook:` file declares another category).
    That every category names an existing playbook file is the matrix lint's job
    (missing-playbook, unknown-reference).
    """
    playbooks, problems = load_playbooks(root)
    if matrix is None:
        return problems
    seen: dict[str, str] = {}
    step_owners = step_owner_names(matrix)
    for playbook in playbooks:
        category = playbook.category
        if category not in matrix.categories:
            problems.append(
                Problem(
                    f"unknown category {category!r}",
                    place(playbook, ("category",)),
                    f"known categories: {', '.join(sorted(matrix.categories))}",
                    rule="playbook-unknown-category",
                )
            )
        elif category in seen:
            problems.append(
                Problem(
                    f"category {category!r} already has a playbook: {seen[category]}",
                    place(playbook, ("category",)),
                    "keep one playbook per category",
                    rule="playbook-duplicate",
                )
            )
        seen.setdefault(category, playbook.file)
        for found in owner_problems(matrix, playbook.front, step_owners):
            problems.append(
                Problem(found.message, place(playbook, found.loc), found.hint, rule=found.rule)
            )
    by_file = {p.file: p for p in playbooks}
    for cat in matrix.categories.values():
        named = by_file.get(f"{FOLDER}/{cat.playbook}") if cat.playbook else None
        if named is not None and named.category != cat.id:
            problems.append(
                Problem(
                    f"category {cat.id!r} names this playbook, but it declares category "
                    f"{named.category!r}",
                    place(named, ("category",)),
                    f"set `category: {cat.id}` here, or point the category at its own playbook",
                    rule="playbook-mismatch",
                )
            )
    return problems


def playbook_for(root: Path, matrix: Matrix, category: str) -> Playbook:
    """The category's playbook: the file the category names, else the one declaring it."""
    cat = matrix.categories.get(category)
    if cat is None:
        raise NotFound(
            f"unknown category {category!r}",
            hint=f"categories: {', '.join(sorted(matrix.categories))}",
        )
    folder = root / FOLDER
    named = folder / cat.playbook if cat.playbook else None
    if named is not None and not named.resolve().is_relative_to(folder.resolve()):
        named = None  # a reference outside playbooks/ is never read (validate flags it)
    candidates = [named] if named is not None else []
    candidates += [p for p in playbook_paths(root) if p != named]
    for path in candidates:
        if not path.is_file() or path.suffix != ".md":
            continue
        playbook, problems = load_playbook(root, path)
        if problems and path == named:
            raise InvalidInput(problems, summary=f"the playbook for {category} is invalid")
        if playbook is not None and playbook.category == category:
            return playbook
    raise NotFound(
        f"category {category!r} has no playbook with front matter",
        hint=f"write playbooks/{category}.md starting with `---` and `category: {category}`",
    )
