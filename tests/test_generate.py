"""The workload generator: valid, reproducible, and a file whose errors name a useful line."""

from __future__ import annotations

import json

from exportkit import load_scenario
from exportkit.course.generate import generate_scenario, write_scenario


def test_same_seed_same_scenario_other_seed_other_scenario():
    assert generate_scenario(40, 500, seed=2) == generate_scenario(40, 500, seed=2)
    assert generate_scenario(40, 500, seed=2) != generate_scenario(40, 500, seed=3)


def test_written_scenario_loads_with_every_kind_of_event_and_destination(tmp_path):
    path = write_scenario(generate_scenario(60, 3000, seed=5), tmp_path / "g.json")
    scenario = load_scenario(path)
    assert len(scenario.profiles) == 60 and len(scenario.events) == 3000
    assert {e.kind for e in scenario.events} >= {
        "qualify",
        "exit",
        "set",
        "unset",
        "add_identity",
        "remove_identity",
        "consent",
        "evaluate",
    }
    assert sorted(d.type for d in scenario.destinations) == [
        "batch",
        "streaming-profile",
        "streaming-segment",
    ]


def test_one_event_a_line_so_errors_point_at_it(tmp_path):
    doc = generate_scenario(5, 20, seed=1)
    path = write_scenario(doc, tmp_path / "g.json")
    lines = path.read_text().splitlines()
    assert json.loads(path.read_text()) == json.loads(json.dumps(doc))
    assert len(lines) == 1 + 5 + 1 + 20 + 1
