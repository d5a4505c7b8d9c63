"""The one replay driver: entries in time order, the same from a stream or a finished replay,
and what a selection keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportkit import load_scenario, replay
from exportkit.core.engine import End, Step
from exportkit.core.timeline import Meanwhile, Opening, Selection, entries, item_time, parse_steps, timeline

ROOT = Path(__file__).resolve().parent.parent
DELOREAN = load_scenario(ROOT / "datasets" / "delorean.yaml")


def shape(entry):
    if isinstance(entry, Opening):
        return ("opening", len(entry.decisions), len(entry.messages))
    if isinstance(entry, Meanwhile):
        return ("meanwhile", entry.before, [item_time(i) for i in entry.items])
    if isinstance(entry, Step):
        return (
            "step",
            entry.index,
            len(entry.files),
            len(entry.messages),
            entry.files_due,
            entry.messages_due,
        )
    return ("end", entry.at, len(entry.messages), [n.as_dict() for n in entry.next_files])


def test_streamed_entries_are_those_of_a_finished_replay():
    assert [shape(e) for e in timeline(DELOREAN)] == [shape(e) for e in entries(replay(DELOREAN))]


@pytest.mark.parametrize("name", ["delorean", "microbatching", "streaming_media"])
def test_a_counting_reader_gets_the_same_steps_without_the_buffers_fill(name):
    """`record_buffers=False` (what `run --summary` asks for) leaves out only the buffers' fill."""
    scenario = load_scenario(ROOT / "datasets" / f"{name}.yaml")
    full, lean = list(timeline(scenario)), list(timeline(scenario, record_buffers=False))
    assert [shape(e) for e in lean] == [shape(e) for e in full]
    steps = [(a, b) for a, b in zip(full, lean, strict=True) if isinstance(a, Step)]
    assert any(a.buffers for a, _ in steps)  # the scenario fills a buffer somewhere
    for a, b in steps:
        assert b.buffers == []
        assert [(d.destination, d.verdict, d.rule) for d in a.decisions] == [
            (d.destination, d.verdict, d.rule) for d in b.decisions
        ]


def test_entries_are_in_time_order_and_end_with_the_end():
    times = []
    items = list(timeline(DELOREAN))
    assert isinstance(items[0], Opening) and isinstance(items[-1], End)
    for entry in items[1:-1]:
        if isinstance(entry, Meanwhile):
            times += [item_time(i) for i in entry.items]
        else:
            times.append(entry.event.at)
    assert times == sorted(times)
    blocks = [e for e in items if isinstance(e, Meanwhile)]
    assert any(item_time(i).hour == 17 for b in blocks for i in b.items)  # the 17:00 files, on their own


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3-8", (3, 8)), ("5", (5, 5)), ("3-", (3, None)), ("-8", (0, 8)), ("0", (0, 0))],
)
def test_parse_steps(text, expected):
    assert parse_steps(text) == expected


@pytest.mark.parametrize("text", ["8-3", "a", "1-b", "-"])
def test_parse_steps_refuses(text):
    if text == "-":
        assert parse_steps(text) == (0, None)  # everything: harmless
        return
    with pytest.raises(ValueError, match="--steps"):
        parse_steps(text)


def test_selection_of_a_profile_keeps_its_steps_and_the_files_that_hold_it():
    sel = Selection(profile="doc")
    steps = [e for e in timeline(DELOREAN) if isinstance(e, Step) and sel.concerns(e)]
    kinds = {(e.event.profile, e.event.kind) for e in steps}
    assert ("doc", "exit") in kinds and ("marty", "qualify") not in kinds
    assert (None, "export_now") in kinds  # doc is left out of its full file (B-I2): it concerns doc
    assert (None, "run") not in kinds
