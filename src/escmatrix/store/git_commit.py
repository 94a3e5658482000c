"""The plumbing commit: blobs, trees spliced from HEAD's, `commit-tree` and `update-ref`.

`GitRepo.commit_files` (store/git.py) says how and when it falls back to `git commit`; the steps
are here, with what git itself would do around a commit (the configuration it reads, the index
as our last commit left it, `git maintenance run --auto`).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from pathlib import Path
from typing import TypeAlias

import msgspec

from escmatrix.core.errors import GitFailure, Refused
from escmatrix.store.git_runner import GitError, GitRunner, sentence
from escmatrix.store.git_trees import FILE_MODE, TREE_MODE, TreeListing, tree_sha

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
NO_COMMIT = "0" * 40  # update-ref's old value for "the branch must not exist yet"
# Hooks `git commit` runs and plumbing does not; with any of them present we use `git commit`.
COMMIT_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit")
# States in which `git commit` would write a merge, or take over another commit's author.
SEQUENCER_STATES = ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD")
_SETTINGS = (
    r"^(user\.(name|email)|commit\.gpgsign|gc\.auto(packlimit)?|maintenance\.(auto|strategy))$"
)


class _Settings(msgspec.Struct, frozen=True):
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


def clean_subject(text: str) -> str:
    """A one-line, control-free subject; the event file keeps the exact text."""
    out = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return out if len(out) <= 72 else out[:71] + "…"


def stripspace(message: str) -> str:
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


class PlumbingCommit(GitRunner):
    """The steps of `GitRepo.commit_files`, and the state git keeps around a commit."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._settings: _Settings | None = None
        # The trees the last commit wrote, by id: the next commit (a sweep makes one an issue)
        # starts from them, and an id names its content for good, so they are never stale.
        self._written_trees: dict[str, bytes] = {}

    def _read_settings(self) -> _Settings:
        out = self._run(["config", "-z", "--get-regexp", _SETTINGS], ok=(0, 1))
        values: dict[str, str | None] = {}
        for record in out.decode(errors="surrogateescape").split("\0"):
            if record:
                key, newline, value = record.partition("\n")
                values[key] = value if newline else None  # the last one wins, as in git
        return _Settings(values)

    def _check_staged(self, head: str) -> subprocess.Popen[bytes] | None:
        """Start listing what is staged (`_refuse_other_staged` reads it), or None when the index
        is byte for byte the one our last commit left, which was that commit's tree."""
        if head and self._index_state() == self._our_index_state(head):
            return None
        return self._start(
            ["diff-index", "--cached", "--name-only", "-z", head or EMPTY_TREE, "--"]
        )

    def _refuse_other_staged(self, listing: subprocess.Popen[bytes] | None, rel: list[str]) -> None:
        """Refuse when anything but `rel` is staged (`listing`, from `_check_staged`). A listing
        taken while `rel` was being staged may hold them too: they are left out either way."""
        if listing is None:
            return
        raw = self._finish(listing, ["diff-index", "--cached"])
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

    def _commit_porcelain(
        self,
        rel: list[str],
        message: str,
        env: dict[str, str],
        listing: subprocess.Popen[bytes] | None,
    ) -> str:
        """`git add` and `git commit`: hooks run, and git decides everything."""
        self._refuse_other_staged(listing, rel)
        self._forget_index_state()
        try:
            self._run(["add", "--", *rel])
            self._run(["commit", "-q", "-m", message], env=env)
        except GitError as exc:
            self._unstage(rel)
            raise GitFailure(
                f"git refused the commit: {sentence(exc)}",
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
        listing: subprocess.Popen[bytes] | None = None,
    ) -> str:
        """The commit made with plumbing (see `GitRepo.commit_files`). What else is staged is
        listed beside the rest (`listing`) and refused before HEAD moves: then the files this
        staged are unstaged, as when anything else fails."""
        staged, commit = False, ""
        # update-index rewrites the whole index (a file per entry: 64k in a large repository),
        # which takes longer than the rest of the commit: git does it while this process goes on.
        stage = ["update-index", "--add", "--", *rel]
        staging = self._start(stage)
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
                level[name] = (FILE_MODE, bytes.fromhex(blob))
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
            self._refuse_other_staged(listing, rel)
            self._finish(staging, stage)
            staged = True
            kind = "commit" if head else "commit (initial)"
            reflog = f"{kind}: {message.split(chr(10), 1)[0]}"
            self._run(["update-ref", "-m", reflog, "HEAD", commit, head or NO_COMMIT])
        except BaseException as exc:
            if listing is not None and listing.returncode is None:
                listing.communicate()
            if not staged:  # failed before or while git staged the files: let it finish
                if staging.returncode is None:
                    staging.communicate()
                staged = staging.returncode == 0
            # Unstage unless HEAD moved after all (an interrupt can come after update-ref ran).
            if staged and self._run(["rev-parse", "-q", "--verify", "HEAD"], ok=(0, 1)) != (
                commit.encode() + b"\n"
            ):
                self._unstage(rel)
            if not isinstance(exc, GitError):
                raise
            raise GitFailure(
                f"git refused the commit: {sentence(exc)}",
                hint="nothing was recorded; fix the cause and run the command again",
            ) from None
        self._remember_index_state(commit)
        return commit

    def _edit_tree(self, tree: str, edits: _Edits, written: list[bytes]) -> bytes:
        """The binary id of `tree` (an id, or '' for none) with `edits` made; new trees go to `written`."""
        data = b""
        if tree:
            kept = self._written_trees.get(tree)
            found = (tree, "tree", kept) if kept is not None else self._read(tree)
            if found is None or found[1] != "tree":
                raise GitFailure(f"git cannot read the tree {tree}")
            data = found[2]
        listing = TreeListing(data)
        entries: dict[bytes, bytes] = {}
        for name, edit in edits.items():
            if isinstance(edit, dict):
                old = listing.find(name, folder=True)
                sub = self._edit_tree(old.hex() if old else "", edit, written)
                entries[name] = TREE_MODE + b" " + name + b"\0" + sub
            else:
                listing.find(name, folder=False)
                entries[name] = edit[0] + b" " + name + b"\0" + edit[1]
        new = listing.with_entries(entries)
        written.append(new)
        return tree_sha(new)

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
        ids = [tree_sha(data).hex() for data in trees]
        if out.decode().split() != ids:
            raise GitFailure("git wrote the commit's trees under other ids than escmatrix made")
        self._written_trees = dict(zip(ids, trees, strict=True))

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
