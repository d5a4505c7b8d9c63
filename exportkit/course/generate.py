"""Synthetic workloads: valid, realistic scenarios of any size, seeded and reproducible.

The scenario has one destination of each type (an HTTP API, an advertising network with consent
enforcement, a cloud-storage batch destination with an incremental and a full segment on daily
schedules) and an event mix of qualifications, exits, attribute updates (some overwriting with the
same value), identity churn, consent changes and daily evaluations. Large scenarios are meant to be
written as JSON (`write_scenario`), which loads far faster than YAML.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from ..core.events import ADD_IDENTITY, CONSENT, EVALUATE, EXIT, QUALIFY, REMOVE_IDENTITY, SET, UNSET
from ..core.rulesets import DEFAULT_RULE_SET

SEGMENTS = [
    {"id": "delorean-owners", "name": "Customer with DeLorean Cars"},
    {"id": "city-dallas", "name": "City - Dallas"},
    {"id": "site-active", "name": "Basic Site Active"},
    {"id": "bttf-watchers", "name": "Watched Back to the Future"},
    {"id": "scifi-fans", "name": "Science fiction fans", "merge_policy": "movies"},
]
TIERS = ["bronze", "silver", "gold", "platinum"]
FIRST = ["Marty", "Emmett", "Jennifer", "Biff", "George", "Lorraine", "Clara", "Jules", "Verne"]
LAST = ["McFly", "Brown", "Parker", "Tannen", "Baines", "Clayton", "Strickland"]

# (kind, weight): the event mix.
MIX = [
    (QUALIFY, 24),
    (EXIT, 12),
    (SET, 26),
    ("same", 6),  # a set that restates the value the profile holds
    (UNSET, 2),
    (ADD_IDENTITY, 9),
    (REMOVE_IDENTITY, 6),
    (CONSENT, 4),
    (EVALUATE, 0),
]


def destinations() -> list[dict[str, Any]]:
    return [
        {
            "id": "http-api",
            "name": "HTTP API",
            "type": "streaming-profile",
            "segments": ["delorean-owners", "city-dallas", "site-active"],
            "attributes": [
                "person.name.firstName",
                "person.name.lastName",
                "personalEmail.address",
                "loyalty.tier",
            ],
        },
        {
            "id": "adnet",
            "name": "Advertising network",
            "type": "streaming-segment",
            "segments": ["delorean-owners", "city-dallas"],
            "identities": ["email"],
            "attributes": ["person.name.firstName", "loyalty.tier"],
            "consent_enforcement": True,
        },
        {
            "id": "s3",
            "name": "Amazon S3",
            "type": "batch",
            "segments": [
                {"id": "delorean-owners", "mode": "incremental", "schedule": {"every": "day", "at": "17:00"}},
                {"id": "city-dallas", "mode": "full", "schedule": {"every": "day", "at": "18:00"}},
            ],
            "attributes": ["person.name.firstName", "person.name.lastName", "loyalty.tier"],
            "identity": None,
            "include_status": True,
            "format": "csv",
        },
    ]


def generate_scenario(
    profiles: int, events: int, seed: int = 1, tick_seconds: int | None = None
) -> dict[str, Any]:
    """A scenario document (plain data, ready for JSON) with `profiles` profiles and `events`
    events, identical for identical arguments. Events are `tick_seconds` apart (default: spread
    over a week, at least one second apart); an evaluation runs once per scenario day."""
    if profiles < 1 or events < 0:
        raise ValueError("need at least one profile and a non-negative number of events")
    rng = random.Random(seed)
    tick = tick_seconds or max(1, 7 * 86400 // max(events, 1))
    people = [_profile(i, rng) for i in range(profiles)]
    held: list[set[str]] = [set(k for k, v in p["segments"].items() if v != "exited") for p in people]
    emails = [list(p["identities"].get("email", [])) for p in people]
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    per_day = max(1, 86400 // tick)
    out: list[dict[str, Any]] = []
    segment_ids = [s["id"] for s in SEGMENTS]
    for i in range(events):
        if i and i % per_day == 0:
            out.append({"evaluate": {}})
            continue
        n = rng.randrange(profiles)
        pid = people[n]["id"]
        kind = rng.choices(kinds, weights)[0]
        if kind == QUALIFY:
            seg = rng.choice(segment_ids)
            held[n].add(seg)
            out.append({"profile": pid, "qualify": seg})
        elif kind == EXIT:
            seg = rng.choice(sorted(held[n])) if held[n] else rng.choice(segment_ids)
            held[n].discard(seg)
            out.append({"profile": pid, "exit": seg})
        elif kind == SET:
            out.append(
                {
                    "profile": pid,
                    "set": {"loyalty.tier": rng.choice(TIERS)}
                    if rng.random() < 0.6
                    else {"loyalty.points": rng.randrange(10_000)},
                }
            )
        elif kind == "same":
            out.append(
                {
                    "profile": pid,
                    "set": {"person.name.lastName": people[n]["attributes"]["person.name.lastName"]},
                }
            )
        elif kind == UNSET:
            out.append({"profile": pid, "unset": ["loyalty.points"]})
        elif kind == ADD_IDENTITY:
            ns = rng.choice(["email", "email", "phone"])
            value = f"{pid}.{i}@example.com" if ns == "email" else f"+1555{i:07d}"
            if ns == "email":
                emails[n].append(value)
            out.append({"profile": pid, "add_identity": {ns: value}})
        elif kind == REMOVE_IDENTITY:
            if emails[n]:
                out.append(
                    {
                        "profile": pid,
                        "remove_identity": {"email": emails[n].pop(rng.randrange(len(emails[n])))},
                    }
                )
            else:
                out.append({"profile": pid, "add_identity": {"email": f"{pid}.{i}@example.com"}})
        else:
            out.append({"profile": pid, "consent": rng.choice(["out", "in", "in"])})
    return {
        "name": f"generated-{profiles}p-{events}e-s{seed}",
        "description": f"Synthetic workload: {profiles} profiles, {events} events, seed {seed}.",
        "rules": DEFAULT_RULE_SET,
        "start": "2025-03-03T09:00:00Z",
        "tick_seconds": tick,
        "segments": SEGMENTS,
        "profiles": people,
        "destinations": [{k: v for k, v in d.items() if v is not None} for d in destinations()],
        "events": out,
    }


def _profile(i: int, rng: random.Random) -> dict[str, Any]:
    pid = f"p{i:07d}"
    segments = {}
    for s in SEGMENTS:
        r = rng.random()
        if r < 0.12:
            segments[s["id"]] = "existing"
        elif r < 0.15:
            segments[s["id"]] = "exited"
    identities: dict[str, list[str]] = {"ecid": [f"{i:012d}"]}
    if rng.random() < 0.8:
        identities["email"] = [f"{pid}@example.com"]
    if rng.random() < 0.3:
        identities["phone"] = [f"+1444{i:07d}"]
    attributes: dict[str, Any] = {
        "person.name.firstName": rng.choice(FIRST),
        "person.name.lastName": rng.choice(LAST),
        "loyalty.tier": rng.choice(TIERS),
    }
    if "email" in identities:
        attributes["personalEmail.address"] = identities["email"][0]
    if rng.random() < 0.5:
        attributes["loyalty.points"] = rng.randrange(10_000)
    return {
        "id": pid,
        "identities": identities,
        "attributes": attributes,
        "segments": segments,
        "consent": "out" if rng.random() < 0.03 else "in",
    }


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def write_scenario(document: dict[str, Any], path: str | Path) -> Path:
    """Write a generated scenario; `.json` (compact) unless the name ends in .yaml/.yml."""
    path = Path(path)
    if path.suffix in (".yaml", ".yml"):
        import yaml

        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    else:  # compact JSON, but one profile and one event a line: errors can name a useful line
        head = {k: v for k, v in document.items() if k not in ("profiles", "events")}
        with path.open("w", encoding="utf-8") as out:
            out.write(_compact(head)[:-1])
            for key in ("profiles", "events"):
                items = document.get(key, [])
                out.write(f',"{key}":[\n')
                out.write(",\n".join(_compact(item) for item in items))
                out.write("\n]")
            out.write("}\n")
    return path


__all__ = ["destinations", "generate_scenario", "write_scenario"]
