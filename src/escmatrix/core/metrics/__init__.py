"""Metrics over folded issues: how fast people get help, where issues wait, what to change.

Every function in this package is pure: issues (their events and the state folded from them),
the matrix, a window and the evaluation time in; numbers out. Nothing reads files, git or the clock.

Definitions (the quarterly review and the dashboard say the same in words):

- **Cohort**: the issues *opened* inside the window `[start, end)`. Each is evaluated as it stood
  at the evaluation time `min(window end, now)`: later events are ignored, so an issue resolved
  after the window ends counts as still open at the window's end.
- **Durations** are 24x7 working time: wall time while the issue was active (from opened until
  resolved, and again from a reopen until the next resolution), less every pause (waiting on the
  customer or partner). Time spent resolved before a reopen does not count either. SLA attainment
  instead uses each SLA's own calendar (business hours, holidays) through `core.sla.clocks`.
- **Time to aid**: opened → first acknowledgement. Issues never acknowledged are counted
  (`unacknowledged`), not timed.
- **Time to resolution**: opened → the last resolution. Issues still open at the evaluation time
  are left out of it (their time is censored) and show up in `open_age` and `open` instead.
- **Tier / owner dwell**: working time spent at each tier / with each owner, per issue.
- **Dependency wait**: working time while the latest status update named a dependency (its text,
  trimmed), plus paused time per `waiting_on` (customer, partner): the one place pauses count.
- **SLA attainment per clock**: met / (met + breached), evaluated at each clock's stop time, or at
  the evaluation time for clocks still running (then running, at-risk and paused are *pending*).
  Targets come from the current matrix.
- **Reopen rate**: issues reopened at least once / issues resolved at least once.
- **Satisfaction**: scores of issues closed at the evaluation time; the response rate is scored
  issues / closed issues that have a customer (partner) or a score.
- **Percentiles**: the median is the middle value (the mean of the two middle values for an even
  count); p90 is the nearest-rank 90th percentile, the value at rank ceil(0.9 * n) of the sorted
  values (p90 of 10 values is the 9th, of 5 values the 5th, of 1 value that value).
"""
