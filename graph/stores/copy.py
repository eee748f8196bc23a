"""Copy constituencies from one store to another (SQLite → Neo4j and back), counts verified.

The copy goes through the ``GraphStore`` protocol only, so any two stores work, and it takes
the history along: every change set, oldest first (ids are the target's own). All the named
constituencies are written in one transaction of the target: the counts (people, relationships,
expected segments) are compared with the source's inside it, and a mismatch rolls everything
back, so the target never holds half a copy.

Example:
    >>> from graph.stores.sqlite import SQLiteStore
    >>> from graph.model import Person
    >>> source, target = SQLiteStore("sqlite:///:memory:"), SQLiteStore("sqlite:///:memory:")
    >>> _ = source.import_records("bay", [Person(id="a", group="people")], [])
    >>> [(c.name, c.people) for c in copy_constituencies(source, target)]
    [('bay', 1)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from itertools import islice
from typing import TypeVar

import numpy as np

from graph.compact import date_to_day
from graph.errors import MovemapError, NotFound, StoreError
from graph.model import Constituency, Relationship
from graph.stores.base import ConstituencySummary, GraphStore, PeopleBatch, TiesBatch

__all__ = ["COPY_BATCH", "CopyMismatch", "copy_constituencies"]

COPY_BATCH = 20_000
"""People or relationships handed to the target per batch."""

_T = TypeVar("_T")


class CopyMismatch(StoreError):
    """The target's counts differ from the source's after a copy (nothing was kept)."""


def copy_constituencies(
    source: GraphStore,
    target: GraphStore,
    names: Sequence[str] = (),
    *,
    replace: bool = False,
    on_progress: Callable[[str], None] | None = None,
) -> list[ConstituencySummary]:
    """Copy ``names`` (all of the source's when empty) into ``target``; returns the verified
    summaries (equal in both stores).

    A constituency that already exists in the target is an error unless ``replace``, which
    makes the target's copy exactly the source's. Everything is checked before anything is
    written: unknown names raise ``NotFound``, existing ones ``MovemapError``.
    """
    summaries = {s.name: s for s in source.list_constituencies()}
    wanted = list(dict.fromkeys(names)) or sorted(summaries)
    for name in wanted:
        if name not in summaries:
            raise NotFound(f"there is no constituency named {name!r} in {source.url}")
    existing = {s.name for s in target.list_constituencies()}
    clashes = [n for n in wanted if n in existing]
    if clashes and not replace:
        listed = ", ".join(repr(n) for n in clashes)
        raise MovemapError(f"{target.url} already has {listed}; add --replace to overwrite")
    with target.transaction():
        for name in wanted:
            if on_progress is not None:
                s = summaries[name]
                on_progress(f"{name}: {s.people:,} people, {s.relationships:,} relationships")
            _copy_one(source, target, source.get_constituency(name), replace=name in existing)
        copied = {s.name: s for s in target.list_constituencies()}
        for name in wanted:
            if copied.get(name) != summaries[name]:
                raise CopyMismatch(
                    f"the copy of {name!r} does not match its source (source: "
                    f"{_counts(summaries[name])}; copy: {_counts(copied.get(name))}); "
                    "nothing was copied"
                )
    return [summaries[name] for name in wanted]


def _copy_one(source: GraphStore, target: GraphStore, constituency: Constituency, *,
              replace: bool) -> None:
    name = constituency.name
    if replace:
        # the copy's history must be exactly the source's, so the old map goes first (on
        # Neo4j this is slower than importing over it: see the README)
        target.delete_constituency(name)
    target.create_constituency(constituency)
    with target.bulk_import(name) as bulk:
        for people in _chunks(source.iter_people(name), COPY_BATCH):
            bulk.add_people(PeopleBatch.of(people))
        keys = bulk.person_keys()
        seq = 0
        for ties in _chunks(source.iter_relationships(name), COPY_BATCH):
            bulk.add_ties(_ties_batch(ties, keys, seq))
            seq += len(ties)
        bulk.finish()
    _copy_history(source, target, name)


def _copy_history(source: GraphStore, target: GraphStore, name: str) -> None:
    """Every change set, oldest first, with its changes; ``undoes`` follows the new ids."""
    ids: list[int] = []
    before: int | None = None
    while page := source.change_sets(name, limit=500, before=before, max_changes=0):
        ids.extend(c.id for c in page)
        before = page[-1].id
    new_id: dict[int, int] = {}
    for old in reversed(ids):
        change_set = source.get_change_set(name, old)
        header = change_set.header
        if header.undoes is not None:
            header = replace(header, undoes=new_id.get(header.undoes))
        new_id[old] = target.append_change_set(name, header, change_set.changes)


def _ties_batch(ties: list[Relationship], keys: Mapping[str, int], seq: int) -> TiesBatch:
    """Relationships as a bulk import's batch, numbered from ``seq``."""
    lookup = keys.__getitem__
    return TiesBatch(
        seq=np.arange(seq, seq + len(ties), dtype=np.int64),
        source=np.array([lookup(r.source) for r in ties], dtype=np.int64),
        target=np.array([lookup(r.target) for r in ties], dtype=np.int64),
        relational=np.array([r.relational for r in ties], dtype=np.int8),
        functional=np.array([r.functional for r in ties], dtype=np.int8),
        flow_of_value=np.array([r.flow_of_value for r in ties], dtype=np.int8),
        recruited=np.array([r.recruited for r in ties], dtype=np.bool_),
        since=np.array([date_to_day(r.since) for r in ties], dtype=np.int32),
    )


def _chunks(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _counts(summary: ConstituencySummary | None) -> str:
    if summary is None:
        return "missing"
    return (f"{summary.people:,} people, {summary.relationships:,} relationships, "
            f"{summary.expected_segments:,} expected segments, description "
            f"{summary.description!r}")

