"""`escmatrix ingest` and `link`: real payloads from each source's documentation open, repeat,
resolve; malformed ones are refused with what is wrong and nothing written."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.reliability.figures import tally
from tests.support import Repo, executable, snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
T0 = "2026-03-02T10:00:00Z"


def ingest(repo: Repo, source: str, name: str, now: str = T0) -> dict[str, object]:
    data = repo.json("ingest", "--source", source, str(FIXTURES / name), now=now)
    assert isinstance(data, dict)
    return data


def test_alertmanager_opens_repeats_and_resolves(example_repo: Repo) -> None:
    """A firing group opens a sev1 by rule alert-critical; the same group comments; resolved resolves."""
    first = ingest(example_repo, "alertmanager", "alertmanager-firing.json")
    assert (first["action"], first["rule"]) == ("open", "alert-critical")
    issue = str(first["issue"])
    state = example_repo.show(issue)
    assert (state["category"], state["severity"], state["status"]) == (
        "service-downtime",
        "sev1",
        "open",
    )
    assert state["title"] == "Checkout API 5xx rate above 20% for 5 minutes"
    assert example_repo.trailers() == {
        "Escmatrix-Issue": issue,
        "Escmatrix-Action": "ingest",
        "Escmatrix-Actor": "automation",
    }
    assert [Path(f).name.split("-", 2)[2] for f in example_repo.event_files(issue)] == [
        "opened.yaml",
        "linked.yaml",
    ]
    again = ingest(
        example_repo, "alertmanager", "alertmanager-firing.json", now="2026-03-02T10:05:00Z"
    )
    assert (again["action"], again["issue"]) == ("comment", issue)
    assert len(example_repo.event_files(issue)) == 3
    done = ingest(
        example_repo, "alertmanager", "alertmanager-resolved.json", now="2026-03-02T10:20:00Z"
    )
    assert (done["action"], done["issue"]) == ("resolve", issue)
    assert example_repo.show(issue)["status"] == "resolved"
    # the same group firing again after resolution opens a new issue, not a comment on a closed one
    later = ingest(
        example_repo, "alertmanager", "alertmanager-firing.json", now="2026-03-02T11:00:00Z"
    )
    assert later["action"] == "open" and later["issue"] != issue


def test_zendesk_ticket_maps_customer_and_comments(example_repo: Repo) -> None:
    """An urgent ticket opens a sev2 defect for the organization's customer; a comment lands on it."""
    first = ingest(example_repo, "zendesk", "zendesk-ticket-created.json")
    assert first["rule"] == "zendesk-urgent"
    assert first["url"] == "https://brightwater.zendesk.com/agent/tickets/35436"
    issue = str(first["issue"])
    state = example_repo.show(issue)
    assert (state["customer"], state["severity"]) == ("brightwater-retail", "sev2")
    second = ingest(example_repo, "zendesk", "zendesk-comment-added.json")
    assert (second["action"], second["issue"]) == ("comment", issue)
    timeline = " ".join(e["summary"] for e in example_repo.show(issue)["timeline"])
    assert "affects all 40 stores" in timeline
    # zendesk-urgent does not resolve: a solved ticket is a comment, a person resolves
    third = ingest(example_repo, "zendesk", "zendesk-solved.json")
    assert third["action"] == "comment"
    assert example_repo.show(issue)["status"] == "open"


def test_jsm_issue_opens_with_its_browse_url(example_repo: Repo) -> None:
    """A Jira Service Management issue opens, linked to /browse/KEY; done is a comment when unmapped."""
    first = ingest(example_repo, "jsm", "jsm-issue-created.json")
    assert (first["rule"], first["ref"]) == ("jsm-highest", "SUP-217")
    assert first["url"] == "https://orionhealth.atlassian.net/browse/SUP-217"
    state = example_repo.show(str(first["issue"]))
    assert (state["category"], state["severity"]) == ("service-downtime", "sev2")
    done = ingest(example_repo, "jsm", "jsm-issue-done.json")
    assert done["action"] == "comment" and "does not resolve" in str(done["reason"])


def test_email_with_mime_parts_and_its_reply(example_repo: Repo) -> None:
    """A multipart email to the privacy desk opens a privacy concern; the reply comments on it."""
    first = ingest(example_repo, "email", "email-privacy.eml")
    assert first["rule"] == "email-privacy"
    issue = str(first["issue"])
    state = example_repo.show(issue)
    assert state["category"] == "data-privacy-concern"
    assert state["customer"] == "brightwater-retail"  # the sender's domain, mapped in accounts
    assert "possible data exposure" in state["description"]
    assert "screenshot.png (image/png)" in state["description"]
    reply = ingest(example_repo, "email", "email-privacy-reply.eml")
    assert (reply["action"], reply["issue"]) == ("comment", issue)


def test_generic_from_stdin_in_a_subprocess(example_repo: Repo) -> None:
    """The installed executable reads a generic payload on stdin and records it."""
    payload = (FIXTURES / "generic.json").read_bytes()
    done = subprocess.run(
        [*executable(), "--now", T0, "ingest", "--source", "generic", "-", "--format", "json"],
        input=payload,
        cwd=example_repo.path,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    data = json.loads(done.stdout)
    assert data["action"] == "open" and data["state"]["customer"] == "orion-health"
    assert example_repo.status() == ""


def test_resolved_with_no_open_issue_does_nothing(example_repo: Repo) -> None:
    """A resolved alert nobody opened an issue for writes nothing."""
    head = example_repo.head()
    data = ingest(example_repo, "alertmanager", "alertmanager-resolved.json")
    assert data["action"] == "ignore" and data["commit"] is None
    assert example_repo.head() == head


def test_link_is_shown(tmp_repo: Repo) -> None:
    """`link` records a linked event that `show` lists, with the kind guessed from the host."""
    example_repo = tmp_repo
    issue = example_repo.open()
    data = example_repo.json("link", issue, "https://acme.atlassian.net/browse/OPS-12")
    assert data["commit"]
    assert example_repo.trailers()["Escmatrix-Action"] == "link"
    state = example_repo.show(issue)
    assert state["links"] == [
        {
            "kind": "jira",
            "url": "https://acme.atlassian.net/browse/OPS-12",
            "ref": "OPS-12",
            "key": "",
            "at": "2026-03-02T09:00:00Z",
            "actor": "alex",
        }
    ]
    again = example_repo.cli("link", issue, "https://acme.atlassian.net/browse/OPS-12")
    assert again.exit_code == 1 and "already links" in again.output
    bad = example_repo.cli("link", issue, "not a url")
    assert bad.exit_code == 2 and "Traceback" not in bad.output


AM = json.loads((FIXTURES / "alertmanager-firing.json").read_text())
ZD = json.loads((FIXTURES / "zendesk-ticket-created.json").read_text())
JSM = json.loads((FIXTURES / "jsm-issue-created.json").read_text())


def _without(data: dict[str, object], *path: str | int) -> bytes:
    copy = json.loads(json.dumps(data))
    node = copy
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]
    return json.dumps(copy).encode()


def _with(data: dict[str, object], value: object, *path: str | int) -> bytes:
    copy = json.loads(json.dumps(data))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return json.dumps(copy).encode()


MALFORMED: list[tuple[str, str, bytes, str]] = [
    ("empty", "alertmanager", b"", "empty"),
    ("whitespace", "zendesk", b"  \n ", "empty"),
    ("not-json", "alertmanager", b"{ version: 4 }", "not JSON"),
    ("truncated-json", "jsm", json.dumps(JSM).encode()[:200], "not JSON"),
    ("json-array", "generic", b"[1, 2]", "expected a JSON object"),
    ("not-utf8", "zendesk", b'{"subject": "\xff\xfe"}', "not UTF-8"),
    ("am-version-3", "alertmanager", _with(AM, "3", "version"), "version"),
    ("am-no-alerts", "alertmanager", _with(AM, [], "alerts"), "alerts"),
    ("am-no-fingerprint", "alertmanager", _without(AM, "alerts", 0, "fingerprint"), "fingerprint"),
    ("am-bad-status", "alertmanager", _with(AM, "pending", "status"), "status"),
    ("am-label-not-text", "alertmanager", _with(AM, 5, "commonLabels", "severity"), "severity"),
    ("zd-wrong-type", "zendesk", _with(ZD, "zen:event-type:user.created", "type"), "type"),
    ("zd-no-detail", "zendesk", _without(ZD, "detail"), "detail"),
    ("zd-numeric-id", "zendesk", _with(ZD, 35436, "detail", "id"), "detail.id"),
    ("jsm-no-summary", "jsm", _without(JSM, "issue", "fields", "summary"), "summary"),
    ("jsm-bad-key", "jsm", _with(JSM, "sup 217", "issue", "key"), "issue.key"),
    ("jsm-bad-self", "jsm", _with(JSM, "ftp://x/1", "issue", "self"), "issue.self"),
    ("generic-unknown-key", "generic", b'{"key": "a", "title": "b", "colour": "red"}', "colour"),
    ("email-no-headers", "email", b"just a body line\n", "no From"),
    ("too-large", "generic", b'{"key": "a", "title": "' + b"x" * (1024 * 1024) + b'"}', "bytes"),
]


@pytest.mark.parametrize(
    ("source", "payload", "says"),
    [pytest.param(s, p, w, id=name) for name, s, p, w in MALFORMED],
)
def test_malformed_payload_refused(
    request: pytest.FixtureRequest, example_repo: Repo, source: str, payload: bytes, says: str
) -> None:
    """Each malformed payload: exit 1, what is wrong, no traceback, nothing written."""
    before = snapshot(example_repo.path)
    bad = example_repo.path.parent / "payload.bin"
    bad.write_bytes(payload)
    result = example_repo.cli("ingest", "--source", source, str(bad))
    clean = (
        result.exit_code == 1
        and says in result.output
        and "Traceback" not in result.output
        and "nothing was recorded" in result.output
        and snapshot(example_repo.path) == before
    )
    tally(request, "bad input", f"ingest:{request.node.callspec.id}", clean)
    assert clean, (result.exit_code, result.output)


def test_there_are_twenty_malformed_payloads() -> None:
    """The acceptance asks for 20 distinct malformed payloads."""
    assert len({name for name, *_ in MALFORMED}) == 20


def test_no_intake_file_is_refused(tmp_repo: Repo) -> None:
    """A matrix without intake.yaml refuses to ingest and says what to add."""
    result = tmp_repo.cli("ingest", "--source", "generic", str(FIXTURES / "generic.json"))
    assert result.exit_code == 1 and "intake.yaml" in result.output


def test_intake_mapping_is_validated(example_repo: Repo) -> None:
    """An unknown category in intake.yaml is a validate finding with the file and line."""
    example_repo.edit("matrix/intake.yaml", "category: billing-error", "category: billing-eror")
    result = example_repo.cli("validate")
    line = example_repo.line_of("matrix/intake.yaml", "billing-eror")
    assert result.exit_code == 1
    assert "matrix/intake.yaml" in result.output and f" {line}:" in result.output
    assert "unknown category 'billing-eror'" in result.output


def test_links_in_show_report_and_drafts(example_repo: Repo, tmp_path: Path) -> None:
    """An ingested ticket's link appears in `show`, the HTML report and the executive briefing,
    never in the customer's draft."""
    opened = ingest(example_repo, "zendesk", "zendesk-ticket-created.json")
    issue, url = str(opened["issue"]), "https://brightwater.zendesk.com/agent/tickets/35436"
    now = "2026-03-02T10:30:00Z"
    shown = example_repo.ok("show", issue, now=now).output
    assert "zendesk #35436" in shown and "tickets/35436" in shown
    out = tmp_path / "site"
    example_repo.ok("report", "--format", "html", "--out", str(out), now=now)
    assert f'<a href="{url}"' in (out / "index.html").read_text(encoding="utf-8")
    briefing = example_repo.ok("comms", "draft", issue, "--audience", "executive", now=now).output
    assert "Tracked elsewhere" in briefing and "#35436" in briefing
    customer = example_repo.ok("comms", "draft", issue, "--audience", "customer", now=now).output
    assert "zendesk.com" not in customer


def test_payload_link_must_be_http(example_repo: Repo, tmp_path: Path) -> None:
    """A payload URL that is not http(s) is not stored (it would end up as an href)."""
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps({"key": "x1", "title": "t", "url": "javascript:alert(1)"}))
    data = example_repo.json("ingest", "--source", "generic", str(payload))
    assert data["url"] == ""
    assert example_repo.show(str(data["issue"]))["links"][0]["url"] == ""
