"""`escmatrix serve` on loopback: signed payloads accepted, unsigned and oversized ones refused,
concurrent posts all recorded."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from escmatrix.app.clock import Clock, parse_instant
from escmatrix.app.serve import Credentials, IngestApp, sign
from escmatrix.cli.commands.serve import make_server
from escmatrix.core.intake import MAX_PAYLOAD_BYTES
from tests.support import Repo, executable

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SECRET = "zendesk-signing-secret"
AM_SECRET = "alertmanager-secret"
TOKEN = "shared-token-for-generic"


@pytest.fixture
def server(example_repo: Repo) -> Iterator[str]:
    """A waitress server on a free loopback port, serving the example repository."""
    creds = Credentials(TOKEN, {"zendesk": SECRET, "alertmanager": AM_SECRET})
    app = IngestApp(example_repo.path, creds, lambda: Clock(parse_instant("2026-03-02T10:00:00Z")))
    srv = make_server(app, "127.0.0.1", 0, 8, MAX_PAYLOAD_BYTES)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.effective_port}"
    srv.close()
    thread.join(timeout=5)


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as exc:
        text = exc.read()
        return exc.code, json.loads(text) if text.startswith(b"{") else {"raw": text.decode()}


def zendesk_headers(body: bytes, stamp: str = "2026-03-02T10:05:00Z") -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), stamp.encode() + body, hashlib.sha256).digest()
    return {
        "Content-Type": "application/json",
        "X-Zendesk-Webhook-Signature": base64.b64encode(digest).decode(),
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
    }


def test_signed_zendesk_payload_opens_an_issue(server: str, example_repo: Repo) -> None:
    """Zendesk's own signature scheme is verified and the ticket opens an issue."""
    body = (FIXTURES / "zendesk-ticket-created.json").read_bytes()
    status, data = post(f"{server}/ingest/zendesk", body, zendesk_headers(body))
    assert status == 201, data
    assert data["action"] == "open" and data["commit"]
    assert example_repo.trailers()["Escmatrix-Action"] == "ingest"


def test_unsigned_bad_signature_and_token_refused(server: str, example_repo: Repo) -> None:
    """No signature, a wrong one, or a token where a secret is configured: 401, nothing written."""
    head = example_repo.head()
    body = (FIXTURES / "zendesk-ticket-created.json").read_bytes()
    assert post(f"{server}/ingest/zendesk", body, {})[0] == 401
    forged = zendesk_headers(body + b" ")
    assert post(f"{server}/ingest/zendesk", body, forged)[0] == 401
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert post(f"{server}/ingest/zendesk", body, bearer)[0] == 401
    generic = (FIXTURES / "generic.json").read_bytes()
    assert post(f"{server}/ingest/generic", generic, {"Authorization": "Bearer nope"})[0] == 401
    assert post(f"{server}/ingest/nothing", generic, bearer)[0] == 404
    assert example_repo.head() == head


def test_oversized_and_malformed_refused(server: str, example_repo: Repo) -> None:
    """A body over the limit is refused before it is read; a malformed one gets 422 and why."""
    head = example_repo.head()
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    # declared too large: answered 413 from the headers alone, the body never sent nor read
    host, port = server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.putrequest("POST", "/ingest/generic")
    conn.putheader("Authorization", f"Bearer {TOKEN}")
    conn.putheader("Content-Length", str(MAX_PAYLOAD_BYTES + 10))
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()
    status, data = post(f"{server}/ingest/generic", b'{"key": "a"}', bearer)
    assert status == 422 and any("title" in p for p in data["problems"]), data
    assert example_repo.head() == head


def test_concurrent_posts_lose_nothing(server: str, example_repo: Repo) -> None:
    """Twelve different alerts and three repeats of one, posted at once: 13 issues, no loss."""
    base = json.loads((FIXTURES / "alertmanager-firing.json").read_text())
    bodies = []
    for n in range(12):
        payload = dict(base, groupKey=f'{{}}:{{alertname="A{n}"}}')
        bodies.append(json.dumps(payload).encode())
    repeat = json.dumps(dict(base, groupKey='{}:{alertname="same"}')).encode()
    bodies += [repeat] * 3

    def send(body: bytes) -> tuple[int, dict[str, Any]]:
        headers = {"X-Escmatrix-Signature": sign(AM_SECRET, body)}
        return post(f"{server}/ingest/alertmanager", body, headers)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, bodies))
    assert all(status in (200, 201) for status, _ in results), results
    opened = {d["issue"] for s, d in results if d["action"] == "open"}
    assert len(opened) == 13
    assert sorted(d["action"] for _, d in results).count("comment") == 2
    assert example_repo.status() == ""
    issues = [p.name for p in (example_repo.path / "issues").iterdir()]
    assert opened <= set(issues)
    assert int(example_repo.git("rev-list", "--count", "HEAD").strip()) >= 15


def test_serve_refuses_to_start_without_credentials(example_repo: Repo) -> None:
    """No token and no secret: the command refuses instead of serving an open endpoint."""
    done = subprocess.run(
        [*executable(), "serve", "--listen", "127.0.0.1:0"],
        cwd=example_repo.path,
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
        env={k: v for k, v in os.environ.items() if not k.startswith("ESCMATRIX_")},
    )
    assert done.returncode == 1 and "authentication" in done.stderr
