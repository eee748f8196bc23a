"""The dashboard's pages, server-rendered; figures come from ``dashboards`` as JSON data blocks.

Every page of a constituency reads the cached analysis (``service.state.analysis_for``) and data
derived from it once per revision (``PageData``: the network layout, who the core reaches, the
tie counts between groups, a search index), so no page recomputes a large analysis or layout on
a request. Figures travel as ``<script type="application/json">`` blocks (never executed, so
the Content-Security-Policy can forbid inline scripts) and ``static/movemap.js`` draws them with
the plotly.js the app serves itself (``/static/vendor/plotly.min.js``; no CDN).

Writes need the ``editor`` role and a CSRF token; each one calls ``invalidate(name)`` and says
what changed in a flash message.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar, cast
from weakref import WeakKeyDictionary

import numpy as np
import numpy.typing as npt
import plotly
import plotly.graph_objects as go
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.utils import secure_filename

from dashboards import figures
from dashboards.gap_cards import findings_about, gap_cards
from dashboards.layout import Layout, compute_layout
from dashboards.network import (
    COLOURINGS,
    VIEWS,
    NetworkFilters,
    NetworkView,
    neighbourhood,
    network_view,
    person_details,
    tie_mask,
)
from dashboards.words import (
    engagement_label,
    group_label,
    percent,
    plural,
    role_checks,
    role_label,
    role_summary,
    segment_label,
    trust_label,
)
from graph.analysis import Analysis
from graph.analysis.connectivity import spof_cut_off_and_components
from graph.analysis.reach import within_hops
from graph.analysis.result import Addition, Gap, RoleInference
from graph.compact import CompactGraph, day_to_date
from graph.errors import ImportFailed, MovemapError, NotFound, Problem, StoreError
from graph.formats import read_files
from graph.import_plan import ImportPlan
from graph.model import GROUPS, TRUST_TYPES, Engagement, Role
from graph.stores.base import GraphStore
from graph.usecases import (
    Removal,
    StaleVersion,
    UndoConflict,
    UseCases,
    changes_between,
    map_settings,
)
from graph.wording import brought_words
from service.auth import current_account, public, requires_role
from service.notices import notify
from service.page_forms import (
    DeleteForm,
    ImportForm,
    PersonForm,
    TieDeleteForm,
    TieForm,
    UndoForm,
    person_from_form,
    person_to_form,
    relationship_from_form,
)
from service.people_list import SORTS, PeopleFilters, read_filters, select
from service.person_search import (
    DEFAULT_RESULTS,
    MAX_PICKED,
    MAX_QUERY,
    MAX_RESULTS,
    PersonNotFound,
    SearchIndex,
)
from service.state import (
    CachedAnalysis,
    analysis_for,
    get_store,
    invalidate,
    options_for,
    use_cases,
)
from service.uploads import unnamed_copies, uploaded_name

__all__ = ["PLOTLY_JS", "PageData", "app_extension", "bp", "person_picker"]

bp = Blueprint("pages", __name__)

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
"""plotly.js as shipped inside the plotly package, served by ``plotly_js``."""

PAGE_SIZE = 50
ROLES_PAGE_SIZE = 100
MAX_PROBLEMS_SHOWN = 500
NEIGHBOURS_LISTED = 50
NEXT_LISTED = 20
MAX_OUTLINED = 5_000
HISTORY_PAGE = 30
CHANGES_DAYS = 90
CHANGES_LISTED = 40
HISTORY_CHANGES = 12
OVERVIEW_GAP_KINDS = 5
"""The overview shows the most serious this many kinds of gap, one line each."""
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}

BoolArray = npt.NDArray[np.bool_]
T = TypeVar("T")
_ROLES = tuple(Role)


# -- data derived once per revision ------------------------------------------------------------


class PageData:
    """What the pages derive from one cached analysis, each part computed on first use.

    Bound to the ``CompactGraph`` of a ``CachedAnalysis`` (a new revision has a new graph);
    the expensive layout is also kept by a fingerprint of the map, so it survives a store that
    cannot tell its revision.
    """

    def __init__(self, cached: CachedAnalysis, layouts: LayoutCache) -> None:
        self.graph: CompactGraph = cached.graph
        self.analysis: Analysis = cached.analysis
        self._layouts = layouts
        self._lock = threading.Lock()
        self._charts: dict[str, Markup] = {}
        self._views: OrderedDict[Hashable, CachedView] = OrderedDict()

    @property
    def layout(self) -> Layout:
        with self._lock:
            return self._layouts.get(self.graph, self.analysis.clusters.labels)

    @cached_property
    def brokers(self) -> list[int]:
        """The nodes of the analysis' brokers, the strongest first."""
        return [n for b in self.analysis.brokers.listed if (n := self.node(b.id)) is not None]

    @cached_property
    def cluster_core(self) -> dict[int, list[tuple[str, str]]]:
        """Per listed cluster, the first three core members as (name, link to their page):
        built once per revision, so the network page does not build a hundred links a visit."""
        return {c.id: [(self.name_of(m), url_for("pages.person", name=self.graph.name,
                                                  person_id=m)) for m in c.core_members[:3]]
                for c in self.analysis.clusters.listed}

    @cached_property
    def broker_links(self) -> list[str]:
        """The link to each listed broker's page, in the order of the list."""
        return [url_for("pages.person", name=self.graph.name, person_id=b.id)
                for b in self.analysis.brokers.listed]

    @cached_property
    def reached(self) -> BoolArray:
        """The core and everyone within the analysis' hops of it, over its channels."""
        options = self.analysis.options
        channels = self.graph.channels(options.min_trust)
        return within_hops(channels, self.graph.core_mask, options.hops)

    @cached_property
    def tie_counts(self) -> dict[str, npt.NDArray[np.int64]]:
        return figures.group_tie_counts(self.graph)

    @cached_property
    def segments(self) -> list[figures.SegmentReach]:
        return figures.segment_reach(self.graph, self.reached)

    @cached_property
    def people_index(self) -> SearchIndex:
        """Everyone's folded name, organisation and id: the people search and name picking."""
        return SearchIndex(self.graph)

    @cached_property
    def small_cut_offs(self) -> list[tuple[int, int]]:
        """(person, how many) for everyone whose departure would cut someone off from the core,
        but fewer people than the map reports as a gap (``spof_min_cut_off``); most first."""
        options = self.analysis.options
        core = self.graph.core_mask
        if self.graph.n == 0 or not core.any():
            return []
        cut, _ = spof_cut_off_and_components(self.graph.channels(options.min_trust), core)
        hit = np.flatnonzero((cut >= 1) & (cut < options.spof_min_cut_off))
        order = hit[np.lexsort((hit, -cut[hit]))]
        return [(int(v), int(cut[v])) for v in order.tolist()]

    @cached_property
    def suggested_roles(self) -> npt.NDArray[np.int8]:
        """Each person's suggested role as an index in ``Role`` (-1: none, or not engaged)."""
        suggested = np.full(self.graph.n, -1, dtype=np.int8)
        for r in self.analysis.roles:
            if r.inferred is not None:
                suggested[self.graph.index_of(r.id)] = _ROLES.index(Role(r.inferred))
        return suggested

    @cached_property
    def roles_by_id(self) -> dict[str, RoleInference]:
        return {r.id: r for r in self.analysis.roles}

    def chart(self, key: str, build: Callable[[], go.Figure | dict[str, Any]]) -> Markup:
        """A figure's JSON (safe in a data block), built once per revision: building Plotly
        figures costs more than everything else a page does."""
        with self._lock:
            cached = self._charts.get(key)
        if cached is None:
            cached = figure_json(build())
            with self._lock:
                self._charts[key] = cached
        return cached

    def network(self, key: Hashable, build: Callable[[], NetworkView]) -> CachedView:
        """The network picture for one set of filters, the last few kept (JSON and words)."""
        with self._lock:
            cached = self._views.get(key)
            if cached is not None:
                self._views.move_to_end(key)
        if cached is None:
            view = build()
            cached = CachedView(view.view, view.people, view.ties, view.note, view.fallback,
                                figure_json(view.figure))
            with self._lock:
                self._views[key] = cached
                while len(self._views) > 16:
                    self._views.popitem(last=False)
        return cached

    def node(self, person_id: str) -> int | None:
        try:
            return self.graph.index_of(person_id)
        except KeyError:
            return None

    def name_of(self, person_id: str) -> str:
        node = self.node(person_id)
        return (self.graph.names[node] or person_id) if node is not None else person_id


@dataclass(frozen=True)
class CachedView:
    """A network picture ready for the page: what it shows, and its figure as JSON."""

    view: str
    people: int
    ties: int
    note: str
    fallback: bool
    figure: Markup


class LayoutCache:
    """Layouts by a fingerprint of the map's people, segments and ties (least recent dropped)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._entries: OrderedDict[str, Layout] = OrderedDict()
        self._lock = threading.Lock()
        self._by_graph: WeakKeyDictionary[CompactGraph, Layout] = WeakKeyDictionary()

    def get(self, graph: CompactGraph, clusters: npt.NDArray[np.int64] | None = None) -> Layout:
        """The layout of ``graph``, in the regions of ``clusters`` (a label per person) when
        given."""
        layout = self._by_graph.get(graph)
        if layout is not None:
            return layout
        key = _fingerprint(graph, clusters)
        with self._lock:
            layout = self._entries.get(key)
            if layout is not None:
                self._entries.move_to_end(key)
        if layout is None:
            layout = compute_layout(graph, clusters=clusters)
            with self._lock:
                self._entries[key] = layout
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        self._by_graph[graph] = layout
        return layout


def _fingerprint(graph: CompactGraph, clusters: npt.NDArray[np.int64] | None = None) -> str:
    h = hashlib.blake2b(digest_size=20)
    if clusters is not None:
        h.update(np.ascontiguousarray(clusters).tobytes())
    h.update(graph.name.encode())
    h.update("\0".join(graph.ids).encode())
    h.update("\0".join(graph.segment_names).encode())
    h.update("\0".join(graph.expected_segments).encode())
    for array in (graph.edge_u, graph.edge_v, graph.segment_indptr, graph.segment_indices,
                  graph.group, graph.engagement, graph.declared_role):
        h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


class _PagesState:
    def __init__(self) -> None:
        self.layouts = LayoutCache()
        self.data: WeakKeyDictionary[CompactGraph, PageData] = WeakKeyDictionary()
        self.lock = threading.Lock()


def app_extension(key: str, make: Callable[[], T]) -> T:
    """The app's one ``make()`` kept under ``key`` in ``app.extensions``, made on first use
    (what a blueprint derives and keeps between requests)."""
    app = cast(Flask, current_app)
    found = app.extensions.get(key)
    if found is None:
        found = app.extensions.setdefault(key, make())
    return cast(T, found)


def _state() -> _PagesState:
    return app_extension("movemap.pages", _PagesState)


def page_as_of() -> date | None:
    """The page's ``?as_of=YYYY-MM-DD`` when it is a real day before today (the date control),
    else ``None``: the map today."""
    text = request.args.get("as_of", "").strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
    return day if day is not None and day < date.today() else None


def page_data(name: str) -> PageData:
    """The cached analysis of ``name`` (or, with the date control, of the map as it stood on
    that day) and what the pages derive from it; 404 when absent."""
    day = page_as_of()
    try:
        cached = analysis_for(name, None if day is None else options_for(name, as_of=day))
    except NotFound:
        abort(404, f"There is no constituency called {name!r} in the store yet.")
    state = _state()
    with state.lock:
        data = state.data.get(cached.graph)
        if data is None:
            data = PageData(cached, state.layouts)
            state.data[cached.graph] = data
    return data


# -- helpers for templates ---------------------------------------------------------------------


def figure_json(fig: go.Figure | dict[str, Any] | Markup) -> Markup:
    """A figure as JSON safe inside ``<script type="application/json">`` (no ``</script>``).

    Already serialised JSON (a ``Markup`` from ``PageData.chart``) passes through; a plain
    figure (a dict, as ``dashboards.animation`` builds) is written compactly."""
    if isinstance(fig, Markup):
        return fig
    text = (cast(str, fig.to_json()) if isinstance(fig, go.Figure)
            else json.dumps(fig, separators=(",", ":"), allow_nan=False))
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {
        "percent": percent,
        "plural": plural,
        "group_label": group_label,
        "segment_label": segment_label,
        "role_label": role_label,
        "engagement_label": engagement_label,
        "trust_label": trust_label,
        "figure_json": figure_json,
        "may_edit": _may_edit,
        "as_of": page_as_of(),
    }


def _may_edit(name: str) -> bool:
    account = current_account()
    return account is not None and account.may(name, "editor")


def _int_arg(key: str, default: int, lo: int, hi: int) -> int:
    try:
        value = int(request.args.get(key, default))
    except (TypeError, ValueError):
        return default
    return min(max(value, lo), hi)


def _choice_arg(key: str, choices: set[str]) -> str | None:
    value = request.args.get(key, "").strip()
    return value if value in choices else None


@dataclass(frozen=True)
class Pager:
    page: int
    pages: int
    total: int
    size: int

    @property
    def start(self) -> int:
        return (self.page - 1) * self.size


def _pager(total: int, size: int) -> Pager:
    pages = max(1, math.ceil(total / size))
    return Pager(_int_arg("page", 1, 1, pages), pages, total, size)


@bp.errorhandler(MovemapError)
def _movemap_error(error: MovemapError) -> ResponseReturnValue:
    """An error of ours (a store that cannot be used, someone removed meanwhile…): a plain page,
    never a traceback."""
    status = 404 if isinstance(error, NotFound) else 503 if isinstance(error, StoreError) else 400
    return render_template("error.html", status=status, message=str(error)), status


def _sorted_gaps(gaps: list[Gap]) -> list[Gap]:
    return sorted(gaps, key=lambda g: SEVERITY_ORDER.get(g.severity, 3))


# -- plotly.js and the home page ---------------------------------------------------------------


@bp.route("/static/vendor/plotly.min.js")
@public
def plotly_js() -> ResponseReturnValue:
    """plotly.js from the plotly package (the CSP allows scripts from our own origin only)."""
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=7 * 24 * 3600,
                     conditional=True)


@bp.route("/")
def home() -> ResponseReturnValue:
    account = current_account()
    names = sorted(account.roles) if account else []
    rows: list[dict[str, Any]] = []
    for name in names:
        row: dict[str, Any] = {"name": name, "role": account.roles[name] if account else ""}
        try:
            data = page_data(name)
        except HTTPException as exc:  # a map granted but not (yet) in the store
            if exc.code != 404:
                raise
            row["missing"] = True
        else:
            row.update(size=data.analysis.size, ties=data.analysis.ties,
                       reach=data.analysis.core.reach, share=data.analysis.core.share,
                       target=data.analysis.options.target_reach)
        rows.append(row)
    return render_template("home.html", constituencies=rows)


# -- overview ----------------------------------------------------------------------------------


@bp.route("/c/<name>/")
@requires_role("viewer")
def overview(name: str) -> ResponseReturnValue:
    data = page_data(name)
    a = data.analysis
    next_people = next_rows(data, a.recommended_core.added)
    to_target = a.to_reach_target
    ready = a.ready
    ready_rows = None if ready is None else {
        "recommended": next_rows(data, ready.recommended_core.added),
        "to_target": next_rows(data, ready.to_reach_target.added)}
    serious = gap_cards(a.gaps, data.name_of, limit=0)[:OVERVIEW_GAP_KINDS]
    charts = {
        "core-targets": data.chart("core-targets", lambda: figures.core_targets(a)),
        "group-sizes": data.chart("group-sizes", lambda: figures.group_sizes(a)),
        "reach-by-group": data.chart("reach-by-group", lambda: figures.reach_by_group(a)),
    }
    return render_template(
        "overview.html", name=name, a=a, charts=charts, next_people=next_people,
        to_target=to_target, serious=serious, active="overview", ready=ready,
        ready_rows=ready_rows, target_members=next_rows(data, to_target.added))


def next_rows(data: PageData, added: Sequence[Addition]) -> list[dict[str, Any]]:
    """The first ``NEXT_LISTED`` people of a plan as the overview lists them: who, their group
    and engagement now, and whom they bring by group (why the greedy chose them)."""
    rows = []
    for addition in added[:NEXT_LISTED]:
        node = data.node(addition.id)
        rows.append({
            "id": addition.id, "name": data.name_of(addition.id), "gain": addition.gain,
            "group": group_label(int(data.graph.group[node])) if node is not None else "",
            "engagement": engagement_label(addition.engagement) if addition.engagement
            else "",
            "brings": brought_words(addition.brings_by_group),
        })
    return rows


# -- network -----------------------------------------------------------------------------------


_NETWORK_ARGS = frozenset({"trust", "min_strength", "group", "segment", "engagement", "view",
                           "person", "steps", "as_of", "colour"})
"""The query the network page keeps in its own links (nothing else is passed on)."""


def _network_filters() -> tuple[NetworkFilters, list[str]]:
    """The filters of the query string; values that do not fit are ignored (and said so)."""
    ignored: list[str] = []
    args = request.args
    trust = _choice_arg("trust", {t.value for t in TRUST_TYPES})
    group = _choice_arg("group", {g.value for g in GROUPS})
    view = _choice_arg("view", set(VIEWS)) or "auto"
    for key, value in (("trust", trust), ("group", group)):
        if args.get(key) and value is None:
            ignored.append(key)
    segment = args.get("segment", "").strip() or None
    filters = NetworkFilters(
        trust=trust, min_strength=_int_arg("min_strength", 1, 1, 3), group=group,
        segment=segment, engagement=_int_arg("engagement", 0, 0, len(Engagement) - 1),
        view=view, brokers=args.get("brokers") == "1",
        colour=_choice_arg("colour", set(COLOURINGS)) or "group")
    return filters, ignored


@bp.route("/c/<name>/network")
@requires_role("viewer")
def network(name: str) -> ResponseReturnValue:
    data = page_data(name)
    graph = data.graph
    filters, ignored = _network_filters()
    if filters.segment and filters.segment not in graph.segment_names:
        notify(f"Nobody in the map is in {segment_label(filters.segment)}.", "info")
    person_id = request.args.get("person", "").strip()[:MAX_PICKED]
    steps = _int_arg("steps", 1, 1, 3)
    selected: dict[str, Any] | None = None
    highlight = None
    if person_id:
        try:  # an id, or a name only one person has
            node: int | None = data.people_index.resolve(person_id)
        except PersonNotFound as exc:
            node = None
            notify(str(exc), "error")
        if node is not None and graph.ids[node] != person_id:
            # found by a typed name: the address keeps the id, never the name
            kept: dict[str, Any] = {k: v for k, v in request.args.items()
                                    if k in _NETWORK_ARGS}
            return redirect(url_for("pages.network", name=name,
                                    **{**kept, "person": graph.ids[node]}))
        if node is not None:
            keep = tie_mask(graph, filters, np.ones(graph.n, dtype=bool))
            highlight = neighbourhood(graph, node, steps, keep)
            selected = _neighbourhood_data(data, node, steps, keep, positions=False)
    parts = None
    if filters.colour == "purpose":
        from service.pages_purpose import network_parts
        parts = network_parts(name, graph)
    key = (filters, person_id if highlight is not None else "", steps,
           None if parts is None else hashlib.blake2b(parts.tobytes(), digest_size=16).hexdigest())
    view = data.network(key, lambda: network_view(
        graph, data.layout, filters, reached=data.reached, highlight=highlight,
        clusters=data.analysis.clusters, brokers=data.brokers, parts=parts))
    query: dict[str, Any] = {k: v for k, v in request.args.items() if k in _NETWORK_ARGS}
    return render_template(
        "network.html", name=name, data=data, view=view, filters=filters, ignored=ignored,
        selected=selected, person_id=person_id, steps=steps, active="network",
        groups=GROUPS, trust_types=TRUST_TYPES, engagements=list(Engagement),
        segments=graph.segment_names, clusters=data.analysis.clusters,
        brokers=data.analysis.brokers,
        brokers_url=url_for("pages.network", name=name, **{**query, "brokers": "1"}),
        picker=person_picker(name, "network-people"))


def _neighbourhood_data(data: PageData, node: int, steps: int, keep: BoolArray,
                        positions: bool) -> dict[str, Any]:
    graph = data.graph
    around = neighbourhood(graph, node, steps, keep)
    rings = []
    for step, members in enumerate(around.by_step, start=1):
        listed = members[:NEIGHBOURS_LISTED].tolist()
        rings.append({
            "step": step, "count": int(members.size),
            "people": [{"id": graph.ids[i], "name": graph.names[i] or graph.ids[i],
                        "group": group_label(int(graph.group[i])),
                        "url": url_for("pages.person", name=graph.name,
                                       person_id=graph.ids[i])} for i in listed],
        })
    result: dict[str, Any] = {
        "person": person_details(graph, node), "steps": steps, "rings": rings,
        "total": around.total,
        "url": url_for("pages.person", name=graph.name, person_id=graph.ids[node]),
    }
    if positions:  # everyone around, for the picture to outline (it knows where it drew them)
        nodes = np.concatenate([*around.by_step, np.zeros(0, dtype=np.int64)])[:MAX_OUTLINED]
        result["around"] = [graph.ids[i] for i in nodes.tolist()]
    return result


@bp.route("/c/<name>/network/person")
@requires_role("viewer")
def network_person(name: str) -> ResponseReturnValue:
    """JSON for the network's detail panel: a person and their neighbourhood 1–3 steps out."""
    data = page_data(name)
    person_id = request.args.get("id", "").strip()
    node = data.node(person_id) if person_id else None
    if node is None:
        return jsonify({"error": "not_found",
                        "message": f"There is nobody with the id {person_id!r} in this map."}), 404
    filters, _ = _network_filters()
    keep = tie_mask(data.graph, filters, np.ones(data.graph.n, dtype=bool))
    return jsonify(_neighbourhood_data(data, node, _int_arg("steps", 1, 1, 3), keep,
                                       positions=True))


# -- gaps --------------------------------------------------------------------------------------


PAGE_GAPS_PER_KIND = 25
"""The gaps page shows at most this many gaps of one kind (the most serious first) and says how
many more there are; the API pages through all of them. A map at its limits can hold thousands
of one kind, and a page of all of them would be too large to read or to send."""
PAGE_SEGMENT_ROWS = 200
"""At most this many rows in the gaps page's table of segments: expected ones first, then the
least reached."""


def _shown_gaps(ordered: list[Gap]) -> tuple[list[Gap], dict[str, int]]:
    """The gaps the page lists (``PAGE_GAPS_PER_KIND`` of each kind) and how many of each kind
    it leaves out."""
    shown: list[Gap] = []
    seen: dict[str, int] = {}
    for gap in ordered:
        seen[gap.kind] = seen.get(gap.kind, 0) + 1
        if seen[gap.kind] <= PAGE_GAPS_PER_KIND:
            shown.append(gap)
    return shown, {k: n - PAGE_GAPS_PER_KIND for k, n in seen.items() if n > PAGE_GAPS_PER_KIND}


@bp.route("/c/<name>/gaps")
@requires_role("viewer")
def gaps(name: str) -> ResponseReturnValue:
    data = page_data(name)
    a = data.analysis
    ordered = _sorted_gaps(a.gaps)
    shown, more = _shown_gaps(ordered)
    cards = gap_cards(a.gaps, data.name_of, limit=PAGE_GAPS_PER_KIND)
    spofs = [{"id": g.subject, "name": data.name_of(g.subject),
              "cut_off": g.evidence.get("cut_off", 0), "in_core": g.evidence.get("in_core"),
              "message": g.message}
             for g in shown if g.kind == "single_point_of_failure"]
    small = data.small_cut_offs
    graph = data.graph
    small_cut_offs = {
        "count": len(small), "cut_off": sum(k for _, k in small),
        "people": [{"id": graph.ids[v], "name": graph.names[v] or graph.ids[v], "cut_off": k}
                   for v, k in small[:NEIGHBOURS_LISTED]],
    }
    segment_rows = sorted(data.segments, key=lambda r: (not r.expected, r.share or 0))
    segments_left = max(0, len(segment_rows) - PAGE_SEGMENT_ROWS)
    kept = {id(r) for r in segment_rows[:PAGE_SEGMENT_ROWS]}
    segment_rows = [r for r in data.segments if id(r) in kept]  # in the table's own order
    counts = {s: sum(1 for g in a.gaps if g.severity == s) for s in SEVERITY_ORDER}
    people = a.groups.get("people", 0)
    givers = a.groups.get("givers_of_service", 0)
    charts = {
        "group-mix": data.chart("group-mix", lambda: figures.group_mix(a)),
        "group-ties": data.chart("group-ties",
                                 lambda: figures.group_tie_heatmaps(data.tie_counts)),
        "segment-reach": data.chart("segment-reach",
                                    lambda: figures.segment_reach_figure(data.segments)),
    }
    return render_template(
        "gaps.html", name=name, a=a, cards=cards, all_gaps=len(ordered), more=more,
        per_kind=PAGE_GAPS_PER_KIND, spofs=spofs, small_cut_offs=small_cut_offs,
        spof_min=a.options.spof_min_cut_off, core_size=int(graph.core_mask.sum()),
        counts=counts, charts=charts, segments=segment_rows,
        segments_left=segments_left, people=people, givers=givers, active="gaps",
        ratio_limit=a.options.givers_to_people_max_ratio, tie_counts=data.tie_counts,
        group_pairs=[(x, y) for x in GROUPS for y in GROUPS if x.index <= y.index],
        trust_types=TRUST_TYPES)


# -- roles -------------------------------------------------------------------------------------

_ROLE_FILTERS = {
    "all": "everyone engaged",
    "differ": "where declared and suggested roles differ",
    "declared": "with a declared role",
    "lone_wolf": "suggested lone wolves",
}


@bp.route("/c/<name>/roles")
@requires_role("viewer")
def roles(name: str) -> ResponseReturnValue:
    data = page_data(name)
    a = data.analysis
    show = _choice_arg("show", set(_ROLE_FILTERS)) or "all"
    chosen: list[RoleInference] = {
        "all": a.roles,
        "differ": [r for r in a.roles if r.declared != r.inferred],
        "declared": [r for r in a.roles if r.declared is not None],
        "lone_wolf": [r for r in a.roles if r.inferred == "lone_wolf"],
    }[show]
    pager = _pager(len(chosen), ROLES_PAGE_SIZE)
    rows = [{
        "id": r.id, "name": data.name_of(r.id), "declared": r.declared, "inferred": r.inferred,
        "agrees": r.agrees, "summary": role_summary(r.declared, r.inferred),
        "checks": role_checks(r.evidence),
    } for r in chosen[pager.start:pager.start + pager.size]]
    at_risk = [{"id": g.subject, "name": data.name_of(g.subject), "message": g.message}
               for g in a.gaps if g.kind == "lone_wolf_at_risk"]
    counts = {
        "engaged": len(a.roles),
        "declared": sum(1 for r in a.roles if r.declared),
        "inferred": sum(1 for r in a.roles if r.inferred),
        "agree": sum(1 for r in a.roles if r.declared and r.declared == r.inferred),
        "differ": sum(1 for r in a.roles if r.declared != r.inferred),
    }
    return render_template(
        "roles.html", name=name, a=a, rows=rows, at_risk=at_risk, pager=pager, show=show,
        filters=_ROLE_FILTERS, counts=counts,
        charts={"role-matrix": data.chart("role-matrix", lambda: figures.role_matrix(a))},
        active="roles")


# -- people: list, search, add, import ---------------------------------------------------------


def person_picker(name: str, datalist: str, value: str = "id") -> dict[str, str]:
    """The attributes that make a text input pick a person as you type (``movemap.js`` fills
    the ``<datalist>`` from ``person_search``; without scripts the input takes a name or id).
    ``value``: what a pick puts in the input: ``id``, ``name`` or ``label`` (the name with
    the organisation and id, which ``SearchIndex.resolve`` reads back)."""
    return {"list": datalist, "autocomplete": "off", "data-person-value": value,
            "data-person-search": url_for("pages.person_search", name=name)}


@bp.post("/c/<name>/person-search")
@requires_role("viewer")
def person_search(name: str) -> ResponseReturnValue:
    """JSON for the search as you type: ``q`` (at most ``MAX_QUERY`` characters) and ``limit``
    (1 to ``MAX_RESULTS``), sent in the body of a POST with the page's CSRF token (in an
    ``X-CSRFToken`` header), so the part of a name someone types never sits in an address,
    a proxy's log or the browser's history; each match with the organisation and id that tell
    it apart."""
    query = request.form.get("q", "")
    if len(query) > MAX_QUERY:
        return jsonify({"error": "too_long",
                        "message": f"Search with at most {MAX_QUERY} characters."}), 400
    limit = request.form.get("limit", "")
    wanted = int(limit) if limit.isascii() and limit.isdigit() and len(limit) < 19 else (
        DEFAULT_RESULTS)
    found = page_data(name).people_index.find(query, min(max(wanted, 1), MAX_RESULTS))
    return jsonify({"query": query, "people": [m.to_dict() for m in found]})


def _people_page(name: str, *, person_form: PersonForm | None = None,
                 import_form: ImportForm | None = None,
                 problems: list[Problem] | None = None, status: int = 200,
                 plan: ImportPlan | None = None) -> ResponseReturnValue:
    data = page_data(name)
    graph = data.graph
    filters, ignored = read_filters(request.args, graph.segment_names)
    if ignored:
        notify(f"Ignored what the list cannot use: {', '.join(ignored)}.", "info")
    index = data.people_index
    found = select(graph, filters, text=index.text, name_rank=index.name_rank,
                   suggested=data.suggested_roles, reached=data.reached)
    pager = _pager(int(found.size), PAGE_SIZE)
    rows = []
    degree = graph.indptr[1:] - graph.indptr[:-1]
    for i in found[pager.start:pager.start + pager.size].tolist():
        role = int(graph.declared_role[i])
        suggested = int(data.suggested_roles[i])
        rows.append({
            "id": graph.ids[i], "name": graph.names[i], "group": group_label(int(graph.group[i])),
            "engagement": engagement_label(int(graph.engagement[i])),
            "role": None if role < 0 else role_label(_ROLES[role].value),
            "suggested": None if suggested < 0 else role_label(_ROLES[suggested].value),
            "segments": [segment_label(s) for s in graph.segments_of(i)],
            "ties": int(degree[i]), "in_core": bool(graph.core_mask[i]),
            "reached": bool(data.reached[i]),
        })
    if person_form is None:
        person_form = PersonForm(formdata=None)
    if import_form is None:
        import_form = ImportForm(formdata=None)
    shown_problems = (problems or [])[:MAX_PROBLEMS_SHOWN]
    return render_template(
        "people.html", name=name, data=data, rows=rows, query=filters.q, pager=pager,
        filters=filters, sorts=SORTS, **_people_choices(graph, filters),
        picker=person_picker(name, "search-people", "name"),
        person_form=person_form, import_form=import_form, problems=shown_problems,
        problems_total=len(problems or []), active="people", as_of=page_as_of(),
        plan=None if plan is None else plan.to_dict()), status


def _people_choices(graph: CompactGraph, filters: PeopleFilters) -> dict[str, list[Any]]:
    """The (value, words) options of the people list's filters; the segments are the first
    ``PAGE_SEGMENT_ROWS`` of the map, and the chosen one."""
    segments = list(graph.segment_names[:PAGE_SEGMENT_ROWS])
    if filters.segment and filters.segment not in segments:
        segments.append(filters.segment)
    return {
        "group_options": [(g.value, group_label(g.value)) for g in GROUPS],
        "segment_options": [(s, segment_label(s)) for s in segments],
        "engagement_options": [(e.value, engagement_label(e.value)) for e in Engagement],
        "role_options": [*((r.value, role_label(r.value)) for r in _ROLES), ("none", "none")],
    }


def _exists(store: GraphStore, name: str, person_id: str) -> bool:
    try:
        store.get_person(name, person_id)
    except NotFound:
        return False
    return True


@bp.get("/c/<name>/people")
@requires_role("viewer")
def people(name: str) -> ResponseReturnValue:
    return _people_page(name)


def _reach_change(before: Analysis, after: Analysis) -> str:
    change = (f"The map has {plural(after.size, 'person', 'people')} and "
              f"{plural(after.ties, 'tie')}; the engaged core reaches "
              f"{percent(after.core.reach, below=after.options.target_reach)}")
    if round(before.core.reach * 100) != round(after.core.reach * 100):
        change += f" (was {percent(before.core.reach, below=before.options.target_reach)})"
    return change + "."


def page_cases() -> UseCases:
    """The use cases, acting as the signed-in account through the dashboard."""
    account = current_account()
    assert account is not None  # requires_role let them in
    return use_cases(account.email, "dashboard")


def form_version(text: str | None) -> int | None:
    """The version a form showed (its hidden field), or ``None`` when it is not a plain
    number."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def _stale(exc: StaleVersion) -> None:
    """Say who changed what since the page was opened (nothing was saved)."""
    notify(f"Nothing was saved: {exc} Your changes are still in the form below; check them "
          "against the page as it is now and save again.", "error")


def _after_write(name: str, before: Analysis, what: str) -> None:
    """Drop the cached analysis, analyse again (the next page needs it) and say what changed."""
    invalidate(name)
    after = analysis_for(name).analysis
    notify(f"{what} {_reach_change(before, after)}", "success")


@bp.post("/c/<name>/people")
@requires_role("editor")
def add_person(name: str) -> ResponseReturnValue:
    data = page_data(name)
    form = PersonForm()
    if form.validate_on_submit():
        person = person_from_form(form)
        if person is not None:
            store = get_store()
            if _exists(store, name, person.id):
                form.id.errors = [*form.id.errors,
                                  f"Someone in this map already has the id {person.id!r}."]
            else:
                page_cases().save_person(name, person, on=form.on.data)
                _after_write(name, data.analysis, f"Added {person.name or person.id}.")
                return redirect(url_for("pages.person", name=name, person_id=person.id))
    notify("The person was not added: see what is wrong next to the fields.", "error")
    return _people_page(name, person_form=form, status=400)


@bp.post("/c/<name>/import")
@requires_role("editor")
def import_files(name: str) -> ResponseReturnValue:
    data = page_data(name)
    form = ImportForm()
    if not form.validate_on_submit():
        notify("Nothing was imported: choose a map file, or both CSV files.", "error")
        return _people_page(name, import_form=form, status=400)
    warnings: list[str] = []
    pair = form.relationships.data is not None and bool(form.relationships.data.filename)
    fields = ((form.people, "people.csv"), (form.relationships, "relationships.csv"))[
        :2 if pair else 1]
    given = [Path(field.data.filename or default).name or default for field, default in fields]
    with unnamed_copies([(field.data.stream, secure_filename(file_name) or default)
                         for (field, default), file_name in zip(fields, given, strict=True)]
                        ) as paths:
        shown: dict[str, str] = {}  # temporary path -> the name the user uploaded
        for path, file_name in zip(paths, given, strict=True):
            shown.update({str(path): file_name, path.name: file_name})
        account = current_account()
        assert account is not None
        plan = ImportPlan(name) if form.dry_run.data else None
        try:
            summary, _change_set = use_cases(
                account.email, "dashboard import " + " ".join(
                    shown[str(p)] for p in paths)).import_tables(
                name, read_files(paths), on=form.on.data, replace=bool(form.replace.data),
                on_warning=warnings.append, plan=plan)
        except ImportFailed as exc:
            problems = [replace(p, file=uploaded_name(p.file, shown)) for p in exc.problems]
            notify(f"Nothing was imported: the files have "
                  f"{plural(len(problems), 'problem')}, listed below by line.", "error")
            return _people_page(name, import_form=form, problems=problems, status=400)
        except MovemapError as exc:
            notify(f"Nothing was imported: {exc}", "error")
            return _people_page(name, import_form=form, status=400)
    for warning in warnings[:20]:
        for temporary, uploaded in shown.items():
            warning = warning.replace(temporary, uploaded)
        notify(warning, "info")
    if plan is not None:
        notify("Preview: nothing was written. Choose the files again, untick “Preview only” "
               "and import to make these changes.", "info")
        return _people_page(name, import_form=form, plan=plan)
    if summary.changed:
        _after_write(name, data.analysis, (
            f"Imported: {summary.people_added:,} people added, {summary.people_updated:,} "
            f"updated; {summary.relationships_added:,} ties added, "
            f"{summary.relationships_updated:,} updated."))
    else:
        notify("Imported: nothing changed, the map already holds these files.", "success")
    return redirect(url_for("pages.people", name=name))


# -- one person: details, edit, remove, ties ---------------------------------------------------


@bp.get("/c/<name>/export/<format_name>")
@requires_role("viewer")
def export_map(name: str, format_name: str) -> ResponseReturnValue:
    """The map (as of the date control's day; only the People page's filters, when its link
    carries them) in any format movemap writes (``pseudonymise=yes``: pseudonymised, k = 5)."""
    from graph.export_view import InvalidView
    from graph.formats.pseudonymise import DEFAULT_K
    from service.exports import MIMETYPES, download_name, export_bytes, view_from_args

    if format_name not in MIMETYPES:
        abort(404)
    get_store().get_constituency(name)
    day = page_as_of()
    shared = request.args.get("pseudonymise") == "yes"
    try:
        view = view_from_args(request.args)
        data = export_bytes(page_cases(), name, format_name, day,
                            DEFAULT_K if shared else None, view)
    except InvalidView as exc:
        abort(400, str(exc))
    file_name = download_name(name, format_name, day, shared, view)
    return Response(data, mimetype=MIMETYPES[format_name], headers={
        "Content-Disposition": f'attachment; filename="{file_name}"',
        "Cache-Control": "no-store"})


@bp.get("/csv-templates/<file_name>")
def csv_template(file_name: str) -> ResponseReturnValue:
    """``people.csv`` or ``relationships.csv`` to fill in, with an example row
    (the same files as ``movemap template``)."""
    from graph.csv_templates import TEMPLATES

    text = TEMPLATES.get(file_name)
    if text is None:
        abort(404)
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{file_name}"'})


def _ties_of(data: PageData, node: int) -> list[dict[str, Any]]:
    graph = data.graph
    start, end = int(graph.indptr[node]), int(graph.indptr[node + 1])
    recruits = set(graph.recruit_target[graph.recruit_source == node].tolist())
    recruiters = set(graph.recruit_source[graph.recruit_target == node].tolist())
    rows = []
    for slot in range(start, end):
        other = int(graph.indices[slot])
        edge = int(graph.slot_edge[slot])
        since = day_to_date(int(graph.edge_since[edge]))
        rows.append({
            "id": graph.ids[other], "name": graph.names[other] or graph.ids[other],
            "group": group_label(int(graph.group[other])),
            "in_core": bool(graph.core_mask[other]),
            "strength": {t.value: int(graph.strength[t.value][edge]) for t in TRUST_TYPES},
            "recruited": "out" if other in recruits else "in" if other in recruiters else "no",
            "since": since,
        })
    rows.sort(key=lambda r: (str(r["name"]).casefold(), str(r["id"])))
    return rows


def _person_page(name: str, person_id: str, *, edit_form: PersonForm | None = None,
                 tie_form: TieForm | None = None, delete_form: DeleteForm | None = None,
                 status: int = 200) -> ResponseReturnValue:
    data = page_data(name)
    try:
        person, version = page_cases().person(name, person_id)
    except NotFound:
        abort(404, f"There is nobody with the id {person_id!r} in this map.")
    node = data.node(person_id)
    ties = _ties_of(data, node) if node is not None else []
    if edit_form is None:
        edit_form = PersonForm(formdata=None)
        person_to_form(person, edit_form)
        edit_form.version.data = str(version)
    delete_form = delete_form or DeleteForm(formdata=None)
    if not delete_form.version.data:
        delete_form.version.data = str(version)
    if tie_form is None:
        tie_form = TieForm(formdata=None)
        tie_form.person.data = person_id
        other = request.args.get("tie", "").strip()
        existing = next((t for t in ties if t["id"] == other), None)
        if existing is not None:
            tie_form.other.data = other
            for trust in TRUST_TYPES:
                getattr(tie_form, trust.value).data = existing["strength"][trust.value]
            tie_form.recruited.data = existing["recruited"]
            tie_form.since.data = existing["since"]
            tie_form.version.data = str(_pair_version(page_cases(), name, person_id, other) or "")
    tie_form.other.render_kw = person_picker(name, "tie-people")
    rings: list[dict[str, Any]] = []
    if node is not None:
        around = neighbourhood(data.graph, node, 3)
        rings = [{"step": i, "count": int(m.size)} for i, m in enumerate(around.by_step, 1)]
    role = data.roles_by_id.get(person_id)
    person_gaps = findings_about(_sorted_gaps(data.analysis.gaps), person_id, data.name_of)
    return render_template(
        "person.html", name=name, person=person, node=node, ties=ties, rings=rings,
        edit_form=edit_form, tie_form=tie_form, delete_form=delete_form,
        remove_tie=TieDeleteForm(formdata=None), role=role,
        role_checks=role_checks(role.evidence) if role else [],
        role_summary=role_summary(role.declared, role.inferred) if role else None,
        person_gaps=person_gaps, in_core=person.in_core, active="people",
        in_recommended=person_id in {x.id for x in data.analysis.recommended_core.added}), status


@bp.get("/c/<name>/people/<path:person_id>")
@requires_role("viewer")
def person(name: str, person_id: str) -> ResponseReturnValue:
    return _person_page(name, person_id)


@bp.post("/c/<name>/people/<path:person_id>")
@requires_role("editor")
def change_person(name: str, person_id: str) -> ResponseReturnValue:
    data = page_data(name)
    store = get_store()
    try:
        store.get_person(name, person_id)
    except NotFound:
        abort(404, f"There is nobody with the id {person_id!r} in this map.")
    if request.form.get("action") == "delete":
        delete_form = DeleteForm()
        if not delete_form.validate_on_submit():
            notify("The person was not removed: tick the box to confirm.", "error")
            return _person_page(name, person_id, delete_form=delete_form, status=400)
        how = Removal(delete_form.reason.data or "left")
        try:
            page_cases().remove_person(name, person_id, how, on=delete_form.on.data,
                                   if_version=form_version(delete_form.version.data))
        except StaleVersion as exc:
            _stale(exc)
            return _person_page(name, person_id, status=409)
        except MovemapError as exc:
            delete_form.on.errors = [*delete_form.on.errors, str(exc)]
            notify(f"{data.name_of(person_id)} was not removed: {exc}", "error")
            return _person_page(name, person_id, delete_form=delete_form, status=400)
        _after_write(name, data.analysis,
                     f"{data.name_of(person_id)} left the map (kept in the history)."
                     if how is Removal.LEFT else
                     f"Removed {data.name_of(person_id)} and their ties (entered by mistake; "
                     "undo it from the history).")
        return redirect(url_for("pages.people", name=name))
    form = PersonForm()
    form.id.data = person_id  # the id cannot change: it is how ties find the person
    if form.validate_on_submit():
        changed = person_from_form(form)
        if changed is not None:
            try:
                saved = page_cases().save_person(name, changed, on=form.on.data,
                                             if_version=form_version(form.version.data))
            except StaleVersion as exc:
                _stale(exc)
                return _person_page(name, person_id, edit_form=form, status=409)
            except MovemapError as exc:
                form.joined.errors = [*form.joined.errors, str(exc)]
            else:
                _after_write(name, data.analysis, f"Saved {changed.name or changed.id}."
                             if saved.change_set else "Nothing changed.")
                return redirect(url_for("pages.person", name=name, person_id=person_id))
    notify("The changes were not saved: see what is wrong next to the fields.", "error")
    return _person_page(name, person_id, edit_form=form, status=400)


def _pair_version(cases: UseCases, name: str, a: str, b: str) -> int | None:
    """The version of the tie between ``a`` and ``b`` as the page shows it (recorded either
    way: the later of the two), or ``None`` when there is none."""
    versions = []
    for source, target in ((a, b), (b, a)):
        try:
            versions.append(cases.tie(name, source, target)[1])
        except NotFound:
            continue
    return max(versions) if versions else None


def _has_tie(cases: UseCases, name: str, source: str, target: str) -> bool:
    try:
        cases.tie(name, source, target)
    except NotFound:
        return False
    return True


def _delete_tie(cases: UseCases, name: str, a: str, b: str, how: Removal) -> int:
    """End (or remove) every recorded relationship between ``a`` and ``b``, either way."""
    removed = 0
    with cases.store.transaction():
        for source, target in ((a, b), (b, a)):
            if _has_tie(cases, name, source, target):
                cases.remove_tie(name, source, target, how)
                removed += 1
    return removed


@bp.post("/c/<name>/ties")
@requires_role("editor")
def save_tie(name: str) -> ResponseReturnValue:
    data = page_data(name)
    form = TieForm()
    person_id = (form.person.data or "").strip()
    store = get_store()
    try:
        store.get_person(name, person_id)
    except NotFound:
        abort(404, f"There is nobody with the id {person_id!r} in this map.")
    if form.validate_on_submit():
        try:  # the other person by id, or by a name only they have
            form.other.data = data.graph.ids[data.people_index.resolve(form.other.data or "")]
        except PersonNotFound as exc:
            form.other.errors = [*form.other.errors, str(exc)]
        tie = None if form.other.errors else relationship_from_form(form)
        other = (form.other.data or "").strip()
        if tie is not None and not _exists(store, name, other):
            form.other.errors = [*form.other.errors,
                                 f"There is nobody with the id {other!r} in this map."]
        elif tie is not None:
            cases = page_cases()
            seen = form_version(form.version.data)
            with store.transaction():
                now = _pair_version(cases, name, person_id, other)
                if seen is not None and now != seen:
                    later = [c for c in cases.history(name, person=person_id, limit=10,
                                                      max_changes=0) if c.id > seen]
                    who = "; ".join(f"{c.by} ({c.recorded_at:%Y-%m-%d %H:%M} UTC): "
                                    f"{c.summary}" for c in later[:3]) or "it was removed"
                    notify(f"Nothing was saved: the tie was changed after you opened it: {who}. "
                          "Check it as it is now and save again.", "error")
                    return _person_page(name, person_id, tie_form=form, status=409)
                # the tie is one between two people: the direction says who recruited whom
                reverse = tie.model_copy(update={"source": tie.target, "target": tie.source})
                recorded = {k for k in ((tie.source, tie.target), (tie.target, tie.source))
                            if _has_tie(cases, name, *k)}
                if recorded == {(reverse.source, reverse.target)} and not tie.recruited:
                    tie = reverse  # keep the tie's history where it is recorded
                elif (reverse.source, reverse.target) in recorded:
                    cases.remove_tie(name, reverse.source, reverse.target, Removal.LEFT)
                cases.save_tie(name, tie, on=form.on.data)
            _after_write(name, data.analysis, f"Saved the tie between "
                         f"{data.name_of(person_id)} and {data.name_of(other)}.")
            return redirect(url_for("pages.person", name=name, person_id=person_id))
    notify("The tie was not saved: see what is wrong next to the fields.", "error")
    return _person_page(name, person_id, tie_form=form, status=400)


@bp.post("/c/<name>/ties/delete")
@requires_role("editor")
def delete_tie(name: str) -> ResponseReturnValue:
    data = page_data(name)
    form = TieDeleteForm()
    if not form.validate_on_submit():
        abort(400, "Say which tie to remove.")
    person_id = (form.person.data or "").strip()
    other = (form.other.data or "").strip()
    removed = _delete_tie(page_cases(), name, person_id, other,
                          Removal(form.reason.data or "left"))
    if not removed:
        abort(404, "There is no tie between these two people.")
    _after_write(name, data.analysis, f"Removed the tie between {data.name_of(person_id)} and "
                 f"{data.name_of(other)}.")
    return redirect(url_for("pages.person", name=name, person_id=person_id))


# -- history: every change set, and undo -------------------------------------------------------


@bp.get("/c/<name>/history")
@requires_role("viewer")
def history(name: str) -> ResponseReturnValue:
    cases = page_cases()
    try:
        cases.store.get_constituency(name)
    except NotFound:
        abort(404, f"There is no constituency called {name!r} in the store yet.")
    person = request.args.get("person", "").strip() or None
    before_text = request.args.get("before", "").strip()
    before = int(before_text) if before_text.isdigit() and len(before_text) < 19 else None
    change_sets = cases.history(name, person=person, limit=HISTORY_PAGE, before=before,
                                max_changes=HISTORY_CHANGES)
    return render_template("history.html", name=name, change_sets=change_sets, person=person,
                           older=change_sets[-1].id if len(change_sets) == HISTORY_PAGE
                           else None, undo_form=UndoForm(formdata=None), active="history",
                           shown_changes=HISTORY_CHANGES)


@bp.post("/c/<name>/history/<int:change_set_id>/undo")
@requires_role("editor")
def undo(name: str, change_set_id: int) -> ResponseReturnValue:
    form = UndoForm()
    if not form.validate_on_submit():
        abort(400, "The undo needs the page's form.")
    data = page_data(name)
    try:
        saved = page_cases().undo(name, change_set_id)
    except UndoConflict as exc:
        notify(f"Nothing was undone: {exc}", "error")
    except NotFound:
        abort(404, f"There is no change {change_set_id} in this map.")
    else:
        if saved.change_set is None:
            notify(f"Change {change_set_id} changes nothing any more; nothing to undo.", "info")
        else:
            _after_write(name, data.analysis, f"Undid change {change_set_id} (as change "
                         f"{saved.change_set}, which can itself be undone).")
    return redirect(url_for("pages.history", name=name))


@bp.get("/c/<name>/changes")
@requires_role("viewer")
def changes(name: str) -> ResponseReturnValue:
    """What changed between two days (default: the last 90 days), in plain words."""
    until = _query_day("until") or date.today()
    since = _query_day("since") or until - timedelta(days=CHANGES_DAYS)
    if since > until:
        since, until = until, since
    cases = page_cases()
    try:
        found = changes_between(cases.store, name, since, until)
    except NotFound:
        abort(404, f"There is no constituency called {name!r} in the store yet.")
    names = {p.id: p.name or p.id for day in (since, until)
             for p in cases.people_as_of(name, day)}
    return render_template("changes.html", name=name, c=found, names=names, active="changes",
                           listed=CHANGES_LISTED,
                           target=map_settings(cases.store, name).target_reach)


def _query_day(field: str) -> date | None:
    text = request.args.get(field, "").strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
