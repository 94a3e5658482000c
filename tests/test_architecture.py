"""The layers hold (cli -> app -> store -> core) and no module grows past what one reader holds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "escmatrix"
MAX_LINES = 500
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    command = [str(LINT_IMPORTS) if LINT_IMPORTS.exists() else "lint-imports", "--no-cache"]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def _tampered_copy(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the package and its contracts with one line added to one module."""
    shutil.copytree(PACKAGE, tmp_path / "src" / "escmatrix", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "escmatrix" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    return tmp_path


def test_the_layers_hold() -> None:
    """`lint-imports` keeps every contract in pyproject.toml on the real tree."""
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        (
            "core/ids.py",
            "from escmatrix.store import lock as _upward",
            "cli -> app -> store -> core",
        ),
        (
            "store/lock.py",
            "from escmatrix.app import clock as _upward",
            "cli -> app -> store -> core",
        ),
        ("app/clock.py", "import escmatrix.cli.output as _upward", "cli -> app -> store -> core"),
        ("core/ids.py", "import subprocess as _io", "core decides without I/O"),
    ],
)
def test_an_upward_import_breaks_the_check(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    """The same check fails, naming the contract and the module, once one import points up."""
    copy = _tampered_copy(tmp_path, module, line)
    result = _lint_imports(copy, pythonpath=copy / "src")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    broken = [row for row in output.splitlines() if row.startswith(contract) and "BROKEN" in row]
    assert broken, output
    assert "escmatrix." + module.removesuffix(".py").replace("/", ".") in output


def test_no_module_is_over_500_lines() -> None:
    """Every module under src/ stays readable in one sitting: split along ideas past 500 lines."""
    too_long = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}, f"modules over {MAX_LINES} lines: {too_long}"


def test_the_package_root_holds_only_its_face() -> None:
    """Use cases live in app/, not loose beside the package's __init__ and __main__."""
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py"]
