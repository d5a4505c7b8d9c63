"""The benchmark's yardstick is honest: its plain loop exports exactly what the engine exports.

`make bench` compares the whole `exportkit run --summary` with a plain, explanation-free loop
(issue 9). A loop that decided fewer exports, or none, would make the engine look slow for the
wrong reason, and one that decided more would flatter nothing: both would make the ratio a lie.
No time is measured here.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from exportkit.core.rulesets import RULE_SETS, settings_of
from exportkit.core.timeline import timeline
from exportkit.course.generate import generate_scenario, write_scenario
from exportkit.io.loader import load_scenario
from exportkit.text.summary import Summary

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench.py"


def _bench():
    spec = importlib.util.spec_from_file_location("exportkit_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _engine_exports(path: Path) -> int:
    summary = Summary.of(scenario := load_scenario(path))
    for entry in timeline(scenario):
        summary.add(entry)
    return sum(n for (_, exported, _), n in summary.verdicts.items() if exported)


# The plain loop (bench/) copies the streaming rules up to V5: not C8's restatements (2026).
@pytest.mark.parametrize("rules", [r for r in RULE_SETS if not settings_of(r).same_value_restatements])
@pytest.mark.parametrize("seed", [3, 11])
def test_the_plain_loop_exports_what_the_engine_exports(tmp_path, rules, seed):
    document = generate_scenario(400, 3_000, seed)
    document["rules"] = rules
    path = write_scenario(document, tmp_path / "w.json")
    expected = _engine_exports(path)
    assert expected > 100  # the workload exports enough for the comparison to mean something
    assert _bench().measure_baseline(str(path))["exported"] == expected


def test_the_plain_loop_builds_a_payload_for_every_export(tmp_path, monkeypatch):
    bench = _bench()
    built = []
    nest = bench._nest
    monkeypatch.setattr(bench, "_nest", lambda flat: built.append(flat) or nest(flat))
    path = write_scenario(generate_scenario(200, 1_000, 5), tmp_path / "w.json")
    done = bench.measure_baseline(str(path))
    assert done["exported"] == len(built) > 0
    # each payload has at least its segmentMembership and identityMap
    assert done["payload_keys"] >= 2 * done["exported"]
    assert json.loads(json.dumps(nest({"a.b": 1, "a.c": 2}))) == {"a": {"b": 1, "c": 2}}
