"""Private links for people without accounts: a change lead invites people of the map to one
subject (a purpose round now, a survey later), and each gets a link of their own.

A link carries a random secret (``secrets.token_urlsafe(24)``: 192 bits) of which only the
SHA-256 digest is kept, in a small SQLite file of its own beside the accounts file (mode 0600).
A link expires (``LINK_DAYS`` by default, at most ``MAX_LINK_DAYS``), can be revoked alone or
with every link of its subject, and a new invitation of the same person to the same subject
replaces their old link. The raw links leave only once, as the CSV of a mail merge
(``links_csv``); nothing here sends mail.

Every invitation is also written to a log that revoking and replacing never change, so who
invited whom and when stays known; ``invited_people`` answers "who holds a link to this round"
(for "invited and silent").

Example:
    >>> from datetime import UTC, datetime
    >>> links = LinkStore(":memory:", clock=lambda: datetime(2026, 1, 5, tzinfo=UTC))
    >>> issued = links.invite("purpose_round", "bay", "r1", ["p1"], "lead@example.org")
    >>> links.resolve(issued[0].token).person_id
    'p1'
    >>> links.resolve(issued[0].token + "x") is None
    True
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from graph.errors import MovemapError, NotFound, StoreError
from graph.limits import whole_setting
from graph.model import Group, Person
from graph.stores.private import private_file
from service.accounts import write_transaction

__all__ = [
    "KINDS",
    "LINK_DAYS",
    "MAX_LINK_DAYS",
    "MAX_LINKS_PER_MAP",
    "MAX_LINKS_PER_SUBJECT",
    "MAX_PEOPLE_PER_INVITATION",
    "SUBJECT_PATTERN",
    "IssuedLink",
    "Link",
    "LinkInvitation",
    "LinkStore",
    "check_subject",
    "invite_from_map",
    "link_days",
    "links_csv",
    "links_path_for",
    "select_people",
]

KINDS = ("purpose_round",)
"""What a link may be for; surveys will add theirs."""
LINK_DAYS = 30
"""Days a link works by default (``MOVEMAP_LINK_DAYS``)."""
MAX_LINK_DAYS = 90
"""The most days a link may work, whatever is asked."""
MAX_PEOPLE_PER_INVITATION = 1_000
"""People one invitation may give links to."""
MAX_LINKS_PER_SUBJECT = 5_000
"""Links one round (or survey) holds, revoked ones included."""
MAX_LINKS_PER_MAP = 50_000
"""Links one map holds over all its rounds."""
MAX_TOKEN_LENGTH = 100
"""A longer token is not ours: it is refused before it is hashed."""
SUBJECT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
_SUBJECT_RE = re.compile(SUBJECT_PATTERN)
_MAX_ID = 2**63 - 1
"""The largest id SQLite holds: a larger one is unknown, never an overflow."""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    constituency TEXT NOT NULL,
    subject TEXT NOT NULL,
    person_id TEXT NOT NULL,
    invited_by TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL,
    last_used TEXT,
    uses INTEGER NOT NULL DEFAULT 0,
    revoked TEXT,
    UNIQUE (kind, constituency, subject, person_id)
);
CREATE INDEX IF NOT EXISTS links_by_subject ON links (kind, constituency, subject);
CREATE TABLE IF NOT EXISTS invitation_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    constituency TEXT NOT NULL,
    subject TEXT NOT NULL,
    person_id TEXT NOT NULL,
    invited_by TEXT NOT NULL,
    at TEXT NOT NULL,
    replaced INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS log_by_subject ON invitation_log (kind, constituency, subject);
"""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def link_days(environ: dict[str, str] | None = None) -> int:
    """Days a new link works unless asked otherwise: ``MOVEMAP_LINK_DAYS`` (1 to
    ``MAX_LINK_DAYS``), else ``LINK_DAYS``; a bad setting is an error naming it."""
    return whole_setting("MOVEMAP_LINK_DAYS", LINK_DAYS, environ, maximum=MAX_LINK_DAYS)


def links_path_for(accounts_path: str) -> str:
    """The links file beside the accounts file: ``movemap-accounts.db`` ->
    ``movemap-accounts-links.db`` (``:memory:`` stays in memory)."""
    if accounts_path == ":memory:":
        return ":memory:"
    path = Path(accounts_path)
    return str(path.with_name(f"{path.stem}-links{path.suffix or '.db'}"))


@dataclass(frozen=True)
class Link:
    """A link as a lead sees it: never its secret."""

    id: int
    kind: str
    constituency: str
    subject: str
    person_id: str
    invited_by: str
    created: str
    expires: str
    last_used: str | None
    uses: int
    revoked: str | None

    def works_at(self, moment: datetime) -> bool:
        return self.revoked is None and datetime.fromisoformat(self.expires) > moment


@dataclass(frozen=True)
class IssuedLink:
    """A new link with its secret: shown once (the CSV), then only the digest is left."""

    link: Link
    token: str
    replaced: bool
    """Whether it replaced an older link of the same person to the same subject."""


_COLUMNS = ("id, kind, constituency, subject, person_id, invited_by, created, expires, "
            "last_used, uses, revoked")


def _link(row: Sequence[object]) -> Link:
    link_id, kind, constituency, subject, person_id, by, created, expires = row[:8]
    last_used, uses, revoked = row[8:11]
    return Link(int(str(link_id)), str(kind), str(constituency), str(subject), str(person_id),
                str(by), str(created), str(expires),
                None if last_used is None else str(last_used), int(str(uses)),
                None if revoked is None else str(revoked))


def check_subject(kind: str, subject: str) -> None:
    """A clear error for an unknown kind or a subject id that is not a plain id."""
    if kind not in KINDS:
        raise MovemapError(f"kind: {kind!r} is not a kind of link; use {', '.join(KINDS)}")
    if not _SUBJECT_RE.match(subject):
        raise MovemapError(f"round: {subject!r} is not a round id (letters, digits, '.', '_' "
                           "or '-', at most 100, starting with a letter or digit)")


class LinkStore:
    """Links and the log of invitations in SQLite; safe to share between threads.

    ``clock`` gives the time now (tests pass a fixed one to move past an expiry).
    """

    def __init__(self, path: str, clock: Callable[[], datetime] = _utc_now) -> None:
        if path != ":memory:":
            if not Path(path).parent.exists():
                raise StoreError(f"cannot open the links file: folder {Path(path).parent} "
                                 "does not exist")
            private_file(path)  # digests and who was invited: its owner alone may read it
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA secure_delete = ON")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the links file {path!r}: {exc}") from exc
        self._lock = threading.Lock()
        self.clock = clock

    def close(self) -> None:
        self._db.close()

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db, self._lock)

    # -- inviting ------------------------------------------------------------------------------

    def invite(self, kind: str, constituency: str, subject: str, person_ids: Sequence[str],
               invited_by: str, *, days: int = LINK_DAYS) -> list[IssuedLink]:
        """A new link for each person (an older link of theirs to ``subject`` stops working);
        returns them with their secrets, in the order given. All or nothing."""
        check_subject(kind, subject)
        if not 1 <= days <= MAX_LINK_DAYS:
            raise MovemapError(f"expires_days: a link works 1 to {MAX_LINK_DAYS} days, "
                               f"not {days}")
        people = list(dict.fromkeys(person_ids))
        if not people:
            raise MovemapError("people: nobody to invite; choose a group, a segment or people")
        if len(people) > MAX_PEOPLE_PER_INVITATION:
            raise MovemapError(f"people: one invitation reaches at most "
                               f"{MAX_PEOPLE_PER_INVITATION:,} people, not {len(people):,}; "
                               "invite them in parts")
        now = self.clock()
        created, expires = _iso(now), _iso(now + timedelta(days=days))
        issued = []
        with self._write() as db:
            key = (kind, constituency, subject)
            held = {str(r[0]) for r in db.execute(
                "SELECT person_id FROM links WHERE kind = ? AND constituency = ? AND "
                "subject = ?", key)}
            new = sum(1 for p in people if p not in held)
            in_subject = len(held) + new
            in_map = db.execute("SELECT count(*) FROM links WHERE constituency = ?",
                                (constituency,)).fetchone()[0] + new
            if in_subject > MAX_LINKS_PER_SUBJECT:
                raise MovemapError(f"people: a round holds at most {MAX_LINKS_PER_SUBJECT:,} "
                                   f"links; this would make {in_subject:,}")
            if in_map > MAX_LINKS_PER_MAP:
                raise MovemapError(f"people: a map holds at most {MAX_LINKS_PER_MAP:,} links; "
                                   f"this would make {in_map:,}")
            for person_id in people:
                token = secrets.token_urlsafe(24)
                replaced = person_id in held
                db.execute("DELETE FROM links WHERE kind = ? AND constituency = ? AND "
                           "subject = ? AND person_id = ?", (*key, person_id))
                row = db.execute(
                    f"INSERT INTO links (digest, kind, constituency, subject, person_id, "
                    f"invited_by, created, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    f"RETURNING {_COLUMNS}",
                    (_digest(token), *key, person_id, invited_by, created, expires)).fetchone()
                db.execute("INSERT INTO invitation_log (kind, constituency, subject, person_id, "
                           "invited_by, at, replaced) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (*key, person_id, invited_by, created, int(replaced)))
                issued.append(IssuedLink(_link(row), token, replaced))
        return issued

    # -- using ---------------------------------------------------------------------------------

    def resolve(self, token: str) -> Link | None:
        """The working link that carries ``token``, its use counted; ``None`` for a token that
        is unknown, altered, revoked, replaced or expired (one answer for all)."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        row = self._db.execute(f"SELECT {_COLUMNS} FROM links WHERE digest = ?",
                               (_digest(token),)).fetchone()
        return self._used(row)

    def by_id(self, link_id: int, digest_start: str) -> Link | None:
        """The working link ``link_id`` whose digest starts with ``digest_start`` (what a
        link holder's cookie carries), its use counted; else ``None``."""
        if not 0 < link_id <= _MAX_ID:
            return None
        row = self._db.execute(f"SELECT {_COLUMNS}, digest FROM links WHERE id = ?",
                               (link_id,)).fetchone()
        if row is None or not secrets.compare_digest(str(row[11])[:len(digest_start)],
                                                     digest_start) or len(digest_start) < 16:
            return None
        return self._used(row[:11])

    def digest_start(self, link_id: int) -> str:
        """The first 32 hex digits of a link's digest: binds a cookie to this very link."""
        row = self._db.execute("SELECT digest FROM links WHERE id = ?", (link_id,)).fetchone()
        if row is None:
            raise NotFound(f"there is no link {link_id}")
        return str(row[0])[:32]

    def _used(self, row: Sequence[object] | None) -> Link | None:
        if row is None:
            return None
        link = _link(row)
        now = self.clock()
        if not link.works_at(now):
            return None
        with self._write() as db:
            db.execute("UPDATE links SET uses = uses + 1, last_used = ? WHERE id = ?",
                       (_iso(now), link.id))
        return link

    # -- a lead's view -------------------------------------------------------------------------

    def links(self, kind: str, constituency: str, subject: str) -> list[Link]:
        """Every link of a subject, oldest first: working, expired and revoked."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM links WHERE kind = ? AND constituency = ? AND subject = ? "
            "ORDER BY id", (kind, constituency, subject)).fetchall()
        return [_link(r) for r in rows]

    def invited_people(self, kind: str, constituency: str, subject: str | None = None
                       ) -> set[str]:
        """The people who hold a link to the subject (to any subject of the map, when
        ``None``) that was not revoked (an expired link still counts: they were asked). With
        the contributions, this gives "invited and silent" (``graph.purpose.parts``)."""
        if subject is None:
            rows = self._db.execute("SELECT DISTINCT person_id FROM links WHERE kind = ? AND "
                                    "constituency = ? AND revoked IS NULL", (kind, constituency))
        else:
            rows = self._db.execute(
                "SELECT person_id FROM links WHERE kind = ? AND constituency = ? AND "
                "subject = ? AND revoked IS NULL", (kind, constituency, subject))
        return {str(r[0]) for r in rows}

    def invitation_log(self, kind: str, constituency: str, subject: str
                       ) -> list[tuple[str, str, str, bool]]:
        """Who invited whom when: ``(person_id, invited_by, at, replaced an older link)``,
        oldest first; revoking and replacing never change it."""
        rows = self._db.execute(
            "SELECT person_id, invited_by, at, replaced FROM invitation_log WHERE kind = ? AND "
            "constituency = ? AND subject = ? ORDER BY seq", (kind, constituency, subject))
        return [(str(p), str(b), str(a), bool(r)) for p, b, a, r in rows]

    def revoke(self, link_id: int, constituency: str) -> Link:
        """Stop one link of ``constituency`` at once (revoking twice is harmless)."""
        if not 0 < link_id <= _MAX_ID:
            raise NotFound(f"there is no link {link_id} in {constituency}")
        with self._write() as db:
            db.execute("UPDATE links SET revoked = ? WHERE id = ? AND constituency = ? AND "
                       "revoked IS NULL", (_iso(self.clock()), link_id, constituency))
            row = db.execute(f"SELECT {_COLUMNS} FROM links WHERE id = ? AND constituency = ?",
                             (link_id, constituency)).fetchone()
        if row is None:
            raise NotFound(f"there is no link {link_id} in {constituency}")
        return _link(row)

    def revoke_all(self, kind: str, constituency: str, subject: str) -> int:
        """Stop every working link of a subject; returns how many stopped."""
        with self._write() as db:
            return db.execute(
                "UPDATE links SET revoked = ? WHERE kind = ? AND constituency = ? AND "
                "subject = ? AND revoked IS NULL",
                (_iso(self.clock()), kind, constituency, subject)).rowcount

    # -- the map's life ------------------------------------------------------------------------

    def forget_constituency(self, constituency: str) -> None:
        """A deleted map takes its links and their log along."""
        with self._write() as db:
            db.execute("DELETE FROM links WHERE constituency = ?", (constituency,))
            db.execute("DELETE FROM invitation_log WHERE constituency = ?", (constituency,))

    def rename_constituency(self, constituency: str, new_name: str) -> None:
        """The links of a renamed map follow it (links left on the new name go first)."""
        self.forget_constituency(new_name)
        with self._write() as db:
            for table in ("links", "invitation_log"):
                db.execute(f"UPDATE {table} SET constituency = ? WHERE constituency = ?",
                           (new_name, constituency))


class LinkInvitation(BaseModel):
    """``POST …/purpose/rounds/ROUND/links``: whom to invite (any mix of the three ways)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    group: Group | None = Field(None, description="everyone whose primary group this is")
    segment: str | None = Field(None, min_length=1, max_length=500,
                                description="everyone who holds this segment")
    people: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=MAX_PEOPLE_PER_INVITATION,
        description="people picked by id or by exact name")
    expires_days: int | None = Field(None, ge=1, le=MAX_LINK_DAYS, description=(
        "days the links work (MOVEMAP_LINK_DAYS, 30, when left out)"))
    base_url: str | None = Field(None, max_length=200, pattern=r"^https?://[^\s?#]+$",
                                 description="the address the links start with (this "
                                 "server's, when left out)")


def select_people(people: Iterable[Person], *, group: str | None = None,
                  segment: str | None = None, picked: Sequence[str] = ()) -> list[Person]:
    """The people of a map an invitation reaches: everyone whose primary group is ``group``,
    who holds ``segment``, and each one ``picked`` by id or by exact name (any case). An id or
    name that matches nobody, or a name shared by several people, is an error naming it.

    >>> a = Person(id="p1", name="Ada Lovelace", group="people", segments=("carers",))
    >>> b = Person(id="p2", name="Ben Okri", group="system_leaders")
    >>> [p.id for p in select_people([a, b], group="system_leaders", picked=["ada lovelace"])]
    ['p1', 'p2']
    """
    if group is not None and group not in {g.value for g in Group}:
        raise MovemapError(f"group: {group!r} is not a group; use "
                           f"{', '.join(g.value for g in Group)}")
    everyone = list(people)
    by_id = {p.id: p for p in everyone}
    by_name: dict[str, list[Person]] = {}
    for person in everyone:
        if person.name:
            by_name.setdefault(person.name.casefold(), []).append(person)
    chosen: dict[str, Person] = {}
    wanted_segment = segment.casefold() if segment else None
    for person in everyone:
        if (group is not None and person.group.value == group) or (
                wanted_segment is not None
                and any(s.casefold() == wanted_segment for s in person.segments)):
            chosen[person.id] = person
    for pick in picked:
        pick = pick.strip()
        if pick in by_id:
            chosen[pick] = by_id[pick]
            continue
        named = by_name.get(pick.casefold(), [])
        if len(named) > 1:
            raise MovemapError(f"people: {len(named)} people are named {pick!r}; pick them by "
                               f"id ({', '.join(p.id for p in named[:5])})")
        if not named:
            raise MovemapError(f"people: nobody in the map has the id or name {pick!r}")
        chosen[named[0].id] = named[0]
    return sorted(chosen.values(), key=lambda p: (p.name.casefold(), p.id))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def links_csv(issued: Sequence[IssuedLink], people: dict[str, Person], base_url: str) -> str:
    """The mail merge: one row per link with the person's id, name, organisation, the link and
    when it expires (the only place the links are ever shown)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["person_id", "name", "organisation", "link", "expires", "replaced"])
    root = base_url.rstrip("/")
    for item in issued:
        person = people.get(item.link.person_id)
        writer.writerow([_cell(item.link.person_id), _cell(person.name if person else ""),
                         _cell(person.organisation if person else ""),
                         f"{root}/l/{item.token}", item.link.expires,
                         "yes" if item.replaced else "no"])
    return out.getvalue()


def invite_from_map(links: LinkStore, people: Iterable[Person], kind: str, constituency: str,
                    subject: str, *, invited_by: str, group: str | None = None,
                    segment: str | None = None, picked: Sequence[str] = (),
                    days: int | None = None) -> tuple[list[IssuedLink], dict[str, Person]]:
    """Choose the people (``select_people``) and give each a link; returns the links and the
    chosen people by id (for ``links_csv``). The one path the page, the API and the command
    line share."""
    if len(picked) > MAX_PEOPLE_PER_INVITATION:
        raise MovemapError(f"people: at most {MAX_PEOPLE_PER_INVITATION:,} picked at once, not "
                           f"{len(picked):,}")
    if not (group or segment or picked):
        raise MovemapError("people: nobody to invite; choose a group, a segment or people")
    check_subject(kind, subject)
    chosen = select_people(people, group=group, segment=segment, picked=picked)
    issued = links.invite(kind, constituency, subject, [p.id for p in chosen], invited_by,
                          days=link_days() if days is None else days)
    return issued, {p.id: p for p in chosen}
