"""Uploaded files leave nothing behind: no named copy on disk, even when the server is killed."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import MAP, Web, bearer

import graph.formats
from service.uploads import unnamed_copies

SECRET = b"p1,Zebedee Quixotewright,people\n"
UPLOAD = b"id,name,group\n" + SECRET


def _regular_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]


def test_an_upload_is_readable_by_path_without_a_named_copy(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with unnamed_copies([(io.BytesIO(b"id,name,group\n" + SECRET), "people.csv")]) as (path,):
        assert path.name == "people.csv" and path.is_symlink()
        assert SECRET in path.read_bytes() and SECRET in path.read_bytes()  # read twice
        assert _regular_files(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def test_a_killed_process_leaves_no_copy_of_the_upload(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import io, sys, time\n"
         "from service.uploads import unnamed_copies\n"
         f"with unnamed_copies([(io.BytesIO({UPLOAD!r}), "
         "'people.csv')]) as paths:\n"
         "    print(paths[0], paths[0].read_bytes().count(b'Zebedee'), flush=True)\n"
         "    time.sleep(60)\n"],
        stdout=subprocess.PIPE, env={**os.environ, "TMPDIR": str(tmp_path)},
        cwd=Path(__file__).resolve().parents[2])
    try:
        assert child.stdout is not None
        path, found = child.stdout.readline().decode().split()
        assert found == "1"  # mid-import: the importing process reads the data by path
        assert Path(path).is_symlink()  # and the path is only a link to its open file
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    time.sleep(0.1)
    assert _regular_files(tmp_path) == []
    for link in tmp_path.rglob("*"):  # what is left: folders, and links to a process's own
        if link.is_symlink():      # descriptors, which held the data only in the killed one
            assert os.readlink(link).startswith("/proc/self/fd/"), link


def test_an_api_import_reads_the_files_from_no_named_copy(web: Web, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    tmp_path = tmp_path / "tmp"  # beside the test's store files
    tmp_path.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    seen: list[list[Path]] = []
    real = graph.formats.read_files

    def watching(paths: list[Path], format_name: str | None = None) -> object:
        seen.append(_regular_files(tmp_path))
        assert all(Path(path).is_symlink() for path in paths) and len(paths) == 2
        return real(paths, format_name)

    monkeypatch.setattr(graph.formats, "read_files", watching)
    response = web.app.test_client().post(
        f"/api/v1/constituencies/{MAP}/import", headers=bearer(web.tokens["editor"]), data={
            "people": (io.BytesIO(b"id,name,group\nnew1,Zebedee Quixotewright,people\n"),
                       "people.csv"),
            "relationships": (io.BytesIO(b"source,target\n"), "relationships.csv")})
    assert response.status_code == 200, response.get_json()
    assert seen == [[]]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".zip", ".xlsx", ".json", ".bin"])
def test_a_file_that_is_no_map_in_any_format_is_refused_in_words_never_a_500(
    web: Web, suffix: str,
) -> None:
    """Bytes that are no map, sent as one file under every format name (and with none, so
    the format is guessed from them): a 400 or 422 saying what is wrong, and nothing written."""
    junk = b"PK\x03\x04 not really a zip " * 4
    client = web.app.test_client()
    before = client.get(f"/api/v1/constituencies/{MAP}",
                        headers=bearer(web.tokens["editor"])).get_json()
    for name in [None, *(n for n, f in graph.formats.FORMATS.items() if f.read is not None)]:
        data = {"file": (io.BytesIO(junk), f"map{suffix}")}
        if name is not None:
            data["format"] = name
        answer = client.post(f"/api/v1/constituencies/{MAP}/import", data=data,
                             headers=bearer(web.tokens["editor"]))
        assert answer.status_code in (400, 422), (name, answer.status_code)
        assert answer.get_json()["message"], name
    after = client.get(f"/api/v1/constituencies/{MAP}",
                       headers=bearer(web.tokens["editor"])).get_json()
    assert after == before
