"""The API's events: what the movement did, who took part, and what went with it.

The same operations as ``movemap events`` and ``movemap event add|delete``. Everyone with a
role in the map reads its events with their effects (``graph.analysis.event_effects``, over
the map's ``event_window_days``); editors add, change and remove them, each one change set of
the map's history (undoable). The map's version is the ``ETag``; send it back as ``If-Match``
so that a change made since is not overwritten.

Example:
    $ curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
          -d '{"date": "2025-09-29", "name": "Community workshop", "people": ["p0012"]}' \\
          http://localhost:8000/api/v1/constituencies/demo/events
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, url_for
from flask.typing import ResponseReturnValue

from graph.errors import NotFound
from graph.events import Event
from graph.usecases import events_with_effects
from service.api import (
    _cases,
    _etag,
    _if_match,
    _json,
    _no_content,
    _store,
    bp,
    json_object,
    validated,
)
from service.auth import requires_role

__all__: list[str] = []


def _listed(name: str) -> tuple[list[dict[str, Any]], int | None]:
    version = _cases().events(name)[1]
    found = events_with_effects(_store(), name, date.today())
    return [e.with_effects(f) for e, f in found], version


def _one(name: str, event_id: str, status: int = 200,
         headers: dict[str, str] | None = None) -> Response:
    items, version = _listed(name)
    item = next((i for i in items if i["id"] == event_id), None)
    if item is None:
        raise NotFound(f"there is no event {event_id!r} in constituency {name!r}")
    return _json(item, status, {**(headers or {}), **_etag(version)})


@bp.get("/constituencies/<name>/events")
@requires_role("viewer")
def list_events(name: str) -> ResponseReturnValue:
    """The map's events, oldest first, each with its effects."""
    items, version = _listed(name)
    window = _cases().settings(name)[0].event_window_days
    return _json({"constituency": name, "window_days": window, "items": items,
                  "total": len(items)}, headers=_etag(version))


@bp.post("/constituencies/<name>/events")
@requires_role("editor")
def create_event(name: str) -> ResponseReturnValue:
    """Record an event (201, with its new id and its effects)."""
    event = validated(Event, json_object())
    added, _saved = _cases().add_event(name, event, if_version=_if_match())
    location = url_for("api.get_event", name=name, event_id=added.id)
    return _one(name, added.id, 201, {"Location": location})


@bp.get("/constituencies/<name>/events/<event_id>")
@requires_role("viewer")
def get_event(name: str, event_id: str) -> ResponseReturnValue:
    """One event with its effects."""
    return _one(name, event_id)


@bp.put("/constituencies/<name>/events/<event_id>")
@requires_role("editor")
def replace_event(name: str, event_id: str) -> ResponseReturnValue:
    """Replace what is recorded of an event (fields left out take their defaults)."""
    event = validated(Event, json_object())
    _cases().update_event(name, event_id, event, if_version=_if_match())
    return _one(name, event_id)


@bp.delete("/constituencies/<name>/events/<event_id>")
@requires_role("editor")
def delete_event(name: str, event_id: str) -> ResponseReturnValue:
    """Remove an event (one change set: undo it from the history)."""
    _cases().delete_event(name, event_id, if_version=_if_match())
    return _no_content()
