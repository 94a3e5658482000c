"""The report as CSV rows: one per group, the same columns for every dimension."""

from __future__ import annotations

from typing import TYPE_CHECKING

from escmatrix.core.metrics.report import Report
from escmatrix.core.metrics.summary import Summary

if TYPE_CHECKING:
    pass


CSV_FIELDS = [
    "dimension",
    "key",
    "issues",
    "open",
    "resolved",
    "unacknowledged",
    "time_to_aid_median_s",
    "time_to_aid_p90_s",
    "time_to_resolution_median_s",
    "time_to_resolution_p90_s",
    "open_age_median_s",
    "escalations",
    "escalations_per_issue",
    "handoffs",
    "handoffs_per_issue",
    "reopened",
    "reopen_rate",
    "overrides",
    "overrides_unreconciled",
    "breached_issues",
    "first_response_attainment",
    "resolution_attainment",
    "customer_satisfaction_mean",
    "customer_response_rate",
    "partner_satisfaction_mean",
    "partner_response_rate",
]


def _cell(value: float | int | None) -> str:
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def summary_row(dimension: str, key: str, s: Summary) -> dict[str, str]:
    sla = {a.clock: a.attainment for a in s.sla}
    values: dict[str, float | int | str | None] = {
        "dimension": dimension,
        "key": key,
        "issues": s.issues,
        "open": s.open,
        "resolved": s.resolved,
        "unacknowledged": s.unacknowledged,
        "time_to_aid_median_s": s.time_to_aid.median,
        "time_to_aid_p90_s": s.time_to_aid.p90,
        "time_to_resolution_median_s": s.time_to_resolution.median,
        "time_to_resolution_p90_s": s.time_to_resolution.p90,
        "open_age_median_s": s.open_age.median,
        "escalations": s.escalations,
        "escalations_per_issue": s.escalations_per_issue,
        "handoffs": s.handoffs,
        "handoffs_per_issue": s.handoffs_per_issue,
        "reopened": s.reopened,
        "reopen_rate": s.reopen_rate,
        "overrides": s.overrides,
        "overrides_unreconciled": s.overrides_unreconciled,
        "breached_issues": s.breached_issues,
        "first_response_attainment": sla.get("first response"),
        "resolution_attainment": sla.get("resolution"),
        "customer_satisfaction_mean": s.customer_satisfaction.mean,
        "customer_response_rate": s.customer_satisfaction.response_rate,
        "partner_satisfaction_mean": s.partner_satisfaction.mean,
        "partner_response_rate": s.partner_satisfaction.response_rate,
    }
    return {k: v if isinstance(v, str) else _cell(v) for k, v in values.items()}


def csv_rows(report: Report) -> list[dict[str, str]]:
    """One row for all issues of the window, then one per group (durations in seconds)."""
    rows = [summary_row("all", "all", report.headline)]
    rows += [summary_row(g.dimension, g.key, g.summary) for g in report.groups]
    return rows
