"""Where a drill runs: a throwaway git repository holding a copy of matrix/ and playbooks/, and a
workspace whose actor is whoever the scenario says acts."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from escmatrix.app.workspace import Workspace
from escmatrix.core.matrix import Matrix
from escmatrix.store.git import Identity

COPIED = ("matrix", "playbooks")
DRILL_IDENTITY = Identity("escmatrix drill", "drill@escmatrix.invalid")


def copy_repository(source: Path) -> Path:
    """matrix/ and playbooks/ in a new temporary git repository, committed once."""
    target = Path(tempfile.mkdtemp(prefix="escmatrix-drill-"))
    for folder in COPIED:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)
    (target / "issues").mkdir()
    (target / "issues" / ".gitkeep").write_text("")
    hooks = target / ".git-no-hooks"
    hooks.mkdir()

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=target, check=True, capture_output=True, text=True)

    git("init", "-q", "-b", "main")
    for key, value in (
        ("user.name", DRILL_IDENTITY.name or ""),
        ("user.email", DRILL_IDENTITY.email),
        ("commit.gpgsign", "false"),
        ("core.hooksPath", str(hooks)),
    ):
        git("config", key, value)
    git("add", "--", *[f for f in (*COPIED, "issues") if (target / f).exists()])
    git("commit", "-q", "-m", "drill: copy of the matrix and playbooks")
    return target


class DrillWorkspace(Workspace):
    """A workspace whose actor is whoever the scenario says acts, not git's identity."""

    acting: str = ""

    def actor(self) -> tuple[str, Identity]:
        person = self.matrix.people[self.acting]
        return person.id, Identity(person.name, person.email)

    def automation_identity(self) -> Identity:
        bot = self.matrix.governance.automation
        return Identity(bot.name, bot.email) if bot else DRILL_IDENTITY

    def replace_matrix(self, matrix: Matrix) -> None:
        self.__dict__["matrix"] = matrix  # `matrix` is a cached property: this is its cache
