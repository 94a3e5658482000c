"""Interactive `open` in a terminal: a unique prefix or the number of a listed choice, choices
listed again after a miss, and each severity's targets beside its name."""

from __future__ import annotations

import json
import os

import pexpect

from escmatrix.cli.choices import pick
from tests.support import T0, Repo, executable


def test_pick_by_id_number_or_unique_prefix() -> None:
    ids = ["product-defect", "partner-integration", "service-downtime"]
    assert pick("service-downtime", ids) == ("service-downtime", ["service-downtime"])
    assert pick("2", ids)[0] == "partner-integration"
    assert pick("SERV", ids)[0] == "service-downtime"
    assert pick("p", ids) == (None, ["product-defect", "partner-integration"])
    assert pick("9", ids) == (None, [])
    assert pick("", ids) == (None, [])


def test_interactive_open_in_a_terminal(tmp_repo: Repo) -> None:
    command, *args = executable()
    env = dict(os.environ) | {"ESCMATRIX_NOW": T0, "COLUMNS": "160", "NO_COLOR": "1"}
    child = pexpect.spawn(
        command,
        [*args, "--repo", str(tmp_repo.path), "open", "-f", "json"],
        env=env,
        encoding="utf-8",
        timeout=30,
    )
    child.expect("Title")
    child.sendline("Checkout returns 500")
    child.expect(r"1\s+product-defect")
    child.expect("Category")
    child.sendline("nonsense")  # a miss: said, and the choices listed again
    child.expect("no category matches 'nonsense'")
    child.expect(r"1\s+product-defect")
    child.expect("Category")
    child.sendline("prod")  # a unique prefix
    child.expect(r"sev1\s+Critical — respond 15m, update every 30m, resolve in 4h")
    child.expect(
        r"sev3\s+Minor — respond 4h, update every 1 working day, resolve in 5 working days \(office hours\)"
    )
    child.expect("Severity")
    child.sendline("s")  # ambiguous: asked again
    child.expect("could be sev1, sev2, sev3")
    child.expect("Severity")
    child.sendline("2")  # the number of a listed choice
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    data = json.loads(child.before[child.before.index("{") :])
    assert (data["title"], data["category"], data["severity"]) == (
        "Checkout returns 500",
        "product-defect",
        "sev2",
    )
