"""The suite's figures (cases tried, events lost, repositories left inconsistent), printed once in
pytest's terminal summary whichever of the modules that produce them ran."""

from __future__ import annotations

import pytest

_KEY = pytest.StashKey["FigureBoard"]()


class FigureBoard:
    """A pytest plugin registered on first use: one line per figure, printed at the end."""

    def __init__(self) -> None:
        self.lines: dict[str, str] = {}

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.lines:
            return
        terminalreporter.section("escmatrix reliability figures")
        for name in sorted(self.lines):
            terminalreporter.write_line(self.lines[name])


def record(config: pytest.Config, name: str, line: str) -> None:
    """Keep the figure `name` (a later call replaces an earlier one) for the terminal summary."""
    board = config.stash.get(_KEY, None)
    if board is None:
        board = FigureBoard()
        config.stash[_KEY] = board
        config.pluginmanager.register(board, "escmatrix-reliability-figures")
    board.lines[name] = line
