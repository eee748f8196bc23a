"""Seeded synthetic constituencies written as the two CSV files, for benchmarks.

Vectorised with numpy: people are spread over localities; most ties stay within a locality
(clustering), degrees are heavy-tailed (a few hubs), and a small core is engaged.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

GROUPS = np.array(["people", "givers_of_service", "system_leaders"])
ENGAGEMENT = np.array(["unengaged", "aware", "supporting", "contributing", "leading"])


def write_constituency(folder: Path, people: int, ties_per_person: int = 10,
                       seed: int = 1) -> tuple[Path, Path]:
    """Write people.csv and relationships.csv with ``people`` rows and ~people×ties rows."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    localities = max(1, people // 2000)
    locality = rng.integers(0, localities, people)
    group = rng.choice(3, people, p=[0.45, 0.45, 0.10])
    engagement = rng.choice(5, people, p=[0.5, 0.25, 0.15, 0.08, 0.02])
    lived = rng.random(people) < np.where(group == 0, 0.6, 0.05)
    formal = np.where(group == 2, rng.integers(1, 4, people), 0)
    informal = np.where(rng.random(people) < 0.05, rng.integers(1, 4, people), 0)
    ids = np.char.add("p", np.arange(people).astype(str))
    p_path = folder / "people.csv"
    with p_path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "group", "segments", "formal_power", "informal_power",
                    "lived_experience", "engagement", "joined"])
        w.writerows(zip(ids.tolist(), ids.tolist(), GROUPS[group].tolist(),
                        [f"locality:L{x}" for x in locality.tolist()], formal.tolist(),
                        informal.tolist(), np.where(lived, "yes", "no").tolist(),
                        ENGAGEMENT[engagement].tolist(), ["2022-01-01"] * people, strict=True))
    m = people * ties_per_person
    # heavy-tailed sources, targets mostly in the same locality
    weights = rng.pareto(1.5, people) + 1
    src = rng.choice(people, m, p=weights / weights.sum())
    order = np.argsort(locality, kind="stable")
    pos = np.empty(people, dtype=np.int64)
    pos[order] = np.arange(people)
    near = order[np.clip(pos[src] + rng.integers(-1000, 1000, m), 0, people - 1)]
    far = rng.integers(0, people, m)
    dst = np.where(rng.random(m) < 0.8, near, far)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    strengths = rng.integers(0, 4, (3, src.shape[0]))
    r_path = folder / "relationships.csv"
    with r_path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "target", "relational", "functional", "flow_of_value"])
        w.writerows(zip(ids[src].tolist(), ids[dst].tolist(), *strengths.tolist(), strict=True))
    return p_path, r_path
