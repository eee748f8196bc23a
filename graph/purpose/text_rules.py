"""Two readings of a purpose's words: does it read like an aim, or like a service role?

A **purpose** says why we act and what we hope to achieve; an **aim** is a target with a date
and a measure. A purpose written with dates, deadlines and percentages has become an aim (and a
purpose made only of aims leaves a *de facto* purpose: targets and compliance). A purpose that
reads as what a service will provide ("we will provide…", "the service will…") describes a
service role rather than what the people of the constituency share.

Both readings are fixed, documented patterns (regular expressions over word lists), so the same
words always give the same answer and a change lead can see which words triggered it. Each
``Match`` names its rule and the words found.

Example:
    >>> [m.rule for m in aim_matches(
    ...     "By 1st April 2021, we will transfer every patient within 24 hours")]
    ['date', 'deadline']
    >>> aim_matches("every person in a hospital bed gets mobilised when they are ready")
    []
    >>> [m.rule for m in service_role_matches("We will provide a 24/7 discharge service")]
    ['we_provide']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["AIM_RULES", "SERVICE_ROLE_RULES", "Match", "aim_matches", "service_role_matches"]

_MONTHS = (r"(?:january|february|march|april|may|june|july|august|september|october|november|"
           r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)")
_ORDINAL = r"(?:\d{1,2}(?:st|nd|rd|th)?)"
_YEAR = r"(?:19|20)\d{2}(?:/\d{2})?\b"
_NUMBER_WORDS = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|"
                 r"thirty|forty|fifty|sixty|a hundred|half|a half|a third|a quarter|"
                 r"two thirds|three quarters)")
_UNITS = r"(?:minutes?|hours?|days?|weeks?|months?|years?|working days?|hrs?)"
_CHANGE_VERBS = (r"(?:reduc|cut|increas|rais|lower|halv|doubl|decreas|improv|grow|shorten|"
                 r"lift|drop|bring down|bring up)\w*")

AIM_RULES: dict[str, str] = {
    "date": (
        rf"\b(?:by|before|until|till)\s+(?:the\s+)?(?:{_ORDINAL}\s+(?:of\s+)?)?{_MONTHS}\b"
        rf"(?:\s+{_ORDINAL}\b)?(?:,?\s+{_YEAR})?"
        rf"|\b{_ORDINAL}\s+(?:of\s+)?{_MONTHS}\b(?:,?\s+{_YEAR})?"
        rf"|\b{_MONTHS}\s+(?:{_ORDINAL},?\s+)?{_YEAR}"
        rf"|\b{_YEAR}"
        r"|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"
        r"|\b(?:by|before)\s+(?:the\s+)?(?:end\s+of\s+)?(?:the\s+|next\s+|this\s+)?"
        r"(?:year|month|quarter|spring|summer|autumn|winter|q[1-4])\b"
    ),
    "deadline": (
        rf"\b(?:within|in\s+under|in\s+less\s+than|no\s+later\s+than|at\s+most|under)\s+"
        rf"(?:\d+|{_NUMBER_WORDS})\s*{_UNITS}\b"
        r"|\bdeadlines?\b|\bno\s+later\s+than\b"
        rf"|\b(?:\d+|{_NUMBER_WORDS})[-\s]{_UNITS}\s+(?:target|wait|standard)\b"
    ),
    "percentage": (
        r"\d+(?:\.\d+)?\s*(?:%|per\s*cent\b|percent\b)|\bpercentage\s+points?\b"
    ),
    "change_by_amount": (
        rf"\b{_CHANGE_VERBS}\b[^.;:]{{0,80}}?\bby\s+(?:at\s+least\s+)?"
        rf"(?:\d+(?:\.\d+)?\s*(?:%|per\s*cent)?|{_NUMBER_WORDS}\b)"
        rf"|\b(?:halve|double|treble|triple)\b"
    ),
    "target_words": (
        r"\b(?:targets?|kpis?|key\s+performance\s+indicators?|trajector(?:y|ies)|"
        r"compliance|comply|complian\w*|metrics?|measured\s+by|benchmark)\b"
    ),
}
"""The patterns that make a purpose read like an aim, by rule name (case is ignored):

- ``date``: a month after "by/before/until" ("by April", "by 1st April 2021"), a day of a
  month ("1st April", "3 May 2024"), a month and year ("April 2021"), a year (2021, 2024/25),
  a written date (01/04/2021), "by the end of the year/next quarter" (a month alone, as in
  "May Street", is not a date);
- ``deadline``: "within 24 hours", "in under two weeks", "no later than", "deadline",
  "four-hour target";
- ``percentage``: "95%", "10 per cent", "percentage points";
- ``change_by_amount``: a verb of change with "by" and an amount ("reduce waits by 20",
  "cut delays by half"), "halve", "double";
- ``target_words``: target, KPI, trajectory, compliance, metric, "measured by", benchmark.
"""

_PROVIDE_VERBS = (r"(?:provide|deliver|offer|commission|run|supply|operate|implement|"
                  r"roll\s+out|introduce|launch|staff|procure)")
_SERVICE_NOUNS = (r"(?:service|services|team|trust|department|clinic|ward|unit|"
                  r"organisation|organization|practice|provider|hospital|system|board|"
                  r"programme|program|staff|workforce)")
SERVICE_ROLE_RULES: dict[str, str] = {
    "we_provide": (
        rf"\bwe\s+(?:will|shall|aim\s+to|are\s+going\s+to|are\s+committed\s+to|commit\s+to|"
        rf"intend\s+to|must|are\s+to|want\s+to|plan\s+to)\s+(?:\w+\s+)?{_PROVIDE_VERBS}\w*\b"
        rf"|\bwe\s+{_PROVIDE_VERBS}(?:s|d)?\b"
    ),
    "service_as_subject": (
        rf"\b(?:the|our|this|a|each|every)\s+(?:\w+\s+)?{_SERVICE_NOUNS}\s+(?:will|shall|"
        rf"must|is\s+to|aims?\s+to|provides?|delivers?|offers?|ensures?|is\s+committed\s+to)\b"
    ),
    "provided_to": (
        r"\b(?:will|shall|must)\s+be\s+(?:provided|delivered|offered|commissioned|seen|"
        r"treated|processed|discharged|assessed)\b"
        r"|\b(?:patients|service\s+users|clients|users|residents)\s+(?:will|shall)\s+"
        r"(?:receive|be\s+given|get\s+access|have\s+access)\b"
    ),
}
"""The patterns that make a purpose read like a service role, by rule name (case ignored):

- ``we_provide``: "we will provide / deliver / offer / commission / run…", "we provide";
- ``service_as_subject``: a service or organisation as the subject ("the service will",
  "our team delivers", "the trust is committed to");
- ``provided_to``: people as the object of the service ("will be provided", "patients will
  receive", "will be seen").
"""

_AIM = {rule: re.compile(pattern, re.IGNORECASE) for rule, pattern in AIM_RULES.items()}
_ROLE = {rule: re.compile(pattern, re.IGNORECASE) for rule, pattern in
         SERVICE_ROLE_RULES.items()}


@dataclass(frozen=True)
class Match:
    """A rule that matched, and the words it matched (as written)."""

    rule: str
    words: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "words": self.words}


def _matches(patterns: dict[str, re.Pattern[str]], text: str) -> list[Match]:
    found: list[Match] = []
    for rule, pattern in patterns.items():
        words = list(dict.fromkeys(m.group(0).strip() for m in pattern.finditer(text)))
        found.extend(Match(rule, w) for w in words if w)
    return found


def aim_matches(text: str) -> list[Match]:
    """Where ``text`` reads like an aim (``AIM_RULES``), in rule order; empty when it does
    not."""
    return _matches(_AIM, text)


def service_role_matches(text: str) -> list[Match]:
    """Where ``text`` reads like a service role (``SERVICE_ROLE_RULES``); empty when not."""
    return _matches(_ROLE, text)
