"""Where the playbooks are: Markdown files directly under playbooks/, found without reading them
(so `open`, which keeps their steps in the cache, imports neither YAML nor the playbook models)."""

from __future__ import annotations

import os
from pathlib import Path

FOLDER = "playbooks"


def playbook_paths(root: Path) -> list[Path]:
    """The playbooks: Markdown files directly under playbooks/ (templates/ and drills/ are not)."""
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:  # the entries know if they are files: no stat per file
        names = [
            e.name
            for e in entries
            if e.name.endswith(".md") and not e.name.startswith(".") and e.is_file()
        ]
    return [folder / name for name in sorted(names)]
