"""The cache's folder, `.git/escmatrix/cache/`: values kept as files, each written whole under a
temporary name and renamed into place, and read back or given up on (a missing, torn or foreign
file reads as nothing, so the value is worked out again). A folder that cannot be written (a
read-only checkout) turns the cache read-only for the rest of the process."""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

T = TypeVar("T")


class CacheFolder:
    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        self.folder, self.read_only = folder, read_only

    def _load(self, name: str) -> Any:
        try:
            with open(self.folder / name, "rb") as handle:
                return pickle.load(handle)
        except (
            OSError,
            pickle.UnpicklingError,
            EOFError,
            AttributeError,
            ImportError,
            ValueError,
            TypeError,
        ):
            return None

    def _save(self, name: str, value: Any) -> None:
        self._save_bytes(name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def _save_bytes(self, name: str, data: bytes) -> None:
        if self.read_only:
            return
        tmp = self.folder / f".{name}.{os.getpid()}.tmp"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as handle:
                handle.write(data)
            os.replace(tmp, self.folder / name)
        except OSError:
            # A read-only checkout (a CI job's mount): the answer stands, it is just not kept.
            self.read_only = True
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

    def memo(self, name: str, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """`compute()`, remembered in the file `name` for as long as `key` is unchanged."""
        stored = self._load(name)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key:
            return cast(T, stored[1])
        value = compute()
        self._save(name, (key, value))
        return value

    def clear(self) -> None:
        for pattern in ("*.pickle", "*.msgpack"):
            for path in self.folder.glob(pattern):
                path.unlink(missing_ok=True)
