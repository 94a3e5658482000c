"""What `list` and `show` read of the matrix and of each active issue's clocks, kept in the
local cache.

`list` shows every active issue's next deadline, sorted; `show` one issue's clocks and people.
Worked out from the matrix that costs the matrix models (pydantic, ~60 ms to import and load) and,
for `list`, the clocks of every active issue (~70 ms at a thousand). Instead the cache keeps, per
matrix version, the few facts they need of the matrix (`ReadFacts`: severities in order, teams,
people's names and who has left, and a plain copy of what clocks read, `ClockFacts`, with the
calendars' public holidays), and per version of each active issue its clock plan
(`core.deadlines.plan`): a warm `list` then loads no model and measures only clocks paused now,
and `show` measures its issue's clocks against the plain copy. Both are keyed by the matrix
files' bytes and the code that reads them, so an edit to either misses; `--no-cache` works
everything out from the matrix, and the two give the same answers.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import msgspec

from escmatrix.core.calendar import known_holidays
from escmatrix.core.clock_facts import ClockFacts

if TYPE_CHECKING:
    from escmatrix.app.workspace import Workspace
    from escmatrix.core.deadlines import Deadline
    from escmatrix.core.matrix import Matrix
    from escmatrix.core.route_facts import RouteMatrix
    from escmatrix.core.summary import IssueSummary

# the modules a plan or the facts are worked out by: a change to any of them must miss
_CODE = (
    "deadlines.py",
    "sla.py",
    "calendar.py",
    "clock_facts.py",
    "durations.py",
    "target_time.py",
    "issue.py",
    "ladder_facts.py",
)


class Who(NamedTuple):
    """A person as `show` names them."""

    name: str
    left: date | None


class ReadFacts(msgspec.Struct, frozen=True):
    """What `list` and `show` need of the matrix."""

    severities: tuple[str, ...]  # in the matrix's order (most severe first)
    teams: dict[str, frozenset[str]]  # team id -> its members' ids
    people: dict[str, Who]
    holidays: dict[tuple[str, int], frozenset[date]]  # (code, year) -> public holidays
    clocks: ClockFacts  # what `show` measures clocks against

    @property
    def departed(self) -> frozenset[str]:
        """People who have left (their issues are marked)."""
        return frozenset(p for p, who in self.people.items() if who.left is not None)


def facts_of(matrix: Matrix, now: datetime) -> ReadFacts:
    """The facts, with the public holidays of the year before, of and after `now`."""
    from escmatrix.app.matrix_memo import holidays_around, work_out

    teams: dict[str, set[str]] = {team: set() for team in matrix.teams}
    for person in matrix.people.values():
        if person.team in teams:
            teams[person.team].add(person.id)
    clocks = ClockFacts.of(matrix, [t.id for t in matrix.tiers])
    return ReadFacts(
        tuple(matrix.severities),
        {team: frozenset(members) for team, members in teams.items()},
        {p.id: Who(p.name, p.left) for p in matrix.people.values()},
        work_out(*holidays_around(matrix, now)),  # an unknown code: refused where a clock needs it
        clocks,
    )


class ReadView:
    """What `list`, `show` and a dry `sweep` read of a workspace's matrix, from the cache when it
    can."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    @cached_property
    def key(self) -> str | None:
        """The matrix's and the code's fingerprint; None when there is no cache to keep things in."""
        from escmatrix.app.matrix_memo import derived_key

        if self.ws.matrix_key is None:
            return None
        core = Path(__file__).resolve().parents[1] / "core"
        # this file too: it defines the facts' shape
        return derived_key(self.ws.matrix_key, [Path(__file__), *(core / n for n in _CODE)])

    @cached_property
    def facts(self) -> ReadFacts:
        """The facts, from the cache while the matrix and the code are unchanged."""
        ws, now = self.ws, self.ws.clock.now()
        if self.key is None:
            return facts_of(ws.matrix, now)
        facts = ws.cache.memo("read-facts.pickle", (self.key,), lambda: facts_of(ws.matrix, now))
        known_holidays(facts.holidays)
        return facts

    @cached_property
    def ladder(self) -> RouteMatrix:
        """What a dry `sweep` plans against, `open` routes on and `update`, `ack` and `escalate`
        decide on: the matrix's plain copy (`LadderFacts`), kept apart from the facts (`list` and `show` then
        never load its classes), else the matrix."""
        from escmatrix.core.ladder_facts import LadderFacts

        ws = self.ws
        if self.key is None:
            return ws.matrix
        clocks = self.facts.clocks  # the facts make the calendars' holidays known
        return ws.cache.memo(
            "ladder-facts.pickle", (self.key,), lambda: LadderFacts.of(ws.matrix, clocks)
        )

    def deadlines(self, rows: list[IssueSummary], now: datetime) -> dict[str, Deadline]:
        """The next deadline of each active row, from the issues' clock plans."""
        from escmatrix.core import deadlines as due

        ws = self.ws
        wanted = [r.id for r in rows if r.is_active]
        if not wanted:
            return {}
        plans = None
        if self.key is not None:

            def work_out(ids: list[str]) -> dict[str, due.ClockPlan | None]:
                # the plain copy of the matrix: an issue changed since needs no model to plan
                chosen, clocks = set(ids), self.facts.clocks
                return {s.id: due.plan(clocks, s) for s in ws.issues(lambda r: r.id in chosen)}

            kind = due.ClockPlan | None
            plans = ws.cache.per_issue("clock-plans.msgpack", self.key, kind, wanted, work_out)
        found: dict[str, Deadline] = {}
        if plans is None:  # no cache to trust: straight from the matrix
            chosen = set(wanted)
            for state in ws.issues(lambda r: r.id in chosen):
                deadline = due.next_deadline(ws.matrix, state, now)
                if deadline is not None:
                    found[state.id] = deadline
            return found
        calendars = self.facts.clocks.calendars
        for issue_id, planned in plans.items():
            deadline = None if planned is None else due.planned_deadline(planned, now, calendars)
            if deadline is not None:
                found[issue_id] = deadline
        return found
