"""`escmatrix audit` against a careful insider, and without false alarms in everyday git (issue 14).

Each tamper case is built in a real repository with plain git, as an insider would, and must be
caught with a stable rule id; its untampered twin (the same steps done honestly) must pass. The
figure "audit: N tamper cases, N caught, M clean twins passed" is printed in the test summary.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.reliability.figures import tally
from tests.support import PEOPLE, Repo, git

T_OPEN = "2026-03-02T09:00:00Z"


def _audit(repo: Repo | Path, *extra: str) -> tuple[int, list[dict[str, str]], str]:
    path = repo.path if isinstance(repo, Repo) else repo
    runner = repo if isinstance(repo, Repo) else Repo(path)
    result = runner.cli("audit", "--format", "json", *extra)
    assert "Traceback" not in result.output, result.output
    try:
        findings = json.loads(result.stdout)["findings"]
    except ValueError:
        findings = []
    return result.exit_code, findings, result.output


def _rules(findings: list[dict[str, str]]) -> set[str]:
    return {f["rule"] for f in findings}


def _commit_as(repo: Repo, person: str, message: str, date: str, *extra: str) -> None:
    """`git commit` as `person`, authored at `date` (a careful insider matches the event's time)."""
    email, name = PEOPLE[person]
    git(
        repo.path,
        "-c",
        f"user.email={email}",
        "-c",
        f"user.name={name}",
        "commit",
        "-q",
        "-m",
        message,
        f"--date={date}",
        *extra,
    )


def _event(repo: Repo, issue: str, kind: str) -> Path:
    return next((repo.path / "issues" / issue).glob(f"*-{kind}.yaml"))


def _write_event(repo: Repo, issue: str, name: str, fields: dict[str, object]) -> Path:
    """A hand-written event file, shaped like the acknowledgement escmatrix wrote."""
    base = yaml.safe_load(_event(repo, issue, "acknowledged").read_text(encoding="utf-8"))
    base.pop("note", None)
    base.update(fields)
    path = repo.path / "issues" / issue / name
    path.write_text(yaml.safe_dump(base, sort_keys=False), encoding="utf-8")
    repo.git("add", "--", str(path.relative_to(repo.path)))
    return path


@pytest.fixture
def opened(tmp_repo: Repo) -> tuple[Repo, str]:
    issue = tmp_repo.open("Checkout fails", now=T_OPEN)
    tmp_repo.ok("ack", issue, now="2026-03-02T09:05:00Z")
    return tmp_repo, issue


def _side_branch(repo: Repo, issue: str) -> None:
    """A branch with one comment, and main moved on by another: a real (non fast-forward) merge."""
    repo.git("checkout", "-q", "-b", "side")
    repo.ok("comment", issue, "from the side", now="2026-03-02T09:10:00Z")
    repo.git("checkout", "-q", "main")
    repo.ok("comment", issue, "from main", now="2026-03-02T09:11:00Z")


def _merge(repo: Repo, tamper: Callable[[], None] | None) -> None:
    repo.git("merge", "-q", "--no-ff", "--no-commit", "side", check=False)
    if tamper is not None:
        tamper()
    _commit_as(repo, "alex", "Merge side", "2026-03-02T09:12:00Z")


def _case(request: pytest.FixtureRequest, name: str, tampered: bool, passed: bool) -> None:
    tally(request, "audit", f"{'tamper' if tampered else 'twin'}:{name}", passed)


# -- merges -------------------------------------------------------------------------------------


@pytest.mark.parametrize("tampered", [True, False], ids=["tampered", "twin"])
@pytest.mark.parametrize("kind", ["merge-edit", "merge-delete", "merge-forged-add"])
def test_merge_tampering(
    opened: tuple[Repo, str], kind: str, tampered: bool, request: pytest.FixtureRequest
) -> None:
    """An event edited, deleted or added with a forged actor inside a merge commit is caught."""
    repo, issue = opened
    _side_branch(repo, issue)

    def tamper() -> None:
        ack = _event(repo, issue, "acknowledged")
        if kind == "merge-edit":
            ack.write_text(ack.read_text(encoding="utf-8") + "note: tidied\n", encoding="utf-8")
            ack.write_text(
                ack.read_text(encoding="utf-8").replace("note: ''\n", ""), encoding="utf-8"
            )
            repo.git("add", "--", str(ack.relative_to(repo.path)))
        elif kind == "merge-delete":
            repo.git("rm", "-q", "--", str(ack.relative_to(repo.path)))
        else:
            _write_event(
                repo,
                issue,
                "000099-forged-commented.yaml",
                {
                    "event": "commented",
                    "actor": "kim",
                    "text": "approved",
                    "at": "2026-03-02T09:12:00Z",
                },
            )

    _merge(repo, tamper if tampered else None)
    code, findings, output = _audit(repo)
    expected = {
        "merge-edit": "event-modified",
        "merge-delete": "event-deleted",
        "merge-forged-add": "event-added-by-merge",
    }[kind]
    if tampered:
        caught = code == 1 and expected in _rules(findings)
        if kind == "merge-forged-add":
            caught = caught and "actor-mismatch" in _rules(findings)
    else:
        caught = (code, findings) == (0, [])
    _case(request, kind, tampered, caught)
    assert caught, output


# -- governance -----------------------------------------------------------------------------------


def _governance(repo: Repo, require_merge: bool, allowed: list[str]) -> None:
    path = repo.path / "matrix" / "governance.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["review"]["require_merge"] = require_merge
    data["overrides"]["allowed"] = allowed
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    repo.git("add", "--", "matrix/governance.yaml")


@pytest.mark.parametrize("tampered", [True, False], ids=["tampered", "twin"])
def test_governance_cannot_exempt_itself(
    opened: tuple[Repo, str], tampered: bool, request: pytest.FixtureRequest
) -> None:
    """A direct commit that turns require_merge off and lets responders override is judged by the
    governance before it; the same change merged from a branch (a reviewed pull request) passes."""
    repo, issue = opened
    _governance(repo, True, ["manager", "executive"])
    _commit_as(repo, "pat", "governance: matrix changes by pull request", "2026-03-02T09:06:00Z")
    if tampered:
        _governance(repo, False, ["manager", "executive", "responder"])
        _commit_as(repo, "alex", "relax governance", "2026-03-02T09:07:00Z")
    else:
        repo.git("checkout", "-q", "-b", "relax")
        _governance(repo, False, ["manager", "executive", "responder"])
        _commit_as(repo, "pat", "relax governance", "2026-03-02T09:07:00Z")
        repo.git("checkout", "-q", "main")
        repo.git("merge", "-q", "--no-ff", "--no-commit", "relax")
        _commit_as(repo, "pat", "Merge pull request: relax governance", "2026-03-02T09:08:00Z")
    repo.ok(
        "override", issue, "--owner", "sam", "--reason", "alex is out", now="2026-03-02T09:20:00Z"
    )
    code, findings, output = _audit(repo)
    if tampered:
        caught = code == 1 and "matrix-not-reviewed" in _rules(findings)
    else:
        caught = (code, findings) == (0, [])
    _case(request, "governance-self-exemption", tampered, caught)
    assert caught, output


# -- who signed -------------------------------------------------------------------------------------


def _key(tmp_path: Path, name: str) -> tuple[Path, str]:
    key = tmp_path / f"key-{name}"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
    )
    return key, (tmp_path / f"key-{name}.pub").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("case", ["author-spoof-unsigned", "signed-with-wrong-key", "twin"])
def test_signer_is_the_actor(
    opened: tuple[Repo, str], tmp_path: Path, case: str, request: pytest.FixtureRequest
) -> None:
    """`git commit --author kim` on kim's event is unsigned; signed with sam's key it is not kim's;
    signed with kim's own key it passes --require-signed."""
    repo, issue = opened
    kim_key, kim_pub = _key(tmp_path, "kim")
    sam_key, sam_pub = _key(tmp_path, "sam")
    path = repo.path / "matrix" / "people.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for person in data["people"]:
        person["signing_keys"] = {"kim": [kim_pub], "sam": [sam_pub]}.get(person["id"], [])
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    repo.git("add", "--", "matrix/people.yaml")
    _commit_as(repo, "alex", "signing keys", "2026-03-02T09:06:00Z")
    base = repo.head()
    _write_event(
        repo,
        issue,
        "000050-abcdef-commented.yaml",
        {"event": "commented", "actor": "kim", "text": "on it", "at": "2026-03-02T09:30:00Z"},
    )
    email, name = PEOPLE["kim"]
    sign: list[str] = []
    if case != "author-spoof-unsigned":
        key = sam_key if case == "signed-with-wrong-key" else kim_key
        sign = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"]
    git(
        repo.path,
        *sign,
        "commit",
        "-q",
        *(["-S"] if sign else []),
        "-m",
        "kim's comment",
        f"--author={name} <{email}>",
        "--date=2026-03-02T09:30:00Z",
    )
    code, findings, output = _audit(repo, "--require-signed", "--since", base)
    expected = {
        "author-spoof-unsigned": "unsigned-commit",
        "signed-with-wrong-key": "signer-mismatch",
    }
    if case == "twin":
        caught = (code, findings) == (0, [])
    else:
        caught = code == 1 and expected[case] in _rules(findings)
    _case(request, "signer" if case == "twin" else case, case != "twin", caught)
    assert caught, output


def test_allowed_signers_file_is_written_from_the_matrix(
    opened: tuple[Repo, str], tmp_path: Path
) -> None:
    repo, _ = opened
    _, pub = _key(tmp_path, "kim")
    path = repo.path / "matrix" / "people.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for person in data["people"]:
        if person["id"] == "kim":
            person["signing_keys"] = [pub]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    repo.git("commit", "-qam", "kim's key")
    result = repo.ok("audit", "--allowed-signers")
    kind, blob = pub.split()[:2]
    assert result.stdout == f'kim@example.com namespaces="git" {kind} {blob}\n'


# -- time ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "at", "committed"),
    [
        ("backdated-ack", "2026-03-02T09:05:00Z", "2026-03-03T09:05:00Z"),
        ("pre-opening-event", "2026-03-02T08:00:00Z", "2026-03-02T08:00:00Z"),
        ("future-event", "2026-03-04T09:00:00Z", "2026-03-02T09:30:00Z"),
        ("twin", "2026-03-02T09:30:00Z", "2026-03-02T09:30:00Z"),
    ],
)
def test_event_time_must_fit_its_commit(
    tmp_repo: Repo, case: str, at: str, committed: str, request: pytest.FixtureRequest
) -> None:
    """An ack committed a day late with `at:` five minutes after opening (which would flip first
    response from breached to met), an event before the opening, one in the future: event-time-skew."""
    issue = tmp_repo.open("Checkout fails", now=T_OPEN)
    tmp_repo.ok("comment", issue, "looking", now="2026-03-02T09:01:00Z")
    comment = yaml.safe_load(_event(tmp_repo, issue, "commented").read_text(encoding="utf-8"))
    comment.pop("text")
    comment.update({"event": "acknowledged", "note": "", "at": at})
    path = tmp_repo.path / "issues" / issue / "000040-abcdef-acknowledged.yaml"
    path.write_text(yaml.safe_dump(comment, sort_keys=False), encoding="utf-8")
    tmp_repo.git("add", "--", str(path.relative_to(tmp_repo.path)))
    _commit_as(tmp_repo, "alex", "ack", committed)
    code, findings, output = _audit(tmp_repo)
    if case == "twin":
        caught = (code, findings) == (0, [])
    else:
        caught = code == 1 and _rules(findings) == {"event-time-skew"}
    _case(request, "event-time" if case == "twin" else case, case != "twin", caught)
    assert caught, output


def test_the_cli_refuses_an_event_before_the_opening(tmp_repo: Repo) -> None:
    issue = tmp_repo.open("Checkout fails", now=T_OPEN)
    before = tmp_repo.head()
    result = tmp_repo.cli("ack", issue, now="2026-03-02T08:00:00Z")
    assert result.exit_code == 1
    assert "before this issue was opened" in result.output and "Traceback" not in result.output
    assert tmp_repo.head() == before and tmp_repo.status() == ""


# -- git replace ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["blob", "commit", "twin"])
def test_replace_refs_are_ignored_and_reported(
    opened: tuple[Repo, str], what: str, request: pytest.FixtureRequest
) -> None:
    """`git replace` of an event blob or a commit shows git other content; audit reads the real
    objects and reports the replacement."""
    repo, issue = opened
    ack = _event(repo, issue, "acknowledged")
    rel = str(ack.relative_to(repo.path))
    if what == "blob":
        fake = ack.read_text(encoding="utf-8").replace("actor: alex", "actor: kim")
        other = subprocess.run(
            ["git", "hash-object", "-w", "--stdin"],
            cwd=repo.path,
            input=fake,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        repo.git("replace", repo.git("rev-parse", f"HEAD:{rel}").strip(), other)
    elif what == "commit":
        fake_commit = subprocess.run(
            ["git", "commit-tree", "HEAD^{tree}", "-p", "HEAD~1", "-m", "nothing to see"],
            cwd=repo.path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        repo.git("replace", "HEAD", fake_commit)
    code, findings, output = _audit(repo)
    if what == "twin":
        caught = (code, findings) == (0, [])
    else:
        caught = code == 1 and _rules(findings) == {"replaced-object"}
    _case(request, "replace" if what == "twin" else f"replace-{what}", what != "twin", caught)
    assert caught, output


# -- clones: rebase, cherry-pick, shallow, rewritten pushes -----------------------------------------------


def _clone(remote: Path, path: Path, person: str) -> Repo:
    git(path.parent, "clone", "-q", str(remote), path.name)
    repo = Repo(path)
    repo.identify(person)
    return repo


@pytest.fixture
def remote(opened: tuple[Repo, str], tmp_path: Path) -> tuple[Path, str]:
    repo, issue = opened
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(bare))
    return bare, issue


def test_rebase_by_sync_keeps_every_reference_valid(
    remote: tuple[Path, str], tmp_path: Path
) -> None:
    """Clone A edits the matrix and comments; clone B comments and syncs; A syncs (a rebase):
    audit is clean in both, where naming the matrix by commit gave matrix-commit-not-ancestor."""
    bare, issue = remote
    a = _clone(bare, tmp_path / "a", "alex")
    b = _clone(bare, tmp_path / "b", "sam")
    a.edit("matrix/teams.yaml", "\n", "\n\n")
    _commit_as(a, "alex", "matrix: a blank line", "2026-03-02T09:20:00Z", "-a")
    a.ok("comment", issue, "under the new matrix", now="2026-03-02T09:21:00Z")
    b.ok("comment", issue, "from b", now="2026-03-02T09:22:00Z")
    b.ok("sync", now="2026-03-02T09:22:00Z")
    a.ok("sync", now="2026-03-02T09:23:00Z")
    b.ok("sync", now="2026-03-02T09:24:00Z")
    for clone in (a, b):
        code, findings, output = _audit(clone)
        assert (code, findings) == (0, []), output


def test_cherry_picked_events_audit_clean(opened: tuple[Repo, str]) -> None:
    repo, issue = opened
    repo.git("checkout", "-q", "-b", "work")
    repo.ok("comment", issue, "picked later", now="2026-03-02T09:30:00Z")
    picked = repo.head()
    repo.git("checkout", "-q", "main")
    repo.edit("matrix/teams.yaml", "\n", "\n\n")
    _commit_as(repo, "alex", "matrix: a blank line", "2026-03-02T09:31:00Z", "-a")
    repo.git("cherry-pick", picked)
    code, findings, output = _audit(repo)
    assert (code, findings) == (0, []), output


def test_shallow_clone_gets_one_clear_message(remote: tuple[Path, str], tmp_path: Path) -> None:
    bare, _ = remote
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{bare}", "shallow")
    result = Repo(tmp_path / "shallow").cli("audit")
    assert result.exit_code in (1, 2)
    assert "shallow clone" in result.output and "git fetch --unshallow" in result.output
    assert "Traceback" not in result.output and "event-" not in result.output


@pytest.mark.parametrize("tampered", [True, False], ids=["tampered", "twin"])
def test_rewritten_pushed_history_is_caught(
    remote: tuple[Path, str], tmp_path: Path, tampered: bool, request: pytest.FixtureRequest
) -> None:
    """An amend of a pushed event, force-pushed: the other clone's sync stops and
    `audit --against origin/main` names the commit that disappeared."""
    bare, issue = remote
    a = _clone(bare, tmp_path / "a", "alex")
    b = _clone(bare, tmp_path / "b", "alex")
    a.ok("comment", issue, "pushed", now="2026-03-02T09:20:00Z")
    a.ok("sync", now="2026-03-02T09:20:00Z")
    b.ok("sync", now="2026-03-02T09:21:00Z")  # b has seen the comment on the remote
    if tampered:
        comment = _event(a, issue, "commented")
        comment.write_text(
            comment.read_text(encoding="utf-8").replace("pushed", "never said"), encoding="utf-8"
        )
        a.git("commit", "-q", "-a", "--amend", "--no-edit")
        a.git("push", "-q", "--force", "origin", "main")
    else:
        a.ok("comment", issue, "more", now="2026-03-02T09:22:00Z")
        a.ok("sync", now="2026-03-02T09:22:00Z")
    synced = b.cli("sync", now="2026-03-02T09:23:00Z")
    b.git("fetch", "-q", "origin")
    code, findings, output = _audit(b, "--against", "origin/main")
    if tampered:
        caught = (
            synced.exit_code == 1
            and "rewritten" in synced.output
            and code == 1
            and _rules(findings) == {"history-rewritten"}
        )
    else:
        caught = synced.exit_code == 0 and (code, findings) == (0, [])
    _case(request, "amend-of-pushed", tampered, caught)
    assert caught, synced.output + output


# -- values that look like options -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["--output=written.txt", "--max-count=0", "-p", "nosuchrev"])
def test_since_is_a_revision_never_an_option(opened: tuple[Repo, str], value: str) -> None:
    repo, _ = opened
    result = repo.cli("audit", f"--since={value}")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "is not a revision" in result.output or "names no commit" in result.output
    assert not (repo.path / "written.txt").exists()


def test_a_clock_far_ahead_is_a_warning_at_write_time(opened: tuple[Repo, str]) -> None:
    """An event dated far past everything the repository knows is written, with a warning."""
    repo, issue = opened
    far = repo.cli("comment", issue, "from the future", now="2027-03-02T09:00:00Z")
    assert far.exit_code == 0 and "days after the newest time" in far.output, far.output
    near = repo.cli("comment", issue, "an hour on", now="2027-03-02T10:00:00Z")
    assert near.exit_code == 0 and "warning" not in near.output, near.output
