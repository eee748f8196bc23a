"""What the API reads from a request besides its JSON body: query parameters, form fields and
the ``If-Match`` header, as pydantic models.

The same models check each request (``read_query``) and write the parameters of the OpenAPI
document (``service.openapi``), so the document and the checks cannot drift apart: a value the
document allows is a value the check accepts, and the reverse. Each field's ``description`` is
the text the document shows; ``json_schema_extra`` says how a list travels in the address.

Values are read strictly, as the document says them: ``limit=007`` is 7, but ``limit=`` (empty),
``limit=7.0`` or ``as_of=2024-1-1`` are refused with a 400 naming the parameter.

Example:
    >>> from werkzeug.datastructures import MultiDict
    >>> read_query(AnalysisQuery, MultiDict([("hops", "2"), ("target_core", "3%")])).target_core
    0.03
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema
from werkzeug.datastructures import MultiDict

from graph.analysis.gaps import GAP_KINDS
from graph.analysis.growth import INTERVALS
from graph.analysis.result import SEVERITIES
from graph.export_view import AROUND_CORE_MAX, ENGAGEMENTS, GROUP_NAMES, ROLES
from graph.model import MAX_ID_LENGTH, MAX_TEXT_LENGTH, Engagement, TrustType, _iso_day
from service.problems import problems_from

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_CHANGE_SET",
    "MAX_HOPS",
    "MAX_LIMIT",
    "AnalysisQuery",
    "ChangesQuery",
    "GapsQuery",
    "GrowthQuery",
    "HistoryQuery",
    "ImportForm",
    "PeopleQuery",
    "QueryProblem",
    "RemovalQuery",
    "TiesQuery",
    "ViewQuery",
    "WriteQuery",
    "if_match_version",
    "read_query",
]

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 10**9
MAX_HOPS = 20
MAX_CHANGE_SET = 10**15
_Q = TypeVar("_Q", bound=BaseModel)

_WHOLE = re.compile(r"-?[0-9]{1,18}")


def _whole(value: Any) -> Any:
    """A whole number written in digits (``"12"``); anything else is refused as such."""
    if isinstance(value, str):
        if not _WHOLE.fullmatch(value):
            raise ValueError("must be a whole number")
        return int(value)
    return value


# Whole numbers written in digits, each with its range (the range before the reading, so the
# document states it as minimum and maximum)
_READ_WHOLE = BeforeValidator(_whole)
PageLimit = Annotated[int, Field(ge=1, le=MAX_LIMIT), _READ_WHOLE]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET), _READ_WHOLE]
Hops = Annotated[int, Field(ge=1, le=MAX_HOPS), _READ_WHOLE]
HistoryLimit = Annotated[int, Field(ge=1, le=500), _READ_WHOLE]
ChangeSetId = Annotated[int, Field(ge=1, le=MAX_CHANGE_SET), _READ_WHOLE]
Day = Annotated[date, BeforeValidator(_iso_day), WithJsonSchema({
    "type": "string", "format": "date", "pattern": r"^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}$"})]

_SHARE_PATTERN = (r"^(0?\.(?=[0-9]*[1-9])[0-9]{1,6}|1(\.0{1,6})?"
                  r"|(?=[0-9.]*[1-9])[0-9]{1,2}(\.[0-9]{1,6})?%|100(\.0{1,6})?%)$")
_SHARE = re.compile(_SHARE_PATTERN)


def _share(value: Any) -> Any:
    """``0.03`` or ``3%``: above 0 and at most 1 (100%)."""
    if isinstance(value, str):
        if not _SHARE.fullmatch(value):
            raise ValueError("must be a share above 0 and at most 1, such as 0.03 or 3%")
        return float(value[:-1]) / 100 if value.endswith("%") else float(value)
    return value


Share = Annotated[float, BeforeValidator(_share), WithJsonSchema({
    "type": "string", "pattern": _SHARE_PATTERN, "examples": ["0.03", "3%"]})]

_TRUST_KINDS = "|".join(t.value for t in TrustType)
_MIN_TRUST_ITEM = f"({_TRUST_KINDS})[:=][0-3]"
_MIN_TRUST_PATTERN = f"^{_MIN_TRUST_ITEM}(,{_MIN_TRUST_ITEM})*$"
_MIN_TRUST = re.compile(_MIN_TRUST_PATTERN)


def _min_trust(value: Any) -> Any:
    """``["relational:2", "flow_of_value=1,functional:1"]`` as ``{type: level}``."""
    if not isinstance(value, list):
        return value
    minimum: dict[str, int] = {}
    for raw in value:
        if not isinstance(raw, str) or not _MIN_TRUST.fullmatch(raw):
            raise ValueError(f"{raw!r} is not TYPE:LEVEL, e.g. flow_of_value:1, with TYPE one "
                             f"of {', '.join(t.value for t in TrustType)} and LEVEL 0–3")
        for item in raw.split(","):
            trust, level = re.split("[:=]", item)
            minimum[trust] = int(level)
    return minimum


MinTrust = Annotated[dict[str, int], BeforeValidator(_min_trust), WithJsonSchema({
    "type": "array", "items": {"type": "string", "pattern": _MIN_TRUST_PATTERN},
    "x-style": "form", "x-explode": True})]


def _comma_list(value: Any) -> Any:
    """``["high,medium", "low"]`` (repeated, or separated by commas) as one list."""
    if isinstance(value, list):
        # "", "a,,b" or "," keep their empty parts, which no choice matches: refused, not
        # ignored (leave the parameter out for every gap)
        return [part for raw in value if isinstance(raw, str) for part in raw.split(",")]
    return value


_Severity = Literal[SEVERITIES]  # type: ignore[valid-type]
_GapKind = Literal[GAP_KINDS]  # type: ignore[valid-type]


class _Query(BaseModel):
    """A request's query: unknown parameters are ignored (a browser or proxy may add some)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class PageQuery(_Query):
    limit: PageLimit = Field(DEFAULT_LIMIT, description="at most this many items")
    offset: Offset = Field(0, description="skip this many items first")


class ViewQuery(_Query):
    as_of: Day | None = Field(None, description=(
        "the map as it stood at the end of this date (people who had joined and not left, ties "
        "not ended, each as they were then); years of engagement count up to it (default "
        "today)"))


class PeopleQuery(PageQuery, ViewQuery):
    q: str = Field("", max_length=MAX_ID_LENGTH, description=(
        "only people whose id or name contains this text (any case)"))


class TiesQuery(PageQuery):
    person: str | None = Field(None, max_length=MAX_ID_LENGTH, description=(
        "only ties this person is part of (404 if unknown)"))


class WriteQuery(_Query):
    on: Day | None = Field(None, description=(
        "the day this change is true from (default today; an earlier day records a late "
        "correction)"))


class RemovalQuery(WriteQuery):
    reason: Literal["left", "mistake"] = Field("left", description=(
        "left: they left (the tie ended) on 'on', kept in the history; mistake: entered by "
        "mistake, removed with its history (undoable)"))


_READINESS = (*(e.value for e in Engagement), "anyone")


class AnalysisQuery(ViewQuery):
    hops: Hops | None = Field(None, description=(
        "reach counts people within this many ties of the core (default: the map's steps "
        "setting)"))
    min_trust: MinTrust = Field(default_factory=dict, description=(
        "TYPE:LEVEL (or TYPE=LEVEL), e.g. flow_of_value:1: only ties with at least this trust "
        "count; repeat or separate with commas"))
    target_core: Share | None = Field(None, description=(
        "the core's target share, e.g. 0.03 or 3% (default: the map's setting, 3% unless "
        "changed)"))
    target_reach: Share | None = Field(None, description=(
        "the reach target, e.g. 0.9 or 90% (default: the map's setting, 90% unless changed)"))
    min_engagement: Literal[_READINESS] | None = Field(  # type: ignore[valid-type]
        None, description=("readiness: plan whom to engage next also among people at or above "
                           "this engagement level only ('anyone': no ready plan; default: the "
                           "map's setting)"))


class GapsQuery(PageQuery):
    severity: Annotated[list[_Severity], BeforeValidator(_comma_list)] = Field(
        default_factory=list, description="only gaps of these severities (comma-separated)",
        json_schema_extra={"x-style": "form", "x-explode": False, "minItems": 1})
    kind: Annotated[list[_GapKind], BeforeValidator(_comma_list)] = Field(
        default_factory=list, description="only gaps of these kinds (comma-separated)",
        json_schema_extra={"x-style": "form", "x-explode": False, "minItems": 1})


class HistoryQuery(_Query):
    person: str | None = Field(None, max_length=MAX_ID_LENGTH, description=(
        "only change sets about this person or their ties"))
    limit: HistoryLimit = Field(50, description="at most this many change sets")
    before: ChangeSetId | None = Field(None, description=(
        "only change sets older than this id (to page back)"))


class ChangesQuery(_Query):
    since: Day | None = Field(None, description=(
        "compare the map at the end of this date (default 30 days before until)…"))
    until: Day | None = Field(None, description=(
        "…with the map at the end of this one (default today)"))


class GrowthQuery(_Query):
    interval: Literal[INTERVALS] = Field(  # type: ignore[valid-type]
        "month", description="one point per week, month or quarter (default month)")
    since: Day | None = Field(None, description=(
        "start at the period holding this date (default: the map's first record)"))


_YES_NO = ("yes", "no", "true", "false", "1", "0", "on", "off", "y", "n")


class ImportForm(_Query):
    """The form fields of an import besides the files."""

    replace: Literal[_YES_NO] = Field("no", description=(  # type: ignore[valid-type]
        "yes: the map then holds exactly these files"))
    on: Day | None = Field(None, description="the files are the map as it stood on this date")
    format: Literal["csv", "xlsx", "kumu-xlsx", "kumu-json", "gexf", "graphml", "node-link",
                    "action-network", "nationbuilder"] | None = Field(None, description=(
                        "the format of 'file' (default: found from the file itself)"))
    dry_run: Literal[_YES_NO] = Field("no", description=(  # type: ignore[valid-type]
        "yes: check the files and answer what the import would do (the plan); write nothing"))

    @property
    def replacing(self) -> bool:
        return self.replace in ("yes", "true", "1", "on", "y")

    @property
    def previewing(self) -> bool:
        return self.dry_run in ("yes", "true", "1", "on", "y")


class QueryProblem(Exception):
    """A query (or form) that does not fit its model: each problem with its field and reason."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        first = problems[0]
        super().__init__(f"the query parameter '{first['field']}' is not valid: "
                         f"{first['reason']}")
        self.problems = problems


@cache
def list_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` that take every value given (a list in the document)."""
    properties = model.model_json_schema()["properties"]
    return frozenset(name for name, schema in properties.items()
                     if schema.get("type") == "array")


def read_query(model: type[_Q], args: MultiDict[str, str]) -> _Q:
    """``model`` read from ``args`` (a query string or form), or ``QueryProblem``.

    A list field takes every value given for it; any other field takes its one value, and a
    field given twice is refused rather than silently reading one of them.
    """
    data: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    for name in model.model_fields:
        values = args.getlist(name)
        if not values:
            continue
        if name in list_fields(model):
            data[name] = values
        elif len(values) > 1:
            problems.append({"field": name, "reason": "is given more than once"})
        else:
            data[name] = values[0]
    if not problems:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            problems = [{"field": p["field"].split(".")[0].split("[")[0],
                         "reason": p["reason"]} for p in problems_from(exc)]
    raise QueryProblem(problems)


_ETAG = re.compile(r'(?:W/)?"([0-9]{1,18})"|([0-9]{1,18})|\*')
IF_MATCH_PATTERN = r'^((W/)?"[0-9]{1,18}"|[0-9]{1,18}|\*)$'
"""The ``If-Match`` header the API reads: an ETag it gave (``"12"``), or ``*`` for any."""


def if_match_version(text: str | None) -> int | None:
    """The version in an ``If-Match`` header, ``None`` when absent or ``*``; ``ValueError``
    when it is not an ETag movemap gives."""
    if text is None:
        return None
    match = _ETAG.fullmatch(text)
    if match is None:
        raise ValueError(text)
    digits = match.group(1) or match.group(2)
    return int(digits) if digits else None


# -- bodies of the access calls --------------------------------------------------------------


class RoleChange(BaseModel):
    """``PUT …/roles/EMAIL``: the role to give."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    role: Literal["viewer", "editor", "owner"] = Field(description=(
        "viewer sees the map, editor changes it, owner also manages its roles"))


class AccountChanges(BaseModel):
    """``PATCH /accounts/EMAIL``: the rights to change; those left out stay as they are."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    disabled: bool | None = Field(None, description=(
        "true: cannot sign in, every session and token ends at once (administrators only)"))
    admin: bool | None = Field(None, description="an administrator (administrators only)")
    may_create_maps: bool | None = Field(None, description=(
        "may create maps of their own (administrators, or an owner of a map they have a role "
        "in)"))


class TokensQuery(_Query):
    email: str | None = Field(None, max_length=320, description=(
        "only this account's tokens (administrators; others see only their own)"))


class ExportQuery(ViewQuery):
    format: Literal["xlsx", "csv", "kumu-xlsx", "kumu-json", "gexf", "graphml",
                    "node-link"] = Field("xlsx", description=(
        "xlsx: one Excel workbook (sheets people, relationships, map); csv: a .zip of "
        "people.csv, relationships.csv and map.csv; kumu-xlsx, kumu-json: Kumu's layouts; "
        "gexf (Gephi, the history as spells), graphml, node-link: graph formats "
        "(docs/formats.md). All import back as the same map"))
    pseudonymise: bool = Field(False, description=(
        "codes instead of names (salted per export), no free text, and no group or segment "
        "of fewer than k people"))
    k: int = Field(5, ge=1, le=1000, description=(
        "with pseudonymise: the fewest people a group or segment may have"))
    # the view (graph.export_view): only the people who match every condition given
    group: Literal[GROUP_NAMES] | None = Field(  # type: ignore[valid-type]
        None, description="only people whose main group this is")
    segment: str | None = Field(None, min_length=1, max_length=MAX_TEXT_LENGTH, description=(
        "only people who hold this segment (400 when nobody holds it and the map does not "
        "expect it)"))
    engagement: Literal[ENGAGEMENTS] | None = Field(  # type: ignore[valid-type]
        None, description="only people at this engagement level")
    role: Literal[ROLES] | None = Field(  # type: ignore[valid-type]
        None, description="only people with this declared role (none: with no declared role)")
    core: bool | None = Field(None, description=(
        "true: only the engaged core (leading or a declared role); false: only those outside"))
    around_core: int | None = Field(None, ge=1, le=AROUND_CORE_MAX, description=(
        "only the engaged core and everyone within this many ties of it"))
