"""Impact scores and severity thresholds: every reachable score maps to one severity
(`severity-gap`, `severity-overlap`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from escmatrix.core.lint.findings import Finding, Loc
from escmatrix.core.lint.lookups import matrix_file
from escmatrix.core.matrix import Matrix, Severity, SeverityFile

_MAX_SCORES = 100_000


def reachable_scores(m: Matrix) -> list[int]:
    """Every impact score some combination of levels gives (a dimension left out counts 0)."""
    scores = {0}
    for dim in m.dimensions.values():
        options = {0} | {dim.weight * level for level in dim.levels.values()}
        scores = {s + o for s in scores for o in options}
        if len(scores) > _MAX_SCORES:  # too many to list: treat the whole span as reachable
            return list(range(min(scores), max(scores) + 1))
    return sorted(scores)


def lint_thresholds(m: Matrix) -> Iterator[Finding]:
    severities = matrix_file(m, "severity", SeverityFile).severities
    if not severities or any(s.max_score < s.min_score for s in severities):
        return  # severity-range reports the broken range; gaps would only repeat it
    reachable = reachable_scores(m)
    span = f"{reachable[0]}–{reachable[-1]}"
    gaps: list[list[int]] = []
    overlaps: dict[tuple[int, int], list[int]] = {}
    previous_covered = True
    for score in reachable:
        covering = [i for i, s in enumerate(severities) if s.min_score <= score <= s.max_score]
        if not covering:
            if previous_covered:
                gaps.append([])
            gaps[-1].append(score)
        for n, a in enumerate(covering):
            for b in covering[n + 1 :]:
                overlaps.setdefault((a, b), []).append(score)
        previous_covered = bool(covering)
    for gap in gaps:
        yield _gap_finding(severities, gap, span)
    for (a, b), scores in overlaps.items():
        first, second = severities[a], severities[b]
        key = "min_score" if first.min_score <= second.min_score <= first.max_score else "max_score"
        yield Finding(
            "severity-overlap",
            "severity",
            ("severities", b, key),
            f"impact score{'s' if len(scores) > 1 else ''} {_scores(scores)} map to both "
            f"{first.id} ({first.min_score}–{first.max_score}) and {second.id} "
            f"({second.min_score}–{second.max_score})",
            "make the ranges meet without overlapping",
        )


def _gap_finding(severities: Sequence[Severity], gap: list[int], span: str) -> Finding:
    above = [(s.min_score, i) for i, s in enumerate(severities) if s.min_score > gap[-1]]
    below = [(s.max_score, i) for i, s in enumerate(severities) if s.max_score < gap[0]]
    if above:
        loc: Loc = ("severities", min(above)[1], "min_score")
    elif below:
        loc = ("severities", max(below)[1], "max_score")
    else:
        loc = ("severities",)
    plural = len(gap) > 1
    return Finding(
        "severity-gap",
        "severity",
        loc,
        f"impact score{'s' if plural else ''} {_scores(gap)} map{'' if plural else 's'} to no "
        f"severity (reachable scores run {span})",
        "stretch a neighbouring severity's min_score or max_score over the gap",
    )


def _scores(values: list[int]) -> str:
    shown = ", ".join(str(v) for v in values[:8])
    return shown + (f" … {values[-1]}" if len(values) > 8 else "")
