"""A map's settings: what is valid, the analysis options they give, and that a copy of the map
to another store takes them along."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from graph.analysis import AnalysisOptions
from graph.history import Actor
from graph.map_settings import MapSettings
from graph.model import Constituency, Engagement
from graph.stores.copy import copy_constituencies
from graph.stores.sqlite import SQLiteStore
from graph.usecases import UseCases, map_settings


def test_the_defaults_are_those_of_the_analysis() -> None:
    options, defaults = MapSettings().options(), AnalysisOptions()
    assert (options.target_core_share, options.target_reach, options.hops,
            options.min_engagement) == (defaults.target_core_share, defaults.target_reach,
                                        defaults.hops, None)


def test_settings_become_analysis_options_and_a_callers_choice_wins() -> None:
    settings = MapSettings(target_core_share=0.1, target_reach=0.5, steps=3,
                           min_engagement="contributing")
    options = settings.options()
    assert (options.target_core_share, options.target_reach, options.hops,
            options.min_engagement) == (0.1, 0.5, 3, Engagement.CONTRIBUTING)
    assert settings.options(hops=1, target_reach=0.9).hops == 1
    assert settings.options(min_engagement=None).min_engagement is None


@pytest.mark.parametrize(("values", "field"), [
    ({"steps": 0}, "steps"), ({"steps": 4}, "steps"), ({"target_reach": 0}, "target_reach"),
    ({"target_reach": 1.5}, "target_reach"), ({"target_core_share": -0.1}, "target_core_share"),
    ({"target_core_share": float("nan")}, "target_core_share"),
    ({"min_engagement": "keen"}, "min_engagement"), ({"colour": "red"}, "colour"),
    ({"event_window_days": 6}, "event_window_days"),
    ({"event_window_days": 366}, "event_window_days"),
    ({"event_window_days": 30.5}, "event_window_days"),
])
def test_a_bad_setting_is_refused_naming_its_field(values: dict[str, object], field: str
                                                   ) -> None:
    with pytest.raises(ValidationError) as caught:
        MapSettings(**values)  # type: ignore[arg-type]
    assert [e["loc"][0] for e in caught.value.errors()] == [field]


def test_an_unknown_engagement_level_in_the_options_is_refused() -> None:
    with pytest.raises(ValueError, match="min_engagement"):
        AnalysisOptions(min_engagement="keen")  # type: ignore[arg-type]


def test_stored_values_read_back_as_the_same_settings() -> None:
    settings = MapSettings(steps=2, min_engagement="leading")
    assert MapSettings.from_stored(settings.stored()) == settings
    assert MapSettings.from_stored({}) == MapSettings()


def test_a_copy_of_the_map_takes_its_settings_along() -> None:
    source, target = SQLiteStore("sqlite:///:memory:"), SQLiteStore("sqlite:///:memory:")
    maps = UseCases(source, Actor("lead@example.org", "test"), today=date(2026, 6, 1))
    maps.create_constituency(Constituency(name="bay"))
    wanted = MapSettings(steps=2, target_reach=0.8, min_engagement="aware")
    maps.set_settings("bay", wanted)
    copy_constituencies(source, target)
    assert map_settings(target, "bay") == wanted
