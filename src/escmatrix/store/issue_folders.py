"""An issue folder on disk, as the local cache checks it: which folder an id prefix plainly
names, what the folder holds (names, sizes, times, inodes), and whether it holds exactly the files
of a git tree, without `git status`.

`git status -- issues/ID` answers the last too, but it reads the whole index and scans for untracked
files: ~28 ms at 10,000 issues. Listing the one tree (`git ls-tree -z`, ~4 ms) and hashing each
file as git hashes a blob (the files are a few hundred bytes) answers it in a fraction of that.

The answer errs one way only: a file whose bytes git would change on the way in (an `eol` or
clean filter) hashes differently from its blob, so the folder reads as changed and the caller
reads its files, as it would without a cache.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from escmatrix.core import ids

REGULAR_MODES = (b"100644", b"100755")


def blob_id(data: bytes, sha256: bool = False) -> str:
    """The id git gives a blob of these bytes (SHA-1, or SHA-256 in a repository of that format)."""
    import hashlib  # `show` of a checked folder hashes nothing: kept off its start-up

    digest = hashlib.sha256() if sha256 else hashlib.sha1()
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def as_committed(top: Path, folder: Path, tree: str) -> bool:
    """Whether `folder` on disk holds exactly the files of the git tree `tree`, ignored files
    included (the store reads every event file it finds): one `git ls-tree`, each file hashed
    as git hashes a blob; it never takes the index lock."""
    done = subprocess.run(["git", "ls-tree", "-z", tree], cwd=top, capture_output=True)
    files = tree_files(done.stdout) if done.returncode == 0 else None
    return files is not None and holds_exactly(folder, files)


def tree_files(listing: bytes) -> dict[str, str] | None:
    """File name → blob id, from `git ls-tree -z TREE`; None when the tree holds anything but
    regular files (a folder, a link, a submodule), which a folder of event files never does."""
    files: dict[str, str] = {}
    for record in listing.split(b"\0"):
        if not record:
            continue
        head, _, name = record.partition(b"\t")
        mode, kind, object_id = head.split(b" ")
        if kind != b"blob" or mode not in REGULAR_MODES:
            return None
        files[os.fsdecode(name)] = object_id.decode("ascii")
    return files


def holds_exactly(folder: Path, files: dict[str, str]) -> bool:
    """Whether `folder` holds these files (name → blob id) and nothing else, byte for byte."""
    sha256 = any(len(object_id) == 64 for object_id in files.values())
    try:
        with os.scandir(folder) as found:
            entries = list(found)
        if sorted(e.name for e in entries) != sorted(files):
            return False
        for entry in entries:
            if not stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
                return False
            with open(entry.path, "rb") as handle:
                if blob_id(handle.read(), sha256) != files[entry.name]:
                    return False
    except OSError:
        return False
    return True


def issue_ids(issues: Path, start: str = "") -> list[str]:
    """The ids of the issue folders under `issues` (those starting with `start`), sorted: one
    listing, each entry's type from it (no `stat` a folder: 10,000 folders ~44 → ~5 ms)."""
    try:
        with os.scandir(issues) as entries:
            found = [
                e.name
                for e in entries
                if e.name.startswith(start) and ids.is_issue_id(e.name) and e.is_dir()
            ]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(found)


def plain_id(issues: Path, prefix: str) -> str | None:
    """The one issue folder under `issues` that `prefix` names, when that is plain from a listing
    (a real folder, not a link); None for anything else, which the store resolves and explains
    (an unknown, ambiguous or malformed id)."""
    text = prefix.strip().lower()
    if not ids.is_issue_id(text):
        if not text or not ids.PREFIX_RE.match(text):
            return None
        try:
            found = issue_ids(issues, text)
        except OSError:
            return None
        if len(found) != 1:
            return None
        text = found[0]
    path = issues / text
    return text if path.is_dir() and not path.is_symlink() else None


def listing(folder: Path) -> str:
    """What the folder holds on disk, as one string ("" when it cannot be read): any write to
    it changes a file's size, times or inode."""
    try:
        with os.scandir(folder) as found:
            listed = sorted((e.name, e.stat(follow_symlinks=False)) for e in found)
    except OSError:
        return ""
    return "|".join(
        f"{name}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}" for name, st in listed
    )
