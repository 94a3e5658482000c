"""Git's tree objects, edited by splicing their raw entries (the plumbing commit's trees)."""

from __future__ import annotations

import re
from bisect import bisect_left

from escmatrix.core.errors import GitFailure

TREE_ENTRY = re.compile(rb"[0-7]+ [^\0]*\0.{20}", re.S)
TREE_MODE = b"40000"
FILE_MODE = b"100644"


def tree_sha(data: bytes) -> bytes:
    import hashlib  # only commands that commit make trees (`list` and `show` never load it)

    return hashlib.sha1(b"tree %d\0" % len(data) + data).digest()


def tree_key(name: bytes, folder: bool) -> bytes:
    """Git's order of tree entries: by name, a folder's name as if it ended with '/'."""
    return name + b"/" if folder else name


class TreeListing:
    """A git tree's raw entries, edited by splicing: a 10,000-entry tree is not parsed in Python.

    The entries' offsets come from one regular-expression scan; lookups bisect over them.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.starts = [m.start() for m in TREE_ENTRY.finditer(data)]

    def _key(self, start: int) -> bytes:
        space = self.data.index(b" ", start)
        name = self.data[space + 1 : self.data.index(b"\0", space)]
        return tree_key(name, self.data[start:space] == TREE_MODE)

    def _end(self, index: int) -> int:
        return self.starts[index + 1] if index + 1 < len(self.starts) else len(self.data)

    def _position(self, key: bytes) -> tuple[int, bool]:
        """Where an entry of this sort key is or would go, and whether it is there."""
        index = bisect_left(self.starts, key, key=self._key)
        return index, index < len(self.starts) and self._key(self.starts[index]) == key

    def find(self, name: bytes, folder: bool) -> bytes | None:
        """The id of the entry `name` of that kind; refuses when it is there as the other kind."""
        if self._position(tree_key(name, not folder))[1]:
            kinds = ("file", "folder") if folder else ("folder", "file")
            shown = name.decode(errors="replace")
            raise GitFailure(f"{shown} is a {kinds[0]} in git, not a {kinds[1]}")
        index, there = self._position(tree_key(name, folder))
        return self.data[self._end(index) - 20 : self._end(index)] if there else None

    def with_entries(self, entries: dict[bytes, bytes]) -> bytes:
        """The tree with these raw entries (by name) put in, replacing any of the same name."""
        cuts = []
        for name, entry in entries.items():
            key = tree_key(name, entry.startswith(TREE_MODE + b" "))
            index, there = self._position(key)
            start = self.starts[index] if index < len(self.starts) else len(self.data)
            cuts.append((start, key, self._end(index) if there else start, entry))
        pieces, at = [], 0
        for start, _, end, entry in sorted(cuts):
            pieces += [self.data[at:start], entry]
            at = end
        pieces.append(self.data[at:])
        return b"".join(pieces)
