"""The exported JSON schemas on disk: write the ones that changed, or list the stale ones."""

from __future__ import annotations

from pathlib import Path

from escmatrix.store.yamlio import write_atomic

SUFFIX = ".schema.json"


def write_schemas(folder: Path, rendered: dict[str, str]) -> list[str]:
    """Write each schema whose text differs; returns the names written."""
    written = []
    for name, text in rendered.items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_atomic(path, text)
            written.append(name)
    return written


def stale_schemas(folder: Path, rendered: dict[str, str]) -> list[tuple[str, str]]:
    """(name, why) for every schema that is missing, differs, or is no longer generated."""
    stale: list[tuple[str, str]] = []
    for name, text in rendered.items():
        path = folder / name
        if not path.is_file():
            stale.append((name, "missing"))
        elif path.read_text(encoding="utf-8") != text:
            stale.append((name, "out of date"))
    if folder.is_dir():
        for path in sorted(folder.glob(f"*{SUFFIX}")):
            if path.name not in rendered:
                stale.append((path.name, "no longer generated"))
    return stale
