"""People exports of campaigning CRMs: Action Network and NationBuilder (import only).

A CRM keeps people, their tags and who brought them in; movemap reads its people export (one
CSV file, header first) as people and recruitment ties:

| movemap | Action Network (``action-network``) | NationBuilder (``nationbuilder``) |
| --- | --- | --- |
| id | ``uuid`` | ``nationbuilder_id`` (or ``id``) |
| name | ``first_name`` ``last_name`` | ``first_name`` ``middle_name`` ``last_name`` |
| organisation | — | ``employer`` |
| segments | ``can2_user_tags`` (or ``tags``; ``,`` between) | ``tag_list`` (``,`` between) |
| group | a tag ``group:<group>``, else ``people`` | the same |
| joined | ``can2_subscription_date`` (its day; or ``created_date``) | ``created_at`` (its day) |
| recruited tie | a custom field ``referred_by`` or ``referrer`` | ``recruiter_id`` |

Action Network's report download names its own fields ``can2_…`` (``can2_user_tags``,
``can2_subscription_date``, ``can2_phone`` …) beside ``uuid``, ``first_name``, ``last_name``,
``email`` and ``zip_code``, and each custom field by its own name. None of its own fields
names the person who brought someone in (its referrer codes track links and sponsoring
groups, not people), so recruitment is read from a custom field a group keeps for it.
| tie (functional 1) | — | ``parent_id`` (point person) — this person |

**Privacy**: movemap keeps no email address, phone or postal address: they are not part of
the map, and a map is shared more widely than a mailing list. An email is used only while
the file is read, to find the person a referrer field names (Action Network records a
referrer by email or code); it is never written. A referrer or recruiter is matched to a
row's id, then to a row's email, else taken as the id of someone already in the map (the
import core says so when nobody has it). Other columns are ignored.

Problems name the file, the line and the CRM's column (``an.csv, line 7, column 'uuid'``).

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "nb.csv"
    >>> _ = path.write_text("nationbuilder_id,first_name,last_name,email,tag_list,recruiter_id"
    ...                     "\\n1,Ann,Lee,a@x.org,\\"locality:Barrow, group:system_leaders\\",\\n"
    ...                     "2,Bo,Ray,b@x.org,,1\\n")
    >>> tables = read_nationbuilder(path)
    >>> tables.people._rows[1][:3], tables.relationships._rows[1][:2]
    (['1', 'Ann Lee', 'system_leaders'], ['1', '2'])
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from graph.errors import Problem
from graph.formats.base import MapInfo, MapTables
from graph.formats.foreign import (
    PEOPLE_COLUMNS,
    RELATIONSHIP_COLUMNS,
    Record,
    TooBig,
    read_bytes,
    records_table,
)

__all__ = ["ACTION_NETWORK", "NATIONBUILDER", "Crm", "read_action_network",
           "read_nationbuilder", "sniff_crm"]

PathLike = str | os.PathLike[str]
GROUP_TAG = "group:"
DEFAULT_GROUP = "people"


@dataclass(frozen=True)
class Crm:
    """Which columns of a CRM's people export say what (the first present is read)."""

    name: str
    id: tuple[str, ...]
    names: tuple[str, ...]
    tags: tuple[str, ...]
    joined: tuple[str, ...]
    organisation: tuple[str, ...]
    recruiter: tuple[str, ...]
    point_person: tuple[str, ...]
    marker: str
    """A column only this CRM's export has (to recognise the file)."""


ACTION_NETWORK = Crm("action-network", ("uuid",), ("first_name", "last_name"),
                     ("can2_user_tags", "tags", "tag_list"),
                     ("can2_subscription_date", "created_date", "created_at"),
                     (), ("referred_by", "referrer"), (), "uuid")
NATIONBUILDER = Crm("nationbuilder", ("nationbuilder_id", "id"),
                    ("first_name", "middle_name", "last_name"), ("tag_list", "tags"),
                    ("created_at",), ("employer",), ("recruiter_id",), ("parent_id",),
                    "nationbuilder_id")


def sniff_crm(header: str) -> str | None:
    """The CRM whose export has this first line, if any."""
    names = {c.strip().strip('"').lower() for c in header.split(",")}
    for crm in (NATIONBUILDER, ACTION_NETWORK):
        if crm.marker in names and {"first_name", "email"} & names:
            return crm.name
    return None


def _first(row: Mapping[str, str], columns: Sequence[str]) -> tuple[str, str]:
    """(the column read, its value): the first of ``columns`` the file has."""
    for column in columns:
        if column in row:
            return column, row[column].strip()
    return (columns[0] if columns else ""), ""


def _day(text: str) -> str:
    """A timestamp's day: ``2024-03-05T10:00:00-05:00`` and ``2024-03-05 10:00`` → its date
    part; anything else is left for the core to read (or refuse) as a date."""
    return text.replace("T", " ").split(" ")[0] if text[:4].isdigit() else text


def _read(path: PathLike, crm: Crm) -> MapTables:
    name = Path(path).name
    problems: list[Problem] = []
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        text = read_bytes(path).decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        reader.fieldnames = [f.strip().lower() for f in reader.fieldnames or []]
        for row in reader:
            rows.append((reader.line_num, {k: v or "" for k, v in row.items() if k}))
    except FileNotFoundError:
        problems.append(Problem(name, None, None, "the file does not exist"))
    except (TooBig, UnicodeDecodeError, csv.Error) as exc:
        problems.append(Problem(name, None, None, f"this is not a CSV file movemap can read "
                                f"({exc})"))
    ids: set[str] = set()
    by_email: dict[str, str] = {}
    for _, row in rows:
        pid = _first(row, crm.id)[1]
        ids.add(pid)
        if email := row.get("email", "").strip().lower():
            by_email.setdefault(email, pid)

    def person(ref: str) -> str:
        return ref if ref in ids else by_email.get(ref.lower(), ref)

    people: list[Record] = []
    ties: list[Record] = []
    labels: dict[str, str] = {"other_groups": "tags"}
    for line, row in rows:
        id_column, pid = _first(row, crm.id)
        tag_column, tag_text = _first(row, crm.tags)
        tags = [t.strip() for t in tag_text.split(",") if t.strip()]
        groups = [t[len(GROUP_TAG):] for t in tags if t.lower().startswith(GROUP_TAG)]
        joined_column, joined = _first(row, crm.joined)
        organisation_column, organisation = _first(row, crm.organisation)
        labels.update(id=id_column, segments=tag_column, group=tag_column,
                      joined=joined_column, organisation=organisation_column or "organisation")
        people.append((line, {
            "id": pid, "name": " ".join(row.get(c, "").strip() for c in crm.names
                                        if row.get(c, "").strip()),
            "group": groups[0] if groups else DEFAULT_GROUP,
            "other_groups": ";".join(groups[1:]),
            "segments": ";".join(t for t in tags if not t.lower().startswith(GROUP_TAG)),
            "organisation": organisation, "joined": _day(joined)}))
        recruiter_column, recruiter = _first(row, crm.recruiter)
        if recruiter:
            ties.append((line, {"source": person(recruiter), "target": pid,
                                "recruited": "yes"}))
            labels["source"] = recruiter_column
        point_column, point = _first(row, crm.point_person)
        if point and person(point) != person(recruiter):
            ties.append((line, {"source": person(point), "target": pid, "functional": "1"}))
            labels.setdefault("source", point_column)
    labels["target"] = labels["id"] if "id" in labels else crm.id[0]
    return MapTables(records_table(name, "line", PEOPLE_COLUMNS, people, labels),
                     records_table(name, "line", RELATIONSHIP_COLUMNS, ties, labels),
                     name, MapInfo(), problems)


def read_action_network(path: PathLike) -> MapTables:
    """An Action Network activists export as movemap's tables."""
    return _read(path, ACTION_NETWORK)


def read_nationbuilder(path: PathLike) -> MapTables:
    """A NationBuilder people export as movemap's tables."""
    return _read(path, NATIONBUILDER)
