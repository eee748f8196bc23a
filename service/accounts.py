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
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from graph.errors import MovemapError, NotFound, StoreError
from graph.stores.private import private_file

__all__ = ["ROLES", "AccountInfo", "AccountStore", "Invitation", "InvitationEnded", "TokenInfo",
           "User", "accounts_path_from_url", "write_transaction"]

ROLES = ("viewer", "editor", "owner")
"""Roles per constituency, weakest first: each can do what the ones before it can."""

MIN_PASSWORD_LENGTH = 10
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SCHEMA_VERSION = 3
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
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notices (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notices_by_session ON notices (session_id);
CREATE TABLE IF NOT EXISTS invitations (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL COLLATE NOCASE,
    constituency TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'owner')),
    invited_by TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS invitations_by_map ON invitations (constituency);
"""
MAX_NOTICES = 20
"""Messages kept for a session's next page; older ones give way (a page shows a few)."""
_COLUMNS = (  # version 2: accounts can be disabled; tokens expire and show when last used
    ("users", "disabled", "INTEGER NOT NULL DEFAULT 0"),
    ("tokens", "expires", "TEXT"),
    ("tokens", "last_used", "TEXT"),
    # version 3: administrators, and the right to create maps
    ("users", "admin", "INTEGER NOT NULL DEFAULT 0"),
    ("users", "may_create", "INTEGER NOT NULL DEFAULT 0"),
)
_ON_NEW_COLUMN = {  # what an older store's accounts had, so an upgrade takes nothing away
    "may_create": "UPDATE users SET may_create = 1 WHERE id IN "
                  "(SELECT user_id FROM grants WHERE role = 'owner')",
}
TOKEN_DAYS = 90
"""Days an API token lasts by default (``MOVEMAP_TOKEN_DAYS``)."""
SESSION_IDLE_MINUTES = 120
"""A session ends after this long without a request (``MOVEMAP_SESSION_IDLE_MINUTES``)."""
SESSION_HOURS = 12
"""A session ends this long after signing in, however busy (``MOVEMAP_SESSION_HOURS``)."""
INVITATION_HOURS = 72
"""An invitation link works this long (``MOVEMAP_INVITATION_HOURS``), and once."""
MAX_INVITATIONS = 100
"""Invitations waiting to be accepted in one map; expired ones are cleared as new ones come."""
MAX_TOKENS = 50
"""API tokens one account holds at once (each is a key to everything the account sees)."""
MAX_ACCOUNTS = 100_000
"""Accounts in one accounts store: the bound on what inviting, accepting and removing in a loop
could otherwise grow without end."""


@dataclass(frozen=True)
class User:
    """A signed-in person: their email and their role per constituency."""

    id: int
    email: str
    roles: dict[str, str]
    admin: bool = False
    """An administrator manages every account and every map's roles (not the maps' data)."""
    may_create: bool = False
    """Given the right to create maps (by an administrator, an owner or the command line)."""

    def role_in(self, constituency: str) -> str | None:
        return self.roles.get(constituency)

    def may(self, constituency: str, needed: str) -> bool:
        """Whether this user's role in ``constituency`` is at least ``needed``."""
        role = self.roles.get(constituency)
        return role is not None and ROLES.index(role) >= ROLES.index(needed)


@dataclass(frozen=True)
class AccountInfo:
    """An account as an administrator sees it."""

    email: str
    created: str
    disabled: bool
    admin: bool
    may_create: bool
    owns: int
    """How many maps it owns."""


@dataclass(frozen=True)
class TokenInfo:
    """What is shown of an API token: never the token itself."""

    id: int
    email: str
    created: str
    expires: str | None
    last_used: str | None


class InvitationEnded(MovemapError):
    """An invitation whose maker no longer manages its map: its link ended with them."""


class _Retry(Exception):
    """The invitation cannot be used as asked after all; nothing was written."""


@dataclass(frozen=True)
class Invitation:
    """An invitation to a map, as the map's owners see it: never the link's secret."""

    id: int
    email: str
    constituency: str
    role: str
    invited_by: str
    created: str
    expires: str


def accounts_path_from_url(url: str) -> str:
    """``sqlite:///movemap-accounts.db`` -> ``movemap-accounts.db`` (``:memory:`` allowed)."""
    scheme, sep, rest = url.partition("://")
    if scheme != "sqlite" or not sep or not rest.startswith("/"):
        raise StoreError(f"the accounts store must be a sqlite:/// URL, got {url!r}")
    return rest[1:] or ":memory:"


@contextmanager
def write_transaction(db: sqlite3.Connection, lock: threading.Lock
                      ) -> Iterator[sqlite3.Connection]:
    """One writer at a time, in one immediate transaction, rolled back on any error (the small
    SQLite files of the service: accounts, private links)."""
    with lock:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


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
            for table, column, declaration in _COLUMNS:
                have = {r[1] for r in self._db.execute(f"PRAGMA table_info({table})")}
                if column not in have:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
                    if column in _ON_NEW_COLUMN:
                        self._db.execute(_ON_NEW_COLUMN[column])
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the accounts store {path!r}: {exc}") from exc
        if row is not None and int(row[0]) > _SCHEMA_VERSION:
            raise StoreError("the accounts store was written by a newer movemap; upgrade movemap")
        self._db.execute("INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) "
                         "DO UPDATE SET value = excluded.value", (str(_SCHEMA_VERSION),))
        self._lock = threading.Lock()
        self._hasher = PasswordHasher()
        self.followers: list[Any] = []
        """Other stores keyed by map name (private links): each is told, by its own
        ``forget_constituency`` and ``rename_constituency``, when this store forgets or renames
        a map, so every place that ends a map's roles ends theirs too."""

    def close(self) -> None:
        self._db.close()

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db, self._lock)

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
            self._check_room(db)
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
            self._end_access(db, user_id)

    def delete_user(self, email: str) -> None:
        """Remove the account with its roles, sessions, tokens and the invitations to its
        email (a link must not bring a removed account back)."""
        with self._write() as db:
            db.execute("DELETE FROM users WHERE id = ?", (self._user_id(email),))
            db.execute("DELETE FROM invitations WHERE email = ?", (email.strip(),))

    def set_disabled(self, email: str, disabled: bool) -> None:
        """Disable an account (it cannot sign in, its sessions and tokens end) or enable it
        again (it signs in anew; its tokens stay ended)."""
        with self._write() as db:
            user_id = self._user_id(email)
            db.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), user_id))
            if disabled:
                self._end_access(db, user_id)

    def is_disabled(self, email: str) -> bool:
        row = self._db.execute("SELECT disabled FROM users WHERE id = ?",
                               (self._user_id(email),)).fetchone()
        return bool(row[0])

    @staticmethod
    def _end_access(db: sqlite3.Connection, user_id: int) -> None:
        db.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
        db.execute("DELETE FROM tokens WHERE user_id = ?", (user_id,))

    def has_account(self, email: str) -> bool:
        """Whether an account (enabled or not) has this email."""
        return self._db.execute("SELECT 1 FROM users WHERE email = ?",
                                (email.strip(),)).fetchone() is not None

    def emails(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT email FROM users ORDER BY email")]

    def authenticate(self, email: str, password: str) -> User | None:
        """The user when the password is right; ``None`` otherwise (same answer, same work)."""
        row = self._db.execute(
            "SELECT id, email, password_hash, disabled FROM users WHERE email = ?",
            (email.strip(),)
        ).fetchone()
        stored = row[2] if row else self._dummy_hash()
        try:
            self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None or row[3]:
            return None
        if self._hasher.check_needs_rehash(stored):
            with self._write() as db:
                db.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                           (self._hasher.hash(password), row[0]))
        return self.user(int(row[0]))

    def user(self, user_id: int) -> User | None:
        """The account, with its roles; ``None`` when removed or disabled."""
        row = self._db.execute("SELECT id, email, admin, may_create FROM users WHERE id = ? "
                               "AND disabled = 0", (user_id,)).fetchone()
        if row is None:
            return None
        roles = dict(self._db.execute(
            "SELECT constituency, role FROM grants WHERE user_id = ?", (user_id,)
        ).fetchall())
        return User(id=int(row[0]), email=row[1], roles=roles, admin=bool(row[2]),
                    may_create=bool(row[3]))

    def user_by_email(self, email: str) -> User:
        user_id = self._user_id(email)
        user = self.user(user_id)
        if user is None:  # disabled: the roles are still theirs
            roles = dict(self._db.execute(
                "SELECT constituency, role FROM grants WHERE user_id = ?", (user_id,)))
            row = self._db.execute("SELECT email, admin, may_create FROM users WHERE id = ?",
                                   (user_id,)).fetchone()
            return User(id=user_id, email=row[0], roles=roles, admin=bool(row[1]),
                        may_create=bool(row[2]))
        return user

    def set_rights(self, email: str, *, admin: bool | None = None,
                   may_create: bool | None = None) -> None:
        """Make ``email`` an administrator (or not), and give (or take) the right to create
        maps; ``None`` leaves a right as it is."""
        with self._write() as db:
            user_id = self._user_id(email)
            if admin is not None:
                db.execute("UPDATE users SET admin = ? WHERE id = ?", (int(admin), user_id))
            if may_create is not None:
                db.execute("UPDATE users SET may_create = ? WHERE id = ?",
                           (int(may_create), user_id))

    def accounts(self) -> list[AccountInfo]:
        """Every account, by email: what an administrator sees (never a password)."""
        rows = self._db.execute(
            "SELECT email, created, disabled, admin, may_create, (SELECT count(*) FROM grants g "
            "WHERE g.user_id = u.id AND g.role = 'owner') FROM users u ORDER BY email")
        return [AccountInfo(email=r[0], created=r[1], disabled=bool(r[2]), admin=bool(r[3]),
                            may_create=bool(r[4]), owns=int(r[5])) for r in rows]

    def grants_in(self, constituency: str) -> dict[str, str]:
        """Who has which role in ``constituency``: ``{email: role}``, by email."""
        return dict(self._db.execute(
            "SELECT u.email, g.role FROM grants g JOIN users u ON u.id = g.user_id "
            "WHERE g.constituency = ? ORDER BY u.email", (constituency,)).fetchall())

    # -- sessions ----------------------------------------------------------------------------

    def start_session(self, user_id: int) -> str:
        """A new session of a signed-in account; its id goes in the (signed) cookie."""
        session_id = secrets.token_urlsafe(24)
        now = _now()
        with self._write() as db:
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                       (session_id, user_id, now, now))
        return session_id

    def session_user(self, session_id: str, *, idle_minutes: int = SESSION_IDLE_MINUTES,
                     hours: int = SESSION_HOURS) -> User | None:
        """The account of a live session (and the session kept alive), or ``None`` when it
        ended: signed out, idle too long, too old, or its account disabled or removed."""
        row = self._db.execute("SELECT user_id, created, last_seen FROM sessions WHERE id = ?",
                               (session_id,)).fetchone()
        if row is None:
            return None
        now = datetime.now(UTC)
        created, seen = datetime.fromisoformat(row[1]), datetime.fromisoformat(row[2])
        user = self.user(int(row[0]))
        if (user is None or now - seen > timedelta(minutes=idle_minutes)
                or now - created > timedelta(hours=hours)):
            self.end_session(session_id)
            return None
        if now - seen > timedelta(seconds=30):  # not a write per request
            with self._write() as db:
                db.execute("UPDATE sessions SET last_seen = ? WHERE id = ?", (_now(), session_id))
        return user

    def end_session(self, session_id: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    # -- notices: a page's messages for the next page, kept here rather than in the cookie ----

    def add_notice(self, session_id: str, category: str, message: str) -> None:
        """Keep ``message`` for the session's next page (it may name people, so it stays on
        the server; the cookie holds only the session's id)."""
        with self._write() as db:
            db.execute("INSERT INTO notices (session_id, category, message) VALUES (?, ?, ?)",
                       (session_id, category, message))
            db.execute("DELETE FROM notices WHERE session_id = ? AND seq NOT IN (SELECT seq "
                       "FROM notices WHERE session_id = ? ORDER BY seq DESC LIMIT ?)",
                       (session_id, session_id, MAX_NOTICES))

    def take_notices(self, session_id: str) -> list[tuple[str, str]]:
        """The session's messages, oldest first, as ``(category, message)``; each is shown
        once."""
        if self._db.execute("SELECT 1 FROM notices WHERE session_id = ? LIMIT 1",
                            (session_id,)).fetchone() is None:
            return []
        with self._write() as db:
            rows = db.execute("SELECT category, message FROM notices WHERE session_id = ? "
                              "ORDER BY seq", (session_id,)).fetchall()
            db.execute("DELETE FROM notices WHERE session_id = ?", (session_id,))
        return [(str(c), str(m)) for c, m in rows]

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
        """Remove every grant and invitation on a constituency that no longer exists."""
        with self._write() as db:
            db.execute("DELETE FROM grants WHERE constituency = ?", (constituency,))
            db.execute("DELETE FROM invitations WHERE constituency = ?", (constituency,))
        for follower in self.followers:
            follower.forget_constituency(constituency)

    def role_for(self, email: str, constituency: str) -> str | None:
        row = self._db.execute(
            "SELECT role FROM grants JOIN users ON users.id = grants.user_id "
            "WHERE users.email = ? AND constituency = ?", (email.strip(), constituency)
        ).fetchone()
        return None if row is None else str(row[0])

    def rename_constituency(self, constituency: str, new_name: str) -> None:
        """Move every role and invitation of a renamed map to its new name. Roles left on the
        new name by a map deleted while this store was out of reach go first: they belonged to
        another map."""
        with self._write() as db:
            db.execute("DELETE FROM grants WHERE constituency = ?", (new_name,))
            db.execute("DELETE FROM invitations WHERE constituency = ?", (new_name,))
            db.execute("UPDATE grants SET constituency = ? WHERE constituency = ?",
                       (new_name, constituency))
            db.execute("UPDATE invitations SET constituency = ? WHERE constituency = ?",
                       (new_name, constituency))
        for follower in self.followers:
            follower.rename_constituency(constituency, new_name)

    # -- invitations: a link that lets a colleague set a password and join a map -------------

    def invite(self, email: str, constituency: str, role: str, invited_by: str, *,
               hours: int = INVITATION_HOURS) -> str:
        """An invitation for ``email`` to take ``role`` in ``constituency``; returns the secret
        of its link (only its SHA-256 digest is kept, so show it once). A newer invitation of
        the same email to the same map replaces the older one."""
        email = email.strip()
        if not _EMAIL_RE.match(email) or len(email) > 320:
            raise MovemapError(f"{email!r} is not an email address")
        if role not in ROLES:
            raise MovemapError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
        secret = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        expires = (now + timedelta(hours=hours)).isoformat(timespec="seconds")
        with self._write() as db:
            db.execute("DELETE FROM invitations WHERE expires <= ?", (_now(),))
            db.execute("DELETE FROM invitations WHERE email = ? AND constituency = ?",
                       (email, constituency))
            waiting = db.execute("SELECT count(*) FROM invitations WHERE constituency = ?",
                                 (constituency,)).fetchone()[0]
            if waiting >= MAX_INVITATIONS:
                raise MovemapError(f"{constituency} already has {MAX_INVITATIONS} invitations "
                                   "waiting; withdraw some first")
            db.execute("INSERT INTO invitations (digest, email, constituency, role, invited_by, "
                       "created, expires) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (_digest(secret), email, constituency, role, invited_by, _now(),
                        expires))
        return secret

    def invitations(self, constituency: str) -> list[Invitation]:
        """The invitations to ``constituency`` still waiting (not expired), oldest first."""
        rows = self._db.execute(
            "SELECT id, email, constituency, role, invited_by, created, expires FROM invitations "
            "WHERE constituency = ? AND expires > ? ORDER BY id", (constituency, _now()))
        return [Invitation(int(r[0]), *r[1:]) for r in rows]

    def withdraw_invitation(self, invitation_id: int, constituency: str) -> None:
        """The link of that invitation stops working at once."""
        with self._write() as db:
            if not db.execute("DELETE FROM invitations WHERE id = ? AND constituency = ?",
                              (invitation_id, constituency)).rowcount:
                raise NotFound(f"there is no invitation {invitation_id} to {constituency}")

    def invitation(self, secret: str) -> Invitation | None:
        """The waiting invitation whose link carries ``secret``; ``None`` when unknown, used,
        withdrawn or expired."""
        row = self._db.execute(
            "SELECT id, email, constituency, role, invited_by, created, expires FROM invitations "
            "WHERE digest = ? AND expires > ?", (_digest(secret), _now())).fetchone()
        return None if row is None else Invitation(int(row[0]), *row[1:])

    def accept_invitation(self, secret: str, password: str) -> User | None:
        """Use an invitation once: a new account gets ``password``; an existing account must
        give its own. Grants the role and returns the account, or ``None`` when the link no
        longer works or the password of an existing account is wrong (nothing changes)."""
        invitation = self.invitation(secret)
        if invitation is None:
            return None
        exists = self.has_account(invitation.email)
        if exists:
            if self.authenticate(invitation.email, password) is None:
                return None
        else:
            self._check_password(password)
        hashed = None if exists else self._hasher.hash(password)
        try:
            return self._use_invitation(invitation, secret, hashed)
        except _Retry:
            return None

    def _use_invitation(self, invitation: Invitation, secret: str, hashed: str | None
                        ) -> User | None:
        ended = False
        with self._write() as db:
            if not db.execute("DELETE FROM invitations WHERE id = ? AND digest = ?",
                              (invitation.id, _digest(secret))).rowcount:
                return None  # used by someone else a moment ago
            ended = not self._may_still_invite(db, invitation)
            if not ended:
                user_id = self._grant_invited(db, invitation, hashed)
        if ended:  # its maker no longer manages the map: the link ended with them (deleted)
            raise InvitationEnded(
                "This invitation link no longer works: whoever made it no longer manages "
                f"{invitation.constituency}. Ask an owner of the map for a new one.")
        return self.user(user_id)

    def _grant_invited(self, db: sqlite3.Connection, invitation: Invitation,
                       hashed: str | None) -> int:
        """Make the account (when ``hashed``) and give it the invitation's role, or keep a
        higher role it holds; returns the account's id."""
        if hashed is not None:
            self._check_room(db)
        if hashed is not None and not db.execute(
                "INSERT INTO users (email, password_hash, created) VALUES (?, ?, ?) "
                "ON CONFLICT (email) DO NOTHING", (invitation.email, hashed, _now())
        ).rowcount:
            # an account of that email was made meanwhile: it must give its own password
            raise _Retry
        user_id = self._user_id(invitation.email)
        held = db.execute("SELECT role FROM grants WHERE user_id = ? AND constituency = ?",
                          (user_id, invitation.constituency)).fetchone()
        # an invitation only ever raises a role: an old link never demotes anyone, so it can
        # never take the last owner away either
        role = invitation.role if held is None or ROLES.index(invitation.role) > \
            ROLES.index(str(held[0])) else str(held[0])
        db.execute("INSERT INTO grants VALUES (?, ?, ?) ON CONFLICT (user_id, constituency) "
                   "DO UPDATE SET role = excluded.role", (user_id, invitation.constituency, role))
        return user_id

    @staticmethod
    def _check_room(db: sqlite3.Connection) -> None:
        """Refuse a new account when the store holds ``MAX_ACCOUNTS`` already."""
        if db.execute("SELECT count(*) FROM users").fetchone()[0] >= MAX_ACCOUNTS:
            raise MovemapError(f"this movemap holds {MAX_ACCOUNTS:,} accounts, its limit; "
                               "remove accounts no longer used first")

    @staticmethod
    def _may_still_invite(db: sqlite3.Connection, invitation: Invitation) -> bool:
        """Whether the account that made the invitation still exists, is not disabled, and is
        an owner of the map or an administrator: a link outlives nobody's authority."""
        row = db.execute(
            "SELECT users.disabled, users.admin, grants.role FROM users LEFT JOIN grants "
            "ON grants.user_id = users.id AND grants.constituency = ? WHERE users.email = ?",
            (invitation.constituency, invitation.invited_by)).fetchone()
        return row is not None and not row[0] and (bool(row[1]) or row[2] == "owner")

    # -- tokens ------------------------------------------------------------------------------

    def create_token(self, email: str, days: int = TOKEN_DAYS) -> str:
        """A new API token for ``email``, valid ``days``; only its digest is kept, so show it
        once."""
        token = "mm_" + secrets.token_urlsafe(32)
        expires = (datetime.now(UTC) + timedelta(days=days)).isoformat(timespec="seconds")
        with self._write() as db:
            held = db.execute("SELECT count(*) FROM tokens WHERE user_id = ?",
                              (self._user_id(email),)).fetchone()[0]
            if held >= MAX_TOKENS:
                raise MovemapError(f"an account holds at most {MAX_TOKENS} API tokens; revoke "
                                   "some first")
            db.execute("INSERT INTO tokens (digest, user_id, created, expires) "
                       "VALUES (?, ?, ?, ?)", (_digest(token), self._user_id(email), _now(),
                                               expires))
        return token

    def user_for_token(self, token: str) -> User | None:
        """The account of a token that has not expired (its last use noted), else ``None``."""
        row = self._db.execute(
            "SELECT rowid, user_id, expires, last_used FROM tokens WHERE digest = ?",
            (_digest(token),)
        ).fetchone()
        if row is None:
            return None
        now = datetime.now(UTC)
        if row[2] is None or datetime.fromisoformat(row[2]) <= now:
            return None  # tokens from before expiry dates count as expired: make a new one
        if row[3] is None or now - datetime.fromisoformat(row[3]) > timedelta(minutes=1):
            with self._write() as db:
                db.execute("UPDATE tokens SET last_used = ? WHERE rowid = ?", (_now(), row[0]))
        return self.user(int(row[1]))

    def tokens(self, email: str | None = None) -> list[TokenInfo]:
        """Every token (of ``email``), oldest first; never the token itself."""
        where, params = ("WHERE users.email = ?", (email.strip(),)) if email else ("", ())
        if email:
            self._user_id(email)
        rows = self._db.execute(
            "SELECT tokens.rowid, users.email, tokens.created, tokens.expires, tokens.last_used "
            f"FROM tokens JOIN users ON users.id = tokens.user_id {where} ORDER BY tokens.rowid",
            params).fetchall()
        return [TokenInfo(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows]

    def revoke_token(self, token_id: int) -> None:
        with self._write() as db:
            if not db.execute("DELETE FROM tokens WHERE rowid = ?", (token_id,)).rowcount:
                raise NotFound(f"there is no token {token_id}; 'movemap token list' shows them")

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
