"""How fast the dashboard answers for a large constituency, once it has been analysed.

Builds a synthetic constituency (``graph.synthetic``: 100,000 people and 1,000,000 ties by
default), imports it from its two CSV files into a fresh SQLite store, signs a viewer in with
Flask's test client, and times the pages in-process (no network): the first overview (which
loads and analyses the map), then the overview again and again (the cached analysis), and the
network page (first: the layout is computed; then cached), with its size in KB. The network page
of a map this large must show the aggregated view.

Run:  .venv/bin/python -m bench.overview [--people 100000] [--ties-per-person 10] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from graph.importer import import_csv
from graph.stores.base import open_store
from graph.synthetic import synthetic_constituency, write_csv_pair
from service import Settings, create_app

PASSWORD = "correct horse battery staple"
EMAIL = "bench@example.org"
NAME = "big"


def _timed_get(client: FlaskClient, path: str) -> tuple[float, int, bytes]:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    return elapsed, response.status_code, response.get_data()


def _sign_in(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD,
                                           "csrf_token": token.group(1)})
    assert response.status_code == 302, response.status_code


def run(people: int, ties_per_person: float, repeat: int, folder: Path) -> dict[str, Any]:
    results: dict[str, Any] = {"people": people, "ties_per_person": ties_per_person}
    start = time.perf_counter()
    graph = synthetic_constituency(people, ties_per_person, seed=1, name=NAME)
    people_csv, ties_csv = write_csv_pair(graph, folder / "csv")
    results["generate_s"] = round(time.perf_counter() - start, 2)

    store_url = f"sqlite:///{(folder / 'store.db').absolute()}"
    store = open_store(store_url)
    try:
        start = time.perf_counter()
        import_csv(store, NAME, people_csv, ties_csv)
        store.set_expected_segments(NAME, list(graph.expected_segments))
        results["import_s"] = round(time.perf_counter() - start, 2)
    finally:
        store.close()
    results["ties"] = graph.m

    settings = Settings(store_url=store_url,
                        accounts_url=f"sqlite:///{(folder / 'accounts.db').absolute()}",
                        secret_key="bench-" + "x" * 40, cookie_secure=False)
    app = create_app(settings)
    accounts = app.extensions["movemap.accounts"]
    accounts.add_user(EMAIL, PASSWORD)
    accounts.grant(EMAIL, NAME, "viewer")

    import service.state as state

    analyses = 0
    real_analyse = state.analyse

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal analyses
        analyses += 1
        return real_analyse(*args, **kwargs)

    state.analyse = counting
    try:
        client = app.test_client()
        _sign_in(client)
        first, status, _ = _timed_get(client, f"/c/{NAME}/")
        assert status == 200, status
        results["overview_first_s"] = round(first, 3)
        analysed = analyses
        warm = []
        for _ in range(repeat):
            elapsed, status, body = _timed_get(client, f"/c/{NAME}/")
            assert status == 200, status
            warm.append(elapsed)
        results["overview_warm_s"] = [round(x, 3) for x in warm]
        results["overview_warm_median_s"] = round(statistics.median(warm), 3)
        results["overview_kb"] = round(len(body) / 1024, 1)
        results["analyses_during_warm_overviews"] = analyses - analysed

        first, status, body = _timed_get(client, f"/c/{NAME}/network")
        assert status == 200, status
        results["network_first_s"] = round(first, 3)
        warm = []
        for _ in range(repeat):
            elapsed, status, body = _timed_get(client, f"/c/{NAME}/network")
            warm.append(elapsed)
        html = body.decode()
        results["network_warm_median_s"] = round(statistics.median(warm), 3)
        results["network_kb"] = round(len(body) / 1024, 1)
        results["network_view"] = ("segments" if "one circle per segment" in html else
                                   "people" if "Every person and every tie" in html else "other")
        shown = re.search(r"<strong>Shown:</strong>([^<]+)", html)
        results["network_note"] = " ".join(shown.group(1).split()) if shown else ""

        results.update(_with_cache_hits(client, repeat))

        for page in ("gaps", "roles", "people"):
            _timed_get(client, f"/c/{NAME}/{page}")
            elapsed, status, body = _timed_get(client, f"/c/{NAME}/{page}")
            assert status == 200, (page, status)
            results[f"{page}_warm_s"] = round(elapsed, 3)
            results[f"{page}_kb"] = round(len(body) / 1024, 1)
        one_place = graph.segment_names[0]
        elapsed, status, body = _timed_get(client, f"/c/{NAME}/network?segment={one_place}")
        results["network_one_segment_s"] = round(elapsed, 3)
        results["network_one_segment_kb"] = round(len(body) / 1024, 1)
    finally:
        state.analyse = real_analyse
    return results


def _with_cache_hits(client: FlaskClient, repeat: int) -> dict[str, Any]:
    """The overview and network pages when the analysis cache hits.

    ``service.state`` reuses a cached analysis only when the store reports a revision of the map
    (``store.revision(name)``). When the store cannot yet tell, every request loads and analyses
    the map again; then this measures the pages as they will be with a cache hit, by giving the
    store a constant revision for the rest of the run (nothing is written meanwhile).
    """
    from graph.stores import sqlite

    results: dict[str, Any] = {}
    store_class: Any = sqlite.SQLiteStore
    stubbed = not callable(getattr(store_class, "revision", None))
    results["store_reports_revision"] = not stubbed
    if stubbed:
        store_class.revision = lambda self, name: "bench"
    try:
        for page, path in (("overview", f"/c/{NAME}/"), ("network", f"/c/{NAME}/network")):
            _timed_get(client, path)  # fills the cache
            warm = []
            for _ in range(repeat):
                elapsed, status, _body = _timed_get(client, path)
                assert status == 200, status
                warm.append(elapsed)
            results[f"{page}_cache_hit_median_s"] = round(statistics.median(warm), 3)
    finally:
        if stubbed:
            del store_class.revision
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ties-per-person", type=float, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="movemap-bench-overview-") as folder:
        results = run(args.people, args.ties_per_person, args.repeat, Path(folder))
    width = max(len(k) for k in results)
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
