"""The as-of index: every version of every person and tie over valid time, packed in arrays.

The timelines (``graph.timeline``) say what was true when, one JSON document per person or tie.
Reading a million of them to rebuild the map of one day costs a minute. So beside them each store
keeps the same facts *by version*: one row per stretch of valid time in which a person (or a tie)
was in the map with the same values, ``[start, end)`` in days since 1970-01-01 (``NO_DATE``:
since always, ``OPEN_END``: still so). The map at the end of day ``D`` is then the rows with
``start <= D < end``: one comparison over arrays, whatever the size of the map.

Rows are grouped in ``CHUNKS`` chunks by a 64-bit hash of the person's id (of the tie's source),
so a change set rewrites only the chunks of what it changed. Each chunk is one opaque blob that
the store keeps under (map, kind, chunk); this module is the only one that reads or writes their
contents. Person rows carry the packed analysis attributes (``people_attrs``) and indices into
the chunk's table of texts (id, name, organisation, segments as JSON); tie rows carry both
ends' hashes, the packed trust (``pack_trust``) and ``since``.

The store calls ``updated_chunks`` inside the transaction that appends a change set, so the
index can never disagree with the timelines it is built from; ``map_of_day`` reads it back.

Example:
    >>> from datetime import date
    >>> from graph.history import StoredChange, person_key
    >>> from graph.model import Person
    >>> from graph.timeline import person_timeline
    >>> t = person_timeline(Person(id="ana", group="people"), start=date(2024, 1, 10))
    >>> t = t.set({"engagement": "leading"}, on=date(2024, 6, 1))
    >>> blobs = updated_chunks([StoredChange(person_key("ana"), None, t.to_json())],
    ...                        lambda kind, chunks: {})
    >>> sorted(kind for kind, _chunk in blobs)
    ['person']
    >>> people = {c: b for (k, c), b in blobs.items() if k == "person"}
    >>> selected_people(people, date(2024, 3, 1)).ids, selected_people(people, date(2023, 1, 1)).ids
    (['ana'], [])
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from graph.compact import NO_DATE, CompactGraph, date_to_day, day_to_date
from graph.errors import StoreError
from graph.history import StoredChange
from graph.stores.arrays import (
    Ties,
    compact_graph,
    key_positions,
    pack_trust,
    people_attrs,
)
from graph.stores.base import PeopleBatch
from graph.timeline import PERSON_FIELDS, PRESENT, TIE_FIELDS

__all__ = [
    "CHUNKS",
    "KINDS",
    "AllVersions",
    "OPEN_END",
    "ChunkReader",
    "DayMap",
    "SelectedPeople",
    "all_versions",
    "map_of_day",
    "maps_of_days",
    "person_hash",
    "selected_people",
    "selected_ties",
    "updated_chunks",
]

CHUNKS = 256
"""Chunks per kind and map: the top 8 bits of the hash."""
KINDS = ("person", "tie")
OPEN_END = int(np.iinfo(np.int32).max)
"""``end`` of a version that still holds."""

PERSON = np.dtype([
    ("key", "<i8"), ("attrs", "<i8"), ("start", "<i4"), ("end", "<i4"),
    ("id", "<i4"), ("name", "<i4"), ("organisation", "<i4"), ("segments", "<i4"),
])
TIE = np.dtype([
    ("source", "<i8"), ("target", "<i8"), ("start", "<i4"), ("end", "<i4"),
    ("since", "<i4"), ("trust", "u1"),
])
_HEADER = struct.Struct("<I")
_EPOCH = date(1970, 1, 1).toordinal()

ChunkReader = Callable[[str, Sequence[int]], Mapping[int, bytes]]
"""``read(kind, chunks)``: the stored blobs of those chunks (absent ones left out)."""

Array = npt.NDArray[Any]


def person_hash(person_id: str) -> int:
    """The 64-bit key of a person id in the index (signed, as SQLite and numpy hold it)."""
    digest = hashlib.blake2b(person_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _chunk(keys: Array) -> Array:
    return (keys >> 56) & 0xFF


_ALWAYS = -(1 << 40)
"""Order of an entry from no day (since always): before every day."""


@lru_cache(maxsize=65536)
def _iso_day(text: str) -> int:
    return date.fromisoformat(text).toordinal() - _EPOCH


def _stretches(fields: Mapping[str, list[list[Any]]], names: Sequence[str]
               ) -> list[tuple[int, int, tuple[Any, ...]]]:
    """The stretches ``[start, end)`` (days) in which a timeline, as its JSON holds it
    (``{field: [[ISO day or null, value], ...]}``, ``graph.timeline``), is present, each with
    its values of ``names``; neighbouring stretches with the same values are one.

    The same reading as ``Timeline.present_at`` and ``Timeline.value_at``: a field holds its
    last entry on or before the day, else its first entry; ``present`` is false before its
    first entry.
    """
    ordered = {
        name: sorted((((_ALWAYS if d is None else _iso_day(d)), v) for d, v in entries),
                     key=lambda e: e[0])
        for name, entries in fields.items()
    }
    days = sorted({d for entries in ordered.values() for d, _v in entries if d != _ALWAYS})
    bounds = [NO_DATE, *days, OPEN_END]
    probes = [days[0] - 1 if days else 0, *days]
    columns: list[list[Any]] = []
    for name in (PRESENT, *names):
        entries = ordered.get(name, [])
        value: Any = False if name == PRESENT else (entries[0][1] if entries else None)
        if len(entries) == 1 and entries[0][0] == _ALWAYS or not entries:
            columns.append([entries[0][1] if entries else value] * len(probes))
            continue  # one value since always (most fields): the same in every stretch
        column = []
        j = 0
        for probe in probes:
            while j < len(entries) and entries[j][0] <= probe:
                value = entries[j][1]
                j += 1
            column.append(value)
        columns.append(column)
    found: list[tuple[int, int, tuple[Any, ...]]] = []
    for i, probe_values in enumerate(zip(*columns, strict=True)):
        if not probe_values[0]:
            continue
        values = tuple(tuple(v) if isinstance(v, list) else v for v in probe_values[1:])
        if found and found[-1][1] == bounds[i] and found[-1][2] == values:
            found[-1] = (found[-1][0], bounds[i + 1], values)
        else:
            found.append((bounds[i], bounds[i + 1], values))
    return found


def _first_start(fields: Mapping[str, list[list[Any]]]) -> str | None:
    """The ISO day of the first start (``Timeline.start``); ``None`` when since always."""
    entries = sorted(fields.get(PRESENT, []),
                     key=lambda e: _ALWAYS if e[0] is None else _iso_day(e[0]))
    for d, v in entries:
        if v:
            return d
    return None


@dataclass
class _PersonRows:
    """New person rows as columns, packed together once all are known."""

    keys: list[int]
    starts: list[int]
    ends: list[int]
    values: list[tuple[Any, ...]]  # in PERSON_FIELDS order
    ids: list[str]
    joined: list[str]


def _person_versions(out: _PersonRows, person_id: str, key: int, timeline: str) -> None:
    fields = json.loads(timeline)
    joined = _first_start(fields) or ""
    for start, end, values in _stretches(fields, PERSON_FIELDS):
        out.keys.append(key)
        out.starts.append(start)
        out.ends.append(end)
        out.values.append(values)
        out.ids.append(person_id)
        out.joined.append(joined)


def _pack_people(rows: _PersonRows) -> tuple[Array, list[list[str]]]:
    """The rows as a ``PERSON`` array (texts not yet indexed) and their four texts each."""
    out = np.zeros(len(rows.keys), dtype=PERSON)
    if not rows.keys:
        return out, []
    columns = dict(zip(PERSON_FIELDS, zip(*rows.values, strict=True), strict=True))
    batch = PeopleBatch(
        ids=rows.ids, names=columns["name"], groups=columns["group"],
        other_groups=columns["other_groups"], organisations=columns["organisation"],
        segments=columns["segments"], formal_power=columns["formal_power"],
        informal_power=columns["informal_power"],
        lived_experience=[int(x) for x in columns["lived_experience"]],
        engagement=columns["engagement"], roles=[x or "" for x in columns["role"]],
        joined=rows.joined,
    )
    out["key"] = rows.keys
    out["start"] = rows.starts
    out["end"] = rows.ends
    out["attrs"] = people_attrs(batch)
    texts = [[i, name, organisation, _segments_text(segments)] for i, name, organisation,
             segments in zip(rows.ids, columns["name"], columns["organisation"],
                             columns["segments"], strict=True)]
    return out, texts


def _segments_text(segments: Sequence[str]) -> str:
    return json.dumps(list(segments), ensure_ascii=False) if segments else "[]"


# -- chunk blobs -----------------------------------------------------------------------------


def _views(dtype: np.dtype[Any], blob: bytes | bytearray, n: int, offset: int = 0
           ) -> tuple[dict[str, Array], int]:
    """The columns of ``n`` rows of ``dtype`` stored column after column (8-byte columns
    first, so every column is aligned) from ``offset``, as read-only views of ``blob``; and
    where the columns end."""
    columns: dict[str, Array] = {}
    for name in dtype.names or ():
        columns[name] = np.frombuffer(blob, dtype=dtype[name], count=n, offset=offset)
        offset += dtype[name].itemsize * n
    return columns, offset


def _columns(dtype: np.dtype[Any], blob: bytes | bytearray, n: int, offset: int = 0
             ) -> tuple[Array, int]:
    """The same rows as one structured array (for rewriting a chunk)."""
    views, end = _views(dtype, blob, n, offset)
    rows = np.empty(n, dtype=dtype)
    for name, column in views.items():
        rows[name] = column
    return rows, end


def _column_bytes(rows: Array) -> bytes:
    return b"".join(np.ascontiguousarray(rows[name]).tobytes() for name in rows.dtype.names or ())


def _decode_people(blob: bytes) -> tuple[Array, list[str]]:
    (n,) = _HEADER.unpack_from(blob)
    rows, end = _columns(PERSON, blob, n, _HEADER.size)
    return rows, json.loads(bytes(blob[end:]).decode("utf-8"))


def _encode_people(rows: Array, texts: Sequence[Sequence[str]]) -> bytes:
    """A person chunk: ``rows`` with their texts (id, name, organisation, segments) given
    row by row, stored once each in the chunk's table."""
    table: dict[str, int] = {}
    out = rows.copy()
    columns = ("id", "name", "organisation", "segments")
    index = np.array([[table.setdefault(t, len(table)) for t in row] for row in texts],
                     dtype=np.int32).reshape(-1, 4)
    for c, column in enumerate(columns):
        out[column] = index[:, c]
    strings = json.dumps(list(table), ensure_ascii=False, separators=(",", ":"))
    return _HEADER.pack(len(out)) + _column_bytes(out) + strings.encode("utf-8")


def _decode_ties(blob: bytes) -> Array:
    return _columns(TIE, blob, len(blob) // TIE.itemsize)[0]


def _encode_ties(rows: Array) -> bytes:
    return _column_bytes(rows)


def _pair_view(source: Array, target: Array) -> Array:
    """Each (source, target) pair as one 16-byte value, for set operations on pairs."""
    pairs = np.ascontiguousarray(np.stack([source, target], axis=1).astype("<i8"))
    return pairs.view("V16").ravel()


# -- writing ---------------------------------------------------------------------------------


def updated_chunks(changes: Iterable[StoredChange], read: ChunkReader
                   ) -> dict[tuple[str, int], bytes | None]:
    """The chunks a change set rewrites: ``{(kind, chunk): blob}``, ``None`` for a chunk left
    empty. ``read`` gives the chunks as stored before the change set. Each changed person or
    tie's versions are rebuilt from its new timeline (``after``; none when removed).

    ``StoreError`` if two different ids of the map share a hash (never seen in practice: the
    chance is about n²/2⁶⁵), so that two people are never silently merged.
    """
    people: dict[str, str | None] = {}
    ties: dict[tuple[str, str], str | None] = {}
    for change in changes:
        kind, a, b = change.key
        if kind == "person":
            people[a] = change.after
        elif kind == "tie":
            ties[(a, b)] = change.after
    written: dict[tuple[str, int], bytes | None] = {}
    if people:
        written.update(_updated_people(people, read))
    if ties:
        written.update(_updated_ties(ties, read))
    return written


def _updated_people(people: Mapping[str, str | None], read: ChunkReader
                    ) -> dict[tuple[str, int], bytes | None]:
    key_of = {pid: person_hash(pid) for pid in people}
    if len(set(key_of.values())) != len(key_of):
        raise StoreError("two person ids of this change share an index key; rename one")
    new = _PersonRows([], [], [], [], [], [])
    for pid, after in people.items():
        if after is not None:
            _person_versions(new, pid, key_of[pid], after)
    new_rows, new_texts = _pack_people(new)
    changed = np.array(list(key_of.values()), dtype=np.int64)
    touched = sorted(set(_chunk(changed).tolist()))
    stored = read("person", touched)
    written: dict[tuple[str, int], bytes | None] = {}
    new_chunk = _chunk(new_rows["key"])
    for chunk in touched:
        rows, strings = _decode_people(stored[chunk]) if chunk in stored else (
            np.zeros(0, PERSON), [])
        replaced = np.isin(rows["key"], changed)
        for r in rows[replaced]:
            if key_of.get(strings[r["id"]]) != int(r["key"]):
                raise StoreError(f"person ids {strings[r['id']]!r} and another of this change "
                                 "share an index key; rename one")
        kept = rows[~replaced]
        texts = [[strings[r["id"]], strings[r["name"]], strings[r["organisation"]],
                  strings[r["segments"]]] for r in kept]
        mine = np.flatnonzero(new_chunk == chunk)
        texts += [new_texts[i] for i in mine.tolist()]
        combined = np.concatenate([kept, new_rows[mine]])
        written[("person", chunk)] = _encode_people(combined, texts) if len(combined) else None
    return written


def _updated_ties(ties: Mapping[tuple[str, str], str | None], read: ChunkReader
                  ) -> dict[tuple[str, int], bytes | None]:
    hashes = {pid: person_hash(pid) for pair in ties for pid in pair}
    source = np.array([hashes[a] for a, _b in ties], dtype=np.int64)
    target = np.array([hashes[b] for _a, b in ties], dtype=np.int64)
    rows: list[tuple[int, int, int, int, int]] = []  # source, target, start, end, since
    strengths: list[tuple[Any, ...]] = []
    for (a, b), after in ties.items():
        if after is None:
            continue
        fields = json.loads(after)
        start_day = _first_start(fields)
        since = NO_DATE if start_day is None else _iso_day(start_day)
        for start, end, values in _stretches(fields, TIE_FIELDS):
            rows.append((hashes[a], hashes[b], start, end, since))
            strengths.append(values)
    new = np.zeros(len(rows), dtype=TIE)
    if rows:
        table = np.array(rows, dtype=np.int64)
        for c, column in enumerate(("source", "target", "start", "end", "since")):
            new[column] = table[:, c]
        new["trust"] = pack_trust(*zip(*strengths, strict=True))
    touched = sorted(set(_chunk(source).tolist()))
    stored = read("tie", touched)
    written: dict[tuple[str, int], bytes | None] = {}
    new_chunk = _chunk(new["source"])
    changed_chunk = _chunk(source)
    for chunk in touched:
        old = _decode_ties(stored[chunk]) if chunk in stored else np.zeros(0, TIE)
        mine = changed_chunk == chunk
        changed = _pair_view(source[mine], target[mine])
        kept = old[~np.isin(_pair_view(old["source"], old["target"]), changed)]
        combined = np.concatenate([kept, new[new_chunk == chunk]])
        written[("tie", chunk)] = _encode_ties(combined) if len(combined) else None
    return written


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectedPeople:
    """The people in the map at the end of one day, as ``compact_graph`` takes them."""

    ids: list[str]
    names: list[str]
    organisations: list[str]
    segments: list[str]
    keys: npt.NDArray[np.int64]
    attrs: npt.NDArray[np.int64]


def selected_people(blobs: Mapping[int, bytes], day: date) -> SelectedPeople:
    """The person versions holding at the end of ``day``."""
    d = date_to_day(day)
    parts: dict[str, list[Array]] = {name: [] for name in PERSON.names or ()}
    texts: list[str] = []
    for chunk in sorted(blobs):
        blob = blobs[chunk]
        (n,) = _HEADER.unpack_from(blob)
        columns, end = _views(PERSON, blob, n, _HEADER.size)
        which = np.flatnonzero((columns["start"] <= d) & (columns["end"] > d))
        if not len(which):
            continue
        for name in ("id", "name", "organisation", "segments"):
            parts[name].append(columns[name][which] + len(texts))
        for name in ("key", "attrs"):
            parts[name].append(columns[name][which])
        texts.extend(json.loads(bytes(blob[end:]).decode("utf-8")))
    table = np.array(texts, dtype=object)

    def column(name: str, dtype: Any) -> Array:
        return np.concatenate(parts[name]) if parts[name] else np.zeros(0, dtype)

    return SelectedPeople(
        ids=table[column("id", np.int32)].tolist(),
        names=table[column("name", np.int32)].tolist(),
        organisations=table[column("organisation", np.int32)].tolist(),
        segments=table[column("segments", np.int32)].tolist(),
        keys=column("key", np.int64).astype(np.int64),
        attrs=column("attrs", np.int64).astype(np.int64),
    )


def selected_ties(blobs: Mapping[int, bytes], day: date, present: npt.NDArray[np.int64]
                  ) -> Ties:
    """The tie versions holding at the end of ``day`` between ``present`` people (keys), in
    no particular order."""
    d = date_to_day(day)
    names = ("source", "target", "trust", "since")
    parts: dict[str, list[Array]] = {name: [] for name in names}
    for chunk in sorted(blobs):
        blob = blobs[chunk]
        columns, _end = _views(TIE, blob, len(blob) // TIE.itemsize)
        which = np.flatnonzero((columns["start"] <= d) & (columns["end"] > d))
        for name in names:
            parts[name].append(columns[name][which])
    if not parts["source"]:
        return Ties.empty()
    source, target, trust, since = (np.concatenate(parts[name]) for name in names)
    find = key_positions(present)
    keep = (find(source) >= 0) & (find(target) >= 0)
    if not keep.all():
        source, target, trust, since = source[keep], target[keep], trust[keep], since[keep]
    return Ties(source.astype(np.int64), target.astype(np.int64), trust.astype(np.uint8),
                since.astype(np.int32))


def map_of_day(name: str, expected_segments: Sequence[str], read: ChunkReader, day: date
               ) -> CompactGraph:
    """The compact graph of the map at the end of ``day`` from its index chunks."""
    people = selected_people(read("person", range(CHUNKS)), day)
    ties = selected_ties(read("tie", range(CHUNKS)), day, people.keys)
    return compact_graph(
        name, expected_segments, ids=people.ids, names=people.names,
        organisations=people.organisations, segments=people.segments, keys=people.keys,
        attrs=people.attrs, ties=ties, parse_segments=json.loads,
    )


# -- many days at once -----------------------------------------------------------------------


@dataclass(frozen=True)
class DayMap:
    """The map at the end of ``day`` and, per node of ``graph``, a whole number naming the
    person the same way on every day of one ``maps_of_days`` (their place among everyone the
    map ever held, by id), so two days' people can be matched without comparing ids."""

    day: date
    graph: CompactGraph
    people: npt.NDArray[np.int64]


@dataclass(frozen=True)
class AllVersions:
    """Every version of every person and tie of a map, read once, as columns.

    People: one row per version, sorted by id (Python's order) so that the rows holding on a
    day come out in the compact graph's node order; ``person`` is the person's place in that
    order; ``texts`` holds each row's id, name, organisation and segments as indices into
    ``table``. Ties: their ends as those places (not hashes), so a day's ties need no lookup.
    """

    person: npt.NDArray[np.int64]
    start: npt.NDArray[np.int32]
    end: npt.NDArray[np.int32]
    attrs: npt.NDArray[np.int64]
    texts: dict[str, npt.NDArray[np.int64]]
    table: Array
    everyone: int
    tie_source: npt.NDArray[np.int64]
    tie_target: npt.NDArray[np.int64]
    tie_start: npt.NDArray[np.int32]
    tie_end: npt.NDArray[np.int32]
    tie_trust: npt.NDArray[np.uint8]
    tie_since: npt.NDArray[np.int32]

    def first_day(self) -> date | None:
        """The earliest day on which a person or tie of the map started, changed or ended
        (``None`` when every fact of it holds since always)."""
        days = np.concatenate([self.start, self.end, self.tie_start, self.tie_end])
        dated = days[(days != NO_DATE) & (days != OPEN_END)]
        return day_to_date(int(dated.min())) if len(dated) else None

    def text(self, column: str, rows: Array) -> list[str]:
        """The ``column`` (id, name, organisation, segments) of some rows."""
        return self.table[self.texts[column][rows]].tolist()


_TEXTS = ("id", "name", "organisation", "segments")


def all_versions(read: ChunkReader) -> AllVersions:
    """Every version of the map's index (all its chunks, read once) as ``AllVersions``."""
    parts: dict[str, list[Array]] = {name: [] for name in PERSON.names or ()}
    texts: list[str] = []
    for blob in read("person", range(CHUNKS)).values():
        (n,) = _HEADER.unpack_from(blob)
        columns, end = _views(PERSON, blob, n, _HEADER.size)
        for name in PERSON.names or ():
            offset = len(texts) if name in _TEXTS else 0
            parts[name].append(columns[name] + offset if offset else columns[name])
        texts.extend(json.loads(bytes(blob[end:]).decode("utf-8")))
    table = np.array(texts, dtype=object)
    person = {name: (np.concatenate(v).astype(np.int64 if name in _TEXTS else PERSON[name])
                     if v else np.zeros(0, np.int64 if name in _TEXTS else PERSON[name]))
              for name, v in parts.items()}
    # everyone the map ever held: one key each (a key is one id), placed in id order
    keys, first_row, of_row = np.unique(person["key"], return_index=True, return_inverse=True)
    ids = table[person["id"][first_row]].tolist()
    place = np.empty(len(keys), dtype=np.int64)
    place[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    rank = place[of_row.reshape(-1)]
    order = np.lexsort((person["start"], rank))
    tie_parts: dict[str, list[Array]] = {name: [] for name in TIE.names or ()}
    for blob in read("tie", range(CHUNKS)).values():
        columns, _end = _views(TIE, blob, len(blob) // TIE.itemsize)
        for name in TIE.names or ():
            tie_parts[name].append(columns[name])
    tie = {name: (np.concatenate(v) if v else np.zeros(0, TIE[name]))
           for name, v in tie_parts.items()}
    find = key_positions(keys)
    source, target = find(tie["source"]), find(tie["target"])
    known = (source >= 0) & (target >= 0)  # always, unless the index were damaged
    return AllVersions(
        person=rank[order], start=person["start"][order], end=person["end"][order],
        attrs=person["attrs"][order].astype(np.int64),
        texts={name: person[name][order] for name in _TEXTS}, table=table,
        everyone=len(keys),
        tie_source=place[source[known]], tie_target=place[target[known]],
        tie_start=tie["start"][known], tie_end=tie["end"][known],
        tie_trust=tie["trust"][known], tie_since=tie["since"][known],
    )


@dataclass(frozen=True)
class _SegmentLists:
    """Every distinct segment list of the index, parsed once for a series of days: by its row
    in the table of texts (``codes``, ascending), the list's segments as indices into
    ``names`` (every segment any version holds, sorted), ``starts`` and ``flat`` as a CSR."""

    codes: npt.NDArray[np.int64]
    names: npt.NDArray[Any]
    starts: npt.NDArray[np.int64]
    flat: npt.NDArray[np.int64]

    @classmethod
    def of(cls, table: Array, rows: npt.NDArray[np.int64]) -> _SegmentLists:
        codes = np.unique(rows)
        lists = [json.loads(str(text)) for text in table[codes].tolist()]
        names = sorted({s for segments in lists for s in segments})
        index = {s: i for i, s in enumerate(names)}
        starts = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum([len(x) for x in lists], out=starts[1:])
        flat = np.fromiter((index[s] for x in lists for s in x), dtype=np.int64,
                           count=int(starts[-1]))
        return cls(codes, np.array(names, dtype=object), starts, flat)

    def lists_of(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Which list (an index into ``codes``) each of these text rows holds."""
        return np.searchsorted(self.codes, rows).astype(np.int64)

    def of_people(self, at: npt.NDArray[np.int64]
                  ) -> tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int32]]:
        """The segments of people holding these lists (``lists_of``), as ``segment_csr``
        gives them: the names they hold, sorted, and each person's, in their list's order,
        as a CSR."""
        lengths = self.starts[at + 1] - self.starts[at]
        indptr = np.zeros(at.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        offsets = np.arange(int(indptr[-1]), dtype=np.int64) - np.repeat(indptr[:-1], lengths)
        held = self.flat[np.repeat(self.starts[at], lengths) + offsets]
        used = np.flatnonzero(np.bincount(held, minlength=len(self.names)))
        local = np.zeros(len(self.names), dtype=np.int32)
        local[used] = np.arange(used.size, dtype=np.int32)
        return self.names[used].tolist(), indptr, local[held]


def maps_of_days(name: str, expected_segments: Callable[[date], Sequence[str]],
                 versions: AllVersions, days: Iterable[date]) -> Iterator[DayMap]:
    """The map at the end of each of ``days``, as ``map_of_day`` gives it, from the index
    read once (``all_versions``): for a series of days (the growth series) each day then
    costs a selection over arrays in memory and the compact graph, not a read of every chunk.

    People come out already in id order, and ties carry their ends' places in that order
    (not their hashes), so ``compact_graph`` finds every node by a plain table lookup.
    ``expected_segments(day)`` gives the segments the map expected on that day.
    """
    # each distinct segment list parsed once for every day, found by its row in the table
    segments = _SegmentLists.of(versions.table, versions.texts["segments"])
    lists = segments.lists_of(versions.texts["segments"])  # each version's list
    present = np.zeros(versions.everyone, dtype=bool)
    for day in days:
        d = date_to_day(day)
        which = np.flatnonzero((versions.start <= d) & (versions.end > d))
        people = versions.person[which]
        present[:] = False
        present[people] = True
        alive = np.flatnonzero((versions.tie_start <= d) & (versions.tie_end > d))
        alive = alive[present[versions.tie_source[alive]] & present[versions.tie_target[alive]]]
        ties = Ties(versions.tie_source[alive], versions.tie_target[alive],
                    versions.tie_trust[alive], versions.tie_since[alive].astype(np.int32))
        graph = compact_graph(
            name, expected_segments(day), ids=versions.text("id", which),
            names=versions.text("name", which),
            organisations=versions.text("organisation", which),
            segments=(), keys=people, attrs=versions.attrs[which], ties=ties,
            parse_segments=json.loads, in_order=True,
            segment_columns=segments.of_people(lists[which]),
        )
        yield DayMap(day, graph, people)
