"""Asking for one of a listed set in a terminal: by id, a unique prefix, or the number shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def pick(answer: str, ids: list[str]) -> tuple[str | None, list[str]]:
    """The id `answer` names (exact id, the number of a listed choice, or a unique prefix,
    case-insensitive), else None and the ids it could mean."""
    text = answer.strip()
    if text in ids:
        return text, [text]
    if text.isdigit() and 1 <= int(text) <= len(ids):
        return ids[int(text) - 1], [ids[int(text) - 1]]
    lowered = text.lower()
    exact = [i for i in ids if i.lower() == lowered]
    if exact:
        return exact[0], exact
    matches = [i for i in ids if lowered and i.lower().startswith(lowered)]
    return (matches[0] if len(matches) == 1 else None), matches


def choose(console: Console, label: str, choices: list[tuple[str, str]]) -> str:
    """List the choices numbered, ask until an answer names exactly one; re-list after a miss.
    Raises EOFError when input ends."""
    from rich.prompt import Prompt

    from escmatrix.cli.output import literal

    ids = [ident for ident, _ in choices]
    width = max(len(i) for i in ids)

    def show() -> None:
        for number, (ident, words) in enumerate(choices, start=1):
            console.print(f"  {number:>2}  {ident:<{width}}  {literal(words)}", markup=False)

    show()
    while True:
        answer = Prompt.ask(f"{label} (number, id or the start of one)", console=console)
        chosen, could_be = pick(answer, ids)
        if chosen is not None:
            return chosen
        if could_be:
            console.print(
                f"{answer.strip()!r} could be {', '.join(could_be)}: type more of it",
                markup=False,
            )
        else:
            console.print(
                f"no {label.lower()} matches {answer.strip()!r}; choose one of:", markup=False
            )
            show()
