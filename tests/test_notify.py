"""Notifications end to end: real HTTP and SMTP servers on 127.0.0.1, a real git repository.

Every channel kind is pointed at a server the test starts; secrets travel only through
environment variables with distinctive values, so a leak anywhere is a plain substring match.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from escmatrix.app.clock import Clock
from escmatrix.app.workspace import Workspace
from tests.support import TIMES, Repo, executable

SLACK_SECRET = "SLACKPATH-9f2c71e4-secret"
HOOK_SECRET = "HOOKPATH-4be81d0a-secret"
HMAC_KEY = "hmac-key-77c1f0b2-secret"
ROUTING_KEY = "pd-routing-5d3e9a61-secret"
SMTP_USER = "smtp-user-a81c"
SMTP_PASSWORD = "smtp-pass-3f9d0e27-secret"
SECRETS = (SLACK_SECRET, HOOK_SECRET, HMAC_KEY, ROUTING_KEY, SMTP_PASSWORD)


# -- servers ------------------------------------------------------------------------------------


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int

    def json(self) -> Any:
        return json.loads(self.body)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        hook = self.server.hook
        time.sleep(hook.delay)
        status = hook.status
        with hook.guard:
            hook.requests.append(Request(self.path, dict(self.headers), body, status))
        answer = b'{"status":"success"}' if status < 300 else b'{"error":"nope"}'
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:
            pass  # the client gave up waiting (the timeout test): nothing to tell it

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads the recorded requests instead."""


class _Server(ThreadingHTTPServer):
    hook: HttpRecorder

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a traceback on stderr would land in whichever command runs next."""


@dataclass
class HttpRecorder:
    """A ThreadingHTTPServer in a thread that records every POST and answers `status`."""

    port: int = 0
    status: int = 200
    delay: float = 0.0
    requests: list[Request] = field(default_factory=list)
    guard: threading.Lock = field(default_factory=threading.Lock)
    server: _Server | None = None

    def start(self) -> HttpRecorder:
        self.server = _Server(("127.0.0.1", self.port), _Handler)
        self.server.hook = self
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def to(self, path_part: str) -> list[Request]:
        """Requests whose path contains `path_part`."""
        return [r for r in self.requests if path_part in r.path]

    def delivered(self, path_part: str) -> list[Request]:
        """Requests to `path_part` that were answered with success."""
        return [r for r in self.to(path_part) if r.answered < 300]


class Mailbox:
    """An aiosmtpd handler that keeps every message and the login used."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=(login, password) == (SMTP_USER, SMTP_PASSWORD))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def http() -> Iterator[HttpRecorder]:
    recorder = HttpRecorder().start()
    yield recorder
    recorder.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=mailbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield mailbox, port
    controller.stop()


COMMS = """\
channels:
  - id: chat
    kind: slack
    target: "#incidents"
    url_env: TEST_SLACK_URL
  - id: hook
    kind: webhook
    target: status page
    url_env: TEST_HOOK_URL
    secret_env: TEST_HOOK_KEY
  - id: pager
    kind: pagerduty
    target: platform on-call
    url: {pager_url}
    secret_env: TEST_PD_KEY
  - id: mail
    kind: email
    target: oncall@example.com, lead@example.com
    sender: escmatrix@example.com
    smtp_host: 127.0.0.1
    smtp_port: {smtp_port}
    starttls: false
    username_env: TEST_SMTP_USER
    secret_env: TEST_SMTP_PASSWORD
  - id: board
    kind: dashboard
    target: https://ops.example.com/escalations
by_severity:
  sev1: [chat, hook, pager, mail, board]
  sev2: [chat, hook, board]
  sev3: [hook]
"""


@dataclass
class Wired:
    """A repository whose channels point at the servers, with the secrets in the environment."""

    repo: Repo
    http: HttpRecorder
    mailbox: Mailbox
    monkeypatch: pytest.MonkeyPatch

    def outbox(self) -> list[dict[str, Any]]:
        folder = self.repo.path / ".git" / "escmatrix" / "outbox"
        return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]

    def point_hook_at(self, url: str) -> None:
        self.monkeypatch.setenv("TEST_HOOK_URL", url)


@pytest.fixture
def wired(
    tmp_repo: Repo,
    http: HttpRecorder,
    smtp: tuple[Mailbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> Wired:
    mailbox, smtp_port = smtp
    comms = COMMS.format(pager_url=http.url("/v2/enqueue"), smtp_port=smtp_port)
    (tmp_repo.path / "matrix" / "comms.yaml").write_text(comms, encoding="utf-8")
    tmp_repo.git("add", "matrix/comms.yaml")
    tmp_repo.git("commit", "-q", "-m", "channels for the test servers")
    for name in (
        "ESCMATRIX_NOTIFY",
        "ESCMATRIX_NO_NOTIFY",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("TEST_SLACK_URL", http.url(f"/slack/{SLACK_SECRET}"))
    monkeypatch.setenv("TEST_HOOK_URL", http.url(f"/hook/{HOOK_SECRET}"))
    monkeypatch.setenv("TEST_HOOK_KEY", HMAC_KEY)
    monkeypatch.setenv("TEST_PD_KEY", ROUTING_KEY)
    monkeypatch.setenv("TEST_SMTP_USER", SMTP_USER)
    monkeypatch.setenv("TEST_SMTP_PASSWORD", SMTP_PASSWORD)
    return Wired(tmp_repo, http, mailbox, monkeypatch)


def open_issue(w: Wired, severity: str = "sev1", title: str = "Checkout returns 500") -> str:
    data = w.repo.json(
        "open",
        "--title",
        title,
        "--category",
        "product-defect",
        "--severity",
        severity,
        now=TIMES[0],
    )
    issue_id: str = data["id"]
    return issue_id


def assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"secret {secret[:12]}… leaked into {where}"


# -- payloads -----------------------------------------------------------------------------------


def test_open_tells_every_channel_with_id_title_severity_owner_tier_and_due(wired: Wired) -> None:
    """A sev1 opening reaches Slack, the webhook, PagerDuty and email; the dashboard gets nothing."""
    result = wired.repo.json(
        "open",
        "--title",
        "Checkout returns 500",
        "--category",
        "product-defect",
        "--severity",
        "sev1",
        now=TIMES[0],
    )
    issue_id = result["id"]
    lines = result["notifications"]
    for channel in ("chat (slack)", "hook (webhook)", "pager (pagerduty)", "mail (email)"):
        assert f"notified {channel}: opened" in lines, lines
    assert not any("board" in line for line in lines)
    due = "2026-03-02T09:15:00Z"  # sev1: first response within 15 minutes, 24x7

    (slack,) = wired.http.to("/slack/")
    body = slack.json()
    assert set(body) == {"text", "blocks"}
    for needle in (
        issue_id,
        "Checkout returns 500",
        "sev1",
        "owner alex",
        "tier team-lead",
        "09:15",
    ):
        assert needle in body["text"], (needle, body["text"])
    assert any("Kim" in json.dumps(b) or "kim" in json.dumps(b) for b in body["blocks"])

    (hook,) = wired.http.to("/hook/")
    data = hook.json()
    assert {
        k: data[k] for k in ("event", "id", "title", "severity", "owner", "tier", "engaged")
    } == {
        "event": "opened",
        "id": issue_id,
        "title": "Checkout returns 500",
        "severity": "sev1",
        "owner": "alex",
        "tier": "team-lead",
        "engaged": "kim",
    }
    assert data["due"] == due and data["due_clock"] == "first response"

    (pager,) = wired.http.to("/v2/enqueue")
    event = pager.json()
    assert event["routing_key"] == ROUTING_KEY
    assert event["event_action"] == "trigger"
    assert event["dedup_key"] == f"escmatrix-{issue_id}"
    assert event["payload"]["severity"] == "critical"
    assert event["payload"]["source"] == "escmatrix"
    assert issue_id in event["payload"]["summary"]
    assert event["payload"]["custom_details"]["due"] == due

    (mail,) = wired.mailbox.messages
    assert issue_id in mail["Subject"] and "Checkout returns 500" in mail["Subject"]
    assert mail["From"] == "escmatrix@example.com"
    assert wired.mailbox.envelopes[0][1] == ["oncall@example.com", "lead@example.com"]
    text = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    for needle in (
        "Owner:     alex",
        "Tier:      team-lead",
        "Severity:  sev1",
        "2026-03-02 09:15 UTC",
    ):
        assert needle in text, (needle, text)
    assert wired.mailbox.logins == [(SMTP_USER, SMTP_PASSWORD)]


def test_webhook_signature_is_the_hmac_of_the_exact_body(wired: Wired) -> None:
    """X-Escmatrix-Signature is sha256=HMAC(key, body bytes as received)."""
    open_issue(wired, "sev2")
    (hook,) = wired.http.to("/hook/")
    expected = hmac.new(HMAC_KEY.encode(), hook.body, hashlib.sha256).hexdigest()
    assert hook.headers["X-Escmatrix-Signature"] == f"sha256={expected}"
    assert hook.headers["Content-Type"] == "application/json"
    tampered = hook.body.replace(b"sev2", b"sev3")
    assert hmac.new(HMAC_KEY.encode(), tampered, hashlib.sha256).hexdigest() != expected


def test_pagerduty_trigger_acknowledge_resolve_share_one_dedup_key(wired: Wired) -> None:
    """The pager sees trigger, acknowledge and resolve for one incident; chat hears no ack."""
    issue_id = open_issue(wired)
    wired.repo.ok("ack", issue_id, now=TIMES[1])
    wired.repo.ok("resolve", issue_id, "--summary", "Rolled back", now=TIMES[2])
    events = [r.json() for r in wired.http.to("/v2/enqueue")]
    assert [e["event_action"] for e in events] == ["trigger", "acknowledge", "resolve"]
    assert {e["dedup_key"] for e in events} == {f"escmatrix-{issue_id}"}
    assert all(e["routing_key"] == ROUTING_KEY for e in events)
    kinds = [r.json()["event"] for r in wired.http.to("/hook/")]
    assert kinds == ["opened", "resolved"]


def test_escalation_and_override_are_announced_with_the_new_tier(wired: Wired) -> None:
    """escalate and override each produce one notice carrying the tier and person now engaged."""
    issue_id = open_issue(wired, "sev2")
    data = wired.repo.json("escalate", issue_id, "--reason", "customer waiting", now=TIMES[1])
    assert "notified hook (webhook): escalated" in data["notifications"]
    wired.repo.identify("pat")  # governance lets managers override
    wired.repo.ok(
        "override", issue_id, "--owner", "sam", "--reason", "sam knows checkout", now=TIMES[2]
    )
    escalated, overridden = (r.json() for r in wired.http.to("/hook/")[1:])
    assert (escalated["event"], escalated["tier"], escalated["engaged"]) == (
        "escalated",
        "team-lead",
        "kim",
    )
    assert "customer waiting" in escalated["detail"]
    assert (overridden["event"], overridden["owner"]) == ("overridden", "sam")


def test_comment_and_update_tell_nobody(wired: Wired) -> None:
    """Only the actions the policy names are announced."""
    issue_id = open_issue(wired, "sev2")
    before = len(wired.http.requests)
    data = wired.repo.json("comment", issue_id, "looking at logs", now=TIMES[1])
    assert data["notifications"] == []
    assert len(wired.http.requests) == before


# -- failures and the outbox --------------------------------------------------------------------


def test_a_500_keeps_the_message_and_a_later_flush_delivers_it_exactly_once(wired: Wired) -> None:
    """The command succeeds and says pending; flush delivers once; a second flush sends nothing."""
    wired.http.status = 500
    result = wired.repo.cli(
        "open",
        "--title",
        "Checkout returns 500",
        "--category",
        "product-defect",
        "--severity",
        "sev2",
        now=TIMES[0],
    )
    assert result.exit_code == 0, result.output
    assert "chat (slack): opened pending in the outbox (HTTP 500" in result.output
    assert "`escmatrix notify flush`" in result.output
    held = wired.outbox()
    assert sorted(e["channel"] for e in held) == ["chat", "hook"]
    assert all(e["status"] == "pending" and e["attempts"] == 1 for e in held)

    listed = wired.repo.json("notify", "list")
    assert [e["status"] for e in listed] == ["pending", "pending"]

    wired.http.status = 200
    flushed = wired.repo.json("notify", "flush")
    assert (len(flushed["delivered"]), flushed["pending"], flushed["failed"]) == (2, [], [])
    again = wired.repo.json("notify", "flush")
    assert again == {"delivered": [], "pending": [], "failed": []}
    assert len(wired.http.delivered("/slack/")) == 1
    assert len(wired.http.delivered("/hook/")) == 1
    assert wired.outbox() == []


def test_refused_connection_is_retried_by_the_next_command(wired: Wired) -> None:
    """Nobody listening: the message waits; the next command delivers it first, once."""
    wired.point_hook_at(f"http://127.0.0.1:{free_port()}/hook/{HOOK_SECRET}")
    issue_id = open_issue(wired, "sev3")
    (entry,) = wired.outbox()
    assert entry["channel"] == "hook" and "could not connect" in entry["reason"]

    wired.point_hook_at(wired.http.url(f"/hook/{HOOK_SECRET}"))
    result = wired.repo.cli("comment", issue_id, "still digging", now=TIMES[1])
    assert result.exit_code == 0, result.output
    assert "outbox: delivered 1 earlier message (hook)" in result.output
    (delivered,) = wired.http.delivered("/hook/")
    assert delivered.json()["event"] == "opened" and delivered.json()["id"] == issue_id
    assert delivered.headers["X-Escmatrix-Delivery"] == entry["id"]
    wired.repo.ok("comment", issue_id, "and again", now=TIMES[2])
    assert len(wired.http.delivered("/hook/")) == 1
    assert wired.outbox() == []


def test_later_messages_queue_behind_an_undelivered_one_and_keep_their_order(wired: Wired) -> None:
    """While a channel is down, new messages wait behind the old ones: trigger before resolve."""
    wired.http.status = 503
    issue_id = open_issue(wired)
    attempts = len(wired.http.to("/v2/enqueue"))
    result = wired.repo.cli("resolve", issue_id, "--summary", "Rolled back", now=TIMES[1])
    assert result.exit_code == 0, result.output
    assert (
        "pager (pagerduty): resolved queued in the outbox behind earlier messages" in result.output
    )
    assert len(wired.http.to("/v2/enqueue")) == attempts + 1  # the retry only; resolve waited
    wired.http.status = 202
    wired.repo.ok("notify", "flush")
    actions = [r.json()["event_action"] for r in wired.http.delivered("/v2/enqueue")]
    assert actions == ["trigger", "resolve"]
    assert wired.outbox() == []


def test_a_4xx_is_kept_as_failed_with_the_reason_and_not_retried(wired: Wired) -> None:
    """404 is permanent: said so, kept as failed, left alone by flush until asked, droppable."""
    wired.http.status = 404
    result = wired.repo.cli(
        "open",
        "--title",
        "Broken hook",
        "--category",
        "product-defect",
        "--severity",
        "sev3",
        now=TIMES[0],
    )
    assert result.exit_code == 0, result.output
    assert "hook (webhook): opened delivery failed (HTTP 404" in result.output
    (entry,) = wired.outbox()
    assert entry["status"] == "failed" and entry["reason"].startswith("HTTP 404")
    flushed = wired.repo.json("notify", "flush")
    assert [e["status"] for e in flushed["failed"]] == ["failed"]
    assert len(wired.http.to("/hook/")) == 1
    table = wired.repo.ok("notify", "list").output
    assert "failed" in table and "HTTP 404" in table

    wired.http.status = 200
    retried = wired.repo.json("notify", "flush", "--retry-failed")
    assert len(retried["delivered"]) == 1
    assert wired.outbox() == []


def test_drop_removes_failed_entries(wired: Wired) -> None:
    """`notify drop --failed` clears what will never be delivered."""
    wired.http.status = 400
    open_issue(wired, "sev3")
    assert len(wired.outbox()) == 1
    assert "dropped 1" in wired.repo.ok("notify", "drop", "--failed").output
    assert wired.outbox() == []


def test_a_server_that_never_answers_times_out_into_the_outbox(
    wired: Wired, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hung endpoint costs a short timeout, not the command."""
    from escmatrix.store import deliver

    monkeypatch.setattr(deliver, "TIMEOUT_SECONDS", 0.3)
    wired.http.delay = 1.0
    started = time.monotonic()
    open_issue(wired, "sev3")
    assert time.monotonic() - started < 5
    (entry,) = wired.outbox()
    assert entry["reason"] == "no answer within 0.3 s"


def test_smtp_down_then_up_delivers_one_email(
    wired: Wired, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SMTP server that refuses connections leaves the mail pending; flush sends it once."""
    comms = wired.repo.path / "matrix" / "comms.yaml"
    text = comms.read_text()
    real_port = text.split("smtp_port: ")[1].split("\n")[0]
    comms.write_text(text.replace(f"smtp_port: {real_port}", f"smtp_port: {free_port()}"))
    wired.repo.git("commit", "-qam", "point mail at nothing")
    issue_id = open_issue(wired)
    pending = [e for e in wired.outbox() if e["channel"] == "mail"]
    assert len(pending) == 1 and "SMTP server" in pending[0]["reason"]
    comms.write_text(text)
    wired.repo.git("commit", "-qam", "mail back")
    wired.repo.ok("notify", "flush")
    wired.repo.ok("notify", "flush")
    assert len(wired.mailbox.messages) == 1
    assert issue_id in wired.mailbox.messages[0]["Subject"]


def test_two_flushes_at_once_send_each_message_once(wired: Wired) -> None:
    """The outbox lock: two processes flushing together never both send one file."""
    from escmatrix.app import notify as notifications

    wired.http.status = 500
    open_issue(wired, "sev3")
    wired.http.status, wired.http.delay = 200, 0.3
    reports: list[int] = []

    def flush_once() -> None:
        ws = Workspace(wired.repo.path, Clock.from_option(TIMES[1]))
        reports.append(len(notifications.flush(ws).delivered))

    threads = [threading.Thread(target=flush_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(reports) == [0, 1]
    assert len(wired.http.delivered("/hook/")) == 1


def test_a_channel_whose_secret_is_not_set_here_is_skipped_and_said(wired: Wired) -> None:
    """No variable, no send, no outbox entry, and the output names the variable."""
    wired.monkeypatch.delenv("TEST_HOOK_URL")
    result = wired.repo.cli(
        "open",
        "--title",
        "No hook here",
        "--category",
        "product-defect",
        "--severity",
        "sev3",
        now=TIMES[0],
    )
    assert result.exit_code == 0, result.output
    assert "hook (webhook): opened not sent, $TEST_HOOK_URL is not set here" in result.output
    assert wired.outbox() == []


# -- switches -----------------------------------------------------------------------------------


def test_dry_run_prints_payloads_without_secrets_and_sends_nothing(wired: Wired) -> None:
    """--notify-dry-run and ESCMATRIX_NOTIFY=dry-run print what would go where; no traffic."""
    result = wired.repo.cli(
        "--notify-dry-run",
        "open",
        "--title",
        "Checkout returns 500",
        "--category",
        "product-defect",
        "--severity",
        "sev1",
        now=TIMES[0],
    )
    assert result.exit_code == 0, result.output
    assert "dry run, not sent: opened → pager (pagerduty)" in result.output
    assert '"event_action": "trigger"' in result.output
    assert "$TEST_SLACK_URL" in result.output and "$TEST_PD_KEY" in result.output
    assert_no_secret(result.output, "dry-run output")
    wired.monkeypatch.setenv("ESCMATRIX_NOTIFY", "dry-run")
    data = wired.repo.json(
        "open",
        "--title",
        "Second",
        "--category",
        "product-defect",
        "--severity",
        "sev2",
        now=TIMES[1],
    )
    assert all(line.startswith("dry run, not sent") for line in data["notifications"])
    assert wired.http.requests == [] and wired.mailbox.messages == []
    assert wired.outbox() == []


def test_no_notify_sends_nothing_and_says_so(wired: Wired) -> None:
    """--no-notify and ESCMATRIX_NO_NOTIFY=1 turn sending off for the command."""
    result = wired.repo.cli(
        "--no-notify",
        "open",
        "--title",
        "Quiet",
        "--category",
        "product-defect",
        "--severity",
        "sev2",
        now=TIMES[0],
    )
    assert result.exit_code == 0, result.output
    assert "chat (slack): opened not sent (notifications are off)" in result.output
    wired.monkeypatch.setenv("ESCMATRIX_NO_NOTIFY", "1")
    open_issue(wired, "sev2")
    assert wired.http.requests == []


# -- notify test --------------------------------------------------------------------------------


def test_notify_test_sends_one_message_and_pages_then_resolves(wired: Wired) -> None:
    """`notify test` proves a channel end to end; a pager test closes its own incident."""
    result = wired.repo.ok("notify", "test", "chat")
    assert "delivered a test message to chat (slack)" in result.output
    assert "test message" in wired.http.to("/slack/")[0].json()["text"]
    wired.repo.ok("notify", "test", "pager")
    actions = [r.json()["event_action"] for r in wired.http.to("/v2/enqueue")]
    assert actions == ["trigger", "resolve"]
    wired.repo.ok("notify", "test", "mail")
    assert "test message" in wired.mailbox.messages[0]["Subject"]


def test_notify_test_failures_exit_1_with_the_reason(wired: Wired) -> None:
    """An unknown channel, a dashboard or a failing server: exit 1, one plain sentence."""
    unknown = wired.repo.cli("notify", "test", "nope")
    assert unknown.exit_code == 1 and "known channels: chat, hook" in unknown.output
    board = wired.repo.cli("notify", "test", "board")
    assert board.exit_code == 1 and "nothing is sent to a dashboard" in board.output
    wired.http.status = 500
    down = wired.repo.cli("notify", "test", "hook")
    assert down.exit_code == 1 and "not delivered: HTTP 500" in down.output
    assert "Traceback" not in down.output
    assert wired.outbox() == []  # a test message is never queued


# -- secrets ------------------------------------------------------------------------------------


def test_no_secret_in_commits_events_outbox_or_show_and_log(wired: Wired) -> None:
    """After deliveries, failures and retries, the secrets are nowhere but the environment."""
    wired.http.status = 500
    issue_id = open_issue(wired)
    outputs = [wired.repo.ok("escalate", issue_id, "--reason", "urgent", now=TIMES[1]).output]
    wired.http.status = 200
    outputs.append(wired.repo.ok("notify", "flush").output)
    outputs.append(wired.repo.ok("notify", "list").output)
    outputs.append(wired.repo.ok("--notify-dry-run", "ack", issue_id, now=TIMES[2]).output)
    wired.http.status = 404
    outputs.append(wired.repo.ok("resolve", issue_id, "--summary", "fixed", now=TIMES[3]).output)
    outputs.append(wired.repo.ok("notify", "list", "--format", "json").output)
    for command in (("show", issue_id), ("show", issue_id, "--format", "json"), ("log", issue_id)):
        outputs.append(wired.repo.ok(*command, now=TIMES[4]).output)
    for index, text in enumerate(outputs):
        assert_no_secret(text, f"command output #{index}")
    assert_no_secret(wired.repo.git("log", "-p", "--all"), "git log -p")
    for path in (wired.repo.path / "issues").rglob("*"):
        if path.is_file():
            assert_no_secret(path.read_text(), str(path))
    outbox = wired.repo.path / ".git" / "escmatrix" / "outbox"
    files = list(outbox.glob("*.json"))
    assert files, "the 404 should have left a failed entry to inspect"
    for path in files:
        assert_no_secret(path.read_text(), str(path))
    assert wired.repo.status() == ""  # the outbox is never part of the work tree


def test_outbox_entries_hold_the_channel_and_body_only(wired: Wired) -> None:
    """An entry is plain JSON: channel id, kind, body; no URL, key or password."""
    wired.http.status = 502
    open_issue(wired)
    for entry in wired.outbox():
        assert set(entry) >= {
            "id",
            "channel",
            "kind",
            "notice",
            "issue",
            "body",
            "status",
            "reason",
        }
        assert "routing_key" not in entry["body"]
        assert "127.0.0.1" not in json.dumps(entry)


def test_the_outbox_lives_in_the_git_dir(wired: Wired) -> None:
    """Found through git, so a repository below the top level or a worktree works too."""
    wired.http.status = 500
    open_issue(wired, "sev3")
    assert (Path(wired.repo.path) / ".git" / "escmatrix" / "outbox").is_dir()
    assert wired.repo.status() == ""


def test_the_sweep_announces_automatic_escalation_and_breach_once(wired: Wired) -> None:
    """`sweep --apply` records clock events; each is told once, and a second sweep tells nothing."""
    issue_id = open_issue(wired, "sev2")
    late = "2026-03-02T10:30:00Z"  # frontline's 30m and sev2's 1h first response both passed
    data = wired.repo.json("sweep", "--apply", now=late)
    assert "notified hook (webhook): escalated" in data["notifications"]
    assert "notified hook (webhook): breached" in data["notifications"]
    told = [r.json() for r in wired.http.to("/hook/")][1:]
    escalated = next(t for t in told if t["event"] == "escalated")
    assert escalated["automatic"] and escalated["tier"] == "team-lead"
    assert escalated["summary"].startswith("[sev2] Automatically escalated: Checkout returns 500")
    breached = next(t for t in told if t["event"] == "breached")
    assert (breached["id"], breached["due_clock"], breached["overdue"]) == (
        issue_id,
        "first response",
        True,
    )
    count = len(wired.http.requests)
    again = wired.repo.json("sweep", "--apply", now=late)
    assert again["notifications"] == [] and len(wired.http.requests) == count


def test_starttls_against_a_server_without_it_is_a_plain_failure(wired: Wired) -> None:
    """STARTTLS is on unless turned off; a server that cannot do it is refused, not ignored."""
    comms = wired.repo.path / "matrix" / "comms.yaml"
    comms.write_text(comms.read_text().replace("    starttls: false\n", ""))
    result = wired.repo.cli("notify", "test", "mail")
    assert result.exit_code == 1, result.output
    assert "does not support" in result.output and "STARTTLS" in result.output
    assert wired.mailbox.logins == []  # the password never went out in clear


class _Trickle:
    """A loopback server that answers one header line every `every` seconds, for a long time."""

    def __init__(self, every: float = 1.0, lines: int = 120) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.every, self.lines, self.stop = every, lines, threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook/{HOOK_SECRET}"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: Any) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                for n in range(self.lines):
                    if self.stop.wait(self.every):
                        return
                    conn.sendall(f"X-Slow-{n}: yes\r\n".encode())
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def test_a_trickling_endpoint_cannot_hold_a_command(wired: Wired) -> None:
    """A server that sends one header a second (which resets any read timeout) for two minutes:
    `open` gives the delivery its total deadline, keeps the message in the outbox and returns."""
    server = _Trickle()
    try:
        wired.point_hook_at(server.url)
        done = subprocess.run(
            [
                *executable(),
                "--repo",
                str(wired.repo.path),
                "--now",
                TIMES[0],
                "open",
                "-t",
                "Slow endpoint",
                "-c",
                "product-defect",
                "-s",
                "sev3",
            ],
            capture_output=True,
            text=True,
            timeout=60,  # the server would hold it for 120 s
            check=False,
        )
    finally:
        server.close()
    assert done.returncode == 0, done.stderr
    (entry,) = wired.outbox()
    assert entry["channel"] == "hook" and "no complete answer within" in entry["reason"]
    assert_no_secret(done.stdout + done.stderr + json.dumps(entry), "the output and the outbox")


def test_an_endpoint_echoing_its_path_never_puts_the_secret_anywhere(
    wired: Wired, request: pytest.FixtureRequest
) -> None:
    """A 404 whose body repeats the request path (the secret part of a webhook URL, and a token
    in its query): the outcome is kept, the secret is in neither stderr, the outbox nor
    `notify list` (issue 15, case 6)."""
    from tests.reliability.figures import tally

    class Echo(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = f"no route for {self.path} (path {self.path.split('?')[0]})".encode()
            self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        wired.point_hook_at(f"http://127.0.0.1:{port}/hook/{HOOK_SECRET}?token={HMAC_KEY}")
        result = wired.repo.cli(
            "open", "-t", "Echo", "-c", "product-defect", "-s", "sev3", now=TIMES[0]
        )
        listed = wired.repo.cli("notify", "list", now=TIMES[0])
    finally:
        server.shutdown()
    assert result.exit_code == 0, result.output
    (entry,) = wired.outbox()
    assert "HTTP 404" in entry["reason"] and "***" in entry["reason"]
    texts = {"output": result.output, "outbox": json.dumps(entry), "notify list": listed.output}
    clean = True
    for where, text in texts.items():
        for secret in SECRETS:
            clean = clean and secret not in text
        assert_no_secret(text, where)
    tally(request, "bad input", "secret-echoed-by-endpoint", clean)
