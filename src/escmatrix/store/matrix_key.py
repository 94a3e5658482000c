"""The key the validated matrix is cached under, without loading YAML or the loader (so `list` and
`show`, which read the matrix from the cache, import neither)."""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Iterable
from pathlib import Path

# A file changed this close before its digest was kept may change again within one tick of the
# filesystem's clock, size unchanged, and keep the times recorded: it is read again ("racy git").
RACY_NS = 2_000_000_000
FileStamp = tuple[str, int, int, int, int]  # path, size, modified and changed (ns), inode


def matrix_fingerprint(root: Path, memo: Path | None = None) -> tuple[str, ...]:
    """What `load_matrix` depends on: every file's bytes under matrix/, and the code that loads
    and models it (a cache of the loaded matrix is good while this is unchanged).

    With `memo` (a file in the local cache) the files' digest is kept there and used again while
    every file has the size, times and inode it had, as git trusts its index: any write sets a
    file's change time, which no tool sets back. A warm read then neither reads nor hashes the
    files, nor imports hashlib (~3 ms)."""
    import escmatrix

    files = sorted(path for path in (root / "matrix").rglob("*") if path.is_file())
    stamps = tuple(_stamp(root, path) for path in files)
    digest = _kept(memo, stamps) if memo is not None else None
    if digest is None:
        digest = _digest(root, files, stamps)
        if memo is not None:
            _keep(memo, stamps, digest)
    code = [escmatrix.__version__]
    # every module of the core.matrix package (a model changed in any of them must miss)
    model_files = sorted((Path(__file__).resolve().parents[1] / "core" / "matrix").glob("*.py"))
    code += code_stamps([*model_files, Path(__file__).with_name("matrix_loader.py")])
    return (digest, *code)


def _stamp(root: Path, path: Path) -> FileStamp:
    stat = path.stat()
    rel = path.relative_to(root).as_posix()
    return (rel, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _digest(root: Path, files: list[Path], stamps: tuple[FileStamp, ...]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path, stamp in zip(files, stamps, strict=True):
        digest.update(f"{path.relative_to(root)}\0{stamp[1]}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _kept(memo: Path, stamps: tuple[FileStamp, ...]) -> str | None:
    """The digest kept for exactly these files, unless one changed shortly before it was kept
    (the memo's own time is the filesystem's clock when it was written)."""
    try:
        written = memo.stat().st_mtime_ns
        with open(memo, "rb") as handle:
            kept = pickle.load(handle)  # our own cache file, under .git/
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return None
    if not (isinstance(kept, tuple) and len(kept) == 2 and kept[0] == stamps):
        return None
    newest = max((max(stamp[2], stamp[3]) for stamp in stamps), default=0)
    return kept[1] if isinstance(kept[1], str) and newest < written - RACY_NS else None


def _keep(memo: Path, stamps: tuple[FileStamp, ...], digest: str) -> None:
    tmp = memo.with_name(f".{memo.name}.{os.getpid()}.tmp")
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(pickle.dumps((stamps, digest), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, memo)
    except OSError:  # a read-only checkout: the digest stands, it is just not kept
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def code_stamps(paths: Iterable[Path]) -> list[str]:
    """Each source file by folder, name, size and time: what a value worked out by that code is
    kept under, so that other code misses (OSError when one is missing)."""
    stamps = []
    for path in paths:
        stat = path.stat()
        stamps.append(f"{path.parent.name}/{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return stamps
