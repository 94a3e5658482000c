"""Issue commits say what changed in the subject, by the issue's short id; the body carries the rest
(nothing lost to a "…" cut)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.support import TIMES, Repo, executable


def run(repo: Path, *args: str, now: str) -> None:
    done = subprocess.run(
        [*executable(), "--repo", str(repo), "--now", now, *args],
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def subject_and_body(repo: Repo) -> tuple[str, str]:
    return repo.git("log", "-1", "--format=%s").strip(), repo.git("log", "-1", "--format=%b")


def test_subjects_say_what_changed_and_bodies_carry_the_rest(tmp_repo: Repo) -> None:
    issue = tmp_repo.open("Checkout returns 500", "product-defect", "sev1")
    short = issue[:4]
    subject, body = subject_and_body(tmp_repo)
    assert (
        subject == f"open {short}: sev1 product-defect → {tmp_repo.show(issue)['owner']} "
        f"(team-lead): Checkout returns 500"
    )
    assert "Title: Checkout returns 500" in body and "Rule: " in body
    assert tmp_repo.trailers()["Escmatrix-Issue"] == issue  # the full id stays in the trailer

    run(tmp_repo.path, "escalate", issue, "--reason", "no fix within 1h", now=TIMES[2])
    engaged = tmp_repo.show(issue, now=TIMES[2])["engaged"]
    subject, body = subject_and_body(tmp_repo)
    assert subject == f"escalate {short}: team-lead → manager ({engaged}): no fix within 1h"
    assert "Reason: no fix within 1h" in body

    long_status = (
        "Rolled back the payment service to 4.2.1; error rate is down from 30% to 2% and we are "
        "watching the EU region, where the remaining failures cluster"
    )
    run(
        tmp_repo.path,
        "update",
        issue,
        "-m",
        long_status,
        "--next",
        "replay failed orders",
        now=TIMES[3],
    )
    subject, body = subject_and_body(tmp_repo)
    assert subject.startswith(f"update {short}: Rolled back the payment service")
    assert len(subject) <= 72 and subject.endswith("…")
    assert f"Status: {long_status}" in body  # the whole text, where the subject was cut
    assert "Next steps: replay failed orders" in body

    run(
        tmp_repo.path,
        "pause",
        issue,
        "--waiting-on",
        "customer",
        "--reason",
        "need a HAR file",
        now=TIMES[4],
    )
    assert subject_and_body(tmp_repo)[0] == f"pause {short}: waiting on customer: need a HAR file"
    run(tmp_repo.path, "resume", issue, now=TIMES[5])
    run(
        tmp_repo.path,
        "resolve",
        issue,
        "-m",
        "rolled back",
        "--root-cause",
        "bad deploy",
        now=TIMES[6],
    )
    subject, body = subject_and_body(tmp_repo)
    assert subject == f"resolve {short}: rolled back"
    assert "Root cause: bad deploy" in body
    # `log` still reads the action of every commit
    actions = [e["action"] for e in tmp_repo.json("log", issue, now=TIMES[7])]
    assert sorted(actions) == sorted(["open", "escalate", "update", "pause", "resume", "resolve"])


def test_sweep_commit_lists_every_line_in_the_body(tmp_repo: Repo) -> None:
    issue = tmp_repo.open("Checkout returns 500", "product-defect", "sev1")
    run(tmp_repo.path, "sweep", "--apply", now="2026-03-02T11:30:00Z")
    subject, body = subject_and_body(tmp_repo)
    assert subject.startswith(f"sweep {issue[:4]}: ")
    lines = [line for line in body.splitlines() if line.startswith("- ")]
    assert len(lines) >= 2, body  # each planned change whole, however long the subject
    assert any("escalate" in line for line in lines)
