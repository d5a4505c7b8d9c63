"""The one replay driver: entries in time order, the same from a stream or a finished replay,
and what a selection keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportkit import load_scenario, replay
from exportkit.core.engine import Due, End, Opening, Step, timeline
from exportkit.core.selection import Selection, parse_steps

ROOT = Path(__file__).resolve().parent.parent
DELOREAN = load_scenario(ROOT / "datasets" / "delorean.yaml")


def shape(entry):
    if isinstance(entry, Opening):
        return ("opening", len(entry.decisions), len(entry.messages))
    if isinstance(entry, Due):
        return ("due", entry.after, entry.at, len(entry.files), len(entry.messages))
    if isinstance(entry, Step):
        return ("step", entry.index, len(entry.files), len(entry.messages))
    return ("end", entry.at, len(entry.messages), [n.as_dict() for n in entry.next_files])


def test_streamed_entries_are_those_of_a_finished_replay():
    assert [shape(e) for e in timeline(DELOREAN)] == [shape(e) for e in replay(DELOREAN).timeline]


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


@pytest.mark.parametrize("name", ["delorean", "microbatching", "streaming_media"])
def test_a_counting_reader_gets_the_same_messages_without_their_bodies(name):
    """`record_bodies=False` (what `run --summary` asks for): the same messages, each with its
    profiles, sender and reasons; an export waiting in a buffer keeps no decision, so reading a
    body it did not keep fails loudly instead of saying nothing was sent."""
    scenario = load_scenario(ROOT / "datasets" / f"{name}.yaml")
    full, lean = list(timeline(scenario)), list(timeline(scenario, record_bodies=False))
    assert [shape(e) for e in lean] == [shape(e) for e in full]
    sent = [
        (a, b) for x, y in zip(full, lean, strict=True) for a, b in zip(x.messages, y.messages, strict=True)
    ]
    assert sent  # the scenario sends messages
    for a, b in sent:
        assert (b.destination, b.sent_at, b.profiles, b.trigger, b.group) == (
            a.destination,
            a.sent_at,
            a.profiles,
            a.trigger,
            a.group,
        )
        assert [r.as_dict() for r in b.reasons] == [r.as_dict() for r in a.reasons]
        assert a.body  # the full replay builds each body when read
    ungrouped = [b for _, b in sent if not b.group]
    assert ungrouped
    with pytest.raises(ValueError, match="kept no message bodies"):
        _ = ungrouped[0].body


def test_entries_are_in_time_order_and_end_with_the_end():
    times = []
    items = list(timeline(DELOREAN))
    assert isinstance(items[0], Opening) and isinstance(items[-1], End)
    for entry in items[1:-1]:
        times.append(entry.at)
        times += [f.at for f in entry.files] + [m.sent_at for m in entry.messages]
    assert times == sorted(times)
    dues = [e for e in items if isinstance(e, Due)]
    assert all(f.at == d.at for d in dues for f in d.files)
    assert all(m.sent_at == d.at for d in dues for m in d.messages)
    assert any(f.at.hour == 17 for d in dues for f in d.files)  # the 17:00 files, on their own
    for step in (e for e in items if isinstance(e, Step)):  # a step holds only what its event made
        assert all(f.at == step.at for f in step.files)
        assert all(m.sent_at == step.at for m in step.messages)


def test_a_finished_replay_is_its_timeline():
    result = replay(DELOREAN)
    assert result.steps == [e for e in result.timeline if isinstance(e, Step)]
    assert result.messages() == [m for e in result.timeline for m in e.messages]
    assert result.files() == [f for e in result.timeline for f in e.files]
    # each clock entry is filed after the step before it, and a step's record holds it
    assert [d for dues in result.clock for d in dues] == [e for e in result.timeline if isinstance(e, Due)]
    files = result.record(21).all_files  # step 21, then the 17:00 files before step 22's event
    assert [f.at.hour for f in files] == [17, 17]


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
