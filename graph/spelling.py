"""Reading a choice the way people type it: code names and the labels the product shows, in any
case, with or without accents, and a "did you mean" for a near miss.

A spreadsheet says "The people", "Givers of Service" or "lone-wolf"; the map stores ``people``,
``givers_of_service`` and ``lone_wolf``. ``Choices`` folds both sides the same way (case,
accents, spaces, hyphens and underscores, a leading "the") and, for a value it does not know,
names the closest one it does.

Example:
    >>> GROUP_CHOICES.read("The People")
    'people'
    >>> try:
    ...     GROUP_CHOICES.read("Givers of Servise")
    ... except UnknownChoice as exc:
    ...     exc.suggestion
    'givers_of_service'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

from graph.model import Engagement, Group, Role

__all__ = ["ENGAGEMENT_CHOICES", "GROUP_CHOICES", "ROLE_CHOICES", "Choices", "UnknownChoice",
           "fold", "fold_text"]

_SEPARATORS = re.compile(r"[\s\-_]+")


def fold_text(text: str) -> str:
    """The form two spellings of one name share, whatever their case, accents and separators:
    ``"  Les Gens-Âgés "`` → ``"les_gens_ages"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub("_", plain.casefold()).strip("_")


def fold(text: str) -> str:
    """The form two spellings of one choice share (``fold_text``), and a leading "the" goes:
    ``"The people"`` → ``"people"``."""
    folded = fold_text(text)
    return folded[4:] if folded.startswith("the_") and len(folded) > 4 else folded


class UnknownChoice(ValueError):
    """A value that is none of the choices; ``suggestion`` is the closest code name, if any."""

    def __init__(self, message: str, suggestion: str | None) -> None:
        super().__init__(message)
        self.suggestion = suggestion


class Choices:
    """The spellings of one kind of choice: ``labels`` maps each code name to what the product
    shows for it; ``aliases`` adds other spellings (``"mobilizer"``) of a code name."""

    def __init__(self, what: str, labels: Mapping[str, str],
                 aliases: Mapping[str, str] | None = None) -> None:
        self.what = what
        self.labels = dict(labels)
        self._spellings: dict[str, str] = {}
        for code, label in self.labels.items():
            self._spellings[fold(code)] = code
            self._spellings[fold(label)] = code
        for alias, code in (aliases or {}).items():
            self._spellings[fold(alias)] = code

    @property
    def codes(self) -> Iterable[str]:
        return self.labels.keys()

    def read(self, text: str) -> str:
        """The code name ``text`` means, or ``UnknownChoice`` naming the closest one."""
        code = self._spellings.get(fold(text))
        if code is not None:
            return code
        close = difflib.get_close_matches(fold(text), list(self._spellings), n=1, cutoff=0.75)
        suggestion = self._spellings[close[0]] if close else None
        if suggestion is None:
            raise UnknownChoice(f"unknown {self.what} {text!r}", None)
        raise UnknownChoice(f"unknown {self.what} {text!r}; did you mean "
                            f"{self.labels[suggestion]!r} ({suggestion})?", suggestion)


GROUP_CHOICES = Choices("group", {
    Group.PEOPLE.value: "The people",
    Group.GIVERS_OF_SERVICE.value: "Givers of service",
    Group.SYSTEM_LEADERS.value: "System leaders",
})
ENGAGEMENT_CHOICES = Choices("engagement", {e.value: e.value.capitalize() for e in Engagement})
ROLE_CHOICES = Choices("role", {r.value: r.value.replace("_", " ").capitalize() for r in Role},
                       aliases={"mobilizer": Role.MOBILISER.value,
                                "organizer": Role.ORGANISER.value})
