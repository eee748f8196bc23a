"""Finding a person by name as well as id: the search as you type, and reading a typed name.

Names are compared folded (``graph.spelling.fold``: case, accents, spaces and hyphens), so
"Zoe" finds "Zoë" and "mary jane" finds "Mary-Jane". Two people may share a name, so each
match carries the organisation and id that tell them apart, and a form given a name that
several people share says so and lists them instead of guessing.

``SearchIndex`` is built once per revision of a map (the pages keep it with their other data
derived from the analysis). ``find`` answers the search as you type; ``resolve`` reads what a
form was given (an id, a name only one person has, or ``Name (id)`` as the list shows it).

Example:
    >>> from graph.compact import CompactGraph
    >>> from graph.model import Person
    >>> g = CompactGraph.from_records("x", [Person(id="z1", name="Zoë Ward", group="people"),
    ...     Person(id="z2", name="Zoe Ward", group="people", organisation="Bay Trust")], [])
    >>> [m.id for m in SearchIndex(g).find("zoe")]
    ['z1', 'z2']
    >>> SearchIndex(g).resolve("zoe ward")
    Traceback (most recent call last):
    ...
    service.person_search.PersonNotFound: 2 people are called zoe ward: Zoë Ward (z1), Zoe Ward (Bay Trust, z2). Give the id of the one you mean.
"""  # noqa: E501

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from graph.compact import CompactGraph
from graph.errors import MovemapError
from graph.model import GROUPS
from graph.spelling import fold

__all__ = ["MAX_QUERY", "MAX_RESULTS", "Match", "PersonNotFound", "SearchIndex"]

MAX_QUERY = 100
"""The longest query the search reads, in characters (longer is refused)."""
MAX_RESULTS = 20
"""The most matches one search returns."""
MAX_PICKED = 2_000
"""The longest text ``resolve`` reads (an id, or a name with an organisation and id)."""
DEFAULT_RESULTS = 10
NAMED_IN_ERROR = 5
"""How many people an ambiguous name lists."""

_WITH_ID = re.compile(r"^(?P<name>.*)\((?P<inside>[^()]*)\)\s*$")


class PersonNotFound(MovemapError):
    """A name or id that is nobody in the map, or a name several people share."""


@dataclass(frozen=True)
class Match:
    """One person found: what tells them apart from others of the same name."""

    id: str
    name: str
    organisation: str
    group: str

    @property
    def label(self) -> str:
        """``Zoë Ward (Bay Trust, z2)``: the name, then the organisation and id."""
        inside = ", ".join(x for x in (self.organisation, self.id) if x)
        return f"{self.name or self.id} ({inside})" if self.name else self.id

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "organisation": self.organisation,
                "group": self.group, "label": self.label}


class SearchIndex:
    """Everyone's folded name, organisation and id, for one revision of a map."""

    def __init__(self, graph: CompactGraph) -> None:
        self.graph = graph
        self.names = [fold(name) for name in graph.names]
        self.text = [f"{n}\t{fold(org)}\t{fold(pid)}"
                     for n, org, pid in zip(self.names, graph.organisations, graph.ids,
                                            strict=True)]
        # each person's place in name order (ids, already ascending, break ties)
        order = sorted(range(graph.n), key=self.names.__getitem__)
        self.name_rank: npt.NDArray[np.int64] = np.empty(graph.n, dtype=np.int64)
        self.name_rank[order] = np.arange(graph.n, dtype=np.int64)

    def match(self, node: int) -> Match:
        g = self.graph
        return Match(g.ids[node], g.names[node], g.organisations[node],
                     GROUPS[int(g.group[node])].value)

    def find(self, query: str, limit: int = DEFAULT_RESULTS) -> list[Match]:
        """People whose name, organisation or id contains ``query`` (folded), best first: the
        exact id, then the exact name, names that start with it, names with a word that starts
        with it, then the rest; ties in name order, then id."""
        needle = fold(query[:MAX_QUERY])
        if not needle:
            return []
        exact_id = query.strip()
        ranked: list[tuple[int, str, str, int]] = []
        for node, text in enumerate(self.text):
            if needle not in text and self.graph.ids[node] != exact_id:
                continue
            name = self.names[node]
            if self.graph.ids[node] == exact_id:
                rank = 0
            elif name == needle:
                rank = 1
            elif name.startswith(needle):
                rank = 2
            elif f"_{needle}" in name:
                rank = 3
            else:
                rank = 4
            ranked.append((rank, name, self.graph.ids[node], node))
        ranked.sort()
        return [self.match(node) for *_, node in ranked[:max(1, min(limit, MAX_RESULTS))]]

    def resolve(self, text: str) -> int:
        """The person ``text`` means: an id, a name only one person has, or ``Name (id)`` /
        ``Name (organisation, id)`` as the search lists them. Raises ``PersonNotFound``
        naming the problem (nobody, or everyone of that name, with their ids)."""
        given = text.strip()[:MAX_PICKED]
        try:
            return self.graph.index_of(given)
        except KeyError:
            pass
        labelled = _WITH_ID.match(given)
        if labelled:
            inside = labelled.group("inside").rsplit(",", 1)[-1].strip()
            try:
                return self.graph.index_of(inside)
            except KeyError:
                pass
        wanted = fold(given)
        same = [node for node, name in enumerate(self.names) if name and name == wanted]
        if len(same) == 1:
            return same[0]
        if not same:
            raise PersonNotFound(f"There is nobody called or with the id {given!r} in this map.")
        listed = ", ".join(self.match(n).label for n in same[:NAMED_IN_ERROR])
        more = f" and {len(same) - NAMED_IN_ERROR} more" if len(same) > NAMED_IN_ERROR else ""
        raise PersonNotFound(f"{len(same)} people are called {given}: {listed}{more}. Give the "
                             "id of the one you mean.")
