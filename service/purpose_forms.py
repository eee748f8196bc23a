"""The purpose page's forms (Flask-WTF: CSRF on each), and turning each into the model.

WTForms checks each field's shape; the purpose model (``graph.purpose.model``) then checks the
meaning, and ``item_from_form`` puts the model's messages next to the field they are about. A
use case's refusal (``InvalidChange`` names its field) goes beside its field the same way
(``place_error``), so a lead sees what is wrong where they typed it.

Who drafted or reviewed is typed as a person's id in the map or an account's email: ``who_list``
reads ``ana; lead@example.org`` as ``[{"person": "ana"}, {"account": "lead@example.org"}]``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask_wtf import FlaskForm
from pydantic import BaseModel, ValidationError
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from dashboards.purpose_page import STATUS_WORDS
from dashboards.words import group_label
from graph.model import GROUPS
from graph.purpose.model import MAX_TEXT, MAX_TITLE, Answer, StatementStatus, ThemeMark
from service.page_forms import _choices, _Form

__all__ = [
    "AimForm",
    "CloseRoundForm",
    "PersonaForm",
    "ReviewForm",
    "RoundForm",
    "StatusForm",
    "ThemeForm",
    "VersionForm",
    "id_list",
    "item_from_form",
    "place_error",
    "who_list",
]

_M = TypeVar("_M", bound=BaseModel)
_LIST_TEXT = 4000
"""Characters of a typed list of ids or emails (each list is bounded again by the model)."""
NEW_STATEMENT = "new"


def _title(label: str, *, required: bool = True, description: str = "") -> StringField:
    checks = [DataRequired(f"Give {label.lower()}.")] if required else [Optional()]
    return StringField(label, validators=[*checks, Length(max=MAX_TITLE)],
                       description=description)


def _text(label: str, *, required: bool = False, description: str = "") -> TextAreaField:
    checks = [DataRequired(f"Give {label.lower()}.")] if required else [Optional()]
    return TextAreaField(label, validators=[*checks, Length(max=MAX_TEXT)],
                         description=description)


def _day(label: str, description: str = "Leave blank for today.") -> DateField:
    return DateField(label, validators=[Optional()], description=description)


class RoundForm(_Form):
    """Open a round of contributions."""

    prefix_name = "round"
    title = _title("Question", description="What the round asks, e.g. Why does getting home "
                                           "matter to you?")
    opens = _day("Opens on")


class CloseRoundForm(_Form):
    """Close a round (the round is in the address)."""

    prefix_name = "close"


class ThemeForm(_Form):
    """Group contributions into a theme: ticked on the cards, or typed."""

    prefix_name = "theme"
    title = _title("Theme", description="The theme in a few words, e.g. Home, with dignity.")
    mark = RadioField("It", choices=_choices([
        (ThemeMark.UNITES.value, "unites us"),
        (ThemeMark.DIFFERS.value, "is a difference to work through")]),
        default=ThemeMark.UNITES.value)
    contributions = SelectMultipleField("Contributions ticked on the board",
                                        validate_choice=False)
    typed = StringField("Contributions", validators=[Optional(), Length(max=_LIST_TEXT)],
                        description="Tick them on the cards above, or type their ids, e.g. "
                                    "c3, c12.")


class VersionForm(_Form):
    """Draft a version of a statement (a new statement, or a new version of one)."""

    prefix_name = "version"
    statement = SelectField("Statement", description="A new version of a statement replaces "
                                                     "nothing: its status says which counts.")
    title = _title("Name of a new statement", required=False,
                   description="Only for a new statement, e.g. Home first.")
    our = _text("Our: who are our people")
    shared = _text("Shared: what unites us")
    purpose = _text("Purpose: why we act", required=True,
                    description="Why we act and what we hope to achieve; keep targets for the "
                                "aims.")
    drafted_by = StringField("Drafted by", validators=[Optional(), Length(max=_LIST_TEXT)],
                             description="The small group who drafted it: ids of people in the "
                                         "map or accounts' emails, separated by ;")
    from_contributions = StringField("From contributions",
                                     validators=[Optional(), Length(max=_LIST_TEXT)],
                                     description="The ids of the contributions it was drafted "
                                                 "from, e.g. c3, c12.")
    status = SelectField("Status", choices=_choices(
        (s.value, STATUS_WORDS[s.value]) for s in StatementStatus if s is not
        StatementStatus.RETIRED), default=StatementStatus.DRAFT.value)
    round = SelectField("Round", description="The round it answers, if any.")
    date = _day("Drafted on")


class StatusForm(_Form):
    """Move a version on (the version is in the address)."""

    prefix_name = "status"
    status = SelectField("New status", choices=_choices(
        (s.value, STATUS_WORDS[s.value]) for s in StatementStatus))


class ReviewForm(_Form):
    """Record a reviewer's answer on their behalf."""

    prefix_name = "review"
    version = SelectField("Version reviewed")
    reviewer = StringField("Reviewer", validators=[
        DataRequired("Give the reviewer: a person's id in the map or an account's email."),
        Length(max=254)], description="A person's id in the map, or an account's email.")
    answer = RadioField("Their answer", choices=_choices([
        (Answer.CAN_LIVE_WITH.value, "I can live with it"),
        (Answer.CANNOT_YET.value, "I can't yet, because…")]),
        validators=[DataRequired("Choose their answer.")])
    reason = _text("Because", description="Required when they cannot live with it yet.")
    date = _day("Answered on")


class AimForm(_Form):
    """An aim under the purpose: what, for whom, how much, by when, measured how."""

    prefix_name = "aim"
    what = _title("What we will change")
    for_whom = _title("For whom", required=False)
    how_much = _title("How much", required=False, description="e.g. 9 in 10")
    by_when = DateField("By when", validators=[Optional()])
    how_measured = _title("How it is measured", required=False)
    statement = SelectField("The purpose it serves",
                            description="An aim with no purpose leaves a de facto purpose: "
                                        "targets and compliance.")
    aim_id = HiddenField()


class PersonaForm(_Form):
    """A persona: a fictional person built from real experiences."""

    prefix_name = "persona"
    name = _title("Name", description="e.g. Esther")
    story = _text("Their story")
    what_matters = _text("What matters to them")
    group = SelectField("Stands for", choices=_choices(
        (g.value, group_label(g.value)) for g in GROUPS))
    segments = StringField("Segments", validators=[Optional(), Length(max=_LIST_TEXT)],
                           description="Segments they stand for, separated by ;, e.g. "
                                       "locality:Barrow")
    persona_id = HiddenField()


def _split(text: str | None, separators: str = ";,") -> list[str]:
    for sep in separators[1:]:
        text = (text or "").replace(sep, separators[0])
    return [part.strip() for part in (text or "").split(separators[0]) if part.strip()]


def id_list(text: str | None) -> list[str]:
    """``"c3, c12; c3"`` → ``["c3", "c12", "c3"]`` (the model drops repeats)."""
    return _split(text)


def who_list(text: str | None) -> list[dict[str, str]]:
    """Ids of people in the map and accounts' emails, as the model's ``Who``."""
    return [{"account": part} if "@" in part else {"person": part} for part in _split(text)]


def item_from_form(model: type[_M], form: FlaskForm, data: dict[str, Any],
                   fields: dict[str, str] | None = None, default: str = "") -> _M | None:
    """The model ``data`` describes, or ``None`` with the model's messages on the form's
    fields (``fields`` maps a model field to the form field it is typed in)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error.get("loc") or ()
            message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
            field = str(loc[0]) if loc else ""
            named, _, rest = message.partition(": ")
            if not field and rest and named.isidentifier():  # "reason: say why…"
                field, message = named, rest
            place_error(form, (fields or {}).get(field, field), message.rstrip(".") + ".",
                        default or next(iter(data)))
        return None


def place_error(form: FlaskForm, field: str | None, message: str, default: str,
                aliases: dict[str, str] | None = None) -> None:
    """Put a use case's refusal beside the field it names (``aliases``: the form field a
    model field is typed in), else beside ``default``."""
    field = (aliases or {}).get(field or "", field)
    target = getattr(form, field or "", None) or getattr(form, default)
    target.errors = [*target.errors, message[0].upper() + message[1:]]


def set_choices(field: SelectField, pairs: list[tuple[str, str]]) -> None:
    field.choices = [SelectChoice(value, label) for value, label in pairs]
