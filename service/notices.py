"""Messages for the next page ("Saved: …", "Nothing was imported: …"), kept on the server.

Flask's ``flash`` keeps messages in the session cookie, which is signed but not encrypted:
anyone holding the cookie could read a message that names a person. ``notify`` keeps them in
the accounts store beside the signed-in session instead, and ``notices`` (a template global)
hands them to the next page once. Before signing in there is no session to keep them with, and
the messages then (a failed sign-in, "You are signed out") name nobody, so they go through
``flash``.
"""

from __future__ import annotations

from typing import cast

from flask import Flask, flash, get_flashed_messages
from flask_login import current_user

from service.auth import SessionUser, accounts

__all__ = ["init_notices", "notices", "notify"]


def _session_id() -> str | None:
    if current_user.is_authenticated and isinstance(current_user._get_current_object(),
                                                    SessionUser):
        return cast(SessionUser, current_user).id
    return None


def notify(message: str, category: str = "info") -> None:
    """Show ``message`` on the next page this browser opens (``category``: info, success or
    error)."""
    session_id = _session_id()
    if session_id is None:
        flash(message, category)
    else:
        accounts().add_notice(session_id, category, message)


def notices() -> list[tuple[str, str]]:
    """The messages waiting for this page, as ``(category, message)``, each shown once."""
    flashed = cast(list[tuple[str, str]], get_flashed_messages(with_categories=True))
    waiting = [(str(c), str(m)) for c, m in flashed]
    session_id = _session_id()
    if session_id is not None:
        waiting += accounts().take_notices(session_id)
    return waiting


def init_notices(app: Flask) -> None:
    app.add_template_global(notices, "notices")
