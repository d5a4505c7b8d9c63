"""The explorer replays exactly the scenario's destination, with only the reader's changes
(`exportkit.course.explore.change_destination`), and a link holds those changes."""

from __future__ import annotations

from functools import cache

import pytest

from exportkit.core.engine import Replay, replay
from exportkit.core.model import Scenario, StreamingSegmentDestination
from exportkit.course.explore import change_destination, remap, step_report
from exportkit.course.views.page import explorer_step
from exportkit.io.library import dataset_names, dataset_path
from exportkit.io.loader import load_scenario
from exportkit.ui import App, Explorer


@cache
def scenario(name: str) -> Scenario:
    return load_scenario(dataset_path(name))


@cache
def engine(name: str) -> Replay:
    return replay(scenario(name))


EVERY = [(name, d.id) for name in dataset_names() for d in scenario(name).destinations]


@pytest.mark.parametrize(("name", "destination"), EVERY, ids=[f"{n}-{d}" for n, d in EVERY])
def test_the_explorer_replays_every_destination_as_the_engine_does(name, destination):
    """Fails on the main of 2026-12-07 for microbatching-adnet: remap dropped the aggregation."""
    explorer = Explorer(scenario(name), destination=destination)
    assert explorer.changes == {}
    result, ref = explorer.result, engine(name)
    for step in range(len(ref.steps) + 1):
        assert step_report(result, step, destination) == step_report(ref, step, destination)
        assert explorer_step(result, step, destination) == explorer_step(ref, step, destination)


@pytest.mark.parametrize(("name", "destination"), EVERY, ids=[f"{n}-{d}" for n, d in EVERY])
def test_remapping_a_destination_as_it_is_changes_nothing(name, destination):
    """Fails on the main of 2026-12-07 for microbatching-adnet (its aggregation was dropped)."""
    d = scenario(name).destination(destination)
    assert change_destination(scenario(name), destination, {}).destination(destination) == d
    if d.type != "batch":
        ids = d.identities if isinstance(d, StreamingSegmentDestination) else ()
        same = remap(scenario(name), destination, d.type, d.segments, d.attributes, ids)
        assert same.destination(destination) == d


def test_a_mapping_change_keeps_the_aggregation():
    """The issue's case: microbatching's advertising destination keeps its key (segment and status)."""
    explorer = Explorer(scenario("microbatching"), destination="adnet")
    text = "\n".join(step_report(explorer.result, i, "adnet") for i in range(len(explorer.result.steps) + 1))
    assert "no aggregation given" not in text
    explorer.segments.value = explorer.segments.value[:1]  # one segment fewer
    assert set(explorer.changes) == {"segments"}
    changed = explorer.result.scenario.destination("adnet")
    assert changed.aggregation == scenario("microbatching").destination("adnet").aggregation


def test_every_option_of_the_type_is_offered_and_a_change_reaches_the_replay():
    explorer = Explorer(scenario("delorean"), destination="adnet")
    assert set(explorer.options.values()) == {
        "consent_enforcement",
        "same_value_overwrite_triggers",
        "include_unchanged_segments",
        "aggregation",
    }
    explorer.destination.value = "s3"
    assert set(explorer.options.values()) >= {"segments", "dedup_key", "max_rows", "file_name", "format"}
    explorer.destination.value = "http-api"
    assert set(explorer.options.values()) == {
        "include_segment_names",
        "include_segment_timestamps",
        "aggregation",
    }
    box = next(
        c
        for c in explorer.options.widget.children
        if "include segment names" in getattr(c, "description", "")
    )
    box.value = not box.value
    assert explorer.changes == {"include_segment_names": box.value}
    assert explorer.result.scenario.destination("http-api").include_segment_names is box.value


def test_an_invalid_option_is_refused_with_a_sentence_and_the_view_stays():
    explorer = Explorer(scenario("delorean"), destination="s3")
    before = explorer.result
    box = next(c for c in explorer.options.widget.children if "max rows" in getattr(c, "description", ""))
    box.value = "0"
    assert "not a valid destination" in explorer.notice and "max_rows" in explorer.notice
    assert explorer.result is before


def test_a_link_holds_the_options_changed_and_reopens_them():
    app = App("microbatching", destination="adnet")
    app.explorer.type.value = "streaming-profile"
    link = app.address
    assert "options=" in link
    other = App()
    other.follow(link)
    assert other.explorer.changes == app.explorer.changes
    assert other.explorer.text == app.explorer.text
    assert other.address == link


def test_the_demo_opens_a_scenario_file_and_an_upload_with_located_errors(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text(dataset_path("backfill").read_text())
    app = App(scenario_file=mine)
    assert app.picker.value == "mine" and app.picker.options[0] == "mine"
    assert app.explorer.scenario == scenario("backfill")
    app.load_file("broken.yaml", b"name: x\nsegments: []\nprofiles: []\ndestinations: []\nevents: 3\n")
    assert app.notice.startswith("Cannot use this file: broken.yaml:5: events:")
    app.load_file("delorean.yaml", dataset_path("delorean").read_bytes())
    assert app.picker.value == "delorean (your file)" and "delorean (your file)" in app.names


def test_an_option_the_rule_set_decides_is_a_choice_not_an_empty_box():
    """same_value_overwrite_triggers is unset until a scenario writes it (A3, C8): the demo showed
    an empty text box a reader could not fill; it is a choice of three, the unset one first."""
    explorer = Explorer(scenario("delorean"), destination="adnet")
    box = next(
        c for c in explorer.options.widget.children if "same value overwrite" in getattr(c, "description", "")
    )
    assert [label for label, _ in box.options] == ["as the rule set decides", "yes", "no"]
    assert box.value == "" and explorer.changes == {}
    box.value = "yes"
    assert explorer.changes == {"same_value_overwrite_triggers": True}
    assert explorer.result.scenario.destination("adnet").same_value_overwrite_triggers is True
    box.value = ""
    assert explorer.changes == {}


def test_only_the_chosen_policys_limits_are_shown_each_with_its_default():
    explorer = Explorer(scenario("microbatching"), destination="adnet")
    limits = {
        c.description: c
        for box in explorer.options.widget.children
        for row in getattr(box, "children", ())
        for c in getattr(row, "children", ())
        if isinstance(getattr(c, "placeholder", None), str) and c.description.startswith("max")
    }
    shown = {name for name, box in limits.items() if box.layout.display != "none"}
    assert shown == {"max batch age seconds", "max events in batch"}  # configurable (M5)
    assert limits["max users per request"].placeholder == "default 10"
