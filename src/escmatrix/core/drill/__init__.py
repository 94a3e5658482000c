"""Drills: scripted scenarios on a virtual clock, and what they found. Pure.

A scenario says when issues arrive (with their facts) and what people do or fail to do
(acknowledge at T, update at T, go out of office, a partner disputes, ...). The runner
(`escmatrix.app.drill`) plays it through routing, the SLA clocks, the sweep and notifications on a
throwaway copy of the repository; this package holds the scenario model (`scenario`), the results
and score (`result`), the coverage-gap rules (`coverage`) and the `expect` assertions
(`expectations`).
"""

from escmatrix.core.drill.coverage import (
    DEFAULT_HOURS,
    category_gaps,
    clocks_running,
    engagement_gaps,
    skipped_tiers,
    working,
)
from escmatrix.core.drill.expectations import describe, evaluate
from escmatrix.core.drill.result import (
    GAP_PENALTY,
    Captured,
    Deadline,
    DrillResult,
    Engagement,
    Gap,
    Outcome,
    Score,
    Snapshot,
    TimelineItem,
    score,
)
from escmatrix.core.drill.scenario import (
    DrillEvent,
    DrillIssue,
    Expectation,
    Scenario,
    ScenarioProblem,
    check_scenario,
)

__all__ = [
    "DEFAULT_HOURS",
    "GAP_PENALTY",
    "Captured",
    "Deadline",
    "DrillEvent",
    "DrillIssue",
    "DrillResult",
    "Engagement",
    "Expectation",
    "Gap",
    "Outcome",
    "Scenario",
    "ScenarioProblem",
    "Score",
    "Snapshot",
    "TimelineItem",
    "category_gaps",
    "check_scenario",
    "clocks_running",
    "describe",
    "engagement_gaps",
    "evaluate",
    "score",
    "skipped_tiers",
    "working",
]
