"""Per-request store access and the per-constituency analysis cache of the web app.

A store is opened lazily for each request and closed when the request ends (Flask's ``g``), as in
Flask's tutorial. Analyses are cached per constituency and recomputed only when the map changed:
every write made through the app calls ``invalidate(name)``, and a store that can tell its
revision (``store.revision(name)``, changed by every write, from any process) is asked on each
use, so an import made with the CLI is seen too.

Example:
    >>> cached = analysis_for("demo")   # doctest: +SKIP
    >>> cached.analysis.core.reach      # doctest: +SKIP
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from flask import Flask, current_app, g

from graph.analysis import Analysis, AnalysisOptions, analyse
from graph.compact import CompactGraph
from graph.history import Actor
from graph.stores.base import GraphStore, open_store
from graph.usecases import UseCases, map_as_of, map_settings
from service.config import Settings
from service.pictures import PictureFolder

__all__ = ["AnalysisCache", "CachedAnalysis", "analysis_for", "get_store", "init_state",
           "invalidate", "options_for", "use_cases"]


@dataclass(frozen=True)
class CachedAnalysis:
    """A constituency's compact graph and its default analysis, as of ``revision``."""

    graph: CompactGraph
    analysis: Analysis
    revision: object


class AnalysisCache:
    """At most ``size`` analyses, least recently used dropped first; thread-safe."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._entries: OrderedDict[str, CachedAnalysis] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}

    def get(self, store: GraphStore, name: str,
            options: AnalysisOptions | None = None) -> CachedAnalysis:
        """The cached analysis of ``name``, recomputed when the store's revision moved on.

        Only the map's own settings (``graph.map_settings``: the default of every page and
        answer) are cached; other options are computed on demand. A change of the settings
        is a write to the map, so it moves the revision and the next use recomputes.
        """
        if options is not None:
            # the map as it stood on an earlier day, or the current map
            graph = (map_as_of(store, name, options.as_of) if options.as_of < date.today()
                     else store.load_graph(name))
            return CachedAnalysis(graph, analyse(graph, options), None)
        revision = _revision(store, name)
        with self._lock:
            entry = self._entries.get(name)
            if entry is not None and revision is not None and entry.revision == revision:
                self._entries.move_to_end(name)
                return entry
            building = self._building.setdefault(name, threading.Lock())
        with building:  # one thread computes, the others wait for it
            with self._lock:
                entry = self._entries.get(name)
                if entry is not None and revision is not None and entry.revision == revision:
                    return entry
            options = map_settings(store, name).options()
            graph = store.load_graph(name)
            entry = CachedAnalysis(graph, analyse(graph, options), revision)
            with self._lock:
                self._entries[name] = entry
                self._entries.move_to_end(name)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            return entry

    def invalidate(self, name: str) -> None:
        with self._lock:
            self._entries.pop(name, None)


def _revision(store: GraphStore, name: str) -> object:
    """The store's revision of ``name``, or ``None`` when the store cannot tell (no caching)."""
    revision = getattr(store, "revision", None)
    return revision(name) if callable(revision) else None


def init_state(app: Flask, settings: Settings) -> None:
    app.extensions["movemap.cache"] = AnalysisCache(settings.analysis_cache_size)

    @app.teardown_appcontext
    def close_store(_exc: BaseException | None) -> None:
        store = g.pop("movemap_store", None)
        if store is not None:
            store.close()


def get_store() -> GraphStore:
    """The store of this request, opened on first use."""
    if "movemap_store" not in g:
        settings = cast(Settings, current_app.extensions["movemap.settings"])
        g.movemap_store = open_store(settings.store_url)
    return cast(GraphStore, g.movemap_store)


def analysis_for(name: str, options: AnalysisOptions | None = None) -> CachedAnalysis:
    """The analysis of ``name``: with the map's settings (cached) when ``options`` is
    ``None``, else with ``options`` (see ``options_for``)."""
    cache = cast(AnalysisCache, current_app.extensions["movemap.cache"])
    return cache.get(get_store(), name, options)


def options_for(name: str, **overrides: Any) -> AnalysisOptions:
    """The analysis options of map ``name``: its settings, with ``overrides`` (a date, a
    query's choice) taking precedence."""
    return map_settings(get_store(), name).options(**overrides)


def use_cases(by: str, via: str) -> UseCases:
    """The use cases of this request's store, acting as ``by`` through ``via``; every change
    they commit drops the cached analysis of its map, and deletes the pictures it let go."""
    settings = cast(Settings, current_app.extensions["movemap.settings"])
    pictures = cast(PictureFolder | None, current_app.extensions.get("movemap.pictures"))
    return UseCases(get_store(), Actor(by, via), on_change=invalidate, limits=settings.limits,
                    on_pictures_released=None if pictures is None else pictures.forget)


def invalidate(name: str) -> None:
    """Call after every write to ``name`` made through the app."""
    cast(AnalysisCache, current_app.extensions["movemap.cache"]).invalidate(name)
