"""Two clones acting on the same issue merge without conflict and fold to the same state."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from tests.support import TIMES, Repo, git


def clone(origin: Path, path: Path, person: str, runner: CliRunner) -> Repo:
    git(origin.parent, "clone", "-q", str(origin), str(path))
    repo = Repo(path, runner)
    repo.identify(person)
    return repo


def sync(repo: Repo) -> None:
    """`git pull --rebase` then `git push`, as a responder would."""
    repo.git("pull", "-q", "--rebase", "origin", "main")
    repo.git("push", "-q", "origin", "main")


def test_two_clones_open_and_update_then_rebase_without_conflict(tmp_repo: Repo) -> None:
    """Each clone opens an issue and updates the same older one; pull --rebase keeps everything."""
    older = tmp_repo.open("Older issue", now=TIMES[0])
    origin = tmp_repo.path.parent / "origin.git"
    git(tmp_repo.path.parent, "clone", "-q", "--bare", str(tmp_repo.path), str(origin))
    a = clone(origin, tmp_repo.path.parent / "a", "alex", tmp_repo.runner)
    b = clone(origin, tmp_repo.path.parent / "b", "sam", tmp_repo.runner)

    mine = a.open("Alex's new issue", now=TIMES[1])
    theirs = b.open("Sam's new issue", "service-downtime", "sev1", now=TIMES[1])
    a.ok("update", older, "--status", "Alex: rolled back", "--next", "Watch", now=TIMES[2])
    b.ok("update", older, "--status", "Sam: customer informed", "--next", "Call", now=TIMES[2])

    sync(a)
    sync(b)
    a.git("pull", "-q", "--rebase", "origin", "main")

    for repo in (a, b):
        assert repo.status() == ""
        assert repo.head() == b.head()
        names = [Path(p).name for p in repo.event_files(older)]
        assert len(names) == 3, names
        assert names[0].startswith("000001-")
        assert [n[:7] for n in names[1:]] == ["000002-", "000002-"]
        assert {n.split("-")[-1] for n in names[1:]} == {"updated.yaml"}
        actors = {
            yaml.safe_load((repo.path / p).read_text(encoding="utf-8"))["actor"]
            for p in repo.event_files(older)[1:]
        }
        assert actors == {"alex", "sam"}
        assert {mine, theirs, older} <= {p.name for p in (repo.path / "issues").iterdir()}

    state_a, state_b = a.show(older, now=TIMES[3]), b.show(older, now=TIMES[3])
    assert state_a == state_b
    statuses = [e["summary"] for e in state_a["timeline"] if e["event"] == "updated"]
    assert sorted(statuses) == [
        "status: Alex: rolled back / next: Watch",
        "status: Sam: customer informed / next: Call",
    ]
    assert a.json("list", "--status", "all", now=TIMES[3]) == b.json(
        "list", "--status", "all", now=TIMES[3]
    )
    for issue_id in (mine, theirs):
        assert a.show(issue_id, now=TIMES[3]) == b.show(issue_id, now=TIMES[3])
    assert a.ok("validate", now=TIMES[3]).exit_code == 0


def test_event_written_after_seeing_another_sorts_after_it(tmp_repo: Repo) -> None:
    """The Lamport seq puts an event recorded after a pull after what was pulled, whatever the clocks."""
    issue_id = tmp_repo.open(now=TIMES[0])
    origin = tmp_repo.path.parent / "origin.git"
    git(tmp_repo.path.parent, "clone", "-q", "--bare", str(tmp_repo.path), str(origin))
    a = clone(origin, tmp_repo.path.parent / "a", "alex", tmp_repo.runner)
    b = clone(origin, tmp_repo.path.parent / "b", "sam", tmp_repo.runner)
    a.ok("update", issue_id, "--status", "First", "--next", "x", now=TIMES[4])
    sync(a)
    b.git("pull", "-q", "--rebase", "origin", "main")
    # Sam's laptop clock is behind: his update is stamped earlier but written after seeing Alex's.
    b.ok("update", issue_id, "--status", "Second", "--next", "y", now=TIMES[2])
    names = [Path(p).name for p in b.event_files(issue_id)]
    assert names[-1].startswith("000003-")
    assert b.show(issue_id, now=TIMES[5])["last_status"] == "Second"
