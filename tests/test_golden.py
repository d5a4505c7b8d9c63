"""Whole scenarios against golden files. Rewrite them with `pytest --update-golden`, then review
the diff like code. No normalisation is applied: the output is deterministic by construction."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportkit import load_scenario, replay, to_json

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = [("delorean", "seed"), ("delorean", "current"), ("delorean", "latest")]


@pytest.mark.parametrize(("name", "rules"), CASES, ids=[f"{n}.{r}" for n, r in CASES])
def test_scenario_matches_golden_json(name, rules, update_golden):
    text = to_json(replay(load_scenario(ROOT / "datasets" / f"{name}.yaml", rules=rules)))
    path = GOLDEN / f"{name}.{rules}.json"
    if update_golden:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


def test_delorean_shows_the_seed_example():
    """Qualifying for "Customer with DeLorean Cars" exports to the HTTP API with all three
    segments in segmentMembership, and to the advertising destination with only the mapped one."""
    result = replay(load_scenario(ROOT / "datasets" / "delorean.yaml"))
    first = result.steps[0]
    assert first.event.kind == "qualify" and first.event.value == "delorean-owners"
    http, adnet = (next(d for d in first.exports if d.destination == x) for x in ("http-api", "adnet"))
    assert set(http.payload["segmentMembership"]["ups"]) == {"delorean-owners", "bttf-watchers", "scifi-fans"}
    assert set(adnet.payload["segmentMembership"]["ups"]) == {"delorean-owners"}


@pytest.mark.parametrize("name", ["delorean", "newsletter_files", "microbatching", "streaming_media"])
def test_every_event_gets_a_decision_for_every_destination(name):
    """Nothing is lost: each step decides once for each destination, profile events or not."""
    scenario = load_scenario(ROOT / "datasets" / f"{name}.yaml")
    ids = sorted(d.id for d in scenario.destinations)
    for step in replay(scenario).steps:
        assert sorted(d.destination for d in step.decisions) == ids, step.event
