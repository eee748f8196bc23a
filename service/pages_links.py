"""The change lead's side of private links (``service.links``): invite people of the map to a
purpose round, see the round's links, revoke them.

``/c/NAME/purpose/links?round=ID`` is for editors and owners, like every page that changes a
map. Inviting answers with the CSV of the new links for a mail merge: the only time the links
are shown (only their digests are kept). Re-inviting someone replaces their old link; the CSV's
``replaced`` column says whose.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from graph.errors import MovemapError, NotFound
from graph.model import GROUPS
from service.auth import current_account, requires_role
from service.links import (
    MAX_LINK_DAYS,
    MAX_PEOPLE_PER_INVITATION,
    check_subject,
    invite_from_map,
    link_days,
    links_csv,
)
from service.notices import notify
from service.pages_contribute import link_store
from service.state import get_store

__all__ = ["bp", "csv_download", "invited_people", "people_named"]

bp = Blueprint("links", __name__)

KIND = "purpose_round"


def invited_people(name: str, round_id: str | None = None) -> set[str]:
    """The ids of the people of map ``name`` holding a link to purpose round ``round_id`` (to
    any round, when ``None``) that was not revoked (expired ones count: they were asked): the
    ``invited`` of ``graph.purpose.parts.person_parts``, which tells "invited and silent"."""
    return link_store().invited_people(KIND, name, round_id)


def people_named(name: str, ids: set[str]) -> dict[str, tuple[str, str]]:
    """``id -> (name, organisation)`` of those of ``ids`` still in the map."""
    return {p.id: (p.name, p.organisation) for p in get_store().iter_people(name) if p.id in ids}


def csv_download(text: str, filename: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _round_arg(source: dict[str, str]) -> str:
    subject = source.get("round", "").strip()
    if subject:
        check_subject(KIND, subject)
    return subject


@bp.get("/c/<name>/purpose/links")
@requires_role("editor")
def page(name: str) -> ResponseReturnValue:
    """The invitation form and, for a chosen round, its links."""
    get_store().get_constituency(name)
    problem = ""
    try:
        subject = _round_arg(request.args)
    except MovemapError as exc:
        subject, problem = "", str(exc)
    links = link_store().links(KIND, name, subject) if subject else []
    people = people_named(name, {link.person_id for link in links})
    now = link_store().clock()
    return render_template(
        "purpose_links.html", name=name, active="purpose_links", subject=subject, links=links,
        people=people, now=now, groups=GROUPS, days=link_days(), max_days=MAX_LINK_DAYS,
        max_people=MAX_PEOPLE_PER_INVITATION, problem=problem), 422 if problem else 200


@bp.post("/c/<name>/purpose/links/invite")
@requires_role("editor")
def invite(name: str) -> ResponseReturnValue:
    """Give each chosen person a link to the round; answers the CSV of the new links."""
    form = request.form
    account = current_account()
    assert account is not None
    try:
        subject = _round_arg(form)
        if not subject:
            raise MovemapError("round: give the round's id")
        days_text = form.get("expires_days", "").strip()
        if days_text and not (days_text.isascii() and days_text.isdigit()
                              and len(days_text) <= 3):
            raise MovemapError(f"expires_days: a whole number of days, 1 to {MAX_LINK_DAYS}")
        picked = [line.strip() for line in form.get("people", "").splitlines() if line.strip()]
        issued, chosen = invite_from_map(
            link_store(), get_store().iter_people(name), KIND, name, subject,
            invited_by=account.email, group=form.get("group") or None,
            segment=form.get("segment", "").strip() or None, picked=picked,
            days=int(days_text) if days_text else None)
    except NotFound:
        raise
    except MovemapError as exc:
        notify(f"Nobody was invited: {exc}.", "error")
        return redirect(url_for("links.page", name=name, round=form.get("round") or None), 303)
    host = request.host_url
    return csv_download(links_csv(issued, chosen, host), f"{name}-{subject}-links.csv")


@bp.post("/c/<name>/purpose/links/<int(max=9223372036854775807):link_id>/revoke")
@requires_role("editor")
def revoke(name: str, link_id: int) -> ResponseReturnValue:
    """Stop one link at once."""
    link = link_store().revoke(link_id, name)
    notify("The link is revoked: it no longer works.", "success")
    return redirect(url_for("links.page", name=name, round=link.subject), 303)


@bp.post("/c/<name>/purpose/links/revoke-all")
@requires_role("editor")
def revoke_all(name: str) -> ResponseReturnValue:
    """Stop every working link of a round."""
    subject = _round_arg(request.form)
    if not subject:
        abort(400, "Give the round's id.")
    count = link_store().revoke_all(KIND, name, subject)
    notify(f"{count:,} links of round {subject} revoked.", "success")
    return redirect(url_for("links.page", name=name, round=subject), 303)
