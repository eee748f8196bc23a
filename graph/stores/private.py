"""Files only their owner can read: a map holds personal, often health-related data.

``private_file`` makes sure a SQLite file (the store, the accounts) is created with mode 0600
before SQLite opens it (SQLite gives its ``-wal`` and ``-shm`` files the same mode), and takes
group and other access away from one that already exists with more. ``private_folder`` creates
a folder 0700.

Example:
    >>> import tempfile, stat
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "movemap.db"
    >>> private_file(path)
    >>> oct(stat.S_IMODE(path.stat().st_mode))
    '0o600'
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

__all__ = ["new_private_file", "private_file", "private_folder"]


def private_file(path: str | os.PathLike[str]) -> None:
    """Create ``path`` empty with mode 0600 when it does not exist; otherwise remove group and
    other access from it when it is ours (a file of another user is left as it is)."""
    target = Path(path)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        info = target.stat()
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
            with contextlib.suppress(OSError):  # e.g. a read-only file system: opening says more
                os.chmod(target, stat.S_IMODE(info.st_mode) & 0o700)
        return
    os.close(fd)


def private_folder(path: str | os.PathLike[str]) -> None:
    """Create ``path`` (and its parents) with mode 0700 when it does not exist."""
    Path(path).mkdir(mode=0o700, parents=True, exist_ok=True)


def new_private_file(path: str | os.PathLike[str]) -> None:
    """Create ``path`` empty with mode 0600 for a writer to fill (an export); one already
    there is never overwritten: ``FileExistsError``."""
    fd = os.open(Path(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
