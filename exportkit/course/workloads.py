"""Generated scenarios: many profiles qualifying in a burst, for microbatching (M1-M6).

Deterministic for a given seed. The scenarios go through the same checks as a scenario file
(`parse_scenario`), so a policy outside the documented limits is refused here too (M5).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from ..core.model import Scenario, iso
from ..core.rulesets import DEFAULT_RULE_SET, RuleSet
from ..io.loader import parse_scenario

START = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
SEGMENT = "spring-sale"
DESTINATION = {"streaming-segment": "adnet", "streaming-profile": "http-api"}


def qualification_burst(
    n: int,
    *,
    seed: int = 0,
    spread_seconds: int = 600,
    quiet_seconds: int | None = None,
    destination: Literal["streaming-segment", "streaming-profile"] = "streaming-segment",
    aggregation: dict[str, Any] | None = None,
    rules: RuleSet = DEFAULT_RULE_SET,
) -> Scenario:
    """`n` profiles qualify for one mapped segment within `spread_seconds` of 09:01 (whole
    seconds, several may share one). With `quiet_seconds`, a segment evaluation follows the last
    qualification after that long: a quiet tail that moves the clock without exporting anyone.

    The destination is `adnet` (streaming segment) or `http-api` (streaming profile), with
    `aggregation` as a scenario file would give it, or its type's default when None.
    """
    if n < 1:
        raise ValueError("a burst needs at least one profile")
    if spread_seconds < 0:
        raise ValueError("spread_seconds cannot be negative")
    rng = random.Random(seed)
    first = START + timedelta(minutes=1)
    offsets = sorted(rng.randint(0, spread_seconds) for _ in range(n))
    width = len(str(n))
    ids = [f"p{i:0{width}d}" for i in range(1, n + 1)]
    events: list[dict[str, Any]] = [
        {"at": iso(first + timedelta(seconds=s)), "profile": p, "qualify": SEGMENT}
        for p, s in zip(ids, offsets, strict=True)
    ]
    if quiet_seconds is not None:
        last = first + timedelta(seconds=offsets[-1] + quiet_seconds)
        events.append({"at": iso(last), "evaluate": {}})
    dest: dict[str, Any] = {
        "id": DESTINATION[destination],
        "type": destination,
        "segments": [SEGMENT],
        "attributes": ["person.name.firstName"],
    }
    if destination == "streaming-segment":
        dest["identities"] = ["email"]
    if aggregation is not None:
        dest["aggregation"] = aggregation
    data = {
        "name": f"burst-{n}",
        "description": f"{n} profiles qualify for {SEGMENT} within {spread_seconds} s, seed {seed}",
        "rules": rules,
        "start": iso(START),
        "segments": [{"id": SEGMENT, "name": "Spring sale"}],
        "profiles": [
            {
                "id": p,
                "identities": {"email": [f"{p}@example.com"]},
                "attributes": {"person.name.firstName": p.upper()},
            }
            for p in ids
        ],
        "destinations": [dest],
        "events": events,
    }
    return parse_scenario(json.dumps(data), source="qualification_burst", json_text=True)


__all__ = ["qualification_burst"]
