"""The matrix key's digest, kept beside the cache: used again only while every file under matrix/
is as it was (size, times, inode), and never for files changed just before it was kept."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from escmatrix.store import matrix_key
from escmatrix.store.matrix_key import matrix_fingerprint


def matrix(root: Path) -> Path:
    folder = root / "matrix"
    folder.mkdir()
    (folder / "people.yaml").write_text("people: []\n", encoding="utf-8")
    (folder / "teams.yaml").write_text("teams: []\n", encoding="utf-8")
    return folder


def forge(memo: Path, digest: str) -> None:
    """The memo as kept, with another digest: what `matrix_fingerprint` returns when it trusts
    the memo (a real digest is never this)."""
    stamps, _ = pickle.loads(memo.read_bytes())
    memo.write_bytes(pickle.dumps((stamps, digest)))
    old = memo.stat()
    os.utime(memo, ns=(old.st_atime_ns, old.st_mtime_ns))


def test_the_digest_is_the_same_with_or_without_a_memo(tmp_path: Path) -> None:
    matrix(tmp_path)
    memo = tmp_path / "cache" / "matrix-files.pickle"
    assert matrix_fingerprint(tmp_path, memo) == matrix_fingerprint(tmp_path)
    assert memo.is_file()
    assert matrix_fingerprint(tmp_path, memo) == matrix_fingerprint(tmp_path)


def test_files_changed_just_before_the_memo_was_kept_are_read_again(tmp_path: Path) -> None:
    """Files written a moment ago may change again within the same clock tick unseen: the
    memo is not trusted for them, whatever it holds."""
    matrix(tmp_path)
    memo = tmp_path / "matrix-files.pickle"
    real = matrix_fingerprint(tmp_path, memo)
    forge(memo, "forged")
    assert matrix_fingerprint(tmp_path, memo) == real


def test_an_edit_that_keeps_size_and_modified_time_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the files old enough to be trusted (here: no racy margin), the memo is used while
    nothing changed; an edit of the same size with the modification time set back still changes
    the file's change time, and the files are read again."""
    monkeypatch.setattr(matrix_key, "RACY_NS", 0)
    folder = matrix(tmp_path)
    memo = tmp_path / "matrix-files.pickle"
    real = matrix_fingerprint(tmp_path, memo)
    forge(memo, "forged")
    assert matrix_fingerprint(tmp_path, memo)[0] == "forged"  # trusted: nothing changed
    people = folder / "people.yaml"
    before = people.stat()
    people.write_text("people: {}\n", encoding="utf-8")  # same size
    os.utime(people, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert people.stat().st_size == before.st_size
    assert people.stat().st_mtime_ns == before.st_mtime_ns
    edited = matrix_fingerprint(tmp_path, memo)
    assert edited[0] not in ("forged", real[0])
    assert edited == matrix_fingerprint(tmp_path)


def test_a_file_added_or_removed_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matrix_key, "RACY_NS", 0)
    folder = matrix(tmp_path)
    memo = tmp_path / "matrix-files.pickle"
    matrix_fingerprint(tmp_path, memo)
    forge(memo, "forged")
    (folder / "extra.yaml").write_text("x: 1\n", encoding="utf-8")
    added = matrix_fingerprint(tmp_path, memo)
    assert added[0] != "forged"
    assert added == matrix_fingerprint(tmp_path)
    forge(memo, "forged")
    (folder / "extra.yaml").unlink()
    removed = matrix_fingerprint(tmp_path, memo)
    assert removed[0] != "forged"
    assert removed == matrix_fingerprint(tmp_path)


def test_an_unreadable_memo_is_ignored(tmp_path: Path) -> None:
    matrix(tmp_path)
    memo = tmp_path / "matrix-files.pickle"
    memo.write_bytes(b"not a pickle")
    assert matrix_fingerprint(tmp_path, memo) == matrix_fingerprint(tmp_path)
