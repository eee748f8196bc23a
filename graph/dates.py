"""Reading a day the way people write it in a spreadsheet.

Three forms are read, and only where they cannot mean two days:

- ``2025-04-03`` (ISO, what movemap writes);
- ``03/04/2025`` in UK order, day first: the 3rd of April (also with ``.`` or ``-`` between the
  parts, and one-digit days and months). A cell whose second number cannot be a month
  (``04/13/2025``) is written month first, US style: it is refused, saying so, rather than
  guessed, because the other cells of the same file would then be read the wrong way round;
- ``3 April 2025`` or ``April 3, 2025``, with the month named in English, in full or
  shortened (``3 Apr 2025``, ``3rd Sept 2025``).

A two-digit year (``03/04/25``) is refused: it could be any century.

Example:
    >>> read_day("03/04/2025"), read_day("3rd Sept 2025"), read_day("2025-04-03")
    (datetime.date(2025, 4, 3), datetime.date(2025, 9, 3), datetime.date(2025, 4, 3))
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["DATE_FORMS", "UnreadableDay", "read_day"]

DATE_FORMS = "YYYY-MM-DD, DD/MM/YYYY (day first, UK order) or 3 April 2025"

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMBERS = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([^\W\d_]+)\.?,?\s+(\d{2,4})$")
_MONTH_DAY = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{2,4})$")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9


class UnreadableDay(ValueError):
    """A cell that is not a day in any form movemap reads; the message says why."""


def _day(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise UnreadableDay(f"bad date {text!r}: {exc}") from None


def _full_year(text: str, year: str) -> int:
    if len(year) != 4:
        raise UnreadableDay(f"bad date {text!r}: write the year in full (four digits); a "
                            "two-digit year could be any century")
    return int(year)


def _month(text: str, name: str) -> int:
    month = _MONTHS.get(name.casefold())
    if month is None:
        raise UnreadableDay(f"bad date {text!r}: {name!r} is not a month; expected "
                            f"{DATE_FORMS}")
    return month


def read_day(text: str) -> date:
    """The day ``text`` means, or ``UnreadableDay`` saying why it is refused."""
    value = " ".join(text.split())
    if match := _ISO.match(value):
        numbers = [int(part) for part in match.groups()]
        return _day(value, numbers[0], numbers[1], numbers[2])
    if match := _NUMBERS.match(value):
        first, _, second, year = match.groups()
        full_year = _full_year(value, year)
        if int(second) > 12 >= int(first) > 0:
            raise UnreadableDay(
                f"ambiguous date {value!r}: it reads as month/day/year (US order), but movemap "
                f"reads DD/MM/YYYY, day first (UK order); write "
                f"{int(second):02d}/{int(first):02d}/{year} or {year}-{int(first):02d}-"
                f"{int(second):02d}")
        return _day(value, full_year, int(second), int(first))
    if match := _DAY_MONTH.match(value):
        day, name, year = match.groups()
        return _day(value, _full_year(value, year), _month(value, name), int(day))
    if match := _MONTH_DAY.match(value):
        name, day, year = match.groups()
        return _day(value, _full_year(value, year), _month(value, name), int(day))
    raise UnreadableDay(f"bad date {value!r}; expected {DATE_FORMS}")
