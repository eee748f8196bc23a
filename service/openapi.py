"""The OpenAPI 3.1 document of the JSON API, served at ``/api/v1/openapi.json``.

Request bodies are the JSON Schemas of the domain model (``Person``, ``Relationship``,
``Constituency``), so the document and the validation cannot drift apart; a test checks that
every route of the ``api`` blueprint is described here and nothing else is.

Example:
    >>> doc = build_document()
    >>> doc["openapi"], "/api/v1/constituencies/{name}/analysis" in doc["paths"]
    ('3.1.0', True)
"""

from __future__ import annotations

import copy
from importlib import metadata
from typing import Any

from pydantic.json_schema import models_json_schema

from graph.analysis.gaps import GAP_KINDS
from graph.analysis.result import SEVERITIES
from graph.model import Constituency, Person, Relationship
from service.api import DEFAULT_LIMIT, MAX_HOPS, MAX_LIMIT

__all__ = ["build_document"]

Schema = dict[str, Any]
PREFIX = "/api/v1"
_REF = "#/components/schemas/{model}"


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _model_schemas() -> dict[str, Schema]:
    _, top = models_json_schema(
        [(Person, "validation"), (Relationship, "validation"), (Constituency, "validation")],
        ref_template=_REF,
    )
    schemas: dict[str, Schema] = dict(top["$defs"])
    person = schemas["Person"]
    schemas["PersonChanges"] = {
        **copy.deepcopy(person), "title": "PersonChanges", "required": [],
        "description": "Some fields of a person; those left out keep their value (PATCH), or "
                       "take their defaults (PUT). 'id', if given, must match the address.",
    }
    relationship = schemas["Relationship"]
    schemas["RelationshipChanges"] = {
        **copy.deepcopy(relationship), "title": "RelationshipChanges", "required": [],
        "description": "The trust strengths, recruited and since of a recorded tie; 'source' "
                       "and 'target', if given, must match the address.",
    }
    constituency = schemas["Constituency"]["properties"]
    schemas["ConstituencyChanges"] = {
        "title": "ConstituencyChanges", "type": "object", "additionalProperties": False,
        "properties": {key: copy.deepcopy(constituency[key])
                       for key in ("description", "expected_segments")},
    }
    return schemas


def _schemas() -> dict[str, Schema]:
    schemas = _model_schemas()
    count = {"type": "integer", "minimum": 0}
    schemas.update({
        "Problem": {
            "type": "object", "required": ["field", "reason"],
            "properties": {"field": {"type": "string", "description": "e.g. group, segments[0]"},
                           "reason": {"type": "string"}},
        },
        "ImportProblem": {
            "type": "object", "required": ["file", "line", "column", "reason"],
            "properties": {"file": {"type": "string"},
                           "line": {"type": ["integer", "null"]},
                           "column": {"type": ["string", "null"]},
                           "reason": {"type": "string"}},
        },
        "Error": {
            "type": "object", "required": ["error", "message"],
            "properties": {
                "error": {"type": "string", "examples": ["invalid", "not_found"]},
                "message": {"type": "string"},
                "problems": {"type": "array", "items": {"anyOf": [
                    _ref("Problem"), _ref("ImportProblem")]}},
            },
        },
        "ConstituencyView": {
            "type": "object",
            "required": ["name", "description", "expected_segments", "people", "relationships",
                         "role"],
            "properties": {
                "name": {"type": "string"}, "description": {"type": "string"},
                "expected_segments": {"type": "array", "items": {"type": "string"}},
                "people": count, "relationships": count,
                "role": {"enum": ["viewer", "editor", "owner"],
                         "description": "the caller's role in this constituency"},
            },
        },
        "ConstituencyList": {
            "type": "object", "required": ["items", "total"],
            "properties": {"items": {"type": "array", "items": _ref("ConstituencyView")},
                           "total": count},
        },
        "PersonPage": _page_schema("Person"),
        "RelationshipPage": _page_schema("Relationship"),
        "Gap": {
            "type": "object", "required": ["kind", "severity", "subject", "message", "evidence"],
            "properties": {
                "kind": {"enum": list(GAP_KINDS)}, "severity": {"enum": list(SEVERITIES)},
                "subject": {"type": "string"},
                "message": {"type": "string", "description": "plain words for a change lead"},
                "evidence": {"type": "object", "description": "the numbers behind it"},
            },
        },
        "GapList": {
            "type": "object", "required": ["constituency", "gaps", "total"],
            "properties": {"constituency": {"type": "string"},
                           "gaps": {"type": "array", "items": _ref("Gap")}, "total": count},
        },
        "Analysis": _analysis_schema(),
        "ImportCounts": {
            "type": "object", "required": ["added", "updated", "unchanged"],
            "properties": {"added": count, "updated": count, "unchanged": count},
        },
        "ImportResult": {
            "type": "object",
            "required": ["constituency", "people", "relationships", "changed", "warnings"],
            "properties": {
                "constituency": {"type": "string"},
                "people": _ref("ImportCounts"), "relationships": _ref("ImportCounts"),
                "changed": {"type": "boolean"},
                "change_set": {"type": ["integer", "null"],
                               "description": "the change set it recorded (null: no change)"},
                "warnings": {"type": "array", "items": {"type": "string"}},
            },
        },
        "FieldChange": {
            "type": "object", "required": ["kind", "subject", "field", "before", "after"],
            "properties": {
                "kind": {"type": "string", "enum": ["person", "tie", "map"]},
                "subject": {"type": "string"}, "field": {"type": "string"},
                "before": {"type": "array", "items": {"type": "object"},
                           "description": "the field's values over time: [{from, value}]"},
                "after": {"type": "array", "items": {"type": "object"}},
            },
        },
        "ChangeSet": {
            "type": "object",
            "required": ["id", "recorded_at", "by", "via", "summary", "changes"],
            "properties": {
                "id": {"type": "integer"},
                "recorded_at": {"type": "string", "format": "date-time"},
                "by": {"type": "string"}, "via": {"type": "string"},
                "summary": {"type": "string"},
                "undoes": {"type": ["integer", "null"]},
                "undone_by": {"type": ["integer", "null"]},
                "change_count": {"type": "integer"},
                "changes": {"type": "array", "items": _ref("FieldChange")},
            },
        },
        "ChangeSetPage": {
            "type": "object", "required": ["items"],
            "properties": {"items": {"type": "array", "items": _ref("ChangeSet")},
                           "limit": {"type": "integer"},
                           "next_before": {"type": ["integer", "null"]}},
        },
        "UndoResult": {
            "type": "object", "required": ["undone", "change_set"],
            "properties": {"undone": {"type": "integer"},
                           "change_set": {"anyOf": [_ref("ChangeSet"), {"type": "null"}]}},
        },
        "MapChanges": {
            "type": "object",
            "required": ["since", "until", "joined", "left", "moved_up", "moved_down",
                         "ties_formed", "ties_ended", "trust_changes", "core", "gaps_opened",
                         "gaps_closed"],
            "properties": {
                "since": {"type": "string", "format": "date"},
                "until": {"type": "string", "format": "date"},
                "joined": {"type": "array", "items": {"type": "string"}},
                "left": {"type": "array", "items": {"type": "string"}},
                "moved_up": {"type": "array", "items": {"type": "object"}},
                "moved_down": {"type": "array", "items": {"type": "object"}},
                "declared_roles": {"type": "array", "items": {"type": "object"}},
                "inferred_roles": {"type": "array", "items": {"type": "object"}},
                "ties_formed": {"type": "array", "items": {"type": "object"}},
                "ties_ended": {"type": "array", "items": {"type": "object"}},
                "trust_changes": {"type": "array", "items": {"type": "object"}},
                "core": {"type": "object"},
                "gaps_opened": {"type": "array", "items": _ref("Gap")},
                "gaps_closed": {"type": "array", "items": _ref("Gap")},
            },
        },
        "ImportFiles": {
            "type": "object", "required": ["people", "relationships"],
            "properties": {
                "people": {"type": "string", "contentMediaType": "text/csv",
                           "description": "people.csv (columns as for 'movemap import')"},
                "relationships": {"type": "string", "contentMediaType": "text/csv",
                                  "description": "relationships.csv"},
                "replace": {"type": "string", "enum": ["yes", "no"],
                            "description": "yes: the map then holds exactly these files"},
                "on": {"type": "string", "format": "date",
                       "description": "the files are the map as it stood on this date"},
            },
        },
    })
    return schemas


def _page_schema(item: str) -> Schema:
    count = {"type": "integer", "minimum": 0}
    return {
        "type": "object", "required": ["items", "total", "limit", "offset"],
        "properties": {"items": {"type": "array", "items": _ref(item)}, "total": count,
                       "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                       "offset": count},
    }


def _analysis_schema() -> Schema:
    ids = {"type": "array", "items": {"type": "string"}}
    share = {"type": "number", "minimum": 0, "maximum": 1}
    addition = {"type": "object", "required": ["id", "gain"],
                "properties": {"id": {"type": "string"}, "gain": {"type": "integer"}}}
    return {
        "type": "object",
        "description": "The same object as 'movemap analyse NAME --json'.",
        "required": ["constituency", "size", "ties", "groups", "core", "recommended_core",
                     "to_reach_target", "roles", "gaps", "options"],
        "properties": {
            "constituency": {"type": "string"},
            "size": {"type": "integer"}, "ties": {"type": "integer"},
            "groups": {"type": "object", "additionalProperties": {"type": "integer"}},
            "core": {"type": "object", "required": ["members", "share", "reach",
                                                    "reach_by_group"],
                     "properties": {"members": ids, "share": share, "reach": share,
                                    "reach_by_group": {"type": "object"}}},
            "recommended_core": {"type": "object", "required": ["members", "reach", "added"],
                                 "properties": {"members": ids, "reach": share,
                                                "added": {"type": "array", "items": addition}}},
            "to_reach_target": {"type": "object", "required": ["additions", "members"],
                                "properties": {"additions": {"type": "integer"},
                                               "members": ids}},
            "roles": {"type": "array", "items": {
                "type": "object", "required": ["id", "declared", "inferred", "evidence"],
                "properties": {"id": {"type": "string"},
                               "declared": {"type": ["string", "null"]},
                               "inferred": {"type": ["string", "null"]},
                               "evidence": {"type": "object"}}}},
            "gaps": {"type": "array", "items": _ref("Gap")},
            "options": {"type": "object"},
        },
    }


def _parameters() -> dict[str, Schema]:
    def path(name: str, description: str) -> Schema:
        return {"name": name, "in": "path", "required": True, "description": description,
                "schema": {"type": "string"}}

    def query(name: str, description: str, schema: Schema, **extra: Any) -> Schema:
        return {"name": name, "in": "query", "required": False, "description": description,
                "schema": schema, **extra}

    return {
        "name": path("name", "the constituency"),
        "person_id": path("person_id", "a person's id"),
        "source": path("source", "the id of the tie's source"),
        "target": path("target", "the id of the tie's target"),
        "limit": query("limit", "at most this many items", {
            "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
        "offset": query("offset", "skip this many items first", {
            "type": "integer", "minimum": 0, "default": 0}),
        "q": query("q", "only people whose id or name contains this text (any case)",
                   {"type": "string"}),
        "person": query("person", "only ties this person is part of (404 if unknown)",
                        {"type": "string"}),
        "hops": query("hops", "reach counts people within this many ties of the core",
                      {"type": "integer", "minimum": 1, "maximum": MAX_HOPS, "default": 1}),
        "min_trust": query(
            "min_trust", "TYPE:LEVEL (or TYPE=LEVEL), e.g. flow_of_value:1: only ties with at "
            "least this trust count; repeat or separate with commas",
            {"type": "array", "items": {"type": "string",
                                        "pattern": r"^(relational|functional|flow_of_value)"
                                                   r"[:=][0-3]$"}},
            style="form", explode=True),
        "target_core": query("target_core", "the core's target share, e.g. 0.03 or 3%",
                             {"type": "string", "default": "0.03"}),
        "target_reach": query("target_reach", "the reach target, e.g. 0.9 or 90%",
                              {"type": "string", "default": "0.9"}),
        "as_of": query("as_of", "the map as it stood at the end of this date (people who had "
                       "joined and not left, ties not ended, each as they were then); years "
                       "of engagement count up to it (default today)",
                       {"type": "string", "format": "date"}),
        "on": query("on", "the day this change is true from (default today; an earlier day "
                    "records a late correction)", {"type": "string", "format": "date"}),
        "reason": query("reason", "left: they left (the tie ended) on 'on', kept in the "
                        "history; mistake: entered by mistake, removed with its history "
                        "(undoable)", {"type": "string", "enum": ["left", "mistake"],
                                       "default": "left"}),
        "if_match": {"name": "If-Match", "in": "header", "required": False,
                     "description": "the ETag of the version you saw: a later change answers "
                     "409 instead of being overwritten", "schema": {"type": "string"}},
        "change_set_id": {"name": "change_set_id", "in": "path", "required": True,
                          "description": "a change set's id", "schema": {"type": "integer",
                                                                        "minimum": 1}},
        "history_person": query("person", "only change sets about this person or their ties",
                                {"type": "string"}),
        "history_limit": query("limit", "at most this many change sets", {
            "type": "integer", "minimum": 1, "maximum": 500, "default": 50}),
        "before": query("before", "only change sets older than this id (to page back)",
                        {"type": "integer", "minimum": 1}),
        "since": query("since", "compare the map at the end of this date (default 30 days "
                       "before until)…", {"type": "string", "format": "date"}),
        "until": query("until", "…with the map at the end of this one (default today)",
                       {"type": "string", "format": "date"}),
        "severity": query("severity", "only gaps of these severities (comma-separated)",
                          {"type": "string", "examples": ["high,medium"]}),
        "kind": query("kind", "only gaps of these kinds (comma-separated)",
                      {"type": "string", "examples": ["segment_missing"]}),
    }


_RESPONSES: dict[str, Schema] = {
    "400": {"description": "The request cannot be read: not JSON, wrong content type, or bad "
                           "query values.", "content": {"application/json": {
                               "schema": _ref("Error")}}},
    "401": {"description": "No valid API token or session.",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "403": {"description": "Your role in this constituency does not allow this.",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "404": {"description": "No such constituency (or not one you may see), person or tie.",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "405": {"description": "This method is not allowed here.",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "409": {"description": "A conflict: a constituency of that name already exists, the "
                           "version in If-Match is not the latest (the answer names who "
                           "changed it since), or an undo meets a later change.",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "422": {"description": "Readable but not valid: each problem with its field and reason.",
            "content": {"application/json": {"schema": _ref("Error")}}},
}


def _json_content(schema: Schema) -> Schema:
    return {"application/json": {"schema": schema}}


def _op(operation_id: str, summary: str, role: str | None, *, params: tuple[str, ...] = (),
        body: Schema | None = None, ok: tuple[str, str, Schema | None] = ("200", "OK", None),
        extra: tuple[str, ...] = (), upsert: bool = False) -> Schema:
    """One operation; ``role`` is the least role it needs (``None``: any signed-in account)."""
    code, description, schema = ok
    responses: Schema = {code: {"description": description}}
    if schema is not None:
        responses[code]["content"] = _json_content(schema)
    if upsert:
        responses["200"] = {"description": "Replaced an existing one.",
                            "content": _json_content(schema or {})}
    errors = {"401", "405", *extra}
    if role is not None:
        errors |= {"403", "404"}
    if body is not None:
        errors |= {"400", "422"}
    for error in sorted(errors):
        responses[error] = {"$ref": f"#/components/responses/{error}"}
    needs = f"Needs the {role} role in the constituency." if role else "Any signed-in account."
    operation: Schema = {"operationId": operation_id, "summary": summary,
                         "description": needs, "responses": responses}
    if params:
        operation["parameters"] = [{"$ref": f"#/components/parameters/{p}"} for p in params]
    if body is not None:
        operation["requestBody"] = {"required": True, "content": body}
    return operation


def _paths() -> dict[str, Schema]:
    c = f"{PREFIX}/constituencies"
    person_body = _json_content(_ref("Person"))
    changes = _json_content(_ref("PersonChanges"))
    tie_body = _json_content(_ref("Relationship"))
    tie_changes = _json_content(_ref("RelationshipChanges"))
    n, pid, ends = ("name",), ("name", "person_id"), ("name", "source", "target")
    analysis_params = ("hops", "min_trust", "target_core", "target_reach", "as_of")
    return {
        f"{PREFIX}/openapi.json": {"get": _op(
            "openapi", "This document", None, ok=("200", "The OpenAPI document", None))},
        c: {
            "get": _op("listConstituencies", "The constituencies you have a role in", None,
                       ok=("200", "Their counts and your role", _ref("ConstituencyList"))),
            "post": _op("createConstituency", "Create a constituency; you become its owner",
                        None, body=_json_content(_ref("Constituency")),
                        ok=("201", "Created", _ref("ConstituencyView")), extra=("409",)),
        },
        f"{c}/{{name}}": {
            "get": _op("getConstituency", "A constituency with its counts", "viewer", params=n,
                       ok=("200", "The constituency", _ref("ConstituencyView"))),
            "patch": _op("updateConstituency", "Change the description or expected segments",
                         "editor", params=n,
                         body=_json_content(_ref("ConstituencyChanges")),
                         ok=("200", "The changed constituency", _ref("ConstituencyView"))),
            "delete": _op("deleteConstituency", "Delete it, with everyone in it and every role",
                          "owner", params=n, ok=("204", "Deleted", None)),
        },
        f"{c}/{{name}}/people": {
            "get": _op("listPeople", "People, by id", "viewer",
                       params=(*n, "limit", "offset", "q", "as_of"),
                       ok=("200", "A page of people", _ref("PersonPage")), extra=("400",)),
            "post": _op("createPerson", "Add a person (or replace the one with that id)",
                        "editor", params=(*n, "on", "if_match"), body=person_body,
                        ok=("201", "Added", _ref("Person")), upsert=True, extra=("409",)),
        },
        f"{c}/{{name}}/people/{{person_id}}": {
            "get": _op("getPerson", "A person (with their version as ETag)", "viewer",
                       params=(*pid, "as_of"), ok=("200", "The person", _ref("Person")),
                       extra=("400",)),
            "put": _op("replacePerson", "Replace every field of a person", "editor",
                       params=(*pid, "on", "if_match"), body=changes,
                       ok=("200", "The person", _ref("Person")), extra=("409",)),
            "patch": _op("updatePerson", "Change some fields of a person", "editor",
                         params=(*pid, "on", "if_match"), body=changes,
                         ok=("200", "The person", _ref("Person")), extra=("409",)),
            "delete": _op("deletePerson", "A person left (or was entered by mistake)",
                          "editor", params=(*pid, "reason", "on", "if_match"),
                          ok=("204", "Removed from the map", None), extra=("400", "409")),
        },
        f"{c}/{{name}}/relationships": {
            "get": _op("listRelationships", "Recorded ties, by source and target", "viewer",
                       params=(*n, "limit", "offset", "person"),
                       ok=("200", "A page of ties", _ref("RelationshipPage")), extra=("400",)),
            "post": _op("createRelationship", "Record a tie (or replace the same one)",
                        "editor", params=(*n, "on", "if_match"), body=tie_body,
                        ok=("201", "Recorded", _ref("Relationship")), upsert=True,
                        extra=("409",)),
        },
        f"{c}/{{name}}/relationships/{{source}}/{{target}}": {
            "get": _op("getRelationship", "A recorded tie (with its version as ETag)",
                       "viewer", params=(*ends, "as_of"),
                       ok=("200", "The tie", _ref("Relationship")), extra=("400",)),
            "put": _op("replaceRelationship", "Replace a tie's trust, recruited and since",
                       "editor", params=(*ends, "on", "if_match"), body=tie_changes,
                       ok=("200", "The tie", _ref("Relationship")), extra=("409",)),
            "delete": _op("deleteRelationship", "A tie ended (or was entered by mistake)",
                          "editor", params=(*ends, "reason", "on", "if_match"),
                          ok=("204", "Removed from the map", None), extra=("400", "409")),
        },
        f"{c}/{{name}}/analysis": {"get": _op(
            "getAnalysis", "The analysis, as 'movemap analyse NAME --json'", "viewer",
            params=(*n, *analysis_params), ok=("200", "The analysis", _ref("Analysis")),
            extra=("400",))},
        f"{c}/{{name}}/gaps": {"get": _op(
            "listGaps", "Gaps and missing voices, most serious first", "viewer",
            params=(*n, "severity", "kind"), ok=("200", "The gaps", _ref("GapList")),
            extra=("400",))},
        f"{c}/{{name}}/import": {"post": _op(
            "importFiles", "Import people.csv and relationships.csv, all or nothing", "editor",
            params=n, body={"multipart/form-data": {"schema": _ref("ImportFiles")}},
            ok=("200", "What changed", _ref("ImportResult")))},
        f"{c}/{{name}}/history": {"get": _op(
            "listHistory", "Change sets, newest first: who, when, through what, what changed",
            "viewer", params=(*n, "history_person", "history_limit", "before"),
            ok=("200", "A page of change sets", _ref("ChangeSetPage")), extra=("400",))},
        f"{c}/{{name}}/history/{{change_set_id}}": {"get": _op(
            "getChangeSet", "One change set with every change", "viewer",
            params=(*n, "change_set_id"), ok=("200", "The change set", _ref("ChangeSet")))},
        f"{c}/{{name}}/history/{{change_set_id}}/undo": {"post": _op(
            "undoChangeSet", "Undo a change set with a new one that reverses it", "editor",
            params=(*n, "change_set_id"), ok=("201", "The undo", _ref("UndoResult")),
            extra=("409",))},
        f"{c}/{{name}}/changes": {"get": _op(
            "getChanges", "What changed between two dates, as 'movemap changes'", "viewer",
            params=(*n, "since", "until"), ok=("200", "The changes", _ref("MapChanges")),
            extra=("400",))},
    }


def _version() -> str:
    try:
        return metadata.version("movemap")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def build_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document (a fresh dict each call)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "movemap API",
            "version": _version(),
            "summary": "Map a constituency for change: people, ties, analysis and gaps.",
            "description": (
                "Send an API token (`movemap token create EMAIL`) as `Authorization: Bearer "
                "TOKEN`. A signed-in browser session works too; then POST, PUT, PATCH and "
                "DELETE also need the page's CSRF token in the `X-CSRFToken` header. "
                "Constituencies you have no role in answer 404."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(),
            "responses": copy.deepcopy(_RESPONSES),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "an API token from 'movemap token create EMAIL'"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session",
                            "description": "the session cookie of a signed-in browser"},
            },
        },
    }
