"""The git executable run as a subprocess, and its failures turned into sentences.

`GitRunner` finds the repository and runs git in it: one process per command (`_run`), and one
`git cat-file --batch` kept open for every object a command reads (`ObjectReader`). The parts of
`GitRepo` (store/git.py) build on it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import weakref
from functools import cached_property
from pathlib import Path
from typing import IO, Any

from escmatrix.core.errors import GitFailure

C_LOCALE = {"LANGUAGE": "C", "LC_ALL": "C"}  # git's messages in English, as sentence expects


class GitError(Exception):
    """A git command that exited with an error; `stderr` holds what git said."""

    def __init__(self, args: list[str], stderr: str) -> None:
        super().__init__(f"git {' '.join(args)}: {stderr}")
        self.stderr = stderr


def sentence(exc: Exception) -> str:
    stderr = getattr(exc, "stderr", "") or str(exc)
    lines = [ln.strip() for ln in str(stderr).splitlines() if ln.strip()]
    lines = [ln.removeprefix("stderr: ").strip("'").strip() for ln in lines]
    return "; ".join(ln for ln in lines if ln) or "git failed"


class ObjectReader:
    """One `git cat-file --batch` kept open: every object a command reads, for one process."""

    def __init__(self, top: Path, env: dict[str, str] | None = None) -> None:
        self._process = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **C_LOCALE, **(env or {})},
        )
        self._closer = weakref.finalize(self, ObjectReader._close, self._process)

    @staticmethod
    def _close(process: subprocess.Popen[bytes]) -> None:
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self) -> None:
        self._closer()

    def read(self, name: str) -> tuple[str, str, bytes] | None:
        """(id, type, content) of the object `name` names (`HEAD`, `HEAD:matrix`, an id); None if none."""
        stdin: IO[bytes] | None = self._process.stdin
        stdout: IO[bytes] | None = self._process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(name.encode() + b"\n")
            stdin.flush()
            header = stdout.readline()
        except OSError as exc:
            raise GitFailure(f"git cat-file stopped: {exc}") from None
        fields = header.split()
        if len(fields) != 3:  # "<name> missing", "<name> ambiguous", or the process died
            if not header:
                raise GitFailure(f"git cat-file stopped while reading {name}")
            return None
        size = int(fields[2])
        data = stdout.read(size + 1)[:-1]
        return fields[0].decode(), fields[1].decode(), data

    def read_many(self, names: list[str], chunk: int = 1000) -> dict[str, bytes]:
        """The content of many objects, pipelined: a chunk of names at a time, well inside a
        pipe's buffer, so neither side waits for the other. Names that name nothing are left out."""
        stdin: IO[bytes] | None = self._process.stdin
        stdout: IO[bytes] | None = self._process.stdout
        assert stdin is not None and stdout is not None
        found: dict[str, bytes] = {}
        for start in range(0, len(names), chunk):
            part = names[start : start + chunk]
            try:
                stdin.write("".join(n + "\n" for n in part).encode())
                stdin.flush()
            except OSError as exc:
                raise GitFailure(f"git cat-file stopped: {exc}") from None
            for name in part:
                fields = stdout.readline().split()
                if len(fields) == 3:
                    found[name] = stdout.read(int(fields[2]) + 1)[:-1]
        return found


class GitRunner:
    """Git run in the escmatrix root (which may sit below the git top level); what GitRepo's
    parts build on."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            out = self._run(
                [
                    "rev-parse",
                    "--absolute-git-dir",
                    "--show-toplevel",
                    "--show-object-format",
                    "--git-path",
                    "index",
                    "--git-path",
                    "hooks",
                    "--git-path",
                    "objects",
                ],
                cwd=root,
            )
        except (GitError, OSError) as exc:
            if isinstance(exc, GitError) and "not a git repository" not in exc.stderr:
                raise GitFailure(f"git cannot work in {root}: {sentence(exc)}") from None
            raise GitFailure(
                f"{root} is not inside a git repository",
                hint="run `git init` there, or `escmatrix init DIR` to lay out a new one",
            ) from None
        lines = out.decode().split("\n")
        self.git_dir = Path(lines[0])
        self.top = Path(lines[1])
        self.object_format = lines[2]
        self.index_file = root / lines[3]  # --git-path answers relative to where it ran
        self.hooks_dir = root / lines[4]
        self.objects_dir = root / lines[5]
        self._objects: ObjectReader | None = None

    @cached_property
    def git(self) -> Any:
        """GitPython's command runner in the top level of the work tree (sync, audit, review)."""
        import git

        return git.Git(str(self.top))

    def rel(self, path: Path) -> str:
        """A path as git names it: relative to the top of the work tree, with forward slashes."""
        return path.resolve().relative_to(self.top.resolve()).as_posix()

    def _run(
        self,
        args: list[str],
        *,
        cwd: Path | None = None,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
        ok: tuple[int, ...] = (0,),
    ) -> bytes:
        """Run one git command in the top level; its stdout, or GitError with what git said."""
        done = subprocess.run(
            ["git", *args],
            cwd=cwd or self.top,
            input=input,
            capture_output=True,
            env={**os.environ, **C_LOCALE, **(env or {})},
            check=False,
        )
        if done.returncode not in ok:
            raise GitError(args, done.stderr.decode(errors="replace"))
        return done.stdout

    def _start(self, args: list[str]) -> subprocess.Popen[bytes]:
        """Start one git command in the top level, to run beside this process's own work;
        `_finish` waits for it."""
        return subprocess.Popen(
            ["git", *args],
            cwd=self.top,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **C_LOCALE},
        )

    @staticmethod
    def _finish(process: subprocess.Popen[bytes], args: list[str]) -> bytes:
        """The stdout of the command `_start` started with `args`, or GitError with what git
        said."""
        out, err = process.communicate()
        if process.returncode != 0:
            raise GitError(args, err.decode(errors="replace"))
        return out

    def _read(self, name: str) -> tuple[str, str, bytes] | None:
        if self._objects is None:
            self._objects = ObjectReader(self.top)
        return self._objects.read(name)

    def object_id(self, name: str) -> str | None:
        """The id of the object `name` names (`COMMIT:path`), read by the object reader."""
        found = self._read(name)
        return found[0] if found is not None else None

    def close(self) -> None:
        """Stop the object reader, if one was started (it also stops when this is collected)."""
        if self._objects is not None:
            self._objects.close()
            self._objects = None

    def head(self) -> str:
        """HEAD's commit id, or '' in a repository with no commits yet."""
        return self._head()[0]

    def _head(self) -> tuple[str, str]:
        """HEAD's commit id and tree id, or two '' in a repository with no commits yet."""
        found = self._read("HEAD")
        if found is None or found[1] != "commit" or not found[2].startswith(b"tree "):
            return "", ""
        return found[0], found[2][5:].split(b"\n", 1)[0].decode()
