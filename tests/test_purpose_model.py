"""The purpose's items refuse bad input with a message naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from graph.limits import LIMITS
from graph.purpose.model import Aim, Contribution, Review, StatementVersion, Theme, Who

SAID = {"element": "purpose", "text": "why", "date": "2025-01-01",
        "contributor": {"person": "p1"}}


@pytest.mark.parametrize(("model", "values", "field"), [
    (Contribution, {**SAID, "text": "a\u202eb"}, "text"),
    (Contribution, {**SAID, "text": "x" * (LIMITS.purpose_text_length + 1)}, "text"),
    (Contribution, {**SAID, "text": ""}, "text"),
    (Contribution, {**SAID, "element": "shared"}, "kind"),
    (Contribution, {**SAID, "kind": "story"}, "kind"),
    (Contribution, {**SAID, "date": "2025-02-30"}, "date"),
    (Contribution, {**SAID, "contributor": {}}, "contributor"),
    (Contribution, {**SAID, "contributor": {"person": "p1", "account": "a@b.org"}},
     "contributor"),
    (Contribution, {**SAID, "contributor": {"account": "not an email"}}, "email"),
    (Theme, {"title": "t", "contributions": ["c1"] * (LIMITS.purpose_list_items + 1)},
     "MOVEMAP_LIMIT_PURPOSE_LIST_ITEMS"),
    (Review, {"version": "s1-v1", "reviewer": {"person": "p1"}, "answer": "cannot_yet",
              "date": "2025-01-01"}, "reason"),
    (Aim, {"what": "x\u200b"}, "what"),
    (StatementVersion, {"purpose": "", "date": "2025-01-01"}, "purpose"),
])
def test_bad_input_names_the_field(model: Any, values: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        model.model_validate(values)


def test_who_is_one_text_per_contributor_and_an_email_is_tidied() -> None:
    assert Who(account=" Lead@Example.ORG ").ref == "account:lead@example.org"
    assert Who(person="p1").ref == "person:p1"
