"""Pictures sent with a contribution: decoded, bounded and re-encoded, so what is kept is only
pixels.

A picture is refused when its file is over ``MAX_PICTURE_BYTES``, is not a JPEG, PNG or WebP,
or claims more than ``MAX_PICTURE_PIXELS`` (a decompression bomb). What is kept is a fresh JPEG
at most ``MAX_PICTURE_SIDE`` pixels on its longer side, turned the way the camera meant it and
without any metadata: no EXIF (GPS position, camera, time), no XMP, no ICC profile, no comment.

Example:
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("RGB", (4000, 1000), "teal").save(buffer, "PNG")
    >>> Image.open(io.BytesIO(clean_picture(buffer.getvalue()))).size
    (1600, 400)
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from collections.abc import Iterable
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from graph.errors import MovemapError
from graph.stores.private import private_file, private_folder

__all__ = ["MAX_PICTURE_BYTES", "MAX_PICTURE_PIXELS", "MAX_PICTURE_SIDE", "PictureFolder",
           "PictureRefused", "clean_picture", "pictures_path_for"]

MAX_PICTURE_BYTES = 5 * 1024 * 1024
"""The largest picture file taken (5 MiB)."""
MAX_PICTURE_PIXELS = 40_000_000
"""The most pixels a picture may claim before it is decoded."""
MAX_PICTURE_SIDE = 1600
"""The longer side of a kept picture, in pixels."""
_FORMATS = ("JPEG", "PNG", "WEBP")


class PictureRefused(MovemapError):
    """A picture that cannot be taken; the message says why in plain words."""


def clean_picture(data: bytes) -> bytes:
    """``data`` re-encoded as a JPEG without metadata, at most ``MAX_PICTURE_SIDE`` a side."""
    if len(data) > MAX_PICTURE_BYTES:
        raise PictureRefused(f"picture: the file is over {MAX_PICTURE_BYTES // (1024 * 1024)} "
                             "MiB; send a smaller one")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PICTURE_PIXELS:
                    raise PictureRefused("picture: it has too many pixels; send a smaller one")
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, OSError, ValueError, SyntaxError) as exc:
        if isinstance(exc, PictureRefused):
            raise
        raise PictureRefused("picture: it is not a JPEG, PNG or WebP picture that can be "
                             "read") from None
    upright = upright.convert("RGB")
    upright.thumbnail((MAX_PICTURE_SIDE, MAX_PICTURE_SIDE))
    out = io.BytesIO()
    # a new image holds no info: saving it writes pixels only (no EXIF, XMP, ICC, comment)
    fresh = Image.new("RGB", upright.size)
    fresh.paste(upright)
    fresh.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


_REFERENCE = re.compile(r"^picture:([0-9a-f]{64})$")


def pictures_path_for(links_path: str | os.PathLike[str]) -> Path:
    """The picture folder beside a links file (``movemap-accounts-links-pictures`` for
    ``movemap-accounts-links.db``), wherever the service or a command finds it."""
    path = Path(links_path)
    return path.with_name(f"{path.stem}-pictures")


class PictureFolder:
    """Cleaned pictures kept as files named by their SHA-256 (in a folder only its owner may
    read); a contribution holds the reference ``picture:<digest>``, never the bytes.

    >>> import tempfile
    >>> folder = PictureFolder(Path(tempfile.mkdtemp()) / "pictures")
    >>> ref = folder.save(b"jpeg bytes")
    >>> folder.load(ref), folder.load("picture:" + "0" * 64), folder.load("../etc/passwd")
    (b'jpeg bytes', None, None)
    >>> folder.forget([ref, "../etc/passwd"]); folder.load(ref) is None
    True
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def save(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        private_folder(self.path)
        target = self.path / f"{digest}.jpg"
        if not target.exists():
            private_file(target)
            target.write_bytes(data)
        return f"picture:{digest}"

    def load(self, reference: str) -> bytes | None:
        """The picture of a reference; ``None`` for anything else (never a path of its own)."""
        match = _REFERENCE.match(reference)
        if match is None:
            return None
        target = self.path / f"{match.group(1)}.jpg"
        return target.read_bytes() if target.is_file() else None

    def forget(self, references: Iterable[str]) -> None:
        """Delete the pictures of ``references`` (the write path's ``on_pictures_released``:
        no live contribution holds them any more). Each file is overwritten with zeros before
        it is removed; anything that is not a reference, or a picture already gone, is
        skipped."""
        for reference in references:
            match = _REFERENCE.match(reference)
            target = None if match is None else self.path / f"{match.group(1)}.jpg"
            if target is None or not target.is_file():
                continue
            with target.open("r+b") as file:
                file.write(bytes(target.stat().st_size))
                file.flush()
                os.fsync(file.fileno())
            target.unlink(missing_ok=True)
