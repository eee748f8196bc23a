"""The API of private links (``service.links``): invite people of a map to a purpose round, list
a round's links, revoke one or all.

Editors and owners only, as for every change of a map. Inviting answers the new links once,
with their secrets (only their digests are kept); listing never shows them.

Example:
    $ curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
          -d '{"group": "people", "expires_days": 14}' \\
          http://localhost:8000/api/v1/constituencies/demo/purpose/rounds/r1/links
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask.typing import ResponseReturnValue

from graph.errors import MovemapError
from service.api import ApiError, _json, _no_content, _store, bp, json_object, validated
from service.auth import current_account, requires_role
from service.links import Link, LinkInvitation, check_subject, invite_from_map
from service.pages_contribute import link_store

__all__ = ["link_json"]

KIND = "purpose_round"


def link_json(link: Link, now: Any) -> dict[str, Any]:
    """A link as listed: never its secret."""
    state = "revoked" if link.revoked else "works" if link.works_at(now) else "expired"
    return {"id": link.id, "person_id": link.person_id, "invited_by": link.invited_by,
            "created": link.created, "expires": link.expires, "last_used": link.last_used,
            "uses": link.uses, "revoked": link.revoked, "state": state}


def _round(round_id: str) -> str:
    try:
        check_subject(KIND, round_id)
    except MovemapError as exc:
        raise ApiError(404, str(exc)) from None
    return round_id


@bp.post("/constituencies/<name>/purpose/rounds/<round_id>/links")
@requires_role("editor")
def invite_to_round(name: str, round_id: str) -> ResponseReturnValue:
    """A link for each chosen person (201, with the links: the only time they are shown)."""
    body = validated(LinkInvitation, json_object())
    account = current_account()
    assert account is not None
    try:
        issued, chosen = invite_from_map(
            link_store(), _store().iter_people(name), KIND, name, _round(round_id),
            invited_by=account.email, group=body.group.value if body.group else None,
            segment=body.segment, picked=body.people, days=body.expires_days)
    except MovemapError as exc:
        field, _, reason = str(exc).partition(": ")
        raise ApiError(422, "nobody was invited", [{"field": field, "reason": reason}]) from None
    root = (body.base_url or request.host_url).rstrip("/")
    items = [{**link_json(i.link, link_store().clock()), "name": chosen[i.link.person_id].name,
              "organisation": chosen[i.link.person_id].organisation,
              "link": f"{root}/l/{i.token}", "replaced": i.replaced} for i in issued]
    return _json({"constituency": name, "round": round_id, "items": items,
                  "total": len(items)}, 201)


@bp.get("/constituencies/<name>/purpose/rounds/<round_id>/links")
@requires_role("editor")
def list_round_links(name: str, round_id: str) -> ResponseReturnValue:
    """Every link of the round, oldest first: working, expired and revoked."""
    _store().get_constituency(name)
    now = link_store().clock()
    items = [link_json(link, now) for link in link_store().links(KIND, name, _round(round_id))]
    return _json({"constituency": name, "round": round_id, "items": items,
                  "total": len(items)})


@bp.delete("/constituencies/<name>/purpose/rounds/<round_id>/links")
@requires_role("editor")
def revoke_round_links(name: str, round_id: str) -> ResponseReturnValue:
    """Revoke every working link of the round; answers how many."""
    count = link_store().revoke_all(KIND, name, _round(round_id))
    return _json({"constituency": name, "round": round_id, "revoked": count})


@bp.delete("/constituencies/<name>/purpose/links/<int:link_id>")
@requires_role("editor")
def revoke_link(name: str, link_id: int) -> ResponseReturnValue:
    """Revoke one link at once."""
    link_store().revoke(link_id, name)
    return _no_content()
