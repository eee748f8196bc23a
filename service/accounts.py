"""Accounts, roles per constituency and API tokens, kept in their own small SQLite file.

Passwords are hashed with Argon2id (argon2-cffi); API tokens are random and only their SHA-256
digest is stored, so a leaked accounts file gives away neither.

Example:
    >>> accounts = AccountStore(":memory:")
    >>> accounts.add_user("lead@example.org", "a long passphrase")
    >>> accounts.grant("lead@example.org", "demo", "editor")
    >>> accounts.role_for("lead@example.org", "demo")
    'editor'
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from graph.errors import MovemapError, NotFound, StoreError
from graph.stores.private import private_file

__all__ = ["ROLES", "AccountStore", "User", "accounts_path_from_url"]

ROLES = ("viewer", "editor", "owner")
"""Roles per constituency, weakest first: each can do what the ones before it can."""

MIN_PASSWORD_LENGTH = 10
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS grants (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    constituency TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'owner')),
    PRIMARY KEY (user_id, constituency)
);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class User:
    """A signed-in person: their email and their role per constituency."""

    id: int
    email: str
    roles: dict[str, str]

    def role_in(self, constituency: str) -> str | None:
        return self.roles.get(constituency)

    def may(self, constituency: str, needed: str) -> bool:
        """Whether this user's role in ``constituency`` is at least ``needed``."""
        role = self.roles.get(constituency)
        return role is not None and ROLES.index(role) >= ROLES.index(needed)


def accounts_path_from_url(url: str) -> str:
    """``sqlite:///movemap-accounts.db`` -> ``movemap-accounts.db`` (``:memory:`` allowed)."""
    scheme, sep, rest = url.partition("://")
    if scheme != "sqlite" or not sep or not rest.startswith("/"):
        raise StoreError(f"the accounts store must be a sqlite:/// URL, got {url!r}")
    return rest[1:] or ":memory:"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class AccountStore:
    """Users, grants and tokens in SQLite. Safe to share between threads of one process."""

    def __init__(self, path: str) -> None:
        if path != ":memory:" and not Path(path).parent.exists():
            raise StoreError(f"cannot open the accounts store: folder {Path(path).parent} does "
                             "not exist")
        if path != ":memory:":
            private_file(path)  # it holds password hashes: its owner alone may read it
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA secure_delete = ON")
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the accounts store {path!r}: {exc}") from exc
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (_SCHEMA_VERSION,))
        elif int(row[0]) > _SCHEMA_VERSION:
            raise StoreError("the accounts store was written by a newer movemap; upgrade movemap")
        self._lock = threading.Lock()
        self._hasher = PasswordHasher()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _user_id(self, email: str) -> int:
        row = self._db.execute("SELECT id FROM users WHERE email = ?", (email.strip(),)).fetchone()
        if row is None:
            raise NotFound(f"no user with email {email!r}; add one with 'movemap user add'")
        return int(row[0])

    # -- users -------------------------------------------------------------------------------

    def add_user(self, email: str, password: str) -> None:
        email = email.strip()
        if not _EMAIL_RE.match(email):
            raise MovemapError(f"{email!r} is not an email address")
        self._check_password(password)
        with self._write() as db:
            if db.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone():
                raise MovemapError(f"a user with email {email!r} already exists")
            db.execute(
                "INSERT INTO users (email, password_hash, created) VALUES (?, ?, ?)",
                (email, self._hasher.hash(password), _now()),
            )

    def set_password(self, email: str, password: str) -> None:
        self._check_password(password)
        with self._write() as db:
            user_id = self._user_id(email)
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                       (self._hasher.hash(password), user_id))

    def delete_user(self, email: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM users WHERE id = ?", (self._user_id(email),))

    def emails(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT email FROM users ORDER BY email")]

    def authenticate(self, email: str, password: str) -> User | None:
        """The user when the password is right; ``None`` otherwise (same answer, same work)."""
        row = self._db.execute(
            "SELECT id, email, password_hash FROM users WHERE email = ?", (email.strip(),)
        ).fetchone()
        stored = row[2] if row else self._dummy_hash()
        try:
            self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if self._hasher.check_needs_rehash(stored):
            with self._write() as db:
                db.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                           (self._hasher.hash(password), row[0]))
        return self.user(int(row[0]))

    def user(self, user_id: int) -> User | None:
        row = self._db.execute("SELECT id, email FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            return None
        roles = dict(self._db.execute(
            "SELECT constituency, role FROM grants WHERE user_id = ?", (user_id,)
        ).fetchall())
        return User(id=int(row[0]), email=row[1], roles=roles)

    def user_by_email(self, email: str) -> User:
        user = self.user(self._user_id(email))
        assert user is not None
        return user

    # -- grants ------------------------------------------------------------------------------

    def grant(self, email: str, constituency: str, role: str) -> None:
        """Give ``email`` the ``role`` in ``constituency`` (replacing any earlier role)."""
        if role not in ROLES:
            raise MovemapError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
        with self._write() as db:
            db.execute(
                "INSERT INTO grants VALUES (?, ?, ?) ON CONFLICT (user_id, constituency) "
                "DO UPDATE SET role = excluded.role",
                (self._user_id(email), constituency, role),
            )

    def revoke(self, email: str, constituency: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM grants WHERE user_id = ? AND constituency = ?",
                       (self._user_id(email), constituency))

    def forget_constituency(self, constituency: str) -> None:
        """Remove every grant on a constituency that no longer exists."""
        with self._write() as db:
            db.execute("DELETE FROM grants WHERE constituency = ?", (constituency,))

    def role_for(self, email: str, constituency: str) -> str | None:
        row = self._db.execute(
            "SELECT role FROM grants JOIN users ON users.id = grants.user_id "
            "WHERE users.email = ? AND constituency = ?", (email.strip(), constituency)
        ).fetchone()
        return None if row is None else str(row[0])

    # -- tokens ------------------------------------------------------------------------------

    def create_token(self, email: str) -> str:
        """A new API token for ``email``; only its digest is kept, so show it once."""
        token = "mm_" + secrets.token_urlsafe(32)
        with self._write() as db:
            db.execute("INSERT INTO tokens VALUES (?, ?, ?)",
                       (_digest(token), self._user_id(email), _now()))
        return token

    def user_for_token(self, token: str) -> User | None:
        row = self._db.execute(
            "SELECT user_id FROM tokens WHERE digest = ?", (_digest(token),)
        ).fetchone()
        return None if row is None else self.user(int(row[0]))

    def revoke_tokens(self, email: str) -> int:
        with self._write() as db:
            return db.execute("DELETE FROM tokens WHERE user_id = ?",
                              (self._user_id(email),)).rowcount

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise MovemapError(
                f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
            )

    _dummy: str | None = None

    def _dummy_hash(self) -> str:
        """A real hash to verify against for unknown emails, so timing does not tell."""
        if AccountStore._dummy is None:
            AccountStore._dummy = self._hasher.hash(secrets.token_hex(16))
        return AccountStore._dummy
