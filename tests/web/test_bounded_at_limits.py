"""A map whose every record is at its limits: the analysis, the pages and the API stay bounded.

Every person has a 500-character name and organisation and 100 segments of 500 characters, the
map holds exactly ``segments_per_map`` distinct segments and ``expected_segments`` expected
ones (half held by nobody): the most text and the most gaps the limits allow per person. Before
the limits, 2,000 such people (each segment their own) made 153,609 gaps, a 250 MB analysis and
a 520 MB gaps page. Times are measured in ``bench/limits.py``; here the sizes and memory, which
do not depend on the machine.
"""

from __future__ import annotations

import json
import re
import tracemalloc
from pathlib import Path

import pytest
from support import PASSWORD, bearer, make_settings, sign_in

from graph.analysis import analyse
from graph.analysis.gaps import GAP_KINDS
from graph.at_limits import at_record_limits
from graph.history import Actor
from graph.limits import LIMITS, LimitExceeded
from graph.model import Person
from graph.stores.base import open_store
from graph.usecases import UseCases
from service import create_app
from service.pages import PAGE_GAPS_PER_KIND

pytestmark = pytest.mark.slow
NAME = "limits"


def _pages(tmp_path: Path, people: int) -> dict[str, int]:
    """The size of each page and answer (bytes) for a map of ``people`` at every limit."""
    tmp_path.mkdir()
    settings = make_settings(tmp_path)
    store = open_store(settings.store_url)
    at_record_limits(store, NAME, people)
    store.close()
    app = create_app(settings)
    app.config.update(TESTING=True)
    accounts = app.extensions["movemap.accounts"]
    accounts.add_user("lead@example.org", PASSWORD)
    accounts.grant("lead@example.org", NAME, "owner")
    token = accounts.create_token("lead@example.org")
    client = app.test_client()
    sign_in(client, "lead@example.org")
    sizes: dict[str, int] = {}
    for path in (f"/c/{NAME}/", f"/c/{NAME}/gaps", f"/c/{NAME}/network", f"/c/{NAME}/roles",
                 f"/c/{NAME}/people"):
        response = client.get(path)
        assert response.status_code == 200, path
        sizes[path] = len(response.data)
        if path.endswith("/gaps"):
            html = response.get_data(as_text=True)
            cards = re.findall(r'<article class="gap sev-', html)
            assert 0 < len(cards) <= len(GAP_KINDS) + 1  # one card per kind
            every = html[html.index('id="all-heading"'):]
            assert 0 < every.count("<li>") <= PAGE_GAPS_PER_KIND * len(cards)
            assert re.search(r"… and [\d,]+ more, less serious", every)
            assert "gaps?kind=segment_unreached" in every
    for path in (f"/api/v1/constituencies/{NAME}/analysis", f"/api/v1/constituencies/{NAME}/gaps",
                 f"/api/v1/constituencies/{NAME}/people"):
        response = client.get(path, headers=bearer(token))
        assert response.status_code == 200, path
        sizes[path] = len(response.data)
    accounts.close()
    return sizes


def test_pages_at_every_record_limit_stay_small_however_many_people(tmp_path: Path) -> None:
    few = _pages(tmp_path / "few", 150)
    many = _pages(tmp_path / "many", 600)
    for path, size in many.items():
        assert size < 8 * 2**20, (path, size)  # nothing near the 520 MB of before
    # the pages that summarise the map do not grow with it (lists are capped, charts sampled)
    for path in (f"/c/{NAME}/", f"/c/{NAME}/gaps", f"/api/v1/constituencies/{NAME}/gaps",
                 f"/api/v1/constituencies/{NAME}/people"):
        assert many[path] < 1.5 * few[path], (path, few[path], many[path])


def test_the_analysis_at_every_record_limit_stays_within_memory(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    at_record_limits(store, NAME, 600)
    graph = store.load_graph(NAME)
    analyse(graph)  # compiled kernels warm
    tracemalloc.start()
    analysis = analyse(store.load_graph(NAME))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    text = 600 * LIMITS.segments_per_person * LIMITS.text_length  # the segments as written
    assert peak < 2 * text + 64 * 2**20, peak / 2**20
    # at most one gap per distinct and per expected segment, and the rest per person
    kinds = {g.kind for g in analysis.gaps}
    assert "segment_missing" in kinds
    assert len(analysis.gaps) <= LIMITS.segments_per_map + LIMITS.expected_segments + 600 + 20
    assert len(json.dumps(analysis.to_dict())) < 32 * 2**20
    store.close()


def test_a_map_at_its_segment_limit_refuses_one_more_distinct_segment(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    at_record_limits(store, NAME, 50)
    assert store.segment_count(NAME) == LIMITS.segments_per_map
    cases = UseCases(store, Actor("lead", "test"))
    with pytest.raises(LimitExceeded, match="MOVEMAP_LIMIT_SEGMENTS_PER_MAP"):
        cases.save_person(NAME, Person(id="new", group="people", segments=["locality:Elsewhere"]))
    assert "new" not in store.person_ids(NAME)
    store.close()
