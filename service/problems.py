"""pydantic's validation errors in plain words: ``{"field", "reason"}`` for each problem,
with no pydantic wording, for the API's 400 and 422 answers.

Example:
    >>> from pydantic import BaseModel, ValidationError
    >>> class Tie(BaseModel):
    ...     strength: int
    >>> try:
    ...     Tie.model_validate({"strength": "strong"})
    ... except ValidationError as exc:
    ...     problems_from(exc)
    [{'field': 'strength', 'reason': 'must be a whole number'}]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError

__all__ = ["problems_from"]

_REASONS: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda c: "is required",
    "string_type": lambda c: "must be text",
    "string_too_short": lambda c: "cannot be empty",
    "string_too_long": lambda c: f"must be at most {c.get('max_length')} characters",
    "string_pattern_mismatch": lambda c: "is not written the expected way",
    "int_type": lambda c: "must be a whole number",
    "int_parsing": lambda c: "must be a whole number",
    "int_parsing_size": lambda c: "must be a whole number of a sensible size",
    "int_from_float": lambda c: "must be a whole number",
    "float_type": lambda c: "must be a number",
    "float_parsing": lambda c: "must be a number",
    "finite_number": lambda c: "must be a finite number",
    "greater_than_equal": lambda c: f"must be at least {c.get('ge')}",
    "greater_than": lambda c: f"must be more than {c.get('gt')}",
    "less_than_equal": lambda c: f"must be at most {c.get('le')}",
    "less_than": lambda c: f"must be less than {c.get('lt')}",
    "bool_type": lambda c: "must be true or false",
    "bool_parsing": lambda c: "must be true or false",
    "date_type": lambda c: "must be a date written YYYY-MM-DD",
    "date_parsing": lambda c: "must be a date written YYYY-MM-DD",
    "date_from_datetime_parsing": lambda c: "must be a date written YYYY-MM-DD",
    "date_from_datetime_inexact": lambda c: "must be a date without a time",
    "tuple_type": lambda c: "must be a list",
    "list_type": lambda c: "must be a list",
    "iterable_type": lambda c: "must be a list",
    "dict_type": lambda c: "must be a JSON object",
    "model_type": lambda c: "must be a JSON object",
    "model_attributes_type": lambda c: "must be a JSON object",
    "enum": lambda c: f"must be one of {c.get('expected')}",
    "literal_error": lambda c: f"must be one of {c.get('expected')}",
    "value_error": lambda c: str(c.get("error", "is not valid")),
    "assertion_error": lambda c: str(c.get("error", "is not valid")),
}


def problems_from(error: ValidationError, fields: Iterable[str] = ()) -> list[dict[str, Any]]:
    """pydantic's errors as ``{"field", "reason"}`` in plain words (no pydantic wording).

    ``fields`` are the known field names, named when a body has one that is not known.
    """
    known = ", ".join(fields)
    problems: list[dict[str, Any]] = []
    for item in error.errors(include_url=False, include_input=False):
        kind = item["type"]
        ctx = dict(item.get("ctx") or {})
        if kind == "extra_forbidden":
            reason = "is not a known field" + (f" (known: {known})" if known else "")
        else:
            explain = _REASONS.get(kind)
            reason = explain(ctx) if explain else "is not valid"
        field = "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                        for part in item["loc"]).lstrip(".") or "body"
        problems.append({"field": field, "reason": reason})
    return problems
