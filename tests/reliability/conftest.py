"""Fixtures for the reliability suite: an isolated sandbox that runs the installed executable."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.sandbox import Sandbox


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    """An isolated HOME and environment for subprocesses, with escmatrix's default lock waits."""
    return Sandbox(tmp_path)
