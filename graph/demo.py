"""A believable demo constituency: an integrated care system around a bay, with planted gaps.

``movemap demo`` stores it so that a change lead can try every command without their own data.
The map is made up, but shaped like a real one: five towns, three services and five
communities; many more givers of service and people than system leaders; ties clustered within
towns and organisations; a small engaged core (about 2%) grown through recruitment chains; two
mobilisers with ties across every group; a few lone wolves; and the gaps real maps often have,
so the analysis has something true to say:

- ``locality:Millom`` is expected but nobody from there is on the map (``segment_missing``);
- the Gypsy and Traveller community is on the map but nobody in the core is in conversation
  with any of them (``segment_unreached``);
- the Deaf community is connected to the core through one BSL peer supporter alone
  (``single_point_of_failure``);
- a parents' group in Ulverston knows each other but nobody else (``unreached_component``);
- lone wolves who have pushed for years with almost no engaged allies (``lone_wolf_at_risk``);
- a core with almost no lived experience, and ties to system leaders mostly without
  flow-of-value trust.

Its dates tell a story of the last two years (``graph.demo_story``): a slow start, a celebrity
recruiter early on, a workshop followed by a wave of joiners, and organisers whose recruits
recruit in turn.

Pure Python and deterministic for a seed: no I/O, only ``random.Random(seed)``.

Example:
    >>> constituency, people, relationships = demo_constituency(seed=7, size=300)
    >>> constituency.name, len(people)
    ('demo', 300)
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from graph.demo_limits import DEMO_NAME, MAX_SIZE, MIN_SIZE
from graph.demo_story import tell_story
from graph.model import Constituency, Engagement, Group, Person, Relationship, Role

__all__ = ["DEMO_AS_OF", "DEMO_NAME", "MAX_SIZE", "MIN_SIZE", "demo_constituency"]

DEMO_AS_OF = date(2026, 6, 30)
"""The default "today" of the demo: joined dates fall in the six years before it."""

DESCRIPTION = (
    "A made-up integrated care system around a bay in the north west of England: five towns, "
    "hospital, mental health and community services, GP practices, the council and voluntary "
    "groups, with the gaps a real map often has. Created by 'movemap demo'."
)

LOCALITIES: tuple[str, ...] = ("Barrow", "Kendal", "Lancaster", "Morecambe", "Ulverston")
_LOCALITY_WEIGHTS = (0.22, 0.19, 0.28, 0.21, 0.10)
EMPTY_LOCALITY = "Millom"
SERVICES: tuple[str, ...] = ("mental_health", "maternity", "primary_care")
COMMUNITIES: tuple[str, ...] = ("Deaf", "Polish", "Gypsy_Traveller", "Young_carers", "South_Asian")

EXPECTED_SEGMENTS: tuple[str, ...] = (
    *(f"locality:{place}" for place in (*LOCALITIES, EMPTY_LOCALITY)),
    *(f"community:{c}" for c in COMMUNITIES),
    *(f"service:{s}" for s in SERVICES),
)

# -- names ------------------------------------------------------------------------------------

_FIRST = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Freya", "Ella", "Sophie", "Emily",
    "Chloe", "Lucy", "Hannah", "Ruth", "Margaret", "Susan", "Karen", "Julie", "Claire", "Helen",
    "Sarah", "Rachel", "Joanne", "Nicola", "Gemma", "Siobhan", "Niamh", "Ffion", "Eilidh",
    "Abena", "Chiamaka", "Funmi", "Grace", "Zainab", "Yasmin", "Leah", "Carys", "Jade", "Megan",
    "Oliver", "George", "Harry", "Jack", "Noah", "Leo", "Arthur", "Oscar", "Thomas", "James",
    "William", "Daniel", "Samuel", "Joseph", "David", "Michael", "Peter", "Paul", "Mark",
    "Andrew", "Stephen", "Gareth", "Rhys", "Callum", "Ewan", "Liam", "Connor", "Sean", "Kwame",
    "Tunde", "Emeka", "Kofi", "Jamal", "Marcus", "Dylan", "Kieran", "Tom", "Ben", "Alex", "Sam",
)
_LAST = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Harrison", "Atkinson", "Dixon", "Armstrong", "Hodgson", "Fell",
    "Postlethwaite", "Tyson", "Hartley", "Airey", "Nelson", "Kelly", "Murphy", "O'Brien",
    "Campbell", "Stewart", "MacDonald", "Reid", "Hughes", "Morgan", "Griffiths", "Lewis",
    "Okafor", "Mensah", "Adeyemi", "Owusu", "Bello", "Francis", "Grant", "Baptiste", "Chen",
    "Wong", "Li", "Nguyen", "Hussain", "Ali", "Ahmed", "Rahman", "Cole", "Barker", "Lord",
)
_FIRST_POLISH = (
    "Agnieszka", "Katarzyna", "Magdalena", "Anna", "Joanna", "Monika", "Ewa", "Zofia", "Marta",
    "Tomasz", "Piotr", "Krzysztof", "Marek", "Pawel", "Jakub", "Michal", "Lukasz", "Wojciech",
)
_LAST_POLISH = (
    "Nowak", "Kowalski", "Wisniewski", "Wojcik", "Kowalczyk", "Kaminski", "Lewandowski",
    "Zielinski", "Szymanski", "Wozniak", "Dabrowski", "Kozlowski", "Jankowski", "Mazur",
)
_FIRST_SOUTH_ASIAN = (
    "Priya", "Aisha", "Fatima", "Sana", "Nadia", "Anjali", "Meera", "Noor", "Samina", "Ruksana",
    "Mohammed", "Imran", "Arjun", "Rohan", "Sanjay", "Tariq", "Bilal", "Hamza", "Ravi", "Amir",
)
_LAST_SOUTH_ASIAN = (
    "Patel", "Khan", "Begum", "Hussain", "Sharma", "Singh", "Kaur", "Ahmed", "Iqbal", "Mistry",
    "Chaudhry", "Malik", "Shah", "Akhtar", "Gill", "Desai",
)
_LAST_TRAVELLER = (
    "Lee", "Smith", "Boswell", "Lovell", "Price", "Cooper", "Loveridge", "Ayres", "Doran",
    "McDonagh", "Ward", "Joyce", "Buckley", "Stanley",
)

# -- organisations ----------------------------------------------------------------------------

_HOSPITALS = "Bay Hospitals NHS Foundation Trust"
_MENTAL_HEALTH = "Lakes and Bay Mental Health Trust"
_COMMUNITY_TRUST = "Bay Community Health Services"
_COUNCIL = "Bay County Council"
_ICB = "Bay Integrated Care Board"
_HOSPICE = "Bayview Hospice"
_AMBULANCE = "Bay Ambulance Service"
_CVS = "Bay Voluntary Action"
_GP_STREETS = ("Castle Street", "Station Road", "Market Place", "Abbey Road", "Queen Street",
               "Priory Lane")
_VOLUNTARY = (
    "Bay Carers Network",
    "Furness Peer Support Network",
    "Morecambe Maternity Voices",
    "Kendal Food Bank",
    "Lancaster Refugee and Migrant Forum",
    "Bay Polish Community Association",
    "South Asian Women's Health Circle",
    "Young Carers Bay",
)


# -- the builder ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Spec:
    """A person being made up; turned into a ``Person`` once ids are dealt out."""

    group: Group
    name: str
    locality: str
    kind: str = "general"  # general, deaf, deaf_bridge, traveller, island, isolate, lone_wolf
    organisation: str = ""
    segments: list[str] = field(default_factory=list)
    other_groups: list[Group] = field(default_factory=list)
    formal_power: int = 0
    informal_power: int = 0
    lived_experience: bool = False
    engagement: Engagement = Engagement.UNENGAGED
    role: Role | None = None
    joined: date | None = None
    claimed: bool = False  # already given a part (leader, recruit, contributor): pick no more

    @property
    def in_core(self) -> bool:
        return self.engagement is Engagement.LEADING or self.role is not None

    @property
    def engaged(self) -> bool:
        return self.engagement.rank >= Engagement.CONTRIBUTING.rank or self.role is not None

    @property
    def org_key(self) -> str:
        return f"{self.organisation}|{self.locality}" if self.organisation else ""


@dataclass(slots=True)
class _Tie:
    source: int
    target: int
    relational: int
    functional: int
    flow_of_value: int
    recruited: bool
    since: date | None


def _scaled(size: int, per_800: float, minimum: int) -> int:
    return max(minimum, round(size * per_800 / 800))


class _Builder:
    """Makes up the people, then the ties, in a fixed order so one seed gives one map."""

    def __init__(self, seed: int, size: int, as_of: date) -> None:
        self.rng = random.Random(seed)
        self.size = size
        self.as_of = as_of
        self.specs: list[_Spec] = []
        self.ties: dict[tuple[int, int], _Tie] = {}

    # -- small helpers ------------------------------------------------------------------------

    def name(self, community: str | None = None) -> str:
        rng = self.rng
        if community == "Polish":
            return f"{rng.choice(_FIRST_POLISH)} {rng.choice(_LAST_POLISH)}"
        if community == "South_Asian":
            return f"{rng.choice(_FIRST_SOUTH_ASIAN)} {rng.choice(_LAST_SOUTH_ASIAN)}"
        if community == "Gypsy_Traveller":
            return f"{rng.choice(_FIRST)} {rng.choice(_LAST_TRAVELLER)}"
        return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"

    def locality(self) -> str:
        return self.rng.choices(LOCALITIES, weights=_LOCALITY_WEIGHTS)[0]

    def days_ago(self, low_years: float, high_years: float) -> date:
        days = self.rng.randint(int(low_years * 365), int(high_years * 365))
        return self.as_of - timedelta(days=days)

    def after(self, start: date | None, max_days: int = 500) -> date:
        """A date after ``start`` (or in the last six years) and not after ``as_of``."""
        if start is None:
            return self.days_ago(0, 6)
        room = (self.as_of - start).days
        return start + timedelta(days=self.rng.randint(0, max(0, min(room, max_days))))

    def add(self, spec: _Spec) -> int:
        self.specs.append(spec)
        return len(self.specs) - 1

    def tie(self, a: int, b: int, *, recruited: bool = False) -> bool:
        """Record a tie from ``a`` to ``b`` unless the two are already tied; True if added."""
        if a == b:
            return False
        key = (a, b) if a < b else (b, a)
        if key in self.ties:
            return False
        sa, sb = self.specs[a], self.specs[b]
        rng = self.rng
        same_org = bool(sa.organisation) and sa.organisation == sb.organisation
        power_gap = (sa.group is Group.SYSTEM_LEADERS) != (sb.group is Group.SYSTEM_LEADERS)
        if recruited:
            relational, functional = rng.randint(2, 3), rng.randint(1, 3)
            flow = rng.choices((0, 1, 2, 3), weights=(1, 3, 4, 2))[0]
        else:
            relational = rng.choices((0, 1, 2, 3), weights=(1, 3, 4, 2))[0]
            functional = (
                rng.choices((1, 2, 3), weights=(2, 4, 3))[0] if same_org
                else rng.choices((0, 1, 2, 3), weights=(2, 4, 3, 1))[0]
            )
            flow = (
                rng.choices((0, 1, 2), weights=(7, 2, 1))[0] if power_gap
                else rng.choices((0, 1, 2, 3), weights=(1, 4, 4, 1))[0]
            )
        known = [d for d in (sa.joined, sb.joined) if d is not None]
        if recruited and sb.joined is not None:
            since: date | None = sb.joined  # the day the recruit joined
        else:
            since = self.after(max(known), 400) if known else None
        self.ties[key] = _Tie(a, b, relational, functional, flow, recruited, since)
        return True

    # -- people -------------------------------------------------------------------------------

    def person(self, group: Group, kind: str = "general", locality: str | None = None,
               community: str | None = None) -> _Spec:
        """A made-up person of ``group`` with an organisation, segments, power and a join date."""
        rng = self.rng
        place = locality or self.locality()
        spec = _Spec(group=group, name=self.name(community), locality=place, kind=kind)
        spec.segments.append(f"locality:{place}")
        if community:
            spec.segments.append(f"community:{community}")
        if group is Group.PEOPLE:
            spec.lived_experience = rng.random() < 0.72
            spec.informal_power = rng.choices((0, 1, 2, 3), weights=(60, 28, 9, 3))[0]
            if rng.random() < 0.45:
                spec.segments.append(
                    "service:" + rng.choices(SERVICES, weights=(4, 2, 5))[0]
                )
            if rng.random() < 0.22:
                spec.organisation = rng.choice(_VOLUNTARY[:5])
            if rng.random() < 0.06:
                spec.other_groups.append(Group.GIVERS_OF_SERVICE)
        elif group is Group.GIVERS_OF_SERVICE:
            spec.organisation, service = rng.choices(
                (
                    (_HOSPITALS, "maternity"), (_HOSPITALS, ""), (_MENTAL_HEALTH, "mental_health"),
                    (_COMMUNITY_TRUST, "primary_care"), ("GP", "primary_care"), (_COUNCIL, ""),
                    (_HOSPICE, ""), (_AMBULANCE, ""), ("voluntary", ""),
                ),
                weights=(8, 20, 14, 10, 20, 10, 3, 5, 10),
            )[0]
            if spec.organisation == "GP":
                spec.organisation = f"{rng.choice(_GP_STREETS[:3])} Surgery, {place}"
            elif spec.organisation == "voluntary":
                spec.organisation = rng.choice(_VOLUNTARY)
            if service:
                spec.segments.append(f"service:{service}")
            spec.formal_power = rng.choices((0, 1, 2), weights=(70, 25, 5))[0]
            spec.informal_power = rng.choices((0, 1, 2, 3), weights=(55, 33, 10, 2))[0]
            spec.lived_experience = rng.random() < 0.15
            if rng.random() < 0.08:
                spec.other_groups.append(Group.PEOPLE)
        else:
            spec.organisation = rng.choices(
                (_ICB, _HOSPITALS, _MENTAL_HEALTH, _COUNCIL, _COMMUNITY_TRUST, _CVS, _HOSPICE),
                weights=(5, 5, 3, 4, 2, 1, 1),
            )[0]
            if rng.random() < 0.4:
                spec.segments.append("service:" + rng.choice(SERVICES))
            spec.formal_power = rng.choices((1, 2, 3), weights=(2, 5, 3))[0]
            spec.informal_power = rng.choices((0, 1, 2), weights=(4, 4, 2))[0]
            spec.lived_experience = rng.random() < 0.05
        spec.engagement = rng.choices(
            (Engagement.UNENGAGED, Engagement.AWARE, Engagement.SUPPORTING), weights=(33, 38, 29)
        )[0]
        spec.joined = None if rng.random() < 0.04 else self.days_ago(0, 6)
        return spec

    def general_people(self, counts: dict[Group, int]) -> None:
        rng = self.rng
        community_share = {
            Group.PEOPLE: (("Polish", 0.06), ("South_Asian", 0.08), ("Young_carers", 0.05)),
            Group.GIVERS_OF_SERVICE: (("Polish", 0.04), ("South_Asian", 0.05)),
            Group.SYSTEM_LEADERS: (("South_Asian", 0.04),),
        }
        for group, count in counts.items():
            for _ in range(count):
                community = None
                draw = rng.random()
                for name, share in community_share[group]:
                    if draw < share:
                        community = name
                        break
                    draw -= share
                spec = self.person(group, community=community)
                if community == "Young_carers":
                    spec.lived_experience = True
                    spec.organisation = "Young Carers Bay" if rng.random() < 0.5 else ""
                elif community == "Polish" and rng.random() < 0.3:
                    spec.organisation = spec.organisation or "Bay Polish Community Association"
                elif community == "South_Asian" and group is Group.PEOPLE and rng.random() < 0.3:
                    spec.organisation = "South Asian Women's Health Circle"
                self.add(spec)

    # -- the engaged core, contributors and recruitment chains --------------------------------

    def pick(self, pool: list[int], group: Group | None = None,
             locality: str | None = None) -> int:
        """A random general person not yet given a part, optionally of a group and place."""

        def fits(i: int) -> bool:
            s = self.specs[i]
            return (
                (group is None or s.group is group)
                and (locality is None or s.locality == locality)
                and not s.claimed
            )

        for _ in range(200):  # rejection sampling keeps a 100,000-person demo fast
            i = self.rng.choice(pool)
            if fits(i):
                break
        else:
            candidates = [i for i in pool if fits(i)] or [
                i for i in pool if not self.specs[i].claimed
            ]
            i = self.rng.choice(candidates)
        self.specs[i].claimed = True
        return i

    def lead(self, i: int, role: Role | None, joined: date) -> None:
        """Put person ``i`` in the core; like most of it, without lived experience."""
        s = self.specs[i]
        s.role, s.engagement, s.joined = role, Engagement.LEADING, joined
        s.lived_experience = False  # the planted gap: a core of professionals
        if s.group is Group.PEOPLE or role is not None:
            s.informal_power = max(s.informal_power, 2)

    def make_core(
        self, general: list[int], core_size: int, declared_lone_wolves: int
    ) -> dict[str, list[int]]:
        """Choose the core: organisers (each grows a leader), mobilisers and other leaders."""
        organisers = _scaled(self.size, 3, 1)
        mobilisers = _scaled(self.size, 2, 1)
        chosen: dict[str, list[int]] = {"organiser": [], "mobiliser": [], "leading": []}
        organiser_groups = (Group.GIVERS_OF_SERVICE, Group.GIVERS_OF_SERVICE, Group.SYSTEM_LEADERS)
        for k in range(organisers):
            i = self.pick(general, organiser_groups[k % 3])
            self.lead(i, Role.ORGANISER, self.days_ago(4, 6))
            chosen["organiser"].append(i)
        for k in range(mobilisers):
            i = self.pick(general, (Group.PEOPLE, Group.GIVERS_OF_SERVICE)[k % 2])
            self.lead(i, Role.MOBILISER, self.days_ago(2, 5))
            self.specs[i].informal_power = 3
            chosen["mobiliser"].append(i)
        self.recruitment_chains(chosen["organiser"], general)
        leading = core_size - 2 * organisers - mobilisers - declared_lone_wolves
        leader_groups = (Group.SYSTEM_LEADERS, Group.GIVERS_OF_SERVICE, Group.SYSTEM_LEADERS,
                         Group.GIVERS_OF_SERVICE, Group.PEOPLE, Group.GIVERS_OF_SERVICE)
        for k in range(max(0, leading)):
            i = self.pick(general, leader_groups[k % len(leader_groups)])
            self.lead(i, None, self.days_ago(1, 6))
            chosen["leading"].append(i)
        return chosen

    def recruitment_chains(self, organisers: list[int], general: list[int]) -> None:
        """Each organiser grew a leader and a contributor; they brought in others in turn."""
        for org in organisers:
            place = self.specs[org].locality
            grown = self.recruit(org, general, place, Engagement.LEADING)
            self.lead(grown, None, self.specs[grown].joined or self.as_of)
            contributor = self.recruit(org, general, place, Engagement.CONTRIBUTING)
            self.recruit(org, general, place, Engagement.SUPPORTING)
            self.recruit(org, general, place, Engagement.AWARE)
            # second generation: the grown leader and the contributor recruit too
            second = self.recruit(grown, general, place, Engagement.CONTRIBUTING)
            self.recruit(grown, general, place, Engagement.SUPPORTING)
            self.recruit(grown, general, place, Engagement.AWARE)
            self.recruit(contributor, general, place, Engagement.CONTRIBUTING)
            # third generation
            self.recruit(second, general, place, Engagement.SUPPORTING)
            self.recruit(second, general, place, Engagement.AWARE)

    def recruit(self, recruiter: int, general: list[int], place: str,
                level: Engagement) -> int:
        """``recruiter`` brought a person of their town into the movement, now at ``level``."""
        i = self.pick(general, locality=place)
        s = self.specs[i]
        s.engagement = level
        s.joined = self.after(self.specs[recruiter].joined, 600)
        self.tie(recruiter, i, recruited=True)
        return i

    def contributors(self, general: list[int], count: int) -> None:
        rng = self.rng
        for _ in range(count):
            group = rng.choices(tuple(Group), weights=(40, 50, 10))[0]
            s = self.specs[self.pick(general, group)]
            s.engagement = Engagement.CONTRIBUTING
            if s.joined is None or rng.random() < 0.5:
                s.joined = self.days_ago(0, 4)

    # -- ties ---------------------------------------------------------------------------------

    def general_ties(self, general: list[int], core: set[int], mobilisers: list[int]) -> None:
        """Ties clustered by organisation, town and community; core members and mobilisers
        have many more, mobilisers across every group and town."""
        rng = self.rng
        by_org: dict[str, list[int]] = {}
        by_place: dict[str, list[int]] = {}
        by_segment: dict[str, list[int]] = {}
        engaged_by_place: dict[str, list[int]] = {}
        for i in general:
            s = self.specs[i]
            if s.org_key:
                by_org.setdefault(s.org_key, []).append(i)
            by_place.setdefault(s.locality, []).append(i)
            for seg in s.segments[1:]:
                by_segment.setdefault(seg, []).append(i)
            if s.engaged:
                engaged_by_place.setdefault(s.locality, []).append(i)
        counts = (1, 2, 3, 4, 5, 6, 8, 12, 18)
        weights = (15, 20, 20, 15, 10, 8, 6, 4, 2)
        for i in general:
            s = self.specs[i]
            if i in mobilisers:
                for _ in range(rng.randint(45, 55)):
                    self.tie(i, rng.choice(general))
                continue
            ties = rng.choices(counts, weights=weights)[0]
            if i in core:
                ties = rng.randint(14, 20)
            for _ in range(ties):
                draw = rng.random()
                org_pool = by_org.get(s.org_key, ())
                if draw < 0.40 and len(org_pool) > 1:
                    pool: Sequence[int] = org_pool
                elif draw < 0.78:
                    pool = by_place[s.locality]
                elif draw < 0.90 and len(s.segments) > 1:
                    pool = by_segment[rng.choice(s.segments[1:])]
                else:
                    pool = general
                self.tie(i, rng.choice(pool))
            if s.engaged:  # people who contribute work with others who do
                mates = engaged_by_place[s.locality]
                for _ in range(2):
                    self.tie(i, rng.choice(mates))

    def cluster(self, members: list[int], extra: float = 1.0) -> None:
        """Tie a small group into one connected cluster: a ring plus a few chords."""
        k = len(members)
        for a, b in zip(members, members[1:] + members[:1], strict=True):
            self.tie(a, b)
        for _ in range(int(k * extra)):
            self.tie(self.rng.choice(members), self.rng.choice(members))

    def cover_segments(self, general: list[int], core: list[int]) -> None:
        """Make sure every segment of the general population has someone the core talks to,
        so the only unreached segments are the planted ones."""
        rng = self.rng
        core_set = set(core)
        neighbours: set[int] = set()
        for a, b in self.ties:
            if a in core_set:
                neighbours.add(b)
            if b in core_set:
                neighbours.add(a)
        members: dict[str, list[int]] = {}
        for i in general:
            for seg in self.specs[i].segments:
                members.setdefault(seg, []).append(i)
        for seg in sorted(members):
            if not any(i in neighbours or i in core_set for i in members[seg]):
                target = rng.choice(members[seg])
                self.tie(rng.choice(core), target)
                neighbours.add(target)


def demo_constituency(
    seed: int = 7, size: int = 800, *, as_of: date = DEMO_AS_OF
) -> tuple[Constituency, list[Person], list[Relationship]]:
    """Make up the demo constituency: ``size`` people of an integrated care system.

    The same ``seed``, ``size`` and ``as_of`` always give the same map. Joined and since dates
    fall in the six years before ``as_of``; ``movemap demo`` passes today so that a fresh demo
    always looks current.

    Raises ``ValueError`` when ``size`` is outside ``MIN_SIZE``..``MAX_SIZE``.
    """
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"the demo size must be between {MIN_SIZE:,} and {MAX_SIZE:,} people")
    b = _Builder(seed, size, as_of)
    rng = b.rng

    n_deaf = _scaled(size, 14, 6)
    n_traveller = _scaled(size, 12, 5)
    n_island = _scaled(size, 9, 5)
    n_isolates = _scaled(size, 5, 2)
    n_lone = _scaled(size, 4, 2)
    declared_lone = math.ceil(n_lone / 2)
    core_size = max(_scaled(size, 3, 1) + _scaled(size, 2, 1) + declared_lone + 2,
                    round(size * 0.021))

    # The planted clusters first, so the general population fills the group mix around them.
    deaf_bridge = b.add(b.person(Group.GIVERS_OF_SERVICE, "deaf_bridge", "Barrow", "Deaf"))
    bridge = b.specs[deaf_bridge]
    bridge.organisation = "Furness Peer Support Network"
    bridge.engagement, bridge.joined = Engagement.CONTRIBUTING, b.days_ago(0.5, 1.5)
    deaf = [
        b.add(b.person(Group.PEOPLE, "deaf", rng.choice(("Barrow", "Ulverston")), "Deaf"))
        for _ in range(n_deaf - 1)
    ]
    traveller = [
        b.add(b.person(Group.PEOPLE, "traveller", rng.choice(("Lancaster", "Morecambe")),
                       "Gypsy_Traveller"))
        for _ in range(n_traveller)
    ]
    island = [b.add(b.person(Group.PEOPLE, "island", "Ulverston")) for _ in range(n_island)]
    for i in island:
        s = b.specs[i]
        s.organisation, s.lived_experience = "", True
        s.segments = ["locality:Ulverston", "service:maternity"]
    isolates = [
        b.add(b.person(rng.choice((Group.PEOPLE, Group.GIVERS_OF_SERVICE)), "isolate"))
        for _ in range(n_isolates)
    ]
    lone_groups = (Group.PEOPLE, Group.GIVERS_OF_SERVICE, Group.PEOPLE, Group.GIVERS_OF_SERVICE)
    lone = [b.add(b.person(lone_groups[k % 4], "lone_wolf")) for k in range(n_lone)]
    for k, i in enumerate(lone):
        s = b.specs[i]
        s.engagement, s.joined = Engagement.CONTRIBUTING, b.days_ago(4, 6)
        s.role = Role.LONE_WOLF if k < declared_lone else None
        # one carer in the core has lived experience, so the core has "little", not "none",
        # where the core is big enough for one person not to be a fair share already
        s.lived_experience = s.group is Group.PEOPLE and (k > 0 or core_size >= 10)
        s.informal_power = max(s.informal_power, 1)
    for i in (*deaf, *traveller, *island, *isolates):
        s = b.specs[i]
        if s.engagement.rank > Engagement.SUPPORTING.rank:
            s.engagement = Engagement.SUPPORTING

    targets = {
        Group.PEOPLE: round(size * 0.43),
        Group.SYSTEM_LEADERS: round(size * 0.085),
    }
    targets[Group.GIVERS_OF_SERVICE] = size - sum(targets.values())
    for s in b.specs:
        targets[s.group] -= 1
    first_general = len(b.specs)
    b.general_people(targets)
    general = list(range(first_general, len(b.specs)))

    chosen = b.make_core(general, core_size, declared_lone)
    already = sum(1 for i in general if b.specs[i].engaged) + n_lone + 1
    b.contributors(general, max(0, round(size * 0.09) - already))
    core = [i for i in general if b.specs[i].in_core]
    b.general_ties(general, set(core), chosen["mobiliser"])

    # The Deaf community: tied among themselves, and to the rest only through the bridge.
    b.cluster([deaf_bridge, *deaf], extra=1.2)
    b.tie(deaf_bridge, rng.choice([i for i in core if b.specs[i].group is not Group.PEOPLE]))
    barrow = [i for i in general if b.specs[i].locality == "Barrow" and not b.specs[i].engaged]
    for _ in range(2):
        b.tie(deaf_bridge, rng.choice(barrow))
    # Gypsy and Traveller families: tied among themselves and to a few front-line staff the core
    # does not talk to; nobody in the core reaches them.
    b.cluster(traveller, extra=1.0)
    core_set = set(core)
    core_neighbours = {x for a, c in b.ties for x in (a, c) if a in core_set or c in core_set}
    front_line = [
        i for i in general
        if b.specs[i].group is Group.GIVERS_OF_SERVICE and i not in core_neighbours
        and not b.specs[i].engaged and b.specs[i].locality in ("Lancaster", "Morecambe")
    ]
    for _ in range(max(2, n_traveller // 5)):
        b.tie(rng.choice(traveller), rng.choice(front_line))
    # A parents' group in Ulverston: a world of its own.
    b.cluster(island, extra=0.8)
    # Lone wolves: years of effort, ties to people who are not (yet) engaged, one ally at most.
    not_engaged = [i for i in general if not b.specs[i].engaged and i not in core_neighbours]
    engaged = [i for i in general if b.specs[i].engaged and not b.specs[i].in_core]
    for i in lone:
        for _ in range(rng.randint(2, 5)):
            b.tie(i, rng.choice(not_engaged))
        b.tie(i, rng.choice(engaged))

    b.cover_segments(general, core)
    tell_story(b, chosen["mobiliser"][0], seed)  # the dates of the last two years' story
    return _finish(b)


def _finish(b: _Builder) -> tuple[Constituency, list[Person], list[Relationship]]:
    """Deal out ids in a shuffled order (so ids say nothing about roles) and validate."""
    order = list(range(len(b.specs)))
    b.rng.shuffle(order)
    width = max(4, len(str(len(order))))
    ids = [""] * len(order)
    for position, i in enumerate(order):
        ids[i] = f"p{position + 1:0{width}d}"
    people = [
        Person(
            id=ids[i],
            name=s.name,
            group=s.group,
            other_groups=tuple(s.other_groups),
            organisation=s.organisation,
            segments=tuple(s.segments),
            formal_power=s.formal_power,
            informal_power=s.informal_power,
            lived_experience=s.lived_experience,
            engagement=s.engagement,
            role=s.role,
            joined=s.joined,
        )
        for i, s in enumerate(b.specs)
    ]
    people.sort(key=lambda p: p.id)
    relationships = [
        Relationship(
            source=ids[t.source],
            target=ids[t.target],
            relational=t.relational,
            functional=t.functional,
            flow_of_value=t.flow_of_value,
            recruited=t.recruited,
            since=t.since,
        )
        for t in b.ties.values()
    ]
    relationships.sort(key=lambda r: r.key)
    constituency = Constituency(
        name=DEMO_NAME, description=DESCRIPTION, expected_segments=EXPECTED_SEGMENTS
    )
    return constituency, people, relationships
