"""Finding the escmatrix repository: `--repo`, ESCMATRIX_REPO, or walk up to the folder with matrix/."""

from __future__ import annotations

import os
from pathlib import Path

from escmatrix.core.errors import UsageError

ENV_VAR = "ESCMATRIX_REPO"


def find_root(option: str | None, start: Path | None = None) -> Path:
    given = option or os.environ.get(ENV_VAR)
    if given:
        root = Path(given).expanduser().resolve()
        if not (root / "matrix").is_dir():
            raise UsageError(
                f"{root} has no matrix/ folder",
                hint="point --repo (or ESCMATRIX_REPO) at the folder holding matrix/, issues/ "
                "and playbooks/, or create one with `escmatrix init DIR`",
            )
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "matrix").is_dir():
            return folder
    raise UsageError(
        f"no escmatrix repository here: neither {here} nor any folder above it has a matrix/ folder",
        hint="cd into one, pass --repo DIR (or set ESCMATRIX_REPO), or create one with "
        "`escmatrix init DIR`",
    )


def repository_prefix(root: Path) -> str:
    """Where `root` sits inside its git work tree ('' at the top, 'ops/' below it)."""
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            relative = root.relative_to(folder).as_posix()
            return "" if relative == "." else relative + "/"
    return ""
