"""A warm `report` (events from the local cache) answers exactly what `--no-cache` answers: after a
run, after new events, after a matrix edit, after a reset."""

from __future__ import annotations

from pathlib import Path

from tests.test_metrics_scenario import NOW, SINCE, UNTIL, build_scenario, isolated_env

WINDOW = ("--since", SINCE, "--until", UNTIL)


def test_a_warm_report_answers_what_the_files_answer(tmp_path: Path) -> None:
    with isolated_env(tmp_path / "home"):
        scenario = build_scenario(tmp_path / "repo")
        repo = scenario.repo

        def same() -> str:
            cached = repo.ok("report", *WINDOW, "--format", "json", now=NOW).stdout
            uncached = repo.ok("--no-cache", "report", *WINDOW, "--format", "json", now=NOW)
            assert cached == uncached.stdout
            return cached

        first = same()
        assert same() == first  # the cache as the first run left it
        # new events on a finished issue
        issue = next(iter(scenario.ids.values()))
        repo.identify("alex")
        repo.ok("reopen", issue, "--reason", "it came back", now=NOW)
        reopened = same()
        assert reopened != first
        # a matrix edit (not committed) changes what every measure is held to
        severity = repo.path / "matrix" / "severity.yaml"
        text = severity.read_text(encoding="utf-8")
        for target in ("resolution: 4h", "resolution: 1d", "resolution: 5d"):
            text = text.replace(target, "resolution: 30m")
        severity.write_text(text, encoding="utf-8")
        assert same() != reopened
        repo.git("checkout", "-q", "--", "matrix/severity.yaml")
        assert same() == reopened
        repo.git("reset", "-q", "--hard", "HEAD~1")
        assert same() == first
