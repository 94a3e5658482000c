"""The git executable, run as a subprocess, with failures turned into sentences.

Commits are made with git's plumbing (`GitRepo.commit_files` says how and when it falls back to
`git commit`). GitPython's `repo.git` is kept for the commands that sync, audit and review, and is
imported only when one of them asks for it, so a mutating command does not pay for it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import subprocess
import tempfile
import time
import weakref
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import IO, Any, TypeAlias

from escmatrix.core.errors import GitFailure, Refused

INDEX_LOCK_WAIT_SECONDS = float(os.environ.get("ESCMATRIX_LOCK_WAIT", "10"))

TRAILER_ISSUE = "Escmatrix-Issue"
TRAILER_ACTION = "Escmatrix-Action"
TRAILER_ACTOR = "Escmatrix-Actor"

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
NO_COMMIT = "0" * 40  # update-ref's old value for "the branch must not exist yet"
# Hooks `git commit` runs and plumbing does not; with any of them present we use `git commit`.
COMMIT_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit")
# States in which `git commit` would write a merge, or take over another commit's author.
SEQUENCER_STATES = ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD")
_SETTINGS = (
    r"^(user\.(name|email)|commit\.gpgsign|gc\.auto(packlimit)?|maintenance\.(auto|strategy))$"
)
_TREE_ENTRY = re.compile(rb"[0-7]+ [^\0]*\0.{20}", re.S)
_TREE_MODE = b"40000"
_FILE_MODE = b"100644"
_C_LOCALE = {"LANGUAGE": "C", "LC_ALL": "C"}  # git's messages in English, as _sentence expects


@dataclass(frozen=True)
class Identity:
    name: str | None
    email: str


@dataclass(frozen=True)
class LogEntry:
    commit: str
    author: str
    email: str
    at: datetime
    subject: str
    action: str
    actor: str


class GitError(Exception):
    """A git command that exited with an error; `stderr` holds what git said."""

    def __init__(self, args: list[str], stderr: str) -> None:
        super().__init__(f"git {' '.join(args)}: {stderr}")
        self.stderr = stderr


@dataclass(frozen=True)
class _Settings:
    """The configuration one commit needs, read with one `git config` call."""

    values: dict[str, str | None]

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def flag(self, key: str) -> bool:
        value = self.values.get(key, "false")
        if value is None:  # `[commit] gpgsign` without a value means true
            return True
        value = value.strip().lower()
        if value in ("true", "yes", "on"):
            return True
        if value in ("false", "no", "off", ""):
            return False
        try:
            return int(value) != 0
        except ValueError:
            return False

    def number(self, key: str, default: int) -> int:
        value = self.values.get(key)
        try:
            return int(value or default)
        except ValueError:
            return default


# A tree edit: per name, either a new blob (mode, binary id) or the edits of a subtree.
_Edits: TypeAlias = "dict[bytes, tuple[bytes, bytes] | _Edits]"


def _clean_subject(text: str) -> str:
    """A one-line, control-free subject; the event file keeps the exact text."""
    out = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return out if len(out) <= 72 else out[:71] + "…"


def _stripspace(message: str) -> str:
    """The message as `git commit -m` stores it (its default "whitespace" clean-up).

    Trailing whitespace goes from every line, runs of blank lines become one, blank lines at
    either end go, and the message ends with one newline.
    """
    lines = [line.rstrip(" \t\n\v\f\r") for line in message.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def _sentence(exc: Exception) -> str:
    stderr = getattr(exc, "stderr", "") or str(exc)
    lines = [ln.strip() for ln in str(stderr).splitlines() if ln.strip()]
    lines = [ln.removeprefix("stderr: ").strip("'").strip() for ln in lines]
    return "; ".join(ln for ln in lines if ln) or "git failed"


def _tree_sha(data: bytes) -> bytes:
    return hashlib.sha1(b"tree %d\0" % len(data) + data).digest()


def _tree_key(name: bytes, folder: bool) -> bytes:
    """Git's order of tree entries: by name, a folder's name as if it ended with '/'."""
    return name + b"/" if folder else name


class _TreeListing:
    """A git tree's raw entries, edited by splicing: a 10,000-entry tree is not parsed in Python.

    The entries' offsets come from one regular-expression scan; lookups bisect over them.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.starts = [m.start() for m in _TREE_ENTRY.finditer(data)]

    def _key(self, start: int) -> bytes:
        space = self.data.index(b" ", start)
        name = self.data[space + 1 : self.data.index(b"\0", space)]
        return _tree_key(name, self.data[start:space] == _TREE_MODE)

    def _end(self, index: int) -> int:
        return self.starts[index + 1] if index + 1 < len(self.starts) else len(self.data)

    def _position(self, key: bytes) -> tuple[int, bool]:
        """Where an entry of this sort key is or would go, and whether it is there."""
        index = bisect_left(self.starts, key, key=self._key)
        return index, index < len(self.starts) and self._key(self.starts[index]) == key

    def find(self, name: bytes, folder: bool) -> bytes | None:
        """The id of the entry `name` of that kind; refuses when it is there as the other kind."""
        if self._position(_tree_key(name, not folder))[1]:
            kinds = ("file", "folder") if folder else ("folder", "file")
            shown = name.decode(errors="replace")
            raise GitFailure(f"{shown} is a {kinds[0]} in git, not a {kinds[1]}")
        index, there = self._position(_tree_key(name, folder))
        return self.data[self._end(index) - 20 : self._end(index)] if there else None

    def with_entries(self, entries: dict[bytes, bytes]) -> bytes:
        """The tree with these raw entries (by name) put in, replacing any of the same name."""
        cuts = []
        for name, entry in entries.items():
            key = _tree_key(name, entry.startswith(_TREE_MODE + b" "))
            index, there = self._position(key)
            start = self.starts[index] if index < len(self.starts) else len(self.data)
            cuts.append((start, key, self._end(index) if there else start, entry))
        pieces, at = [], 0
        for start, _, end, entry in sorted(cuts):
            pieces += [self.data[at:start], entry]
            at = end
        pieces.append(self.data[at:])
        return b"".join(pieces)


class _ObjectReader:
    """One `git cat-file --batch` kept open: every object a command reads, for one process."""

    def __init__(self, top: Path) -> None:
        self._process = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **_C_LOCALE},
        )
        self._closer = weakref.finalize(self, _ObjectReader._close, self._process)

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


class GitRepo:
    """One repository's git, run in the escmatrix root (which may sit below the git top level)."""

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
                raise GitFailure(f"git cannot work in {root}: {_sentence(exc)}") from None
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
        self._settings: _Settings | None = None
        self._objects: _ObjectReader | None = None

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
            env={**os.environ, **_C_LOCALE, **(env or {})},
            check=False,
        )
        if done.returncode not in ok:
            raise GitError(args, done.stderr.decode(errors="replace"))
        return done.stdout

    def _read(self, name: str) -> tuple[str, str, bytes] | None:
        if self._objects is None:
            self._objects = _ObjectReader(self.top)
        return self._objects.read(name)

    def close(self) -> None:
        """Stop the object reader, if one was started (it also stops when this is collected)."""
        if self._objects is not None:
            self._objects.close()
            self._objects = None

    # -- reading ---------------------------------------------------------------------------

    def _read_settings(self) -> _Settings:
        out = self._run(["config", "-z", "--get-regexp", _SETTINGS], ok=(0, 1))
        values: dict[str, str | None] = {}
        for record in out.decode(errors="surrogateescape").split("\0"):
            if record:
                key, newline, value = record.partition("\n")
                values[key] = value if newline else None  # the last one wins, as in git
        return _Settings(values)

    def identity(self) -> Identity:
        """The author git would use; refuses when no email is configured."""
        # One `git config` call; the commit that usually follows reuses it (once: a later commit
        # reads the configuration again, so a changed identity is seen).
        self._settings = settings = self._read_settings()
        email = os.environ.get("GIT_AUTHOR_EMAIL") or settings.get("user.email")
        name = os.environ.get("GIT_AUTHOR_NAME")
        if not email:
            raise Refused(
                "no git identity: git has no user.email, so escmatrix cannot tell who is acting",
                hint="run `git config user.email you@example.com` with the email your entry in "
                "matrix/people.yaml has",
            )
        if name is None:
            name = settings.get("user.name")
        return Identity(name, email.strip())

    def matrix_commit(self) -> str:
        """The last commit that changed matrix/ (what decisions are made under), cached by tree id.

        Unlike HEAD, this survives a rebase of the event commits made on top of it.
        """
        import json

        rel = self.rel(self.root / "matrix")
        found = self._read(f"HEAD:{rel}")
        if found is None or found[1] != "tree":
            return ""
        tree_id = found[0]
        cache = self.git_dir / "escmatrix" / "matrix-commit.json"
        try:
            known = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        if isinstance(known, dict) and isinstance(known.get(tree_id), str):
            return str(known[tree_id])
        try:
            commit = self._run(["rev-list", "-1", "HEAD", "--", rel]).decode().strip()
        except GitError:
            return ""
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({tree_id: commit}), encoding="utf-8")
        os.replace(tmp, cache)
        return commit

    def head(self) -> str:
        """HEAD's commit id, or '' in a repository with no commits yet."""
        return self._head()[0]

    def _head(self) -> tuple[str, str]:
        """HEAD's commit id and tree id, or two '' in a repository with no commits yet."""
        found = self._read("HEAD")
        if found is None or found[1] != "commit" or not found[2].startswith(b"tree "):
            return "", ""
        return found[0], found[2][5:].split(b"\n", 1)[0].decode()

    def log(self, path: str) -> list[LogEntry]:
        """History of one path with one `git log` call, oldest first."""
        fmt = (
            "%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1f%(trailers:key="
            + TRAILER_ACTION
            + ",valueonly,separator=%x2c)%x1f%(trailers:key="
            + TRAILER_ACTOR
            + ",valueonly,separator=%x2c)%x1e"
        )
        try:
            raw = self._run(
                ["log", "--reverse", f"--format={fmt}", "--", self.rel(self.root / path)]
            )
        except GitError as exc:
            if "does not have any commits" in _sentence(exc):
                return []
            raise GitFailure(f"git log failed: {_sentence(exc)}") from None
        entries = []
        for record in raw.decode(errors="replace").split("\x1e"):
            fields = record.strip("\n").split("\x1f")
            if len(fields) < 7:
                continue
            sha, author, email, when, subject, action, actor = fields[:7]
            entries.append(
                LogEntry(
                    sha,
                    author,
                    email,
                    datetime.fromisoformat(when),
                    subject,
                    action.strip(),
                    actor.strip(),
                )
            )
        return entries

    # -- writing ---------------------------------------------------------------------------

    def blame(self, path: Path) -> str | None:
        """`git blame --line-porcelain` of a file; None when git cannot tell (no commits yet,
        the file not tracked)."""
        try:
            return self._run(["blame", "--line-porcelain", "--", self.rel(path)]).decode(
                errors="replace"
            )
        except GitError:
            return None

    def uncommitted(self, paths: list[Path]) -> list[Path]:
        """Those of `paths` that are untracked or staged but not committed."""
        out = self._run(
            ["status", "--porcelain", "-z", "--untracked-files=all", "--"]
            + [self.rel(p) for p in paths]
        )
        dirty = {
            record[3:]
            for record in out.decode(errors="surrogateescape").split("\0")
            if record[:2] in ("??", "A ", "AM")
        }
        return [p for p in paths if self.rel(p) in dirty]

    def stale_locks(self, older_than: float = 2.0) -> list[str]:
        """Remove lock files a killed git left behind (index, HEAD, branch refs).

        Git holds these for milliseconds; one still there `older_than` seconds later, while our
        own lock keeps every escmatrix command out, belongs to a process that is gone.
        """
        candidates = [
            self.git_dir / "index.lock",
            self.git_dir / "HEAD.lock",
            self.git_dir / "packed-refs.lock",
            *(self.git_dir / "refs").rglob("*.lock"),
        ]
        removed: list[str] = []
        for lock in candidates:
            try:
                age = time.time() - lock.stat().st_mtime
            except OSError:
                continue
            if age < older_than:
                time.sleep(older_than - age)
                if not lock.exists():
                    continue
            lock.unlink(missing_ok=True)
            removed.append(
                f"removed a stale git lock {lock.relative_to(self.git_dir)} left by a killed git"
            )
        return removed

    def _wait_for_index_lock(self) -> None:
        lock = self.index_file.with_name(self.index_file.name + ".lock")
        deadline = time.monotonic() + INDEX_LOCK_WAIT_SECONDS
        while lock.exists():
            if time.monotonic() >= deadline:
                raise GitFailure(
                    f"git's index is locked ({lock}) and stayed locked for "
                    f"{INDEX_LOCK_WAIT_SECONDS:g} s",
                    hint="another git command is running; if none is, a crashed one left the "
                    "lock behind: remove that file and run the command again",
                )
            time.sleep(0.05)

    def commit_files(
        self,
        paths: list[Path],
        subject: str,
        body: str,
        trailers: dict[str, str],
        identity: Identity | None = None,
        at: datetime | None = None,
    ) -> str:
        """Stage exactly `paths` and make one commit of them; on failure unstage them and raise.

        Anything else already staged makes this refuse, and is left staged. The commit is made
        with plumbing: `hash-object` writes the files' blobs, the new trees are HEAD's trees
        with those entries put in (written with `hash-object -t tree`, so what the user has
        staged can never end up in it), `commit-tree` writes the commit, `update-index` stages
        the files (before the branch moves: an interrupted command leaves them staged, for
        `escmatrix doctor`), and `update-ref` moves HEAD only if it still is the parent, so a
        concurrent commit makes this fail instead of being lost. The index is read and written
        once, where `git add` and `git commit` read it twice, write it twice and stat every file.

        `git commit` itself is used instead when the repository has a commit hook (pre-commit,
        prepare-commit-msg, commit-msg, post-commit), when a merge, cherry-pick or revert is in
        progress, when a path is not a plain non-executable file, or when the repository does
        not use SHA-1 ids: there git's own rules apply, at git's own speed. With
        `commit.gpgSign` set the commit is signed (`commit-tree -S`), as `git commit` would.
        """
        rel = [self.rel(p) for p in paths]
        message = _stripspace(
            _clean_subject(subject)
            + "\n\n"
            + (body.strip() + "\n\n" if body.strip() else "")
            + "\n".join(f"{k}: {v}" for k, v in trailers.items())
            + "\n"
        )
        env: dict[str, str] = {}
        if at is not None:  # a fixed clock (--now) dates the commit too, so history matches events
            stamp = at.strftime("%Y-%m-%dT%H:%M:%S+0000")
            env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        if identity is not None:
            env |= {"GIT_AUTHOR_EMAIL": identity.email, "GIT_COMMITTER_EMAIL": identity.email}
            if identity.name:
                env |= {"GIT_AUTHOR_NAME": identity.name, "GIT_COMMITTER_NAME": identity.name}
        settings, self._settings = self._settings or self._read_settings(), None
        self._wait_for_index_lock()
        head, base = self._head()
        self._refuse_other_staged(head, rel)
        if self._needs_porcelain(paths):
            return self._commit_porcelain(rel, message, env)
        commit = self._commit_plumbing(rel, head, base, message, env, settings)
        self._maintain(settings)
        return commit

    def _refuse_other_staged(self, head: str, rel: list[str]) -> None:
        """Refuse when anything but `rel` is staged; skipped when the index is as we left it."""
        if head and self._index_state() == self._our_index_state(head):
            return  # byte for byte the index our last commit left, which was that commit's tree
        raw = self._run(["diff-index", "--cached", "--name-only", "-z", head or EMPTY_TREE, "--"])
        wanted = set(rel)
        others = [n for n in raw.decode(errors="replace").split("\0") if n and n not in wanted]
        if others:
            names = ", ".join(others[:5])
            raise Refused(
                f"other changes are staged in git ({names}); escmatrix commits only its own files",
                hint="commit or unstage them first (`git restore --staged PATH`)",
            )

    def _needs_porcelain(self, paths: list[Path]) -> bool:
        if self.object_format != "sha1":
            return True
        if any((self.git_dir / name).exists() for name in SEQUENCER_STATES):
            return True
        for name in COMMIT_HOOKS:
            hook = self.hooks_dir / name
            if hook.is_file() and os.access(hook, os.X_OK):
                return True
        for path in paths:
            try:
                mode = path.lstat().st_mode
            except OSError:
                return True  # let `git add` say what is wrong with it
            if not (mode & 0o170000 == 0o100000 and mode & 0o111 == 0):
                return True
        return False

    def _commit_porcelain(self, rel: list[str], message: str, env: dict[str, str]) -> str:
        """`git add` and `git commit`: hooks run, and git decides everything."""
        self._forget_index_state()
        try:
            self._run(["add", "--", *rel])
            self._run(["commit", "-q", "-m", message], env=env)
        except GitError as exc:
            self._unstage(rel)
            raise GitFailure(
                f"git refused the commit: {_sentence(exc)}",
                hint="nothing was recorded; fix the cause and run the command again",
            ) from None
        return self.head()

    def _commit_plumbing(
        self,
        rel: list[str],
        head: str,
        base: str,
        message: str,
        env: dict[str, str],
        settings: _Settings,
    ) -> str:
        staged, commit = False, ""
        try:
            blobs = self._run(["hash-object", "-w", "--", *rel]).decode().split()
            edits: _Edits = {}
            for path, blob in zip(rel, blobs, strict=True):
                *folders, name = os.fsencode(path).split(b"/")
                level = edits
                for folder in folders:
                    nested = level.setdefault(folder, {})
                    assert isinstance(nested, dict)
                    level = nested
                level[name] = (_FILE_MODE, bytes.fromhex(blob))
            trees: list[bytes] = []
            tree = self._edit_tree(base, edits, trees).hex()
            self._write_trees(trees)
            sign = ["-S"] if settings.flag("commit.gpgsign") else []
            parent = ["-p", head] if head else []
            commit = (
                self._run(["commit-tree", tree, *parent, *sign], input=message.encode(), env=env)
                .decode()
                .strip()
            )
            self._run(["update-index", "--add", "--", *rel])
            staged = True
            kind = "commit" if head else "commit (initial)"
            reflog = f"{kind}: {message.split(chr(10), 1)[0]}"
            self._run(["update-ref", "-m", reflog, "HEAD", commit, head or NO_COMMIT])
        except BaseException as exc:
            # Unstage unless HEAD moved after all (an interrupt can come after update-ref ran).
            if staged and self._run(["rev-parse", "-q", "--verify", "HEAD"], ok=(0, 1)) != (
                commit.encode() + b"\n"
            ):
                self._unstage(rel)
            if not isinstance(exc, GitError):
                raise
            raise GitFailure(
                f"git refused the commit: {_sentence(exc)}",
                hint="nothing was recorded; fix the cause and run the command again",
            ) from None
        self._remember_index_state(commit)
        return commit

    def _edit_tree(self, tree: str, edits: _Edits, written: list[bytes]) -> bytes:
        """The binary id of `tree` (an id, or '' for none) with `edits` made; new trees go to `written`."""
        data = b""
        if tree:
            found = self._read(tree)
            if found is None or found[1] != "tree":
                raise GitFailure(f"git cannot read the tree {tree}")
            data = found[2]
        listing = _TreeListing(data)
        entries: dict[bytes, bytes] = {}
        for name, edit in edits.items():
            if isinstance(edit, dict):
                old = listing.find(name, folder=True)
                sub = self._edit_tree(old.hex() if old else "", edit, written)
                entries[name] = _TREE_MODE + b" " + name + b"\0" + sub
            else:
                listing.find(name, folder=False)
                entries[name] = edit[0] + b" " + name + b"\0" + edit[1]
        new = listing.with_entries(entries)
        written.append(new)
        return _tree_sha(new)

    def _write_trees(self, trees: list[bytes]) -> None:
        """Have git write the trees (it checks their format) and confirm it names them as we do."""
        with tempfile.TemporaryDirectory(prefix="escmatrix-trees-") as folder:
            files = []
            for number, data in enumerate(trees):
                file = Path(folder) / str(number)
                file.write_bytes(data)
                files.append(str(file))
            out = self._run(
                ["hash-object", "-w", "-t", "tree", "--stdin-paths"],
                input="\n".join(files).encode() + b"\n",
            )
        if out.decode().split() != [_tree_sha(data).hex() for data in trees]:
            raise GitFailure("git wrote the commit's trees under other ids than escmatrix made")

    def _unstage(self, rel: list[str]) -> None:
        """Put the index entries of `rel` back as HEAD has them (or remove them)."""
        try:
            self._run(["reset", "-q", "--", *rel])
        except GitError:
            with contextlib.suppress(GitError):
                self._run(["rm", "-q", "--cached", "--ignore-unmatch", "--", *rel])

    # -- the index as our last commit left it ----------------------------------------------

    @property
    def _index_state_file(self) -> Path:
        return self.git_dir / "escmatrix" / "index-after-commit"

    def _index_state(self) -> str:
        """The index file's size and trailing checksum (git's own hash of its contents)."""
        try:
            with open(self.index_file, "rb") as index:
                size = index.seek(0, os.SEEK_END)
                if size < 32:
                    return ""
                index.seek(-20, os.SEEK_END)
                checksum = index.read(20)
        except OSError:
            return ""
        if checksum == bytes(20):  # index.skipHash: no checksum to go by
            return ""
        return f"{size}:{checksum.hex()}"

    def _our_index_state(self, head: str) -> str:
        try:
            commit, state = self._index_state_file.read_text(encoding="utf-8").split()
        except (OSError, ValueError):
            return "-"
        return state if commit == head and state else "-"

    def _remember_index_state(self, commit: str) -> None:
        state = self._index_state()
        if not state:
            return
        file = self._index_state_file
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
            tmp.write_text(f"{commit} {state}\n", encoding="utf-8")
            os.replace(tmp, file)
        except OSError:
            self._forget_index_state()

    def _forget_index_state(self) -> None:
        with contextlib.suppress(OSError):
            self._index_state_file.unlink(missing_ok=True)

    def _maintain(self, settings: _Settings) -> None:
        """What `git commit` does after committing: `git maintenance run --auto`, when it may be due.

        Git would decide the same from the same counts (loose objects in one of the 256 folders,
        number of packs); asking it only then saves a process on almost every commit.
        """
        if "maintenance.auto" in settings.values and not settings.flag("maintenance.auto"):
            return
        objects = self.objects_dir
        due = settings.get("maintenance.strategy") is not None
        limit = settings.number("gc.auto", 6700)
        if not due and limit > 0:
            try:
                loose = sum(1 for name in os.listdir(objects / "17") if len(name) == 38)
            except OSError:
                loose = 0
            try:
                packs = sum(1 for name in os.listdir(objects / "pack") if name.endswith(".idx"))
            except OSError:
                packs = 0
            pack_limit = settings.number("gc.autopacklimit", 50)
            due = loose > (limit + 255) // 256 or (pack_limit > 0 and packs > pack_limit)
        if due:
            with contextlib.suppress(GitError):
                self._run(["maintenance", "run", "--auto", "--quiet"])
