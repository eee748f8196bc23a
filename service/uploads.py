"""Uploaded CSV files, kept where nothing can be left behind.

The importer reads files by path (more than once: it sniffs, then reads). An upload is copied
into a temporary file that has no name on disk (``tempfile.TemporaryFile``: on Linux it never
has one), and the importer gets a path that reaches it: a symlink, named as the upload, to the
open file's ``/proc/self/fd`` entry, in a private temporary folder. If the server is killed
mid-import, the kernel frees the file with the process; at most an empty folder with a dangling
link stays behind, no data. Where ``/proc`` is missing, a named copy in the private folder is
the fallback, removed when the import ends.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

__all__ = ["unnamed_copies", "uploaded_name"]


@contextlib.contextmanager
def unnamed_copies(uploads: Sequence[tuple[IO[bytes], str]]) -> Iterator[list[Path]]:
    """A readable path for each ``(stream, file name)`` while the block runs.

    Example:
        >>> import io
        >>> with unnamed_copies([(io.BytesIO(b"id\\nana\\n"), "people.csv")]) as (path,):
        ...     (path.name, path.read_text())
        ('people.csv', 'id\\nana\\n')
    """
    with tempfile.TemporaryDirectory(prefix="movemap-import-") as folder, \
            contextlib.ExitStack() as files:
        paths: list[Path] = []
        for i, (stream, name) in enumerate(uploads):
            handle = files.enter_context(tempfile.TemporaryFile(prefix="movemap-upload-"))
            shutil.copyfileobj(stream, handle)
            handle.flush()
            place = Path(folder) / str(i)
            place.mkdir(mode=0o700)
            path = place / name
            reach = f"/proc/self/fd/{handle.fileno()}"
            if os.path.exists(reach):
                path.symlink_to(reach)
            else:  # no /proc: a named copy in the private folder, removed with it
                handle.seek(0)
                with open(path, "wb") as copy:
                    shutil.copyfileobj(handle, copy)
            paths.append(path)
        yield paths


def uploaded_name(label: str, shown: Mapping[str, str]) -> str:
    """A problem's file (``people.csv``, ``bay.xlsx, sheet Elements``) as the user named the
    upload: ``shown`` maps each temporary copy's path and name to the uploaded name."""
    if label in shown:
        return shown[label]
    for copy, name in shown.items():
        if label.startswith(copy + ","):
            return name + label[len(copy):]
    return label
