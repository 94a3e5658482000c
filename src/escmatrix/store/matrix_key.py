"""The key the validated matrix is cached under, without loading YAML or the loader (so `list` and
`show`, which read the matrix from the cache, import neither)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def matrix_fingerprint(root: Path) -> tuple[str, ...]:
    """What `load_matrix` depends on: every file's bytes under matrix/, and the code that loads
    and models it (a cache of the loaded matrix is good while this is unchanged)."""
    import hashlib

    import escmatrix

    digest = hashlib.sha256()
    for path in sorted((root / "matrix").rglob("*")):
        if path.is_file():
            digest.update(f"{path.relative_to(root)}\0{path.stat().st_size}\0".encode())
            digest.update(path.read_bytes())
    code = [escmatrix.__version__]
    # every module of the core.matrix package (a model changed in any of them must miss)
    model_files = sorted((Path(__file__).resolve().parents[1] / "core" / "matrix").glob("*.py"))
    code += code_stamps([*model_files, Path(__file__).with_name("matrix_loader.py")])
    return (digest.hexdigest(), *code)


def code_stamps(paths: Iterable[Path]) -> list[str]:
    """Each source file by folder, name, size and time: what a value worked out by that code is
    kept under, so that other code misses (OSError when one is missing)."""
    stamps = []
    for path in paths:
        stat = path.stat()
        stamps.append(f"{path.parent.name}/{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return stamps
