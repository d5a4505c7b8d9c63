"""G1 (documented limits) and B-I7c (advice on deduplication keys): warnings, never errors, from
the 2026 documentation (`core/guardrails.py`)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import yaml

from exportkit.core.guardrails import warnings
from exportkit.core.rulesets import RULE_SETS, settings_of

from .factories import SEGMENTS, make_batch, make_enterprise, make_scenario

X_SEGMENTS = [{"id": f"x{i}", "name": f"X{i}"} for i in range(251)]
MANY_SEGMENTS = SEGMENTS + X_SEGMENTS
MANY_ATTRIBUTES = [f"a.f{i}" for i in range(51)]


def _batch_many(n: int, **overrides: Any) -> dict[str, Any]:
    return make_batch(segments=[{"id": f"x{i}", "mode": "full"} for i in range(n)], **overrides)


# (id, scenario overrides, events, expected warnings as (place, rule))
CASES = [
    (
        "51 mapped attributes",
        {"destinations": [make_enterprise(attributes=MANY_ATTRIBUTES)]},
        [],
        [("destinations[0].attributes", "G1")],
    ),
    (
        "251 segments on one destination",
        {
            "segments": MANY_SEGMENTS,
            "destinations": [make_enterprise(segments=[s["id"] for s in X_SEGMENTS])],
        },
        [],
        [("destinations[0].segments", "G1")],
    ),
    (
        "101 destinations",
        {"destinations": [make_enterprise(id=f"e{i}") for i in range(101)]},
        [],
        [("destinations", "G1")],
    ),
    (
        "81 segments in one Export file now, over 100 activated (A26)",
        {
            "segments": MANY_SEGMENTS,
            "destinations": [
                _batch_many(81, dedup_key=["personalEmail.address"]),
                _batch_many(30, id="t3", dedup_key=["personalEmail.address"]),
            ],
        },
        [{"export_now": "s3"}],
        [("destinations[0].segments", "G1"), ("destinations", "G1")],
    ),
    (
        "B-I7c scheduled, no key",
        {
            "destinations": [
                make_batch(
                    segments=[{"id": "s1", "mode": "full", "schedule": {"every": "day", "at": "17:00"}}]
                )
            ]
        },
        [],
        [("destinations[0]", "B-I7c")],
    ),
    (
        "B-I7c scheduled, with a key",
        {
            "destinations": [
                make_batch(
                    dedup_key=["personalEmail.address"],
                    segments=[{"id": "s1", "mode": "full", "schedule": {"every": "day", "at": "17:00"}}],
                )
            ]
        },
        [],
        [],
    ),
    (
        "B-I7c scheduled, an identity column is the key",
        {
            "destinations": [
                make_batch(
                    identity="email",
                    segments=[{"id": "s1", "mode": "full", "schedule": {"every": "day", "at": "17:00"}}],
                )
            ]
        },
        [],
        [],
    ),
    ("B-I7c runs given as events only", {"destinations": [make_batch()]}, [], []),
    ("within every limit", {}, [], []),
]


@pytest.mark.parametrize(
    ("overrides", "events", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
@pytest.mark.parametrize("rules", list(RULE_SETS))
def test_warnings_by_rule_set(overrides, events, expected, rules):
    found = [(w.place, w.rule) for w in warnings(make_scenario(events, **overrides), rules)]
    settings = settings_of(rules)
    wanted = [(p, r) for p, r in expected if settings.limit_warnings or r != "G1"]
    wanted = [(p, r) for p, r in wanted if settings.dedup_key_advice or r != "B-I7c"]
    assert found == wanted


def test_a_warning_names_the_limit():
    scenario = make_scenario([], destinations=[make_enterprise(attributes=MANY_ATTRIBUTES)])
    (w,) = warnings(scenario, "latest")
    assert str(w) == (
        "destinations[0].attributes: 51 mapped attributes on ent, more than the 50 a destination may map (G1)"
    )


def test_the_cli_prints_a_warning_line_and_runs(tmp_path):
    data = {
        "name": "t",
        "rules": "latest",
        "segments": [{"id": "s1", "name": "S1"}],
        "profiles": [{"id": "p", "segments": {"s1": "existing"}}],
        "destinations": [
            {"id": "ent", "type": "streaming-profile", "segments": ["s1"], "attributes": MANY_ATTRIBUTES}
        ],
        "events": [],
    }
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "exportkit", "run", str(path), "--summary"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        f"exportkit: warning: {path}: destinations[0].attributes: 51 mapped attributes on ent, "
        "more than the 50 a destination may map (G1)"
    ]
