"""The change lead's side of the shared purpose: the board page, its forms and the printable
sheet.

``/c/NAME/purpose`` mirrors the board (``graph.purpose.board``): *our* (the three groups, the
missing voices, "we have left out…"), *shared* (stories, values, commonalities, differences,
themes) and *purpose* (draft wordings, statements and their versions, reviews, aims), with the
rounds, the warnings and their evidence, the reflection questions and who made the purpose by
group. Everyone with a role reads it; editors open and close rounds, group contributions into
themes, draft versions and move them on, record a review on someone's behalf, and add aims and
personas. Every write goes through the purpose use cases (``UseCases.purpose``: one change set
each, undoable from the history); a refusal is shown next to the field it is about.

``/c/NAME/purpose/sheet`` is the current statement and how it was made, on one sheet of A4.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import TypeVar, cast

import numpy as np
import numpy.typing as npt
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from pydantic import BaseModel

from dashboards.purpose_figures import (
    ANSWER_WORDS,
    mix_figure,
    part_codes,
    reviews_figure,
)
from dashboards.purpose_page import STATUS_WORDS, board_view, sheet_view
from graph.compact import CompactGraph
from graph.errors import MovemapError, NotFound
from graph.limits import LimitExceeded
from graph.model import normalise_segment
from graph.purpose.board import Board
from graph.purpose.model import (
    Aim,
    Contribution,
    Persona,
    Review,
    Round,
    Statement,
    StatementStatus,
    StatementVersion,
    Theme,
)
from graph.purpose.parts import person_parts
from graph.purpose.records import PurposeState
from graph.usecases import InvalidChange
from service.auth import requires_role
from service.notices import notify
from service.pages import PageData, _may_edit, figure_json, page_cases, page_data
from service.pages_links import invited_people
from service.pictures import PictureFolder
from service.purpose_forms import (
    NEW_STATEMENT,
    AimForm,
    CloseRoundForm,
    PersonaForm,
    ReviewForm,
    RoundForm,
    StatusForm,
    ThemeForm,
    VersionForm,
    id_list,
    item_from_form,
    place_error,
    set_choices,
    who_list,
)

__all__ = ["CARDS_SHOWN", "bp", "invited", "network_parts", "render_board"]

bp = Blueprint("purpose", __name__)

CARDS_SHOWN = 30
"""Cards shown per list, newest first; "show all" shows one list whole (the CSV has all)."""
_FORMS: dict[str, type[FlaskForm]] = {
    "round": RoundForm, "theme": ThemeForm, "version": VersionForm, "review": ReviewForm,
    "aim": AimForm, "persona": PersonaForm}


# -- reading ---------------------------------------------------------------------------------


def _board(name: str, data: PageData) -> tuple[Board, PurposeState]:
    purpose = page_cases().purpose
    state = purpose.state(name)
    return purpose.board(name, data.graph, data.analysis.gaps), state


def invited(name: str, rounds: Collection[str]) -> set[str]:
    """The people asked to contribute to any of ``rounds`` through a private link
    (``service.pages_links.invited_people``; revoked links aside, expired ones count)."""
    return set().union(*(invited_people(name, r) for r in rounds))


@bp.get("/c/<name>/purpose/pictures/<contribution_id>")
@requires_role("viewer")
def picture(name: str, contribution_id: str) -> ResponseReturnValue:
    """The picture sent with a contribution (a JPEG the app re-encoded when it came in)."""
    item = page_cases().purpose.item(name, "contribution", contribution_id[:40])
    assert isinstance(item, Contribution)
    folder = cast(PictureFolder | None, current_app.extensions.get("movemap.pictures"))
    data = folder.load(item.picture) if folder is not None and item.picture else None
    if data is None:
        abort(404, f"Contribution {contribution_id} has no picture.")
    return Response(data, mimetype="image/jpeg")


def network_parts(name: str, graph: CompactGraph) -> npt.NDArray[np.int8]:
    """Each person's part in the purpose (``graph.purpose.parts``) as an index, for the
    network's "colour by: part in the purpose"."""
    state = page_cases().purpose.state(name)
    return part_codes(graph.ids, person_parts(graph.ids, state, invited(name, state.rounds)))


def _statement_choices(state: PurposeState, *, new: bool) -> list[tuple[str, str]]:
    pairs = [(sid, f"{s.title} ({sid})") for sid, s in state.statements.items()]
    return [(NEW_STATEMENT, "a new statement"), *pairs] if new else [("", "none yet"), *pairs]


def _fill_choices(forms: dict[str, FlaskForm], state: PurposeState) -> None:
    """The choices that depend on the purpose: statements, versions, rounds."""
    version = forms["version"]
    assert isinstance(version, VersionForm)
    set_choices(version.statement, _statement_choices(state, new=True))
    set_choices(version.round, [("", "none"), *((rid, f"{r.title} ({rid})")
                                               for rid, r in state.rounds.items())])
    review = forms["review"]
    assert isinstance(review, ReviewForm)
    titles = {sid: s.title for sid, s in state.statements.items()}
    set_choices(review.version, [
        (vid, f"{titles.get(vid.rpartition('-v')[0], '')} {vid} ({STATUS_WORDS[v.status]})")
        for vid, v in reversed(state.versions.items()) if v.status != StatementStatus.RETIRED])
    aim = forms["aim"]
    assert isinstance(aim, AimForm)
    set_choices(aim.statement, _statement_choices(state, new=False))


def _prefill_aim(form: AimForm, board: Board, version_id: str) -> None:
    """The offer of a ``reads_like_aim`` warning: an aim form holding that wording, under the
    statement it came from, for the lead to split into what, how much and by when."""
    for w in board.warnings:
        if w.kind == "reads_like_aim" and w.evidence.get("version") == version_id:
            form.what.data = str(w.evidence.get("text", ""))[:200]
            form.statement.data = version_id.rpartition("-v")[0]


def render_board(name: str, board: Board, state: PurposeState, graph: CompactGraph,
                 name_of: Callable[[str], str], *, editable: bool,
                 forms: dict[str, FlaskForm] | None = None, round_id: str | None = None,
                 everything: str | None = None, aim_from: str | None = None) -> str:
    """The board page's HTML (the benchmark times this on a large map)."""
    made = {key: (forms or {}).get(key) or form(formdata=None) for key, form in _FORMS.items()}
    _fill_choices(made, state)
    if aim_from and (forms or {}).get("aim") is None:
        aim = made["aim"]
        assert isinstance(aim, AimForm)
        _prefill_aim(aim, board, aim_from)
    view = board_view(board, state, graph, name_of, round_id=round_id, limit=CARDS_SHOWN,
                      everything=everything)
    charts = {"mix": figure_json(mix_figure(view.mix)),
              "reviews": figure_json(reviews_figure(view.reviews))}
    return render_template(
        "purpose.html", name=name, active="purpose", v=view, charts=charts, forms=made,
        editable=editable, close_form=CloseRoundForm(formdata=None),
        status_form=StatusForm(formdata=None), statuses=STATUS_WORDS, today=date.today())


def _page(name: str, forms: dict[str, FlaskForm] | None = None, status: int = 200
          ) -> ResponseReturnValue:
    data = page_data(name)
    board, state = _board(name, data)
    args = request.args
    html = render_board(name, board, state, data.graph, data.name_of,
                        editable=_may_edit(name), forms=forms,
                        round_id=args.get("round", "").strip()[:40] or None,
                        everything=args.get("all", "").strip()[:40] or None,
                        aim_from=args.get("aim_from", "").strip()[:40] or None)
    return html, status


@bp.get("/c/<name>/purpose")
@requires_role("viewer")
def board(name: str) -> ResponseReturnValue:
    """The board of the map's shared purpose."""
    return _page(name)


@bp.get("/c/<name>/purpose/sheet")
@requires_role("viewer")
def sheet(name: str) -> ResponseReturnValue:
    """The current statement and its story, on one sheet of A4."""
    data = page_data(name)
    board_, state = _board(name, data)
    return render_template("purpose_sheet.html", name=name, active="purpose",
                           s=sheet_view(board_, state, data.graph, data.name_of),
                           statuses=STATUS_WORDS, today=date.today())


# -- writing ---------------------------------------------------------------------------------


_FORM_PARTS: dict[str, tuple[str, str, str]] = {
    "round": ("The round", "title", "#rounds-heading"),
    "theme": ("The theme", "typed", "#themes-heading"),
    "version": ("The version", "purpose", "#statements-heading"),
    "review": ("The review", "reviewer", "#reviews-heading"),
    "aim": ("The aim", "what", "#aims-heading"),
    "persona": ("The persona", "name", "#personas-heading"),
}
"""Each form: what it saves (in words), the field a refusal naming no field goes beside, and
where the page goes back to."""
_ALIASES = {"contributions": "typed"}
"""The form field where a use case's field is typed, when the names differ."""
_M = TypeVar("_M", bound=BaseModel)


def _back(name: str, anchor: str) -> ResponseReturnValue:
    return redirect(url_for("purpose.board", name=name) + anchor)


def _save(name: str, key: str, form: FlaskForm, item: _M | None, write: Callable[[_M], str],
          done: Callable[[_M, str], str]) -> ResponseReturnValue:
    """Run one use case on the item the form describes (``None``: the form was refused); a
    refusal goes beside the field it names, and the page is shown again with what was
    typed."""
    what, default, anchor = _FORM_PARTS[key]
    if item is not None:
        try:
            made = write(item)
        except InvalidChange as exc:
            place_error(form, exc.field, str(exc), default, _ALIASES)
        except (LimitExceeded, NotFound) as exc:
            place_error(form, None, str(exc), default)
        else:
            notify(done(item, made), "success")
            return _back(name, anchor)
    notify(f"{what} was not saved: see what is wrong next to the fields.", "error")
    return _page(name, {key: form}, status=400)


def _day(value: date | None) -> date:
    return value or page_cases().today


@bp.post("/c/<name>/purpose/rounds")
@requires_role("editor")
def open_round(name: str) -> ResponseReturnValue:
    form = RoundForm()
    item = item_from_form(Round, form, {"title": form.title.data or "",
                                        "opens": _day(form.opens.data)}) \
        if form.validate_on_submit() else None
    return _save(name, "round", form, item,
                 lambda r: page_cases().purpose.open_round(name, r),
                 lambda r, rid: f"Opened round {rid}: {r.title}")


@bp.post("/c/<name>/purpose/rounds/<round_id>/close")
@requires_role("editor")
def close_round(name: str, round_id: str) -> ResponseReturnValue:
    form = CloseRoundForm()
    if not form.validate_on_submit():
        notify("The round was not closed: the form expired; please try again.", "error")
        return _back(name, "#rounds-heading")
    try:
        page_cases().purpose.close_round(name, round_id[:40])
    except (InvalidChange, NotFound) as exc:
        notify(f"The round was not closed: {exc}", "error")
        return _page(name, status=400)
    notify(f"Closed round {round_id}.", "success")
    return _back(name, "#rounds-heading")


@bp.post("/c/<name>/purpose/themes")
@requires_role("editor")
def add_theme(name: str) -> ResponseReturnValue:
    form = ThemeForm()
    item = None
    if form.validate_on_submit():
        picked = [*(form.contributions.data or []), *id_list(form.typed.data)]
        item = item_from_form(Theme, form, {"title": form.title.data or "",
                                            "mark": form.mark.data, "contributions": picked},
                              {"contributions": "typed"})
    return _save(name, "theme", form, item, lambda t: page_cases().purpose.add_theme(name, t),
                 lambda t, tid: f"Grouped {len(t.contributions)} contributions into the theme "
                                f"“{t.title}” ({tid}).")


def _posted(key: str, form: FlaskForm, name: str) -> None:
    """Give a posted form the choices its page offered (statements, versions, rounds)."""
    _fill_choices({**{k: f(formdata=None) for k, f in _FORMS.items()}, key: form},
                  page_cases().purpose.state(name))


@bp.post("/c/<name>/purpose/versions")
@requires_role("editor")
def add_version(name: str) -> ResponseReturnValue:
    form = VersionForm()
    _posted("version", form, name)
    version = None
    new = form.statement.data == NEW_STATEMENT
    if form.validate_on_submit():
        if new and not (form.title.data or "").strip():
            form.title.errors = [*form.title.errors, "Name the new statement."]
        else:
            version = item_from_form(StatementVersion, form, {
                "status": form.status.data, "our": form.our.data or "",
                "shared": form.shared.data or "", "purpose": form.purpose.data or "",
                "drafted_by": who_list(form.drafted_by.data),
                "from_contributions": id_list(form.from_contributions.data),
                "round": form.round.data or None, "date": _day(form.date.data)})
    purpose = page_cases().purpose

    def write(v: StatementVersion) -> str:
        if not new:
            return purpose.add_version(name, form.statement.data or "", v)
        sid = purpose.add_statement(name, Statement(title=(form.title.data or "").strip()))
        try:
            return purpose.add_version(name, sid, v)
        except MovemapError:
            purpose.remove(name, "statement", sid)  # no statement without its version
            raise

    return _save(name, "version", form, version, write,
                 lambda v, vid: f"Drafted version {vid} ({STATUS_WORDS[v.status]}).")


@bp.post("/c/<name>/purpose/versions/<version_id>/status")
@requires_role("editor")
def set_status(name: str, version_id: str) -> ResponseReturnValue:
    form = StatusForm()
    if not form.validate_on_submit():
        notify("The status was not changed: choose one of the statuses.", "error")
        return _page(name, status=400)
    status = StatementStatus(form.status.data)
    page_cases().purpose.set_version_status(name, version_id[:40], status)
    notify(f"Version {version_id} is now {STATUS_WORDS[status]}"
           + (" (the version that was current is retired)." if status is
              StatementStatus.CURRENT else "."), "success")
    return _back(name, "#statements-heading")


@bp.post("/c/<name>/purpose/reviews")
@requires_role("editor")
def add_review(name: str) -> ResponseReturnValue:
    form = ReviewForm()
    _posted("review", form, name)
    item = None
    if form.validate_on_submit():
        reviewer = who_list(form.reviewer.data)
        item = item_from_form(Review, form, {
            "version": form.version.data, "reviewer": reviewer[0] if reviewer else {},
            "answer": form.answer.data, "reason": form.reason.data or "",
            "date": _day(form.date.data)}, default="reviewer")
    return _save(name, "review", form, item, lambda r: page_cases().purpose.review(name, r),
                 lambda r, _rid: f"Recorded the review of {r.version} by {form.reviewer.data}: "
                                 f"“{ANSWER_WORDS[r.answer.value]}”.")


@bp.post("/c/<name>/purpose/aims")
@requires_role("editor")
def add_aim(name: str) -> ResponseReturnValue:
    form = AimForm()
    _posted("aim", form, name)
    item = item_from_form(Aim, form, {
        "what": form.what.data or "", "for_whom": form.for_whom.data or "",
        "how_much": form.how_much.data or "", "by_when": form.by_when.data,
        "how_measured": form.how_measured.data or "",
        "statement": form.statement.data or None}) if form.validate_on_submit() else None
    return _save(name, "aim", form, item, lambda a: page_cases().purpose.add_aim(name, a),
                 lambda a, aid: f"Added the aim {aid}: {a.what}.")


@bp.post("/c/<name>/purpose/personas")
@requires_role("editor")
def add_persona(name: str) -> ResponseReturnValue:
    form = PersonaForm()
    item = None
    if form.validate_on_submit():
        try:
            segments = [normalise_segment(s.strip()) for s in (form.segments.data or "")
                        .split(";") if s.strip()]
        except ValueError as exc:
            form.segments.errors = [*form.segments.errors, str(exc)]
        else:
            item = item_from_form(Persona, form, {
                "name": form.name.data or "", "story": form.story.data or "",
                "what_matters": form.what_matters.data or "", "group": form.group.data,
                "segments": segments})
    return _save(name, "persona", form, item,
                 lambda p: page_cases().purpose.add_persona(name, p),
                 lambda p, pid: f"Added the persona {p.name} ({pid}).")
