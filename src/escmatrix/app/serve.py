"""`escmatrix serve`: the ingest path behind HTTP, as a WSGI application (waitress serves it).

POST /ingest/<source> only. Every request is authenticated: an HMAC signature where a secret is
configured for the source (Zendesk's own scheme, or `X-Escmatrix-Signature`/`X-Hub-Signature:
sha256=<hex>` over the body), otherwise `Authorization: Bearer <token>`. Bodies are bounded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from escmatrix.core.errors import EscmatrixError, InvalidInput
from escmatrix.core.intake import MAX_PAYLOAD_BYTES
from escmatrix.core.matrix import INTAKE_SOURCES

TOKEN_ENV = "ESCMATRIX_SERVE_TOKEN"
HMAC_ENV = "ESCMATRIX_HMAC_{}"  # per source, e.g. ESCMATRIX_HMAC_ZENDESK

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass(frozen=True)
class Credentials:
    """The shared token and the per-source HMAC secrets, as configured in the environment."""

    token: str | None
    secrets: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Credentials:
        secrets = {
            source: env[HMAC_ENV.format(source.upper())]
            for source in INTAKE_SOURCES
            if env.get(HMAC_ENV.format(source.upper()))
        }
        return cls(env.get(TOKEN_ENV) or None, secrets)

    @property
    def any(self) -> bool:
        return bool(self.token or self.secrets)


def authenticate(
    creds: Credentials, source: str, headers: Mapping[str, str], body: bytes
) -> str | None:
    """None when the request may proceed, else why not (never which secret was expected)."""
    secret = creds.secrets.get(source)
    if secret is not None:
        return None if _signed(secret, source, headers, body) else "bad or missing signature"
    if creds.token is None:
        return "no credentials are configured for this source"
    given = headers.get("authorization", "")
    expected = f"Bearer {creds.token}"
    return (
        None if hmac.compare_digest(given.encode(), expected.encode()) else "bad or missing token"
    )


def _signed(secret: str, source: str, headers: Mapping[str, str], body: bytes) -> bool:
    key = secret.encode()
    if source == "zendesk" and "x-zendesk-webhook-signature" in headers:
        # Zendesk: base64(HMAC-SHA256(secret, timestamp + body))
        stamp = headers.get("x-zendesk-webhook-signature-timestamp", "").encode()
        want = base64.b64encode(hmac.new(key, stamp + body, hashlib.sha256).digest()).decode()
        return hmac.compare_digest(want, headers["x-zendesk-webhook-signature"])
    given = headers.get("x-escmatrix-signature") or headers.get("x-hub-signature") or ""
    want = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, given)


def sign(secret: str, body: bytes) -> str:
    """The `X-Escmatrix-Signature` value for `body` (for senders and tests)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class IngestApp:
    """The WSGI application: one Workspace per request, so requests share nothing but the locks."""

    def __init__(self, root: Path, creds: Credentials, make_clock: Callable[[], Any]) -> None:
        self.root, self.creds, self.make_clock = root, creds, make_clock

    def __call__(self, environ: dict[str, Any], start: StartResponse) -> Iterable[bytes]:
        status, data = self._handle(environ)
        body = (json.dumps(data, default=str) + "\n").encode()
        start(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def _handle(self, environ: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        path = str(environ.get("PATH_INFO", ""))
        source = path.removeprefix("/ingest/")
        if not path.startswith("/ingest/") or source not in INTAKE_SOURCES:
            return "404 Not Found", {"error": f"POST /ingest/<{'|'.join(INTAKE_SOURCES)}>"}
        if environ.get("REQUEST_METHOD") != "POST":
            return "405 Method Not Allowed", {"error": "POST only"}
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return "400 Bad Request", {"error": "bad Content-Length"}
        if length > MAX_PAYLOAD_BYTES:
            return "413 Content Too Large", {"error": f"at most {MAX_PAYLOAD_BYTES} bytes"}
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            key[5:].replace("_", "-").lower(): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        refused = authenticate(self.creds, source, headers, body)
        if refused:
            return "401 Unauthorized", {"error": refused}
        return self._ingest(source, body)

    def _ingest(self, source: str, body: bytes) -> tuple[str, dict[str, Any]]:
        from escmatrix.app.intake import ingest
        from escmatrix.app.notify import after_record
        from escmatrix.app.workspace import Workspace

        ws = Workspace(self.root, self.make_clock())
        try:
            done = ingest(ws, source, body, f"POST /ingest/{source}")
        except InvalidInput as exc:
            return "422 Unprocessable Content", {
                "error": exc.message.splitlines()[0],
                "problems": [str(p) for p in exc.problems],
            }
        except EscmatrixError as exc:
            return "409 Conflict", {"error": exc.message, "hint": exc.hint}
        plan, recorded = done.plan, done.recorded
        data: dict[str, Any] = {
            "action": plan.action,
            "reason": plan.reason,
            "issue": recorded.state.id if recorded else plan.issue,
            "commit": recorded.commit if recorded else None,
        }
        if recorded is not None:
            data["notifications"] = after_record(ws, recorded, recorded.before)
        return ("201 Created" if plan.action == "open" else "200 OK"), data
