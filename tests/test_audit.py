"""`escmatrix audit` flags every case of a tamper corpus, and passes a clean history (issue 7, point 5)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.support import Repo


def _audit(repo: Repo, *extra: str) -> tuple[int, list[dict[str, str]]]:
    result = repo.cli("audit", "--format", "json", *extra)
    assert "Traceback" not in result.output
    data = json.loads(result.stdout)
    return result.exit_code, data["findings"]


def _rules(findings: list[dict[str, str]]) -> set[str]:
    return {f["rule"] for f in findings}


@pytest.fixture
def history(tmp_repo: Repo) -> tuple[Repo, str]:
    """A clean history: one issue opened, acknowledged and updated through the CLI."""
    issue = tmp_repo.open("Checkout fails")
    tmp_repo.ok("ack", issue)
    tmp_repo.ok("update", issue, "--status", "looking", "--next", "logs")
    return tmp_repo, issue


def _event(repo: Repo, issue: str, kind: str) -> Path:
    return next((repo.path / "issues" / issue).glob(f"*-{kind}.yaml"))


def test_clean_history_passes(history: tuple[Repo, str]) -> None:
    """A history written only by escmatrix has no findings and exits 0."""
    repo, _ = history
    code, findings = _audit(repo)
    assert (code, findings) == (0, [])


def test_edited_event_is_flagged(history: tuple[Repo, str]) -> None:
    """Rewriting an event file in a later commit is reported as event-modified."""
    repo, issue = history
    path = _event(repo, issue, "updated")
    path.write_text(
        path.read_text(encoding="utf-8").replace("looking", "all fine"), encoding="utf-8"
    )
    repo.git("commit", "-qam", "tidy an update")
    code, findings = _audit(repo)
    assert code == 1
    assert _rules(findings) == {"event-modified"}
    assert findings[0]["file"].endswith("-updated.yaml")


def test_deleted_event_is_flagged(history: tuple[Repo, str]) -> None:
    """Deleting an event file is reported as event-deleted."""
    repo, issue = history
    repo.git("rm", "-q", str(_event(repo, issue, "acknowledged").relative_to(repo.path)))
    repo.git("commit", "-qm", "drop the ack")
    code, findings = _audit(repo)
    assert code == 1
    assert _rules(findings) == {"event-deleted"}


def test_forged_actor_is_flagged(history: tuple[Repo, str]) -> None:
    """An event claiming actor kim, committed by alex with plain git, is an actor-mismatch."""
    repo, issue = history
    ack = (
        _event(repo, issue, "acknowledged")
        .read_text(encoding="utf-8")
        .replace("actor: alex", "actor: kim")
    )
    forged = repo.path / "issues" / issue / "000009-forged-commented.yaml"
    forged.write_text(
        ack.replace("event: acknowledged", "event: commented").replace(
            "note: ''", "text: I approve"
        ),
        encoding="utf-8",
    )
    repo.git("add", "--", str(forged.relative_to(repo.path)))
    repo.git("commit", "-qm", "comment as kim", "--date=2026-03-02T09:30:00Z")
    code, findings = _audit(repo)
    assert code == 1
    assert "actor-mismatch" in _rules(findings)
    assert any("kim" in f["message"] and "alex@example.com" in f["message"] for f in findings)


def test_override_by_someone_governance_does_not_allow(history: tuple[Repo, str]) -> None:
    """An overridden event by sam (a responder) written past the CLI is override-not-allowed."""
    repo, issue = history
    repo.identify("sam")
    matrix = repo.head()
    text = (
        "event: overridden\n"
        "at: '2026-03-02T10:00:00Z'\n"
        "actor: sam\n"
        f"matrix: {matrix}\n"
        "owner: sam\ntier: manager\nengaged: pat\nprevious_owner: alex\nprevious_tier: frontline\n"
        "reason: I want it\n"
    )
    path = repo.path / "issues" / issue / "000010-zzzzzz-overridden.yaml"
    path.write_text(text, encoding="utf-8")
    repo.git("add", "--", str(path.relative_to(repo.path)))
    repo.git("commit", "-qm", "override by hand", "--date=2026-03-02T10:00:00Z")
    code, findings = _audit(repo)
    assert code == 1
    assert _rules(findings) == {"override-not-allowed"}


def test_backdated_matrix_reference_is_flagged(history: tuple[Repo, str]) -> None:
    """An event naming a matrix commit that is not an ancestor of its own commit is flagged."""
    repo, issue = history
    repo.git("checkout", "-q", "-b", "elsewhere")
    (repo.path / "matrix" / "teams.yaml").write_text(
        (repo.path / "matrix" / "teams.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    repo.git("commit", "-qam", "a matrix change on another branch")
    foreign = repo.head()
    repo.git("checkout", "-q", "main")
    comment = _event(repo, issue, "acknowledged").read_text(encoding="utf-8")
    lines = [
        ln
        for ln in comment.splitlines()
        if not ln.startswith(("matrix:", "matrix_tree:", "note:", "event:"))
    ]
    path = repo.path / "issues" / issue / "000011-yyyyyy-commented.yaml"
    path.write_text(
        "event: commented\n" + "\n".join(lines) + f"\nmatrix: {foreign}\ntext: decided elsewhere\n",
        encoding="utf-8",
    )
    repo.git("add", "--", str(path.relative_to(repo.path)))
    repo.git("commit", "-qm", "comment with a foreign matrix", "--date=2026-03-02T09:30:00Z")
    code, findings = _audit(repo)
    assert code == 1
    assert _rules(findings) == {"matrix-commit-not-ancestor"}


def test_unsigned_commit_fails_require_signed(history: tuple[Repo, str], tmp_path: Path) -> None:
    """With an SSH signing key made here, signed commits pass --require-signed and an unsigned one fails."""
    repo, issue = history
    key = tmp_path / "signing-key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alex", "-f", str(key)], check=True
    )
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(
        f"alex@example.com {(tmp_path / 'signing-key.pub').read_text(encoding='utf-8')}",
        encoding="utf-8",
    )
    code, findings = _audit(repo, "--require-signed")
    assert code == 1 and _rules(findings) == {"unsigned-commit"}  # nothing was signed before
    _give_key(repo, "alex", (tmp_path / "signing-key.pub").read_text(encoding="utf-8"))
    base = repo.head()
    for key_name, value in (
        ("gpg.format", "ssh"),
        ("user.signingkey", str(key)),
        ("gpg.ssh.allowedSignersFile", str(allowed)),
        ("commit.gpgsign", "true"),
    ):
        repo.git("config", key_name, value)
    repo.ok("comment", issue, "signed note")
    assert repo.git("log", "-1", "--format=%G?").strip() == "G"
    code, findings = _audit(repo, "--require-signed", "--since", base)
    assert (code, findings) == (0, [])
    repo.git("config", "commit.gpgsign", "false")
    repo.ok("comment", issue, "unsigned note")
    code, findings = _audit(repo, "--require-signed", "--since", base)
    assert code == 1
    assert _rules(findings) == {"unsigned-commit"}
    assert len(findings) == 1


def _give_key(repo: Repo, person: str, key: str) -> None:
    """Put `key` under the person's signing_keys in people.yaml, committed."""
    import yaml

    path = repo.path / "matrix" / "people.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["people"]:
        if entry["id"] == person:
            entry.setdefault("signing_keys", []).append(key.strip())
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    repo.git("commit", "-qam", f"{person}'s signing key")


def test_audit_github_format_annotates(history: tuple[Repo, str]) -> None:
    """`--format github` prints one ::error annotation per finding, with the file."""
    repo, issue = history
    repo.git("rm", "-q", str(_event(repo, issue, "acknowledged").relative_to(repo.path)))
    repo.git("commit", "-qm", "drop the ack")
    result = repo.cli("audit", "--format", "github")
    assert result.exit_code == 1
    [line] = [ln for ln in result.stdout.splitlines() if ln.startswith("::error")]
    assert f"file=issues/{issue}/" in line and "event-deleted" in line
