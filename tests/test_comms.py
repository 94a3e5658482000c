"""`comms draft`: plain-language updates that never leak what is internal (issue 6, point 2)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import yaml

from tests.support import Repo

OPENED = "2026-11-24T09:00:00Z"  # a Tuesday
LATER = "2026-11-24T09:30:00Z"
NOTE = "Legal says we must not admit liability to Kestrel before Friday"
OTHER_CUSTOMER = "Orion Health Network"
PHONE = "+44 20 5550 3312"  # noah's phone number in matrix/people.yaml
DESCRIPTION = "Kafka consumer lag on payout-router after the 4.12 deploy"


def act_as(repo: Repo, email: str) -> None:
    repo.git("config", "user.email", email)
    repo.git("config", "user.name", email.split("@")[0])


def planted_issue(repo: Repo) -> str:
    """A partner issue for a customer, with internal material planted in every field it could leak from."""
    act_as(repo, "noah.fischer@ledgerline.example")
    issue = repo.open(
        "Card payouts stuck in pending",
        "partner-integration-failure",
        "sev2",
        "--customer", "brightwater-retail", "--partner", "kestrel-payments",
        "--description", DESCRIPTION,
        now=OPENED,
    )  # fmt: skip
    repo.ok(
        "ack", issue, "--on-behalf", "--reason", "Covering while the engaged person is on a call",
        now="2026-11-24T09:05:00Z",
    )  # fmt: skip
    repo.ok(
        "update", issue,
        "--status", f"Payouts for {OTHER_CUSTOMER} are also stuck; call Noah on {PHONE}. A hotfix is ready.",
        "--next", "Kestrel is checking its gateway; RCA to follow.",
        "--dependencies", "Waiting on Orion Health's finance team",
        now="2026-11-24T09:10:00Z",
    )  # fmt: skip
    repo.ok("comment", issue, "--internal", NOTE, now="2026-11-24T09:15:00Z")
    repo.ok(
        "comment", issue, "Orion Health escalated through their CSM", now="2026-11-24T09:16:00Z"
    )
    return issue


def draft(repo: Repo, issue: str, audience: str, *extra: str) -> dict[str, Any]:
    data = repo.json("comms", "draft", issue, "--audience", audience, *extra, now=LATER)
    assert isinstance(data, dict)
    return data


def test_partner_draft_never_contains_internal_fields(example_repo: Repo) -> None:
    """No internal note, other customer's name, phone number, description or dependency in it."""
    issue = planted_issue(example_repo)
    data = draft(example_repo, issue, "partner")
    text = data["text"]
    assert data["recipient"]["id"] == "kestrel-payments"
    for leak in (NOTE, "admit liability", "Orion", "Brightwater", PHONE, "5550 3312", DESCRIPTION,
                 "Kafka", "finance team", "CSM"):  # fmt: skip
        assert leak.lower() not in text.lower(), leak
    assert "Card payouts stuck in pending" in text
    assert "another customer" in text  # the other customer's name was replaced, not just dropped
    assert "[phone number withheld]" in text
    withheld = " ".join(data["withheld"])
    assert "another customer's name" in withheld and "a phone number" in withheld
    assert "internal notes (1)" in withheld


def test_jargon_is_flagged_with_line_and_column(example_repo: Repo) -> None:
    """Terms from the matrix's jargon list are flagged where they appear, with plain words."""
    issue = planted_issue(example_repo)
    data = draft(example_repo, issue, "partner")
    found = {j["term"].lower(): j for j in data["jargon"]}
    assert {"hotfix", "rca"} <= set(found)
    lines = data["text"].splitlines()
    hit = found["hotfix"]
    assert lines[hit["line"] - 1][hit["column"] - 1 :].lower().startswith("hotfix")
    assert found["rca"]["instead"] == "what caused it"
    table = example_repo.ok("comms", "draft", issue, "--audience", "partner", now=LATER)
    assert "jargon: 'hotfix' at line" in table.output


def test_customer_draft_names_only_the_customer(example_repo: Repo) -> None:
    """The customer sees its own name, never another customer's, nor the internal note."""
    issue = planted_issue(example_repo)
    text = draft(example_repo, issue, "customer")["text"]
    assert "Brightwater Retail Group" in text
    for leak in ("Orion", NOTE, PHONE, "Kestrel"):
        assert leak not in text, leak


def test_times_are_concrete_in_the_recipients_timezone(example_repo: Repo) -> None:
    """Next update and expected fix are written as local times: New York for Brightwater,
    London for Kestrel, each from its own contract's cadence."""
    issue = planted_issue(example_repo)
    customer = draft(example_repo, issue, "customer")
    # Brightwater's sev2 contract: an update every 2h after the 09:10 update → 11:10 → 11:15 UTC.
    assert customer["next_update"] == "2026-11-24T11:15:00Z"
    assert "Tuesday 24 November 2026 at 06:15 New York time (EST)" in customer["text"]
    assert customer["expected_resolution"] == "2026-11-26T09:00:00Z"
    assert "Thursday 26 November 2026 at 04:00 New York time (EST)" in customer["text"]
    partner = draft(example_repo, issue, "partner")
    assert "London time (GMT)" in partner["text"]


def test_a_partner_sees_only_what_its_contract_allows(example_repo: Repo) -> None:
    """Harborline's contract shares no resolution time; Maple & Finch's no next-update time."""
    issue = planted_issue(example_repo)
    harborline = draft(example_repo, issue, "partner", "--to", "harborline-erp")
    assert harborline["expected_resolution"] is None
    assert "fixed by" not in harborline["text"]
    assert harborline["add_by_hand"] == ["affected connectors"]
    assert "Kestrel" not in harborline["text"]  # another partner's name
    maple = draft(example_repo, issue, "customer", "--to", "maple-finch")
    assert maple["next_update"] is None and "next update: by" not in maple["text"].lower()
    assert "Brightwater" not in maple["text"]


def test_executive_briefing_is_internal(example_repo: Repo) -> None:
    """The executive sponsor gets everything, internal note included, in their timezone."""
    issue = planted_issue(example_repo)
    data = draft(example_repo, issue, "executive")
    assert data["recipient"]["id"] == "maria"  # sponsor of Partner Operations
    assert NOTE in data["text"] and DESCRIPTION in data["text"]
    assert "New York time" in data["text"]


def test_record_stores_what_was_told_and_commits(example_repo: Repo) -> None:
    """--record writes one `communicated` event (text and SHA-256) in one commit."""
    issue = planted_issue(example_repo)
    commits = example_repo.commit_count()
    data = draft(example_repo, issue, "partner", "--record")
    assert example_repo.commit_count() == commits + 1
    [path] = example_repo.changed_in()
    assert path.endswith("-communicated.yaml")
    event = yaml.safe_load((example_repo.path / path).read_text())
    assert event["audience"] == "partner" and event["recipient"] == "kestrel-payments"
    assert event["text"] == data["text"]
    assert event["sha256"] == hashlib.sha256(data["text"].encode()).hexdigest() == data["sha256"]
    assert example_repo.trailers()["Escmatrix-Action"] == "comms"
    timeline = example_repo.show(issue, now=LATER)["timeline"]
    assert timeline[-1]["event"] == "communicated"


def test_templates_come_from_the_repository(example_repo: Repo) -> None:
    """An edited template is used; a broken one is refused with file:line; no HTML escaping."""
    issue = planted_issue(example_repo)
    path = example_repo.path / "playbooks" / "templates" / "customer.md.j2"
    path.write_text("Dear {{ recipient.name }} & team: <{{ issue.title }}>\n")
    assert draft(example_repo, issue, "customer")["text"] == (
        "Dear Brightwater Retail Group & team: <Card payouts stuck in pending>\n"
    )
    path.write_text("line one\n{{ issue.nope.deeper }}\n")
    result = example_repo.cli("comms", "draft", issue, "--audience", "customer", now=LATER)
    assert result.exit_code == 1, result.output
    assert "playbooks/templates/customer.md.j2:2" in result.output
    assert "Traceback" not in result.output


def test_a_template_cannot_reach_outside_its_context(example_repo: Repo) -> None:
    """Templates run sandboxed: no attribute tricks to Python internals."""
    issue = planted_issue(example_repo)
    path = example_repo.path / "playbooks" / "templates" / "partner.md.j2"
    path.write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    result = example_repo.cli("comms", "draft", issue, "--audience", "partner", now=LATER)
    assert result.exit_code == 1, result.output
    assert "subclasses" not in result.stdout


def test_a_hard_coded_name_in_a_template_is_still_withheld(example_repo: Repo) -> None:
    """The rendered text is checked again: a template that names another customer is cut."""
    issue = planted_issue(example_repo)
    path = example_repo.path / "playbooks" / "templates" / "partner.md.j2"
    path.write_text("Also affected: Orion Health Network. Call +49 30 5550 1047.\n")
    data = draft(example_repo, issue, "partner")
    assert "Orion" not in data["text"] and "5550 1047" not in data["text"]


def test_no_customer_is_a_usage_error(example_repo: Repo) -> None:
    act_as(example_repo, "lena.vogel@ledgerline.example")
    issue = example_repo.open("Export broken", "product-defect", "sev3", now=OPENED)
    result = example_repo.cli("comms", "draft", issue, "--audience", "partner", now=LATER)
    assert result.exit_code == 2, result.output
    assert "has no partner" in result.output


def test_update_requires_next_update_by_when_the_template_asks(tmp_repo: Repo) -> None:
    """status_update.required may list next_update_by: an update without it is refused, naming it."""
    tmp_repo.edit("matrix/comms.yaml", "required: [status, next_steps]",
                  "required: [status, next_steps, next_update_by]")  # fmt: skip
    tmp_repo.git("commit", "-qam", "require a next update time")
    issue = tmp_repo.open(now="2026-03-02T09:00:00Z")
    result = tmp_repo.cli("update", issue, "-m", "Reproduced", "--next", "Roll back",
                          now="2026-03-02T09:10:00Z")  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "missing next_update_by" in result.output and "--next-update-by" in result.output
    done = tmp_repo.json("update", issue, "-m", "Reproduced", "--next", "Roll back",
                         "--next-update-by", "90m", now="2026-03-02T09:10:00Z")  # fmt: skip
    assert done["status"] == "open"
    [path] = tmp_repo.changed_in()
    event = yaml.safe_load((tmp_repo.path / path).read_text())
    assert event["next_update_by"] == "2026-03-02T10:40:00Z"
    past = tmp_repo.cli("update", issue, "-m", "x", "--next", "y",
                        "--next-update-by", "2026-03-02T08:00:00Z", now="2026-03-02T09:20:00Z")  # fmt: skip
    assert past.exit_code == 2 and "not in the future" in past.output


def test_a_promised_next_update_is_what_the_draft_says(example_repo: Repo) -> None:
    """--next-update-by on an update becomes the draft's next update time."""
    act_as(example_repo, "lena.vogel@ledgerline.example")
    issue = example_repo.open("Exports fail", "product-defect", "sev3", "--customer",
                              "maple-finch", now=OPENED)  # fmt: skip
    example_repo.ok("update", issue, "-m", "Reproduced", "--next", "Fixing",
                    "--next-update-by", "2026-11-24T15:00:00Z", now="2026-11-24T09:20:00Z")  # fmt: skip
    data = draft(example_repo, issue, "customer", "--to", "brightwater-retail")
    assert data["next_update"] == "2026-11-24T15:00:00Z"


def test_jargon_accepts_plain_terms_and_suggestions(tmp_repo: Repo) -> None:
    """`jargon:` items are a term, or {term, instead}; an unknown key is a schema error."""
    comms = tmp_repo.path / "matrix" / "comms.yaml"
    base = comms.read_text()
    comms.write_text(base + "jargon: [MTTR, {term: P1, instead: most urgent}]\n")
    assert tmp_repo.cli("validate", now="2026-03-02T09:00:00Z").exit_code == 0
    comms.write_text(base + "jargon: [{term: P1, says: x}]\n")
    result = tmp_repo.cli("validate", "--format", "json", now="2026-03-02T09:00:00Z")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)
    assert finding["file"] == "matrix/comms.yaml" and "says" in finding["message"]
