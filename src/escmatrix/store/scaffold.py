"""`escmatrix init`: lay out a new repository from the starter files shipped with the package."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from escmatrix import __version__
from escmatrix.core.errors import Refused
from escmatrix.core.schemas import render_schemas, schema_name
from escmatrix.store.repository import repository_prefix
from escmatrix.store.yamlio import write_atomic


@dataclass
class Laid:
    root: Path
    written: list[str] = field(default_factory=list)
    commit: str = ""
    note: str = ""


GIT_SETTINGS = {"core.splitIndex": "true", "index.version": "4"}


CI_FILES = {
    ".github/workflows/escmatrix.yaml": "escmatrix-workflow.yaml",
    ".github/workflows/escmatrix-sweep.yaml": "escmatrix-sweep.yaml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
}
"""What init writes for CI and pre-commit (target path: starter file under scaffold/ci/)."""

_REVIEWED = re.compile(r"^(\s*last_reviewed:\s*)\d{4}-\d{2}-\d{2}", re.MULTILINE)
_PLAYBOOK_REVIEW = re.compile(r"^(review:\s*)\d{4}-\d{2}-\d{2}", re.MULTILINE)


def lay_out(root: Path, *, today: date | None = None) -> Laid:
    """Write the starter repository; `today` dates the matrix's last review.

    The CI workflow and pre-commit config are written only when `root` is not inside another
    git work tree (they belong at its top, where their paths would differ).
    """
    if (root / "matrix").exists():
        raise Refused(f"{root} already has a matrix/ folder", hint="init never overwrites a matrix")
    root.mkdir(parents=True, exist_ok=True)
    laid = Laid(root)
    starter = resources.files("escmatrix") / "scaffold"
    for folder in ("matrix", "playbooks"):
        for name, item in _files(starter / folder):
            text = item.read_text(encoding="utf-8")
            if folder == "matrix":
                kind = Path(name).stem
                text = f"# yaml-language-server: $schema=../schemas/{schema_name(kind)}\n" + text
                if kind == "governance" and today is not None:
                    text = _REVIEWED.sub(rf"\g<1>{today.isoformat()}", text)
            elif today is not None:  # a new team's playbooks are reviewed today, not already due
                text = _PLAYBOOK_REVIEW.sub(rf"\g<1>{today.isoformat()}", text, count=1)
            write_atomic(root / folder / name, text)
            laid.written.append(f"{folder}/{name}")
    write_atomic(root / "issues" / ".gitkeep", "")
    laid.written.append("issues/.gitkeep")
    for name, text in render_schemas().items():
        write_atomic(root / "schemas" / name, text)
        laid.written.append(f"schemas/{name}")
    extras = {".gitattributes": starter / "gitattributes"}
    if not repository_prefix(root):  # CI files belong at the top of a git work tree
        extras |= {target: starter / "ci" / source for target, source in CI_FILES.items()}
    for target, source in extras.items():
        if (root / target).exists():
            continue
        text = source.read_text(encoding="utf-8").replace("{version}", __version__)
        write_atomic(root / target, text)
        laid.written.append(target)
    _commit(laid)
    return laid


def _files(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    """Every file under a starter folder, with its path inside it, in a stable order."""
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.is_dir():
            yield from _files(item, f"{prefix}{item.name}/")
        elif not item.name.startswith("."):
            yield f"{prefix}{item.name}", item


def _commit(laid: Laid) -> None:
    import git

    try:
        repo = git.Repo(laid.root, search_parent_directories=True)
    except git.InvalidGitRepositoryError:
        repo = git.Repo.init(laid.root, initial_branch="main")
    for key, value in GIT_SETTINGS.items():
        repo.git.config(key, value)
    try:
        email = repo.git.config("--get", "user.email")
    except git.GitCommandError:
        email = ""
    if not email:
        laid.note = "git has no user.email; set one and commit the files"
        return
    # git runs at the work tree's top, which may be above the new repository: absolute paths
    repo.git.add("--", *(str(laid.root / name) for name in laid.written))
    repo.git.commit("-q", "-m", "escmatrix init: starter matrix, issues/ and playbooks/")
    laid.commit = repo.head.commit.hexsha
