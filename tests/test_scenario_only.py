"""`Scenario.only`: the rules decide for each destination alone, so a scenario restricted to some
destinations replays each of them exactly as the whole scenario does: the same decisions (each on
the same event), the same messages, the same files. The audit predicts only the destinations it
audits on this promise."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exportkit.core.engine import End, Opening, Step, timeline
from exportkit.core.events import DELETE, DISABLE, ENABLE, EXPORT_NOW, FLUSH, RUN, Event
from exportkit.core.model import Scenario
from exportkit.core.rulesets import RULE_SETS
from exportkit.course.generate import generate_scenario
from exportkit.io.library import DATASETS, dataset_names, dataset_path
from exportkit.io.loader import build_scenario, load_scenario
from exportkit.text.lines import buffer_text, message_text

DATASET_FILES = [dataset_path(n) for n in dataset_names()] + [
    dataset_path(n, DATASETS / "lessons") for n in dataset_names(DATASETS / "lessons")
]
SCENARIOS = {p.stem: load_scenario(p) for p in DATASET_FILES}


def what_each_destination_sees(scenario: Scenario, whole: Scenario, rules: str) -> dict[str, Any]:
    """Per destination of `scenario` (`whole` restricted, or `whole` itself): its decisions, each
    with the number of its event in `whole` (0: the activation), the runs a paused dataflow skipped
    (L1, in time order: a step takes those of the clock before it), its messages, buffers, files
    and the next file of each segment. A decision on an event `scenario` does not hold is not
    listed as such: what it says of an event another destination's alone."""
    ids = {d.id for d in scenario.destinations}
    numbers = [i + 1 for i, e in enumerate(whole.events) if e.concerns(ids)]  # step -> whole's
    seen: dict[str, dict[str, list[Any]]] = {
        d.id: {k: [] for k in ("decisions", "skipped", "messages", "buffers", "files", "next")}
        for d in scenario.destinations
    }
    for entry in timeline(scenario, rules, record_buffers=True, end=whole.end):
        if isinstance(entry, Opening | Step):
            number = numbers[entry.index] if isinstance(entry, Step) else 0
            for d in entry.decisions:
                said = (d.as_dict(), d.verdict, d.exported)
                if d.verdict == "skipped":
                    seen[d.destination]["skipped"].append(said)
                elif isinstance(entry, Step) and not entry.event.concerns({d.destination}):
                    seen[d.destination]["decisions"].append((number, "not its own", d.exported, d.profile))
                else:
                    seen[d.destination]["decisions"].append((number, said))
            for b in entry.buffers if isinstance(entry, Step) else ():
                seen[b.destination]["buffers"].append((number, b.as_dict(), buffer_text(b)))
        if isinstance(entry, End):
            for d in entry.decisions:
                seen[d.destination]["skipped"].append((d.as_dict(), d.verdict, d.exported))
            for n in entry.next_files:
                seen[n.destination]["next"].append(n.as_dict())
        for m in entry.messages:
            seen[m.destination]["messages"].append((m.as_dict(), [t.plain for t in message_text(m)]))
        for f in entry.files:
            seen[f.destination]["files"].append(f.as_dict())
    return seen


def assert_each_destination_alone_replays_as_in_the_whole(whole: Scenario, rules: str) -> None:
    full = what_each_destination_sees(whole, whole, rules)
    for seen in full.values():  # another destination's event: no export, no profile
        for number, *said in seen["decisions"]:
            if said[0] == "not its own":
                assert said[1:] == [False, ""], (number, said)
    ids = [d.id for d in whole.destinations]
    groups = [[i] for i in ids] + [
        [d.id for d in whole.destinations if (d.type == "batch") is batch] for batch in (False, True)
    ]
    for group in (g for g in groups if g):
        restricted = whole.only(group)
        alone = what_each_destination_sees(restricted, whole, rules)
        assert set(alone) == set(group)
        kept = {0} | {i + 1 for i, e in enumerate(whole.events) if e.concerns(set(group))}
        for dest in group:
            decisions = [x for x in full[dest]["decisions"] if x[0] in kept]
            assert alone[dest] == {**full[dest], "decisions": decisions}, (group, dest)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_each_destination_of_a_bundled_dataset_replays_alone_as_in_the_whole(name):
    scenario = SCENARIOS[name]
    for rules in RULE_SETS:
        assert_each_destination_alone_replays_as_in_the_whole(scenario, rules)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4), st.sampled_from(list(RULE_SETS)))
def test_each_destination_of_a_generated_scenario_replays_alone_as_in_the_whole(seed, spacing, rules):
    document = generate_scenario(20, 150, seed=seed, tick_seconds=spacing * 1800)
    assert_each_destination_alone_replays_as_in_the_whole(build_scenario(document), rules)


@st.composite
def mixed(draw: Any) -> tuple[Scenario, str]:
    """A bundled dataset's events, some left out, with destination events put in anywhere (the
    last one too): runs, flushes, pauses and deletions of any of its destinations."""
    whole = SCENARIOS[draw(st.sampled_from(sorted(SCENARIOS)))]
    events = [e for e in whole.events if e.concerns(()) and draw(st.booleans())]
    for _ in range(draw(st.integers(0, 6))):
        dest = draw(st.sampled_from(whole.destinations))
        kind = draw(st.sampled_from([RUN, EXPORT_NOW] if dest.type == "batch" else [FLUSH]))
        at = draw(st.integers(0, len(events)))
        when = (events[at - 1].at if at else whole.start) + timedelta(minutes=draw(st.integers(0, 90)))
        events.insert(at, Event(when, kind, None, dest.id))
        for later in range(at + 1, len(events)):  # events stay in time order
            if events[later].at < when:
                events[later] = events[later]._replace(at=when)
    if draw(st.booleans()):  # a pause, then its end, the dataflow's deletion, or nothing more
        dest = draw(st.sampled_from(whole.destinations)).id
        first, then = sorted(draw(st.lists(st.integers(0, len(events)), min_size=2, max_size=2)))
        ending = draw(st.sampled_from([ENABLE, DELETE, None]))
        pause = [Event(events[first - 1].at if first else whole.start, DISABLE, None, dest)]
        end = [Event(events[then - 1].at if then else whole.start, ending, None, dest)] if ending else []
        later = [e for e in events[then:] if ending != DELETE or e.value != dest or e.concerns(())]
        events = [*events[:first], *pause, *events[first:then], *end, *later]
    return whole.model_copy(update={"events": tuple(events)}), draw(st.sampled_from(list(RULE_SETS)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed())
def test_each_destination_replays_alone_whatever_events_name_the_others(case):
    scenario, rules = case
    assert_each_destination_alone_replays_as_in_the_whole(scenario, rules)


def test_only_keeps_profiles_segments_and_the_events_of_the_destinations_kept():
    whole = SCENARIOS["delorean"]
    alone = whole.only(["http-api", "not-a-destination"])
    assert [d.id for d in alone.destinations] == ["http-api"]
    assert alone.profiles == whole.profiles and alone.segments == whole.segments
    profile_events = [e._replace(expect=None) for e in whole.events if e.profile is not None]
    assert profile_events == [e._replace(expect=None) for e in alone.events if e.profile is not None]
    assert {e.kind for e in whole.events} - {e.kind for e in alone.events} == {RUN, EXPORT_NOW}
    assert all(set(e.expect or ()) <= {"http-api"} for e in alone.events)
    assert alone.end < whole.end  # its last event was a run of s3
