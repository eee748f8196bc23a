"""The API of our shared purpose: the board, its items and its warnings.

Everyone with a role in the map reads (the board as JSON or CSV, every item, the warnings);
editors write: open and close rounds, record contributions, themes, statements and their
versions, reviews, aims and personas, or remove an item entered by mistake. Each write is one
change set of the map's history (undo it from there). A contribution is its contributor's: a
change or withdrawal through the API acts as the caller's account, so it succeeds only for a
contribution that account made.

Example:
    $ curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
          -d '{"element": "purpose", "text": "Nobody waits alone", "date": "2025-05-02",
               "contributor": {"person": "p0012"}}' \\
          http://localhost:8000/api/v1/constituencies/demo/purpose/contributions
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response
from flask.typing import ResponseReturnValue
from pydantic import BaseModel

from graph.purpose import model as m
from graph.purpose.board import board_csv
from graph.purpose.records import ITEM_KINDS
from graph.purpose.usecases import NotYours, PurposeCases
from service.api import ApiError, _cases, _json, bp, json_object, validated
from service.auth import current_account, requires_role
from service.state import analysis_for

__all__ = ["ADDED", "PLURAL", "UPDATED"]

PLURAL = {"round": "rounds", "contribution": "contributions", "theme": "themes",
          "statement": "statements", "version": "versions", "review": "reviews",
          "aim": "aims", "persona": "personas"}
"""Each kind of item as its address spells it."""
_KIND_OF = {plural: kind for kind, plural in PLURAL.items()}

ADDED: dict[str, tuple[type[BaseModel], Callable[[PurposeCases, str, Any], str]]] = {
    "rounds": (m.Round, lambda p, n, item: p.open_round(n, item)),
    "contributions": (m.Contribution, lambda p, n, item: p.add_contribution(n, item)),
    "themes": (m.Theme, lambda p, n, item: p.add_theme(n, item)),
    "statements": (m.Statement, lambda p, n, item: p.add_statement(n, item)),
    "reviews": (m.Review, lambda p, n, item: p.review(n, item)),
    "aims": (m.Aim, lambda p, n, item: p.add_aim(n, item)),
    "personas": (m.Persona, lambda p, n, item: p.add_persona(n, item)),
}
"""The kinds added with ``POST .../purpose/KINDS``: the body's model and the use case."""
UPDATED: dict[str, tuple[type[BaseModel], Callable[[PurposeCases, str, str, Any], int]]] = {
    "themes": (m.Theme, lambda p, n, i, item: p.update_theme(n, i, item)),
    "aims": (m.Aim, lambda p, n, i, item: p.update_aim(n, i, item)),
    "personas": (m.Persona, lambda p, n, i, item: p.update_persona(n, i, item)),
}
"""The kinds a lead replaces with ``PUT .../purpose/KINDS/ID``."""


class VersionStatus(BaseModel):
    """The body of ``PUT .../purpose/versions/ID/status``."""

    model_config = {"extra": "forbid", "frozen": True}
    status: m.StatementStatus


@bp.errorhandler(NotYours)
def _not_yours(error: NotYours) -> Response:
    return ApiError(403, str(error)).response()


def _purpose() -> PurposeCases:
    return _cases().purpose


def _caller() -> m.Who:
    account = current_account()
    assert account is not None  # the gate lets nobody else in
    return m.Who(account=account.email)


def _one(name: str, plural: str, item_id: str, status: int = 200) -> Response:
    item = _purpose().item(name, _KIND_OF[plural], item_id)
    return _json({"id": item_id, "item_kind": _KIND_OF[plural],
                  **item.model_dump(mode="json")}, status)


def _board(name: str) -> Any:
    _cases().store.get_constituency(name)  # 404 before any work
    cached = analysis_for(name)
    return _purpose().board(name, cached.graph, cached.analysis.gaps)


@bp.get("/constituencies/<name>/purpose")
@requires_role("viewer")
def get_purpose_board(name: str) -> ResponseReturnValue:
    """The board: our, shared and purpose, the balance, the warnings and the questions."""
    return _json(_board(name).to_dict())


@bp.get("/constituencies/<name>/purpose/board.csv")
@requires_role("viewer")
def get_purpose_board_csv(name: str) -> ResponseReturnValue:
    """The board as CSV: one row per group, missing voice and contribution."""
    return Response(board_csv(_board(name)), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}-purpose.csv"'})


@bp.get("/constituencies/<name>/purpose/items")
@requires_role("viewer")
def list_purpose_items(name: str) -> ResponseReturnValue:
    """Every item of the purpose, by kind (withdrawn contributions too, marked)."""
    return _json({"constituency": name, **_purpose().state(name).to_dict()})


@bp.get("/constituencies/<name>/purpose/warnings")
@requires_role("viewer")
def list_purpose_warnings(name: str) -> ResponseReturnValue:
    """The warnings that keep the purpose honest: a list of {kind, message, evidence}."""
    return _json([w.to_dict() for w in _board(name).warnings])


def _adder(plural: str) -> Callable[..., ResponseReturnValue]:
    model, add = ADDED[plural]

    def add_item(name: str) -> ResponseReturnValue:
        _cases().store.get_constituency(name)
        item = validated(model, json_object())
        return _one(name, plural, add(_purpose(), name, item), 201)

    add_item.__doc__ = f"Add one of the {plural} (201, with its new id)."
    return add_item


def _getter(plural: str) -> Callable[..., ResponseReturnValue]:
    def get_item(name: str, item_id: str) -> ResponseReturnValue:
        return _one(name, plural, item_id)

    return get_item


def _replacer(plural: str) -> Callable[..., ResponseReturnValue]:
    model, update = UPDATED[plural]

    def replace_item(name: str, item_id: str) -> ResponseReturnValue:
        _cases().store.get_constituency(name)
        update(_purpose(), name, item_id, validated(model, json_object()))
        return _one(name, plural, item_id)

    return replace_item


def _remover(plural: str) -> Callable[..., ResponseReturnValue]:
    def remove_item(name: str, item_id: str) -> ResponseReturnValue:
        _purpose().remove(name, _KIND_OF[plural], item_id)
        return Response(status=204)

    return remove_item


def _register() -> None:
    """One address per kind (``.../purpose/rounds``, ``.../purpose/rounds/ID``…), so the
    OpenAPI document describes each body exactly."""
    base = "/constituencies/<name>/purpose"
    for plural in PLURAL.values():
        one = f"{base}/{plural}/<item_id>"
        if plural in ADDED:
            bp.add_url_rule(f"{base}/{plural}", f"add_purpose_{plural}",
                            requires_role("editor")(_adder(plural)), methods=["POST"])
        bp.add_url_rule(one, f"get_purpose_{plural}", requires_role("viewer")(
            _getter(plural)), methods=["GET"])
        bp.add_url_rule(one, f"remove_purpose_{plural}", requires_role("editor")(
            _remover(plural)), methods=["DELETE"])
        if plural in UPDATED:
            bp.add_url_rule(one, f"replace_purpose_{plural}", requires_role("editor")(
                _replacer(plural)), methods=["PUT"])


_register()


@bp.post("/constituencies/<name>/purpose/rounds/<item_id>/close")
@requires_role("editor")
def close_purpose_round(name: str, item_id: str) -> ResponseReturnValue:
    """Close a round today."""
    _purpose().close_round(name, item_id)
    return _one(name, "rounds", item_id)


@bp.put("/constituencies/<name>/purpose/contributions/<item_id>/mine")
@requires_role("editor")
def edit_own_contribution(name: str, item_id: str) -> ResponseReturnValue:
    """Change your own contribution (the caller's account must be its contributor; 403
    otherwise)."""
    _cases().store.get_constituency(name)
    contribution = validated(m.Contribution, json_object())
    _purpose().edit_contribution(name, item_id, contribution, _caller())
    return _one(name, "contributions", item_id)


@bp.post("/constituencies/<name>/purpose/contributions/<item_id>/withdraw")
@requires_role("editor")
def withdraw_own_contribution(name: str, item_id: str) -> ResponseReturnValue:
    """Withdraw your own contribution (403 for anyone else's)."""
    _purpose().withdraw_contribution(name, item_id, _caller())
    return _one(name, "contributions", item_id)


@bp.post("/constituencies/<name>/purpose/statements/<item_id>/versions")
@requires_role("editor")
def add_statement_version(name: str, item_id: str) -> ResponseReturnValue:
    """A new version of a statement (201, with its id, e.g. s1-v2)."""
    _cases().store.get_constituency(name)
    version = validated(m.StatementVersion, json_object())
    return _one(name, "versions", _purpose().add_version(name, item_id, version), 201)


@bp.put("/constituencies/<name>/purpose/versions/<item_id>/status")
@requires_role("editor")
def set_version_status(name: str, item_id: str) -> ResponseReturnValue:
    """Move a version on; making one current retires the one that was current."""
    _cases().store.get_constituency(name)
    body = validated(VersionStatus, json_object())
    _purpose().set_version_status(name, item_id, body.status)
    return _one(name, "versions", item_id)


assert set(_KIND_OF.values()) == set(ITEM_KINDS)
