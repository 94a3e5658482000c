"""Matrix models build nothing at import: a default that is itself a model is made when a file
leaves it out, so commands that only read the cached matrix never build a validator or load
pydantic's plugins; the defaults and their JSON Schema are unchanged."""

from __future__ import annotations

import subprocess
import sys

from escmatrix.core.matrix import CommsFile, LadderFile, RoutingFile


def test_importing_the_matrix_models_builds_no_validator() -> None:
    probe = (
        "import sys, escmatrix.core.matrix, escmatrix.core.sla; "
        "print('pydantic.plugin._loader' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False", done.stdout + done.stderr


def test_defaults_left_out_are_made_and_shown_in_the_schema() -> None:
    comms = CommsFile.model_validate({})
    assert comms.status_update.max_length == 600
    assert comms.status_update.required == ["status", "next_steps"]
    routing = RoutingFile.model_validate({"rules": [{"id": "r"}]})
    assert routing.rules[0].when.category == []
    tier = {"id": "t", "name": "T", "held_by": "owner", "response_time": "1h"}
    ladder = LadderFile.model_validate({"tiers": [tier]})
    assert ladder.tiers[0].auto_escalate == ladder.tiers[0].auto_escalate.__class__()
    # each model gets its own default instance
    assert CommsFile.model_validate({}).status_update is not comms.status_update
    schema = CommsFile.model_json_schema()
    assert schema["properties"]["status_update"]["default"] == {
        "required": ["status", "next_steps"],
        "max_length": 600,
    }
