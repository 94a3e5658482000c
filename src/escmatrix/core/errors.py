"""One error type with an exit code; the CLI turns it into output in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A place in a file, 1-based line and column, path relative to the repository."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, with where and what would be valid."""

    message: str
    location: Location | None = None
    hint: str | None = None
    rule: str = "schema"
    severity: str = "error"

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class EscmatrixError(Exception):
    """Base error: the request was understood but refused."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(EscmatrixError):
    """The command line itself is wrong."""

    exit_code = 2


class InvalidInput(EscmatrixError):
    """One or more files are malformed or inconsistent; each problem names its place."""

    def __init__(self, problems: list[Problem], *, summary: str | None = None) -> None:
        self.problems = problems
        count = len(problems)
        head = summary or f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in problems))


class NotFound(EscmatrixError):
    """An issue, person, category or tier that does not exist."""


class Refused(EscmatrixError):
    """Policy or state says no: a transition that is not allowed, governance, limits."""


class GitFailure(EscmatrixError):
    """Git refused or failed; the repository was left as it was."""
