"""JSON Schema (Draft 2020-12) for every matrix file kind and for event files, from the models.

Rendered with sorted keys and a trailing newline, so the same models always give the same bytes
and `escmatrix schema --check` can compare them with the committed files.
"""

from __future__ import annotations

import json
from typing import Any

from escmatrix.core.event_models import EVENT_ADAPTER
from escmatrix.core.matrix import MATRIX_FILES
from escmatrix.core.types import ID_PATTERN

DIALECT = "https://json-schema.org/draft/2020-12/schema"
EVENT_SCHEMA = "event.schema.json"


def schema_name(kind: str) -> str:
    """The file name of matrix/<kind>.yaml's schema, as init's editor comment names it."""
    return f"{kind}.schema.json"


def schema_documents() -> dict[str, dict[str, Any]]:
    """Each schema file's name and content."""
    documents: dict[str, dict[str, Any]] = {}
    for kind, model in MATRIX_FILES.items():
        schema = model.model_json_schema(by_alias=True, mode="validation")
        documents[schema_name(kind)] = _document(schema, f"escmatrix matrix/{kind}.yaml")
    events = EVENT_ADAPTER.json_schema(by_alias=True, mode="validation")
    documents[EVENT_SCHEMA] = _document(events, "escmatrix event file (issues/ID/*.yaml)")
    return documents


def _document(schema: dict[str, Any], title: str) -> dict[str, Any]:
    return {"$schema": DIALECT, **_with_id_pattern(_described(schema)), "title": title}


def _described(node: Any) -> Any:
    """Every property given a description (core/field_docs.py) where its model has none."""
    from escmatrix.core.field_docs import describe_field

    if isinstance(node, list):
        return [_described(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _described(value) for key, value in node.items()}
    properties = out.get("properties")
    if isinstance(properties, dict):
        for name, prop in properties.items():
            if isinstance(prop, dict) and "description" not in prop:
                text = describe_field(node.get("title"), name)
                if text:
                    prop["description"] = text
    return out


def _with_id_pattern(node: Any) -> Any:
    """Put the id pattern back where pydantic dropped it.

    `Id` checks its pattern after a before-validator, and pydantic then leaves the pattern out
    of the JSON schema; an id is the only string limited to 64 characters, so it is recognised
    by that.
    """
    if isinstance(node, list):
        return [_with_id_pattern(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _with_id_pattern(value) for key, value in node.items()}
    if (
        out.get("maxLength") == 64
        and out.get("type", "string") == "string"
        and "pattern" not in out
    ):
        out["pattern"] = ID_PATTERN
    return out


def render_schemas() -> dict[str, str]:
    """Each schema file's name and exact text."""
    return {
        name: json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        for name, document in sorted(schema_documents().items())
    }
