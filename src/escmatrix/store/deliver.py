"""Sending one message over one channel: a Slack-compatible incoming webhook, a signed JSON
webhook, email over SMTP, or the PagerDuty Events API v2.

Secrets (webhook URLs, signing keys, routing keys, SMTP credentials) are read from the
environment variables the channel names, here, at send time; they are never returned, stored
or printed: every reason this module gives has them scrubbed out. httpx and smtplib are imported
inside the functions that use them, so start-up stays light.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from escmatrix.core.matrix import PAGERDUTY_EVENTS_URL, Channel

if TYPE_CHECKING:
    import httpx

TIMEOUT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 3.0
# The whole delivery (connect, send, every byte of the answer): a server that trickles its answer
# resets a read timeout forever, so this deadline is kept apart from the transport's timeouts.
TOTAL_SECONDS = 6.0
SIGNATURE_HEADER = "X-Escmatrix-Signature"
DELIVERY_HEADER = "X-Escmatrix-Delivery"
EVENT_HEADER = "X-Escmatrix-Event"
USER_AGENT = "escmatrix"

Status = Literal["delivered", "retry", "failed", "unconfigured"]


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt: delivered, worth retrying, failed for good, or not set up here."""

    status: Status
    reason: str = ""


def missing_env(channel: Channel, env: Mapping[str, str]) -> list[str]:
    """The environment variables this channel needs that are not set (or empty) here."""
    return [name for name in channel.secrets if not env.get(name)]


def destination(channel: Channel) -> str:
    """Where a channel sends, in words, naming environment variables instead of their values."""
    if channel.kind == "slack" or (channel.kind == "webhook" and channel.url_env):
        where = f"${channel.url_env}"
        return where + (f", signed with ${channel.secret_env}" if channel.secret_env else "")
    if channel.kind == "webhook":
        return f"{channel.url}" + (
            f", signed with ${channel.secret_env}" if channel.secret_env else ""
        )
    if channel.kind == "pagerduty":
        return f"{channel.url or PAGERDUTY_EVENTS_URL}, routing key ${channel.secret_env}"
    if channel.kind == "email":
        tls = "STARTTLS" if starttls(channel) else "no TLS"
        login = f", login ${channel.secret_env}" if channel.secret_env else ""
        return f"{channel.smtp_host}:{smtp_port(channel)} ({tls}{login}) to {channel.target}"
    return "nothing is sent"


def starttls(channel: Channel) -> bool:
    """STARTTLS unless the channel turns it off: passwords never cross the network in clear."""
    return channel.starttls is not False


def smtp_port(channel: Channel) -> int:
    return channel.smtp_port or (587 if starttls(channel) else 25)


def encode(body: Mapping[str, Any]) -> bytes:
    """The exact bytes sent for a JSON body (and signed, for a webhook): compact, keys sorted."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(key: str, data: bytes) -> str:
    """`sha256=<hex>`: the HMAC-SHA256 of the exact body bytes under the channel's key."""
    return "sha256=" + hmac.new(key.encode(), data, hashlib.sha256).hexdigest()


def send(
    channel: Channel,
    body: Mapping[str, Any],
    delivery_id: str,
    event: str,
    env: Mapping[str, str] | None = None,
) -> Outcome:
    """Try once to deliver `body` over `channel`; never raises, never reveals a secret."""
    env = os.environ if env is None else env
    missing = missing_env(channel, env)
    if missing:
        return Outcome("unconfigured", f"${missing[0]} is not set here")
    secrets = [env[name] for name in channel.secrets]
    outcome = _within_deadline(lambda: _send(channel, body, delivery_id, event, env))
    return Outcome(outcome.status, scrub(outcome.reason, secrets))


def _within_deadline(attempt: Callable[[], Outcome]) -> Outcome:
    """`attempt()` in a worker thread, given TOTAL_SECONDS in all; past that it is abandoned (a
    daemon thread, whose socket times out on its own) and the message is worth retrying later."""
    import threading

    result: list[Outcome] = []

    def work() -> None:
        try:
            result.append(attempt())
        except Exception as exc:  # a transport library surprise: keep the message, say what
            result.append(Outcome("retry", f"{type(exc).__name__}: {exc}"))

    worker = threading.Thread(target=work, name="escmatrix-delivery", daemon=True)
    worker.start()
    worker.join(TOTAL_SECONDS)
    if not result:
        return Outcome("retry", f"no complete answer within {TOTAL_SECONDS:g} s")
    return result[0]


def scrub(text: str, secrets: list[str]) -> str:
    """`text` with every secret value replaced by ***, and every part of a secret URL that a
    server may echo on its own (its path, query, token-like path segments, query values)."""
    pieces = {piece for secret in secrets for piece in _parts(secret)}
    for piece in sorted(pieces, key=len, reverse=True):
        if len(piece) >= 4:
            text = text.replace(piece, "***")
    return text


def _parts(secret: str) -> list[str]:
    from urllib.parse import parse_qsl, unquote, urlsplit

    parts = [secret]
    if not secret.startswith(("http://", "https://")):
        return parts
    url = urlsplit(secret)
    if url.path not in ("", "/"):
        parts += [url.path, unquote(url.path)]
    if url.query:
        parts += [url.query, *(value for _, value in parse_qsl(url.query) if len(value) >= 6)]
    if url.password:
        parts.append(url.password)
    for segment in url.path.split("/"):
        # a token looks like one: long, or mixing digits in (not 'services' or 'hooks')
        if len(segment) >= 16 or (len(segment) >= 6 and any(c.isdigit() for c in segment)):
            parts += [segment, unquote(segment)]
    return parts


def _send(
    channel: Channel, body: Mapping[str, Any], delivery_id: str, event: str, env: Mapping[str, str]
) -> Outcome:
    headers = {DELIVERY_HEADER: delivery_id, EVENT_HEADER: event}
    if channel.kind == "slack":
        assert channel.url_env is not None
        return _post(env[channel.url_env], encode(body), headers, f"${channel.url_env}")
    if channel.kind == "webhook":
        data = encode(body)
        if channel.secret_env:
            headers[SIGNATURE_HEADER] = signature(env[channel.secret_env], data)
        if channel.url_env:
            return _post(env[channel.url_env], data, headers, f"${channel.url_env}")
        assert channel.url is not None
        return _post(channel.url, data, headers, "the channel's url")
    if channel.kind == "pagerduty":
        assert channel.secret_env is not None
        full = {**body, "routing_key": env[channel.secret_env]}
        return _post(
            channel.url or PAGERDUTY_EVENTS_URL, encode(full), headers, "the channel's url"
        )
    if channel.kind == "email":
        return _email(channel, body, delivery_id, env)
    return Outcome("delivered", "nothing is sent to a dashboard")


def _post(url: str, data: bytes, headers: dict[str, str], where: str) -> Outcome:
    import httpx

    if not url.startswith(("https://", "http://")):
        return Outcome("failed", f"{where} is not an http(s) URL")
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers}
    timeout = httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS)
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            response = client.post(url, content=data, headers=headers)
    except httpx.TimeoutException:
        return Outcome("retry", f"no answer within {TIMEOUT_SECONDS:g} s")
    except (httpx.UnsupportedProtocol, httpx.InvalidURL):
        return Outcome("failed", f"{where} is not a usable URL")
    except httpx.TransportError as exc:
        return Outcome("retry", f"could not connect ({_first_line(exc)})")
    return _judge(response)


def _judge(response: httpx.Response) -> Outcome:
    """2xx delivered; 408, 429 and 5xx worth retrying; any other answer a permanent failure."""
    code = response.status_code
    if 200 <= code < 300:
        return Outcome("delivered", f"HTTP {code}")
    said = _first_line(response.text)[:200]
    reason = f"HTTP {code}" + (f": {said}" if said else "")
    if code in (408, 429) or code >= 500:
        return Outcome("retry", reason)
    if 300 <= code < 400:
        return Outcome("failed", reason + " (redirects are not followed; use the final URL)")
    return Outcome("failed", reason)


def _email(
    channel: Channel, body: Mapping[str, Any], delivery_id: str, env: Mapping[str, str]
) -> Outcome:
    import smtplib
    import ssl
    from email.message import EmailMessage
    from email.utils import formatdate

    assert channel.smtp_host is not None and channel.sender is not None
    message = EmailMessage()
    message["Subject"] = str(body["subject"])
    message["From"] = channel.sender
    message["To"] = ", ".join(channel.recipients)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<{delivery_id}@{channel.sender.rpartition('@')[2]}>"
    message[DELIVERY_HEADER] = delivery_id
    message.set_content(str(body["text"]))
    try:
        with smtplib.SMTP(channel.smtp_host, smtp_port(channel), timeout=TIMEOUT_SECONDS) as smtp:
            if starttls(channel):
                smtp.starttls(context=ssl.create_default_context())
            if channel.secret_env:
                user = env[channel.username_env] if channel.username_env else channel.sender
                smtp.login(user, env[channel.secret_env])
            refused = smtp.send_message(message)
    except smtplib.SMTPNotSupportedError as exc:
        return Outcome("failed", f"the SMTP server does not support that ({_first_line(exc)})")
    except smtplib.SMTPAuthenticationError as exc:
        return Outcome("failed", f"SMTP login refused ({exc.smtp_code})")
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        status: Status = "retry" if all(400 <= c < 500 for c in codes) else "failed"
        return Outcome(status, f"recipients refused: {', '.join(sorted(exc.recipients))}")
    except smtplib.SMTPResponseException as exc:
        status = "retry" if 400 <= exc.smtp_code < 500 else "failed"
        return Outcome(status, f"SMTP {exc.smtp_code}: {_first_line(exc.smtp_error)}")
    except ssl.SSLCertVerificationError as exc:
        return Outcome("failed", f"the SMTP server's certificate is not trusted ({exc.reason})")
    except TimeoutError:
        return Outcome("retry", f"no answer within {TIMEOUT_SECONDS:g} s")
    except (OSError, smtplib.SMTPException) as exc:
        return Outcome("retry", f"could not reach the SMTP server ({_first_line(exc)})")
    if refused:
        return Outcome("delivered", f"some recipients refused: {', '.join(sorted(refused))}")
    return Outcome("delivered", "accepted by the SMTP server")


def _first_line(value: object) -> str:
    name = type(value).__name__
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    lines = [line.strip() for line in str(value).splitlines() if line.strip()]
    return lines[0] if lines else name
