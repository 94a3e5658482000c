"""What `audit` holds an event and its commit to, without reading git: signing keys and their
fingerprints, the allowedSigners file git verifies SSH signatures with, and time plausibility. Pure.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime, timedelta

# An event is written and committed by one command: its `at` is the commit's author date (a
# fixed clock dates both). A commit made later than that by hand is a backdated event.
FUTURE_TOLERANCE = timedelta(minutes=5)
BACKDATE_TOLERANCE = timedelta(hours=1)
# A clock this far past everything the repository knows (the last event, HEAD's commit) is
# more likely wrong than right: the event is written, with a warning.
CLOCK_AHEAD = timedelta(days=7)

SSH_KEY = re.compile(
    r"^(?P<type>(?:ssh|ecdsa|sk)-[A-Za-z0-9@.-]+)\s+(?P<blob>[A-Za-z0-9+/]+=*)(?:\s.*)?$"
)
GPG_FINGERPRINT = re.compile(r"^[0-9A-Fa-f]{40}$|^[0-9A-Fa-f]{64}$")
KEY_PATTERN = (
    r"^((ssh|ecdsa|sk)-[A-Za-z0-9@.-]+\s+[A-Za-z0-9+/]+=*(\s.*)?|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$"
)


def fingerprint(key: str) -> str:
    """How git names the key that made a signature (`%GF`): `SHA256:…` for SSH, hex for GPG."""
    key = key.strip()
    ssh = SSH_KEY.match(key)
    if ssh:
        try:
            blob = base64.b64decode(ssh["blob"], validate=True)
        except (binascii.Error, ValueError):
            return ""
        import hashlib  # only `audit` fingerprints keys; the matrix models import this module

        digest = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
        return f"SHA256:{digest}"
    if GPG_FINGERPRINT.match(key):
        return key.upper()
    return ""


def same_key(signer: str, primary: str, keys: list[str]) -> bool:
    """Whether git's signer fingerprint (`%GF`, or the primary key's `%GP`) is one of `keys`."""
    known = {fingerprint(k) for k in keys} - {""}
    found = {signer.strip(), signer.strip().upper(), primary.strip().upper()} - {""}
    return bool(known & found)


def allowed_signers(entries: list[tuple[str, list[str]]]) -> str:
    """git's allowedSigners file (gpg.ssh.allowedSignersFile) for (email, keys) pairs: the SSH
    keys only, each allowed to sign commits (namespace "git") for its owner's email."""
    lines = []
    for email, keys in entries:
        for key in keys:
            ssh = SSH_KEY.match(key.strip())
            if ssh:
                lines.append(f'{email} namespaces="git" {ssh["type"]} {ssh["blob"]}')
    return "".join(line + "\n" for line in lines)


def time_skew(at: datetime, opened: datetime | None, authored: datetime) -> str | None:
    """Why an event's time is implausible for the commit that added it, or None."""
    if opened is not None and at < opened:
        return f"dated {at:%Y-%m-%d %H:%M:%S} UTC, before its issue was opened ({opened:%Y-%m-%d %H:%M:%S} UTC)"
    if at > authored + FUTURE_TOLERANCE:
        return (
            f"dated {at:%Y-%m-%d %H:%M:%S} UTC, after the commit that added it "
            f"({authored:%Y-%m-%d %H:%M:%S} UTC)"
        )
    if at < authored - BACKDATE_TOLERANCE:
        return (
            f"dated {at:%Y-%m-%d %H:%M:%S} UTC but committed at {authored:%Y-%m-%d %H:%M:%S} UTC: "
            f"more than {int(BACKDATE_TOLERANCE.total_seconds() // 60)} minutes earlier (backdated)"
        )
    return None


def refuse_before_opening(times: list[datetime], opened: datetime | None) -> None:
    """What `audit` would call `event-time-skew` is never written: no event before its opening."""
    from escmatrix.core.errors import Refused

    if opened is None or not times or min(times) >= opened:
        return
    raise Refused(
        f"the clock says {min(times):%Y-%m-%d %H:%M:%S} UTC, before this issue was opened "
        f"({opened:%Y-%m-%d %H:%M:%S} UTC); nothing was recorded",
        hint="check --now / ESCMATRIX_NOW and the machine's clock",
    )


def clock_ahead(at: datetime, known: list[datetime | None]) -> str | None:
    """A warning when the clock that dates an event is far past the newest time the repository
    knows (a laptop clock years ahead, a mistyped --now), or None."""
    newest = max((k for k in known if k is not None), default=None)
    if newest is None or at - newest <= CLOCK_AHEAD:
        return None
    days = (at - newest).days
    return (
        f"warning: the clock says {at:%Y-%m-%d %H:%M} UTC, {days} days after the newest time this "
        f"repository knows ({newest:%Y-%m-%d %H:%M} UTC); if the machine's clock or --now is "
        "wrong, record a correcting comment: audit dates events by it"
    )
