"""Reading a segment the way people mean it, and noticing one that is probably misspelt.

People write ``Barrow`` where the map says ``locality:Barrow``, or ``locality:barrow`` for
``locality:Barrow``. A ``SegmentMatcher`` built from the segments a map already holds reads each
new one as the segment it matches:

- the same segment whatever its case, accents and separators (``locality:Ulverston`` for
  ``Locality: ulverston``);
- a segment written without a kind, as the one segment whose value it is
  (``Barrow`` → ``locality:Barrow``); when several kinds share that value
  (``locality:Barrow`` and ``service:Barrow``) it is ``AmbiguousSegment``, naming them.

Anything else is a new segment and stays as written.

``likely_meant`` is the other half, for the analysis: an expected segment that nobody has, but
that is close to a segment people do have (the same but for case or kind, or one or two letters
off), is most likely a misspelling, not a missing voice.

Example:
    >>> matcher = SegmentMatcher(["locality:Barrow", "community:Deaf"])
    >>> matcher.resolve("barrow"), matcher.resolve("COMMUNITY:deaf"), matcher.resolve("Millom")
    ('locality:Barrow', 'community:Deaf', 'Millom')
    >>> likely_meant("locality:Barow", ["locality:Barrow", "community:Deaf"])
    'locality:Barrow'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from graph.spelling import fold_text

__all__ = ["AmbiguousSegment", "HeldSegments", "SegmentMatcher", "likely_meant", "segment_key"]

_CLOSE = 0.85  # difflib's ratio above which two folded segments are one or two letters apart


def _split(segment: str) -> tuple[str | None, str]:
    kind, colon, value = segment.partition(":")
    return (kind, value) if colon else (None, segment)


def segment_key(segment: str) -> str:
    """What two spellings of one segment share: ``"Locality: Bárrow"`` → ``"locality:barrow"``."""
    kind, value = _split(segment)
    return fold_text(value) if kind is None else f"{fold_text(kind)}:{fold_text(value)}"


class AmbiguousSegment(ValueError):
    """A segment without a kind whose value belongs to several kinds of segment."""

    def __init__(self, segment: str, candidates: Sequence[str]) -> None:
        listed = " or ".join(repr(c) for c in candidates)
        super().__init__(f"the segment {segment!r} could be {listed}; write the one you mean "
                         "with its kind")
        self.segment = segment
        self.candidates = tuple(candidates)


class SegmentMatcher:
    """Reads segments as the known segments they match (see the module's docstring)."""

    def __init__(self, known: Iterable[str]) -> None:
        self._same: dict[str, str] = {}
        self._by_value: dict[str, set[str]] = {}
        for segment in sorted(set(known)):
            self._same.setdefault(segment_key(segment), segment)
            kind, value = _split(segment)
            if kind is not None:
                self._by_value.setdefault(fold_text(value), set()).add(segment)

    def add(self, segment: str) -> None:
        """Know one more segment (as written), e.g. one met earlier in the same file."""
        key = segment_key(segment)
        if key in self._same:
            return
        self._same[key] = segment
        kind, value = _split(segment)
        if kind is not None:
            self._by_value.setdefault(fold_text(value), set()).add(segment)

    def resolve(self, segment: str) -> str:
        """The known segment ``segment`` means, or ``segment`` itself when it is new."""
        same = self._same.get(segment_key(segment))
        if same is not None:
            return same
        kind, value = _split(segment)
        if kind is None:
            candidates = sorted(self._by_value.get(fold_text(value), ()))
            if len(candidates) == 1:
                return candidates[0]
            if candidates:
                raise AmbiguousSegment(segment, candidates)
        return segment


class HeldSegments:
    """The segments people hold, folded once, to find what a missing one most likely means."""

    def __init__(self, held: Iterable[str]) -> None:
        self._entries: list[tuple[str | None, str, str]] = []  # folded kind, folded value, as held
        for other in sorted(set(held)):
            other_kind, other_value = _split(other)
            self._entries.append((None if other_kind is None else fold_text(other_kind),
                                  fold_text(other_value), other))

    def likely_meant(self, segment: str) -> str | None:
        """The held segment ``segment`` (which nobody holds) most likely means: the same but
        for case, accents or kind, or its value one or two letters off (of the same kind, or of
        any kind when ``segment`` has none); ``None`` when none is close."""
        kind, value = _split(segment)
        folded_kind = None if kind is None else fold_text(kind)
        folded_value = fold_text(value)
        same_value = [(k, held) for k, v, held in self._entries if v == folded_value]
        if same_value:  # of the same kind first, then of any
            same_kind = [held for k, held in same_value if k == folded_kind]
            return (same_kind or [held for _, held in same_value])[0]
        candidates: dict[str, str] = {}
        for other_kind, other_value, held in self._entries:
            if folded_kind is None or other_kind == folded_kind:
                candidates.setdefault(other_value, held)
        close = difflib.get_close_matches(folded_value, list(candidates), n=1, cutoff=_CLOSE)
        return candidates[close[0]] if close else None


def likely_meant(segment: str, held: Iterable[str]) -> str | None:
    """``HeldSegments(held).likely_meant(segment)``, for one question."""
    return HeldSegments(held).likely_meant(segment)
