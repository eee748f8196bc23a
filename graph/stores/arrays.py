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
from collections.abc import Callable, Container, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from graph.compact import NO_DATE, CompactGraph, compiled, day_to_date
from graph.errors import NotFound
from graph.model import GROUPS, TRUST_TYPES, Engagement, Relationship, Role

if TYPE_CHECKING:
    from graph.stores.base import PeopleBatch, TiesBatch

__all__ = [
    "FAR_DAY", "I64", "RECORD", "Records", "TieCounts", "Ties", "check_ends", "collapse",
    "compact_graph", "named_relationships", "node_lookup", "pack_trust", "pair_keys",
    "people_attrs", "python_order", "relationship_records", "relationships_in_order", "rounds",
    "segment_csr", "ties_records", "unique_sorted", "validation_message",
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


def segment_csr(
    texts: Sequence[Hashable], parse: Callable[[Any], Sequence[str]] = json.loads
) -> tuple[list[str], I64, npt.NDArray[np.int32]]:
    """Sorted segment names and the person → segment CSR of the people's segments.

    ``texts`` holds one value per person (a store's JSON text, or a tuple) and ``parse`` turns
    one into the person's segments; each distinct value is parsed once.
    """
    n = len(texts)
    distinct = {text: i for i, text in enumerate(dict.fromkeys(texts))}
    lists = [parse(text) for text in distinct]
    which = np.fromiter(map(distinct.__getitem__, texts), dtype=np.int64, count=n)
    names = sorted({s for segments in lists for s in segments})
    index = {s: i for i, s in enumerate(names)}
    lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    starts = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    flat = np.fromiter((index[s] for x in lists for s in x), dtype=np.int32,
                       count=int(starts[-1]))
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


def named_relationships(ties: Ties, id_of: Mapping[int, str]) -> list[Relationship]:
    """Model relationships of a few ties, their people named by ``id_of`` (key → id), by
    ascending (source id, target id)."""
    rows = [
        Relationship(
            source=id_of[s], target=id_of[t], relational=v & 3, functional=v >> 2 & 3,
            flow_of_value=v >> 4 & 3, recruited=bool(v >> 6 & 1), since=day_to_date(d),
        )
        for s, t, v, d in zip(ties.source.tolist(), ties.target.tolist(), ties.trust.tolist(),
                              ties.since.tolist(), strict=True)
    ]
    return sorted(rows, key=lambda r: r.key)


@compiled
def _hash_table(keys: I64) -> tuple[I64, I64]:
    """An open-addressing table (linear probing, a power of two at least twice the keys) of
    the positions of ``keys`` (distinct): slots hold a key and its position, -1 when empty."""
    size = 1
    while size < 2 * keys.shape[0]:
        size *= 2
    slot_key = np.zeros(size, dtype=np.int64)
    slot_pos = np.full(size, -1, dtype=np.int64)
    mask = size - 1
    for i in range(keys.shape[0]):
        h = (keys[i] * np.int64(-7046029254386353131)) >> np.int64(17)
        s = h & mask
        while slot_pos[s] >= 0:
            s = (s + 1) & mask
        slot_key[s] = keys[i]
        slot_pos[s] = i
    return slot_key, slot_pos


@compiled
def _hash_find(slot_key: I64, slot_pos: I64, values: I64) -> I64:
    mask = slot_key.shape[0] - 1
    out = np.empty(values.shape[0], dtype=np.int64)
    for i in range(values.shape[0]):
        h = (values[i] * np.int64(-7046029254386353131)) >> np.int64(17)
        s = h & mask
        found = -1
        while slot_pos[s] >= 0:
            if slot_key[s] == values[i]:
                found = slot_pos[s]
                break
            s = (s + 1) & mask
        out[i] = found
    return out


def key_positions(keys: I64) -> Callable[[I64], I64]:
    """A function giving, for each of some values, its position in ``keys`` (distinct, any
    order, any range: 64-bit hashes too), or -1 when it is not one of them.

    Example:
        >>> find = key_positions(np.array([40, -7, 2**62], dtype=np.int64))
        >>> find(np.array([2**62, 5, 40], dtype=np.int64)).tolist()
        [2, -1, 0]
    """
    slot_key, slot_pos = _hash_table(np.ascontiguousarray(keys, dtype=np.int64))
    return lambda values: _hash_find(slot_key, slot_pos,
                                     np.ascontiguousarray(values, dtype=np.int64))


def node_lookup(pks: I64) -> Callable[[I64], I64]:
    """A function mapping people keys to node indices (``pks`` lists them in node order)."""
    if not pks.shape[0]:
        return lambda values: np.zeros(0, dtype=np.int64)
    lo, hi = int(pks.min()), int(pks.max())
    if hi - lo < 8 * pks.shape[0] + 1024:
        table = np.full(hi - lo + 1, -1, dtype=np.int64)
        table[pks - lo] = np.arange(pks.shape[0])
        return lambda values: table[values - lo]
    return key_positions(pks)


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


# -- people ------------------------------------------------------------------------------


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_GROUP_INDEX = {g.value: g.index for g in GROUPS}
_ENGAGEMENT_RANK = {e.value: e.rank for e in Engagement}
_ROLE_INDEX = {"": -1, **{r.value: r.index for r in Role}}


@lru_cache(maxsize=4096)
def _member_bits(groups: tuple[str, ...]) -> int:
    return sum(1 << _GROUP_INDEX[g] for g in set(groups))


@lru_cache(maxsize=65536)
def _day_of(text: str) -> int:
    return NO_DATE if not text else date.fromisoformat(text).toordinal() - EPOCH_ORDINAL


def people_attrs(batch: PeopleBatch) -> list[int]:
    """What the analysis needs of each person of a batch packed in one integer, by column.

    Bits: group index + 1: 0-1, member_of: 2-4, formal_power: 5-6, informal_power: 7-8,
    lived_experience: 9, engagement rank: 10-12, declared role index + 1: 13-14, joined (days
    after 1970-01-01) - NO_DATE: 16-47. ``compact_graph`` unpacks it. The SQLite store keeps it
    as ``people.attrs``.
    """
    group = np.fromiter(map(_GROUP_INDEX.__getitem__, batch.groups), np.int64, len(batch))
    other = np.fromiter(map(_member_bits, batch.other_groups), np.int64, len(batch))
    attrs = (
        (group + 1) | ((other | (1 << group)) << 2)
        | (np.asarray(batch.formal_power, dtype=np.int64) << 5)
        | (np.asarray(batch.informal_power, dtype=np.int64) << 7)
        | (np.asarray(batch.lived_experience, dtype=np.int64) << 9)
        | (np.fromiter(map(_ENGAGEMENT_RANK.__getitem__, batch.engagement), np.int64,
                       len(batch)) << 10)
        | ((np.fromiter(map(_ROLE_INDEX.__getitem__, batch.roles), np.int64, len(batch)) + 1)
           << 13)
        | ((np.fromiter(map(_day_of, batch.joined), np.int64, len(batch)) - NO_DATE) << 16)
    )
    return attrs.tolist()


def compact_graph(
    name: str,
    expected_segments: Sequence[str],
    *,
    ids: list[str],
    names: list[str],
    organisations: list[str],
    segments: Sequence[Hashable],
    keys: I64,
    attrs: I64,
    ties: Ties,
    parse_segments: Callable[[Any], Sequence[str]],
    in_order: bool = False,
    segment_columns: tuple[list[str], I64, npt.NDArray[np.int32]] | None = None,
) -> CompactGraph:
    """The compact analysis graph of a store's columns: one entry per person (any order) with
    its person key and ``people_attrs``, and the ties by person key. People are put in Python's
    id order, as ``CompactGraph.from_records`` does (``in_order``: the caller knows they are,
    and the check is skipped; ``from_arrays`` still refuses ids out of order).
    ``segment_columns``: the people's segments as ``segment_csr`` would give them, when the
    caller has them already (``segments`` and ``parse_segments`` are then not read)."""
    order = None if in_order else python_order(ids)
    if order is not None:
        ids = [ids[i] for i in order]
        names = [names[i] for i in order]
        organisations = [organisations[i] for i in order]
        segments = [segments[i] for i in order]
        keys = keys[order]
        attrs = attrs[order]
    if segment_columns is not None and order is not None:
        raise ValueError("segment_columns are given for people in id order only")
    segment_names, segment_indptr, segment_indices = (
        segment_columns or segment_csr(segments, parse_segments))
    node_of = node_lookup(keys)
    return CompactGraph.from_arrays(
        name=name,
        ids=ids,
        names=names,
        organisations=organisations,
        group=((attrs & 3) - 1).astype(np.int8),
        member_of=(attrs >> 2 & 7).astype(np.uint8),
        segment_names=segment_names,
        segment_indptr=segment_indptr,
        segment_indices=segment_indices,
        formal_power=(attrs >> 5 & 3).astype(np.int8),
        informal_power=(attrs >> 7 & 3).astype(np.int8),
        lived_experience=(attrs >> 9 & 1).astype(bool),
        engagement=(attrs >> 10 & 7).astype(np.int8),
        declared_role=((attrs >> 13 & 3) - 1).astype(np.int8),
        joined=((attrs >> 16) + NO_DATE).astype(np.int32),
        rel_source=node_of(ties.source),
        rel_target=node_of(ties.target),
        rel_strength={
            t.value: (ties.trust >> (2 * i) & 3).astype(np.int8)
            for i, t in enumerate(TRUST_TYPES)
        },
        rel_recruited=(ties.trust >> 6 & 1).astype(bool),
        rel_since=ties.since,
        expected_segments=tuple(expected_segments),
    )


def ties_records(batch: TiesBatch) -> Records:
    """A bulk import's ``TiesBatch`` as ``RECORD`` rows."""
    records = np.empty(len(batch), dtype=RECORD)
    records["seq"] = batch.seq
    records["source"] = batch.source
    records["target"] = batch.target
    records["trust"] = pack_trust(batch.relational, batch.functional, batch.flow_of_value,
                                  batch.recruited)
    records["since"] = batch.since
    return records


def check_ends(relationships: Sequence[Relationship], known: Container[str]) -> None:
    """``NotFound`` naming the first relationship (in input order) whose source or target is
    not among the ``known`` people."""
    for r in relationships:
        if r.source not in known or r.target not in known:
            missing = r.source if r.source not in known else r.target
            raise NotFound(
                f"relationship {r.source!r} → {r.target!r}: there is no person {missing!r} "
                "in the constituency"
            )


def relationship_records(
    relationships: Sequence[Relationship], keys: Mapping[str, int]
) -> Records:
    """Model relationships as ``RECORD`` rows by person key, numbered in input order
    (``NotFound`` as ``check_ends`` gives it, before anything is built)."""
    check_ends(relationships, keys)
    records = np.zeros(len(relationships), dtype=RECORD)
    records["seq"] = np.arange(len(relationships))
    records["source"] = [keys[r.source] for r in relationships]
    records["target"] = [keys[r.target] for r in relationships]
    records["trust"] = pack_trust(
        [r.relational for r in relationships], [r.functional for r in relationships],
        [r.flow_of_value for r in relationships], [r.recruited for r in relationships],
    )
    records["since"] = [NO_DATE if r.since is None else (r.since - date(1970, 1, 1)).days
                        for r in relationships]
    return records
