"""Notification rules without servers: channel fields per kind, which notices an action makes,
what the messages say, and the switches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError

from escmatrix.core.issue import IssueState
from escmatrix.core.matrix import Channel
from escmatrix.core.notices import body_for, notices_for, pager_severity
from escmatrix.store.deliver import destination, encode, scrub, signature
from escmatrix.store.matrix_loader import load_matrix
from tests.support import TIMES, Repo

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def channel(**fields: Any) -> Channel:
    return Channel.model_validate({"id": "c", "target": "#x", **fields})


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "slack"}, "a slack channel needs url_env"),
        (
            {"kind": "slack", "url_env": "U", "url": "https://hooks.slack.com/services/T/B/X"},
            "url does not apply to a slack channel",
        ),
        ({"kind": "slack", "url_env": "U", "smtp_host": "mail"}, "smtp_host does not apply"),
        ({"kind": "pagerduty"}, "a pagerduty channel needs secret_env"),
        ({"kind": "webhook"}, "exactly one of url"),
        ({"kind": "webhook", "url": "https://a.example", "url_env": "U"}, "exactly one of url"),
        ({"kind": "webhook", "url": "https://user:pw@a.example/x"}, "carries a secret"),
        (
            {"kind": "email", "target": "ops@example.com", "sender": "a@example.com"},
            "needs smtp_host",
        ),
        (
            {"kind": "email", "target": "ops", "sender": "a@example.com", "smtp_host": "m"},
            "not an email address",
        ),
        ({"kind": "dashboard", "url": "https://ops.example"}, "nothing is sent to a dashboard"),
        ({"kind": "slack", "url_env": "lower_case"}, "String should match pattern"),
    ],
)
def test_each_kind_says_which_field_it_needs(fields: dict[str, Any], message: str) -> None:
    """A channel missing what its kind needs, or holding what it cannot use, is refused by name."""
    with pytest.raises(ValidationError) as caught:
        channel(**fields)
    assert message in str(caught.value)


def test_complete_channels_of_every_kind_validate() -> None:
    """The fields listed in the report are enough for each kind."""
    channel(kind="slack", url_env="SLACK_URL")
    channel(kind="webhook", url="https://status.example/api", secret_env="HOOK_KEY")
    channel(kind="webhook", url_env="HOOK_URL")
    pd = channel(kind="pagerduty", secret_env="PD_KEY")
    assert "events.pagerduty.com/v2/enqueue" in destination(pd)
    mail = channel(
        kind="email",
        target="a@example.com, b@example.com",
        sender="bot@example.com",
        smtp_host="smtp.example.com",
        username_env="SMTP_USER",
        secret_env="SMTP_PASSWORD",
    )
    assert mail.recipients == ["a@example.com", "b@example.com"]
    assert destination(mail).startswith("smtp.example.com:587 (STARTTLS, login $SMTP_PASSWORD)")
    channel(kind="dashboard")


def test_validate_names_the_file_and_line_of_a_broken_channel(tmp_repo: Repo) -> None:
    """`escmatrix validate` points at the channel and says what it needs."""
    tmp_repo.edit("matrix/comms.yaml", "    url_env: SUPPORT_CHAT_WEBHOOK_URL\n", "")
    result = tmp_repo.cli("validate")
    assert result.exit_code == 1
    line = tmp_repo.line_of("matrix/comms.yaml", "id: support-chat")
    assert "matrix/comms.yaml" in result.output and f"{line}:" in result.output
    assert "needs url_env" in result.output


def test_signature_is_hmac_sha256_hex_of_the_exact_bytes() -> None:
    """The header value anyone can recompute with the shared key; bodies are compact JSON."""
    assert encode({"a": 1}) == b'{"a":1}'
    assert signature("key", b'{"a":1}') == (
        "sha256=88a67f24bbcdaed0e6c997404bb79a743baf44c6bab2f4c27328e3009d22e342"
    )


def test_scrub_hides_secret_values() -> None:
    """Reasons from servers and libraries are scrubbed before anyone sees them."""
    assert scrub("POST https://x/SECRET123 failed", ["SECRET123"]) == "POST https://x/*** failed"


# -- notices ------------------------------------------------------------------------------------


def state(tmp_repo: Repo, **changes: Any) -> IssueState:
    base = IssueState(
        id="26cabcdef",
        title="Checkout <!channel> returns 500",
        description="",
        category="product-defect",
        severity="sev1",
        score=None,
        impact={},
        customer=None,
        partner=None,
        tags=[],
        rule="catch-all",
        owner="alex",
        tier="team-lead",
        engaged="kim",
        status="open",
        opened_at=AT,
        opened_by="alex",
        opened_under="",
        tier_since=AT,
        owner_since=AT,
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def event(name: str, **fields: Any) -> SimpleNamespace:
    return SimpleNamespace(event=name, actor=fields.pop("actor", "alex"), at=AT, **fields)


def test_sweep_events_make_automatic_escalation_and_clock_alerts(tmp_repo: Repo) -> None:
    """The sweep's `escalated` (automatic) and `alerted` events are read by name."""
    matrix = load_matrix(tmp_repo.path)
    after = state(tmp_repo, tier="manager", engaged="pat")
    due = AT + timedelta(minutes=15)
    found = notices_for(
        matrix,
        None,
        after,
        [
            event(
                "escalated",
                previous="team-lead",
                tier="manager",
                reason="no ack",
                automatic=True,
                actor="automation",
            ),
            event("alerted", alert="breached", clock="first response", due=due, actor="automation"),
        ],
        AT + timedelta(hours=1),
    )
    assert [n.kind for n in found] == ["escalated", "breached"]
    escalated, breached = found
    assert escalated.automatic and escalated.headline == "Automatically escalated"
    assert (breached.due, breached.due_clock) == (due, "first response")
    assert breached.detail == "first response clock breached"
    assert (
        breached.overdue and "first response overdue since 2026-03-02 09:15 UTC" in breached.summary
    )
    assert set(escalated.channels) == {"support-chat", "support-email"}


def test_acknowledged_goes_to_pagers_only_and_dashboards_never(tmp_repo: Repo) -> None:
    """An acknowledgement moves a pager incident; chat and email are not told."""
    matrix = load_matrix(tmp_repo.path)
    assert notices_for(matrix, None, state(tmp_repo), [event("acknowledged", note="")], AT) == []


def test_reroute_up_the_ladder_counts_as_escalation(tmp_repo: Repo) -> None:
    """Comparing before and after: a re-route that raises the tier is announced as escalated."""
    matrix = load_matrix(tmp_repo.path)
    before = state(tmp_repo, tier="frontline", engaged="alex")
    found = notices_for(matrix, before, state(tmp_repo), [event("rerouted")], AT)
    assert [n.kind for n in found] == ["escalated"]


def test_messages_escape_slack_markup_and_carry_the_fields(tmp_repo: Repo) -> None:
    """A title cannot ping the channel; PagerDuty gets the stable key and mapped severity."""
    matrix = load_matrix(tmp_repo.path)
    (notice,) = notices_for(matrix, None, state(tmp_repo), [event("opened")], AT)
    slack = body_for(notice, channel(kind="slack", url_env="U"))
    assert "&lt;!channel&gt;" in slack["text"]  # mrkdwn text is escaped...
    header = slack["blocks"][0]["text"]
    assert header["type"] == "plain_text"  # ...and plain_text is never parsed for mentions
    pd = body_for(notice, channel(kind="pagerduty", secret_env="K"))
    assert pd["dedup_key"] == "escmatrix-26cabcdef" and pd["payload"]["severity"] == "critical"
    assert "routing_key" not in pd
    assert [pager_severity(matrix, s) for s in ("sev1", "sev2", "sev3")] == [
        "critical",
        "error",
        "warning",
    ]


def test_an_unknown_notify_mode_sends_nothing_and_says_why(
    tmp_repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ESCMATRIX_NOTIFY=dryrun (a typo) must not send for real."""
    monkeypatch.setenv("ESCMATRIX_NOTIFY", "dryrun")
    data = tmp_repo.json(
        "open", "--title", "x", "--category", "product-defect", "--severity", "sev1", now=TIMES[0]
    )
    assert data["notifications"]
    assert all("is not one of send, off, dry-run" in line for line in data["notifications"])
