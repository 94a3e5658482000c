"""`escmatrix init`: lay out a new repository from the starter files shipped with the package."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from escmatrix.errors import Refused
from escmatrix.store.yamlio import write_atomic


@dataclass
class Laid:
    root: Path
    written: list[str] = field(default_factory=list)
    commit: str = ""
    note: str = ""


GIT_SETTINGS = {"core.splitIndex": "true", "index.version": "4"}


def lay_out(root: Path) -> Laid:
    if (root / "matrix").exists():
        raise Refused(f"{root} already has a matrix/ folder", hint="init never overwrites a matrix")
    root.mkdir(parents=True, exist_ok=True)
    laid = Laid(root)
    starter = resources.files("escmatrix") / "scaffold"
    for folder in ("matrix", "playbooks"):
        for item in sorted((starter / folder).iterdir(), key=lambda t: t.name):
            text = item.read_text(encoding="utf-8")
            if folder == "matrix":
                schema = f"# yaml-language-server: $schema=../schemas/{Path(item.name).stem}.schema.json\n"
                text = schema + text
            write_atomic(root / folder / item.name, text)
            laid.written.append(f"{folder}/{item.name}")
    write_atomic(root / "issues" / ".gitkeep", "")
    laid.written.append("issues/.gitkeep")
    if not (root / ".gitattributes").exists():
        write_atomic(
            root / ".gitattributes", (starter / "gitattributes").read_text(encoding="utf-8")
        )
        laid.written.append(".gitattributes")
    _commit(laid)
    return laid


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
    repo.git.add("--", *laid.written)
    repo.git.commit("-q", "-m", "escmatrix init: starter matrix, issues/ and playbooks/")
    laid.commit = repo.head.commit.hexsha
