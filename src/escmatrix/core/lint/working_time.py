"""Targets written in days on a business-hours calendar: `ambiguous-duration`.

On such a calendar escmatrix counts a plain `4d` as 96 working hours (about 12 working days on a
9-to-5 calendar), which is not what anyone reading "4d" means. A target there says what it
counts: `4bd` (working days) or hours (`32h`, `4bh`). On a calendar open around the clock every
day the two readings agree, and nothing is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from escmatrix.core.lint.findings import Finding, Loc
from escmatrix.core.lint.lookups import matrix_file
from escmatrix.core.matrix import AccountsFile, Matrix
from escmatrix.core.matrix.calendars import Calendar
from escmatrix.core.target_time import TargetTime

FIELDS = ("first_response", "update_every", "resolution")


def _differs(calendar: Calendar) -> bool:
    """Whether N days and N working days differ on this calendar."""
    return (
        calendar.working_day < timedelta(hours=24)
        or len(set(calendar.days)) < 7
        or bool(calendar.holidays or calendar.closures)
    )


def _finding(kind: str, loc: Loc, what: str, target: TargetTime, calendar: Calendar) -> Finding:
    day = calendar.working_day
    days = target / day
    about = f"{days:g}" if days == round(days, 1) else f"about {days:.0f}"
    return Finding(
        "ambiguous-duration",
        kind,
        loc,
        f"{what} is {target.text!r} on business-hours calendar {calendar.id!r}: escmatrix would "
        f"count {_hours(target)} of working time ({about} working days of {_hours(day)}), "
        f"not {target.text} in working days",
        f"say which you mean: {_suggest(target)}",
    )


def _hours(delta: timedelta) -> str:
    """A span in hours and minutes, never days: '96h', '7h30m'."""
    minutes = int(delta.total_seconds()) // 60
    h, m = divmod(minutes, 60)
    return f"{h}h{m}m" if m else f"{h}h"


def _suggest(target: TargetTime) -> str:
    whole, rest = divmod(target, timedelta(days=1))
    keep = f"'{_hours(target)}' to keep {_hours(target)} of working hours"
    if rest or not whole:
        return keep
    return f"'{whole}bd' for {whole} working day{'' if whole == 1 else 's'}, or {keep}"


def lint_working_time(m: Matrix) -> Iterator[Finding]:
    for i, sev in enumerate(m.severities.values()):
        calendar = m.calendars.get(sev.calendar)
        if calendar is None or not _differs(calendar):
            continue
        for field in FIELDS:
            target = getattr(sev, field)
            if isinstance(target, TargetTime) and target.in_days:
                yield _finding(
                    "severity", ("severities", i, field), f"{sev.id} {field}", target, calendar
                )
    accounts = matrix_file(m, "accounts", AccountsFile)
    for kind, entries in (("customers", accounts.customers), ("partners", accounts.partners)):
        for i, account in enumerate(entries):
            for sev_id, contract in account.targets.items():
                found = m.severities.get(sev_id)
                calendar = m.calendars.get(contract.calendar or (found.calendar if found else ""))
                if calendar is None or not _differs(calendar):
                    continue
                for field in FIELDS:
                    own = getattr(contract, field)
                    moved = found is not None and contract.calendar not in (None, found.calendar)
                    if own is None and not moved:
                        continue  # the severity's own target: reported there, if at all
                    target = own or getattr(found, field)
                    if isinstance(target, TargetTime) and target.in_days:
                        what = f"{account.id}'s {sev_id} {field}"
                        if own is None:  # the severity's 24x7 target, counted on this calendar
                            what += f" (the {sev_id} default, on the contract's calendar)"
                        at = field if own is not None else "calendar"
                        loc = (kind, i, "targets", sev_id, at)
                        yield _finding("accounts", loc, what, target, calendar)
