"""The Settings page of a map: its targets, the steps its reach counts, the readiness of whom to
engage next, the window of its events' effects, and its expected segments (add, rename, remove).

Everyone with a role reads the page; editors and owners change it. Every change goes through
the use cases (``UseCases.set_settings``, ``UseCases.set_expected_segments``) with the version
the page showed, so a change made by someone else meanwhile is not overwritten; the analysis
cache is dropped by the use cases and every page then shows the map with its new settings.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import FloatField, HiddenField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange
from wtforms.widgets import NumberInput

from dashboards.words import engagement_label, segment_label
from graph.errors import MovemapError, NotFound
from graph.limits import LIMITS
from graph.map_settings import MAX_EVENT_WINDOW_DAYS, MAX_STEPS, MapSettings
from graph.model import MAX_TEXT_LENGTH, Engagement, normalise_segment
from graph.usecases import StaleVersion
from service.auth import current_account, requires_role
from service.notices import notify
from service.pages import form_version, page_cases  # acting as the signed-in account

__all__ = ["bp"]

bp = Blueprint("settings", __name__)

ANYONE = ""
"""The readiness choice "anyone" as the form sends it."""


def _percent_field(label: str, description: str) -> FloatField:
    """A share typed as a percentage (3 for 3%)."""
    return FloatField(label, validators=[
        InputRequired("Give a percentage."),
        NumberRange(min=0.01, max=100, message="Give a percentage above 0, at most 100.")],
        description=description, widget=NumberInput(step="any"))


class SettingsForm(FlaskForm):
    """Targets, steps and readiness; shares are typed as percentages (3 for 3%)."""

    target_core_share = _percent_field(
        "Engaged core target (% of the map)",
        "About 3% of a movement drives most of its conversations.")
    target_reach = _percent_field(
        "Reach target (% of everyone else)",
        "The share of people outside the core it should be in conversation with.")
    steps = SelectField(
        "Reach counts people within", coerce=int,
        choices=[SelectChoice(k, f"{k} tie{'s' if k > 1 else ''} of the core")
                 for k in range(1, MAX_STEPS + 1)],
        description="1: a direct tie. 2 or 3 count people in conversation through someone "
                    "between, as the research behind the 90% does.")
    min_engagement = SelectField(
        "Whom to engage next: also plan among",
        choices=[SelectChoice(ANYONE, "anyone only (no ready plan)"),
                 *(SelectChoice(e.value, f"people {engagement_label(e.value).lower()} or above")
                   for e in Engagement)],
        description="Readiness: the overview then shows whom to engage next among people at "
                    "or above this engagement level, beside the plan from anyone.")
    event_window_days = IntegerField(
        "Event window (days)", validators=[
            InputRequired("Give a number of days."),
            NumberRange(min=7, max=MAX_EVENT_WINDOW_DAYS,
                        message=f"Give a number of days from 7 to {MAX_EVENT_WINDOW_DAYS}.")],
        description="An event's effects compare this many days before it with as many after.",
        widget=NumberInput(step=1))
    version = HiddenField()


class SegmentForm(FlaskForm):
    """Add an expected segment."""

    segment = StringField(
        "Expected segment",
        validators=[InputRequired("Type a segment."), Length(max=MAX_TEXT_LENGTH)],
        description="A place, community or service the map should include, written "
                    "KIND:VALUE, e.g. locality:Barrow or community:Deaf.")
    version = HiddenField()


def _as_percent(share: float) -> float:
    """``0.8`` → ``80`` (shown as "80", not "80.0"); ``0.035`` → ``3.5``."""
    value = round(share * 100, 4)
    return int(value) if value.is_integer() else value


def _fill(form: SettingsForm, settings: MapSettings, version: int | None) -> None:
    form.target_core_share.data = _as_percent(settings.target_core_share)
    form.target_reach.data = _as_percent(settings.target_reach)
    form.steps.data = settings.steps
    form.min_engagement.data = (ANYONE if settings.min_engagement is None
                                else settings.min_engagement.value)
    form.event_window_days.data = settings.event_window_days
    form.version.data = "" if version is None else str(version)


def _page(name: str, *, form: SettingsForm | None = None,
          segment_form: SegmentForm | None = None, status: int = 200) -> ResponseReturnValue:
    cases = page_cases()
    try:
        settings, version = cases.settings(name)
    except NotFound:
        return render_template("error.html", status=404, message=(
            f"There is no constituency called {name!r} in the store yet.")), 404
    if form is None:
        form = SettingsForm(formdata=None, prefix="settings")
        _fill(form, settings, version)
    if segment_form is None:
        segment_form = SegmentForm(formdata=None, prefix="segment")
    segment_form.version.data = "" if version is None else str(version)
    account = current_account()
    expected = cases.store.get_constituency(name).expected_segments
    return render_template(
        "settings.html", name=name, active="settings", form=form, segment_form=segment_form,
        settings=settings, version=version, expected=expected,
        labels={s: segment_label(s) for s in expected},
        editable=account is not None and account.may(name, "editor"),
        max_expected=LIMITS.expected_segments), status


@bp.get("/c/<name>/settings")
@requires_role("viewer")
def page(name: str) -> ResponseReturnValue:
    """The map's settings and expected segments."""
    return _page(name)


def _stale(exc: StaleVersion) -> None:
    notify(f"Nothing was saved: {exc} The page now shows the settings as they are; change "
           "them again if you still want to.", "error")


@bp.post("/c/<name>/settings")
@requires_role("editor")
def save(name: str) -> ResponseReturnValue:
    """Save the targets, steps and readiness."""
    form = SettingsForm(prefix="settings")
    if not form.validate_on_submit():
        notify("The settings were not saved: see what is wrong next to the fields.", "error")
        return _page(name, form=form, status=400)
    values: dict[str, Any] = {
        "target_core_share": (form.target_core_share.data or 0) / 100,
        "target_reach": (form.target_reach.data or 0) / 100,
        "steps": form.steps.data,
        "min_engagement": form.min_engagement.data or None,
        "event_window_days": form.event_window_days.data,
        # not on this form: kept as the map has it (set through the API or the CLI)
        "purpose_review_days": page_cases().settings(name)[0].purpose_review_days,
    }
    try:
        settings = MapSettings(**values)
    except ValidationError as exc:
        for error in exc.errors():
            field = getattr(form, str(error["loc"][0]) if error["loc"] else "", None)
            target = field if field is not None else form.target_core_share
            target.errors = [*target.errors, str(error["msg"]).removeprefix("Value error, ")]
        notify("The settings were not saved: see what is wrong next to the fields.", "error")
        return _page(name, form=form, status=400)
    try:
        saved = page_cases().set_settings(name, settings,
                                          if_version=form_version(form.version.data))
    except StaleVersion as exc:
        _stale(exc)
        return _page(name, status=409)
    notify("Saved the settings: every page now uses them." if saved.change_set
           else "Nothing changed.", "success")
    return redirect(url_for("settings.page", name=name))


def _segments_changed(name: str, segments: list[str], version: str | None, done: str
                      ) -> ResponseReturnValue:
    """Write the expected segments (the whole list, in order) and go back to the page."""
    try:
        saved = page_cases().set_expected_segments(name, segments, if_version=form_version(version))
    except StaleVersion as exc:
        _stale(exc)
        return _page(name, status=409)
    except (ValueError, MovemapError) as exc:
        notify(f"Nothing was saved: {_plain(exc)}", "error")
        return _page(name, status=400)
    notify(done if saved.change_set else "Nothing changed.", "success")
    return redirect(url_for("settings.page", name=name) + "#expected-heading")


def _plain(exc: Exception) -> str:
    """The model's message for a segment it refuses, without pydantic's wording."""
    if isinstance(exc, ValidationError):
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    return str(exc)


@bp.post("/c/<name>/settings/segments")
@requires_role("editor")
def add_segment(name: str) -> ResponseReturnValue:
    """Add an expected segment after those already there."""
    form = SegmentForm(prefix="segment")
    if not form.validate_on_submit():
        notify("The segment was not added: see what is wrong next to the field.", "error")
        return _page(name, segment_form=form, status=400)
    text = form.segment.data or ""
    current = list(page_cases().store.get_constituency(name).expected_segments)
    try:
        segment = normalise_segment(text)
    except ValueError as exc:
        form.segment.errors = [*form.segment.errors, str(exc)]
        return _page(name, segment_form=form, status=400)
    return _segments_changed(name, [*current, segment], form.version.data,
                             f"{segment_label(segment)} is now expected.")


@bp.post("/c/<name>/settings/segments/change")
@requires_role("editor")
def change_segment(name: str) -> ResponseReturnValue:
    """Rename (``new`` given) or remove (``action=remove``) one expected segment."""
    old = request.form.get("old", "")
    current = list(page_cases().store.get_constituency(name).expected_segments)
    if old not in current:
        notify("Nothing was saved: that segment is no longer expected (someone changed the "
               "list); the page shows it as it is now.", "error")
        return _page(name, status=409)
    version = request.form.get("version")
    if request.form.get("action") == "remove":
        return _segments_changed(name, [s for s in current if s != old], version,
                                 f"{segment_label(old)} is no longer expected.")
    new = request.form.get("new", "")
    try:
        renamed = normalise_segment(new[: MAX_TEXT_LENGTH + 1])
    except ValueError as exc:
        notify(f"{segment_label(old)} was not renamed: {exc}.", "error")
        return _page(name, status=400)
    segments = [renamed if s == old else s for s in current]
    return _segments_changed(name, segments, version,
                             f"Renamed {segment_label(old)} to {segment_label(renamed)}.")
