"""A category's playbook as `open` shows its first steps, without the playbook models.

A playbook's front matter is YAML validated by a pydantic model (`core/playbooks.py`), and `open`
shows the first steps of the new issue's playbook, so it would load both on every run. The local
cache keeps, per category, the playbook's steps as plain data (`PlainSteps`), or the words `open`
prints when there is no usable playbook, keyed by the matrix, the code that reads playbooks and
the bytes of every file under playbooks/: any edit is read again. `--no-cache` reads the files
every time, and the two give the same lines (tests/test_route_facts.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from escmatrix.core.playbook_steps import PlainSteps

if TYPE_CHECKING:
    from escmatrix.app.workspace import Workspace

_CODE = (
    "store/playbooks.py",
    "store/playbook_files.py",
    "core/playbooks.py",
    "core/playbook_steps.py",
)


def playbook_steps(ws: Workspace, category: str) -> PlainSteps | str:
    """The category's playbook as its steps are timed, or why there is none (a sentence)."""
    if ws.matrix_key is None:
        return _read(ws, category)
    from escmatrix.store.matrix_key import code_stamps
    from escmatrix.store.playbook_files import playbook_paths

    package = Path(__file__).resolve().parents[1]
    code = code_stamps(package / name for name in _CODE)
    files = tuple((path.name, path.read_bytes()) for path in playbook_paths(ws.root))
    key = (*ws.matrix_key, *code, files)
    return ws.cache.memo(f"playbook-{category}.pickle", key, lambda: _read(ws, category))


def _read(ws: Workspace, category: str) -> PlainSteps | str:
    from escmatrix.core.errors import EscmatrixError
    from escmatrix.store.playbooks import playbook_for

    try:
        return PlainSteps.of(playbook_for(ws.root, ws.matrix, category))
    except EscmatrixError as exc:
        return exc.message
