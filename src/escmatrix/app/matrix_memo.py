"""The validated matrix from the local cache, and its calendars' public holidays with it.

Working out a country's public holidays imports the `holidays` package (about 25 ms, more than
the lookups themselves), and clocks on a business-hours calendar need them on every `list`,
`show` and `sweep`. They are kept beside the matrix in the cache, for the year before, of and
after the clock's moment, keyed by the calendars' codes and the installed package's files; any
other year is still worked out when a clock reaches it. `--no-cache` works them out each time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escmatrix.core.calendar import holidays_of, known_holidays
from escmatrix.core.errors import InvalidInput

if TYPE_CHECKING:
    from escmatrix.core.matrix import Matrix
    from escmatrix.store.cache import IssueCache

__all__ = [
    "cached_matrix",
    "derived_key",
    "holidays_around",
    "holidays_stamp",
    "work_out",
]

Known = dict[tuple[str, int], frozenset[date]]


def cached_matrix(
    cache: IssueCache, key: tuple[str, ...], load: Callable[[], Matrix], now: datetime
) -> Matrix:
    """The matrix, remembered while `key` is unchanged; its calendars' holidays made known."""
    matrix = cache.memo("matrix.pickle", key, load)
    codes, years = holidays_around(matrix, now)
    if codes:
        stamp = ("holidays", holidays_stamp(), codes, years)
        known_holidays(cache.memo("holidays.pickle", stamp, lambda: work_out(codes, years)))
    return matrix


def holidays_around(matrix: Matrix, now: datetime) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The holiday codes of the matrix's calendars, and the years kept for them: the one before,
    of and after `now`."""
    codes = tuple(sorted({c.holidays for c in matrix.calendars.values() if c.holidays}))
    return codes, (now.year - 1, now.year, now.year + 1)


def work_out(codes: tuple[str, ...], years: tuple[int, ...]) -> Known:
    """Each code's public holidays in each year (an unknown code is left out)."""
    known: Known = {}
    for code in codes:
        for year in years:
            try:
                known[code, year] = holidays_of(code, year)
            except InvalidInput:  # an unknown code: refused where a clock reaches it, as before
                break
    return known


def holidays_stamp() -> tuple[Any, ...]:
    """The installed `holidays` package's files, found without importing it (an upgrade, whose
    tables may differ, changes them)."""
    from importlib.util import find_spec

    spec = find_spec("holidays")
    if spec is None or spec.origin is None:
        return ("absent",)
    folder = Path(spec.origin).parent
    stamp: list[Any] = [str(folder)]
    for name in ("__init__.py", "version.py"):
        with_stat = folder / name
        if with_stat.exists():
            st = with_stat.stat()
            stamp.append((name, st.st_size, st.st_mtime_ns))
    return tuple(stamp)


def derived_key(matrix_key: tuple[str, ...], code: Iterable[Path]) -> str:
    """What values worked out from the matrix by the source files `code` are kept under: the
    matrix files, the `holidays` package and those files (OSError when one is missing)."""
    from escmatrix.store.matrix_key import code_stamps

    return "\0".join([*matrix_key, *map(str, holidays_stamp()), *code_stamps(code)])
