"""Start and stop the real Neo4j the Neo4j tests run against (``tools/neo4j-test-server/start``).

The start script builds a small launcher around Neo4j's test harness on first use (Maven, a few
minutes with an empty ``~/.m2``), then serves Bolt on a free loopback port with authentication
disabled and prints ``bolt://127.0.0.1:PORT`` as its first line once it accepts connections.

Example::

    url, process = start_server(tmp_path / "neo4j")
    try:
        ...  # neo4j.GraphDatabase.driver(url, auth=None)
    finally:
        stop(process)
"""

from __future__ import annotations

import os
import selectors
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_SCRIPT = ROOT / "tools" / "neo4j-test-server" / "start"
# A first build downloads Neo4j (about 150 MB of jars); later starts take a few seconds.
START_TIMEOUT_S = 300.0


class Neo4jServerError(RuntimeError):
    """The test server did not start: the message ends with the tail of its log."""


def start_server(
    data_dir: Path, timeout: float = START_TIMEOUT_S
) -> tuple[str, subprocess.Popen[bytes]]:
    """Start a Neo4j test server with its files under ``data_dir``; return its Bolt URL and process.

    The server's log (Maven's and Neo4j's output) goes to ``data_dir / "server.log"``. It stops
    when ``stop`` is called, when its stdin closes or when this process dies.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(START_SCRIPT), str(data_dir), "--watch-stdin"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
    try:
        line = _first_line(process, timeout, log_path)
    except BaseException:
        stop(process)
        raise
    if not line.startswith("bolt://"):
        stop(process)
        raise Neo4jServerError(f"expected a bolt:// address, got {line!r}" + _tail(log_path))
    return line, process


def stop(process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Stop the server cleanly (SIGTERM), killing it if it has not exited within ``timeout``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()


def _first_line(process: subprocess.Popen[bytes], timeout: float, log_path: Path) -> str:
    """The first line the server writes to stdout, waiting at most ``timeout`` seconds."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    deadline = time.monotonic() + timeout
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while b"\n" not in buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Neo4jServerError(f"no address from {START_SCRIPT} within {timeout:.0f} s")
            if selector.select(min(left, 1.0)):
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                buffer += chunk
            elif process.poll() is not None:
                break
    if b"\n" not in buffer:
        raise Neo4jServerError(
            f"{START_SCRIPT} exited with status {process.wait()} before printing its address"
            + _tail(log_path)
        )
    return buffer.split(b"\n", 1)[0].decode().strip()


def _tail(log_path: Path, lines: int = 30) -> str:
    try:
        text = log_path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return "\n--- " + str(log_path) + " (last lines) ---\n" + "\n".join(text)
