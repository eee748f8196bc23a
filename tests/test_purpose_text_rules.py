"""The two readings of a purpose's words, on many hand-made cases (and the seed examples)."""

from __future__ import annotations

import pytest

from graph.purpose.text_rules import aim_matches, service_role_matches
from graph.purpose.warnings import check_text

READS_LIKE_AIM = [
    ("By 1st April 2021, we will transfer every patient to the right place within 24 hours",
     {"date", "deadline"}),
    ("Reduce delayed discharges by 20% by March", {"date", "percentage", "change_by_amount"}),
    ("Cut waiting times by half", {"change_by_amount"}),
    ("95% of people seen within four hours", {"percentage", "deadline"}),
    ("Everyone discharged before the end of the year", {"date"}),
    ("By 2025 no one waits", {"date"}),
    ("halve the number of falls", {"change_by_amount"}),
    ("Meet the four-hour target", {"deadline", "target_words"}),
    ("Full compliance with the discharge standard", {"target_words"}),
    ("Success is measured by readmissions", {"target_words"}),
    ("Care plans agreed no later than day three", {"deadline"}),
    ("Start on 3 May 2024", {"date"}),
    ("increase uptake by at least 10 per cent", {"percentage", "change_by_amount"}),
    ("Reviewed every 01/04/2025", {"date"}),
    ("Beds free within 2 days", {"deadline"}),
]

READS_AS_PURPOSE = [
    "every person in a hospital bed gets mobilised when they are ready",
    "Everyone can live the life they want, at home, with the people they love",
    "reduce loneliness by listening to each other",
    "We want people to feel at home in May Street",
    "Nobody is left behind and everyone is heard",
    "we may all march together for a fairer town",
    "by working together we get people home",
    "since March I have felt listened to",
    "so that children grow up safe and loved",
    "We believe every voice matters",
]


@pytest.mark.parametrize(("text", "rules"), READS_LIKE_AIM)
def test_a_target_with_a_date_or_a_measure_reads_like_an_aim(text: str, rules: set[str]
                                                             ) -> None:
    assert {m.rule for m in aim_matches(text)} == rules


@pytest.mark.parametrize("text", READS_AS_PURPOSE)
def test_a_why_without_dates_or_measures_does_not_read_like_an_aim(text: str) -> None:
    assert aim_matches(text) == []


SERVICE_ROLES = [
    ("We will provide a 24/7 discharge service", "we_provide"),
    ("We shall deliver joined-up care", "we_provide"),
    ("We aim to offer every family a named worker", "we_provide"),
    ("We are committed to commission better services", "we_provide"),
    ("we provide care closer to home", "we_provide"),
    ("The service will ensure people are safe", "service_as_subject"),
    ("Our community team delivers support", "service_as_subject"),
    ("The trust is committed to excellence", "service_as_subject"),
    ("Patients will receive a call within a week", "provided_to"),
    ("Support will be provided at home", "provided_to"),
    ("Everyone will be seen by the right person", "provided_to"),
]

SHARED_PURPOSES = [
    "We want everyone to feel at home, wherever they are",
    "we will be brave together",
    "People live well at home with the people they love",
    "every person in a hospital bed gets mobilised when they are ready",
    "We believe that every child deserves to be safe",
    "the people we serve feel in control of their lives",
    "on the ward we feel like a family",
    "we all run the race together",
]


@pytest.mark.parametrize(("text", "rule"), SERVICE_ROLES)
def test_the_service_as_subject_reads_like_a_service_role(text: str, rule: str) -> None:
    assert rule in {m.rule for m in service_role_matches(text)}


@pytest.mark.parametrize("text", SHARED_PURPOSES)
def test_what_people_share_does_not_read_like_a_service_role(text: str) -> None:
    assert service_role_matches(text) == []


def test_check_text_explains_the_difference_and_offers_to_move_it_to_an_aim() -> None:
    found = check_text("By 1st April 2021, we will transfer every patient within 24 hours")
    assert [w.kind for w in found] == ["reads_like_aim"]
    assert "an aim is a target with a date and a measure" in found[0].message
    assert found[0].evidence["offer"] == "move_to_aim"
    assert {"rule": "deadline", "words": "within 24 hours"} in found[0].evidence["matches"]
    assert check_text("every person in a hospital bed gets mobilised when they are ready") == []
