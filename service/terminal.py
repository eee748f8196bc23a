"""Text for a terminal: nothing in a map can drive it.

A name could hold an escape sequence (from a store written before names were checked, or a file
edited by hand): printed raw, it could recolour, retitle or rewrite what a change lead sees.
``safe`` shows every hidden character (``graph.model.HIDDEN``, tab and newline aside) as its
code, ``\\u001b``; ``echo`` is ``click.echo`` of ``safe`` text.

Example:
    >>> safe("Ann\\x1b[2J Shaw\\u202e")
    'Ann\\\\u001b[2J Shaw\\\\u202e'
"""

from __future__ import annotations

import functools
import re
from typing import Any

import click

__all__ = ["echo", "safe"]


@functools.cache
def _shown() -> re.Pattern[str]:
    from graph.model import HIDDEN  # at first use: 'movemap --help' starts without the model

    return re.compile(f"{HIDDEN.pattern}|\\r")


def safe(text: str) -> str:
    return _shown().sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def echo(message: Any = None, **kwargs: Any) -> None:
    click.echo(None if message is None else safe(str(message)), **kwargs)
