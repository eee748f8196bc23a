"""A pseudonymised copy of an export: codes instead of names, no free text, no small counts.

For sharing a map with people who should see its shape but not who is in it (an analyst, a
board paper, a research partner):

* **Codes instead of ids and names.** Each person's id becomes a code, the HMAC-SHA256 of the
  id under a random salt made for this export only (``P-`` and 12 base-32 characters), and
  the name is left blank. The same person has the same code everywhere in one export (their
  ties point at it), but two exports use two salts, so their codes cannot be linked to each
  other or back to the ids (the salt is never written or kept).
* **No free text.** The map's description and each person's organisation are dropped: both
  are typed freely and often name a person or a small team.
* **No small counts (k-anonymity of groups and segments).** A segment held by fewer than
  ``k`` people (default 5) is merged into ``<kind>:other`` (``locality:Millom`` →
  ``locality:other``), and dropped when that merged segment is still held by fewer than ``k``
  (an expected segment is renamed or dropped the same way; one nobody holds stays). An
  *other* group held by fewer than ``k`` people is dropped from them; people whose primary
  group has fewer than ``k`` people are left out, with their ties, since every person needs a
  group and moving them into another would misstate the map.

What stays: groups, merged segments, power, lived experience, engagement, declared role and
the dates, so the analysis of the copy still shows the movement's shape and growth.

Example:
    >>> from graph.formats.rows import MapExport
    >>> from graph.model import Person
    >>> people = [Person(id=f"p{i}", name=f"N{i}", group="people", organisation="GP",
    ...                  segments=("locality:Barrow" if i < 5 else "locality:Millom",))
    ...           for i in range(6)]
    >>> copy = pseudonymise(MapExport("bay", "Our bay", ("locality:Millom",), people, []))
    >>> sorted({p.segments for p in copy.people}), copy.description, copy.expected_segments
    ([(), ('locality:Barrow',)], '', ())
    >>> {p.name for p in copy.people}, {p.organisation for p in copy.people}
    ({''}, {''})
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import Counter
from collections.abc import Iterable

from graph.formats.rows import MapExport

__all__ = ["DEFAULT_K", "pseudonymise"]

DEFAULT_K = 5
"""The fewest people a group or segment may have in a pseudonymised export."""
MAX_K = 1000
_OTHER = "other"


def _code(salt: bytes, person_id: str) -> str:
    digest = hmac.new(salt, person_id.encode("utf-8"), hashlib.sha256).digest()
    return "P-" + base64.b32encode(digest).decode("ascii")[:12]


def _merged(segment: str) -> str:
    kind, sep, _ = segment.partition(":")
    return f"{kind}:{_OTHER}" if sep else _OTHER


def _segment_names(held: Iterable[tuple[str, ...]], k: int) -> dict[str, str | None]:
    """Each segment's name in the copy: itself, its kind's ``other``, or ``None`` (dropped)."""
    lists = list(held)
    counts = Counter(s for segments in lists for s in set(segments))
    own = {s: s if n >= k else _merged(s) for s, n in counts.items()}
    total: Counter[str] = Counter()  # people per name in the copy, a person counted once
    for segments in lists:
        total.update({own[s] for s in segments})
    return {s: name if total[name] >= k else None for s, name in own.items()}


def pseudonymise(export: MapExport, k: int = DEFAULT_K, *, salt: bytes | None = None
                 ) -> MapExport:
    """The export with codes for ids, no names or free text, and no group or segment of
    fewer than ``k`` people (see the module). ``salt`` is for tests; by default a new random
    one is made, so no two exports share codes."""
    if not 1 <= k <= MAX_K:
        raise ValueError(f"k must be between 1 and {MAX_K}, got {k}")
    key = salt if salt is not None else secrets.token_bytes(32)
    groups = Counter(p.group for p in export.people)
    people = [p for p in export.people if groups[p.group] >= k]
    others = Counter(g for p in people for g in set(p.other_groups))
    names = _segment_names((p.segments for p in people), k)
    codes = {p.id: _code(key, p.id) for p in people}
    copied = [p.model_copy(update={
        "id": codes[p.id], "name": "", "organisation": "",
        "other_groups": tuple(g for g in p.other_groups if others[g] >= k),
        "segments": tuple(dict.fromkeys(n for s in p.segments if (n := names[s]) is not None)),
    }) for p in people]
    ties = [t.model_copy(update={"source": codes[t.source], "target": codes[t.target]})
            for t in export.ties if t.source in codes and t.target in codes]
    # an expected segment nobody holds stays (a gap names nobody); a held one is renamed as
    # its people's is, and dropped with it
    expected = tuple(dict.fromkeys(n for s in export.expected_segments
                                   if (n := names.get(s, s)) is not None))
    copied.sort(key=lambda p: p.id)
    ties.sort(key=lambda t: (t.source, t.target))
    view = export.view  # a view of one segment names it as the copy does
    if view.segment is not None:
        view = view.renamed_segment(names.get(view.segment) or _merged(view.segment))
    return MapExport(export.name, "", expected, copied, ties, export.as_of, view)
