"""Settings of the web service, read from the environment with safe defaults.

| variable | default | meaning |
| --- | --- | --- |
| ``MOVEMAP_STORE`` | ``sqlite:///movemap.db`` | where constituencies are stored |
| ``MOVEMAP_ACCOUNTS`` | ``sqlite:///movemap-accounts.db`` | users, roles and API tokens |
| ``MOVEMAP_SECRET_KEY`` | generated once, kept in ``MOVEMAP_DATA_DIR`` | signs session cookies |
| ``MOVEMAP_DATA_DIR`` | ``~/.local/share/movemap`` | where the generated secret lives |
| ``MOVEMAP_COOKIE_SECURE`` | ``1`` | session cookie over HTTPS only (``0``: plain http) |
| ``MOVEMAP_LIMIT_*`` | see ``graph.limits`` | how big lists, texts, maps and bodies may be |
| ``MOVEMAP_WHO_MAY_CREATE`` | ``granted`` | who may create maps: ``granted`` or ``everyone`` |

``granted`` lets only accounts given the right create maps: by an administrator, by an owner of
a map they work on, or with ``movemap user rights EMAIL --create-maps``.

A secret is never given a usable default: when none is set, a random one is generated on first
run and kept (mode 0600) outside the repository, so sessions survive a restart.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from graph.limits import LIMITS, Limits
from graph.stores.base import redact_url, store_url_from_env
from graph.stores.private import private_folder

__all__ = ["Settings", "accounts_url_from_env"]

DEFAULT_ACCOUNTS_URL = "sqlite:///movemap-accounts.db"
WHO_MAY_CREATE = ("granted", "everyone")


def accounts_url_from_env() -> str:
    """``MOVEMAP_ACCOUNTS`` or ``sqlite:///movemap-accounts.db`` (in the working directory)."""
    return os.environ.get("MOVEMAP_ACCOUNTS", "").strip() or DEFAULT_ACCOUNTS_URL


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _data_dir() -> Path:
    configured = os.environ.get("MOVEMAP_DATA_DIR", "").strip()
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base) / "movemap"


def _stored_secret(folder: Path) -> str:
    """The secret kept in ``folder/secret_key``, created (0600) on first use."""
    path = folder / "secret_key"
    if path.exists():
        return path.read_text().strip()
    private_folder(folder)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secret)
    return secret


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to know; ``from_env`` reads it, tests pass their own."""

    store_url: str
    accounts_url: str
    secret_key: str = field(repr=False)
    cookie_secure: bool = True
    analysis_cache_size: int = 8
    limits: Limits = LIMITS
    """How big anything may be (``graph.limits``: ``MOVEMAP_LIMIT_*``)."""
    who_may_create: str = "granted"
    """``granted``: only accounts given the right create maps; ``everyone``: any account."""

    def __post_init__(self) -> None:
        if self.who_may_create not in WHO_MAY_CREATE:
            raise ValueError(f"MOVEMAP_WHO_MAY_CREATE must be {' or '.join(WHO_MAY_CREATE)}, "
                             f"not {self.who_may_create!r}")

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "store_url": store_url_from_env(),
            "accounts_url": accounts_url_from_env(),
            "cookie_secure": _flag(os.environ.get("MOVEMAP_COOKIE_SECURE"), True),
            "who_may_create": (os.environ.get("MOVEMAP_WHO_MAY_CREATE", "").strip().lower()
                               or "granted"),
        }
        values.update(overrides)
        if "secret_key" not in values:
            values["secret_key"] = (
                os.environ.get("MOVEMAP_SECRET_KEY", "").strip() or _stored_secret(_data_dir())
            )
        return cls(**values)

    def redacted(self) -> dict[str, Any]:
        """The settings as shown to people: secrets replaced."""
        return {
            "store_url": redact_url(self.store_url),
            "accounts_url": self.accounts_url,
            "secret_key": "***",
            "cookie_secure": self.cookie_secure,
            "limits": asdict(self.limits),
            "who_may_create": self.who_may_create,
        }
