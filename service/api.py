"""The JSON API under ``/api/v1``: constituencies, people, relationships, analysis, gaps, import.

Every route needs an API token (``Authorization: Bearer …``) or a signed-in session; with a
session, unsafe methods also need the CSRF token in the ``X-CSRFToken`` header (a browser sends
cookies by itself, never a bearer token, so token calls need no CSRF token). Every route with a
``<name>`` checks the caller's role in that constituency (``service.auth.requires_role``).

Answers, so a script can rely on them: 400 for a request that cannot be read (not JSON, wrong
content type, bad query values), 422 for a readable one that is not valid, each problem with its
``field`` and a plain ``reason``; 404 for unknown constituencies, people and relationships; 405
for a wrong method; never a 500 for bad input. ``/api/v1/openapi.json`` describes it all.

Example:
    $ curl -H "Authorization: Bearer $TOKEN" http://localhost:8000/api/v1/constituencies
    $ curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
          -d '{"id": "p9", "group": "people"}' \\
          http://localhost:8000/api/v1/constituencies/demo/people
"""

from __future__ import annotations

import io
import itertools
import json
import math
import os
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

from flask import Blueprint, Flask, Response, current_app, g, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFProtect
from pydantic import BaseModel, ValidationError
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from graph.analysis import Analysis, AnalysisOptions
from graph.analysis.gap_groups import group_gaps, name_lookup
from graph.analysis.growth import InvalidSeries
from graph.errors import ImportFailed, MovemapError, NotFound, StoreError
from graph.export_view import ExportView, InvalidView
from graph.limits import LimitExceeded
from graph.map_settings import MapSettings
from graph.model import Constituency, Person, Relationship
from graph.stores.base import ConstituencySummary, GraphStore
from graph.usecases import (
    InvalidChange,
    Removal,
    StaleVersion,
    UndoConflict,
    UseCases,
    changes_between,
    growth_of,
)
from service.access import check_may_create
from service.api_requests import (
    AnalysisQuery,
    ChangesQuery,
    ExportQuery,
    GapsQuery,
    GrowthQuery,
    HistoryQuery,
    ImportForm,
    PeopleQuery,
    QueryProblem,
    RemovalQuery,
    TiesQuery,
    ViewQuery,
    WriteQuery,
    if_match_version,
    read_query,
)
from service.auth import accounts, current_account, requires_role
from service.problems import problems_from
from service.state import analysis_for, get_store, options_for, use_cases
from service.uploads import unnamed_copies, uploaded_name

__all__ = ["ApiError", "bp", "init_api", "problems_from"]

bp = Blueprint("api", __name__, url_prefix="/api/v1")

CHANGES_DAYS = 30
"""``/changes`` without ``since`` looks back this many days."""
_M = TypeVar("_M", bound=BaseModel)
_Q = TypeVar("_Q", bound=BaseModel)


class ApiError(Exception):
    """An answer other than success: status, a short error code, a plain message, problems."""

    def __init__(self, status: int, message: str, problems: list[dict[str, Any]] | None = None,
                 error: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems
        self.error = error or _ERRORS.get(status, "error")

    def response(self) -> Response:
        body: dict[str, Any] = {"error": self.error, "message": self.message}
        if self.problems is not None:
            body["problems"] = self.problems
        return _json(body, self.status)


_ERRORS = {400: "bad_request", 403: "forbidden", 404: "not_found", 409: "conflict", 422: "invalid",
           503: "unavailable"}


def init_api(app: Flask) -> None:
    """Register the API on ``app``: token calls skip CSRF, session calls are checked here."""
    from service import (  # noqa: F401  # their routes join this blueprint
        api_access,
        api_events,
        api_links,
        api_purpose,
    )

    app.register_blueprint(bp)
    csrf = app.extensions.get("csrf")
    if isinstance(csrf, CSRFProtect):
        csrf.exempt(bp)


@bp.before_request
def _csrf_for_sessions() -> None:
    """Flask-WTF skips this blueprint; a session (cookie) call must still prove its origin.

    Runs after the app's gate, which has found the account: a bearer token is never sent by a
    browser on its own, so only cookie-authenticated unsafe calls need the ``X-CSRFToken``.
    """
    if g.get("token_account") is not None:
        return
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True):
        return
    if request.method in config.get("WTF_CSRF_METHODS", ("POST", "PUT", "PATCH", "DELETE")):
        cast(CSRFProtect, current_app.extensions["csrf"]).protect()


# -- errors ----------------------------------------------------------------------------------


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return error.response()


@bp.errorhandler(NotFound)
def _not_found(error: NotFound) -> Response:
    return ApiError(404, str(error)).response()


@bp.errorhandler(StoreError)
def _store_error(error: StoreError) -> Response:
    return ApiError(503, f"the store cannot be used right now: {error}").response()


@bp.errorhandler(StaleVersion)
def _stale(error: StaleVersion) -> Response:
    return ApiError(409, str(error), [
        {"field": "If-Match", "reason": f"version {error.expected} is not the latest "
         f"({'removed' if error.current is None else error.current})"},
        *({"change_set": c.id, "by": c.by, "via": c.via,
           "recorded_at": c.recorded_at.isoformat(), "summary": c.summary}
          for c in error.since)], error="stale").response()


@bp.errorhandler(UndoConflict)
def _undo_conflict(error: UndoConflict) -> Response:
    return ApiError(409, str(error), error="conflict").response()


@bp.errorhandler(InvalidChange)
def _invalid_change(error: InvalidChange) -> Response:
    return ApiError(422, str(error), [{"field": error.field or "body", "reason": str(error)}]
                    ).response()


@bp.errorhandler(InvalidView)
def _invalid_view(error: InvalidView) -> Response:
    """400 for a value no map could take; 422 for a well-formed one this map cannot."""
    return ApiError(422 if error.of_the_map else 400, str(error),
                    [{"field": error.field, "reason": str(error)}]).response()


@bp.errorhandler(InvalidSeries)
def _invalid_series(error: InvalidSeries) -> Response:
    """A well-formed interval and date this map's series cannot take (a start after today,
    more points than a series holds): 422, as every well-formed request refused."""
    return ApiError(422, str(error), [{"field": error.field, "reason": str(error)}]).response()


@bp.errorhandler(LimitExceeded)
def _over_limit(error: LimitExceeded) -> Response:
    return ApiError(422, f"{error}; nothing was written", [
        {"field": error.limit, "reason": str(error)}], error="over_limit").response()


@bp.errorhandler(MovemapError)
def _movemap_error(error: MovemapError) -> Response:
    return ApiError(422, str(error)).response()


@bp.errorhandler(ValidationError)
def _validation_error(error: ValidationError) -> Response:
    return ApiError(422, "the request is not valid", problems_from(error)).response()


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """JSON as ``movemap analyse --json`` writes it (dates as text); NaN or ∞ become null."""
    try:
        text = json.dumps(data, ensure_ascii=False, default=str, allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(data), ensure_ascii=False, default=str, allow_nan=False)
    return Response(text, status=status, headers=headers, mimetype="application/json")


def _finite(data: Any) -> Any:
    """``data`` with every NaN or infinite number replaced by ``None`` (JSON has neither)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(value) for value in data]
    return data


def _no_content() -> Response:
    return Response(status=204)


# -- reading requests ------------------------------------------------------------------------


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def json_body() -> Any:
    """The request's JSON value, or a 400 that says why it cannot be read."""
    if not request.is_json:
        raise ApiError(400, "send the body as JSON with 'Content-Type: application/json'")
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "the body is not UTF-8 text") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ApiError(400, "the body is nested too deeply to be read") from None
    except ValueError as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise ApiError(400, f"the body is not valid JSON: {reason}") from None


def json_object() -> dict[str, Any]:
    """The request body as a JSON object; any other JSON value is a 422."""
    body = json_body()
    if not isinstance(body, dict):
        raise ApiError(422, "the request is not valid",
                       [{"field": "body", "reason": "must be a JSON object"}])
    return body


def validated(model: type[_M], data: dict[str, Any]) -> _M:
    """``model`` built from ``data``, or a 422 listing every problem."""
    try:  # strictly, as JSON: "3" is not a number, "yes" not a boolean, 5 not a date
        return model.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as exc:
        raise ApiError(422, f"the {model.__name__.lower()} is not valid",
                       problems_from(exc, model.model_fields)) from None
    except (ValueError, TypeError, RecursionError) as exc:  # defensive: never a 500
        raise ApiError(422, f"the {model.__name__.lower()} is not valid",
                       [{"field": "body", "reason": str(exc) or "is not valid"}]) from None


def _query(model: type[_Q]) -> _Q:
    """The query string read as ``model`` (``service.api_requests``), or a 400 naming each
    parameter that does not fit."""
    try:
        return read_query(model, request.args)
    except QueryProblem as exc:
        raise ApiError(400, str(exc), exc.problems) from None


def _page(items: Iterator[Any], limit: int, offset: int, show: Callable[[Any], dict[str, Any]],
          total: int | None = None) -> dict[str, Any]:
    """One page of ``items`` and how many there are in all.

    With ``total`` known (the store counted), reading stops after the page; otherwise every
    item is looked at to count those that match.
    """
    if total is not None:
        page = [show(item) for item in itertools.islice(items, offset, offset + limit)]
        return {"items": page, "total": total, "limit": limit, "offset": offset}
    page = []
    count = 0
    for item in items:
        if offset <= count < offset + limit:
            page.append(show(item))
        count += 1
    return {"items": page, "total": count, "limit": limit, "offset": offset}


# -- constituencies --------------------------------------------------------------------------


def _store() -> GraphStore:
    return get_store()


def _cases() -> UseCases:
    """The use cases, acting as the caller through the API."""
    account = current_account()
    assert account is not None  # the gate lets nobody else in
    return use_cases(account.email, "api")


def _etag(version: int | None) -> dict[str, str]:
    return {} if version is None else {"ETag": f'"{version}"'}


def _if_match() -> int | None:
    """The version the caller saw (``If-Match: "12"``), or ``None`` when not sent."""
    try:
        return if_match_version(request.headers.get("If-Match"))
    except ValueError:
        raise ApiError(400, "the If-Match header must be the ETag of an earlier answer, e.g. "
                       '"12"', [{"field": "If-Match", "reason": "is not an ETag movemap gave"}]
                       ) from None


def _on() -> date | None:
    """``?on=YYYY-MM-DD``: the day a change is valid from (default today)."""
    return _query(WriteQuery).on


def _summary(name: str) -> ConstituencySummary | None:
    return next((s for s in _store().list_constituencies() if s.name == name), None)


def _constituency_json(constituency: Constituency, role: str | None,
                       summary: ConstituencySummary | None) -> dict[str, Any]:
    return {
        "name": constituency.name,
        "description": constituency.description,
        "expected_segments": list(constituency.expected_segments),
        "people": summary.people if summary else 0,
        "relationships": summary.relationships if summary else 0,
        "role": role,
    }


def _role(name: str) -> str | None:
    account = current_account()
    return account.role_in(name) if account else None


@bp.get("/constituencies")
def list_constituencies() -> ResponseReturnValue:
    """The constituencies the caller has a role in, with their counts and that role."""
    account = current_account()
    roles = account.roles if account else {}
    store = _store()
    items = [
        _constituency_json(store.get_constituency(s.name), roles[s.name], s)
        for s in store.list_constituencies() if s.name in roles
    ]
    return _json({"items": items, "total": len(items)})


@bp.post("/constituencies")
def create_constituency() -> ResponseReturnValue:
    """Create a constituency; the caller becomes its owner."""
    account = current_account()
    assert account is not None  # the gate lets nobody else in
    constituency = validated(Constituency, json_object())
    check_may_create(account, accounts(), current_app.extensions["movemap.settings"])
    store = _store()
    try:
        store.get_constituency(constituency.name)
    except NotFound:
        pass
    else:
        raise ApiError(409, f"a constituency named {constituency.name!r} already exists")
    _cases().create_constituency(constituency)
    accounts().forget_constituency(constituency.name)  # a new map: roles left on the name go
    accounts().grant(account.email, constituency.name, "owner")
    location = url_for("api.get_constituency", name=constituency.name)
    return _json(_constituency_json(store.get_constituency(constituency.name), "owner",
                                    _summary(constituency.name)),
                 201, {"Location": location})


@bp.get("/constituencies/<name>")
@requires_role("viewer")
def get_constituency(name: str) -> ResponseReturnValue:
    return _json(_constituency_json(_store().get_constituency(name), _role(name), _summary(name)))


_CONSTITUENCY_EDITABLE = ("description", "expected_segments")


@bp.patch("/constituencies/<name>")
@requires_role("editor")
def update_constituency(name: str) -> ResponseReturnValue:
    """Change the description and/or the expected segments."""
    body = json_object()
    store = _store()
    current = store.get_constituency(name)
    unknown = [key for key in body if key not in _CONSTITUENCY_EDITABLE]
    if unknown:
        raise ApiError(422, "the constituency is not valid", [
            {"field": key, "reason": "cannot be changed here; change "
             + " or ".join(_CONSTITUENCY_EDITABLE)} for key in unknown
        ])
    merged = validated(Constituency, {**current.model_dump(mode="json"), **body})
    cases = _cases()
    with store.transaction():
        if merged.description != current.description:
            cases.set_description(name, merged.description)
        if merged.expected_segments != current.expected_segments:
            cases.set_expected_segments(name, list(merged.expected_segments))
    return _json(_constituency_json(store.get_constituency(name), _role(name), _summary(name)))


@bp.delete("/constituencies/<name>")
@requires_role("owner")
def delete_constituency(name: str) -> ResponseReturnValue:
    """Delete a constituency with everyone in it, and every role anyone had in it."""
    _cases().delete_constituency(name)
    accounts().forget_constituency(name)
    return _no_content()


# -- the map's settings ----------------------------------------------------------------------


def _settings_answer(settings: MapSettings, version: int | None) -> Response:
    return _json(settings.model_dump(mode="json"), headers=_etag(version))


@bp.get("/constituencies/<name>/settings")
@requires_role("viewer")
def get_settings(name: str) -> ResponseReturnValue:
    """The map's settings (targets, steps, readiness), with the map's version as ``ETag``."""
    settings, version = _cases().settings(name)
    return _settings_answer(settings, version)


@bp.put("/constituencies/<name>/settings")
@requires_role("editor")
def replace_settings(name: str) -> ResponseReturnValue:
    """Set every setting (those left out take their defaults)."""
    settings = validated(MapSettings, json_object())
    cases = _cases()
    saved = cases.set_settings(name, settings, if_version=_if_match())
    return _settings_answer(cases.settings(name)[0], saved.version)


@bp.patch("/constituencies/<name>/settings")
@requires_role("editor")
def update_settings(name: str) -> ResponseReturnValue:
    """Change only the settings given."""
    body = json_object()
    cases = _cases()
    current, version = cases.settings(name)
    settings = validated(MapSettings, {**current.model_dump(mode="json"), **body})
    expected = _if_match()
    saved = cases.set_settings(name, settings,
                               if_version=version if expected is None else expected)
    return _settings_answer(cases.settings(name)[0], saved.version)


# -- people ----------------------------------------------------------------------------------


def _person_json(person: Person) -> dict[str, Any]:
    return person.model_dump(mode="json")


@bp.get("/constituencies/<name>/people")
@requires_role("viewer")
def list_people(name: str) -> ResponseReturnValue:
    """People by ascending id; ``q`` finds a piece of text in the id or the name."""
    asked = _query(PeopleQuery)
    limit, offset, as_of = asked.limit, asked.offset, asked.as_of
    query = asked.q.strip().casefold()
    people: Iterator[Person] = (_store().iter_people(name) if as_of is None
                                else _cases().people_as_of(name, as_of))
    if as_of is not None and not query:
        return _json(_page(people, limit, offset, _person_json))
    if query:
        people = (p for p in people if query in p.id.casefold() or query in p.name.casefold())
        return _json(_page(people, limit, offset, _person_json))
    summary = _summary(name)
    return _json(_page(people, limit, offset, _person_json, summary.people if summary else None))


@bp.post("/constituencies/<name>/people")
@requires_role("editor")
def create_person(name: str) -> ResponseReturnValue:
    """Add a person, or replace the one with the same id (201 when added, 200 when replaced)."""
    person = validated(Person, json_object())
    cases = _cases()
    try:
        cases.person(name, person.id)
        added = False
    except NotFound:
        added = True
    saved = cases.save_person(name, person, on=_on(), if_version=_if_match())
    return _person_answer(cases, name, person.id, saved.version, 201 if added else 200,
                          {"Location": url_for("api.get_person", name=name,
                                               person_id=person.id)})


def _person_answer(cases: UseCases, name: str, person_id: str, version: int | None,
                   status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """The person as saved (today), with their version as ``ETag``."""
    try:
        person, version = cases.person(name, person_id)
        body: dict[str, Any] = _person_json(person)
    except NotFound:  # saved with a start still to come, or already left
        body = {"id": person_id, "in_map_today": False}
    return _json(body, status, {**(headers or {}), **_etag(version)})


@bp.get("/constituencies/<name>/people/<path:person_id>")
@requires_role("viewer")
def get_person(name: str, person_id: str) -> ResponseReturnValue:
    """A person (as of ``as_of``, default today) with their version as ``ETag``."""
    person, version = _cases().person(name, person_id, as_of=_query(ViewQuery).as_of)
    return _json(_person_json(person), headers=_etag(version))


def _same_id(body: dict[str, Any], field: str, expected: str) -> None:
    given = body.get(field, expected)
    if given != expected:
        raise ApiError(422, f"the {field} in the body differs from the one in the address", [
            {"field": field, "reason": f"must be {expected!r}, as in the address, or left out"}
        ])


@bp.put("/constituencies/<name>/people/<path:person_id>")
@requires_role("editor")
def replace_person(name: str, person_id: str) -> ResponseReturnValue:
    """Replace every field of a person (fields left out take their defaults)."""
    body = json_object()
    cases = _cases()
    cases.person(name, person_id)
    _same_id(body, "id", person_id)
    person = validated(Person, {**body, "id": person_id})
    saved = cases.save_person(name, person, on=_on(), if_version=_if_match())
    return _person_answer(cases, name, person_id, saved.version)


@bp.patch("/constituencies/<name>/people/<path:person_id>")
@requires_role("editor")
def update_person(name: str, person_id: str) -> ResponseReturnValue:
    """Change only the fields given."""
    body = json_object()
    cases = _cases()
    current, version = cases.person(name, person_id)
    _same_id(body, "id", person_id)
    person = validated(Person, {**current.model_dump(mode="json"), **body})
    expected = _if_match()
    saved = cases.save_person(name, person, on=_on(),
                              if_version=version if expected is None else expected)
    return _person_answer(cases, name, person_id, saved.version)


@bp.delete("/constituencies/<name>/people/<path:person_id>")
@requires_role("editor")
def delete_person(name: str, person_id: str) -> ResponseReturnValue:
    """Remove a person from the map: ``reason=left`` (the default: they left on ``on``, kept
    in the history) or ``reason=mistake`` (entered by mistake: their record and ties go)."""
    asked = _query(RemovalQuery)
    _cases().remove_person(name, person_id, Removal(asked.reason), on=asked.on,
                           if_version=_if_match())
    return _no_content()


# -- relationships ---------------------------------------------------------------------------


def _relationship_json(relationship: Relationship) -> dict[str, Any]:
    return relationship.model_dump(mode="json")


def _check_people_exist(store: GraphStore, name: str, relationship: Relationship) -> None:
    problems = []
    for field in ("source", "target"):
        person_id = getattr(relationship, field)
        try:
            store.get_person(name, person_id)
        except NotFound:
            problems.append({"field": field, "reason": f"there is no person {person_id!r} in "
                             f"{name!r}; add them first"})
    if problems:
        raise ApiError(422, "the relationship names people who are not in the map", problems)


@bp.get("/constituencies/<name>/relationships")
@requires_role("viewer")
def list_relationships(name: str) -> ResponseReturnValue:
    """Relationships by ascending (source, target); ``person`` keeps those they are part of."""
    asked = _query(TiesQuery)
    limit, offset, person = asked.limit, asked.offset, asked.person
    store = _store()
    if person is not None:  # 404 for an unknown person; reads only their ties
        return _json(_page(iter(store.relationships_of(name, person)), limit, offset,
                           _relationship_json))
    relationships: Iterator[Relationship] = store.iter_relationships(name)
    summary = _summary(name)
    return _json(_page(relationships, limit, offset, _relationship_json,
                       summary.relationships if summary else None))


@bp.post("/constituencies/<name>/relationships")
@requires_role("editor")
def create_relationship(name: str) -> ResponseReturnValue:
    """Record a tie, or replace the one with the same source and target."""
    relationship = validated(Relationship, json_object())
    store = _store()
    _check_people_exist(store, name, relationship)
    cases = _cases()
    try:
        cases.tie(name, relationship.source, relationship.target)
        added = False
    except NotFound:
        added = True
    saved = cases.save_tie(name, relationship, on=_on(), if_version=_if_match())
    location = url_for("api.get_relationship", name=name, source=relationship.source,
                       target=relationship.target)
    return _tie_answer(cases, name, relationship.source, relationship.target, saved.version,
                       201 if added else 200, {"Location": location})


def _tie_answer(cases: UseCases, name: str, source: str, target: str, version: int | None,
                status: int = 200, headers: dict[str, str] | None = None) -> Response:
    try:
        tie, version = cases.tie(name, source, target)
        body: dict[str, Any] = _relationship_json(tie)
    except NotFound:
        body = {"source": source, "target": target, "in_map_today": False}
    return _json(body, status, {**(headers or {}), **_etag(version)})


@bp.get("/constituencies/<name>/relationships/<source>/<target>")
@requires_role("viewer")
def get_relationship(name: str, source: str, target: str) -> ResponseReturnValue:
    """A tie (as of ``as_of``, default today) with its version as ``ETag``."""
    tie, version = _cases().tie(name, source, target, as_of=_query(ViewQuery).as_of)
    return _json(_relationship_json(tie), headers=_etag(version))


@bp.put("/constituencies/<name>/relationships/<source>/<target>")
@requires_role("editor")
def replace_relationship(name: str, source: str, target: str) -> ResponseReturnValue:
    """Replace the trust strengths, ``recruited`` and ``since`` of a recorded tie."""
    body = json_object()
    cases = _cases()
    cases.tie(name, source, target)
    _same_id(body, "source", source)
    _same_id(body, "target", target)
    relationship = validated(Relationship, {**body, "source": source, "target": target})
    saved = cases.save_tie(name, relationship, on=_on(), if_version=_if_match())
    return _tie_answer(cases, name, source, target, saved.version)


@bp.delete("/constituencies/<name>/relationships/<source>/<target>")
@requires_role("editor")
def delete_relationship(name: str, source: str, target: str) -> ResponseReturnValue:
    """End a tie: ``reason=left`` (the default: it ended on ``on``, kept in the history) or
    ``reason=mistake`` (entered by mistake: removed with its history)."""
    asked = _query(RemovalQuery)
    _cases().remove_tie(name, source, target, Removal(asked.reason), on=asked.on,
                        if_version=_if_match())
    return _no_content()


# -- analysis and gaps -----------------------------------------------------------------------


def analysis_options(name: str) -> AnalysisOptions | None:
    """The analysis options of the query over the map's settings, or ``None`` when the query
    changes nothing (the cached analysis, with the map's settings)."""
    query = _query(AnalysisQuery)
    if query == AnalysisQuery.model_validate({}):
        return None
    given: dict[str, Any] = {"hops": query.hops, "target_core_share": query.target_core,
             "target_reach": query.target_reach}
    overrides = {k: v for k, v in given.items() if v is not None}
    if query.min_engagement is not None:
        overrides["min_engagement"] = (None if query.min_engagement == "anyone"
                                       else query.min_engagement)
    try:
        return options_for(name, **overrides, min_trust=query.min_trust,
                           as_of=query.as_of or date.today())
    except ValueError as exc:  # defensive: the model should catch everything
        raise ApiError(400, str(exc)) from None


def _analysis(name: str) -> Analysis:
    _store().get_constituency(name)  # 404 before any work
    return analysis_for(name, analysis_options(name)).analysis


@bp.get("/constituencies/<name>/analysis")
@requires_role("viewer")
def get_analysis(name: str) -> ResponseReturnValue:
    """The same object as ``movemap analyse NAME --json``."""
    return _json(_analysis(name).to_dict())


@bp.get("/constituencies/<name>/export")
@requires_role("viewer")
def export_map(name: str) -> ResponseReturnValue:
    """The map (as of ``as_of``; only the view the query asks for) as a file that imports
    back as that map: an Excel workbook, a .zip of the CSV files… (``service.exports``)."""
    from service.exports import MIMETYPES, download_name, export_bytes

    asked = _query(ExportQuery)
    _store().get_constituency(name)  # 404 before any work
    view = ExportView.of(asked.model_dump())
    data = export_bytes(_cases(), name, asked.format, asked.as_of,
                        asked.k if asked.pseudonymise else None, view)
    file_name = download_name(name, asked.format, asked.as_of, asked.pseudonymise, view)
    return Response(data, mimetype=MIMETYPES[asked.format], headers={
        "Content-Disposition": f"attachment; filename=\"{file_name}\"",
        "Cache-Control": "no-store"})


@bp.get("/constituencies/<name>/gaps")
@requires_role("viewer")
def list_gaps(name: str) -> ResponseReturnValue:
    """The gaps, most serious first; ``severity`` and ``kind`` keep only those given; a page
    of ``limit`` from ``offset``, with ``total`` the count of all that match."""
    query = _query(GapsQuery)
    _store().get_constituency(name)  # 404 before any work
    cached = analysis_for(name, analysis_options(name))
    gaps = [
        gap for gap in cached.analysis.gaps
        if (not query.severity or gap.severity in query.severity)
        and (not query.kind or gap.kind in query.kind)
    ]
    page = [gap.to_dict() for gap in gaps[query.offset:query.offset + query.limit]]
    kinds = [g.to_dict() for g in group_gaps(gaps, name_lookup(cached.graph))]
    return _json({"constituency": name, "gaps": page, "total": len(gaps),
                  "limit": query.limit, "offset": query.offset, "kinds": kinds})


# -- import ----------------------------------------------------------------------------------


def _upload(field: str) -> FileStorage:
    """The uploaded file ``field``, or the field's text when it was sent as a plain form field
    (the OpenAPI document describes both as the file's text)."""
    upload = request.files.get(field)
    if upload is not None and upload.filename:
        return upload
    text = request.form.get(field)
    if text is not None:
        return FileStorage(io.BytesIO(text.encode("utf-8")), filename=f"{field}.csv")
    raise ApiError(400, "send both files as multipart/form-data fields 'people' and "
                   "'relationships'", [{"field": field, "reason": "no file was sent"}])


def _uploads() -> list[tuple[FileStorage, str]]:
    """The uploaded files with the name each is read under: one map file ``file`` (any
    format movemap reads; its own name, made safe, so its kind shows), or the CSV pair."""
    single = request.files.get("file")
    if single is not None and single.filename:
        return [(single, secure_filename(_safe_name(single.filename, "map")) or "map")]
    text = request.form.get("file")
    if text is not None:  # the file's text as a plain field, as for the CSV pair
        return [(FileStorage(io.BytesIO(text.encode("utf-8")), filename="map"), "map")]
    return [(_upload("people"), "people.csv"), (_upload("relationships"), "relationships.csv")]


@bp.post("/constituencies/<name>/import")
@requires_role("editor")
def import_files(name: str) -> ResponseReturnValue:
    """Import one map file of any format movemap reads (``file``), or people.csv and
    relationships.csv, all or nothing, exactly as ``movemap import``; ``dry_run``: only what
    it would do (``plan``)."""
    from graph.formats import read_files
    from graph.import_plan import ImportPlan

    if request.mimetype != "multipart/form-data":
        raise ApiError(400, "send the files as multipart/form-data: one field 'file', or the "
                       "fields 'people' and 'relationships'")
    uploads = _uploads()
    try:
        form = read_query(ImportForm, request.form)
    except QueryProblem as exc:
        raise ApiError(400, str(exc).replace("query parameter", "field"), exc.problems) from None
    on = form.on
    store = _store()
    store.get_constituency(name)
    warnings: list[str] = []
    plan = ImportPlan(name) if form.previewing else None
    with unnamed_copies([(upload.stream, read_as) for upload, read_as in uploads]) as paths:
        shown = {os.fspath(path): _safe_name(upload.filename, path.name)
                 for path, (upload, _) in zip(paths, uploads, strict=True)}
        shown.update({path.name: shown[os.fspath(path)] for path in paths})
        account = current_account()
        assert account is not None
        try:
            tables = read_files(paths, form.format)
            summary, change_set = use_cases(
                account.email, "api import " + " ".join(
                    shown[os.fspath(p)] for p in paths)).import_tables(
                name, tables, on=on, replace=form.replacing, on_warning=warnings.append,
                plan=plan)
        except ImportFailed as failed:
            problems = [{**p.to_dict(), "file": uploaded_name(p.file, shown)}
                        for p in failed.problems]
            count = len(problems)
            raise ApiError(422, f"import failed, nothing was written: {count} problem"
                           f"{'s' if count != 1 else ''}", problems) from None
        except LimitExceeded:
            raise  # 422 over_limit, naming the limit, as every write over a limit
        except MovemapError as exc:  # the files sent are no map movemap can read: 422
            raise ApiError(422, str(exc), [{"field": "file", "reason": str(exc)}]) from None
        warnings = [_hide_paths(w, shown) for w in warnings]
    preview = {} if plan is None else {"dry_run": True, "plan": plan.to_dict()}
    return _json({**preview,
        "constituency": name,
        "people": {"added": summary.people_added, "updated": summary.people_updated,
                   "unchanged": summary.people_unchanged},
        "relationships": {"added": summary.relationships_added,
                          "updated": summary.relationships_updated,
                          "unchanged": summary.relationships_unchanged},
        "changed": summary.changed,
        "change_set": change_set,
        "warnings": warnings,
    })


def _safe_name(filename: str | None, default: str) -> str:
    """The uploaded file's own name (no folders), to report problems against."""
    name = Path((filename or "").replace("\\", "/")).name.strip()
    return name[:200] if name and name.isprintable() else default


def _hide_paths(text: str, shown: dict[str, str]) -> str:
    for path, name in shown.items():
        text = text.replace(path, name)
    return text


# -- history ---------------------------------------------------------------------------------


@bp.get("/constituencies/<name>/history")
@requires_role("viewer")
def list_history(name: str) -> ResponseReturnValue:
    """Change sets, newest first (``person``: only those about them; ``before``: page back)."""
    asked = _query(HistoryQuery)
    limit = asked.limit
    found = _cases().history(name, person=asked.person or None, limit=limit,
                             before=asked.before)
    return _json({"items": [c.to_dict() for c in found], "limit": limit,
                  "next_before": found[-1].id if len(found) == limit else None})


@bp.get("/constituencies/<name>/history/<int:change_set_id>")
@requires_role("viewer")
def get_change_set(name: str, change_set_id: int) -> ResponseReturnValue:
    return _json(_cases().change_set(name, change_set_id).to_dict())


@bp.post("/constituencies/<name>/history/<int:change_set_id>/undo")
@requires_role("editor")
def undo_change_set(name: str, change_set_id: int) -> ResponseReturnValue:
    """Undo a change set with a new one (409 naming the conflict when a later change touched
    the same fields; nothing changes then)."""
    cases = _cases()
    saved = cases.undo(name, change_set_id)
    if saved.change_set is None:
        return _json({"undone": change_set_id, "change_set": None})
    return _json({"undone": change_set_id,
                  "change_set": cases.change_set(name, saved.change_set).to_dict()}, 201)


@bp.get("/constituencies/<name>/changes")
@requires_role("viewer")
def get_changes(name: str) -> ResponseReturnValue:
    """What changed between ``since`` (default 30 days before ``until``) and ``until``
    (default today), as ``movemap changes``."""
    asked = _query(ChangesQuery)
    until = asked.until or date.today()
    since = asked.since or until - timedelta(days=CHANGES_DAYS)
    return _json(changes_between(_store(), name, since, until).to_dict())


@bp.get("/constituencies/<name>/growth")
@requires_role("viewer")
def get_growth(name: str) -> ResponseReturnValue:
    """Is the movement growing: one point per period (``interval``) from the map's first
    record (or ``since``) to today, as ``movemap growth NAME --json``."""
    asked = _query(GrowthQuery)
    return _json(growth_of(_store(), name, asked.interval, since=asked.since).to_dict())


@bp.get("/constituencies/<name>/recruitment")
@requires_role("viewer")
def get_recruitment(name: str) -> ResponseReturnValue:
    """Who grows leaders (as of ``as_of``, default today): the recruitment forest
    (``graph.analysis.recruitment``: each recruiter's recruits, engaged recruits and
    second generation; the effective number of leader-growers and the top three's share; cycles
    reported as data problems) and the organiser teams (``graph.analysis.teams``)."""
    from graph.analysis.recruitment import recruitment_forest
    from graph.analysis.teams import organiser_teams

    asked = _query(ViewQuery)
    _store().get_constituency(name)  # 404 before any work
    cached = analysis_for(name, options_for(name, as_of=asked.as_of) if asked.as_of else None)
    forest = recruitment_forest(cached.graph)
    teams = organiser_teams(cached.graph, cached.analysis.roles, recruiter=forest.recruiter)
    return _json({"constituency": name, "as_of": (asked.as_of or date.today()).isoformat(),
                  "recruitment": forest.to_dict(), "teams": teams.to_dict()})


# -- the OpenAPI document --------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    """This API described in OpenAPI 3.1."""
    from service.openapi import build_document

    return _json(build_document())
