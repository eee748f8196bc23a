"""Recorded relationships as numpy arrays: the store-independent half of writing and reading ties.

Both stores keep a person key (an integer) per person and handle ties as parallel arrays of
(source key, target key, trust byte, ``since`` day). This module holds what they share: packing
the three trust strengths and recruitment into one byte, merging input rows that repeat a
(source, target) the way the CSV import documents, splitting upserts into rounds without
repeats, and turning stored arrays back into model objects or the compact graph's columns in
Python's id order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from graph.compact import NO_DATE, day_to_date
from graph.model import Relationship

__all__ = [
    "FAR_DAY", "RECORD", "I64", "Records", "TieCounts", "Ties", "collapse", "node_lookup",
    "pack_trust", "pair_keys", "python_order", "relationships_in_order", "rounds",
    "segment_csr", "unique_sorted", "validation_message",
]

I64 = npt.NDArray[np.int64]
Records = npt.NDArray[np.void]

RECORD = np.dtype([("seq", "<i8"), ("source", "<i8"), ("target", "<i8"), ("trust", "u1"),
                   ("since", "<i4")])
"""A relationship row on its way into a bulk import (packed: 29 bytes)."""

FAR_DAY = np.iinfo(np.int64).max


def pack_trust(
    relational: npt.ArrayLike, functional: npt.ArrayLike, flow_of_value: npt.ArrayLike,
    recruited: npt.ArrayLike,
) -> npt.NDArray[np.uint8]:
    """One byte per tie: relational | functional << 2 | flow_of_value << 4 | recruited << 6."""
    return (
        np.asarray(relational, dtype=np.uint8)
        | np.asarray(functional, dtype=np.uint8) << 2
        | np.asarray(flow_of_value, dtype=np.uint8) << 4
        | np.asarray(recruited, dtype=np.uint8) << 6
    ).astype(np.uint8)


def pair_keys(first: I64, second: I64) -> I64:
    """One sortable int64 per (first, second) pair of person keys."""
    return (first.astype(np.int64) << 32) | second.astype(np.int64)


@dataclass
class Ties:
    """Recorded relationships as parallel arrays, sorted by (source, target) unless noted."""

    source: I64
    target: I64
    trust: npt.NDArray[np.uint8]
    since: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return int(self.source.shape[0])

    @property
    def key(self) -> I64:
        return pair_keys(self.source, self.target)

    def take(self, which: npt.NDArray[Any]) -> Ties:
        return Ties(self.source[which], self.target[which], self.trust[which], self.since[which])

    @classmethod
    def empty(cls) -> Ties:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint8),
                   np.zeros(0, np.int32))

    @classmethod
    def concat(cls, parts: Sequence[Ties]) -> Ties:
        return cls(*(np.concatenate([getattr(p, f) for p in parts])
                     for f in ("source", "target", "trust", "since")))


def unique_sorted(values: I64, *, ordered: bool = False) -> I64:
    """Sorted distinct values (by sorting: faster here than ``np.unique``'s hashing)."""
    if not ordered:
        values = np.sort(values)
    if values.shape[0] < 2:
        return values
    keep = np.empty(values.shape[0], dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


@dataclass
class TieCounts:
    """What writing ties changed, and which input rows repeated an earlier (source, target)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    first_merged: tuple[int, int] | None = None

    def __iadd__(self, other: TieCounts) -> TieCounts:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


def collapse(records: Records, counts: TieCounts) -> Ties:
    """Distinct (source, target) ties of some input rows, sorted; repeats merged.

    Repeats take the highest of each strength, recruited if any row says so and the earliest
    date; ``counts`` learns how many rows were merged and the first one (by ``seq``). Records
    must be in ``seq`` order (buckets keep the order of the input).
    """
    key = pair_keys(records["source"], records["target"])
    order = np.argsort(key, kind="stable")
    key = key[order]
    records = records[order]
    first = np.ones(key.shape[0], dtype=bool)
    first[1:] = key[1:] != key[:-1]
    if first.all():
        return Ties(records["source"].astype(np.int64), records["target"].astype(np.int64),
                     records["trust"].copy(), records["since"].astype(np.int32))
    starts = np.flatnonzero(first)
    sizes = np.diff(np.append(starts, key.shape[0]))
    counts.merged += int(key.shape[0] - starts.shape[0])
    repeated = starts[sizes > 1]
    seq = records["seq"]
    second = seq[repeated + 1]
    best = int(np.argmin(second))
    candidate = (int(second[best]), int(seq[repeated[best]]))
    if counts.first_merged is None or candidate < counts.first_merged:
        counts.first_merged = candidate
    trust = records["trust"]
    merged_trust = np.zeros(starts.shape[0], dtype=np.uint8)
    for bits in (0b11, 0b1100, 0b110000, 0b1000000):
        merged_trust |= np.maximum.reduceat(trust & bits, starts).astype(np.uint8)
    since = records["since"].astype(np.int64)
    since[since == NO_DATE] = FAR_DAY
    earliest = np.minimum.reduceat(since, starts)
    earliest[earliest == FAR_DAY] = NO_DATE
    return Ties(records["source"][starts].astype(np.int64),
                 records["target"][starts].astype(np.int64), merged_trust,
                 earliest.astype(np.int32))


def rounds(records: Records) -> list[Records]:
    """Input rows split so that no (source, target) repeats within a part: the k-th row of a
    key goes to part k, so applying the parts in turn is applying the rows in turn."""
    key = pair_keys(records["source"], records["target"]).tolist()
    if len(set(key)) == len(key):
        return [records]
    seen: dict[int, int] = {}
    part = np.zeros(len(key), dtype=np.int64)
    for i, k in enumerate(key):
        part[i] = seen.get(k, 0)
        seen[k] = part[i] + 1
    return [records[part == p] for p in range(int(part.max()) + 1)]


def segment_csr(texts: Sequence[str]) -> tuple[list[str], I64, npt.NDArray[np.int32]]:
    """Sorted segment names and the person → segment CSR of the people's ``segments`` JSON."""
    n = len(texts)
    distinct = {text: i for i, text in enumerate(dict.fromkeys(texts))}
    lists = [json.loads(text) for text in distinct]
    names = sorted({s for segments in lists for s in segments})
    index = {s: i for i, s in enumerate(names)}
    lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    starts = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    flat = np.fromiter((index[s] for x in lists for s in x), dtype=np.int32,
                       count=int(starts[-1]))
    which = np.fromiter(map(distinct.__getitem__, texts), dtype=np.int64, count=n)
    per_person = lengths[which]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_person, out=indptr[1:])
    offsets = np.arange(int(indptr[-1]), dtype=np.int64) - np.repeat(indptr[:-1], per_person)
    indices = flat[np.repeat(starts[:-1][which], per_person) + offsets]
    return names, indptr, indices.astype(np.int32)


def relationships_in_order(
    ties: Ties, ids: list[str], node_of: Callable[[I64], I64]
) -> Iterator[Relationship]:
    """Model relationships of some ties, by ascending (source id, target id)."""
    source = node_of(ties.source)
    target = node_of(ties.target)
    order = np.lexsort((target, source))
    trust = ties.trust.tolist()
    since = ties.since.tolist()
    source_list = source.tolist()
    target_list = target.tolist()
    for i in order.tolist():
        value = trust[i]
        yield Relationship(
            source=ids[source_list[i]],
            target=ids[target_list[i]],
            relational=value & 3,
            functional=value >> 2 & 3,
            flow_of_value=value >> 4 & 3,
            recruited=bool(value >> 6 & 1),
            since=day_to_date(since[i]),
        )


def node_lookup(pks: I64) -> Callable[[I64], I64]:
    """A function mapping people keys to node indices (``pks`` lists them in node order)."""
    if not pks.shape[0]:
        return lambda values: np.zeros(0, dtype=np.int64)
    lo, hi = int(pks.min()), int(pks.max())
    if hi - lo < 8 * pks.shape[0] + 1024:
        table = np.full(hi - lo + 1, -1, dtype=np.int64)
        table[pks - lo] = np.arange(pks.shape[0])
        return lambda values: table[values - lo]
    order = np.argsort(pks, kind="stable")
    ordered = pks[order]
    return lambda values: order[np.searchsorted(ordered, values)]


def python_order(ids: list[str]) -> list[int] | None:
    """``None`` when ``ids`` is already in Python's ascending order, else the sorting order.

    SQLite's BINARY order of UTF-8 equals Python's code point order, so this is a safety net
    (e.g. for ids holding characters that UTF-8 cannot encode the usual way).
    """
    if all(a < b for a, b in zip(ids, ids[1:], strict=False)):
        return None
    return sorted(range(len(ids)), key=ids.__getitem__)


def validation_message(what: str, value: str, exc: ValidationError) -> str:
    reasons = "; ".join(
        str(e.get("msg", "")).removeprefix("Value error, ") for e in exc.errors()
    )
    return f"{what} {value!r} is not valid: {reasons}"
