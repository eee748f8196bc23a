"""The purpose's part of the OpenAPI document (``service.openapi``): its bodies and addresses.

The bodies are the domain models' own JSON Schemas (``graph.purpose.model``), so the
document, the validation and the schema fuzzing cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from graph.purpose.records import ITEM_MODELS
from service.api_purpose import ADDED, PLURAL, UPDATED, VersionStatus

__all__ = ["purpose_paths", "purpose_schemas"]

Schema = dict[str, Any]
_MODELS: tuple[type[BaseModel], ...] = (*ITEM_MODELS.values(), VersionStatus)


def purpose_schemas() -> dict[str, Schema]:
    """The bodies, and what the board, an item and a warning look like."""
    _, top = models_json_schema([(m, "validation") for m in _MODELS],
                                ref_template="#/components/schemas/{model}")
    schemas: dict[str, Schema] = dict(top["$defs"])
    anything = {"type": "object"}
    schemas.update({
        "PurposeWarning": {
            "type": "object", "required": ["kind", "message", "evidence"],
            "properties": {"kind": {"type": "string", "enum": [
                "group_imbalance", "missing_voices", "hippo", "reads_like_aim", "service_role",
                "de_facto_purpose", "persona_unreflected"]},
                "message": {"type": "string"}, "evidence": anything},
        },
        "PurposeItem": {"type": "object", "required": ["id", "item_kind"],
                        "properties": {"id": {"type": "string"},
                                       "item_kind": {"type": "string",
                                                     "enum": list(PLURAL)}}},
        "PurposeBoard": {
            "type": "object",
            "required": ["constituency", "our", "shared", "purpose", "rounds", "personas",
                         "balance", "warnings", "checklist"],
            "properties": {"constituency": {"type": "string"}, "our": anything,
                           "shared": anything, "purpose": anything,
                           "rounds": {"type": "array", "items": anything},
                           "personas": {"type": "array", "items": anything},
                           "balance": anything,
                           "warnings": {"type": "array",
                                        "items": {"$ref": "#/components/schemas/"
                                                          "PurposeWarning"}},
                           "checklist": {"type": "array", "items": anything}},
        },
        "PurposeItems": {"type": "object", "required": ["constituency"], "properties": {
            "constituency": {"type": "string"},
            **{plural: {"type": "array", "items": anything} for plural in PLURAL.values()}}},
    })
    return schemas


def purpose_paths(c: str) -> dict[str, Schema]:
    """Every address of the purpose under ``c`` (``/api/v1/constituencies``)."""
    from service.openapi import _json_content, _op, _ref

    n, one = ("name",), ("name", "item_id")
    item = _ref("PurposeItem")
    base = f"{c}/{{name}}/purpose"
    paths: dict[str, Schema] = {
        base: {"get": _op("getPurposeBoard", "The board of our shared purpose: our, shared "
                          "and purpose, the balance, the warnings and the reflection questions",
                          "viewer", params=n, ok=("200", "The board", _ref("PurposeBoard")))},
        f"{base}/board.csv": {"get": _op(
            "getPurposeBoardCsv", "The board as CSV (one row per group, missing voice and "
            "contribution)", "viewer", params=n, ok=("200", "The CSV", None))},
        f"{base}/items": {"get": _op("listPurposeItems", "Every item of the purpose, by kind",
                                     "viewer", params=n,
                                     ok=("200", "The items", _ref("PurposeItems")))},
        f"{base}/warnings": {"get": _op(
            "listPurposeWarnings", "The warnings that keep the purpose honest", "viewer",
            params=n, ok=("200", "The warnings", {"type": "array",
                                                  "items": _ref("PurposeWarning")}))},
        f"{base}/rounds/{{item_id}}/close": {"post": _op(
            "closePurposeRound", "Close a round today", "editor", params=one,
            ok=("200", "The round", item), extra=("400", "422"))},
        f"{base}/contributions/{{item_id}}/mine": {"put": _op(
            "editOwnContribution", "Change your own contribution (403 for anyone else's)",
            "editor", params=one, body=_json_content(_ref("Contribution")),
            ok=("200", "The contribution", item), extra=("403",))},
        f"{base}/contributions/{{item_id}}/withdraw": {"post": _op(
            "withdrawOwnContribution", "Withdraw your own contribution (403 for anyone "
            "else's)", "editor", params=one, ok=("200", "The contribution", item),
            extra=("400", "403", "422"))},
        f"{base}/statements/{{item_id}}/versions": {"post": _op(
            "addStatementVersion", "A new version of a statement", "editor", params=one,
            body=_json_content(_ref("StatementVersion")),
            ok=("201", "The version, with its id", item))},
        f"{base}/versions/{{item_id}}/status": {"put": _op(
            "setStatementVersionStatus", "Move a version on; making one current retires the "
            "one that was", "editor", params=one, body=_json_content(_ref("VersionStatus")),
            ok=("200", "The version", item))},
    }
    for kind, plural in PLURAL.items():
        title = plural.capitalize()
        if plural in ADDED:
            model = ADDED[plural][0].__name__
            paths[f"{base}/{plural}"] = {"post": _op(
                f"add{title}", f"Add a {kind} of the purpose", "editor", params=n,
                body=_json_content(_ref(model)), ok=("201", "Added, with its id", item))}
        operations: Schema = {
            "get": _op(f"get{title[:-1]}", f"One {kind} of the purpose", "viewer",
                       params=one, ok=("200", f"The {kind}", item)),
            "delete": _op(f"remove{title[:-1]}", f"Remove a {kind} entered by mistake "
                          "(undoable from the history)", "editor", params=one,
                          ok=("204", "Removed", None)),
        }
        if plural in UPDATED:
            operations["put"] = _op(
                f"replace{title[:-1]}", f"Replace a {kind}", "editor", params=one,
                body=_json_content(_ref(UPDATED[plural][0].__name__)),
                ok=("200", f"The {kind}", item))
        paths[f"{base}/{plural}/{{item_id}}"] = operations
    return paths
