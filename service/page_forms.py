"""The dashboard's forms (Flask-WTF: CSRF on each): a person, a tie, removals and CSV import.

WTForms checks the shape of each field; the domain model (``graph.model``) then checks the
meaning, and ``person_from_form``/``relationship_from_form`` put the model's messages next to
the field they are about, so a change lead sees what is wrong where they typed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from pydantic import ValidationError
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from dashboards.words import engagement_label, group_label, role_label
from graph.events import MAX_EVENT_DESCRIPTION, MAX_EVENT_KIND, MAX_EVENT_NAME
from graph.limits import LIMITS
from graph.model import (
    GROUPS,
    MAX_ID_LENGTH,
    MAX_TEXT_LENGTH,
    Engagement,
    Person,
    Relationship,
    Role,
)

__all__ = [
    "DeleteForm",
    "EventForm",
    "ImportForm",
    "PersonForm",
    "TieDeleteForm",
    "TieForm",
    "UndoForm",
    "person_from_form",
    "person_to_form",
    "relationship_from_form",
]


def _choices(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    return [SelectChoice(value=value, label=label) for value, label in pairs]


_LEVELS = [(0, "0 – none"), (1, "1 – low"), (2, "2 – medium"), (3, "3 – high")]
_STRENGTHS = [(0, "0 – none"), (1, "1 – some"), (2, "2 – good"), (3, "3 – strong")]


class _Form(FlaskForm):
    """A form whose field names and ids carry ``prefix_name`` (``person-name``), so several
    forms on one page never share an id."""

    prefix_name = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (easier to use by keyboard and touch than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PersonForm(_Form):
    prefix_name = "person"
    id = StringField("Id", validators=[DataRequired("An id is required."),
                                       Length(max=MAX_ID_LENGTH)],
                     description="Unique in this map, e.g. p0801. It cannot be changed later.")
    name = StringField("Name", validators=[Optional(), Length(max=MAX_TEXT_LENGTH)])
    group = SelectField("Group", choices=_choices((g.value, group_label(g.value)) for g in GROUPS))
    other_groups = MultiCheckboxField(
        "Other groups", choices=_choices((g.value, group_label(g.value)) for g in GROUPS),
        validate_choice=True)
    organisation = StringField("Organisation",
                               validators=[Optional(), Length(max=MAX_TEXT_LENGTH)])
    segments = StringField(
        "Segments", validators=[Optional(), Length(max=4000)],
        description="Places, communities and services, separated by ';', "
                    "e.g. locality:Barrow; community:Deaf")
    formal_power = SelectField("Formal power", choices=_choices(_LEVELS), coerce=int,
                               description="Positional authority, control of resources.")
    informal_power = SelectField("Informal power", choices=_choices(_LEVELS), coerce=int,
                                 description="Influence that can make or break a change.")
    lived_experience = BooleanField("Has lived experience of the issue")
    engagement = SelectField(
        "Engagement", choices=_choices((e.value, engagement_label(e.value)) for e in Engagement))
    role = SelectField(
        "Declared role",
        choices=_choices([("", "none"), *((r.value, role_label(r.value)) for r in Role)]))
    joined = DateField("Joined", validators=[Optional()],
                       description="When they joined the movement (for lone wolves at risk).")
    on = DateField("These changes are true from", validators=[Optional()],
                   description="Leave blank for today; a past date records a late correction "
                               "(e.g. she moved up the ladder in March).")
    version = HiddenField()
    """The version of the person the form showed: a save after someone else's is refused."""


class TieForm(_Form):
    prefix_name = "tie"
    person = HiddenField(validators=[DataRequired()])
    other = StringField("Other person", validators=[
        DataRequired("Give the name or id of the other person."),
        Length(max=MAX_ID_LENGTH + 2 * MAX_TEXT_LENGTH + 8)],  # "Name (organisation, id)"
        description="Their name or id; start typing a name and pick them from the list.")
    relational = SelectField("Relational trust", choices=_choices(_STRENGTHS), coerce=int,
                             description="Respect, dignity, being heard.")
    functional = SelectField("Functional trust", choices=_choices(_STRENGTHS), coerce=int,
                             description="Getting things done together reliably.")
    flow_of_value = SelectField("Flow-of-value trust", choices=_choices(_STRENGTHS), coerce=int,
                                description="Both benefit fairly across differences of power.")
    recruited = SelectField("Recruitment", choices=_choices([
        ("no", "neither brought the other in"),
        ("out", "this person brought the other in"),
        ("in", "the other person brought this person in"),
    ]))
    since = DateField("Since", validators=[Optional()])
    on = DateField("True from", validators=[Optional()],
                   description="Leave blank for today.")
    version = HiddenField()
    """The version of the tie the form showed (blank for a new tie)."""


_REASONS = _choices([
    ("left", "They left (kept in the history; gone from the map from the date below)"),
    ("mistake", "They were entered by mistake (removed with their history; can be undone)"),
])


class DeleteForm(_Form):
    """Removing a person: why (left, or entered by mistake), from when, and a confirmation."""
    prefix_name = "remove"

    reason = SelectField("Why", choices=_REASONS, default="left")
    on = DateField("Left on", validators=[Optional()], description="Leave blank for today.")
    confirm = BooleanField("Yes, remove this person from the map",
                           validators=[DataRequired("Tick the box to confirm.")])
    version = HiddenField()


class TieDeleteForm(_Form):
    prefix_name = "untie"
    person = HiddenField(validators=[DataRequired()])
    other = HiddenField(validators=[DataRequired()])
    reason = SelectField("Why", choices=_choices([
        ("left", "The tie ended (kept in the history)"),
        ("mistake", "It was entered by mistake"),
    ]), default="left")


class UndoForm(_Form):
    """Undoing a change set: only the CSRF token (the change set is in the address)."""
    prefix_name = "undo"


class ImportForm(_Form):
    prefix_name = "import"
    people = FileField("Map file, or the people file (people.csv)",
                       validators=[FileRequired("Choose the map file or the people file.")])
    relationships = FileField("Relationships file (relationships.csv), with people.csv only",
                              validators=[Optional()])
    replace = BooleanField("Replace the whole map with these files "
                           "(people and ties not in them are recorded as having left)")
    on = DateField("The files show the map as it stood on", validators=[Optional()],
                   description="Leave blank for today. Import one spreadsheet per quarter, "
                               "oldest first, each with its date, to build the history.")
    dry_run = BooleanField("Preview only: list what the import would create, update and leave "
                           "alone, and who looks like a duplicate, and write nothing",
                           default=True)


def _split_segments(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _model_errors(form: FlaskForm, exc: ValidationError, fields: dict[str, str],
                  default: str) -> None:
    """Put each of the model's complaints next to the form field it is about."""
    for error in exc.errors():
        loc = error.get("loc") or ()
        key = str(loc[0]) if loc else ""
        message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
        target = getattr(form, fields.get(key, key), None) if key else None
        if target is None:
            target = getattr(form, default)
        target.errors = [*target.errors, message[0].upper() + message[1:] + "."]


def person_from_form(form: PersonForm) -> Person | None:
    """The person the form describes, or None with errors placed on the fields."""
    data: dict[str, Any] = {
        "id": form.id.data or "",
        "name": form.name.data or "",
        "group": form.group.data,
        "other_groups": tuple(form.other_groups.data or ()),
        "organisation": form.organisation.data or "",
        "segments": tuple(_split_segments(form.segments.data or "")),
        "formal_power": form.formal_power.data,
        "informal_power": form.informal_power.data,
        "lived_experience": bool(form.lived_experience.data),
        "engagement": form.engagement.data,
        "role": form.role.data or None,
        "joined": form.joined.data,
    }
    try:
        return Person(**data)
    except ValidationError as exc:
        _model_errors(form, exc, {}, "id")
        return None


def person_to_form(person: Person, form: PersonForm) -> None:
    """Fill ``form`` with a stored person (for editing)."""
    form.id.data = person.id
    form.name.data = person.name
    form.group.data = person.group.value
    form.other_groups.data = [g.value for g in person.other_groups]
    form.organisation.data = person.organisation
    form.segments.data = "; ".join(person.segments)
    form.formal_power.data = person.formal_power
    form.informal_power.data = person.informal_power
    form.lived_experience.data = person.lived_experience
    form.engagement.data = person.engagement.value
    form.role.data = "" if person.role is None else person.role.value
    form.joined.data = person.joined


def relationship_from_form(form: TieForm) -> Relationship | None:
    """The tie the form describes (source → target by who recruited whom), or None."""
    person = (form.person.data or "").strip()
    other = (form.other.data or "").strip()
    source, target = (other, person) if form.recruited.data == "in" else (person, other)
    try:
        return Relationship(
            source=source, target=target, relational=form.relational.data,
            functional=form.functional.data, flow_of_value=form.flow_of_value.data,
            recruited=form.recruited.data in ("in", "out"), since=form.since.data)
    except ValidationError as exc:
        _model_errors(form, exc, {"source": "other", "target": "other"}, "other")
        return None


_PICKED_LINE = MAX_ID_LENGTH + 2 * MAX_TEXT_LENGTH + 8
"""The longest line a person can be given by: ``Name (organisation, id)``."""


class EventForm(_Form):
    """An event: what the movement did on a day, and who took part (one name or id a line,
    found as the person search finds them)."""

    prefix_name = "event"
    date = DateField("Day", validators=[DataRequired("Give the day it happened.")])
    name = StringField("Name", validators=[
        DataRequired("Give the event a name."), Length(max=MAX_EVENT_NAME)],
        description="What it was called, e.g. Community workshop.")
    kind = StringField("Kind", validators=[Optional(), Length(max=MAX_EVENT_KIND)],
                       description="e.g. workshop, listening campaign, launch.")
    description = TextAreaField("What happened", validators=[
        Optional(), Length(max=MAX_EVENT_DESCRIPTION)])
    find = StringField("Find a person", validators=[Optional(), Length(max=_PICKED_LINE)],
                       description="Start typing a name, pick them, then add them to the list.")
    people = TextAreaField("People who took part", validators=[
        Optional(), Length(max=LIMITS.people_per_event * (_PICKED_LINE + 2))],
        description=f"One name or id a line (at most {LIMITS.people_per_event:,}).")
    version = HiddenField()
    """The version of the map's record the page showed (its events)."""
