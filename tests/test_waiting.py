"""What waits when a scenario ends (B-T3, B-T6, B-I3), and what fell due before each event."""

from __future__ import annotations

import pytest

from tests.factories import at, make_batch, run_scenario
from tests.factories import make_batch_profile as make_profile

DAILY = {"every": "day", "at": "17:00"}


def _next(events, segments, rules="seed"):
    result = run_scenario(
        [make_profile("p"), make_profile("q")], events, [make_batch(segments=segments)], rules
    )
    assert result.end is not None
    return result.end.next_files


@pytest.mark.parametrize(
    ("case", "events", "segments", "rule", "profiles", "due"),
    [
        (
            "first incremental file not made yet: the whole population",
            [{"profile": "p", "qualify": "s1", "at": at(1)}],
            [{"id": "s1", "mode": "incremental", "schedule": DAILY}],
            "B-I3",
            [],
            "2025-03-03T17:00:00Z",
        ),
        (
            "after the first file, the qualifier waits for the next one",
            [{"run": "s3", "at": at(1)}, {"profile": "p", "qualify": "s1", "at": at(2)}],
            [{"id": "s1", "mode": "incremental", "schedule": DAILY}],
            "B-T6",
            ["p"],
            "2025-03-03T17:00:00Z",
        ),
        (
            "an attribute change waits for no incremental file (B-T7)",
            [
                {"profile": "p", "qualify": "s1", "at": at(1)},
                {"run": "s3", "at": at(2)},
                {"profile": "p", "set": {"loyalty.tier": "silver"}, "at": at(3)},
            ],
            [{"id": "s1", "mode": "incremental", "schedule": DAILY}],
            "B-T6",
            [],
            "2025-03-03T17:00:00Z",
        ),
        (
            "past the day's file, the next day's",
            [{"run": "s3", "at": at(1)}, {"profile": "q", "qualify": "s1", "at": at(9)}],
            [{"id": "s1", "mode": "incremental", "schedule": DAILY}],
            "B-T6",
            ["q"],
            "2025-03-04T17:00:00Z",
        ),
        (
            "a full file: its time, no list",
            [{"profile": "p", "qualify": "s1", "at": at(1)}],
            [{"id": "s1", "mode": "full", "schedule": DAILY}],
            "B-I1",
            [],
            "2025-03-03T17:00:00Z",
        ),
        (
            "no schedule: no time",
            [{"run": "s3", "at": at(1)}, {"profile": "p", "qualify": "s1", "at": at(2)}],
            [{"id": "s1", "mode": "incremental"}],
            "B-T6",
            ["p"],
            None,
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else "",
)
def test_next_file_of_each_segment(case, events, segments, rule, profiles, due):
    (nxt,) = _next(events, segments)
    assert (nxt.reason.rule, list(nxt.profiles)) == (rule, profiles)
    assert nxt.as_dict()["due"] == due
    if due is None:
        assert "no schedule" in nxt.reason.text


def test_files_due_before_an_event_are_entries_apart_from_the_events_own():
    segments = [{"id": "s1", "mode": "incremental", "schedule": DAILY}]
    result = run_scenario(
        [make_profile("p")],
        [{"profile": "p", "qualify": "s1", "at": at(1)}, {"run": "s3", "at": at(9)}],
        [make_batch(segments=segments)],
    )
    last = result.steps[-1]
    (due,) = result.clock[1]  # after step 1, before step 2's run
    assert [f.trigger for f in due.files] == ["scheduled"] and due.at == due.files[0].at
    assert [f.trigger for f in last.files] == ["run"]
    assert [f.trigger for f in result.files()] == ["scheduled", "run"]
