"""The growth page: the network growing over time, to watch and to take to a board.

``/c/NAME/growth`` shows the map as it stood at the end of each week, month or quarter
(``?interval=``) as an animation with play, pause and a date slider, and the same frames as a
table (its text alternative); ``/c/NAME/growth/animation.gif`` is the animation as an image
for a board paper. Both read the map as of each period end through the use cases
(``UseCases.graph_as_of``) and today's network layout (``PageData.layout``), so people sit
where the network page draws them. The frames and the image are built once per revision of the
map and interval. Events (``UseCases.events``) are named on the pictures of their period, and
listed, with a form to record one (``POST …/growth/events``, editors). Below them: who brought
whom in (the recruitment forest as a sunburst, and
its leading recruiters as a table) and the organiser teams.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup
from pydantic import ValidationError
from werkzeug.utils import secure_filename

from dashboards import growth_figures
from dashboards.animation import (
    MAX_FRAMES,
    Animation,
    animation_figure,
    frame_days,
    growth_animation,
)
from dashboards.animation_gif import animation_gif
from dashboards.recruitment_figures import recruitment_sunburst
from dashboards.words import group_label, plural
from graph.analysis.event_effects import NOT_A_CAUSE, effect_sentences
from graph.analysis.growth import INTERVALS, GrowthSeries
from graph.analysis.recruitment import Recruitment, recruitment_forest
from graph.analysis.teams import OrganiserTeams, organiser_teams
from graph.compact import NO_DATE, CompactGraph, day_to_date
from graph.errors import MovemapError
from graph.events import Event, RecordedEvent
from graph.limits import LIMITS
from graph.model import GROUPS, Engagement
from graph.usecases import StaleVersion, events_with_effects, growth_of, map_settings
from service.auth import requires_role
from service.notices import notify
from service.page_forms import EventForm
from service.pages import (
    PageData,
    app_extension,
    form_version,
    page_as_of,
    page_cases,
    page_data,
    person_picker,
)
from service.person_search import PersonNotFound
from service.state import get_store, invalidate

__all__ = ["DEFAULT_INTERVAL", "bp"]

bp = Blueprint("growth", __name__)

DEFAULT_INTERVAL = "month"
EVENT_PEOPLE_NAMED = 10
"""The events table names this many people of each event, then says how many more."""
EVENTS_WITH_EFFECTS = 10
"""The page says what went with the latest this many events (each reads up to three maps
as of a day; the API and ``movemap events`` give every event's)."""
EVENT_PROBLEMS_SHOWN = 20
"""At most this many lines of the people list are reported as not found."""
INTERVAL_WORDS = {"week": "weeks", "month": "months", "quarter": "quarters"}


@dataclass
class _Built:
    """What one revision of a map has built: by interval, the animation, the growth series
    of the same days and the image; and the recruitment forest with the organiser teams."""

    animations: dict[str, Animation] = field(default_factory=dict)
    series: dict[str, GrowthSeries] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)
    recruitment: tuple[Recruitment, OrganiserTeams] | None = None
    effects: dict[str, list[str]] | None = None


class _GrowthState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.built: WeakKeyDictionary[CompactGraph, _Built] = WeakKeyDictionary()


def _built(data: PageData) -> _Built:
    state = app_extension("movemap.growth", _GrowthState)
    with state.lock:
        return state.built.setdefault(data.graph, _Built())


def _interval() -> str:
    value = request.args.get("interval", "").strip()
    return value if value in INTERVALS else DEFAULT_INTERVAL


def _first_day(graph: CompactGraph, last: date) -> date:
    """The day the map's story starts: the earliest someone still in it joined, or the
    earliest tie, else ``last``."""
    days = np.concatenate([graph.joined, graph.edge_since]).astype(np.int64)
    days = days[days != NO_DATE]
    first = day_to_date(int(days.min())) if days.size else None
    return min(first, last) if first is not None else last


def _animation(name: str, data: PageData, interval: str) -> Animation:
    built = _built(data)
    found = built.animations.get(interval)
    if found is not None:
        return found
    last = page_as_of() or date.today()
    cases = page_cases()
    frames = [(day, data.graph if day == last else cases.graph_as_of(name, day))
              for day in frame_days(_first_day(data.graph, last), last, interval)]
    animation = growth_animation(frames, data.graph, data.layout, interval=interval)
    built.animations[interval] = animation
    return animation


def _series(name: str, data: PageData, animation: Animation) -> GrowthSeries:
    """The growth series (``graph.usecases.growth_of``) on the animation's days: one point
    per picture, the same period ends."""
    built = _built(data)
    found = built.series.get(animation.interval)
    if found is None:
        found = growth_of(get_store(), name, animation.interval,
                          today=animation.frames[-1].day, since=animation.frames[0].day)
        built.series[animation.interval] = found
    return found


def _charts(data: PageData, series: GrowthSeries, marks: list[tuple[date, str]],
            key: str) -> dict[str, Markup]:
    """The growth series' charts (``dashboards.growth_figures``) as JSON, events marked."""
    points = [p.to_dict() for p in series.points]
    builders = {
        "people-by-group": growth_figures.people_by_group,
        "core-over-time": growth_figures.core_over_time,
        "joined-and-left": growth_figures.joined_and_left,
        "engagement-over-time": growth_figures.engagement_over_time,
        "leader-growers": growth_figures.leader_growers_over_time,
    }
    return {chart: data.chart(f"growth-{chart}:{key}", partial(build, points, marks))
            for chart, build in builders.items()}


def _recruitment(data: PageData) -> tuple[Recruitment, OrganiserTeams]:
    built = _built(data)
    if built.recruitment is None:
        forest = recruitment_forest(data.graph)
        built.recruitment = (forest, organiser_teams(data.graph, data.analysis.roles,
                                                     recruiter=forest.recruiter))
    return built.recruitment


def _team_rows(data: PageData, teams: OrganiserTeams) -> list[dict[str, Any]]:
    """The organiser teams as the table lists them: who, how many, how tied, which groups."""
    return [{
        "id": t.id, "name": t.name or t.id, "declared": t.source == "declared",
        "size": t.size, "recruited": t.recruited,
        "tied": t.members_tied_to_each_other, "parts": t.parts,
        "groups": [group_label(g) for g in t.groups],
        "missing": [group_label(g, title=False) for g in t.missing_groups],
        "hangs": t.hangs_on_organiser,
        "url": url_for("pages.person", name=data.graph.name, person_id=t.id),
    } for t in teams.listed]


def _events(name: str) -> tuple[list[RecordedEvent], int | None]:
    """The map's events, oldest first, and the version of the record that holds them."""
    return page_cases().events(name)


def _effects(name: str, data: PageData) -> dict[str, list[str]]:
    """What went with each of the latest ``EVENTS_WITH_EFFECTS`` events, in plain words, by
    event id (``graph.analysis.event_effects``: an association, not a proof of cause)."""
    built = _built(data)
    if built.effects is None:
        found = events_with_effects(get_store(), name, page_as_of() or date.today(),
                                    latest=EVENTS_WITH_EFFECTS)
        built.effects = {event.id: [line for line in effect_sentences(effects)
                                    if line != NOT_A_CAUSE] for event, effects in found}
    return built.effects


def _growth_page(name: str, *, event_form: EventForm | None = None,
                 status: int = 200) -> ResponseReturnValue:
    data = page_data(name)
    interval = _interval()
    animation = _animation(name, data, interval)
    first_day = _first_day(data.graph, animation.frames[-1].day)
    forest, teams = _recruitment(data)
    events, version = _events(name)
    marks = [(e.event.date, e.event.name) for e in events]
    series = _series(name, data, animation)
    if event_form is None:
        event_form = EventForm(formdata=None)
        event_form.version.data = "" if version is None else str(version)
    event_form.find.render_kw = person_picker(name, "event-people-found", "label")
    return render_template(
        "growth.html", name=name, active="growth", interval=interval, intervals=INTERVALS,
        interval_words=INTERVAL_WORDS, animation=animation,
        cut=animation.frames[0].day > first_day and len(animation.frames) == MAX_FRAMES,
        first_day=first_day,
        animation_figure=data.chart(f"growth-animation:{interval}:{version}",
                                    lambda: animation_figure(animation, marks)),
        series=series, charts=_charts(data, series, marks, f"{interval}:{version}"),
        ladder=list(Engagement), groups=GROUPS,
        forest=forest, teams=teams, team_rows=_team_rows(data, teams),
        recruiter_links=[url_for("pages.person", name=name, person_id=r.id)
                         for r in forest.listed],
        sunburst=data.chart("growth-recruitment", lambda: recruitment_sunburst(
            data.graph, forest.recruiter)) if forest.recruiters else None,
        events=events, event_form=event_form, effects=_effects(name, data) if events else {},
        events_with_effects=EVENTS_WITH_EFFECTS, not_a_cause=NOT_A_CAUSE,
        effects_window=map_settings(get_store(), name).event_window_days,
        event_names={e.id: [data.name_of(p) for p in e.event.people[:EVENT_PEOPLE_NAMED]]
                     for e in events},
        event_people_named=EVENT_PEOPLE_NAMED), status


@bp.get("/c/<name>/growth")
@requires_role("viewer")
def page(name: str) -> ResponseReturnValue:
    return _growth_page(name)


def _people_of(data: PageData, form: EventForm) -> list[str] | None:
    """The ids of the people the form lists, one name or id a line; ``None`` (with the
    problems on the field) when a line names nobody, or several people."""
    lines = [line.strip() for line in (form.people.data or "").splitlines() if line.strip()]
    if len(lines) > LIMITS.people_per_event:
        form.people.errors = [*form.people.errors, f"At most {LIMITS.people_per_event:,} "
                              f"people take part in one event; the list has {len(lines):,}."]
        return None
    ids: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        try:
            ids.append(data.graph.ids[data.people_index.resolve(line)])
        except PersonNotFound as exc:
            problems.append(f"Line {number}: {exc}")
    if problems:
        form.people.errors = [*form.people.errors, *problems[:EVENT_PROBLEMS_SHOWN]]
        return None
    return ids


@bp.post("/c/<name>/growth/events")
@requires_role("editor")
def add_event(name: str) -> ResponseReturnValue:
    """Record an event from the page's form (one change set, undoable from the history)."""
    data = page_data(name)
    form = EventForm()
    if form.validate_on_submit():
        people = _people_of(data, form)
        if people is not None:
            try:
                event = Event(date=form.date.data, name=form.name.data or "",
                              kind=form.kind.data or "",
                              description=form.description.data or "", people=tuple(people))
                page_cases().add_event(name, event, if_version=form_version(form.version.data))
            except ValidationError as exc:
                for error in exc.errors():
                    field = getattr(form, str(error["loc"][0]), form.name) if error["loc"] \
                        else form.name
                    field.errors = [*field.errors, error["msg"]]
            except StaleVersion as exc:
                notify(f"The event was not recorded: {exc} Check the events below and send "
                       "it again.", "error")
                return _growth_page(name, event_form=form, status=409)
            except MovemapError as exc:
                field = getattr(form, getattr(exc, "field", None) or "name", form.name)
                field.errors = [*field.errors, str(exc)]
            else:
                invalidate(name)
                notify(f"Recorded the event {event.name} on {event.date.isoformat()} with "
                       f"{plural(len(people), 'person', 'people')} taking part (undo it from "
                       "the history).", "success")
                return redirect(url_for("growth.page", name=name,
                                        interval=request.args.get("interval")) + "#events")
    notify("The event was not recorded: see what is wrong next to the fields.", "error")
    return _growth_page(name, event_form=form, status=400)


@bp.get("/c/<name>/growth/animation.gif")
@requires_role("viewer")
def animation_image(name: str) -> ResponseReturnValue:
    """The animation as an animated GIF, to download for a board paper or a slide."""
    data = page_data(name)
    interval = _interval()
    built = _built(data)
    events, version = _events(name)
    key = f"{interval}:{version}"
    image = built.images.get(key)
    if image is None:
        image = built.images[key] = animation_gif(
            _animation(name, data, interval), [(e.event.date, e.event.name) for e in events])
    file_name = secure_filename(f"{name}-growth-by-{interval}.gif") or "growth.gif"
    return Response(image, mimetype="image/gif", headers={
        "Content-Disposition": f'attachment; filename="{file_name}"',
        "Cache-Control": "private, no-store"})
