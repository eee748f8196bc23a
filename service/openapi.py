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

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from graph.analysis.gaps import GAP_KINDS
from graph.analysis.growth import INTERVALS
from graph.analysis.result import SEVERITIES
from graph.events import EVENT_ID_PATTERN, Event
from graph.map_settings import MapSettings
from graph.model import Constituency, Person, Relationship
from service.api_requests import (
    IF_MATCH_PATTERN,
    MAX_CHANGE_SET,
    MAX_LIMIT,
    AccountChanges,
    AnalysisQuery,
    ChangesQuery,
    ExportQuery,
    GapsQuery,
    GrowthQuery,
    HistoryQuery,
    ImportForm,
    PeopleQuery,
    RemovalQuery,
    RoleChange,
    TiesQuery,
    TokensQuery,
    ViewQuery,
    WriteQuery,
)
from service.exports import MIMETYPES
from service.links import SUBJECT_PATTERN, LinkInvitation

__all__ = ["build_document"]

Schema = dict[str, Any]
PREFIX = "/api/v1"
_REF = "#/components/schemas/{model}"


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _model_schemas() -> dict[str, Schema]:
    _, top = models_json_schema(
        [(model, "validation") for model in (Person, Relationship, Constituency, RoleChange,
                                             AccountChanges, MapSettings, Event)],
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
    schemas["MapSettingsChanges"] = {
        **copy.deepcopy(schemas["MapSettings"]), "title": "MapSettingsChanges",
        "description": "Some of the map's settings; those left out keep their value (PATCH), "
                       "or take their defaults (PUT).",
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
        "LaterChange": {
            "type": "object", "required": ["change_set", "by", "via", "recorded_at", "summary"],
            "description": "in a 409 for a stale If-Match: a change made since that version",
            "properties": {"change_set": {"type": "integer"}, "by": {"type": "string"},
                           "via": {"type": "string"},
                           "recorded_at": {"type": "string", "format": "date-time"},
                           "summary": {"type": "string"}},
        },
        "NotInMapToday": {
            "type": "object", "required": ["in_map_today"],
            "description": "saved, but not in today's map: it starts on a day still to come "
                           "or has already ended",
            "properties": {"id": {"type": "string"}, "source": {"type": "string"},
                           "target": {"type": "string"}, "in_map_today": {"const": False}},
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
                    _ref("Problem"), _ref("ImportProblem"), _ref("LaterChange")]}},
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
            "type": "object", "required": ["constituency", "gaps", "total", "limit", "offset"],
            "properties": {"constituency": {"type": "string"},
                           "gaps": {"type": "array", "items": _ref("Gap")},
                           "total": {**count, "description": "how many match, in all pages"},
                           "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                           "offset": count,
                           "kinds": {"type": "array", "items": _ref("GapKind"),
                                     "description": "every gap that matches, grouped by "
                                     "kind, most serious first"}},
        },
        "GapKind": {
            "type": "object",
            "required": ["kind", "title", "severity", "count", "summary", "what_to_do",
                         "subjects"],
            "properties": {
                "kind": {"type": "string"}, "title": {"type": "string"},
                "severity": {"enum": list(SEVERITIES)}, "count": count,
                "summary": {"type": "string", "description": "one line naming what or whom"},
                "what_to_do": {"type": "string"},
                "subjects": {"type": "array", "items": {"type": "string"}, "maxItems": 10,
                             "description": "the first subjects of the kind's gaps"},
            },
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
                "dry_run": {"type": "boolean", "description": "present (true) for a dry run: "
                            "nothing was written"},
                "plan": {"type": "object", "description": "with dry_run: what the import "
                         "would create, update, leave alone and end, and likely duplicates, "
                         "as 'movemap import --dry-run --json'"},
            },
        },
        "FieldChange": {
            "type": "object", "required": ["kind", "subject", "field", "before", "after"],
            "properties": {
                "kind": {"type": "string", "enum": ["person", "tie", "map", "purpose"]},
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
        "GrowthSeries": _growth_schema(),
        "RecruitmentReport": _recruitment_schema(),
        "ImportFiles": _import_files_schema(),
        **_access_schemas(),
        **_event_schemas(schemas["Event"]),
        **_link_schemas(),
    })
    from service.openapi_purpose import purpose_schemas  # it builds on this module
    schemas.update({k: v for k, v in purpose_schemas().items() if k not in schemas})
    return schemas


def _event_schemas(event_body: Schema) -> dict[str, Schema]:
    count = {"type": "integer", "minimum": 0}
    share = {"type": ["number", "null"], "minimum": 0}
    standing = {
        "type": "object", "required": ["day", "people", "contributing_or_above", "core",
                                       "reach"],
        "properties": {"day": {"type": "string", "format": "date"}, "people": count,
                       "contributing_or_above": count, "core": count,
                       "reach": {"type": "number", "minimum": 0, "maximum": 1}},
    }
    change = {"type": "object", "properties": {"before": {"type": "number"},
                                               "after": {"type": "number"}}}
    event = copy.deepcopy(event_body["properties"])
    return {
        "EventStanding": {**standing, "description": "the map at the end of one day"},
        "EventEffects": {
            "type": "object",
            "description": "what went with the event (an association, not proof of cause)",
            "required": ["event_id", "day", "window_days", "complete", "start", "on_day",
                         "end", "changes", "joiners_before", "joiners_after", "sentences"],
            "properties": {
                "event_id": {"type": "string"}, "day": {"type": "string", "format": "date"},
                "window_days": count,
                "complete": {"type": "boolean",
                             "description": "false while the window after has not ended"},
                "start": _ref("EventStanding"), "on_day": _ref("EventStanding"),
                "end": _ref("EventStanding"),
                "changes": {"type": "object", "additionalProperties": change},
                "joiners_before": count, "joiners_after": count, "joiner_ratio": share,
                "participants": count, "participants_in_map": count,
                "participants_moved_up": count, "participants_moved_up_share": share,
                "sentences": {"type": "array", "items": {"type": "string"}},
            },
        },
        "EventView": {
            "type": "object", "required": ["id", "date", "name", "people", "effects"],
            "properties": {"id": {"type": "string", "pattern": EVENT_ID_PATTERN}, **event,
                           "effects": _ref("EventEffects")},
        },
        "EventList": {
            "type": "object", "required": ["constituency", "window_days", "items", "total"],
            "properties": {"constituency": {"type": "string"}, "window_days": count,
                           "items": {"type": "array", "items": _ref("EventView")},
                           "total": count},
        },
    }


def _link_schemas() -> dict[str, Schema]:
    """The bodies and answers of private links (``service.api_links``)."""
    invitation = LinkInvitation.model_json_schema(ref_template=_REF, mode="validation")
    invitation.pop("$defs", None)
    text, when = {"type": "string"}, {"type": ["string", "null"]}
    link: Schema = {"type": "object", "description": "a private link as listed: never its secret",
            "required": ["id", "person_id", "invited_by", "created", "expires", "last_used",
                         "uses", "revoked", "state"],
            "properties": {"id": {"type": "integer"}, "person_id": text, "invited_by": text,
                           "created": text, "expires": text, "last_used": when,
                           "uses": {"type": "integer", "minimum": 0}, "revoked": when,
                           "state": {"enum": ["works", "expired", "revoked"]}}}
    issued: Schema = {
        **copy.deepcopy(link), "description": "a new link with its address: shown this once",
        "required": [*link["required"], "name", "organisation", "link", "replaced"],
        "properties": {**copy.deepcopy(link["properties"]), "name": text,
                       "organisation": text, "link": text,
                       "replaced": {"type": "boolean", "description": (
                           "it replaced the person's older link to the round")}}}

    def listing(item: str) -> Schema:
        return {"type": "object", "required": ["constituency", "round", "items", "total"],
                "properties": {"constituency": text, "round": text, "total": {
                    "type": "integer", "minimum": 0},
                    "items": {"type": "array", "items": _ref(item)}}}

    return {"LinkInvitation": invitation, "Link": link, "IssuedLink": issued,
            "LinkList": listing("Link"), "IssuedLinkList": listing("IssuedLink"),
            "LinksRevoked": {"type": "object", "required": ["constituency", "round", "revoked"],
                             "properties": {"constituency": text, "round": text,
                                            "revoked": {"type": "integer", "minimum": 0}}}}


def _recruitment_schema() -> Schema:
    """``GET …/recruitment``: ``Recruitment.to_dict()`` and ``OrganiserTeams.to_dict()``."""
    count = {"type": "integer", "minimum": 0}
    maybe_number = {"type": ["number", "null"]}
    ids = {"type": "array", "items": {"type": "string"}}
    recruiter = {"type": "object",
                 "required": ["id", "name", "recruited", "engaged", "second_generation",
                              "descendants", "depth"],
                 "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                "recruited": count, "engaged": count,
                                "second_generation": count, "descendants": count,
                                "depth": count}}
    cycle = {"type": "object", "required": ["ids", "names", "size", "dropped"],
             "properties": {"ids": ids, "names": ids, "size": count,
                            "dropped": {"type": "object"}}}
    recruitment = {
        "type": "object",
        "required": ["recruiters", "recruited_people", "effective_leader_growers",
                     "top3_share", "depth", "breadth", "listed", "cycle_count", "cycles"],
        "properties": {
            "recruiters": count, "recruiters_growing_leaders": count,
            "recruiters_with_second_generation": count, "recruited_people": count,
            "roots_with_recruits": count, "engaged_recruited": count,
            "second_generation": count, "effective_leader_growers": maybe_number,
            "top3_share": maybe_number, "depth": count, "breadth": count,
            "listed": {"type": "array", "items": recruiter}, "cycle_count": count,
            "cycles": {"type": "array", "items": cycle}},
    }
    team = {"type": "object",
            "required": ["id", "name", "size", "members", "hangs_on_organiser"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                           "source": {"enum": ["declared", "inferred"]}, "size": count,
                           "members": {"type": "array"}, "internal_density": maybe_number,
                           "members_tied_to_each_other": maybe_number,
                           "groups": {"type": "array"}, "missing_groups": {"type": "array"},
                           "parts": count, "largest_part": count,
                           "hangs_on_organiser": {"type": "boolean"}}}
    teams = {"type": "object", "required": ["organisers", "listed"],
             "properties": {"organisers": count, "declared": count, "inferred": count,
                            "empty": count, "hanging_on_organiser": count,
                            "listed": {"type": "array", "items": team}}}
    return {"type": "object", "required": ["constituency", "as_of", "recruitment", "teams"],
            "properties": {"constituency": {"type": "string"},
                           "as_of": {"type": "string", "format": "date"},
                           "recruitment": recruitment, "teams": teams}}


def _growth_schema() -> Schema:
    """``GrowthSeries.to_dict()`` (``graph.analysis.growth``)."""
    count = {"type": "integer", "minimum": 0}
    counts = {"type": "object", "additionalProperties": count}
    share = {"type": "number", "minimum": 0, "maximum": 1}
    changed = {"type": "object", "required": ["count", "by_group"],
               "properties": {"count": count, "by_group": counts}}
    moves = {"type": "array", "items": {
        "type": "object", "required": ["before", "after", "count"],
        "properties": {"before": {"type": "string"}, "after": {"type": "string"},
                       "count": count}}}
    maybe_number = {"type": ["number", "null"]}
    recruitment = {"type": ["object", "null"], "description": (
        "how distributed the growing of leaders is (the recruitment forest)"),
        "properties": {"effective_leader_growers": maybe_number, "top3_share": maybe_number}}
    point = {
        "type": "object",
        "required": ["date", "partial", "size", "groups", "core", "joined", "left",
                     "ties_formed", "ties_ended", "engagement", "roles", "gaps",
                     "ladder_moves", "role_moves", "leaders_developed"],
        "properties": {
            "date": {"type": "string", "format": "date",
                     "description": "the last day of the period (today for the current one)"},
            "partial": {"type": "boolean", "description": "the current period, cut at today"},
            "size": count, "ties": count, "groups": counts, "engagement": counts,
            "core": {"type": "object", "required": ["size", "share", "reach",
                                                    "reach_by_group"],
                     "properties": {
                         "size": count, "share": share, "target": share, "reach": share,
                         "target_reach": share, "steps": count, "reached": count,
                         "outside": count,
                         "reach_by_group": {"type": "object", "additionalProperties": {
                             "type": ["number", "null"]}}}},
            "roles": {"type": "object", "properties": {"declared": counts,
                                                       "inferred": counts}},
            "gaps": {**counts, "description": "open gaps by kind (cluster_unreached left out)"},
            "joined": changed, "left": changed,
            "ties_formed": counts, "ties_ended": counts,
            "ladder_moves": moves,
            "role_moves": {"type": "object", "properties": {"inferred": moves,
                                                            "declared": moves}},
            "leaders_developed": {"type": "object", "required": ["count", "people"],
                                  "properties": {"count": count, "people": {
                                      "type": "array", "items": {
                                          "type": "object", "required": ["id", "recruited_by"],
                                          "properties": {"id": {"type": "string"},
                                                         "recruited_by": {
                                                             "type": ["string", "null"]}}}}}},
            "recruitment": recruitment,
        },
    }
    return {
        "type": "object", "required": ["interval", "points", "recruitment"],
        "properties": {
            "interval": {"enum": list(INTERVALS)},
            "points": {"type": "array", "items": point, "description": "oldest first"},
            "recruitment": recruitment,
        },
    }


def _access_schemas() -> dict[str, Schema]:
    count = {"type": "integer", "minimum": 0}
    role = {"enum": ["viewer", "editor", "owner"]}
    return {
        "RoleGrant": {"type": "object", "required": ["email", "role"],
                      "properties": {"email": {"type": "string"}, "role": role}},
        "RoleList": {"type": "object", "required": ["constituency", "items", "total"],
                     "properties": {"constituency": {"type": "string"},
                                    "items": {"type": "array", "items": _ref("RoleGrant")},
                                    "total": count}},
        "Account": {
            "type": "object",
            "required": ["email", "created", "disabled", "admin", "may_create_maps", "owns"],
            "properties": {
                "email": {"type": "string"}, "created": {"type": "string"},
                "disabled": {"type": "boolean"}, "admin": {"type": "boolean"},
                "may_create_maps": {"type": "boolean"},
                "owns": {**count, "description": "how many maps it owns"},
                "roles": {"type": "object", "additionalProperties": role,
                          "description": "its role per map (only the maps you may manage)"},
            },
        },
        "AccountList": {"type": "object", "required": ["items", "total"],
                        "properties": {"items": {"type": "array", "items": _ref("Account")},
                                       "total": count}},
        "Token": {"type": "object", "required": ["id", "email", "created", "expires",
                                                 "last_used"],
                  "description": "an API token as shown: never the token itself",
                  "properties": {"id": {"type": "integer"}, "email": {"type": "string"},
                                 "created": {"type": "string"},
                                 "expires": {"type": ["string", "null"]},
                                 "last_used": {"type": ["string", "null"]}}},
        "TokenList": {"type": "object", "required": ["items", "total"],
                      "properties": {"items": {"type": "array", "items": _ref("Token")},
                                     "total": count}},
    }


def _import_files_schema() -> Schema:
    """The import form: the two files, and ``ImportForm``'s fields as the model writes them."""
    form = {parameter["name"]: {**parameter["schema"], "description": parameter["description"]}
            for parameter in query_parameters(ImportForm)}
    return {
        "type": "object",
        "description": "one map file ('file'), or the CSV pair ('people' and 'relationships')",
        "anyOf": [{"required": ["file"]}, {"required": ["people", "relationships"]}],
        "properties": {
            "file": {"type": "string", "contentMediaType": "application/octet-stream",
                     "description": "one map file of any format movemap reads: a workbook, a "
                                    ".zip of the CSV pair, Kumu (.xlsx, .json), GEXF, GraphML, "
                                    "node-link JSON, an Action Network or NationBuilder "
                                    "export (docs/formats.md)"},
            "people": {"type": "string", "contentMediaType": "text/csv",
                       "description": "people.csv (columns as for 'movemap import'): a file, "
                                      "or its text as a plain field"},
            "relationships": {"type": "string", "contentMediaType": "text/csv",
                              "description": "relationships.csv: a file, or its text"},
            **form,
        },
    }


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
                "properties": {
                    "id": {"type": "string"}, "gain": {"type": "integer"},
                    "engagement": {"type": "string", "description": "their engagement now"},
                    "brings_by_group": {
                        "type": "object", "additionalProperties": {"type": "integer"},
                        "description": "why they were chosen: the people they would bring "
                                       "into conversation with the core, by group (sums to "
                                       "gain)"}}}
    recommended = {"type": "object", "required": ["members", "reach", "added"],
                   "properties": {"members": ids, "reach": share, "size": {"type": "integer"},
                                  "added": {"type": "array", "items": addition}}}
    plan = {"type": "object", "required": ["additions", "members"],
            "properties": {"additions": {"type": "integer"}, "members": ids,
                           "added": {"type": "array", "items": addition},
                           "reach": share, "target": share,
                           "meets_target": {"type": "boolean", "description": (
                               "false only when the candidates ran out first")}}}
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
                                    "reach_by_group": {"type": "object"},
                                    "reach_by_steps": {
                                        "type": "object",
                                        "description": "the reach curve: the share of the "
                                        "people outside the core within 1, 2 and 3 ties of it",
                                        "properties": {k: share for k in ("1", "2", "3")}}}},
            "recommended_core": recommended,
            "to_reach_target": plan,
            "ready": {"anyOf": [{"type": "null"}, {
                "type": "object", "description": (
                    "whom to engage next among the ready only: people outside the core at or "
                    "above min_engagement (the map's readiness setting); null for anyone"),
                "required": ["min_engagement", "candidates", "recommended_core",
                             "to_reach_target"],
                "properties": {"min_engagement": {"type": "string"},
                               "candidates": {"type": "integer", "minimum": 0},
                               "recommended_core": recommended, "to_reach_target": plan}}]},
            "roles": {"type": "array", "items": {
                "type": "object", "required": ["id", "declared", "inferred", "evidence"],
                "properties": {"id": {"type": "string"},
                               "declared": {"type": ["string", "null"]},
                               "inferred": {"type": ["string", "null"]},
                               "evidence": {"type": "object"}}}},
            "gaps": {"type": "array", "items": _ref("Gap")},
            "options": {"type": "object"},
            "clusters": _clusters_schema(),
            "brokers": _brokers_schema(),
        },
    }


def _clusters_schema() -> Schema:
    count = {"type": "integer", "minimum": 0}
    cluster = {
        "type": "object",
        "required": ["id", "size", "groups", "core_members", "core_size", "reached", "outside",
                     "reach", "segment", "people"],
        "properties": {
            "id": {"type": "integer", "minimum": 1, "description": "1 is the largest"},
            "size": count, "core_size": count, "reached": count, "outside": count,
            "groups": {"type": "object", "additionalProperties": count},
            "core_members": {"type": "array", "items": {"type": "string"}},
            "reach": {"type": ["number", "null"], "minimum": 0, "maximum": 1,
                      "description": "share of its people outside the core within the "
                                     "analysis' hops of the core"},
            "segment": {"type": ["object", "null"], "description": "the segment most of its "
                        "people share, and that share",
                        "properties": {"segment": {"type": "string"},
                                       "share": {"type": "number"}}},
            "people": {"type": "array", "items": {"type": "string"}},
        },
    }
    return {
        "type": "object",
        "description": "Clusters: Leiden community detection (python-igraph, modularity, a "
                       "fixed seed); the largest summarised.",
        "required": ["method", "seed", "modularity", "count", "listed"],
        "properties": {
            "method": {"type": "string"}, "seed": {"type": "integer"},
            "modularity": {"type": "number"}, "count": count, "min_size": count,
            "large": count, "hops": count, "small": count, "small_people": count,
            "listed": {"type": "array", "items": cluster},
        },
    }


def _brokers_schema() -> Schema:
    broker = {
        "type": "object", "required": ["id", "name", "score", "clusters", "groups"],
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "score": {"type": "number", "minimum": 0, "description": "betweenness"},
            "clusters": {"type": "array", "items": {"type": "integer", "minimum": 1}},
            "groups": {"type": "array", "items": {"type": "string"}},
        },
    }
    return {
        "type": "object",
        "description": "People whose ties bridge clusters or groups, highest betweenness first "
                       "(exact, or estimated from a fixed sample of sources).",
        "required": ["method", "exact", "sources", "listed"],
        "properties": {
            "method": {"type": "string"}, "exact": {"type": "boolean"},
            "sources": {"type": "integer", "minimum": 0}, "seed": {"type": "integer"},
            "listed": {"type": "array", "items": broker},
        },
    }


def query_parameters(model: type[BaseModel]) -> list[Schema]:
    """The query parameters of ``model`` (``service.api_requests``): each field's schema as
    pydantic writes it, with ``null`` left out (a query cannot send it) and lists marked with
    how they travel (repeated, or separated by commas)."""
    properties = model.model_json_schema(ref_template=_REF)["properties"]
    parameters = []
    for name, field in properties.items():
        schema = {k: v for k, v in field.items() if k not in ("title", "description")}
        choices = schema.pop("anyOf", None)
        if choices is not None:  # X | None: the parameter is X, or left out
            (only,) = [c for c in choices if c.get("type") != "null"]
            schema = {**only, **schema}
        if schema.get("default", 0) is None:
            del schema["default"]
        parameter: Schema = {"name": name, "in": "query", "required": False,
                             "description": field.get("description", "")}
        if "x-style" in schema:
            parameter["style"] = schema.pop("x-style")
            parameter["explode"] = schema.pop("x-explode")
        parameter["schema"] = schema
        parameters.append(parameter)
    return parameters


def _parameters() -> dict[str, Schema]:
    def path(name: str, description: str) -> Schema:
        return {"name": name, "in": "path", "required": True, "description": description,
                "schema": {"type": "string"}}

    return {
        "name": path("name", "the constituency"),
        "person_id": path("person_id", "a person's id"),
        "source": path("source", "the id of the tie's source"),
        "target": path("target", "the id of the tie's target"),
        "if_match": {"name": "If-Match", "in": "header", "required": False,
                     "description": "the ETag of the version you saw: a later change answers "
                     "409 instead of being overwritten",
                     "schema": {"type": "string", "pattern": IF_MATCH_PATTERN}},
        "email": path("email", "an account's email"),
        "event_id": path("event_id", "an event's id (from GET .../events)"),
        "round_id": {"name": "round_id", "in": "path", "required": True,
                     "description": "a purpose round's id",
                     "schema": {"type": "string", "pattern": SUBJECT_PATTERN}},
        "link_id": {"name": "link_id", "in": "path", "required": True,
                    "description": "a private link's id (from GET .../links)",
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_CHANGE_SET}},
        "item_id": path("item_id", "an item of the purpose (from GET .../purpose/items), "
                        "e.g. c12 or s1-v2"),
        "token_id": {"name": "token_id", "in": "path", "required": True,
                     "description": "a token's id (from GET /api/v1/tokens)",
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_CHANGE_SET}},
        "change_set_id": {"name": "change_set_id", "in": "path", "required": True,
                          "description": "a change set's id",
                          "schema": {"type": "integer", "minimum": 1,
                                     "maximum": MAX_CHANGE_SET}},
    }


_RESPONSES: dict[str, Schema] = {
    "400": {"description": "The request cannot be read: not JSON, wrong content type, or bad "
                           "query values.", "content": {"application/json": {
                               "schema": _ref("Error")}}},
    "401": {"description": "No valid API token or session.",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "403": {"description": "Your role in this constituency (or your account's rights) does "
                           "not allow this.",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "404": {"description": "No such constituency (or not one you may see), person or tie.",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "405": {"description": "This method is not allowed here.",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "409": {"description": "A conflict: a constituency of that name already exists, the "
                           "version in If-Match is not the latest (the answer names who "
                           "changed it since), or an undo meets a later change.",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "413": {"description": "The body is larger than the limit (MOVEMAP_LIMIT_BODY_BYTES, or "
                           "MOVEMAP_LIMIT_UPLOAD_BYTES for an import); nothing was read.",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "422": {"description": "Readable but not valid: each problem with its field and reason; "
                           "also rules a schema cannot state (a person who left before they "
                           "joined, a day still to come, a tie to someone not in the map, the "
                           "rows of an import, a limit of the map).",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "429": {"description": "Too many failed attempts: wait the seconds in Retry-After.",
            "headers": {"Retry-After": {"description": "seconds to wait",
                                        "schema": {"type": "integer", "minimum": 1}}},
            "content": {"application/json": {"schema": _ref("Error")}}},
}


def _json_content(schema: Schema) -> Schema:
    return {"application/json": {"schema": schema}}


def _op(operation_id: str, summary: str, role: str | None, *, params: tuple[str, ...] = (),
        query: type[BaseModel] | None = None, body: Schema | None = None,
        ok: tuple[str, str, Schema | None] = ("200", "OK", None),
        extra: tuple[str, ...] = (), upsert: bool = False) -> Schema:
    """One operation; ``role`` is the least role it needs (``None``: any signed-in account)."""
    code, description, schema = ok
    responses: Schema = {code: {"description": description}}
    if schema is not None:
        responses[code]["content"] = _json_content(schema)
    if upsert:
        responses["200"] = {"description": "Replaced an existing one.",
                            "content": _json_content(schema or {})}
    errors = {"401", "405", "429", *extra}
    if role is not None:
        errors |= {"403", "404"}
    if body is not None:
        errors |= {"400", "413", "422"}
    if query is not None:
        errors |= {"400", "422"}
    for error in sorted(errors):
        responses[error] = {"$ref": f"#/components/responses/{error}"}
    needs = f"Needs the {role} role in the constituency." if role else "Any signed-in account."
    operation: Schema = {"operationId": operation_id, "summary": summary,
                         "description": needs, "responses": responses}
    parameters: list[Schema] = [{"$ref": f"#/components/parameters/{p}"} for p in params]
    if query is not None:
        parameters += query_parameters(query)
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = {"required": True, "content": body}
    return operation


def _paths() -> dict[str, Schema]:
    c = f"{PREFIX}/constituencies"
    person_body = _json_content(_ref("Person"))
    saved_person = {"anyOf": [_ref("Person"), _ref("NotInMapToday")]}
    saved_tie = {"anyOf": [_ref("Relationship"), _ref("NotInMapToday")]}
    changes = _json_content(_ref("PersonChanges"))
    tie_body = _json_content(_ref("Relationship"))
    tie_changes = _json_content(_ref("RelationshipChanges"))
    n, pid, ends = ("name",), ("name", "person_id"), ("name", "source", "target")
    return {
        f"{PREFIX}/openapi.json": {"get": _op(
            "openapi", "This document", None, ok=("200", "The OpenAPI document", None))},
        c: {
            "get": _op("listConstituencies", "The constituencies you have a role in", None,
                       ok=("200", "Their counts and your role", _ref("ConstituencyList"))),
            "post": _op("createConstituency", "Create a constituency; you become its owner",
                        None, body=_json_content(_ref("Constituency")),
                        ok=("201", "Created", _ref("ConstituencyView")),
                        extra=("403", "409")),
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
                       params=n, query=PeopleQuery,
                       ok=("200", "A page of people", _ref("PersonPage")), extra=("400",)),
            "post": _op("createPerson", "Add a person (or replace the one with that id)",
                        "editor", params=(*n, "if_match"), query=WriteQuery, body=person_body,
                        ok=("201", "Added", saved_person), upsert=True, extra=("409",)),
        },
        f"{c}/{{name}}/people/{{person_id}}": {
            "get": _op("getPerson", "A person (with their version as ETag)", "viewer",
                       params=pid, query=ViewQuery, ok=("200", "The person", _ref("Person")),
                       extra=("400",)),
            "put": _op("replacePerson", "Replace every field of a person", "editor",
                       params=(*pid, "if_match"), query=WriteQuery, body=changes,
                       ok=("200", "The person", saved_person), extra=("409",)),
            "patch": _op("updatePerson", "Change some fields of a person", "editor",
                         params=(*pid, "if_match"), query=WriteQuery, body=changes,
                         ok=("200", "The person", saved_person), extra=("409",)),
            "delete": _op("deletePerson", "A person left (or was entered by mistake)",
                          "editor", params=(*pid, "if_match"), query=RemovalQuery,
                          ok=("204", "Removed from the map", None), extra=("400", "409")),
        },
        f"{c}/{{name}}/relationships": {
            "get": _op("listRelationships", "Recorded ties, by source and target", "viewer",
                       params=n, query=TiesQuery,
                       ok=("200", "A page of ties", _ref("RelationshipPage")), extra=("400",)),
            "post": _op("createRelationship", "Record a tie (or replace the same one)",
                        "editor", params=(*n, "if_match"), query=WriteQuery, body=tie_body,
                        ok=("201", "Recorded", saved_tie), upsert=True,
                        extra=("409",)),
        },
        f"{c}/{{name}}/relationships/{{source}}/{{target}}": {
            "get": _op("getRelationship", "A recorded tie (with its version as ETag)",
                       "viewer", params=ends, query=ViewQuery,
                       ok=("200", "The tie", _ref("Relationship")), extra=("400",)),
            "put": _op("replaceRelationship", "Replace a tie's trust, recruited and since",
                       "editor", params=(*ends, "if_match"), query=WriteQuery, body=tie_changes,
                       ok=("200", "The tie", saved_tie), extra=("409",)),
            "delete": _op("deleteRelationship", "A tie ended (or was entered by mistake)",
                          "editor", params=(*ends, "if_match"), query=RemovalQuery,
                          ok=("204", "Removed from the map", None), extra=("400", "409")),
        },
        f"{c}/{{name}}/settings": {
            "get": _op("getSettings", "The map's settings: targets, steps, readiness (with the "
                       "map's version as ETag)", "viewer", params=n,
                       ok=("200", "The settings", _ref("MapSettings"))),
            "put": _op("replaceSettings", "Set every setting (those left out take defaults)",
                       "editor", params=(*n, "if_match"),
                       body=_json_content(_ref("MapSettingsChanges")),
                       ok=("200", "The settings", _ref("MapSettings")), extra=("409",)),
            "patch": _op("updateSettings", "Change some of the map's settings", "editor",
                         params=(*n, "if_match"),
                         body=_json_content(_ref("MapSettingsChanges")),
                         ok=("200", "The settings", _ref("MapSettings")), extra=("409",)),
        },
        f"{c}/{{name}}/analysis": {"get": _op(
            "getAnalysis", "The analysis, as 'movemap analyse NAME --json'", "viewer",
            params=n, query=AnalysisQuery, ok=("200", "The analysis", _ref("Analysis")),
            extra=("400",))},
        f"{c}/{{name}}/export": {"get": _export_op(n)},
        f"{c}/{{name}}/gaps": {"get": _op(
            "listGaps", "Gaps and missing voices, most serious first", "viewer",
            params=n, query=GapsQuery, ok=("200", "The gaps", _ref("GapList")),
            extra=("400",))},
        f"{c}/{{name}}/import": {"post": _op(
            "importFiles", "Import a map file of any format, or people.csv and "
            "relationships.csv, all or nothing (or only see what it would do)", "editor",
            params=n, body={"multipart/form-data": {"schema": _ref("ImportFiles")}},
            ok=("200", "What changed", _ref("ImportResult")))},
        f"{c}/{{name}}/history": {"get": _op(
            "listHistory", "Change sets, newest first: who, when, through what, what changed",
            "viewer", params=n, query=HistoryQuery,
            ok=("200", "A page of change sets", _ref("ChangeSetPage")), extra=("400",))},
        f"{c}/{{name}}/history/{{change_set_id}}": {"get": _op(
            "getChangeSet", "One change set with every change", "viewer",
            params=(*n, "change_set_id"), ok=("200", "The change set", _ref("ChangeSet")))},
        f"{c}/{{name}}/history/{{change_set_id}}/undo": {"post": _op(
            "undoChangeSet", "Undo a change set with a new one that reverses it", "editor",
            params=(*n, "change_set_id"), ok=("201", "The undo", _ref("UndoResult")),
            extra=("409",))},
        **_access_paths(c),
        **_event_paths(c),
        **_link_paths(c),
        **_purpose_paths(c),
        f"{c}/{{name}}/changes": {"get": _op(
            "getChanges", "What changed between two dates, as 'movemap changes'", "viewer",
            params=n, query=ChangesQuery, ok=("200", "The changes", _ref("MapChanges")),
            extra=("400",))},
        f"{c}/{{name}}/recruitment": {"get": _op(
            "getRecruitment", "Who grows leaders: the recruitment forest and the organiser "
            "teams, as of a date", "viewer", params=n, query=ViewQuery,
            ok=("200", "The recruitment forest and the organiser teams",
                _ref("RecruitmentReport")), extra=("400",))},
        f"{c}/{{name}}/growth": {"get": _op(
            "getGrowth", "Is the movement growing: one point per week, month or quarter, as "
            "'movemap growth NAME --json'", "viewer", params=n, query=GrowthQuery,
            ok=("200", "The growth series", _ref("GrowthSeries")), extra=("400",))},
    }


def _purpose_paths(c: str) -> dict[str, Schema]:
    from service.openapi_purpose import purpose_paths  # it builds on this module
    return purpose_paths(c)


def _event_paths(c: str) -> dict[str, Schema]:
    n, one = ("name",), ("name", "event_id")
    body, view = _json_content(_ref("Event")), _ref("EventView")
    return {
        f"{c}/{{name}}/events": {
            "get": _op("listEvents", "The map's events, oldest first, each with what went "
                       "with it (with the map's version as ETag)", "viewer", params=n,
                       ok=("200", "The events", _ref("EventList"))),
            "post": _op("createEvent", "Record an event: what the movement did and who took "
                        "part", "editor", params=(*n, "if_match"), body=body,
                        ok=("201", "Recorded, with its new id", view), extra=("409",)),
        },
        f"{c}/{{name}}/events/{{event_id}}": {
            "get": _op("getEvent", "An event with what went with it", "viewer", params=one,
                       ok=("200", "The event", view)),
            "put": _op("replaceEvent", "Replace what is recorded of an event (its id stays)",
                       "editor", params=(*one, "if_match"), body=body,
                       ok=("200", "The event", view), extra=("409",)),
            "delete": _op("deleteEvent", "Remove an event (undoable from the history)",
                          "editor", params=(*one, "if_match"), ok=("204", "Removed", None),
                          extra=("409",)),
        },
    }


def _link_paths(c: str) -> dict[str, Schema]:
    n, links = ("name", "round_id"), f"{c}/{{name}}/purpose/rounds/{{round_id}}/links"
    return {
        links: {
            "get": _op("listRoundLinks", "The private links of a purpose round (never their "
                       "secrets)", "editor", params=n,
                       ok=("200", "The links", _ref("LinkList"))),
            "post": _op("inviteToRound", "Give each chosen person a private link to the "
                        "round; re-inviting replaces a person's older link", "editor",
                        params=n, body=_json_content(_ref("LinkInvitation")),
                        ok=("201", "The new links: the only time they are shown",
                            _ref("IssuedLinkList"))),
            "delete": _op("revokeRoundLinks", "Revoke every working link of the round",
                          "editor", params=n,
                          ok=("200", "How many were revoked", _ref("LinksRevoked"))),
        },
        f"{c}/{{name}}/purpose/links/{{link_id}}": {"delete": _op(
            "revokeLink", "Revoke one private link at once", "editor",
            params=("name", "link_id"), ok=("204", "Revoked", None))},
    }


def _export_op(n: tuple[str, ...]) -> Schema:
    """The export: a file, not JSON (``service.exports``)."""
    operation = _op("exportMap", "The map, or the view of it the query asks for (group, "
                    "segment, engagement, role, core, around_core), as a file that imports "
                    "back as that map: an Excel workbook, a .zip of the CSV files, Kumu, GEXF, "
                    "GraphML or node-link", "viewer", params=n,
                    query=ExportQuery, ok=("200", "The file", None), extra=("400",))
    operation["responses"]["200"]["content"] = {
        mimetype: {"schema": {"type": "string", "format": "binary"}}
        for mimetype in dict.fromkeys(MIMETYPES.values())}
    return operation


def _access_paths(c: str) -> dict[str, Schema]:
    n, role = ("name",), ("name", "email")
    manager = "owner (or an administrator)"
    return {
        f"{c}/{{name}}/roles": {"get": _op(
            "listRoles", "Who has which role in the map", manager, params=n,
            ok=("200", "The roles, by email", _ref("RoleList")))},
        f"{c}/{{name}}/roles/{{email}}": {
            "put": _op("setRole", "Give an account a role in the map", manager, params=role,
                       body=_json_content(_ref("RoleChange")),
                       ok=("200", "The role given", _ref("RoleGrant")), extra=("409",)),
            "delete": _op("revokeRole", "Take away an account's role in the map", manager,
                          params=role, ok=("204", "Taken away", None), extra=("409",)),
        },
        f"{PREFIX}/accounts": {"get": _op(
            "listAccounts", "Accounts: all to an administrator; otherwise yourself and the "
            "people of the maps you own", None,
            ok=("200", "The accounts", _ref("AccountList")))},
        f"{PREFIX}/accounts/{{email}}": {
            "get": _op("getAccount", "An account with its rights and roles", None,
                       params=("email",), ok=("200", "The account", _ref("Account")),
                       extra=("404",)),
            "patch": _op("updateAccount", "Disable or enable an account, make it an "
                         "administrator, or let it create maps", None, params=("email",),
                         body=_json_content(_ref("AccountChanges")),
                         ok=("200", "The account", _ref("Account")),
                         extra=("403", "404", "409")),
            "delete": _op("removeAccount", "Remove an account with its roles, sessions and "
                          "tokens (administrators)", None, params=("email",),
                          ok=("204", "Removed", None), extra=("403", "404", "409")),
        },
        f"{PREFIX}/tokens": {"get": _op(
            "listTokens", "Your API tokens (an administrator: everyone's)", None,
            query=TokensQuery, ok=("200", "The tokens", _ref("TokenList")),
            extra=("403",))},
        f"{PREFIX}/tokens/{{token_id}}": {"delete": _op(
            "revokeToken", "Revoke a token at once: your own, or any (administrators)", None,
            params=("token_id",), ok=("204", "Revoked", None), extra=("404",))},
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
